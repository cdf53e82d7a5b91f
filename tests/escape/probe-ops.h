/* SPDX-License-Identifier: MIT */
/*
 * probe-ops.h: the operations the file-side escape tests run inside the
 * sandbox.  tests/escape/probe.c runs them under fdbroker-run (notify
 * transport, open(2) as a raw system call); tests/escape/filecase.c runs
 * the same ones in a library worker (socket transport, fdb_open()).
 *
 * A script is a list of operations separated by ",": for example
 *   open /t/in/file 0 , stat /t/in , thread status /proc/thread-self/status
 * Each operation writes exactly one line "= ERRNO DATA" to the output
 * descriptor: ERRNO is 0 on success, else the errno it got (decimal);
 * DATA says what was seen (for an open: "fd=N cloexec=C fl=0xF c=TEXT",
 * TEXT being the first bytes of the file, '_' for anything but printable
 * non-blank ASCII; "c=!E" when reading failed with errno E).  In paths,
 * "{pid}", "{ppid}", "{tid}" and "{last}" (the last descriptor opened)
 * are replaced.  A descriptor argument is "@" (the last one opened by
 * open, openat2, rawopen or mapfile; openat leaves it, so that several
 * may share a directory), "#N" (descriptor N), "cwd" (AT_FDCWD) or a
 * path opened O_DIRECTORY.
 */
#ifndef FDBROKER_TESTS_PROBE_OPS_H
#define FDBROKER_TESTS_PROBE_OPS_H

#include <sys/types.h>

/* How the probe opens a path: open(2) itself, or fdb_open(). */
typedef int (*probe_open_fn)(void *arg, const char *path, int flags,
			     mode_t mode);

struct probe_io {
	probe_open_fn open;
	void *arg;
	int out;		/* where the result lines go */
	int in;			/* where "wait" reads a line (-1: none) */
};

/*
 * probe_run: run the script in @argv[0..@argc-1].  Returns the number of
 * operations that could not even be decoded (0 when the script is well
 * formed); the result of each operation is in its line.
 */
int probe_run(const struct probe_io *io, int argc, char **argv);

#endif /* FDBROKER_TESTS_PROBE_OPS_H */
