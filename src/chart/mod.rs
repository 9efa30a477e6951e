//! Charts: turns plain numbers into self-contained SVG documents (as strings).
//!
//! The module owns the drawing of three pictures: the binned reliability diagram
//! ([`calibration_svg`]), the CORP reliability diagram ([`corp_svg`]) and the running
//! mean Brier score over time ([`history_svg`]),
//! together with the small SVG toolkit they share (escaping, number formatting, colours
//! and marker shapes, axis ticks, legend). It does no I/O and reads no clock.
//!
//! # Why hand-written SVG rather than `plotters`
//!
//! `plotters` (0.3.7, `svg_backend` only) does draw text labels without a font library,
//! but its SVG backend emits bare primitives: there is no way to put a `class`, a
//! `<title>` tooltip or a `<g>` group on the elements of one series. Tests could then only
//! count points by colour, a reader hovering a point could not see its numbers, and the
//! caption is a single line that runs off the picture when the caller puts the rule,
//! as-of date and filters in it. The charts here are simple enough (fixed 0–100% axes, a
//! few lines and markers) that a few hundred lines of our own give full control.
//!
//! # Output contract
//!
//! * Same input, same bytes: coordinates are rounded to two decimals and nothing depends
//!   on hash order, the clock or the platform.
//! * Every piece of user text (title, series labels) is escaped for XML, and characters
//!   that XML 1.0 forbids are replaced, so the result always parses.
//! * Each series is one `<g class="series series-N">` (N = position in the input) and
//!   each plotted point in it one element with class `point`, so tests and stylesheets can
//!   find them. No `id` attributes are used, so several charts can sit in one HTML page.
//! * No `<style>` and no `<script>` element: styling is done with presentation
//!   attributes, which stay inside the picture when it is inlined into a page.

mod calibration;
mod corp;
mod history;

pub use calibration::{calibration_svg, CalBin, CalibrationSeries};
pub use corp::{corp_svg, CorpSeries};
pub use history::{history_svg, HistorySeries};

/// How many series one chart can tell apart (8 colours, then the same colours again with
/// a different marker shape and dash pattern).
pub const MAX_SERIES: usize = 16;

/// Why a chart could not be drawn. Every variant names the offending series by label.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChartError {
    /// More series than the chart can keep apart by colour and marker.
    #[error("{count} series is more than a chart can tell apart (at most {max})")]
    TooManySeries { count: usize, max: usize },
    /// A number that cannot be drawn: not finite, out of its range, or an inverted interval.
    #[error("series {series:?}: {detail}")]
    InvalidData { series: String, detail: String },
}

/// Width of both charts in SVG user units; the height follows from the content.
const WIDTH: f64 = 640.0;
/// Room left of the plot for the y tick labels and the rotated axis title.
const LEFT: f64 = 66.0;
/// Room right of the plot.
const RIGHT: f64 = 22.0;
/// Font size of tick labels, legend entries and notes.
const SMALL: f64 = 11.0;
/// Font size of the title.
const TITLE_SIZE: f64 = 15.0;
/// Height of one title line.
const TITLE_LINE: f64 = 20.0;
/// Height of one legend row.
const LEGEND_ROW: f64 = 20.0;
/// Title lines wrap at this many characters (about the width of the picture at 15 px).
const TITLE_WRAP: usize = 76;
/// Legend labels longer than this are cut with an ellipsis; the full text stays in a
/// `<title>` tooltip.
const LABEL_MAX: usize = 70;
/// Values this close outside their range (rounding noise) are clamped instead of rejected.
const EPS: f64 = 1e-9;
/// Colour of axis lines and text.
const INK: &str = "#222222";
/// Colour of grid lines.
const GRID: &str = "#e3e3e3";
/// Colour of the reference lines (diagonal, "always 50%").
const REFERENCE: &str = "#888888";
const FONT_FAMILY: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/// The Okabe–Ito palette, chosen because it stays distinguishable for the common forms of
/// colour blindness (Okabe & Ito 2008, "Color Universal Design",
/// https://jfly.uni-koeln.de/color/). Reordered so the weakest colour on white (yellow)
/// comes last.
const PALETTE: [&str; 8] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
];

/// Dash patterns for lines, so that lines differ even in a grey print.
const DASHES: [&str; 8] = [
    "", "6 3", "2 2", "8 3 2 3", "10 4", "3 3 3 6", "1 3", "12 3 3 3",
];

/// Marker shapes; each series gets a different one from its neighbours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    Circle,
    Square,
    TriangleUp,
    Diamond,
    TriangleDown,
    Plus,
    Cross,
    Hexagon,
}

const MARKERS: [Marker; 8] = [
    Marker::Circle,
    Marker::Square,
    Marker::TriangleUp,
    Marker::Diamond,
    Marker::TriangleDown,
    Marker::Plus,
    Marker::Cross,
    Marker::Hexagon,
];

/// How one series is drawn.
#[derive(Debug, Clone, Copy)]
struct Style {
    colour: &'static str,
    marker: Marker,
    dash: &'static str,
}

/// The style of series `index`. The first 8 series use colour i with marker i; the next 8
/// reuse the colours with the markers and dashes shifted by 3, so no two of the first
/// [`MAX_SERIES`] share both colour and marker.
fn style(index: usize) -> Style {
    let colour = index % PALETTE.len();
    let round = index / PALETTE.len();
    let shape = (colour + 3 * round) % MARKERS.len();
    Style {
        colour: PALETTE[colour],
        marker: MARKERS[shape],
        dash: DASHES[shape],
    }
}

fn check_series_count(count: usize) -> Result<(), ChartError> {
    if count > MAX_SERIES {
        return Err(ChartError::TooManySeries {
            count,
            max: MAX_SERIES,
        });
    }
    Ok(())
}

/// Escapes text for XML content and attribute values. Control characters other than tab and line breaks, which XML 1.0 or HTML do not
/// allow, and U+FFFE/U+FFFF become U+FFFD, so hostile input can never break the document.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Cuts `text` to at most `max` characters, ending with an ellipsis when it was cut.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Splits `text` into lines of at most `width` characters at spaces; a word longer than a
/// line is split inside. Line breaks and other whitespace count as spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_len = 0;
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > width {
            if line_len > 0 {
                lines.push(std::mem::take(&mut line));
                line_len = 0;
            }
            let rest = word.split_off(width);
            lines.push(word.into_iter().collect());
            word = rest;
        }
        if word.is_empty() {
            continue;
        }
        if line_len > 0 && line_len + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
            line_len = 0;
        }
        if line_len > 0 {
            line.push(' ');
            line_len += 1;
        }
        line_len += word.len();
        line.extend(word);
    }
    if line_len > 0 {
        lines.push(line);
    }
    lines
}

/// Formats a coordinate with at most two decimals and no trailing zeros, so the output is
/// short and the same on every run. Never prints `-0` or a non-finite value.
fn num(value: f64) -> String {
    if !value.is_finite() {
        return "0".to_string();
    }
    let text = format!("{:.2}", value);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    match text {
        "-0" | "" => "0".to_string(),
        t => t.to_string(),
    }
}

/// Formats a share (0..1) as a percentage with `decimals` decimals, trailing zeros dropped.
fn pct(share: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, share * 100.0);
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text.as_str()
    };
    let text = if text == "-0" { "0" } else { text };
    format!("{text}%")
}

/// Formats a count that may be fractional (weights under the time-averaged rule).
fn count(value: f64) -> String {
    if (value - value.round()).abs() < 1e-9 {
        format!("{:.0}", value)
    } else {
        format!("{:.2}", value)
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

/// A linear axis with round tick values.
#[derive(Debug, Clone, PartialEq)]
struct Axis {
    lo: f64,
    hi: f64,
    step: f64,
    decimals: usize,
}

impl Axis {
    /// A round axis covering `lo..=hi` with about `target` intervals, or `None` when the
    /// numbers are too large to step through.
    fn nice(lo: f64, hi: f64, target: usize) -> Option<Axis> {
        if !lo.is_finite() || !hi.is_finite() || lo > hi {
            return None;
        }
        let span = hi - lo;
        if !span.is_finite() {
            return None;
        }
        let scale = lo.abs().max(hi.abs());
        let (lo, hi) = if span <= (scale * 1e-9).max(1e-12) {
            // Flat data still needs a visible axis around its value.
            let pad = if scale < 1e-9 { 1.0 } else { scale / 2.0 };
            (lo - pad, hi + pad)
        } else {
            (lo, hi)
        };
        let raw = (hi - lo) / target.max(1) as f64;
        let exponent = raw.log10().floor();
        if !exponent.is_finite() || exponent.abs() > 300.0 {
            return None;
        }
        // Powers of ten as integer powers (exact up to 1e22), divided rather than
        // multiplied for negative exponents, so a step of 0.05 is exactly 5 / 100.
        let power = 10f64.powi(exponent.abs() as i32);
        let scale_by = |m: f64| if exponent < 0.0 { m / power } else { m * power };
        let fraction = raw / scale_by(1.0);
        // The usual 1-2-2.5-5-10 progression of round steps.
        let (mantissa, extra) = if fraction <= 1.0 {
            (1.0, 0)
        } else if fraction <= 2.0 {
            (2.0, 0)
        } else if fraction <= 2.5 {
            (2.5, 1)
        } else if fraction <= 5.0 {
            (5.0, 0)
        } else {
            (10.0, 0)
        };
        let step = scale_by(mantissa);
        let axis_lo = (lo / step).floor() * step;
        let axis_hi = (hi / step).ceil() * step;
        if !step.is_finite() || step <= 0.0 || !axis_lo.is_finite() || !axis_hi.is_finite() {
            return None;
        }
        let whole = if mantissa == 10.0 {
            exponent + 1.0
        } else {
            exponent
        };
        let decimals = if whole < 0.0 {
            (-whole) as usize + extra
        } else {
            extra.saturating_sub(whole as usize)
        };
        Some(Axis {
            lo: axis_lo,
            hi: axis_hi,
            step,
            decimals: decimals.min(12),
        })
    }

    /// The tick values from `lo` to `hi`, computed by multiplication so rounding errors do
    /// not pile up.
    fn ticks(&self) -> Vec<f64> {
        let intervals = ((self.hi - self.lo) / self.step).round();
        let intervals = if intervals.is_finite() && intervals >= 0.0 {
            (intervals as usize).min(100)
        } else {
            0
        };
        (0..=intervals)
            .map(|i| self.lo + i as f64 * self.step)
            .collect()
    }

    fn label(&self, value: f64) -> String {
        let text = format!("{:.*}", self.decimals, value);
        if text
            .trim_start_matches('-')
            .chars()
            .all(|c| c == '0' || c == '.')
        {
            // Avoid "-0.00" for a value that is zero up to rounding.
            return format!("{:.*}", self.decimals, 0.0);
        }
        text
    }

    /// Position of `value` as a share of the axis length (0 at `lo`, 1 at `hi`).
    fn frac(&self, value: f64) -> f64 {
        let span = self.hi - self.lo;
        if span > 0.0 {
            (value - self.lo) / span
        } else {
            0.0
        }
    }
}

/// How a line is drawn: colour, width and dash pattern (empty for solid).
#[derive(Debug, Clone, Copy)]
struct Stroke<'a> {
    colour: &'a str,
    width: f64,
    dash: &'a str,
}

impl<'a> Stroke<'a> {
    const GRID: Stroke<'static> = Stroke {
        colour: GRID,
        width: 1.0,
        dash: "",
    };

    fn solid(colour: &'a str, width: f64) -> Stroke<'a> {
        Stroke {
            colour,
            width,
            dash: "",
        }
    }
}

/// The SVG text being built. Writing to a `String` cannot fail, so the methods return
/// nothing.
struct Svg {
    buf: String,
}

impl Svg {
    /// Starts a document of the given height with an accessible name and description.
    fn new(height: f64, title: &str, description: &str) -> Svg {
        let mut buf = String::new();
        buf.push_str(&format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"hindsight-chart\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" font-family=\"{font}\" font-size=\"{size}\">\n",
            w = num(WIDTH),
            h = num(height),
            font = escape(FONT_FAMILY),
            size = num(SMALL),
        ));
        buf.push_str(&format!("<title>{}</title>\n", escape(title)));
        buf.push_str(&format!("<desc>{}</desc>\n", escape(description)));
        buf.push_str(&format!(
            "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n",
            num(WIDTH),
            num(height)
        ));
        Svg { buf }
    }

    fn raw(&mut self, text: &str) {
        self.buf.push_str(text);
    }

    fn open_group(&mut self, class: &str) {
        self.buf
            .push_str(&format!("<g class=\"{}\">\n", escape(class)));
    }

    fn close_group(&mut self) {
        self.buf.push_str("</g>\n");
    }

    /// A `<title>` child: a tooltip for the enclosing group.
    fn tooltip(&mut self, text: &str) {
        self.buf
            .push_str(&format!("<title>{}</title>\n", escape(text)));
    }

    fn line(&mut self, from: (f64, f64), to: (f64, f64), stroke: Stroke<'_>) {
        let dash = if stroke.dash.is_empty() {
            String::new()
        } else {
            format!(" stroke-dasharray=\"{}\"", stroke.dash)
        };
        self.buf.push_str(&format!(
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{dash}/>\n",
            num(from.0),
            num(from.1),
            num(to.0),
            num(to.1),
            stroke.colour,
            num(stroke.width)
        ));
    }

    /// A rectangle with its top left corner at `at`; a negative size draws nothing wider
    /// than zero.
    fn rect(&mut self, class: &str, at: (f64, f64), size: (f64, f64), fill: &str, stroke: &str) {
        let class = if class.is_empty() {
            String::new()
        } else {
            format!(" class=\"{}\"", escape(class))
        };
        self.buf.push_str(&format!(
            "<rect{class} x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"{stroke}\"/>\n",
            num(at.0),
            num(at.1),
            num(size.0.max(0.0)),
            num(size.1.max(0.0))
        ));
    }

    /// A polyline through `points`, drawn only when there are at least two.
    fn polyline(&mut self, class: &str, points: &[(f64, f64)], style: &Style, width: f64) {
        if points.len() < 2 {
            return;
        }
        let coords: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
            .collect();
        let dash = if style.dash.is_empty() {
            String::new()
        } else {
            format!(" stroke-dasharray=\"{}\"", style.dash)
        };
        self.buf.push_str(&format!(
            "<polyline class=\"{}\" points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\" stroke-linejoin=\"round\"{dash}/>\n",
            escape(class),
            coords.join(" "),
            style.colour,
            num(width)
        ));
    }

    /// Text at (x, y); `anchor` is `start`, `middle` or `end`. `extra` holds further
    /// attributes that the caller built from trusted values.
    fn text(&mut self, x: f64, y: f64, anchor: &str, content: &str, extra: &str) {
        self.buf.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" fill=\"{INK}\"{extra}>{}</text>\n",
            num(x),
            num(y),
            escape(content)
        ));
    }

    /// Text rotated to read upwards, centred on (x, y): the usual y axis title.
    fn vertical_text(&mut self, x: f64, y: f64, content: &str) {
        let extra = format!(" transform=\"rotate(-90 {} {})\"", num(x), num(y));
        self.text(x, y, "middle", content, &extra);
    }

    /// A marker of the series' shape centred on (x, y).
    fn marker(&mut self, class: &str, x: f64, y: f64, style: &Style) {
        let class = if class.is_empty() {
            String::new()
        } else {
            format!(" class=\"{}\"", escape(class))
        };
        self.buf.push_str(&format!(
            "<path{class} d=\"{}\" fill=\"{}\" stroke=\"{INK}\" stroke-width=\"0.8\"/>\n",
            marker_path(style.marker, x, y),
            style.colour
        ));
    }

    fn finish(mut self) -> String {
        self.buf.push_str("</svg>\n");
        self.buf
    }
}

/// Path data for a marker centred on (x, y), about 10 units across.
fn marker_path(marker: Marker, x: f64, y: f64) -> String {
    // Offsets are written out (not computed with sin/cos) so every platform prints the
    // same digits.
    let poly = |offsets: &[(f64, f64)]| -> String {
        let mut d = String::new();
        for (i, (dx, dy)) in offsets.iter().enumerate() {
            d.push_str(if i == 0 { "M" } else { " L" });
            d.push_str(&format!("{},{}", num(x + dx), num(y + dy)));
        }
        d.push_str(" Z");
        d
    };
    match marker {
        Marker::Circle => format!(
            "M{},{} a5,5 0 1,0 10,0 a5,5 0 1,0 -10,0 Z",
            num(x - 5.0),
            num(y)
        ),
        Marker::Square => poly(&[(-4.2, -4.2), (4.2, -4.2), (4.2, 4.2), (-4.2, 4.2)]),
        Marker::TriangleUp => poly(&[(0.0, -5.6), (5.2, 3.6), (-5.2, 3.6)]),
        Marker::Diamond => poly(&[(0.0, -5.6), (5.0, 0.0), (0.0, 5.6), (-5.0, 0.0)]),
        Marker::TriangleDown => poly(&[(0.0, 5.6), (5.2, -3.6), (-5.2, -3.6)]),
        Marker::Plus => poly(&[
            (-1.8, -5.4),
            (1.8, -5.4),
            (1.8, -1.8),
            (5.4, -1.8),
            (5.4, 1.8),
            (1.8, 1.8),
            (1.8, 5.4),
            (-1.8, 5.4),
            (-1.8, 1.8),
            (-5.4, 1.8),
            (-5.4, -1.8),
            (-1.8, -1.8),
        ]),
        // The plus turned by 45 degrees.
        Marker::Cross => poly(&[
            (-2.55, -5.09),
            (0.0, -2.55),
            (2.55, -5.09),
            (5.09, -2.55),
            (2.55, 0.0),
            (5.09, 2.55),
            (2.55, 5.09),
            (0.0, 2.55),
            (-2.55, 5.09),
            (-5.09, 2.55),
            (-2.55, 0.0),
            (-5.09, -2.55),
        ]),
        Marker::Hexagon => poly(&[
            (0.0, -5.2),
            (4.5, -2.6),
            (4.5, 2.6),
            (0.0, 5.2),
            (-4.5, 2.6),
            (-4.5, -2.6),
        ]),
    }
}

/// One row of a legend.
struct LegendEntry<'a> {
    /// Class of the row's group, e.g. `legend-entry legend-0`.
    class: String,
    label: &'a str,
    kind: LegendKind,
}

/// The legend rows of a chart: one per series label, in order, then the reference
/// line's row when it has one.
fn legend_entries<'a>(
    labels: impl Iterator<Item = &'a str>,
    reference: Option<&'a str>,
) -> Vec<LegendEntry<'a>> {
    labels
        .enumerate()
        .map(|(i, label)| LegendEntry {
            class: format!("legend-entry legend-{i}"),
            label,
            kind: LegendKind::Series(style(i)),
        })
        .chain(reference.map(|label| LegendEntry {
            class: "legend-entry legend-reference".to_string(),
            label,
            kind: LegendKind::Reference,
        }))
        .collect()
}

enum LegendKind {
    /// A series: line sample in its colour and dash, with its marker on top.
    Series(Style),
    /// A reference line: grey dashed.
    Reference,
}

/// Draws the title lines starting at `top` and returns the y below them.
fn draw_title(svg: &mut Svg, lines: &[String], top: f64) -> f64 {
    let mut y = top;
    svg.open_group("chart-title");
    for line in lines {
        y += TITLE_LINE;
        svg.text(
            WIDTH / 2.0,
            y - 5.0,
            "middle",
            line,
            &format!(" font-size=\"{}\" font-weight=\"bold\"", num(TITLE_SIZE)),
        );
    }
    svg.close_group();
    y
}

/// Draws the legend as one row per entry starting at `top`, returns the y below it.
fn draw_legend(svg: &mut Svg, entries: &[LegendEntry<'_>], top: f64) -> f64 {
    let mut y = top;
    svg.open_group("legend");
    for entry in entries {
        let mid = y + LEGEND_ROW / 2.0;
        svg.open_group(&entry.class);
        if entry.label.chars().count() > LABEL_MAX {
            svg.tooltip(entry.label);
        }
        match &entry.kind {
            LegendKind::Series(style) => {
                svg.line(
                    (LEFT, mid),
                    (LEFT + 28.0, mid),
                    Stroke {
                        colour: style.colour,
                        width: 2.0,
                        dash: style.dash,
                    },
                );
                svg.marker("", LEFT + 14.0, mid, style);
            }
            LegendKind::Reference => {
                svg.line(
                    (LEFT, mid),
                    (LEFT + 28.0, mid),
                    Stroke {
                        colour: REFERENCE,
                        width: 1.2,
                        dash: "5 4",
                    },
                );
            }
        }
        svg.text(
            LEFT + 38.0,
            mid + SMALL * 0.35,
            "start",
            &truncate(entry.label, LABEL_MAX),
            "",
        );
        svg.close_group();
        y += LEGEND_ROW;
    }
    svg.close_group();
    y
}

/// A title that is empty or only whitespace still gets a line, so the layout is stable.
fn title_lines(title: &str) -> Vec<String> {
    let lines = wrap(title, TITLE_WRAP);
    if lines.is_empty() {
        vec![String::new()]
    } else {
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escape_covers_markup_and_forbidden_characters() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(
            escape("a\u{0}b\u{1b}c\u{FFFF}"),
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}"
        );
        assert_eq!(escape("tab\tnew\nline"), "tab\tnew\nline");
    }

    #[test]
    fn num_rounds_trims_and_never_prints_minus_zero() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.5), "1.5");
        assert_eq!(num(1.234), "1.23");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(100.0), "100");
        assert_eq!(num(f64::NAN), "0");
    }

    #[test]
    fn pct_and_count_formats() {
        assert_eq!(pct(0.4, 0), "40%");
        assert_eq!(pct(0.375, 1), "37.5%");
        assert_eq!(pct(0.5, 1), "50%");
        assert_eq!(pct(-0.0, 1), "0%");
        assert_eq!(count(12.0), "12");
        assert_eq!(count(2.5), "2.5");
        assert_eq!(count(1.0 / 3.0), "0.33");
    }

    #[test]
    fn wrap_breaks_at_spaces_and_splits_long_words() {
        assert_eq!(wrap("aa bb cc", 5), vec!["aa bb", "cc"]);
        assert_eq!(wrap("abcdefgh ij", 3), vec!["abc", "def", "gh", "ij"]);
        assert_eq!(wrap("  \n ", 10), Vec::<String>::new());
        assert_eq!(wrap("one\ntwo", 20), vec!["one two"]);
    }

    #[test]
    fn truncate_counts_characters_not_bytes() {
        assert_eq!(truncate("äöü", 3), "äöü");
        assert_eq!(truncate("äöüß", 3), "äö…");
    }

    #[test]
    fn styles_of_the_first_sixteen_series_differ() {
        let mut seen = std::collections::BTreeSet::new();
        for i in 0..MAX_SERIES {
            let s = style(i);
            let shape = MARKERS.iter().position(|m| *m == s.marker).unwrap_or(99);
            assert!(seen.insert((s.colour, shape)), "series {i} repeats a style");
        }
        // The first eight differ in colour and in marker.
        for i in 0..8 {
            for j in 0..i {
                assert_ne!(style(i).colour, style(j).colour);
                assert_ne!(style(i).marker, style(j).marker);
            }
        }
    }

    #[test]
    fn nice_axis_examples() {
        let a = Axis::nice(0.0, 0.23, 5).unwrap();
        assert_eq!((a.lo, a.step), (0.0, 0.05));
        assert!((a.hi - 0.25).abs() < 1e-12);
        assert_eq!(a.label(0.1), "0.10");
        assert_eq!(a.ticks().len(), 6);

        let a = Axis::nice(0.0, 37.0, 4).unwrap();
        assert_eq!((a.lo, a.hi, a.step), (0.0, 40.0, 10.0));
        assert_eq!(a.label(20.0), "20");

        let a = Axis::nice(0.0, 0.6, 5).unwrap();
        assert_eq!(a.step, 0.2);
        assert_eq!(a.label(0.4), "0.4");

        let a = Axis::nice(0.0, 11.0, 5).unwrap();
        assert_eq!(a.step, 2.5);
        assert_eq!(a.label(2.5), "2.5");
        assert!((a.hi - 12.5).abs() < 1e-12);

        // Flat data gets padding instead of a zero-length axis.
        let a = Axis::nice(0.0, 0.0, 4).unwrap();
        assert!(a.lo < 0.0 && a.hi > 0.0);

        assert_eq!(Axis::nice(-f64::MAX, f64::MAX, 5), None);
        assert_eq!(Axis::nice(0.0, f64::NAN, 5), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn nice_axis_covers_its_input(lo in -1e6f64..1e6, span in 0f64..1e6, target in 1usize..10) {
            let hi = lo + span;
            let axis = Axis::nice(lo, hi, target).unwrap();
            let tolerance = 1e-9 * (1.0 + lo.abs().max(hi.abs()));
            prop_assert!(axis.lo <= lo + tolerance && axis.hi >= hi - tolerance);
            let ticks = axis.ticks();
            prop_assert!(ticks.len() >= 2 && ticks.len() <= 4 * target + 3);
        }

        #[test]
        fn escaped_text_parses_back_to_itself(text in any::<String>()) {
            let doc = format!("<t a=\"{0}\">{0}</t>", escape(&text));
            let parsed = roxmltree::Document::parse(&doc);
            prop_assert!(parsed.is_ok());
            let expected: String = text
                .chars()
                .map(|c| match c {
                    '\t' | '\n' | '\r' => c,
                    c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
                    c => c,
                })
                .collect();
            if let Ok(doc) = parsed {
                // XML parsers normalise line ends in content, so compare without CR.
                let content = doc.root_element().text().unwrap_or("").to_string();
                prop_assert_eq!(content.replace('\r', ""), expected.replace("\r\n", "\n").replace('\r', "\n"));
            }
        }

        #[test]
        fn wrap_keeps_every_word_and_respects_width(text in "[a-z ]{0,200}", width in 1usize..40) {
            let lines = wrap(&text, width);
            for line in &lines {
                prop_assert!(line.chars().count() <= width);
            }
            let joined: String = lines.concat().chars().filter(|c| *c != ' ').collect();
            let original: String = text.chars().filter(|c| *c != ' ').collect();
            prop_assert_eq!(joined, original);
        }
    }
}
