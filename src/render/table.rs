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
    styled(headers, width(), super::colour_enabled())
}

/// A table with the house style, `width` columns wide, coloured or not.
fn styled(headers: &[&str], width: u16, colour: bool) -> Table {
    let mut t = Table::new();
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
    if !colour {
        t.force_no_tty();
    } else {
        t.enforce_styling();
    }
    t
}

/// The text that [`render`] gives for a table from [`new`] holding `rows` of plain
/// cells, drawn without comfy-table: for a long list (`list --due` of 20,000 claims)
/// comfy-table took longer than reading the claims, keeping each cell as a vector of
/// lines and each drawn line as a string of its own. Only the table that comfy-table
/// draws by padding alone is drawn here: no colour (its cells would carry escape
/// sequences), the full width (on a narrower screen it wraps cells), no cell holding a
/// line break or too wide for its 16-bit widths. Otherwise None: build the table with
/// [`new`]. A test holds the two to the same bytes.
pub fn plain<const N: usize, S: AsRef<str>>(
    headers: &[&str; N],
    rows: &[[S; N]],
) -> Option<String> {
    if super::colour_enabled() || width() < WIDTH {
        return None;
    }
    draw_plain(headers, rows)
}

/// What comfy-table draws for [`STYLE`] when it only pads: each column as wide as its
/// widest cell (at least 1), each cell padded by a space on either side and left-aligned,
/// the columns one space apart, a rule under the header; lines end in a newline.
fn draw_plain<const N: usize, S: AsRef<str>>(
    headers: &[&str; N],
    rows: &[[S; N]],
) -> Option<String> {
    use unicode_width::UnicodeWidthStr;
    // Far below comfy-table's u16 widths, where it would start wrapping or saturating.
    const WIDEST: usize = 60_000;
    let measure = |s: &str| -> Option<usize> {
        if s.contains('\n') {
            return None;
        }
        Some(s.width()).filter(|w| *w <= WIDEST)
    };
    let mut widths = [1usize; N];
    let mut header_widths = [0usize; N];
    for (i, h) in headers.iter().enumerate() {
        header_widths[i] = measure(h)?;
        widths[i] = widths[i].max(header_widths[i]);
    }
    let mut cell_widths: Vec<[usize; N]> = Vec::with_capacity(rows.len());
    let mut bytes = 0;
    for row in rows {
        let mut w = [0usize; N];
        for (i, cell) in row.iter().enumerate() {
            let cell = cell.as_ref();
            w[i] = measure(cell)?;
            widths[i] = widths[i].max(w[i]);
            bytes += cell.len();
        }
        cell_widths.push(w);
    }
    let line_width: usize = widths.iter().map(|w| w + 3).sum();
    let mut out = String::with_capacity(bytes + (rows.len() + 2) * line_width);
    let line = |cells: &mut dyn Iterator<Item = (&str, usize)>, out: &mut String| {
        for (i, (cell, w)) in cells.enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push(' ');
            out.push_str(cell);
            out.extend(std::iter::repeat_n(' ', widths[i] - w + 1));
        }
        out.push('\n');
    };
    line(
        &mut headers.iter().copied().zip(header_widths.iter().copied()),
        &mut out,
    );
    for (i, w) in widths.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.extend(std::iter::repeat_n('─', w + 2));
    }
    out.push('\n');
    for (row, w) in rows.iter().zip(&cell_widths) {
        line(
            &mut row.iter().map(AsRef::as_ref).zip(w.iter().copied()),
            &mut out,
        );
    }
    Some(out)
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// comfy-table's drawing of `rows` under `headers` with the house style, full width,
    /// without colour: what [`super::draw_plain`] must give byte for byte.
    fn comfy<const N: usize>(headers: &[&str; N], rows: &[[String; N]]) -> String {
        let mut t = super::styled(headers, super::WIDTH, false);
        for row in rows {
            t.add_row(row.iter().map(comfy_table::Cell::new));
        }
        super::render(&t)
    }

    #[test]
    fn plain_tables_are_drawn_as_comfy_table_draws_them() {
        let rows = [
            [
                "clm-1".to_string(),
                "2026-01-01".to_string(),
                "A claim".to_string(),
            ],
            [
                String::new(),
                "日本語のテキスト".to_string(),
                "e\u{301}\u{200b}x".to_string(),
            ],
        ];
        assert_eq!(
            super::draw_plain(&["KEY", "BY", "S"], &rows).as_deref(),
            Some(comfy(&["KEY", "BY", "S"], &rows).as_str())
        );
        let none: [[String; 2]; 0] = [];
        assert_eq!(
            super::draw_plain(&["A", ""], &none).as_deref(),
            Some(comfy(&["A", ""], &none).as_str())
        );
        // A line break is comfy-table's to lay out.
        assert_eq!(super::draw_plain(&["A"], &[["x\ny".to_string()]]), None);
    }

    proptest! {
        #[test]
        fn plain_tables_match_comfy_table_on_any_text(
            headers in proptest::array::uniform3("[a-zA-Z ]{0,6}"),
            rows in proptest::collection::vec(
                proptest::array::uniform3("(\\PC|[ \t\u{7f}\u{1b}\u{301}\u{200d}\u{3000}-\u{3010}\u{1f600}-\u{1f610}]){0,12}"),
                0..8,
            ),
        ) {
            let headers = [headers[0].as_str(), headers[1].as_str(), headers[2].as_str()];
            prop_assert_eq!(
                super::draw_plain(&headers, &rows),
                Some(comfy(&headers, &rows))
            );
        }
    }
}
