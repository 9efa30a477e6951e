//! Entry point: parse the arguments, run the command, turn the outcome into an exit status.

use clap::{CommandFactory, FromArgMatches};

use hindsight::error::{code, exit_code, is_broken_pipe, one_line};
use hindsight::{cli, clock, cmd};

fn main() {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("hindsight: internal error (a bug; please report it): {info}");
        std::process::exit(code::INTERNAL);
    }));
    let matches = cli::Cli::command()
        .try_get_matches()
        .unwrap_or_else(|e| exit_with(e));
    let db_from_flag = matches.value_source("db") == Some(clap::parser::ValueSource::CommandLine);
    let parsed = match cli::Cli::from_arg_matches(&matches) {
        Ok(p) => p,
        Err(e) => exit_with(e),
    };
    let result = clock::now().map_err(anyhow::Error::from).and_then(|now| {
        let ctx = cmd::Ctx {
            now,
            db: parsed.db.clone(),
            db_from_flag,
        };
        cli::dispatch(parsed, &ctx)
    });
    let status = match result {
        Ok(()) => code::OK,
        Err(e) if is_broken_pipe(&e) => code::OK,
        Err(e) => {
            eprintln!(
                "hindsight: error: {}",
                hindsight::render::neutralise(&one_line(&e), false)
            );
            exit_code(&e)
        }
    };
    std::process::exit(status);
}

/// Prints a usage error, `--help` or `--version` as clap would, but with the control
/// characters a user's value may carry shown as escapes (clap repeats the value), and
/// exits with clap's status. A closed pipe is not an error here either.
fn exit_with(e: clap::Error) -> ! {
    use std::io::Write;
    let text = e.render().to_string();
    let shown = hindsight::render::neutralise(&text, false);
    let _ = if e.use_stderr() {
        std::io::stderr().write_all(shown.as_bytes())
    } else {
        std::io::stdout().write_all(shown.as_bytes())
    };
    std::process::exit(e.exit_code())
}
