/* SPDX-License-Identifier: MIT */
/*
 * privsep_worker.c: an example of privilege separation with libfdbroker.
 *
 * privsep_worker [-v] [--try-direct] [-r PATH]... [-p FILE]... FILE...
 * prints line, word and byte counts of each FILE, as wc does.  The
 * parent only holds the policy and brokers; the reading and counting
 * happen in a worker forked with fdb_broker_fork_worker(), locked down
 * before its first instruction, which gets each file through fdb_open().
 * With --try-direct the worker first calls open() itself, to show that
 * the lockdown refuses it.  The exit status is the worker's: 0, 1 when a
 * file could not be counted, 2 when a direct open() wrongly succeeded.
 */
#define _GNU_SOURCE	/* strsignal() */

#include <sys/types.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdbroker.h"

#define PROG		"privsep_worker"

struct job {
	char	**files;
	int	  nfiles;
	int	  try_direct;
};

struct counts {
	uintmax_t	 lines;
	uintmax_t	 words;
	uintmax_t	 bytes;
};

static void	 say(const char *, ...) __attribute__((format(printf, 1, 2)));
static void	 usage(FILE *);
static void	 bad_option(const char *);
static int	 parse_args(struct fdb_policy *, struct job *, int *, int,
		    char *[]);
static void	 decision(const struct fdb_decision *, void *);
static int	 count_fd(int, struct counts *);
static int	 count_file(int, const char *, struct counts *);
static int	 try_direct(const char *);
static int	 worker_main(int, void *);
static int	 broker_main(struct fdb_policy *, struct job *, int);

static const struct option longopts[] = {
	{ "read",	required_argument,	NULL,	'r' },
	{ "policy",	required_argument,	NULL,	'p' },
	{ "try-direct",	no_argument,		NULL,	'd' },
	{ "verbose",	no_argument,		NULL,	'v' },
	{ "help",	no_argument,		NULL,	'h' },
	{ NULL,		0,			NULL,	0 }
};

/* A fixed name: in the build tree libtool runs .libs/lt-PROG. */
static void
say(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	fputs(PROG ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void
usage(FILE *f)
{
	fputs("usage: " PROG " [-v] [--try-direct] [-r PATH]... [-p FILE]..."
	    " FILE...\n"
	    "  -r, --read PATH     let the worker read PATH\n"
	    "  -p, --policy FILE   add the rules in FILE\n"
	    "      --try-direct    the worker tries open() itself first\n"
	    "  -v, --verbose       print each decision on stderr\n", f);
}

static void
bad_option(const char *arg)
{
	say("%s: unknown option or missing argument", arg);
	usage(stderr);
}

/* Returns 1 to go on, 0 after --help, -1 on a usage error. */
static int
parse_args(struct fdb_policy *p, struct job *job, int *verbose, int argc,
    char *argv[])
{
	char	 err[256];
	int	 ch;

	err[0] = '\0';
	opterr = 0;	/* getopt would name the libtool binary */
	while ((ch = getopt_long(argc, argv, "r:p:vh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'r':
			if (fdb_policy_add(p, optarg, FDB_R) == -1) {
				say("-%c '%s': %s", ch, optarg,
				    strerror(errno));
				return -1;
			}
			break;
		case 'p':
			if (fdb_policy_load(p, optarg, err, sizeof(err)) ==
			    -1) {
				say("%s", err[0] != '\0' ? err :
				    strerror(errno));
				return -1;
			}
			break;
		case 'd':
			job->try_direct = 1;
			break;
		case 'v':
			*verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			bad_option(argv[optind - 1]);
			return -1;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return -1;
	}
	job->files = argv + optind;
	job->nfiles = argc - optind;
	return 1;
}

static void
decision(const struct fdb_decision *d, void *arg)
{
	(void)arg;
	if (d->allowed && d->error == 0)
		say("broker: granted %s", d->path);
	else
		say("broker: %s %s: %s", d->allowed ? "failed" : "refused",
		    d->path, strerror(d->error != 0 ? d->error : EACCES));
}

/* Words as POSIX wc counts them: runs of non-space bytes (C locale). */
static int
count_fd(int fd, struct counts *c)
{
	unsigned char	 buf[16384];
	ssize_t		 n, i;
	int		 inword = 0;

	memset(c, 0, sizeof(*c));
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return n;
		c->bytes += n;
		for (i = 0; i < n; i++) {
			if (buf[i] == '\n')
				c->lines++;
			if (isspace(buf[i]))
				inword = 0;
			else if (!inword) {
				inword = 1;
				c->words++;
			}
		}
	}
}

static int
count_file(int chan, const char *file, struct counts *c)
{
	int	 fd, rc, save;

	/* The one way to a file in here: ask the broker. */
	if ((fd = fdb_open(chan, file, O_RDONLY | O_CLOEXEC, 0)) == -1)
		return -1;
	rc = count_fd(fd, c);
	save = errno;
	close(fd);
	errno = save;
	return rc;
}

/* Returns -1 when open() worked, which the lockdown must not allow. */
static int
try_direct(const char *file)
{
	int	 fd;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1) {
		say("worker: direct open(%s) failed: %s", file,
		    strerror(errno));
		return 0;
	}
	close(fd);
	say("worker: direct open(%s) succeeded: the worker is NOT confined",
	    file);
	return -1;
}

/* Runs locked down; its return value is its exit status. */
static int
worker_main(int chan, void *arg)
{
	struct job	*job = arg;
	struct counts	 c, total;
	int		 i, status = 0;

	memset(&total, 0, sizeof(total));
	for (i = 0; i < job->nfiles; i++) {
		if (job->try_direct && try_direct(job->files[i]) == -1)
			status = 2;
		if (count_file(chan, job->files[i], &c) == -1) {
			say("%s: %s", job->files[i], strerror(errno));
			if (status == 0)
				status = 1;
			continue;
		}
		printf("%ju %ju %ju %s\n", c.lines, c.words, c.bytes,
		    job->files[i]);
		total.lines += c.lines;
		total.words += c.words;
		total.bytes += c.bytes;
	}
	if (job->nfiles > 1)
		printf("%ju %ju %ju total\n", total.lines, total.words,
		    total.bytes);
	/* The worker ends with _exit(): stdio is not flushed for us. */
	if (fflush(stdout) == EOF && status == 0)
		status = 1;
	return status;
}

static int
broker_main(struct fdb_policy *p, struct job *job, int verbose)
{
	struct fdb_broker	*b;
	pid_t			 pid;
	int			 st, status = 1;

	if ((b = fdb_broker_new(p)) == NULL) {
		say("broker: %s", strerror(errno));
		return 1;
	}
	if (verbose)
		fdb_broker_set_hook(b, decision, NULL);
	/* Nothing buffered may be written twice, by parent and worker. */
	fflush(NULL);
	if ((pid = fdb_broker_fork_worker(b, worker_main, job)) == -1)
		say("fork: %s", strerror(errno));
	else if (fdb_broker_wait(b, pid, &st) == -1)
		say("wait: %s", strerror(errno));
	else if (WIFEXITED(st))
		status = WEXITSTATUS(st);
	else if (WIFSIGNALED(st)) {
		say("worker killed by signal %d (%s)", WTERMSIG(st),
		    strsignal(WTERMSIG(st)));
		status = 128 + WTERMSIG(st);
	}
	fdb_broker_free(b);
	return status;
}

int
main(int argc, char *argv[])
{
	struct fdb_policy	*p;
	struct job		 job;
	int			 rc, verbose = 0;

	memset(&job, 0, sizeof(job));
	if ((p = fdb_policy_new()) == NULL) {
		say("%s", strerror(errno));
		return 1;
	}
	rc = parse_args(p, &job, &verbose, argc, argv);
	if (rc == 1)
		rc = broker_main(p, &job, verbose);
	else
		rc = rc == 0 ? 0 : 1;
	fdb_policy_free(p);
	return rc;
}
