//! Per-instance host state: the app's context, its live pages, the outbox of effects for the
//! shell, and the resource limiter that remembers which limit stopped the guest.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use crate::limits::Limits;
use crate::storage::Storage;

/// What the shell needs to know about the app being instantiated.
#[derive(Debug, Clone, PartialEq)]
pub struct AppContext {
    /// The app id from `app.json` (`counter`); shown with its log lines and errors.
    pub app_id: String,
    /// What `sys.info` reports to the guest.
    pub system: SystemInfo,
    /// The page routes of `app.json` (`pages/index/index`); `nav` refuses others. Empty means
    /// "not known": any route is accepted.
    pub pages: Vec<String>,
    /// The routes of the tab bar's pages (`switch-tab` targets).
    pub tab_pages: Vec<String>,
    /// The host's storage database; `None` makes every `storage` call `unavailable`.
    pub storage: Option<Storage>,
    /// Whose data this is in `storage` (app storage and permission answers): app ids are unique
    /// only within one cloud, so the shell sets `HOST:PORT/APPID`. Defaults to the app id.
    pub data_owner: String,
    /// Origins the app may request (`app.json` `network.request`): `https://api.example.com`,
    /// `http://127.0.0.1:8080`. Empty means no network.
    pub network: Vec<String>,
    /// Gets a login code from the cloud for this app and the host's user (`auth.login`);
    /// `None` makes `login` `unavailable`.
    pub login: Option<LoginProvider>,
    /// The simulator's clipboard (`device.get-clipboard` / `set-clipboard`), shared by every
    /// app of the host.
    pub clipboard: Clipboard,
}

/// What a login provider answers: the code, or (error kind, message) where the kind is
/// `denied` (the platform refuses this app or user), `unavailable` (the cloud cannot be
/// reached) or `failed`.
pub type LoginResult = Result<String, (&'static str, String)>;

/// The host's side of `auth.login`: given the app id, ask the cloud for a one-time login code
/// (blocking; it runs on its own thread) or say why not.
#[derive(Clone)]
pub struct LoginProvider(pub std::sync::Arc<dyn Fn(&str) -> LoginResult + Send + Sync>);

impl LoginProvider {
    /// Wraps a function.
    pub fn new(f: impl Fn(&str) -> LoginResult + Send + Sync + 'static) -> Self {
        LoginProvider(std::sync::Arc::new(f))
    }
}

impl std::fmt::Debug for LoginProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginProvider(..)")
    }
}

impl PartialEq for LoginProvider {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

/// The simulated clipboard: one text, shared by clones.
#[derive(Clone, Default)]
pub struct Clipboard(std::sync::Arc<std::sync::Mutex<String>>);

impl Clipboard {
    /// The text on the clipboard.
    pub fn get(&self) -> String {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Replace the text on the clipboard.
    pub fn set(&self, text: impl Into<String>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = text.into();
    }
}

impl std::fmt::Debug for Clipboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Clipboard({} bytes)", self.get().len())
    }
}

impl PartialEq for Clipboard {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl AppContext {
    /// A context for `app_id` with the default [`SystemInfo`], no page list and no storage.
    pub fn new(app_id: impl Into<String>) -> Self {
        let app_id = app_id.into();
        AppContext {
            data_owner: app_id.clone(),
            app_id,
            system: SystemInfo::default(),
            pages: Vec::new(),
            tab_pages: Vec::new(),
            storage: None,
            network: Vec::new(),
            login: None,
            clipboard: Clipboard::default(),
        }
    }
}

/// Facts about the device reported to the guest by `sys.info`.
#[derive(Debug, Clone, PartialEq)]
pub struct SystemInfo {
    /// Screen width in logical pixels. Default 375.
    pub screen_width: u32,
    /// Screen height in logical pixels. Default 812.
    pub screen_height: u32,
    /// Physical pixels per logical pixel. Default 2.
    pub pixel_ratio: f32,
    /// Platform name. Default `miniapp-simulator`.
    pub platform: String,
    /// Host runtime version. Default this crate's version.
    pub host_version: String,
}

impl Default for SystemInfo {
    fn default() -> Self {
        SystemInfo {
            screen_width: 375,
            screen_height: 812,
            pixel_ratio: 2.0,
            platform: "miniapp-simulator".into(),
            host_version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

/// Severity of a guest log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    /// Debug detail.
    Debug,
    /// Normal information.
    Info,
    /// Something looks wrong.
    Warn,
    /// Something failed.
    Error,
}

impl std::fmt::Display for LogLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
            LogLevel::Error => "error",
        })
    }
}

/// Which navigation the guest asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NavKind {
    /// Push a page.
    NavigateTo,
    /// Replace the top page.
    RedirectTo,
    /// Pop `delta` pages (at least 1; clamp to the first page).
    NavigateBack {
        /// How many pages to pop.
        delta: u32,
    },
    /// Show a tab page, closing non-tab pages.
    SwitchTab,
    /// Close every page and open the route.
    ReLaunch,
}

/// A change to one tab bar item's badge or red dot (host API 0.1.1, `nav.*-tab-bar-*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TabBarMark {
    /// Show this text in a red badge (1 to [`crate::TAB_BAR_BADGE_CHARS`] characters),
    /// replacing the item's red dot.
    Badge(String),
    /// Remove the item's badge (its red dot stays).
    RemoveBadge,
    /// Show a red dot, replacing the item's badge.
    RedDot,
    /// Hide the item's red dot (its badge stays).
    HideRedDot,
}

/// The icon of a toast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastIcon {
    /// A tick.
    Success,
    /// A cross.
    Error,
    /// A spinner.
    Loading,
    /// Text only.
    None,
}

/// Something the guest asked the host to do during one call, in order, for the shell to apply.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Effect {
    /// Merge `patch` into the data of page `page` (already checked: a JSON object of valid path
    /// keys, within the set-data limit).
    SetData {
        /// The page instance id.
        page: u32,
        /// A JSON object of path keys (`count`, `list[3].done`) to values.
        patch: serde_json::Value,
    },
    /// The `set-data` before this one asked to be told when the view has applied it: answer
    /// with `on_callback(callback, {"applied": true})` (see [`crate::AppInstance::queue_callback`]).
    DataApplied {
        /// The page instance id.
        page: u32,
        /// The callback id the answer goes to.
        callback: u32,
    },
    /// Merge `patch` into the data of custom component instance `instance` (host API 0.1.1;
    /// already checked like [`Effect::SetData`], and the instance is attached).
    SetComponentData {
        /// The component instance id given to [`crate::AppInstance::component_attached`].
        instance: u32,
        /// A JSON object of path keys (`count`, `list[3].done`) to values.
        patch: serde_json::Value,
    },
    /// Custom component instance `instance` fired event `name` to its parent (host API 0.1.1):
    /// call the handler the parent bound with `bind:NAME="handler"` on the component's tag,
    /// with `detail` as the event's `detail`.
    TriggerEvent {
        /// The component instance id given to [`crate::AppInstance::component_attached`].
        instance: u32,
        /// The event name (1 to [`crate::EVENT_NAME_BYTES`] bytes, no whitespace).
        name: String,
        /// The event's detail (any JSON value; `null` for none).
        detail: serde_json::Value,
    },
    /// A console line from the app.
    Log {
        /// Severity.
        level: LogLevel,
        /// The message (truncated to the log limit).
        message: String,
    },
    /// Navigate (already checked: the route is in `app.json`, the stack limit holds).
    Navigate {
        /// Which navigation.
        kind: NavKind,
        /// The target route without query (`pages/detail/detail`); empty for `NavigateBack`.
        route: String,
        /// The query string for the new page's `page-load` (`id=3`), maybe empty.
        query: String,
    },
    /// Change the badge or red dot of tab bar item `index` (host API 0.1.1; already checked:
    /// the app has a tab bar and `index` is one of its items).
    TabBar {
        /// The item, 0 for the first of app.json's `tabBar.list`.
        index: usize,
        /// What changes.
        mark: TabBarMark,
    },
    /// End the pull-down refresh indicator of the page on top (host API 0.1.1).
    StopPullDownRefresh,
    /// Show a toast.
    Toast {
        /// The text.
        title: String,
        /// The icon.
        icon: ToastIcon,
        /// How long it stays.
        duration: Duration,
    },
    /// Hide the toast.
    HideToast,
    /// Show the loading overlay.
    Loading {
        /// The text under the spinner.
        title: String,
    },
    /// Hide the loading overlay.
    HideLoading,
    /// Show a modal; answer with `AppInstance::on_callback(callback, {"confirm":..,"cancel":..})`.
    Modal {
        /// The callback id the answer goes to.
        callback: u32,
        /// The title.
        title: String,
        /// The body text.
        content: String,
        /// Whether there is a cancel button.
        show_cancel: bool,
    },
    /// Show an action sheet; answer with `on_callback(callback, {"tapIndex": n})` or `{"cancel": true}`.
    ActionSheet {
        /// The callback id the answer goes to.
        callback: u32,
        /// The items, top to bottom.
        items: Vec<String>,
    },
    /// Ask the user for a permission the app has no remembered answer for; answer with
    /// [`crate::AppInstance::answer_permission`], which remembers it.
    Permission {
        /// The callback id the answer goes to.
        callback: u32,
        /// The scope, e.g. `scope.camera`.
        scope: String,
        /// What the prompt says the app wants to do, e.g. `use your camera`.
        description: String,
    },
    /// Open the camera to scan a code; answer with `on_callback(callback, {"result":..})` or an
    /// error payload (see [`crate::AppInstance::answer_scan`]).
    ScanCode {
        /// The callback id the answer goes to.
        callback: u32,
    },
}

/// A live timer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timer {
    pub(crate) due: Instant,
    pub(crate) every: Option<Duration>,
}

/// A limit that stopped the guest: (kind, limit, wanted).
pub(crate) type Denied = (&'static str, u64, u64);

/// Enforces memory/table/instance limits and remembers the first denial of a call.
pub(crate) struct AppLimiter {
    memory_bytes: u64,
    table_elements: u64,
    instances: usize,
    tables: usize,
    memories: usize,
    pub(crate) denied: Option<Denied>,
}

impl AppLimiter {
    pub(crate) fn new(limits: &Limits) -> Self {
        AppLimiter {
            memory_bytes: limits.memory_bytes,
            table_elements: u64::from(limits.table_elements),
            instances: limits.instances as usize,
            tables: limits.tables as usize,
            memories: limits.memories as usize,
            denied: None,
        }
    }
}

impl wasmtime::ResourceLimiter for AppLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let ok = desired as u64 <= self.memory_bytes;
        if !ok && self.denied.is_none() {
            self.denied = Some(("memory", self.memory_bytes, desired as u64));
        }
        Ok(ok)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let ok = desired as u64 <= self.table_elements;
        if !ok && self.denied.is_none() {
            self.denied = Some(("table", self.table_elements, desired as u64));
        }
        Ok(ok)
    }

    fn instances(&self) -> usize {
        self.instances
    }

    fn tables(&self) -> usize {
        self.tables
    }

    fn memories(&self) -> usize {
        self.memories
    }
}

/// Everything a running instance's host functions can see.
pub(crate) struct HostState {
    pub(crate) ctx: AppContext,
    pub(crate) limits: Limits,
    pub(crate) outbox: Vec<Effect>,
    pub(crate) outbox_bytes: usize,
    pub(crate) pages: HashSet<u32>,
    /// Custom component instances attached and not yet detached (host API 0.1.1).
    pub(crate) components: HashSet<u32>,
    pub(crate) limiter: AppLimiter,
    pub(crate) started: Instant,
    pub(crate) timers: BTreeMap<u32, Timer>,
    pub(crate) next_callback: u32,
    /// Pages pushed by `navigate-to` during the current call (not yet loaded by the shell).
    pub(crate) pending_pushes: usize,
    /// Requests in flight and finished results waiting for delivery (also logins, permission
    /// answers from memory and `set-data-then` callbacks).
    pub(crate) net: crate::net::NetQueue,
    /// The callback id of the open `scan-code`, if one is open.
    pub(crate) scan_open: Option<u32>,
    /// Permission prompts shown and not yet answered: scope → the callback ids waiting for the
    /// answer (asking again while the prompt is open waits for the same answer).
    pub(crate) prompts: BTreeMap<String, Vec<u32>>,
    /// Callback ids of questions to the user not yet answered (modal, action sheet, permission
    /// prompt, camera).
    pub(crate) open_questions: HashSet<u32>,
    /// `set-data-then` confirmations queued by the current call.
    pub(crate) applied_this_call: usize,
}

impl HostState {
    pub(crate) fn new(ctx: AppContext, limits: &Limits) -> Self {
        HostState {
            ctx,
            limiter: AppLimiter::new(limits),
            limits: limits.clone(),
            outbox: Vec::new(),
            outbox_bytes: 0,
            pages: HashSet::new(),
            components: HashSet::new(),
            started: Instant::now(),
            timers: BTreeMap::new(),
            next_callback: 1,
            pending_pushes: 0,
            net: crate::net::NetQueue::default(),
            scan_open: None,
            prompts: BTreeMap::new(),
            open_questions: HashSet::new(),
            applied_this_call: 0,
        }
    }

    /// A fresh callback id (timers, modals, action sheets share the sequence).
    pub(crate) fn callback_id(&mut self) -> u32 {
        let id = self.next_callback;
        self.next_callback = self.next_callback.wrapping_add(1).max(1);
        id
    }

    /// Queue an effect of `bytes` payload (each effect costs at least
    /// [`crate::EFFECT_MIN_BYTES`]); false if the per-call effect budget is spent.
    pub(crate) fn push(&mut self, effect: Effect, bytes: usize) -> bool {
        let bytes = bytes.max(crate::limits::EFFECT_MIN_BYTES);
        if self.outbox_bytes.saturating_add(bytes) > self.limits.effect_bytes {
            return false;
        }
        self.outbox_bytes += bytes;
        self.outbox.push(effect);
        true
    }

    /// Callbacks waiting for delivery, counting the `set-data-then` confirmations the current
    /// call queued.
    pub(crate) fn waiting_callbacks(&self) -> usize {
        self.net.done.lock().unwrap_or_else(|p| p.into_inner()).len() + self.applied_this_call
    }

    /// Refuses one more callback when [`crate::Limits::pending_callbacks`] are already waiting.
    pub(crate) fn check_callback_room(&self) -> Result<(), crate::bindings::types::HostError> {
        let (waiting, limit) = (self.waiting_callbacks(), self.limits.pending_callbacks);
        if waiting >= limit {
            return Err(crate::bindings::types::HostError::LimitExceeded(format!(
                "{waiting} callbacks are waiting for delivery, the limit is {limit}"
            )));
        }
        Ok(())
    }

    /// Refuses one more question to the user when [`crate::Limits::open_questions`] are open.
    pub(crate) fn check_question_room(&self) -> Result<(), crate::bindings::types::HostError> {
        let (open, limit) = (self.open_questions.len(), self.limits.open_questions);
        if open >= limit {
            return Err(crate::bindings::types::HostError::LimitExceeded(format!(
                "{open} questions to the user are open (modals, sheets, prompts, camera), the limit is {limit}"
            )));
        }
        Ok(())
    }

    /// Deliver `payload` to callback `id` on the app's next event-loop turn (callers check
    /// [`HostState::check_callback_room`] first).
    pub(crate) fn deliver_soon(&self, id: u32, payload: serde_json::Value) {
        self.net.done.lock().unwrap_or_else(|p| p.into_inner()).push((id, payload));
    }

    /// Take the effects of the call that just ended.
    pub(crate) fn drain(&mut self) -> Vec<Effect> {
        self.outbox_bytes = 0;
        self.applied_this_call = 0;
        self.pending_pushes = 0;
        std::mem::take(&mut self.outbox)
    }
}
