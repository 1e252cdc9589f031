//! The one error type of `miniapp-bundle`: every way a bundle, a manifest or a key can be refused.
//!
//! Variants hold the offending value (file, field path, limit, actual size) so callers can match
//! on them; the messages are lower-case, name the input and the rule, and never end in a period.

use std::path::PathBuf;

use crate::limits::LimitKind;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while packing, reading, verifying or signing a bundle.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A JSON file of the bundle (`app.json`, a page config, `_meta/*.json`) does not match its
    /// schema; `path` is the field path inside the file (`pages[2]`, `window.backgroundColor`).
    #[error("{file}: {}{message}", if path == "." { String::new() } else { format!("{path}: ") })]
    Schema {
        /// The file inside the bundle, e.g. `app.json`.
        file: String,
        /// The field path of the bad value (`.` when the whole document is wrong).
        path: String,
        /// What is wrong, as the parser says it.
        message: String,
    },
    /// `app.json` parsed but breaks one or more rules; every problem is listed as `field: msg`.
    #[error("{file}: {}", problems.join("; "))]
    ManifestRules {
        /// The file, `app.json`.
        file: String,
        /// One `field.path: message` per problem, all of them.
        problems: Vec<String>,
    },
    /// A value that must follow a rule (app id, page path, origin, version, colour) does not.
    #[error("invalid {kind} {value:?}: {rule}")]
    InvalidValue {
        /// What the value is (`app id`, `page path`, …).
        kind: &'static str,
        /// The value as written.
        value: String,
        /// The rule it breaks.
        rule: String,
    },
    /// A size or count limit of [`crate::Limits`] was exceeded.
    #[error("bundle {kind} is over the limit: {actual} > {limit}{}", kind.unit())]
    LimitExceeded {
        /// Which limit.
        kind: LimitKind,
        /// The limit in force.
        limit: u64,
        /// The value seen (at least this much).
        actual: u64,
    },
    /// An entry's compressed data expands more than the allowed ratio (a zip bomb).
    #[error("zip bomb: {path} expands {ratio}:1, over the limit of {limit}:1")]
    CompressionRatio {
        /// The entry.
        path: String,
        /// Unpacked size divided by packed size.
        ratio: u64,
        /// The ratio limit.
        limit: u64,
    },
    /// An archive entry name that is not a safe relative path.
    #[error("unsafe path in bundle {path:?}: {rule}")]
    UnsafePath {
        /// The entry name as stored.
        path: String,
        /// The rule it breaks (`parent directory (..) is not allowed`, …).
        rule: &'static str,
    },
    /// Two archive entries have the same name.
    #[error("duplicate name in bundle: {0}")]
    DuplicateName(String),
    /// An entry that is not a regular file (a symlink, a directory, a device).
    #[error("{path} is a {kind}, only regular files are allowed in a bundle")]
    NotRegularFile {
        /// The entry.
        path: String,
        /// What it is instead.
        kind: &'static str,
    },
    /// The bytes are not a readable zip archive.
    #[error("not a valid bundle archive: {0}")]
    Archive(String),
    /// A file is in the archive but not in `_meta/files.json`.
    #[error("file not in manifest: {0}")]
    NotInManifest(String),
    /// A file is listed in `_meta/files.json` (or required) but not in the archive.
    #[error("missing file: {0}")]
    MissingFile(String),
    /// A file's content does not match its sha256 (or size) in `_meta/files.json`, or its
    /// compressed data is corrupt.
    #[error("hash mismatch in {path}{}", detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    HashMismatch {
        /// The file.
        path: String,
        /// Extra detail (`entry data is corrupt: …`, `size 10 but manifest says 12`).
        detail: Option<String>,
    },
    /// The publisher signature over `_meta/files.json` does not verify.
    #[error("bad publisher signature")]
    BadPublisherSignature,
    /// The platform countersignature does not verify.
    #[error("bad platform signature")]
    BadPlatformSignature,
    /// A precompiled artifact's claim is malformed (a digest or the engine fingerprint).
    #[error("precompiled artifact refused: {reason}")]
    BadArtifact {
        /// What is wrong.
        reason: String,
    },
    /// The platform signature over a precompiled artifact does not verify.
    #[error("precompiled artifact refused: the platform signature over (component digest, engine fingerprint, artifact digest) does not verify")]
    BadArtifactSignature,
    /// A platform key is trusted but the bundle carries no platform countersignature.
    #[error("missing platform signature: the bundle was not published through the platform")]
    MissingPlatformSignature,
    /// The bundle is countersigned, but by a key other than the trusted platform key.
    #[error("platform signature is by key {found}, not by the trusted platform key {trusted}")]
    UntrustedPlatformKey {
        /// Fingerprint of the key in the bundle.
        found: String,
        /// Fingerprint of the trusted key.
        trusted: String,
    },
    /// A page listed in `app.json` has no template in the bundle.
    #[error("app.json: pages[{index}]: page {page} has no template (missing file: {file})")]
    MissingPage {
        /// Index in `pages`.
        index: usize,
        /// The page path.
        page: String,
        /// The template file that should exist.
        file: String,
    },
    /// A text file is not UTF-8.
    #[error("{0} is not valid utf-8")]
    NotUtf8(String),
    /// A base library font (`.ttf`, `.otf`, `.ttc`) has no licence file (`LICENSE*`) in its folder.
    #[error("base library font {font} has no licence file next to it: add {dir}LICENSE-<font>.txt")]
    FontWithoutLicence {
        /// The font file.
        font: String,
        /// Its folder, with a trailing `/` (empty at the top level).
        dir: String,
    },
    /// A file passed to [`crate::pack`] has a reserved name.
    #[error("file name {0} is reserved for bundle metadata (_meta/)")]
    ReservedName(String),
    /// A key file or key string could not be parsed.
    #[error("key {source_name}: {reason}")]
    Key {
        /// Where the key came from (a path or `hex string`).
        source_name: String,
        /// What is wrong.
        reason: String,
    },
    /// Reading or writing a key file failed.
    #[error("key file {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}
