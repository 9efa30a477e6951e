//! `hindsight man`: the manual page (clap_mangen), made from the same definitions as
//! `--help`: the main page on stdout, or a page per subcommand written into a directory.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, CommandFactory};

use super::Ctx;
use crate::error::Refused;

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write hindsight.1 and one page per subcommand (hindsight-add.1, …) into this
    /// directory instead of printing the main page.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

pub fn run(a: ManArgs, _ctx: &Ctx) -> anyhow::Result<()> {
    let cmd = crate::cli::Cli::command();
    match a.dir {
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut page)
                .context("rendering the manual page")?;
            crate::render::out(&String::from_utf8_lossy(&page))?;
        }
        Some(dir) => {
            if !dir.is_dir() {
                return Err(Refused(format!(
                    "--dir: '{}' is not a directory; expected an existing directory",
                    dir.display()
                ))
                .into());
            }
            clap_mangen::generate_to(cmd, &dir)
                .with_context(|| format!("writing manual pages into {}", dir.display()))?;
            crate::render::note(&format!("wrote the manual pages into {}", dir.display()));
        }
    }
    Ok(())
}
