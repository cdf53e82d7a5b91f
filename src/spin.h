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

/*
 * spin_useful: whether this thread may run on more than one CPU.  On
 * one, the peer can only run while we do not, and polling, even with
 * yields, only delays it (measured: 28 -> 43 us a round trip with both
 * ends pinned to one CPU).
 */
int spin_useful(void);

#endif /* FDBROKER_SPIN_H */
