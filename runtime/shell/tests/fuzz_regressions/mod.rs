//! The fuzz targets' inputs on stable: every seed in `fuzz/corpus/<target>/` and every input a
//! fuzzer once crashed on in `fuzz/regressions/<target>/` goes through the same call as its
//! target in `fuzz/fuzz_targets/` (`script_parse`, `qr_decode`) and must return, Ok or a clear
//! error, without panicking. A module of the `qr` test binary (not a binary of its own: each
//! shell test binary links wasmtime and wgpu). See `docs/fuzzing.md`.

use std::fs;

use miniapp_shell::camera::decode_qr_bytes;
use miniapp_shell::script::parse_script;

#[path = "../../../../fuzz/inputs.rs"]
mod fuzz_inputs;
use fuzz_inputs::{fuzz_dir, inputs};

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
    let bytes = fs::read(fuzz_dir().join("corpus/qr_decode/launch.png")).unwrap();
    assert_eq!(decode_qr_bytes(&bytes, "launch.png").unwrap(), "http://127.0.0.1:8080/apps/counter");
}
