//! `miniapp secret APPID`: prints an app's secret, which its back end sends with a login code to
//! `POST /auth/code2session` to learn the user's openid (`docs/auth.md`). Needs the cloud's token.

use anyhow::{Context, Result};
use std::process::ExitCode;

/// Arguments of `miniapp secret`.
#[derive(clap::Args)]
pub struct Args {
    /// The app id.
    pub appid: String,
    /// The cloud's base URL.
    #[arg(long, env = "MINIAPP_CLOUD")]
    pub cloud: String,
    /// The cloud's admin token.
    #[arg(long, env = "MINIAPP_CLOUD_TOKEN", hide_env_values = true)]
    pub token: String,
}

pub fn run(a: Args) -> Result<ExitCode> {
    let (cloud, client) = super::cloud_client(&a.cloud)?;
    let secret = client.app_secret(&cloud, &a.token, &a.appid).with_context(|| format!("getting the secret of {} from {}", a.appid, a.cloud))?;
    println!("{secret}");
    Ok(ExitCode::SUCCESS)
}
