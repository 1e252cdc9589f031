//! Bundle verification: arbitrary bytes as a `.mapp` file through `miniapp_bundle::verify`
//! and `verify_base` (zip reading under the limits, the file table, signatures, the manifest).
#![no_main]

use libfuzzer_sys::fuzz_target;
use miniapp_bundle::{verify, verify_base, Trust};

fuzz_target!(|data: &[u8]| {
    let trust = Trust::default();
    let _ = verify(data, &trust);
    let _ = verify_base(data, &trust);
});
