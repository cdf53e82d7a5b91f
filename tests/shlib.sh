# SPDX-License-Identifier: MIT
#
# shlib.sh: what the shell tests of fdbroker-run share; sourced by
# run-cli.sh, run-shm.sh and run-fifo.sh once R names fdbroker-run.
#   shlib_start NAME [ERR]  a work directory $T (/tmp/fdbroker-NAME.XXXXXX,
#                      removed at exit), entered; $ERR is $T/ERR (default
#                      err); exit 77 (skip) when this kernel cannot run
#                      fdbroker-run at all
#   ok, nok, skip      count a result; nok shows $ERR
#   shlib_end          the counts; the status is the verdict

# The C locale: setlocale() then reads no locale files, which the system
# profile does not all grant (/usr/share/locale/locale.alias is a link to
# /etc/locale.alias on Debian), so --fail-on-deny counts only our own.
LC_ALL=C
export LC_ALL
passed=0
failed=0
skipped=0

ok() { passed=$((passed + 1)); echo "PASS: $1"; }
nok() {
	failed=$((failed + 1))
	echo "FAIL: $1"
	[ -f "$ERR" ] && sed 's/^/  | /' "$ERR" | head -20
}
skip() { skipped=$((skipped + 1)); echo "SKIP: $1"; }

shlib_start() {
	T=$(mktemp -d "/tmp/fdbroker-$1.XXXXXX") || exit 99
	trap 'rm -rf "$T"' EXIT HUP INT TERM
	ERR=$T/${2:-err}
	cd "$T" || exit 99
	"$R" -- /bin/true >"$T/.true" 2>"$ERR"
	if [ $? -eq 125 ] && grep -q 'kernel' "$ERR"; then
		echo "SKIP: $(cat "$ERR")"
		exit 77
	fi
}

shlib_end() {
	echo "# passed $passed, failed $failed, skipped $skipped"
	[ "$failed" -eq 0 ]
}
