/* SPDX-License-Identifier: MIT */
/*
 * ttymodes.c: the modes of the terminals fdbroker-run shares with the
 * command, saved before the run and put back after it (ttymodes.h).
 * The command may set modes (the filter allows TCSETS*: shells, editors
 * and pagers need them), but it may not change the line discipline
 * (TIOCSETD is refused by filter-ioctl.c, and TCSETS ignores c_line), so
 * the modes are all there is to put back.
 */
#include "config.h"

#include <sys/stat.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ttymodes.h"

static int	 add(struct ttymodes *m, int fd, int own);

void
ttymodes_save(struct ttymodes *m)
{
	int fd;

	m->n = 0;
	for (fd = 0; fd < 3; fd++)
		(void)add(m, fd, 0);
	/*
	 * The controlling terminal, which the command may open by name
	 * (/dev/tty, granted by the system profile) when none of those
	 * is it.  No controlling terminal: ENXIO.
	 */
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd != -1 && !add(m, fd, 1))
		close(fd);
}

/* Save terminal @fd's modes, unless it is no terminal or saved already. */
static int
add(struct ttymodes *m, int fd, int own)
{
	struct stat st;
	size_t i;

	/* Zeroed: the padding too, for ttymodes_restore()'s memcmp. */
	memset(&m->saved[m->n].t, 0, sizeof(m->saved[m->n].t));
	if (fstat(fd, &st) == -1 || !S_ISCHR(st.st_mode) ||
	    tcgetattr(fd, &m->saved[m->n].t) == -1)
		return 0;
	for (i = 0; i < m->n && m->saved[i].rdev != st.st_rdev; i++)
		;
	if (i < m->n)
		return 0;	/* the same terminal */
	m->saved[m->n].fd = fd;
	m->saved[m->n].own = own;
	m->saved[m->n].rdev = st.st_rdev;
	m->n++;
	return 1;
}

void
ttymodes_restore(struct ttymodes *m)
{
	struct termios now;
	size_t i;
	int fd;

	for (i = 0; i < m->n; i++) {
		fd = m->saved[i].fd;
		memset(&now, 0, sizeof(now));
		if (tcgetpgrp(fd) != getpgrp() || tcgetattr(fd, &now) == -1 ||
		    memcmp(&now, &m->saved[i].t, sizeof(now)) == 0)
			continue;
		(void)tcsetattr(fd, TCSANOW, &m->saved[i].t);
	}
	for (i = 0; i < m->n; i++)
		if (m->saved[i].own)
			close(m->saved[i].fd);
	m->n = 0;
}
