//! `hindsight review`: the due claims one at a time, most overdue first, each with what
//! `show` says about it; one keystroke answers (yes, no, ambiguous, annulled, skip,
//! postpone, quit). Every answer is recorded at once, in its own transaction, through the
//! same code as `resolve` and `postpone`, so quitting half-way loses nothing.

use std::io::IsTerminal;

use clap::Args;
use dialoguer::console::Term;
use dialoguer::Input;

use super::due::{lateness, Selection};
use super::Ctx;
use crate::domain::{parse, Outcome, Resolution};
use crate::error::one_line;
use crate::error::Refused;

#[derive(Debug, Args)]
pub struct ReviewArgs {
    #[command(flatten)]
    pub select: Selection,
}

/// What the user answered about one claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Resolve(Outcome),
    Skip,
    Postpone,
    Quit,
}

/// The prompt's list of answers, in the letters [`answer`] reads.
pub const ANSWERS: &str = "[y]es [n]o [a]mbiguous annulled[x] [s]kip [p]ostpone [q]uit";

/// Reads an answer: its letter or its whole word, in any case.
pub fn answer(s: &str) -> Option<Answer> {
    Some(match s.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Answer::Resolve(Outcome::Yes),
        "n" | "no" => Answer::Resolve(Outcome::No),
        "a" | "ambiguous" => Answer::Resolve(Outcome::Ambiguous),
        "x" | "annulled" => Answer::Resolve(Outcome::Annulled),
        "s" | "skip" => Answer::Skip,
        "p" | "postpone" => Answer::Postpone,
        "q" | "quit" => Answer::Quit,
        _ => return None,
    })
}

/// Splits "URL and/or note": a first word with "://" in it is the evidence URL, the rest
/// (or all of it) the note. Empty parts are None.
pub fn evidence_and_note(s: &str) -> (Option<String>, Option<String>) {
    let s = s.trim();
    let (first, rest) = s.split_once(char::is_whitespace).unwrap_or((s, ""));
    let none_if_empty = |t: &str| Some(t.trim().to_string()).filter(|t| !t.is_empty());
    if first.contains("://") {
        (none_if_empty(first), none_if_empty(rest))
    } else {
        (None, none_if_empty(s))
    }
}

#[derive(Default)]
struct Tally {
    resolved: usize,
    skipped: usize,
    postponed: usize,
}

fn ask(term: &Term, prompt: &str) -> std::io::Result<String> {
    Input::<String>::new()
        .with_prompt(prompt)
        .allow_empty(true)
        .interact_text_on(term)
        .map_err(|dialoguer::Error::IO(e)| e)
}

pub fn run(a: ReviewArgs, ctx: &Ctx) -> anyhow::Result<()> {
    if !std::io::stdin().is_terminal() {
        return Err(Refused(
            "review: standard input is not a terminal, and review asks a question per claim; \
             in a script, find the due claims with `hindsight due` and record each with \
             `hindsight resolve KEY OUTCOME`"
                .to_string(),
        )
        .into());
    }
    let today = ctx.today();
    let filter = a.select.filter(today)?;
    let mut store = ctx.open()?;
    let queue = {
        let db = store.read()?;
        crate::ledger::check_filters(&db, filter.source.as_deref(), filter.tag.as_deref(), &[])?;
        db.list(&filter)?
    };
    let term = Term::stderr();
    if queue.is_empty() {
        term.write_line("nothing is due")?;
        return Ok(());
    }
    let mut tally = Tally::default();
    let total = queue.len();
    'claims: for (i, row) in queue.iter().enumerate() {
        let shown = super::show::load(&*store.read()?, &row.key, ctx)?;
        term.write_line(&format!(
            "\n── {}/{total} ── {} ({})",
            i + 1,
            row.key,
            lateness(row.resolve_by, today)
        ))?;
        term.write_line(&super::show::human(&shown))?;
        loop {
            let reply = match ask(&term, ANSWERS) {
                Ok(r) => r,
                // End of input or Ctrl-C: everything answered so far is recorded.
                Err(_) => break 'claims,
            };
            let outcome = match answer(&reply) {
                None => {
                    term.write_line(&format!(
                        "'{}' is not an answer; expected one of {ANSWERS}",
                        reply.trim()
                    ))?;
                    continue;
                }
                Some(Answer::Quit) => break 'claims,
                Some(Answer::Skip) => {
                    tally.skipped += 1;
                    continue 'claims;
                }
                Some(Answer::Postpone) => {
                    let Ok(to) = ask(&term, "new resolve-by date (YYYY-MM-DD or +30d, +6m…)")
                    else {
                        break 'claims;
                    };
                    let Ok(note) = ask(&term, "note (Enter for none)") else {
                        break 'claims;
                    };
                    let note = Some(note.trim().to_string()).filter(|n| !n.is_empty());
                    match super::postpone::postpone(&mut store, ctx, &row.key, to.trim(), note) {
                        Ok(msg) => {
                            term.write_line(&msg)?;
                            tally.postponed += 1;
                            continue 'claims;
                        }
                        Err(e) => {
                            term.write_line(&format!("not postponed: {}", one_line(&e)))?;
                            continue;
                        }
                    }
                }
                Some(Answer::Resolve(o)) => o,
            };
            let Ok(extra) = ask(&term, "evidence URL and/or note (Enter for none)") else {
                break 'claims;
            };
            let (evidence, note) = evidence_and_note(&extra);
            let resolution = Resolution {
                claim: row.key.clone(),
                outcome,
                resolved_on: today,
                evidence,
                note,
                recorded_at: ctx.now,
                recorded_by: None,
            };
            term.write_line(&super::resolve::record(&mut store, &resolution)?)?;
            tally.resolved += 1;
            continue 'claims;
        }
    }
    let answered = tally.resolved + tally.skipped + tally.postponed;
    term.write_line(&format!(
        "\nreviewed {answered} of {total}: {} resolved, {} postponed, {} skipped; {} still due (as of {})",
        tally.resolved,
        tally.postponed,
        tally.skipped,
        total - tally.resolved - tally.postponed,
        parse::format_date(today)
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_by_letter_or_word() {
        assert_eq!(answer("y"), Some(Answer::Resolve(Outcome::Yes)));
        assert_eq!(answer(" NO "), Some(Answer::Resolve(Outcome::No)));
        assert_eq!(answer("x"), Some(Answer::Resolve(Outcome::Annulled)));
        assert_eq!(answer("annulled"), Some(Answer::Resolve(Outcome::Annulled)));
        assert_eq!(answer("a"), Some(Answer::Resolve(Outcome::Ambiguous)));
        assert_eq!(answer("s"), Some(Answer::Skip));
        assert_eq!(answer("p"), Some(Answer::Postpone));
        assert_eq!(answer("q"), Some(Answer::Quit));
        for bad in ["", "maybe", "yy", "?"] {
            assert_eq!(answer(bad), None, "{bad}");
        }
        // Every letter the prompt shows is one `answer` reads.
        for letter in ["y", "n", "a", "x", "s", "p", "q"] {
            assert!(
                ANSWERS.contains(&format!("[{letter}]")) || ANSWERS.contains(&format!("{letter}]"))
            );
            assert!(answer(letter).is_some());
        }
    }

    #[test]
    fn evidence_is_a_leading_url() {
        assert_eq!(evidence_and_note(""), (None, None));
        assert_eq!(
            evidence_and_note("https://example.org/a  as reported "),
            (
                Some("https://example.org/a".into()),
                Some("as reported".into())
            )
        );
        assert_eq!(
            evidence_and_note("https://example.org/a"),
            (Some("https://example.org/a".into()), None)
        );
        assert_eq!(
            evidence_and_note("the minister said so"),
            (None, Some("the minister said so".into()))
        );
    }
}
