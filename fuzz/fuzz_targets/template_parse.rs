//! The template parser: arbitrary text (lossy UTF-8) through `miniapp_view::parse_template`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    if let Ok(template) = miniapp_view::parse_template(&src, "fuzz.xml") {
        let _ = template.handlers();
    }
});
