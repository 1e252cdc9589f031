//! The host: what lives as long as the simulator process — the cloud client and its cache, the
//! wasmtime engine, the base library in use and the fonts — and the launch pipeline that turns a
//! URL into a [`Session`]: [`Fetcher::fetch`] (network, may run on another thread), then
//! [`Host::start`].

use crate::base::ActiveBase;
use crate::device::Device;
use crate::error::Result;
use crate::fetch::{BaseLibrarySource, Fetched, Fetcher};
use crate::session::Session;
use miniapp_cloud::CloudClient;
use miniapp_sandbox::{AppContext, Limits, Sandbox};
use miniapp_view::cosmic_text::FontSystem;
use std::path::PathBuf;
use std::time::Instant;

/// How a host is set up.
#[derive(Debug, Clone)]
pub struct HostConfig {
    /// Where downloaded bundles, pinned cloud keys and compiled components are cached.
    pub cache_dir: PathBuf,
    /// Sandbox limits (memory, handler deadline, ...).
    pub limits: Limits,
    /// Where component styles and fonts come from: the cloud's base library (default) or the
    /// embedded copies.
    pub base_library: BaseLibrarySource,
    /// The simulated device apps are laid out for (and `sys.info` reports). Default iPhone SE.
    pub device: Device,
    /// When the cloud has a newer version than the cached one, download it and launch it now
    /// (`--latest`); by default the cached version starts at once and the newer one is fetched
    /// in the background for the next launch.
    pub latest: bool,
    /// How long an app may stay in the background before it is destroyed
    /// ([`crate::apps::BACKGROUND_TTL`], 5 minutes; `MINIAPP_BACKGROUND_TTL_S` sets it in seconds).
    pub background_ttl: std::time::Duration,
}

impl HostConfig {
    /// A host caching in `cache_dir`, with default limits, on the cloud's base library.
    pub fn new(cache_dir: PathBuf) -> HostConfig {
        HostConfig {
            cache_dir,
            limits: Limits::default(),
            base_library: BaseLibrarySource::Cloud,
            device: Device::default(),
            latest: false,
            background_ttl: crate::apps::BACKGROUND_TTL,
        }
    }

    /// The user's cache dir (`~/.cache/miniapp` on Linux), or `MINIAPP_CACHE_DIR` when set;
    /// the embedded base library when `MINIAPP_BASE_LIBRARY=embedded`; the background TTL from
    /// `MINIAPP_BACKGROUND_TTL_S` (seconds) when set to a number.
    pub fn from_env() -> HostConfig {
        let cache_dir = std::env::var_os("MINIAPP_CACHE_DIR")
            .map(PathBuf::from)
            .or_else(miniapp_cloud::Cache::default_dir)
            .unwrap_or_else(|| std::env::temp_dir().join("miniapp-cache"));
        let background_ttl = std::env::var("MINIAPP_BACKGROUND_TTL_S")
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map_or(crate::apps::BACKGROUND_TTL, std::time::Duration::from_secs);
        HostConfig { base_library: BaseLibrarySource::from_env(), background_ttl, ..HostConfig::new(cache_dir) }
    }
}

/// Milliseconds spent in each stage of a launch (what `trace.json` reports).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct LaunchTimings {
    /// Metadata request and bundle download (0 for the download on a hot start), and getting
    /// the base library (from the cache or downloaded, verified).
    pub fetch_ms: f64,
    /// Hash and signature checks of the bundle.
    pub verify_ms: f64,
    /// Loading a base library into the host (component styles, fonts); 0 when the one in use
    /// is already loaded.
    pub base_ms: f64,
    /// Compiling the logic component, loading it from the compiled cache, or loading the
    /// cloud's precompiled artifact ([`LaunchReport::precompiled`]).
    pub compile_ms: f64,
    /// Instantiating it and running `on-launch` + the entry page's `load`/`ready`.
    pub instantiate_ms: f64,
    /// Laying out the first page.
    pub first_layout_ms: f64,
    /// Rendering the first frame (filled in by whoever renders it).
    pub first_frame_ms: f64,
}

/// What a launch reports besides the session.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LaunchReport {
    /// The URL launched.
    pub url: String,
    /// App id.
    pub app: String,
    /// App version that runs.
    pub version: String,
    /// Digest of the bundle.
    pub digest: String,
    /// The base library the app runs on: its version (`"1.0.0"`), or `"embedded"` for the
    /// copies compiled into the host.
    pub base: String,
    /// The base library's digest (absent for the embedded copies).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_digest: Option<String>,
    /// Whether the bundle came from the local cache (hot start).
    pub from_cache: bool,
    /// Whether the cloud could not be reached and the cached copy started (offline start).
    pub offline: bool,
    /// A newer version being downloaded in the background, applied on the next launch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_pending: Option<String>,
    /// Whether the logic ran from the cloud's precompiled artifact (signed by the platform for
    /// this host's engine) rather than being compiled here.
    pub precompiled: bool,
    /// Why a precompiled artifact the cloud offered was not used (refused, or wasmtime would
    /// not load it); the logic was compiled locally instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact_refused: Option<String>,
    /// Stage timings.
    pub timings: LaunchTimings,
}

/// The long-lived parts of the simulator.
pub struct Host {
    client: CloudClient,
    /// The simulated user's identity (`user.key` in the cache dir), signing `auth.login`
    /// requests; `None` if it could not be read or made (login then answers `unavailable`).
    user: Option<miniapp_cloud::UserKey>,
    /// The simulator's clipboard, shared by every app this host runs.
    pub clipboard: miniapp_sandbox::Clipboard,
    storage: Option<miniapp_sandbox::Storage>,
    updates: Vec<miniapp_cloud::PendingUpdate>,
    sandbox: Sandbox,
    /// The sandbox's engine fingerprint (which precompiled artifacts it loads), computed once.
    engine: String,
    base_source: BaseLibrarySource,
    latest: bool,
    background_ttl: std::time::Duration,
    /// The base library loaded now (`None` before the first launch on a cloud's one).
    base: Option<ActiveBase>,
    fonts_epoch: u64,
    device: Device,
    /// The fonts used for layout and rendering: only the base library's once an app launched
    /// on one, the embedded copies before that (and throughout with
    /// [`BaseLibrarySource::Embedded`]). Never the system's.
    pub fonts: FontSystem,
}

impl Host {
    /// Creates the engine, the cloud client and the fonts.
    ///
    /// # Errors
    /// The engine cannot be configured or the cache dir cannot be created.
    pub fn new(config: HostConfig) -> Result<Host> {
        // reqwest's blocking client starts a runtime thread and its TLS configuration (about
        // 3 ms of a new host's 5): made on a thread of its own while the rest starts.
        let cache_dir = config.cache_dir.clone();
        // The same thread then starts verifying the recent cloud's cached base library, the
        // largest part of a re-open in a new process, beside the rest of the host's start.
        let client = std::thread::Builder::new().name("miniapp-http-init".into()).spawn(move || {
            let client = CloudClient::new(cache_dir)?;
            client.warm_recent_base();
            Ok::<_, miniapp_cloud::Error>(client)
        });
        let sandbox = Sandbox::new(config.limits.clone(), Some(config.cache_dir.join("compiled")))?;
        // Per-app persistent storage lives next to the cache; without it `storage` calls answer
        // `unavailable` and the app still runs.
        let storage = match miniapp_sandbox::Storage::open(&config.cache_dir.join("storage.sqlite3")) {
            Ok(s) => Some(s),
            Err(e) => {
                tracing::warn!(error = %e, "app storage unavailable");
                None
            }
        };
        let user = match miniapp_cloud::UserKey::load_or_create(&config.cache_dir.join("user.key")) {
            Ok(u) => Some(u),
            Err(e) => {
                tracing::warn!(error = %e, "no user identity: auth.login will be unavailable");
                None
            }
        };
        let fonts = miniapp_view::new_font_system();
        // (A thread that could not start or panicked: made here instead.)
        let client = match client.map(std::thread::JoinHandle::join) {
            Ok(Ok(made)) => made?,
            _ => CloudClient::new(config.cache_dir.clone())?,
        };
        Ok(Host {
            client,
            user,
            clipboard: miniapp_sandbox::Clipboard::default(),
            storage,
            updates: Vec::new(),
            engine: sandbox.engine_fingerprint(),
            sandbox,
            base_source: config.base_library,
            latest: config.latest,
            background_ttl: config.background_ttl,
            base: None,
            fonts_epoch: 0,
            device: config.device,
            fonts,
        })
    }

    /// How long an app may stay in the background before it is destroyed.
    pub fn background_ttl(&self) -> std::time::Duration {
        self.background_ttl
    }

    /// The simulated device the next launches are laid out for.
    pub fn device(&self) -> Device {
        self.device
    }

    /// Lays the next launches out for `device` (a running session moves with
    /// `Session::set_device`).
    pub fn set_device(&mut self, device: Device) {
        self.device = device;
    }

    /// Counts the times [`Host::fonts`] had its fonts replaced; a renderer that saw another
    /// value must forget its shaped text (`Renderer::clear_text_cache`).
    pub fn fonts_epoch(&self) -> u64 {
        self.fonts_epoch
    }

    /// The version of the base library in use (`embedded` for the compiled-in copies), once an
    /// app has launched.
    pub fn base_library(&self) -> Option<&str> {
        self.base.as_ref().map(|b| b.label.as_str())
    }

    /// A fetcher of apps for this host, to run [`Fetcher::fetch`] on another thread.
    pub fn fetcher(&self) -> Fetcher {
        Fetcher { client: self.client.clone(), source: self.base_source, latest: self.latest, engine: self.engine.clone() }
    }

    /// Waits for background update downloads to finish (call before the process exits, so that
    /// the next launch finds the new version in the cache). Failures are logged, not returned:
    /// an update that did not arrive is simply fetched again next time.
    pub fn finish_updates(&mut self) {
        for update in self.updates.drain(..) {
            let version = update.version.clone();
            if let Err(e) = update.wait() {
                tracing::warn!(%version, error = %e, "background update failed");
            }
        }
    }

    /// The simulated user's public key (hex), if the host has an identity.
    pub fn user_public_hex(&self) -> Option<String> {
        self.user.as_ref().map(|u| u.public_hex())
    }

    /// The cloud client (for listing and clearing the cache).
    pub fn client(&self) -> &CloudClient {
        &self.client
    }

    /// Launches an app from its URL: fetch (or cache) → verify → base library → compile →
    /// instantiate → first layout. `progress` sees the downloads (bytes done, total): the
    /// bundle's, then the base library's when it is not cached.
    ///
    /// # Errors
    /// Unknown app, unreachable cloud (with no cached copy), banned app, a bundle that does not
    /// verify, no base library (new enough) on the cloud, a component that does not compile or
    /// link. A trap in the app's own start-up code is not an error: the session shows the error
    /// page.
    pub fn launch(&mut self, url: &str, progress: &dyn Fn(u64, u64)) -> Result<(Session, LaunchReport)> {
        let fetched = self.fetcher().fetch(url, progress)?;
        self.start(fetched)
    }

    /// Loads `base` (or the embedded copies) unless it is the one in use.
    fn use_base(&mut self, base: Option<&miniapp_bundle::BaseLibrary>) -> Result<ActiveBase> {
        let active = match (base, &self.base) {
            (Some(b), Some(cur)) if cur.digest.as_deref() == Some(b.digest.as_str()) => cur.clone(),
            (Some(b), _) => {
                let loaded = ActiveBase::load(b, &mut self.fonts)?;
                self.fonts_epoch += 1;
                loaded
            }
            (None, Some(cur)) if cur.digest.is_none() => cur.clone(),
            (None, _) => ActiveBase::embedded(),
        };
        self.base = Some(active.clone());
        Ok(active)
    }

    /// Starts a fetched app: base library → compile → instantiate → first layout.
    ///
    /// # Errors
    /// Base library styles that do not parse, a component that does not compile or link, a
    /// first page that does not parse.
    pub fn start(&mut self, fetched: Fetched) -> Result<(Session, LaunchReport)> {
        let Fetched { url, launch, mut opened, base, base_fetch_ms, artifact, mut artifact_refused } = fetched;
        let url = url.as_str();
        let t = Instant::now();
        let update_pending = opened.update.as_ref().map(|u| u.version.clone());
        if let Some(update) = opened.update.take() {
            tracing::info!(app = %launch.app_id, version = %update.version, "update found; applied on the next launch");
            self.updates.push(update);
        }
        let mut timings = LaunchTimings {
            fetch_ms: opened.timings.fetch_ms + base_fetch_ms,
            verify_ms: opened.timings.verify_ms,
            ..Default::default()
        };
        let active = self.use_base(base.as_ref())?;
        timings.base_ms = ms(t);
        tracing::info!(app = %launch.app_id, from_cache = opened.from_cache, base = %active.label, "bundle ready");

        let t = Instant::now();
        let logic = opened.bundle.logic_wasm()?;
        let precompiled = artifact.and_then(|artifact| {
            // SAFETY: `Fetcher::fetch` returns an artifact only after checking that its sha256 is
            // the announced digest and that the pinned platform key signed (this `logic.wasm`'s
            // digest, this sandbox's engine fingerprint, that digest): it is the platform's
            // `Sandbox::precompile` output for exactly this component and engine.
            #[allow(unsafe_code)]
            let loaded = unsafe { self.sandbox.load_precompiled(logic, &artifact) };
            loaded
                .map_err(|e| {
                    tracing::warn!(app = %launch.app_id, "{e}; compiling locally");
                    artifact_refused = Some(e.to_string());
                })
                .ok()
        });
        let is_precompiled = precompiled.is_some();
        let component = match precompiled {
            Some(c) => c,
            None => self.sandbox.compile(logic)?,
        };
        timings.compile_ms = ms(t);

        let t = Instant::now();
        let manifest = &opened.bundle.manifest;
        let mut ctx = AppContext::new(launch.app_id.to_string());
        ctx.system.screen_width = self.device.width as u32;
        ctx.system.screen_height = self.device.height as u32;
        ctx.system.pixel_ratio = self.device.pixel_ratio;
        ctx.pages = manifest.pages.iter().map(|p| p.to_string()).collect();
        ctx.tab_pages = manifest
            .tab_bar
            .as_ref()
            .map(|t| t.list.iter().map(|i| i.page_path.to_string()).collect())
            .unwrap_or_default();
        ctx.network = manifest.network.request.iter().map(|o| o.to_string()).collect();
        ctx.storage = self.storage.clone();
        // App ids are unique only within a cloud: data and permission answers belong to both.
        ctx.data_owner = format!(
            "{}:{}/{}",
            launch.cloud.host_str().unwrap_or("?"),
            launch.cloud.port_or_known_default().unwrap_or(0),
            launch.app_id
        );
        ctx.clipboard = self.clipboard.clone();
        ctx.login = self.user.clone().map(|user| {
            let client = self.client.clone();
            let cloud = launch.cloud.clone();
            miniapp_sandbox::LoginProvider::new(move |app| {
                client.login_code(&cloud, app, &user).map(|c| c.code).map_err(|e| {
                    let kind = match &e {
                        miniapp_cloud::Error::Refused { status: 401 | 403 | 404, .. } => "denied",
                        miniapp_cloud::Error::Unreachable { .. } => "unavailable",
                        _ => "failed",
                    };
                    (kind, e.to_string())
                })
            })
        });
        let instance = self.sandbox.instantiate(&component, ctx)?;
        let report = LaunchReport {
            url: url.to_string(),
            app: launch.app_id.to_string(),
            version: opened.bundle.manifest.version.to_string(),
            digest: opened.bundle.digest.clone(),
            base: active.label.clone(),
            base_digest: active.digest.clone(),
            from_cache: opened.from_cache,
            offline: opened.offline,
            update_pending,
            precompiled: is_precompiled,
            artifact_refused,
            timings: LaunchTimings::default(),
        };
        let route = launch.path.as_ref().map(|p| p.as_str());
        let mut session =
            Session::start(opened.bundle, instance, route, &launch.query, active.components, self.device, launch.scene.as_deref())?;
        timings.instantiate_ms = ms(t);
        session.set_clipboard(self.clipboard.clone());
        session.set_launch(miniapp_cloud::LaunchUrl { path: None, query: String::new(), scene: None, ..launch.clone() });
        let t = Instant::now();
        session.layout(&mut self.fonts)?;
        timings.first_layout_ms = ms(t);
        session.set_launch_timings(timings.clone());
        Ok((session, LaunchReport { timings, ..report }))
    }
}

/// Milliseconds since `t`, with microsecond resolution.
pub(crate) fn ms(t: Instant) -> f64 {
    (t.elapsed().as_micros() as f64) / 1000.0
}
