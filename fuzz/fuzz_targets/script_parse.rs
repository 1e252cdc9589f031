//! Headless driver scripts: arbitrary text (lossy UTF-8) through
//! `miniapp_shell::script::parse_script`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    let _ = miniapp_shell::script::parse_script(&src, "fuzz.script");
});
