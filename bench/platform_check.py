#!/usr/bin/env python3
"""An independent check of the platform scores (issue 12): baseline, peer, coverage, the
crowd (numpy's median and mean, scipy's geometric mean of odds) and the Brier score
relative to the crowd median, under `latest` and `time-avg`.

    platform_check.py HINDSIGHT_BINARY

It writes a random ledger (claims with an open/close window, forecasts on whole hours),
imports it into a temporary ledger, runs `hindsight report --format json`, and recomputes
every group's means by brute force: under time-avg, hour by hour over the window (the
forecasts only change on whole hours, so each hour's midpoint gives the exact integral).
It prints the largest absolute difference per metric and exits 1 if one exceeds 1e-6.

Definitions: Metaculus's Scores FAQ (https://www.metaculus.com/help/scores-faq/),
baseline = 100 (log2 p_o + 1), peer = 100 (ln p_o - mean of the others' ln p_o), p_o the
probability given to what happened clamped to [0.001, 0.999]; time-averaged over
[opens_at, cutoff], counting 0 while no forecast stands.
"""

import json
import math
import os
import random
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone

import numpy as np
from scipy.stats import gmean

FLOOR = 0.001
CROWDS = ["median", "mean", "geo-mean-odds"]


def clamp(p):
    return min(max(p, FLOOR), 1 - FLOOR)


def ln_o(p, yes):
    p = clamp(p)
    return math.log(p if yes else 1 - p)


def aggregate(kind, ps):
    if kind == "median":
        return float(np.median(ps))
    if kind == "mean":
        return float(np.mean(ps))
    odds = [clamp(p) / (1 - clamp(p)) for p in ps]
    g = float(gmean(odds))
    return g / (1 + g)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def ledger(seed):
    rng = random.Random(seed)
    t0 = datetime(2025, 1, 1, tzinfo=timezone.utc)
    lines, claims = [], []
    for c in range(12):
        opens = t0 + timedelta(hours=rng.randrange(0, 200))
        length = rng.randrange(24, 400)
        closes = opens + timedelta(hours=length)
        yes = rng.random() < 0.5
        key = f"c{c}"
        lines.append({"type": "claim", "key": key, "statement": f"Claim {c}",
                      "resolve_by": "2025-12-31", "opens_at": iso(opens), "closes_at": iso(closes),
                      "recorded_at": "2025-01-01T00:00:00Z"})
        fs = []
        for who in rng.sample(["ann", "bob", "cy", "dee", "eve"], rng.randrange(1, 6)):
            for _ in range(rng.randrange(1, 4)):
                # Some before the opening, some after the close (never counted).
                at = opens + timedelta(hours=rng.randrange(-10, length + 10))
                p = round(rng.random(), 3)
                fs.append((who, at, p))
        fs.sort(key=lambda f: f[1])
        for who, at, p in fs:
            lines.append({"type": "forecast", "claim": key, "forecaster": who, "p": p,
                          "made_at": iso(at), "recorded_at": "2025-12-31T00:00:00Z"})
        claims.append((key, opens, closes, yes, fs))
    for key, _, _, yes, _ in claims:
        lines.append({"type": "resolution", "claim": key, "outcome": "yes" if yes else "no",
                      "resolved_on": "2025-12-20", "recorded_at": "2025-12-20T00:00:00Z"})
    return lines, claims


def standing(fs, who, t):
    """The forecast of `who` standing at `t` (the last made at or before it)."""
    cur = None
    for w, at, p in fs:
        if w == who and at <= t:
            cur = p
    return cur


def expected(claims, rule):
    """Per forecaster: lists of per-pair (brier, baseline, peer, relative_brier, coverage)."""
    out = {}
    for key, opens, closes, yes, fs in claims:
        fs = [f for f in fs if f[1] <= closes]
        names = sorted({f[0] for f in fs})
        if not names:
            continue
        o = 1.0 if yes else 0.0
        if rule == "latest":
            spot = {n: standing(fs, n, closes) for n in names}
            crowd = {k: aggregate(k, list(spot.values())) for k in CROWDS}
            med_brier = (crowd["median"] - o) ** 2
            everyone = {**spot, **{f"crowd:{k}": v for k, v in crowd.items()}}
            for n, p in everyone.items():
                others = [spot[m] for m in names if m != n]
                peer = (100 * (ln_o(p, yes) - np.mean([ln_o(q, yes) for q in others]))
                        if others else None)
                brier = (p - o) ** 2
                base = 100 * (math.log2(clamp(p if yes else 1 - p)) + 1)
                out.setdefault(n, []).append((brier, base, peer, brier - med_brier, None))
            continue
        # time-avg: hour by hour over [opens, closes].
        hours = int((closes - opens).total_seconds() // 3600)
        acc = {}
        for h in range(hours):
            mid = opens + timedelta(hours=h, minutes=30)
            st = {n: standing(fs, n, mid) for n in names}
            st = {n: p for n, p in st.items() if p is not None}
            ps = list(st.values())
            if ps:
                for k in CROWDS:
                    st[f"crowd:{k}"] = aggregate(k, ps)
            for n, p in st.items():
                a = acc.setdefault(n, {"brier": 0.0, "base": 0.0, "peer": 0.0, "stood": 0})
                a["brier"] += (p - o) ** 2
                a["base"] += 100 * (math.log2(clamp(p if yes else 1 - p)) + 1)
                others = [st[m] for m in names if m != n and m in st]
                if others:
                    a["peer"] += 100 * (ln_o(p, yes) - np.mean([ln_o(q, yes) for q in others]))
                a["stood"] += 1
        med = acc["crowd:median"]["brier"] / acc["crowd:median"]["stood"]
        for n, a in acc.items():
            has_peer = any(m != n for m in names)
            brier = a["brier"] / a["stood"]
            out.setdefault(n, []).append((brier, a["base"] / hours,
                                          a["peer"] / hours if has_peer else None,
                                          brier - med, a["stood"] / hours))
    return out


def mean(xs):
    xs = [x for x in xs if x is not None]
    return sum(xs) / len(xs) if xs else None


def main():
    binary = os.path.abspath(sys.argv[1])
    worst = {}
    for seed in range(5):
        lines, claims = ledger(seed)
        with tempfile.TemporaryDirectory() as d:
            env = {**os.environ, "HINDSIGHT_DB": os.path.join(d, "l.db"),
                   "HINDSIGHT_NOW": "2026-01-01T00:00:00Z"}
            path = os.path.join(d, "in.jsonl")
            with open(path, "w") as f:
                f.write("\n".join(json.dumps(x) for x in lines) + "\n")
            subprocess.run([binary, "import", path], env=env, check=True, capture_output=True)
            for rule in ["latest", "time-avg"]:
                args = [binary, "report", "--format", "json", "--rule", rule]
                for k in CROWDS:
                    args += ["--crowd", k]
                report = json.loads(subprocess.run(args, env=env, check=True,
                                                   capture_output=True, text=True).stdout)
                want = expected(claims, rule)
                # A forecaster whose every forecast came after the close is counted as
                # late and never scored: nothing to compare.
                got = {g["key"]: g for g in report["groups"] if g["n"] > 0}
                assert sorted(got) == sorted(want), (sorted(got), sorted(want))
                for n, pairs in want.items():
                    cols = list(zip(*pairs))
                    for i, name in enumerate(["brier", "baseline", "peer", "relative_brier",
                                              "coverage"]):
                        w = mean(cols[i])
                        g = got[n][name]
                        if w is None or g is None:
                            assert w is None and g is None, (rule, n, name, w, g)
                            continue
                        d = abs(w - g)
                        worst[(rule, name)] = max(worst.get((rule, name), 0.0), d)
    bad = False
    for (rule, name), d in sorted(worst.items()):
        print(f"{rule:8} {name:15} largest difference {d:.3g}")
        bad |= d > 1e-6
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
