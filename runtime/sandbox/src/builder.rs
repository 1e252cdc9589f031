//! Build-time helper for `miniapp build`: compile a logic crate for wasm32-unknown-unknown with
//! cargo, then componentize and check the result.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::{Error, Result};
use crate::imports::componentize;

/// The target guest crates are built for.
pub const GUEST_TARGET: &str = "wasm32-unknown-unknown";

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> Error + 'a {
    move |source| Error::Io { action, path: path.to_path_buf(), source }
}

/// Whether the active toolchain has the wasm32-unknown-unknown standard library installed.
pub fn wasm_target_installed() -> bool {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let Ok(out) = Command::new(rustc).args(["--print", "sysroot"]).output() else {
        return false;
    };
    let sysroot = String::from_utf8_lossy(&out.stdout).trim().to_string();
    Path::new(&sysroot).join("lib/rustlib").join(GUEST_TARGET).join("lib").is_dir()
}

/// Run `cargo build --release --target wasm32-unknown-unknown` in `crate_dir` with `extra_args`
/// and return the `.wasm` files it produced (cdylib libraries and cdylib examples).
///
/// Cargo's diagnostics go to this process's stderr. `target_dir` defaults to the crate's own.
///
/// # Errors
/// [`Error::WasmTargetMissing`] with the `rustup` command to run, [`Error::Build`] when cargo
/// fails or produces no `.wasm`, [`Error::Io`] when cargo cannot be started.
pub fn build_wasm_artifacts(
    crate_dir: &Path,
    target_dir: Option<&Path>,
    extra_args: &[&str],
) -> Result<Vec<PathBuf>> {
    if !wasm_target_installed() {
        return Err(Error::WasmTargetMissing);
    }
    let manifest = crate_dir.join("Cargo.toml");
    if !manifest.is_file() {
        return Err(Error::Build { dir: crate_dir.to_path_buf(), reason: "no Cargo.toml there".into() });
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.arg("build")
        .arg("--release")
        .args(["--target", GUEST_TARGET])
        .arg("--manifest-path")
        .arg(&manifest)
        .args(["--message-format", "json-render-diagnostics"])
        .args(extra_args)
        .current_dir(crate_dir)
        // Flags meant for the host build must not leak into the guest build.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some(dir) = target_dir {
        cmd.arg("--target-dir").arg(dir);
    } else {
        cmd.env_remove("CARGO_TARGET_DIR");
    }
    let out = cmd.output().map_err(io("running cargo in", crate_dir))?;
    if !out.status.success() {
        return Err(Error::Build {
            dir: crate_dir.to_path_buf(),
            reason: format!("cargo build exited with {} (see the diagnostics above)", out.status),
        });
    }
    let mut wasm = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        if msg["reason"] != "compiler-artifact" {
            continue;
        }
        for f in msg["filenames"].as_array().into_iter().flatten() {
            if let Some(f) = f.as_str().filter(|f| f.ends_with(".wasm")) {
                wasm.push(PathBuf::from(f));
            }
        }
    }
    if wasm.is_empty() {
        return Err(Error::Build {
            dir: crate_dir.to_path_buf(),
            reason: "cargo produced no .wasm: is the crate-type [\"cdylib\"]?".into(),
        });
    }
    Ok(wasm)
}

/// Build the logic crate in `crate_dir` and return its component (`logic.wasm` of a bundle).
///
/// # Errors
/// As [`build_wasm_artifacts`], plus [`Error::Build`] when the crate makes more than one
/// `.wasm`, and the errors of [`componentize`] (a foreign import is refused by name).
pub fn build_logic_crate(crate_dir: &Path, target_dir: Option<&Path>) -> Result<Vec<u8>> {
    build_logic_with(crate_dir, target_dir, &["--lib"])
}

/// Cargo `--config` overrides of the crate's release profile for `miniapp dev`: no LTO, many
/// codegen units, incremental, opt-level 1 — seconds per edit instead of a whole-program build.
pub const DEV_GUEST_PROFILE: &[&str] = &[
    "--config",
    "profile.release.lto=false",
    "--config",
    "profile.release.codegen-units=256",
    "--config",
    "profile.release.incremental=true",
    "--config",
    "profile.release.opt-level=1",
];

/// [`build_logic_crate`] with [`DEV_GUEST_PROFILE`] (give it a `target_dir` of its own, so
/// that the release build's artifacts are not rebuilt back and forth).
///
/// # Errors
/// As [`build_logic_crate`].
pub fn build_logic_crate_dev(crate_dir: &Path, target_dir: Option<&Path>) -> Result<Vec<u8>> {
    let mut args = vec!["--lib"];
    args.extend_from_slice(DEV_GUEST_PROFILE);
    build_logic_with(crate_dir, target_dir, &args)
}

fn build_logic_with(crate_dir: &Path, target_dir: Option<&Path>, args: &[&str]) -> Result<Vec<u8>> {
    let wasm = build_wasm_artifacts(crate_dir, target_dir, args)?;
    let [path] = wasm.as_slice() else {
        return Err(Error::Build {
            dir: crate_dir.to_path_buf(),
            reason: format!("expected one .wasm, cargo produced {}: {wasm:?}", wasm.len()),
        });
    };
    let bytes = std::fs::read(path).map_err(io("reading", path))?;
    componentize(&bytes)
}
