#!/bin/sh
# escape-table.sh: the README's table of escape cases, made from the
# "/* ESCAPE: what it tries | expected result */" line above each
# test_escape_* test in tests/escape/*.c.
#   escape-table.sh --print [SRCDIR]  print the table
#   escape-table.sh [SRCDIR]          compare it with README.md (make check)
set -u
check=1
[ "${1:-}" = --print ] && { check=0; shift; }
src=${1:-${SRCDIR:-.}}

table() {
	echo '| case | what it tries | expected result |'
	echo '|---|---|---|'
	for f in "$src"/tests/escape/check_escape_*.c; do
		[ -f "$f" ] || continue
		awk '
		/^\/\* ESCAPE: .*\|.*\*\/$/ {
			line = $0
			sub(/^\/\* ESCAPE: /, "", line)
			sub(/ \*\/$/, "", line)
			pending = line
			next
		}
		/^START_TEST\(test_escape_/ {
			name = $0
			sub(/^START_TEST\(/, "", name)
			sub(/\).*/, "", name)
			if (pending == "") {
				printf "MISSING ESCAPE annotation: %s\n", name
				bad = 1
			} else {
				split(pending, part, / \| /)
				printf "| `%s` | %s | %s |\n", name, part[1], part[2]
			}
			pending = ""
		}
		END { exit bad }' "$f" || return 1
	done
}

if [ $check -eq 0 ]; then
	table
	exit
fi
want=$(table) || { echo "$want" | grep MISSING; exit 1; }
have=$(sed -n '/^<!-- escape-table -->$/,/^<!-- end -->$/p' "$src/README.md" |
	grep '^|')
if [ "$want" != "$have" ]; then
	echo "README.md's escape table differs from the tests; regenerate it with"
	echo "  tests/escape-table.sh --print and paste it between the markers."
	tmp=$(mktemp -d)
	echo "$want" > "$tmp/want"
	echo "$have" > "$tmp/have"
	diff "$tmp/have" "$tmp/want"
	rm -rf "$tmp"
	exit 1
fi
n=$(echo "$want" | grep -c '^| `')
echo "README.md lists all $n escape cases"
[ "$n" -gt 0 ] || { echo "no escape cases found"; exit 1; }
