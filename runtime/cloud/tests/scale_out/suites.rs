//! The suites every storage backend must pass, unchanged: one at the trait level
//! ([`meta_suite`], [`blob_suite`]) and one through a real cloud and client ([`cloud_suite`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use miniapp_cloud::store::{BlobStore, InsertRefusal, MetaStore, NewLoginCode, NewVersion, Redemption};
use miniapp_cloud::{spawn_background, AppStatus, ArtifactInfo, BaseInfo, CloudClient, Error, LaunchUrl, ServerConfig, VersionInfo};
use sha2::Digest;

use crate::helpers::bundle;
use crate::services::{Moto, Postgres};

/// Where one cloud keeps its state; the servers it points at stay up while it lives.
pub struct Backend {
    pub database: Option<String>,
    pub blobs: Option<String>,
    pub blob_options: Vec<(String, String)>,
    _servers: (Option<Arc<Postgres>>, Option<Arc<Moto>>),
}

impl Backend {
    /// SQLite and a folder in the data dir (the defaults).
    pub fn local() -> Backend {
        Backend { database: None, blobs: None, blob_options: Vec::new(), _servers: (None, None) }
    }

    /// A fresh PostgreSQL database and/or a fresh S3 bucket.
    pub fn with(postgres: Option<Arc<Postgres>>, moto: Option<Arc<Moto>>) -> Backend {
        Backend {
            database: postgres.as_ref().map(|p| p.fresh_database()),
            blobs: moto.as_ref().map(|m| format!("s3://{}/miniapp", m.fresh_bucket())),
            blob_options: moto.as_ref().map(|m| m.options()).unwrap_or_default(),
            _servers: (postgres, moto),
        }
    }

    /// A cloud config on this backend with its own data dir and the given platform key file.
    pub fn config(&self, data_dir: &Path, platform_key: &Path) -> ServerConfig {
        let mut cfg = ServerConfig::new(data_dir);
        cfg.token = Some("t".into());
        cfg.database = self.database.clone();
        cfg.blobs = self.blobs.clone();
        cfg.blob_options = self.blob_options.clone();
        cfg.platform_key_file = Some(platform_key.to_path_buf());
        cfg
    }
}

fn version(appid: &str, version: &str, key: &str) -> NewVersion {
    NewVersion {
        appid: appid.into(),
        name: format!("{appid} {version}"),
        publisher_key: key.into(),
        version: VersionInfo { version: version.into(), digest: format!("sha256:{}", "ab".repeat(32)), size: 3_000_000_000, published_at: 1_700_000_000 },
    }
}

/// Registry rules on a fresh, empty store.
pub fn meta_suite(db: &dyn MetaStore) {
    assert_eq!(db.app("counter").unwrap(), None);
    assert!(db.apps().unwrap().is_empty());
    assert!(db.versions("counter").unwrap().is_empty());
    assert!(db.bases().unwrap().is_empty());

    assert_eq!(db.insert_version(&version("counter", "1.9.0", "k1")).unwrap(), Ok(()));
    assert_eq!(db.insert_version(&version("counter", "1.10.0", "k1")).unwrap(), Ok(()), "versions compare numerically");
    assert_eq!(db.insert_version(&version("counter", "1.10.0", "k1")).unwrap(), Err(InsertRefusal::NotNewer { latest: "1.10.0".into() }));
    assert_eq!(db.insert_version(&version("counter", "1.2.0", "k1")).unwrap(), Err(InsertRefusal::NotNewer { latest: "1.10.0".into() }));
    assert_eq!(db.insert_version(&version("counter", "9.0.0", "k2")).unwrap(), Err(InsertRefusal::OtherPublisher { owner: "k1".into() }));
    assert_eq!(db.insert_version(&version("alpha", "0.1.0", "k2")).unwrap(), Ok(()));

    let versions = db.versions("counter").unwrap();
    assert_eq!(versions.iter().map(|v| v.version.as_str()).collect::<Vec<_>>(), ["1.9.0", "1.10.0"], "oldest first");
    assert_eq!(versions[1], version("counter", "1.10.0", "k1").version, "sizes over 4 GiB and timestamps round-trip");
    let app = db.app("counter").unwrap().unwrap();
    assert_eq!((app.name.as_str(), app.status, app.reason.as_str(), app.publisher_key.as_str()), ("counter 1.10.0", AppStatus::Published, "", "k1"));
    assert_eq!(db.apps().unwrap().iter().map(|a| a.appid.as_str()).collect::<Vec<_>>(), ["alpha", "counter"], "by id");

    let reason = "it's \"fraud\" — 欺诈; DROP TABLE apps;--";
    assert!(db.set_status("counter", AppStatus::Banned, reason).unwrap());
    assert!(!db.set_status("nope", AppStatus::Banned, "x").unwrap(), "unknown app");
    let app = db.app("counter").unwrap().unwrap();
    assert_eq!((app.status, app.reason.as_str()), (AppStatus::Banned, reason));
    assert!(db.set_status("counter", AppStatus::Published, "").unwrap());
    assert_eq!(db.app("counter").unwrap().unwrap().status, AppStatus::Published);

    let base = |v: &str| BaseInfo { name: "base".into(), version: v.into(), digest: format!("sha256:{}", "cd".repeat(32)), size: 10, published_at: 5 };
    assert_eq!(db.insert_base(&base("1.0.0"), "k1").unwrap(), Ok(()));
    assert_eq!(db.insert_base(&base("0.9.0"), "k1").unwrap(), Err(InsertRefusal::NotNewer { latest: "1.0.0".into() }));
    assert_eq!(db.insert_base(&base("1.1.0"), "k1").unwrap(), Ok(()));
    assert_eq!(db.bases().unwrap(), [base("1.0.0"), base("1.1.0")]);

    // Precompiled artifacts: per (bundle, engine), the newest record for a pair wins.
    let bundle = format!("sha256:{}", "ab".repeat(32));
    let artifact = |engine: &str, n: u8| ArtifactInfo {
        engine: engine.into(),
        component_digest: format!("sha256:{}", "01".repeat(32)),
        digest: format!("sha256:{}", format!("{n:02x}").repeat(32)),
        size: 5_000_000_000,
        signature: "5a".repeat(64),
    };
    assert!(db.artifacts(&bundle).unwrap().is_empty());
    db.insert_artifact(&bundle, &artifact("wasmtime/b", 1)).unwrap();
    db.insert_artifact(&bundle, &artifact("wasmtime/a", 2)).unwrap();
    db.insert_artifact(&bundle, &artifact("wasmtime/b", 3)).unwrap();
    assert_eq!(db.artifacts(&bundle).unwrap(), [artifact("wasmtime/a", 2), artifact("wasmtime/b", 3)], "by engine, replaced, sizes over 4 GiB");
    assert!(db.artifacts(&format!("sha256:{}", "cd".repeat(32))).unwrap().is_empty(), "another bundle has none");
}

fn code(hash: &str, appid: &str, issued_at_ms: i64, ttl_ms: i64) -> NewLoginCode {
    NewLoginCode { code_hash: hash.repeat(32), appid: appid.into(), user: "ab".repeat(32), issued_at_ms, expires_at_ms: issued_at_ms + ttl_ms }
}

/// App secrets and login codes on a fresh, empty store: one secret per app, each code redeemed
/// at most once (also under concurrent redemption), refusals told apart, old codes purged.
pub fn auth_suite(db: &dyn MetaStore) {
    assert_eq!(db.insert_version(&version("counter", "1.0.0", "k1")).unwrap(), Ok(()));
    assert_eq!(db.insert_version(&version("todo", "1.0.0", "k1")).unwrap(), Ok(()));
    assert_eq!(db.app_secret("counter").unwrap(), None);
    assert_eq!(db.ensure_app_secret("counter", "s1").unwrap(), ("s1".into(), true));
    assert_eq!(db.ensure_app_secret("counter", "s2").unwrap(), ("s1".into(), false), "a secret is never replaced");
    assert_eq!(db.app_secret("counter").unwrap().as_deref(), Some("s1"));
    assert_eq!(db.app_secret("todo").unwrap(), None);

    let t = 1_700_000_000_000i64;
    db.insert_login_code(&code("01", "counter", t, 300_000), 0).unwrap();
    assert_eq!(db.redeem_login_code(&"01".repeat(32), "todo", t + 1).unwrap(), Redemption::OtherApp);
    assert_eq!(db.redeem_login_code(&"01".repeat(32), "counter", t + 1).unwrap(), Redemption::Redeemed { user: "ab".repeat(32) });
    assert_eq!(db.redeem_login_code(&"01".repeat(32), "counter", t + 2).unwrap(), Redemption::AlreadyUsed);
    assert_eq!(db.redeem_login_code(&"02".repeat(32), "counter", t + 2).unwrap(), Redemption::Unknown);

    db.insert_login_code(&code("03", "counter", t, 300_000), 0).unwrap();
    assert_eq!(db.redeem_login_code(&"03".repeat(32), "counter", t + 300_000).unwrap(), Redemption::Expired, "refused from its expiry on");
    assert_eq!(db.redeem_login_code(&"03".repeat(32), "counter", t + 400_000).unwrap(), Redemption::Expired, "and it stays unused");

    // purge: inserting deletes codes that expired before the cut-off, and only those
    db.insert_login_code(&code("04", "counter", t + 10_000_000, 300_000), t + 300_001).unwrap();
    assert_eq!(db.redeem_login_code(&"03".repeat(32), "counter", t + 10_000_000).unwrap(), Redemption::Unknown, "purged");
    assert_eq!(db.redeem_login_code(&"01".repeat(32), "counter", t + 10_000_000).unwrap(), Redemption::Unknown, "purged though used");
    assert_eq!(db.redeem_login_code(&"04".repeat(32), "counter", t + 10_000_001).unwrap(), Redemption::Redeemed { user: "ab".repeat(32) });

    // concurrent redemptions of one code: exactly one wins
    db.insert_login_code(&code("05", "counter", t, i64::MAX / 4), 0).unwrap();
    let results: Vec<Redemption> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8).map(|_| s.spawn(|| db.redeem_login_code(&"05".repeat(32), "counter", t + 1).unwrap())).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(results.iter().filter(|r| matches!(r, Redemption::Redeemed { .. })).count(), 1, "{results:?}");
    assert!(results.iter().all(|r| matches!(r, Redemption::Redeemed { .. } | Redemption::AlreadyUsed)), "{results:?}");
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Content-addressed storage rules on a fresh, empty store.
pub fn blob_suite(blobs: &dyn BlobStore) {
    let small = b"a bundle".to_vec();
    let big: Vec<u8> = (0..3 * 1024 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    for bytes in [&small, &big] {
        let hex = sha(bytes);
        assert_eq!(blobs.get(&hex).unwrap(), None);
        blobs.put(&hex, bytes).unwrap();
        assert_eq!(blobs.get(&hex).unwrap().as_deref(), Some(&bytes[..]));
        blobs.put(&hex, bytes).unwrap();
        assert_eq!(blobs.get(&hex).unwrap().as_deref(), Some(&bytes[..]), "a second put of the same digest keeps the bytes");
    }
    for bad in ["../../etc/passwd", "ABCDEF", &"A".repeat(64), ""] {
        assert!(blobs.put(bad, b"x").is_err(), "{bad:?} is not a digest");
        assert!(blobs.get(bad).is_err(), "{bad:?} is not a digest");
    }
}

/// publish → meta → download → status → versions → restart, through a real cloud and client.
pub fn cloud_suite(backend: &Backend) {
    let data = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let key_file = keys.path().join("platform.key");
    let cfg = backend.config(data.path(), &key_file);
    let cloud = spawn_background(cfg.clone()).unwrap();
    let url = cloud.url();
    let launch = LaunchUrl::parse(&format!("{url}apps/counter")).unwrap();
    let client = CloudClient::new(cache.path().to_path_buf()).unwrap();

    // publish
    let v1 = client.publish(&url, "t", &bundle("counter", "1.0.0")).unwrap();
    assert_eq!((v1.appid.as_str(), v1.version.as_str()), ("counter", "1.0.0"));

    // meta
    let meta = client.list_versions(&url, "counter").unwrap();
    assert_eq!((meta.version.as_str(), meta.digest.as_str(), meta.size, meta.status), ("1.0.0", v1.digest.as_str(), v1.size, AppStatus::Published));

    // download + verify (countersigned by this cloud)
    let opened = client.open_app(&launch, &|_, _| {}).unwrap();
    assert_eq!(opened.bundle.digest, v1.digest);
    assert_eq!(opened.bundle.platform_key(), Some(&cloud.platform_key));
    let http = reqwest::blocking::Client::new();
    let whole = http.get(format!("{url}bundles/{}", v1.digest)).send().unwrap();
    assert_eq!(whole.status(), 200);
    let whole = whole.bytes().unwrap();
    assert_eq!(format!("sha256:{}", sha(&whole)), v1.digest);
    let part = http.get(format!("{url}bundles/{}", v1.digest)).header("Range", "bytes=10-19").send().unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(&part.bytes().unwrap()[..], &whole[10..20]);
    let missing = http.get(format!("{url}bundles/sha256:{}", "0".repeat(64))).send().unwrap();
    assert_eq!(missing.status(), 404);

    // versions: duplicates refused, newer accepted
    let e = client.publish(&url, "t", &bundle("counter", "1.0.0")).unwrap_err();
    assert!(matches!(e, Error::Refused { status: 409, .. }), "{e}");
    let v2 = client.publish(&url, "t", &bundle("counter", "1.1.0")).unwrap();

    // status
    client.set_status(&url, "t", "counter", AppStatus::Banned, "sells fake goods").unwrap();
    let e = client.open_app(&launch, &|_, _| {}).unwrap_err();
    assert_eq!(e.to_string(), "app counter was banned by the platform: sells fake goods");
    client.set_status(&url, "t", "counter", AppStatus::Published, "").unwrap();

    let meta = client.list_versions(&url, "counter").unwrap();
    assert_eq!(meta.versions.iter().map(|v| v.version.as_str()).collect::<Vec<_>>(), ["1.0.0", "1.1.0"]);
    assert_eq!((meta.digest.as_str(), meta.status), (v2.digest.as_str(), AppStatus::Published));
    let e = client.fetch_meta(&LaunchUrl::parse(&format!("{url}apps/nope")).unwrap()).unwrap_err();
    assert_eq!(e.to_string(), format!("no app nope at {}", miniapp_cloud::cloud_display(&url)));

    // the data went where the backend says, and nowhere else
    assert_eq!(data.path().join("meta.db").exists(), backend.database.is_none(), "meta.db in the data dir");
    let local_bundles = std::fs::read_dir(data.path().join("bundles")).map(|d| d.count()).unwrap_or(0);
    assert_eq!(local_bundles > 0, backend.blobs.is_none(), "bundles in the data dir");

    // a restart keeps everything
    drop(cloud);
    let cloud = spawn_background(cfg).unwrap();
    let url = cloud.url();
    let meta = client.list_versions(&url, "counter").unwrap();
    assert_eq!(meta.versions.len(), 2);
    let fresh_cache = tempfile::tempdir().unwrap();
    let opened = CloudClient::new(fresh_cache.path().to_path_buf())
        .unwrap()
        .open_app(&LaunchUrl::parse(&format!("{url}apps/counter")).unwrap(), &|_, _| {})
        .unwrap();
    assert_eq!((opened.bundle.digest.as_str(), opened.bundle.manifest.version.as_str()), (v2.digest.as_str(), "1.1.0"));
}

/// Two replicas with their own (empty) data dirs and one shared key file, on `backend`.
pub fn replicas(backend: &Backend) -> (miniapp_cloud::RunningCloud, miniapp_cloud::RunningCloud, Vec<tempfile::TempDir>, PathBuf) {
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let key = dirs[2].path().join("platform.key");
    let a = spawn_background(backend.config(dirs[0].path(), &key)).unwrap();
    let b = spawn_background(backend.config(dirs[1].path(), &key)).unwrap();
    (a, b, dirs, key)
}
