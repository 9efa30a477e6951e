//! hindsight: a claim-tracking forecasting ledger.
//!
//! The crate is a functional core with an imperative shell: `domain`, `score` and
//! `extract` are pure; `store` alone speaks SQL; `ledger` applies the domain rules to
//! stored records; `cmd`, `cli` and `render` are the command-line edge. See ARCHITECTURE.md.

pub mod chart;
pub mod cli;
pub mod clock;
pub mod cmd;
pub mod domain;
pub mod error;
pub mod extract;
pub mod interchange;
pub mod ledger;
pub mod paths;
pub mod render;
pub mod report;
pub mod score;
pub mod store;
