//! `miniapp publish FILE.mapp --cloud URL`: upload a bundle; the cloud reviews and countersigns it.

use anyhow::{Context, Result};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `miniapp publish`.
#[derive(clap::Args)]
pub struct Args {
    /// The bundle to publish.
    pub bundle: PathBuf,
    /// The cloud's base URL, e.g. http://127.0.0.1:7878.
    #[arg(long, env = "MINIAPP_CLOUD")]
    pub cloud: String,
    /// The cloud's publishing token.
    #[arg(long, env = "MINIAPP_CLOUD_TOKEN", hide_env_values = true)]
    pub token: String,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let bytes = std::fs::read(&args.bundle).with_context(|| format!("reading {}", args.bundle.display()))?;
    let cloud = url::Url::parse(&args.cloud).with_context(|| format!("bad cloud URL `{}`", args.cloud))?;
    let client = miniapp_cloud::CloudClient::new(miniapp_shell::HostConfig::from_env().cache_dir)?;
    let receipt = client
        .publish(&cloud, &args.token, &bytes)
        .with_context(|| format!("publishing {} to {}", args.bundle.display(), args.cloud))?;
    println!("published {} {} ({})", receipt.appid, receipt.version, receipt.digest);
    println!("launch URL: {}", cloud.join(&format!("apps/{}", receipt.appid))?);
    Ok(ExitCode::SUCCESS)
}
