//! The fuzz targets' inputs on stable: every seed in `fuzz/corpus/<target>/` and every input a
//! fuzzer once crashed on in `fuzz/regressions/<target>/` goes through the same call as its
//! target in `fuzz/fuzz_targets/` (`script_parse`, `qr_decode`) and must return, Ok or a clear
//! error, without panicking. A module of the `qr` test binary (not a binary of its own: each
//! shell test binary links wasmtime and wgpu). See `docs/fuzzing.md`.

use std::fs;
use std::path::{Path, PathBuf};

use miniapp_shell::camera::decode_qr_bytes;
use miniapp_shell::script::parse_script;

/// The seeds and regression inputs of one fuzz target, sorted; there is at least one seed.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut out = Vec::new();
    for kind in ["corpus", "regressions"] {
        let Ok(dir) = fs::read_dir(fuzz.join(kind).join(target)) else { continue };
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

#[test]
fn script_parse_inputs_never_panic() {
    for (path, bytes) in inputs("script_parse") {
        eprintln!("{}", path.display());
        let _ = parse_script(&String::from_utf8_lossy(&bytes), "fuzz.script");
    }
}

#[test]
fn qr_decode_inputs_never_panic() {
    for (path, bytes) in inputs("qr_decode") {
        eprintln!("{}", path.display());
        let _ = decode_qr_bytes(&bytes, "fuzz.png");
    }
}

#[test]
fn decode_qr_bytes_reads_the_launch_seed() {
    let bytes = fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/qr_decode/launch.png")).unwrap();
    assert_eq!(decode_qr_bytes(&bytes, "launch.png").unwrap(), "http://127.0.0.1:8080/apps/counter");
}
