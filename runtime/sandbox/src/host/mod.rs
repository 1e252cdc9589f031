//! Host implementations of the imported WIT interfaces, one module per interface.

mod auth;
mod device;
mod nav;
mod net;
mod storage;
mod sys;
mod timer;
mod ui;
mod view;

pub use auth::{check_scope, scope_description, SCOPES};
pub use view::{parse_path_key, PathSegment, EVENT_NAME_BYTES};

impl crate::bindings::types::Host for crate::state::HostState {}
