#!/usr/bin/env python3
"""Drives `hindsight review` on a pseudo-terminal over a ledger of 20 due claims, answering
each as a user would ("y", Enter for no evidence), and reports the keystrokes typed and the
time the program took. Needs pexpect; not part of the test command.

    cargo build && python3 scripts/review-20.py [target/debug/hindsight]
"""
import os
import subprocess
import sys
import tempfile
import time

import pexpect

BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/debug/hindsight")
N = 20

with tempfile.TemporaryDirectory() as tmp:
    env = dict(os.environ, HINDSIGHT_DB=os.path.join(tmp, "ledger.db"),
               HINDSIGHT_NOW="2026-11-28T10:00:00Z", NO_COLOR="1", TERM="dumb")
    env.pop("HINDSIGHT_FORECASTER", None)
    for i in range(N):
        subprocess.run([BIN, "add", f"Claim number {i} comes true", "--by", f"2026-10-{i + 1:02d}",
                        "--criteria", "An official statement", "--p", "60%"],
                       env=env, check=True, capture_output=True)
    keys = 0
    child = pexpect.spawn(BIN, ["review"], env=env, encoding="utf-8", timeout=60)
    start = time.monotonic()
    for i in range(N):
        child.expect_exact("[q]uit: ")
        child.sendline("y")
        child.expect_exact("evidence URL and/or note")
        child.sendline("")
        keys += 3  # y, Enter, Enter
    child.expect_exact(f"{N} resolved")
    child.expect(pexpect.EOF)
    elapsed = time.monotonic() - start
    due = subprocess.run([BIN, "due"], env=env, capture_output=True)
    print(f"{N} claims resolved with {keys} keystrokes; the program's own time for the session: "
          f"{elapsed:.2f} s; `due` afterwards exits {due.returncode}")
