#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Per-cell medians of several runs of a table-printing benchmark (metadata_bench, grpc_bench):
# rows are keyed by their first two columns; every other numeric column is replaced by its median
# over the runs, in the order the rows first appear. Usage: median_table.py run1.txt run2.txt ...
import statistics
import sys

header = None
order = []
cells = {}
for path in sys.argv[1:]:
    for line in open(path):
        tokens = line.split()
        if not tokens or line.startswith("#") or line.startswith("["):
            continue
        if header is None and not tokens[0][0].isdigit() and tokens[0] in ("threads", "server"):
            header = tokens
            continue
        if tokens[0] in ("threads", "server"):
            continue
        key = (tokens[0], tokens[1])
        values = []
        for t in tokens[2:len(header) if header else None]:
            try:
                values.append(float(t.rstrip("x")))
            except ValueError:
                values.append(None)
        if key not in cells:
            order.append(key)
            cells[key] = []
        cells[key].append(values)

print("# median of %d runs: %s" % (len(sys.argv) - 1, " ".join(sys.argv[1:])))
print(" ".join("%12s" % h for h in header[:3] + [header[2] + "_min", header[2] + "_max"] + header[3:]))
for key in order:
    runs = cells[key]
    out = ["%12s" % key[0], "%12s" % key[1]]
    first = [r[0] for r in runs if r and r[0] is not None]
    if not first:
        continue
    for i in range(len(runs[0])):
        if i == 1:
            out.append("%12.0f" % min(first))
            out.append("%12.0f" % max(first))
        col = [r[i] for r in runs if i < len(r) and r[i] is not None]
        if not col:
            out.append("%12s" % "-")
            continue
        m = statistics.median(col)
        out.append("%12.3f" % m if abs(m) < 10 else "%12.0f" % m)
    print(" ".join(out))
