//! The cloud server (axum): registry, bundles, review, countersigning, status, QR, stats.
//!
//! Routes (reads are public; publishing and status changes need `Authorization: Bearer TOKEN`):
//!
//! | route | what |
//! |---|---|
//! | `POST /apps` | publish a bundle (body = bundle bytes, ≤ 4 MiB): verify, review, countersign, store |
//! | `GET /apps` | every app's metadata |
//! | `GET /apps/{appid}` | an app's metadata (JSON), or a landing page with its QR code (`Accept: text/html`) |
//! | `POST /apps/{appid}/status` | `{"status": "published"\|"suspended"\|"banned", "reason": "…"}` |
//! | `GET /apps/{appid}/secret` | `{"appid", "secret"}`: the app secret for `code2session` (bearer token) |
//! | `GET /apps/{appid}/qr?path=&scene=` | PNG QR code of the launch URL |
//! | `GET /bundles/{digest}` | bundle bytes: immutable cache headers, ETag, `Range` |
//! | `GET /artifacts/{digest}` | a precompiled logic artifact ([`crate::precompile`]), served like a bundle |
//! | `POST /base` | publish a base library bundle (`base.json`; bearer token) |
//! | `GET /base`, `GET /base/latest` | base library versions / the newest one |
//! | `GET /platform-key` | the platform's public key |
//! | `GET /stats` | request counters |
//! | `POST /auth/login` | `{"appid", "user", "ts", "sig"}` signed by the user's key → `{"code", "expires_in"}` |
//! | `POST /auth/code2session` | `{"appid", "secret", "code"}` (the developer's back end) → `{"openid", "session_key"}` |
//!
//! Every error is JSON `{"error": "…"}` with 400, 401, 403, 404, 408, 409, 413, 416, 429 or 503
//! (the last two with `Retry-After`). The auth flow, its rules and messages: `docs/auth.md`. The
//! guards against slow, many and greedy clients (read timeouts, connection and request caps,
//! rate limits on `POST /auth/login` and `GET /apps/{appid}/qr`): [`ServerLimits`].

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::rejection::{BytesRejection, JsonRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use miniapp_bundle::{countersign, verify, AppId, LimitKind, PagePath, SigningKey, Trust, VerifyingKey};
use url::Url;

use crate::api::{AppMeta, AppStatus, BaseInfo, ErrorBody, PlatformKeyInfo, PublishReceipt, Stats, StatusChange, VersionInfo};
use crate::auth::{
    openid, verify_login, AppSecret, AuthSession, BadLogin, Code2SessionRequest, LoginCode, LoginRequest, LOGIN_CLOCK_SKEW, LOGIN_CODE_RETENTION,
    LOGIN_CODE_TTL,
};
use crate::error::{Error, Result};
use crate::launch::{LaunchUrl, MAX_SCENE_CHARS};
use crate::limits::ServerLimits;
use crate::serve::{guard_request, rate_limited, Guard, RateLimiter};
use crate::review::{review, ReviewHook};
use crate::store::{open_blobs, open_meta, Blob, BlobStore, InsertRefusal, MetaStore, NewLoginCode, NewVersion, Redemption};

/// Largest publish request body: 4 MiB (twice the package limit, so an oversize bundle gets the
/// bundle's own "package size" message rather than a bare 413).
pub const DEFAULT_BODY_LIMIT: usize = 4 * 1024 * 1024;
/// Largest body of `POST /base`: the base library's package limit (16 MiB), whatever
/// [`ServerConfig::body_limit`] says for apps.
pub const BASE_BODY_LIMIT: usize = miniapp_bundle::limits::DEFAULT_BASE_MAX_PACKAGE_BYTES as usize;

/// Largest body of `POST /apps/{appid}/status`: 16 KiB (a status change with its reason).
pub const STATUS_BODY_LIMIT: usize = 16 * 1024;

/// Bytes a streamed bundle body reads from storage at a time: 64 KiB.
pub const BUNDLE_CHUNK_BYTES: usize = 64 * 1024;

/// Threads the server's runtime may start for blocking work (each file read of a streamed
/// bundle is one): tokio's default of 512 let 64 concurrent downloads start 75 threads, each
/// with its own stack and allocator heap (15 → 45 MiB RSS); reads queue for these instead.
pub const MAX_BLOCKING_THREADS: usize = 8;

/// The tokio runtime a cloud server runs on: `workers` threads (`None`: one per core) and at
/// most [`MAX_BLOCKING_THREADS`] for blocking work.
///
/// # Errors
/// The runtime could not start its threads.
pub fn server_runtime(workers: Option<usize>) -> std::io::Result<tokio::runtime::Runtime> {
    let mut b = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = workers {
        b.worker_threads(n);
    }
    b.max_blocking_threads(MAX_BLOCKING_THREADS).enable_all().build()
}

/// Largest body of the `/auth/*` routes: 16 KiB (a login request is about 300 bytes).
pub const AUTH_BODY_LIMIT: usize = 16 * 1024;
/// How much of an over-limit `/auth/*` body the cloud still reads (and drops) before it answers
/// 413: 256 KiB. A client still writing its body then reads the answer instead of a connection
/// reset; past this the connection is closed unread.
pub const AUTH_DRAIN_LIMIT: usize = 256 * 1024;
/// How far past the publish body limit a bundle upload is still read (and then answered 413)
/// instead of being cut off mid-write.
pub const PUBLISH_DRAIN_LIMIT: usize = 4 * 1024 * 1024;

/// How the cloud runs.
#[derive(Clone)]
pub struct ServerConfig {
    /// The data folder: `meta.db`, `bundles/`, `token`, `platform.key`.
    pub data_dir: PathBuf,
    /// Where to listen; port 0 picks a free port.
    pub addr: SocketAddr,
    /// The bearer token for publishing; `None` reads `DATA/token` or generates it.
    pub token: Option<String>,
    /// Development mode: plain-http loopback back-end origins pass review.
    pub dev: bool,
    /// Extra review (templates, styles, imports), supplied by the embedding program.
    pub review: Option<ReviewHook>,
    /// The engines the cloud compiles each published app's logic for ([`crate::precompile`]);
    /// none by default (hosts then compile locally).
    pub precompilers: crate::precompile::Precompilers,
    /// The public base URL used in QR codes and landing pages; `None` uses the request's Host.
    pub public_url: Option<Url>,
    /// Largest publish body ([`DEFAULT_BODY_LIMIT`]).
    pub body_limit: usize,
    /// Where the app registry lives: `None` is SQLite at `DATA/meta.db`; `postgres://user:pass@host:port/db`
    /// is a PostgreSQL database that replicas share; `sqlite:PATH` is SQLite elsewhere
    /// (see [`crate::store::open_meta`]).
    pub database: Option<String>,
    /// Where bundles live: `None` is the folder `DATA/bundles/`; `s3://bucket[/prefix]` is an
    /// S3-compatible bucket that replicas share; `file:///path` is a folder elsewhere
    /// (see [`crate::store::open_blobs`]).
    pub blobs: Option<String>,
    /// S3 settings for `blobs = s3://…`, object_store's keys (`aws_endpoint`, `aws_region`,
    /// `aws_access_key_id`, `aws_secret_access_key`, `aws_allow_http`, …); they override the
    /// `AWS_*` environment variables, which are read first.
    pub blob_options: Vec<(String, String)>,
    /// The platform's signing key file; `None` is `DATA/platform.key` (created when missing).
    /// Replicas behind one URL must share one key (hosts pin it), so point them all at the same file.
    pub platform_key_file: Option<PathBuf>,
    /// How long a login code from `POST /auth/login` stays valid ([`LOGIN_CODE_TTL`], 5 minutes;
    /// tests shorten it). Replicas should agree on it.
    pub login_code_ttl: Duration,
    /// Read timeouts, connection and request caps, rate limits ([`ServerLimits::default`]).
    pub limits: ServerLimits,
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerConfig")
            .field("data_dir", &self.data_dir)
            .field("addr", &self.addr)
            .field("token", &self.token.as_ref().map(|_| "<set>"))
            .field("dev", &self.dev)
            .field("review", &self.review.as_ref().map(|_| "<hook>"))
            .field("precompilers", &self.precompilers.iter().map(|p| p.engine()).collect::<Vec<_>>())
            .field("public_url", &self.public_url)
            .field("body_limit", &self.body_limit)
            .field("database", &self.database.as_deref().map(crate::store::redact))
            .field("blobs", &self.blobs)
            .field("blob_options", &self.blob_options.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>())
            .field("platform_key_file", &self.platform_key_file)
            .field("login_code_ttl", &self.login_code_ttl)
            .field("limits", &self.limits)
            .finish()
    }
}

impl ServerConfig {
    /// Defaults: `127.0.0.1:0`, token from the data dir, not dev, no extra review, SQLite and
    /// bundle folder and platform key inside the data dir, 5-minute login codes.
    pub fn new(data_dir: impl Into<PathBuf>) -> ServerConfig {
        ServerConfig {
            data_dir: data_dir.into(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            token: None,
            dev: false,
            review: None,
            precompilers: Vec::new(),
            public_url: None,
            body_limit: DEFAULT_BODY_LIMIT,
            database: None,
            blobs: None,
            blob_options: Vec::new(),
            platform_key_file: None,
            login_code_ttl: LOGIN_CODE_TTL,
            limits: ServerLimits::default(),
        }
    }
}

struct AppState {
    token: String,
    dev: bool,
    review: Option<ReviewHook>,
    precompilers: crate::precompile::Precompilers,
    public_url: Option<Url>,
    local_addr: SocketAddr,
    platform: SigningKey,
    meta: Arc<dyn MetaStore>,
    blobs: Arc<dyn BlobStore>,
    stats: Mutex<Stats>,
    login_code_ttl: Duration,
}

type Shared = Arc<AppState>;

/// A bound, not yet running cloud server.
pub struct Server {
    listener: tokio::net::TcpListener,
    router: Router,
    token: String,
    token_generated: bool,
    platform_key: VerifyingKey,
    limits: ServerLimits,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server").field("addr", &self.listener.local_addr().ok()).finish()
    }
}

impl Server {
    /// The bearer token publishing needs.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Whether the token was generated by this start (the CLI prints it then).
    pub fn token_generated(&self) -> bool {
        self.token_generated
    }

    /// The platform's public key (what hosts pin).
    pub fn platform_key(&self) -> VerifyingKey {
        self.platform_key
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests (for at most
    /// [`crate::SHUTDOWN_GRACE`]). Slow, many and greedy clients meet [`ServerConfig::limits`].
    ///
    /// # Errors
    ///
    /// [`Error::Bind`] when the listener has no local address.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<()> {
        let addr = self.listener.local_addr().map_err(|source| Error::Bind { addr: ([0, 0, 0, 0], 0).into(), source })?;
        crate::serve::serve(self.listener, self.router, self.limits, shutdown).await.map_err(|source| Error::Bind { addr, source })
    }
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

fn read_or_create_token(data_dir: &std::path::Path) -> Result<(String, bool)> {
    let path = data_dir.join("token");
    if let Ok(text) = std::fs::read_to_string(&path) {
        let token = text.trim().to_string();
        if !token.is_empty() {
            return Ok((token, false));
        }
    }
    let token = hex::encode(rand::random::<[u8; 24]>());
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&path).map_err(Error::io("writing", &path))?;
    std::io::Write::write_all(&mut file, format!("{token}\n").as_bytes()).map_err(Error::io("writing", &path))?;
    Ok((token, true))
}

/// Opens the data dir (creating `meta.db`, `bundles/`, `token`, `platform.key` as needed, or
/// connecting to the configured database and bucket) and binds the address. Returns the server
/// and the address it got.
pub async fn bind(cfg: ServerConfig) -> Result<(Server, SocketAddr)> {
    cfg.limits.check()?;
    std::fs::create_dir_all(&cfg.data_dir).map_err(Error::io("creating", &cfg.data_dir))?;
    let (token, token_generated) = match &cfg.token {
        Some(t) if !t.trim().is_empty() => (t.trim().to_string(), false),
        _ => read_or_create_token(&cfg.data_dir)?,
    };
    let key_file = cfg.platform_key_file.clone().unwrap_or_else(|| cfg.data_dir.join("platform.key"));
    let platform = miniapp_bundle::load_or_create_key(&key_file)?;
    // The network stores block on their own runtimes while connecting: not on this async task.
    let (meta, blobs) = {
        let (database, blobs, options, data_dir) = (cfg.database.clone(), cfg.blobs.clone(), cfg.blob_options.clone(), cfg.data_dir.clone());
        tokio::task::spawn_blocking(move || -> Result<(Arc<dyn MetaStore>, Arc<dyn BlobStore>)> {
            let meta = open_meta(database.as_deref(), &data_dir)?;
            let blobs = open_blobs(blobs.as_deref(), &options, &data_dir)?;
            Ok((meta, blobs))
        })
        .await
        .map_err(|e| Error::Bind { addr: cfg.addr, source: std::io::Error::other(format!("opening the stores: {e}")) })??
    };
    let listener = tokio::net::TcpListener::bind(cfg.addr).await.map_err(|source| Error::Bind { addr: cfg.addr, source })?;
    let local_addr = listener.local_addr().map_err(|source| Error::Bind { addr: cfg.addr, source })?;
    let platform_key = platform.verifying_key();
    let state = Arc::new(AppState {
        token: token.clone(),
        dev: cfg.dev,
        review: cfg.review.clone(),
        precompilers: cfg.precompilers.clone(),
        public_url: cfg.public_url.clone(),
        local_addr,
        platform,
        meta,
        blobs,
        stats: Mutex::new(Stats::default()),
        login_code_ttl: cfg.login_code_ttl,
    });
    let router = router(state, cfg.body_limit, &cfg.limits);
    tracing::info!(%local_addr, data_dir = %cfg.data_dir.display(), dev = cfg.dev, "cloud listening");
    Ok((Server { listener, router, token, token_generated, platform_key, limits: cfg.limits }, local_addr))
}

fn router(state: Shared, body_limit: usize, limits: &ServerLimits) -> Router {
    // The unauthenticated routes that cost the most (a signature check and a database write; a
    // QR image) get a token bucket per client IP each.
    let limited = |route: &'static str, r: axum::routing::MethodRouter<Shared>| match limits.rate_limit {
        Some(limit) => r.layer(middleware::from_fn_with_state(RateLimiter::new(route, limit), rate_limited)),
        None => r,
    };
    let auth_limit = AnsweredLimit { name: None, limit: AUTH_BODY_LIMIT, drain: AUTH_DRAIN_LIMIT };
    Router::new()
        .route(
            "/apps",
            answered_limit(post(publish), AnsweredLimit { name: Some("bundle"), limit: body_limit, drain: PUBLISH_DRAIN_LIMIT })
                .get(list_apps),
        )
        .route("/apps/{appid}", get(app_meta))
        .route("/apps/{appid}/status", post(set_status).layer(DefaultBodyLimit::max(STATUS_BODY_LIMIT)))
        .route("/apps/{appid}/qr", limited("/apps/{appid}/qr", get(app_qr)))
        .route("/apps/{appid}/secret", get(app_secret))
        .route(
            "/auth/login",
            limited("/auth/login", answered_limit(post(login), auth_limit)),
        )
        .route(
            "/auth/code2session",
            answered_limit(post(code2session), auth_limit),
        )
        .route("/bundles/{digest}", get(bundle))
        .route("/artifacts/{digest}", get(artifact))
        // A base library carries fonts: its publish body may be as large as its package limit.
        .route("/base", post(publish_base).layer(DefaultBodyLimit::max(BASE_BODY_LIMIT)).get(list_bases))
        .route("/base/latest", get(latest_base))
        .route("/platform-key", get(platform_key))
        .route("/stats", get(stats))
        .route("/health", get(|| async { "ok" }))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "no such route") })
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::from_fn_with_state(state.clone(), count_requests))
        .layer(middleware::from_fn_with_state(Guard::new(limits), guard_request))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

async fn count_requests(State(state): State<Shared>, req: Request, next: Next) -> Response {
    state.stats.lock().unwrap_or_else(|p| p.into_inner()).requests += 1;
    next.run(req).await
}

/// A route's body limit that is answered rather than cut: [`read_whole_body`] reads the body up
/// to `limit + drain` before the handler runs, so a body somewhat over the limit gets its 413
/// after it was read instead of a connection closed while the client still writes to it (which
/// the client sees as a reset or a broken pipe, not an answer). A body past even that is cut off.
#[derive(Clone, Copy)]
struct AnsweredLimit {
    /// The body's name in the 413 (`bundle`); `None`: the route's last path segment (`login`).
    name: Option<&'static str>,
    limit: usize,
    drain: usize,
}

/// Middleware of an [`AnsweredLimit`].
async fn read_whole_body(State(l): State<AnsweredLimit>, req: Request, next: Next) -> Response {
    let what = l.name.unwrap_or_else(|| req.uri().path().rsplit('/').next().unwrap_or("request")).to_owned();
    let (parts, body) = req.into_parts();
    let too_large = || ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, format!("{what} body is over the limit of {} bytes", l.limit));
    match axum::body::to_bytes(body, l.limit.saturating_add(l.drain)).await {
        Ok(bytes) if bytes.len() > l.limit => too_large().into_response(),
        Ok(bytes) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Err(_) => too_large().into_response(),
    }
}

/// `route` with an [`AnsweredLimit`] on its body.
fn answered_limit(route: axum::routing::MethodRouter<Shared>, l: AnsweredLimit) -> axum::routing::MethodRouter<Shared> {
    route.layer(DefaultBodyLimit::max(l.limit)).layer(middleware::from_fn_with_state(l, read_whole_body))
}

/// An error reply: `{"error": msg, "reasons": [...]}` with a status.
struct ApiError {
    status: StatusCode,
    body: ErrorBody,
}

impl ApiError {
    fn new(status: StatusCode, msg: impl Into<String>) -> ApiError {
        ApiError { status, body: ErrorBody { error: msg.into(), reasons: Vec::new() } }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        tracing::error!(error = %e, "internal error");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("internal error: {e}"))
    }
}

type ApiResult<T> = std::result::Result<T, ApiError>;

fn check_token(state: &AppState, headers: &HeaderMap) -> ApiResult<()> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "missing bearer token: this needs Authorization: Bearer <token>"));
    };
    let given = value.to_str().unwrap_or("").strip_prefix("Bearer ").unwrap_or("").trim();
    if same_secret(given, &state.token) {
        Ok(())
    } else {
        Err(ApiError::new(StatusCode::UNAUTHORIZED, "wrong bearer token"))
    }
}

/// Compares two secrets in time that does not depend on where they differ.
fn same_secret(given: &str, expected: &str) -> bool {
    given.len() == expected.len() && given.bytes().zip(expected.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> ApiResult<T> + Send + 'static) -> ApiResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("internal error: {e}"))))
}

async fn publish(State(state): State<Shared>, headers: HeaderMap, body: std::result::Result<Bytes, BytesRejection>) -> ApiResult<Json<PublishReceipt>> {
    check_token(&state, &headers)?;
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "bundle is over the publish body limit")
        } else {
            ApiError::new(e.status(), format!("reading the bundle: {}", e.body_text()))
        }
    })?;
    let receipt = blocking(move || publish_blocking(&state, &body)).await?;
    Ok(Json(receipt))
}

fn publish_blocking(state: &AppState, bytes: &[u8]) -> ApiResult<PublishReceipt> {
    let locked = verify(bytes, &Trust::default()).map_err(|e| {
        let status = match e {
            miniapp_bundle::Error::LimitExceeded { kind: LimitKind::PackageSize, .. } => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::BAD_REQUEST,
        };
        ApiError::new(status, format!("bundle refused: {e}"))
    })?;
    let mut reasons = review(&locked, state.dev);
    if let Some(min) = &locked.manifest.min_base_library {
        let latest = state.meta.bases()?.into_iter().map(|b| b.version).max_by_key(|v| version_parts(v));
        match latest {
            Some(v) if version_parts(&v) >= min.parts() => {}
            Some(v) => reasons.push(format!("app.json: minBaseLibrary: needs base library {min} but this cloud has {v}")),
            None => reasons.push(format!(
                "app.json: minBaseLibrary: needs base library {min} but this cloud has none (publish one with `miniapp publish-base`)"
            )),
        }
    }
    if let Some(hook) = &state.review {
        reasons.extend(hook(&locked));
    }
    if !reasons.is_empty() {
        let mut err = ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("review refused {} {}: {}", locked.manifest.appid, locked.manifest.version, reasons.join("; ")),
        );
        err.body.reasons = reasons;
        return Err(err);
    }
    let signed = countersign(bytes, &state.platform).map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("bundle refused: {e}")))?;
    let digest = miniapp_bundle::digest(&signed);
    let hex = digest.trim_start_matches("sha256:").to_string();
    state.blobs.put(&hex, &signed)?;
    let m = &locked.manifest;
    let new = NewVersion {
        appid: m.appid.to_string(),
        name: m.name.clone(),
        publisher_key: locked.publisher_key().to_hex(),
        version: VersionInfo { version: m.version.to_string(), digest: digest.clone(), size: signed.len() as u64, published_at: now() },
    };
    match state.meta.insert_version(&new)? {
        Ok(()) => {}
        Err(InsertRefusal::NotNewer { latest }) => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                format!("version {} of {} is not newer than the published {latest}: bump version in app.json", m.version, m.appid),
            ))
        }
        Err(InsertRefusal::OtherPublisher { owner }) => {
            let owner = VerifyingKey::from_hex(&owner).map(|k| k.fingerprint()).unwrap_or(owner);
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                format!("app id {} belongs to another publisher (key {owner}), not to key {}", m.appid, locked.publisher_key().fingerprint()),
            ));
        }
    }
    if !state.precompilers.is_empty() {
        if let Ok(logic) = locked.logic_wasm() {
            crate::precompile::precompile_all(&state.precompilers, &state.platform, state.meta.as_ref(), state.blobs.as_ref(), &digest, logic);
        }
    }
    let (secret, created) = state.meta.ensure_app_secret(&new.appid, &new_app_secret())?;
    state.stats.lock().unwrap_or_else(|p| p.into_inner()).publishes += 1;
    tracing::info!(appid = %m.appid, version = %m.version, %digest, "published");
    Ok(PublishReceipt {
        appid: m.appid.to_string(),
        version: m.version.to_string(),
        digest,
        size: signed.len() as u64,
        app_secret: created.then_some(secret),
    })
}

fn load_meta(state: &AppState, appid: &str) -> ApiResult<AppMeta> {
    let Some(app) = state.meta.app(appid)? else {
        return Err(ApiError::new(StatusCode::NOT_FOUND, format!("no app {appid}")));
    };
    let versions = state.meta.versions(appid)?;
    let latest = versions.last().cloned().ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("no app {appid}")))?;
    let artifacts = state.meta.artifacts(&latest.digest)?;
    Ok(AppMeta {
        appid: app.appid,
        name: app.name,
        version: latest.version,
        digest: latest.digest,
        size: latest.size,
        status: app.status,
        reason: app.reason,
        publisher_key: app.publisher_key,
        versions,
        artifacts,
    })
}

async fn list_apps(State(state): State<Shared>) -> ApiResult<Json<Vec<AppMeta>>> {
    blocking(move || {
        let apps = state.meta.apps()?;
        apps.iter().map(|a| load_meta(&state, &a.appid)).collect::<ApiResult<Vec<_>>>().map(Json)
    })
    .await
}

fn base_url(state: &AppState, headers: &HeaderMap) -> Url {
    if let Some(u) = &state.public_url {
        return crate::launch::normalise_cloud(u);
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b)))
        .map(str::to_string)
        .unwrap_or_else(|| state.local_addr.to_string());
    Url::parse(&format!("http://{host}/")).unwrap_or_else(|_| Url::parse(&format!("http://{}/", state.local_addr)).expect("socket addr is a host"))
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|a| a.to_str().ok()).is_some_and(|a| a.contains("text/html"))
}

async fn app_meta(State(state): State<Shared>, Path(appid): Path<String>, headers: HeaderMap) -> ApiResult<Response> {
    {
        state.stats.lock().unwrap_or_else(|p| p.into_inner()).meta_requests += 1;
    }
    let html = wants_html(&headers);
    let base = base_url(&state, &headers);
    let meta = blocking({
        let state = state.clone();
        move || load_meta(&state, &appid)
    })
    .await?;
    if html {
        Ok(landing_page(&meta, &base).into_response())
    } else {
        Ok(([(header::CACHE_CONTROL, "public, max-age=5")], Json(meta)).into_response())
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

fn landing_page(meta: &AppMeta, base: &Url) -> axum::response::Html<String> {
    let launch = base.join(&format!("apps/{}", meta.appid)).map(|u| u.to_string()).unwrap_or_default();
    let status = match meta.status {
        AppStatus::Published => String::new(),
        s => format!("<p class=\"status\">This app is {s}: {}</p>", escape(&meta.reason)),
    };
    axum::response::Html(format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{name}</title>\
         <style>body{{font-family:sans-serif;max-width:28em;margin:3em auto;text-align:center}}\
         .status{{color:#c00}}code{{background:#eee;padding:.2em}}</style></head><body>\
         <h1>{name}</h1><p>version {version} &middot; {size} bytes</p>{status}\
         <img src=\"qr\" alt=\"QR code of {launch}\" width=\"240\" height=\"240\" onerror=\"this.src='{appid}/qr'\">\
         <p>Scan with the miniapp host, or run<br><code>miniapp launch {launch}</code></p>\
         <p>Nothing to install: the platform serves the reviewed, signed bundle.</p></body></html>",
        name = escape(&meta.name),
        version = escape(&meta.version),
        size = meta.size,
        appid = escape(&meta.appid),
        launch = escape(&launch),
    ))
}

async fn set_status(
    State(state): State<Shared>,
    Path(appid): Path<String>,
    headers: HeaderMap,
    body: std::result::Result<Json<StatusChange>, JsonRejection>,
) -> ApiResult<Json<serde_json::Value>> {
    check_token(&state, &headers)?;
    let Json(change) = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, format!("status change body is over the limit of {STATUS_BODY_LIMIT} bytes"))
        } else {
            ApiError::new(StatusCode::BAD_REQUEST, format!("status change body: {}", e.body_text()))
        }
    })?;
    if change.status != AppStatus::Published && change.reason.trim().is_empty() {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, format!("a reason is required when the status is {}", change.status)));
    }
    blocking(move || {
        if !state.meta.set_status(&appid, change.status, change.reason.trim())? {
            return Err(ApiError::new(StatusCode::NOT_FOUND, format!("no app {appid}")));
        }
        tracing::info!(%appid, status = %change.status, reason = %change.reason, "status changed");
        Ok(Json(serde_json::json!({ "appid": appid, "status": change.status, "reason": change.reason.trim() })))
    })
    .await
}

async fn app_qr(
    State(state): State<Shared>,
    Path(appid): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let app_id: AppId = appid.parse().map_err(|e: miniapp_bundle::Error| ApiError::new(StatusCode::BAD_REQUEST, e.to_string()))?;
    let mut launch = LaunchUrl::for_app(&base_url(&state, &headers), app_id);
    for (k, v) in &params {
        match k.as_str() {
            "path" if !v.is_empty() => {
                let page: PagePath = v.trim_start_matches('/').parse().map_err(|e: miniapp_bundle::Error| ApiError::new(StatusCode::BAD_REQUEST, e.to_string()))?;
                launch.path = Some(page);
            }
            "query" => launch.query = v.clone(),
            "scene" if !v.is_empty() => {
                let n = v.chars().count();
                if n > MAX_SCENE_CHARS {
                    return Err(ApiError::new(StatusCode::BAD_REQUEST, format!("scene is {n} characters, over the limit of {MAX_SCENE_CHARS}")));
                }
                launch.scene = Some(v.clone());
            }
            "path" | "scene" => {}
            other => return Err(ApiError::new(StatusCode::BAD_REQUEST, format!("unknown parameter {other} (expected path, query or scene)"))),
        }
    }
    let exists = blocking({
        let state = state.clone();
        move || Ok(state.meta.app(&appid)?.is_some())
    })
    .await?;
    if !exists {
        return Err(ApiError::new(StatusCode::NOT_FOUND, format!("no app {}", launch.app_id)));
    }
    let png = crate::qr::qr_png(&launch.to_string(), 256).map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e))?;
    Ok(([(header::CONTENT_TYPE, "image/png"), (header::CACHE_CONTROL, "public, max-age=300")], png).into_response())
}

/// Parses a single `bytes=` range against a length; `Ok(None)` means "serve everything".
fn parse_range(value: &str, len: u64) -> std::result::Result<Option<(u64, u64)>, ()> {
    let Some(spec) = value.trim().strip_prefix("bytes=") else { return Ok(None) };
    if spec.contains(',') {
        return Ok(None);
    }
    let (a, b) = spec.split_once('-').ok_or(())?;
    let (start, end) = match (a.trim(), b.trim()) {
        ("", "") => return Err(()),
        ("", n) => {
            let n: u64 = n.parse().map_err(|_| ())?;
            if n == 0 {
                return Err(());
            }
            (len.saturating_sub(n), len.checked_sub(1).ok_or(())?)
        }
        (s, "") => (s.parse().map_err(|_| ())?, len.checked_sub(1).ok_or(())?),
        (s, e) => {
            let s: u64 = s.parse().map_err(|_| ())?;
            let e: u64 = e.parse().map_err(|_| ())?;
            (s, e.min(len.saturating_sub(1)))
        }
    };
    if start >= len || start > end {
        return Err(());
    }
    Ok(Some((start, end)))
}

/// What a content-addressed download serves: its name in messages and its content type.
#[derive(Clone, Copy)]
struct BlobKind {
    name: &'static str,
    content_type: &'static str,
}

const BUNDLE: BlobKind = BlobKind { name: "bundle", content_type: "application/vnd.miniapp.bundle+zip" };
const ARTIFACT: BlobKind = BlobKind { name: "artifact", content_type: "application/vnd.miniapp.artifact" };

async fn bundle(state: State<Shared>, digest: Path<String>, headers: HeaderMap) -> ApiResult<Response> {
    serve_blob(state, digest, headers, BUNDLE).await
}

async fn artifact(state: State<Shared>, digest: Path<String>, headers: HeaderMap) -> ApiResult<Response> {
    serve_blob(state, digest, headers, ARTIFACT).await
}

async fn serve_blob(State(state): State<Shared>, Path(digest): Path<String>, headers: HeaderMap, kind: BlobKind) -> ApiResult<Response> {
    let what = kind.name;
    let hex = digest.strip_prefix("sha256:").unwrap_or(&digest).to_string();
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, format!("{what} digest {digest:?} must be sha256:<64 lower-case hex digits>")));
    }
    // Opened, not read: a bundle in a folder is streamed from its file (memory stays flat however
    // many downloads run at once); other stores hand over the bytes.
    let blob = blocking({
        let state = state.clone();
        let hex = hex.clone();
        move || Ok(state.blobs.open(&hex)?)
    })
    .await?
    .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("no {what} sha256:{hex}")))?;
    let etag = format!("\"sha256:{hex}\"");
    let common = |b: axum::http::response::Builder| {
        b.header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
            .header(header::ETAG, &etag)
            .header(header::ACCEPT_RANGES, "bytes")
            .header(header::CONTENT_TYPE, kind.content_type)
    };
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*")) {
        return Ok(common(Response::builder().status(StatusCode::NOT_MODIFIED)).body(Body::empty()).expect("valid response"));
    }
    let len = blob.len();
    let range = match headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        Some(r) => match parse_range(r, len) {
            Ok(r) => r,
            Err(()) => {
                return Ok(Response::builder()
                    .status(StatusCode::RANGE_NOT_SATISFIABLE)
                    .header(header::CONTENT_RANGE, format!("bytes */{len}"))
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(serde_json::to_vec(&ErrorBody { error: format!("range {r:?} is not satisfiable for {len} bytes"), reasons: vec![] }).unwrap_or_default()))
                    .expect("valid response"))
            }
        },
        None => None,
    };
    let (start, end) = range.unwrap_or((0, len.saturating_sub(1)));
    let count = if len == 0 { 0 } else { end - start + 1 };
    {
        let mut stats = state.stats.lock().unwrap_or_else(|p| p.into_inner());
        if kind.name == ARTIFACT.name {
            *stats.artifact_downloads.entry(format!("sha256:{hex}")).or_default() += 1;
        } else {
            *stats.bundle_downloads.entry(format!("sha256:{hex}")).or_default() += 1;
            stats.range_requests += u64::from(range.is_some());
            stats.bundle_bytes += count;
        }
    }
    let body = match blob {
        Blob::Bytes(bytes) if range.is_none() => Body::from(bytes),
        Blob::Bytes(bytes) => Body::from(bytes[start as usize..=end as usize].to_vec()),
        Blob::File { file, .. } => {
            use tokio::io::{AsyncReadExt, AsyncSeekExt};
            let mut file = tokio::fs::File::from_std(file);
            if start > 0 {
                file.seek(std::io::SeekFrom::Start(start)).await.map_err(|e| ApiError::from(Error::io("reading", format!("{what} sha256:{hex}"))(e)))?;
            }
            Body::from_stream(tokio_util::io::ReaderStream::with_capacity(file.take(count), BUNDLE_CHUNK_BYTES))
        }
    };
    let builder = match range {
        Some((start, end)) => common(Response::builder().status(StatusCode::PARTIAL_CONTENT)).header(header::CONTENT_RANGE, format!("bytes {start}-{end}/{len}")),
        None => common(Response::builder().status(StatusCode::OK)),
    };
    Ok(builder.header(header::CONTENT_LENGTH, count).body(body).expect("valid response"))
}

fn version_parts(v: &str) -> (u64, u64, u64) {
    v.parse::<miniapp_bundle::Version>().map(|v| v.parts()).unwrap_or_default()
}

async fn publish_base(State(state): State<Shared>, headers: HeaderMap, body: std::result::Result<Bytes, BytesRejection>) -> ApiResult<Json<BaseInfo>> {
    check_token(&state, &headers)?;
    let body = body.map_err(|e| ApiError::new(e.status(), format!("reading the base library: {}", e.body_text())))?;
    blocking(move || {
        let base = miniapp_bundle::verify_base(&body, &Trust::default()).map_err(|e| {
            let status = match e {
                miniapp_bundle::Error::LimitExceeded { kind: LimitKind::PackageSize, .. } => StatusCode::PAYLOAD_TOO_LARGE,
                _ => StatusCode::BAD_REQUEST,
            };
            ApiError::new(status, format!("base library refused: {e}"))
        })?;
        let signed = countersign(&body, &state.platform).map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("base library refused: {e}")))?;
        let digest = miniapp_bundle::digest(&signed);
        state.blobs.put(digest.trim_start_matches("sha256:"), &signed)?;
        let info = BaseInfo {
            name: base.manifest.name.clone(),
            version: base.manifest.version.to_string(),
            digest,
            size: signed.len() as u64,
            published_at: now(),
        };
        match state.meta.insert_base(&info, &base.publisher_key().to_hex())? {
            Ok(()) => Ok(Json(info)),
            Err(InsertRefusal::NotNewer { latest }) | Err(InsertRefusal::OtherPublisher { owner: latest }) => Err(ApiError::new(
                StatusCode::CONFLICT,
                format!("base library version {} is not newer than the published {latest}", info.version),
            )),
        }
    })
    .await
}

async fn list_bases(State(state): State<Shared>) -> ApiResult<Json<Vec<BaseInfo>>> {
    blocking(move || Ok(Json(state.meta.bases()?))).await
}

async fn latest_base(State(state): State<Shared>) -> ApiResult<Response> {
    let bases = blocking(move || Ok(state.meta.bases()?)).await?;
    let latest = bases
        .into_iter()
        .max_by_key(|b| version_parts(&b.version))
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "no base library has been published"))?;
    Ok(([(header::CACHE_CONTROL, "public, max-age=5")], Json(latest)).into_response())
}

async fn platform_key(State(state): State<Shared>) -> Json<PlatformKeyInfo> {
    let key = state.platform.verifying_key();
    Json(PlatformKeyInfo { algorithm: "ed25519".into(), public_key: key.to_hex(), fingerprint: key.fingerprint() })
}

async fn stats(State(state): State<Shared>) -> Json<Stats> {
    Json(state.stats.lock().unwrap_or_else(|p| p.into_inner()).clone())
}

/// A new app secret: 16 random bytes, hex.
fn new_app_secret() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// `5 minutes`, `90 seconds`, `300 ms`: a code lifetime for messages.
fn lifetime(d: Duration) -> String {
    let (secs, ms) = (d.as_secs(), d.as_millis());
    let plural = |n: u64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    if d.subsec_nanos() != 0 {
        format!("{ms} ms")
    } else if secs % 60 == 0 && secs > 0 {
        plural(secs / 60, "minute")
    } else {
        plural(secs, "second")
    }
}

/// The body of an `/auth/*` route, or 413 over [`AUTH_BODY_LIMIT`], else 400 naming what is wrong.
fn auth_body<T>(body: std::result::Result<Json<T>, JsonRejection>, what: &str) -> ApiResult<T> {
    body.map(|Json(b)| b).map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, format!("{what} body is over the limit of {AUTH_BODY_LIMIT} bytes"))
        } else {
            ApiError::new(StatusCode::BAD_REQUEST, format!("{what} body: {}", e.body_text()))
        }
    })
}

/// 404 for an unknown app, 403 with the platform's reason for one that is not published.
fn published_app(state: &AppState, appid: &str) -> ApiResult<()> {
    let Some(app) = state.meta.app(appid)? else {
        return Err(ApiError::new(StatusCode::NOT_FOUND, format!("no app {appid}")));
    };
    match app.status {
        AppStatus::Published => Ok(()),
        AppStatus::Banned => Err(ApiError::new(StatusCode::FORBIDDEN, format!("app {appid} was banned by the platform: {}", app.reason))),
        AppStatus::Suspended => Err(ApiError::new(StatusCode::FORBIDDEN, format!("app {appid} is suspended by the platform: {}", app.reason))),
    }
}

async fn login(State(state): State<Shared>, body: std::result::Result<Json<LoginRequest>, JsonRejection>) -> ApiResult<Json<LoginCode>> {
    let req = auth_body(body, "login")?;
    let appid: AppId = req.appid.parse().map_err(|e: miniapp_bundle::Error| ApiError::new(StatusCode::BAD_REQUEST, e.to_string()))?;
    verify_login(appid.as_str(), &req.user, req.ts, &req.sig).map_err(|e| match e {
        BadLogin::Malformed(m) => ApiError::new(StatusCode::BAD_REQUEST, m),
        BadLogin::Signature(m) => ApiError::new(StatusCode::UNAUTHORIZED, m),
    })?;
    let now = now_ms();
    let skew = LOGIN_CLOCK_SKEW.as_millis() as i128;
    let off = i128::from(req.ts) - i128::from(now);
    if off.abs() > skew {
        let side = if off > 0 { "ahead of" } else { "behind" };
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!(
                "login ts {} is {} s {side} the cloud's clock; it must be within {} s (is the device clock right?)",
                req.ts,
                off.abs() / 1000,
                LOGIN_CLOCK_SKEW.as_secs()
            ),
        ));
    }
    let ttl = state.login_code_ttl;
    blocking(move || {
        published_app(&state, appid.as_str())?;
        let code = hex::encode(rand::random::<[u8; 32]>());
        let ttl_ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX);
        let retention_ms = LOGIN_CODE_RETENTION.as_millis() as i64;
        let record = NewLoginCode {
            code_hash: code_hash(&code),
            appid: appid.to_string(),
            user: req.user.clone(),
            issued_at_ms: now,
            expires_at_ms: now.saturating_add(ttl_ms),
        };
        state.meta.insert_login_code(&record, now.saturating_sub(retention_ms))?;
        tracing::info!(%appid, user = %req.user.get(..16).unwrap_or(""), "login code issued");
        Ok(Json(LoginCode { code, expires_in: ttl.as_secs() + u64::from(ttl.subsec_nanos() > 0) }))
    })
    .await
}

/// What the stores keep of a code: its sha256, hex.
fn code_hash(code: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(code.as_bytes()))
}

async fn code2session(State(state): State<Shared>, body: std::result::Result<Json<Code2SessionRequest>, JsonRejection>) -> ApiResult<Json<AuthSession>> {
    let req = auth_body(body, "code2session")?;
    let appid: AppId = req.appid.parse().map_err(|e: miniapp_bundle::Error| ApiError::new(StatusCode::BAD_REQUEST, e.to_string()))?;
    let ttl = state.login_code_ttl;
    blocking(move || {
        let appid = appid.as_str();
        if state.meta.app(appid)?.is_none() {
            return Err(ApiError::new(StatusCode::NOT_FOUND, format!("no app {appid}")));
        }
        let Some(secret) = state.meta.app_secret(appid)? else {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                format!("app {appid} has no secret yet: get it with `miniapp secret {appid}` (GET /apps/{appid}/secret)"),
            ));
        };
        if !same_secret(&req.secret, &secret) {
            return Err(ApiError::new(StatusCode::UNAUTHORIZED, format!("wrong app secret for {appid}")));
        }
        published_app(&state, appid)?;
        let well_formed = req.code.len() == 64 && req.code.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        let redemption = if well_formed { state.meta.redeem_login_code(&code_hash(&req.code), appid, now_ms())? } else { Redemption::Unknown };
        let refused = |msg: String| Err(ApiError::new(StatusCode::BAD_REQUEST, msg));
        match redemption {
            Redemption::Redeemed { user } => {
                let session_key = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, rand::random::<[u8; 16]>());
                tracing::info!(%appid, "login code exchanged");
                Ok(Json(AuthSession { openid: openid(appid, &user), session_key }))
            }
            Redemption::Unknown => refused("unknown login code".into()),
            Redemption::OtherApp => refused(format!("login code was issued for another app, not {appid}")),
            Redemption::AlreadyUsed => refused("login code was already used".into()),
            Redemption::Expired => refused(format!("login code has expired (codes are valid for {})", lifetime(ttl))),
        }
    })
    .await
}

async fn app_secret(State(state): State<Shared>, Path(appid): Path<String>, headers: HeaderMap) -> ApiResult<Json<AppSecret>> {
    check_token(&state, &headers)?;
    blocking(move || {
        if state.meta.app(&appid)?.is_none() {
            return Err(ApiError::new(StatusCode::NOT_FOUND, format!("no app {appid}")));
        }
        // Apps published before secrets existed get theirs on first request.
        let (secret, _) = state.meta.ensure_app_secret(&appid, &new_app_secret())?;
        Ok(Json(AppSecret { appid, secret }))
    })
    .await
}

/// A cloud running on its own thread and tokio runtime (what the CLI demo and tests embed).
/// Dropping it (or calling [`RunningCloud::stop`]) shuts it down gracefully.
#[derive(Debug)]
pub struct RunningCloud {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// The bearer token for publishing.
    pub token: String,
    /// Whether the token was generated on this start.
    pub token_generated: bool,
    /// The platform's public key.
    pub platform_key: VerifyingKey,
    /// Stops the server when dropped.
    pub handle: CloudHandle,
}

impl RunningCloud {
    /// `http://ADDR/`.
    pub fn url(&self) -> Url {
        Url::parse(&format!("http://{}/", self.addr)).expect("socket address is a valid host")
    }

    /// Stops the server and waits for its thread.
    pub fn stop(self) {
        drop(self);
    }
}

/// Owns the background server thread; stops it on drop.
#[derive(Debug)]
pub struct CloudHandle {
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl CloudHandle {
    /// Stops the server and waits for its thread.
    pub fn stop(self) {
        drop(self);
    }
}

impl Drop for CloudHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts a cloud on its own thread with its own tokio runtime and returns once it listens.
pub fn spawn_background(cfg: ServerConfig) -> Result<RunningCloud> {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<(SocketAddr, String, bool, VerifyingKey)>>();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("miniapp-cloud".into())
        .spawn(move || {
            let rt = match server_runtime(Some(2)) {
                Ok(rt) => rt,
                Err(source) => {
                    let _ = ready_tx.send(Err(Error::Bind { addr: cfg.addr, source }));
                    return;
                }
            };
            rt.block_on(async move {
                match bind(cfg).await {
                    Ok((server, addr)) => {
                        let _ = ready_tx.send(Ok((addr, server.token().to_string(), server.token_generated(), server.platform_key())));
                        if let Err(e) = server.run(async move { let _ = stop_rx.await; }).await {
                            tracing::error!(error = %e, "cloud stopped with an error");
                        }
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                    }
                }
            });
        })
        .map_err(|source| Error::Bind { addr: ([127, 0, 0, 1], 0).into(), source })?;
    let mut handle = CloudHandle { shutdown: Some(stop_tx), thread: Some(thread) };
    match ready_rx.recv() {
        Ok(Ok((addr, token, token_generated, platform_key))) => Ok(RunningCloud { addr, token, token_generated, platform_key, handle }),
        Ok(Err(e)) => Err(e),
        Err(_) => {
            handle.shutdown = None;
            Err(Error::Bind {
                addr: ([127, 0, 0, 1], 0).into(),
                source: std::io::Error::other("the cloud thread ended before it listened"),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{lifetime, parse_range};
    use std::time::Duration;

    #[test]
    fn code_lifetimes_read_naturally() {
        assert_eq!(lifetime(super::LOGIN_CODE_TTL), "5 minutes");
        assert_eq!(lifetime(Duration::from_secs(60)), "1 minute");
        assert_eq!(lifetime(Duration::from_secs(90)), "90 seconds");
        assert_eq!(lifetime(Duration::from_millis(300)), "300 ms");
    }

    #[test]
    fn ranges_parse_like_http_says() {
        assert_eq!(parse_range("bytes=0-9", 100), Ok(Some((0, 9))));
        assert_eq!(parse_range("bytes=90-", 100), Ok(Some((90, 99))));
        assert_eq!(parse_range("bytes=-10", 100), Ok(Some((90, 99))));
        assert_eq!(parse_range("bytes=50-500", 100), Ok(Some((50, 99))));
        assert_eq!(parse_range("bytes=100-", 100), Err(()));
        assert_eq!(parse_range("bytes=9-1", 100), Err(()));
        assert_eq!(parse_range("bytes=0-1,5-6", 100), Ok(None));
        assert_eq!(parse_range("items=0-1", 100), Ok(None));
    }
}
