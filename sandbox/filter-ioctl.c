/* SPDX-License-Identifier: MIT */
/*
 * filter-ioctl.c: the rules for requests on descriptors already held,
 * ioctl and fcntl, for both transports (SPEC §3, §4).  The terminal's,
 * the sockets' and the virtual console's requests pass by allowlists;
 * requests that change a file's attributes need w, which only
 * fdbroker-run's broker can decide (on its own copy of the descriptor:
 * notify-calls.c), so elsewhere they are refused; fcntl may neither take
 * a lease nor turn on O_ASYNC.  flock and POSIX record locks stay
 * allowed: see filter-notify.c's allowed list.
 * No state, no fork, no broker.
 *
 * The kernel reads an ioctl request and fcntl's int arguments as 32
 * bits and ignores the upper half of the register, which the caller
 * controls (musl sign-extends _IOR requests into it): every comparison
 * here is on the low 32 bits, so garbage there neither dodges a rule nor
 * trips one.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <asm/termbits.h>	/* struct termios2, for TCGETS2 */
#include <linux/fs.h>
#include <linux/fscrypt.h>
#include <linux/fsverity.h>
#include <linux/kd.h>
#include <linux/serial.h>	/* struct serial_iso7816 */
#include <linux/sockios.h>
#include <linux/vt.h>

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>

#include "filter.h"
#include "filter-ioctl.h"

#ifndef FS_IOC_SHUTDOWN
#define FS_IOC_SHUTDOWN		_IOR('X', 125, uint32_t)
#endif
#define MAX_VALUES		64

/*
 * The terminal's requests, type 'T' (the legacy 0x54xx numbers and the
 * _IOC-encoded ones alike), that pass; every other one of the type fails
 * with EPERM: a request a newer kernel adds, and drivers' own requests
 * in the range (tun's TUNSETIFF, ALSA's timer), until someone writes
 * down why it is safe.  Refused so: TIOCSTI and TIOCLINUX (fake input),
 * TIOCSETD (another line discipline, which outlasts the run: the user's
 * shell goes silent), TIOCVHANGUP, TIOCCONS (console output redirected),
 * TIOCEXCL (no one else may open the terminal), TIOCSLCKTRMIOS (modes
 * locked for everyone), TIOCSIG (a signal to a foreground group),
 * FIOASYNC (see fcntl_refusals()), and the serial port's hardware setup
 * (TIOCSSERIAL, TIOCSERCONFIG, TIOCSRS485, TIOCSISO7816, ...).
 */
const unsigned long filter_tty_ioctls[] = {
	/*
	 * Modes of a terminal the command holds (shells, editors, less,
	 * ssh): echo, raw, speed.  fdbroker-run puts a shared terminal's
	 * back after the run (ttymodes.c); they do not change the line
	 * discipline (c_line is stored, not acted on: Linux 6.18 keeps
	 * N_TTY, and a hangup makes it N_TTY again).
	 */
	TCGETS, TCSETS, TCSETSW, TCSETSF, TCGETA, TCSETA, TCSETAW, TCSETAF,
	TCGETS2, TCSETS2, TCSETSW2, TCSETSF2,
	/*
	 * Queues: drain and break (tcdrain, tcsendbreak: output, like
	 * write), flush (input the command could read anyway), flow
	 * (tcflow; TCOOFF, which nothing but a TCOON undoes, is refused in
	 * tty_refusals()), and their lengths: FIONREAD and TIOCOUTQ are
	 * also sockets' and pipes' SIOCINQ and SIOCOUTQ.
	 */
	TCSBRK, TCSBRKP, TIOCSBRK, TIOCCBRK, TCFLSH, TCXONC, FIONREAD,
	TIOCOUTQ,
	/* Facts about the terminal, its line and its session: no change. */
	TIOCGPGRP, TIOCGSID, TIOCGETD, TIOCGWINSZ, TIOCGSOFTCAR, TIOCMGET,
	TIOCGSERIAL, TIOCGRS485, TIOCGPTN, TIOCGDEV, TIOCGPKT, TIOCGPTLCK,
	TIOCGEXCL, TIOCGISO7816, TIOCGLCKTRMIOS, TIOCSERGETLSR, TIOCGICOUNT,
	TIOCMIWAIT, FIOQSIZE,
	/*
	 * The window size: what resizing the window does, SIGWINCH to the
	 * foreground group included (its default is to be ignored).  Modem
	 * lines and the software carrier: what TCSETS does already with B0
	 * and CLOCAL; a pseudo-terminal has neither.
	 */
	TIOCSWINSZ, TIOCMBIS, TIOCMBIC, TIOCMSET, TIOCSSOFTCAR,
	/*
	 * A pseudo-terminal whose master the command holds (tmux, script,
	 * expect): unlock it, packet mode, open its other end.  /dev/ptmx
	 * makes new ones; another login's master is not granted.
	 */
	TIOCSPTLCK, TIOCPKT, TIOCGPTPEER,
	/* The descriptor itself, as fcntl() sets it. */
	FIONBIO, FIOCLEX, FIONCLEX,
	/*
	 * Controlling terminals: take one that no session has (a new
	 * pseudo-terminal; force, which steals one, is refused in
	 * tty_refusals()); give up one's own (the SIGHUP a session leader's
	 * TIOCNOTTY sends goes to its own session); let others open a
	 * terminal again (TIOCNXCL).
	 */
	TIOCSCTTY, TIOCNOTTY, TIOCNXCL,
	/* Job control: refused by name in filter_ioctls (filter.c). */
	TIOCSPGRP,
	0
};

/*
 * The sockets' and network devices' requests, type 0x89, that pass:
 * questions (SIOCG*: a socket's owner, its timestamps and queue, the
 * interfaces and their addresses).  Every other one of the type fails
 * with EPERM: as root, SIOCSIFFLAGS, SIOCSIFMTU, SIOCADDRT... on any
 * socket, an AF_UNIX one too, would reconfigure the host's network;
 * SIOCETHTOOL and the devices' private requests both ask and set.
 */
const unsigned long filter_sock_ioctls[] = {
	FIOGETOWN, SIOCGPGRP, SIOCATMARK, SIOCGSTAMP_OLD, SIOCGSTAMPNS_OLD,
	SIOCGSTAMP_NEW, SIOCGSTAMPNS_NEW, SIOCOUTQNSD,
	SIOCGIFNAME, SIOCGIFCONF, SIOCGIFFLAGS, SIOCGIFADDR, SIOCGIFDSTADDR,
	SIOCGIFBRDADDR, SIOCGIFNETMASK, SIOCGIFMETRIC, SIOCGIFMTU,
	SIOCGIFHWADDR, SIOCGIFINDEX, SIOCGIFPFLAGS, SIOCGIFCOUNT,
	SIOCGIFTXQLEN, SIOCGIFMAP, SIOCGIFSLAVE, SIOCGARP,
	0
};

/*
 * The virtual console's requests (<linux/kd.h>, <linux/vt.h>): the
 * legacy numbers 0x4Bxx and 0x56xx, no direction or size bits, which
 * the console driver alone answers (a pseudo-terminal says ENOTTY).  A
 * command started on a Linux console would otherwise hold it: keyboard
 * in raw mode or off (KDSKBMODE), graphics mode (KDSETMODE: the screen
 * stops showing text), another console made active (VT_ACTIVATE) or
 * switching locked (VT_LOCKSWITCH), the keyboard's signal claimed
 * (KDSIGACCEPT), keymaps and fonts rewritten (KDSKBENT, PIO_FONT,
 * KDFONTOP), LEDs and tones.  What passes are questions: is this a
 * console, and in which mode (kbd_mode, setfont and systemd ask
 * KDGKBTYPE); every other one fails with EPERM.  V4L2's requests share
 * the type 'V' but carry a direction and a size, and stay outside.
 */
const unsigned long filter_kd_ioctls[] = {
	KDGKBTYPE, KDGETMODE, KDGKBMODE, KDGKBMETA, KDGETLED, KDGKBLED,
	0
};

const unsigned long filter_vt_ioctls[] = {
	VT_GETSTATE, VT_GETMODE,
	0
};

/* A part of the request space refused but for an allowlist. */
static const struct {
	uint32_t mask, val;
	const unsigned long *allowed;
} allowlists[] = {
	{ 0xff00, FILTER_TTY_TYPE << 8, filter_tty_ioctls },
	{ 0xff00, FILTER_SOCK_TYPE_IOC << 8, filter_sock_ioctls },
	{ FILTER_LEGACY_MASK, FILTER_KD_TYPE << 8, filter_kd_ioctls },
	{ FILTER_LEGACY_MASK, FILTER_VT_TYPE << 8, filter_vt_ioctls },
};

/*
 * Requests that change a file's attribute flags (immutable, append-only,
 * nodump...), its project or version, its encryption, make its contents
 * final (verity), or keep every other process from writing a whole file
 * system (freeze, shutdown).  The kernel asks for the file's owner or
 * root, not for a descriptor open for writing, so a read-only grant
 * would do.  FS_IOC_SETFLAGS and FS_IOC_FSSETXATTR (chattr) go to
 * fdbroker-run's broker, which wants w; the rest, and the worker's, fail:
 * cp -a, tar --xattrs and rsync -aAX make none of them.
 */
const unsigned long filter_attr_ioctls[] = {
	FS_IOC_SETFLAGS, FS_IOC_FSSETXATTR, FS_IOC32_SETFLAGS,
	FS_IOC_SETVERSION, FS_IOC32_SETVERSION, FS_IOC_SET_ENCRYPTION_POLICY,
	FS_IOC_ADD_ENCRYPTION_KEY, FS_IOC_REMOVE_ENCRYPTION_KEY,
	FS_IOC_REMOVE_ENCRYPTION_KEY_ALL_USERS, FS_IOC_ENABLE_VERITY,
	FS_IOC_SETFSLABEL, FIFREEZE, FITHAW, FS_IOC_SHUTDOWN,
	0
};

/* A rule set covering part of the 32-bit request space (cover()). */
struct cover {
	scmp_filter_ctx ctx;
	uint32_t action;
	uint32_t fixed;		/* bits every request covered has ... */
	uint32_t fixed_val;	/* ... with these values */
	uint32_t v[MAX_VALUES];	/* the requests left out, sorted */
	size_t n;
};

static int	cover_init(struct cover *, const unsigned long *, size_t);
static int	cover(const struct cover *, uint32_t, uint32_t, size_t,
		    size_t);
static int	tty_refusals(scmp_filter_ctx);
static int	space_refusals(scmp_filter_ctx, uint32_t, uint32_t,
		    const unsigned long *);
static int	attr_refusals(scmp_filter_ctx, const unsigned long *, size_t);
static int	fcntl_refusals(scmp_filter_ctx);
static int	mediated(const unsigned long *, size_t, unsigned long);
static int	cmp_u32(const void *, const void *);

int
filter_ioctl_refusals(scmp_filter_ctx ctx, const unsigned long *mediated,
		      size_t n)
{
	size_t i;
	int rc;

	for (i = 0; i < sizeof(allowlists) / sizeof(allowlists[0]); i++)
		if ((rc = space_refusals(ctx, allowlists[i].mask,
		    allowlists[i].val, allowlists[i].allowed)) < 0)
			return rc;
	if ((rc = tty_refusals(ctx)) < 0 ||
	    (rc = attr_refusals(ctx, mediated, n)) < 0)
		return rc;
	return fcntl_refusals(ctx);
}

int
filter_ioctl_allow(scmp_filter_ctx ctx, const unsigned long *mediated,
		   size_t n)
{
	struct cover c = { .ctx = ctx, .action = SCMP_ACT_ALLOW };
	struct scmp_arg_cmp cmp;
	size_t i;
	int rc;

	if (n == 0)
		return filter_add_name(ctx, SCMP_ACT_ALLOW, "ioctl", 0, NULL);
	if ((rc = cover_init(&c, mediated, n)) < 0 ||
	    (rc = cover(&c, 0, 0, 0, c.n)) < 0)
		return rc;
	for (i = 0; i < c.n; i++) {
		cmp = filter_masked(1, FILTER_LOW32, c.v[i]);
		if ((rc = filter_add_name(ctx, SCMP_ACT_NOTIFY, "ioctl", 1,
		    &cmp)) < 0)
			return rc;
	}
	return 0;
}

/*
 * The terminal's requests refused for some arguments: TIOCSCTTY with
 * force (arg 1 exactly, as the kernel reads it; root takes a terminal
 * from the session that has it), and tcflow(TCOOFF), which stops the
 * terminal's output, the user's shell's too, until a TCOON.
 */
static int
tty_refusals(scmp_filter_ctx ctx)
{
	const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
	struct scmp_arg_cmp cmp[2];
	int rc;

	cmp[0] = filter_masked(1, FILTER_LOW32, TIOCSCTTY);
	cmp[1] = filter_masked(2, FILTER_LOW32, 1);
	if ((rc = filter_add_name(ctx, eperm, "ioctl", 2, cmp)) < 0)
		return rc;
	cmp[0] = filter_masked(1, FILTER_LOW32, TCXONC);
	cmp[1] = filter_masked(2, FILTER_LOW32, TCOOFF);
	return filter_add_name(ctx, eperm, "ioctl", 2, cmp);
}

/*
 * Every request x with (x & @mask) == @val but the 0-ended @allowed:
 * EPERM.
 */
static int
space_refusals(scmp_filter_ctx ctx, uint32_t mask, uint32_t val,
	       const unsigned long *allowed)
{
	struct cover c = {
		.ctx = ctx, .action = SCMP_ACT_ERRNO(EPERM), .fixed = mask,
		.fixed_val = val,
	};
	size_t n;
	int rc;

	for (n = 0; allowed[n] != 0; n++)
		;
	if ((rc = cover_init(&c, allowed, n)) < 0)
		return rc;
	return cover(&c, c.fixed, c.fixed_val, 0, c.n);
}

static int
attr_refusals(scmp_filter_ctx ctx, const unsigned long *med, size_t n)
{
	const unsigned long *req;
	struct scmp_arg_cmp cmp;
	int rc;

	for (req = filter_attr_ioctls; *req != 0; req++) {
		if (mediated(med, n, *req))
			continue;
		cmp = filter_masked(1, FILTER_LOW32, *req);
		if ((rc = filter_add_name(ctx, SCMP_ACT_ERRNO(EPERM), "ioctl",
		    1, &cmp)) < 0)
			return rc;
	}
	return 0;
}

/*
 * O_ASYNC on a terminal makes the terminal's foreground process group
 * the owner of the file (the kernel's __tty_fasync()), whatever F_SETOWN
 * said: under fdbroker-run the broker's group, or, run in the
 * background, the user's shell's, and with F_SETSIG the signal its input
 * sends may be SIGKILL.  seccomp cannot tell a terminal from a pipe, so
 * O_ASYNC is refused on all (FIOASYNC too); programs wait with poll().
 * A lease (F_RDLCK even on a file opened read-only) makes an outside
 * open for writing wait lease-break-time, 45 s: refused as for a file
 * one does not own, EACCES, even with w, since the broker cannot take
 * one for the command (the lease's owner would be the broker:
 * lease_setup()).  Giving one up (F_UNLCK) stays.
 */
static int
fcntl_refusals(scmp_filter_ctx ctx)
{
	static const char *const names[] = { "fcntl", "fcntl64" };
	static const uint32_t leases[] = { F_RDLCK, F_WRLCK };
	struct scmp_arg_cmp cmp[2];
	size_t i, j;
	int rc;

	for (i = 0; i < 2; i++) {
		cmp[0] = filter_masked(1, FILTER_LOW32, F_SETFL);
		cmp[1] = filter_masked(2, O_ASYNC, O_ASYNC);
		if ((rc = filter_add_name(ctx, SCMP_ACT_ERRNO(EPERM),
		    names[i], 2, cmp)) < 0)
			return rc;
		cmp[0] = filter_masked(1, FILTER_LOW32, F_SETLEASE);
		for (j = 0; j < 2; j++) {
			cmp[1] = filter_masked(2, FILTER_LOW32, leases[j]);
			if ((rc = filter_add_name(ctx, SCMP_ACT_ERRNO(EACCES),
			    names[i], 2, cmp)) < 0)
				return rc;
		}
	}
	return 0;
}

/*
 * The requests left out of a cover, sorted and without repeats; each
 * must have the cover's fixed bits.
 */
static int
cover_init(struct cover *c, const unsigned long *v, size_t n)
{
	size_t i;

	if (n > MAX_VALUES)
		return -EINVAL;
	for (i = 0, c->n = 0; i < n; i++) {
		if (((uint32_t)v[i] & c->fixed) != c->fixed_val)
			return -EINVAL;
		c->v[c->n++] = (uint32_t)v[i];
	}
	qsort(c->v, c->n, sizeof(c->v[0]), cmp_u32);
	for (i = 1; i < c->n; i++)
		if (c->v[i] == c->v[i - 1])
			return -EINVAL;
	return 0;
}

/*
 * Rules for every request x with (x & @mask) == @val but none of
 * c->v[@lo..@hi), which have those bits: walk down the bits not yet
 * decided, highest first; a branch that holds none of the values is one
 * masked comparison.  Sorted, the values with the bit clear come first.
 * At most 32 rules for each value left out, all with one action, so
 * libseccomp's order among them does not matter.
 */
static int
cover(const struct cover *c, uint32_t mask, uint32_t val, size_t lo,
      size_t hi)
{
	struct scmp_arg_cmp cmp;
	uint32_t bit;
	size_t mid;
	int rc;

	if (lo == hi) {
		cmp = filter_masked(1, mask, val);
		return filter_add_name(c->ctx, c->action, "ioctl", 1, &cmp);
	}
	for (bit = 1U << 31; bit != 0 && (mask & bit); bit >>= 1)
		;
	if (bit == 0)
		return 0;	/* a value left out */
	for (mid = lo; mid < hi && !(c->v[mid] & bit); mid++)
		;
	if ((rc = cover(c, mask | bit, val, lo, mid)) < 0)
		return rc;
	return cover(c, mask | bit, val | bit, mid, hi);
}

static int
mediated(const unsigned long *med, size_t n, unsigned long req)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((uint32_t)med[i] == (uint32_t)req)
			return 1;
	return 0;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}
