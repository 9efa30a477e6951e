//! Snapshots of stable human output: a change to these tables shows up as a diff to review.
//! Update with `INSTA_UPDATE=always cargo test --test cli snapshots` and read the diff.

use crate::common::Env;

#[test]
fn demo_output() {
    let env = Env::new();
    insta::assert_snapshot!("demo", env.ok(&["demo"]));
}

#[test]
fn show_and_list_output() {
    let env = Env::new();
    env.ok(&[
        "add",
        "The bridge reopens",
        "--key",
        "bridge",
        "--by",
        "2026-06-01",
        "--tag",
        "city",
        "--criteria",
        "Traffic flows both ways",
        "--p",
        "0.7",
        "--forecaster",
        "ana",
        "--at",
        "2026-01-10",
    ]);
    env.ok(&[
        "forecast",
        "bridge",
        "--p",
        "0.6",
        "--forecaster",
        "bob",
        "--at",
        "2026-11-27T09:00:00Z",
    ]);
    env.ok(&[
        "add",
        "The tunnel opens",
        "--key",
        "tunnel",
        "--by",
        "2027-06-01",
    ]);
    env.ok(&[
        "resolve",
        "bridge",
        "yes",
        "--on",
        "2026-06-01",
        "--evidence",
        "https://example.org/b",
    ]);
    insta::assert_snapshot!("list", env.ok(&["list"]));
    insta::assert_snapshot!("show", env.ok(&["show", "bridge"]));
}
