//! `miniapp build APP_DIR -o FILE.mapp`: compile the logic, check it, and write a signed bundle.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `miniapp build`.
#[derive(clap::Args)]
pub struct Args {
    /// The app folder (with app.json, pages/, and logic/ or logic.wasm). Packed: app.json,
    /// app.css, pages/, components/, assets/ and the files app.json names, minus what
    /// `.miniappignore` excludes; the guest build goes to the user's cache, not the app folder.
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
    let built = build_app_reporting(&args.app_dir, &key_path)?;
    for w in &built.warnings {
        eprintln!("warning: {w}");
    }
    std::fs::write(&args.output, &built.bytes).with_context(|| format!("writing {}", args.output.display()))?;
    println!("packed {} files:", built.files.len());
    for (path, size) in &built.files {
        println!("  {path} ({size} bytes)");
    }
    println!(
        "built {} ({} bytes, {}{})",
        args.output.display(),
        built.bytes.len(),
        miniapp_bundle::digest(&built.bytes),
        if built.warnings.is_empty() { String::new() } else { format!(", {} warnings", built.warnings.len()) }
    );
    Ok(ExitCode::SUCCESS)
}

/// A built bundle and what went into it.
pub struct Built {
    /// The signed bundle.
    pub bytes: Vec<u8>,
    /// Every packed file and its size, in order.
    pub files: Vec<(String, usize)>,
    /// Template and style warnings (`file:line:column: message`).
    pub warnings: Vec<String>,
}

/// Where guest builds go unless `MINIAPP_GUEST_TARGET_DIR` says otherwise: one folder per app
/// under the user's cache, never inside the app folder (incremental across builds).
pub fn guest_target_dir(app_dir: &Path) -> PathBuf {
    if let Some(d) = std::env::var_os("MINIAPP_GUEST_TARGET_DIR") {
        return PathBuf::from(d);
    }
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    app_dir.hash(&mut h);
    let name = app_dir.file_name().and_then(|n| n.to_str()).unwrap_or("app");
    miniapp_shell::HostConfig::from_env()
        .cache_dir
        .join("guest-target")
        .join(format!("{name}-{:08x}", h.finish() & 0xffff_ffff))
}

/// The default publisher key: `~/.config/miniapp/publisher.key`.
pub fn default_key_path() -> PathBuf {
    directories::ProjectDirs::from("", "", "miniapp")
        .map(|d| d.config_dir().join("publisher.key"))
        .unwrap_or_else(|| PathBuf::from(".miniapp-publisher.key"))
}

/// Builds an app folder into signed bundle bytes.
pub fn build_app(app_dir: &Path, key_path: &Path) -> Result<Vec<u8>> {
    Ok(build_app_reporting(app_dir, key_path)?.bytes)
}

/// Builds an app folder: checks its templates and styles (errors stop the build, warnings are
/// returned), packs what belongs in a bundle, compiles the logic.
pub fn build_app_reporting(app_dir: &Path, key_path: &Path) -> Result<Built> {
    // Cargo is run from inside the logic crate: give it absolute paths.
    let app_dir = &absolute_app_dir(app_dir)?;
    let (files, warnings) = checked_sources(app_dir)?;
    let component = compile_logic(app_dir, false)?;
    pack_app(app_dir, files, component, key_path, warnings)
}

/// `app_dir` made absolute, after checking it is an app folder (has an app.json).
pub fn absolute_app_dir(app_dir: &Path) -> Result<PathBuf> {
    if !app_dir.join("app.json").is_file() {
        bail!("{} is not an app folder: it has no app.json", app_dir.display());
    }
    app_dir.canonicalize().with_context(|| format!("resolving {}", app_dir.display()))
}

/// The files of the app folder that go into its bundle ([`collect_app`]), their templates,
/// styles and custom components checked: an error stops here, warnings are returned.
pub fn checked_sources(app_dir: &Path) -> Result<(Vec<(String, Vec<u8>)>, Vec<String>)> {
    let files = collect_app(app_dir)?;
    let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    let report = crate::review::check_sources(
        |p| files.iter().find(|(q, _)| q == p).map(|(_, b)| b.as_slice()),
        &paths,
    );
    if !report.errors.is_empty() {
        bail!("{} has {} error(s):\n  {}", app_dir.display(), report.errors.len(), report.errors.join("\n  "));
    }
    Ok((files, report.warnings))
}

/// The app's logic component: `logic/` compiled for wasm32 (in the guest target dir; `dev`:
/// the fast profile of `miniapp dev`, in a folder of its own), a C `logic/` built by its
/// Makefile ([`crate::c_logic`], docs/c.md), or a prebuilt `logic.wasm`.
pub fn compile_logic(app_dir: &Path, dev: bool) -> Result<Vec<u8>> {
    let logic_crate = app_dir.join("logic");
    let prebuilt = app_dir.join("logic.wasm");
    if crate::c_logic::is_c_logic(&logic_crate) {
        let bar = crate::progress::spinner(&format!("compiling {} (C) for wasm32", logic_crate.display()));
        let r = crate::c_logic::build_c_logic(&logic_crate, &guest_target_dir(app_dir));
        bar.finish_and_clear();
        r.with_context(|| format!("building the C logic of {}", app_dir.display()))
    } else if logic_crate.join("Cargo.toml").is_file() {
        let target_dir = guest_target_dir(app_dir);
        let bar = crate::progress::spinner(&format!("compiling {} for wasm32", logic_crate.display()));
        let r = if dev {
            miniapp_sandbox::build_logic_crate_dev(&logic_crate, Some(&target_dir.join("dev")))
        } else {
            miniapp_sandbox::build_logic_crate(&logic_crate, Some(&target_dir))
        };
        bar.finish_and_clear();
        r.with_context(|| format!("building the logic of {}", app_dir.display()))
    } else if prebuilt.is_file() {
        let wasm = std::fs::read(&prebuilt).with_context(|| format!("reading {}", prebuilt.display()))?;
        miniapp_sandbox::componentize(&wasm).with_context(|| format!("checking {}", prebuilt.display()))
    } else {
        bail!("{} has neither logic/Cargo.toml, logic/Makefile (C) nor logic.wasm", app_dir.display());
    }
}

/// Signs `files` plus `component` as `logic.wasm` into a bundle.
pub fn pack_app(
    app_dir: &Path,
    mut files: Vec<(String, Vec<u8>)>,
    component: Vec<u8>,
    key_path: &Path,
    warnings: Vec<String>,
) -> Result<Built> {
    files.retain(|(p, _)| p != "logic.wasm");
    files.push(("logic.wasm".to_string(), component));
    let key = miniapp_bundle::load_or_create_key(key_path)
        .with_context(|| format!("loading the publisher key {}", key_path.display()))?;
    let bytes = miniapp_bundle::pack(&files, &key).with_context(|| format!("packing {}", app_dir.display()))?;
    let files = files.iter().map(|(p, b)| (p.clone(), b.len())).collect();
    Ok(Built { bytes, files, warnings })
}

/// The folders of an app whose files go into its bundle; `app.json`, `app.css` and the files
/// `app.json` names (tab bar icons) go too. Nothing else: a back end's `db.json`, notes,
/// sources and build output beside the app stay out.
pub const BUNDLE_FOLDERS: &[&str] = &["pages", "components", "assets"];

/// The ignore file of an app folder (gitignore syntax): matching files are never packed.
pub const IGNORE_FILE: &str = ".miniappignore";

/// Collects the files of an app folder that belong in its bundle (see [`BUNDLE_FOLDERS`]),
/// minus what [`IGNORE_FILE`] excludes, sorted by path.
pub fn collect_app(app_dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let mut ignore = ignore::gitignore::GitignoreBuilder::new(app_dir);
    let ignore_path = app_dir.join(IGNORE_FILE);
    if ignore_path.is_file() {
        if let Some(e) = ignore.add(&ignore_path) {
            bail!("{}: {e}", ignore_path.display());
        }
    }
    let ignore = ignore.build().with_context(|| format!("reading {}", ignore_path.display()))?;
    let mut out = Vec::new();
    for dir in BUNDLE_FOLDERS {
        let d = app_dir.join(dir);
        if d.is_dir() {
            collect(app_dir, &d, &mut out)?;
        }
    }
    let manifest_text = std::fs::read_to_string(app_dir.join("app.json"))
        .with_context(|| format!("reading {}", app_dir.join("app.json").display()))?;
    let mut top = vec!["app.json".to_string(), "app.css".to_string()];
    // Files app.json names outside those folders (tab bar icons may sit anywhere).
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&manifest_text) {
        if let Some(p) = v.get("icon").and_then(|p| p.as_str()) {
            top.push(p.trim_start_matches('/').to_string());
        }
        if let Some(list) = v.pointer("/tabBar/list").and_then(|l| l.as_array()) {
            for item in list {
                for key in ["iconPath", "selectedIconPath"] {
                    if let Some(p) = item.get(key).and_then(|p| p.as_str()) {
                        top.push(p.trim_start_matches('/').to_string());
                    }
                }
            }
        }
    }
    for rel in top {
        let path = app_dir.join(&rel);
        if path.is_file() && !out.iter().any(|(p, _)| *p == rel) {
            if path.symlink_metadata()?.file_type().is_symlink() {
                bail!("{}: links are not allowed in an app folder", path.display());
            }
            out.push((rel, std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?));
        }
    }
    out.retain(|(rel, _)| {
        rel == "app.json" || !ignore.matched_path_or_any_parents(app_dir.join(rel), false).is_ignore()
    });
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Collects every file under `dir` (but `logic/`, `target/`, hidden files and bundles), as paths
/// relative to `root`. Links are refused.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn app(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (p, text) in files {
            let path = dir.path().join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    fn packed(dir: &Path) -> Vec<String> {
        collect_app(dir).unwrap().into_iter().map(|(p, _)| p).collect()
    }

    #[test]
    fn only_what_belongs_in_a_bundle_is_packed() {
        let dir = app(&[
            ("app.json", r#"{"tabBar": {"list": [{"pagePath": "pages/a/a", "iconPath": "icons/a.png"}]}}"#),
            ("app.css", ""),
            ("pages/a/a.xml", "<view/>"),
            ("assets/logo.png", "png"),
            ("components/card/card.xml", "<view/>"),
            ("icons/a.png", "png"),
            ("icons/unused.png", "png"),
            ("backend/db.json", "{}"),
            ("notes/todo.txt", "secret plans"),
            ("README.md", "# hi"),
            ("logic/src/lib.rs", "// code"),
        ]);
        assert_eq!(
            packed(dir.path()),
            vec!["app.css", "app.json", "assets/logo.png", "components/card/card.xml", "icons/a.png", "pages/a/a.xml"]
        );
    }

    #[test]
    fn the_ignore_file_keeps_files_out_but_never_app_json() {
        let dir = app(&[
            ("app.json", "{}"),
            ("pages/a/a.xml", "<view/>"),
            ("pages/a/draft.xml", "<view/>"),
            ("assets/big/video.bin", "x"),
            (".miniappignore", "# comments are fine\n*draft*\nassets/big/\napp.json\n"),
        ]);
        assert_eq!(packed(dir.path()), vec!["app.json", "pages/a/a.xml"]);
    }

    #[test]
    fn the_guest_build_goes_to_the_cache_not_the_app_folder() {
        let dir = app(&[("app.json", "{}")]);
        let t = guest_target_dir(dir.path());
        assert!(!t.starts_with(dir.path()), "{}", t.display());
    }
}
