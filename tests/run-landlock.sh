#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run-landlock.sh: the broker's Landlock self-confinement (issue 5), and
# the command's exec ruleset, the exact image of the x decisions.
# tests/fdbroker-run-nocheck is fdbroker-run built with
# -DFDB_TEST_NO_POLICY_CHECK: FDB_TEST_NO_POLICY_CHECK=1 makes its broker
# decide with "allow all", FDB_TEST_NO_LANDLOCK=1 turns the
# self-confinement off.  With the checks off, Landlock alone must still
# refuse what no rule grants, and without Landlock the same run must
# succeed, so the refusal is Landlock's.  The real fdbroker-run must keep
# working confined (stat, write, create, rename, remove).  Needs
# FDBROKER_RUN and FDBROKER_RUN_NOCHECK (set by make check); writes only in
# a mktemp -d directory, removed at exit.  Exit 77 (skip) when the kernel
# cannot run fdbroker-run or has no Landlock ABI 2.

R=${FDBROKER_RUN:?FDBROKER_RUN is not set}
N=${FDBROKER_RUN_NOCHECK:?FDBROKER_RUN_NOCHECK is not set}
passed=0
failed=0
LC_ALL=C
export LC_ALL
unset FDB_TEST_NO_POLICY_CHECK FDB_TEST_NO_LANDLOCK

T=$(mktemp -d /tmp/fdbroker-landlock.XXXXXX) || exit 99
trap 'rm -rf "$T"' EXIT HUP INT TERM
mkdir "$T/in" "$T/in/sub" "$T/out" "$T/run" || exit 99
printf 'granted\n' >"$T/in/file"
printf 'secret\n' >"$T/out/secret"
O=$T/run/stdout
E=$T/run/stderr

ok() { passed=$((passed + 1)); echo "PASS: $1"; }
nok() {
	failed=$((failed + 1))
	echo "FAIL: $1"
	sed 's/^/  | /' "$E" | head -20
}

# expect NAME STATUS CMD...: CMD exits with STATUS (output in $O, $E).
expect() {
	name=$1 want=$2
	shift 2
	"$@" >"$O" 2>"$E" </dev/null
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$name"; else
		echo "  status $got, expected $want"; nok "$name"; fi
}

# has NAME FILE TEXT / hasnt NAME FILE TEXT
has() {
	if grep -q -e "$3" "$2"; then ok "$1"; else
		echo "  '$3' not in $2"; nok "$1"; fi
}
hasnt() {
	if grep -q -e "$3" "$2"; then echo "  '$3' in $2"; nok "$1"; else
		ok "$1"; fi
}

# --- can this kernel run it, with Landlock? ---------------------------
FDB_TEST_NO_POLICY_CHECK=1 "$N" --verbose -r "$T/in" -- /bin/cat \
    "$T/in/file" >"$O" 2>"$E" </dev/null
st=$?
if [ $st -eq 125 ] && grep -q 'kernel' "$E"; then
	echo "SKIP: $(cat "$E")"
	exit 77
fi
if grep -q 'runs unconfined' "$E"; then
	echo "SKIP: $(cat "$E")"
	exit 77
fi
[ $st -eq 0 ] && ok "nocheck: a granted file is read" ||
    nok "nocheck: a granted file is read"
has "nocheck: the granted file's text" "$O" "granted"

# --- the checks are off, Landlock is what refuses ---------------------
expect "real binary: the policy refuses the secret" 1 \
    "$R" -r "$T/in" -- /bin/cat "$T/out/secret"
expect "nocheck, no Landlock: the secret is read" 0 \
    env FDB_TEST_NO_POLICY_CHECK=1 FDB_TEST_NO_LANDLOCK=1 \
    "$N" -r "$T/in" -- /bin/cat "$T/out/secret"
has "nocheck, no Landlock: the secret's text" "$O" "secret"
expect "nocheck, Landlock: the secret is refused" 1 \
    env FDB_TEST_NO_POLICY_CHECK=1 "$N" -r "$T/in" -- /bin/cat \
    "$T/out/secret"
hasnt "nocheck, Landlock: no secret printed" "$O" "secret"
has "nocheck, Landlock: Permission denied" "$E" "Permission denied"
expect "nocheck, Landlock: no file is made outside the grants" 2 \
    env FDB_TEST_NO_POLICY_CHECK=1 "$N" -w "$T/in" -- /bin/sh -c \
    ": >\"$T/out/made\""
if [ -e "$T/out/made" ]; then nok "nocheck, Landlock: out/made absent"
else ok "nocheck, Landlock: out/made absent"; fi
expect "nocheck, Landlock: w does not allow creating" 2 \
    env FDB_TEST_NO_POLICY_CHECK=1 "$N" -w "$T/in" -- /bin/sh -c \
    ": >\"$T/in/made\""
expect "nocheck, no Landlock: the same creation succeeds" 0 \
    env FDB_TEST_NO_POLICY_CHECK=1 FDB_TEST_NO_LANDLOCK=1 \
    "$N" -w "$T/in" -- /bin/sh -c ": >\"$T/in/made\""
# The switches are honoured by the test build only.
expect "real binary ignores the test switches" 1 \
    env FDB_TEST_NO_POLICY_CHECK=1 FDB_TEST_NO_LANDLOCK=1 \
    "$R" -r "$T/in" -- /bin/cat "$T/out/secret"

# --- exec: the command's ruleset is the image of the x decisions ------
# With the broker's checks off, Landlock alone decides what runs.
mkdir "$T/x" "$T/x/sub" && cp /bin/true "$T/x/ok" && cp /bin/true "$T/x/bad" &&
    cp /bin/true "$T/x/sub/bad" && ln -s x "$T/link" || exit 99
nc() { env FDB_TEST_NO_POLICY_CHECK=1 "$N" "$@"; }
expect "nocheck, exec: x on the tree runs x/bad" 0 nc -x "$T/x" -- "$T/x/bad"
expect "nocheck, exec: --deny x/bad refuses it" 126 \
    nc -x "$T/x" --deny "$T/x/bad" -- "$T/x/bad"
expect "nocheck, exec: the rest of the split tree runs" 0 \
    nc -x "$T/x" --deny "$T/x/bad" -- "$T/x/ok"
expect "nocheck, exec: a narrower -r refuses x/sub/bad" 126 \
    nc -x "$T/x" -r "$T/x/sub" -- "$T/x/sub/bad"
expect "nocheck, exec: x on a link's path grants nothing" 126 \
    nc -x "$T/link" -- "$T/x/ok"
expect "real binary, exec: nor does the broker" 126 \
    "$R" -r "$T" -x "$T/link" -- "$T/link/ok"
expect "nocheck, exec: a file made later in a split directory" 126 \
    nc -c "$T/x" -x "$T/x" --deny "$T/x/bad" -- /bin/sh -c \
    "cp \"$T/x/ok\" \"$T/x/new\" && exec \"$T/x/new\""
expect "nocheck, exec: made in a subdirectory granted whole, it runs" 0 \
    nc -c "$T/x" -x "$T/x" --deny "$T/x/bad" -- /bin/sh -c \
    "cp \"$T/x/ok\" \"$T/x/sub/new\" && exec \"$T/x/sub/new\""

# --- the confined real broker still does its work ---------------------
expect "confined: stat, write, create, rename, remove" 0 \
    "$R" --verbose -c "$T/in" -- /bin/sh -c "ls -l \"$T/in\" &&
    echo new >\"$T/in/new\" && echo more >>\"$T/in/new\" &&
    mv \"$T/in/new\" \"$T/in/sub/moved\" && mkdir \"$T/in/d\" &&
    rmdir \"$T/in/d\" && cat \"$T/in/sub/moved\" &&
    : >\"$T/in/sub/moved\" && rm \"$T/in/sub/moved\""
has "confined: ls saw the file" "$O" "file"
has "confined: the written text" "$O" "more"
hasnt "confined: no unconfined notice" "$E" "unconfined"
expect "confined: --log still written" 0 \
    "$R" --log "$T/run/log" -r "$T/in" -- /bin/cat "$T/in/file"
has "confined: the log has the open" "$T/run/log" "$T/in/file"
expect "--learn: not confined, the learnt policy is written" 0 \
    "$R" --learn "$T/run/learnt" -r "$T/in" -- /bin/cat "$T/out/secret"
has "--learn: the secret's directory learnt" "$T/run/learnt" "$T/out"

echo "# passed $passed, failed $failed"
[ "$failed" -eq 0 ]
