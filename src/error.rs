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
    /// The ledger's database cannot be opened or used (not a database, too new, locked,
    /// read-only, disk full).
    pub const DATABASE: i32 = 3;
    /// `verify` found the ledger's history broken or the tables diverging from it.
    pub const TAMPERED: i32 = 4;
    /// Reading an input stream or writing the output failed (not the ledger itself):
    /// standard input unreadable, standard output or an output file unwritable.
    pub const IO: i32 = 5;
    /// `due` found claims that are due (not a failure: the answer, for scripts).
    pub const DUE: i32 = 10;
    /// A bug in hindsight.
    pub const INTERNAL: i32 = 70;
}

/// What kind of failure an error is; each kind has its exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Input,
    Database,
    Tampered,
    Io,
    Internal,
}

impl Kind {
    pub fn code(self) -> i32 {
        match self {
            Kind::Input => code::INPUT,
            Kind::Database => code::DATABASE,
            Kind::Tampered => code::TAMPERED,
            Kind::Io => code::IO,
            Kind::Internal => code::INTERNAL,
        }
    }
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

/// The kind of one error, if it is one of the types whose kind is known: each of the
/// crate's error types says what it is where it is defined. The ledger's store wraps
/// every failure of its own file in a `StoreError`, so a bare I/O error can only come
/// from another file or stream: input or output, never the database.
fn kind_of(e: &(dyn std::error::Error + 'static)) -> Option<Kind> {
    if e.is::<Tampered>() {
        Some(Kind::Tampered)
    } else if e.is::<InputError>() || e.is::<Refused>() {
        Some(Kind::Input)
    } else if let Some(l) = e.downcast_ref::<LedgerError>() {
        Some(l.kind())
    } else if let Some(StoreError::Input(_)) = e.downcast_ref::<StoreError>() {
        Some(Kind::Input)
    } else if e.is::<StoreError>() || e.is::<rusqlite::Error>() {
        Some(Kind::Database)
    } else if e.is::<std::io::Error>() {
        Some(Kind::Io)
    } else {
        None
    }
}

/// The kind of a failure: that of the outermost error in its chain whose kind is known
/// (the context added on the way up only describes it), else a bug.
pub fn kind(err: &anyhow::Error) -> Kind {
    err.chain().find_map(kind_of).unwrap_or(Kind::Internal)
}

pub fn exit_code(err: &anyhow::Error) -> i32 {
    kind(err).code()
}

/// The whole chain on one line: "what we were doing: why".
pub fn one_line(err: &anyhow::Error) -> String {
    format!("{err:#}").replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_failure_has_its_code() {
        let io = std::io::Error::other("disk gone");
        let e = anyhow::Error::from(io).context("writing standard output");
        assert_eq!(exit_code(&e), code::IO);
        let e = anyhow::Error::from(Refused("--db: no ledger named".into()));
        assert_eq!(exit_code(&e), code::INPUT);
        // The outermost known kind wins: a store failure wrapping an I/O error is the
        // database's.
        let store = StoreError::Open {
            path: "l.db".into(),
            message: "denied".into(),
        };
        assert_eq!(exit_code(&anyhow::Error::from(store)), code::DATABASE);
        assert_eq!(exit_code(&anyhow::anyhow!("unexpected")), code::INTERNAL);
        let t = anyhow::Error::from(Tampered("edited".into())).context("verify");
        assert_eq!(exit_code(&t), code::TAMPERED);
    }
}
