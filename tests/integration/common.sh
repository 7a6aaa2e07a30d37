# Sourced by the lab-backed integration scripts (not by tests/integration/
# run): checks the EDGEPROBE argument, makes a temporary directory, and
# brings the lab up unless it already runs, taking it down again at exit.
#
#	prog=tests/integration/NAME
#	. "$(dirname "$0")/common.sh"	(with "$@" still the script's)
#
# Sets ep (an absolute path), tmp, lab, repo and the lab's EP_LAB_*
# variables.  A script that starts processes of its own sets cleanup_more
# to a function that stops them (by pid); it runs before the lab goes.

LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
lab=$repo/tests/lab/lab

die() {
	printf '%s: %s\n' "$prog" "$*" >&2
	exit 2
}

[ $# -eq 1 ] || die "usage: $prog EDGEPROBE"
ep=$1
case $ep in
/*) ;;
*/*) ep=$PWD/${ep#./} ;;
esac
[ -x "$ep" ] || die "$ep: no such executable"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/edgeprobe-${prog##*/}.XXXXXX")
started=0
cleanup_more=:
cleanup() {
	"$cleanup_more" || true
	if [ "$started" = 1 ]; then
		"$lab" down || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

lab_st=0
"$lab" status || lab_st=$?
if [ "$lab_st" -ne 0 ]; then
	started=1
	"$lab" up >"$tmp/lab-up.log" 2>&1 || {
		cat "$tmp/lab-up.log" >&2
		die "the lab did not come up"
	}
fi
"$lab" env >"$tmp/lab.env" || die "no lab.env"
# shellcheck source=/dev/null
. "$tmp/lab.env"
