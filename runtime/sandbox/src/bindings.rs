//! The only `bindgen!` of `host-api/wit`: host-side types and traits of the `miniapp` world.

wasmtime::component::bindgen!({
    world: "miniapp",
    path: "../../host-api/wit",
    additional_derives: [PartialEq],
});

pub use miniapp::host::{auth, device, nav, net, storage, sys, timer, types, ui, view};
