#!/usr/bin/env python3
"""Compares two `hindsight report --format json` outputs field by field, for a before/after check of
a change that may move numbers in their last digits.

    compare_reports.py BEFORE.json AFTER.json

Everything but numbers must be equal (keys, group labels, counts, nulls); for each numeric field
it prints how many values differ and the largest relative difference |a - b| / max(|a|, 1e-300),
and, for values near zero, the two values of the largest absolute difference. Exits 1 if anything
but a number differs or a relative difference exceeds 1e-9.
"""

import json
import sys


def walk(a, b, path, numbers, other):
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            other.append(f"{path}: keys {sorted(a)} / {sorted(b)}")
            return
        for k in a:
            walk(a[k], b[k], f"{path}.{k}", numbers, other)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            other.append(f"{path}: {len(a)} / {len(b)} items")
            return
        for x, y in zip(a, b):
            walk(x, y, f"{path}[]", numbers, other)
    elif isinstance(a, float) and isinstance(b, (int, float)) or isinstance(b, float) and isinstance(a, (int, float)):
        if a != b:
            numbers.setdefault(path, []).append((a, b))
    elif a != b:
        other.append(f"{path}: {a!r} / {b!r}")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    before, after = (json.load(open(p)) for p in sys.argv[1:])
    numbers, other = {}, []
    walk(before, after, "", numbers, other)
    for line in other[:20]:
        print("differs:", line)
    worst = 0.0
    for path, pairs in sorted(numbers.items()):
        rel = max(abs(x - y) / max(abs(x), 1e-300) for x, y in pairs)
        a, b = max(pairs, key=lambda p: abs(p[0] - p[1]))
        print(f"{path}: {len(pairs)} differ, largest relative difference {rel:.3g} "
              f"(largest absolute: {a!r} / {b!r})")
        worst = max(worst, rel)
    if not numbers and not other:
        print("the same")
    sys.exit(1 if other or worst > 1e-9 else 0)


if __name__ == "__main__":
    main()
