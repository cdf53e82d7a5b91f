#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run-fifo.sh: FIFOs under fdbroker-run (notify transport): a blocking
# open waits for its peer as the kernel's does, answered later by a
# waiter thread (sandbox/notify-pending.c).  The reader first and the
# writer first, one record each; other processes served while several
# opens wait; a waiting process killed leaves no thread or descriptor in
# the broker; a FIFO outside the policy refused without being opened;
# a name swapped between a FIFO and a symlink to a file outside the
# policy never writes that file.  Orders are arranged with sleeps, but
# every result is the same whatever the order turns out to be.  Needs
# FDBROKER_RUN.  Writes only in a mktemp -d directory, removed at exit.
# Exit 77 when fdbroker-run cannot run.

R=${FDBROKER_RUN:?FDBROKER_RUN is not set}
. "${SRCDIR:?SRCDIR is not set}/tests/shlib.sh"
shlib_start fifo-test
mkdir "$T/w" "$T/out" || exit 99
cd "$T/w" || exit 99

# fifo NAME SCRIPT: SCRIPT (sh) prints "x" confined, as it does plainly.
fifo() {
	rm -f p "$T/log"
	timeout 60 "$R" -c "$T/w" --log "$T/log" -- /bin/sh -c "$2" \
	    >"$T/got" 2>"$T/err"
	if [ $? -eq 0 ] && [ "$(cat "$T/got")" = x ]; then ok "$1"; else
		echo "  got: $(cat "$T/got")"; nok "$1"; fi
}

fifo "reader first" 'mkfifo p; cat p & sleep 0.3; echo x > p; wait'
n=$(grep -c '"syscall":"open.*"path":"p".*"errno":null' "$T/log")
[ "$n" -eq 2 ] && ok "one record each, allowed" ||
    { echo "  $n records"; nok "one record each, allowed"; }
fifo "writer first" 'mkfifo p; echo x > p & sleep 0.3; cat p; wait'
fifo "the kernel's order" 'mkfifo p; (echo x > p &); cat p'
fifo "O_RDWR does not wait" 'mkfifo p; exec 3<>p; echo x >&3; head -1 p'
fifo "O_NONBLOCK reader" '/usr/bin/python3 -c "
import os; os.mkfifo(\"p\")
r = os.open(\"p\", os.O_RDONLY | os.O_NONBLOCK)
try: os.open(\"p\", os.O_WRONLY | os.O_NONBLOCK)
except OSError as e: assert False
try: os.open(\"q\", os.O_WRONLY | os.O_NONBLOCK | os.O_CREAT)
except OSError: pass
print(\"x\")"'

# Twelve readers wait (more than the pool's threads): a file is still
# read, and every reader then gets its line.
fifo "served while FIFO opens wait" 'i=0; while [ $i -lt 12 ]; do
	mkfifo p$i; cat p$i > o$i & i=$((i + 1)); done
	sleep 0.5; echo y > f; cat f > /dev/null || exit 1
	i=0; while [ $i -lt 12 ]; do echo $i > p$i; i=$((i + 1)); done
	wait; i=0; while [ $i -lt 12 ]; do
	[ "$(cat o$i)" = $i ] || exit 1; i=$((i + 1)); done; echo x'

# count BROKER: its threads and descriptors, the least of five looks
# (a request being served holds a few for a moment).
count() {
	least=
	for k in 1 2 3 4 5; do
		c=$(( $(ls /proc/$1/task | wc -l) * 1000 +
		    $(ls /proc/$1/fd | wc -l) ))
		[ -z "$least" ] || [ "$c" -lt "$least" ] && least=$c
		sleep 0.1
	done
	echo "$least"
}

# A reader killed while its open waits: the waiter is gone after it.
rm -f p go catpid end
mkfifo p
"$R" -c "$T/w" -- /bin/sh -c 'while [ ! -e go ]; do sleep 0.1; done
	cat p & echo $! > catpid
	while [ ! -e end ]; do sleep 0.1; done' >"$T/got" 2>"$T/err" &
broker=$!
sleep 1
before=$(count $broker)
touch go
i=0
while [ ! -s catpid ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.5
during=$(count $broker)
kill -9 "$(cat catpid)"
i=0
while [ "$(count $broker)" -gt "$before" ] && [ $i -lt 20 ]; do
	i=$((i + 1)); done
after=$(count $broker)
touch end
wait $broker
echo "  threads*1000+fds: before $before, waiting $during, after $after"
[ "$during" -gt "$before" ] && [ "$after" -le "$before" ] &&
    ok "a killed waiter leaves nothing" || nok "a killed waiter leaves nothing"

# A FIFO outside the policy: refused, and not opened (its writer waits
# on).
mkfifo "$T/out/p"
(echo x > "$T/out/p") 2>/dev/null &
writer=$!
timeout 60 "$R" -c "$T/w" -- /bin/cat "$T/out/p" >"$T/got" 2>"$T/err"
st=$?
sleep 0.3
if [ $st -ne 0 ] && [ $st -ne 124 ] && grep -q 'denied' "$T/err" &&
    kill -0 $writer 2>/dev/null; then ok "a FIFO outside the policy"
else echo "  status $st"; nok "a FIFO outside the policy"; fi
kill $writer 2>/dev/null
exec 3<>"$T/out/p"
exec 3<&-
wait $writer 2>/dev/null

# A name swapped between a FIFO and a symlink to a file outside the
# policy while writers open it: the file is never written.
echo secret > "$T/out/secret"
rm -f p
(i=0; while [ $i -lt 300 ]; do
	mkfifo s.f; ln -s "$T/out/secret" s.l
	mv -f s.f p; mv -f s.l p; i=$((i + 1)); done) &
swapper=$!
timeout 60 "$R" -c "$T/w" -- /bin/sh -c 'i=0; while [ $i -lt 40 ]; do
	(echo pwn > p) 2>/dev/null & i=$((i + 1)); done
	sleep 1; kill $(jobs -p) 2>/dev/null; exit 0' >"$T/got" 2>"$T/err"
wait $swapper
[ "$(cat "$T/out/secret")" = secret ] && ok "a FIFO swapped for a link" ||
    nok "a FIFO swapped for a link"

shlib_end
