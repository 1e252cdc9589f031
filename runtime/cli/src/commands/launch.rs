//! `miniapp launch URL`: open an app in the simulator window.

use anyhow::{Context, Result};
use miniapp_shell::{Host, HostConfig};
use std::process::ExitCode;

/// Arguments of `miniapp launch`.
#[derive(clap::Args)]
pub struct Args {
    /// Launch URL: http://HOST:PORT/apps/APPID[?path=PAGE&query=...]
    pub url: String,
    /// Close the window by itself after this many milliseconds (for automation).
    #[arg(long, value_name = "MS")]
    pub exit_after: Option<u64>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let mut host = Host::new(HostConfig::from_env()).context("starting the host")?;
    let (session, report) = launch_with_progress(&mut host, &args.url)?;
    eprintln!(
        "{} {} started{}{} in {:.0} ms",
        report.app,
        report.version,
        if report.from_cache { " from cache" } else { "" },
        if report.offline { " (offline: the cloud cannot be reached)" } else { "" },
        report.timings.fetch_ms + report.timings.verify_ms + report.timings.compile_ms + report.timings.instantiate_ms
    );
    let r = miniapp_shell::window::run(&mut host, session, args.exit_after.map(std::time::Duration::from_millis))
        .context("running the window");
    host.finish_updates();
    let report = r?;
    eprintln!("window closed after {} frames", report.frames);
    Ok(ExitCode::SUCCESS)
}

/// Launches with a download progress bar.
pub fn launch_with_progress(
    host: &mut Host,
    url: &str,
) -> Result<(miniapp_shell::Session, miniapp_shell::LaunchReport)> {
    let bar = crate::progress::download_bar("downloading");
    let progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let r = host.launch(url, &progress);
    bar.finish_and_clear();
    r.with_context(|| format!("launching {url}"))
}
