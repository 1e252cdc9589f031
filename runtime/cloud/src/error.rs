//! The one error type of `miniapp-cloud`, shared by the server's setup and the host client.
//!
//! Messages are lower-case and name the cloud, the app and the rule: `no app counter at
//! http://127.0.0.1:4000`, `cannot reach http://127.0.0.1:4000: connection refused`.

use std::path::PathBuf;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong talking to (or running) a cloud.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The cloud has no app with this id (HTTP 404).
    #[error("no app {app_id} at {cloud}")]
    AppNotFound {
        /// The app id asked for.
        app_id: String,
        /// The cloud, `http://host:port`.
        cloud: String,
    },
    /// The cloud could not be reached at all.
    #[error("cannot reach {cloud}: {reason}")]
    Unreachable {
        /// The cloud, `http://host:port`.
        cloud: String,
        /// `connection refused`, `timed out`, …
        reason: String,
    },
    /// The platform has banned the app; it does not start, not even from cache.
    #[error("app {app_id} was banned by the platform: {reason}")]
    Banned {
        /// The app.
        app_id: String,
        /// The platform's reason.
        reason: String,
    },
    /// The platform has suspended the app.
    #[error("app {app_id} is suspended by the platform: {reason}")]
    Suspended {
        /// The app.
        app_id: String,
        /// The platform's reason.
        reason: String,
    },
    /// The cloud answered with an error status; `message` is its `{"error": …}` text.
    #[error("{cloud} refused {what} ({status}): {message}")]
    Refused {
        /// The cloud.
        cloud: String,
        /// What was asked (`publish`, `status change of counter`, …).
        what: String,
        /// The HTTP status code.
        status: u16,
        /// The cloud's message.
        message: String,
    },
    /// A launch URL that is not `http(s)://host[:port]/apps/<appid>[?path=&query=&scene=]`.
    #[error("invalid launch url {url:?}: {rule}")]
    InvalidLaunchUrl {
        /// The URL as given.
        url: String,
        /// The rule it breaks.
        rule: String,
    },
    /// A bundle (downloaded or cached) failed verification.
    #[error("bundle {digest} of {app_id} failed verification: {error}")]
    Bundle {
        /// The app.
        app_id: String,
        /// The bundle's digest.
        digest: String,
        /// The rule it broke.
        error: miniapp_bundle::Error,
    },
    /// The verified bundle is another app's: its `appid` is not the one launched (metadata
    /// that is not signed pointed at another app's signed bundle). Refused, so that no app
    /// runs with another's storage and permissions.
    #[error("bundle {digest} is app {found}, not {app_id}: refused (the cloud's metadata points at another app's bundle)")]
    WrongApp {
        /// The app launched.
        app_id: String,
        /// The app the bundle is.
        found: String,
        /// The bundle's digest.
        digest: String,
    },
    /// The downloaded bytes do not hash to the digest the cloud announced.
    #[error("download of {app_id} from {cloud} is corrupt: expected {expected}, got {actual}")]
    DigestMismatch {
        /// The app.
        app_id: String,
        /// The cloud.
        cloud: String,
        /// The digest announced by the metadata.
        expected: String,
        /// The digest of what arrived.
        actual: String,
    },
    /// The cloud serves a platform key other than the one pinned on first contact.
    #[error("platform key of {cloud} changed from {pinned} to {served}; refusing to trust it (run `miniapp cache clear` if the platform really rotated its key)")]
    PlatformKeyChanged {
        /// The cloud.
        cloud: String,
        /// Fingerprint of the pinned key.
        pinned: String,
        /// Fingerprint of the key now served.
        served: String,
    },
    /// The cloud is offline and the app was never cached.
    #[error("cannot reach {cloud} ({reason}) and {app_id} is not in the cache")]
    OfflineNotCached {
        /// The cloud.
        cloud: String,
        /// The app.
        app_id: String,
        /// Why the cloud was unreachable.
        reason: String,
    },
    /// The app needs a newer base library than the cloud (or the offline cache) has.
    #[error("app {app_id} needs base library {needed} or newer, but {cloud} has {available}")]
    BaseTooOld {
        /// The app.
        app_id: String,
        /// The app's `minBaseLibrary`.
        needed: String,
        /// The cloud.
        cloud: String,
        /// The newest version available (`none` when there is no base library).
        available: String,
    },
    /// The precompiled artifact of an app's logic was refused (the host compiles locally
    /// instead): a signature that is not the pinned platform key's, a digest mismatch, a size
    /// over [`crate::MAX_ARTIFACT_BYTES`].
    #[error("precompiled artifact {digest} of {app_id} refused: {reason}")]
    Artifact {
        /// The app.
        app_id: String,
        /// The artifact's announced digest.
        digest: String,
        /// The rule it broke.
        reason: String,
    },
    /// Any other HTTP-level failure (bad response body, interrupted transfer).
    #[error("request to {url} failed: {reason}")]
    Http {
        /// The URL.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// A key, signature or manifest problem outside a downloaded bundle.
    #[error(transparent)]
    BundleFormat(#[from] miniapp_bundle::Error),
    /// The cloud's database.
    #[error("metadata database {path}: {reason}")]
    Database {
        /// The database file.
        path: PathBuf,
        /// What failed.
        reason: String,
    },
    /// A network metadata store (PostgreSQL) failed: unreachable, refused, or a query error.
    #[error("metadata database {location}: {reason}")]
    MetaStore {
        /// The database URL with its password replaced by `***`.
        location: String,
        /// What failed.
        reason: String,
    },
    /// An object-storage bundle store (S3-compatible) failed.
    #[error("bundle store {location}: {reason}")]
    BlobStore {
        /// The store, `s3://bucket/prefix`.
        location: String,
        /// What failed.
        reason: String,
    },
    /// A `database` or `blobs` location the cloud does not understand.
    #[error("invalid storage url {url:?}: {rule}")]
    StorageUrl {
        /// The location as given (password replaced by `***`).
        url: String,
        /// The accepted forms.
        rule: String,
    },
    /// The user's key file (see `UserKey::load_or_create`) is not a key.
    #[error("user key {path}: {reason}")]
    UserKey {
        /// The key file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A file or folder of the cloud's data dir or the client's cache.
    #[error("{what} {path}")]
    Io {
        /// What was being done (`reading`, `writing`, `creating`).
        what: &'static str,
        /// The path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A [`crate::ServerLimits`] value that would let nothing through.
    #[error("server limit {name} {reason}")]
    InvalidLimit {
        /// The field, `max_connections`, `rate_limit.burst`, …
        name: &'static str,
        /// The rule it breaks.
        reason: &'static str,
    },
    /// Binding the server's address failed.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl Error {
    pub(crate) fn io(what: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { what, path, source }
    }
}
