//! Components built against earlier host API versions keep running: the frozen 0.1.0 guests of
//! `tests/prebuilt/` link against this host (wasmtime satisfies `@0.1.0` imports with the
//! `@0.1.1` definitions), run their lifecycle and handlers, and the 0.1.1 entry points they do
//! not export are skipped without an error.

use miniapp_sandbox::{AppContext, Effect, LaunchOptions, PageRef, Sandbox, HOST_API_VERSION};
use serde_json::json;

use crate::guests::{counter, prebuilt, test_limits};

fn logs(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Log { message, .. } => Some(message.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn prebuilt_guests_import_the_0_1_0_host_api() {
    for file in ["counter-0.1.0.wasm", "echo-0.1.0.wasm"] {
        let imports = miniapp_sandbox::component_imports(&prebuilt(file)).unwrap();
        assert!(!imports.is_empty(), "{file}");
        for import in &imports {
            assert!(import.starts_with("miniapp:host/") && import.ends_with("@0.1.0"), "{file}: {import}");
        }
    }
    assert_eq!(HOST_API_VERSION, "0.1.1");
}

#[test]
fn counter_built_against_0_1_0_runs_on_this_host() {
    let sandbox = Sandbox::new(test_limits(), None).unwrap();
    let c = sandbox.compile(&prebuilt("counter-0.1.0.wasm")).unwrap();
    assert!(!c.supports_page_events() && !c.supports_component_events());
    let mut app = sandbox.instantiate(&c, AppContext::new("counter")).unwrap();
    assert!(!app.supports_page_events() && !app.supports_component_events());
    let page = PageRef::new(1, "pages/index/index");
    // the 0.1.1 entry points it lacks call nothing
    let options = LaunchOptions { path: page.route.clone(), query: "a=1".into(), scene: 1001 };
    assert_eq!(app.on_launch_options(&options).unwrap(), vec![]);
    assert_eq!(logs(&app.on_launch("a=1").unwrap()), ["counter launched with query \"a=1\""]);
    assert_eq!(app.page_load(&page, "").unwrap(), vec![Effect::SetData { page: 1, patch: json!({ "count": 0 }) }]);
    assert_eq!(app.page_show(&page).unwrap(), vec![]);
    let tap = json!({"type": "tap", "target": {"id": "inc", "dataset": {}}});
    for expected in 1..=2 {
        let effects = app.handle_event(&page, "onIncrement", &tap).unwrap();
        assert_eq!(effects, vec![Effect::SetData { page: 1, patch: json!({ "count": expected }) }]);
    }
    assert_eq!(app.on_pull_down_refresh(&page).unwrap(), vec![]);
    assert_eq!(app.on_reach_bottom(&page).unwrap(), vec![]);
    assert_eq!(app.on_page_scroll(&page, 10.0).unwrap(), vec![]);
    assert_eq!(app.component_attached(3, "components/card/card", &json!({})).unwrap(), vec![]);
    assert_eq!(app.component_event(3, "onTap", &json!({})).unwrap(), vec![]);
    assert_eq!(app.component_properties_changed(3, &json!({"a": 1})).unwrap(), vec![]);
    assert_eq!(app.component_detached(3).unwrap(), vec![]);
    assert_eq!(app.page_hide(&page).unwrap(), vec![]);
    app.on_hide().unwrap();
    app.page_unload(&page).unwrap();
    assert!(!app.is_poisoned());
}

#[test]
fn echo_built_against_0_1_0_gets_every_lifecycle_call_and_host_call() {
    let sandbox = Sandbox::new(test_limits(), None).unwrap();
    let c = sandbox.compile(&prebuilt("echo-0.1.0.wasm")).unwrap();
    let mut app = sandbox.instantiate(&c, AppContext::new("echo")).unwrap();
    let page = PageRef::new(3, "pages/list/list");
    let mut all = Vec::new();
    all.extend(logs(&app.on_launch("a=1").unwrap()));
    all.extend(logs(&app.on_show().unwrap()));
    all.extend(logs(&app.page_load(&page, "id=9").unwrap()));
    all.extend(logs(&app.page_show(&page).unwrap()));
    all.extend(logs(&app.page_ready(&page).unwrap()));
    all.extend(logs(&app.handle_event(&page, "onTap", &json!({"target": {"id": "row"}})).unwrap()));
    all.extend(logs(&app.on_callback(42, &json!({"ok": true})).unwrap()));
    all.extend(logs(&app.on_hide().unwrap()));
    all.extend(logs(&app.page_unload(&page).unwrap()));
    assert_eq!(
        all,
        ["launch a=1", "show", "load 3 pages/list/list id=9", "ready 3", "event onTap row", "callback 42 {\"ok\":true}", "hide", "unload 3"]
    );
    // host calls of 0.1.0 (sys, set-data) answer as before; the API version is the host's
    let page = PageRef::new(4, "pages/index/index");
    app.page_load(&page, "").unwrap();
    let effects = app.handle_event(&page, "sys", &json!({})).unwrap();
    assert!(
        matches!(&effects[..], [Effect::SetData { page: 4, patch }] if patch["api"] == "0.1.1" && patch["width"] == 375),
        "{effects:?}"
    );
}

#[test]
fn a_guest_built_with_this_sdk_imports_0_1_1_and_exports_the_new_interfaces() {
    let imports = miniapp_sandbox::component_imports(counter()).unwrap();
    assert!(imports.iter().all(|i| i.ends_with("@0.1.1")), "{imports:?}");
    let sandbox = Sandbox::new(test_limits(), None).unwrap();
    let c = sandbox.compile(counter()).unwrap();
    let app = sandbox.instantiate(&c, AppContext::new("counter")).unwrap();
    assert!(app.supports_page_events() && app.supports_component_events());
}
