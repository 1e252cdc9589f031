//! The seeds (`fuzz/corpus/<target>/`) and the inputs a fuzzer once crashed on
//! (`fuzz/regressions/<target>/`) of a fuzz target, for the stable `fuzz_regressions` tests of
//! the crates that own the code under test. Each includes this one file with
//! `#[path = "…/fuzz/inputs.rs"] mod fuzz_inputs;` (a test file, not a crate: the fuzz crate is
//! nightly-only and lives in its own workspace). See `docs/fuzzing.md`.

use std::fs;
use std::path::{Path, PathBuf};

/// `fuzz/` of the repository, seen from a crate in `runtime/`.
pub fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// The seeds and regression inputs of one fuzz target, sorted; there is at least one seed.
pub fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for kind in ["corpus", "regressions"] {
        let Ok(dir) = fs::read_dir(fuzz_dir().join(kind).join(target)) else { continue };
        for entry in dir {
            let path = entry.unwrap().path();
            if path.is_file() {
                let bytes = fs::read(&path).unwrap();
                out.push((path, bytes));
            }
        }
    }
    out.sort();
    assert!(!out.is_empty(), "no seeds in fuzz/corpus/{target}/");
    out
}
