//! Bad input from the outside gets a clear error and exit code 1, never a panic.

use miniapp_tests::*;
use std::io::{Read, Write};
use std::path::Path;

fn assert_clean_failure(r: &Run, needle: &str) {
    assert_eq!(r.code, 1, "expected exit 1 for {needle:?}; stderr:\n{}", r.stderr);
    assert!(r.stderr.contains(needle), "stderr lacks {needle:?}:\n{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

/// Rewrites one entry of a bundle (a zip), keeping everything else, including the signed manifest.
fn rewrite_entry(bundle: &Path, out: &Path, name: &str, f: impl Fn(&mut Vec<u8>)) {
    let mut src = zip::ZipArchive::new(std::fs::File::open(bundle).unwrap()).unwrap();
    let mut dst = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    for i in 0..src.len() {
        let mut e = src.by_index(i).unwrap();
        let entry_name = e.name().to_string();
        let mut bytes = Vec::new();
        e.read_to_end(&mut bytes).unwrap();
        if entry_name == name {
            f(&mut bytes);
        }
        dst.start_file(entry_name, zip::write::SimpleFileOptions::default()).unwrap();
        dst.write_all(&bytes).unwrap();
    }
    dst.finish().unwrap();
}

#[test]
fn unknown_app_and_unreachable_cloud_are_named() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    let r = run(miniapp(home).args(["run", &format!("{}/apps/nope", cloud.url), "--headless"]));
    assert_clean_failure(&r, &format!("no app nope at {}", cloud.url));

    // A port where nothing listens: take one from the OS, then close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}");
    let r = run(miniapp(home).args(["run", &format!("{url}/apps/counter"), "--headless"]));
    assert_clean_failure(&r, &format!("cannot reach {url}: connection refused"));

    let r = run(miniapp(home).args(["run", "ftp://example/apps/x", "--headless"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
}

/// A launch that fails at once exits while the GPU device may still be starting on its own
/// thread. That raced lavapipe's static destructors and aborted ("double free or corruption",
/// about one run in a hundred under load); the harness now waits for the device first. Many at
/// once, to load the machine as CI does.
#[test]
fn a_launch_that_fails_at_once_exits_cleanly_every_time() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}/apps/counter");
    let workers: Vec<_> = (0..6)
        .map(|_| {
            let (home, url) = (home.to_path_buf(), url.clone());
            std::thread::spawn(move || {
                (0..12).map(|_| run(miniapp(&home).args(["run", &url, "--headless"]))).collect::<Vec<_>>()
            })
        })
        .collect();
    for worker in workers {
        for r in worker.join().unwrap() {
            assert_clean_failure(&r, "connection refused");
        }
    }
}

#[test]
fn tampered_and_badly_signed_bundles_are_refused() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    let bundle = counter_bundle(home);

    let tampered = home.join("tampered.mapp");
    rewrite_entry(&bundle, &tampered, "pages/index/index.xml", |b| b[0] ^= 0x01);
    assert_clean_failure(&cloud.publish(home, &tampered), "hash mismatch in pages/index/index.xml");

    let resigned = home.join("badsig.mapp");
    rewrite_entry(&bundle, &resigned, "_meta/files.json", |b| b.push(b'\n'));
    assert_clean_failure(&cloud.publish(home, &resigned), "signature");

    // The cloud is still up and takes the good bundle.
    assert_eq!(cloud.publish(home, &bundle).code, 0);
}

#[test]
fn a_component_importing_wasi_is_refused_by_name() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let app = home.join("wasi-app");
    copy_app_files(&root().join("sample-apps/counter"), &app);
    let component = wat::parse_str(
        r#"(component
             (import "wasi:cli/environment@0.2.0" (instance
               (export "get-arguments" (func (result (list string))))))
           )"#,
    )
    .unwrap();
    std::fs::write(app.join("logic.wasm"), component).unwrap();
    let r = build_app(home, &app, &home.join("wasi.mapp"));
    assert_clean_failure(&r, "imports wasi:cli/environment@0.2.0 which the host API does not provide");
}
