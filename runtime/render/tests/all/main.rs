//! Integration tests of `miniapp-render` on a real adapter (lavapipe where
//! there is no GPU): exact pixel assertions, hostile display lists, and
//! snapshot images (`tests/snapshots/<name>.png`; new output in
//! `tests/current/`, diffs in `tests/comparisons/`;
//! `MINIAPP_SNAPSHOT_UPDATE=<name|all>` regenerates).
#![allow(clippy::print_stderr)]

mod common;
mod hostile;
mod pages;
mod pixels;
mod snapshots;
mod styles;
mod text;
