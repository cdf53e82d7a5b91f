#!/bin/bash
# SPDX-License-Identifier: MIT
#
# run-compat.sh: ordinary programs run unchanged (issue 12, SPEC §1).
# Each case of tests/compat/cases runs twice from the same fresh work
# directory W (TMPDIR and HOME inside it): once unconfined, once as
# "fdbroker-run -c W -- /bin/sh -c CMD" (with -x W when the case runs
# what it builds, --allow-net when it names the network).  The two runs must agree on the
# exit status, stdout, stderr and the files left in W (type, mode, link
# target, contents; never times or inode numbers).  A case marked "clean"
# touches only W and the system profile and runs a third time under
# --fail-on-deny: it must see no denial.  A case marked "refused" does
# what the sandbox is for: unconfined it succeeds, confined it must fail
# with a denial; it is not counted as a match.
#
# What fails the test: a difference not listed in tests/compat/expected
# (with its reason), a denial in a clean case, a refusal that did not
# happen.  A case whose program is missing is skipped with a message.
# Prints the share of identical cases and each difference.
#
# Needs FDBROKER_RUN and SRCDIR (set by make check).  Writes only in a
# mktemp -d directory, removed at exit.  COMPAT_KEEP=1 keeps it;
# COMPAT_ONLY=NAME runs one case; COMPAT_JOBS=N runs N cases at once.
# Exit 77 when the kernel cannot run fdbroker-run at all.

R=${FDBROKER_RUN:?FDBROKER_RUN is not set}
DIR=${SRCDIR:?SRCDIR is not set}/tests/compat
JOBS=${COMPAT_JOBS:-2}
SYSPATH=/usr/local/bin:/usr/bin:/bin
ME=$(id -un)

T=$(mktemp -d /tmp/fdbroker-compat.XXXXXX) || exit 99
[ -n "${COMPAT_KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
trap 'exit 99' HUP INT TERM

"$R" -q -- /bin/true >"$T/probe" 2>&1
st=$?
if [ $st -eq 125 ] && grep -q kernel "$T/probe"; then
	echo "SKIP: $(cat "$T/probe")"
	exit 77
fi

# The environment of every run: nothing from the caller's, so that both
# runs, and every machine, see the same.  Fixed dates make git's hashes
# and archives reproducible.
runenv() {
	local w=$1
	shift
	env -i PATH="$SYSPATH" HOME="$w/home" TMPDIR="$w/tmp" \
	    LANG=C.UTF-8 TERM=dumb USER="$ME" LOGNAME="$ME" \
	    SOURCE_DATE_EPOCH=0 TZ=UTC \
	    GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org \
	    GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.org \
	    GIT_AUTHOR_DATE='@0 +0000' GIT_COMMITTER_DATE='@0 +0000' \
	    "$@"
}

# manifest W IGNORE...: one line a file under W, sorted; paths matching
# an IGNORE glob are left out.
manifest() {
	local w=$1 y m p l g
	shift
	(cd "$w" && find . -mindepth 1 -printf '%y %m %P\t%l\n') |
	while IFS=$'\t' read -r y l; do
		m=${y#* }; p=${m#* }; m=${m%% *}; y=${y%% *}
		for g in "$@"; do
			# shellcheck disable=SC2053
			[[ $p == $g ]] && continue 2
		done
		case $y in
		f) echo "f $m $p $(sha256sum <"$w/$p" | cut -c1-16)" ;;
		l) echo "l $p -> $l" ;;
		d) echo "d $m $p" ;;
		*) echo "$y $m $p" ;;
		esac
	done | LC_ALL=C sort
}

# fresh W: an empty work directory with its home and scratch space.
fresh() {
	rm -rf "$1"
	mkdir -p "$1/home" "$1/tmp"
}

# run_case NAME FLAGS CMD: both runs (and the --fail-on-deny one) of one
# case; results in $T/NAME.
run_case() {
	local flags=$2 cmd=$3 d=$T/$1 w=$T/$1/w f
	local ign=() opt=(-c "$w")
	for f in ${flags//,/ }; do
		case $f in
		ignore=*) ign+=("${f#ignore=}") ;;
		exec) opt+=(-x "$w") ;;
		net) opt+=(--allow-net) ;;
		esac
	done
	mkdir -p "$d"
	fresh "$w"
	(cd "$w" && runenv "$w" /bin/sh -c "$cmd") \
	    >"$d/u.out" 2>"$d/u.err" </dev/null
	echo $? >"$d/u.st"
	manifest "$w" "${ign[@]}" >"$d/u.files"
	fresh "$w"
	(cd "$w" && runenv "$w" "$R" --log "$d/c.log" "${opt[@]}" -- \
	    /bin/sh -c "$cmd") >"$d/c.out" 2>"$d/c.err" </dev/null
	echo $? >"$d/c.st"
	manifest "$w" "${ign[@]}" >"$d/c.files"
	case ,$flags, in
	*,clean,*)
		fresh "$w"
		(cd "$w" && runenv "$w" "$R" -q --fail-on-deny \
		    --log "$d/d.log" "${opt[@]}" -- /bin/sh -c "$cmd") \
		    >/dev/null 2>&1 </dev/null
		echo $? >"$d/d.st"
		;;
	esac
	rm -rf "$w"
}

# missing NEEDS: the first program of NEEDS (comma-separated) that is
# not installed, if any.
missing() {
	local p
	[ "$1" = - ] && return 1
	for p in ${1//,/ }; do
		PATH=$SYSPATH command -v "$p" >/dev/null 2>&1 ||
		    { echo "$p"; return 0; }
	done
	return 1
}

trim() {
	local s=$1
	s=${s#"${s%%[![:space:]]*}"}
	echo "${s%"${s##*[![:space:]]}"}"
}

# Cases: "NAME | NEEDS | FLAGS | COMMAND"; lines that start with a tab
# continue the command.
names=() ; declare -A NEEDS FLAGS CMD
add_case() {
	[ -n "$1" ] || return 0
	[ -z "${COMPAT_ONLY:-}" ] || [ "$1" = "$COMPAT_ONLY" ] || return 0
	names+=("$1")
	NEEDS[$1]=$2; FLAGS[$1]=$3; CMD[$1]=$4
}
cur= ; cn= ; cf= ; cc=
while IFS= read -r line; do
	case $line in
	$'\t'*) cc+=$'\n'"${line#$'\t'}"; continue ;;
	'#'* | '') continue ;;
	esac
	add_case "$cur" "$cn" "$cf" "$cc"
	IFS='|' read -r cur cn cf cc <<<"$line"
	cur=$(trim "$cur"); cn=$(trim "$cn"); cf=$(trim "$cf")
	cc=$(trim "$cc")
done <"$DIR/cases"
add_case "$cur" "$cn" "$cf" "$cc"

declare -A EXPECT
while read -r n why; do
	case $n in '#'* | '') continue ;; esac
	EXPECT[$n]=$why
done <"$DIR/expected"

# Run the cases, JOBS at a time.
skipped=0
declare -A SKIP
for n in "${names[@]}"; do
	if p=$(missing "${NEEDS[$n]}"); then
		SKIP[$n]=$p
		continue
	fi
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
	run_case "$n" "${FLAGS[$n]}" "${CMD[$n]}" &
done
wait

# denials LOG: the paths refused in LOG, one a line.
denials() {
	[ -f "$1" ] || return 0
	grep '"decision":"deny"' "$1" |
	    sed 's/.*"syscall":"\([^"]*\)","path":"\([^"]*\)".*/\1 \2/' |
	    sort -u
}

# show NAME: what differs between the two runs of NAME.
show() {
	local d=$T/$1 k
	[ "$(cat "$d/u.st")" = "$(cat "$d/c.st")" ] ||
	    echo "  exit status: unconfined $(cat "$d/u.st"),"\
		 "confined $(cat "$d/c.st")"
	for k in out err files; do
		cmp -s "$d/u.$k" "$d/c.$k" && continue
		echo "  $k differs (- unconfined, + confined):"
		diff -u "$d/u.$k" "$d/c.$k" | sed -n '4,15s/^/  | /p'
	done
	denials "$d/c.log" | head -5 | sed 's/^/  denied: /'
}

same() {
	local d=$T/$1
	cmp -s "$d/u.st" "$d/c.st" && cmp -s "$d/u.out" "$d/c.out" &&
	    cmp -s "$d/u.err" "$d/c.err" && cmp -s "$d/u.files" "$d/c.files"
}

failed=0 ident=0 compared=0 xdiff=0 refused=0 clean=0 nodeny=0
for n in "${names[@]}"; do
	d=$T/$n
	if [ -n "${SKIP[$n]:-}" ]; then
		echo "SKIP: $n: ${SKIP[$n]} is not installed"
		skipped=$((skipped + 1))
		continue
	fi
	case ,${FLAGS[$n]}, in
	*,refused,*)
		if [ "$(cat "$d/u.st")" = 0 ] && [ "$(cat "$d/c.st")" != 0 ] &&
		    [ -n "$(denials "$d/c.log")" ]; then
			echo "PASS: $n: refused, as it should be"
			refused=$((refused + 1))
		else
			echo "FAIL: $n: not refused"; show "$n"
			failed=$((failed + 1))
		fi
		continue
		;;
	esac
	compared=$((compared + 1))
	if same "$n"; then
		ident=$((ident + 1))
		[ -z "${EXPECT[$n]:-}" ] || echo "NOTE: $n is identical" \
		    "now; remove it from tests/compat/expected"
		echo "PASS: $n: identical"
	elif [ -n "${EXPECT[$n]:-}" ]; then
		xdiff=$((xdiff + 1))
		echo "XFAIL: $n: differs, as expected: ${EXPECT[$n]}"
		show "$n"
	else
		echo "FAIL: $n: differs"; show "$n"
		failed=$((failed + 1))
	fi
	case ,${FLAGS[$n]}, in *,clean,*) ;; *) continue ;; esac
	clean=$((clean + 1))
	if [ "$(cat "$d/d.st")" = 122 ] || [ -n "$(denials "$d/d.log")" ]
	then
		echo "FAIL: $n: denied under --fail-on-deny:"
		denials "$d/d.log" | head -5 | sed 's/^/  denied: /'
		failed=$((failed + 1))
	else
		nodeny=$((nodeny + 1))
	fi
done

echo "corpus: ${#names[@]} cases, $skipped skipped (program missing)," \
    "$refused refusals asserted"
[ $compared -gt 0 ] && echo "identical: $ident of $compared" \
    "($(awk "BEGIN { printf \"%.1f\", $ident * 100 / $compared }")%)," \
    "$xdiff expected differences"
echo "--fail-on-deny: $nodeny of $clean clean cases with zero denials"
[ $failed -eq 0 ] || { echo "$failed failures"; exit 1; }
exit 0
