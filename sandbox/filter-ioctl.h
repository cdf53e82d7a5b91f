/* SPDX-License-Identifier: MIT */
/*
 * filter-ioctl.h: the rules for requests on descriptors already held
 * (ioctl, fcntl), built with libseccomp for the shared rule builder
 * (filter.c) and fdbroker-run's allowlist (filter-notify.c).  Internal to
 * sandbox/.
 */
#ifndef FDBROKER_FILTER_IOCTL_H
#define FDBROKER_FILTER_IOCTL_H

#include <seccomp.h>
#include <stddef.h>

/* The terminal's ioctl type, 'T': (request >> 8) & 0xff. */
#define FILTER_TTY_TYPE		0x54
/* Sockets' and network devices' type (SIOC*, <linux/sockios.h>). */
#define FILTER_SOCK_TYPE_IOC	0x89
/*
 * The virtual console's types, 'K' (<linux/kd.h>) and 'V' (<linux/vt.h>),
 * in their legacy numbers alone: (request & FILTER_LEGACY_MASK) is the
 * type shifted by 8, no direction or size bits.
 */
#define FILTER_KD_TYPE		0x4b
#define FILTER_VT_TYPE		0x56
#define FILTER_LEGACY_MASK	0xffffff00U

/*
 * The lists, for the filters and their tests (tests/check_filter.c); each
 * ends with 0.  filter_tty_ioctls: the requests of type 'T' that pass,
 * every other one of that type fails with EPERM.  filter_attr_ioctls:
 * requests that change a file's attributes (or a whole file system's)
 * without a descriptor open for writing; EPERM unless the filter sends
 * them to a broker.
 */
extern const unsigned long filter_tty_ioctls[];
/*
 * filter_sock_ioctls: the requests of type 0x89 that pass (questions
 * about a socket and the network); every other one of the type fails
 * with EPERM.
 */
extern const unsigned long filter_sock_ioctls[];
/*
 * filter_kd_ioctls, filter_vt_ioctls: the virtual console's legacy
 * requests that pass (questions); every other one fails with EPERM.
 */
extern const unsigned long filter_kd_ioctls[];
extern const unsigned long filter_vt_ioctls[];
extern const unsigned long filter_attr_ioctls[];

/*
 * filter_ioctl_refusals: add to @ctx, whose default must be ALLOW, the
 * refusals of ioctl and fcntl requests: the terminal's requests outside
 * filter_tty_ioctls, the sockets' outside filter_sock_ioctls, the
 * console's outside filter_kd_ioctls and filter_vt_ioctls, TIOCSCTTY
 * with force, TCXONC's TCOOFF, the
 * attribute requests but the @n in @mediated, O_ASYNC and leases.
 * Returns 0, or libseccomp's negative errno.
 */
int filter_ioctl_refusals(scmp_filter_ctx ctx, const unsigned long *mediated,
			  size_t n);

/*
 * filter_ioctl_allow: in a default-deny @ctx, allow ioctl but the @n
 * requests in @mediated, which go to the listener (SCMP_ACT_NOTIFY).
 * One ctx cannot say both "allow ioctl" and "notify this request":
 * libseccomp lets a rule without arguments override those with, so the
 * allowed requests are written as the rest of the 32-bit space.
 * Returns 0, or libseccomp's negative errno.
 */
int filter_ioctl_allow(scmp_filter_ctx ctx, const unsigned long *mediated,
		       size_t n);

#endif /* FDBROKER_FILTER_IOCTL_H */
