//! `miniapp cache ls|clear`: the host's content-addressed bundle cache.

use anyhow::Result;
use miniapp_cloud::Cache;
use std::process::ExitCode;

/// Cache subcommands.
#[derive(clap::Subcommand)]
pub enum CacheCommand {
    /// List cached bundles (digest, size, apps, last use).
    Ls,
    /// Remove every cached bundle.
    Clear,
}

pub fn run(cmd: CacheCommand) -> Result<ExitCode> {
    let cache = Cache::new(miniapp_shell::HostConfig::from_env().cache_dir)?;
    match cmd {
        CacheCommand::Ls => {
            let entries = cache.ls()?;
            if entries.is_empty() {
                println!("the cache at {} is empty", cache.root().display());
            }
            for e in entries {
                let age = e.last_used.elapsed().map(|d| d.as_secs()).unwrap_or(0);
                println!("{}  {:>9} bytes  used {age}s ago  {}", e.digest, e.size, e.apps.join(", "));
            }
        }
        CacheCommand::Clear => {
            let freed = cache.clear()?;
            println!("cleared {} ({freed} bytes)", cache.root().display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
