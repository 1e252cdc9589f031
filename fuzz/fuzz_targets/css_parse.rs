//! The CSS parser: arbitrary text (lossy UTF-8) through `miniapp_view::parse_stylesheet`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    let _ = miniapp_view::parse_stylesheet(&src, "fuzz.css");
});
