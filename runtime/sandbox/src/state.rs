//! Per-instance host state: the app's context, its live pages, the outbox of effects for the
//! shell, and the resource limiter that remembers which limit stopped the guest.

use std::collections::HashSet;
use std::time::Instant;

use crate::limits::Limits;

/// What the shell needs to know about the app being instantiated.
#[derive(Debug, Clone, PartialEq)]
pub struct AppContext {
    /// The app id from `app.json` (`counter`); shown with its log lines and errors.
    pub app_id: String,
    /// What `sys.info` reports to the guest.
    pub system: SystemInfo,
}

impl AppContext {
    /// A context for `app_id` with the default [`SystemInfo`].
    pub fn new(app_id: impl Into<String>) -> Self {
        AppContext { app_id: app_id.into(), system: SystemInfo::default() }
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
    /// A console line from the app.
    Log {
        /// Severity.
        level: LogLevel,
        /// The message (truncated to the log limit).
        message: String,
    },
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
    pub(crate) limiter: AppLimiter,
    pub(crate) started: Instant,
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
            started: Instant::now(),
        }
    }

    /// Queue an effect of `bytes` payload; false if the per-call effect budget is spent.
    pub(crate) fn push(&mut self, effect: Effect, bytes: usize) -> bool {
        if self.outbox_bytes.saturating_add(bytes) > self.limits.effect_bytes {
            return false;
        }
        self.outbox_bytes += bytes;
        self.outbox.push(effect);
        true
    }

    /// Take the effects of the call that just ended.
    pub(crate) fn drain(&mut self) -> Vec<Effect> {
        self.outbox_bytes = 0;
        std::mem::take(&mut self.outbox)
    }
}
