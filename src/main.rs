//! Entry point: parse the arguments, run the command, turn the outcome into an exit status.

use clap::{CommandFactory, FromArgMatches};

use hindsight::error::{code, exit_code, is_broken_pipe, one_line};
use hindsight::{cli, clock, cmd};

fn main() {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("hindsight: internal error (a bug; please report it): {info}");
        std::process::exit(code::INTERNAL);
    }));
    let matches = cli::Cli::command().get_matches();
    let db_from_flag = matches.value_source("db") == Some(clap::parser::ValueSource::CommandLine);
    let parsed = match cli::Cli::from_arg_matches(&matches) {
        Ok(p) => p,
        Err(e) => e.exit(),
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
