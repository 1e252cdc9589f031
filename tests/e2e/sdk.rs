//! The guest SDK (`host-api/sdk`) on its own, as app developers get it: its unit tests and
//! doctests (natively), and a warning-free clippy of the wasm32 build apps link. It is not a
//! workspace member (it targets wasm32), so nothing else in `cargo xtask test` builds it alone.

use miniapp_tests::*;
use std::process::Command;

fn cargo_in_sdk(args: &[&str]) -> Run {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.args(args)
        .current_dir(root().join("host-api/sdk"))
        .env("CARGO_TARGET_DIR", target_dir().join("sdk"))
        .env_remove("RUSTFLAGS");
    run(&mut c)
}

#[test]
fn the_sdk_passes_its_tests_and_doctests_and_clippy_for_wasm32() {
    let r = cargo_in_sdk(&["test", "--locked"]);
    assert_eq!(r.code, 0, "the SDK's tests or doctests failed\n{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("Doc-tests miniapp_sdk"), "doctests ran:\n{}\n{}", r.stdout, r.stderr);
    let r = cargo_in_sdk(&["clippy", "--locked", "--quiet", "--target", "wasm32-unknown-unknown", "--", "-D", "warnings"]);
    assert_eq!(r.code, 0, "clippy found something in the SDK's wasm32 build\n{}\n{}", r.stdout, r.stderr);
}
