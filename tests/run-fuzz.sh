#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run-fuzz.sh: run the libFuzzer targets of tests/fuzz/ on a copy of their
# seed corpus (under distcheck the source tree is read-only) and fail if
# any of them crashes, leaks, times out, runs out of memory or trips UBSan.
# make check runs each for FUZZ_SECONDS=5; make fuzz runs them longer and
# keeps the corpus they grow in FUZZ_WORKDIR.  Exits 77 (skip) when
# configure found no clang that links -fsanitize=fuzzer, unless
# FUZZ_REQUIRED=1 (make fuzz), which makes that an error.
#
# Environment: FUZZ_CC (from configure; empty when there are no fuzzers),
# FUZZDIR (the built targets), SRCDIR (the source tree), FUZZ_SECONDS,
# FUZZ_TARGETS (default: all three), FUZZ_WORKDIR, FUZZ_REQUIRED.
set -u

me=run-fuzz.sh
srcdir=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
fuzzdir=${FUZZDIR:-$PWD/tests/fuzz}
seconds=${FUZZ_SECONDS:-5}
targets=${FUZZ_TARGETS:-fuzz_wire fuzz_policy_file fuzz_policy_match}

if [ -z "${FUZZ_CC:-}" ]; then
	echo "$me: configure found no clang that links -fsanitize=fuzzer" \
		"(Debian: apt-get install clang); fuzzers not run"
	[ "${FUZZ_REQUIRED:-0}" = 1 ] && exit 1
	exit 77
fi
case $seconds in
''|*[!0-9]*|0)
	echo "$me: FUZZ_SECONDS must be a positive number of seconds"
	exit 99 ;;
esac

if [ -n "${FUZZ_WORKDIR:-}" ]; then
	work=$FUZZ_WORKDIR
	keep=1
	mkdir -p "$work" || exit 99
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/fdbroker-fuzz.XXXXXX") || exit 99
	keep=0
fi

# One target: grow $work/corpus/$1 from the seeds for $seconds seconds.
run_one() {
	t=$1
	bin=$fuzzdir/$t
	seeds=$srcdir/tests/fuzz/corpus/$t
	corpus=$work/corpus/$t
	log=$work/$t.log

	if [ ! -x "$bin" ] || [ ! -d "$seeds" ]; then
		echo "FAIL $t: $bin or $seeds is missing"
		return 1
	fi
	mkdir -p "$corpus" "$work/artifacts" || return 1
	# Copies of read-only seeds are read-only: libFuzzer adds files here.
	cp "$seeds"/* "$corpus"/ && chmod -R u+w "$corpus" || return 1
	# Any failure exits non-zero; none may look like 77 (skip).
	"$bin" -max_total_time="$seconds" -print_final_stats=1 \
		-max_len=9000 -timeout=10 -rss_limit_mb=2048 \
		-error_exitcode=1 -timeout_exitcode=1 \
		-artifact_prefix="$work/artifacts/$t-" "$corpus" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 |
		sed -n 's/.*\(cov: [0-9]*\).*/\1/p')
	units=$(ls "$corpus" | wc -l)
	if [ "$rc" -eq 0 ] && [ -n "$execs" ]; then
		echo "PASS $t: $execs executions in ${seconds}s," \
			"$cov, corpus $units inputs, no crash"
		return 0
	fi
	echo "FAIL $t: exit $rc after ${execs:-?} executions; log: $log"
	grep -v -E '^(#[0-9]+|INFO:|MS:|base unit:|0x)' "$log" | tail -n 40 |
		sed 's/^/    /'
	for a in "$work/artifacts/$t-"*; do
		[ -f "$a" ] || continue
		echo "  reproducer: $a (run: $bin $a)"
		od -A d -c "$a" | head -n 16 | sed 's/^/    /'
	done
	return 1
}

status=0
for t in $targets; do
	run_one "$t" || status=1
done
if [ "$status" -ne 0 ]; then
	echo "$me: inputs and logs kept in $work"
elif [ "$keep" -eq 0 ]; then
	rm -rf "$work"
fi
exit "$status"
