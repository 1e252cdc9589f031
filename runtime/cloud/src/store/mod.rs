//! The cloud's storage, behind two small traits so replicas can share it: [`MetaStore`] (the
//! app registry, app secrets and login codes) and [`BlobStore`] (content-addressed bundles).
//!
//! | store | default | scale-out |
//! |---|---|---|
//! | [`MetaStore`] | [`SqliteMeta`], `DATA/meta.db` | [`PgMeta`], `postgres://user:pass@host:port/db` |
//! | [`BlobStore`] | [`FsBlobs`], `DATA/bundles/` | [`S3Blobs`], `s3://bucket[/prefix]` (any S3-compatible server) |
//!
//! [`open_meta`] and [`open_blobs`] pick one from a location string (what `ServerConfig`'s
//! `database` and `blobs` hold). Both traits are synchronous: the server calls them from
//! blocking tasks, and the network-backed stores drive their own small tokio runtime, so they
//! work from any thread that is not itself an async task.

use std::path::Path;
use std::sync::Arc;

use crate::api::{AppStatus, ArtifactInfo, BaseInfo, VersionInfo};
use crate::error::{Error, Result};

mod fs;
mod postgres;
mod s3;
mod sqlite;

pub use fs::FsBlobs;
pub use postgres::{PgMeta, DEFAULT_PG_CONNECTIONS, DEFAULT_PG_CONNECT_TIMEOUT};
pub use s3::{S3Blobs, DEFAULT_S3_RETRIES, DEFAULT_S3_RETRY_TIMEOUT};
pub use sqlite::SqliteMeta;

/// An app's row in the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppRecord {
    /// The app id.
    pub appid: String,
    /// Display name of the latest version.
    pub name: String,
    /// Platform status.
    pub status: AppStatus,
    /// Reason for the status.
    pub reason: String,
    /// The publisher key (hex) that owns the app id.
    pub publisher_key: String,
}

/// What a publish inserts.
#[derive(Debug, Clone)]
pub struct NewVersion {
    /// The app id.
    pub appid: String,
    /// Display name.
    pub name: String,
    /// Publisher key (hex).
    pub publisher_key: String,
    /// The version row.
    pub version: VersionInfo,
}

/// Why a publish could not be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsertRefusal {
    /// The app id belongs to another publisher key.
    OtherPublisher {
        /// The owner's key (hex).
        owner: String,
    },
    /// The version is not newer than the latest.
    NotNewer {
        /// The latest version.
        latest: String,
    },
}

/// A login code as stored: only the code's sha256 is kept, so the table alone cannot log anyone in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLoginCode {
    /// sha256 hex of the code.
    pub code_hash: String,
    /// The app it was issued for.
    pub appid: String,
    /// The user's public key (hex).
    pub user: String,
    /// Unix milliseconds it was issued.
    pub issued_at_ms: i64,
    /// Unix milliseconds from which it is refused.
    pub expires_at_ms: i64,
}

/// What redeeming a login code found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redemption {
    /// The code was valid and is now used; it logs in this user (public key hex).
    Redeemed {
        /// The user's public key (hex).
        user: String,
    },
    /// No such code (never issued, or deleted long after it expired).
    Unknown,
    /// Issued for another app; it stays unused.
    OtherApp,
    /// Already exchanged once.
    AlreadyUsed,
    /// Past its expiry.
    Expired,
}

/// The app registry.
pub trait MetaStore: Send + Sync + 'static {
    /// One app, if known.
    fn app(&self, appid: &str) -> Result<Option<AppRecord>>;
    /// Every app, by id.
    fn apps(&self) -> Result<Vec<AppRecord>>;
    /// An app's versions, oldest first.
    fn versions(&self, appid: &str) -> Result<Vec<VersionInfo>>;
    /// Records a new version atomically: the app id must be unowned or owned by the same key,
    /// and the version newer than every other (compared numerically).
    fn insert_version(&self, new: &NewVersion) -> Result<std::result::Result<(), InsertRefusal>>;
    /// Sets an app's status; `false` when the app is unknown.
    fn set_status(&self, appid: &str, status: AppStatus, reason: &str) -> Result<bool>;
    /// Records a base library version; it must be newer than every other.
    fn insert_base(&self, base: &BaseInfo, publisher_key: &str) -> Result<std::result::Result<(), InsertRefusal>>;
    /// Every base library version, oldest first.
    fn bases(&self) -> Result<Vec<BaseInfo>>;
    /// Records the precompiled artifact of bundle `bundle_digest` for `artifact.engine`,
    /// replacing an earlier one for the same bundle and engine.
    fn insert_artifact(&self, bundle_digest: &str, artifact: &ArtifactInfo) -> Result<()>;
    /// The precompiled artifacts of bundle `bundle_digest`, by engine.
    fn artifacts(&self, bundle_digest: &str) -> Result<Vec<ArtifactInfo>>;
    /// The app's secret, if it has one.
    fn app_secret(&self, appid: &str) -> Result<Option<String>>;
    /// Gives the app `candidate` as its secret unless it already has one; returns the stored
    /// secret and whether it was created now. Safe against replicas racing.
    fn ensure_app_secret(&self, appid: &str, candidate: &str) -> Result<(String, bool)>;
    /// Stores a new login code, first deleting codes that expired before `purge_before_ms`.
    fn insert_login_code(&self, code: &NewLoginCode, purge_before_ms: i64) -> Result<()>;
    /// Marks the code with this hash used, in one atomic statement, when it was issued for
    /// `appid`, is unused and has not expired at `now_ms`; of two concurrent redemptions exactly
    /// one gets [`Redemption::Redeemed`]. Otherwise says why not (and changes nothing).
    fn redeem_login_code(&self, code_hash: &str, appid: &str, now_ms: i64) -> Result<Redemption>;
}

/// Why a stored code that was not redeemed was refused: `(appid, used, expires_at_ms)` of its row.
pub(crate) fn refusal(row: Option<(String, bool, i64)>, appid: &str, now_ms: i64) -> Redemption {
    match row {
        None => Redemption::Unknown,
        Some((issued_for, _, _)) if issued_for != appid => Redemption::OtherApp,
        Some((_, true, _)) => Redemption::AlreadyUsed,
        Some((_, false, expires)) if expires <= now_ms => Redemption::Expired,
        // Valid when read, so a concurrent redemption must have taken it in between.
        Some(_) => Redemption::AlreadyUsed,
    }
}

/// A stored bundle opened for serving: a file the server streams from, or the bytes.
#[derive(Debug)]
pub enum Blob {
    /// The whole bundle in memory (stores that cannot hand out a reader).
    Bytes(Vec<u8>),
    /// An open file holding the bundle, `len` bytes long.
    File {
        /// The file, at offset 0.
        file: std::fs::File,
        /// Its length in bytes.
        len: u64,
    },
}

impl Blob {
    /// The bundle's length in bytes.
    pub fn len(&self) -> u64 {
        match self {
            Blob::Bytes(b) => b.len() as u64,
            Blob::File { len, .. } => *len,
        }
    }

    /// Whether the bundle is empty (a stored bundle never is).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Content-addressed bundle storage, keyed by the sha256 hex of the bytes.
pub trait BlobStore: Send + Sync + 'static {
    /// Stores the bytes (a no-op when present).
    fn put(&self, hex: &str, bytes: &[u8]) -> Result<()>;
    /// The bytes, if present.
    fn get(&self, hex: &str) -> Result<Option<Vec<u8>>>;
    /// The bundle opened for serving, if present: a store that can (a folder) hands out a file
    /// so the server streams it rather than holding it in memory; by default the bytes of
    /// [`BlobStore::get`].
    fn open(&self, hex: &str) -> Result<Option<Blob>> {
        Ok(self.get(hex)?.map(Blob::Bytes))
    }
}

/// Numeric `(major, minor, patch)` of a stored version string (`(0, 0, 0)` when unparsable).
pub(crate) fn version_key(v: &str) -> (u64, u64, u64) {
    v.parse::<miniapp_bundle::Version>().map(|v| v.parts()).unwrap_or_default()
}

/// Whether `hex` is 64 lower-case hex digits (a blob key; nothing else ever reaches a store).
pub(crate) fn is_sha256_hex(hex: &str) -> bool {
    hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// `scheme://user:***@host:port/path` — a location with any password replaced, for messages and logs.
pub fn redact(location: &str) -> String {
    match url::Url::parse(location) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => location.to_string(),
    }
}

/// Opens the metadata store named by `database`:
///
/// - `None`: SQLite at `DATA/meta.db`;
/// - `postgres://…` or `postgresql://…`: PostgreSQL, shared by replicas ([`PgMeta`]);
/// - `sqlite:PATH` or `sqlite://PATH`: SQLite at `PATH`.
///
/// # Errors
/// [`Error::StorageUrl`] for any other scheme; [`Error::MetaStore`] / [`Error::Database`] when the
/// database cannot be reached or its schema cannot be created.
pub fn open_meta(database: Option<&str>, data_dir: &Path) -> Result<Arc<dyn MetaStore>> {
    let Some(spec) = database.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(Arc::new(SqliteMeta::open(&data_dir.join("meta.db"))?));
    };
    if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
        return Ok(Arc::new(PgMeta::connect(spec)?));
    }
    if let Some(path) = spec.strip_prefix("sqlite://").or_else(|| spec.strip_prefix("sqlite:")) {
        if path.is_empty() {
            return Err(Error::StorageUrl { url: spec.to_string(), rule: "sqlite: needs a file path, e.g. sqlite:/srv/miniapp/meta.db".into() });
        }
        return Ok(Arc::new(SqliteMeta::open(Path::new(path))?));
    }
    Err(Error::StorageUrl {
        url: redact(spec),
        rule: "the database must be postgres://user:password@host:port/dbname or sqlite:PATH".into(),
    })
}

/// Opens the bundle store named by `blobs`:
///
/// - `None`: the folder `DATA/bundles/`;
/// - `file:///abs/path`: that folder (for example on a shared file system);
/// - `s3://bucket[/prefix]`: an S3-compatible bucket ([`S3Blobs`]). Endpoint, region and
///   credentials come from the standard `AWS_*` environment variables (`AWS_ENDPOINT_URL`,
///   `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_ALLOW_HTTP`, …), then
///   from `options` (object_store's `aws_*` config keys), which win.
///
/// # Errors
/// [`Error::StorageUrl`] for any other scheme or an unknown option; [`Error::BlobStore`] when the
/// S3 client cannot be built.
pub fn open_blobs(blobs: Option<&str>, options: &[(String, String)], data_dir: &Path) -> Result<Arc<dyn BlobStore>> {
    let Some(spec) = blobs.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(Arc::new(FsBlobs::open(&data_dir.join("bundles"))?));
    };
    if spec.starts_with("s3://") || spec.starts_with("s3a://") {
        return Ok(Arc::new(S3Blobs::open(spec, options)?));
    }
    if spec.starts_with("file:") {
        let path = Some(spec)
            .filter(|s| s.starts_with("file://"))
            .and_then(|s| url::Url::parse(s).ok())
            .and_then(|u| u.to_file_path().ok())
            .ok_or_else(|| Error::StorageUrl { url: spec.to_string(), rule: "a file: url must be file:///absolute/path".into() })?;
        return Ok(Arc::new(FsBlobs::open(&path)?));
    }
    Err(Error::StorageUrl { url: redact(spec), rule: "bundle storage must be s3://bucket[/prefix] or file:///absolute/path".into() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_storage_schemes_are_refused_naming_the_forms() {
        let dir = tempfile::tempdir().unwrap();
        let e = open_meta(Some("mysql://root:secret@db/x"), dir.path()).err().unwrap();
        assert_eq!(
            e.to_string(),
            "invalid storage url \"mysql://root:***@db/x\": the database must be postgres://user:password@host:port/dbname or sqlite:PATH"
        );
        let e = open_blobs(Some("gs://bucket"), &[], dir.path()).err().unwrap();
        assert!(e.to_string().contains("bundle storage must be s3://bucket[/prefix] or file:///absolute/path"), "{e}");
        let e = open_blobs(Some("file:relative"), &[], dir.path()).err().unwrap();
        assert!(e.to_string().contains("file:///absolute/path"), "{e}");
    }

    #[test]
    fn default_locations_are_inside_the_data_dir() {
        let dir = tempfile::tempdir().unwrap();
        open_meta(None, dir.path()).unwrap();
        open_blobs(None, &[], dir.path()).unwrap();
        assert!(dir.path().join("meta.db").is_file());
        assert!(dir.path().join("bundles").is_dir());
        let elsewhere = dir.path().join("elsewhere.db");
        open_meta(Some(&format!("sqlite:{}", elsewhere.display())), dir.path()).unwrap();
        assert!(elsewhere.is_file());
        let folder = dir.path().join("shared-bundles");
        open_blobs(Some(url::Url::from_directory_path(&folder).unwrap().as_str()), &[], dir.path()).unwrap();
        assert!(folder.is_dir());
    }

    #[test]
    fn redaction_hides_only_the_password() {
        assert_eq!(redact("postgres://app:hunter2@db.internal:5432/miniapp"), "postgres://app:***@db.internal:5432/miniapp");
        assert_eq!(redact("postgres://app@db/miniapp"), "postgres://app@db/miniapp");
        assert!(is_sha256_hex(&"0a".repeat(32)));
        assert!(!is_sha256_hex(&"0A".repeat(32)));
        assert!(!is_sha256_hex("../x"));
    }
}
