/* SPDX-License-Identifier: MIT */
/*
 * audit.c: formats one decision as one JSON object line, and maps errno
 * values to and from their names.  Pure: the caller gives the time and
 * the buffer and does the writing, so a hostile path can be tested here
 * without a broker.  Owns no memory and no descriptor.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit.h"

struct errno_name {
	int value;
	const char *name;
};

#define E(x)	{ x, #x }
static const struct errno_name errno_names[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO),
	E(E2BIG), E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM),
	E(EACCES), E(EFAULT), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV),
	E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY),
	E(ETXTBSY), E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK),
	E(EPIPE), E(ERANGE), E(ENAMETOOLONG), E(ENOSYS), E(ENOTEMPTY),
	E(ELOOP), E(ENODATA), E(EOVERFLOW), E(EPROTO), E(ENOTSOCK),
	E(EDESTADDRREQ), E(EPROTOTYPE), E(EAFNOSUPPORT), E(EADDRINUSE),
	E(EADDRNOTAVAIL), E(ENETUNREACH), E(ECONNABORTED), E(ECONNRESET),
	E(EISCONN), E(ENOTCONN), E(ETIMEDOUT), E(ECONNREFUSED),
	E(EHOSTUNREACH), E(EALREADY), E(EINPROGRESS), E(EOPNOTSUPP),
	E(EDQUOT), E(ECANCELED), E(EOWNERDEAD),
};
#undef E

static int	 put(char **p, size_t *left, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
static int	 put_string(char **p, size_t *left, const char *s);
static const char *perms_letters(unsigned perms, char buf[8]);

const char *
audit_errno_name(int err)
{
	size_t i;

	for (i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++) {
		if (errno_names[i].value == err)
			return errno_names[i].name;
	}
	return NULL;
}

int
audit_errno_value(const char *name)
{
	size_t i;

	for (i = 0; name != NULL &&
	    i < sizeof(errno_names) / sizeof(errno_names[0]); i++) {
		if (strcmp(errno_names[i].name, name) == 0)
			return errno_names[i].value;
	}
	errno = EINVAL;
	return -1;
}

long
audit_json_string(const char *s, size_t len, char *buf, size_t buflen)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, n = 0;
	char esc[7];
	size_t elen;

	if (buflen < 3)
		goto nospace;
	buf[n++] = '"';
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		/*
		 * Everything outside printable ASCII is escaped byte by byte,
		 * valid UTF-8 included: a reader then gets back exactly the
		 * bytes the child sent, with no decoding guess to exploit.
		 */
		elen = 2;
		esc[0] = '\\';
		if (c == '"' || c == '\\')
			esc[1] = (char)c;
		else if (c == '\n')
			esc[1] = 'n';
		else if (c == '\t')
			esc[1] = 't';
		else if (c == '\r')
			esc[1] = 'r';
		else if (c >= 0x20 && c < 0x7f) {
			esc[0] = (char)c;
			elen = 1;
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			elen = 6;
		}
		/* Room for this escape, the closing quote and the NUL. */
		if (buflen - n < elen + 2)
			goto nospace;
		memcpy(buf + n, esc, elen);
		n += elen;
	}
	buf[n++] = '"';
	buf[n] = '\0';
	return (long)n;
nospace:
	if (buflen > 0)
		buf[0] = '\0';
	errno = ENOSPC;
	return -1;
}

long
audit_format(const struct fdb_decision *d, const struct timespec *when,
	     char *buf, size_t buflen)
{
	struct tm tm;
	const char *ename;
	char *p = buf;
	size_t left = buflen;
	char perms[8];

	if (d == NULL || when == NULL || buf == NULL || when->tv_nsec < 0 ||
	    when->tv_nsec >= 1000000000L || gmtime_r(&when->tv_sec, &tm) ==
	    NULL) {
		errno = EINVAL;
		return -1;
	}
	if (put(&p, &left, "{\"time\":\"%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ\","
	    "\"pid\":%ld,\"syscall\":", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    when->tv_nsec / 1000, (long)d->pid) == -1 ||
	    put_string(&p, &left, d->op) == -1 ||
	    put(&p, &left, ",\"path\":") == -1 ||
	    put_string(&p, &left, d->path) == -1 ||
	    put(&p, &left, ",\"resolved\":") == -1 ||
	    put_string(&p, &left, d->resolved) == -1 ||
	    put(&p, &left, ",\"flags\":%d,\"decision\":\"%s\",\"errno\":",
	    d->flags, d->allowed ? "allow" : "deny") == -1)
		goto nospace;
	ename = audit_errno_name(d->error);
	if (d->error == 0) {
		if (put(&p, &left, "null") == -1)
			goto nospace;
	} else if (ename != NULL) {
		if (put(&p, &left, "\"%s\"", ename) == -1)
			goto nospace;
	} else if (put(&p, &left, "%d", d->error) == -1)
		goto nospace;
	if (put(&p, &left, ",\"rule\":") == -1 ||
	    put_string(&p, &left, d->rule) == -1 ||
	    put(&p, &left, ",\"perms\":") == -1)
		goto nospace;
	if (d->rule == NULL) {
		if (put(&p, &left, "null") == -1)
			goto nospace;
	} else if (put(&p, &left, "\"%s\"",
	    perms_letters(d->rule_perms, perms)) == -1)
		goto nospace;
	/* Two-path calls (rename, link, symlink) say the second one too. */
	if (d->path2 != NULL && (put(&p, &left, ",\"path2\":") == -1 ||
	    put_string(&p, &left, d->path2) == -1 ||
	    put(&p, &left, ",\"resolved2\":") == -1 ||
	    put_string(&p, &left, d->resolved2) == -1))
		goto nospace;
	if (put(&p, &left, "}\n") == -1)
		goto nospace;
	return (long)(p - buf);
nospace:
	if (buflen > 0)
		buf[0] = '\0';
	errno = ENOSPC;
	return -1;
}

/* Append printf output at *@p; -1 when it does not fit with its NUL. */
static int
put(char **p, size_t *left, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(*p, *left, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= *left)
		return -1;
	*p += n;
	*left -= (size_t)n;
	return 0;
}

/* Append @s as a JSON string, or null when @s is NULL. */
static int
put_string(char **p, size_t *left, const char *s)
{
	long n;

	if (s == NULL)
		return put(p, left, "null");
	if ((n = audit_json_string(s, strlen(s), *p, *left)) == -1)
		return -1;
	*p += n;
	*left -= (size_t)n;
	return 0;
}

/* The letters of @perms in rwcx order, "deny" for none, or "absent". */
static const char *
perms_letters(unsigned perms, char buf[8])
{
	static const char letters[] = "rwcx";
	size_t i, n = 0;

	if (perms & FDB_ABSENT)
		return "absent";
	for (i = 0; i < 4; i++) {
		if (perms & (1u << i))
			buf[n++] = letters[i];
	}
	buf[n] = '\0';
	return n == 0 ? "deny" : buf;
}
