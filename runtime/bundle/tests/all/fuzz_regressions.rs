//! The fuzz targets' inputs on stable: every seed in `fuzz/corpus/<target>/` and every input a
//! fuzzer once crashed on in `fuzz/regressions/<target>/` goes through the same call as the
//! target (`fuzz/fuzz_targets/bundle_verify.rs`, `app_manifest.rs`) and must return, Ok or a
//! clear error, without panicking. The bundle seeds are made here (`BLESS=1` rewrites them), so
//! they stay valid bundles as the format moves. See `docs/fuzzing.md`.

use std::fs;

use miniapp_bundle::{pack, pack_base, verify, verify_base, AppManifest, Trust};

use crate::helpers::{app_files, key, zip_raw};

#[path = "../../../../fuzz/inputs.rs"]
mod fuzz_inputs;
use fuzz_inputs::{fuzz_dir, inputs};

#[test]
fn bundle_verify_inputs_never_panic() {
    let trust = Trust::default();
    for (path, bytes) in inputs("bundle_verify") {
        eprintln!("{}", path.display());
        let _ = verify(&bytes, &trust);
        let _ = verify_base(&bytes, &trust);
    }
}

#[test]
fn app_manifest_inputs_never_panic() {
    for (path, bytes) in inputs("app_manifest") {
        eprintln!("{}", path.display());
        if let Ok(manifest) = AppManifest::parse(&bytes) {
            let _ = manifest.entry_page();
        }
    }
}

/// The bundle seeds: a signed app, the same files zipped unsigned, and a base library.
fn seed_bundles() -> Vec<(&'static str, Vec<u8>)> {
    let base = vec![
        ("base.json".to_string(), br#"{ "name": "miniapp-base", "version": "1.0.0" }"#.to_vec()),
        ("styles/components.css".to_string(), b"button { padding: 8px; }".to_vec()),
    ];
    vec![
        ("app.mapp", pack(&app_files(), &key()).unwrap()),
        ("unsigned.zip", zip_raw(&app_files())),
        ("base.mapp", pack_base(&base, &key()).unwrap()),
    ]
}

#[test]
fn fuzz_seed_bundles_are_current() {
    let dir = fuzz_dir().join("corpus/bundle_verify");
    for (name, bytes) in seed_bundles() {
        let path = dir.join(name);
        if std::env::var_os("BLESS").is_some() {
            fs::create_dir_all(&dir).unwrap();
            fs::write(&path, &bytes).unwrap();
        }
        let committed = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (run with BLESS=1)", path.display()));
        assert!(committed == bytes, "{} is stale (run with BLESS=1)", path.display());
    }
}
