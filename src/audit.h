/* SPDX-License-Identifier: MIT */
/*
 * audit.h: one JSON Lines record per decision, and the errno names used in
 * records and on command lines.  Pure: no system calls, no allocation; the
 * caller supplies the time and the buffer, and writes the line itself.
 */
#ifndef FDBROKER_AUDIT_H
#define FDBROKER_AUDIT_H

#include <limits.h>
#include <stddef.h>
#include <time.h>

#include "fdbroker.h"

/*
 * Enough for any record: four paths of PATH_MAX bytes (path, resolved,
 * path2, resolved2), each byte escaped to at most 6 characters, plus the
 * fixed fields.  A rule path and an op name are at most PATH_MAX and 64
 * bytes, escaped likewise.
 */
#define AUDIT_LINE_MAX	(6 * (5 * PATH_MAX + 64) + 512)

/*
 * audit_errno_name: the symbolic name of @err ("EACCES"), or NULL when
 * @err is not in the table.
 */
const char *audit_errno_name(int err);

/*
 * audit_errno_value: the errno called @name (exact, upper case, as
 * "EPERM").  Returns it, or -1 with errno EINVAL when @name is unknown.
 */
int audit_errno_value(const char *name);

/*
 * audit_json_string: write @s (@len bytes, any values) as a JSON string,
 * quotes included, into @buf (@buflen bytes), NUL-terminated.  Printable
 * ASCII is copied, '"' and '\\' and the usual controls get their short
 * escapes, and every other byte, including each byte of a multi-byte
 * UTF-8 sequence, is written as \u00XX: the original bytes are the
 * code points of the decoded string (decode it as Latin-1), so a hostile
 * path can neither break the line nor be altered.  Returns the length
 * written (without the NUL), or -1 with ENOSPC when @buf is too small.
 */
long audit_json_string(const char *s, size_t len, char *buf, size_t buflen);

/*
 * audit_format: write decision @d at time @when (UTC) as one JSON object
 * and a newline into @buf (AUDIT_LINE_MAX is always enough), with the
 * keys time (ISO 8601, microseconds, "Z"), pid, syscall, path, resolved
 * (null when unknown), flags (number), decision ("allow" or "deny"),
 * errno (name, or number when not in the table, or null when 0), rule
 * (null when none) and perms (the rule's letters, or null); and, for a
 * call with a second path, path2 and resolved2.  Returns the
 * length written (without the NUL), or -1 with errno: ENOSPC (@buf too
 * small), EINVAL (@d, @when or @buf NULL, or a time gmtime cannot take).
 */
long audit_format(const struct fdb_decision *d, const struct timespec *when,
		  char *buf, size_t buflen);

#endif /* FDBROKER_AUDIT_H */
