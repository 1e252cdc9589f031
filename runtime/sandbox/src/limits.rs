//! Resource limits of the sandbox: one [`Limits`] value per [`crate::Sandbox`], with documented defaults.

use std::time::Duration;

use crate::error::{Error, Result};

/// Default linear memory per app instance: 64 MiB.
pub const DEFAULT_MEMORY_BYTES: u64 = 64 << 20;
/// Default table elements per table: 20 000.
pub const DEFAULT_TABLE_ELEMENTS: u32 = 20_000;
/// Default core instances per app (a component made by wit-component has a handful): 20.
pub const DEFAULT_INSTANCES: u32 = 20;
/// Default tables per app: 10.
pub const DEFAULT_TABLES: u32 = 10;
/// Default linear memories per app: 4.
pub const DEFAULT_MEMORIES: u32 = 4;
/// Default deadline of one host→guest call (lifecycle or event handler): 1 s.
pub const DEFAULT_HANDLER_DEADLINE: Duration = Duration::from_secs(1);
/// Default epoch tick (the granularity of deadlines): 10 ms.
pub const DEFAULT_EPOCH_TICK: Duration = Duration::from_millis(10);
/// Default native wasm stack: 512 KiB (wasmtime's default).
pub const DEFAULT_MAX_WASM_STACK: usize = 512 << 10;
/// Default maximum set-data patch: 1 MiB (the real platform's limit).
pub const DEFAULT_SET_DATA_BYTES: usize = 1 << 20;
/// Default maximum bytes of effects (patches, logs) one call may queue: 16 MiB.
pub const DEFAULT_EFFECT_BYTES: usize = 16 << 20;
/// Default maximum length of one log message; longer ones are truncated: 16 KiB.
pub const DEFAULT_LOG_MESSAGE_BYTES: usize = 16 << 10;
/// Default maximum random bytes per call: 64 KiB.
pub const DEFAULT_RANDOM_BYTES: u32 = 64 << 10;
/// Default number of app instances alive at once in the pooling allocator: 100.
pub const DEFAULT_POOLED_INSTANCES: u32 = 100;
/// Default page stack depth (the real platform's limit): 10.
pub const DEFAULT_PAGE_STACK: usize = 10;
/// Longest text of a tab bar badge (`nav.set-tab-bar-badge`), in characters (Unicode scalar
/// values): 4, enough for `99+` or `new` (the rule named `tab-bar-badge-chars` in its error).
pub const TAB_BAR_BADGE_CHARS: usize = 4;
/// Default live timers per app: 100.
pub const DEFAULT_TIMERS: usize = 100;
/// Default longest timer delay: 24 h.
pub const DEFAULT_MAX_TIMER_DELAY: Duration = Duration::from_secs(24 * 3600);
/// Default storage quota per app (keys + values): 10 MiB.
pub const DEFAULT_STORAGE_BYTES: u64 = 10 << 20;
/// Default largest stored value: 1 MiB.
pub const DEFAULT_STORAGE_VALUE_BYTES: usize = 1 << 20;
/// Default longest storage key: 256 bytes.
pub const DEFAULT_STORAGE_KEY_BYTES: usize = 256;
/// Default requests in flight per app: 10.
pub const DEFAULT_REQUESTS_IN_FLIGHT: usize = 10;
/// Default largest response body: 10 MiB.
pub const DEFAULT_RESPONSE_BYTES: u64 = 10 << 20;
/// Default deadline of one network request: 60 s, counted from the call to the last byte of the
/// response (connecting, every redirect and the whole body, so a body that trickles is stopped
/// too); an app's `timeout-ms` can only shorten it.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Default callbacks waiting for delivery at once (remembered permission answers,
/// `set-data-then` confirmations): 1000.
pub const DEFAULT_PENDING_CALLBACKS: usize = 1000;
/// Default questions to the user open at once (modals, action sheets, permission prompts, the
/// camera): 16.
pub const DEFAULT_OPEN_QUESTIONS: usize = 16;
/// Bytes every effect costs against the per-call budget at least (so that effects with an empty
/// payload cannot be queued by the million): 64.
pub const EFFECT_MIN_BYTES: usize = 64;
/// Default longest clipboard text: 64 KiB.
pub const DEFAULT_CLIPBOARD_BYTES: usize = 64 << 10;
/// Default `auth.login` calls waiting for the cloud at once: 10.
pub const DEFAULT_LOGINS_IN_FLIGHT: usize = 10;
/// Default longest text in system UI (toast title, modal content, sheet item): 4 KiB.
pub const DEFAULT_UI_TEXT_BYTES: usize = 4 << 10;

/// Limits applied to every app instance of a [`crate::Sandbox`].
///
/// Build it with `Limits::default()` and override fields; [`crate::Sandbox::new`] validates it.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Linear memory per app, in bytes. Default [`DEFAULT_MEMORY_BYTES`] (64 MiB).
    pub memory_bytes: u64,
    /// Elements per table. Default [`DEFAULT_TABLE_ELEMENTS`].
    pub table_elements: u32,
    /// Core instances per app. Default [`DEFAULT_INSTANCES`].
    pub instances: u32,
    /// Tables per app. Default [`DEFAULT_TABLES`].
    pub tables: u32,
    /// Linear memories per app. Default [`DEFAULT_MEMORIES`].
    pub memories: u32,
    /// Wall time one host→guest call may run before it is stopped. Default 1 s.
    pub handler_deadline: Duration,
    /// How often the engine's epoch advances; deadlines are rounded up to it. Default 10 ms.
    pub epoch_tick: Duration,
    /// Native wasm stack in bytes. Default [`DEFAULT_MAX_WASM_STACK`] (512 KiB).
    pub max_wasm_stack: usize,
    /// Largest set-data patch in bytes; larger is `limit-exceeded` to the guest. Default 1 MiB.
    pub set_data_bytes: usize,
    /// Bytes of effects one call may queue before set-data/log refuse. Default 16 MiB.
    pub effect_bytes: usize,
    /// Longest log message in bytes; longer ones are truncated. Default 16 KiB.
    pub log_message_bytes: usize,
    /// Most random bytes per `random-bytes` call. Default 64 KiB.
    pub random_bytes: u32,
    /// App instances alive at once across the sandbox (pooling allocator slots). Default 100.
    pub pooled_instances: u32,
    /// Deepest page stack `nav.navigate-to` may build. Default 10.
    pub page_stack: usize,
    /// Live timers per app. Default 100.
    pub timers: usize,
    /// Longest timer delay or interval. Default 24 h.
    pub max_timer_delay: Duration,
    /// Storage quota per app in bytes (keys + values). Default 10 MiB.
    pub storage_bytes: u64,
    /// Largest stored value in bytes. Default 1 MiB.
    pub storage_value_bytes: usize,
    /// Longest storage key in bytes. Default 256.
    pub storage_key_bytes: usize,
    /// Longest text shown in system UI, in bytes. Default 4 KiB.
    pub ui_text_bytes: usize,
    /// Callbacks waiting for delivery at once. Default 1000.
    pub pending_callbacks: usize,
    /// Questions to the user (modal, action sheet, permission prompt, camera) open at once.
    /// Default 16.
    pub open_questions: usize,
    /// Longest clipboard text in bytes. Default 64 KiB.
    pub clipboard_bytes: usize,
    /// `auth.login` calls in flight per app. Default 10.
    pub logins_in_flight: usize,
    /// Network requests in flight per app. Default 10.
    pub requests_in_flight: usize,
    /// Largest response body in bytes. Default 10 MiB.
    pub response_bytes: u64,
    /// Deadline of a network request when the app gives none (also the most it may ask for), from
    /// the call to the last response byte. Default 60 s.
    pub request_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_bytes: DEFAULT_MEMORY_BYTES,
            table_elements: DEFAULT_TABLE_ELEMENTS,
            instances: DEFAULT_INSTANCES,
            tables: DEFAULT_TABLES,
            memories: DEFAULT_MEMORIES,
            handler_deadline: DEFAULT_HANDLER_DEADLINE,
            epoch_tick: DEFAULT_EPOCH_TICK,
            max_wasm_stack: DEFAULT_MAX_WASM_STACK,
            set_data_bytes: DEFAULT_SET_DATA_BYTES,
            effect_bytes: DEFAULT_EFFECT_BYTES,
            log_message_bytes: DEFAULT_LOG_MESSAGE_BYTES,
            random_bytes: DEFAULT_RANDOM_BYTES,
            pooled_instances: DEFAULT_POOLED_INSTANCES,
            page_stack: DEFAULT_PAGE_STACK,
            timers: DEFAULT_TIMERS,
            max_timer_delay: DEFAULT_MAX_TIMER_DELAY,
            storage_bytes: DEFAULT_STORAGE_BYTES,
            storage_value_bytes: DEFAULT_STORAGE_VALUE_BYTES,
            storage_key_bytes: DEFAULT_STORAGE_KEY_BYTES,
            ui_text_bytes: DEFAULT_UI_TEXT_BYTES,
            pending_callbacks: DEFAULT_PENDING_CALLBACKS,
            open_questions: DEFAULT_OPEN_QUESTIONS,
            clipboard_bytes: DEFAULT_CLIPBOARD_BYTES,
            logins_in_flight: DEFAULT_LOGINS_IN_FLIGHT,
            requests_in_flight: DEFAULT_REQUESTS_IN_FLIGHT,
            response_bytes: DEFAULT_RESPONSE_BYTES,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
        }
    }
}

impl Limits {
    /// Check every field is in range.
    ///
    /// # Errors
    /// [`Error::InvalidLimits`] naming the first field out of range and its value.
    pub fn validate(&self) -> Result<()> {
        fn bad(field: &'static str, reason: String) -> Result<()> {
            Err(Error::InvalidLimits { field, reason })
        }
        if self.memory_bytes < 64 << 10 || self.memory_bytes > 4 << 30 {
            return bad("memory_bytes", format!("{} is outside 64 KiB..=4 GiB", self.memory_bytes));
        }
        if self.epoch_tick.is_zero() {
            return bad("epoch_tick", "must be more than zero".into());
        }
        if self.handler_deadline < self.epoch_tick {
            return bad(
                "handler_deadline",
                format!(
                    "{} ms is shorter than the epoch tick of {} ms",
                    self.handler_deadline.as_millis(),
                    self.epoch_tick.as_millis()
                ),
            );
        }
        if self.max_wasm_stack < 16 << 10 {
            return bad("max_wasm_stack", format!("{} is under 16 KiB", self.max_wasm_stack));
        }
        for (field, v) in [
            ("instances", self.instances),
            ("tables", self.tables),
            ("memories", self.memories),
            ("pooled_instances", self.pooled_instances),
        ] {
            if v == 0 {
                return bad(field, "must be more than zero".into());
            }
        }
        if self.page_stack == 0 {
            return bad("page_stack", "must be more than zero".into());
        }
        if self.storage_value_bytes as u64 > self.storage_bytes {
            return bad(
                "storage_value_bytes",
                format!("{} is over the storage quota of {}", self.storage_value_bytes, self.storage_bytes),
            );
        }
        if self.set_data_bytes == 0 || self.set_data_bytes > self.effect_bytes {
            return bad(
                "set_data_bytes",
                format!("{} must be in 1..=effect_bytes ({})", self.set_data_bytes, self.effect_bytes),
            );
        }
        Ok(())
    }

    /// The deadline in epoch ticks, rounded up (at least one tick).
    pub fn deadline_ticks(&self) -> u64 {
        let tick = self.epoch_tick.as_nanos().max(1);
        (self.handler_deadline.as_nanos().div_ceil(tick)).max(1) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_match_the_platform() {
        let l = Limits::default();
        l.validate().unwrap();
        assert_eq!(l.memory_bytes, 64 * 1024 * 1024);
        assert_eq!(l.set_data_bytes, 1024 * 1024);
        assert_eq!(l.handler_deadline, Duration::from_secs(1));
        assert_eq!(l.deadline_ticks(), 100);
    }

    #[test]
    fn deadline_shorter_than_a_tick_is_refused() {
        let l = Limits { handler_deadline: Duration::from_millis(1), ..Limits::default() };
        let e = l.validate().unwrap_err().to_string();
        assert_eq!(e, "invalid sandbox limit handler_deadline: 1 ms is shorter than the epoch tick of 10 ms");
    }

    #[test]
    fn tiny_memory_is_refused() {
        let l = Limits { memory_bytes: 1000, ..Limits::default() };
        assert!(l.validate().unwrap_err().to_string().contains("memory_bytes: 1000 is outside"));
    }

    #[test]
    fn deadline_ticks_round_up() {
        let l = Limits { handler_deadline: Duration::from_millis(25), ..Limits::default() };
        assert_eq!(l.deadline_ticks(), 3);
    }
}
