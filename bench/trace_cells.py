#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Counts traced events of the master process per metadata_bench cell.
# Usage:
#   perf record -k CLOCK_MONOTONIC -a -e syscalls:sys_enter_fdatasync \
#       -e syscalls:sys_enter_clone3 -o trace.data -- \
#       build/bin/metadata_bench --print_times ... > bench.txt
#   perf script -i trace.data -F pid,time,event > trace.txt
#   bench/trace_cells.py bench.txt trace.txt
# Prints, per cell, each event's count per operation (e.g. threads created per RPC, fdatasyncs per
# operation) for the master pid named in bench.txt ("# alluxio-master pid N ...").
import bisect
import collections
import re
import sys

bench, trace = sys.argv[1], sys.argv[2]
pid = None
cells = []
for line in open(bench):
    m = re.match(r"# alluxio-master pid (\d+)", line)
    if m:
        pid = m.group(1)
    m = re.match(r"# cell (\d+) (\S+) ([\d.]+) ([\d.]+) (\d+)", line)
    if m:
        cells.append((float(m.group(3)), float(m.group(4)), m.group(1), m.group(2), int(m.group(5))))
starts = [c[0] for c in cells]
counts = collections.defaultdict(collections.Counter)
events = set()
for line in open(trace):
    t = line.split()
    if len(t) < 3 or t[0] != pid:
        continue
    ts = float(t[1].rstrip(":"))
    ev = t[2].rstrip(":").split(":")[-1]
    i = bisect.bisect_right(starts, ts) - 1
    if i >= 0 and ts <= cells[i][1]:
        counts[i][ev] += 1
        events.add(ev)
events = sorted(events)
print("%-8s %-13s %9s %9s " % ("threads", "op", "ops", "ops/s") +
      " ".join("%16s" % (e + "/op") for e in events) + " " +
      " ".join("%14s" % (e + "/s") for e in events))
for i, (s, e, th, op, ops) in enumerate(cells):
    secs = e - s
    print("%-8s %-13s %9d %9.0f " % (th, op, ops, ops / secs) +
          " ".join("%16.3f" % (counts[i][ev] / max(ops, 1)) for ev in events) + " " +
          " ".join("%14.0f" % (counts[i][ev] / secs) for ev in events))
