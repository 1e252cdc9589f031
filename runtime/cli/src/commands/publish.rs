//! `miniapp publish FILE.mapp --cloud URL`: upload a bundle; the cloud reviews and countersigns it.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
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
    let (cloud, client) = super::cloud_client(&args.cloud)?;
    let receipt = client
        .publish(&cloud, &args.token, &bytes)
        .with_context(|| format!("publishing {} to {}", args.bundle.display(), args.cloud))?;
    println!("published {} {} ({})", receipt.appid, receipt.version, receipt.digest);
    println!("launch URL: {}", cloud.join(&format!("apps/{}", receipt.appid))?);
    if let Some(secret) = &receipt.app_secret {
        println!("app secret: {secret} (first publish; your back end needs it for /auth/code2session; `miniapp secret {}` shows it again)", receipt.appid);
    }
    Ok(ExitCode::SUCCESS)
}

/// Arguments of `miniapp publish-base`.
#[derive(clap::Args)]
pub struct BaseArgs {
    /// The base library folder (with base.json, styles/components.css and fonts/), e.g.
    /// `base-library/`.
    pub dir: PathBuf,
    /// The cloud's base URL.
    #[arg(long, env = "MINIAPP_CLOUD")]
    pub cloud: String,
    /// The cloud's publishing token.
    #[arg(long, env = "MINIAPP_CLOUD_TOKEN", hide_env_values = true)]
    pub token: String,
    /// The publisher's ed25519 key (created on first use).
    #[arg(long, env = "MINIAPP_KEY", value_name = "FILE")]
    pub key: Option<PathBuf>,
}

/// Packs and publishes a base library (the framework's default styles and fonts).
pub fn run_base(args: BaseArgs) -> Result<ExitCode> {
    let key_path = args.key.clone().unwrap_or_else(super::build::default_key_path);
    let bytes = pack_base_dir(&args.dir, &key_path)?;
    let (cloud, client) = super::cloud_client(&args.cloud)?;
    let info = client
        .publish_base(&cloud, &args.token, &bytes)
        .with_context(|| format!("publishing the base library {} to {}", args.dir.display(), args.cloud))?;
    println!("published base library {} {} ({})", info.name, info.version, info.digest);
    Ok(ExitCode::SUCCESS)
}

/// The repository's base library folder (`base-library/`), what `miniapp demo` and
/// `miniapp bench` publish to their embedded clouds.
pub fn default_base_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../base-library")
}

/// Packs a base library folder into signed bundle bytes.
pub fn pack_base_dir(dir: &Path, key_path: &Path) -> Result<Vec<u8>> {
    let dir = dir.canonicalize().with_context(|| format!("resolving {}", dir.display()))?;
    if !dir.join("base.json").is_file() {
        anyhow::bail!("{} is not a base library folder: it has no base.json", dir.display());
    }
    let mut files = Vec::new();
    super::build::collect(&dir, &dir, &mut files)?;
    let key = miniapp_bundle::load_or_create_key(key_path)
        .with_context(|| format!("loading the publisher key {}", key_path.display()))?;
    miniapp_bundle::pack_base(&files, &key).with_context(|| format!("packing {}", dir.display()))
}
