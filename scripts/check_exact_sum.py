#!/usr/bin/env python3
"""Holds hindsight's exact summation (src/score/exact.rs), which sums a report group's
coverage, baseline, peer and relative Brier scores, against Python's math.fsum, an
independent implementation of the correctly rounded sum.

    cargo build --release --example exact_sum
    scripts/check_exact_sum.py target/release/examples/exact_sum [CASES]

It writes CASES lines (default 20000) of random numbers: scores as a report sums them
(baseline and peer values of a thousand pairs), values spread over many magnitudes with
cancellation, half-way cases around 2**53, and repeated values; it pipes them through
the example and compares every sum bit for bit. It prints the number of cases, how many
differ and the largest difference in units in the last place, and exits 1 if any differ.
"""

import math
import random
import struct
import subprocess
import sys


def bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def ulps(a, b):
    if a == b:
        return 0
    return abs(bits(a) - bits(b)) if (a < 0) == (b < 0) else float("inf")


def case(rng):
    kind = rng.randrange(5)
    n = rng.randrange(0, 1200)
    if kind == 0:  # baseline-like: 100 (log2 p_o + 1), p_o in [0.001, 0.999]
        return [100 * (math.log2(rng.uniform(0.001, 0.999)) + 1) for _ in range(n)]
    if kind == 1:  # peer-like: differences of logs, both signs
        return [100 * (math.log(rng.uniform(0.001, 0.999)) - math.log(rng.uniform(0.001, 0.999)))
                for _ in range(n)]
    if kind == 2:  # many magnitudes, cancelling
        xs = [rng.choice([-1, 1]) * 10 ** rng.uniform(-300, 300) for _ in range(n // 2)]
        xs += [-x for x in xs[: len(xs) // 2]]
        rng.shuffle(xs)
        return xs
    if kind == 3:  # half-way cases around 2**53
        big = 2.0 ** 53
        return [big, 1.0, rng.choice([1e-16, -1e-16, 0.0, 5e-17])] + [rng.choice([-1.0, 1.0]) * 2.0 ** -rng.randrange(60) for _ in range(rng.randrange(4))]
    return [rng.choice([0.1, 0.2, 0.7, -0.3, 1e16, -1e16, 0.0]) for _ in range(n)]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cases = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    rng = random.Random(14)
    lines = [case(rng) for _ in range(cases)]
    text = "".join(" ".join(repr(x) for x in xs) + "\n" for xs in lines)
    out = subprocess.run([sys.argv[1]], input=text, capture_output=True, text=True, check=True)
    got = out.stdout.split("\n")[:-1]
    if len(got) != cases:
        sys.exit(f"expected {cases} sums, got {len(got)}")
    differ, worst = 0, 0
    for xs, g in zip(lines, got):
        want = math.fsum(xs) if xs else None
        if g == "none" or want is None:
            if (g == "none") != (want is None):
                differ += 1
                worst = float("inf")
            continue
        mine = struct.unpack("<d", struct.pack("<Q", int(g, 16)))[0]
        # math.fsum gives +0.0 for an exact zero; a sum of -0.0 values is -0.0 in hindsight
        # (as when adding one by one): compare zeros by value.
        d = 0 if (mine == 0 and want == 0) else ulps(mine, want)
        if d:
            differ += 1
            worst = max(worst, d)
    print(f"{cases} sums compared with math.fsum: {differ} differ, largest difference {worst} ulp")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
