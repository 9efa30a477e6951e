//! Moving a ledger in and out: the JSON Lines interchange format (every field, history
//! included), a flat CSV of forecasts, and Fatebook's CSV export.
//!
//! Every reader turns its rows into [`Record`]s and feeds them to one [`Importer`], so all
//! formats get the same validation, the same idempotence and the same single transaction.

pub mod csv;
pub mod fatebook;
pub mod import;
pub mod jsonl;

use serde::{Deserialize, Serialize};

pub use import::{Importer, Summary};

/// `input` without the UTF-8 byte-order mark a spreadsheet may write at its start (the
/// csv crate would keep it as part of the first column's name, or of its quoting).
pub(crate) fn without_bom(
    input: &mut dyn std::io::Read,
) -> std::io::Result<impl std::io::Read + '_> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let mut start = Vec::with_capacity(BOM.len());
    std::io::Read::read_to_end(
        &mut std::io::Read::take(&mut *input, BOM.len() as u64),
        &mut start,
    )?;
    if start == BOM {
        start.clear();
    }
    Ok(std::io::Read::chain(std::io::Cursor::new(start), input))
}

/// Reads a CSV header and maps each (trimmed) column name to its index, refusing a header
/// that lacks one of `needed`; `expected` says which header was expected.
pub(crate) fn csv_columns<R: std::io::Read>(
    reader: &mut ::csv::Reader<R>,
    label: &str,
    needed: &[&str],
    expected: &str,
) -> Result<std::collections::HashMap<String, usize>, crate::error::Refused> {
    use crate::error::Refused;
    let headers = reader
        .headers()
        .map_err(|e| Refused(format!("{label}:1: header: {e}")))?;
    let columns: std::collections::HashMap<String, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().to_string(), i))
        .collect();
    match needed.iter().find(|n| !columns.contains_key(**n)) {
        Some(missing) => Err(Refused(format!(
            "{label}:1: header: missing column '{missing}'; expected {expected}"
        ))),
        None => Ok(columns),
    }
}

/// The fields each kind of line accepts besides `type`, in the records' order: the
/// fields of the domain record it becomes, as the history names them. A claim line may
/// also carry the `extract` object of `hindsight extract`'s drafts, which is read past;
/// any other field is refused so that a misspelt one never loses data.
pub fn accepted_fields(kind: &str) -> Option<&'static [&'static str]> {
    crate::domain::event::Kind::parse(kind).map(crate::domain::event::fields)
}

/// The object drafts from `hindsight extract` carry on claim lines.
pub const DRAFT_FIELD: &str = "extract";

/// A list that may be given as `null`, which means the same as absent or `[]` (README: every
/// optional field may be null).
fn null_as_empty<'de, D>(d: D) -> Result<Vec<String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    Ok(Option::<Vec<String>>::deserialize(d)?.unwrap_or_default())
}

/// One line of the interchange format. Field names are the format's; see README.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Record {
    Source(SourceRecord),
    Claim(ClaimRecord),
    Forecast(ForecastRecord),
    Resolution(ResolutionRecord),
    Postponement(PostponementRecord),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRecord {
    pub key: String,
    pub title: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub authors: Vec<String>,
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub published: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub text_sha256: Option<String>,
    #[serde(default)]
    pub recorded_at: Option<String>,
    /// Who recorded it; absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimRecord {
    pub key: String,
    pub statement: String,
    pub resolve_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closes_at: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub condition: Option<String>,
    #[serde(default)]
    pub quote: Option<String>,
    #[serde(default)]
    pub criteria: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub tags: Vec<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub recorded_at: Option<String>,
    /// Who recorded it; absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForecastRecord {
    pub claim: String,
    pub forecaster: String,
    pub p: f64,
    pub made_at: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub recorded_at: Option<String>,
    /// Who recorded it; absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
}

/// A claim's resolve-by date moved later (see `hindsight postpone`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostponementRecord {
    pub claim: String,
    pub resolve_by: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub recorded_at: Option<String>,
    /// Who recorded it; absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolutionRecord {
    pub claim: String,
    pub outcome: String,
    pub resolved_on: String,
    #[serde(default)]
    pub evidence: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub recorded_at: Option<String>,
    /// Who recorded it; absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
}
