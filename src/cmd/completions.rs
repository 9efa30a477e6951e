//! `hindsight completions SHELL`: the shell completion script (clap_complete), on stdout.

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::Ctx;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    pub shell: Shell,
}

pub fn run(a: CompletionsArgs, _ctx: &Ctx) -> anyhow::Result<()> {
    let mut cmd = crate::cli::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "hindsight", &mut script);
    crate::render::out(&String::from_utf8_lossy(&script))?;
    Ok(())
}
