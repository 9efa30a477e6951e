//! How a failure becomes an exit status. Each kind of failure has its own code (README
//! lists them), and the message is printed once, on one line, by `main`.

use crate::domain::InputError;
use crate::ledger::LedgerError;
use crate::store::StoreError;

/// Exit statuses (also in README).
pub mod code {
    pub const OK: i32 = 0;
    /// Input refused: a bad value, an unknown key, a rule of the ledger.
    pub const INPUT: i32 = 1;
    /// Usage error reported by the argument parser.
    pub const USAGE: i32 = 2;
    /// The database cannot be opened or used (not a database, too new, locked, I/O).
    pub const DATABASE: i32 = 3;
    /// `verify` found the ledger's history broken or the tables diverging from it.
    pub const TAMPERED: i32 = 4;
    /// `due` found claims that are due (not a failure: the answer, for scripts).
    pub const DUE: i32 = 10;
    /// A bug in hindsight.
    pub const INTERNAL: i32 = 70;
}

/// A refusal with a message of the caller's making (exit 1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// `verify` found a divergence (exit 4).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Tampered(pub String);

/// Whether the error chain ends in a closed pipe, which is not a failure: the reader
/// (`head`, a pager) simply stopped reading.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

pub fn exit_code(err: &anyhow::Error) -> i32 {
    for e in err.chain() {
        if e.is::<Tampered>() {
            return code::TAMPERED;
        }
        if e.is::<InputError>() || e.is::<Refused>() {
            return code::INPUT;
        }
        if let Some(l) = e.downcast_ref::<LedgerError>() {
            return match l {
                LedgerError::Store(_) => code::DATABASE,
                _ => code::INPUT,
            };
        }
        if e.is::<StoreError>() || e.is::<rusqlite::Error>() || e.is::<std::io::Error>() {
            return code::DATABASE;
        }
    }
    code::INTERNAL
}

/// The whole chain on one line: "what we were doing: why".
pub fn one_line(err: &anyhow::Error) -> String {
    format!("{err:#}").replace(['\n', '\r'], " ")
}
