//! `miniapp build APP_DIR -o FILE.mapp`: compile the logic, check it, and write a signed bundle.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `miniapp build`.
#[derive(clap::Args)]
pub struct Args {
    /// The app folder (with app.json, pages/, and logic/ or logic.wasm).
    pub app_dir: PathBuf,
    /// Where to write the bundle.
    #[arg(short, long, value_name = "FILE.mapp")]
    pub output: PathBuf,
    /// The publisher's ed25519 key (created on first use).
    #[arg(long, env = "MINIAPP_KEY", value_name = "FILE")]
    pub key: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let key_path = args.key.clone().unwrap_or_else(default_key_path);
    let bytes = build_app(&args.app_dir, &key_path)?;
    std::fs::write(&args.output, &bytes).with_context(|| format!("writing {}", args.output.display()))?;
    println!("built {} ({} bytes, {})", args.output.display(), bytes.len(), miniapp_bundle::digest(&bytes));
    Ok(ExitCode::SUCCESS)
}

/// The default publisher key: `~/.config/miniapp/publisher.key`.
pub fn default_key_path() -> PathBuf {
    directories::ProjectDirs::from("", "", "miniapp")
        .map(|d| d.config_dir().join("publisher.key"))
        .unwrap_or_else(|| PathBuf::from(".miniapp-publisher.key"))
}

/// Builds an app folder into signed bundle bytes.
pub fn build_app(app_dir: &Path, key_path: &Path) -> Result<Vec<u8>> {
    if !app_dir.join("app.json").is_file() {
        bail!("{} is not an app folder: it has no app.json", app_dir.display());
    }
    // Cargo is run from inside the logic crate: give it absolute paths.
    let app_dir = &app_dir.canonicalize().with_context(|| format!("resolving {}", app_dir.display()))?;
    let mut files = Vec::new();
    collect(app_dir, app_dir, &mut files)?;
    let logic_crate = app_dir.join("logic");
    let prebuilt = app_dir.join("logic.wasm");
    let component = if logic_crate.join("Cargo.toml").is_file() {
        let target_dir = std::env::var_os("MINIAPP_GUEST_TARGET_DIR").map(PathBuf::from);
        let bar = crate::progress::spinner(&format!("compiling {} for wasm32", logic_crate.display()));
        let r = miniapp_sandbox::build_logic_crate(&logic_crate, target_dir.as_deref());
        bar.finish_and_clear();
        r.with_context(|| format!("building the logic of {}", app_dir.display()))?
    } else if prebuilt.is_file() {
        let wasm = std::fs::read(&prebuilt).with_context(|| format!("reading {}", prebuilt.display()))?;
        miniapp_sandbox::componentize(&wasm).with_context(|| format!("checking {}", prebuilt.display()))?
    } else {
        bail!("{} has neither logic/Cargo.toml nor logic.wasm", app_dir.display());
    };
    files.retain(|(p, _)| p != "logic.wasm");
    files.push(("logic.wasm".to_string(), component));
    let key = miniapp_bundle::load_or_create_key(key_path)
        .with_context(|| format!("loading the publisher key {}", key_path.display()))?;
    let bytes = miniapp_bundle::pack(&files, &key).with_context(|| format!("packing {}", app_dir.display()))?;
    Ok(bytes)
}

/// Collects the app's files (everything but `logic/`, `target/` and hidden files).
pub(crate) fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .collect::<std::io::Result<_>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = path.strip_prefix(root).expect("under root").to_string_lossy().replace('\\', "/");
        if name.starts_with('.') || rel == "logic" || name == "target" || name.ends_with(".mapp") {
            continue;
        }
        let ft = entry.file_type()?;
        if ft.is_symlink() {
            bail!("{}: links are not allowed in an app folder", path.display());
        } else if ft.is_dir() {
            collect(root, &path, out)?;
        } else {
            out.push((rel, std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?));
        }
    }
    Ok(())
}
