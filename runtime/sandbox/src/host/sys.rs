//! `miniapp:host/sys`: log lines (queued as [`Effect::Log`] and traced with the app id), system
//! info, clocks and random bytes.

use rand::RngCore;

use crate::bindings::sys::{Host, LogLevel as WitLevel, SystemInfo as WitInfo};
use crate::bindings::types::HostError;
use crate::imports::HOST_API_VERSION;
use crate::state::{Effect, HostState, LogLevel};

/// Cut `s` to at most `max` bytes on a char boundary, marking the cut.
fn truncate(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push_str("… (truncated)");
    }
    s
}

impl Host for HostState {
    fn log(&mut self, level: WitLevel, message: String) {
        let level = match level {
            WitLevel::Debug => LogLevel::Debug,
            WitLevel::Info => LogLevel::Info,
            WitLevel::Warn => LogLevel::Warn,
            WitLevel::Error => LogLevel::Error,
        };
        let message = truncate(message, self.limits.log_message_bytes);
        let app = &self.ctx.app_id;
        match level {
            LogLevel::Debug => tracing::debug!(app, "{message}"),
            LogLevel::Info => tracing::info!(app, "{message}"),
            LogLevel::Warn => tracing::warn!(app, "{message}"),
            LogLevel::Error => tracing::error!(app, "{message}"),
        }
        let bytes = message.len();
        if !self.push(Effect::Log { level, message }, bytes) {
            tracing::warn!(app = %self.ctx.app_id, "log line dropped: effect budget of this call is spent");
        }
    }

    fn info(&mut self) -> WitInfo {
        let s = &self.ctx.system;
        WitInfo {
            screen_width: s.screen_width,
            screen_height: s.screen_height,
            pixel_ratio: s.pixel_ratio,
            platform: s.platform.clone(),
            host_version: s.host_version.clone(),
            api_version: HOST_API_VERSION.into(),
        }
    }

    fn now_ms(&mut self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0)
    }

    fn monotonic_ns(&mut self) -> u64 {
        self.started.elapsed().as_nanos() as u64
    }

    fn random_bytes(&mut self, len: u32) -> Result<Vec<u8>, HostError> {
        let max = self.limits.random_bytes;
        if len > max {
            return Err(HostError::LimitExceeded(format!(
                "random-bytes of {len} bytes is over the limit of {max} bytes"
            )));
        }
        let mut buf = vec![0u8; len as usize];
        rand::rngs::OsRng.fill_bytes(&mut buf);
        Ok(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;
    use crate::state::AppContext;

    fn state() -> HostState {
        HostState::new(AppContext::new("t"), &Limits { log_message_bytes: 8, ..Limits::default() })
    }

    #[test]
    fn log_queues_a_truncated_line() {
        let mut s = state();
        s.log(WitLevel::Warn, "0123456789".into());
        assert_eq!(
            s.drain(),
            vec![Effect::Log { level: LogLevel::Warn, message: "01234567… (truncated)".into() }]
        );
    }

    #[test]
    fn truncation_respects_char_boundaries() {
        assert_eq!(truncate("ééééé".into(), 3), "é… (truncated)");
    }

    #[test]
    fn random_bytes_over_limit_is_refused() {
        let mut s = state();
        assert_eq!(s.random_bytes(16).unwrap().len(), 16);
        assert_eq!(
            s.random_bytes(1 << 20).unwrap_err(),
            HostError::LimitExceeded("random-bytes of 1048576 bytes is over the limit of 65536 bytes".into())
        );
    }

    #[test]
    fn info_reports_the_context_and_api_version() {
        let mut s = state();
        let i = s.info();
        assert_eq!((i.screen_width, i.api_version.as_str()), (375, "0.1.1"));
    }

    #[test]
    fn clocks_move_forward() {
        let mut s = state();
        let a = s.monotonic_ns();
        let b = s.monotonic_ns();
        assert!(b >= a);
        assert!(s.now_ms() > 1_600_000_000_000);
    }
}
