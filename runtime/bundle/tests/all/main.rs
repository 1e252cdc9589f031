//! Integration tests of `miniapp-bundle`: one test binary, one module per topic.

mod fuzz_regressions;
mod golden;
mod helpers;
mod manifest_errors;
mod refusals;
mod round_trip;
