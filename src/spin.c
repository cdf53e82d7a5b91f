/* SPDX-License-Identifier: MIT */
/* spin.c: see spin.h. */
#include "config.h"

#include <sched.h>
#include <time.h>

#include "spin.h"

int64_t
spin_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

int
spin_useful(void)
{
	cpu_set_t set;

	return sched_getaffinity(0, sizeof(set), &set) == 0 &&
	    CPU_COUNT(&set) > 1;
}
