#!/usr/bin/env python3
"""Times one hindsight command N times (default 7) and prints the best and the median
wall time in ms: for point commands, where /usr/bin/time's hundredths are too coarse.

    bench/point_latency.py [-n 7] -- target/release/hindsight --db LEDGER show KEY
"""
import subprocess
import sys
import time

args = sys.argv[1:]
n = 7
if args[:1] == ["-n"]:
    n, args = int(args[1]), args[2:]
if args[:1] == ["--"]:
    args = args[1:]
times = []
for _ in range(n):
    t0 = time.perf_counter()
    subprocess.run(args, stdout=subprocess.DEVNULL, check=True)
    times.append(time.perf_counter() - t0)
times.sort()
print(f"best {times[0] * 1000:.1f} ms, median {times[len(times) // 2] * 1000:.1f} ms over {n} runs")
