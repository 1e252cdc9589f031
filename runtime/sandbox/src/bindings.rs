//! The only `bindgen!` of `host-api/wit`: host-side types and traits of the `miniapp-events`
//! world (the `miniapp` world's imports plus the optional event exports of 0.1.1).
//!
//! The world-level `MiniappEvents` type is used only for `add_to_linker`: exports are loaded
//! one interface at a time ([`lifecycle`] required, [`page_events`] and [`component_events`]
//! optional), so that components of the plain 0.1.0 world instantiate too.

wasmtime::component::bindgen!({
    world: "miniapp-events",
    path: "../../host-api/wit",
    additional_derives: [PartialEq],
});

pub use exports::miniapp::host::{component_events, lifecycle, page_events};
pub use miniapp::host::{auth, device, nav, net, storage, sys, timer, types, ui, view};
