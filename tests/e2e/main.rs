//! End-to-end tests: one binary, one module per topic. Each test starts the real `miniapp`
//! binary and, where needed, a real cloud on a loopback port.

mod account;
mod base_library;
mod bench;
mod clang;
mod dev;
mod devices;
mod errors;
mod feed;
mod home;
mod hostile;
mod images;
mod input;
mod lifecycle;
mod notes;
mod precompiled;
mod samples;
mod scan;
mod scroll;
mod sdk;
mod shop;
mod soak;
mod scaffold;
mod spine;
mod tutorial;
mod tabs;
mod window;
