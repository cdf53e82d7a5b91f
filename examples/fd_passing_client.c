/* SPDX-License-Identifier: MIT */
/*
 * fd_passing_client.c: an example of libfdbroker, wire-compatible with
 * Boost.Asio's fd_passing_stream_client (and so with its server).
 *
 * It connects to the server, then locks itself down with fdb_lockdown():
 * from there on it cannot open a file by itself, and the only way to one
 * is the descriptor the server passes back.  It asks for the path read
 * from stdin, receives one byte (0, or an errno) and maybe a descriptor
 * with fdb_recv_fd(), and writes one line into the file it was given.
 * Asio's server answers a refusal by hanging up; ours sends the errno.
 * Only the public API is used, as a program built against the installed
 * library would.
 */
#define _GNU_SOURCE	/* getline(), dprintf() on older libcs */

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdbroker.h"

#define PROG		"fd_passing_client"
#define MAX_REQ		1023	/* what Asio's server can take */

const char	*__asan_default_options(void)
		    __attribute__((visibility("default")));

static void	 say(const char *, ...) __attribute__((format(printf, 1, 2)));
static int	 connect_to(const char *);
static ssize_t	 read_path(char **);
static int	 send_all(int, const char *, size_t);
static int	 receive(int);

/*
 * Under --enable-sanitizers, LeakSanitizer reads /proc at exit, which the
 * lockdown forbids; without sanitizers nothing calls this.
 */
const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}

/* A fixed name: in the build tree libtool runs .libs/lt-PROG. */
static void
say(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	fputs(PROG ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static int
connect_to(const char *path)
{
	struct sockaddr_un	 sun;
	size_t			 len = strlen(path);
	int			 fd, save;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (len == 0 || len >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path, path, len);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		save = errno;
		close(fd);
		errno = save;
		return -1;
	}
	return fd;
}

/* One line, newline stripped; -1 with errno 0 at end of input. */
static ssize_t
read_path(char **line)
{
	size_t	 cap = 0;
	ssize_t	 n;

	errno = 0;
	if ((n = getline(line, &cap, stdin)) == -1)
		return -1;
	if (n > 0 && (*line)[n - 1] == '\n')
		(*line)[--n] = '\0';
	return n;
}

static int
send_all(int sock, const char *p, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		/* MSG_NOSIGNAL: a server gone away is an error, not a kill. */
		n = send(sock, p, len, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* Returns the exit status. */
static int
receive(int sock)
{
	unsigned char	 byte;
	ssize_t		 n;
	int		 fd;

	if ((n = fdb_recv_fd(sock, &byte, 1, &fd)) == -1) {
		say("receiving: %s", strerror(errno));
		return 1;
	}
	if (n == 0) {
		/* Asio's own server refuses this way. */
		say("server closed the connection");
		return 1;
	}
	if (byte != 0 || fd == -1) {
		if (fd != -1)
			close(fd);
		say("%s", byte != 0 ? strerror(byte) :
		    "no descriptor in the reply");
		return 1;
	}
	printf("File descriptor received is: %d\n", fd);
	fflush(stdout);
	if (dprintf(fd, "stream_client writing to received fd #%d\n",
	    fd) < 0 || close(fd) == -1) {
		say("writing to fd %d: %s", fd, strerror(errno));
		return 1;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	char	*line = NULL;
	ssize_t	 n;
	int	 sock, status = 1;

	if (argc != 2) {
		fputs("usage: " PROG " SOCKET\n", stderr);
		return 1;
	}
	if ((sock = connect_to(argv[1])) == -1) {
		say("%s: %s", argv[1], strerror(errno));
		return 1;
	}
	/* Connected: nothing else needs a path from here on. */
	if (fdb_lockdown() == -1) {
		say("lockdown: %s", strerror(errno));
		goto out;
	}
	fputs("Enter path to write to: ", stdout);
	fflush(stdout);
	if ((n = read_path(&line)) == -1)
		say("%s", errno != 0 ? strerror(errno) : "no path given");
	else if (n == 0)
		say("empty path");
	else if (n > MAX_REQ)
		say("path longer than %d bytes", MAX_REQ);
	else if (send_all(sock, line, n) == -1)
		say("sending: %s", strerror(errno));
	else
		status = receive(sock);
out:
	free(line);
	close(sock);
	return status;
}
