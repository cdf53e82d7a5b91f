#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run-examples.sh: end-to-end test of examples/, run by make check.
#
# Runs fd_passing_server and fd_passing_client against each other, against
# Boost.Asio's original client and server when those can be built, and
# privsep_worker; checks the files written, the files left alone, exit
# statuses and messages.  Needs EXAMPLES (and SRCDIR) from Makefile.am's
# AM_TESTS_ENVIRONMENT.  Writes only under a mktemp -d directory; all
# that could hang runs under timeout(1).  Exit 0 passed, 1 failed, 77 skip.
# Refusals are tested on files of our own, never on /etc: a broken
# policy must not cost the machine its /etc/passwd.

set -u
LC_ALL=C
export LC_ALL

ASIO_SRC=/usr/share/doc/libasio-dev/examples/cpp11/local
tmp=
pids=

cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	[ -z "$tmp" ] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

skip() {
	printf 'SKIP: %s\n' "$*"
	exit 77
}

# fail MESSAGE: say which check failed, show what the programs said.
fail() {
	printf 'FAIL: %s\n' "$*"
	for f in "$tmp"/*.out "$tmp"/*.err; do
		[ -s "$f" ] || continue
		printf -- '--- %s\n' "${f##*/}"
		head -n 20 "$f"
	done
	exit 1
}

ok() {
	printf 'ok: %s\n' "$*"
}

# reap PID: wait for the background job PID and forget it, so that the
# cleanup never kills a pid that may have been reused; returns its status.
reap() {
	wait "$1"
	rc=$?
	keep=
	for p in $pids; do
		[ "$p" = "$1" ] || keep="$keep $p"
	done
	pids=$keep
	return "$rc"
}

# wait_for FILE PATTERN: until PATTERN is in FILE; 10 s at most.
wait_for() {
	i=0
	while ! grep -q -- "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -le 100 ] || return 1
		sleep 0.1
	done
}

# has FILE LINE: FILE holds exactly that line.
has() {
	grep -qxF -- "$2" "$1"
}

# start_server NAME ARG...: our server, run in $tmp; sets $srv.
start_server() {
	name=$1
	shift
	(cd "$tmp" &&
	    exec timeout -k 5 120 "$EXAMPLES/fd_passing_server" "$@") \
	    >"$tmp/$name.out" 2>"$tmp/$name.err" &
	srv=$!
	pids="$pids $srv"
	wait_for "$tmp/$name.out" '^listening on ' ||
	    fail "$name: the server did not start listening"
}

# kid PID: the program that timeout(1) PID runs, or "" if not seen.
kid() {
	k=$(cat "/proc/$1/task/$1/children" 2>/dev/null)
	echo "${k%% *}"
}

# server_fds: how many descriptors our server holds; 0 if not seen.
server_fds() {
	k=$(kid "$srv")
	[ -n "$k" ] || { echo 0; return; }
	ls "/proc/$k/fd" 2>/dev/null | wc -l
}

# no_leak NAME COUNT: once its clients are gone, the server is back to
# COUNT descriptors (it may take a moment to see the last hang-up).
no_leak() {
	if [ "$2" -eq 0 ]; then
		echo "$1: /proc/PID/task/PID/children missing:" \
		    "leak check skipped"
		return
	fi
	i=0
	while [ "$(server_fds)" -ne "$2" ]; do
		i=$((i + 1))
		[ "$i" -le 50 ] || fail "$1: holds $(server_fds) descriptors" \
		    "after its clients left, $2 at start"
		sleep 0.1
	done
	ok "$1: no descriptor leaked after all its clients left"
}

# stop_server NAME SOCKET: SIGTERM; it must exit 0 and remove SOCKET.
stop_server() {
	# Signal the server itself: timeout(1) follows a SIGTERM with a
	# SIGCONT to its group, which can cancel the SIGSTOP by which
	# LeakSanitizer stops the exiting server, and hang a sanitizer build.
	k=$(kid "$srv")
	kill -TERM "${k:-$srv}"
	reap "$srv"
	rc=$?
	[ "$rc" -eq 0 ] || fail "$1: exit status $rc after SIGTERM, not 0"
	[ ! -e "$2" ] || fail "$1: $2 still there after SIGTERM"
	ok "$1 stops on SIGTERM and removes its socket"
}

# client NAME SOCKET LINE: our client, answering LINE to its prompt.
client() {
	printf '%s\n' "$3" | timeout 10 "$EXAMPLES/fd_passing_client" "$2" \
	    >"$tmp/$1.out" 2>"$tmp/$1.err"
}

# written NAME FILE: client NAME got a descriptor for FILE and wrote its
# line there, with the number it printed.
written() {
	n=$(sed -n 's/.*File descriptor received is: \([0-9][0-9]*\)$/\1/p' \
	    "$tmp/$1.out")
	[ -n "$n" ] || fail "$1: no 'File descriptor received is: N' printed"
	printf 'stream_client writing to received fd #%s\n' "$n" \
	    >"$tmp/expected"
	cmp -s "$tmp/expected" "$2" ||
	    fail "$1: $2 does not hold exactly" \
	    "'stream_client writing to received fd #$n'"
}

# granted NAME SOCKET FILE: a request that must succeed.
granted() {
	client "$1" "$2" "$3" || fail "$1: our client exit status $?, not 0"
	written "$1" "$3"
}

# refused NAME SOCKET FILE MESSAGE: a request that must fail with MESSAGE.
refused() {
	if client "$1" "$2" "$3"; then
		fail "$1: our client succeeded on $3"
	fi
	has "$tmp/$1.err" "fd_passing_client: $4" ||
	    fail "$1: no 'fd_passing_client: $4' on stderr"
}

# untouched NAME FILE: FILE still holds "keep".
untouched() {
	[ "$(cat "$2" 2>/dev/null)" = keep ] || fail "$1: $2 was changed"
}

setup() {
	[ -n "${EXAMPLES:-}" ] ||
	    skip "EXAMPLES is not set (run this through make check)"
	for p in fd_passing_server fd_passing_client privsep_worker; do
		[ -x "$EXAMPLES/$p" ] || skip "$EXAMPLES/$p is not built"
	done
	for p in timeout mktemp wc cmp sed; do
		command -v "$p" >/dev/null 2>&1 || skip "$p is not installed"
	done
	grep -q '^Seccomp:' /proc/self/status 2>/dev/null ||
	    skip "the kernel has no seccomp"
	# /tmp, not $TMPDIR: a socket path must fit in 108 bytes.
	tmp=$(mktemp -d /tmp/fdb-examples.XXXXXX) || fail "mktemp -d"
	mkdir "$tmp/granted" "$tmp/ro" "$tmp/rel"
	echo keep >"$tmp/outside"
	echo keep >"$tmp/ro/file"
	if command -v python3 >/dev/null 2>&1 &&
	    python3 -c 'import socket; socket.recv_fds' >/dev/null 2>&1; then
		have_python=1
	else
		have_python=0
	fi
}

# The raw client: speaks the dialect byte by byte, for what our client
# never sends.  raw.py SOCKET hangup PATH | raw.py SOCKET HEX...: for
# each HEX request, prints "answer BYTE NFDS", or "closed".
write_raw_client() {
	cat >"$tmp/raw.py" <<'EOF'
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
if sys.argv[2] == "hangup":
    s.sendall(sys.argv[3].encode())
    s.close()
    sys.exit(0)
for req in sys.argv[2:]:
    try:
        s.sendall(bytes.fromhex(req))
        msg, fds, _, _ = socket.recv_fds(s, 16, 4)
    except (ConnectionResetError, BrokenPipeError):
        msg, fds = b"", []
    for fd in fds:
        os.write(fd, b"raw\n")
        os.close(fd)
    if not msg:
        print("closed")
        break
    print("answer", " ".join(str(b) for b in msg), len(fds))
EOF
}

hex() {
	printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'
}

test_ours() {
	sock=$tmp/s1
	mkdir "$tmp/bypolicy"
	printf '# test\nrwc %s\n' "$tmp/bypolicy" >"$tmp/policy"
	start_server srv1 -c granted --create "$tmp/rel" -w "$tmp/ro" \
	    --read "$tmp/ro" -p "$tmp/policy" "$sock"
	fds=$(server_fds)
	granted one "$sock" "$tmp/granted/one"
	has "$tmp/srv1.out" "granted $tmp/granted/one" ||
	    fail "srv1: no 'granted $tmp/granted/one' printed"
	ok "our client + our server: granted path written"
	granted rel "$sock" "$tmp/rel/x"
	ok "a relative -c grant is taken from the server's directory"
	granted bypolicy "$sock" "$tmp/bypolicy/x"
	ok "-p FILE: a grant from a policy file"
	echo old >"$tmp/granted/one"
	granted again "$sock" "$tmp/granted/one"
	ok "an existing granted file is truncated and rewritten"
	refused out "$sock" "$tmp/outside" "Permission denied"
	untouched out "$tmp/outside"
	has "$tmp/srv1.out" "refused $tmp/outside: Permission denied" ||
	    fail "srv1: no 'refused $tmp/outside: Permission denied' printed"
	refused new "$sock" "$tmp/new" "Permission denied"
	[ ! -e "$tmp/new" ] || fail "new: $tmp/new was created"
	refused dots "$sock" "$tmp/granted/../outside" "Permission denied"
	untouched dots "$tmp/outside"
	ok "paths outside the grants refused, files untouched, none created"
	granted rw "$sock" "$tmp/ro/file"
	refused rwc "$sock" "$tmp/ro/newfile" "Permission denied"
	[ ! -e "$tmp/ro/newfile" ] || fail "rwc: -w let a file be created"
	ok "-w opens an existing file but creates none"
	refused enoent "$sock" "$tmp/granted/nodir/x" \
	    "No such file or directory"
	ok "a missing directory inside a grant gives ENOENT"
	test_garbage "$sock"
	test_concurrent "$sock"
	no_leak srv1 "$fds"
	stop_server srv1 "$sock"
}

test_garbage() {
	printf 'x\0y\n' | timeout 10 "$EXAMPLES/fd_passing_client" "$1" \
	    >"$tmp/nul.out" 2>"$tmp/nul.err" && fail "nul: accepted"
	has "$tmp/nul.err" "fd_passing_client: Invalid argument" ||
	    fail "nul: an embedded NUL was not refused with EINVAL"
	timeout 10 "$EXAMPLES/fd_passing_client" "$1" </dev/null \
	    >"$tmp/eof.out" 2>"$tmp/eof.err" && fail "eof: exit status 0"
	granted after "$1" "$tmp/granted/after"
	ok "garbage and a hang-up before the request do not stop the server"
	if [ "$have_python" -eq 0 ]; then
		echo "python3 with socket.recv_fds missing: raw checks skipped"
		return
	fi
	write_raw_client
	long=$(printf '%01100d' 0)
	timeout 10 python3 "$tmp/raw.py" "$1" \
	    "$(hex "$tmp/granted/m1")" "$(hex "$tmp/granted/m2")" \
	    "$(hex "$tmp/outside")" fffe "ff0066fe" "$(hex "$long")" \
	    "$(hex "$tmp/granted/m3")" >"$tmp/raw.out" 2>"$tmp/raw.err" ||
	    fail "raw: the raw client failed"
	printf '%s\n' "answer 0 1" "answer 0 1" "answer 13 0" "answer 13 0" \
	    "answer 22 0" "answer 36 0" closed >"$tmp/expected"
	cmp -s "$tmp/expected" "$tmp/raw.out" ||
	    fail "raw: answers to several requests on one connection" \
	    "(grant, grant, refusal, NUL, 1100 bytes) are wrong"
	[ "$(cat "$tmp/granted/m2")" = raw ] || fail "raw: m2 not written"
	untouched raw "$tmp/outside"
	ok "one connection: two grants, EACCES, EINVAL, ENAMETOOLONG+close"
	timeout 10 python3 "$tmp/raw.py" "$1" hangup "$tmp/granted/h" ||
	    fail "hangup: the raw client failed"
	granted afterhup "$1" "$tmp/granted/afterhup"
	ok "a client hanging up before its answer does not stop the server"
}

test_concurrent() {
	# A client connects and stays silent (its stdin is a fifo we hold
	# open); another is served meanwhile.
	mkfifo "$tmp/fifo" || fail "mkfifo"
	timeout 10 "$EXAMPLES/fd_passing_client" "$1" <"$tmp/fifo" \
	    >"$tmp/silent.out" 2>"$tmp/silent.err" &
	silent=$!
	pids="$pids $silent"
	exec 3>"$tmp/fifo"
	wait_for "$tmp/silent.out" 'Enter path' || fail "silent: no prompt"
	granted beside "$1" "$tmp/granted/beside"
	kill -0 "$silent" 2>/dev/null ||
	    fail "silent: the silent client ended too early"
	exec 3>&-
	reap "$silent" && fail "silent: exit status 0 on an empty stdin"
	has "$tmp/silent.err" "fd_passing_client: no path given" ||
	    fail "silent: no 'no path given' at the end of its stdin"
	ok "a silent client does not block another"
	# C and D both connected at once, C asking after D got its answer.
	{ sleep 2; echo "$tmp/granted/C"; } |
	    timeout 10 "$EXAMPLES/fd_passing_client" "$1" \
	    >"$tmp/C.out" 2>"$tmp/C.err" &
	c=$!
	{ sleep 0.5; echo "$tmp/granted/D"; } |
	    timeout 10 "$EXAMPLES/fd_passing_client" "$1" \
	    >"$tmp/D.out" 2>"$tmp/D.err" &
	d=$!
	pids="$pids $c $d"
	reap "$d" || fail "D: our client failed"
	kill -0 "$c" 2>/dev/null || fail "C: ended before D was served"
	reap "$c" || fail "C: our client failed"
	written C "$tmp/granted/C"
	written D "$tmp/granted/D"
	ok "two clients at once"
}

test_server_errors() {
	timeout 10 "$EXAMPLES/fd_passing_server" >/dev/null 2>"$tmp/use.err" &&
	    fail "usage: no SOCKET accepted"
	grep -q '^usage: fd_passing_server' "$tmp/use.err" ||
	    fail "usage: no usage line"
	echo keep >"$tmp/notsock"
	timeout 10 "$EXAMPLES/fd_passing_server" -r "$tmp" "$tmp/notsock" \
	    >/dev/null 2>"$tmp/notsock.err"
	[ $? -eq 1 ] || fail "notsock: exit status not 1"
	grep -q '^fd_passing_server: .*not a socket' "$tmp/notsock.err" ||
	    fail "notsock: no 'not a socket' message"
	untouched notsock "$tmp/notsock"
	printf 'rw /tmp\nq /tmp\n' >"$tmp/bad.policy"
	timeout 10 "$EXAMPLES/fd_passing_server" -p "$tmp/bad.policy" \
	    "$tmp/s0" >/dev/null 2>"$tmp/badpol.err"
	[ $? -eq 1 ] || fail "badpol: exit status not 1"
	grep -q "^fd_passing_server: $tmp/bad.policy:2: " "$tmp/badpol.err" ||
	    fail "badpol: no 'fd_passing_server: FILE:2: reason' message"
	[ ! -e "$tmp/s0" ] || fail "badpol: the socket was created anyway"
	ok "usage error, and a non-socket at SOCKET is left alone"
}

test_privsep() {
	pw=$EXAMPLES/privsep_worker
	printf 'one two  three\nfour\tfive\n\nsix seven\n  ten' >"$tmp/text"
	echo secret >"$tmp/secret"
	# shellcheck disable=SC2046 # split wc's three numbers
	set -- $(wc -l -w -c <"$tmp/text")
	want="$1 $2 $3"
	timeout 10 "$pw" -r "$tmp/text" "$tmp/text" >"$tmp/pw.out" \
	    2>"$tmp/pw.err" || fail "privsep: exit status $?, not 0"
	has "$tmp/pw.out" "$want $tmp/text" ||
	    fail "privsep: counts differ from wc's '$want'"
	ok "privsep_worker counts a granted file as wc does"
	(cd "$tmp" && timeout 10 "$pw" -r . text text) >"$tmp/pwrel.out" \
	    2>"$tmp/pwrel.err" || fail "privsep relative: exit status $?"
	has "$tmp/pwrel.out" "$want text" || fail "privsep relative: counts"
	timeout 10 "$pw" -r "$tmp/text" "$tmp/secret" >"$tmp/pwno.out" \
	    2>"$tmp/pwno.err" && fail "privsep: ungranted file: exit status 0"
	has "$tmp/pwno.err" "privsep_worker: $tmp/secret: Permission denied" ||
	    fail "privsep: ungranted file not refused with EACCES"
	[ ! -s "$tmp/pwno.out" ] || fail "privsep: counted an ungranted file"
	ok "privsep_worker: an ungranted file is refused"
	timeout 10 "$pw" --try-direct -r "$tmp/text" "$tmp/text" \
	    >"$tmp/pwd.out" 2>"$tmp/pwd.err" ||
	    fail "privsep --try-direct: exit status $?, not 0"
	grep -q "direct open($tmp/text) failed: Permission denied" \
	    "$tmp/pwd.err" ||
	    fail "privsep --try-direct: the direct open() was not refused"
	has "$tmp/pwd.out" "$want $tmp/text" ||
	    fail "privsep --try-direct: counts"
	ok "privsep_worker --try-direct: the worker's own open() fails"
}

# asio_build: the originals, built in $tmp; 1 when they cannot be.
asio_build() {
	command -v g++ >/dev/null 2>&1 && [ -f /usr/include/asio.hpp ] &&
	    [ -f "$ASIO_SRC/fd_passing_stream_server.cpp" ] &&
	    [ -f "$ASIO_SRC/fd_passing_stream_client.cpp" ] || return 1
	for p in server client; do
		timeout 300 g++ -std=c++14 -pthread -I/usr/include \
		    "$ASIO_SRC/fd_passing_stream_$p.cpp" -o "$tmp/asio_$p" \
		    2>"$tmp/asio_$p.err" ||
		    fail "interop: g++ could not build fd_passing_stream_$p"
	done
}

test_interop() {
	if ! asio_build; then
		echo "g++, /usr/include/asio.hpp or Asio's fd_passing sources" \
		    "(libasio-dev, libasio-doc) missing: interop skipped"
		return
	fi
	sock=$tmp/s2
	start_server srv2 -c "$tmp/granted" "$sock"
	printf '%s\n' "$tmp/granted/asio" | timeout 10 "$tmp/asio_client" \
	    "$sock" >"$tmp/ac1.out" 2>"$tmp/ac1.err" ||
	    fail "interop: Asio's client failed against our server"
	written ac1 "$tmp/granted/asio"
	ok "interop: Asio's client against our server, granted path written"
	printf '%s\n' "$tmp/outside" | timeout 10 "$tmp/asio_client" \
	    "$sock" >"$tmp/ac2.out" 2>"$tmp/ac2.err" ||
	    fail "interop: Asio's client failed on a refusal"
	grep -q 'File descriptor received' "$tmp/ac2.out" &&
	    fail "interop: Asio's client got a descriptor for $tmp/outside"
	untouched ac2 "$tmp/outside"
	ok "interop: Asio's client refused by our server, file untouched"
	stop_server srv2 "$sock"
	test_asio_server
}

test_asio_server() {
	sock=$tmp/s3
	(cd "$tmp" && exec timeout -k 5 120 "$tmp/asio_server" "$sock") \
	    >"$tmp/asrv.out" 2>"$tmp/asrv.err" &
	asrv=$!
	pids="$pids $asrv"
	i=0
	until [ -S "$sock" ]; do
		i=$((i + 1))
		[ "$i" -le 100 ] || fail "interop: Asio's server did not start"
		sleep 0.1
	done
	sleep 0.2	# bind() comes before listen()
	granted ours "$sock" "$tmp/granted/fromasio"
	ok "interop: our client against Asio's server, file written"
	refused hup "$sock" "$tmp/nodir/x" "server closed the connection"
	ok "interop: Asio's server hangs up on a refusal; our client says so"
	k=$(kid "$asrv")
	kill "${k:-$asrv}"	# it has no handler: "Terminated" may show
	reap "$asrv"
}

setup
test_server_errors
test_ours
test_interop
test_privsep
echo "all example checks passed"
exit 0
