//! QR image decoding: arbitrary bytes as an image file through
//! `miniapp_shell::camera::decode_qr_bytes` (format sniffing, the pixel limit, every pass).
//!
//! `decode_qr_bytes` contains panics raised inside rqrr (rqrr 0.8 asserts on some images; see
//! `detect_and_decode` in `runtime/shell/src/camera.rs`). libFuzzer's panic hook aborts on any
//! panic before it can be caught, so the hook here lets a panic located in rqrr's own source
//! unwind to that `catch_unwind`; every other panic still aborts and is reported.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !info.location().is_some_and(|l| l.file().contains("/rqrr-")) {
                abort(info);
            }
        }));
    },
    |data: &[u8]| {
        let _ = miniapp_shell::camera::decode_qr_bytes(data, "fuzz.png");
    }
);
