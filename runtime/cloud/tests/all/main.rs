//! Integration tests of `miniapp-cloud`: a real server on 127.0.0.1:0 with temp dirs, driven by
//! the real client. One test binary, one module per topic.

mod artifacts;
mod auth;
mod base_library;
mod downloads;
mod guards;
mod helpers;
mod lifecycle;
mod server_rules;
