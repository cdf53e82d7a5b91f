/* SPDX-License-Identifier: MIT */
/*
 * summary.c: the end-of-run summary of denials and the escaping of the
 * paths it prints (summary.h).  The paths are the command's: a hostile
 * command chooses them to hold escape sequences, so nothing of them
 * reaches the terminal unescaped, and bytes >= 0x80 are escaped too
 * (some terminals take 0x9b as CSI).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "summary.h"

#define ESC_MAX		(PATH_MAX * 4 + 4)

static struct summary_entry *find(struct summary *s, const char *path);
static int	 is_probe(const char *op);
static void	 print_entry(const struct summary_entry *e, FILE *f);
static const char *option(unsigned need);
static const char *quoted(const char *path, char *buf, size_t len);
static int	 plain(const char *str);

int
summary_add(struct summary *s, const struct fdb_decision *d)
{
	const char *path = d->resolved != NULL ? d->resolved : d->path;
	struct summary_entry *e;

	s->denials++;
	if (path == NULL)
		path = "?";
	if ((e = find(s, path)) == NULL) {
		if (s->n == SUMMARY_MAX) {
			s->more++;
			return 0;
		}
		e = &s->e[s->n];
		memset(e, 0, sizeof(*e));
		e->probe = 1;
		if ((e->path = strdup(path)) == NULL) {
			s->more++;
			return -1;
		}
		/* A deny rule refused it: no grant would help. */
		if (d->rule != NULL && d->rule_perms == 0)
			e->rule = strdup(d->rule);
		s->n++;
	}
	e->need |= d->need;
	e->count++;
	if (d->op != NULL && strncmp(d->op, "exec", 4) == 0)
		e->exec = 1;
	if (!is_probe(d->op))
		e->probe = 0;
	return 0;
}

void
summary_print(const struct summary *s, FILE *f, int status)
{
	char buf[ESC_MAX];
	unsigned long shown = 0;
	size_t i, n = 0;
	int pass;

	if (s->denials == 0)
		return;
	for (i = 0; (status == 126 || status == 127) && i < s->n; i++)
		if (s->e[i].exec && s->e[i].rule == NULL) {
			fprintf(f, "fdbroker-run: the command was not "
			    "executed: %s %s is missing\n", option(FDB_X),
			    quoted(s->e[i].path, buf, sizeof(buf)));
			break;
		}
	fprintf(f, "fdbroker-run: %lu request%s denied; what would grant "
	    "%s (-q: no summary):\n", s->denials, s->denials == 1 ?
	    " was" : "s were", s->denials == 1 ? "it" : "them");
	/* First what the command opened, made or ran; then its probing. */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < s->n && n < SUMMARY_SHOW; i++) {
			if (s->e[i].probe != pass)
				continue;
			print_entry(&s->e[i], f);
			shown += s->e[i].count;
			n++;
		}
	if (s->denials > shown)
		fprintf(f, "  and %lu more denied request%s (-v or --log "
		    "lists them)\n", s->denials - shown,
		    s->denials - shown == 1 ? "" : "s");
}

static void
print_entry(const struct summary_entry *e, FILE *f)
{
	char buf[ESC_MAX], rule[ESC_MAX];

	if (e->rule != NULL)
		fprintf(f, "  %s  (refused by the rule 'deny %s')\n",
		    summary_escape(e->path, buf, sizeof(buf)),
		    summary_escape(e->rule, rule, sizeof(rule)));
	else
		fprintf(f, "  %s %s\n", option(e->need),
		    quoted(e->path, buf, sizeof(buf)));
}

/* Calls that only look: a shell's PATH search, a library's probing. */
static int
is_probe(const char *op)
{
	return op != NULL && (strstr(op, "stat") != NULL ||
	    strstr(op, "access") != NULL || strstr(op, "readlink") != NULL);
}

void
summary_free(struct summary *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->e[i].path);
		free(s->e[i].rule);
	}
	memset(s, 0, sizeof(*s));
}

const char *
summary_escape(const char *str, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)str;
	size_t o = 0;

	for (; *p != '\0'; p++) {
		if (o + 4 + 4 > len) {
			memcpy(buf + o, "...", 4);
			return buf;
		}
		if (*p == '\\') {
			buf[o++] = '\\';
			buf[o++] = '\\';
		} else if (*p < 0x20 || *p >= 0x7f) {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[*p >> 4];
			buf[o++] = hex[*p & 0xf];
		} else
			buf[o++] = (char)*p;
	}
	buf[o] = '\0';
	return buf;
}

static struct summary_entry *
find(struct summary *s, const char *path)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->e[i].path, path) == 0)
			return &s->e[i];
	return NULL;
}

/* The narrowest option that grants all of @need. */
static const char *
option(unsigned need)
{
	if (need & FDB_C)
		return "-c";
	if (need & FDB_W)
		return "-w";
	if (need & FDB_X)
		return "-x";
	return "-r";
}

/* @path escaped, in single quotes unless the shell would take it as is. */
static const char *
quoted(const char *path, char *buf, size_t len)
{
	char esc[ESC_MAX];
	size_t i, o = 0;

	summary_escape(path, esc, sizeof(esc));
	if (plain(esc))
		return summary_escape(path, buf, len);
	buf[o++] = '\'';
	for (i = 0; esc[i] != '\0' && o + 6 < len; i++) {
		if (esc[i] == '\'') {
			memcpy(buf + o, "'\\''", 4);
			o += 4;
		} else
			buf[o++] = esc[i];
	}
	buf[o++] = '\'';
	buf[o] = '\0';
	return buf;
}

static int
plain(const char *str)
{
	return strspn(str, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._+,:@%=-") == strlen(str);
}
