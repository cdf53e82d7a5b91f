/* SPDX-License-Identifier: MIT */
/*
 * profile.c: the built-in profiles of SPEC §3, as data.  A profile is a
 * constant table of rules added in one all-or-nothing step; rules on paths
 * that do not exist on this machine are added all the same (the policy
 * never looks at the filesystem).
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "fdbroker.h"
#include "policy.h"
#include "profile.h"

/*
 * struct policy_rule holds a char *, but these tables are const and
 * policy_add_rules() copies the paths it keeps: the literals are never
 * written through.
 */
#define RULE(path, perms)	{ (char *)(path), sizeof(path) - 1, (perms), 0 }
#define NELEM(a)		(sizeof(a) / sizeof((a)[0]))

struct profile {
	const char *name;
	const struct policy_rule *rules;
	size_t n;
};

/*
 * What ordinary dynamically linked programs need, read-only.  Execution
 * needs reading too (the loader maps the file), so "x" here is r|x; the
 * directories listed under both r and x unite to r|x.  Nothing under
 * /home, /root, /tmp, /var, /run, nor the rest of /etc.
 */
static const struct policy_rule system_rules[] = {
	RULE("/usr", FDB_R),
	RULE("/bin", FDB_R),
	RULE("/sbin", FDB_R),
	RULE("/lib", FDB_R),
	RULE("/lib64", FDB_R),
	RULE("/lib32", FDB_R),
	RULE("/etc/ld.so.cache", FDB_R),
	RULE("/etc/ld.so.preload", FDB_R),
	RULE("/etc/ld.so.conf", FDB_R),
	RULE("/etc/ld.so.conf.d", FDB_R),
	RULE("/etc/localtime", FDB_R),
	RULE("/etc/nsswitch.conf", FDB_R),
	RULE("/etc/passwd", FDB_R),
	RULE("/etc/group", FDB_R),
	RULE("/etc/alternatives", FDB_R),
	/*
	 * What ordinary programs read at start-up (issue 12's corpus): a
	 * missing one answers ENOENT, as unconfined, since a rule names it
	 * (git and perl take EACCES as fatal).  Certificates and the TLS
	 * configuration, never /etc/ssl/private.
	 */
	RULE("/etc/locale.alias", FDB_R),
	RULE("/etc/locale.conf", FDB_R),
	RULE("/etc/default/locale", FDB_R),
	RULE("/etc/timezone", FDB_R),
	RULE("/etc/os-release", FDB_R),
	RULE("/etc/debian_version", FDB_R),
	RULE("/etc/bash.bashrc", FDB_R),
	RULE("/etc/profile", FDB_R),
	RULE("/etc/profile.d", FDB_R),
	RULE("/etc/inputrc", FDB_R),
	RULE("/etc/terminfo", FDB_R),
	RULE("/etc/ssl/certs", FDB_R),
	RULE("/etc/ssl/openssl.cnf", FDB_R),
	RULE("/etc/gitconfig", FDB_R),
	RULE("/etc/gitattributes", FDB_R),
	RULE("/etc/perl", FDB_R),
	RULE("/etc/java-17-openjdk", FDB_R),
	RULE("/etc/java-21-openjdk", FDB_R),
	RULE("/etc/manpath.config", FDB_R),
	RULE("/etc/magic", FDB_R),
	RULE("/etc/magic.mime", FDB_R),
	RULE("/etc/magic.mgc", FDB_R),
	RULE("/etc/python3", FDB_R),
	RULE("/etc/python3.11", FDB_R),
	RULE("/etc/mime.types", FDB_R),
	RULE("/etc/ssh/ssh_config", FDB_R),
	RULE("/etc/ssh/ssh_config.d", FDB_R),
	RULE("/etc/selinux/config", FDB_R),
	RULE("/etc/gcrypt", FDB_R),
	RULE("/etc/gnupg", FDB_R),
	RULE("/proc/sys/crypto/fips_enabled", FDB_R),
	/* libselinux's probe (statfs) of where selinuxfs would be. */
	RULE("/sys/fs/selinux", FDB_R),
	RULE("/selinux", FDB_R),
	/* System-wide figures, no process's or user's. */
	RULE("/proc/meminfo", FDB_R),
	RULE("/proc/cpuinfo", FDB_R),
	RULE("/proc/stat", FDB_R),
	RULE("/proc/uptime", FDB_R),
	RULE("/proc/loadavg", FDB_R),
	RULE("/proc/filesystems", FDB_R),
	RULE("/proc/self", FDB_R),
	RULE("/sys/devices/system/cpu", FDB_R),
	RULE("/dev/zero", FDB_R),
	RULE("/dev/urandom", FDB_R),
	RULE("/dev/random", FDB_R),
	RULE("/dev/null", FDB_R | FDB_W),
	RULE("/dev/tty", FDB_R | FDB_W),
	/* New pseudo-terminals; their other end: TIOCGPTPEER (landlock.c). */
	RULE("/dev/ptmx", FDB_R | FDB_W),
	RULE("/usr/bin", FDB_R | FDB_X),
	RULE("/usr/sbin", FDB_R | FDB_X),
	RULE("/bin", FDB_R | FDB_X),
	RULE("/sbin", FDB_R | FDB_X),
	RULE("/usr/lib", FDB_R | FDB_X),
	RULE("/lib", FDB_R | FDB_X),
	RULE("/lib64", FDB_R | FDB_X),
	/*
	 * Where /lib64 is a link (Fedora's to usr/lib64, holding the
	 * dynamic loader), x is decided on the canonical path, by the
	 * broker and by Landlock alike (landlock-exec.c).
	 */
	RULE("/usr/lib64", FDB_R | FDB_X),
	RULE("/usr/libexec", FDB_R | FDB_X),
	RULE("/usr/local/bin", FDB_R | FDB_X),
	/*
	 * First in root's PATH on Debian: without it, a command that is not
	 * there fails with EACCES instead of ENOENT (126, not 127; Python's
	 * FileNotFoundError becomes PermissionError).
	 */
	RULE("/usr/local/sbin", FDB_R | FDB_X),
};

/* Name resolution, added by --allow-net (SPEC §3). */
static const struct policy_rule net_rules[] = {
	RULE("/etc/hosts", FDB_R),
	RULE("/etc/host.conf", FDB_R),
	RULE("/etc/resolv.conf", FDB_R),
	RULE("/etc/gai.conf", FDB_R),
	RULE("/etc/services", FDB_R),
	RULE("/etc/protocols", FDB_R),
};

static const struct profile profiles[] = {
	{ "none", NULL, 0 },
	{ "system", system_rules, NELEM(system_rules) },
	{ "net", net_rules, NELEM(net_rules) },
};

int
profile_add(struct fdb_policy *p, const char *name)
{
	size_t i;

	if (p == NULL || name == NULL) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < NELEM(profiles); i++)
		if (strcmp(profiles[i].name, name) == 0)
			return policy_add_rules(p, profiles[i].rules,
						profiles[i].n);
	errno = ENOENT;
	return -1;
}
