#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run-cli.sh: end-to-end tests of fdbroker-run (SPEC §4) with real
# programs: sh, cat, ls, grep, find, tar, python3, cc, make, a static and a
# multi-threaded binary, the options and the exit statuses, and the JSON
# Lines log.  Needs FDBROKER_RUN and NOTIFY_PROBE (set by make check).
# Writes only in a mktemp -d directory, removed at exit.  Exit 77 (skip)
# when the kernel cannot run fdbroker-run at all.

R=${FDBROKER_RUN:?FDBROKER_RUN is not set}
PROBE=${NOTIFY_PROBE:?NOTIFY_PROBE is not set}
. "${SRCDIR:?SRCDIR is not set}/tests/shlib.sh"
shlib_start run-test stderr

# expect NAME STATUS CMD...: CMD exits with STATUS (output in $T/std*).
expect() {
	name=$1 want=$2
	shift 2
	"$@" >"$T/stdout" 2>"$T/stderr" </dev/null
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$name"; else
		echo "  status $got, expected $want"; nok "$name"; fi
}

# has NAME FILE TEXT: FILE contains TEXT.
has() {
	if grep -q -e "$3" "$2"; then ok "$1"; else
		echo "  '$3' not in $2:"; sed 's/^/  | /' "$2" | head -10
		nok "$1"; fi
}

# --- can this kernel run it at all? -----------------------------------
"$R" -- /bin/true >"$T/stdout" 2>"$T/stderr"
[ $? -eq 0 ] && ok "true runs" || nok "true runs"

mkdir -p in/sub out x outside
printf 'hello from a file\n' >in/file
printf 'needle in sub\n' >in/sub/deep
printf 'secret\n' >in/sub/secret
printf 'outside\n' >outside/secret
ln -s ../outside/secret in/escape
ln -s file in/alias

# --- opening, with and without the policy -----------------------------
expect "cat of an ungranted file fails" 1 "$R" -- /bin/cat "$T/in/file"
has "the denial says Permission denied" "$T/stderr" "Permission denied"
expect "cat of a granted file" 0 "$R" -r "$T/in" -- /bin/cat "$T/in/file"
has "cat printed the file" "$T/stdout" "hello from a file"
expect "cat /etc/hostname refused by default" 1 "$R" -- cat /etc/hostname
expect "cat /etc/hostname with -r" 0 "$R" -r /etc/hostname -- \
    cat /etc/hostname
expect "deny inside a granted tree" 1 "$R" -r "$T/in" \
    --deny "$T/in/sub/secret" -- cat "$T/in/sub/secret"
expect "a granted symlink to a granted file" 0 "$R" -r "$T/in" -- \
    cat "$T/in/alias"
expect "a symlink out of the granted tree is refused" 1 "$R" -r "$T/in" \
    -- /bin/cat "$T/in/escape"
expect "relative paths from the current directory (sh -c cd)" 0 \
    "$R" -r "$T/in" -- /bin/sh -c "cd '$T/in' && cat file sub/deep"
has "sh -c read both files" "$T/stdout" "needle in sub"
expect "ls -l of a granted directory" 0 "$R" -r "$T/in" -- \
    /bin/ls -l "$T/in"
has "ls -l shows the link target" "$T/stdout" "alias -> file"
expect "grep -r" 0 "$R" -r "$T/in" -- grep -r needle "$T/in"
has "grep -r found the needle" "$T/stdout" "sub/deep:needle in sub"
# find opens its current directory to come back to it: a granted one.
expect "find" 0 "$R" -r "$T/in" -- /bin/sh -c "cd '$T/in' &&
    find '$T/in' -name deep"
has "find found the file" "$T/stdout" "in/sub/deep"

# --- creating and changing files ---------------------------------------
expect "tar -c into a -c directory" 0 "$R" -r "$T/in" -c "$T/out" -- \
    tar -C "$T/in" -cf "$T/out/a.tar" file sub
expect "tar -x into a -c directory" 0 "$R" -r "$T/out" -c "$T/x" -- \
    tar -C "$T/x" -xf "$T/out/a.tar"
if cmp -s "$T/in/sub/deep" "$T/x/sub/deep"; then ok "tar round trip";
else nok "tar round trip"; fi
expect "writing outside -c fails" 2 "$R" -r "$T" -- \
    /bin/sh -c "echo x > '$T/in/new'"
[ -e "$T/in/new" ] && nok "no file was created" || ok "no file was created"
expect "mkdir, mv, ln, rm -r, chmod, touch, mkfifo, truncate" 0 \
    "$R" -c "$T/out" -- /bin/sh -c "cd '$T/out' && mkdir -p d/e &&
    echo y > f && mv f d/e/ && ln -s f sl && ln d/e/f hard &&
    chmod 600 hard && touch hard && mkfifo fifo && truncate -s 1 hard &&
    rm -r d && test -p fifo && test ! -e d"
expect "the command's umask applies to what it creates" 0 \
    "$R" -c "$T/out" -- /bin/sh -c "cd '$T/out' && umask 027 &&
    echo z > um && mkdir umd && mkfifo umf && umask 0 && echo z > um0"
if [ "$(stat -c %a "$T/out/um" "$T/out/umd" "$T/out/umf" "$T/out/um0" |
    tr '\n' ' ')" = "640 750 640 666 " ]; then ok "modes 640 750 640 666"
else stat -c '%a %n' "$T"/out/um*; nok "modes 640 750 640 666"; fi
# The broker serves from several threads: each creator's umask is its own
# even while another process creates with another umask at once.
mkdir "$T/out/par"
expect "concurrent creators with different umasks" 0 \
    "$R" -c "$T/out/par" -- /bin/sh -c "cd '$T/out/par' || exit 1
    (umask 077; i=0; while [ \$i -lt 300 ]; do : > a\$i; i=\$((i+1)); done) &
    (umask 0; i=0; while [ \$i -lt 300 ]; do : > b\$i; i=\$((i+1)); done) &
    wait"
if [ "$(stat -c %a "$T"/out/par/a* | sort -u | tr '\n' ' ')" = "600 " ] &&
    [ "$(stat -c %a "$T"/out/par/b* | sort -u | tr '\n' ' ')" = "666 " ] &&
    [ "$(ls "$T/out/par" | wc -l)" -eq 600 ]; then
	ok "each got its own umask (600, 666)"
else stat -c %a "$T"/out/par/* | sort | uniq -c
	nok "each got its own umask (600, 666)"; fi
# A program written, closed and run at once (a build, then its tests):
# the broker's copy of the written file is closed before the exec goes
# on, whichever thread installed it (else ETXTBSY, 123 times in 300).
if [ -x /usr/bin/python3 ]; then
	mkdir "$T/out/tx"
	expect "exec right after writing the file" 0 "$R" -c "$T/out/tx" \
	    -x "$T/out/tx" -- /usr/bin/python3 -c '
import os, sys
for i in range(300):
    p = "%s/s%d" % (sys.argv[1], i)
    fd = os.open(p, os.O_CREAT | os.O_WRONLY, 0o755)
    os.write(fd, b"#!/bin/sh\nexit 0\n")
    os.close(fd)
    os.waitpid(os.posix_spawn(p, [p], {}), 0)
' "$T/out/tx"
else skip "exec right after writing (no python3)"; fi
expect "rm -r outside -c fails" 1 "$R" -r "$T/in" -- rm -r "$T/in/sub"
[ -f "$T/in/sub/deep" ] && ok "nothing was removed" ||
    nok "nothing was removed"

# --- real programs ------------------------------------------------------
if [ -x /usr/bin/python3 ]; then
	expect "python3 imports json, email, http.client" 0 "$R" -- \
	    /usr/bin/python3 -c 'import json, email, http.client; print("ok")'
	has "python3 ran" "$T/stdout" "^ok"
else skip "python3"; fi
# A program that makes itself undumpable (ssh-agent does) would make
# every later request fail (the broker may no longer read its memory,
# unless it is root): prctl says EPERM and the program is served.  Run
# as nobody where we can, the case that failed.
if [ -x /usr/bin/python3 ]; then
	as=
	chmod 755 "$T"
	[ "$(id -u)" -eq 0 ] && command -v runuser >/dev/null &&
	    runuser -u nobody -- "$R" -V >/dev/null 2>&1 &&
	    as="runuser -u nobody --"
	[ -z "$as" ] && echo "  (as $(id -un): nobody cannot run $R here)"
	expect "an undumpable request is refused, later ones served" 0 \
	    $as "$R" -r /etc/hostname -- /usr/bin/python3 -s -c '
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
print(libc.prctl(4, 0, 0, 0, 0), os.strerror(ctypes.get_errno()))
print(len(open("/etc/hostname").read()) > 0)'
	has "prctl(PR_SET_DUMPABLE, 0) says EPERM" "$T/stdout" \
	    "^-1 Operation not permitted"
	has "the open after it is served" "$T/stdout" "^True"
fi
# Programs that touch only their directory and the system: no denial
# (the system profile names the configuration they read at start-up).
mkdir "$T/wb"
for cmd in "/usr/bin/git init -q $T/wb/r" "/usr/bin/git -C $T/wb/r status" \
    "/usr/bin/perl -e 1" "/usr/bin/file /bin/ls" "/usr/bin/stat -f $T/wb" \
    "/usr/bin/free" "/usr/bin/readlink -f /etc/passwd" "/bin/df $T/wb" \
    "/usr/bin/gpg --version" "/usr/bin/openssl version"; do
	if [ -x "${cmd%% *}" ]; then
		# shellcheck disable=SC2086
		expect "no denial: $cmd" 0 env -i PATH=/usr/bin:/bin \
		    HOME="$T/wb" LANG=C.UTF-8 "$R" --fail-on-deny -c "$T/wb" \
		    -- $cmd
	else skip "${cmd%% *}"; fi
done
# New pseudo-terminals: /dev/ptmx, and the other end through TIOCGPTPEER
# (glibc's openpty).  Another login's terminal: test_escape_tty_other_pts.
if [ -x /usr/bin/python3 ]; then
	expect "openpty: a new pseudo-terminal and its other end" 0 "$R" -- \
	    /usr/bin/python3 -c 'import os; m, s = os.openpty()
os.write(s, b"pty\n"); print(os.read(m, 10))'
	has "the pseudo-terminal carried the line" "$T/stdout" "pty"
else skip "openpty"; fi
printf '#include <stdio.h>\nint main(void) { puts("hello, world"); return 0; }\n' \
    >"$T/out/hello.c"
# readlink answers with data only for a symlink: the broker takes the
# memory handle it writes through then, after the decision.
ln -s hello.c "$T/out/lnk"
expect "readlink of a granted symlink" 0 "$R" -r "$T/out" -- \
    /usr/bin/readlink "$T/out/lnk"
has "readlink wrote the target back" "$T/stdout" "^hello.c$"
if command -v cc >/dev/null 2>&1; then
	expect "cc hello.c && ./hello in a granted directory" 0 \
	    "$R" -c "$T/out" -x "$T/out" -- /bin/sh -c \
	    "cd '$T/out' && cc -o hello hello.c && ./hello"
	has "hello ran" "$T/stdout" "hello, world"
	expect "a binary outside the x rules is not executed" 126 \
	    "$R" -r "$T/out" -- "$T/out/hello"
else skip "cc"; fi
if command -v make >/dev/null 2>&1 && command -v cc >/dev/null 2>&1; then
	printf 'all: hello2\nhello2: hello.c\n\tcc -o $@ hello.c\n' \
	    >"$T/out/Makefile"
	expect "make" 0 "$R" -c "$T/out" -- make -C "$T/out"
	[ -x "$T/out/hello2" ] && ok "make built hello2" ||
	    nok "make built hello2"
else skip "make"; fi
if [ -f /usr/lib/x86_64-linux-gnu/libc.a ] && command -v cc >/dev/null 2>&1 &&
    cc -static -o "$T/out/static" "$T/out/hello.c" 2>/dev/null; then
	expect "a static binary" 0 "$R" -x "$T/out" -- "$T/out/static"
	has "the static binary ran" "$T/stdout" "hello, world"
else skip "static binary (no libc.a)"; fi
PD=$(dirname "$PROBE")
expect "16 threads open a file 200 times each" 0 "$R" -r "$T/in" \
    -x "$PD" -- "$PROBE" threads "$T/in/file"
expect "bad path pointers: EFAULT, ENAMETOOLONG" 0 "$R" -r /etc/hostname \
    -x "$PD" -- "$PROBE" fault
expect "refused system calls fail with an errno" 0 "$R" -x "$PD" -- \
    "$PROBE" refused
expect "stat, lstat, statx, fstat agree" 0 "$R" -r "$T/in" -x "$PD" -- \
    "$PROBE" stat "$T/in/file"
# kill of the command's own child, sent by the broker after its answer:
# sent before, the SIGCHLD ended the shell's wait and kill said EINTR.
expect "kill of own children, 50 times" 0 "$R" -q -- /bin/sh -c \
    'set -e; i=0; while [ $i -lt 50 ]; do sleep 30 & kill $!; i=$((i+1)); done'
# statfs and inotify_add_watch go to the broker: r (statfs: or above a grant).
expect "statfs of a granted file" 0 "$R" -r "$T/in" -x "$PD" -- \
    "$PROBE" call statfs "$T/in/file"
has "statfs: ok" "$T/stdout" "^statfs: ok"
expect "statfs of a directory above a grant" 0 "$R" -r "$T/in" -x "$PD" -- \
    "$PROBE" call statfs "$T"
has "statfs above: ok" "$T/stdout" "^statfs: ok"
expect "inotify_add_watch of a granted file" 0 "$R" -r "$T/in" -x "$PD" -- \
    "$PROBE" call inotify_add_watch "$T/in/file"
has "inotify_add_watch: ok" "$T/stdout" "^inotify_add_watch: ok"
if command -v df >/dev/null 2>&1; then
	expect "df of a granted directory" 0 "$R" -r "$T/in" -- df "$T/in"
fi
expect "an x32 system call kills the command (SIGSYS)" 159 "$R" \
    -x "$PD" -- "$PROBE" x32
"$R" -x "$PD" -- "$PROBE" i386 >"$T/stdout" 2>"$T/stderr"
st=$?
if [ $st -gt 128 ]; then ok "int \$0x80 kills the command ($st)"; else
	echo "  status $st"; nok "int \$0x80 kills the command"; fi

# --- AF_UNIX sockets: connect and bind go through the policy -----------
if [ -x /usr/bin/python3 ]; then
	PY=/usr/bin/python3
	mkdir -p "$T/sock"
	cat >"$T/srv.py" <<'PYEOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.bind(sys.argv[1])
s.listen(2)
c, _ = s.accept()
c.sendall(b"hello over unix")
c.close()
PYEOF
	cat >"$T/cli.py" <<'PYEOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
print(s.recv(100).decode())
PYEOF
	"$PY" "$T/srv.py" "$T/sock/s" >"$T/srv.out" 2>&1 &
	srv=$!
	i=0
	while [ ! -S "$T/sock/s" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	expect "connect to a socket granted r only is refused" 1 "$R" -r "$T" \
	    -- "$PY" "$T/cli.py" "$T/sock/s"
	has "with Permission denied" "$T/stderr" "PermissionError"
	expect "connect to a socket granted rw" 0 "$R" -r "$T" -w "$T/sock" \
	    -- "$PY" "$T/cli.py" "$T/sock/s"
	has "the client got the server's message" "$T/stdout" \
	    "hello over unix"
	wait $srv
	expect "bind in a -c directory, and connect to it" 0 "$R" -r "$T" \
	    -c "$T/sock" -- /bin/sh -c "'$PY' '$T/srv.py' '$T/sock/t' &
	    while [ ! -S '$T/sock/t' ]; do sleep 0.1; done
	    '$PY' '$T/cli.py' '$T/sock/t'; wait"
	has "both ends talked" "$T/stdout" "hello over unix"
	expect "bind outside -c is refused" 1 "$R" -r "$T" -- \
	    "$PY" "$T/srv.py" "$T/in/s"
	[ -e "$T/in/s" ] && nok "no socket file was made" ||
	    ok "no socket file was made"
	expect "an abstract socket is the network: refused" 1 "$R" -- "$PY" \
	    -c 'import socket; socket.socket(socket.AF_UNIX).connect("\0fdbx")'
else skip "AF_UNIX sockets (no python3)"; fi

# --- options and exit statuses ------------------------------------------
expect "--help" 0 "$R" --help
has "--help lists --learn" "$T/stdout" "--learn"
expect "--version" 0 "$R" --version
expect "an unknown option is 125" 125 "$R" --frobnicate -- true
has "with one line saying why" "$T/stderr" "unknown option '--frobnicate'"
expect "no command is 125" 125 "$R" -r /tmp
printf 'r /tmp\nq /etc\n' >"$T/bad.policy"
expect "a malformed policy file is 125" 125 "$R" -p "$T/bad.policy" -- true
has "with FILE:LINE" "$T/stderr" "bad.policy:2:"
printf '# a comment\nr %s\n' "$T/in" >"$T/good.policy"
expect "a policy file" 0 "$R" -p "$T/good.policy" -- cat "$T/in/file"
expect "an unknown profile is 125" 125 "$R" --profile nosuch -- true
expect "an unknown --deny-errno is 125" 125 "$R" --deny-errno EFOO -- true
expect "a command not found is 127" 127 "$R" -- no-such-command-here
expect "a missing command path is 127" 127 "$R" -- "$T/no/such"
expect "a shell's missing command is 127 with root's PATH" 127 env \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    "$R" -- /bin/sh -c no-such-command-here
expect "a command not executable is 126" 126 "$R" -r "$T/in" -- \
    "$T/in/file"
expect "the command's status is ours" 7 "$R" -- /bin/sh -c 'exit 7'
expect "death by signal N is 128+N" 143 "$R" -- /bin/sh -c 'kill -TERM $$'
expect "--fail-on-deny with a denial is 122" 122 "$R" --fail-on-deny -- \
    cat /etc/hostname
expect "--fail-on-deny without a denial keeps the status" 0 "$R" \
    --fail-on-deny -r "$T/in" -- cat "$T/in/file"
# "absent PATH": ENOENT for a file that is there, and no denial.
printf 'r %s\nabsent %s\n' "$T/in" "$T/in/sub" >"$T/absent.policy"
expect "absent: a file that is there answers ENOENT, not a denial" 1 \
    "$R" --fail-on-deny -p "$T/absent.policy" --log "$T/absent.jsonl" -- \
    cat "$T/in/sub/deep"
has "absent: No such file" "$T/stderr" "No such file or directory"
has "absent: the record says so" "$T/absent.jsonl" \
    '"decision":"allow","errno":"ENOENT","rule":"[^"]*/in/sub","perms":"absent"'
expect "absent: nscd's socket, as if nscd were not running" 0 \
    "$R" --fail-on-deny -- /usr/bin/id -un
expect "--deny-errno ENOENT" 1 "$R" --deny-errno ENOENT -- cat "$T/in/file"
has "the denial says No such file" "$T/stderr" "No such file or directory"
# ... but mkdir says EACCES: ENOENT claims a missing parent, and mkdir -p
# walks that create the parent and retry (node's) would loop for ever.
mkdir -p "$T/mk"
expect "--deny-errno ENOENT: a refused mkdir" 1 "$R" --deny-errno ENOENT \
    -c "$T/mk" --deny "$T/mk/no" -- /bin/mkdir "$T/mk/no"
has "a refused mkdir says Permission denied" "$T/stderr" "Permission denied"
expect "--deny-errno ENOENT: beneath it, ENOENT" 1 "$R" --deny-errno ENOENT \
    -c "$T/mk" --deny "$T/mk/no" -- /bin/cat "$T/mk/no/x"
has "beneath it: No such file" "$T/stderr" "No such file or directory"
expect "--verbose" 1 "$R" -v -- cat "$T/in/file"
has "--verbose prints the denial" "$T/stderr" "denied: openat $T/in/file"
"$R" -- /bin/sleep 30 >/dev/null 2>&1 &
pid=$!
sleep 1
kill -TERM $pid
wait $pid
st=$?
[ $st -eq 143 ] && ok "SIGTERM is forwarded to the command" ||
    { echo "  status $st"; nok "SIGTERM is forwarded to the command"; }

# --- the command's environment, directory and limits ---------------------
FOO=outer
export FOO
expect "--setenv" 0 "$R" --setenv BAR 'b a r' -- /bin/sh -c \
    'test "$BAR" = "b a r" && test "$FOO" = outer'
expect "--unsetenv" 0 "$R" --unsetenv FOO -- /bin/sh -c \
    'test -z "${FOO+set}"'
expect "--clearenv, then --setenv, in order" 0 "$R" --setenv A 1 \
    --clearenv --setenv B 2 -- /usr/bin/env
if [ "$(cat "$T/stdout")" = "B=2" ]; then ok "only B=2 is left"; else
	sed 's/^/  | /' "$T/stdout"; nok "only B=2 is left"; fi
expect "--setenv after --unsetenv sets it again" 0 "$R" --unsetenv FOO \
    --setenv FOO again -- /bin/sh -c 'test "$FOO" = again'
expect "a bad variable name is 125" 125 "$R" --setenv A=B 1 -- true
has "with one line" "$T/stderr" "bad variable name 'A=B'"
expect "--chdir" 0 "$R" -r "$T/in" --chdir "$T/in/sub" -- /bin/sh -c \
    'pwd; cat deep'
has "pwd is the new directory" "$T/stdout" "^$T/in/sub\$"
has "relative paths are from it" "$T/stdout" "needle in sub"
expect "--chdir to a missing directory is 125" 125 "$R" \
    --chdir "$T/no/such" -- true
has "with one line" "$T/stderr" "chdir $T/no/such: No such file"
expect "--chdir grants nothing" 1 "$R" --chdir "$T/in" -- cat file
expect "--rlimit nofile" 0 "$R" --rlimit nofile=64 -- /bin/sh -c \
    'ulimit -n; ulimit -Hn'
if [ "$(tr '\n' ' ' <"$T/stdout")" = "64 64 " ]; then
	ok "ulimit -n inside is 64, soft and hard"
else sed 's/^/  | /' "$T/stdout"; nok "ulimit -n inside is 64"; fi
expect "--rlimit fsize=1K" 153 "$R" -c "$T/out" --rlimit fsize=1K -- \
    /bin/sh -c "head -c 4096 /dev/zero > '$T/out/big'"
expect "--rlimit applies to the command only" 0 "$R" -r "$T/in" \
    --rlimit nofile=16 -- cat "$T/in/file"
expect "an unknown --rlimit is 125" 125 "$R" --rlimit frob=1 -- true
has "with one line" "$T/stderr" "unknown limit 'frob'"
expect "a bad --rlimit value is 125" 125 "$R" --rlimit nofile=lots -- true
has "with one line" "$T/stderr" "bad value 'lots'"

# --- --timeout: status 124, and nothing survives ------------------------
start=$(date +%s)
expect "--timeout ends the command: 124" 124 "$R" -c "$T/out" \
    --timeout 1 -- /bin/sh -c "(trap '' TERM; sleep 5;
    echo late > '$T/out/marker') & sleep 30"
took=$(($(date +%s) - start))
[ $took -le 4 ] && ok "within the time and the grace ($took s)" ||
    nok "within the time and the grace ($took s)"
expect "a command that ends in time keeps its status" 3 "$R" \
    --timeout 10 -- /bin/sh -c 'exit 3'
expect "a bad --timeout is 125" 125 "$R" --timeout 1x -- true
sleep 4
[ -e "$T/out/marker" ] && nok "the grandchild that ignored TERM is gone" ||
    ok "the grandchild that ignored TERM is gone"

# A log nobody reads (a pipe whose reader never reads) holds the broker's
# threads in write() under the hook's lock, also the waiter answering a
# connect in progress (--allow-net; the SYN to a full accept queue is
# dropped and sent again); --timeout still ends it all: 124, or 125 for
# the records lost (-q: nothing else is written to that stderr).  KILL
# after 30 s only says "hung" instead of hanging the suite.  (Removed
# once when a run hung under load: the sandbox had ended, but
# fdbroker-run's last line, "--log -: Input/output error", waited on
# that same full stderr.  It now says nothing more there.)
cat > "$T/pend.py" <<'EOF'
import os, socket, threading, time
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(0)
a = l.getsockname()
c = socket.create_connection(a)
if os.fork() == 0:
    socket.create_connection(a)
    os._exit(0)
time.sleep(0.1)
threading.Thread(target=lambda: (time.sleep(0.3), l.accept())).start()
for i in range(5000):
    try:
        os.stat("%s/nx%d" % (os.path.dirname(__file__), i))
    except OSError:
        pass
EOF
mkfifo "$T/logpipe"
sleep 120 <>"$T/logpipe" &
reader=$!
timeout -s KILL 30 "$R" -q --allow-net -r "$T" --timeout 3 --log - -- \
    /usr/bin/python3 "$T/pend.py" 2>"$T/logpipe" >/dev/null </dev/null
st=$?
kill $reader
[ $st -eq 124 ] || [ $st -eq 125 ] &&
    ok "--timeout ends a run whose log blocks" ||
    nok "--timeout ends a run whose log blocks (status $st)"

# --- profiles add up; --require-landlock ----------------------------------
expect "--profile none refuses the system's files" 126 "$R" \
    --profile none -- /bin/cat /etc/passwd
expect "--profile none --profile system add up" 0 "$R" --profile none \
    --profile system -- /bin/cat /etc/passwd
expect "an unknown second profile is 125" 125 "$R" --profile system \
    --profile nosuch -- true
has "naming it" "$T/stderr" "unknown profile 'nosuch'"
"$R" --require-landlock -- /bin/true >"$T/stdout" 2>"$T/stderr"
st=$?
if [ $st -eq 0 ]; then ok "--require-landlock runs with Landlock ABI 6"
elif [ $st -eq 125 ] && grep -q 'require-landlock' "$T/stderr"; then
	ok "--require-landlock refuses: $(cat "$T/stderr")"
else echo "  status $st"; nok "--require-landlock"; fi

# --- the summary of denials ----------------------------------------------
expect "a failed run with denials" 1 "$R" -- cat /etc/hostname
has "prints a summary" "$T/stderr" "1 request was denied"
has "with the option that grants it" "$T/stderr" "^  -r /etc/hostname\$"
expect "-q" 1 "$R" -q -- cat /etc/hostname
if grep -q 'requests* w' "$T/stderr"; then nok "-q silences the summary"
else ok "-q silences the summary"; fi
expect "a failed run without denials" 3 "$R" -r "$T" -- /bin/sh -c 'exit 3'
[ -s "$T/stderr" ] && nok "prints nothing" || ok "prints nothing"
expect "a run that succeeds despite denials" 0 "$R" -- \
    /bin/sh -c 'cat /etc/hostname 2>/dev/null; exit 0'
[ -s "$T/stderr" ] && nok "prints no summary" || ok "prints no summary"
expect "more denials than the summary names" 1 "$R" -c "$T/out" -- \
    /bin/sh -c "for i in 1 2 3 4 5 6 7; do /bin/cat '$T/in/n'\$i \
    2>/dev/null; done; /usr/bin/touch '$T/in/new'"
has "it says how many more" "$T/stderr" "and [0-9]* more denied request"
expect "a refused creation" 1 "$R" -- /usr/bin/touch "$T/in/new"
has "the summary asks for -c" "$T/stderr" "^  -c $T/in/new\$"
expect "a command outside the x rules: 126" 126 "$R" -r "$T/out" \
    -- "$T/in/file"
# Status 126 says which grant is missing.
cp /bin/true "$T/out/mytrue"
expect "a program outside the x rules: 126" 126 "$R" -r "$T/out" \
    -- "$T/out/mytrue"
has "naming the missing -x" "$T/stderr" \
    "not executed: -x $T/out/mytrue is missing"
esc=$(printf 'a\033[31mb\nc')
expect "-v with a hostile file name" 1 "$R" -v -- cat "$T/in/$esc"
has "-v escapes it" "$T/stderr" 'denied: openat .*a\\x1b\[31mb\\x0ac'
has "the summary escapes it" "$T/stderr" "-r '.*a\\\\x1b\\[31mb"
if LC_ALL=C grep -q "$(printf '\033')" "$T/stderr"; then
	nok "no raw escape reaches stderr"
else ok "no raw escape reaches stderr"; fi

# --- policy files: include, ~/; deny globs ---------------------------------
mkdir -p "$T/pol/sub" "$T/home/proj"
printf 'r %s/in/file\ninclude sub/mid.policy\n' "$T" >"$T/pol/top.policy"
printf 'include ../leaf.policy\n' >"$T/pol/sub/mid.policy"
printf 'r ~/proj\n' >"$T/pol/leaf.policy"
printf 'home\n' >"$T/home/proj/h"
expect "an include chain and a ~/ path" 0 env HOME="$T/home" "$R" \
    -p "$T/pol/top.policy" -- /bin/cat "$T/in/file" "$T/home/proj/h"
has "both files were read" "$T/stdout" "^home\$"
printf 'include top.policy\n' >"$T/pol/leaf.policy"
expect "an include loop is 125" 125 "$R" -p "$T/pol/top.policy" -- true
has "with FILE:LINE" "$T/stderr" "leaf.policy:1: include '.*top.policy': an include loop"
printf 'include nowhere.policy\n' >"$T/pol/leaf.policy"
expect "a missing included file is 125" 125 "$R" -p "$T/pol/top.policy" \
    -- true
has "with FILE:LINE" "$T/stderr" "leaf.policy:1: include '.*nowhere.policy': No such file"
expect "--deny '~/...' quoted is the home" 1 env HOME="$T/home" "$R" \
    -r "$T/home" --deny '~/proj' -- /bin/cat "$T/home/proj/h"
mkdir -p "$T/g/d"
printf 'ok\n' >"$T/g/d/sibling"
expect "a deny glob refuses files made during the run" 0 "$R" -c "$T/g" \
    --deny '**/.env' --deny "$T/g/**/*.key" -- /bin/sh -c "
    echo s > '$T/g/d/.env' 2>/dev/null && exit 1
    echo k > '$T/g/d/id.key' 2>/dev/null && exit 2
    echo n > '$T/g/d/new' && /bin/cat '$T/g/d/new' '$T/g/d/sibling' &&
    ! /bin/cat '$T/g/d/old.key' 2>/dev/null"
has "the siblings stay readable" "$T/stdout" "^ok\$"
[ -e "$T/g/d/.env" ] || [ -e "$T/g/d/id.key" ] &&
    nok "no matching file was made" || ok "no matching file was made"
printf 'secret\n' >"$T/g/d/.env"
expect "a matching file that exists is refused" 1 "$R" -r "$T/g" \
    --deny '**/.env' -- /bin/cat "$T/g/d/.env"
has "the summary names the glob" "$T/stderr" "refused by the rule 'deny /\\*\\*/.env'"
expect "moving a directory from under a glob is refused" 1 "$R" \
    -c "$T/g" --deny "$T/g/d/*" -- /usr/bin/python3 -c "
import os; os.rename('$T/g/d', '$T/g/e')"
[ -e "$T/g/d/.env" ] && ok "the directory stayed" ||
    nok "the directory stayed"
expect "a grant glob is 125" 125 "$R" -r "$T/*" -- true
printf 'r %s/*\n' "$T" >"$T/pol/glob.policy"
expect "a grant glob in a policy file is 125" 125 "$R" \
    -p "$T/pol/glob.policy" -- true
has "saying why" "$T/stderr" "glob.policy:1: '\\*' and '?' only in deny rules"

# --- shell completion (bash; without the bash-completion package) -------
if command -v bash >/dev/null 2>&1 && [ -n "$SRCDIR" ]; then
	# complete WORDS...: the completions of the last word, one line.
	complete_words() {
		bash -c '. "$1/completion/fdbroker-run"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _fdbroker_run
		echo "${COMPREPLY[*]}"' sh "$SRCDIR" "$@"
	}
	got=$(complete_words fdbroker-run --ti)
	[ "$got" = "--timeout" ] && ok "bash completes --ti to --timeout" ||
	    { echo "  got '$got'"; nok "bash completes --ti to --timeout"; }
	got=$(complete_words fdbroker-run --profile no)
	[ "$got" = "none" ] && ok "bash completes profile names" ||
	    { echo "  got '$got'"; nok "bash completes profile names"; }
	got=$(complete_words fdbroker-run -r "$T/in/fi")
	[ "$got" = "$T/in/file" ] && ok "bash completes files after -r" ||
	    { echo "  got '$got'"; nok "bash completes files after -r"; }
	got=$(complete_words fdbroker-run --chdir "$T/i")
	[ "$got" = "$T/in" ] && ok "bash completes directories for --chdir" ||
	    { echo "  got '$got'"; nok "bash completes directories"; }
	got=$(complete_words fdbroker-run --rlimit nof)
	[ "$got" = "nofile=" ] && ok "bash completes --rlimit names" ||
	    { echo "  got '$got'"; nok "bash completes --rlimit names"; }
	[ -f "$SRCDIR/completion/_fdbroker-run" ] &&
	    grep -q '^#compdef fdbroker-run' "$SRCDIR/completion/_fdbroker-run" &&
	    ok "a zsh completion" || nok "a zsh completion"
else skip "bash completion (no bash)"; fi

# --- the JSON Lines log ---------------------------------------------------
weird=$(printf 'we"ird\\name\001\377 x')
printf 'x\n' >"$T/in/$weird"
expect "--log FILE" 0 "$R" --log "$T/log.jsonl" -r "$T/in" -- \
    /bin/sh -c "cat '$T/in/file' '$T/in/$weird'; cat /etc/hostname; exit 0"
if command -v python3 >/dev/null 2>&1; then
	expect "every log line is a JSON object with the keys" 0 python3 -c '
import json, sys
keys = {"time", "pid", "syscall", "path", "resolved", "flags",
        "decision", "errno", "rule"}
lines = open(sys.argv[1], "rb").read().split(b"\n")
assert lines[-1] == b"" and len(lines) > 5
recs = [json.loads(l) for l in lines[:-1]]
assert all(keys <= set(r) for r in recs)
weird = sys.argv[2].encode("latin-1", "surrogateescape")
hit = [r for r in recs if r["path"].encode("latin-1").endswith(weird)]
assert hit and hit[0]["decision"] == "allow", hit
deny = [r for r in recs if r["path"] == "/etc/hostname"]
assert deny and deny[0]["decision"] == "deny" and \
    deny[0]["errno"] == "EACCES", deny
' "$T/log.jsonl" "$(printf 'we"ird\\name\001\377 x')"
else skip "JSON check (no python3)"; fi
# Four processes at once, served by several broker threads: one whole
# record per request, none lost or torn, and --fail-on-deny's count.
expect "--log from four processes at once" 122 "$R" --fail-on-deny \
    --log "$T/par.jsonl" -r "$T/in" -- /bin/sh -c "
    for k in 1 2 3 4; do (i=0; while [ \$i -lt 100 ]; do
    { :; } < '$T/in/file'; { :; } < /etc/hostname; i=\$((i+1)); done) & done; wait"
if command -v python3 >/dev/null 2>&1; then
	expect "400 allowed and 400 denied records, all whole" 0 python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1], "rb")]
n = lambda p, d: sum(r["path"] == p and r["decision"] == d for r in recs)
assert n(sys.argv[2], "allow") == 400 and n("/etc/hostname", "deny") == 400
' "$T/par.jsonl" "$T/in/file"
else skip "JSON check (no python3)"; fi
expect "--log - writes to stderr" 1 "$R" --log - -- cat "$T/in/file"
has "the record is on stderr" "$T/stderr" '"decision":"deny","errno":"EACCES"'
# A command that fills a shared stderr: test_escape_broker_log_evasion_run.
if [ -x /usr/bin/python3 ]; then
	# A thread's open is logged with its process's id, not the thread's.
	expect "--log names the process of a thread" 0 "$R" -r "$T/in" \
	    -c "$T/out" --log "$T/pid.jsonl" -- /usr/bin/python3 -c '
import os, sys, threading
open(sys.argv[1], "w").write(str(os.getpid()))
t = threading.Thread(target=lambda: open(sys.argv[2]).read())
t.start(); t.join()' "$T/out/pid" "$T/in/sub/deep"
	expect "the logged pid is the process id" 0 /usr/bin/python3 -c '
import json, sys
pid = int(open(sys.argv[2]).read())
recs = [json.loads(l) for l in open(sys.argv[1])]
hit = [r["pid"] for r in recs if r["path"] == sys.argv[3]]
assert hit == [pid], (hit, pid)' "$T/pid.jsonl" "$T/out/pid" "$T/in/sub/deep"
else skip "logged pid of a thread (no /usr/bin/python3)"; fi

# --- --learn -------------------------------------------------------------
expect "--learn allows and records" 0 "$R" --learn "$T/learnt.policy" -- \
    /bin/sh -c "cat '$T/in/file' && ls '$T/in/sub' && touch '$T/out/t'"
has "the learnt policy names the file" "$T/learnt.policy" "^exact r $T/in/file\$"
expect "the learnt policy is enough" 0 "$R" --fail-on-deny \
    -p "$T/learnt.policy" -- \
    /bin/sh -c "cat '$T/in/file' && ls '$T/in/sub' && touch '$T/out/t'"
# A name the policy file cannot say must not widen the learnt policy to
# its directory ("r DIR/\v" would read back as "r DIR").
mkdir "$T/odd"
vt=$(printf '\v')
: > "$T/odd/$vt"
expect "--learn with an inexpressible name" 0 "$R" \
    --learn "$T/odd.policy" -- /bin/cat "$T/odd/$vt"
expect "the learnt policy does not grant the directory" 2 "$R" \
    -p "$T/odd.policy" -- /bin/ls "$T/odd"

shlib_end
