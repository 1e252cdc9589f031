//! `app.json`: arbitrary bytes through `AppManifest::parse` (strict serde schema, validated
//! ids, then every cross-field rule).
#![no_main]

use libfuzzer_sys::fuzz_target;
use miniapp_bundle::AppManifest;

fuzz_target!(|data: &[u8]| {
    if let Ok(manifest) = AppManifest::parse(data) {
        let _ = manifest.entry_page();
    }
});
