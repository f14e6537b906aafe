#!/usr/bin/env python3
"""Build tests/data/corpus-sample.pages + .tsv from the shared page corpus.

Usage: scripts/make-corpus-sample.py CORPUS_DIR OUT_DIR

Per corpus, 8 pages spread over the lz4 compressed-size range (the pages at
the 0, 1/7, ..., 7/7 quantiles of lz4 size), with these forced in: a zero page
(python, gcc), a non-zero same-filled page (node), and every page that some
compressor cannot shrink below 4096 B (gcc 164, sqlite 827, node 1296).  The
last page of the sample repeats an earlier non-zero page, so the sample has
known duplicates.  The .tsv holds the matching rows of sizes.tsv, prefixed
with the page's index in the sample.
"""
import os
import sys

CORPORA = ["python", "gcc", "sqlite", "redis", "node", "sort", "postgres"]
FORCED = {("gcc", 164), ("sqlite", 827), ("node", 1296)}
PAGE = 4096


def write_atomic(path, data, mode):
    """Write data to path through a temp file + rename: never half a file."""
    tmp = f"{path}.tmp.{os.getpid()}"
    try:
        with open(tmp, mode) as f:
            f.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def main():
    if len(sys.argv) != 3:
        print("usage: scripts/make-corpus-sample.py CORPUS_DIR OUT_DIR", file=sys.stderr)
        sys.exit(2)
    src, out = sys.argv[1], sys.argv[2]
    with open(os.path.join(src, "sizes.tsv")) as f:
        header = f.readline().rstrip("\n").split("\t")
        rows = [line.rstrip("\n").split("\t") for line in f]
    lz4 = header.index("lz4")
    chosen = []
    for c in CORPORA:
        mine = [r for r in rows if r[0] == c]
        data = open(os.path.join(src, c + ".pages"), "rb").read()
        want = []
        for r in mine:
            if (c, int(r[1])) in FORCED:
                want.append(int(r[1]))
        if c in ("python", "gcc"):
            for r in mine:
                if r[2] == "1" and data[int(r[1]) * PAGE:(int(r[1]) + 1) * PAGE] == bytes(PAGE):
                    want.append(int(r[1]))
                    break
        if c == "node":
            for r in mine:
                pg = data[int(r[1]) * PAGE:(int(r[1]) + 1) * PAGE]
                if r[2] == "1" and pg != bytes(PAGE):
                    want.append(int(r[1]))
                    break
        ranked = sorted((int(r[lz4]), int(r[1])) for r in mine if r[2] == "0")
        q = 0
        while len(want) < 8:
            i = min(len(ranked) - 1, round(q * (len(ranked) - 1) / 7))
            if ranked[i][1] not in want:
                want.append(ranked[i][1])
            q += 1
            if q > 7:
                q = 0
                ranked = ranked[1:]
        byidx = {int(r[1]): r for r in mine}
        for p in sorted(want):
            chosen.append((byidx[p], data[p * PAGE:(p + 1) * PAGE]))
    # one explicit duplicate of a mid-size page
    chosen.append(chosen[3])
    write_atomic(os.path.join(out, "corpus-sample.pages"), b"".join(pg for _, pg in chosen), "wb")
    write_atomic(os.path.join(out, "corpus-sample.tsv"),
                 "sample\t" + "\t".join(header) + "\n" +
                 "".join(str(i) + "\t" + "\t".join(r) + "\n" for i, (r, _) in enumerate(chosen)),
                 "w")
    distinct = len({pg for _, pg in chosen})
    print(f"{len(chosen)} pages, {distinct} distinct, {len(chosen) * PAGE} bytes")


try:
    main()
except OSError as e:
    print(f"make-corpus-sample: {e.filename}: {e.strerror}", file=sys.stderr)
    sys.exit(2)
