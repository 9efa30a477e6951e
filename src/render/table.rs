//! Aligned tables for the terminal, drawn by comfy-table and kept within 100 columns.

use comfy_table::{Cell, Color, ContentArrangement, Table};
use comfy_table::{LineStyle, TableStyle};

/// Widest a table may be; long statements are truncated to fit.
pub const WIDTH: u16 = 100;

/// The narrowest width honoured; below it tables would be unreadable either way.
const MIN_WIDTH: u16 = 20;

/// How wide tables may be: `$COLUMNS` when set, else the terminal's width when stdout is
/// one, never more than [`WIDTH`].
pub fn width() -> u16 {
    use std::io::IsTerminal;
    let from_env = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<u16>().ok());
    // A terminal that reports no size (a bare pseudo-terminal says 0) is left at the default.
    let from_terminal = || {
        std::io::stdout()
            .is_terminal()
            .then(|| Table::new().width())
            .flatten()
            .filter(|w| *w > 0)
    };
    from_env
        .or_else(from_terminal)
        .map_or(WIDTH, |w| w.clamp(MIN_WIDTH, WIDTH))
}

/// Column gaps and one rule under the header: light enough for long lists.
const STYLE: TableStyle =
    TableStyle::new().header_separator(LineStyle::none().fill('─').junction(' '));

pub fn new(headers: &[&str]) -> Table {
    let mut t = Table::new();
    // Column gaps and one rule under the header: light enough for long lists.
    let width = width();
    // Cells are already cut to fit 100 columns; a narrower screen wraps them instead.
    let arrangement = if width < WIDTH {
        ContentArrangement::Dynamic
    } else {
        ContentArrangement::Disabled
    };
    t.load_style(STYLE)
        .set_content_arrangement(arrangement)
        .set_width(width)
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
