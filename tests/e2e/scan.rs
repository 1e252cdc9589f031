//! `miniapp scan IMAGE` opens what the code holds: a launch URL runs headless with
//! `--headless --script FILE` (as `miniapp run` would), `--print` only prints it, and a code
//! that holds other text is refused with exit code 1 and opens nothing.

use miniapp_tests::{counter_bundle, miniapp, run, Cloud};

#[test]
fn scan_opens_a_launch_url_prints_with_print_and_refuses_other_text() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    let r = cloud.publish(home, &counter_bundle(home));
    assert_eq!(r.code, 0, "publish failed:\n{}\n{}", r.stdout, r.stderr);
    let url = format!("{}/apps/counter", cloud.url);
    let code = home.join("code.png");
    let r = run(miniapp(home).args(["qr", &url, "-o"]).arg(&code));
    assert_eq!(r.code, 0, "{}", r.stderr);

    // Scanned and run headless: the script's steps pass against the counter.
    let script = home.join("s.txt");
    std::fs::write(&script, "assert-text You tapped\n").unwrap();
    let r = run(miniapp(home).arg("scan").arg(&code).args(["--headless", "--script"]).arg(&script));
    assert_eq!(r.code, 0, "scan --headless failed:\n{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains(&format!("scanned {url}")), "{}", r.stderr);
    assert!(r.stderr.contains("counter 1.0.0 started"), "{}", r.stderr);
    assert!(r.stdout.contains("ok 1: assert-text You tapped"), "{}", r.stdout);

    // --print: only the URL, nothing started.
    let r = run(miniapp(home).arg("scan").arg(&code).arg("--print"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.trim(), url);
    assert!(!r.stderr.contains("started"), "{}", r.stderr);

    // A code holding plain text: printed with a note under --print, refused otherwise.
    let hello = home.join("hello.png");
    qrcode::QrCode::new("hello")
        .unwrap()
        .render::<image::Luma<u8>>()
        .min_dimensions(200, 200)
        .build()
        .save(&hello)
        .unwrap();
    let r = run(miniapp(home).arg("scan").arg(&hello).arg("--print"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.trim(), "hello");
    assert!(r.stderr.contains("note: this QR code does not hold a miniapp launch URL"), "{}", r.stderr);
    for args in [&["--headless"][..], &[]] {
        let r = run(miniapp(home).arg("scan").arg(&hello).args(args));
        assert_eq!(r.code, 1, "{args:?}: {}\n{}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains("error: this QR code holds hello, not a miniapp launch URL; nothing was opened"),
            "{args:?}: {}",
            r.stderr
        );
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
    }

    // No code at all: the camera's error, exit code 1.
    let blank = home.join("blank.png");
    image::GrayImage::from_pixel(120, 80, image::Luma([255])).save(&blank).unwrap();
    let r = run(miniapp(home).arg("scan").arg(&blank));
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains(&format!("no QR code found in {}", blank.display())), "{}", r.stderr);
}
