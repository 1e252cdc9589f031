//! `miniapp:host/ui`: toast, loading, modal and action sheet, checked and queued as effects;
//! answers come back through `on-callback` with the id returned here.

use std::time::Duration;

use crate::bindings::types::HostError;
use crate::bindings::ui::{Host, ToastIcon as WitIcon};
use crate::state::{Effect, HostState, ToastIcon};

/// Default toast duration when the guest passes 0.
const DEFAULT_TOAST: Duration = Duration::from_millis(1500);
/// Longest toast.
const MAX_TOAST: Duration = Duration::from_secs(10);
/// Most action-sheet items (the real platform's limit).
const MAX_SHEET_ITEMS: usize = 6;

impl HostState {
    fn check_text(&self, what: &str, text: &str) -> Result<(), HostError> {
        let max = self.limits.ui_text_bytes;
        if text.len() > max {
            return Err(HostError::LimitExceeded(format!(
                "{what} is {} bytes, over the limit of {max} bytes",
                text.len()
            )));
        }
        Ok(())
    }

    fn queue(&mut self, effect: Effect, bytes: usize) -> Result<(), HostError> {
        if self.push(effect, bytes) {
            Ok(())
        } else {
            Err(HostError::LimitExceeded("effects of this handler exceed the per-call budget".into()))
        }
    }
}

impl Host for HostState {
    fn show_toast(&mut self, title: String, icon: WitIcon, duration_ms: u32) -> Result<(), HostError> {
        self.check_text("toast title", &title)?;
        let icon = match icon {
            WitIcon::Success => ToastIcon::Success,
            WitIcon::Error => ToastIcon::Error,
            WitIcon::Loading => ToastIcon::Loading,
            WitIcon::None => ToastIcon::None,
        };
        let duration = match duration_ms {
            0 => DEFAULT_TOAST,
            ms => Duration::from_millis(u64::from(ms)).min(MAX_TOAST),
        };
        let bytes = title.len();
        self.queue(Effect::Toast { title, icon, duration }, bytes)
    }

    fn hide_toast(&mut self) {
        let _ = self.queue(Effect::HideToast, 0);
    }

    fn show_loading(&mut self, title: String) -> Result<(), HostError> {
        self.check_text("loading title", &title)?;
        let bytes = title.len();
        self.queue(Effect::Loading { title }, bytes)
    }

    fn hide_loading(&mut self) {
        let _ = self.queue(Effect::HideLoading, 0);
    }

    fn show_modal(&mut self, title: String, content: String, show_cancel: bool) -> Result<u32, HostError> {
        self.check_text("modal title", &title)?;
        self.check_text("modal content", &content)?;
        self.check_question_room()?;
        let callback = self.callback_id();
        let bytes = title.len() + content.len();
        self.queue(Effect::Modal { callback, title, content, show_cancel }, bytes)?;
        self.open_questions.insert(callback);
        Ok(callback)
    }

    fn show_action_sheet(&mut self, items: Vec<String>) -> Result<u32, HostError> {
        if items.is_empty() || items.len() > MAX_SHEET_ITEMS {
            return Err(HostError::InvalidArgument(format!(
                "action sheet has {} items, it must have 1 to {MAX_SHEET_ITEMS}",
                items.len()
            )));
        }
        for item in &items {
            self.check_text("action sheet item", item)?;
        }
        self.check_question_room()?;
        let callback = self.callback_id();
        let bytes = items.iter().map(String::len).sum();
        self.queue(Effect::ActionSheet { callback, items }, bytes)?;
        self.open_questions.insert(callback);
        Ok(callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;
    use crate::state::AppContext;

    fn state() -> HostState {
        HostState::new(AppContext::new("t"), &Limits::default())
    }

    #[test]
    fn toast_defaults_and_caps_its_duration() {
        let mut s = state();
        s.show_toast("saved".into(), WitIcon::Success, 0).unwrap();
        s.show_toast("long".into(), WitIcon::None, 60_000).unwrap();
        let e = s.drain();
        assert_eq!(e[0], Effect::Toast { title: "saved".into(), icon: ToastIcon::Success, duration: DEFAULT_TOAST });
        assert!(matches!(e[1], Effect::Toast { duration, .. } if duration == MAX_TOAST));
    }

    #[test]
    fn modal_and_sheet_return_callback_ids() {
        let mut s = state();
        let m = s.show_modal("Delete?".into(), "This cannot be undone".into(), true).unwrap();
        let a = s.show_action_sheet(vec!["A".into(), "B".into()]).unwrap();
        assert_ne!(m, a);
        assert_eq!(
            s.drain()[0],
            Effect::Modal { callback: m, title: "Delete?".into(), content: "This cannot be undone".into(), show_cancel: true }
        );
    }

    #[test]
    fn bad_ui_requests_are_refused() {
        let mut s = state();
        assert_eq!(
            s.show_action_sheet(vec![]).unwrap_err(),
            HostError::InvalidArgument("action sheet has 0 items, it must have 1 to 6".into())
        );
        assert!(matches!(s.show_modal("t".into(), "x".repeat(5000), false), Err(HostError::LimitExceeded(m)) if m.starts_with("modal content is 5000 bytes")));
    }
}
