/* SPDX-License-Identifier: MIT */
/* profile.h: the built-in profiles of SPEC §3, as data. */
#ifndef FDBROKER_PROFILE_H
#define FDBROKER_PROFILE_H

#include "fdbroker.h"

/* profile_add: add the rules of profile @name; -1 with ENOENT if unknown. */
int profile_add(struct fdb_policy *p, const char *name);

#endif /* FDBROKER_PROFILE_H */
