//! A well-behaved app: lifecycle calls arrive in order, effects come back as data, the counter
//! counts, and instances are cheap and independent.

use std::time::{Duration, Instant};

use miniapp_sandbox::{AppContext, Effect, LogLevel, PageRef, Sandbox};
use serde_json::json;

use crate::guests::{counter, echo, launched, test_limits};

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
fn counter_increments_through_set_data() {
    let (_s, _c, mut app, page) = launched(counter(), test_limits());
    let tap = json!({"type": "tap", "target": {"id": "inc", "dataset": {}}});
    for expected in 1..=2 {
        let effects = app.handle_event(&page, "onIncrement", &tap).unwrap();
        assert_eq!(effects, vec![Effect::SetData { page: 1, patch: json!({ "count": expected }) }]);
    }
}

#[test]
fn counter_page_load_shows_zero() {
    let sandbox = Sandbox::new(test_limits(), None).unwrap();
    let c = sandbox.compile(counter()).unwrap();
    let mut app = sandbox.instantiate(&c, AppContext::new("counter")).unwrap();
    let launch = app.on_launch("scene=1").unwrap();
    assert!(matches!(&launch[..], [Effect::Log { level: LogLevel::Info, message }] if message.contains("scene=1")));
    let effects = app.page_load(&PageRef::new(7, "pages/index/index"), "").unwrap();
    assert_eq!(effects, vec![Effect::SetData { page: 7, patch: json!({ "count": 0 }) }]);
}

#[test]
fn counter_warns_about_an_unknown_handler() {
    let (_s, _c, mut app, page) = launched(counter(), test_limits());
    let effects = app.handle_event(&page, "onNothing", &json!({})).unwrap();
    assert_eq!(effects, vec![Effect::Log { level: LogLevel::Warn, message: "no handler named onNothing".into() }]);
}

#[test]
fn lifecycle_calls_reach_the_guest_in_order() {
    let sandbox = Sandbox::new(test_limits(), None).unwrap();
    let c = sandbox.compile(echo()).unwrap();
    let mut app = sandbox.instantiate(&c, AppContext::new("echo")).unwrap();
    let page = PageRef::new(3, "pages/list/list");
    let mut all = Vec::new();
    all.extend(logs(&app.on_launch("a=1").unwrap()));
    all.extend(logs(&app.on_show().unwrap()));
    all.extend(logs(&app.page_load(&page, "id=9").unwrap()));
    all.extend(logs(&app.page_ready(&page).unwrap()));
    all.extend(logs(&app.handle_event(&page, "onTap", &json!({"target": {"id": "row"}})).unwrap()));
    all.extend(logs(&app.on_callback(42, &json!({"ok": true})).unwrap()));
    all.extend(logs(&app.on_hide().unwrap()));
    all.extend(logs(&app.page_unload(&page).unwrap()));
    assert_eq!(
        all,
        [
            "launch a=1",
            "show",
            "load 3 pages/list/list id=9",
            "ready 3",
            "event onTap row",
            "callback 42 {\"ok\":true}",
            "hide",
            "unload 3"
        ]
    );
}

#[test]
fn sys_calls_answer_the_guest() {
    let (_s, _c, mut app, page) = launched(echo(), test_limits());
    let effects = app.handle_event(&page, "sys", &json!({})).unwrap();
    assert_eq!(
        effects,
        vec![Effect::SetData {
            page: 1,
            patch: json!({
                "width": 375, "api": "0.1.1", "random": 8, "randomRefused": true,
                "monotonic": true, "nowMs": true
            })
        }]
    );
}

#[test]
fn set_data_on_a_page_not_loaded_is_an_error_to_the_guest() {
    let (_s, _c, mut app, page) = launched(echo(), test_limits());
    let effects = app.handle_event(&page, "stale", &json!({})).unwrap();
    assert_eq!(logs(&effects), ["Err(HostError::InvalidArgument(\"set-data on page 999, which is not loaded\"))"]);
}

#[test]
fn set_data_after_page_unload_is_refused() {
    let (_s, _c, mut app, page) = launched(crate::guests::hostile(), test_limits());
    app.page_unload(&page).unwrap();
    // the hostile guest ignores the error of "ok"; no effect may come out
    assert_eq!(app.handle_event(&page, "ok", &json!({})).unwrap(), vec![]);
}

#[test]
fn instances_are_independent() {
    let sandbox = Sandbox::new(test_limits(), None).unwrap();
    let c = sandbox.compile(counter()).unwrap();
    let page = PageRef::new(1, "pages/index/index");
    let mut a = sandbox.instantiate(&c, AppContext::new("a")).unwrap();
    let mut b = sandbox.instantiate(&c, AppContext::new("b")).unwrap();
    a.page_load(&page, "").unwrap();
    b.page_load(&page, "").unwrap();
    a.handle_event(&page, "onIncrement", &json!({})).unwrap();
    a.handle_event(&page, "onIncrement", &json!({})).unwrap();
    let eb = b.handle_event(&page, "onIncrement", &json!({})).unwrap();
    assert_eq!(eb, vec![Effect::SetData { page: 1, patch: json!({ "count": 1 }) }]);
}

#[test]
fn instantiation_is_fast_and_idle_instances_do_not_time_out() {
    let sandbox = Sandbox::new(test_limits(), None).unwrap();
    assert!(sandbox.is_pooling(), "pooling allocator expected on this machine");
    let c = sandbox.compile(counter()).unwrap();
    let started = Instant::now();
    let mut app = sandbox.instantiate(&c, AppContext::new("counter")).unwrap();
    let took = started.elapsed();
    assert!(took < Duration::from_millis(50), "instantiate took {took:?}");
    // sleep past the deadline: the deadline is set per call, so this must still work
    std::thread::sleep(Duration::from_millis(300));
    app.page_load(&PageRef::new(1, "p"), "").unwrap();
}

#[test]
fn compiled_components_are_cached_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let first = Sandbox::new(test_limits(), Some(dir.path().to_path_buf())).unwrap();
    first.compile(counter()).unwrap();
    drop(first);
    let entries = walk(dir.path());
    assert!(entries > 0, "nothing written to the cache");
    let second = Sandbox::new(test_limits(), Some(dir.path().to_path_buf())).unwrap();
    let c = second.compile(counter()).unwrap();
    let mut app = second.instantiate(&c, AppContext::new("counter")).unwrap();
    app.on_launch("").unwrap();
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() { walk(&e.path()) } else { 1 }
        })
        .sum()
}
