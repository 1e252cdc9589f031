//! `miniapp new NAME [--template counter|list]`: scaffolds an app folder that builds and runs
//! unchanged anywhere, offline too: the SDK comes with this `miniapp` (embedded at compile time
//! and written once to a versioned folder the scaffold's logic crate depends on).

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// The app templates `miniapp new` offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Template {
    /// A number and a button (set-data, taps).
    Counter,
    /// A searchable list of 100 rows with a detail page (input, scrolling, navigator).
    List,
}

impl Template {
    fn dir(self) -> &'static str {
        match self {
            Template::Counter => "counter",
            Template::List => "list",
        }
    }
}

/// Arguments of `miniapp new`.
#[derive(clap::Args)]
pub struct Args {
    /// The app's folder to create (its last component becomes the app id and name).
    pub name: PathBuf,
    /// What to start from.
    #[arg(long, value_enum, default_value = "counter")]
    pub template: Template,
    /// Where the SDK is written (default: the user's data folder, `miniapp-sdk-VERSION-HASH`).
    #[arg(long, env = "MINIAPP_SDK_DIR", value_name = "DIR")]
    pub sdk_dir: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let dir = &args.name;
    if dir.exists() && std::fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(true) {
        bail!("{} already exists and is not empty: choose another name", dir.display());
    }
    let base = dir
        .file_name()
        .and_then(|n| n.to_str())
        .with_context(|| format!("{} has no usable last component for an app name", dir.display()))?;
    let appid = app_id_of(base)?;
    let sdk = install_sdk(args.sdk_dir.as_deref())?;
    let files = scaffold(args.template, &appid, base, &sdk);
    for (rel, text) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    println!("created {} ({} template, app id `{appid}`, {} files)", dir.display(), args.template.dir(), files.len());
    println!("SDK: {}", sdk.display());
    println!("next:\n  cd {}\n  miniapp build . -o {appid}.mapp\n  (or publish it to a cloud and `miniapp launch` it; see docs/tutorial.md)", dir.display());
    Ok(ExitCode::SUCCESS)
}

/// `My App` → `my-app`, checked against the app id rule.
pub fn app_id_of(name: &str) -> Result<String> {
    let mut id: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect();
    id = id.trim_matches('-').to_string();
    while id.contains("--") {
        id = id.replace("--", "-");
    }
    miniapp_bundle::AppId::try_from(id.clone())
        .map_err(|e| anyhow::anyhow!("cannot make an app id from `{name}`: `{id}` {e}"))?;
    Ok(id)
}

/// The template's files with the placeholders filled in.
pub fn scaffold(template: Template, appid: &str, name: &str, sdk: &Path) -> Vec<(String, String)> {
    let prefix = format!("{}/", template.dir());
    let crate_name = format!("{}-logic", appid.replace('_', "-"));
    let sdk_path = sdk.join("sdk").display().to_string().replace('\\', "/");
    embedded::TEMPLATE_FILES
        .iter()
        .filter_map(|(rel, text)| rel.strip_prefix(&prefix).map(|r| (r, text)))
        .map(|(rel, text)| {
            let text = text
                .replace("__APP_ID__", appid)
                .replace("__APP_NAME__", name)
                .replace("__CRATE_NAME__", &crate_name)
                .replace("__SDK_PATH__", &sdk_path);
            (rel.to_string(), text)
        })
        .collect()
}

/// The SDK's folder name: the SDK version and a hash of its contents, so that a `miniapp` with
/// another SDK never overwrites the one an existing app builds against.
pub fn sdk_folder_name() -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    embedded::SDK_FILES.hash(&mut h);
    format!("miniapp-sdk-{}-{:012x}", env!("CARGO_PKG_VERSION"), h.finish() & 0xffff_ffff_ffff)
}

/// Writes the embedded SDK (`sdk/` and `wit/`) under `root` (or the default data folder) unless
/// it is already there; returns its folder.
///
/// # Errors
/// The folder cannot be created or written.
pub fn install_sdk(root: Option<&Path>) -> Result<PathBuf> {
    let root = match root {
        Some(r) => r.to_path_buf(),
        None => directories::ProjectDirs::from("", "", "miniapp")
            .map(|d| d.data_dir().to_path_buf())
            .unwrap_or_else(|| PathBuf::from(".miniapp")),
    };
    let dir = root.join(sdk_folder_name());
    let marker = dir.join(".complete");
    if marker.is_file() {
        return Ok(dir);
    }
    // Written to a temporary sibling and renamed, so a crash never leaves half an SDK.
    let tmp = root.join(format!("{}.tmp-{}", sdk_folder_name(), std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    for (rel, text) in embedded::SDK_FILES {
        let path = tmp.join(rel);
        std::fs::create_dir_all(path.parent().expect("has a parent"))
            .with_context(|| format!("creating {}", path.display()))?;
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    std::fs::write(tmp.join(".complete"), "")?;
    match std::fs::rename(&tmp, &dir) {
        Ok(()) => {}
        Err(_) if marker.is_file() => {
            let _ = std::fs::remove_dir_all(&tmp); // another process won the race
        }
        Err(e) => return Err(e).with_context(|| format!("moving the SDK into {}", dir.display())),
    }
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_ids_come_from_folder_names() {
        assert_eq!(app_id_of("Hello World").unwrap(), "hello-world");
        assert_eq!(app_id_of("my_app2").unwrap(), "my-app2");
        assert!(app_id_of("!").is_err());
    }

    #[test]
    fn the_embedded_sdk_has_its_crate_and_the_wit() {
        let names: Vec<_> = embedded::SDK_FILES.iter().map(|(n, _)| *n).collect();
        assert!(names.contains(&"sdk/Cargo.toml"), "{names:?}");
        assert!(names.contains(&"sdk/src/lib.rs"));
        assert!(names.iter().any(|n| n.starts_with("wit/") && n.ends_with("world.wit")));
    }

    #[test]
    fn every_template_fills_its_placeholders() {
        for t in [Template::Counter, Template::List] {
            let files = scaffold(t, "hello", "Hello", Path::new("/sdk"));
            assert!(files.iter().any(|(p, _)| p == "app.json"), "{t:?}");
            assert!(files.iter().any(|(p, _)| p == "logic/Cargo.toml"));
            for (p, text) in &files {
                assert!(!text.contains("__"), "{t:?} {p} still has a placeholder");
            }
            let cargo = &files.iter().find(|(p, _)| p == "logic/Cargo.toml").unwrap().1;
            assert!(cargo.contains("path = \"/sdk/sdk\""), "{cargo}");
        }
    }

    #[test]
    fn the_sdk_is_written_once_and_reused() {
        let tmp = tempfile::tempdir().unwrap();
        let a = install_sdk(Some(tmp.path())).unwrap();
        assert!(a.join("sdk/src/lib.rs").is_file());
        assert!(a.join("wit/world.wit").is_file());
        std::fs::write(a.join("sdk/src/lib.rs"), "// kept").unwrap();
        let b = install_sdk(Some(tmp.path())).unwrap();
        assert_eq!(a, b);
        assert_eq!(std::fs::read_to_string(b.join("sdk/src/lib.rs")).unwrap(), "// kept", "not rewritten");
    }
}
