//! The few things the store asks of a database engine, spoken the same way to SQLite and
//! to PostgreSQL: run a statement with parameters, read zero, one or many rows, run a
//! script. Statements are written once, in the SQL both engines accept, with SQLite's
//! numbered parameters (`?1`, `?2`); for PostgreSQL they become `$1`, `$2` on the way.
//!
//! Parameters carry their type ([`Arg`]), so PostgreSQL never has to guess one from the
//! statement, and a cell is read through [`Raw`], the handful of kinds of value both
//! engines store, whatever the engine's own type names.

use std::borrow::Cow;
use std::cell::RefCell;

use postgres::types::{to_sql_checked, IsNull, ToSql, Type};

use super::StoreError;

type Result<T> = std::result::Result<T, StoreError>;

/// One statement parameter, with its type even when it is NULL.
#[derive(Debug, Clone)]
pub enum Arg<'a> {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<Cow<'a, str>>),
    Blob(Option<Cow<'a, [u8]>>),
}

/// What can be passed as a statement parameter.
pub trait IntoArg<'a> {
    fn into_arg(self) -> Arg<'a>;
}

macro_rules! int_arg {
    ($($t:ty),*) => {$(
        impl<'a> IntoArg<'a> for $t {
            fn into_arg(self) -> Arg<'a> {
                Arg::Int(Some(i64::from(self)))
            }
        }
        impl<'a> IntoArg<'a> for Option<$t> {
            fn into_arg(self) -> Arg<'a> {
                Arg::Int(self.map(i64::from))
            }
        }
        impl<'a> IntoArg<'a> for &$t {
            fn into_arg(self) -> Arg<'a> {
                Arg::Int(Some(i64::from(*self)))
            }
        }
    )*};
}
int_arg!(i64, i32, u32, u8, bool);

impl<'a> IntoArg<'a> for f64 {
    fn into_arg(self) -> Arg<'a> {
        Arg::Real(Some(self))
    }
}
impl<'a> IntoArg<'a> for &str {
    fn into_arg(self) -> Arg<'a> {
        Arg::Text(Some(Cow::Owned(self.to_string())))
    }
}
impl<'a> IntoArg<'a> for &'a String {
    fn into_arg(self) -> Arg<'a> {
        Arg::Text(Some(Cow::Borrowed(self.as_str())))
    }
}
impl<'a> IntoArg<'a> for String {
    fn into_arg(self) -> Arg<'a> {
        Arg::Text(Some(Cow::Owned(self)))
    }
}
impl<'a> IntoArg<'a> for Option<String> {
    fn into_arg(self) -> Arg<'a> {
        Arg::Text(self.map(Cow::Owned))
    }
}
impl<'a> IntoArg<'a> for &'a Option<String> {
    fn into_arg(self) -> Arg<'a> {
        Arg::Text(self.as_deref().map(Cow::Borrowed))
    }
}
impl<'a> IntoArg<'a> for Option<&'a str> {
    fn into_arg(self) -> Arg<'a> {
        Arg::Text(self.map(Cow::Borrowed))
    }
}
impl<'a> IntoArg<'a> for &'a [u8] {
    fn into_arg(self) -> Arg<'a> {
        Arg::Blob(Some(Cow::Borrowed(self)))
    }
}
impl<'a> IntoArg<'a> for Arg<'a> {
    fn into_arg(self) -> Arg<'a> {
        self
    }
}

/// The parameters of a statement: `args![a, b]`.
macro_rules! args {
    ($($x:expr),* $(,)?) => {
        &[$($crate::store::sql::IntoArg::into_arg($x)),*][..]
    };
}
pub(crate) use args;

impl Arg<'_> {
    /// A `&str` parameter without copying it (the `IntoArg` impl for `&str` copies, since
    /// the borrow may be shorter than the statement's).
    pub fn text(s: &str) -> Arg<'_> {
        Arg::Text(Some(Cow::Borrowed(s)))
    }

    /// The same parameter, owning its value (to be kept until a batch is written).
    pub fn into_owned(self) -> Arg<'static> {
        match self {
            Arg::Int(v) => Arg::Int(v),
            Arg::Real(v) => Arg::Real(v),
            Arg::Text(v) => Arg::Text(v.map(|t| Cow::Owned(t.into_owned()))),
            Arg::Blob(v) => Arg::Blob(v.map(|b| Cow::Owned(b.into_owned()))),
        }
    }

    fn pg_type(&self) -> Type {
        match self {
            Arg::Int(_) => Type::INT8,
            Arg::Real(_) => Type::FLOAT8,
            Arg::Text(_) => Type::TEXT,
            Arg::Blob(_) => Type::BYTEA,
        }
    }
}

impl rusqlite::ToSql for Arg<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Arg::Int(Some(n)) => ValueRef::Integer(*n),
            Arg::Real(Some(x)) => ValueRef::Real(*x),
            Arg::Text(Some(s)) => ValueRef::Text(s.as_bytes()),
            Arg::Blob(Some(b)) => ValueRef::Blob(b.as_ref()),
            _ => ValueRef::Null,
        }))
    }
}

impl ToSql for Arg<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Arg::Int(v) => v.to_sql(ty, out),
            Arg::Real(v) => v.to_sql(ty, out),
            Arg::Text(v) => v.as_deref().to_sql(ty, out),
            Arg::Blob(v) => v.as_deref().to_sql(ty, out),
        }
    }

    fn accepts(ty: &Type) -> bool {
        [Type::INT8, Type::FLOAT8, Type::TEXT, Type::BYTEA].contains(ty)
    }

    to_sql_checked!();
}

/// A cell as both engines store it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Raw<'r> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'r str),
    Blob(&'r [u8]),
}

impl<'r> Raw<'r> {
    /// The cell as text; any other kind of value is an error naming it.
    pub fn as_str(self) -> std::result::Result<&'r str, String> {
        match self {
            Raw::Text(s) => Ok(s),
            other => Err(format!("expected text, found {}", other.kind())),
        }
    }

    /// What kind of value this is, as a message names it.
    pub fn kind(self) -> &'static str {
        match self {
            Raw::Null => "null",
            Raw::Int(_) => "integer",
            Raw::Real(_) => "real",
            Raw::Text(_) => "text",
            Raw::Blob(_) => "blob",
        }
    }
}

/// A Rust value a cell can be read as.
pub trait FromCell: Sized {
    fn from_raw(v: Raw<'_>) -> std::result::Result<Self, String>;
}

impl FromCell for i64 {
    fn from_raw(v: Raw<'_>) -> std::result::Result<Self, String> {
        match v {
            Raw::Int(n) => Ok(n),
            other => Err(format!("expected an integer, found {}", other.kind())),
        }
    }
}
impl FromCell for u32 {
    fn from_raw(v: Raw<'_>) -> std::result::Result<Self, String> {
        let n = i64::from_raw(v)?;
        u32::try_from(n).map_err(|_| format!("{n} is out of range"))
    }
}
impl FromCell for bool {
    fn from_raw(v: Raw<'_>) -> std::result::Result<Self, String> {
        Ok(i64::from_raw(v)? != 0)
    }
}
impl FromCell for f64 {
    fn from_raw(v: Raw<'_>) -> std::result::Result<Self, String> {
        match v {
            Raw::Real(x) => Ok(x),
            // SQLite keeps a real that is a whole number as it was given.
            Raw::Int(n) => Ok(n as f64),
            other => Err(format!("expected a number, found {}", other.kind())),
        }
    }
}
impl FromCell for String {
    fn from_raw(v: Raw<'_>) -> std::result::Result<Self, String> {
        v.as_str().map(str::to_string)
    }
}
impl FromCell for Vec<u8> {
    fn from_raw(v: Raw<'_>) -> std::result::Result<Self, String> {
        match v {
            Raw::Blob(b) => Ok(b.to_vec()),
            other => Err(format!("expected a blob, found {}", other.kind())),
        }
    }
}
impl<T: FromCell> FromCell for Option<T> {
    fn from_raw(v: Raw<'_>) -> std::result::Result<Self, String> {
        match v {
            Raw::Null => Ok(None),
            v => T::from_raw(v).map(Some),
        }
    }
}

/// One row of a result, from either engine.
pub enum SqlRow<'r> {
    Lite(&'r rusqlite::Row<'r>),
    Pg(&'r postgres::Row),
}

impl<'r> SqlRow<'r> {
    /// Cell `i` as stored.
    pub fn raw(&self, i: usize) -> Result<Raw<'r>> {
        match self {
            SqlRow::Lite(r) => {
                use rusqlite::types::ValueRef;
                Ok(match r.get_ref(i)? {
                    ValueRef::Null => Raw::Null,
                    ValueRef::Integer(n) => Raw::Int(n),
                    ValueRef::Real(x) => Raw::Real(x),
                    ValueRef::Text(t) => Raw::Text(std::str::from_utf8(t).map_err(|e| {
                        StoreError::Corrupt(format!("column {i}: text is not UTF-8 ({e})"))
                    })?),
                    ValueRef::Blob(b) => Raw::Blob(b),
                })
            }
            SqlRow::Pg(r) => pg_raw(r, i),
        }
    }

    /// Cell `i` as a `T`; a cell of another kind is reported as a corrupt value.
    pub fn get<T: FromCell>(&self, i: usize) -> Result<T> {
        T::from_raw(self.raw(i)?).map_err(|e| StoreError::Corrupt(format!("column {i}: {e}")))
    }
}

fn pg_raw<'r>(r: &'r postgres::Row, i: usize) -> Result<Raw<'r>> {
    let ty = r
        .columns()
        .get(i)
        .map(|c| c.type_().clone())
        .ok_or_else(|| StoreError::Corrupt(format!("no column {i}")))?;
    let v = match ty {
        Type::INT8 => r.try_get::<_, Option<i64>>(i)?.map(Raw::Int),
        Type::INT4 => r.try_get::<_, Option<i32>>(i)?.map(|n| Raw::Int(n.into())),
        Type::INT2 => r.try_get::<_, Option<i16>>(i)?.map(|n| Raw::Int(n.into())),
        Type::BOOL => r.try_get::<_, Option<bool>>(i)?.map(|b| Raw::Int(b.into())),
        Type::FLOAT8 => r.try_get::<_, Option<f64>>(i)?.map(Raw::Real),
        Type::FLOAT4 => r.try_get::<_, Option<f32>>(i)?.map(|x| Raw::Real(x.into())),
        Type::BYTEA => r.try_get::<_, Option<&[u8]>>(i)?.map(Raw::Blob),
        _ => r.try_get::<_, Option<&str>>(i)?.map(Raw::Text),
    };
    Ok(v.unwrap_or(Raw::Null))
}

/// A PostgreSQL connection, used by one thread: statements borrow it in turn.
pub struct PgConn {
    client: RefCell<postgres::Client>,
    /// Whether a transaction is open on it.
    in_tx: std::cell::Cell<bool>,
    /// Statements prepared on this connection, by their SQL and parameter types: the
    /// server parses and plans each once, and every later run is one round trip.
    prepared: RefCell<std::collections::HashMap<(String, Vec<Type>), postgres::Statement>>,
    /// The next id of each table a write of this transaction inserts into (see
    /// [`Conn::insert`]); forgotten when the transaction ends.
    next_ids: RefCell<std::collections::HashMap<String, i64>>,
    /// Rows inserted but not sent yet (see [`Conn::insert_later`]), in order.
    pending: RefCell<Vec<Pending>>,
    /// Rows to delete once the waiting rows are sent (see [`Conn::delete_later`]): table,
    /// column, value.
    pending_deletes: RefCell<Vec<(&'static str, &'static str, i64)>>,
}

/// A row waiting to be sent in a batch: its table, its column list, its values.
struct Pending {
    table: String,
    columns: String,
    args: Vec<Arg<'static>>,
}

/// Where a table's waiting rows go in a flush: after every table its rows may refer to.
fn table_rank(table: &str) -> u8 {
    match table {
        "sources" => 0,
        "source_authors" => 1,
        "claims" => 2,
        "claim_tags" | "open_claims" => 3,
        "forecasters" => 4,
        "forecasts" | "resolutions" | "postponements" => 5,
        _ => 6,
    }
}

/// A batch's table and column list.
type Batch = (String, String);
/// The values of one waiting row.
type Row = Vec<Arg<'static>>;

/// How many rows a batch sends in one INSERT at most.
const BATCH_ROWS: usize = 1000;

impl PgConn {
    pub fn new(client: postgres::Client) -> PgConn {
        PgConn {
            client: RefCell::new(client),
            in_tx: std::cell::Cell::new(false),
            prepared: Default::default(),
            next_ids: Default::default(),
            pending: Default::default(),
            pending_deletes: Default::default(),
        }
    }

    /// Sends the rows waiting in [`PgConn::pending`], a multi-row INSERT per table and
    /// column list (up to [`BATCH_ROWS`] rows each), a table after those its rows refer
    /// to ([`table_rank`]); within a table the order is kept, so a claim may name one
    /// sent in the same statement as its condition (references are checked once the
    /// statement is done).
    fn flush(&self) -> Result<()> {
        let pending = std::mem::take(&mut *self.pending.borrow_mut());
        let deletes = std::mem::take(&mut *self.pending_deletes.borrow_mut());
        self.send_inserts(pending)?;
        // Then the deletions, which may remove rows just sent.
        let mut groups: Vec<((&str, &str), Vec<i64>)> = Vec::new();
        for (table, column, value) in deletes {
            match groups.iter_mut().find(|(k, _)| *k == (table, column)) {
                Some((_, values)) => values.push(value),
                None => groups.push(((table, column), vec![value])),
            }
        }
        for ((table, column), values) in groups {
            for chunk in values.chunks(BATCH_ROWS) {
                let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("?{i}")).collect();
                let sql = format!(
                    "DELETE FROM {table} WHERE {column} IN ({})",
                    marks.join(",")
                );
                let args: Vec<Arg<'static>> = chunk.iter().map(|&v| Arg::Int(Some(v))).collect();
                self.send(&sql, &args, chunk.len() == BATCH_ROWS)?;
            }
        }
        Ok(())
    }

    /// Runs one statement of a flush: prepared once and kept when it is a full batch
    /// (the same text every time), else sent unnamed, so that the batches' many
    /// partial sizes do not each keep a prepared statement on the server.
    fn send(&self, sql: &str, args: &[Arg<'_>], keep: bool) -> Result<()> {
        if keep {
            let stmt = self.statement(sql, args)?;
            let params = dyn_args(args);
            self.client()?.execute(&stmt, &params)?;
        } else {
            self.client()?.execute_typed(&pg_sql(sql), &pg_args(args))?;
        }
        Ok(())
    }

    /// The waiting rows of [`PgConn::flush`], table by table.
    fn send_inserts(&self, pending: Vec<Pending>) -> Result<()> {
        if pending.is_empty() {
            return Ok(());
        }
        let mut groups: Vec<(Batch, Vec<Row>)> = Vec::new();
        for p in pending {
            let key = (p.table, p.columns);
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, rows)) => rows.push(p.args),
                None => groups.push((key, vec![p.args])),
            }
        }
        // Tables whose rows others refer to go first (a stable sort keeps the rest in
        // the order first met).
        groups.sort_by_key(|((table, _), _)| table_rank(table));
        for ((table, columns), rows) in groups {
            for chunk in rows.chunks(BATCH_ROWS) {
                let width = chunk.first().map_or(0, Vec::len);
                let mut sql = format!("INSERT INTO {table} ({columns}) VALUES ");
                let mut n = 0;
                for (i, _) in chunk.iter().enumerate() {
                    if i > 0 {
                        sql.push(',');
                    }
                    sql.push('(');
                    for j in 0..width {
                        n += 1;
                        if j > 0 {
                            sql.push(',');
                        }
                        sql.push_str(&format!("?{n}"));
                    }
                    sql.push(')');
                }
                let args: Vec<Arg<'static>> = chunk.iter().flatten().cloned().collect();
                self.send(&sql, &args, chunk.len() == BATCH_ROWS)?;
            }
        }
        Ok(())
    }

    /// The id the next row inserted into `table` gets: one more than the highest, read
    /// once per transaction. Every write holds the ledger's lock (see `pg::begin_write`),
    /// so no one else inserts meanwhile; ids are therefore dense and the same as SQLite
    /// gives, even after a write that failed.
    fn next_id(&self, table: &str) -> Result<i64> {
        if let Some(n) = self.next_ids.borrow_mut().get_mut(table) {
            *n += 1;
            return Ok(*n - 1);
        }
        self.flush()?;
        let rows = self.query(
            &format!("SELECT coalesce(max(id), 0) + 1 FROM {table}"),
            &[],
        )?;
        let next: i64 = rows
            .first()
            .map(|r| SqlRow::Pg(r).get(0))
            .transpose()?
            .unwrap_or(1);
        self.next_ids
            .borrow_mut()
            .insert(table.to_string(), next + 1);
        Ok(next)
    }

    /// Runs `sql` (SQLite's parameters) with `args` as a prepared statement.
    fn query(&self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<postgres::Row>> {
        self.flush()?;
        let stmt = self.statement(sql, args)?;
        let params = dyn_args(args);
        Ok(self.client()?.query(&stmt, &params)?)
    }

    /// Like [`PgConn::query`] for a statement without rows; the number it changed.
    fn execute(&self, sql: &str, args: &[Arg<'_>]) -> Result<u64> {
        self.flush()?;
        let stmt = self.statement(sql, args)?;
        let params = dyn_args(args);
        Ok(self.client()?.execute(&stmt, &params)?)
    }

    /// The prepared statement for `sql` with parameters of `args`' types.
    fn statement(&self, sql: &str, args: &[Arg<'_>]) -> Result<postgres::Statement> {
        let types: Vec<Type> = args.iter().map(Arg::pg_type).collect();
        let key = (sql.to_string(), types);
        if let Some(stmt) = self.prepared.borrow().get(&key) {
            return Ok(stmt.clone());
        }
        let stmt = self.client()?.prepare_typed(&pg_sql(sql), &key.1)?;
        self.prepared.borrow_mut().insert(key, stmt.clone());
        Ok(stmt)
    }

    /// Starts a transaction with `sql` (a BEGIN) unless one is open; whether it did.
    pub fn begin(&self, sql: &str) -> Result<bool> {
        if self.in_tx.get() {
            return Ok(false);
        }
        self.next_ids.borrow_mut().clear();
        self.pending.borrow_mut().clear();
        self.pending_deletes.borrow_mut().clear();
        self.client()?.batch_execute(sql)?;
        self.in_tx.set(true);
        Ok(true)
    }

    fn client(&self) -> Result<std::cell::RefMut<'_, postgres::Client>> {
        self.client.try_borrow_mut().map_err(|_| {
            StoreError::Corrupt("a statement was started while another one's rows were read".into())
        })
    }
}

/// SQLite statements kept prepared by one handle (one transaction) for the inserts it
/// runs once a record, found by the address of their text, which is why that text must
/// be `'static`. Each saves the statement cache's work: hashing the text to find it,
/// copying it for the key, clearing the bindings and hashing it again to put it back.
#[derive(Default)]
pub struct Kept<'c> {
    statements: RefCell<Vec<(&'static str, rusqlite::Statement<'c>)>>,
}

impl<'c> Kept<'c> {
    /// Runs `sql` with `args` on `conn` through the statement kept for it (prepared on its
    /// first use); the number of rows changed.
    fn execute(
        &self,
        conn: &'c rusqlite::Connection,
        sql: &'static str,
        args: &[Arg<'_>],
    ) -> Result<usize> {
        let mut statements = self.statements.borrow_mut();
        let at = match statements
            .iter()
            .position(|(text, _)| std::ptr::eq(*text, sql))
        {
            Some(at) => at,
            None => {
                let flags = rusqlite::PrepFlags::SQLITE_PREPARE_PERSISTENT;
                statements.push((sql, conn.prepare_with_flags(sql, flags)?));
                statements.len() - 1
            }
        };
        let stmt = &mut statements[at].1;
        let n = stmt.execute(rusqlite::params_from_iter(args.iter()));
        stmt.clear_bindings();
        Ok(n?)
    }
}

/// Which engine a connection speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A connection to either engine, for the length of one transaction or read.
#[derive(Clone, Copy)]
pub enum Conn<'c> {
    Lite(&'c rusqlite::Connection),
    Pg(&'c PgConn),
}

impl<'c> Conn<'c> {
    pub fn engine(&self) -> Engine {
        match self {
            Conn::Lite(_) => Engine::Sqlite,
            Conn::Pg(_) => Engine::Postgres,
        }
    }

    /// The SQLite connection, for what only SQLite has (pragmas, its catalogue).
    pub fn lite(&self) -> Option<&'c rusqlite::Connection> {
        match self {
            Conn::Lite(c) => Some(c),
            Conn::Pg(_) => None,
        }
    }

    /// Runs a statement that returns no rows; the number of rows it changed.
    pub fn execute(&self, sql: &str, args: &[Arg<'_>]) -> Result<u64> {
        match self {
            Conn::Lite(c) => {
                let n = c
                    .prepare_cached(sql)?
                    .execute(rusqlite::params_from_iter(args.iter()))?;
                Ok(n as u64)
            }
            Conn::Pg(c) => c.execute(sql, args),
        }
    }

    /// Inserts one row with `sql`, of the form `INSERT INTO table (columns) VALUES
    /// (values)` without its `id`, and returns the id it got: on SQLite the one SQLite
    /// chose, on PostgreSQL the next of the table (see `PgConn::next_id`).
    pub fn insert(&self, sql: &str, args: &[Arg<'_>]) -> Result<i64> {
        match self {
            Conn::Lite(c) => {
                c.prepare_cached(sql)?
                    .execute(rusqlite::params_from_iter(args.iter()))?;
                Ok(c.last_insert_rowid())
            }
            Conn::Pg(c) => {
                let (table, columns, values) = split_insert(sql)?;
                let id = c.next_id(table)?;
                let sql = format!(
                    "INSERT INTO {table} (id, {columns}) VALUES (?{}, {values})",
                    args.len() + 1
                );
                let mut all: Vec<Arg<'_>> = args.to_vec();
                all.push(Arg::Int(Some(id)));
                c.execute(&sql, &all)?;
                Ok(id)
            }
        }
    }

    /// Like [`Conn::insert`], but on PostgreSQL the row may wait to be sent with others
    /// of its table in one statement: before any other statement runs, and at commit.
    /// For the tables an import fills row by row (claims, forecasters, forecasts, and
    /// through [`Conn::append_later`] tags, open claims and the history); the flush sends
    /// each table after those it refers to.
    pub fn insert_later(&self, sql: &str, args: &[Arg<'_>]) -> Result<i64> {
        match self {
            Conn::Lite(_) => self.insert(sql, args),
            Conn::Pg(c) => {
                let (table, columns, _) = split_insert(sql)?;
                let id = c.next_id(table)?;
                let mut owned: Vec<Arg<'static>> =
                    args.iter().cloned().map(Arg::into_owned).collect();
                owned.insert(0, Arg::Int(Some(id)));
                c.pending.borrow_mut().push(Pending {
                    table: table.to_string(),
                    columns: format!("id, {columns}"),
                    args: owned,
                });
                Ok(id)
            }
        }
    }

    /// [`Conn::insert_later`] through a statement `kept` prepared (on SQLite).
    pub fn insert_kept(&self, kept: &Kept<'c>, sql: &'static str, args: &[Arg<'_>]) -> Result<i64> {
        match self {
            Conn::Lite(c) => {
                kept.execute(c, sql, args)?;
                Ok(c.last_insert_rowid())
            }
            Conn::Pg(_) => self.insert_later(sql, args),
        }
    }

    /// [`Conn::append_later`] through a statement `kept` prepared (on SQLite).
    pub fn append_kept(&self, kept: &Kept<'c>, sql: &'static str, args: &[Arg<'_>]) -> Result<()> {
        match self {
            Conn::Lite(c) => kept.execute(c, sql, args).map(|_| ()),
            Conn::Pg(_) => self.append_later(sql, args),
        }
    }

    /// Deletes the rows of `table` whose `column` is `value`: at once on SQLite, and on
    /// PostgreSQL after the next batch of waiting rows is sent (with other deletions from
    /// the same table in one statement).
    pub fn delete_later(
        &self,
        table: &'static str,
        column: &'static str,
        value: i64,
    ) -> Result<()> {
        match self {
            Conn::Lite(_) => self
                .execute(
                    &format!("DELETE FROM {table} WHERE {column} = ?1"),
                    &[Arg::Int(Some(value))],
                )
                .map(|_| ()),
            Conn::Pg(c) => {
                c.pending_deletes.borrow_mut().push((table, column, value));
                Ok(())
            }
        }
    }

    /// Runs `sql`, an `INSERT INTO table (columns) VALUES (values)` that sets every
    /// column itself, at once on SQLite, and on PostgreSQL with the next batch (see
    /// [`Conn::insert_later`]).
    pub fn append_later(&self, sql: &str, args: &[Arg<'_>]) -> Result<()> {
        match self {
            Conn::Lite(_) => self.execute(sql, args).map(|_| ()),
            Conn::Pg(c) => {
                let (table, columns, _) = split_insert(sql)?;
                c.pending.borrow_mut().push(Pending {
                    table: table.to_string(),
                    columns: columns.to_string(),
                    args: args.iter().cloned().map(Arg::into_owned).collect(),
                });
                if c.pending.borrow().len() >= 4 * BATCH_ROWS {
                    c.flush()?;
                }
                Ok(())
            }
        }
    }

    /// The first row of a query, read by `f`; None when there is none.
    pub fn row<T>(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        f: impl FnOnce(&SqlRow<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        match self {
            Conn::Lite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
                match rows.next()? {
                    Some(r) => f(&SqlRow::Lite(r)).map(Some),
                    None => Ok(None),
                }
            }
            Conn::Pg(c) => {
                let rows = c.query(sql, args)?;
                rows.first().map(|r| f(&SqlRow::Pg(r))).transpose()
            }
        }
    }

    /// Like [`Conn::row`] for a query that always returns a row (a count, EXISTS).
    pub fn one<T>(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        f: impl FnOnce(&SqlRow<'_>) -> Result<T>,
    ) -> Result<T> {
        self.row(sql, args, f)?
            .ok_or_else(|| StoreError::Corrupt(format!("no row from: {sql}")))
    }

    /// Calls `f` on every row of a query, in order. On PostgreSQL the rows are read in
    /// full first, so `f` may run statements of its own.
    pub fn each(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        mut f: impl FnMut(&SqlRow<'_>) -> Result<()>,
    ) -> Result<()> {
        match self {
            Conn::Lite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
                while let Some(r) = rows.next()? {
                    f(&SqlRow::Lite(r))?;
                }
                Ok(())
            }
            Conn::Pg(c) => {
                let rows = c.query(sql, args)?;
                for r in &rows {
                    f(&SqlRow::Pg(r))?;
                }
                Ok(())
            }
        }
    }

    /// Like [`Conn::each`], but on PostgreSQL the rows come through a cursor a batch at
    /// a time (a million forecasts are never all held at once); `f` may still run
    /// statements between rows. Needs an open transaction on PostgreSQL, which every
    /// [`super::Db`] has.
    pub fn stream(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        mut f: impl FnMut(&SqlRow<'_>) -> Result<()>,
    ) -> Result<()> {
        match self {
            Conn::Lite(_) => self.each(sql, args, f),
            Conn::Pg(c) => {
                let mut cursor = PgCursor::open(c, sql, args)?;
                while let Some(r) = cursor.next_row()? {
                    f(&SqlRow::Pg(&r))?;
                }
                Ok(())
            }
        }
    }

    /// Every row of a query, each read by `f`.
    pub fn rows<T>(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        mut f: impl FnMut(&SqlRow<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.each(sql, args, |r| {
            out.push(f(r)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// Sends what waits to be written (on PostgreSQL; nothing waits on SQLite), so that
    /// the database checks it.
    pub fn flush(&self) -> Result<()> {
        match self {
            Conn::Lite(_) => Ok(()),
            Conn::Pg(c) => c.flush(),
        }
    }

    /// Ends the open transaction with `sql` (COMMIT or ROLLBACK).
    pub fn end(&self, sql: &str) -> Result<()> {
        match self {
            Conn::Lite(c) => Ok(c.execute_batch(sql)?),
            Conn::Pg(c) => {
                let flushed = if sql == "COMMIT" { c.flush() } else { Ok(()) };
                c.in_tx.set(false);
                c.next_ids.borrow_mut().clear();
                c.pending.borrow_mut().clear();
                c.pending_deletes.borrow_mut().clear();
                match flushed {
                    Ok(()) => Ok(c.client()?.batch_execute(sql)?),
                    Err(e) => {
                        let _ = c.client()?.batch_execute("ROLLBACK");
                        Err(e)
                    }
                }
            }
        }
    }

    /// Runs several statements without parameters.
    pub fn batch(&self, sql: &str) -> Result<()> {
        match self {
            Conn::Lite(c) => Ok(c.execute_batch(sql)?),
            Conn::Pg(c) => {
                c.flush()?;
                Ok(c.client()?.batch_execute(sql)?)
            }
        }
    }
}

/// Rows of a PostgreSQL query read a batch at a time through a server-side cursor, so that
/// several can be read side by side on one connection (as `verify` merges each table with
/// the history) without holding any of them whole. Lives inside the open transaction.
pub struct PgCursor<'c> {
    conn: &'c PgConn,
    name: String,
    buffer: std::collections::VecDeque<postgres::Row>,
    done: bool,
}

impl<'c> PgCursor<'c> {
    /// Declares a cursor for `sql` with `args` in the open transaction.
    pub fn open(conn: &'c PgConn, sql: &str, args: &[Arg<'_>]) -> Result<PgCursor<'c>> {
        thread_local!(static NEXT: std::cell::Cell<u64> = const { std::cell::Cell::new(0) });
        let n = NEXT.with(|c| {
            c.set(c.get() + 1);
            c.get()
        });
        let name = format!("hindsight_cursor_{n}");
        conn.flush()?;
        let typed = pg_args(args);
        conn.client()?.execute_typed(
            &format!("DECLARE {name} NO SCROLL CURSOR FOR {}", pg_sql(sql)),
            &typed,
        )?;
        Ok(PgCursor {
            conn,
            name,
            buffer: Default::default(),
            done: false,
        })
    }

    /// The next row, None at the end.
    pub fn next_row(&mut self) -> Result<Option<postgres::Row>> {
        if self.buffer.is_empty() && !self.done {
            self.conn.flush()?;
            let rows = self
                .conn
                .client()?
                .query(&format!("FETCH 5000 FROM {}", self.name), &[])?;
            self.done = rows.is_empty();
            self.buffer.extend(rows);
        }
        Ok(self.buffer.pop_front())
    }
}

impl Drop for PgCursor<'_> {
    fn drop(&mut self) {
        // Closed with the transaction in any case; closing it early only frees it sooner.
        if let Ok(mut c) = self.conn.client() {
            let _ = c.batch_execute(&format!("CLOSE {}", self.name));
        }
    }
}

/// The table, column list and value list of `INSERT INTO table (columns) VALUES (values)`.
fn split_insert(sql: &str) -> Result<(&str, &str, &str)> {
    let bad = || StoreError::Corrupt(format!("not a plain INSERT: {sql}"));
    let rest = sql.trim().strip_prefix("INSERT INTO ").ok_or_else(bad)?;
    let (table, rest) = rest.split_once('(').ok_or_else(bad)?;
    let (columns, rest) = rest.split_once(')').ok_or_else(bad)?;
    let values = rest
        .trim()
        .strip_prefix("VALUES")
        .map(str::trim)
        .and_then(|v| v.strip_prefix('('))
        .and_then(|v| v.strip_suffix(')'))
        .ok_or_else(bad)?;
    Ok((table.trim(), columns.trim(), values.trim()))
}

/// The parameters as the client takes them for a prepared statement.
fn dyn_args<'x>(args: &'x [Arg<'_>]) -> Vec<&'x (dyn ToSql + Sync)> {
    args.iter().map(|a| a as &(dyn ToSql + Sync)).collect()
}

fn pg_args<'x>(args: &'x [Arg<'_>]) -> Vec<(&'x (dyn ToSql + Sync), Type)> {
    args.iter()
        .map(|a| (a as &(dyn ToSql + Sync), a.pg_type()))
        .collect()
}

/// A statement with SQLite's parameters (`?1`, or `?` for the next one) as PostgreSQL's
/// (`$1`). Quoted text and names are copied as they are.
pub fn pg_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut quote: Option<char> = None;
    let mut next = 0u32;
    let mut chars = sql.chars().peekable();
    while let Some(ch) = chars.next() {
        match (quote, ch) {
            (Some(q), c) if c == q => {
                quote = None;
                out.push(c);
            }
            (Some(_), c) => out.push(c),
            (None, '\'' | '"') => {
                quote = Some(ch);
                out.push(ch);
            }
            (None, '?') => {
                out.push('$');
                let mut digits = String::new();
                while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                    digits.push(d);
                    chars.next();
                }
                if digits.is_empty() {
                    next += 1;
                    out.push_str(&next.to_string());
                } else {
                    if let Ok(n) = digits.parse::<u32>() {
                        next = next.max(n);
                    }
                    out.push_str(&digits);
                }
            }
            (None, c) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_become_dollars_outside_quotes() {
        assert_eq!(
            pg_sql("SELECT '?1', \"a?\" FROM t WHERE a = ?1 AND b = ?12 AND c = ?"),
            "SELECT '?1', \"a?\" FROM t WHERE a = $1 AND b = $12 AND c = $13"
        );
        assert_eq!(pg_sql("SELECT 'it''s ?' , ?2"), "SELECT 'it''s ?' , $2");
    }

    #[test]
    fn inserts_split_into_table_columns_and_values() {
        assert_eq!(
            split_insert("INSERT INTO forecasts (claim_id, p)\n  VALUES (?1, ?2)").unwrap(),
            ("forecasts", "claim_id, p", "?1, ?2")
        );
        assert!(split_insert("INSERT INTO t (a) SELECT 1").is_err());
        assert!(split_insert("UPDATE t SET a = 1").is_err());
    }

    #[test]
    fn cells_read_as_the_asked_type() {
        assert_eq!(i64::from_raw(Raw::Int(3)), Ok(3));
        assert_eq!(f64::from_raw(Raw::Int(1)), Ok(1.0));
        assert_eq!(Option::<String>::from_raw(Raw::Null), Ok(None));
        assert!(String::from_raw(Raw::Int(1)).is_err());
        assert!(u32::from_raw(Raw::Int(-1)).is_err());
    }

    #[test]
    fn sqlite_round_trips_typed_parameters() {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        let conn = Conn::Lite(&c);
        conn.batch("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b REAL, c BLOB)")
            .unwrap();
        let none: Option<&str> = None;
        let id = conn
            .insert(
                "INSERT INTO t (a, b, c) VALUES (?1, ?2, ?3)",
                args!["x", 0.5, &b"\x01"[..]],
            )
            .unwrap();
        conn.insert("INSERT INTO t (a) VALUES (?1)", args![none])
            .unwrap();
        let got = conn
            .one("SELECT a, b, c FROM t WHERE id = ?1", args![id], |r| {
                Ok((r.get::<String>(0)?, r.get::<f64>(1)?, r.get::<Vec<u8>>(2)?))
            })
            .unwrap();
        assert_eq!(got, ("x".to_string(), 0.5, vec![1]));
        let nulls = conn
            .rows("SELECT a FROM t ORDER BY id", args![], |r| {
                r.get::<Option<String>>(0)
            })
            .unwrap();
        assert_eq!(nulls, vec![Some("x".to_string()), None]);
    }
}
