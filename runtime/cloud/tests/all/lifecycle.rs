//! publish → launch cold → hot → update → ban → offline, through the real client.

use miniapp_cloud::{AppStatus, Error, LaunchUrl};

use crate::helpers::*;

#[test]
fn publish_then_open_downloads_verifies_and_countersigns() {
    let env = env();
    let receipt = env.publish(&bundle("counter", "1.0.0"));
    assert_eq!((receipt.appid.as_str(), receipt.version.as_str()), ("counter", "1.0.0"));
    assert!(receipt.digest.starts_with("sha256:"));

    let progress = std::cell::Cell::new((0u64, 0u64));
    let opened = env.client.open_app(&env.launch("counter"), &|d, t| progress.set((d, t))).unwrap();
    assert!(!opened.from_cache && !opened.offline);
    assert_eq!(opened.bundle.digest, receipt.digest);
    assert!(opened.bundle.platform_signed(), "the cloud countersigns on publish");
    assert_eq!(opened.bundle.platform_key(), Some(&env.cloud.platform_key));
    assert_eq!(progress.get(), (receipt.size, receipt.size));
    assert_eq!(opened.meta.status, AppStatus::Published);
    assert!(opened.timings.fetch_ms > 0.0);
}

#[test]
fn second_launch_is_hot_and_downloads_nothing() {
    let env = env();
    let receipt = env.publish(&bundle("counter", "1.0.0"));
    env.client.open_app(&env.launch("counter"), &|_, _| {}).unwrap();
    let hot = env.client.open_app(&env.launch("counter"), &|_, _| {}).unwrap();
    assert!(hot.from_cache);
    let stats = env.client.stats(&env.url()).unwrap();
    assert_eq!(stats.bundle_downloads.get(&receipt.digest), Some(&1), "{stats:?}");
}

#[test]
fn new_version_is_fetched_in_the_background_and_applied_on_the_next_launch() {
    let env = env();
    env.publish(&bundle("counter", "1.0.0"));
    let v1 = env.client.open_app(&env.launch("counter"), &|_, _| {}).unwrap();
    assert_eq!(v1.bundle.manifest.version.as_str(), "1.0.0");
    env.publish(&bundle("counter", "1.1.0"));
    let still_v1 = env.client.open_app(&env.launch("counter"), &|_, _| {}).unwrap();
    assert_eq!(still_v1.bundle.manifest.version.as_str(), "1.0.0", "update applies on the next launch");
    let update = still_v1.update.expect("an update is being fetched");
    assert_eq!(update.version, "1.1.0");
    update.wait().unwrap();
    let v2 = env.client.open_app(&env.launch("counter"), &|_, _| {}).unwrap();
    assert_eq!(v2.bundle.manifest.version.as_str(), "1.1.0");
    assert!(v2.from_cache && v2.update.is_none());
}

#[test]
fn banned_app_is_refused_with_the_reason_even_offline_and_unban_restores_it() {
    let mut env = env();
    env.publish(&bundle("counter", "1.0.0"));
    env.client.open_app(&env.launch("counter"), &|_, _| {}).unwrap();
    env.client.set_status(&env.url(), "test-token", "counter", AppStatus::Banned, "sells fake goods").unwrap();
    let e = env.client.open_app(&env.launch("counter"), &|_, _| {}).unwrap_err();
    assert_eq!(e.to_string(), "app counter was banned by the platform: sells fake goods");

    env.client.set_status(&env.url(), "test-token", "counter", AppStatus::Published, "").unwrap();
    assert!(env.client.open_app(&env.launch("counter"), &|_, _| {}).is_ok());

    env.client.set_status(&env.url(), "test-token", "counter", AppStatus::Suspended, "under review").unwrap();
    let e = env.client.open_app(&env.launch("counter"), &|_, _| {}).unwrap_err();
    assert!(matches!(e, Error::Suspended { .. }), "{e}");

    env.client.set_status(&env.url(), "test-token", "counter", AppStatus::Banned, "fraud").unwrap();
    let _ = env.client.open_app(&env.launch("counter"), &|_, _| {});
    let url = env.launch("counter");
    // The cloud goes away: the known ban still holds.
    let dead = std::mem::replace(&mut env.cloud, miniapp_cloud::spawn_background(miniapp_cloud::ServerConfig::new(env.data.path().join("other"))).unwrap());
    dead.stop();
    let e = env.client.open_app(&url, &|_, _| {}).unwrap_err();
    assert_eq!(e.to_string(), "app counter was banned by the platform: fraud");
}

#[test]
fn cached_app_starts_offline_when_the_cloud_is_down() {
    let env = env();
    env.publish(&bundle("counter", "1.0.0"));
    let url = env.launch("counter");
    env.client.open_app(&url, &|_, _| {}).unwrap();
    let Env { cloud, client, .. } = env;
    cloud.stop();
    let opened = client.open_app(&url, &|_, _| {}).unwrap();
    assert!(opened.offline && opened.from_cache);
    assert_eq!(opened.bundle.manifest.appid.as_str(), "counter");
    // An app never cached cannot start offline.
    let other = LaunchUrl::parse(&format!("{}apps/other", url.cloud)).unwrap();
    let e = client.open_app(&other, &|_, _| {}).unwrap_err();
    assert!(e.to_string().starts_with(&format!("cannot reach {}: connection refused", url.cloud_display())), "{e}");
}

#[test]
fn interrupted_download_resumes_with_a_range_request() {
    let env = env();
    let receipt = env.publish(&bundle("counter", "1.0.0"));
    // Fetch the stored bundle and leave the first half as a partial download in the cache.
    let full = reqwest::blocking::get(format!("{}bundles/{}", env.url(), receipt.digest)).unwrap().bytes().unwrap();
    let hex = receipt.digest.trim_start_matches("sha256:");
    std::fs::write(env.cache.path().join("bundles").join(format!("{hex}.part")), &full[..full.len() / 2]).unwrap();
    let first = std::cell::Cell::new(None);
    let opened = env.client.open_app(&env.launch("counter"), &|d, _| {
        if first.get().is_none() {
            first.set(Some(d))
        }
    }).unwrap();
    assert_eq!(first.get(), Some(full.len() as u64 / 2), "progress starts where the partial file ended");
    assert_eq!(opened.bundle.digest, receipt.digest);
    assert_eq!(env.client.stats(&env.url()).unwrap().range_requests, 1);
}

#[test]
fn corrupted_cache_entry_is_refused_and_dropped() {
    let env = env();
    let receipt = env.publish(&bundle("counter", "1.0.0"));
    env.client.open_app(&env.launch("counter"), &|_, _| {}).unwrap();
    let hex = receipt.digest.trim_start_matches("sha256:");
    let path = env.cache.path().join("bundles").join(hex);
    let mut bytes = std::fs::read(&path).unwrap();
    let n = bytes.len();
    bytes[n / 3] ^= 0xff;
    std::fs::write(&path, bytes).unwrap();
    let e = env.client.open_app(&env.launch("counter"), &|_, _| {}).unwrap_err();
    assert!(e.to_string().contains("failed verification"), "{e}");
    assert!(!path.exists(), "a cached bundle that fails verification is removed");
    assert!(env.client.open_app(&env.launch("counter"), &|_, _| {}).is_ok(), "and downloaded again next time");
}

#[test]
fn changed_platform_key_is_an_error_not_a_silent_retrust() {
    let env = env();
    env.publish(&bundle("counter", "1.0.0"));
    env.client.open_app(&env.launch("counter"), &|_, _| {}).unwrap();
    // Pin a different key, as if the cloud had rotated (or been replaced).
    let rogue = miniapp_bundle::SigningKey::from_seed([99; 32]).verifying_key();
    env.client.cache().pin_key(&env.url(), &rogue).unwrap();
    let e = env.client.open_app(&env.launch("counter"), &|_, _| {}).unwrap_err();
    assert!(e.to_string().contains("platform signature is by key"), "{e}");
    env.client.cache().clear().unwrap();
    env.client.cache().pin_key(&env.url(), &rogue).unwrap();
    let e = env.client.open_app(&env.launch("counter"), &|_, _| {}).unwrap_err();
    assert!(matches!(e, Error::PlatformKeyChanged { .. }), "{e}");
}

#[test]
fn cache_ls_lists_bundles_with_their_apps_and_clear_empties_it() {
    let env = env();
    let receipt = env.publish(&bundle("counter", "1.0.0"));
    env.client.open_app(&env.launch("counter"), &|_, _| {}).unwrap();
    let ls = env.client.cache().ls().unwrap();
    assert_eq!(ls.len(), 1);
    assert_eq!(ls[0].digest, receipt.digest);
    assert_eq!(ls[0].apps, ["counter 1.0.0"]);
    assert_eq!(env.client.cache().clear().unwrap(), receipt.size);
    assert!(env.client.cache().ls().unwrap().is_empty());
}

#[test]
fn cache_evicts_least_recently_used_bundles_over_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    let cache = miniapp_cloud::Cache::new(dir.path()).unwrap().with_cap(250);
    let d = |c: char| format!("sha256:{}", c.to_string().repeat(64));
    cache.store_bundle(&d('a'), &[0; 100]).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    cache.store_bundle(&d('b'), &[0; 100]).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    cache.bundle(&d('a')).unwrap(); // a is now more recently used than b
    std::thread::sleep(std::time::Duration::from_millis(20));
    cache.store_bundle(&d('c'), &[0; 100]).unwrap();
    assert!(cache.has_bundle(&d('a')) && cache.has_bundle(&d('c')));
    assert!(!cache.has_bundle(&d('b')), "the least recently used bundle is evicted");
}

#[test]
fn a_bundle_of_another_app_is_refused_even_when_signed() {
    // Metadata is not signed: pointing app `notes` at the (validly signed) bundle of `counter`
    // must not run counter with notes' storage and permissions.
    let env = env();
    env.publish(&bundle("counter", "1.0.0"));
    env.publish(&bundle("notes", "1.0.0"));
    let counter = env.launch("counter");
    let notes = env.launch("notes");
    let counter_digest = env.client.open_app(&counter, &|_, _| {}).unwrap().bundle.digest;
    env.client.open_app(&notes, &|_, _| {}).unwrap();
    let cloud = counter.cloud.clone();
    let mut record = env.client.cache().app_record(&cloud, "notes").unwrap();
    record.current = Some(counter_digest.clone());
    env.client.cache().save_app_record(&cloud, &record).unwrap();
    let Env { cloud: server, client, .. } = env;
    server.stop();
    let e = client.open_app(&notes, &|_, _| {}).unwrap_err();
    assert!(matches!(&e, Error::WrongApp { app_id, found, .. } if app_id == "notes" && found == "counter"), "{e}");
    assert!(e.to_string().contains("is app counter, not notes"), "{e}");
    assert!(client.open_app(&counter, &|_, _| {}).is_ok(), "counter itself still starts");
}
