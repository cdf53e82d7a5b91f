/* SPDX-License-Identifier: MIT */
/*
 * landlock.h: what the kernel itself enforces with Landlock (Linux 5.13),
 * so that it holds whatever the command does between the broker's check
 * of a request and the kernel's own lookup: execution limited to the
 * policy's x decisions, exactly (landlock-exec.c), the command kept from
 * signalling processes and reaching abstract unix sockets outside its
 * domain (Landlock ABI 6, Linux 6.12), and the broker's own bound
 * (landlock.c).
 */
#ifndef FDBROKER_LANDLOCK_H
#define FDBROKER_LANDLOCK_H

#include <linux/types.h>

#include "fdbroker.h"

/* Older uapi headers (Debian 12's 6.1) lack the ABI 6 scopes. */
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET	(1ULL << 0)
#endif
#ifndef LANDLOCK_SCOPE_SIGNAL
#define LANDLOCK_SCOPE_SIGNAL			(1ULL << 1)
#endif
#define LANDLOCK_SCOPES	(LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | \
	LANDLOCK_SCOPE_SIGNAL)

/*
 * The most rules the splits of one policy may add (see landlock-exec.c):
 * 16384 entries of the directories on the way to the holes, more than
 * any system directory has (Debian's /usr/bin: about 1300).
 */
#define LANDLOCK_SPLIT_MAX	16384

/*
 * landlock_exec_ruleset: a new ruleset (a close-on-exec descriptor,
 * owned by the caller) that lets execute exactly the files the broker
 * would let @p's x rules execute: by their canonical paths, less what a
 * narrower rule without x (a deny, an r or rw rule) takes out of an x
 * tree.  Such a tree is granted entry by entry, splitting only the
 * directories on the way to the narrower rules; an entry made there
 * later cannot be executed.  Where the kernel has Landlock ABI 6 it is
 * also scoped: no signals to processes outside the domain, no connect()
 * or sendto() to abstract unix sockets they made.  To be built before
 * the caller confines itself (it lists directories), and enforced with
 * landlock_enforce() in the process to confine.  Returns the descriptor,
 * or -1 with errno: EOPNOTSUPP when the kernel has no Landlock (or it is
 * disabled), E2BIG when the splits would need more than
 * LANDLOCK_SPLIT_MAX rules, else the error of the failing call.
 */
int landlock_exec_ruleset(const struct fdb_policy *p);

/*
 * landlock_scope_self: restrict the calling process and its future
 * descendants with Landlock's scopes alone (ABI 6, Linux 6.12): no
 * signals to processes outside its domain, no connect() or sendto() to
 * abstract unix sockets made outside it.  Returns 0, or -1 with errno
 * (EOPNOTSUPP: the kernel has no ABI 6).
 */
int landlock_scope_self(void);

/*
 * landlock_enforce: set no_new_privs and restrict the calling process and
 * its future descendants to @ruleset, which is closed either way.
 * Returns 0, or -1 with errno.
 */
int landlock_enforce(int ruleset);

/*
 * landlock_restrict_broker: restrict the calling process (the broker) and
 * its future descendants to the union of the grants of @p, on the file
 * accesses the running kernel's Landlock ABI knows: r as READ_FILE and
 * READ_DIR, w as WRITE_FILE and TRUNCATE, c as making and removing
 * entries and REFER, x as EXECUTE and READ_FILE; plus read and write
 * beneath /proc; from ABI 6, no signals outside the domain.  Rule paths
 * that do not exist are skipped; deny rules cannot be expressed, so this
 * is an upper bound of the policy, not the policy.  Sets no_new_privs.
 * Descriptors already open keep working.  Returns 0, or -1 with errno:
 * EOPNOTSUPP when the kernel has no Landlock, it is disabled, or its ABI
 * is 1 (see landlock.c), else the error of the failing call.
 */
int landlock_restrict_broker(const struct fdb_policy *p);

/* landlock.c, for landlock-exec.c */

/* landlock_abi: the kernel's Landlock ABI version, 0 without Landlock. */
int landlock_abi(void);

/*
 * landlock_ruleset: a new ruleset handling the file accesses @fs and the
 * scopes @scoped (0 below ABI 6).  Returns the descriptor, or -1 with
 * errno (EOPNOTSUPP without Landlock).
 */
int landlock_ruleset(__u64 fs, __u64 scoped);

/*
 * landlock_add: allow @access beneath @fd (borrowed; a file or a
 * directory) in @ruleset.  Returns 0, or -1 with errno.
 */
int landlock_add(int ruleset, int fd, __u64 access);

#endif /* FDBROKER_LANDLOCK_H */
