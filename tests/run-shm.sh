#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run-shm.sh: POSIX shared memory under fdbroker-run, through its private
# /dev/shm (src/remap.c): Python's multiprocessing.Pool (sem_open) and
# multiprocessing.shared_memory (shm_open), and tests/shm-probe (shm_open,
# sem_open shared with a child by name, a /proc/self/fd link, fchdir into
# /dev/shm), each run unconfined and as `fdbroker-run -c WORKDIR -- CMD`,
# their outputs compared; the Python one also with --fail-on-deny; the
# private directory gone after each run; with --private-tmp, Lua's
# os.tmpname, Python's mkstemp in /tmp and the JVM (when present).  Needs FDBROKER_RUN and
# SHM_PROBE (set by make check).  Writes in a mktemp -d directory in /tmp
# and one in the current directory (the build tree), removed at exit.
# Exit 77 when fdbroker-run cannot run.

R=${FDBROKER_RUN:?FDBROKER_RUN is not set}
PROBE=${SHM_PROBE:?SHM_PROBE is not set}
PY=/usr/bin/python3
START=$(pwd)
. "${SRCDIR:?SRCDIR is not set}/tests/shlib.sh"
shlib_start shm-test

# same NAME CMD...: CMD's status and stdout are the same confined.
same() {
	name=$1
	shift
	"$@" >"$T/plain" 2>"$T/err"
	want=$?
	"$R" -c "$T" -x "$T/shm-probe" -- "$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -eq "$want" ] && cmp -s "$T/plain" "$T/out"; then
		ok "$name"
	else
		echo "  status $got (unconfined $want); output:"
		diff "$T/plain" "$T/out" | sed 's/^/  /' | head -20
		nok "$name"
	fi
}

cat >"$T/mp.py" <<'PY'
import multiprocessing as mp
from multiprocessing import shared_memory
def square(x):
    return x * x
if __name__ == '__main__':
    with mp.Pool(2) as pool:
        print(pool.map(square, range(8)))
    s = shared_memory.SharedMemory(create=True, size=64)
    s.buf[:5] = b'hello'
    t = shared_memory.SharedMemory(name=s.name)
    print(bytes(t.buf[:5]))
    t.close()
    s.close()
    s.unlink()
    q = mp.Queue()
    p = mp.Process(target=q.put, args=('from a child',))
    p.start()
    print(q.get())
    p.join()
PY

if [ -x "$PY" ]; then
	# -s: no user site directory, which the system profile lacks.
	same "python3 multiprocessing.Pool, shared_memory, Queue" \
	    "$PY" -s "$T/mp.py"
	"$R" --fail-on-deny -c "$T" -- "$PY" -s "$T/mp.py" >"$T/out" \
	    2>"$T/err"
	[ $? -eq 0 ] && ok "python3 multiprocessing: no denial" ||
	    nok "python3 multiprocessing: no denial"
else
	echo "SKIP: $PY"
fi

cp "$PROBE" "$T/shm-probe" || exit 99
same "shm_open, sem_open, /proc/self/fd link, fchdir" "$T/shm-probe"
root=$(sed -n 's/^root=//p' "$T/err")
case $root in
/dev/shm/fdbroker-shm.??????)
	[ ! -e "$root" ] && ok "private /dev/shm removed" ||
	    nok "private /dev/shm removed: $root is left";;
*)	echo "  root=$root"; nok "the object is in a private /dev/shm";;
esac

# --private-tmp: a private /tmp, from a directory outside /tmp (a rule
# or a start under /tmp is refused with it).  Lua's os.tmpname, Python's
# mkstemp in /tmp and the JVM's createTempFile ignore TMPDIR.
W=$(mktemp -d "$START/shm-work.XXXXXX") || exit 99
trap 'rm -rf "$T" "$W"' EXIT HUP INT TERM
case $W in
/tmp/*)	echo "SKIP: --private-tmp (the build directory is under /tmp)";;
*)	cd "$W" || exit 99
	cat >tmp.lua <<'LUA'
local n = os.tmpname()
local f = assert(io.open(n, "w")); f:write("lua\n"); f:close()
local g = assert(io.open(n)); io.write(g:read("a")); g:close()
os.remove(n)
print(n:match("^/tmp/lua_") ~= nil)
LUA
	cat >tmp.py <<'PY'
import os, tempfile
fd, n = tempfile.mkstemp(dir='/tmp')
os.write(fd, b'python\n'); os.close(fd)
print(open(n).read(), n.startswith('/tmp/tmp'))
os.unlink(n)
PY
	cat >T.java <<'JAVA'
public class T { public static void main(String[] a) throws Exception {
  java.io.File f = java.io.File.createTempFile("fdbt", ".tmp");
  System.out.println(f.getPath().startsWith("/tmp/") + " " + f.delete());
} }
JAVA
	for cmd in "/usr/bin/lua tmp.lua" "$PY -s tmp.py" \
	    "/usr/bin/java T.java"; do
		[ -x "${cmd%% *}" ] || { echo "SKIP: ${cmd%% *}"; continue; }
		$cmd >plain 2>err
		"$R" --private-tmp -c "$W" -- $cmd >out 2>err
		got=$?
		if [ $got -eq 0 ] && cmp -s plain out; then
			ok "--private-tmp: ${cmd%% *}"
		else
			echo "  status $got"; diff plain out | head -5
			nok "--private-tmp: ${cmd%% *}"
		fi
	done
	"$R" --private-tmp -c "$T" -- /bin/true >out 2>err
	[ $? -eq 125 ] && grep -q -- 'private /tmp' err &&
	    ok "--private-tmp with a rule under /tmp: refused" ||
	    nok "--private-tmp with a rule under /tmp: refused"
	cd "$T" || exit 99;;
esac

# The host's /dev/shm is another: its objects are not seen, nor made.
name=fdbt-host-$$
echo host >/dev/shm/$name
"$R" -c "$T" -- /bin/sh -c "cat /dev/shm/$name; ls -A /dev/shm;
    echo x >/dev/shm/$name.new" >"$T/out" 2>"$T/err"
if [ "$(cat /dev/shm/$name)" = host ] && [ ! -e /dev/shm/$name.new ] &&
    ! grep -q host "$T/out" && grep -q 'No such file' "$T/err"; then
	ok "the host's /dev/shm is not the command's"
else
	nok "the host's /dev/shm is not the command's"
fi
rm -f /dev/shm/$name /dev/shm/$name.new

# A rule on the host's /dev/shm asks for --host-shm, which gives it.
"$R" -r /dev/shm -- /bin/true >"$T/out" 2>"$T/err"
[ $? -eq 125 ] && grep -q -- '--host-shm' "$T/err" &&
    ok "a rule on /dev/shm needs --host-shm" ||
    nok "a rule on /dev/shm needs --host-shm"
"$R" --host-shm -r /dev/shm -- /bin/ls -d /dev/shm >"$T/out" 2>"$T/err"
[ $? -eq 0 ] && ok "--host-shm" || nok "--host-shm"

shlib_end
