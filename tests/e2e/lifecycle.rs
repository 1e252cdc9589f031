//! The bundle lifecycle through the real binary: publish v1 → cold launch (download) → hot launch
//! (no download) → publish v2 → launch (still v1, update fetched) → launch (v2) → publish v3 →
//! launch --latest (v3 at once) → ban → refused
//! with the reason, also offline → unban → works; cloud killed → the cached app still starts.

use miniapp_tests::*;
use std::path::Path;

/// Makes a new version of the counter: same logic component (taken from the v1 bundle), version
/// `version` and the label `label`, so the launched version is visible on screen.
fn counter_v(home: &Path, v1_bundle: &Path, version: &str, label: &str) -> std::path::PathBuf {
    let app = home.join(format!("counter-{version}"));
    copy_app_files(&root().join("sample-apps/counter"), &app);
    let manifest = std::fs::read_to_string(app.join("app.json")).unwrap().replace("\"1.0.0\"", &format!("\"{version}\""));
    std::fs::write(app.join("app.json"), manifest).unwrap();
    let xml = std::fs::read_to_string(app.join("pages/index/index.xml")).unwrap().replace("You tapped", label);
    std::fs::write(app.join("pages/index/index.xml"), xml).unwrap();
    let out = home.join(format!("counter-{version}.mapp"));
    build_with_logic_of(home, v1_bundle, &app, &out);
    out
}

/// App bundle downloads (the base library's are not counted).
fn downloads(cloud: &Cloud) -> u64 {
    let stats = cloud.stats();
    let Some(m) = stats["bundle_downloads"].as_object() else { return 0 };
    m.iter().filter(|(d, _)| Some(d.as_str()) != cloud.base_digest.as_deref()).filter_map(|(_, v)| v.as_u64()).sum()
}

fn base_downloads(cloud: &Cloud) -> u64 {
    cloud.stats()["bundle_downloads"][cloud.base_digest.as_deref().expect("Cloud::start published one")].as_u64().unwrap_or(0)
}

#[test]
fn publish_update_ban_unban_and_offline_start() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let mut cloud = Cloud::start(home).expect("cloud starts");
    let v1 = counter_bundle(home);
    assert_eq!(cloud.publish(home, &v1).code, 0);
    let url = format!("{}/apps/counter", cloud.url);

    // Cold: downloads.
    let (r, t) = run_headless(home, &url, "assert-text You tapped\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = t.unwrap();
    assert_eq!(t["launch"]["from_cache"], false);
    assert_eq!(t["launch"]["base"], "1.0.0", "the app runs on the cloud's base library");
    assert_eq!(downloads(&cloud), 1);
    assert_eq!(base_downloads(&cloud), 1);

    // Hot: from cache, no bundle download.
    let (r, t) = run_headless(home, &url, "assert-text You tapped\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(t.unwrap()["launch"]["from_cache"], true);
    assert_eq!(downloads(&cloud), 1, "a hot start must not download the bundle");
    assert_eq!(base_downloads(&cloud), 1, "nor the base library");

    // v2 published: the next launch still runs v1 and fetches v2 in the background.
    let v2 = counter_v(home, &v1, "1.0.1", "Version two");
    let p = cloud.publish(home, &v2);
    assert_eq!(p.code, 0, "{}", p.stderr);
    let (r, t) = run_headless(home, &url, "assert-text You tapped\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = t.unwrap();
    assert_eq!(t["launch"]["version"], "1.0.0");
    assert_eq!(t["launch"]["update_pending"], "1.0.1");
    assert!(r.stderr.contains("a newer version 1.0.1 is downloading in the background; it applies on the next launch"), "{}", r.stderr);
    assert_eq!(downloads(&cloud), 2);
    // ...and the launch after that runs v2.
    let (r, t) = run_headless(home, &url, "assert-text Version two\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(t.unwrap()["launch"]["version"], "1.0.1");

    // v3 published: `--latest` downloads it now and runs it at once.
    let v3 = counter_v(home, &v1, "1.0.2", "Version three");
    assert_eq!(cloud.publish(home, &v3).code, 0);
    let script = home.join("latest.script");
    std::fs::write(&script, "assert-text Version three\n").unwrap();
    let r = run(miniapp(home).args(["run", &url, "--headless", "--latest", "--script"]).arg(&script));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("counter 1.0.2 started"), "{}", r.stderr);
    assert!(!r.stderr.contains("applies on the next launch"), "{}", r.stderr);
    assert_eq!(downloads(&cloud), 3);

    // Ban: refused with the platform's reason, also when the cloud is down.
    let b = cloud.admin(home, "ban", "counter", "violates rule 7");
    assert_eq!(b.code, 0, "{}", b.stderr);
    let (r, _) = run_headless(home, &url, "");
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("banned") && r.stderr.contains("violates rule 7"), "{}", r.stderr);
    let addr = cloud.addr().to_string();
    cloud.kill();
    let (r, _) = run_headless(home, &url, "");
    assert_eq!(r.code, 1, "a banned app must not start offline from cache: {}", r.stderr);
    assert!(r.stderr.contains("violates rule 7"), "{}", r.stderr);

    // Unban (cloud back on the same address and data): works again.
    let mut cloud = Cloud::start_at(home, &addr).expect("cloud restarts");
    let u = cloud.admin(home, "unban", "counter", "");
    assert_eq!(u.code, 0, "{}", u.stderr);
    let (r, _) = run_headless(home, &url, "tap #inc\nassert-text 1\n");
    assert_eq!(r.code, 0, "{}", r.stderr);

    // Cloud killed: the cached app still starts, offline.
    cloud.kill();
    let (r, t) = run_headless(home, &url, "tap #inc\nassert-text Version three\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(t.unwrap()["launch"]["offline"], true);
    assert!(r.stderr.contains("offline"), "{}", r.stderr);
}

#[test]
fn wrong_admin_token_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    assert_eq!(cloud.publish(home, &counter_bundle(home)).code, 0);
    let r = run(miniapp(home).args(["admin", "ban", "counter", "--reason", "x", "--cloud", &cloud.url, "--token", "wrong"]));
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("401") || r.stderr.to_lowercase().contains("token"), "{}", r.stderr);
    let (r, _) = run_headless(home, &format!("{}/apps/counter", cloud.url), "assert-text You tapped\n");
    assert_eq!(r.code, 0, "the app must still run: {}", r.stderr);
}

#[test]
fn qr_codes_decode_back_to_the_launch_url() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let cloud = Cloud::start(home).expect("cloud starts");
    let url = format!("{}/apps/counter?path=pages/index/index&scene=poster42", cloud.url);
    let png = home.join("qr.png");
    let r = run(miniapp(home).args(["qr", &url, "-o"]).arg(&png));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(miniapp(home).args(["scan", "--print"]).arg(&png));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.trim(), url);
    // Not an image with a QR code: a clear error.
    let r = run(miniapp(home).args(["scan", "--print"]).arg(root().join("docs/images/counter.png")));
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no QR code found"), "{}", r.stderr);
}
