//! The JSON bodies exchanged between the cloud server and its clients.

use serde::{Deserialize, Serialize};

/// An app's status on the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AppStatus {
    /// Runs normally.
    Published,
    /// Temporarily off; does not start.
    Suspended,
    /// Off for good; does not start, not even from cache.
    Banned,
}

impl AppStatus {
    /// The lower-case name used on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            AppStatus::Published => "published",
            AppStatus::Suspended => "suspended",
            AppStatus::Banned => "banned",
        }
    }

    /// Parses the lower-case name.
    pub fn parse(s: &str) -> Option<AppStatus> {
        match s {
            "published" => Some(AppStatus::Published),
            "suspended" => Some(AppStatus::Suspended),
            "banned" => Some(AppStatus::Banned),
            _ => None,
        }
    }
}

impl std::fmt::Display for AppStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One published version of an app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionInfo {
    /// `1.0.0`.
    pub version: String,
    /// `sha256:<hex>` of the bundle file.
    pub digest: String,
    /// Bundle size in bytes.
    pub size: u64,
    /// Unix seconds of publication.
    pub published_at: i64,
}

/// `GET /apps/{appid}`: an app's metadata, latest version first-class, history in `versions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppMeta {
    /// The app id.
    pub appid: String,
    /// Display name of the latest version.
    pub name: String,
    /// Latest version.
    pub version: String,
    /// Digest of the latest version's bundle.
    pub digest: String,
    /// Size of the latest version's bundle.
    pub size: u64,
    /// Platform status.
    pub status: AppStatus,
    /// The platform's reason for the status (empty when published).
    pub reason: String,
    /// The publisher key (hex) that owns this app id.
    pub publisher_key: String,
    /// Every version, oldest first.
    pub versions: Vec<VersionInfo>,
    /// The latest version's logic compiled at publish, one per engine the cloud compiles for,
    /// each signed by the platform (absent from clouds that do not precompile).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub artifacts: Vec<ArtifactInfo>,
}

/// A precompiled artifact of an app's `logic.wasm` for one engine (`GET /artifacts/{digest}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtifactInfo {
    /// The engine fingerprint it was compiled for (`wasmtime/x86_64-linux/…`).
    pub engine: String,
    /// `sha256:<hex>` of the `logic.wasm` it was compiled from.
    pub component_digest: String,
    /// `sha256:<hex>` of the artifact.
    pub digest: String,
    /// Its size in bytes.
    pub size: u64,
    /// The platform's ed25519 signature (hex) over the component digest, the engine and the
    /// artifact digest ([`miniapp_bundle::artifact`]).
    pub signature: String,
}

/// `POST /apps` reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishReceipt {
    /// The app id.
    pub appid: String,
    /// The version published.
    pub version: String,
    /// Digest of the stored (countersigned) bundle.
    pub digest: String,
    /// Size of the stored bundle.
    pub size: u64,
    /// The app secret for `code2session` (`docs/auth.md`), on the app's first publish only;
    /// later it is at `GET /apps/{appid}/secret` (`miniapp secret APPID`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_secret: Option<String>,
}

/// `POST /apps/{appid}/status` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// The new status.
    pub status: AppStatus,
    /// Why (required for suspended and banned).
    #[serde(default)]
    pub reason: String,
}

/// `GET /platform-key` reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformKeyInfo {
    /// `ed25519`.
    pub algorithm: String,
    /// The public key, 64 hex digits.
    pub public_key: String,
    /// Its fingerprint (first 16 hex digits of its sha256).
    pub fingerprint: String,
}

/// `GET /stats`: request counters, so tests can prove a hot start downloaded nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Every request served.
    pub requests: u64,
    /// `GET /apps/{appid}` requests.
    pub meta_requests: u64,
    /// Successful publishes.
    pub publishes: u64,
    /// Bundle downloads (200 or 206) per digest.
    pub bundle_downloads: std::collections::BTreeMap<String, u64>,
    /// Of those, how many were range requests (206).
    pub range_requests: u64,
    /// Bundle bytes sent.
    pub bundle_bytes: u64,
    /// Precompiled artifact downloads (`GET /artifacts/{digest}`) per digest; not counted in
    /// `bundle_downloads`.
    #[serde(default)]
    pub artifact_downloads: std::collections::BTreeMap<String, u64>,
}

/// `{"error": "..."}`: every error reply; `reasons` lists every review failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// One line naming the rule.
    pub error: String,
    /// All reasons, when there are several (publish review).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
}

/// A published base library version (`GET /base/latest`, `POST /base` reply).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaseInfo {
    /// `name` of its `base.json`.
    pub name: String,
    /// Its version.
    pub version: String,
    /// `sha256:<hex>` of the stored (countersigned) bundle; download it from `/bundles/{digest}`.
    pub digest: String,
    /// Size of the stored bundle.
    pub size: u64,
    /// Unix seconds of publication.
    pub published_at: i64,
}
