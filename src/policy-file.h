/* SPDX-License-Identifier: MIT */
/*
 * policy-file.h: the text form of rules, "PERMS PATH" or "deny PATH", one a
 * line, each optionally after "exact " (the path alone), '#' comments;
 * paths absolute or "~/..."; a deny path may be a glob (policy.h), and
 * "**\/NAME" is NAME anywhere.  fdb_policy_load() reads the file, and
 * the files it names with "include FILE" (from the including file's
 * directory unless absolute; a loop is refused).
 */
#ifndef FDBROKER_POLICY_FILE_H
#define FDBROKER_POLICY_FILE_H

#include <stddef.h>

#include "fdbroker.h"

/*
 * policy_file_parse_perms: parse a PERMS word ("r", "rw", "rwcx", "deny",
 * "absent" (FDB_ABSENT), letters in any order, each at most once) into
 * *@perms.  Returns 0, or
 * -1 with EINVAL and a reason in @err (e.g. "unknown permission 'q'").
 */
int policy_file_parse_perms(const char *word, unsigned *perms, char *err,
			    size_t errlen);

/*
 * policy_file_home_path: @s into @out (PATH_MAX bytes), a leading "~/"
 * (or "~" alone) replaced by the invoking user's home: $HOME when it is
 * absolute, else the password database's entry for the real user id.
 * Other paths are copied as they are.  Returns 0, or -1 with
 * ENAMETOOLONG, or ENOENT when there is no home to be found.
 */
int policy_file_home_path(const char *s, char *out);

/*
 * policy_file_parse: add the rules in the @len bytes of @text to @p.  All
 * or nothing: on error @p is unchanged.  "include" is refused here (there
 * is no file to be relative to); "~/" reads the home as above.  @name
 * names the source in messages.  Returns 0, or -1 with EINVAL and
 * "NAME:LINE: reason" in @err (or ENOMEM).
 */
int policy_file_parse(struct fdb_policy *p, const char *name,
		      const char *text, size_t len, char *err, size_t errlen);

#endif /* FDBROKER_POLICY_FILE_H */
