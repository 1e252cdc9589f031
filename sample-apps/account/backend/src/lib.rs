//! The account sample's back end: what a developer runs next to their mini program. The app
//! gets a one-time login code from the platform (`auth::login`), POSTs it to `{origin}/login`,
//! and this server exchanges it at the cloud's `POST /auth/code2session` with the app secret for
//! the user's stable `openid` (`docs/auth.md`).
//!
//! ```no_run
//! let backend = miniapp_account_backend::start(miniapp_account_backend::Config {
//!     cloud: "http://127.0.0.1:7000".into(),
//!     appid: "account".into(),
//!     secret: "the app secret".into(),
//!     addr: "127.0.0.1:0".parse().unwrap(),
//! })?;
//! println!("declare {} in app.json network.request", backend.origin());
//! # Ok::<(), miniapp_account_backend::Error>(())
//! ```
#![deny(missing_docs)]

mod error;
mod server;

pub use error::{Error, Result};
pub use server::{start, Config, Handle, DEFAULT_ADDR};
