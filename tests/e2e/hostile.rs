//! A hostile app through the real binary: a handler that never returns is stopped at its
//! deadline and the user sees the error page naming the handler; the host process is fine and
//! the next app launch in the same cloud works.

use miniapp_tests::*;
use std::process::Command;

fn hostile_guest() -> std::path::PathBuf {
    let guests = root().join("tests/guests");
    let target = root().join("target/guests");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--quiet", "--release", "--target", "wasm32-unknown-unknown", "--example", "sandbox_hostile"])
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(&guests)
        .status()
        .expect("running cargo for the test guests");
    assert!(status.success(), "building tests/guests failed");
    target.join("wasm32-unknown-unknown/release/examples/sandbox_hostile.wasm")
}

#[test]
fn a_handler_that_never_returns_shows_the_timeout_error_page() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let app = home.join("spinner");
    std::fs::create_dir_all(app.join("pages/index")).unwrap();
    std::fs::write(
        app.join("app.json"),
        r#"{ "appid": "spinner", "name": "Spinner", "version": "1.0.0", "pages": ["pages/index/index"] }"#,
    )
    .unwrap();
    std::fs::write(app.join("pages/index/index.xml"), r#"<view><button id="go" bind:tap="spin">Go</button></view>"#).unwrap();
    std::fs::copy(hostile_guest(), app.join("logic.wasm")).unwrap();
    let cloud = Cloud::start(home).expect("cloud starts");
    let bundle = home.join("spinner.mapp");
    let r = build_app(home, &app, &bundle);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(cloud.publish(home, &bundle).code, 0);

    let (r, t) = run_headless(home, &format!("{}/apps/spinner", cloud.url), "tap #go\nassert-text app script timed out in handle-event(spin)\nscreenshot err.png\n");
    assert_eq!(r.code, 1, "the run reports the stopped app:\n{}", r.stderr);
    assert!(r.stderr.contains("the app stopped: app script timed out in handle-event(spin)"), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(t.unwrap()["steps"].as_array().unwrap().iter().all(|s| s["ok"] == true));

    // The same cloud and host cache still launch a good app.
    assert_eq!(cloud.publish(home, &counter_bundle(home)).code, 0);
    let (r, _) = run_headless(home, &format!("{}/apps/counter", cloud.url), "tap #inc\nassert-text 1\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
}
