/* SPDX-License-Identifier: MIT */
/*
 * policy-file.c: the text form of rules (SPEC §3), "PERMS PATH" or
 * "deny PATH", one a line, '#' comments, and the loading of a policy
 * file.  Parsing is all or nothing: rules are collected first and added
 * in one step.  Only fdb_policy_load() touches the filesystem, to read
 * the file it is given.  Messages are short, lower-case and name the line.
 */
#include "config.h"

#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "fd.h"
#include "fdbroker.h"
#include "policy-file.h"
#include "policy.h"

/* A policy is a few dozen lines; this bound keeps a mistake cheap. */
#define POLICY_FILE_MAX		(1024 * 1024)
#define REASON_MAX		256
#define QUOTE_MAX		64	/* bytes of a bad path quoted back */

struct rule_list {
	struct policy_rule *r;
	size_t n;
	size_t cap;
};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int is_space(int c);
static char *next_word(char **s);
static int parse_line(char *line, struct policy_rule *out,
		      char path[PATH_MAX], char *why, size_t whylen);
static int list_add(struct rule_list *l, const struct policy_rule *r);
static void list_clear(struct rule_list *l);
static int read_all(int fd, char **bufp, size_t *lenp);

int
policy_file_parse_perms(const char *word, unsigned *perms, char *err,
			size_t errlen)
{
	static const char letters[] = "rwcx";
	const char *s, *l;
	unsigned bit, set = 0;

	if (word == NULL || word[0] == '\0') {
		set_err(err, errlen, "missing permissions");
		goto inval;
	}
	if (strcmp(word, "deny") == 0) {
		*perms = FDB_DENY;
		return 0;
	}
	for (s = word; *s != '\0'; s++) {
		if ((l = strchr(letters, *s)) == NULL) {
			if (isprint((unsigned char)*s))
				set_err(err, errlen,
					"unknown permission '%c'", *s);
			else
				set_err(err, errlen,
					"unknown permission '\\x%02x'",
					(unsigned char)*s);
			goto inval;
		}
		/* FDB_R, FDB_W, FDB_C, FDB_X are 1 << index in "rwcx". */
		bit = 1u << (l - letters);
		if (set & bit) {
			set_err(err, errlen, "repeated permission '%c'", *s);
			goto inval;
		}
		set |= bit;
	}
	*perms = set;
	return 0;
inval:
	errno = EINVAL;
	return -1;
}

int
policy_file_parse(struct fdb_policy *p, const char *name, const char *text,
		  size_t len, char *err, size_t errlen)
{
	struct rule_list l = { NULL, 0, 0 };
	struct policy_rule rule;
	char why[REASON_MAX], path[PATH_MAX];
	char *copy, *line, *end, *nl;
	unsigned long lineno = 0;
	int r;

	if (name == NULL)
		name = "-";
	if (p == NULL || (len > 0 && text == NULL)) {
		set_err(err, errlen, "%s: invalid argument", name);
		errno = EINVAL;
		return -1;
	}
	/* A private, writable copy: lines are cut in place. */
	if ((copy = malloc(len + 1)) == NULL)
		goto nomem;
	if (len > 0)
		memcpy(copy, text, len);
	end = copy + len;
	*end = '\0';
	for (line = copy; line < end; line = nl + 1) {
		lineno++;
		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			nl = end;
		if (memchr(line, '\0', (size_t)(nl - line)) != NULL) {
			snprintf(why, sizeof(why), "line contains a NUL byte");
			goto inval;
		}
		*nl = '\0';
		r = parse_line(line, &rule, path, why, sizeof(why));
		if (r == -1)
			goto inval;
		if (r == 1 && list_add(&l, &rule) == -1)
			goto nomem;
	}
	if (policy_add_rules(p, l.r, l.n) == -1)
		goto nomem;
	list_clear(&l);
	free(copy);
	return 0;
inval:
	set_err(err, errlen, "%s:%lu: %s", name, lineno, why);
	list_clear(&l);
	free(copy);
	errno = EINVAL;
	return -1;
nomem:
	set_err(err, errlen, "%s: out of memory", name);
	list_clear(&l);
	free(copy);
	errno = ENOMEM;
	return -1;
}

FDB_API int
fdb_policy_add_rule(struct fdb_policy *p, const char *rule, char *err,
		    size_t errlen)
{
	struct policy_rule r;
	char path[PATH_MAX];
	char *copy;
	int ret;

	if (p == NULL || rule == NULL) {
		set_err(err, errlen, "invalid argument");
		errno = EINVAL;
		return -1;
	}
	/* One rule: a newline would silently make it two, or a path. */
	if (strchr(rule, '\n') != NULL) {
		set_err(err, errlen, "rule contains a newline");
		errno = EINVAL;
		return -1;
	}
	if ((copy = strdup(rule)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	ret = parse_line(copy, &r, path, err, errlen);
	free(copy);
	if (ret == 0) {
		set_err(err, errlen, "empty rule");
		errno = EINVAL;
		return -1;
	}
	if (ret == -1) {
		errno = EINVAL;
		return -1;
	}
	return policy_add_rules(p, &r, 1);
}

FDB_API int
fdb_policy_load(struct fdb_policy *p, const char *file, char *err,
		size_t errlen)
{
	char *buf = NULL;
	size_t len;
	int fd, ret;

	if (p == NULL || file == NULL) {
		set_err(err, errlen, "invalid argument");
		errno = EINVAL;
		return -1;
	}
	if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1 ||
	    read_all(fd, &buf, &len) == -1) {
		if (errno == EFBIG)
			set_err(err, errlen,
				"%s: file too large (over %d bytes)", file,
				POLICY_FILE_MAX);
		else
			set_err(err, errlen, "%s: %m", file);
		fd_close(fd);
		return -1;
	}
	fd_close(fd);
	ret = policy_file_parse(p, file, buf, len, err, errlen);
	free(buf);
	return ret;
}

/* Write a message into @err, when there is one; keeps errno. */
static void
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	int save_errno = errno;
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	errno = save_errno;
}

/* Blanks of a line; not the locale's isspace(), and never '\n'. */
static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * Parse one NUL-terminated @line (cut in place).  Returns 1 and fills
 * *@out (its path points into @path) for a rule, 0 for a blank or
 * comment line, -1 with EINVAL and a reason in @why.
 */
static int
parse_line(char *line, struct policy_rule *out, char path[PATH_MAX],
	   char *why, size_t whylen)
{
	char *s, *word, *e;
	unsigned perms;
	int exact;
	long len;

	/* '#' starts a comment at the start of a line or after a blank. */
	for (s = line; *s != '\0'; s++)
		if (*s == '#' && (s == line || is_space(s[-1]))) {
			*s = '\0';
			break;
		}
	for (e = s; e > line && is_space(e[-1]); e--)
		;
	*e = '\0';
	for (s = line; is_space(*s); s++)
		;
	if (*s == '\0')
		return 0;
	word = next_word(&s);
	/* "exact PERMS PATH": the path alone, not its tree. */
	if ((exact = strcmp(word, "exact") == 0))
		word = next_word(&s);
	if (word[0] == '/') {
		set_err(why, whylen, "missing permissions");
		errno = EINVAL;
		return -1;
	}
	if (policy_file_parse_perms(word, &perms, why, whylen) == -1)
		return -1;
	if (*s == '\0') {
		set_err(why, whylen, "missing path");
		errno = EINVAL;
		return -1;
	}
	if (*s != '/') {
		set_err(why, whylen, "path must be absolute: '%.*s%s'",
			QUOTE_MAX, s, strlen(s) > QUOTE_MAX ? "..." : "");
		errno = EINVAL;
		return -1;
	}
	if ((len = policy_normalise(s, path, PATH_MAX)) == -1) {
		set_err(why, whylen, "path too long");
		errno = EINVAL;
		return -1;
	}
	out->path = path;
	out->len = (size_t)len;
	out->perms = perms;
	out->exact = exact;
	return 1;
}

/*
 * Cut the word at *@s, and move *@s past the blanks after it: the path
 * is all that follows the blanks after the last word.
 */
static char *
next_word(char **s)
{
	char *word = *s, *p = *s;

	while (*p != '\0' && !is_space(*p))
		p++;
	if (*p != '\0')
		for (*p++ = '\0'; is_space(*p); p++)
			;
	*s = p;
	return word;
}

/* Append a copy of @r (its path duplicated) to @l. */
static int
list_add(struct rule_list *l, const struct policy_rule *r)
{
	struct policy_rule *nr;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap == 0 ? 16 : l->cap * 2;
		if ((nr = realloc(l->r, cap * sizeof(*nr))) == NULL)
			return -1;
		l->r = nr;
		l->cap = cap;
	}
	nr = &l->r[l->n];
	if ((nr->path = strdup(r->path)) == NULL)
		return -1;
	nr->len = r->len;
	nr->perms = r->perms;
	nr->exact = r->exact;
	l->n++;
	return 0;
}

static void
list_clear(struct rule_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->r[i].path);
	free(l->r);
	l->r = NULL;
	l->n = l->cap = 0;
}

/*
 * Read all of @fd into a new buffer (*@bufp, *@lenp bytes), at most
 * POLICY_FILE_MAX bytes, else EFBIG.  Reads to EOF rather than trusting
 * st_size, so pipes and /proc files work.
 */
static int
read_all(int fd, char **bufp, size_t *lenp)
{
	char *buf = NULL, *nb;
	size_t len = 0, cap = 0;
	ssize_t r;
	int save_errno;

	for (;;) {
		if (len == cap) {
			if (cap == POLICY_FILE_MAX + 1) {
				errno = EFBIG;
				goto fail;
			}
			cap = cap == 0 ? 4096 : cap * 2;
			if (cap > POLICY_FILE_MAX + 1)
				cap = POLICY_FILE_MAX + 1;
			if ((nb = realloc(buf, cap)) == NULL)
				goto fail;
			buf = nb;
		}
		do
			r = read(fd, buf + len, cap - len);
		while (r == -1 && errno == EINTR);
		if (r == -1)
			goto fail;
		if (r == 0)
			break;
		len += (size_t)r;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
fail:
	save_errno = errno;
	free(buf);
	errno = save_errno;
	return -1;
}
