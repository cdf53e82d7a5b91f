/* SPDX-License-Identifier: MIT */
/*
 * profile.c: the built-in profiles of SPEC §3.  Their rules are data, in
 * profiles/NAME.policy; a profile is a constant table of rules added in
 * one all-or-nothing step; rules on paths that do not exist on this
 * machine are added all the same (the policy never looks at the
 * filesystem).
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "fdbroker.h"
#include "policy.h"
#include "profile.h"

/*
 * struct policy_rule holds a char *, but these tables are const and
 * policy_add_rules() copies the paths it keeps: the literals are never
 * written through.
 */
#define RULE(p, perms)		{ (char *)(p), sizeof(p) - 1, perms, 0, 0 }
#define ABSENT(p)		{ (char *)(p), sizeof(p) - 1, 0, 0, 1 }
#define NELEM(a)		(sizeof(a) / sizeof((a)[0]))

struct profile {
	const char *name;
	const struct policy_rule *rules;
	size_t n;
};

/*
 * system_rules[], net_rules[]: profiles/system.policy and net.policy, one
 * rule each with its reason, made into C by profiles/table.awk at build
 * time, so that the library reads no file to know them.
 */
#include "profile-rules.h"

static const struct profile profiles[] = {
	{ "none", NULL, 0 },
	{ "system", system_rules, NELEM(system_rules) },
	{ "net", net_rules, NELEM(net_rules) },
};

int
profile_add(struct fdb_policy *p, const char *name)
{
	size_t i;

	if (p == NULL || name == NULL) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < NELEM(profiles); i++)
		if (strcmp(profiles[i].name, name) == 0)
			return policy_add_rules(p, profiles[i].rules,
						profiles[i].n);
	errno = ENOENT;
	return -1;
}
