/* SPDX-License-Identifier: MIT */
/*
 * fd_passing_server.c: an example of libfdbroker, wire-compatible with
 * Boost.Asio's fd_passing_stream_server (and so with its client).
 *
 * Clients connect to a SOCK_STREAM AF_UNIX socket and send a path: its
 * bytes, no terminator, at most 1023 of them, in one write.  The server
 * opens it as fopen(path, "w+") would, but through fdb_broker_open(), so
 * the policy built from the command line decides, and answers with one
 * byte: 0 with the descriptor attached, or the errno alone.  Asio's client
 * finds no descriptor in a refusal and stops quietly.  One poll() loop
 * serves every client; nothing one client does (garbage, silence, hanging
 * up) stalls the others.  Only the public API is used, as a program built
 * against the installed library would: no config.h, no internal header.
 */
#define _GNU_SOURCE	/* accept4(), struct ucred */

#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fdbroker.h"

#define PROG		"fd_passing_server"
#define MAX_REQ		1023	/* Asio's buffer: 1024 bytes, one for NUL */
#define MAX_CLIENTS	64
#define IDLE_SECS	300	/* a silent client is dropped after this */
#define OPEN_FLAGS	(O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC)

struct client {
	int	 fd;
	pid_t	 pid;		/* from SO_PEERCRED, 0 when unknown */
	time_t	 last;		/* monotonic time of the last activity */
};

struct server {
	struct fdb_policy	*policy;
	struct fdb_broker	*broker;
	const char		*path;		/* of the listening socket */
	dev_t			 dev;		/* unlink only our own socket */
	ino_t			 ino;
	int			 lfd;
	int			 sfd;		/* signalfd: SIGINT, SIGTERM */
	size_t			 nclients;
	struct client		 clients[MAX_CLIENTS];
};

static void	 say(const char *, ...) __attribute__((format(printf, 1, 2)));
static void	 usage(FILE *);
static void	 bad_option(const char *);
static int	 parse_args(struct server *, int, char *[]);
static void	 put_bytes(const char *, size_t);
static void	 decision(const struct fdb_decision *, void *);
static int	 signal_fd(void);
static int	 listen_socket(struct server *);
static time_t	 now(void);
static int	 answer(struct client *, int, int);
static int	 bad_request(struct client *, const char *, ssize_t);
static int	 serve_client(struct server *, struct client *);
static void	 accept_clients(struct server *);
static int	 poll_timeout(const struct server *);
static void	 sweep(struct server *);
static int	 run(struct server *);
static void	 cleanup(struct server *);

static const struct option longopts[] = {
	{ "read",	required_argument,	NULL,	'r' },
	{ "write",	required_argument,	NULL,	'w' },
	{ "create",	required_argument,	NULL,	'c' },
	{ "policy",	required_argument,	NULL,	'p' },
	{ "help",	no_argument,		NULL,	'h' },
	{ NULL,		0,			NULL,	0 }
};

/*
 * The name is fixed rather than taken from argv[0]: in the build tree
 * libtool runs the program as .libs/lt-fd_passing_server.
 */
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

static void
usage(FILE *f)
{
	fputs("usage: " PROG " [-r PATH] [-w PATH] [-c PATH] [-p FILE]..."
	    " SOCKET\n"
	    "  -r, --read PATH     grant r on PATH\n"
	    "  -w, --write PATH    grant rw on PATH\n"
	    "  -c, --create PATH   grant rwc on PATH\n"
	    "  -p, --policy FILE   add the rules in FILE\n", f);
}

static void
bad_option(const char *arg)
{
	say("%s: unknown option or missing argument", arg);
	usage(stderr);
}

/* Returns the index of SOCKET in argv, 0 after --help, or -1. */
static int
parse_args(struct server *s, int argc, char *argv[])
{
	char	 err[256];
	unsigned	 perms;
	int	 ch;

	err[0] = '\0';
	opterr = 0;	/* getopt would name the libtool binary */
	while ((ch = getopt_long(argc, argv, "r:w:c:p:h", longopts,
	    NULL)) != -1) {
		perms = FDB_R;
		switch (ch) {
		case 'c':
			perms |= FDB_C;
			/* FALLTHROUGH */
		case 'w':
			perms |= FDB_W;
			/* FALLTHROUGH */
		case 'r':
			if (fdb_policy_add(s->policy, optarg, perms) == -1) {
				say("-%c '%s': %s", ch, optarg,
				    strerror(errno));
				return -1;
			}
			break;
		case 'p':
			if (fdb_policy_load(s->policy, optarg, err,
			    sizeof(err)) == -1) {
				say("%s", err[0] != '\0' ? err :
				    strerror(errno));
				return -1;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			bad_option(argv[optind - 1]);
			return -1;
		}
	}
	if (argc - optind != 1) {
		usage(stderr);
		return -1;
	}
	return optind;
}

/*
 * Paths come from clients: escape what is not printable, so that a path
 * cannot forge a decision line or send escape sequences to a terminal.
 */
static void
put_bytes(const char *p, size_t len)
{
	size_t	 i;
	int	 c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)p[i];
		if (isprint(c) && c != '\\')
			putchar(c);
		else
			printf("\\%03o", c);
	}
}

static void
decision(const struct fdb_decision *d, void *arg)
{
	(void)arg;
	if (d->allowed && d->error == 0)
		fputs("granted ", stdout);
	else
		fputs(d->allowed ? "failed " : "refused ", stdout);
	put_bytes(d->path, strlen(d->path));
	if (!d->allowed || d->error != 0)
		printf(": %s", strerror(d->error != 0 ? d->error : EACCES));
	putchar('\n');
	fflush(stdout);
}

/*
 * A shell starts background jobs with SIGINT ignored, and an ignored
 * signal never reaches a signalfd: take the default back, then block.
 */
static int
signal_fd(void)
{
	sigset_t	 set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		return -1;
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static int
listen_socket(struct server *s)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	size_t			 len = strlen(s->path);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (len == 0 || len >= sizeof(sun.sun_path)) {
		say("%s: %s", s->path, strerror(ENAMETOOLONG));
		return -1;
	}
	memcpy(sun.sun_path, s->path, len);
	/* Asio's server removes whatever is there; we remove only a socket. */
	if (lstat(s->path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
		say("%s: exists and is not a socket; not removing it",
		    s->path);
		return -1;
	}
	if (unlink(s->path) == -1 && errno != ENOENT) {
		say("%s: %s", s->path, strerror(errno));
		return -1;
	}
	s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (s->lfd == -1 ||
	    bind(s->lfd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    lstat(s->path, &st) == -1 || listen(s->lfd, SOMAXCONN) == -1) {
		say("%s: %s", s->path, strerror(errno));
		return -1;
	}
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	return 0;
}

static time_t
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* One byte, 0 with @fd or an errno without; the dialect has no more. */
static int
answer(struct client *c, int fd, int err)
{
	unsigned char	 byte;

	byte = (err > 0 && err < 256) ? err : (err == 0 ? 0 : EIO);
	/*
	 * The socket is non-blocking: a client that does not read its
	 * answers fills its buffer and gets EAGAIN here, and is dropped.
	 */
	return fdb_send_fd(c->fd, &byte, 1, fd) == 1 ? 0 : -1;
}

/* A request that never reaches the broker: a NUL inside, or too long. */
static int
bad_request(struct client *c, const char *buf, ssize_t n)
{
	int	 err = n > MAX_REQ ? ENAMETOOLONG : EINVAL;

	fputs("refused ", stdout);
	put_bytes(buf, err == EINVAL ? (size_t)n : 32);
	printf("%s: %s\n", err == EINVAL ? "" : "...", strerror(err));
	fflush(stdout);
	/*
	 * A NUL would cut the path short.  After an oversized request the
	 * rest of it cannot be told from the next one: that client goes.
	 */
	if (answer(c, -1, err) == -1 || err == ENAMETOOLONG)
		return -1;
	return 0;
}

/* Returns -1 when the client must be dropped. */
static int
serve_client(struct server *s, struct client *c)
{
	char	 buf[MAX_REQ + 2];
	ssize_t	 n;
	int	 fd, rc;

	n = read(c->fd, buf, MAX_REQ + 1);
	if (n == -1)
		return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
	if (n == 0)
		return -1;
	c->last = now();
	if (n > MAX_REQ || memchr(buf, '\0', n) != NULL)
		return bad_request(c, buf, n);
	buf[n] = '\0';
	fd = fdb_broker_open(s->broker, c->pid, buf, OPEN_FLAGS, 0666);
	rc = answer(c, fd, fd == -1 ? errno : 0);
	if (fd != -1)
		close(fd);
	return rc;
}

static void
accept_clients(struct server *s)
{
	struct ucred	 cr;
	socklen_t	 len;
	struct client	*c;
	int		 fd;

	while ((fd = accept4(s->lfd, NULL, NULL,
	    SOCK_NONBLOCK | SOCK_CLOEXEC)) != -1) {
		if (s->nclients == MAX_CLIENTS) {
			say("more than %d clients; refusing one",
			    MAX_CLIENTS);
			close(fd);
			continue;
		}
		c = &s->clients[s->nclients++];
		c->fd = fd;
		c->last = now();
		len = sizeof(cr);
		c->pid = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr,
		    &len) == 0 ? cr.pid : 0;
	}
	if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
		say("accept: %s", strerror(errno));
}

static int
poll_timeout(const struct server *s)
{
	time_t	 t, first;
	size_t	 i;

	if (s->nclients == 0)
		return -1;
	first = s->clients[0].last;
	for (i = 1; i < s->nclients; i++)
		if (s->clients[i].last < first)
			first = s->clients[i].last;
	t = first + IDLE_SECS - now();
	return t <= 0 ? 0 : (int)t * 1000;
}

/* Close idle clients, then pack the dropped (fd -1) ones out. */
static void
sweep(struct server *s)
{
	time_t	 t = now();
	size_t	 i, j;

	for (i = j = 0; i < s->nclients; i++) {
		if (s->clients[i].fd != -1 &&
		    t - s->clients[i].last >= IDLE_SECS) {
			close(s->clients[i].fd);
			s->clients[i].fd = -1;
		}
		if (s->clients[i].fd != -1)
			s->clients[j++] = s->clients[i];
	}
	s->nclients = j;
}

static int
run(struct server *s)
{
	struct pollfd	 pfd[2 + MAX_CLIENTS];
	size_t		 i;

	for (;;) {
		pfd[0].fd = s->sfd;
		pfd[1].fd = s->lfd;
		for (i = 0; i < s->nclients; i++)
			pfd[2 + i].fd = s->clients[i].fd;
		for (i = 0; i < 2 + s->nclients; i++)
			pfd[i].events = POLLIN;
		if (poll(pfd, 2 + s->nclients, poll_timeout(s)) == -1) {
			if (errno == EINTR)
				continue;
			say("poll: %s", strerror(errno));
			return -1;
		}
		if (pfd[0].revents != 0)
			return 0;
		for (i = 0; i < s->nclients; i++) {
			if (pfd[2 + i].revents == 0 ||
			    serve_client(s, &s->clients[i]) == 0)
				continue;
			close(s->clients[i].fd);
			s->clients[i].fd = -1;
		}
		sweep(s);
		if (pfd[1].revents != 0)
			accept_clients(s);
	}
}

static void
cleanup(struct server *s)
{
	struct stat	 st;
	size_t		 i;

	for (i = 0; i < s->nclients; i++)
		close(s->clients[i].fd);
	/* Someone may have replaced the socket meanwhile: leave theirs. */
	if (s->lfd != -1 && lstat(s->path, &st) == 0 &&
	    st.st_dev == s->dev && st.st_ino == s->ino)
		unlink(s->path);
	if (s->lfd != -1)
		close(s->lfd);
	if (s->sfd != -1)
		close(s->sfd);
	fdb_broker_free(s->broker);
	fdb_policy_free(s->policy);
}

int
main(int argc, char *argv[])
{
	struct server	 s;
	int		 i, status = 1;

	memset(&s, 0, sizeof(s));
	s.lfd = s.sfd = -1;
	if ((s.policy = fdb_policy_new()) == NULL) {
		say("%s", strerror(errno));
		return 1;
	}
	if ((i = parse_args(&s, argc, argv)) <= 0) {
		status = i == 0 ? 0 : 1;
		goto out;
	}
	s.path = argv[i];
	if ((s.broker = fdb_broker_new(s.policy)) == NULL) {
		say("broker: %s", strerror(errno));
		goto out;
	}
	fdb_broker_set_hook(s.broker, decision, NULL);
	if ((s.sfd = signal_fd()) == -1) {
		say("signals: %s", strerror(errno));
		goto out;
	}
	if (listen_socket(&s) == -1)
		goto out;
	fputs("listening on ", stdout);
	put_bytes(s.path, strlen(s.path));
	putchar('\n');
	fflush(stdout);
	if (run(&s) == 0)
		status = 0;
out:
	cleanup(&s);
	return status;
}
