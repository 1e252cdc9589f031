//! Live changes to a running app, for `miniapp dev`: both front ends (the window and the
//! headless [`crate::Harness`]) poll a [`Reloader`] on their event loop. A reloader may swap the
//! pages' views in place ([`crate::Session::reload_views`], page data kept) or replace the
//! session with a relaunched one ([`crate::Session::page_stack`] /
//! [`crate::Session::restore_stack`] keep the pages open).

use crate::host::Host;
use crate::session::Session;

/// How often a front end polls its reloader at most when nothing else wakes it.
pub const RELOAD_POLL: std::time::Duration = std::time::Duration::from_millis(50);

/// Applies file changes to a running app.
pub trait Reloader {
    /// Applies what changed since the last call (cheap when nothing did). Returns whether the
    /// screen may have changed.
    fn poll(&mut self, host: &mut Host, session: &mut Session) -> bool;
}
