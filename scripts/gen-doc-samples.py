#!/usr/bin/env python3
"""Regenerate what the docs show of the tool's output (`make docs`), or check
that it is up to date (--check: tests/scenarios/docs.sh, in `make test`).

Two kinds of markers, in README.md and docs/*.md:

    <!-- sample: [SETUP ;;] COMMAND -->
    ```
    $ COMMAND (up to its first " | " or " > ": filters are not shown)
    what COMMAND prints (stdout and stderr)
    ```

    <!-- generated: COMMAND -->

    what COMMAND prints, as Markdown

    <!-- end generated -->

Commands run with bash in a scratch directory that links the repository's
build/, configs/, scripts/, tests/ and traces/, with BIN and a `zswapsim` on
PATH that are the binary given (default build/zswapsim); what they write to
out/ stays there.  SETUP runs first and is not shown.

  scripts/gen-doc-samples.py [--check] [--bin BIN] [FILE.md ...]

Exit status: 0 up to date (or rewritten), 1 out of date (--check), 2 a
malformed marker or a command that cannot run.
"""
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SAMPLE = re.compile(r"^<!-- sample: (.*) -->$")
GENERATED = re.compile(r"^<!-- generated: (.*) -->$")
END = "<!-- end generated -->"


class Bad(Exception):
    pass


def scratch(binary):
    """A directory that looks like the repository root, and the environment."""
    d = tempfile.mkdtemp(prefix="zswapsim-docs.")
    for name in ("build", "configs", "scripts", "tests", "traces", "docs"):
        os.symlink(os.path.join(ROOT, name), os.path.join(d, name))
    os.mkdir(os.path.join(d, "bin"))
    os.symlink(binary, os.path.join(d, "bin", "zswapsim"))
    env = dict(os.environ, BIN=binary, PATH=os.path.join(d, "bin") + os.pathsep + os.environ["PATH"],
               LC_ALL="C.UTF-8")
    return d, env


def run(command, cwd, env, where):
    setup, _, cmd = command.rpartition(";;")
    script = (setup + "\n" if setup.strip() else "") + cmd
    try:
        p = subprocess.run(["bash", "-c", script], cwd=cwd, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        raise Bad(f"{where}: '{cmd.strip()}' did not finish in 300 s")
    lines = [line.rstrip() for line in p.stdout.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    if not lines:
        raise Bad(f"{where}: '{cmd.strip()}' printed nothing (exit {p.returncode})")
    return cmd.strip(), lines


def regenerate(path, cwd, env):
    """The file's text with every marked block made again."""
    with open(path) as f:
        lines = f.read().split("\n")
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        where = f"{os.path.relpath(path, ROOT)}:{i}"
        m = SAMPLE.match(line)
        if m:
            if i >= len(lines) or not lines[i].startswith("```"):
                raise Bad(f"{where}: a sample marker must be followed by a ``` block")
            end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("```")), None)
            if end is None:
                raise Bad(f"{where}: the sample's ``` block is not closed")
            cmd, text = run(m.group(1), cwd, env, where)
            shown = re.split(r" [|>] ", cmd)[0]
            out += [lines[i], f"$ {shown}"] + text + [lines[end]]
            i = end + 1
            continue
        m = GENERATED.match(line)
        if m:
            end = next((j for j in range(i, len(lines)) if lines[j] == END), None)
            if end is None:
                raise Bad(f"{where}: no '{END}' after the generated marker")
            _, text = run(m.group(1), cwd, env, where)
            out += [""] + text + ["", END]   # blank lines: Markdown after an HTML comment
            i = end + 1
    return "\n".join(out)


def main(argv):
    check = "--check" in argv
    argv = [a for a in argv if a != "--check"]
    binary = os.path.join(ROOT, "build", "zswapsim")
    if argv[:1] == ["--bin"]:
        if len(argv) < 2:
            print("gen-doc-samples: --bin needs a binary", file=sys.stderr)
            return 2
        binary, argv = os.path.abspath(argv[1]), argv[2:]
    files = argv or [os.path.join(ROOT, "README.md")] + sorted(
        os.path.join(ROOT, "docs", f) for f in os.listdir(os.path.join(ROOT, "docs")) if f.endswith(".md"))
    if not os.access(binary, os.X_OK):
        print(f"gen-doc-samples: {binary}: not built (make)", file=sys.stderr)
        return 2
    cwd, env = scratch(binary)
    stale = 0
    try:
        for path in files:
            with open(path) as f:
                old = f.read()
            if "<!-- sample: " not in old and "<!-- generated: " not in old:
                continue
            new = regenerate(path, cwd, env)
            if new == old:
                continue
            rel = os.path.relpath(path, ROOT)
            if check:
                stale += 1
                print(f"{rel} is out of date: run 'make docs'")
                diff = difflib.unified_diff(old.split("\n"), new.split("\n"), rel, rel + " (now)",
                                            lineterm="", n=1)
                print("\n".join(list(diff)[:30]))
            else:
                tmp = f"{path}.tmp.{os.getpid()}"
                with open(tmp, "w") as f:
                    f.write(new)
                os.replace(tmp, path)
                print(f"gen-doc-samples: {rel} updated")
    except Bad as e:
        print(f"gen-doc-samples: {e}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(cwd)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
