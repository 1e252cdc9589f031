//! `miniapp:host/timer`: timers kept per instance and fired by
//! [`crate::AppInstance::run_timers`] through `on-callback`.

use std::time::{Duration, Instant};

use crate::bindings::timer::Host;
use crate::bindings::types::HostError;
use crate::state::{HostState, Timer};

impl HostState {
    fn add_timer(&mut self, ms: u32, repeat: bool) -> Result<u32, HostError> {
        let delay = Duration::from_millis(u64::from(ms));
        let max = self.limits.max_timer_delay;
        if delay > max {
            return Err(HostError::InvalidArgument(format!(
                "timer delay of {ms} ms is over the limit of {} ms",
                max.as_millis()
            )));
        }
        if self.timers.len() >= self.limits.timers {
            return Err(HostError::LimitExceeded(format!(
                "app has {} live timers, the limit is {}",
                self.timers.len(),
                self.limits.timers
            )));
        }
        let every = repeat.then(|| delay.max(Duration::from_millis(1)));
        let id = self.callback_id();
        self.timers.insert(id, Timer { due: Instant::now() + delay, every });
        Ok(id)
    }
}

impl Host for HostState {
    fn set_timeout(&mut self, delay_ms: u32) -> Result<u32, HostError> {
        self.add_timer(delay_ms, false)
    }

    fn set_interval(&mut self, interval_ms: u32) -> Result<u32, HostError> {
        self.add_timer(interval_ms, true)
    }

    fn clear(&mut self, id: u32) {
        self.timers.remove(&id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;
    use crate::state::AppContext;

    #[test]
    fn timers_get_distinct_ids_and_clear_removes_them() {
        let mut s = HostState::new(AppContext::new("t"), &Limits::default());
        let a = s.set_timeout(10).unwrap();
        let b = s.set_interval(0).unwrap();
        assert_ne!(a, b);
        assert_eq!(s.timers[&b].every, Some(Duration::from_millis(1)));
        s.clear(a);
        s.clear(12345);
        assert_eq!(s.timers.len(), 1);
    }

    #[test]
    fn too_many_timers_are_refused() {
        let mut s = HostState::new(AppContext::new("t"), &Limits { timers: 2, ..Limits::default() });
        s.set_timeout(1).unwrap();
        s.set_timeout(1).unwrap();
        assert_eq!(s.set_timeout(1).unwrap_err(), HostError::LimitExceeded("app has 2 live timers, the limit is 2".into()));
    }

    #[test]
    fn a_delay_over_a_day_is_refused() {
        let mut s = HostState::new(AppContext::new("t"), &Limits::default());
        assert_eq!(
            s.set_timeout(u32::MAX).unwrap_err(),
            HostError::InvalidArgument("timer delay of 4294967295 ms is over the limit of 86400000 ms".into())
        );
    }
}
