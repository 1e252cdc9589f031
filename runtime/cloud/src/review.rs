//! Publish review: the platform's checks beyond bundle verification, all reasons at once.

use std::sync::Arc;

use miniapp_bundle::{LockedBundle, LOGIC_WASM};

/// An extra review step the embedding program supplies (the CLI passes one that parses every
/// template and stylesheet with `miniapp-view` and checks the component's imports). It returns
/// one message per problem, `file:line: msg` or `field.path: msg`; empty means approved.
pub type ReviewHook = Arc<dyn Fn(&LockedBundle) -> Vec<String> + Send + Sync>;

const COMPONENT_PREAMBLE: [u8; 8] = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];
const CORE_PREAMBLE: [u8; 8] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/// The built-in review rules. `dev` allows plain-http origins on loopback hosts.
///
/// - every `network.request` origin must be https (plain http only for loopback, only in dev);
/// - `logic.wasm` must exist and be a WebAssembly component (not a core module);
/// - tab bar icons must exist in the bundle.
pub fn review(bundle: &LockedBundle, dev: bool) -> Vec<String> {
    let mut reasons = Vec::new();
    for (i, origin) in bundle.manifest.network.request.iter().enumerate() {
        if origin.is_https() {
            continue;
        }
        if dev && origin.is_loopback() {
            continue;
        }
        let why = if origin.is_loopback() {
            "plain http is allowed only for loopback origins on a cloud started with --dev"
        } else {
            "back-end origins must use https (plain http is allowed only for loopback, in dev)"
        };
        reasons.push(format!("app.json: network.request[{i}]: {origin} is not https: {why}"));
    }
    match bundle.file(LOGIC_WASM) {
        None => reasons.push(format!("missing file: {LOGIC_WASM}: every app needs its logic component")),
        Some(b) if b.len() >= 8 && b[..8] == COMPONENT_PREAMBLE => {}
        Some(b) if b.len() >= 8 && b[..8] == CORE_PREAMBLE => reasons.push(format!(
            "{LOGIC_WASM}: is a core wasm module, not a component (build the app with `miniapp build`)"
        )),
        Some(_) => reasons.push(format!("{LOGIC_WASM}: is not a WebAssembly component")),
    }
    if let Some(path) = &bundle.manifest.icon {
        if bundle.file(path).is_none() {
            reasons.push(format!("app.json: icon: missing file: {path}"));
        }
    }
    if let Some(tab_bar) = &bundle.manifest.tab_bar {
        for (i, item) in tab_bar.list.iter().enumerate() {
            for (field, path) in [("iconPath", &item.icon_path), ("selectedIconPath", &item.selected_icon_path)] {
                if let Some(path) = path {
                    if bundle.file(path).is_none() {
                        reasons.push(format!("app.json: tabBar.list[{i}].{field}: missing file: {path}"));
                    }
                }
            }
        }
    }
    reasons
}
