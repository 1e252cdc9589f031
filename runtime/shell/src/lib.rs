//! The simulator shell: an app session (page stack, lifecycle, taps → handlers → set-data), the
//! phone frame around it, and the two ways to show it — the headless [`Harness`] (offscreen PNGs,
//! scripts, traces) and the winit [`window`].
//!
//! Where it sits: launch URL → `miniapp-cloud` (fetch, cache, verify with `miniapp-bundle`) →
//! `miniapp-sandbox` (logic) + `miniapp-view` (pages) → `miniapp-render` (pixels). The shell is
//! the only crate that knows all of them.
//!
//! ```no_run
//! use miniapp_shell::{Harness, HostConfig};
//! let mut h = Harness::new(HostConfig::from_env())?;
//! let (mut session, report) = h.launch("http://127.0.0.1:8080/apps/counter", &|_, _| {})?;
//! h.tap(&mut session, "#inc")?.expect("the counter has a #inc button");
//! h.screenshot(&mut session, "counter.png".as_ref())?;
//! # Ok::<(), miniapp_shell::Error>(())
//! ```
#![deny(missing_docs)]

pub mod apps;
mod base;
pub mod camera;
pub mod chooser;
mod device;
mod error;
mod fetch;
pub mod frame;
mod harness;
pub mod home;
mod host;
mod images;
pub mod overlay;
pub mod panels;
pub mod progress;
mod reload;
pub mod script;
mod session;
pub mod window;
mod xdg;

pub use device::{fit_in_window, window_to_screen, Device};
pub use error::{Error, Result};
pub use fetch::{BaseLibrarySource, Fetched, Fetcher};
pub use harness::{trace_events, Harness, StepTrace, TargetRect, Trace, DEFAULT_SCALE};
pub use images::{is_remote, RemoteImages, IMAGE_SETTLE_TIMEOUT, MAX_REMOTE_IMAGE_BYTES, REMOTE_IMAGE_TIMEOUT};
pub use host::{Host, HostConfig, LaunchReport, LaunchTimings};
pub use reload::{Reloader, RELOAD_POLL};
pub use session::{Failure, LogLine, Overlay, Session, Span, SystemAction, KEYBOARD_HEIGHT, MAX_TRACE_SPANS, SET_DATA_BYTES_WARN, SET_DATA_RATE_WARN};
pub use xdg::private_runtime_dir;
