# Sourced by scenario tests: a temporary directory $T removed at exit, and
# pass/fail/expect that print one "ok" or "FAIL" line per check and count the
# failures in $fails (a test ends with [ "$fails" -eq 0 ]).
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
pass() { echo "ok   $1"; }
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
expect() {   # NAME WANT GOT
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got '$3', want '$2'"; fi
}
