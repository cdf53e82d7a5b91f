/* SPDX-License-Identifier: MIT */
/*
 * runlog.c: fdbroker-run's --log writer (runlog.h).  Owns the log's
 * descriptor and two line buffers: the record being written and the one
 * before it, swapped rather than copied.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "fd.h"
#include "runlog.h"

/* Where a record's time stamp lies: {"time":"2026-12-02T00:20:08.078400Z", */
#define TIME_AT		9
#define TIME_LEN	27

struct runlog {
	int fd;
	int own;		/* fd is the --log file's, not stderr's */
	int failed;
	size_t written;
	unsigned long repeats;	/* of the last record, not yet said */
	unsigned long dropped;	/* past the budget */
	struct timespec last;	/* time of the last repeat */
	char *line, *prev;	/* AUDIT_LINE_MAX bytes each */
	size_t prev_len;	/* 0: no record yet */
};

static void	 emit(struct runlog *l, const char *buf, size_t n);
static void	 say_repeats(struct runlog *l);
static const char *stamp(const struct timespec *t, char *buf);
static int	 same_record(const char *a, size_t alen, const char *b,
		    size_t blen);

struct runlog *
runlog_open(const char *file)
{
	struct runlog *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	/* fdbroker-run's own stderr, which need not be descriptor 2. */
	l->fd = fileno(stderr);
	l->own = strcmp(file, "-") != 0;
	if ((l->line = malloc(AUDIT_LINE_MAX)) == NULL ||
	    (l->prev = malloc(AUDIT_LINE_MAX)) == NULL ||
	    (strcmp(file, "-") != 0 && (l->fd = open(file, O_WRONLY |
	    O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644)) == -1)) {
		l->fd = -1;
		(void)runlog_close(l);
		return NULL;
	}
	return l;
}

void
runlog_record(struct runlog *l, const struct fdb_decision *d)
{
	struct timespec now;
	long n;
	char *t;

	clock_gettime(CLOCK_REALTIME, &now);
	if ((n = audit_format(d, &now, l->line, AUDIT_LINE_MAX)) <= 0)
		return;
	if (same_record(l->line, (size_t)n, l->prev, l->prev_len)) {
		l->repeats++;
		l->last = now;
		return;
	}
	say_repeats(l);
	emit(l, l->line, (size_t)n);
	t = l->prev;
	l->prev = l->line;
	l->line = t;
	l->prev_len = (size_t)n;
}

int
runlog_close(struct runlog *l)
{
	struct timespec now;
	char end[160], when[64];
	int n, failed;

	if (l == NULL)
		return 0;
	if (l->fd >= 0) {
		say_repeats(l);
		clock_gettime(CLOCK_REALTIME, &now);
		n = snprintf(end, sizeof(end), "{\"time\":\"%s\","
		    "\"dropped\":%lu}\n", stamp(&now, when), l->dropped);
		/* Said only when something was dropped, whatever the budget. */
		if (l->dropped > 0 && write(l->fd, end, (size_t)n) != n)
			l->failed = 1;
	}
	if (l->own && l->fd >= 0)
		fd_close(l->fd);
	failed = l->failed;
	free(l->line);
	free(l->prev);
	free(l);
	return failed ? (errno = EIO, -1) : 0;
}

/* One write per record, so that O_APPEND keeps lines whole. */
static void
emit(struct runlog *l, const char *buf, size_t n)
{
	if (l->written + n > RUNLOG_BUDGET) {
		l->dropped++;
		return;
	}
	if (write(l->fd, buf, n) != (ssize_t)n)
		l->failed = 1;
	l->written += n;
}

/*
 * The last record again, with the time of its last repeat and how many
 * repeats there were.
 */
static void
say_repeats(struct runlog *l)
{
	char tail[48], when[64];
	size_t n;
	int k;

	if (l->repeats == 0)
		return;
	if (strlen(stamp(&l->last, when)) == TIME_LEN)
		memcpy(l->prev + TIME_AT, when, TIME_LEN);
	/* "...}\n" becomes "...,\"repeated\":N}\n". */
	n = l->prev_len - 2;
	k = snprintf(tail, sizeof(tail), ",\"repeated\":%lu}\n", l->repeats);
	if (n + (size_t)k < AUDIT_LINE_MAX) {
		memcpy(l->prev + n, tail, (size_t)k + 1);
		emit(l, l->prev, n + (size_t)k);
		memcpy(l->prev + n, "}\n", 3);
	}
	l->repeats = 0;
}

/* @t as audit.c writes times, into @buf (64 bytes). */
static const char *
stamp(const struct timespec *t, char *buf)
{
	struct tm tm;

	if (gmtime_r(&t->tv_sec, &tm) == NULL)
		return strcpy(buf, "?");
	snprintf(buf, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, t->tv_nsec / 1000);
	return buf;
}

/* The same record but for its time stamp (same length, same place). */
static int
same_record(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t skip = TIME_AT + TIME_LEN;

	return alen == blen && alen > skip &&
	    memcmp(a + skip, b + skip, alen - skip) == 0;
}
