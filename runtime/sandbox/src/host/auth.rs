//! `miniapp:host/auth`: login codes from the cloud (through the host's [`crate::LoginProvider`],
//! on a worker thread) and permission scopes, remembered per app in the host's storage.

use std::sync::atomic::Ordering;

use serde_json::json;

use crate::bindings::auth::Host;
use crate::bindings::types::HostError;
use crate::state::{Effect, HostState};

/// The scopes an app may ask for, with what the prompt says the app wants to do.
pub const SCOPES: &[(&str, &str)] = &[
    ("scope.userInfo", "use your profile (nickname and avatar)"),
    ("scope.userLocation", "use your location"),
    ("scope.camera", "use your camera"),
    ("scope.record", "use your microphone"),
    ("scope.writePhotosAlbum", "save images to your photo album"),
];

/// What the permission prompt says `scope` is for, if it is a known scope.
pub fn scope_description(scope: &str) -> Option<&'static str> {
    SCOPES.iter().find(|(s, _)| *s == scope).map(|(_, d)| *d)
}

/// The prompt text of `scope`, or the refusal naming the known scopes.
///
/// # Errors
/// `unknown permission scope "X"; the scopes are scope.userInfo, …`
pub fn check_scope(scope: &str) -> Result<&'static str, String> {
    scope_description(scope).ok_or_else(|| {
        let known: Vec<&str> = SCOPES.iter().map(|(s, _)| *s).collect();
        format!("unknown permission scope {scope:?}; the scopes are {}", known.join(", "))
    })
}

fn storage_error(e: crate::Error) -> HostError {
    HostError::Unavailable(format!("permission store: {e}"))
}

impl Host for HostState {
    fn login(&mut self) -> Result<u32, HostError> {
        let Some(provider) = self.ctx.login.clone() else {
            return Err(HostError::Unavailable("this host is not connected to a cloud account, so it cannot log in".into()));
        };
        let limit = self.limits.logins_in_flight;
        let in_flight = self.net.logins.load(Ordering::SeqCst);
        if in_flight >= limit {
            return Err(HostError::LimitExceeded(format!("{in_flight} logins are in flight, the limit is {limit}")));
        }
        let id = self.callback_id();
        let app = self.ctx.app_id.clone();
        let queue = self.net.clone();
        queue.logins.fetch_add(1, Ordering::SeqCst);
        let q = queue.clone();
        let started = std::thread::Builder::new().name(format!("miniapp-login-{id}")).spawn(move || {
            let payload = match (provider.0)(&app) {
                Ok(code) => json!({ "code": code }),
                Err((kind, message)) => json!({ "error": { "kind": kind, "message": message } }),
            };
            q.done.lock().unwrap_or_else(|p| p.into_inner()).push((id, payload));
            q.logins.fetch_sub(1, Ordering::SeqCst);
        });
        if let Err(e) = started {
            queue.logins.fetch_sub(1, Ordering::SeqCst);
            return Err(HostError::Unavailable(format!("cannot start the login: {e}")));
        }
        Ok(id)
    }

    fn authorize(&mut self, scope: String) -> Result<u32, HostError> {
        let description = check_scope(&scope).map_err(HostError::InvalidArgument)?;
        let Some(storage) = self.ctx.storage.clone() else {
            return Err(HostError::Unavailable("this host keeps no permission answers (no storage)".into()));
        };
        if let Some(granted) = storage.permission(&self.ctx.data_owner, &scope).map_err(storage_error)? {
            self.check_callback_room()?;
            let id = self.callback_id();
            self.deliver_soon(id, json!({ "scope": scope, "granted": granted, "prompted": false }));
            return Ok(id);
        }
        // One prompt per scope: asking again while it is open waits for the same answer.
        let limit = self.limits.pending_callbacks;
        if let Some(waiting) = self.prompts.get(&scope) {
            if waiting.len() >= limit {
                return Err(HostError::LimitExceeded(format!(
                    "{} calls are already waiting for the {scope} prompt, the limit is {limit}",
                    waiting.len()
                )));
            }
            let id = self.callback_id();
            self.prompts.entry(scope).or_default().push(id);
            return Ok(id);
        }
        self.check_question_room()?;
        let id = self.callback_id();
        let bytes = scope.len() + description.len();
        let effect = Effect::Permission { callback: id, scope: scope.clone(), description: description.to_string() };
        if !self.push(effect, bytes) {
            return Err(HostError::LimitExceeded("effects of this handler exceed the per-call budget".into()));
        }
        self.prompts.insert(scope, vec![id]);
        self.open_questions.insert(id);
        Ok(id)
    }

    fn get_setting(&mut self) -> Result<Vec<(String, bool)>, HostError> {
        let Some(storage) = self.ctx.storage.clone() else {
            return Err(HostError::Unavailable("this host keeps no permission answers (no storage)".into()));
        };
        storage.permissions(&self.ctx.data_owner).map_err(storage_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;
    use crate::state::{AppContext, LoginProvider};
    use crate::Storage;

    fn state() -> HostState {
        let mut ctx = AppContext::new("a");
        ctx.storage = Some(Storage::in_memory().unwrap());
        HostState::new(ctx, &Limits::default())
    }

    fn wait_done(s: &HostState) -> Vec<(u32, serde_json::Value)> {
        for _ in 0..500 {
            if s.net.logins.load(Ordering::SeqCst) == 0 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        s.net.take()
    }

    #[test]
    fn login_delivers_the_providers_code_or_its_error() {
        let mut s = state();
        s.ctx.login = Some(LoginProvider::new(|app| if app == "a" { Ok(format!("code-for-{app}")) } else { Err(("denied", "no".into())) }));
        let id = s.login().unwrap();
        assert_eq!(wait_done(&s), vec![(id, json!({ "code": "code-for-a" }))]);
        s.ctx.app_id = "b".into();
        let id = s.login().unwrap();
        assert_eq!(wait_done(&s), vec![(id, json!({ "error": { "kind": "denied", "message": "no" } }))]);
    }

    #[test]
    fn login_without_a_cloud_is_unavailable_and_logins_are_bounded() {
        let mut s = state();
        assert!(matches!(s.login(), Err(HostError::Unavailable(m)) if m.contains("cannot log in")));
        let gate = std::sync::Arc::new(std::sync::Barrier::new(11));
        let g = gate.clone();
        s.ctx.login = Some(LoginProvider::new(move |_| {
            g.wait();
            Ok("c".into())
        }));
        for _ in 0..10 {
            s.login().unwrap();
        }
        assert_eq!(s.login().unwrap_err(), HostError::LimitExceeded("10 logins are in flight, the limit is 10".into()));
        gate.wait();
        assert_eq!(wait_done(&s).len(), 10);
    }

    #[test]
    fn authorize_prompts_once_then_answers_from_memory() {
        let mut s = state();
        let id = s.authorize("scope.camera".into()).unwrap();
        assert_eq!(
            s.drain(),
            vec![Effect::Permission { callback: id, scope: "scope.camera".into(), description: "use your camera".into() }]
        );
        s.ctx.storage.as_ref().unwrap().set_permission("a", "scope.camera", false).unwrap();
        let id = s.authorize("scope.camera".into()).unwrap();
        assert!(s.drain().is_empty(), "no second prompt");
        assert_eq!(s.net.take(), vec![(id, json!({ "scope": "scope.camera", "granted": false, "prompted": false }))]);
        assert_eq!(s.get_setting().unwrap(), vec![("scope.camera".to_string(), false)]);
    }

    #[test]
    fn asking_again_while_the_prompt_is_open_shows_no_second_prompt() {
        let mut s = state();
        let first = s.authorize("scope.userInfo".into()).unwrap();
        let second = s.authorize("scope.userInfo".into()).unwrap();
        let other = s.authorize("scope.record".into()).unwrap();
        let prompts: Vec<_> = s.drain().into_iter().filter(|e| matches!(e, Effect::Permission { .. })).collect();
        assert_eq!(prompts.len(), 2, "one prompt per scope: {prompts:?}");
        assert_eq!(s.prompts["scope.userInfo"], vec![first, second]);
        assert!(s.open_questions.contains(&first) && s.open_questions.contains(&other));
    }

    #[test]
    fn open_questions_are_bounded() {
        let mut s = HostState::new(
            {
                let mut ctx = AppContext::new("a");
                ctx.storage = Some(Storage::in_memory().unwrap());
                ctx
            },
            &Limits { open_questions: 2, ..Limits::default() },
        );
        s.authorize("scope.camera".into()).unwrap();
        s.authorize("scope.record".into()).unwrap();
        assert_eq!(
            s.authorize("scope.userInfo".into()).unwrap_err(),
            HostError::LimitExceeded("2 questions to the user are open (modals, sheets, prompts, camera), the limit is 2".into())
        );
    }

    #[test]
    fn unknown_scopes_and_missing_storage_are_refused() {
        let mut s = state();
        let e = s.authorize("scope.everything".into()).unwrap_err();
        assert!(matches!(&e, HostError::InvalidArgument(m) if m.starts_with("unknown permission scope \"scope.everything\"; the scopes are scope.userInfo,")), "{e:?}");
        let mut s = HostState::new(AppContext::new("a"), &Limits::default());
        assert!(matches!(s.authorize("scope.camera".into()), Err(HostError::Unavailable(_))));
        assert!(matches!(s.get_setting(), Err(HostError::Unavailable(_))));
    }
}
