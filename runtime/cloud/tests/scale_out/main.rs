//! Scale-out storage (issue 4): the same suites against SQLite and PostgreSQL, against a folder
//! and S3, and two stateless replicas sharing PostgreSQL + S3.
//!
//! The test setup starts the real servers on loopback ([`services`]): PostgreSQL from Debian's
//! `postgresql` package and moto's S3 server from PyPI's `moto[server]`. Without them these
//! tests fail and say what to install; they never pass by skipping.

#[allow(dead_code)]
#[path = "../all/helpers.rs"]
mod helpers;
mod services;
mod suites;

use std::path::Path;

use miniapp_cloud::store::{open_blobs, open_meta, MetaStore, PgMeta, S3Blobs, SqliteMeta};
use miniapp_cloud::{AppStatus, CloudClient, Error, LaunchUrl, UserKey};

use crate::helpers::bundle;
use crate::services::{find_moto, find_pg_bindir, moto, postgres, INSTALL_MOTO, INSTALL_POSTGRES};
use crate::suites::{auth_suite, blob_suite, cloud_suite, meta_suite, replicas, Backend};

#[test]
fn meta_store_suite_passes_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    meta_suite(&SqliteMeta::open(&dir.path().join("meta.db")).unwrap());
}

#[test]
fn meta_store_suite_passes_on_postgres() {
    let pg = postgres();
    meta_suite(&PgMeta::connect(&pg.fresh_database()).unwrap());
}

#[test]
fn auth_suite_passes_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    auth_suite(&SqliteMeta::open(&dir.path().join("meta.db")).unwrap());
}

#[test]
fn auth_suite_passes_on_postgres() {
    let pg = postgres();
    auth_suite(&PgMeta::connect(&pg.fresh_database()).unwrap());
}

#[test]
fn one_login_code_raced_through_two_postgres_stores_is_redeemed_once() {
    let pg = postgres();
    let url = pg.fresh_database();
    let stores = [PgMeta::connect(&url).unwrap(), PgMeta::connect(&url).unwrap()];
    let code = miniapp_cloud::store::NewLoginCode {
        code_hash: "ee".repeat(32),
        appid: "app".into(),
        user: "ab".repeat(32),
        issued_at_ms: 0,
        expires_at_ms: i64::MAX,
    };
    stores[0].insert_login_code(&code, 0).unwrap();
    let wins: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let store = &stores[i % 2];
                s.spawn(move || store.redeem_login_code(&"ee".repeat(32), "app", 1).unwrap())
            })
            .collect();
        handles.into_iter().map(|h| matches!(h.join().unwrap(), miniapp_cloud::store::Redemption::Redeemed { .. }) as usize).sum()
    });
    assert_eq!(wins, 1);
}

#[test]
fn a_login_code_from_one_replica_is_exchanged_once_at_another() {
    let backend = Backend::with(Some(postgres()), None);
    let (a, b, _dirs, _key) = replicas(&backend);
    let cache = tempfile::tempdir().unwrap();
    let client = CloudClient::new(cache.path().to_path_buf()).unwrap();
    let secret = client.publish(&a.url(), "t", &bundle("counter", "1.0.0")).unwrap().app_secret.unwrap();
    assert_eq!(client.app_secret(&b.url(), "t", "counter").unwrap(), secret, "one secret for all replicas");
    assert_eq!(client.publish(&b.url(), "t", &bundle("counter", "1.1.0")).unwrap().app_secret, None, "not the first publish");

    let user = UserKey::generate();
    let code = client.login_code(&a.url(), "counter", &user).unwrap().code;
    let on_b = client.code2session(&b.url(), "counter", &secret, &code).unwrap();
    let e = client.code2session(&a.url(), "counter", &secret, &code).unwrap_err();
    assert!(matches!(&e, Error::Refused { status: 400, message, .. } if message == "login code was already used"), "{e}");
    let code = client.login_code(&b.url(), "counter", &user).unwrap().code;
    assert_eq!(client.code2session(&a.url(), "counter", &secret, &code).unwrap().openid, on_b.openid, "same openid from either replica");
}

#[test]
fn blob_store_suite_passes_on_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    blob_suite(&*open_blobs(None, &[], dir.path()).unwrap());
}

#[test]
fn blob_store_suite_passes_on_s3() {
    let s3 = moto();
    let bucket = s3.fresh_bucket();
    blob_suite(&S3Blobs::open(&format!("s3://{bucket}"), &s3.options()).unwrap());
    blob_suite(&S3Blobs::open(&format!("s3://{bucket}/under/a/prefix"), &s3.options()).unwrap());
}

#[test]
fn cloud_suite_passes_on_sqlite_and_a_folder() {
    cloud_suite(&Backend::local());
}

#[test]
fn cloud_suite_passes_on_postgres_and_a_folder() {
    cloud_suite(&Backend::with(Some(postgres()), None));
}

#[test]
fn cloud_suite_passes_on_sqlite_and_s3() {
    cloud_suite(&Backend::with(None, Some(moto())));
}

#[test]
fn cloud_suite_passes_on_postgres_and_s3() {
    cloud_suite(&Backend::with(Some(postgres()), Some(moto())));
}

#[test]
fn two_replicas_sharing_postgres_and_s3_serve_the_same_app() {
    let backend = Backend::with(Some(postgres()), Some(moto()));
    let (a, b, _dirs, _key) = replicas(&backend);
    assert_ne!(a.addr, b.addr);
    assert_eq!(a.platform_key, b.platform_key, "replicas share the platform key file");
    let cache = tempfile::tempdir().unwrap();
    let client = CloudClient::new(cache.path().to_path_buf()).unwrap();

    // published on A, served by B
    let v1 = client.publish(&a.url(), "t", &bundle("counter", "1.0.0")).unwrap();
    let on_b = LaunchUrl::parse(&format!("{}apps/counter", b.url())).unwrap();
    let opened = client.open_app(&on_b, &|_, _| {}).unwrap();
    assert_eq!(opened.bundle.digest, v1.digest, "published on one replica, served by the other");
    assert_eq!(client.stats(&b.url()).unwrap().bundle_downloads.get(&v1.digest), Some(&1), "B served the bytes");
    assert_eq!(client.stats(&a.url()).unwrap().bundle_downloads.get(&v1.digest), None);

    // a version on B is a conflict on A; a ban on B holds on A
    client.publish(&b.url(), "t", &bundle("counter", "1.1.0")).unwrap();
    let e = client.publish(&a.url(), "t", &bundle("counter", "1.1.0")).unwrap_err();
    assert!(matches!(e, Error::Refused { status: 409, .. }), "{e}");
    client.set_status(&b.url(), "t", "counter", AppStatus::Banned, "fraud").unwrap();
    let on_a = LaunchUrl::parse(&format!("{}apps/counter", a.url())).unwrap();
    let e = client.open_app(&on_a, &|_, _| {}).unwrap_err();
    assert_eq!(e.to_string(), "app counter was banned by the platform: fraud");
    client.set_status(&a.url(), "t", "counter", AppStatus::Published, "").unwrap();
    let meta_a = client.list_versions(&a.url(), "counter").unwrap();
    let meta_b = client.list_versions(&b.url(), "counter").unwrap();
    assert_eq!(meta_a, meta_b, "both replicas answer the same metadata");
    assert_eq!(meta_a.versions.len(), 2);

    // replicas keep nothing of their own: a third one on a fresh data dir serves it too
    drop(a);
    let data = tempfile::tempdir().unwrap();
    let c = miniapp_cloud::spawn_background(backend.config(data.path(), &_key)).unwrap();
    let fresh = tempfile::tempdir().unwrap();
    let opened = CloudClient::new(fresh.path().to_path_buf())
        .unwrap()
        .open_app(&LaunchUrl::parse(&format!("{}apps/counter", c.url())).unwrap(), &|_, _| {})
        .unwrap();
    assert_eq!(opened.bundle.manifest.version.as_str(), "1.1.0");
    assert!(!data.path().join("meta.db").exists() && !data.path().join("bundles").exists());
}

#[test]
fn concurrent_publishes_of_one_version_on_two_replicas_let_exactly_one_win() {
    let backend = Backend::with(Some(postgres()), Some(moto()));
    let (a, b, _dirs, _key) = replicas(&backend);
    let cache = tempfile::tempdir().unwrap();
    let client = CloudClient::new(cache.path().to_path_buf()).unwrap();
    let bytes = bundle("racer", "1.0.0");
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..6)
            .map(|i| {
                let url = if i % 2 == 0 { a.url() } else { b.url() };
                let (client, bytes) = (&client, &bytes);
                s.spawn(move || client.publish(&url, "t", bytes))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let wins = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(wins, 1, "{results:?}");
    for r in results.iter().filter_map(|r| r.as_ref().err()) {
        assert!(matches!(r, Error::Refused { status: 409, .. }), "{r}");
    }
    assert_eq!(client.list_versions(&b.url(), "racer").unwrap().versions.len(), 1);
}

#[test]
fn concurrent_inserts_through_two_postgres_stores_keep_versions_increasing() {
    let pg = postgres();
    let url = pg.fresh_database();
    let stores = [PgMeta::connect(&url).unwrap(), PgMeta::connect(&url).unwrap()];
    let versions = ["1.0.0", "1.1.0", "1.2.0", "2.0.0", "2.1.0", "3.0.0", "3.1.0", "4.0.0"];
    std::thread::scope(|s| {
        for (i, v) in versions.iter().enumerate() {
            let store = &stores[i % 2];
            s.spawn(move || {
                let new = miniapp_cloud::store::NewVersion {
                    appid: "app".into(),
                    name: "App".into(),
                    publisher_key: "k".into(),
                    version: miniapp_cloud::VersionInfo { version: v.to_string(), digest: "sha256:x".into(), size: 1, published_at: 0 },
                };
                store.insert_version(&new).unwrap()
            });
        }
    });
    let stored: Vec<String> = stores[0].versions("app").unwrap().into_iter().map(|v| v.version).collect();
    let keys: Vec<Vec<u64>> = stored.iter().map(|v| v.split('.').map(|p| p.parse().unwrap()).collect()).collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "every accepted version is newer than the one before: {stored:?}");
    assert!(stored.contains(&"4.0.0".to_string()), "the newest always wins: {stored:?}");
}

#[test]
fn a_database_that_cannot_be_reached_stops_the_cloud_from_starting_with_its_name() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = miniapp_cloud::ServerConfig::new(dir.path());
    cfg.database = Some(format!("postgres://cloud:s3cret@127.0.0.1:{port}/registry"));
    let e = miniapp_cloud::spawn_background(cfg).unwrap_err();
    let msg = e.to_string();
    assert!(msg.starts_with(&format!("metadata database postgres://cloud:***@127.0.0.1:{port}/registry: ")), "{msg}");
    assert!(!msg.contains("s3cret"), "{msg}");
    assert!(open_meta(Some("redis://x"), dir.path()).is_err());
}

#[test]
fn missing_servers_fail_with_what_to_install() {
    let empty = tempfile::tempdir().unwrap();
    let e = find_pg_bindir(None, empty.path(), Some(empty.path().as_os_str().to_owned())).unwrap_err();
    assert!(e.contains("apt-get install -y postgresql"), "{e}");
    let e = find_pg_bindir(Some(empty.path().to_path_buf()), Path::new("/nonexistent"), None).unwrap_err();
    assert!(e.ends_with(INSTALL_POSTGRES), "{e}");
    let e = find_moto(Some(empty.path().join("moto_server")), None).unwrap_err();
    assert!(e.ends_with(INSTALL_MOTO) && e.contains("pip install 'moto[server]'"), "{e}");
}

/// The store trait objects used by the server are the same ones the suites test.
#[test]
fn open_meta_picks_postgres_for_postgres_urls() {
    let pg = postgres();
    let dir = tempfile::tempdir().unwrap();
    let db: std::sync::Arc<dyn MetaStore> = open_meta(Some(&pg.fresh_database()), dir.path()).unwrap();
    meta_suite(&*db);
    assert!(!dir.path().join("meta.db").exists());
}
