/* SPDX-License-Identifier: MIT */
/*
 * notify-pty.h: "/dev/pts/N" named by a requester that holds that
 * pseudo-terminal, or its master: the name ptsname() and ttyname() give
 * for a terminal the command made itself.  The decision is on the
 * descriptor it holds, never on what the name reaches: the policy grants
 * no /dev/pts, so another login's terminal stays refused, as before.
 * Internal to sandbox/.
 */
#ifndef FDBROKER_NOTIFY_PTY_H
#define FDBROKER_NOTIFY_PTY_H

#include "notify-target.h"

/*
 * notify_pty_find: when @path is exactly "/dev/pts/N", the broker's copy
 * of a descriptor of the requesting thread's own table that is either
 * that very terminal (of the devpts mounted at /dev/pts, not yet removed;
 * *@master = 0) or its master (TIOCGPTN says N; *@master = 1).  While it
 * is held, N names no other terminal.  -1 with errno otherwise (ENOENT:
 * not such a name, or the thread holds neither end).
 */
int notify_pty_find(struct notify_call *c, const char *path, int *master);

/*
 * notify_pty_peer: the other end of master @m (TIOCGPTPEER), opened with
 * @flags (O_PATH: to be stat'ed only, opening nothing), close-on-exec and
 * never as the broker's controlling terminal.  -1 with errno (EIO: still
 * locked, as the kernel's open says).
 */
int notify_pty_peer(int m, int flags);

#endif /* FDBROKER_NOTIFY_PTY_H */
