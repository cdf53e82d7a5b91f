/* SPDX-License-Identifier: MIT */
/*
 * spin.h: waiting without sleeping, for a short while.
 *
 * On a virtual machine the dearest part of a round trip between two
 * processes on different CPUs is waking a CPU that went idle: the
 * hypervisor has halted it, and the interrupt that wakes it goes through
 * the host (measured by make bench, section 7: a SCM_RIGHTS round trip
 * takes 33 us between two CPUs, 21 us on one, 14 us when neither side
 * sleeps).  So both ends of the socket transport poll for a while before
 * they sleep, yielding the CPU between polls: a peer on the same CPU runs
 * at once, a peer on another CPU finds this one awake.  The notify
 * transport does not: its child waits in the kernel, and a broker that
 * polls gains nothing there (measured too).
 */
#ifndef FDBROKER_SPIN_H
#define FDBROKER_SPIN_H

#include <stdint.h>

/* How long to poll before sleeping: a few round trips. */
#define SPIN_US		50

/* spin_now: CLOCK_MONOTONIC in nanoseconds (vDSO: no system call). */
int64_t spin_now(void);

#endif /* FDBROKER_SPIN_H */
