/* SPDX-License-Identifier: MIT */
/*
 * policy-file.c: the text form of rules (SPEC §3), "PERMS PATH",
 * "deny PATH" or "absent PATH", one a line, '#' comments, "include
 * FILE", paths from the root or the home directory ("~/"), deny globs;
 * and the loading of a policy file.  Parsing is all or nothing: rules
 * are collected first, across included files, and added in one step.
 * Only fdb_policy_load() touches the filesystem, to read the file it is
 * given and the files it includes; a "~/" reads $HOME (or the password
 * database without it).
 * Messages are short, lower-case and name the file and line.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
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
#define INCLUDE_MAX		16	/* files open at once, the first too */

struct rule_list {
	struct policy_rule *r;
	size_t n;
	size_t cap;
};

/* One parse: the rules of every file, and the files being read. */
struct parse_ctx {
	struct rule_list l;
	int includes;		/* "include" allowed (fdb_policy_load) */
	size_t depth;
	struct {
		dev_t dev;
		ino_t ino;
	} open[INCLUDE_MAX];
};

/* What parse_line() found. */
enum line {
	LINE_NONE,		/* blank or comment */
	LINE_RULE,
	LINE_INCLUDE		/* the file's path in the path buffer */
};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int is_space(int c);
static char *next_word(char **s);
static int parse_line(char *line, int includes, struct policy_rule *out,
		      char path[PATH_MAX], char *why, size_t whylen);
static int parse_path(char *s, unsigned perms, struct policy_rule *out,
		      char path[PATH_MAX], char *why, size_t whylen);
static int parse_text(struct parse_ctx *c, const char *name,
		      const char *text, size_t len, char *err,
		      size_t errlen);
static int include(struct parse_ctx *c, const char *name, const char *file,
		   char *err, size_t errlen, char *why, size_t whylen);
static int load_file(struct parse_ctx *c, const char *file, char *err,
		     size_t errlen, char *why, size_t whylen);
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
	if (strcmp(word, "absent") == 0) {
		*perms = FDB_ABSENT;
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
	struct parse_ctx c;

	if (name == NULL)
		name = "-";
	if (p == NULL || (len > 0 && text == NULL)) {
		set_err(err, errlen, "%s: invalid argument", name);
		errno = EINVAL;
		return -1;
	}
	memset(&c, 0, sizeof(c));
	if (parse_text(&c, name, text, len, err, errlen) == -1 ||
	    policy_add_rules(p, c.l.r, c.l.n) == -1) {
		if (errno == ENOMEM)
			set_err(err, errlen, "%s: out of memory", name);
		list_clear(&c.l);
		return -1;
	}
	list_clear(&c.l);
	return 0;
}

/*
 * The rules of the @len bytes of @text, named @name in messages, into
 * c->l, and those of the files it includes.  Returns 0, or -1 with
 * EINVAL and "NAME:LINE: reason" in @err (or ENOMEM).
 */
static int
parse_text(struct parse_ctx *c, const char *name, const char *text,
	   size_t len, char *err, size_t errlen)
{
	struct policy_rule rule;
	char why[REASON_MAX], path[PATH_MAX];
	char *copy, *line, *end, *nl;
	unsigned long lineno = 0;
	int r = 0;

	/* A private, writable copy: lines are cut in place. */
	if ((copy = malloc(len + 1)) == NULL)
		return -1;
	if (len > 0)
		memcpy(copy, text, len);
	end = copy + len;
	*end = '\0';
	for (line = copy; r != -1 && line < end; line = nl + 1) {
		lineno++;
		why[0] = '\0';
		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			nl = end;
		if (memchr(line, '\0', (size_t)(nl - line)) != NULL) {
			snprintf(why, sizeof(why), "line contains a NUL byte");
			r = -1;
			break;
		}
		*nl = '\0';
		r = parse_line(line, c->includes, &rule, path, why,
		    sizeof(why));
		if (r == LINE_RULE && list_add(&c->l, &rule) == -1) {
			free(copy);
			return -1;
		}
		if (r == LINE_INCLUDE)
			r = include(c, name, path, err, errlen, why,
			    sizeof(why));
	}
	free(copy);
	if (r != -1)
		return 0;
	/* An included file's own error is in @err already. */
	if (why[0] != '\0')
		set_err(err, errlen, "%s:%lu: %s", name, lineno, why);
	if (errno != ENOMEM)
		errno = EINVAL;
	return -1;
}

/*
 * "include @file" in the file @name: @file is taken from the directory
 * of @name unless it is absolute.  Returns 0, or -1 with the reason in
 * @why (about the include itself) or in @err (inside the file).
 */
static int
include(struct parse_ctx *c, const char *name, const char *file, char *err,
	size_t errlen, char *why, size_t whylen)
{
	char path[PATH_MAX];
	const char *slash = strrchr(name, '/');
	int n;

	if (file[0] == '/' || slash == NULL)
		n = snprintf(path, sizeof(path), "%s", file);
	else
		n = snprintf(path, sizeof(path), "%.*s/%s",
		    (int)(slash - name), name, file);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		set_err(why, whylen, "include: path too long");
		errno = EINVAL;
		return -1;
	}
	return load_file(c, path, err, errlen, why, whylen);
}

/*
 * Read and parse @file into c->l.  A file already being read (by device
 * and inode, so other spellings of it too) is a loop.  Returns 0, or -1
 * with the reason in @why when @file could not be read, else in @err.
 */
static int
load_file(struct parse_ctx *c, const char *file, char *err, size_t errlen,
	  char *why, size_t whylen)
{
	struct stat st;
	char *buf = NULL;
	size_t len, i;
	int fd, r, q;

	if (c->depth == INCLUDE_MAX) {
		set_err(why, whylen, "include '%.*s': more than %d files "
		    "nested", QUOTE_MAX, file, INCLUDE_MAX);
		errno = EINVAL;
		return -1;
	}
	if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1 ||
	    fstat(fd, &st) == -1)
		goto fail;
	for (i = 0; i < c->depth; i++) {
		if (c->open[i].dev != st.st_dev || c->open[i].ino != st.st_ino)
			continue;
		set_err(why, whylen, "include '%.*s': an include loop",
		    QUOTE_MAX, file);
		fd_close(fd);
		errno = EINVAL;
		return -1;
	}
	if (read_all(fd, &buf, &len) == -1)
		goto fail;
	fd_close(fd);
	c->open[c->depth].dev = st.st_dev;
	c->open[c->depth++].ino = st.st_ino;
	r = parse_text(c, file, buf, len, err, errlen);
	c->depth--;
	free(buf);
	return r;
fail:
	/* The first file by its whole name, an included one quoted. */
	q = c->depth > 0 ? QUOTE_MAX : PATH_MAX;
	if (errno == EFBIG)
		set_err(why, whylen, "%s%.*s%s: file too large (over %d "
		    "bytes)", c->depth > 0 ? "include '" : "", q, file,
		    c->depth > 0 ? "'" : "", POLICY_FILE_MAX);
	else
		set_err(why, whylen, "%s%.*s%s: %s", c->depth > 0 ?
		    "include '" : "", q, file, c->depth > 0 ? "'" : "",
		    strerror(errno));
	fd_close(fd);
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
	ret = parse_line(copy, 0, &r, path, err, errlen);
	free(copy);
	if (ret == LINE_NONE) {
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
	struct parse_ctx c;
	char why[REASON_MAX + PATH_MAX];

	if (p == NULL || file == NULL) {
		set_err(err, errlen, "invalid argument");
		errno = EINVAL;
		return -1;
	}
	memset(&c, 0, sizeof(c));
	c.includes = 1;
	why[0] = '\0';
	if (load_file(&c, file, err, errlen, why, sizeof(why)) == -1 ||
	    policy_add_rules(p, c.l.r, c.l.n) == -1) {
		if (why[0] != '\0')
			set_err(err, errlen, "%s", why);
		else if (errno == ENOMEM)
			set_err(err, errlen, "%s: out of memory", file);
		list_clear(&c.l);
		return -1;
	}
	list_clear(&c.l);
	return 0;
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
 * Parse one NUL-terminated @line (cut in place).  Returns LINE_RULE and
 * fills *@out (its path points into @path) for a rule, LINE_INCLUDE with
 * the file in @path (unless @includes is 0: an error), LINE_NONE for a
 * blank or comment line, -1 with EINVAL and a reason in @why.
 */
static int
parse_line(char *line, int includes, struct policy_rule *out,
	   char path[PATH_MAX], char *why, size_t whylen)
{
	char *s, *word, *e;
	unsigned perms;
	int exact;

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
		return LINE_NONE;
	word = next_word(&s);
	if (strcmp(word, "include") == 0) {
		if (!includes) {
			set_err(why, whylen, "include: only in a policy file");
			goto inval;
		}
		if (*s == '\0') {
			set_err(why, whylen, "include: missing file");
			goto inval;
		}
		if (policy_file_home_path(s, path) == -1) {
			set_err(why, whylen, "include: %s", errno == ENOENT ?
				"'~': no home directory" : "path too long");
			goto inval;
		}
		return LINE_INCLUDE;
	}
	/* "exact PERMS PATH": the path alone, not its tree. */
	if ((exact = strcmp(word, "exact") == 0))
		word = next_word(&s);
	if (word[0] == '/' || word[0] == '~') {
		set_err(why, whylen, "missing permissions");
		goto inval;
	}
	if (policy_file_parse_perms(word, &perms, why, whylen) == -1)
		return -1;
	out->exact = exact;
	return parse_path(s, perms, out, path, why, whylen);
inval:
	errno = EINVAL;
	return -1;
}

/*
 * The path of a rule granting @perms: absolute, "~/..." (the home
 * directory), or, for a deny glob, "**\/..." (anywhere).  Only a deny
 * may be a glob: a grant with '*' or '?' is refused, not taken as a name.
 */
static int
parse_path(char *s, unsigned perms, struct policy_rule *out,
	   char path[PATH_MAX], char *why, size_t whylen)
{
	char abs[PATH_MAX];
	const char *src = s;
	long len;

	if (*s == '\0') {
		set_err(why, whylen, "missing path");
		goto inval;
	}
	if (perms != 0 && policy_glob_path(s)) {
		set_err(why, whylen, "'*' and '?' only in deny rules: a glob "
			"never grants");
		goto inval;
	}
	/* Copied only to be prefixed: a long spelling may normalise short. */
	if (perms == 0 && strncmp(s, "**/", 3) == 0) {
		if (snprintf(abs, sizeof(abs), "/%s", s) >= (int)sizeof(abs)) {
			set_err(why, whylen, "path too long");
			goto inval;
		}
		src = abs;
	} else if (s[0] == '~') {
		if (policy_file_home_path(s, abs) == -1) {
			set_err(why, whylen, "%s", errno == ENOENT ? "'~': no "
				"home directory (no $HOME, no password entry)" :
				"path too long");
			goto inval;
		}
		src = abs;
	}
	if (src[0] != '/') {
		set_err(why, whylen, "path must be absolute: '%.*s%s'",
			QUOTE_MAX, s, strlen(s) > QUOTE_MAX ? "..." : "");
		goto inval;
	}
	if ((len = policy_normalise(src, path, PATH_MAX)) == -1) {
		set_err(why, whylen, "path too long");
		goto inval;
	}
	out->path = path;
	out->len = (size_t)len;
	out->perms = perms & ~FDB_ABSENT;
	out->absent = (perms & FDB_ABSENT) != 0;
	return LINE_RULE;
inval:
	errno = EINVAL;
	return -1;
}

int
policy_file_home_path(const char *s, char *out)
{
	const char *home;
	struct passwd pw, *res = NULL;
	char buf[4096];
	int n;

	if (s[0] != '~' || (s[1] != '/' && s[1] != '\0')) {
		n = snprintf(out, PATH_MAX, "%s", s);
		goto out;
	}
	if ((home = getenv("HOME")) == NULL || home[0] != '/') {
		if (getpwuid_r(getuid(), &pw, buf, sizeof(buf), &res) != 0 ||
		    res == NULL || pw.pw_dir == NULL || pw.pw_dir[0] != '/') {
			errno = ENOENT;
			return -1;
		}
		home = pw.pw_dir;
	}
	n = snprintf(out, PATH_MAX, "%s%s", home, s + 1);
out:
	if (n < 0 || n >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
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
	nr->absent = r->absent;
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
