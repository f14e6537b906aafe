#!/usr/bin/env bash
# One-way layering (docs/testing.md): sim/ uses traces/ and models/; models/
# uses neither; traces/ does not use sim/.  Checked over the #include lines:
#   - no file under models/ includes a header of sim/ or traces/;
#   - no file under traces/ includes a header of sim/;
#   - no policy (models/policy/*.c) includes models/zswap_internal.h: policies
#     see the model through models/policy/policy.h only;
#   - only sim/timing_simgrid*.[ch] include SimGrid.
# The checker first proves on a made-up tree that it catches each kind of
# violation, and fails if it read no file at all.
set -u
cd "$(dirname "$0")/../.." || exit 2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
expect() {   # NAME WANT GOT
	if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: got '$3', want '$2'"; fails=$((fails + 1)); fi
}

# violations ROOT: one line per offending #include, "FILE:LINE: text"
violations() {
	local root=$1
	(cd "$root" && {
		find models -name '*.[ch]' -print0 2>/dev/null |
			xargs -0 -r grep -HnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"(sim|traces)/'
		find traces -name '*.[ch]' -print0 2>/dev/null |
			xargs -0 -r grep -HnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"sim/'
		find models/policy -name '*.c' -print0 2>/dev/null |
			xargs -0 -r grep -HnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"models/zswap_internal\.h"'
		find models traces sim -name '*.[ch]' ! -name 'timing_simgrid*' -print0 2>/dev/null |
			xargs -0 -r grep -HnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<simgrid/'
	})
}

# the checker catches what it should, on a tree made up for it
mkdir -p "$T/models/policy" "$T/traces" "$T/sim"
printf '#include "models/page.h"\n#include "traces/trace.h"\n' >"$T/models/a.c"
printf '#include "sim/cli.h"\n' >"$T/traces/b.h"
printf '#include "models/zswap_internal.h"\n' >"$T/models/policy/c.c"
printf '#include <simgrid/actor.h>\n' >"$T/sim/replay.c"
printf '#include <simgrid/actor.h>\n#include "sim/sim.h"\n' >"$T/sim/timing_simgrid_x.c"
expect "the checker finds the 4 planted violations" \
	"models/a.c:2 traces/b.h:1 models/policy/c.c:1 sim/replay.c:1" \
	"$(violations "$T" | cut -d: -f1,2 | tr '\n' ' ' | sed 's/ $//')"

# the tree itself
n=$(find models traces sim -name '*.[ch]' | wc -l)
expect "files read under models/, traces/, sim/ (more than 50)" yes "$([ "$n" -gt 50 ] && echo yes || echo "no: $n")"
expect "no include against the layering" "" "$(violations .)"

[ "$fails" -eq 0 ]
