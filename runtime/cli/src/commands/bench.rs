//! `miniapp bench`: launch, sandbox, layout and render costs measured in one run.

use anyhow::{bail, Result};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `miniapp bench`.
#[derive(clap::Args)]
pub struct Args {
    /// Measured iterations of every benchmark (after warm-up); each has its own default.
    #[arg(long, short = 'n')]
    pub iterations: Option<usize>,
    /// Run only the benchmarks whose name contains this text.
    #[arg(long)]
    pub filter: Option<String>,
    /// A few iterations only (a smoke test of the benchmarks, not a measurement).
    #[arg(long)]
    pub quick: bool,
    /// Also write the results as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

pub fn run(_args: Args) -> Result<ExitCode> {
    bail!("miniapp bench is not implemented yet")
}
