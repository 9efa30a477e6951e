#!/usr/bin/env python3
"""Times 200,000 single-row inserts into an in-memory SQLite table whose text column is
checked three ways: `kind IN (…)` with five constants, the same as a chain of `=`, and no
check. SQLite evaluates an IN list of constants in a CHECK by building a small temporary
table on every insert; this shows what that costs (BENCHMARKS.md, issue 14).

    python3 bench/in_list_check.py
"""
import sqlite3
import time

KINDS = ("source", "claim", "forecast", "resolution", "postponement")
CHECKS = {
    "IN list": "kind IN (%s)" % ", ".join("'%s'" % k for k in KINDS),
    "chain of =": " OR ".join("kind = '%s'" % k for k in KINDS),
    "no check": "1",
}

for name, check in CHECKS.items():
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE TABLE e (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK (%s), "
        "payload TEXT, hash BLOB)" % check
    )
    start = time.perf_counter()
    db.execute("BEGIN")
    for i in range(200_000):
        db.execute("INSERT INTO e VALUES (?, ?, ?, ?)", (i + 1, "forecast", "x" * 80, b"y" * 32))
    db.execute("COMMIT")
    print(f"{name:12} {time.perf_counter() - start:.3f} s")
