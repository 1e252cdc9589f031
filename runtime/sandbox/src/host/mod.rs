//! Host implementations of the imported WIT interfaces, one module per interface.

mod nav;
mod net;
mod storage;
mod sys;
mod timer;
mod ui;
mod view;

pub use view::{parse_path_key, PathSegment};

impl crate::bindings::types::Host for crate::state::HostState {}
