#!/usr/bin/env python3
"""What a user would otherwise do: score forecasters from `hindsight export --format csv`
with pandas (and scikit-learn as a cross-check), and check that hindsight agrees.

    baseline.py compute LEDGER.csv AS_OF OUT.json    # per-forecaster metrics, rule "latest"
    baseline.py check OUT.json REPORT.json           # compare with `hindsight report --format json`
    baseline.py join LEDGER.csv AS_OF JOINED.csv     # the counted pairs only: forecaster,p,outcome
    baseline.py joined JOINED.csv OUT.json           # the same metrics from that file alone

`joined` is the fastest thing a pandas user could do: the joining, the cutoffs and the choice
of the counted forecast are already done (by `join`, untimed), and only read_csv, groupby
means and the calibration bins are left.

The rules, as in src/score/status.rs, src/score/select.rs, src/score/metrics.rs and
src/report/mod.rs:
- a claim is scored when its current (latest recorded) resolution is yes or no and, if it
  has a condition, the condition's current resolution is yes;
- a forecast counts if made on or before the cutoff: the earlier of the end of the
  resolve-by day (23:59:59 UTC) and the start of the resolved-on day (00:00:00 UTC);
- of each forecaster's counted forecasts on a claim, the latest counts (the last recorded
  among equal times; the CSV lists a claim's forecasts by time, then recording order);
- Brier is (p - o)^2; log loss is -ln of the probability given to what happened, p clamped
  to [0.001, 0.999]; calibration has 10 equal bins, p in bin floor(10 p + 1e-9) (the last
  bin closed at 1), each with its count, mean p and observed frequency.
The CSV carries only each claim's current resolution, so the script requires every
resolution to be dated on or before AS_OF (the benchmark ledgers are) and then agrees with
a report as of that day.
"""

import json
import sys
import time

START = time.perf_counter()

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

BINS = 10
FLOOR = 0.001


def counted_pairs(csv_path, as_of):
    """One row per scored (claim, forecaster) pair: its counted p and outcome o."""
    cols = ["claim", "resolve_by", "condition", "forecaster", "p", "made_at", "outcome", "resolved_on"]
    # Only an empty cell is missing: a forecaster called "NA" stays a name.
    df = pd.read_csv(csv_path, usecols=cols, dtype=str, keep_default_na=False, na_values=[""])
    outcome_of = df.drop_duplicates("claim").set_index("claim")["outcome"]
    as_of = pd.Timestamp(as_of, tz="UTC")
    on = pd.to_datetime(df["resolved_on"], format="%Y-%m-%d", utc=True)
    if (on > as_of).any():
        sys.exit("baseline: a resolution is dated after the as-of day; the CSV cannot say what stood then")
    df = df[df["forecaster"].notna()].copy()
    df["p"] = df["p"].astype(float).clip(0.0, 1.0)
    # Times in the file are RFC 3339 UTC ("2015-05-26T09:30:00Z"); pandas' ISO 8601 path
    # reads them about ten times faster than an explicit format.
    made = pd.to_datetime(df["made_at"], format="ISO8601", utc=True)
    cond_outcome = df["condition"].map(outcome_of)
    scored = df["outcome"].isin(["yes", "no"]) & (df["condition"].isna() | (cond_outcome == "yes"))
    end_of_day = pd.Timedelta(hours=23, minutes=59, seconds=59)
    deadline = pd.to_datetime(df["resolve_by"], format="%Y-%m-%d", utc=True) + end_of_day
    cutoff = np.minimum(deadline, pd.to_datetime(df["resolved_on"], format="%Y-%m-%d", utc=True))
    horizon = as_of + end_of_day
    keep = scored & (made <= cutoff) & (made <= horizon)
    df = df[keep].assign(made=made[keep])
    # Latest per (claim, forecaster); a stable sort keeps recording order among equal times.
    df = df.sort_values("made", kind="stable").drop_duplicates(["claim", "forecaster"], keep="last")
    return df.assign(o=(df["outcome"] == "yes").to_numpy(dtype=float))[["forecaster", "p", "o"]]


def metrics(df, out_path, cross_check=True):
    o = df["o"].to_numpy(dtype=float)
    p = df["p"].to_numpy()
    q = np.clip(p, FLOOR, 1 - FLOOR)
    df = df.assign(
        o=o,
        brier=(p - o) ** 2,
        log=-np.log(np.where(o == 1.0, q, 1 - q)),
        bin=np.minimum(np.floor(p * BINS + 1e-9), BINS - 1).astype(int),
    )
    # scikit-learn on the pooled pairs, as a check on the formulas above.
    if cross_check and len(df):
        # Imported here: the joined mode measures pandas alone.
        from sklearn.metrics import brier_score_loss, log_loss

        assert abs(brier_score_loss(o, p) - df["brier"].mean()) < 1e-9
        assert abs(log_loss(o, q, labels=[0.0, 1.0]) - df["log"].mean()) < 1e-9
    per = df.groupby("forecaster").agg(n=("p", "size"), brier=("brier", "mean"), log_loss=("log", "mean"))
    cal = df.groupby(["forecaster", "bin"]).agg(n=("p", "size"), mean_p=("p", "mean"), freq=("o", "mean"))
    out = {}
    for name, n, brier, log in per.itertuples():
        bins = [{"n": 0, "mean_p": None, "freq": None} for _ in range(BINS)]
        out[name] = {"n": int(n), "brier": float(brier), "log_loss": float(log), "calibration": bins}
    for (name, b), n, mean_p, freq in cal.itertuples():
        out[name]["calibration"][b] = {"n": int(n), "mean_p": float(mean_p), "freq": float(freq)}
    with open(out_path, "w") as f:
        json.dump(out, f)
    print(f"baseline: {len(out)} forecasters, {len(df)} scored pairs in {time.perf_counter() - START:.3f} s "
          "(after interpreter start)", file=sys.stderr)


def compute(csv_path, as_of, out_path):
    metrics(counted_pairs(csv_path, as_of), out_path)


def join(csv_path, as_of, joined_path):
    counted_pairs(csv_path, as_of).to_csv(joined_path, index=False)


def joined(joined_path, out_path):
    df = pd.read_csv(joined_path, dtype={"forecaster": str, "p": float, "o": float},
                     keep_default_na=False)
    metrics(df, out_path, cross_check=False)


def close(a, b, tol=1e-9):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol


def check(baseline_path, report_path):
    base = json.load(open(baseline_path))
    report = json.load(open(report_path))
    problems, worst, compared = [], 0.0, 0
    groups = {g["key"]: g for g in report["groups"]}
    for key, g in groups.items():
        if g["n"] == 0:
            if key in base:
                problems.append(f"{key}: hindsight scores nothing, the baseline {base[key]['n']} pairs")
            continue
        b = base.get(key)
        if b is None:
            problems.append(f"{key}: missing from the baseline")
            continue
        compared += 1
        if g["n"] != b["n"]:
            problems.append(f"{key}: n {g['n']} vs {b['n']}")
        pairs = [("brier", g["brier"], b["brier"]), ("log_loss", g["log_loss"], b["log_loss"])]
        for i, (hb, bb) in enumerate(zip(g["calibration"], b["calibration"])):
            if int(round(hb["n"])) != bb["n"]:
                problems.append(f"{key}: bin {i} n {hb['n']} vs {bb['n']}")
            pairs += [(f"bin {i} mean_p", hb["mean_p"], bb["mean_p"]), (f"bin {i} freq", hb["freq"], bb["freq"])]
        for what, x, y in pairs:
            if not close(x, y):
                problems.append(f"{key}: {what} {x} vs {y}")
            elif x is not None:
                worst = max(worst, abs(x - y))
    for key in base:
        if key not in groups:
            problems.append(f"{key}: in the baseline only")
    if problems:
        print("baseline DISAGREES with hindsight:\n  " + "\n  ".join(problems[:20]))
        sys.exit(1)
    print(f"baseline agrees with hindsight on {compared} forecasters (largest difference {worst:.2e}, tolerance 1e-9)")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "compute":
        compute(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 4 and sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "join":
        join(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 4 and sys.argv[1] == "joined":
        joined(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
