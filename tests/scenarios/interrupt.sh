#!/usr/bin/env bash
# SIGINT, SIGTERM and SIGHUP during a command that writes files
# (sim/interrupt.c): exit 128 + N, one line on stderr ("zswapsim: interrupted
# (SIGINT): nothing written"; no SimGrid backtrace), no temp file left, no
# report.  Cases: a run under the none backend (SIGINT, SIGTERM), one under
# simgrid (SimGrid's own SIGINT handler used to exit(1) inside an actor and
# abort with a backtrace, status 134), a SIGINT ignored at the start staying
# ignored across SimGrid's init, trace gen mid-write, the signal at the
# report's fsync (temp file pending) and at its rename (the report stays), and
# a sweep with -j 2 (the points stop, no temp file, a rerun resumes).
# A Python helper starts the command with the signals at their defaults and
# sends the signal once the run is under way: it polls for what shows that
# (a temp file, libsimgrid mapped, CPU time used) with a timeout, rather than
# sleeping a fixed time, so a slow machine only makes the test longer.
set -u
BIN=${BIN:-build/zswapsim}
REPO=$PWD
. tests/scenarios/lib/expect.sh
# Under ASan (scripts/run-tests.sh with BUILD=build/asan) a workload runs ~100
# times slower: smaller sweep points and trace keep the script near 30 s there,
# still long enough to be interrupted (a point ~1 s either way).
point_accesses=1500000 gen_accesses=30000000
case "${BUILD:-build}" in *asan*) point_accesses=20000 gen_accesses=4000000 ;; esac

cat >"$T/send_signal.py" <<'EOF'
"""send_signal.py SIG WAIT ERRFILE CMD...: run CMD (stdout discarded, stderr to
ERRFILE), wait for WAIT, send SIG, print CMD's exit status as a shell would
(128 + N when killed by N).  WAIT is conditions joined by '+', met in order:
tmp:DIR (a *.tmp.* file under DIR), maps:NAME (NAME in /proc/PID/maps),
cpu:S (S more seconds of CPU time), childcpu:S (a child process has used S
seconds of CPU: it runs, past its exec).  SIG "ignored-INT"
starts CMD with SIGINT ignored, sends SIGINT, checks CMD survives 0.5 s and
then sends SIGTERM.  "early" when CMD ended first, "timeout" after 60 s."""
import os, signal, subprocess, sys, time

sig, wait, errfile, cmd = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
ignore_int = sig == "ignored-INT"

def child_signals():
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, signal.SIG_DFL)
    if ignore_int:
        signal.signal(signal.SIGINT, signal.SIG_IGN)

def cpu(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def children(pid):
    for d in os.listdir("/proc"):
        try:
            with open("/proc/%s/stat" % d) as f:
                if d.isdigit() and int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                    yield int(d)
        except (OSError, ValueError, IndexError):
            pass

def child_cpu(pid):
    try:
        return cpu(pid)
    except OSError:
        return 0

def met(p, cond, since):
    kind, arg = cond.split(":", 1)
    if kind == "tmp":
        return any(".tmp." in f for _, _, fs in os.walk(arg) for f in fs)
    if kind == "childcpu":
        return any(child_cpu(c) >= float(arg) for c in children(p.pid))
    if kind == "maps":
        with open("/proc/%d/maps" % p.pid) as f:
            return arg in f.read()
    if kind == "cpu":
        return cpu(p.pid) - since >= float(arg)
    raise SystemExit("bad condition " + cond)

def status(rc):
    return 128 - rc if rc < 0 else rc

with open(errfile, "w") as err:
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, preexec_fn=child_signals)
deadline = time.time() + 60
for cond in wait.split("+"):
    since = cpu(p.pid) if cond.startswith("cpu:") and p.poll() is None else 0
    while p.poll() is None and time.time() < deadline and not met(p, cond, since):
        time.sleep(0.02)
if p.poll() is not None:
    print("early", status(p.returncode))
    sys.exit()
if time.time() >= deadline:
    p.kill()
    print("timeout")
    sys.exit()
if ignore_int:
    p.send_signal(signal.SIGINT)
    time.sleep(0.5)
    if p.poll() is not None:
        print("killed by the ignored SIGINT", status(p.returncode))
        sys.exit()
    sig = "TERM"
p.send_signal(getattr(signal, "SIG" + sig))
try:
    print(status(p.wait(timeout=60)))
except subprocess.TimeoutExpired:
    p.kill()
    print("did not stop")
EOF
interrupt() { python3 "$T/send_signal.py" "$@"; }

# one_line NAME WANT: stderr is exactly that line, no SimGrid backtrace
one_line() {
	expect "$1: one line on stderr" "$2" "$(cat "$T/err")"
	expect "$1: no backtrace, nothing CRITICAL" 0 "$(grep -c 'Backtrace\|CRITICAL' "$T/err")"
}
# nothing_left NAME DIR: no temp file and no report in DIR
nothing_left() {
	expect "$1: no temp file, no report" "" "$(find "$2" -name '*.tmp.*' -o -name 'report.json' 2>/dev/null)"
}

cat >"$T/wl.json" <<EOF
{"workload": {"kind": "zipf", "streams": 4, "size": "64M", "accesses": 20000000, "alpha": 0.9,
  "write": 0.3, "memcgs": 1, "max": "32M", "content": "$REPO/traces/bundled/corpus.pages"},
 "report": {"progress": false}}
EOF
cat >"$T/sg.json" <<EOF
{"workload": {"kind": "zipf", "streams": 16, "size": "32M", "accesses": 2000000, "alpha": 0.9,
  "write": 0.3, "memcgs": 1, "max": "256M", "content": "$REPO/traces/bundled/corpus.pages"},
 "hw": {"cpu": {"cores": 8}}, "timing": {"backend": "simgrid"}, "report": {"progress": false}}
EOF

# --- none backend ----------------------------------------------------------------
expect "run (none), SIGINT: exit 130" 130 "$(interrupt INT cpu:0.3 "$T/err" "$BIN" run "$T/wl.json" -o "$T/a/report.json")"
one_line "run (none), SIGINT" "zswapsim: interrupted (SIGINT): nothing written"
nothing_left "run (none), SIGINT" "$T/a"
expect "run (none), SIGTERM: exit 143" 143 "$(interrupt TERM cpu:0.3 "$T/err" "$BIN" run "$T/wl.json" -o "$T/a/report.json")"
one_line "run (none), SIGTERM" "zswapsim: interrupted (SIGTERM): nothing written"
nothing_left "run (none), SIGTERM" "$T/a"

# --- simgrid -----------------------------------------------------------------------
expect "run (simgrid), SIGINT in an actor: exit 130, not 134" 130 \
	"$(interrupt INT maps:libsimgrid+cpu:0.3 "$T/err" "$BIN" run "$T/sg.json" -o "$T/b/report.json")"
one_line "run (simgrid), SIGINT" "zswapsim: interrupted (SIGINT): nothing written"
nothing_left "run (simgrid), SIGINT" "$T/b"
expect "run (simgrid), SIGINT ignored at the start stays ignored after SimGrid's init; SIGTERM ends it" 143 \
	"$(interrupt ignored-INT maps:libsimgrid+cpu:0.3 "$T/err" "$BIN" run "$T/sg.json" -o "$T/b/report.json")"
one_line "run (simgrid), SIGTERM" "zswapsim: interrupted (SIGTERM): nothing written"

# --- trace gen, the temp file half written -------------------------------------------
mkdir -p "$T/g"
expect "trace gen, SIGHUP mid-write: exit 129" 129 \
	"$(interrupt HUP "tmp:$T/g" "$T/err" "$BIN" trace gen zipf --size 256M --accesses $gen_accesses --quiet \
		--content "$REPO/traces/bundled/corpus.pages" -o "$T/g/t.zswt")"
one_line "trace gen, SIGHUP" "zswapsim: interrupted (SIGHUP): nothing written"
expect "trace gen, SIGHUP: no trace, no page store, no temp file" "" "$(ls -A "$T/g")"

# --- the report's own write: at its fsync (pending) and at its rename ---------------------
cat >"$T/shim.c" <<'EOF'
/* $SHIM_AT (fsync or rename) of a report.json temp file first sends the
 * process SIGINT */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
static int at(const char *what)
{
	const char *want = getenv("SHIM_AT");
	return want && !strcmp(want, what);
}
int fsync(int fd)
{
	static int (*real)(int);
	char link[64], path[4096];
	ssize_t n;
	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	path[n > 0 ? n : 0] = 0;
	if (at("fsync") && strstr(path, "/report.json.tmp."))
		raise(SIGINT);
	return real(fd);
}
int rename(const char *from, const char *to)
{
	static int (*real)(const char *, const char *);
	if (!real)
		real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	if (at("rename") && strstr(from, "/report.json.tmp."))
		raise(SIGINT);
	return real(from, to);
}
EOF
if ${CC:-cc} -shared -fPIC -o "$T/shim.so" "$T/shim.c" -ldl 2>"$T/err"; then
	shim() {   # AT OUT: a short run with the shim
		SHIM_AT=$1 LD_PRELOAD="$T/shim.so" ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
			"$BIN" run "$T/wl.json" --set workload.accesses=20000 -q -o "$2" 2>"$T/err"
	}
	shim fsync "$T/c/report.json"
	expect "SIGINT at the report's fsync: exit 130" 130 $?
	one_line "SIGINT at the report's fsync" "zswapsim: interrupted (SIGINT): nothing written"
	nothing_left "SIGINT at the report's fsync: the pending temp file removed" "$T/c"
	shim rename "$T/d/report.json"
	expect "SIGINT at the report's rename: exit 130" 130 $?
	one_line "SIGINT at the report's rename" "zswapsim: interrupted (SIGINT): 1 file written before it, nothing else"
	expect "... the completed rename stands: a whole report, no temp file" "report.json 1" \
		"$(ls -A "$T/d" | tr '\n' ' ' | sed 's/ $//') $(jq -r '.workload.accesses > 0' "$T/d/report.json" | grep -c true)"
else
	fail "cannot build the LD_PRELOAD shim"; cat "$T/err"
fi

# --- sweep -j 2: the points stop, nothing half written, a rerun resumes -------------------
cat >"$T/sweep.json" <<EOF
{"base": "$T/wl.json", "set": {"workload.accesses": $point_accesses},
 "axes": [{"key": "workload.seed", "values": [1, 2, 3, 4]}],
 "metrics": ["stats.global.zswpout"]}
EOF
expect "sweep -j 2, SIGINT while two points run: exit 130" 130 \
	"$(interrupt INT childcpu:0.2 "$T/err" "$BIN" sweep "$T/sweep.json" -j 2 -o "$T/s")"
done_n=$(find "$T/s/points" -name report.json | wc -l)
expect "sweep, SIGINT: one line saying how many points are done" \
	"zswapsim: interrupted (SIGINT): $done_n of 4 points done, summary in $T/s/summary.json; rerun the sweep to resume" \
	"$(grep interrupted "$T/err")"
expect "sweep, SIGINT: no backtrace, nothing CRITICAL" 0 "$(grep -c 'Backtrace\|CRITICAL' "$T/err")"
expect "sweep, SIGINT: no temp file anywhere" "" "$(find "$T/s" -name '*.tmp.*')"
expect "sweep, SIGINT: an interrupted point says so in its stderr.txt" yes \
	"$(grep -qx 'zswapsim: interrupted (SIGINT): nothing written' "$T"/s/points/*/stderr.txt && echo yes)"
"$BIN" sweep "$T/sweep.json" -j 2 -o "$T/s" >"$T/out" 2>"$T/err"
expect "the rerun completes the sweep (exit 0)" 0 $?
expect "... running only the points not done" \
	"sweep: 4 points: $((4 - done_n)) run, $done_n skipped (already done), 0 failed; summary in $T/s/summary.json" \
	"$(cat "$T/out")"

# --- sweep with trace_gen, SIGTERM to the sweep alone while it generates a trace -----------
# (a kill aimed at the sweep, not at the terminal's process group: the
# generator gets the signal only from the sweep)
cat >"$T/gsweep.json" <<EOF
{"base": "$REPO/configs/experiments/writeback.json",
 "trace_gen": {"kind": "zipf", "options": {"streams": 4, "size": "256M", "accesses": $gen_accesses,
   "alpha": 0.9, "content": "$REPO/traces/bundled/writeback.pages", "max-pages": 128}},
 "axes": [{"key": "trace_gen.seed", "values": [1, 2]}], "metrics": ["stats.global.zswpout"]}
EOF
expect "sweep, SIGTERM while a point's trace is generated: exit 143" 143 \
	"$(interrupt TERM childcpu:0.2 "$T/err" "$BIN" sweep "$T/gsweep.json" -o "$T/gs")"
one_line "sweep, SIGTERM while generating" \
	"zswapsim: interrupted (SIGTERM) while preparing the points: nothing run"
expect "sweep, SIGTERM while generating: the generator stopped too" "" \
	"$(pgrep -f "trace gen zipf.*$T/gs" || true)"
expect "sweep, SIGTERM while generating: no scratch directory or trace left" "" \
	"$(find "$T/gs" -mindepth 2 2>/dev/null)"

[ "$fails" -eq 0 ]
