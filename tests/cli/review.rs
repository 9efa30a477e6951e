//! `review` for real: the binary on a pseudo-terminal (rexpect), typed at like a person.

use std::process::Stdio;

use rexpect::session::{spawn_command, PtySession};

use crate::common::Env;

/// How long one expected prompt may take to appear before the test fails: a bound on a
/// hang, not a timing the test depends on.
const PATIENCE_MS: u64 = 60_000;

const PROMPT: &str = "[q]uit: ";
const EXTRA: &str = "evidence URL and/or note";

/// `review` on a pseudo-terminal: stdin, stdout and stderr all on it, as in a terminal.
fn spawn_review(env: &Env) -> PtySession {
    let mut cmd = env.std_cmd();
    cmd.arg("review")
        .env("TERM", "dumb")
        .stdin(Stdio::inherit())
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit());
    spawn_command(cmd, Some(PATIENCE_MS)).expect("spawns on a pty")
}

/// Waits for `prompt`, then types `reply` and Enter.
fn answer(p: &mut PtySession, prompt: &str, reply: &str) {
    p.exp_string(prompt)
        .unwrap_or_else(|e| panic!("waiting for {prompt:?}: {e}"));
    p.send_line(reply).unwrap();
}

#[test]
fn review_resolves_three_skips_one_and_quits() {
    let env = Env::new();
    // Five due claims, oldest deadline first, and one that is not due.
    for (key, by) in [
        ("k1", "2026-10-01"),
        ("k2", "2026-10-02"),
        ("k3", "2026-10-03"),
        ("k4", "2026-10-04"),
        ("k5", "2026-10-05"),
        ("later", "2027-06-01"),
    ] {
        env.ok(&[
            "add",
            &format!("Claim {key} holds"),
            "--by",
            by,
            "--key",
            key,
            "--criteria",
            &format!("criteria of {key}"),
            "--p",
            "1 in 4",
        ]);
    }
    let mut p = spawn_review(&env);

    // k1: yes, with evidence and a note; the claim's details come first.
    p.exp_string("1/5").unwrap();
    p.exp_string("Claim k1 holds").unwrap();
    p.exp_string("criteria of k1").unwrap();
    p.exp_string("25%").unwrap();
    answer(&mut p, PROMPT, "y");
    answer(&mut p, EXTRA, "https://example.org/k1 as announced");
    p.exp_string("resolved: k1 yes on 2026-11-28").unwrap();

    // k2: skipped.
    p.exp_string("2/5").unwrap();
    answer(&mut p, PROMPT, "s");

    // k3: a typo is asked again, then no, without evidence.
    p.exp_string("3/5").unwrap();
    answer(&mut p, PROMPT, "maybe");
    p.exp_string("'maybe' is not an answer").unwrap();
    answer(&mut p, PROMPT, "n");
    answer(&mut p, EXTRA, "");
    p.exp_string("resolved: k3 no").unwrap();

    // k4: annulled, with a note only.
    p.exp_string("4/5").unwrap();
    answer(&mut p, PROMPT, "x");
    answer(&mut p, EXTRA, "question withdrawn");
    p.exp_string("resolved: k4 annulled").unwrap();

    // k5: quit.
    p.exp_string("5/5").unwrap();
    answer(&mut p, PROMPT, "q");
    p.exp_string("3 resolved, 0 postponed, 1 skipped").unwrap();
    p.exp_eof().unwrap();
    let status = p.process().wait().unwrap();
    assert!(
        matches!(status, rexpect::process::WaitStatus::Exited(_, 0)),
        "{status:?}"
    );

    // The ledger: three resolutions, as answered; k2 and k5 still open and due.
    let k1 = env.json(&["show", "k1", "--json"]);
    assert_eq!(k1["resolutions"][0]["outcome"], "yes");
    assert_eq!(k1["resolutions"][0]["evidence"], "https://example.org/k1");
    assert_eq!(k1["resolutions"][0]["note"], "as announced");
    let k3 = env.json(&["show", "k3", "--json"]);
    assert_eq!(k3["resolutions"][0]["outcome"], "no");
    assert_eq!(k3["resolutions"][0]["evidence"], serde_json::Value::Null);
    let k4 = env.json(&["show", "k4", "--json"]);
    assert_eq!(k4["resolutions"][0]["outcome"], "annulled");
    assert_eq!(k4["resolutions"][0]["note"], "question withdrawn");
    for open in ["k2", "k5", "later"] {
        let c = env.json(&["show", open, "--json"]);
        assert_eq!(c["resolutions"], serde_json::json!([]), "{open}");
    }
    let out = env.cmd().arg("due").output().unwrap();
    assert_eq!(out.status.code(), Some(10));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);

    // Its history: the three resolutions are the newest events, in the order answered,
    // and the chain verifies.
    let log = env.json(&["log", "--json", "--limit", "3"]);
    let got: Vec<(&str, &str)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), e["key"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            ("resolution", "k4"),
            ("resolution", "k3"),
            ("resolution", "k1")
        ]
    );
    assert!(env.ok(&["verify"]).starts_with("ok: 15 events"));
}

#[test]
fn review_postpones_and_refuses_a_date_that_is_not_later() {
    let env = Env::new();
    env.ok(&["add", "Claim one", "--by", "2026-11-01", "--key", "k1"]);
    let mut p = spawn_review(&env);
    answer(&mut p, PROMPT, "p");
    answer(&mut p, "new resolve-by date", "2026-11-15");
    answer(&mut p, "note", "");
    p.exp_string("not postponed: --to: invalid value '2026-11-15'")
        .unwrap();
    answer(&mut p, PROMPT, "p");
    answer(&mut p, "new resolve-by date", "+1m");
    answer(&mut p, "note", "results delayed");
    p.exp_string("postponed: k1 to 2026-12-28 (was 2026-11-01")
        .unwrap();
    p.exp_string("0 resolved, 1 postponed, 0 skipped").unwrap();
    p.exp_eof().unwrap();
    let log = env.json(&["log", "k1", "--json", "--limit", "1"]);
    assert_eq!(log[0]["summary"], "postponed to 2026-12-28");
    assert_eq!(log[0]["record"]["note"], "results delayed");
}

#[test]
fn review_without_a_terminal_points_to_resolve() {
    let env = Env::new();
    env.ok(&["add", "Claim one", "--by", "2026-11-01"]);
    let before = env.dump();
    let err = env.fails(&["review"], 1);
    assert!(
        err.contains("standard input is not a terminal")
            && err.contains("hindsight resolve KEY OUTCOME"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
    assert_eq!(before, env.dump());
}
