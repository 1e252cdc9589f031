//! `miniapp-cloud`: the platform cloud (an axum server) and the host's client with its cache.
//!
//! - **Server** ([`ServerConfig`], [`bind`], [`Server::run`], [`spawn_background`]): an app
//!   registry in SQLite, content-addressed bundles in a folder, publish review (all reasons at
//!   once), the platform's countersignature, app status (published / suspended / banned), QR
//!   codes and a landing page, request counters. Storage sits behind [`store::MetaStore`] and
//!   [`store::BlobStore`] so replicas can share it: `ServerConfig::database =
//!   Some("postgres://…")` puts the registry in PostgreSQL and `ServerConfig::blobs =
//!   Some("s3://bucket")` the bundles in S3-compatible object storage; with a shared
//!   `platform_key_file` and token, any number of stateless replicas serve the same apps
//!   (`docs/scale-out.md`).
//! - **Login** ([`auth`]): `wx.login`-style one-time codes signed by the user's key
//!   ([`UserKey`]) and exchanged by the developer's back end for an `openid`
//!   ([`CloudClient::login_code`], [`CloudClient::code2session`]; `docs/auth.md`).
//! - **Launch URLs** ([`LaunchUrl`]): `http(s)://<cloud>/apps/<appid>[?path=&query=&scene=]`.
//! - **Client** ([`CloudClient`]): metadata, publish, status, and [`CloudClient::open_app`]:
//!   status check → cache by digest → download with resume → verify against the pinned platform
//!   key; hot starts from cache, updates applied on the next launch, offline starts.

#![deny(missing_docs)]

pub mod api;
pub mod auth;
pub mod cache;
mod client;
pub mod error;
mod launch;
pub mod precompile;
pub mod limits;
mod qr;
pub mod review;
mod serve;
mod server;
pub mod store;

pub use api::{AppMeta, AppStatus, ArtifactInfo, BaseInfo, PublishReceipt, Stats, VersionInfo};
pub use precompile::{Precompile, Precompilers, MAX_ARTIFACT_BYTES};
pub use auth::{AuthSession, LoginCode, UserKey, LOGIN_CODE_TTL};
pub use cache::{Cache, CacheEntry, CachedApp, DEFAULT_CACHE_CAP_BYTES};
pub use client::{CloudClient, OpenTimings, OpenedApp, OpenedBase, PendingUpdate, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT};
pub use error::{Error, Result};
pub use launch::{cloud_display, LaunchUrl, MAX_SCENE_CHARS};
pub use qr::{qr_modules, qr_png};
pub use review::{review, ReviewHook};
pub use limits::{RateLimit, ServerLimits};
pub use serve::SHUTDOWN_GRACE;
pub use server::{
    bind, server_runtime, spawn_background, CloudHandle, RunningCloud, Server, ServerConfig, AUTH_BODY_LIMIT, AUTH_DRAIN_LIMIT, BASE_BODY_LIMIT, BUNDLE_CHUNK_BYTES,
    DEFAULT_BODY_LIMIT, MAX_BLOCKING_THREADS, STATUS_BODY_LIMIT,
};
