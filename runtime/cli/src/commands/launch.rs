//! `miniapp launch URL`: open an app in the simulator window (the window opens at once and shows
//! the download, then the app, or the error page when the launch fails).

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
    window(&mut host, &args.url, args.exit_after.map(std::time::Duration::from_millis))
}

/// Runs the window on `url` until it is closed, then reports the launch on stderr; a launch
/// that failed (shown in the window) is the error returned.
pub fn window(host: &mut Host, url: &str, exit_after: Option<std::time::Duration>) -> Result<ExitCode> {
    let r = miniapp_shell::window::launch(host, url, exit_after).with_context(|| format!("opening the window on {url}"));
    host.finish_updates();
    let report = r?;
    if let Some(l) = &report.launched {
        eprintln!(
            "{} {} started{}{} on base library {} in {:.0} ms",
            l.app,
            l.version,
            if l.from_cache { " from cache" } else { "" },
            if l.offline { " (offline: the cloud cannot be reached)" } else { "" },
            l.base,
            l.timings.fetch_ms + l.timings.verify_ms + l.timings.base_ms + l.timings.compile_ms + l.timings.instantiate_ms
        );
    }
    eprintln!("window closed after {} frames", report.frames);
    match report.launch_error {
        Some(e) => Err(anyhow::Error::new(e).context(format!("launching {url}"))),
        None => Ok(ExitCode::SUCCESS),
    }
}
