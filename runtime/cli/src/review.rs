//! The publish review the CLI's cloud runs on top of the bundle checks: every template and
//! stylesheet must parse (with the view engine's rules) and the logic component may import only
//! the host API. Every problem is reported, not just the first.

use miniapp_bundle::LockedBundle;
use miniapp_cloud::ReviewHook;
use std::sync::Arc;

/// The review hook handed to the cloud server.
pub fn hook() -> ReviewHook {
    Arc::new(|bundle: &LockedBundle| review(bundle))
}

fn review(bundle: &LockedBundle) -> Vec<String> {
    let mut problems = Vec::new();
    for path in bundle.paths() {
        let Some(bytes) = bundle.file(path) else { continue };
        if path.ends_with(".xml") {
            match std::str::from_utf8(bytes) {
                Ok(src) => {
                    if let Err(e) = miniapp_view::parse_template(src, path) {
                        problems.push(e.to_string());
                    }
                }
                Err(_) => problems.push(format!("{path}: template is not UTF-8")),
            }
        } else if path.ends_with(".css") {
            match std::str::from_utf8(bytes) {
                Ok(src) => {
                    if let Err(e) = miniapp_view::parse_stylesheet(src, path) {
                        problems.push(e.to_string());
                    }
                }
                Err(_) => problems.push(format!("{path}: stylesheet is not UTF-8")),
            }
        }
    }
    match bundle.logic_wasm() {
        Ok(wasm) => {
            if let Err(e) = miniapp_sandbox::check_imports(wasm) {
                problems.push(format!("logic.wasm: {e}"));
            }
        }
        Err(e) => problems.push(e.to_string()),
    }
    problems
}
