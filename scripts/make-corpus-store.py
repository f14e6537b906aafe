#!/usr/bin/env python3
"""Build traces/bundled/corpus.pages, the small real-content page store that
ships with the repository, from the anonymous-memory page corpus.

Usage: scripts/make-corpus-store.py CORPUS_DIR OUT.pages

Per program (python, gcc, sqlite, redis, node, sort, postgres, in that order),
RUNS runs of RUN consecutive corpus pages at seeded random, non-overlapping
starts (random.Random(1)), so a folio of up to RUN pages drawn from the store
(order 4) gets neighbouring pages of one program, as the corpus holds them.
Every page is a real page of one of the seven programs: nothing generated.
Deterministic: the same corpus gives a byte-identical file.
"""
import os
import random
import sys
import tempfile

CORPORA = ["python", "gcc", "sqlite", "redis", "node", "sort", "postgres"]
PAGE = 4096
RUN = 16
RUNS = 2


def write_atomic(path, data):
    """Write data to path through a new temp file of its directory (mkstemp:
    exclusive, unpredictable name), fsync, then rename: never half a file."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main():
    if len(sys.argv) != 3:
        print("usage: scripts/make-corpus-store.py CORPUS_DIR OUT.pages", file=sys.stderr)
        sys.exit(2)
    src, out = sys.argv[1], sys.argv[2]
    rng = random.Random(1)
    chunks = []
    for c in CORPORA:
        data = open(os.path.join(src, c + ".pages"), "rb").read()
        npages = len(data) // PAGE
        # RUNS distinct run slots out of the whole runs that fit
        for r in sorted(rng.sample(range(npages // RUN), RUNS)):
            start = r * RUN
            chunks.append(data[start * PAGE:(start + RUN) * PAGE])
            print(f"{c}: pages {start}..{start + RUN - 1}")
    write_atomic(out, b"".join(chunks))
    print(f"{out}: {len(chunks) * RUN} pages, {len(chunks) * RUN * PAGE} bytes")


try:
    main()
except OSError as e:
    print(f"make-corpus-store: {e.filename}: {e.strerror}", file=sys.stderr)
    sys.exit(2)
