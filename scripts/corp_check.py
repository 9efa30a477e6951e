"""Checks hindsight's CORP decomposition against an independent implementation.

Generates several random ledgers, imports each into a fresh ledger file, and compares
`hindsight report --format json` (per forecaster: corp.brier and corp.log_loss, each
mcb, dsc, unc) with `model_diagnostics.scoring.decompose` (miscalibration,
discrimination, uncertainty) under SquaredError and LogLoss, on the same forecasts,
outcomes and weights. Prints the largest absolute difference.

Under `latest` each pair has one forecast (weight 1). Under `time-avg` each pair has
two forecasts, and hindsight weighs each by the days it stood, from the first forecast's
day to the cutoff day (the resolved-on day), both included: the weights are computed
here from the same rule and handed to `decompose` as case weights.

Forecasts stay within [0.01, 0.99] so that log loss's clamping to [0.001, 0.999] never
applies; both sides then score the same numbers. Usage (scripts/corp-check.sh sets up
the environment): python3 scripts/corp_check.py /path/to/hindsight
"""

import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile

import numpy as np
from model_diagnostics.scoring import LogLoss, SquaredError, decompose

START = dt.date(2025, 1, 1)
RESOLVED = 320  # day index of every resolution (the cutoff day)


def day(i):
    return START + dt.timedelta(days=i)


def stamp(i):
    return f"{day(i).isoformat()}T12:00:00Z"


def ledger(seed, n_claims, n_forecasters, two_forecasts):
    """JSONL lines and, per forecaster, (outcomes, forecasts, weights)."""
    rng = random.Random(seed)
    lines, cases = [], {}
    skill = [rng.uniform(0.0, 0.35) for _ in range(n_forecasters)]
    for c in range(n_claims):
        truth = rng.random()
        yes = rng.random() < truth
        lines.append({"type": "claim", "key": f"c{c}", "statement": f"Claim {c}",
                      "resolve_by": "2026-01-01"})
        for f in range(n_forecasters):
            if rng.random() < 0.3:
                continue
            name = f"f{f}"

            def draw():
                # Half the forecasters think in whole percents (many ties), half not.
                p = min(0.99, max(0.01, truth + rng.gauss(0, skill[f])))
                return round(p, 2) if f % 2 == 0 else p

            d1 = rng.randrange(0, 150)
            made = [(d1, draw())]
            if two_forecasts:
                made.append((rng.randrange(d1 + 1, 300), draw()))
            for d, p in made:
                lines.append({"type": "forecast", "claim": f"c{c}", "forecaster": name,
                              "p": p, "made_at": stamp(d)})
            span = RESOLVED - d1 + 1
            if two_forecasts:
                (da, pa), (db, pb) = made
                ws = [((db - da) / span, pa), ((RESOLVED - db + 1) / span, pb)]
            else:
                ws = [(1.0, made[0][1])]
            o, p, w = cases.setdefault(name, ([], [], []))
            for weight, prob in ws:
                o.append(1.0 if yes else 0.0)
                p.append(prob)
                w.append(weight)
        lines.append({"type": "resolution", "claim": f"c{c}",
                      "outcome": "yes" if yes else "no",
                      "resolved_on": day(RESOLVED).isoformat()})
    return lines, cases


def hindsight(binary, db, *args):
    env = dict(os.environ, HINDSIGHT_NOW="2026-06-01T12:00:00Z", NO_COLOR="1")
    env.pop("HINDSIGHT_DB", None)
    out = subprocess.run([binary, "--db", db, *args], env=env, check=True,
                         capture_output=True, text=True)
    return out.stdout


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/debug/hindsight"
    worst, compared = 0.0, 0
    for seed, n_claims, n_forecasters in [(1, 60, 3), (2, 300, 5), (3, 1000, 4),
                                          (4, 25, 6), (5, 3000, 2)]:
        for rule, two in [("latest", False), ("time-avg", True)]:
            lines, cases = ledger(seed, n_claims, n_forecasters, two)
            with tempfile.TemporaryDirectory() as tmp:
                path = os.path.join(tmp, "ledger.jsonl")
                with open(path, "w") as fh:
                    fh.write("\n".join(json.dumps(x) for x in lines) + "\n")
                db = os.path.join(tmp, "ledger.db")
                hindsight(binary, db, "import", path)
                report = json.loads(hindsight(binary, db, "report", "--format", "json",
                                              "--rule", rule, "--resamples", "0"))
            groups = {g["key"]: g for g in report["groups"]}
            for name, (o, p, w) in cases.items():
                corp = groups[name]["corp"]
                for label, fn in [("brier", SquaredError()), ("log_loss", LogLoss())]:
                    d = decompose(np.array(o), np.array(p), weights=np.array(w),
                                  scoring_function=fn)
                    theirs = {"mcb": d["miscalibration"][0], "dsc": d["discrimination"][0],
                              "unc": d["uncertainty"][0]}
                    for part, value in theirs.items():
                        diff = abs(corp[label][part] - value)
                        compared += 1
                        if diff > worst:
                            worst = diff
                        if diff > 1e-9:
                            print(f"seed {seed} {rule} {name} {label} {part}: hindsight "
                                  f"{corp[label][part]!r} model-diagnostics {value!r}")
    print(f"compared {compared} numbers on 10 ledgers; largest difference {worst:.3e}")
    return 0 if worst <= 1e-9 else 1


if __name__ == "__main__":
    sys.exit(main())
