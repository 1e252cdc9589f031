//! The host-side client: metadata, publish, status, login codes, and `open_app` with its cache.
//!
//! Blocking (reqwest's blocking client over rustls): call it from plain threads, never from
//! inside a tokio runtime.
//!
//! `open_app` follows the update-manager model: a cached app starts from the cache (only the
//! small metadata request is on the critical path, to honour bans); when the cloud has a newer
//! version, it is downloaded in the background and launched next time. With the cloud down, a
//! cached app starts offline, unless it was last seen banned or suspended.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use miniapp_bundle::{verify, verify_base, BaseLibrary, LockedBundle, Trust, VerifyingKey, Version};
use reqwest::blocking::{Client, Response};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_RANGE, RANGE};
use reqwest::StatusCode;
use url::Url;

use crate::api::{AppMeta, AppStatus, BaseInfo, ErrorBody, PlatformKeyInfo, PublishReceipt, Stats, StatusChange};
use crate::auth::{AppSecret, AuthSession, Code2SessionRequest, LoginCode, LoginRequest, UserKey};
use crate::cache::{Cache, CachedApp};
use crate::error::{Error, Result};
use crate::launch::{cloud_display, normalise_cloud, LaunchUrl};

/// Timeout for connecting to a cloud: 5 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Timeout for a whole request: 60 s.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Talks to clouds; owns the cache.
#[derive(Debug, Clone)]
pub struct CloudClient {
    http: Client,
    cache: Cache,
    /// Base libraries this process has verified, by (digest, platform key): a base library is
    /// large (fonts), so it is hashed and checked once per process, not once per launch.
    verified_bases: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<(String, String), BaseLibrary>>>,
    /// A verification of the cached base library started ahead ([`CloudClient::warm_cached_base`]):
    /// the next use of the base library waits for it rather than verifying it again.
    warming: std::sync::Arc<std::sync::Mutex<Option<std::thread::JoinHandle<()>>>>,
}

/// How long each launch stage took, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct OpenTimings {
    /// Metadata request.
    pub meta_ms: f64,
    /// Metadata plus bundle download (or cache read).
    pub fetch_ms: f64,
    /// Verification (limits, hashes, signatures, manifest).
    pub verify_ms: f64,
}

/// A newer version being downloaded in the background; it is launched next time.
#[derive(Debug)]
pub struct PendingUpdate {
    /// The version being fetched.
    pub version: String,
    /// Its digest.
    pub digest: String,
    handle: std::thread::JoinHandle<Result<()>>,
}

impl PendingUpdate {
    /// Waits until the update is downloaded and verified.
    pub fn wait(self) -> Result<()> {
        self.handle.join().unwrap_or_else(|_| {
            Err(Error::Http { url: self.digest.clone(), reason: "the update thread panicked".into() })
        })
    }

    /// Whether the background download has ended.
    pub fn is_finished(&self) -> bool {
        self.handle.is_finished()
    }
}

/// A verified app, ready to run.
#[derive(Debug)]
pub struct OpenedApp {
    /// The verified bundle.
    pub bundle: LockedBundle,
    /// The metadata (fresh from the cloud, or the cached copy when offline).
    pub meta: AppMeta,
    /// Whether the bundle came from the cache (no download).
    pub from_cache: bool,
    /// Whether the cloud was unreachable and the cached copy was used.
    pub offline: bool,
    /// Stage timings.
    pub timings: OpenTimings,
    /// A newer version being fetched for the next launch.
    pub update: Option<PendingUpdate>,
    /// The base library, when the app's manifest names a `minBaseLibrary`.
    pub base: Option<BaseLibrary>,
}

/// A verified base library.
#[derive(Debug)]
pub struct OpenedBase {
    /// The verified bundle.
    pub base: BaseLibrary,
    /// Its version, digest and size.
    pub info: BaseInfo,
    /// Whether it came from the cache.
    pub from_cache: bool,
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

/// The most useful one-phrase reason of a transport error: `connection refused`, `timed out`, …
fn transport_reason(e: &reqwest::Error) -> String {
    let mut src: Option<&(dyn std::error::Error + 'static)> = Some(e);
    let mut innermost = e.to_string();
    while let Some(s) = src {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return "connection refused".into(),
                std::io::ErrorKind::TimedOut => return "timed out".into(),
                std::io::ErrorKind::ConnectionReset => return "connection reset".into(),
                _ => {}
            }
        }
        innermost = s.to_string();
        src = s.source();
    }
    if e.is_timeout() {
        "timed out".into()
    } else {
        innermost
    }
}

impl CloudClient {
    /// A client whose cache lives in `cache_dir` (created if missing).
    pub fn new(cache_dir: PathBuf) -> Result<CloudClient> {
        let cache = Cache::new(cache_dir)?;
        let http = Client::builder()
            // The bundled Mozilla roots (webpki-roots, reqwest's `rustls-tls`) and not also the
            // system's: another crate's features turn native roots on for every client, and
            // reading and parsing the system's PEM bundle cost each new host about 2 ms.
            .tls_built_in_native_certs(false)
            .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
            .timeout(DEFAULT_REQUEST_TIMEOUT)
            .user_agent(concat!("miniapp/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Http { url: String::new(), reason: format!("building the HTTP client: {e}") })?;
        Ok(CloudClient { http, cache, verified_bases: Default::default(), warming: Default::default() })
    }

    /// The cache (for `miniapp cache ls|clear`).
    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    fn send(&self, cloud: &Url, req: reqwest::blocking::RequestBuilder) -> Result<Response> {
        req.send().map_err(|e| {
            if e.is_connect() || e.is_timeout() {
                Error::Unreachable { cloud: cloud_display(cloud), reason: transport_reason(&e) }
            } else {
                Error::Http { url: e.url().map(|u| u.to_string()).unwrap_or_else(|| cloud_display(cloud)), reason: transport_reason(&e) }
            }
        })
    }

    fn refused(cloud: &Url, what: String, resp: Response) -> Error {
        let status = resp.status().as_u16();
        let text = resp.text().unwrap_or_default();
        let message = serde_json::from_str::<ErrorBody>(&text).map(|b| b.error).unwrap_or(text);
        Error::Refused { cloud: cloud_display(cloud), what, status, message }
    }

    fn json<T: serde::de::DeserializeOwned>(url: &Url, resp: Response) -> Result<T> {
        resp.json().map_err(|e| Error::Http { url: url.to_string(), reason: format!("unexpected reply: {e}") })
    }

    fn endpoint(cloud: &Url, path: &str) -> Url {
        normalise_cloud(cloud).join(path).expect("endpoint paths are valid")
    }

    /// `GET /apps/{appid}`: errors `no app X at CLOUD`, `cannot reach CLOUD: connection refused`.
    pub fn fetch_meta(&self, url: &LaunchUrl) -> Result<AppMeta> {
        self.list_versions(&url.cloud, url.app_id.as_str())
    }

    /// An app's metadata with its version history (`miniapp apps`).
    pub fn list_versions(&self, cloud: &Url, app_id: &str) -> Result<AppMeta> {
        let url = Self::endpoint(cloud, &format!("apps/{app_id}"));
        let resp = self.send(cloud, self.http.get(url.clone()).header(ACCEPT, "application/json"))?;
        match resp.status() {
            s if s.is_success() => Self::json(&url, resp),
            StatusCode::NOT_FOUND => Err(Error::AppNotFound { app_id: app_id.to_string(), cloud: cloud_display(cloud) }),
            _ => Err(Self::refused(cloud, format!("metadata of {app_id}"), resp)),
        }
    }

    /// Every app on the cloud.
    pub fn list_apps(&self, cloud: &Url) -> Result<Vec<AppMeta>> {
        let url = Self::endpoint(cloud, "apps");
        let resp = self.send(cloud, self.http.get(url.clone()))?;
        if !resp.status().is_success() {
            return Err(Self::refused(cloud, "the app list".into(), resp));
        }
        Self::json(&url, resp)
    }

    /// The cloud's request counters.
    pub fn stats(&self, cloud: &Url) -> Result<Stats> {
        let url = Self::endpoint(cloud, "stats");
        let resp = self.send(cloud, self.http.get(url.clone()))?;
        if !resp.status().is_success() {
            return Err(Self::refused(cloud, "stats".into(), resp));
        }
        Self::json(&url, resp)
    }

    /// Publishes a bundle; the error carries the cloud's reason (all review reasons at once).
    pub fn publish(&self, cloud: &Url, token: &str, bundle: &[u8]) -> Result<PublishReceipt> {
        let url = Self::endpoint(cloud, "apps");
        let req = self.http.post(url.clone()).header(AUTHORIZATION, format!("Bearer {token}")).body(bundle.to_vec());
        let resp = self.send(cloud, req)?;
        if !resp.status().is_success() {
            return Err(Self::refused(cloud, "publish".into(), resp));
        }
        Self::json(&url, resp)
    }

    /// Sets an app's status (`miniapp admin ban|suspend|unban`).
    pub fn set_status(&self, cloud: &Url, token: &str, app_id: &str, status: AppStatus, reason: &str) -> Result<()> {
        let url = Self::endpoint(cloud, &format!("apps/{app_id}/status"));
        let body = StatusChange { status, reason: reason.to_string() };
        let req = self.http.post(url).header(AUTHORIZATION, format!("Bearer {token}")).json(&body);
        let resp = self.send(cloud, req)?;
        match resp.status() {
            s if s.is_success() => Ok(()),
            StatusCode::NOT_FOUND => Err(Error::AppNotFound { app_id: app_id.to_string(), cloud: cloud_display(cloud) }),
            _ => Err(Self::refused(cloud, format!("status change of {app_id}"), resp)),
        }
    }

    /// `POST /auth/login`: signs a login request for `appid` with the user's key (at the host's
    /// clock) and returns the one-time code. Refusals carry the cloud's message (bad signature,
    /// clock off by more than 5 minutes, unknown app, app banned or suspended with the reason).
    pub fn login_code(&self, cloud: &Url, appid: &str, user: &UserKey) -> Result<LoginCode> {
        let url = Self::endpoint(cloud, "auth/login");
        let ts = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
        let body = LoginRequest { appid: appid.to_string(), user: user.public_hex(), ts, sig: user.sign_login(appid, ts) };
        let resp = self.send(cloud, self.http.post(url.clone()).json(&body))?;
        if !resp.status().is_success() {
            return Err(Self::refused(cloud, format!("login to {appid}"), resp));
        }
        Self::json(&url, resp)
    }

    /// `POST /auth/code2session`: what a developer's back end does with a login code and the
    /// app secret. Refusals carry the cloud's message (wrong secret; unknown, expired or used
    /// code; code of another app).
    pub fn code2session(&self, cloud: &Url, appid: &str, secret: &str, code: &str) -> Result<AuthSession> {
        let url = Self::endpoint(cloud, "auth/code2session");
        let body = Code2SessionRequest { appid: appid.to_string(), secret: secret.to_string(), code: code.to_string() };
        let resp = self.send(cloud, self.http.post(url.clone()).json(&body))?;
        if !resp.status().is_success() {
            return Err(Self::refused(cloud, format!("code2session for {appid}"), resp));
        }
        Self::json(&url, resp)
    }

    /// `GET /apps/{appid}/secret` with the cloud's token (`miniapp secret APPID`).
    pub fn app_secret(&self, cloud: &Url, token: &str, appid: &str) -> Result<String> {
        let url = Self::endpoint(cloud, &format!("apps/{appid}/secret"));
        let resp = self.send(cloud, self.http.get(url.clone()).header(AUTHORIZATION, format!("Bearer {token}")))?;
        if !resp.status().is_success() {
            return Err(Self::refused(cloud, format!("the secret of {appid}"), resp));
        }
        Self::json::<AppSecret>(&url, resp).map(|s| s.secret)
    }

    /// The cloud's platform key as served now (not pinned).
    pub fn fetch_platform_key(&self, cloud: &Url) -> Result<VerifyingKey> {
        let url = Self::endpoint(cloud, "platform-key");
        let resp = self.send(cloud, self.http.get(url.clone()))?;
        if !resp.status().is_success() {
            return Err(Self::refused(cloud, "the platform key".into(), resp));
        }
        let info: PlatformKeyInfo = Self::json(&url, resp)?;
        Ok(VerifyingKey::from_hex(&info.public_key)?)
    }

    /// The pinned platform key of `cloud`; on first contact it is fetched and pinned. With
    /// `recheck`, the served key is compared with the pin and a change is an error.
    pub fn platform_key(&self, cloud: &Url, recheck: bool) -> Result<VerifyingKey> {
        let cloud = normalise_cloud(cloud);
        match self.cache.pinned_key(&cloud)? {
            Some(pinned) if !recheck => Ok(pinned),
            Some(pinned) => {
                let served = self.fetch_platform_key(&cloud)?;
                if served != pinned {
                    return Err(Error::PlatformKeyChanged {
                        cloud: cloud_display(&cloud),
                        pinned: pinned.fingerprint(),
                        served: served.fingerprint(),
                    });
                }
                Ok(pinned)
            }
            None => {
                let served = self.fetch_platform_key(&cloud)?;
                self.cache.pin_key(&cloud, &served)?;
                Ok(served)
            }
        }
    }

    /// Downloads a bundle into the cache (resuming a partial download with `Range`) and checks
    /// its digest. `progress(done, total)` is called as bytes arrive.
    pub fn download(&self, cloud: &Url, app_id: &str, digest: &str, size: u64, progress: &dyn Fn(u64, u64)) -> Result<()> {
        self.download_under(cloud, app_id, digest, size, miniapp_bundle::limits::DEFAULT_MAX_PACKAGE_BYTES, progress)
    }

    /// [`CloudClient::download`] stopping at `limit` bytes (the app or the base library limit),
    /// and at the `size` the metadata announced: a longer body is refused as soon as it passes
    /// it, not after it has filled the disk. The digest is computed while the bytes arrive.
    fn download_under(&self, cloud: &Url, app_id: &str, digest: &str, size: u64, limit: u64, progress: &dyn Fn(u64, u64)) -> Result<()> {
        use sha2::{Digest, Sha256};
        let url = Self::endpoint(cloud, &format!("bundles/{digest}"));
        let part = self.cache.part_path(digest).ok_or_else(|| Error::Http { url: url.to_string(), reason: format!("digest {digest:?} is not sha256:<hex>") })?;
        let limit = limit.min(size);
        for attempt in 0..2 {
            let have = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
            let mut req = self.http.get(url.clone());
            if have > 0 && have < size && attempt == 0 {
                req = req.header(RANGE, format!("bytes={have}-"));
            }
            let mut resp = self.send(cloud, req)?;
            let (start, append) = match resp.status() {
                StatusCode::PARTIAL_CONTENT => {
                    let cr = resp.headers().get(CONTENT_RANGE).and_then(|v| v.to_str().ok()).unwrap_or("");
                    if !cr.starts_with(&format!("bytes {have}-")) {
                        return Err(Error::Http { url: url.to_string(), reason: format!("unexpected Content-Range {cr:?} for a resume at {have}") });
                    }
                    (have, true)
                }
                StatusCode::OK => (0, false),
                StatusCode::RANGE_NOT_SATISFIABLE => {
                    let _ = std::fs::remove_file(&part);
                    continue;
                }
                _ => return Err(Self::refused(cloud, format!("the bundle of {app_id}"), resp)),
            };
            let too_long = |what: String| {
                let _ = std::fs::remove_file(&part);
                let rule = if limit < size {
                    format!("the package limit of {limit} bytes")
                } else {
                    format!("the {size} bytes its metadata announced")
                };
                Error::Http { url: url.to_string(), reason: format!("the bundle is over {rule} ({what})") }
            };
            if let Some(n) = resp.content_length().filter(|n| n + start > limit) {
                return Err(too_long(format!("Content-Length {}", n + start)));
            }
            let total = resp.content_length().map(|n| n + start).unwrap_or(size).max(size);
            let mut hasher = Sha256::new();
            if append {
                let earlier = std::fs::read(&part).map_err(Error::io("reading", &part))?;
                hasher.update(&earlier);
            }
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .write(true)
                .append(append)
                .truncate(!append)
                .open(&part)
                .map_err(Error::io("writing", &part))?;
            let mut done = start;
            progress(done, total);
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = resp.read(&mut buf).map_err(|e| Error::Http { url: url.to_string(), reason: format!("download interrupted after {done} bytes: {e}") })?;
                if n == 0 {
                    break;
                }
                done += n as u64;
                if done > limit {
                    drop(file);
                    return Err(too_long(format!("{done} bytes received")));
                }
                hasher.update(&buf[..n]);
                file.write_all(&buf[..n]).map_err(Error::io("writing", &part))?;
                progress(done, total);
            }
            // No fsync: a cached bundle is checked against its digest (and verified) before every
            // use, so one torn by a crash is refused and fetched again, never trusted.
            drop(file);
            let actual = format!("sha256:{}", hex::encode(hasher.finalize()));
            if actual != digest {
                let _ = std::fs::remove_file(&part);
                return Err(Error::DigestMismatch { app_id: app_id.into(), cloud: cloud_display(cloud), expected: digest.into(), actual });
            }
            return self.cache.commit_part(digest);
        }
        Err(Error::Http { url: url.to_string(), reason: "the cloud refused every range of the bundle".into() })
    }

    /// The precompiled artifact of `bundle`'s logic for the engine `engine`, when the cloud's
    /// metadata `meta` offers one: from the cache or downloaded, and returned only after its
    /// sha256 matches the announced digest and the pinned platform key's signature covers
    /// (the digest of `bundle`'s `logic.wasm` as computed here, `engine`, that digest).
    /// `Ok(None)` when there is none for this bundle and engine (older clouds, another engine,
    /// a cached older version): the host compiles then.
    ///
    /// # Errors
    /// [`Error::Artifact`] for an artifact that is offered but refused (bad signature, digest
    /// mismatch, over [`crate::MAX_ARTIFACT_BYTES`]); download errors. The host compiles
    /// locally after either.
    pub fn artifact(&self, cloud: &Url, meta: &AppMeta, bundle: &LockedBundle, engine: &str) -> Result<Option<Vec<u8>>> {
        use miniapp_bundle::artifact::{sha256_digest, verify_artifact, ArtifactClaim};
        if meta.digest != bundle.digest {
            return Ok(None);
        }
        let Some(a) = meta.artifacts.iter().find(|a| a.engine == engine) else { return Ok(None) };
        let app_id = meta.appid.as_str();
        let refused = |reason: String| Error::Artifact { app_id: app_id.into(), digest: a.digest.clone(), reason };
        let component_digest = sha256_digest(bundle.logic_wasm().map_err(|e| refused(e.to_string()))?);
        if a.component_digest != component_digest {
            return Err(refused(format!("it was compiled from {}, but this bundle's logic.wasm is {component_digest}", a.component_digest)));
        }
        if a.size > crate::MAX_ARTIFACT_BYTES {
            return Err(refused(format!("{} bytes is over the {}-byte artifact limit", a.size, crate::MAX_ARTIFACT_BYTES)));
        }
        // The signature first: nothing is downloaded for a claim the platform did not make.
        let key = self.platform_key(cloud, false)?;
        let claim = ArtifactClaim { component_digest: &component_digest, engine, artifact_digest: &a.digest };
        verify_artifact(&key, &claim, &a.signature).map_err(|e| refused(e.to_string()))?;
        if let Some(bytes) = self.cache.artifact(&bundle.digest) {
            if sha256_digest(&bytes) == a.digest {
                return Ok(Some(bytes));
            }
        }
        let url = Self::endpoint(cloud, &format!("artifacts/{}", a.digest));
        let resp = self.send(cloud, self.http.get(url.clone()))?;
        if !resp.status().is_success() {
            return Err(Self::refused(cloud, format!("the precompiled artifact of {app_id}"), resp));
        }
        let mut bytes = Vec::with_capacity(a.size as usize);
        resp.take(crate::MAX_ARTIFACT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::Http { url: url.to_string(), reason: format!("download interrupted after {} bytes: {e}", bytes.len()) })?;
        if bytes.len() as u64 > crate::MAX_ARTIFACT_BYTES {
            return Err(refused(format!("the download is over the {}-byte artifact limit", crate::MAX_ARTIFACT_BYTES)));
        }
        let actual = sha256_digest(&bytes);
        if actual != a.digest {
            return Err(refused(format!("the download hashes to {actual}")));
        }
        self.cache.store_artifact(&bundle.digest, &bytes)?;
        Ok(Some(bytes))
    }

    fn verify_cached(&self, cloud: &Url, app_id: &str, digest: &str, key: &VerifyingKey) -> Result<LockedBundle> {
        let bytes = self.cache.bundle(digest)?.ok_or_else(|| Error::OfflineNotCached {
            cloud: cloud_display(cloud),
            app_id: app_id.into(),
            reason: "bundle missing from the cache".into(),
        })?;
        let bundle = verify(&bytes, &Trust::platform(*key)).map_err(|error| {
            self.cache.remove_bundle(digest);
            Error::Bundle { app_id: app_id.into(), digest: digest.into(), error }
        })?;
        if bundle.manifest.appid.as_str() != app_id {
            return Err(Error::WrongApp { app_id: app_id.into(), found: bundle.manifest.appid.to_string(), digest: digest.into() });
        }
        Ok(bundle)
    }

    /// Opens an app: metadata → status check → cache lookup → download if needed → verify with
    /// the pinned platform key. See the module docs for the update and offline rules.
    pub fn open_app(&self, url: &LaunchUrl, progress: &dyn Fn(u64, u64)) -> Result<OpenedApp> {
        self.open_app_with(url, false, progress)
    }

    /// [`CloudClient::open_app`], and with `latest` a newer version than the cached one is
    /// downloaded now and launched (`--latest`) instead of in the background for next time.
    pub fn open_app_with(&self, url: &LaunchUrl, latest: bool, progress: &dyn Fn(u64, u64)) -> Result<OpenedApp> {
        let t0 = Instant::now();
        let cloud = normalise_cloud(&url.cloud);
        let app_id = url.app_id.as_str();
        let record = self.cache.app_record(&cloud, app_id);
        let meta = match self.fetch_meta(url) {
            Ok(meta) => meta,
            Err(Error::Unreachable { reason, .. }) => return self.open_offline(&cloud, app_id, record, reason, t0),
            Err(e) => return Err(e),
        };
        let meta_ms = ms(t0);
        let mut record = record.unwrap_or(CachedApp { cloud: cloud_display(&cloud), meta: meta.clone(), current: None, checked_at: 0 });
        record.meta = meta.clone();
        record.checked_at = now();
        self.cache.save_app_record(&cloud, &record)?;
        check_status(&meta)?;

        let current = record.current.clone().filter(|c| self.cache.has_bundle(c));
        let (digest, from_cache, update) = if self.cache.has_bundle(&meta.digest) {
            (meta.digest.clone(), true, None)
        } else if let Some(current) = current.filter(|_| !latest) {
            let update = self.spawn_update(&cloud, &meta);
            (current, true, Some(update))
        } else {
            self.platform_key(&cloud, true)?;
            self.download(&cloud, app_id, &meta.digest, meta.size, progress)?;
            (meta.digest.clone(), false, None)
        };
        let fetch_ms = ms(t0);
        let t1 = Instant::now();
        let key = self.platform_key(&cloud, false)?;
        let bundle = self.verify_cached(&cloud, app_id, &digest, &key)?;
        let verify_ms = ms(t1);
        record.current = Some(digest);
        self.cache.save_app_record(&cloud, &record)?;
        let base = self.base_for(&cloud, &bundle, progress)?;
        Ok(OpenedApp { bundle, meta, from_cache, offline: false, timings: OpenTimings { meta_ms, fetch_ms, verify_ms }, update, base })
    }

    fn base_for(&self, cloud: &Url, bundle: &LockedBundle, progress: &dyn Fn(u64, u64)) -> Result<Option<BaseLibrary>> {
        match &bundle.manifest.min_base_library {
            Some(min) => Ok(Some(self.open_base(cloud, bundle.manifest.appid.as_str(), Some(min), progress)?.base)),
            None => Ok(None),
        }
    }

    /// Publishes a base library bundle (`miniapp publish-base`).
    pub fn publish_base(&self, cloud: &Url, token: &str, bundle: &[u8]) -> Result<BaseInfo> {
        let url = Self::endpoint(cloud, "base");
        let req = self.http.post(url.clone()).header(AUTHORIZATION, format!("Bearer {token}")).body(bundle.to_vec());
        let resp = self.send(cloud, req)?;
        if !resp.status().is_success() {
            return Err(Self::refused(cloud, "publish of the base library".into(), resp));
        }
        Self::json(&url, resp)
    }

    /// The newest base library on the cloud, if there is one.
    pub fn latest_base(&self, cloud: &Url) -> Result<Option<BaseInfo>> {
        let url = Self::endpoint(cloud, "base/latest");
        let resp = self.send(cloud, self.http.get(url.clone()))?;
        match resp.status() {
            s if s.is_success() => Self::json(&url, resp).map(Some),
            StatusCode::NOT_FOUND => Ok(None),
            _ => Err(Self::refused(cloud, "the base library".into(), resp)),
        }
    }

    /// A base library of at least `min` for `app_id`: from the cache when the cached one is new
    /// enough (no network), else the cloud's newest (downloaded, verified, cached).
    pub fn open_base(&self, cloud: &Url, app_id: &str, min: Option<&Version>, progress: &dyn Fn(u64, u64)) -> Result<OpenedBase> {
        let cloud = normalise_cloud(cloud);
        let new_enough = |v: &str| min.is_none_or(|m| v.parse::<Version>().is_ok_and(|v| v.parts() >= m.parts()));
        let cached = self.cache.base_record(&cloud).filter(|b| new_enough(&b.version) && self.cache.has_bundle(&b.digest));
        if let Some(info) = cached {
            let key = self.platform_key(&cloud, false)?;
            let base = self.verify_cached_base(&cloud, &info.digest, &key)?;
            return Ok(OpenedBase { base, info, from_cache: true });
        }
        let too_old = |available: String| Error::BaseTooOld {
            app_id: app_id.to_string(),
            needed: min.map(ToString::to_string).unwrap_or_else(|| "any".into()),
            cloud: cloud_display(&cloud),
            available,
        };
        let info = self.latest_base(&cloud)?.ok_or_else(|| too_old("none".into()))?;
        if !new_enough(&info.version) {
            return Err(too_old(info.version));
        }
        let from_cache = self.cache.has_bundle(&info.digest);
        if !from_cache {
            self.platform_key(&cloud, true)?;
            let limit = miniapp_bundle::limits::DEFAULT_BASE_MAX_PACKAGE_BYTES;
            self.download_under(&cloud, "the base library", &info.digest, info.size, limit, progress)?;
        }
        let key = self.platform_key(&cloud, false)?;
        let base = self.verify_cached_base(&cloud, &info.digest, &key)?;
        self.cache.save_base_record(&cloud, &info)?;
        Ok(OpenedBase { base, info, from_cache })
    }

    /// Starts verifying `cloud`'s cached base library on a thread of its own, when there is one
    /// (with its pinned platform key) that this process has not verified yet: a new process's
    /// launch overlaps it with the app's metadata request and checks. Nothing is used before it
    /// is verified: the next use of the base library waits for this verification (and verifies
    /// again itself if this one failed).
    pub fn warm_cached_base(&self, cloud: &Url) {
        let cloud = normalise_cloud(cloud);
        let Some(info) = self.cache.base_record(&cloud).filter(|b| self.cache.has_bundle(&b.digest)) else { return };
        let Ok(Some(key)) = self.cache.pinned_key(&cloud) else { return };
        let memo_key = (info.digest.clone(), key.to_hex());
        if self.verified_bases.lock().unwrap_or_else(|p| p.into_inner()).contains_key(&memo_key) {
            return;
        }
        let mut warming = self.warming.lock().unwrap_or_else(|p| p.into_inner());
        if warming.as_ref().is_some_and(|h| !h.is_finished()) {
            // One verification ahead at a time: the launch waits for it and verifies what is
            // still missing itself.
            return;
        }
        let me = self.clone();
        let spawned = std::thread::Builder::new().name("miniapp-base-verify".into()).spawn(move || {
            if let Err(e) = me.verify_cached_base_memo(&cloud, &info.digest, &key) {
                tracing::debug!(error = %e, "verifying the cached base library ahead failed; the launch verifies it again");
            }
        });
        if let Ok(handle) = spawned {
            *warming = Some(handle);
        }
    }

    /// Waits for a verification started by [`CloudClient::warm_cached_base`], if one runs.
    pub fn finish_warming(&self) {
        let ahead = self.warming.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(handle) = ahead {
            let _ = handle.join();
        }
    }

    /// [`CloudClient::warm_cached_base`] for the cloud of the most recently opened app: a new
    /// host calls it as it starts, so that a re-open (the usual start: from the home screen's
    /// recent list, or the same link again) finds its base library verified, or nearly, by the
    /// time the launch needs it. A launch from another cloud only waits for it to finish.
    pub fn warm_recent_base(&self) {
        let Some(recent) = self.cache.recent_apps().into_iter().next() else { return };
        if let Ok(cloud) = Url::parse(&recent.cloud) {
            self.warm_cached_base(&cloud);
        }
    }

    fn verify_cached_base(&self, cloud: &Url, digest: &str, key: &VerifyingKey) -> Result<BaseLibrary> {
        self.finish_warming();
        self.verify_cached_base_memo(cloud, digest, key)
    }

    fn verify_cached_base_memo(&self, cloud: &Url, digest: &str, key: &VerifyingKey) -> Result<BaseLibrary> {
        let memo_key = (digest.to_string(), key.to_hex());
        if let Some(base) = self.verified_bases.lock().unwrap_or_else(|p| p.into_inner()).get(&memo_key) {
            if self.cache.has_bundle(digest) {
                return Ok(base.clone());
            }
        }
        let base = self.verify_cached_base_now(cloud, digest, key)?;
        self.verified_bases.lock().unwrap_or_else(|p| p.into_inner()).insert(memo_key, base.clone());
        Ok(base)
    }

    /// Verifies the cached base library. A new process reads the uncompressed copy kept after
    /// the first verification (no inflate of its fonts), verified in full all the same; when
    /// there is none, or it does not verify, the original is verified and the copy (re)made.
    fn verify_cached_base_now(&self, cloud: &Url, digest: &str, key: &VerifyingKey) -> Result<BaseLibrary> {
        let trust = Trust::platform(*key);
        if let (Some(mut copy), Some(size)) = (self.cache.stored_copy(digest), self.cache.bundle_len(digest)) {
            match miniapp_bundle::verify_base_copy_file(&mut copy, &trust, digest, size) {
                Ok(base) => return Ok(base),
                Err(e) => tracing::warn!(%digest, error = %e, "the uncompressed copy of the base library does not verify; verifying the original"),
            }
        }
        let bytes = self.cache.bundle(digest)?.ok_or_else(|| Error::OfflineNotCached {
            cloud: cloud_display(cloud),
            app_id: "the base library".into(),
            reason: "bundle missing from the cache".into(),
        })?;
        let base = verify_base(&bytes, &trust).map_err(|error| {
            self.cache.remove_bundle(digest);
            Error::Bundle { app_id: "the base library".into(), digest: digest.into(), error }
        })?;
        // The copy serves the next process's start, not this launch: made off its critical path
        // (written to a temporary name and renamed, so a reader never sees half of it; a process
        // that exits first just leaves it to the next start).
        let (cache, digest, limits) = (self.cache.clone(), digest.to_string(), trust.base_limits);
        let spawned = std::thread::Builder::new().name("miniapp-base-copy".into()).spawn(move || {
            match miniapp_bundle::repack_uncompressed(&bytes, &limits) {
                Ok(copy) => {
                    if let Err(e) = cache.store_copy(&digest, &copy) {
                        tracing::warn!(%digest, error = %e, "could not keep an uncompressed copy of the base library");
                    }
                }
                Err(e) => tracing::warn!(%digest, error = %e, "could not repack the base library"),
            }
        });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "could not start repacking the base library");
        }
        Ok(base)
    }

    fn spawn_update(&self, cloud: &Url, meta: &AppMeta) -> PendingUpdate {
        let me = self.clone();
        let cloud = cloud.clone();
        let (app_id, digest, size) = (meta.appid.clone(), meta.digest.clone(), meta.size);
        let digest2 = digest.clone();
        let handle = std::thread::spawn(move || {
            me.download(&cloud, &app_id, &digest2, size, &|_, _| {})?;
            let key = me.platform_key(&cloud, false)?;
            me.verify_cached(&cloud, &app_id, &digest2, &key).map(|_| ())
        });
        PendingUpdate { version: meta.version.clone(), digest, handle }
    }

    fn open_offline(&self, cloud: &Url, app_id: &str, record: Option<CachedApp>, reason: String, t0: Instant) -> Result<OpenedApp> {
        let not_cached = || Error::OfflineNotCached { cloud: cloud_display(cloud), app_id: app_id.into(), reason: reason.clone() };
        let Some(record) = record else {
            return Err(Error::Unreachable { cloud: cloud_display(cloud), reason });
        };
        check_status(&record.meta)?;
        let digest = record.current.clone().filter(|d| self.cache.has_bundle(d)).ok_or_else(not_cached)?;
        let key = self.cache.pinned_key(cloud)?.ok_or_else(not_cached)?;
        let fetch_ms = ms(t0);
        let t1 = Instant::now();
        let bundle = self.verify_cached(cloud, app_id, &digest, &key)?;
        tracing::warn!(cloud = %cloud_display(cloud), app_id, %reason, "cloud unreachable, starting from cache");
        let base = self.base_for(cloud, &bundle, &|_, _| {})?;
        Ok(OpenedApp {
            base,
            bundle,
            meta: record.meta,
            from_cache: true,
            offline: true,
            timings: OpenTimings { meta_ms: fetch_ms, fetch_ms, verify_ms: ms(t1) },
            update: None,
        })
    }
}

fn check_status(meta: &AppMeta) -> Result<()> {
    match meta.status {
        AppStatus::Published => Ok(()),
        AppStatus::Banned => Err(Error::Banned { app_id: meta.appid.clone(), reason: meta.reason.clone() }),
        AppStatus::Suspended => Err(Error::Suspended { app_id: meta.appid.clone(), reason: meta.reason.clone() }),
    }
}
