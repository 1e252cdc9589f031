//! The host: what lives as long as the simulator process — the cloud client and its cache, the
//! wasmtime engine, and the fonts — and the launch pipeline that turns a URL into a [`Session`].

use crate::error::Result;
use crate::session::Session;
use miniapp_cloud::{CloudClient, LaunchUrl};
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
}

impl HostConfig {
    /// The user's cache dir (`~/.cache/miniapp` on Linux), or `MINIAPP_CACHE_DIR` when set.
    pub fn from_env() -> HostConfig {
        let cache_dir = std::env::var_os("MINIAPP_CACHE_DIR")
            .map(PathBuf::from)
            .or_else(miniapp_cloud::Cache::default_dir)
            .unwrap_or_else(|| std::env::temp_dir().join("miniapp-cache"));
        HostConfig { cache_dir, limits: Limits::default() }
    }
}

/// Milliseconds spent in each stage of a launch (what `trace.json` reports).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct LaunchTimings {
    /// Metadata request and bundle download (0 for the download on a hot start).
    pub fetch_ms: f64,
    /// Hash and signature checks of the bundle.
    pub verify_ms: f64,
    /// Compiling the logic component (or loading it from the compiled cache).
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
    /// Whether the bundle came from the local cache (hot start).
    pub from_cache: bool,
    /// Whether the cloud could not be reached and the cached copy started (offline start).
    pub offline: bool,
    /// A newer version being downloaded in the background, applied on the next launch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_pending: Option<String>,
    /// Stage timings.
    pub timings: LaunchTimings,
}

/// The long-lived parts of the simulator.
pub struct Host {
    client: CloudClient,
    storage: Option<miniapp_sandbox::Storage>,
    updates: Vec<miniapp_cloud::PendingUpdate>,
    sandbox: Sandbox,
    /// The fonts used for layout and rendering (embedded, deterministic).
    pub fonts: FontSystem,
}

impl Host {
    /// Creates the engine, the cloud client and the fonts.
    ///
    /// # Errors
    /// The engine cannot be configured or the cache dir cannot be created.
    pub fn new(config: HostConfig) -> Result<Host> {
        let client = CloudClient::new(config.cache_dir.clone())?;
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
        Ok(Host { client, storage, updates: Vec::new(), sandbox, fonts: miniapp_view::new_font_system() })
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

    /// The cloud client (for listing and clearing the cache).
    pub fn client(&self) -> &CloudClient {
        &self.client
    }

    /// Launches an app from its URL: fetch (or cache) → verify → compile → instantiate → first
    /// layout. `progress` sees the bundle download (bytes done, total).
    ///
    /// # Errors
    /// Unknown app, unreachable cloud (with no cached copy), banned app, a bundle that does not
    /// verify, a component that does not compile or link. A trap in the app's own start-up code
    /// is not an error: the session shows the error page.
    pub fn launch(&mut self, url: &str, progress: &dyn Fn(u64, u64)) -> Result<(Session, LaunchReport)> {
        let launch = LaunchUrl::parse(url)?;
        let t = Instant::now();
        let mut opened = self.client.open_app(&launch, progress)?;
        let update_pending = opened.update.as_ref().map(|u| u.version.clone());
        if let Some(update) = opened.update.take() {
            tracing::info!(app = %launch.app_id, version = %update.version, "update found; applied on the next launch");
            self.updates.push(update);
        }
        let mut timings = LaunchTimings {
            fetch_ms: opened.timings.fetch_ms,
            verify_ms: opened.timings.verify_ms,
            ..Default::default()
        };
        tracing::info!(app = %launch.app_id, from_cache = opened.from_cache, ms = ms(t), "bundle ready");

        let t = Instant::now();
        let component = self.sandbox.compile(opened.bundle.logic_wasm()?)?;
        timings.compile_ms = ms(t);

        let t = Instant::now();
        let manifest = &opened.bundle.manifest;
        let mut ctx = AppContext::new(launch.app_id.to_string());
        ctx.pages = manifest.pages.iter().map(|p| p.to_string()).collect();
        ctx.tab_pages = manifest
            .tab_bar
            .as_ref()
            .map(|t| t.list.iter().map(|i| i.page_path.to_string()).collect())
            .unwrap_or_default();
        ctx.network = manifest.network.request.iter().map(|o| o.to_string()).collect();
        ctx.storage = self.storage.clone();
        let instance = self.sandbox.instantiate(&component, ctx)?;
        let report = LaunchReport {
            url: url.to_string(),
            app: launch.app_id.to_string(),
            version: opened.bundle.manifest.version.to_string(),
            digest: opened.bundle.digest.clone(),
            from_cache: opened.from_cache,
            offline: opened.offline,
            update_pending,
            timings: LaunchTimings::default(),
        };
        let mut session = Session::start(opened.bundle, instance, launch.path.as_ref().map(|p| p.as_str()), &launch.query)?;
        timings.instantiate_ms = ms(t);
        let t = Instant::now();
        session.layout(&mut self.fonts)?;
        timings.first_layout_ms = ms(t);
        Ok((session, LaunchReport { timings, ..report }))
    }
}

/// Milliseconds since `t`, with microsecond resolution.
pub(crate) fn ms(t: Instant) -> f64 {
    (t.elapsed().as_micros() as f64) / 1000.0
}
