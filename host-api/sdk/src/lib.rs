//! The guest SDK: write a mini program's logic in Rust against the miniapp host API.
//!
//! An app is a type that implements [`App`] (every method has a no-op default) and is
//! exported with [`export_app!`]. The crate is built for `wasm32-unknown-unknown` as a
//! `cdylib`; `miniapp build` turns the module into a component that imports only the host API
//! defined in `host-api/wit` (the one source of truth: bindings are generated from it here and
//! in the host's sandbox, never copied by hand).
//!
//! ```no_run
//! use miniapp_sdk::{export_app, json, App, Event, Page};
//!
//! #[derive(Default)]
//! struct Counter { count: i64 }
//!
//! impl App for Counter {
//!     fn page_load(&mut self, page: &Page, _query: &str) {
//!         page.set_data(json!({ "count": self.count })).ok();
//!     }
//!     fn on_event(&mut self, page: &Page, handler: &str, _event: Event) {
//!         if handler == "onIncrement" {
//!             self.count += 1;
//!             page.set_data(json!({ "count": self.count })).ok();
//!         }
//!     }
//! }
//!
//! export_app!(Counter);
//! ```
//!
//! # The typed layer
//!
//! On top of those JSON-and-ids calls, which keep working unchanged, the SDK has a typed layer:
//!
//! - **data**: [`Page::set`] sends any `Serialize` struct as the data object, and [`Patch`]
//!   builds path-key patches (`Patch::new().set("list[3].done", true)`) for [`Page::apply`] and
//!   [`Component::apply`];
//! - **events**: [`TypedEvent<D>`] is the event JSON as a struct with a `Deserialize` `detail`;
//!   decoding errors ([`EventError`]) carry the JSON path that did not match
//!   (`detail.value`);
//! - **handlers by name**: [`Handlers`] maps `bind:tap="onAdd"` names to Rust functions and
//!   [`Handlers::dispatch`] runs the right one from [`App::on_event`], logging unknown names and
//!   bad payloads at warn;
//! - **asynchronous results as closures**: [`ui::modal`], [`ui::action_sheet`], [`net::fetch`],
//!   [`device::scan`], [`auth::login_then`], [`auth::authorize_then`] and [`timer::after`] take a
//!   `FnOnce(&mut App, Answer)` with a typed answer ([`ui::ModalAnswer`], [`net::Response`],
//!   [`device::ScanResult`], [`auth::LoginCode`], …) instead of leaving a bare id for
//!   [`App::on_callback`]. The closures wait in a registry of this crate, which [`export_app!`]
//!   feeds; see [`callbacks`] for how, and to attach a closure to any other id.
//!
//! Derive `Serialize` / `Deserialize` with `serde` in your own `Cargo.toml`, or through this
//! crate's re-export with `#[serde(crate = "miniapp_sdk::serde")]`. A whole app:
//!
//! ```no_run
//! use miniapp_sdk::{export_app, net, ui, App, Event, Handlers, Page, Patch, TypedEvent};
//! use miniapp_sdk::{Deserialize, Serialize};
//!
//! #[derive(Clone, Serialize, Deserialize)]
//! #[serde(crate = "miniapp_sdk::serde")]
//! struct Todo { text: String, done: bool }
//!
//! /// `bind:input="onInput"`: `detail` is `{"value", "cursor", "keyCode"}`.
//! #[derive(Deserialize)]
//! #[serde(crate = "miniapp_sdk::serde")]
//! struct Input { value: String }
//!
//! /// `data-index="{{index}}"` on each row.
//! #[derive(Deserialize)]
//! #[serde(crate = "miniapp_sdk::serde")]
//! struct Row { index: usize }
//!
//! /// The page data, sent whole with `Page::set`.
//! #[derive(Serialize)]
//! #[serde(crate = "miniapp_sdk::serde")]
//! struct View<'a> { todos: &'a [Todo], draft: &'a str, left: usize }
//!
//! #[derive(Default)]
//! struct Todos { todos: Vec<Todo>, draft: String }
//!
//! impl Todos {
//!     fn render(&self, page: &Page) {
//!         let left = self.todos.iter().filter(|t| !t.done).count();
//!         page.set(&View { todos: &self.todos, draft: &self.draft, left }).ok();
//!     }
//! }
//!
//! impl App for Todos {
//!     fn page_load(&mut self, page: &Page, _query: &str) {
//!         self.render(page);
//!         let page = page.clone();
//!         net::get_then("https://api.example.com/todos", move |app: &mut Todos, r: Result<net::Response, net::NetError>| {
//!             match r.map(|resp| resp.json::<Vec<Todo>>()) {
//!                 Ok(Ok(todos)) => {
//!                     app.todos = todos;
//!                     app.render(&page);
//!                 }
//!                 Ok(Err(e)) => miniapp_sdk::warn!("bad todo list at {e}"),
//!                 Err(e) => miniapp_sdk::warn!("loading todos failed: {e}"),
//!             }
//!         })
//!         .ok();
//!     }
//!
//!     fn on_event(&mut self, page: &Page, handler: &str, event: Event) {
//!         let _ = Handlers::new()
//!             .on("onInput", |app: &mut Todos, _: &Page, e: TypedEvent<Input>| app.draft = e.detail.value)
//!             .on("onAdd", |app: &mut Todos, page: &Page, _: TypedEvent| {
//!                 let text = std::mem::take(&mut app.draft);
//!                 app.todos.push(Todo { text, done: false });
//!                 app.render(page);
//!             })
//!             .on("onToggle", |app: &mut Todos, page: &Page, e: TypedEvent| {
//!                 let Ok(Row { index }) = e.dataset::<Row>() else { return };
//!                 if let Some(t) = app.todos.get_mut(index) {
//!                     t.done = !t.done;
//!                     page.apply(Patch::new().set(format!("todos[{index}].done"), t.done)).ok();
//!                 }
//!             })
//!             .on("onClear", |_: &mut Todos, page: &Page, _: TypedEvent<()>| {
//!                 let page = page.clone();
//!                 ui::modal("Clear the list?", "Every todo is removed", true, move |app: &mut Todos, a: ui::ModalAnswer| {
//!                     if a.confirm {
//!                         app.todos.clear();
//!                         app.render(&page);
//!                     }
//!                 })
//!                 .ok();
//!             })
//!             .dispatch(self, page, handler, event);
//!     }
//! }
//!
//! export_app!(Todos);
//! ```
#![deny(missing_docs)]

/// Raw bindings generated from `host-api/wit` (prefer the wrappers in this crate).
#[allow(missing_docs)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../wit",
        world: "miniapp-events",
        pub_export_macro: true,
        export_macro_name: "__export_miniapp",
        default_bindings_module: "miniapp_sdk::bindings",
    });
}

pub use serde_json::{self, json, Value};
/// The `serde` this crate uses, for `#[derive(Serialize, Deserialize)]` without a direct
/// dependency: add `#[serde(crate = "miniapp_sdk::serde")]` to the type.
pub use serde::{self, Deserialize, Serialize};

mod data;
mod error;
mod event;
mod handlers;
mod hostlog;
mod replies;
#[cfg(test)]
mod testutil;

pub use data::{properties, Patch};
pub use error::{CallbackError, CallbackErrorKind, DecodeError, EventError, LoginError, NetError, ScanError};
pub use event::{Target, TypedEvent};
pub use handlers::{Dispatch, Handlers};

pub mod callbacks;

use bindings::miniapp::host::{auth as wit_auth, device as wit_device, net as wit_net, nav as wit_nav, storage as wit_storage, sys, timer as wit_timer, types, ui as wit_ui, view};

/// Why the host refused a call; the message says what was wrong and the values involved.
pub type HostError = types::HostError;

/// An event payload (JSON): `{"type":"tap","target":{"id":..,"dataset":{..}},"currentTarget":..,"detail":..}`.
pub type Event = Value;

/// A page instance on the page stack, as handed to the app's page lifecycle and event methods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    id: u32,
    route: String,
}

impl Page {
    /// The page instance id (the same route opened twice has two ids).
    pub fn id(&self) -> u32 {
        self.id
    }

    /// The page route from `app.json`, such as `pages/index/index`.
    pub fn route(&self) -> &str {
        &self.route
    }

    /// Merge `patch` (a JSON object of path keys such as `count`, `user.name`, `list[3].done`)
    /// into the page data; the view re-renders what changed.
    ///
    /// # Errors
    /// The host refuses a patch over 1 MiB (`LimitExceeded`), a patch that is not an object or
    /// has a malformed key (`InvalidArgument`) and a page that was unloaded.
    pub fn set_data(&self, patch: Value) -> Result<(), HostError> {
        view::set_data(self.id, &patch.to_string())
    }

    /// Like [`Page::set_data`], and call back when the view has applied the patch:
    /// `{"applied": true}` arrives in [`App::on_callback`] with the returned id.
    ///
    /// # Errors
    /// As [`Page::set_data`].
    pub fn set_data_then(&self, patch: Value) -> Result<u32, HostError> {
        view::set_data_then(self.id, &patch.to_string())
    }

    /// Like [`Page::set_data`] with an already serialized JSON object.
    ///
    /// # Errors
    /// As [`Page::set_data`].
    pub fn set_data_raw(&self, patch_json: &str) -> Result<(), HostError> {
        view::set_data(self.id, patch_json)
    }
}

impl From<types::PageRef> for Page {
    fn from(page: types::PageRef) -> Self {
        Page { id: page.id, route: page.route }
    }
}

/// How the app was opened (host API 0.1.1): the first page's route, the launch query and the
/// scene number (1001 the app list, 1011 a scanned QR code...).
pub type LaunchOptions = bindings::exports::miniapp::host::page_events::LaunchOptions;

/// One instance of a custom component on a page (host API 0.1.1), as handed to the
/// `component_*` methods of [`App`]; the same component used twice has two instances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Component {
    instance: u32,
}

impl Component {
    /// The component instance with this id (as the host gave it in
    /// [`App::component_attached`]).
    pub fn from_id(instance: u32) -> Self {
        Component { instance }
    }

    /// The instance id, valid from [`App::component_attached`] until [`App::component_detached`].
    pub fn id(&self) -> u32 {
        self.instance
    }

    /// Merge `patch` (a JSON object of path keys) into this instance's data, like
    /// [`Page::set_data`] for a page (`this.setData` in a component).
    ///
    /// # Errors
    /// As [`Page::set_data`] (the same 1 MiB limit and per-call budget), and `InvalidArgument`
    /// once the instance is detached.
    pub fn set_data(&self, patch: Value) -> Result<(), HostError> {
        view::set_component_data(self.instance, &patch.to_string())
    }

    /// Like [`Component::set_data`] with an already serialized JSON object.
    ///
    /// # Errors
    /// As [`Component::set_data`].
    pub fn set_data_raw(&self, patch_json: &str) -> Result<(), HostError> {
        view::set_component_data(self.instance, patch_json)
    }

    /// Fire event `name` to the parent page, which binds it as `bind:NAME="handler"` on this
    /// component's tag; `detail` becomes the event's `detail` (`this.triggerEvent`).
    ///
    /// # Errors
    /// `InvalidArgument` for an empty name, one over 256 bytes or with whitespace, and a
    /// detached instance; `LimitExceeded` for a detail over 1 MiB.
    pub fn trigger_event(&self, name: &str, detail: Value) -> Result<(), HostError> {
        view::trigger_event(self.instance, name, &detail.to_string())
    }
}

/// A mini program's logic. Every method has a no-op default; implement what you need.
///
/// The host calls these one at a time on the app's single event loop; each call must return
/// within the handler deadline (1 s by default) or the app is stopped.
pub trait App {
    /// The app starts; `query` is the launch query string (`a=1&b=2`).
    fn on_launch(&mut self, query: &str) {
        let _ = query;
    }
    /// The app comes to the foreground.
    fn on_show(&mut self) {}
    /// The app goes to the background.
    fn on_hide(&mut self) {}
    /// A page is created with the query string it was opened with.
    fn page_load(&mut self, page: &Page, query: &str) {
        let _ = (page, query);
    }
    /// A page has been rendered for the first time.
    fn page_ready(&mut self, page: &Page) {
        let _ = page;
    }
    /// A page is removed from the page stack.
    fn page_unload(&mut self, page: &Page) {
        let _ = page;
    }
    /// A bound event fired: `bind:tap="onIncrement"` gives `handler == "onIncrement"`.
    fn on_event(&mut self, page: &Page, handler: &str, event: Event) {
        let _ = (page, handler, event);
    }
    /// The result of an asynchronous host call arrived (one whose id has no closure from
    /// [`callbacks`] or a typed wrapper such as [`ui::modal`]).
    fn on_callback(&mut self, callback: u32, payload: Value) {
        let _ = (callback, payload);
    }
    /// How the app was opened; called once, right before [`App::on_launch`] (host API 0.1.1).
    fn on_launch_options(&mut self, options: &LaunchOptions) {
        let _ = options;
    }
    /// A page comes on screen: after [`App::page_load`], and whenever it becomes the top page
    /// again (host API 0.1.1).
    fn page_show(&mut self, page: &Page) {
        let _ = page;
    }
    /// A page leaves the screen: a page was pushed over it or the app went to the background
    /// (host API 0.1.1).
    fn page_hide(&mut self, page: &Page) {
        let _ = page;
    }
    /// The user pulled the page down to refresh (host API 0.1.1).
    fn on_pull_down_refresh(&mut self, page: &Page) {
        let _ = page;
    }
    /// The page was scrolled to near its bottom: load more (host API 0.1.1).
    fn on_reach_bottom(&mut self, page: &Page) {
        let _ = page;
    }
    /// The page scrolled to `scroll_top` logical pixels from its top (host API 0.1.1).
    fn on_page_scroll(&mut self, page: &Page, scroll_top: f32) {
        let _ = (page, scroll_top);
    }
    /// An instance of custom component `name` (`components/card/card`) was attached with
    /// `properties` (a JSON object) (host API 0.1.1).
    fn component_attached(&mut self, component: &Component, name: &str, properties: Value) {
        let _ = (component, name, properties);
    }
    /// A custom component instance was removed; its id is invalid afterwards (host API 0.1.1).
    fn component_detached(&mut self, component: &Component) {
        let _ = component;
    }
    /// A bound event fired inside a custom component instance's template (host API 0.1.1).
    fn component_event(&mut self, component: &Component, handler: &str, event: Event) {
        let _ = (component, handler, event);
    }
    /// The page changed properties of a custom component instance: `properties` holds all its
    /// resolved properties after the change (host API 0.1.1).
    fn component_properties_changed(&mut self, component: &Component, properties: Value) {
        let _ = (component, properties);
    }
}

/// Facts about the device and host.
pub fn system_info() -> sys::SystemInfo {
    sys::info()
}

/// Wall-clock time in milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    sys::now_ms()
}

/// Monotonic time in nanoseconds; never goes back.
pub fn monotonic_ns() -> u64 {
    sys::monotonic_ns()
}

/// `len` random bytes from the host.
///
/// # Errors
/// More than 64 KiB per call is `LimitExceeded`.
pub fn random_bytes(len: u32) -> Result<Vec<u8>, HostError> {
    sys::random_bytes(len)
}

/// Navigation between pages: `nav::navigate_to("pages/detail/detail?id=3")`.
///
/// The navigation happens after the current handler returns; the new page gets `page_load`
/// with the query. The page stack is at most 10 deep.
pub mod nav {
    use super::{wit_nav, HostError};

    /// Push a page (`LimitExceeded` at 10 pages, `NotFound` for a route not in `app.json`).
    ///
    /// # Errors
    /// As described by the host API.
    pub fn navigate_to(url: &str) -> Result<(), HostError> {
        wit_nav::navigate_to(url)
    }
    /// Replace the current page.
    ///
    /// # Errors
    /// `NotFound` for an unknown route, `InvalidArgument` for a tab page.
    pub fn redirect_to(url: &str) -> Result<(), HostError> {
        wit_nav::redirect_to(url)
    }
    /// Pop `delta` pages.
    ///
    /// # Errors
    /// `InvalidArgument` on the first page.
    pub fn navigate_back(delta: u32) -> Result<(), HostError> {
        wit_nav::navigate_back(delta)
    }
    /// Show a tab page.
    ///
    /// # Errors
    /// `InvalidArgument` if it is not a tab page.
    pub fn switch_tab(url: &str) -> Result<(), HostError> {
        wit_nav::switch_tab(url)
    }
    /// Close every page and open `url`.
    ///
    /// # Errors
    /// `NotFound` for an unknown route.
    pub fn re_launch(url: &str) -> Result<(), HostError> {
        wit_nav::re_launch(url)
    }
    /// Show `text` (1 to 4 characters: `3`, `99+`) in a red badge on tab bar item `index`
    /// (0 is the first of app.json's `tabBar.list`), replacing its red dot (host API 0.1.1).
    ///
    /// # Errors
    /// `LimitExceeded` for text over 4 characters, `InvalidArgument` for empty text or an index
    /// past the last item, `NotFound` when the app has no tab bar.
    pub fn set_tab_bar_badge(index: u32, text: &str) -> Result<(), HostError> {
        wit_nav::set_tab_bar_badge(index, text)
    }
    /// Remove the badge of tab bar item `index` (host API 0.1.1).
    ///
    /// # Errors
    /// As for [`set_tab_bar_badge`]: a bad index, no tab bar.
    pub fn remove_tab_bar_badge(index: u32) -> Result<(), HostError> {
        wit_nav::remove_tab_bar_badge(index)
    }
    /// Show a red dot on tab bar item `index`, replacing its badge (host API 0.1.1).
    ///
    /// # Errors
    /// As for [`set_tab_bar_badge`]: a bad index, no tab bar.
    pub fn show_tab_bar_red_dot(index: u32) -> Result<(), HostError> {
        wit_nav::show_tab_bar_red_dot(index)
    }
    /// Hide the red dot of tab bar item `index` (host API 0.1.1).
    ///
    /// # Errors
    /// As for [`set_tab_bar_badge`]: a bad index, no tab bar.
    pub fn hide_tab_bar_red_dot(index: u32) -> Result<(), HostError> {
        wit_nav::hide_tab_bar_red_dot(index)
    }
    /// End the pull-down refresh the user started (host API 0.1.1): call it from
    /// [`App::on_pull_down_refresh`](crate::App::on_pull_down_refresh), or when the data it
    /// asked for arrives; the shell's indicator shows until then.
    pub fn stop_pull_down_refresh() {
        wit_nav::stop_pull_down_refresh();
    }
}

/// Timers; each fires [`App::on_callback`] with its id and `{"timer": id}`.
pub mod timer {
    use super::{wit_timer, HostError};

    /// Call back once after `ms`; returns the id.
    ///
    /// # Errors
    /// `LimitExceeded` past 100 live timers, `InvalidArgument` past 24 h.
    pub fn set_timeout(ms: u32) -> Result<u32, HostError> {
        wit_timer::set_timeout(ms)
    }
    /// Call back every `ms` until cleared; returns the id.
    ///
    /// # Errors
    /// As [`set_timeout`].
    pub fn set_interval(ms: u32) -> Result<u32, HostError> {
        wit_timer::set_interval(ms)
    }
    /// Cancel a timer (and forget a closure given to [`after`] or
    /// [`callbacks::register`](crate::callbacks::register) for it).
    pub fn clear(id: u32) {
        crate::callbacks::cancel(id);
        wit_timer::clear(id)
    }

    pub use crate::replies::after;
}

/// Persistent per-app storage (10 MiB per app, 1 MiB per value).
pub mod storage {
    use super::{wit_storage, HostError};

    pub use super::wit_storage::StorageInfo;

    /// The string under `key`.
    ///
    /// # Errors
    /// `InvalidArgument` for an empty or over-long key, `Unavailable` if the host has no storage.
    pub fn get(key: &str) -> Result<Option<String>, HostError> {
        wit_storage::get(key)
    }
    /// Store `value` under `key`.
    ///
    /// # Errors
    /// `LimitExceeded` past the value size or the app's quota.
    pub fn set(key: &str, value: &str) -> Result<(), HostError> {
        wit_storage::set(key, value)
    }
    /// The JSON value under `key` (`None` if absent or not JSON).
    ///
    /// # Errors
    /// As [`get`].
    pub fn get_json(key: &str) -> Result<Option<serde_json::Value>, HostError> {
        Ok(get(key)?.and_then(|s| serde_json::from_str(&s).ok()))
    }
    /// Store a JSON value under `key`.
    ///
    /// # Errors
    /// As [`set`].
    pub fn set_json(key: &str, value: &serde_json::Value) -> Result<(), HostError> {
        set(key, &value.to_string())
    }
    /// Remove `key`.
    ///
    /// # Errors
    /// As [`get`].
    pub fn remove(key: &str) -> Result<(), HostError> {
        wit_storage::remove(key)
    }
    /// Remove every key of this app.
    ///
    /// # Errors
    /// `Unavailable` if the host has no storage.
    pub fn clear() -> Result<(), HostError> {
        wit_storage::clear()
    }
    /// Keys, used bytes and quota.
    ///
    /// # Errors
    /// `Unavailable` if the host has no storage.
    pub fn info() -> Result<StorageInfo, HostError> {
        wit_storage::info()
    }
}

/// System UI: toast, loading, modal, action sheet. Answers arrive in [`App::on_callback`].
pub mod ui {
    use super::{wit_ui, HostError};

    pub use super::wit_ui::ToastIcon;
    pub use crate::replies::{action_sheet, modal, ModalAnswer};

    /// Show a toast (`duration_ms` 0 means 1.5 s).
    ///
    /// # Errors
    /// `LimitExceeded` for an over-long title.
    pub fn show_toast(title: &str, icon: ToastIcon, duration_ms: u32) -> Result<(), HostError> {
        wit_ui::show_toast(title, icon, duration_ms)
    }
    /// Hide the toast.
    pub fn hide_toast() {
        wit_ui::hide_toast()
    }
    /// Show the loading overlay.
    ///
    /// # Errors
    /// `LimitExceeded` for an over-long title.
    pub fn show_loading(title: &str) -> Result<(), HostError> {
        wit_ui::show_loading(title)
    }
    /// Hide the loading overlay.
    pub fn hide_loading() {
        wit_ui::hide_loading()
    }
    /// Show a modal; the answer `{"confirm": bool, "cancel": bool}` arrives with the returned id.
    ///
    /// # Errors
    /// `LimitExceeded` for over-long text.
    pub fn show_modal(title: &str, content: &str, show_cancel: bool) -> Result<u32, HostError> {
        wit_ui::show_modal(title, content, show_cancel)
    }
    /// Show an action sheet of 1 to 6 items; `{"tapIndex": n}` or `{"cancel": true}` arrives
    /// with the returned id.
    ///
    /// # Errors
    /// `InvalidArgument` for 0 or more than 6 items.
    pub fn show_action_sheet(items: &[String]) -> Result<u32, HostError> {
        wit_ui::show_action_sheet(items)
    }
}

/// Login and permissions.
///
/// [`auth::login`]'s answer `{"code": ".."}` arrives in [`App::on_callback`]; send the code to
/// your back end, which exchanges it at the cloud (`POST /auth/code2session` with the app id
/// and the app secret from `miniapp secret APPID`) for the user's stable `openid`.
pub mod auth {
    use super::{wit_auth, HostError};

    pub use crate::error::LoginError;
    pub use crate::replies::{authorize_then, login_then, LoginCode, Permission};

    /// Ask the cloud for a one-time login code (valid 5 minutes); returns the callback id.
    ///
    /// # Errors
    /// `Unavailable` when the host has no cloud account, `LimitExceeded` with 10 logins in flight.
    pub fn login() -> Result<u32, HostError> {
        wit_auth::login()
    }

    /// Ask for a permission scope (`scope.camera`, `scope.userInfo`, `scope.userLocation`,
    /// `scope.record`, `scope.writePhotosAlbum`); `{"scope", "granted", "prompted"}` arrives
    /// with the returned id. The user is asked once; the answer is remembered.
    ///
    /// # Errors
    /// `InvalidArgument` for an unknown scope.
    pub fn authorize(scope: &str) -> Result<u32, HostError> {
        wit_auth::authorize(scope)
    }

    /// The remembered answers: (scope, granted).
    ///
    /// # Errors
    /// `Unavailable` when the host keeps no answers.
    pub fn get_setting() -> Result<Vec<(String, bool)>, HostError> {
        wit_auth::get_setting()
    }
}

/// The camera (QR codes) and the clipboard.
pub mod device {
    use super::{wit_device, HostError};

    pub use crate::error::ScanError;
    pub use crate::replies::{scan, ScanCode, ScanResult};

    /// Open the camera to scan a QR code; `{"result": "<text>", "scanType": "QR_CODE"}` or
    /// `{"error": {"kind": "cancelled"|"unreadable", ..}}` arrives with the returned id.
    ///
    /// # Errors
    /// `Unavailable` while another scan is open.
    pub fn scan_code() -> Result<u32, HostError> {
        wit_device::scan_code()
    }

    /// Put text on the clipboard (at most 64 KiB).
    ///
    /// # Errors
    /// `LimitExceeded` beyond 64 KiB.
    pub fn set_clipboard(text: &str) -> Result<(), HostError> {
        wit_device::set_clipboard(text)
    }

    /// The clipboard's text.
    ///
    /// # Errors
    /// Never on this host; kept fallible for hosts without a clipboard.
    pub fn get_clipboard() -> Result<String, HostError> {
        wit_device::get_clipboard()
    }
}

/// HTTP requests to the origins declared in `app.json` (`network.request`).
///
/// The result arrives in [`App::on_callback`] with the returned id:
/// `{"statusCode": 200, "headers": {..}, "data": "<body>"}` or
/// `{"error": {"kind": "timeout"|"denied"|"limit-exceeded"|"failed", "message": ".."}}`.
pub mod net {
    use super::{wit_net, HostError};

    pub use super::wit_net::RequestOptions;
    pub use crate::error::NetError;
    pub use crate::replies::{fetch, get_then, Response};

    /// Start a request; returns its callback id.
    ///
    /// # Errors
    /// `Denied` for an undeclared origin or a forbidden header, `LimitExceeded` with 10 requests
    /// in flight, `InvalidArgument` for a bad URL or method.
    pub fn request(options: &RequestOptions) -> Result<u32, HostError> {
        wit_net::request(options)
    }

    /// `GET url` with the default timeout.
    ///
    /// # Errors
    /// As [`request`].
    pub fn get(url: &str) -> Result<u32, HostError> {
        request(&RequestOptions {
            url: url.into(),
            method: "GET".into(),
            headers: Vec::new(),
            body: None,
            timeout_ms: 0,
        })
    }
}

/// Logging to the app's console: `miniapp_sdk::log::info("hi")` or the `info!` macro family.
pub mod log {
    use super::hostlog::log;
    use super::sys::LogLevel;

    /// Log at debug level.
    pub fn debug(message: &str) {
        log(LogLevel::Debug, message)
    }
    /// Log at info level.
    pub fn info(message: &str) {
        log(LogLevel::Info, message)
    }
    /// Log at warn level.
    pub fn warn(message: &str) {
        log(LogLevel::Warn, message)
    }
    /// Log at error level.
    pub fn error(message: &str) {
        log(LogLevel::Error, message)
    }
}

/// `info!("count is {}", n)`: format and log at info level.
#[macro_export]
macro_rules! info {
    ($($arg:tt)*) => { $crate::log::info(&::std::format!($($arg)*)) };
}

/// `debug!(...)`: format and log at debug level.
#[macro_export]
macro_rules! debug {
    ($($arg:tt)*) => { $crate::log::debug(&::std::format!($($arg)*)) };
}

/// `warn!(...)`: format and log at warn level.
#[macro_export]
macro_rules! warn {
    ($($arg:tt)*) => { $crate::log::warn(&::std::format!($($arg)*)) };
}

/// `error!(...)`: format and log at error level.
#[macro_export]
macro_rules! error {
    ($($arg:tt)*) => { $crate::log::error(&::std::format!($($arg)*)) };
}

#[doc(hidden)]
pub mod __private {
    pub use crate::bindings::exports::miniapp::host::component_events::Guest as ComponentEventsGuest;
    pub use crate::bindings::exports::miniapp::host::lifecycle::Guest;
    pub use crate::bindings::exports::miniapp::host::page_events::{Guest as PageEventsGuest, LaunchOptions};
    pub use crate::bindings::miniapp::host::types::PageRef;
    pub use crate::callbacks::deliver;

    /// Install (once) the panic hook that logs `panicked at FILE:LINE:COLUMN: MESSAGE` at error
    /// level before the panic aborts the guest; the host puts that line in the error page
    /// instead of a bare "wasm trap: unreachable".
    pub fn install_panic_hook() {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            std::panic::set_hook(Box::new(|info| {
                let payload = info.payload();
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic without a message".to_owned());
                let at = info
                    .location()
                    .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
                    .unwrap_or_else(|| "an unknown location".to_owned());
                crate::log::error(&format!("panicked at {at}: {message}"));
            }))
        });
    }

    /// Parse an event or payload; malformed JSON (a host bug) becomes `Value::Null`.
    pub fn parse(json: &str) -> serde_json::Value {
        serde_json::from_str(json).unwrap_or(serde_json::Value::Null)
    }
}

/// Export `$app` (a type implementing [`App`] and `Default`) as the component's lifecycle and
/// its optional event interfaces (`page-events`, `component-events`; host API 0.1.1).
///
/// The app value is created with `Default` on the first call and lives as long as the instance.
/// A callback whose id has a closure (see [`callbacks`]) goes to that closure; any other goes to
/// [`App::on_callback`].
#[macro_export]
macro_rules! export_app {
    ($app:ty) => {
        ::std::thread_local! {
            static __MINIAPP_APP: ::core::cell::RefCell<::core::option::Option<$app>> =
                const { ::core::cell::RefCell::new(::core::option::Option::None) };
        }

        fn __miniapp_with<R>(f: impl FnOnce(&mut $app) -> R) -> R {
            $crate::__private::install_panic_hook();
            __MINIAPP_APP.with(|cell| {
                let mut slot = cell.borrow_mut();
                f(slot.get_or_insert_with(<$app as ::core::default::Default>::default))
            })
        }

        struct __MiniappExport;

        impl $crate::__private::Guest for __MiniappExport {
            fn on_launch(query: ::std::string::String) {
                __miniapp_with(|a| $crate::App::on_launch(a, &query))
            }
            fn on_show() {
                __miniapp_with(|a| $crate::App::on_show(a))
            }
            fn on_hide() {
                __miniapp_with(|a| $crate::App::on_hide(a))
            }
            fn page_load(page: $crate::__private::PageRef, query: ::std::string::String) {
                let page = $crate::Page::from(page);
                __miniapp_with(|a| $crate::App::page_load(a, &page, &query))
            }
            fn page_ready(page: $crate::__private::PageRef) {
                let page = $crate::Page::from(page);
                __miniapp_with(|a| $crate::App::page_ready(a, &page))
            }
            fn page_unload(page: $crate::__private::PageRef) {
                let page = $crate::Page::from(page);
                __miniapp_with(|a| $crate::App::page_unload(a, &page))
            }
            fn handle_event(
                page: $crate::__private::PageRef,
                handler: ::std::string::String,
                event: ::std::string::String,
            ) {
                let page = $crate::Page::from(page);
                let event = $crate::__private::parse(&event);
                __miniapp_with(|a| $crate::App::on_event(a, &page, &handler, event))
            }
            fn on_callback(callback: u32, payload: ::std::string::String) {
                let payload = $crate::__private::parse(&payload);
                __miniapp_with(|a| {
                    // A closure registered for this id (typed wrappers) takes it first.
                    if let ::core::option::Option::Some(payload) = $crate::__private::deliver::<$app>(a, callback, payload) {
                        $crate::App::on_callback(a, callback, payload)
                    }
                })
            }
        }

        impl $crate::__private::PageEventsGuest for __MiniappExport {
            fn on_launch_options(options: $crate::__private::LaunchOptions) {
                __miniapp_with(|a| $crate::App::on_launch_options(a, &options))
            }
            fn page_show(page: $crate::__private::PageRef) {
                let page = $crate::Page::from(page);
                __miniapp_with(|a| $crate::App::page_show(a, &page))
            }
            fn page_hide(page: $crate::__private::PageRef) {
                let page = $crate::Page::from(page);
                __miniapp_with(|a| $crate::App::page_hide(a, &page))
            }
            fn on_pull_down_refresh(page: $crate::__private::PageRef) {
                let page = $crate::Page::from(page);
                __miniapp_with(|a| $crate::App::on_pull_down_refresh(a, &page))
            }
            fn on_reach_bottom(page: $crate::__private::PageRef) {
                let page = $crate::Page::from(page);
                __miniapp_with(|a| $crate::App::on_reach_bottom(a, &page))
            }
            fn on_page_scroll(page: $crate::__private::PageRef, scroll_top: f32) {
                let page = $crate::Page::from(page);
                __miniapp_with(|a| $crate::App::on_page_scroll(a, &page, scroll_top))
            }
        }

        impl $crate::__private::ComponentEventsGuest for __MiniappExport {
            fn component_attached(instance: u32, name: ::std::string::String, properties: ::std::string::String) {
                let component = $crate::Component::from_id(instance);
                let properties = $crate::__private::parse(&properties);
                __miniapp_with(|a| $crate::App::component_attached(a, &component, &name, properties))
            }
            fn component_detached(instance: u32) {
                let component = $crate::Component::from_id(instance);
                __miniapp_with(|a| $crate::App::component_detached(a, &component))
            }
            fn component_event(instance: u32, handler: ::std::string::String, event: ::std::string::String) {
                let component = $crate::Component::from_id(instance);
                let event = $crate::__private::parse(&event);
                __miniapp_with(|a| $crate::App::component_event(a, &component, &handler, event))
            }
            fn component_properties_changed(instance: u32, properties: ::std::string::String) {
                let component = $crate::Component::from_id(instance);
                let properties = $crate::__private::parse(&properties);
                __miniapp_with(|a| $crate::App::component_properties_changed(a, &component, properties))
            }
        }

        $crate::bindings::__export_miniapp!(__MiniappExport with_types_in $crate::bindings);
    };
}
