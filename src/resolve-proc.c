/* SPDX-License-Identifier: MIT */
/*
 * resolve-proc.c: what the walk (resolve.c) does differently under
 * /proc: "self" and "thread-self" name the requester, not the broker,
 * and the requester's own /proc/PID is matched as /proc/self.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/vfs.h>
#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>

#include "resolve-walk.h"

static pid_t	 requester(const struct resolve_ctx *ctx);

/*
 * Is @fd on procfs (and, with @want_root, its root directory)?  The
 * procfs root is the only directory whose inode number is 1 there.
 */
int
resolve_on_procfs(int fd, int want_root)
{
	struct statfs sfs;
	struct stat st;

	if (fstatfs(fd, &sfs) == -1 || sfs.f_type != PROC_SUPER_MAGIC)
		return 0;
	if (!want_root)
		return 1;
	return fstat(fd, &st) == 0 && st.st_ino == 1;
}

/*
 * In the procfs root, "self" and "thread-self" name the *broker*; the
 * requester means its own.  Returns the name to open (the requester's
 * pid, or @name unchanged) and rewrites @name to the logical one: the
 * requester's own /proc/PID is matched as "/proc/self", so a rule on
 * /proc/self covers it whichever way it is asked for.  "thread-self"
 * becomes "self/task/TID" by putting that in front of the rest.
 */
const char *
resolve_proc_alias(struct walk *w, char *name, char *phys, size_t physlen)
{
	char tail[2 * PATH_MAX + 2];
	pid_t pid, tid;
	int n;

	if (w->llen != 5 || strcmp(w->logical, "/proc") != 0 ||
	    !resolve_on_procfs(w->cur, 1))
		return name;
	pid = requester(w->ctx);
	tid = w->ctx->who != NULL && w->ctx->who->tid ? w->ctx->who->tid :
	    pid;
	if (strcmp(name, "thread-self") == 0) {
		if (pid <= 0) {
			errno = ENOENT;
			return NULL;
		}
		memcpy(tail, w->rest, strlen(w->rest) + 1);
		n = snprintf(w->rest, sizeof(w->rest), "task/%d%s%s",
			     (int)tid, tail[0] ? "/" : "", tail);
		if (n < 0 || (size_t)n >= sizeof(w->rest)) {
			errno = ENAMETOOLONG;
			return NULL;
		}
		strcpy(name, "self");
	}
	if (pid > 0 && strcmp(name, "self") != 0) {
		snprintf(phys, physlen, "%d", (int)pid);
		if (strcmp(name, phys) == 0)
			strcpy(name, "self");
	}
	if (strcmp(name, "self") != 0)
		return name;
	if (pid <= 0) {
		errno = ENOENT;
		return NULL;
	}
	snprintf(phys, physlen, "%d", (int)pid);
	return phys;
}

/* The requester's tgid: who->pid_fn finds it when set (0: unknown). */
static pid_t
requester(const struct resolve_ctx *ctx)
{
	const struct requester *who = ctx->who;

	if (who == NULL)
		return 0;
	return who->pid_fn != NULL ? who->pid_fn(who->pid_arg) : who->pid;
}

