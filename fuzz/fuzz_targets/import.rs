//! Whole files through the JSON Lines and CSV importers into a ledger in memory: never a
//! panic, and whatever an import accepts leaves a ledger that verifies.
#![no_main]

use hindsight::interchange::{self, Importer};
use hindsight::store::Store;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).expect("a real time");
    let mut store = Store::open_in_memory(now).expect("memory ledger");
    let mut importer = Importer::new(now);
    let result = store.write(|db| -> anyhow::Result<()> {
        let mut input = rest;
        if first % 2 == 0 {
            let bar = indicatif::ProgressBar::hidden();
            interchange::jsonl::import(db, &mut importer, &mut input, "fuzz", &bar)
        } else {
            interchange::csv::import(db, &mut importer, &mut input, "fuzz")
        }
    });
    if result.is_ok() {
        let verdict = store
            .read()
            .expect("a read snapshot")
            .verify()
            .expect("verify runs");
        assert_eq!(verdict.first, None);
    }
});
