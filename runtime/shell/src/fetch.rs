//! The fetching half of a launch: the app bundle and its base library from the cloud or the
//! cache, verified. Network and disk only (no wasm, no GPU, no fonts), so it can run on a
//! background thread while the window shows the download progress; [`crate::Host::start`] does
//! the rest on the host's thread.

use crate::error::{Error, Result};
use crate::host::ms;
use miniapp_bundle::BaseLibrary;
use miniapp_cloud::{CloudClient, LaunchUrl, OpenedApp};
use std::time::Instant;

/// Where the built-in components' default styles and the fonts come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BaseLibrarySource {
    /// The cloud's base library, fetched, verified and cached like an app (the default). An app
    /// with `minBaseLibrary` gets one at least that new; an app without gets the cached one, or
    /// the cloud's newest. A cloud with none refuses the launch ([`Error::NoBaseLibrary`]).
    #[default]
    Cloud,
    /// The copies compiled into the host (`MINIAPP_BASE_LIBRARY=embedded`): for running apps
    /// explicitly without a base library. `minBaseLibrary` is not checked then.
    Embedded,
}

impl BaseLibrarySource {
    /// `MINIAPP_BASE_LIBRARY=embedded` gives [`BaseLibrarySource::Embedded`], anything else (or
    /// nothing) [`BaseLibrarySource::Cloud`].
    pub fn from_env() -> BaseLibrarySource {
        match std::env::var("MINIAPP_BASE_LIBRARY") {
            Ok(v) if v.eq_ignore_ascii_case("embedded") => BaseLibrarySource::Embedded,
            _ => BaseLibrarySource::Cloud,
        }
    }
}

/// A verified app and its verified base library, ready for [`crate::Host::start`].
#[derive(Debug)]
pub struct Fetched {
    pub(crate) url: String,
    pub(crate) launch: LaunchUrl,
    pub(crate) opened: OpenedApp,
    /// `None` when the host runs on its embedded base library.
    pub(crate) base: Option<BaseLibrary>,
    /// Milliseconds spent getting the base library after the app (cache or download, verify).
    pub(crate) base_fetch_ms: f64,
    /// The logic precompiled by the cloud for this host's engine, its digest and signature
    /// checked ([`CloudClient::artifact`]); `None` when the cloud has none (or it was refused).
    pub(crate) artifact: Option<Vec<u8>>,
    /// Why an artifact the cloud offered was refused (the host compiles locally then).
    pub(crate) artifact_refused: Option<String>,
}

impl Fetched {
    /// The app's display name (`name` in app.json).
    pub fn app_name(&self) -> &str {
        &self.opened.bundle.manifest.name
    }
}

/// Fetches apps for a host: cheap to clone, `Send`, usable from any plain thread (never from
/// inside a tokio runtime: the cloud client is blocking).
#[derive(Debug, Clone)]
pub struct Fetcher {
    pub(crate) client: CloudClient,
    pub(crate) source: BaseLibrarySource,
    /// Download a newer version now instead of for the next launch ([`crate::HostConfig::latest`]).
    pub(crate) latest: bool,
    /// The host sandbox's engine fingerprint: which precompiled artifact to fetch.
    pub(crate) engine: String,
}

impl Fetcher {
    /// The app's display name before its bundle is fetched: from the cache when it was launched
    /// before, else from the cloud's metadata; `None` when neither answers.
    pub fn app_name(&self, url: &str) -> Option<String> {
        let launch = LaunchUrl::parse(url).ok()?;
        if let Some(record) = self.client.cache().app_record(&launch.cloud, launch.app_id.as_str()) {
            return Some(record.meta.name);
        }
        self.client.fetch_meta(&launch).ok().map(|m| m.name)
    }

    /// Fetches (or takes from the cache) and verifies the app, then its base library.
    /// `progress(done, total)` sees each download as bytes arrive: the app bundle first, then
    /// the base library when it is not cached.
    ///
    /// # Errors
    /// Everything [`miniapp_cloud::CloudClient::open_app`] refuses (unknown or banned app,
    /// unreachable cloud without a cached copy, a bundle that does not verify), a base library
    /// too old for the app's `minBaseLibrary`, and [`Error::NoBaseLibrary`] when the cloud has
    /// none at all.
    pub fn fetch(&self, url: &str, progress: &dyn Fn(u64, u64)) -> Result<Fetched> {
        let launch = LaunchUrl::parse(url)?;
        if self.source == BaseLibrarySource::Cloud {
            // A cached base library is verified beside the app's metadata request and checks.
            self.client.warm_cached_base(&launch.cloud);
        }
        let mut opened = self.client.open_app_with(&launch, self.latest, progress)?;
        let t = Instant::now();
        let base = match self.source {
            BaseLibrarySource::Embedded => None,
            BaseLibrarySource::Cloud => Some(match opened.base.take() {
                Some(base) => base,
                None => self
                    .client
                    .open_base(&launch.cloud, launch.app_id.as_str(), None, progress)
                    .map_err(|e| match e {
                        miniapp_cloud::Error::BaseTooOld { app_id, cloud, available, .. } if available == "none" => {
                            Error::NoBaseLibrary { app: app_id, cloud }
                        }
                        other => other.into(),
                    })?
                    .base,
            }),
        };
        let base_fetch_ms = ms(t);
        let (artifact, artifact_refused) = match self.client.artifact(&launch.cloud, &opened.meta, &opened.bundle, &self.engine) {
            Ok(a) => (a, None),
            Err(e) => {
                tracing::warn!(app = %launch.app_id, "{e}; compiling locally");
                (None, Some(e.to_string()))
            }
        };
        opened.timings.fetch_ms += ms(t) - base_fetch_ms;
        Ok(Fetched { url: url.to_string(), launch, opened, base, base_fetch_ms, artifact, artifact_refused })
    }
}
