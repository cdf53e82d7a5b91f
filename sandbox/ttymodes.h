/* SPDX-License-Identifier: MIT */
/*
 * ttymodes.h: fdbroker-run keeps the user's terminal usable: the modes
 * (termios) of each terminal it shares with the command, on its stdin,
 * stdout or stderr, and its controlling terminal (/dev/tty), saved
 * before the run and put back once the
 * command's processes are gone, as script(1) and ssh(1) do, so that a
 * command that turns echo off or sets raw mode and exits, or is killed,
 * leaves no broken terminal behind.  Internal to sandbox/.
 */
#ifndef FDBROKER_TTYMODES_H
#define FDBROKER_TTYMODES_H

#include <sys/types.h>
#include <termios.h>

#define TTYMODES_MAX	4	/* stdin, stdout, stderr, /dev/tty */

struct ttymodes {
	struct {
		int fd;
		int own;		/* /dev/tty, ours to close */
		dev_t rdev;		/* the terminal, saved once */
		struct termios t;
	} saved[TTYMODES_MAX];
	size_t n;
};

/*
 * Save the modes of the terminals on fds 0, 1 and 2 and of the
 * controlling terminal into @m (which then holds /dev/tty open, if it
 * is none of those, until ttymodes_restore()).
 */
void ttymodes_save(struct ttymodes *m);

/*
 * Put back each saved terminal's modes where they changed, if our
 * process group still has the terminal (it is in the foreground: in the
 * background, the foreground program's modes are not ours to undo).
 * Closes what ttymodes_save() opened; a second call does nothing.
 */
void ttymodes_restore(struct ttymodes *m);

#endif /* FDBROKER_TTYMODES_H */
