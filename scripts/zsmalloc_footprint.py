#!/usr/bin/env python3
"""zsmalloc footprint of compressed page sizes, independent of models/pool.c.

Usage: scripts/zsmalloc_footprint.py SIZES_TSV CHAIN COLUMN...

SIZES_TSV has a header row naming a `same_filled` column and one column per
compressor (shared/corpus/sizes.tsv, tests/data/corpus-sample.tsv).
Same-filled pages are skipped (they never reach zsmalloc); sizes >= 4096 are
stored raw as 4096-byte objects (zswap 6.18).  For each column it prints:
stored pages, raw bytes, bytes after class rounding with the 8-byte handle,
the fully packed footprint (sum of pages*4096/objs of each object's class)
and the pages of a fresh pool holding just these objects (zsmalloc's class
merging applied).  The expected values of tests/unit/test_pool.c come from
this script.
"""
import collections
import math
import sys


def class_table(chain):
    def chain_size(size):
        if size & (size - 1) == 0:
            return 1
        best, min_waste = 1, 1 << 30
        for i in range(1, chain + 1):
            waste = (i * 4096) % size
            if waste < min_waste:
                min_waste, best = waste, i
        return best

    table, prev = {}, None
    for i in range(254, -1, -1):
        size = min(4096, 32 + 16 * i)
        pages = chain_size(size)
        objs = pages * 4096 // size
        if prev and (prev[2], prev[3]) == (pages, objs):
            table[i] = prev
        else:
            table[i] = prev = (i, size, pages, objs)
    return table


def class_index(length):
    return min(254, max(0, -(-(length + 8 - 32) // 16)))


def main():
    path, chain, columns = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    rows = [line.rstrip("\n").split("\t") for line in open(path)]
    header, rows = rows[0], rows[1:]
    same = header.index("same_filled")
    table = class_table(chain)
    for col in columns:
        ci = header.index(col)
        lens = [min(4096, int(r[ci])) for r in rows if r[same] == "0"]
        raw = sum(lens)
        rounded = sum(min(4096, 32 + 16 * class_index(n)) for n in lens)
        packed = sum(table[class_index(n)][2] * 4096 / table[class_index(n)][3] for n in lens)
        per_class = collections.Counter(table[class_index(n)][0] for n in lens)
        pages = sum(math.ceil(k / table[c][3]) * table[c][2] for c, k in per_class.items())
        print(f"{col}\tchain {chain}\tstored {len(lens)}\traw {raw}\trounded {rounded} "
              f"({100 * (rounded / raw - 1):+.2f} %)\tpacked {packed:.1f} "
              f"({100 * (packed / raw - 1):+.2f} %)\tfresh pool {pages} pages")


main()
