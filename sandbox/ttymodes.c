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
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ttymodes.h"

void
ttymodes_save(struct ttymodes *m)
{
	struct stat st;
	size_t i;
	int fd;

	m->n = 0;
	for (fd = 0; fd < TTYMODES_MAX; fd++) {
		/* Zeroed: the padding too, for ttymodes_restore()'s memcmp. */
		memset(&m->saved[m->n].t, 0, sizeof(m->saved[m->n].t));
		if (fstat(fd, &st) == -1 || !S_ISCHR(st.st_mode) ||
		    tcgetattr(fd, &m->saved[m->n].t) == -1)
			continue;
		for (i = 0; i < m->n && m->saved[i].rdev != st.st_rdev; i++)
			;
		if (i < m->n)
			continue;	/* the same terminal */
		m->saved[m->n].fd = fd;
		m->saved[m->n].rdev = st.st_rdev;
		m->n++;
	}
}

void
ttymodes_restore(const struct ttymodes *m)
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
}
