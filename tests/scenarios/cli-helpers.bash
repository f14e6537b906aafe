# Shared by the CLI scenario tests (trace_cli.sh, trace_import.sh, access_cli.sh) (sourced, not run: scripts/run-tests.sh runs
# tests/scenarios/*.sh only).  Each check prints "ok   NAME" or "FAIL NAME ..."
# and counts failures in $fails; commands run with stdout in ./out and stderr
# in ./err.
fails=0

pass() { echo "ok   $1"; }
fail() { echo "FAIL $1"; fails=$((fails + 1)); }

# check NAME EXPECTED_STATUS COMMAND...: status must match
check() {
	local name=$1 want=$2; shift 2
	"$@" >out 2>err
	local rc=$?
	if [ "$rc" -eq "$want" ]; then pass "$name"; else
		fail "$name: exit $rc, want $want"; sed 's/^/    /' err; fi
}

# bad NAME SUBSTRING COMMAND...: exit 2, one line on stderr containing SUBSTRING
bad() {
	local name=$1 want=$2; shift 2
	"$@" >out 2>err
	local rc=$? lines
	lines=$(wc -l <err)
	if [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && grep -qF -- "$want" err; then
		pass "$name"
	else
		fail "$name: exit $rc, $lines stderr lines, want 2, 1 line with '$want'"
		sed 's/^/    /' err
	fi
}

# has NAME FILE LINE: FILE contains the exact line
has() {
	if grep -qxF -- "$3" "$2"; then pass "$1"; else fail "$1: no line '$3' in:"; sed 's/^/    /' "$2"; fi
}

# same NAME GOT WANT: two strings are equal
same() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got '$2', want '$3'"; fi
}

# same_file NAME A B: byte-identical files
same_file() {
	if cmp -s "$2" "$3"; then pass "$1"; else fail "$1: $2 and $3 differ"; fi
}
