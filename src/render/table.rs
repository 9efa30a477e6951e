//! Aligned tables for the terminal, drawn by comfy-table and kept within 100 columns.

use comfy_table::{Cell, Color, ContentArrangement, Table};
use comfy_table::{LineStyle, TableStyle};

/// Widest a table may be; long statements are truncated to fit.
pub const WIDTH: u16 = 100;

/// Column gaps and one rule under the header: light enough for long lists.
const STYLE: TableStyle =
    TableStyle::new().header_separator(LineStyle::none().fill('─').junction(' '));

pub fn new(headers: &[&str]) -> Table {
    let mut t = Table::new();
    // Column gaps and one rule under the header: light enough for long lists.
    t.load_style(STYLE)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_width(WIDTH)
        .set_header(headers.iter().map(Cell::new));
    if !super::colour_enabled() {
        t.force_no_tty();
    } else {
        t.enforce_styling();
    }
    t
}

/// A cell for an outcome, coloured when colour is on.
pub fn outcome_cell(outcome: Option<crate::domain::Outcome>) -> Cell {
    use crate::domain::Outcome;
    let text = outcome.map(|o| o.as_str()).unwrap_or("open");
    let cell = Cell::new(text);
    if !super::colour_enabled() {
        return cell;
    }
    match outcome {
        Some(Outcome::Yes) => cell.fg(Color::Green),
        Some(Outcome::No) => cell.fg(Color::Red),
        Some(_) => cell.fg(Color::Yellow),
        None => cell,
    }
}

/// The table as text with a trailing newline.
pub fn render(t: &Table) -> String {
    let mut s = t.to_string();
    s.push('\n');
    s
}
