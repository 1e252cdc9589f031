//! Fixtures for the unit tests: a page without a host, and the log lines that off-wasm32 builds
//! keep instead of sending them.

use crate::Page;

/// A page with id `id` on route `pages/index/index`.
pub(crate) fn page(id: u32) -> Page {
    Page::from(crate::bindings::miniapp::host::types::PageRef { id, route: "pages/index/index".into() })
}

/// The lines logged on this thread since the last call, as `LEVEL: message`.
pub(crate) fn take_log() -> Vec<String> {
    crate::hostlog::take()
}
