//! The base library: published separately, required by apps through `minBaseLibrary`.

use miniapp_bundle::{pack, pack_base};
use miniapp_cloud::Error;

use crate::helpers::*;

fn base(version: &str) -> Vec<u8> {
    let files = vec![
        ("base.json".to_string(), format!(r#"{{ "name": "miniapp-base", "version": "{version}" }}"#).into_bytes()),
        ("styles/components.css".to_string(), format!("/* base {version} */ button {{ padding: 8px; }}").into_bytes()),
    ];
    pack_base(&files, &publisher()).unwrap()
}

fn app_needing(min: &str, version: &str) -> Vec<u8> {
    let mut fs = files("shop", version, &[]);
    fs[0].1 = format!(
        r#"{{ "appid": "shop", "name": "Shop", "version": "{version}", "pages": ["pages/index/index"], "minBaseLibrary": "{min}" }}"#
    )
    .into_bytes();
    pack(&fs, &publisher()).unwrap()
}

#[test]
fn app_needing_a_newer_base_library_is_refused_at_publish() {
    let env = env();
    let e = env.client.publish(&env.url(), "test-token", &app_needing("1.1.0", "1.0.0")).unwrap_err();
    assert!(e.to_string().contains("minBaseLibrary: needs base library 1.1.0 but this cloud has none"), "{e}");
    env.client.publish_base(&env.url(), "test-token", &base("1.0.0")).unwrap();
    let e = env.client.publish(&env.url(), "test-token", &app_needing("1.1.0", "1.0.0")).unwrap_err();
    assert!(e.to_string().contains("needs base library 1.1.0 but this cloud has 1.0.0"), "{e}");
}

#[test]
fn base_library_is_fetched_with_the_app_and_then_served_from_cache() {
    let env = env();
    assert_eq!(env.client.latest_base(&env.url()).unwrap(), None);
    let info = env.client.publish_base(&env.url(), "test-token", &base("1.1.0")).unwrap();
    assert_eq!(env.client.latest_base(&env.url()).unwrap().unwrap().digest, info.digest);
    env.publish(&app_needing("1.1.0", "1.0.0"));
    let opened = env.client.open_app(&env.launch("shop"), &|_, _| {}).unwrap();
    let b = opened.base.expect("the app declared minBaseLibrary");
    assert_eq!(b.manifest.version.as_str(), "1.1.0");
    assert!(b.platform_signed());
    assert!(b.text("styles/components.css").unwrap().contains("base 1.1.0"));
    let again = env.client.open_app(&env.launch("shop"), &|_, _| {}).unwrap();
    assert!(again.base.is_some());
    let stats = env.client.stats(&env.url()).unwrap();
    assert_eq!(stats.bundle_downloads.get(&info.digest), Some(&1), "the base library is cached like an app");
}

#[test]
fn base_versions_must_grow_and_need_the_token() {
    let env = env();
    env.client.publish_base(&env.url(), "test-token", &base("1.0.0")).unwrap();
    let e = env.client.publish_base(&env.url(), "test-token", &base("1.0.0")).unwrap_err();
    assert!(matches!(e, Error::Refused { status: 409, .. }), "{e}");
    let e = env.client.publish_base(&env.url(), "wrong", &base("2.0.0")).unwrap_err();
    assert!(matches!(e, Error::Refused { status: 401, .. }), "{e}");
    let e = env.client.publish_base(&env.url(), "test-token", &bundle("counter", "1.0.0")).unwrap_err();
    assert!(e.to_string().contains("base library refused: missing file: base.json"), "{e}");
}

#[test]
fn cached_base_that_is_too_old_for_an_app_and_a_cloud_without_a_newer_one_is_a_clear_error() {
    let env = env();
    env.client.publish_base(&env.url(), "test-token", &base("1.0.0")).unwrap();
    let e = env
        .client
        .open_base(&env.url(), "shop", Some(&"2.0.0".parse().unwrap()), &|_, _| {})
        .unwrap_err();
    assert_eq!(e.to_string(), format!("app shop needs base library 2.0.0 or newer, but {} has 1.0.0", env.launch("shop").cloud_display()));
}

#[test]
fn a_base_library_over_the_app_body_limit_is_published_downloaded_and_verified() {
    // 5 MiB of font-like noise: over the 2 MiB app package limit and the 4 MiB app publish body.
    let mut x: u64 = 1;
    let font: Vec<u8> = (0..5 * 1024 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    let files = vec![
        ("base.json".to_string(), br#"{ "name": "miniapp-base", "version": "1.0.0" }"#.to_vec()),
        ("fonts/Big.ttf".to_string(), font),
        ("fonts/LICENSE-big.txt".to_string(), b"free".to_vec()),
    ];
    let bytes = pack_base(&files, &publisher()).unwrap();
    assert!(bytes.len() > miniapp_cloud::DEFAULT_BODY_LIMIT, "{}", bytes.len());
    let env = env();
    let info = env.client.publish_base(&env.url(), "test-token", &bytes).unwrap();
    let opened = env.client.open_base(&env.url(), "shop", None, &|_, _| {}).unwrap();
    assert_eq!(opened.base.digest, info.digest);
    assert_eq!(opened.base.fonts().map(|(p, _)| p).collect::<Vec<_>>(), ["fonts/Big.ttf"]);
}

/// Issue 12: a new process (a new client on the same cache) verifies the base library from the
/// uncompressed copy kept after the first verification; a changed copy is not used (the original
/// is verified instead and the copy made again), so nothing unverified is ever used.
#[test]
fn a_new_process_uses_the_uncompressed_copy_of_the_base_library_and_refuses_a_changed_one() {
    let env = env();
    let info = env.client.publish_base(&env.url(), "test-token", &base("1.2.0")).unwrap();
    env.publish(&app_needing("1.2.0", "1.0.0"));
    env.client.open_app(&env.launch("shop"), &|_, _| {}).unwrap();
    let hex = info.digest.trim_start_matches("sha256:");
    let copy = env.cache.path().join("bundles").join(format!("{hex}.stored"));
    // The copy is made off the launch's critical path, on a thread of its own.
    let stored = eventually(|| std::fs::read(&copy).ok()).expect("an uncompressed copy is kept after the first verification");
    assert!(stored.windows(14).any(|w| w == b"base 1.2.0 */ "), "the copy holds the styles uncompressed");

    let fresh = miniapp_cloud::CloudClient::new(env.cache.path().to_path_buf()).unwrap();
    fresh.warm_cached_base(&env.url());
    let b = fresh.open_app(&env.launch("shop"), &|_, _| {}).unwrap().base.unwrap();
    assert_eq!((b.digest.as_str(), b.size), (info.digest.as_str(), info.size), "the base library keeps the digest and size of the original");
    assert!(b.text("styles/components.css").unwrap().contains("base 1.2.0"));

    // Change one byte of the copy: it no longer verifies, the original is used and the copy remade.
    let at = stored.windows(10).position(|w| w == b"base 1.2.0").unwrap();
    let mut bad = stored.clone();
    bad[at] = b'B';
    std::fs::write(&copy, &bad).unwrap();
    let fresh = miniapp_cloud::CloudClient::new(env.cache.path().to_path_buf()).unwrap();
    // Verified ahead, beside the app's own checks (as a launch does): the same refusal.
    fresh.warm_cached_base(&env.url());
    let b = fresh.open_app(&env.launch("shop"), &|_, _| {}).unwrap().base.unwrap();
    assert!(b.text("styles/components.css").unwrap().contains("base 1.2.0"), "the changed copy was used");
    let remade = eventually(|| std::fs::read(&copy).ok().filter(|c| *c == stored));
    assert!(remade.is_some(), "the copy was made again from the verified original");
}

/// Issue 12: a new client (a new host) verifies the base library of the most recently opened
/// app's cloud as it starts. Once that is done the launch uses what was verified: a copy changed
/// afterwards is not read again (it would be refused, as above).
#[test]
fn a_new_client_verifies_the_recent_clouds_base_library_ahead() {
    let env = env();
    let info = env.client.publish_base(&env.url(), "test-token", &base("1.3.0")).unwrap();
    env.publish(&app_needing("1.3.0", "1.0.0"));
    env.client.open_app(&env.launch("shop"), &|_, _| {}).unwrap();
    let hex = info.digest.trim_start_matches("sha256:");
    let copy = env.cache.path().join("bundles").join(format!("{hex}.stored"));
    let stored = eventually(|| std::fs::read(&copy).ok()).expect("an uncompressed copy is kept");

    let fresh = miniapp_cloud::CloudClient::new(env.cache.path().to_path_buf()).unwrap();
    fresh.warm_recent_base();
    fresh.finish_warming();
    let at = stored.windows(10).position(|w| w == b"base 1.3.0").unwrap();
    let mut bad = stored.clone();
    bad[at] = b'B';
    std::fs::write(&copy, &bad).unwrap();
    let b = fresh.open_app(&env.launch("shop"), &|_, _| {}).unwrap().base.unwrap();
    assert_eq!(b.digest, info.digest);
    assert!(b.text("styles/components.css").unwrap().contains("base 1.3.0"));
    // Had the launch read the changed copy, it would have refused it and made it again from the
    // original, on a thread of its own: for a second it must stay as changed.
    let end = std::time::Instant::now() + std::time::Duration::from_secs(1);
    while std::time::Instant::now() < end {
        assert_eq!(std::fs::read(&copy).unwrap(), bad, "the copy was read again: it was not verified ahead");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }

    // An empty cache has no recent app: nothing to verify, nothing fails.
    let empty = tempfile::tempdir().unwrap();
    let none = miniapp_cloud::CloudClient::new(empty.path().to_path_buf()).unwrap();
    none.warm_recent_base();
    none.finish_warming();
}

/// `f()` once it is `Some`, trying for up to 10 s.
fn eventually<T>(mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let end = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if std::time::Instant::now() > end {
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
