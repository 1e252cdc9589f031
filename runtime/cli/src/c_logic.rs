//! The build hook of apps written in C: `make -C logic` with the host API's C bindings, a build
//! folder and an output path in the environment, then the core module made a component.
//!
//! The contract (docs/c.md): an app folder whose `logic/` has a `Makefile` and no `Cargo.toml`
//! is a C app. `miniapp` writes the bindings ([`crate::c_bindings`]) and runs `make -C logic`
//! with `MINIAPP_C_BINDINGS` (the bindings' folder), `MINIAPP_BUILD_DIR` (for object files) and
//! `MINIAPP_OUT` (the core wasm module make must write), all in the guest cache, never in the
//! app folder. A failing make is an error that carries the compiler's output.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The environment variable naming the folder of `miniapp.h`, `miniapp.c` and
/// `miniapp_component_type.o`.
pub const ENV_BINDINGS: &str = "MINIAPP_C_BINDINGS";
/// The environment variable naming the folder for object files.
pub const ENV_BUILD_DIR: &str = "MINIAPP_BUILD_DIR";
/// The environment variable naming the core wasm module make must write.
pub const ENV_OUT: &str = "MINIAPP_OUT";

/// Whether `logic_dir` is the logic of a C app: a `Makefile` and no `Cargo.toml`.
pub fn is_c_logic(logic_dir: &Path) -> bool {
    logic_dir.join("Makefile").is_file() && !logic_dir.join("Cargo.toml").is_file()
}

/// Where one C build puts its files under the app's guest cache folder `target_dir`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CBuildDirs {
    /// The generated bindings (`MINIAPP_C_BINDINGS`).
    pub bindings: PathBuf,
    /// Object files (`MINIAPP_BUILD_DIR`).
    pub build: PathBuf,
    /// The core module (`MINIAPP_OUT`).
    pub out: PathBuf,
}

impl CBuildDirs {
    /// The folders of the C logic in `logic_dir` under `target_dir` (the guest cache folder):
    /// one folder per logic folder, since `MINIAPP_GUEST_TARGET_DIR` may be shared by many apps
    /// built at the same time.
    pub fn under(target_dir: &Path, logic_dir: &Path) -> Self {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        logic_dir.hash(&mut h);
        let app = logic_dir.parent().and_then(|p| p.file_name()).and_then(|n| n.to_str()).unwrap_or("app");
        let c = target_dir.join("c").join(format!("{app}-{:08x}", h.finish() & 0xffff_ffff));
        CBuildDirs { bindings: c.join("bindings"), build: c.join("obj"), out: c.join("logic.core.wasm") }
    }
}

/// Builds the C logic in `logic_dir` into a component (`logic.wasm` of a bundle), with its
/// build files under `target_dir`.
///
/// # Errors
/// `make` cannot be started (not installed), make fails (the message carries its output: the
/// compiler's `file:line: error`), make writes no module, or the module cannot be made a
/// component (a WASI import, named, or no component type: the bindings' object not linked).
pub fn build_c_logic(logic_dir: &Path, target_dir: &Path) -> Result<Vec<u8>> {
    let dirs = CBuildDirs::under(target_dir, logic_dir);
    crate::c_bindings::write_into(&dirs.bindings)?;
    std::fs::create_dir_all(&dirs.build).with_context(|| format!("creating {}", dirs.build.display()))?;
    let output = Command::new("make")
        .arg("-C")
        .arg(logic_dir)
        .env(ENV_BINDINGS, &dirs.bindings)
        .env(ENV_BUILD_DIR, &dirs.build)
        .env(ENV_OUT, &dirs.out)
        .output()
        .context(
            "running `make` (is it installed? C apps need make, clang, lld and wasi-libc: \
             `apt-get install make clang lld wasi-libc`, or `cargo xtask setup`)",
        )?;
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    if !output.status.success() {
        bail!("`make -C {}` failed ({}):\n{}", logic_dir.display(), output.status, relevant(&text));
    }
    if text.contains("warning:") {
        tracing::warn!("make -C {}:\n{}", logic_dir.display(), relevant(&text));
    }
    let wasm = std::fs::read(&dirs.out).with_context(|| {
        format!("`make -C {}` succeeded but wrote no module at ${ENV_OUT} ({})", logic_dir.display(), dirs.out.display())
    })?;
    miniapp_sandbox::componentize(&wasm)
        .with_context(|| format!("making a component of the module {} built from {}", dirs.out.display(), logic_dir.display()))
}

/// Make's output without its `Entering/Leaving directory` lines, trimmed.
fn relevant(text: &str) -> String {
    text.lines()
        .filter(|l| !(l.starts_with("make") && (l.contains("Entering directory") || l.contains("Leaving directory"))))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_makefile_without_a_cargo_toml_is_a_c_app() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(!is_c_logic(tmp.path()));
        std::fs::write(tmp.path().join("Makefile"), "").unwrap();
        assert!(is_c_logic(tmp.path()));
        std::fs::write(tmp.path().join("Cargo.toml"), "").unwrap();
        assert!(!is_c_logic(tmp.path()), "a Rust crate with a Makefile beside it is still a Rust crate");
    }

    #[test]
    fn c_build_files_stay_under_the_target_dir() {
        let d = CBuildDirs::under(Path::new("/cache/guests"), Path::new("/apps/hello/logic"));
        for p in [&d.bindings, &d.build, &d.out] {
            assert!(p.starts_with("/cache/guests/c") && !p.starts_with("/apps"), "{}", p.display());
        }
        let other = CBuildDirs::under(Path::new("/cache/guests"), Path::new("/elsewhere/hello/logic"));
        assert_ne!(d.build, other.build, "two apps sharing a guest cache do not share object files");
    }

    #[test]
    fn make_noise_is_left_out_of_the_error() {
        let text = "make: Entering directory '/a/logic'\nsrc/app.c:3:1: error: expected ';'\nmake: *** [Makefile:9: x.o] Error 1\nmake: Leaving directory '/a/logic'\n";
        assert_eq!(relevant(text), "src/app.c:3:1: error: expected ';'\nmake: *** [Makefile:9: x.o] Error 1");
    }
}
