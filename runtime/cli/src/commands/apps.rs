//! `miniapp apps --cloud URL [APPID]`: the apps on a cloud, or one app's versions and status.

use anyhow::Result;
use std::process::ExitCode;

/// Arguments of `miniapp apps`.
#[derive(clap::Args)]
pub struct Args {
    /// Show this app's version history (else list every app).
    pub appid: Option<String>,
    /// The cloud's base URL.
    #[arg(long, env = "MINIAPP_CLOUD")]
    pub cloud: String,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let (cloud, client) = super::cloud_client(&a.cloud)?;
    match a.appid {
        Some(id) => {
            let meta = client.list_versions(&cloud, &id)?;
            let reason = if meta.reason.is_empty() { String::new() } else { format!(" ({})", meta.reason) };
            println!("{} \"{}\" — {}{reason}", meta.appid, meta.name, meta.status.as_str());
            for v in &meta.versions {
                let mark = if v.version == meta.version { "*" } else { " " };
                println!("{mark} {:<10} {:>8} bytes  {}", v.version, v.size, v.digest);
            }
        }
        None => {
            for meta in client.list_apps(&cloud)? {
                println!("{:<20} {:<10} {:<10} {}", meta.appid, meta.version, meta.status.as_str(), meta.name);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
