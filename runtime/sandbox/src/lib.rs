//! Runs a mini program's logic: a WebAssembly component that may call only the host API.
//!
//! One [`Sandbox`] per host holds the wasmtime engine (component model, pooling allocator,
//! epoch interruption, bounded stack, no threads). [`Sandbox::compile`] checks a component's
//! imports against the `miniapp:host` world *before* compiling it (anything else, WASI
//! included, is refused by name), and [`Sandbox::instantiate`] gives one [`AppInstance`] per
//! app, in its own store with its own memory limits. Each call into the app (lifecycle or event
//! handler) runs under a deadline and returns the [`Effect`]s it produced — set-data patches
//! and log lines — for the shell to apply. Components of every host API version shipped
//! ([`HOST_API_VERSIONS`]) run: the 0.1.1 entry points (page events, custom components) are
//! optional exports, skipped for a component without them
//! ([`AppInstance::supports_page_events`]). In the data flow URL → bundle → sandbox/view →
//! render, this crate is the sandbox.
//!
//! ```no_run
//! use miniapp_sandbox::{AppContext, Limits, PageRef, Sandbox};
//! # fn main() -> miniapp_sandbox::Result<()> {
//! let logic = miniapp_sandbox::componentize(&std::fs::read("counter_logic.wasm").unwrap())?;
//! let sandbox = Sandbox::new(Limits::default(), None)?;
//! let app = sandbox.compile(&logic)?;
//! let mut instance = sandbox.instantiate(&app, AppContext::new("counter"))?;
//! instance.on_launch("")?;
//! let page = PageRef::new(1, "pages/index/index");
//! let effects = instance.page_load(&page, "")?;
//! let effects = instance.handle_event(&page, "onIncrement", &serde_json::json!({"type": "tap"}))?;
//! # let _ = effects; Ok(()) }
//! ```
#![deny(missing_docs)]

mod bindings;
mod builder;
mod engine;
mod error;
mod host;
mod imports;
mod instance;
mod limits;
mod net;
mod state;
mod storage;

pub use builder::{build_logic_crate, build_logic_crate_dev, build_wasm_artifacts, wasm_target_installed, DEV_GUEST_PROFILE, GUEST_TARGET};
pub use engine::{AppComponent, Sandbox};
pub use error::{Error, Result};
pub use host::{check_scope, parse_path_key, scope_description, PathSegment, EVENT_NAME_BYTES, SCOPES};
pub use imports::{
    allowed_imports, check_imports, component_imports, componentize, HOST_API_INTERFACES, HOST_API_PACKAGE,
    HOST_API_VERSION, HOST_API_VERSIONS,
};
pub use instance::{AppInstance, LaunchOptions, PageRef};
pub use limits::*;
pub use state::{AppContext, Clipboard, Effect, LogLevel, LoginProvider, LoginResult, NavKind, SystemInfo, TabBarMark, ToastIcon};
pub use net::{NetRecord, RemoteFetcher, FORBIDDEN_HEADERS, MAX_REDIRECTS, METHODS, NET_LOG_ENTRIES};
pub use storage::Storage;
