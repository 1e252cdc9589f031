//! [`AppInstance`]: one app's component instance in its own store; calls its lifecycle and
//! event handlers under a deadline and returns the effects each call produced.

use std::time::{Duration, Instant};

use wasmtime::{Store, Trap};

use crate::bindings::types::PageRef as WitPageRef;
use crate::engine::Exports;
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::state::{Effect, HostState, LogLevel};

/// How the SDK's panic hook starts its error line (`panicked at src/lib.rs:42:9: …`).
pub const PANIC_PREFIX: &str = "panicked at ";

/// A page instance as the guest sees it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageRef {
    /// Instance id, unique per app instance while the page is on the stack.
    pub id: u32,
    /// The page route from `app.json` (`pages/index/index`).
    pub route: String,
}

impl PageRef {
    /// A page reference.
    pub fn new(id: u32, route: impl Into<String>) -> Self {
        PageRef { id, route: route.into() }
    }

    fn wit(&self) -> WitPageRef {
        WitPageRef { id: self.id, route: self.route.clone() }
    }
}

/// How the app was opened (host API 0.1.1's `page-events.on-launch-options`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LaunchOptions {
    /// The route of the first page (`pages/index/index`).
    pub path: String,
    /// The launch query string (`a=1&b=2`), the one [`AppInstance::on_launch`] gets too.
    pub query: String,
    /// How the user came: 1001 the app list, 1011 a scanned QR code, ...
    pub scene: u32,
}

/// One running app: its store, its instance and whether a trap has poisoned it.
///
/// Every call sets the epoch deadline first, runs one export, and returns the effects the guest
/// produced (set-data, logs) in order. After [`Error::Trapped`], [`Error::Timeout`] or
/// [`Error::LimitExceeded`] the instance is poisoned: drop it and call
/// [`crate::Sandbox::instantiate`] again.
pub struct AppInstance {
    store: Store<HostState>,
    exports: Exports,
    deadline_ticks: u64,
    deadline: Duration,
    poisoned: bool,
}

impl std::fmt::Debug for AppInstance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppInstance")
            .field("app_id", &self.store.data().ctx.app_id)
            .field("poisoned", &self.poisoned)
            .finish()
    }
}

impl AppInstance {
    pub(crate) fn new(store: Store<HostState>, exports: Exports, limits: &Limits) -> Self {
        AppInstance {
            store,
            exports,
            deadline_ticks: limits.deadline_ticks(),
            deadline: limits.handler_deadline,
            poisoned: false,
        }
    }

    /// The app id this instance runs.
    pub fn app_id(&self) -> &str {
        &self.store.data().ctx.app_id
    }

    /// Whether an earlier trap or timeout stopped this instance (every call now fails).
    pub fn is_poisoned(&self) -> bool {
        self.poisoned
    }

    /// The app starts, with the launch query string (`a=1&b=2`).
    ///
    /// # Errors
    /// As [`AppInstance::handle_event`].
    pub fn on_launch(&mut self, query: &str) -> Result<Vec<Effect>> {
        self.call(|| "on-launch".into(), |b, s| b.lifecycle.call_on_launch(s, query))
    }

    /// The app comes to the foreground.
    ///
    /// # Errors
    /// As [`AppInstance::handle_event`].
    pub fn on_show(&mut self) -> Result<Vec<Effect>> {
        self.call(|| "on-show".into(), |b, s| b.lifecycle.call_on_show(s))
    }

    /// The app goes to the background.
    ///
    /// # Errors
    /// As [`AppInstance::handle_event`].
    pub fn on_hide(&mut self) -> Result<Vec<Effect>> {
        self.call(|| "on-hide".into(), |b, s| b.lifecycle.call_on_hide(s))
    }

    /// A page is created; from now on the guest may set-data on `page.id`.
    ///
    /// # Errors
    /// As [`AppInstance::handle_event`].
    pub fn page_load(&mut self, page: &PageRef, query: &str) -> Result<Vec<Effect>> {
        self.store.data_mut().pages.insert(page.id);
        let p = page.wit();
        self.call(
            || format!("page-load({})", page.route),
            |b, s| b.lifecycle.call_page_load(s, &p, query),
        )
    }

    /// A page was rendered for the first time.
    ///
    /// # Errors
    /// As [`AppInstance::handle_event`].
    pub fn page_ready(&mut self, page: &PageRef) -> Result<Vec<Effect>> {
        let p = page.wit();
        self.call(
            || format!("page-ready({})", page.route),
            |b, s| b.lifecycle.call_page_ready(s, &p),
        )
    }

    /// A page leaves the stack; set-data on its id is refused afterwards.
    ///
    /// # Errors
    /// As [`AppInstance::handle_event`].
    pub fn page_unload(&mut self, page: &PageRef) -> Result<Vec<Effect>> {
        let p = page.wit();
        let r = self.call(
            || format!("page-unload({})", page.route),
            |b, s| b.lifecycle.call_page_unload(s, &p),
        );
        self.store.data_mut().pages.remove(&page.id);
        r
    }

    /// A bound event fired on `page`: `handler` is the template's handler name
    /// (`bind:tap="onIncrement"`), `event` the event object.
    ///
    /// # Errors
    /// [`Error::Timeout`] (`app script timed out in handle-event(onIncrement)`) when the
    /// handler runs past the deadline, [`Error::LimitExceeded`] when it hits the memory or table
    /// limit, [`Error::Trapped`] for any other trap, and [`Error::Poisoned`] when an earlier call
    /// already failed one of these ways.
    pub fn handle_event(&mut self, page: &PageRef, handler: &str, event: &serde_json::Value) -> Result<Vec<Effect>> {
        let p = page.wit();
        let event = event.to_string();
        self.call(
            || format!("handle-event({handler})"),
            |b, s| b.lifecycle.call_handle_event(s, &p, handler, &event),
        )
    }

    /// The result of an asynchronous host call arrived for `callback`.
    ///
    /// # Errors
    /// As [`AppInstance::handle_event`].
    pub fn on_callback(&mut self, callback: u32, payload: &serde_json::Value) -> Result<Vec<Effect>> {
        self.store.data_mut().open_questions.remove(&callback);
        let payload = payload.to_string();
        self.call(
            || format!("on-callback({callback})"),
            |b, s| b.lifecycle.call_on_callback(s, callback, &payload),
        )
    }

    /// Whether the app exports `miniapp:host/page-events` (host API 0.1.1). When it does not
    /// (every 0.1.0 component), [`AppInstance::on_launch_options`], [`AppInstance::page_show`],
    /// [`AppInstance::page_hide`], [`AppInstance::on_pull_down_refresh`],
    /// [`AppInstance::on_reach_bottom`] and [`AppInstance::on_page_scroll`] call nothing and
    /// return no effects.
    pub fn supports_page_events(&self) -> bool {
        self.exports.page_events.is_some()
    }

    /// Whether the app exports `miniapp:host/component-events` (host API 0.1.1). When it does
    /// not, the `component_*` methods call nothing and return no effects (the component
    /// instance is still tracked, so its id stays valid until [`AppInstance::component_detached`]).
    pub fn supports_component_events(&self) -> bool {
        self.exports.component_events.is_some()
    }

    /// How the app was opened; call it right before [`AppInstance::on_launch`].
    ///
    /// # Errors
    /// As [`AppInstance::handle_event`].
    pub fn on_launch_options(&mut self, options: &LaunchOptions) -> Result<Vec<Effect>> {
        let wit = crate::bindings::page_events::LaunchOptions {
            path: options.path.clone(),
            query: options.query.clone(),
            scene: options.scene,
        };
        self.call_page_events("on-launch-options".into(), |g, s| g.call_on_launch_options(s, &wit))
    }

    /// A page comes on screen: after [`AppInstance::page_load`], and whenever it becomes the
    /// top page again (a page above it closed, the app came to the foreground).
    ///
    /// # Errors
    /// As [`AppInstance::handle_event`].
    pub fn page_show(&mut self, page: &PageRef) -> Result<Vec<Effect>> {
        let p = page.wit();
        self.call_page_events(format!("page-show({})", page.route), |g, s| g.call_page_show(s, &p))
    }

    /// A page leaves the screen: a page was pushed over it or the app went to the background.
    ///
    /// # Errors
    /// As [`AppInstance::handle_event`].
    pub fn page_hide(&mut self, page: &PageRef) -> Result<Vec<Effect>> {
        let p = page.wit();
        self.call_page_events(format!("page-hide({})", page.route), |g, s| g.call_page_hide(s, &p))
    }

    /// The user pulled `page` down to refresh.
    ///
    /// # Errors
    /// As [`AppInstance::handle_event`].
    pub fn on_pull_down_refresh(&mut self, page: &PageRef) -> Result<Vec<Effect>> {
        let p = page.wit();
        self.call_page_events(format!("on-pull-down-refresh({})", page.route), |g, s| {
            g.call_on_pull_down_refresh(s, &p)
        })
    }

    /// `page` was scrolled to near its bottom.
    ///
    /// # Errors
    /// As [`AppInstance::handle_event`].
    pub fn on_reach_bottom(&mut self, page: &PageRef) -> Result<Vec<Effect>> {
        let p = page.wit();
        self.call_page_events(format!("on-reach-bottom({})", page.route), |g, s| g.call_on_reach_bottom(s, &p))
    }

    /// `page` scrolled to `scroll_top` logical pixels from its top.
    ///
    /// # Errors
    /// As [`AppInstance::handle_event`].
    pub fn on_page_scroll(&mut self, page: &PageRef, scroll_top: f32) -> Result<Vec<Effect>> {
        let p = page.wit();
        self.call_page_events(format!("on-page-scroll({})", page.route), |g, s| {
            g.call_on_page_scroll(s, &p, scroll_top)
        })
    }

    /// An instance of custom component `name` (`components/card/card`) was attached with
    /// `properties` (a JSON object); from now on the guest may set-component-data and
    /// trigger-event on `instance`.
    ///
    /// # Errors
    /// As [`AppInstance::handle_event`].
    pub fn component_attached(&mut self, instance: u32, name: &str, properties: &serde_json::Value) -> Result<Vec<Effect>> {
        self.store.data_mut().components.insert(instance);
        let properties = properties.to_string();
        self.call_component_events(format!("component-attached({name})"), |g, s| {
            g.call_component_attached(s, instance, name, &properties)
        })
    }

    /// A custom component instance was removed; set-component-data and trigger-event on it are
    /// refused afterwards.
    ///
    /// # Errors
    /// As [`AppInstance::handle_event`].
    pub fn component_detached(&mut self, instance: u32) -> Result<Vec<Effect>> {
        let r = self.call_component_events(format!("component-detached({instance})"), |g, s| {
            g.call_component_detached(s, instance)
        });
        self.store.data_mut().components.remove(&instance);
        r
    }

    /// A bound event fired inside a custom component instance's template.
    ///
    /// # Errors
    /// As [`AppInstance::handle_event`].
    pub fn component_event(&mut self, instance: u32, handler: &str, event: &serde_json::Value) -> Result<Vec<Effect>> {
        let event = event.to_string();
        self.call_component_events(format!("component-event({instance}, {handler})"), |g, s| {
            g.call_component_event(s, instance, handler, &event)
        })
    }

    /// The page changed `properties` (a JSON object of the changed ones) of a custom component
    /// instance.
    ///
    /// # Errors
    /// As [`AppInstance::handle_event`].
    pub fn component_properties_changed(&mut self, instance: u32, properties: &serde_json::Value) -> Result<Vec<Effect>> {
        let properties = properties.to_string();
        self.call_component_events(format!("component-properties-changed({instance})"), |g, s| {
            g.call_component_properties_changed(s, instance, &properties)
        })
    }

    /// Whether network requests or logins are still running (the shell should keep calling
    /// [`AppInstance::run_ready`] every few milliseconds while this holds).
    pub fn requests_in_flight(&self) -> usize {
        let net = &self.store.data().net;
        net.in_flight.load(std::sync::atomic::Ordering::SeqCst) + net.logins.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Deliver `payload` to callback `id` on the next [`AppInstance::run_ready`] (the shell uses
    /// it for `set-data-then`: `{"applied": true}` once the view has the data).
    pub fn queue_callback(&mut self, id: u32, payload: serde_json::Value) {
        self.store.data().deliver_soon(id, payload);
    }

    /// The user answered the permission prompt of [`Effect::Permission`]: remember the answer
    /// for this app and scope (unless one is already stored: a denial stays denied until reset),
    /// then call back every call waiting for this scope's prompt with
    /// `{"scope": .., "granted": .., "prompted": true}`.
    ///
    /// # Errors
    /// As [`AppInstance::handle_event`]. A failure to store the answer is logged; the app still
    /// gets this answer.
    pub fn answer_permission(&mut self, callback: u32, scope: &str, granted: bool) -> Result<Vec<Effect>> {
        let (app, storage, waiting) = {
            let state = self.store.data_mut();
            let waiting = state.prompts.remove(scope).unwrap_or_else(|| vec![callback]);
            (state.ctx.data_owner.clone(), state.ctx.storage.clone(), waiting)
        };
        let granted = match storage.map(|s| s.remember_permission(&app, scope, granted)) {
            Some(Ok(holds)) => holds,
            Some(Err(e)) => {
                tracing::warn!(%app, %scope, "cannot remember the permission answer: {e}");
                granted
            }
            None => granted,
        };
        let payload = serde_json::json!({ "scope": scope, "granted": granted, "prompted": true });
        let mut effects = Vec::new();
        for id in waiting {
            effects.extend(self.on_callback(id, &payload)?);
        }
        Ok(effects)
    }

    /// The simulated camera has an answer for the open `scan-code`: the decoded text, or why
    /// there is none (`("cancelled", ..)`, `("unreadable", ..)`). Calls the app back with
    /// `{"result": text, "scanType": "QR_CODE"}` or `{"error": {"kind": .., "message": ..}}`.
    /// Returns no effects if no scan is open.
    ///
    /// # Errors
    /// As [`AppInstance::handle_event`].
    pub fn answer_scan(&mut self, result: std::result::Result<String, (&str, String)>) -> Result<Vec<Effect>> {
        let Some(callback) = self.store.data_mut().scan_open.take() else { return Ok(Vec::new()) };
        let payload = match result {
            Ok(text) => serde_json::json!({ "result": text, "scanType": "QR_CODE" }),
            Err((kind, message)) => serde_json::json!({ "error": { "kind": kind, "message": message } }),
        };
        self.on_callback(callback, &payload)
    }

    /// Whether results wait for delivery right now (the shell should take another turn soon).
    pub fn has_ready_callbacks(&self) -> bool {
        !self.store.data().net.done.lock().unwrap_or_else(|p| p.into_inner()).is_empty()
    }

    /// The app's requests so far (the last [`crate::NET_LOG_ENTRIES`]), refused ones with the
    /// rule that refused them: the Network panel.
    pub fn network_log(&self) -> Vec<crate::NetRecord> {
        self.store.data().net.records()
    }

    /// The app's storage: each key with its value's bytes, bytes used and the quota (the
    /// Storage panel). `None` without a storage database.
    pub fn storage_panel(&self) -> Option<(Vec<(String, usize)>, u64, u64)> {
        let d = self.store.data();
        let storage = d.ctx.storage.as_ref()?;
        let owner = &d.ctx.data_owner;
        let entries = storage.entries(owner).ok()?;
        let used = storage.usage(owner).ok()?;
        Some((entries, used, d.limits.storage_bytes))
    }

    /// Removes every key the app stored (the Storage panel's "Clear storage"); permission
    /// answers stay. Returns how many keys there were.
    ///
    /// # Errors
    /// [`crate::Error::Storage`] without a storage database, or when the delete fails.
    pub fn clear_storage(&self) -> crate::Result<usize> {
        let d = self.store.data();
        let Some(storage) = d.ctx.storage.as_ref() else {
            return Err(crate::Error::Storage { path: "(none)".into(), reason: "this app runs without a storage database".into() });
        };
        let owner = &d.ctx.data_owner;
        let n = storage.entries(owner).map(|e| e.len()).unwrap_or(0);
        storage.clear_app(owner)?;
        Ok(n)
    }

    /// The app's permission answers: each scope and whether it was allowed (the capsule's
    /// Permissions). `None` without a storage database.
    pub fn permissions(&self) -> Option<Vec<(String, bool)>> {
        let d = self.store.data();
        d.ctx.storage.as_ref()?.permissions(&d.ctx.data_owner).ok()
    }

    /// Whether anything may still call back into the app: timers, requests, or results not yet
    /// delivered.
    pub fn has_pending_work(&self) -> bool {
        let d = self.store.data();
        !d.timers.is_empty()
            || d.net.in_flight.load(std::sync::atomic::Ordering::SeqCst) > 0
            || d.net.logins.load(std::sync::atomic::Ordering::SeqCst) > 0
            || !d.net.done.lock().unwrap_or_else(|p| p.into_inner()).is_empty()
    }

    /// The app's event loop step: deliver finished network results (in completion order), then
    /// due timers, each as `on-callback`. Call it whenever [`AppInstance::next_timer`] is due or
    /// requests are in flight.
    ///
    /// # Errors
    /// As [`AppInstance::handle_event`]; callbacks after the failing one do not run.
    pub fn run_ready(&mut self, now: Instant) -> Result<Vec<Effect>> {
        let mut effects = Vec::new();
        for (id, payload) in self.store.data().net.take() {
            effects.extend(self.on_callback(id, &payload)?);
        }
        effects.extend(self.run_timers(now)?);
        Ok(effects)
    }

    /// When the next timer is due, if any (the shell's event loop sleeps until then).
    pub fn next_timer(&self) -> Option<Instant> {
        self.store.data().timers.values().map(|t| t.due).min()
    }

    /// Fire every timer due at `now`, in due order, each as `on-callback(id, {"timer": id})`
    /// under its own deadline; intervals are rescheduled, timeouts removed. Returns the effects
    /// of all of them.
    ///
    /// # Errors
    /// As [`AppInstance::handle_event`]; timers after the failing one do not run.
    pub fn run_timers(&mut self, now: Instant) -> Result<Vec<Effect>> {
        let mut due: Vec<(Instant, u32)> = self
            .store
            .data()
            .timers
            .iter()
            .filter(|(_, t)| t.due <= now)
            .map(|(id, t)| (t.due, *id))
            .collect();
        due.sort();
        let mut effects = Vec::new();
        for (_, id) in due {
            // A callback may have cleared this timer.
            let Some(timer) = self.store.data().timers.get(&id).copied() else { continue };
            match timer.every {
                Some(every) => {
                    let next = if timer.due + every <= now { now + every } else { timer.due + every };
                    self.store.data_mut().timers.insert(id, crate::state::Timer { due: next, every: Some(every) });
                }
                None => {
                    self.store.data_mut().timers.remove(&id);
                }
            }
            let payload = serde_json::json!({ "timer": id });
            effects.extend(self.on_callback(id, &payload)?);
        }
        Ok(effects)
    }

    /// Call into the optional `page-events` export; no export means no call and no effects
    /// (a poisoned instance still fails).
    fn call_page_events(
        &mut self,
        handler: String,
        f: impl FnOnce(&crate::bindings::page_events::Guest, &mut Store<HostState>) -> wasmtime::Result<()>,
    ) -> Result<Vec<Effect>> {
        if self.exports.page_events.is_none() && !self.poisoned {
            return Ok(Vec::new());
        }
        self.call(|| handler, |e, s| match &e.page_events {
            Some(g) => f(g, s),
            None => Ok(()),
        })
    }

    /// Call into the optional `component-events` export, as [`AppInstance::call_page_events`].
    fn call_component_events(
        &mut self,
        handler: String,
        f: impl FnOnce(&crate::bindings::component_events::Guest, &mut Store<HostState>) -> wasmtime::Result<()>,
    ) -> Result<Vec<Effect>> {
        if self.exports.component_events.is_none() && !self.poisoned {
            return Ok(Vec::new());
        }
        self.call(|| handler, |e, s| match &e.component_events {
            Some(g) => f(g, s),
            None => Ok(()),
        })
    }

    fn call(
        &mut self,
        handler: impl FnOnce() -> String,
        f: impl FnOnce(&Exports, &mut Store<HostState>) -> wasmtime::Result<()>,
    ) -> Result<Vec<Effect>> {
        if self.poisoned {
            return Err(Error::Poisoned { app_id: self.app_id().to_string() });
        }
        self.store.data_mut().drain();
        self.store.data_mut().limiter.denied = None;
        self.store.set_epoch_deadline(self.deadline_ticks);
        match f(&self.exports, &mut self.store) {
            Ok(()) => Ok(self.store.data_mut().drain()),
            Err(e) => {
                self.poisoned = true;
                let handler = handler();
                let effects = self.store.data_mut().drain();
                tracing::warn!(app = %self.app_id(), %handler, dropped_effects = effects.len(), "app script failed: {e:?}");
                let panic = effects.iter().rev().find_map(|e| match e {
                    Effect::Log { level: LogLevel::Error, message } if message.starts_with(PANIC_PREFIX) => Some(message.clone()),
                    _ => None,
                });
                Err(self.classify(e, handler, panic))
            }
        }
    }

    /// What went wrong, most specific first: a denied limit, the deadline, a panic the SDK's hook
    /// reported (`panic`, the last "panicked at …" error line of the call), any other trap.
    fn classify(&mut self, e: wasmtime::Error, handler: String, panic: Option<String>) -> Error {
        if let Some((kind, limit, actual)) = self.store.data_mut().limiter.denied.take() {
            return Error::LimitExceeded { kind, limit, actual, handler };
        }
        match (e.downcast_ref::<Trap>(), panic) {
            (Some(Trap::Interrupt), _) => Error::Timeout { handler, deadline: self.deadline },
            (Some(Trap::UnreachableCodeReached), Some(message)) => Error::Panicked { handler, message },
            (Some(trap), _) => Error::Trapped { handler, trap: trap.to_string() },
            (None, _) => Error::Trapped { handler, trap: format!("{e}") },
        }
    }
}
