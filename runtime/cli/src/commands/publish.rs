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
    #[arg(required_unless_present = "builtin", conflicts_with = "builtin")]
    pub dir: Option<PathBuf>,
    /// Publish the base library compiled into this `miniapp` (its default component styles and
    /// fonts) instead of a folder: for a cloud set up outside this repository.
    #[arg(long)]
    pub builtin: bool,
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
    let (bytes, what) = match &args.dir {
        Some(dir) => (pack_base_dir(dir, &key_path)?, dir.display().to_string()),
        None => (pack_builtin_base(&key_path)?, "built into miniapp".to_string()),
    };
    let (cloud, client) = super::cloud_client(&args.cloud)?;
    let info = client
        .publish_base(&cloud, &args.token, &bytes)
        .with_context(|| format!("publishing the base library ({what}) to {}", args.cloud))?;
    println!("published base library {} {} ({})", info.name, info.version, info.digest);
    Ok(ExitCode::SUCCESS)
}

/// The repository's base library folder (`base-library/`), what `miniapp demo` and
/// `miniapp bench` publish to their embedded clouds.
pub fn default_base_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../base-library")
}

/// The files of the base library compiled into this binary: the repository's `base-library/`
/// (its base.json, licences and default styles here; its fonts are the view's embedded copies).
fn builtin_base_files() -> Vec<(String, Vec<u8>)> {
    let mut files = vec![
        ("base.json".to_string(), include_bytes!("../../../../base-library/base.json").to_vec()),
        ("styles/components.css".to_string(), miniapp_view::DEFAULT_STYLESHEET.as_bytes().to_vec()),
        ("fonts/LICENSE-dejavu.txt".to_string(), include_bytes!("../../../../base-library/fonts/LICENSE-dejavu.txt").to_vec()),
        (
            "fonts/LICENSE-wqy-microhei.txt".to_string(),
            include_bytes!("../../../../base-library/fonts/LICENSE-wqy-microhei.txt").to_vec(),
        ),
    ];
    files.extend(miniapp_view::embedded_font_files().iter().map(|(path, bytes)| (path.to_string(), bytes.to_vec())));
    files.sort();
    files
}

/// Packs the base library compiled into this binary into signed bundle bytes.
pub fn pack_builtin_base(key_path: &Path) -> Result<Vec<u8>> {
    let key = miniapp_bundle::load_or_create_key(key_path)
        .with_context(|| format!("loading the publisher key {}", key_path.display()))?;
    miniapp_bundle::pack_base(&builtin_base_files(), &key).context("packing the built-in base library")
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in base library is the repository's `base-library/` file for file.
    #[test]
    fn the_builtin_base_library_is_the_base_library_folder() {
        let mut on_disk = Vec::new();
        let dir = default_base_dir().canonicalize().unwrap();
        crate::commands::build::collect(&dir, &dir, &mut on_disk).unwrap();
        on_disk.sort();
        let builtin = builtin_base_files();
        let names = |f: &[(String, Vec<u8>)]| f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(names(&builtin), names(&on_disk));
        assert!(builtin == on_disk, "a built-in file differs from base-library/");
        let key = tempfile::tempdir().unwrap();
        pack_builtin_base(&key.path().join("k")).expect("the built-in base library packs and verifies");
    }
}
