//! Tests of the whole extractor: each cue kind, the conditional split, reported speech, the kinds of
//! sentence that must not be proposed, the seed article, the fixture articles (precision and recall)
//! and property tests on arbitrary input.
//!
//! # Fixture format
//!
//! `tests/fixtures/articles/NAME.txt` is an article written for these tests; `NAME.expected` lists the
//! predictions a careful reader would record from it, one per line:
//!
//! ```text
//! # a comment
//! published: 2024-03-12          (required once: the publication date passed to `extract`)
//! cut rates, twice               (comma-separated keywords, all of which must occur, case-insensitively,
//!                                 in the statement of one candidate)
//! condition: wage growth, easing (the same, and the candidate must be flagged `condition_of`)
//! hedge: full term               (the same, and the candidate must be flagged `hedge_only`)
//! not: pressure, increase         (a look-alike: a forward-looking sentence that is not a checkable
//!                                 prediction; "shown" when a candidate's statement has the keywords)
//! ```
//!
//! Recall = predictions matched by some candidate shown / predictions; precision = candidates shown
//! that match a prediction / candidates shown; look-alike rate = look-alikes shown / look-alikes.
//! "Shown" means at the default `--min-score` (and also reported with `--all`).
//! `tests/fixtures/articles/holdout/` holds the articles never tuned on.

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

fn run(text: &str) -> Vec<Candidate> {
    extract(text, d(2015, 5, 26), &Lexicon::builtin())
}

/// The only candidate of `text` (fails the test otherwise).
fn one(text: &str) -> Candidate {
    let c = run(text);
    assert_eq!(
        c.len(),
        1,
        "expected one candidate for {text:?}, got {c:#?}"
    );
    c.into_iter().next().unwrap_or_else(|| unreachable!())
}

fn kinds(c: &Candidate) -> Vec<CueKind> {
    c.cues.iter().map(|x| x.kind).collect()
}

// ---- cue kinds -------------------------------------------------------------------------------

#[test]
fn future_forms() {
    for s in [
        "The company will close the plant in 2016.",
        "Officials say the plant is going to close next year.",
        "The bank is to cut 500 jobs by March.",
        "The mine is about to close.",
        "Prices shall fall, the minister said.",
    ] {
        let c = one(s);
        assert!(kinds(&c).contains(&CueKind::Future), "{s}: {:?}", c.cues);
    }
    let c = one("The company will close the plant in 2016.");
    assert_eq!(c.p, Some(0.97));
    assert_eq!(c.resolve_by, d(2016, 12, 31));
    assert_eq!(c.horizon_text.as_deref(), Some("in 2016"));
    assert!(!c.has_flag(flags::HORIZON_INFERRED));
}

#[test]
fn modal_verbs() {
    let c = one("The recession could deepen next year.");
    assert!(kinds(&c).contains(&CueKind::Modal));
    assert_eq!(c.p, Some(0.40));
    let c = one("Talks might collapse within weeks.");
    assert_eq!(c.p, Some(0.40));
    assert!(c.has_flag(flags::HORIZON_INFERRED));
    let c = one("The strike may well spread to other ports.");
    assert_eq!(
        c.phrase.as_ref().map(|p| p.entry.as_str()),
        Some("may well")
    );
    assert_eq!(c.p, Some(0.55));
}

#[test]
fn semi_modal_predicates() {
    for (s, p) in [
        ("Inflation is expected to ease in the autumn.", 0.70),
        ("The party is likely to win the vote.", 0.70),
        ("The merger is set to close in June.", 0.80),
        ("The firm is poised to overtake its rival.", 0.80),
        ("The court is due to rule on Friday.", 0.80),
        ("Exports are on track to hit a record.", 0.80),
    ] {
        let c = one(s);
        assert!(kinds(&c).contains(&CueKind::SemiModal), "{s}: {:?}", c.cues);
        assert_eq!(c.p, Some(p), "{s}");
    }
}

#[test]
fn prediction_verbs() {
    let c = one("Analysts predict a sharp fall in oil prices.");
    assert!(kinds(&c).contains(&CueKind::PredictionVerb));
    assert_eq!(c.p, Some(0.70));
    assert_eq!(c.speaker.as_deref(), Some("Analysts"));
    let c = one("Economists expect the central bank to cut rates twice next year.");
    assert_eq!(
        c.statement,
        "the central bank will cut rates twice next year"
    );
    assert_eq!(c.resolve_by, d(2016, 12, 31));
    // "doubt" keeps its measured value 0.25 for the positive complement.
    let c = one("Some analysts doubt the reform will pass.");
    assert_eq!(c.statement, "the reform will pass");
    assert_eq!(c.p, Some(0.25));
    assert!(!c.has_flag(flags::NEGATED));
}

#[test]
fn estimative_adverbs_and_phrases() {
    let c = one("The deal will almost certainly be signed by December.");
    assert_eq!(
        c.phrase.as_ref().map(|p| p.entry.as_str()),
        Some("almost certainly")
    );
    assert_eq!(c.p, Some(0.95));
    assert!(kinds(&c).contains(&CueKind::Estimative));
    let c = one("There is a good chance that the treaty will be ratified.");
    assert_eq!(c.p, Some(0.80));
    // An intensifier moves "likely" one rung out (0.70 -> 0.80).
    let c = one("Rates are extremely likely to rise.");
    assert_eq!(c.p, Some(0.80));
    assert_eq!(
        c.phrase.as_ref().map(|p| p.text.as_str()),
        Some("extremely likely")
    );
    // Without a future cue an estimative adverb makes no forecast.
    assert!(run("He is probably right about the past.").is_empty());
}

#[test]
fn negation_uses_measured_rows() {
    // "won't" = the measured "never" row (0.00) clamped to 0.03; the statement says "won't".
    let c = one("Sanctions won't be lifted this year.");
    assert_eq!(c.phrase.as_ref().map(|p| p.point), Some(0.03));
    assert_eq!(c.p, Some(0.97));
    assert!(c.has_flag(flags::NEGATED));
    assert!(kinds(&c).contains(&CueKind::Negation));
    // "unlikely" = 0.20 measured (not 1 - 0.70); the worded claim "X is unlikely to" holds at 0.80.
    let c = one("The bill is unlikely to pass before 2017.");
    assert_eq!(c.phrase.as_ref().map(|p| p.point), Some(0.20));
    assert_eq!(c.p, Some(0.80));
    assert_eq!((c.p_low, c.p_high), (Some(0.7), Some(0.9)));
    // Negation inside a positive forecast: flagged, p of the worded statement.
    let c = one("Analysts expect that the bank will not raise rates.");
    assert_eq!(c.p, Some(0.70));
    assert!(c.has_flag(flags::NEGATED));
    // A negated prediction verb reads as the measured "not expected to" row.
    let c = one("The agency does not expect the virus to reach Europe before spring.");
    assert_eq!(c.p, Some(0.20));
    assert_eq!(c.statement, "the virus will reach Europe before spring");
}

#[test]
fn hedges_are_flagged_without_probability() {
    for s in [
        "It remains to be seen whether the truce will hold.",
        "Only time will tell if the plan works.",
        "It is too early to say whether prices will recover.",
        "Whether the deal survives is anyone's guess.",
    ] {
        let c = one(s);
        assert!(c.has_flag(flags::HEDGE_ONLY), "{s}");
        assert_eq!(c.p, None);
        assert!(kinds(&c).contains(&CueKind::Hedge));
    }
    assert_eq!(
        one("It remains to be seen whether the truce will hold.").statement,
        "the truce will hold"
    );
}

#[test]
fn intentions() {
    let c = one("The government plans to privatise the railways.");
    assert!(kinds(&c).contains(&CueKind::Intention));
    assert!(c.has_flag(flags::LOW_CONFIDENCE));
    assert_eq!(c.p, None);
    // "his promise to" is a noun, not an intention.
    assert!(run("He wants to keep his promise to reset relations.").is_empty());
}

// ---- conditionals --------------------------------------------------------------------------------

#[test]
fn conditional_if_and_when_is_split() {
    let c = run("Kerry said the sanctions would be rolled back \"if and when\" the agreement is implemented.");
    assert_eq!(c.len(), 2, "{c:#?}");
    let (cond, cons) = (&c[0], &c[1]);
    assert_eq!(cond.statement, "the agreement is implemented");
    assert_eq!(cond.quote, "the agreement is implemented");
    assert!(cond.has_flag(flags::CONDITION_OF));
    assert_eq!(cond.p, None);
    assert_eq!(cons.statement, "the sanctions would be rolled back");
    assert_eq!(cons.quote, "the sanctions would be rolled back");
    assert_eq!(cons.condition.as_deref(), Some(cond.id.as_str()));
    assert!(cons.has_flag(flags::CONDITIONAL));
    assert!(cons.has_flag(flags::REPORTED_SPEECH));
    assert_eq!(cons.speaker.as_deref(), Some("Kerry"));
    assert_eq!(cons.p, Some(0.97), "bare 'would' reads as 'will'");
    assert_eq!((cond.id.as_str(), cons.id.as_str()), ("x1", "x2"));
}

#[test]
fn conditional_variants() {
    let c = run("If the talks fail, the strike will spread to the ports.");
    assert_eq!(c.len(), 2);
    assert_eq!(c[0].statement, "the talks fail");
    assert_eq!(c[1].statement, "the strike will spread to the ports");
    let c = run("The union will strike unless the offer improves.");
    assert_eq!(c.len(), 2);
    assert_eq!(c[0].statement, "it is not the case that the offer improves");
    assert_eq!(c[0].quote, "the offer improves");
    let c = run("Once the dam is finished, prices will drop.");
    assert_eq!(c.len(), 2);
    assert_eq!(c[0].statement, "the dam is finished");
    // "even if" concedes; the forecast stands on its own.
    let c = one("Even if talks resume, the ceasefire will collapse.");
    assert!(!c.has_flag(flags::CONDITIONAL));
}

#[test]
fn quote_and_spans_index_the_input() {
    let text =
        "Caf\u{00E9} owners fear the worst.\r\nThe council will ban cars if the pilot succeeds.";
    let c = extract(text, d(2020, 1, 1), &Lexicon::builtin());
    assert_eq!(c.len(), 2);
    let chars: Vec<char> = text.chars().collect();
    for x in &c {
        let s: String = chars[x.span.start..x.span.end].iter().collect();
        assert_eq!(s, x.sentence);
        let q: String = chars[x.quote_span.start..x.quote_span.end].iter().collect();
        assert_eq!(q, x.quote);
        assert!(text.contains(&x.quote));
    }
    assert_eq!(c[1].span.start, 29);
}

// ---- reported speech -------------------------------------------------------------------------------

#[test]
fn reported_speech_records_the_speaker() {
    let c =
        one("US Secretary of State John Kerry said on Tuesday that talks would resume in June.");
    assert_eq!(c.speaker.as_deref(), Some("John Kerry"));
    assert!(c.has_flag(flags::REPORTED_SPEECH));
    assert_eq!(c.statement, "talks would resume in June");
    assert!(kinds(&c).contains(&CueKind::Reporting));
    let c = one("\"Prices will fall by spring,\" said Anna Berg of the housing agency.");
    assert_eq!(c.speaker.as_deref(), Some("Anna Berg"));
    assert_eq!(c.statement, "Prices will fall by spring");
    let c = one("According to the IMF, growth will slow to 2% next year.");
    assert_eq!(c.speaker.as_deref(), Some("IMF"));
    assert_eq!(c.statement, "growth will slow to 2% next year");
}

// ---- not proposed ----------------------------------------------------------------------------------

#[test]
fn past_reports_are_not_proposed() {
    assert!(run("The minister resigned last week after the vote.").is_empty());
    assert!(run("The deal would have collapsed without the loan.").is_empty());
    assert!(run("Sanctions have not worked as well as expected.").is_empty());
}

#[test]
fn recommendations_are_not_proposed() {
    assert!(run("The US should punish Russia for the violation.").is_empty());
    assert!(run("We should expect more of our leaders.").is_empty());
    assert!(run("The government must act before the deadline.").is_empty());
    assert!(
        run("Moscow and Washington need to work together to put pressure on the rebels.")
            .is_empty()
    );
    // Epistemic "should": an outcome verb without an object.
    let c = one("The bill should pass easily.");
    assert_eq!(c.p, Some(0.70));
}

#[test]
fn questions_and_present_facts_are_not_proposed() {
    assert!(run("Will the truce hold?").is_empty());
    assert!(run("Kerry's visit to Russia: a sign of a thaw?").is_empty());
    assert!(run("There are a few possible factors that explain the change.").is_empty());
    assert!(run("Putin is more popular today than he was before the crisis.").is_empty());
    assert!(run("It will be prudent to say nothing more than that for now.").is_empty());
    assert!(run("That is not a situation which would please the strategists.").is_empty());
    assert!(run("The will of the people is clear.").is_empty());
    assert!(run("The vote was held in May and turnout was high.").is_empty());
}

// ---- look-alikes of unseen articles (issue 15) -------------------------------------------------------

#[test]
fn obligations_are_not_forecasts() {
    for s in [
        "The council will need to decide whether the bridge is worth saving.",
        "Catching up with the leaders will require far bolder investment.",
        "Ministers will have to rethink the whole scheme next year.",
        "Any such merger would need to be approved by both boards.",
    ] {
        assert!(run(s).is_empty(), "{s}: {:#?}", run(s));
    }
    // A forced concrete outcome and a negated need are still forecasts.
    one("Several schools will have to close their gyms next winter.");
    one("The club will not need to sell its best player.");
}

#[test]
fn recommendations_and_aims_are_not_forecasts() {
    assert!(run("The inquiry must take place before the summer.").is_empty());
    assert!(run("The secret of a good harvest is to plant early.").is_empty());
    assert!(run("The way to win back voters is to lower fares.").is_empty());
}

#[test]
fn raised_or_dismissed_doubts_are_not_forecasts() {
    assert!(run("Critics stoke fears that the bank will ever repay the loan.").is_empty());
    assert!(run("The mayor dismissed claims that the stadium would cost more.").is_empty());
    // A doubt stated by someone is still their forecast.
    one("Some analysts doubt the reform will pass.");
}

#[test]
fn first_person_past_narration_is_not_a_forecast() {
    assert!(run("I had always promised myself that I would climb that hill again.").is_empty());
    assert!(run("We used to tell ourselves we would buy a boat one summer.").is_empty());
    // The writer recalling an earlier forecast of their own: still checkable.
    let c = one(
        "Ten years ago I wrote that before the end of this decade the river port would handle more cargo than the airport.",
    );
    assert!(
        c.statement.contains("river port would handle more cargo"),
        "{}",
        c.statement
    );
    assert_eq!(c.speaker, None);
}

#[test]
fn rule_and_treaty_text_is_not_a_forecast() {
    assert!(
        run("Any shareholder may request a recount in accordance with the statutes.").is_empty()
    );
    assert!(run("Each member state may leave the union.").is_empty());
    assert!(run("A club may appeal under article 9 of the code.").is_empty());
    one("The club may appeal the ruling next week.");
}

#[test]
fn counterfactuals_are_not_forecasts() {
    assert!(
        run("If it were the weather that decided the harvest, the farm would be thriving.")
            .is_empty()
    );
    assert!(
        run("If the council had listened to residents, it would not face a lawsuit now.")
            .is_empty()
    );
    // A future hypothesis stays a conditional forecast.
    let c = run("If prices were to fall further, the mine would close within a year.");
    assert_eq!(c.len(), 2, "{c:#?}");
}

#[test]
fn present_descriptions_are_not_forecasts() {
    assert!(run("The valley is home to dozens of software firms.").is_empty());
}

#[test]
fn vague_trends_rank_below_concrete_dated_claims_and_under_the_default() {
    let vague = one("The pressure on fares will increase.");
    let concrete = one("Fares will rise by 5% in March 2016.");
    assert!(vague.score < DEFAULT_MIN_SCORE, "{}", vague.score);
    assert!(concrete.score > DEFAULT_MIN_SCORE);
    assert!(vague.score < concrete.score);
    let c = one("Divergence between the big economies will be a major theme.");
    assert!(c.score < DEFAULT_MIN_SCORE, "{}", c.score);
}

#[test]
fn a_headline_ranks_below_the_same_claim_in_prose() {
    let head = run("Council set to close the pool in 2016\n\nIt met on Monday.");
    let body = one("The council is set to close the pool in 2016.");
    assert_eq!(head.len(), 1, "{head:#?}");
    assert!(head[0].score < body.score);
}

#[test]
fn ellipses_and_dateline_fragments_are_not_forecasts() {
    assert!(
        run("PORTVILLE - Town budgets are usually boring, but this one will not be.").is_empty()
    );
}

#[test]
fn a_declined_forecast_is_even_odds() {
    let c = one("No one can predict whether the mayor might end up selling the airport.");
    assert_eq!(c.statement, "the mayor might end up selling the airport");
    assert!(c.has_flag(flags::HEDGE_ONLY) && c.has_flag(flags::DECLINED));
    assert_eq!(c.p, Some(0.5));
    // A plain hedge still carries no probability.
    assert_eq!(
        one("It remains to be seen whether the truce will hold.").p,
        None
    );
}

#[test]
fn he_or_she_is_the_person_last_named_as_speaking() {
    let c = run("\"We are patient,\" Governor Ana Ruiz told reporters. She added that a rise in May was unlikely.");
    assert_eq!(c.len(), 1, "{c:#?}");
    assert_eq!(c[0].speaker.as_deref(), Some("Ana Ruiz"));
    assert!(c[0].has_flag(flags::REPORTED_SPEECH));
    // A person introduced in apposition is the "he" of the next sentence.
    let c = run("Governor Ana Ruiz told reporters she was patient. Her deputy, Tom Lind, disagreed. He said rates would fall in June.");
    assert_eq!(c.len(), 1, "{c:#?}");
    assert_eq!(c[0].speaker.as_deref(), Some("Tom Lind"));
    // A firm's name keeps its ampersand.
    let c = one("Traders at Hale &amp; Moor expect the rate to fall to 3% by December.");
    assert_eq!(c.speaker.as_deref(), Some("Traders at Hale & Moor"));
    // With nobody named before, "she" stays unnamed but is still someone else's view.
    let c = one("She added that a rise in May was unlikely.");
    assert_eq!(c.speaker, None);
    assert!(c.has_flag(flags::REPORTED_SPEECH));
}

#[test]
fn what_others_think_is_hedged_and_theirs() {
    let c = one("Most economists think the first cut will come in June.");
    assert_eq!(c.p, Some(0.70), "'think' is a hedge, not a flat 'will'");
    assert!(c.has_flag(flags::REPORTED_SPEECH));
    assert_eq!(c.statement, "the first cut will come in June");
    assert!(
        c.speaker
            .as_deref()
            .is_some_and(|s| s.contains("economists")),
        "{:?}",
        c.speaker
    );
}

#[test]
fn nul_bytes_separate_sentences() {
    let c = run("The port will close next spring\0the airport will open next year.");
    assert_eq!(c.len(), 2, "{c:#?}");
}

#[test]
fn html_entities_are_decoded_and_spans_point_into_the_original() {
    let text = "Kerry&apos;s spokesman, Tom Hale, said &quot;the talks would resume in June&quot; &#8211; not before.";
    let c = extract(text, d(2015, 5, 26), &Lexicon::builtin());
    assert_eq!(c.len(), 1, "{c:#?}");
    let x = &c[0];
    assert_eq!(x.speaker.as_deref(), Some("Tom Hale"));
    assert_eq!(x.statement, "the talks would resume in June");
    assert_eq!(x.sentence, text);
    let chars: Vec<char> = text.chars().collect();
    let at = |s: Span| chars[s.start..s.end].iter().collect::<String>();
    assert_eq!(at(x.span), x.sentence);
    assert_eq!(at(x.quote_span), x.quote);
    let text = "The dam&#8217;s owner said prices would rise.\n\nKerry&apos;s aide said the plant will close in 2027.";
    for x in extract(text, d(2015, 5, 26), &Lexicon::builtin()) {
        assert_eq!(at_of(text, x.span), x.sentence);
        assert!(text.contains(&x.quote));
    }
}

fn at_of(text: &str, s: Span) -> String {
    text.chars().skip(s.start).take(s.end - s.start).collect()
}

#[test]
fn one_candidate_per_claim() {
    let c = run("Prices will rise next year. Prices will rise next year.");
    assert_eq!(c.len(), 1, "{c:#?}");
    assert_eq!(c[0].id, "x1");
}

#[test]
fn horizons_from_vague_words_are_inferred() {
    let c = one("The plant will close soon.");
    assert_eq!(c.resolve_by, d(2015, 8, 26));
    assert!(c.has_flag(flags::HORIZON_INFERRED));
    assert_eq!(c.horizon_text.as_deref(), Some("soon"));
    let c = one("The regime will eventually fall.");
    assert_eq!(c.resolve_by, d(2025, 5, 26));
    let c = one("The regime will fall.");
    assert_eq!(c.resolve_by, d(2016, 5, 26));
    assert_eq!(c.horizon_text, None);
    assert!(c.has_flag(flags::HORIZON_INFERRED));
    let c = one("The bridge will open by the end of the decade.");
    assert_eq!(c.resolve_by, d(2019, 12, 31));
}

#[test]
fn empty_and_odd_inputs() {
    assert!(run("").is_empty());
    assert!(run("\r\n\r\n   \u{FFFD}\u{FFFD}").is_empty());
    let long = "word ".repeat(100_000) + "will happen.";
    assert!(
        run(&long).is_empty(),
        "a 100k-word sentence is not analysed"
    );
    let c = run("Prices will rise.\r\nRents will follow.");
    assert_eq!(c.len(), 2);
    assert_eq!(c[1].sentence, "Rents will follow.");
}

#[test]
fn ten_megabytes_of_mixed_input() {
    // Articles with CRLF line ends, replacement characters and one long unpunctuated line.
    let mut text = String::with_capacity(10_500_000);
    let mut round = 0usize;
    while text.len() < 10_000_000 {
        for (_, article, _) in FIXTURES {
            if round.is_multiple_of(2) {
                text.push_str(article);
            } else {
                text.push_str(&article.replace('\n', "\r\n").replace('e', "\u{FFFD}e"));
            }
            text.push_str("\n\n");
        }
        text.push_str(&"and it will go on ".repeat(5_000));
        text.push('\n');
        round += 1;
    }
    let c = extract(&text, d(2020, 1, 1), &Lexicon::builtin());
    assert!(c.len() > 1000);
    let first = c.iter().map(|x| x.span.start).min().unwrap_or(0);
    let prefix: String = text.chars().take(first + 200).collect();
    let x = c.iter().find(|x| x.span.start == first);
    assert!(x.is_some_and(|x| prefix
        .chars()
        .skip(x.span.start)
        .take(x.span.end - x.span.start)
        .collect::<String>()
        == x.sentence));
}

#[test]
fn a_custom_lexicon_is_used() {
    let csv = "phrase,point,low,high,source,kind\nwill,0.9,0.8,0.95,mine,flat\n";
    let lex = match Lexicon::from_csv(csv) {
        Ok(l) => l,
        Err(e) => panic!("{e}"),
    };
    let c = extract("Prices will rise.", d(2020, 1, 1), &lex);
    assert_eq!(c.first().and_then(|x| x.p), Some(0.9));
    assert_eq!(
        c.first()
            .and_then(|x| x.phrase.as_ref())
            .map(|p| p.source.as_str()),
        Some("mine")
    );
}

#[test]
fn serialises_snake_case() {
    let c = one("Talks might collapse within weeks.");
    let v = serde_json::to_value(&c).unwrap_or_default();
    assert_eq!(v["resolve_by"], "2015-08-26");
    assert_eq!(v["cues"][0]["kind"], "modal");
    assert_eq!(v["phrase"]["kind"], "modal");
    assert!(v["span"]["start"].is_u64());
}

// ---- the seed article ------------------------------------------------------------------------------

#[test]
fn seed_article() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/seed/orf-2015-05-26-kerry-russia.txt"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("SKIPPED seed_article: {path} is absent");
        return;
    };
    let c = extract(&text, d(2015, 5, 26), &Lexicon::builtin());
    for x in &c {
        eprintln!("{} [{:.2}] {} {:?}", x.id, x.score, x.statement, x.flags);
    }
    assert!(c.len() <= 15, "{} candidates", c.len());
    let has = |x: &Candidate, words: &[&str]| {
        let s = x.statement.to_lowercase();
        words.iter().all(|w| s.contains(w))
    };
    let cons = c.iter().find(|x| has(x, &["sanctions", "rolled back"]));
    let cons = match cons {
        Some(x) => x,
        None => panic!("no sanctions candidate"),
    };
    assert!(cons.has_flag(flags::CONDITIONAL));
    let cond = c
        .iter()
        .find(|x| Some(x.id.as_str()) == cons.condition.as_deref());
    assert!(
        cond.is_some_and(|x| has(x, &["minsk", "implemented"]) && x.has_flag(flags::CONDITION_OF))
    );
    assert_eq!(cons.speaker.as_deref(), Some("Kerry"));
    assert!(c
        .iter()
        .any(|x| has(x, &["normalisation", "last"]) && x.has_flag(flags::HEDGE_ONLY)));
    assert!(c.iter().any(|x| has(x, &["punishing", "russia", "treaty"])));
    // Every quote is an exact substring of the input.
    assert!(c.iter().all(|x| text.contains(&x.quote)));
}

// ---- fixture articles: precision and recall -----------------------------------------------------------

const FIXTURES: &[(&str, &str, &str)] = &[
    (
        "autos-electric",
        include_str!("../../tests/fixtures/articles/autos-electric.txt"),
        include_str!("../../tests/fixtures/articles/autos-electric.expected"),
    ),
    (
        "business-airline",
        include_str!("../../tests/fixtures/articles/business-airline.txt"),
        include_str!("../../tests/fixtures/articles/business-airline.expected"),
    ),
    (
        "climate-glaciers",
        include_str!("../../tests/fixtures/articles/climate-glaciers.txt"),
        include_str!("../../tests/fixtures/articles/climate-glaciers.expected"),
    ),
    (
        "crypto-etf",
        include_str!("../../tests/fixtures/articles/crypto-etf.txt"),
        include_str!("../../tests/fixtures/articles/crypto-etf.expected"),
    ),
    (
        "economy-rates",
        include_str!("../../tests/fixtures/articles/economy-rates.txt"),
        include_str!("../../tests/fixtures/articles/economy-rates.expected"),
    ),
    (
        "election-coalition",
        include_str!("../../tests/fixtures/articles/election-coalition.txt"),
        include_str!("../../tests/fixtures/articles/election-coalition.expected"),
    ),
    (
        "geopolitics-ceasefire",
        include_str!("../../tests/fixtures/articles/geopolitics-ceasefire.txt"),
        include_str!("../../tests/fixtures/articles/geopolitics-ceasefire.expected"),
    ),
    (
        "health-flu-season",
        include_str!("../../tests/fixtures/articles/health-flu-season.txt"),
        include_str!("../../tests/fixtures/articles/health-flu-season.expected"),
    ),
    (
        "interview-farmer",
        include_str!("../../tests/fixtures/articles/interview-farmer.txt"),
        include_str!("../../tests/fixtures/articles/interview-farmer.expected"),
    ),
    (
        "local-transit",
        include_str!("../../tests/fixtures/articles/local-transit.txt"),
        include_str!("../../tests/fixtures/articles/local-transit.expected"),
    ),
    (
        "oped-housing",
        include_str!("../../tests/fixtures/articles/oped-housing.txt"),
        include_str!("../../tests/fixtures/articles/oped-housing.expected"),
    ),
    (
        "politics-mayor",
        include_str!("../../tests/fixtures/articles/politics-mayor.txt"),
        include_str!("../../tests/fixtures/articles/politics-mayor.expected"),
    ),
    (
        "science-fusion",
        include_str!("../../tests/fixtures/articles/science-fusion.txt"),
        include_str!("../../tests/fixtures/articles/science-fusion.expected"),
    ),
    (
        "space-launch",
        include_str!("../../tests/fixtures/articles/space-launch.txt"),
        include_str!("../../tests/fixtures/articles/space-launch.expected"),
    ),
    (
        "sport-final",
        include_str!("../../tests/fixtures/articles/sport-final.txt"),
        include_str!("../../tests/fixtures/articles/sport-final.expected"),
    ),
    (
        "tech-ai-regulation",
        include_str!("../../tests/fixtures/articles/tech-ai-regulation.txt"),
        include_str!("../../tests/fixtures/articles/tech-ai-regulation.expected"),
    ),
    (
        "tech-chip-plant",
        include_str!("../../tests/fixtures/articles/tech-chip-plant.txt"),
        include_str!("../../tests/fixtures/articles/tech-chip-plant.expected"),
    ),
    (
        "wire-oil",
        include_str!("../../tests/fixtures/articles/wire-oil.txt"),
        include_str!("../../tests/fixtures/articles/wire-oil.expected"),
    ),
];

#[derive(Debug)]
struct Expectation {
    keywords: Vec<String>,
    flag: Option<&'static str>,
    /// A look-alike (`not:` line): a forward-looking sentence that is not a checkable prediction.
    lookalike: bool,
}

fn parse_expected(name: &str, text: &str) -> (NaiveDate, Vec<Expectation>) {
    let mut published = None;
    let mut out = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(date) = line.strip_prefix("published:") {
            published = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok();
            continue;
        }
        let (flag, lookalike, rest) = if let Some(r) = line.strip_prefix("condition:") {
            (Some(flags::CONDITION_OF), false, r)
        } else if let Some(r) = line.strip_prefix("hedge:") {
            (Some(flags::HEDGE_ONLY), false, r)
        } else if let Some(r) = line.strip_prefix("not:") {
            (None, true, r)
        } else {
            (None, false, line)
        };
        let keywords = rest
            .split(',')
            .map(|k| k.trim().to_lowercase())
            .filter(|k| !k.is_empty())
            .collect();
        out.push(Expectation {
            keywords,
            flag,
            lookalike,
        });
    }
    match published {
        Some(p) => (p, out),
        None => panic!("{name}.expected has no `published:` line"),
    }
}

fn matches(c: &Candidate, e: &Expectation) -> bool {
    let s = c.statement.to_lowercase();
    e.keywords.iter().all(|k| s.contains(k.as_str())) && e.flag.is_none_or(|f| c.has_flag(f))
}

#[test]
fn fixture_articles_are_original_and_sized() {
    for (name, text, _) in FIXTURES {
        let words = text.split_whitespace().count();
        assert!((150..=400).contains(&words), "{name}: {words} words");
    }
    assert!(FIXTURES.len() >= 6);
}

/// Recall, precision and look-alike figures of one article.
#[derive(Debug, Default, Clone, Copy)]
struct Figures {
    expected: usize,
    recalled: usize,
    shown: usize,
    correct: usize,
    lookalikes: usize,
    lookalikes_shown: usize,
}

impl Figures {
    fn add(&mut self, o: Figures) {
        self.expected += o.expected;
        self.recalled += o.recalled;
        self.shown += o.shown;
        self.correct += o.correct;
        self.lookalikes += o.lookalikes;
        self.lookalikes_shown += o.lookalikes_shown;
    }
    fn recall(&self) -> f64 {
        self.recalled as f64 / self.expected.max(1) as f64
    }
    fn precision(&self) -> f64 {
        self.correct as f64 / self.shown.max(1) as f64
    }
    fn lookalike_rate(&self) -> f64 {
        self.lookalikes_shown as f64 / self.lookalikes.max(1) as f64
    }
    fn line(&self) -> String {
        format!(
            "recall {}/{} = {:.2}, precision {}/{} = {:.2}, look-alikes shown {}/{} = {:.2}",
            self.recalled,
            self.expected,
            self.recall(),
            self.correct,
            self.shown,
            self.precision(),
            self.lookalikes_shown,
            self.lookalikes,
            self.lookalike_rate()
        )
    }
}

/// Scores the candidates shown at `min_score` against one article's annotations.
fn evaluate(name: &str, text: &str, exp: &str, min_score: f64, verbose: bool) -> Figures {
    let (published, expectations) = parse_expected(name, exp);
    let mut cands = extract(text, published, &Lexicon::builtin());
    keep_above(&mut cands, min_score);
    let mut f = Figures::default();
    for e in &expectations {
        let hit = cands.iter().any(|c| matches(c, e));
        if e.lookalike {
            f.lookalikes += 1;
            f.lookalikes_shown += usize::from(hit);
            if hit && verbose {
                eprintln!("  {name}: LOOK-ALIKE SHOWN {:?}", e.keywords);
            }
        } else {
            f.expected += 1;
            f.recalled += usize::from(hit);
            if !hit && verbose {
                eprintln!("  {name}: MISSED {:?} {:?}", e.flag, e.keywords);
            }
        }
    }
    for c in &cands {
        f.shown += 1;
        if expectations.iter().any(|e| !e.lookalike && matches(c, e)) {
            f.correct += 1;
        } else if verbose {
            eprintln!(
                "  {name}: FALSE {} [{:.2}] {:?} :: {}",
                c.id, c.score, c.flags, c.statement
            );
        }
    }
    f
}

/// The annotated articles of one fixture folder: (name, text, annotations).
fn fixture_dir(dir: &str) -> Vec<(String, String, String)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(&path) else {
        panic!("fixture folder {} is missing", path.display());
    };
    let mut names: Vec<std::path::PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "expected"))
        .collect();
    names.sort();
    for exp_path in names {
        let name = exp_path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(exp_path.with_extension("txt"));
        let exp = std::fs::read_to_string(&exp_path);
        match (text, exp) {
            (Ok(t), Ok(e)) => out.push((name, t, e)),
            _ => panic!("{name}: unreadable fixture"),
        }
    }
    out
}

/// Prints per-article figures for a split, at the default threshold and with `--all`.
fn evaluate_split(label: &str, dir: &str, verbose: bool) -> (Figures, Figures) {
    let (mut shown, mut all) = (Figures::default(), Figures::default());
    for (name, text, exp) in fixture_dir(dir) {
        let f = evaluate(&name, &text, &exp, DEFAULT_MIN_SCORE, verbose);
        let a = evaluate(&name, &text, &exp, 0.0, false);
        eprintln!("{label} {name}: {}", f.line());
        shown.add(f);
        all.add(a);
    }
    eprintln!(
        "{label} overall at --min-score {DEFAULT_MIN_SCORE}: {}",
        shown.line()
    );
    eprintln!("{label} overall with --all: {}", all.line());
    (shown, all)
}

/// The evaluation the issue asks for. Run with
/// `cargo test --lib extract::tests::fixture_evaluation -- --nocapture` to see the per-article
/// figures. `tests/fixtures/articles/` is the split the rules were tuned on;
/// `tests/fixtures/articles/holdout/` was written before the rules were changed and never tuned on.
#[test]
fn fixture_evaluation() {
    let (tuned, tuned_all) = evaluate_split("tuned", "tests/fixtures/articles", true);
    let (held, held_all) = evaluate_split("holdout", "tests/fixtures/articles/holdout", false);
    assert!(tuned_all.recall() >= 0.90, "tuned recall with --all");
    assert!(tuned.recall() >= 0.90, "tuned recall {}", tuned.line());
    assert!(
        tuned.precision() >= 0.75,
        "tuned precision {}",
        tuned.line()
    );
    assert!(
        tuned.lookalike_rate() <= 0.15,
        "tuned look-alikes {}",
        tuned.line()
    );
    assert!(held_all.recall() >= held.recall());
    // The issue's bar, on the split never tuned on.
    assert!(held.recall() >= 0.90, "holdout recall {}", held.line());
    assert!(
        held.precision() >= 0.60,
        "holdout precision {}",
        held.line()
    );
    assert!(held.lookalike_rate() <= 0.15, "holdout {}", held.line());
}

/// Every candidate of a split with its label: does it match an annotated prediction? Only the
/// articles annotated with their look-alikes too (`not:` lines) count: their mix of predictions and
/// look-alikes is the one met in real articles, while the older fixtures list predictions only.
fn labelled(dir: &str) -> Vec<(Candidate, bool)> {
    let mut out = Vec::new();
    for (name, text, exp) in fixture_dir(dir) {
        let (published, expectations) = parse_expected(&name, &exp);
        if !expectations.iter().any(|e| e.lookalike) {
            continue;
        }
        for c in extract(&text, published, &Lexicon::builtin()) {
            let real = expectations.iter().any(|e| !e.lookalike && matches(&c, e));
            out.push((c, real));
        }
    }
    out
}

/// Platt's fit of `P(real) = 1 / (1 + exp(-(a·raw + b)))` by Newton's method, with his smoothed
/// targets ((N₊ + 1) / (N₊ + 2) and 1 / (N₋ + 2)) so that a separable set still has a finite fit.
fn platt(data: &[(f64, bool)]) -> (f64, f64) {
    let pos = data.iter().filter(|d| d.1).count() as f64;
    let neg = data.len() as f64 - pos;
    let (t_pos, t_neg) = ((pos + 1.0) / (pos + 2.0), 1.0 / (neg + 2.0));
    let (mut a, mut b) = (0.0_f64, 0.0_f64);
    for _ in 0..200 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-9, 0.0, 1e-9);
        for &(x, real) in data {
            let p = 1.0 / (1.0 + (-(a * x + b)).exp());
            let d = p - if real { t_pos } else { t_neg };
            let w = p * (1.0 - p);
            ga += d * x;
            gb += d;
            haa += w * x * x;
            hab += w * x;
            hbb += w;
        }
        let det = haa * hbb - hab * hab;
        let (da, db) = ((hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det);
        a -= da;
        b -= db;
        if da.abs() + db.abs() < 1e-10 {
            break;
        }
    }
    (a, b)
}

/// Share of real predictions among candidates by score band: (band, count, mean score, share).
fn reliability(data: &[(f64, bool)]) -> Vec<(&'static str, usize, f64, f64)> {
    let bands: [(&str, f64, f64); 5] = [
        ("<0.5", 0.0, 0.5),
        ("0.5-0.7", 0.5, 0.7),
        ("0.7-0.8", 0.7, 0.8),
        ("0.8-0.9", 0.8, 0.9),
        (">=0.9", 0.9, 1.01),
    ];
    bands
        .iter()
        .map(|&(label, lo, hi)| {
            let v: Vec<&(f64, bool)> = data.iter().filter(|d| d.0 >= lo && d.0 < hi).collect();
            let n = v.len();
            let mean = v.iter().map(|d| d.0).sum::<f64>() / n.max(1) as f64;
            let share = v.iter().filter(|d| d.1).count() as f64 / n.max(1) as f64;
            (label, n, mean, share)
        })
        .collect()
}

/// The score means what it says on the tuned split (the share of real predictions among candidates
/// in a score band is close to the band's mean score), and `analyse::CALIBRATION` is the fit.
/// Run with `-- --nocapture` for the fit, the reliability tables and the threshold table the
/// default `--min-score` was chosen from.
#[test]
fn score_is_calibrated() {
    let tuned = labelled("tests/fixtures/articles");
    let raw: Vec<(f64, bool)> = tuned.iter().map(|(c, r)| (c.raw_score, *r)).collect();
    // For scripts/check-extract-calibration.py, which refits with scikit-learn.
    for (x, real) in &raw {
        eprintln!("calibration-data {x} {}", u8::from(*real));
    }
    let (a, b) = platt(&raw);
    eprintln!(
        "Platt fit on {} tuned candidates: a = {a:.6}, b = {b:.6}",
        raw.len()
    );
    let (ca, cb) = analyse::CALIBRATION;
    assert!(
        (a - ca).abs() < 0.01 && (b - cb).abs() < 0.01,
        "CALIBRATION {:?} is not the fit ({a:.3}, {b:.3})",
        analyse::CALIBRATION
    );
    for (label, data) in [
        ("tuned", tuned),
        ("holdout", labelled("tests/fixtures/articles/holdout")),
    ] {
        let scored: Vec<(f64, bool)> = data.iter().map(|(c, r)| (c.score, *r)).collect();
        for (band, n, mean, share) in reliability(&scored) {
            eprintln!(
                "{label} score {band}: {n} candidates, mean score {mean:.2}, real {share:.2}"
            );
            if label == "tuned" && n >= 15 {
                assert!(
                    (mean - share).abs() <= 0.15,
                    "{label} {band}: {mean:.2} vs {share:.2}"
                );
            }
        }
    }
    for tenth in 0..20 {
        let min = f64::from(tenth) / 20.0;
        let mut f = Figures::default();
        for (name, text, exp) in fixture_dir("tests/fixtures/articles") {
            f.add(evaluate(&name, &text, &exp, min, false));
        }
        eprintln!("tuned at --min-score {min:.2}: {}", f.line());
    }
}

// ---- properties ----------------------------------------------------------------------------------------

mod props {
    use super::*;
    use proptest::prelude::*;

    fn check(text: &str) -> Result<(), TestCaseError> {
        let chars: Vec<char> = text.chars().collect();
        for c in extract(text, d(2015, 5, 26), &Lexicon::builtin()) {
            prop_assert!(c.span.start <= c.span.end && c.span.end <= chars.len());
            let s: String = chars[c.span.start..c.span.end].iter().collect();
            prop_assert_eq!(&s, &c.sentence);
            prop_assert!(c.quote_span.start <= c.quote_span.end && c.quote_span.end <= chars.len());
            let q: String = chars[c.quote_span.start..c.quote_span.end].iter().collect();
            prop_assert_eq!(&q, &c.quote);
            prop_assert!((0.0..=1.0).contains(&c.score));
            if let Some(p) = c.p {
                prop_assert!((0.0..=1.0).contains(&p));
            }
        }
        for s in sentences::split(text) {
            prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            let by_chars: String = chars[s.char_start..s.char_end].iter().collect();
            prop_assert_eq!(by_chars.as_str(), &text[s.start..s.end]);
        }
        Ok(())
    }

    /// Words that exercise the cue rules, mixed with punctuation and multi-byte characters.
    fn wordy() -> impl Strategy<Value = String> {
        let atoms = prop::sample::select(vec![
            "will",
            "won't",
            "would",
            "could",
            "if",
            "and",
            "when",
            "unless",
            "once",
            "said",
            "that",
            "likely",
            "unlikely",
            "to",
            "be",
            "the",
            "U.S.",
            "Mr.",
            "Jan.",
            "3.5%",
            "by",
            "2016",
            "next",
            "year",
            "soon",
            "\"",
            "\u{201C}",
            "\u{201D}",
            "\u{2019}",
            ",",
            ".",
            "?",
            "!",
            "\n",
            "\r\n",
            "\n\n",
            "\u{FFFD}",
            "\u{00E9}",
            "\u{1F600}",
            "\u{4E2D}",
            "Kerry",
            "it",
            "remains",
            "seen",
            "should",
            "pass",
            "expected",
            "May",
            "according",
            "\u{2014}",
            "-",
            "very",
            "not",
            "plans",
            "mulling",
            "over",
            "reports",
            "about",
            "Should",
            "If",
            "as",
            "&apos;",
            "&quot;",
            "&amp;",
            "&#8211;",
            "&nbsp;",
            "&",
            "\0",
            "think",
            "No one can predict whether",
            "She added that",
        ]);
        prop::collection::vec(atoms, 0..60).prop_map(|v| v.join(" "))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            check(&s)?;
        }

        #[test]
        fn cue_soup_never_panics(s in wordy()) {
            check(&s)?;
        }

        #[test]
        fn glued_cue_soup_never_panics(v in prop::collection::vec(wordy(), 1..4)) {
            // No spaces between pieces: multi-byte characters land next to every boundary.
            check(&v.concat())?;
        }
    }
}
