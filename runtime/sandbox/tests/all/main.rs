//! Integration tests of the sandbox: real components (Rust guests from `tests/guests` and the
//! counter sample, built once for wasm32 by the harness; hand-written WAT components), run
//! under real limits. One binary, one module per topic.

mod events;
mod guests;
mod hostile;
mod imports;
mod lifecycle;
mod host_api;
mod net;
mod precompiled;
mod typed_sdk;
mod versions;
