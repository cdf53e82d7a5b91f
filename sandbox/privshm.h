/* SPDX-License-Identifier: MIT */
/*
 * privshm.h: fdbroker-run's private /dev/shm (src/remap.c says how the
 * broker shows it at /dev/shm and why it is safe).  On by default;
 * --host-shm turns it off.
 */
#ifndef FDBROKER_PRIVSHM_H
#define FDBROKER_PRIVSHM_H

#include <stddef.h>

#include "cli.h"
#include "remap.h"

struct fdb_policy;

/*
 * privshm_setup: make the private root in @s (remap_init()ed) and grant
 * "/dev/shm" rwc in @p.  Refused (EINVAL) when a rule of @p lies at or
 * beneath /dev/shm, or the command would start in it (its current
 * directory or --chdir): those mean the host's /dev/shm, which the
 * command would not see.  Returns 0, or -1 with errno and a one-line
 * reason in @err (@errlen bytes).
 */
int privshm_setup(struct remap_set *s, struct fdb_policy *p,
		  const struct run_opts *o, char *err, size_t errlen);

#endif /* FDBROKER_PRIVSHM_H */
