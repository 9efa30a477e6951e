//! Integration tests: the real binary on a temporary ledger, with the clock pinned.

mod bulk;
mod charts;
mod common;
mod corp;
mod correctness;
mod engines;
mod extract;
mod hostile;
mod interchange;
mod ledger;
mod platform;
mod reminders;
mod report;
mod review;
mod snapshots;
mod trust;

#[test]
fn every_test_file_is_wired_in() {
    let here = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cli");
    let listed = include_str!("main.rs");
    for entry in std::fs::read_dir(here).expect("tests/cli exists") {
        let name = entry
            .expect("dir entry")
            .file_name()
            .into_string()
            .expect("utf-8 name");
        if let Some(module) = name.strip_suffix(".rs") {
            if module != "main" {
                assert!(
                    listed.contains(&format!("mod {module};")),
                    "tests/cli/{name} is not declared in tests/cli/main.rs"
                );
            }
        }
    }
}
