//! `miniapp admin ban|suspend|unban APPID`: the platform's switch. A banned app does not start,
//! not even from a cache, and its users see the reason.

use anyhow::{Context, Result};
use miniapp_cloud::AppStatus;
use std::process::ExitCode;

/// Admin subcommands.
#[derive(clap::Subcommand)]
pub enum AdminCommand {
    /// Ban an app: it stops starting everywhere, even from cache.
    Ban(StatusArgs),
    /// Suspend an app: it does not start until unbanned.
    Suspend(StatusArgs),
    /// Publish the app again after a ban or suspension.
    Unban(StatusArgs),
}

/// Arguments shared by the status changes.
#[derive(clap::Args)]
pub struct StatusArgs {
    /// The app id.
    pub appid: String,
    /// The reason users are shown.
    #[arg(long, default_value = "")]
    pub reason: String,
    /// The cloud's base URL.
    #[arg(long, env = "MINIAPP_CLOUD")]
    pub cloud: String,
    /// The cloud's admin token.
    #[arg(long, env = "MINIAPP_CLOUD_TOKEN", hide_env_values = true)]
    pub token: String,
}

pub fn run(cmd: AdminCommand) -> Result<ExitCode> {
    let (status, a) = match cmd {
        AdminCommand::Ban(a) => (AppStatus::Banned, a),
        AdminCommand::Suspend(a) => (AppStatus::Suspended, a),
        AdminCommand::Unban(a) => (AppStatus::Published, a),
    };
    if status != AppStatus::Published && a.reason.trim().is_empty() {
        anyhow::bail!("a {} needs --reason TEXT: users are shown why", status.as_str());
    }
    let (cloud, client) = super::cloud_client(&a.cloud)?;
    client
        .set_status(&cloud, &a.token, &a.appid, status, &a.reason)
        .with_context(|| format!("setting {} to {} on {}", a.appid, status.as_str(), a.cloud))?;
    println!("{} is now {}", a.appid, status.as_str());
    Ok(ExitCode::SUCCESS)
}
