//! `miniapp new NAME [--template counter|list|tabs|form] [--lang rust|c]`: scaffolds an app
//! folder that builds and runs unchanged anywhere, offline too: the SDK comes with this
//! `miniapp` (embedded at compile time and written once to a versioned folder the scaffold's
//! logic crate depends on; a C app gets its bindings generated at build time, see docs/c.md).
//!
//! Templates live in `runtime/cli/templates/<name>/` (the Rust app); `templates/lang-c/<name>/`
//! holds what a C app has instead (its `logic/`) or in addition.

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
    /// A tab bar of three tabs with icons, a page per tab (switch-tab, tab bar badges).
    Tabs,
    /// A sign-up form: inputs, a picker and a switch, validation, a toast or a modal on submit.
    Form,
}

/// The languages an app's logic can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// A Rust crate built against the SDK that comes with this miniapp.
    Rust,
    /// C with a Makefile, built with clang for wasm32 against generated bindings (docs/c.md).
    C,
}

impl Lang {
    /// The language's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Rust => "Rust",
            Lang::C => "C",
        }
    }

    /// The templates this language has.
    pub fn templates(self) -> &'static [Template] {
        match self {
            Lang::Rust => &[Template::Counter, Template::List, Template::Tabs, Template::Form],
            Lang::C => &[Template::Counter, Template::List],
        }
    }
}

impl Template {
    fn dir(self) -> &'static str {
        match self {
            Template::Counter => "counter",
            Template::List => "list",
            Template::Tabs => "tabs",
            Template::Form => "form",
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
    /// The language of the app's logic.
    #[arg(long, value_enum, default_value = "rust")]
    pub lang: Lang,
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
    if !args.lang.templates().contains(&args.template) {
        let names: Vec<_> = args.lang.templates().iter().map(|t| t.dir()).collect();
        bail!(
            "there is no `{}` template in {}: its templates are {} (choose one with --template)",
            args.template.dir(),
            args.lang.name(),
            names.join(", ")
        );
    }
    let sdk = install_sdk(args.sdk_dir.as_deref())?;
    let files = scaffold(args.template, args.lang, &appid, base, &sdk);
    for (rel, text) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    let lang = args.lang.name();
    println!("created {} ({} template in {lang}, app id `{appid}`, {} files)", dir.display(), args.template.dir(), files.len());
    match args.lang {
        Lang::Rust => println!("SDK: {}", sdk.display()),
        Lang::C => println!("logic: logic/src/app.c, built with clang and make (see docs/c.md)"),
    }
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

/// The embedded SDK: `(path, contents)` of `sdk/…` (the Rust SDK crate) and `wit/…` (the host API).
pub fn sdk_files() -> &'static [(&'static str, &'static [u8])] {
    embedded::SDK_FILES
}

/// The folder of a language's own files for a template under `templates/` (`None`: the
/// template's folder is the Rust app itself).
fn lang_dir(lang: Lang) -> Option<&'static str> {
    match lang {
        Lang::Rust => None,
        Lang::C => Some("lang-c"),
    }
}

/// The template's files with the placeholders filled in (text files; binary files such as PNG
/// icons are copied as they are). For C, the Rust `logic/` is replaced by the C one.
pub fn scaffold(template: Template, lang: Lang, appid: &str, name: &str, sdk: &Path) -> Vec<(String, Vec<u8>)> {
    let prefix = format!("{}/", template.dir());
    let crate_name = format!("{}-logic", appid.replace('_', "-"));
    let sdk_path = sdk.join("sdk").display().to_string().replace('\\', "/");
    let logic_src = match lang {
        Lang::Rust => "logic/src/lib.rs",
        Lang::C => "logic/src/app.c",
    };
    let fill = |text: &[u8]| -> Vec<u8> {
        match std::str::from_utf8(text) {
            Ok(text) => text
                .replace("__APP_ID__", appid)
                .replace("__APP_NAME__", name)
                .replace("__CRATE_NAME__", &crate_name)
                .replace("__SDK_PATH__", &sdk_path)
                .replace("__LOGIC_SRC__", logic_src)
                .into_bytes(),
            Err(_) => text.to_vec(),
        }
    };
    let base = embedded::TEMPLATE_FILES
        .iter()
        .filter_map(|(rel, text)| rel.strip_prefix(&prefix).map(|r| (r, *text)))
        .filter(|(rel, _)| lang == Lang::Rust || !rel.starts_with("logic/"));
    let own: Vec<(&str, &[u8])> = match lang_dir(lang) {
        Some(dir) => {
            let prefix = format!("{dir}/{}/", template.dir());
            embedded::TEMPLATE_FILES
                .iter()
                .filter_map(|(rel, text)| rel.strip_prefix(&prefix).map(|r| (r, *text)))
                .collect()
        }
        None => Vec::new(),
    };
    let mut files: Vec<(String, Vec<u8>)> = base
        .filter(|(rel, _)| !own.iter().any(|(o, _)| o == rel))
        .chain(own.iter().copied())
        .map(|(rel, text)| (rel.to_string(), fill(text)))
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
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
    for (rel, bytes) in embedded::SDK_FILES {
        let path = tmp.join(rel);
        std::fs::create_dir_all(path.parent().expect("has a parent"))
            .with_context(|| format!("creating {}", path.display()))?;
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
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
        for t in Lang::Rust.templates() {
            let files = scaffold(*t, Lang::Rust, "hello", "Hello", Path::new("/sdk"));
            assert!(files.iter().any(|(p, _)| p == "app.json"), "{t:?}");
            assert!(files.iter().any(|(p, _)| p == "s.txt"), "{t:?} has a headless script");
            assert!(files.iter().any(|(p, _)| p == "logic/Cargo.toml"));
            for (p, bytes) in &files {
                if let Ok(text) = std::str::from_utf8(bytes) {
                    assert!(!text.contains("__"), "{t:?} {p} still has a placeholder");
                }
            }
            let cargo = std::str::from_utf8(&files.iter().find(|(p, _)| p == "logic/Cargo.toml").unwrap().1).unwrap();
            assert!(cargo.contains("path = \"/sdk/sdk\""), "{cargo}");
        }
    }

    #[test]
    fn a_c_template_has_a_makefile_and_no_rust_crate() {
        for t in Lang::C.templates() {
            let files = scaffold(*t, Lang::C, "hello", "Hello", Path::new("/sdk"));
            let names: Vec<_> = files.iter().map(|(p, _)| p.as_str()).collect();
            assert!(names.contains(&"logic/Makefile") && names.contains(&"logic/src/app.c"), "{t:?}: {names:?}");
            assert!(!names.iter().any(|n| n.ends_with(".rs") || n.ends_with("Cargo.toml")), "{t:?}: {names:?}");
            assert!(names.contains(&"app.json") && names.contains(&"s.txt"), "{t:?}: {names:?}");
            for (p, bytes) in &files {
                let text = std::str::from_utf8(bytes).unwrap();
                assert!(!text.contains("__APP") && !text.contains("__LOGIC"), "{t:?} {p} still has a placeholder");
            }
        }
    }

    #[test]
    fn the_tabs_template_ships_its_icons_as_png_bytes() {
        let files = scaffold(Template::Tabs, Lang::Rust, "hello", "Hello", Path::new("/sdk"));
        let icons: Vec<_> = files.iter().filter(|(p, _)| p.ends_with(".png")).collect();
        assert!(icons.len() >= 4, "{:?}", files.iter().map(|(p, _)| p).collect::<Vec<_>>());
        for (p, bytes) in icons {
            assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{p} is a PNG");
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
