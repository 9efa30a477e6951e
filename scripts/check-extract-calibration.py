#!/usr/bin/env python3
"""Checks extract's score calibration (src/extract/analyse.rs CALIBRATION) against scikit-learn.

The Rust test `extract::tests::score_is_calibrated` fits Platt's sigmoid P = 1/(1+exp(-(a*raw+b)))
by Newton's method with Platt's smoothed targets, (N+ + 1)/(N+ + 2) for real predictions and
1/(N- + 2) for the rest (J. Platt, 1999). Cross-entropy with soft targets equals a weighted
logistic regression where each point appears once as label 1 with weight t and once as label 0
with weight 1 - t, so scikit-learn's unpenalised (C = inf) LogisticRegression gives the same (a, b) through
an independent solver. Prints both fits and the largest difference.

Usage: python3 scripts/check-extract-calibration.py   (needs scikit-learn; runs cargo test)
"""
import re
import subprocess
import sys

from sklearn.linear_model import LogisticRegression

out = subprocess.run(
    ["cargo", "test", "--lib", "extract::tests::score_is_calibrated", "--", "--nocapture"],
    capture_output=True, text=True, check=True,
).stderr
data = [(float(x), int(y)) for x, y in re.findall(r"^calibration-data (\S+) (\d)$", out, re.M)]
rust = re.search(r"a = (\S+), b = (\S+)", out)
if not data or not rust:
    sys.exit("no calibration data in the test output")
pos = sum(y for _, y in data)
neg = len(data) - pos
t_pos, t_neg = (pos + 1) / (pos + 2), 1 / (neg + 2)
X, Y, W = [], [], []
for x, y in data:
    t = t_pos if y else t_neg
    X += [[x], [x]]
    Y += [1, 0]
    W += [t, 1 - t]
m = LogisticRegression(C=float("inf"), tol=1e-12, max_iter=10000).fit(X, Y, sample_weight=W)
a, b = m.coef_[0][0], m.intercept_[0]
ra, rb = float(rust.group(1)), float(rust.group(2))
print(f"{len(data)} candidates ({pos} real)")
print(f"scikit-learn: a = {a:.6f}, b = {b:.6f}")
print(f"hindsight:    a = {ra:.6f}, b = {rb:.6f}")
print(f"largest difference: {max(abs(a - ra), abs(b - rb)):.2e}")
