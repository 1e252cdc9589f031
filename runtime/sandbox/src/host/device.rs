//! `miniapp:host/device`: the simulated camera (`scan-code`, answered by the shell with an
//! image) and the clipboard shared by the host's apps.

use std::time::Duration;

use crate::bindings::device::Host;
use crate::bindings::types::HostError;
use crate::state::{Effect, HostState, ToastIcon};

impl Host for HostState {
    fn scan_code(&mut self) -> Result<u32, HostError> {
        if let Some(open) = self.scan_open {
            return Err(HostError::Unavailable(format!("the camera is already open for scan {open}")));
        }
        self.check_question_room()?;
        let id = self.callback_id();
        if !self.push(Effect::ScanCode { callback: id }, 0) {
            return Err(HostError::LimitExceeded("effects of this handler exceed the per-call budget".into()));
        }
        self.scan_open = Some(id);
        self.open_questions.insert(id);
        Ok(id)
    }

    fn set_clipboard(&mut self, text: String) -> Result<(), HostError> {
        let limit = self.limits.clipboard_bytes;
        if text.len() > limit {
            return Err(HostError::LimitExceeded(format!(
                "clipboard text is {} bytes, over the limit of {limit} bytes",
                text.len()
            )));
        }
        self.ctx.clipboard.set(text);
        let toast = Effect::Toast { title: "Copied".into(), icon: ToastIcon::Success, duration: Duration::from_millis(1500) };
        let _ = self.push(toast, 0);
        Ok(())
    }

    fn get_clipboard(&mut self) -> Result<String, HostError> {
        Ok(self.ctx.clipboard.get())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;
    use crate::state::AppContext;

    #[test]
    fn clipboard_is_shared_between_apps_of_one_host_and_bounded() {
        let a_ctx = AppContext::new("a");
        let mut b_ctx = AppContext::new("b");
        b_ctx.clipboard = a_ctx.clipboard.clone();
        let mut a = HostState::new(a_ctx, &Limits::default());
        let mut b = HostState::new(b_ctx, &Limits::default());
        a.set_clipboard("hello 你好".into()).unwrap();
        assert!(matches!(&a.drain()[0], Effect::Toast { title, .. } if title == "Copied"));
        assert_eq!(b.get_clipboard().unwrap(), "hello 你好");
        let e = b.set_clipboard("x".repeat(64 * 1024 + 1)).unwrap_err();
        assert_eq!(e, HostError::LimitExceeded("clipboard text is 65537 bytes, over the limit of 65536 bytes".into()));
        assert_eq!(a.get_clipboard().unwrap(), "hello 你好", "a refused write changes nothing");
    }

    #[test]
    fn one_scan_at_a_time() {
        let mut s = HostState::new(AppContext::new("a"), &Limits::default());
        let id = s.scan_code().unwrap();
        assert_eq!(s.drain(), vec![Effect::ScanCode { callback: id }]);
        assert_eq!(s.scan_code().unwrap_err(), HostError::Unavailable(format!("the camera is already open for scan {id}")));
    }
}
