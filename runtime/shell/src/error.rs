//! The shell's error type: what can go wrong while launching and driving an app session.

/// Everything that can stop a launch or a script step.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Fetching, verifying or caching the app failed (the cloud client's error, with its context).
    #[error(transparent)]
    Cloud(#[from] miniapp_cloud::Error),
    /// The bundle is not usable (missing page files, bad page config, ...).
    #[error(transparent)]
    Bundle(#[from] miniapp_bundle::Error),
    /// The logic component could not be compiled or instantiated.
    #[error(transparent)]
    Sandbox(#[from] miniapp_sandbox::Error),
    /// A template or style of the app does not parse, or set-data failed.
    #[error("page {page}: {source}")]
    View {
        /// The page route, e.g. `pages/index/index`.
        page: String,
        /// What the view engine reported.
        #[source]
        source: miniapp_view::Error,
    },
    /// The launch URL or a navigation names a page the app does not have.
    #[error("app {app} has no page `{page}` (see the `pages` list of its app.json)")]
    NoSuchPage {
        /// The app id.
        app: String,
        /// The route asked for.
        page: String,
    },
    /// A `switch-tab` (or a `navigator open-type="switchTab"`) names a page that is not in
    /// app.json's `tabBar`.
    #[error("app {app}: switch-tab to `{page}`, which is not a tab page (see the `tabBar.list` of its app.json)")]
    NotATabPage {
        /// The app id.
        app: String,
        /// The route asked for.
        page: String,
    },
    /// The cloud has no base library at all, and the host runs apps on the cloud's base library.
    #[error("app {app} cannot start: {cloud} has no base library (the platform publishes one with `miniapp publish-base base-library --cloud URL --token T`)")]
    NoBaseLibrary {
        /// The app id.
        app: String,
        /// The cloud.
        cloud: String,
    },
    /// The base library is verified but unusable (its component styles do not parse).
    #[error("base library {version}: {reason}")]
    BaseLibrary {
        /// Its version.
        version: String,
        /// What is wrong.
        reason: String,
    },
    /// The renderer failed (no adapter, device lost, ...).
    #[error(transparent)]
    Render(#[from] miniapp_render::Error),
    /// The offscreen GPU device could not be made earlier in this harness (the first frame
    /// returned the driver's error; later frames repeat its message).
    #[error("no GPU device for the offscreen renderer: {0}")]
    GpuUnavailable(String),
    /// A headless script line is malformed.
    #[error("{script}:{line}: {message}")]
    Script {
        /// The script file name.
        script: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A script step ran but did not hold (element missing, text not shown, ...).
    #[error("{script}:{line}: `{step}` failed: {message}")]
    StepFailed {
        /// The script file name.
        script: String,
        /// 1-based line number.
        line: usize,
        /// The step as written.
        step: String,
        /// Why it failed.
        message: String,
    },
    /// The window could not be opened (no display, event loop error).
    #[error("cannot open the window: {0}")]
    Window(String),
    /// Writing a screenshot or trace failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file being written.
        path: std::path::PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
}

/// Result with the shell's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
