//! The host API beyond set-data, through a real guest: navigation and its stack limit, storage
//! and its quota (persistent across instances), timers on the event loop, system UI callbacks.

use std::time::{Duration, Instant};

use miniapp_sandbox::{AppContext, AppInstance, Effect, NavKind, PageRef, Sandbox, Storage, TabBarMark, ToastIcon};
use serde_json::{json, Value};

use crate::guests::{echo, test_limits};

fn ctx(storage: Option<Storage>) -> AppContext {
    let mut ctx = AppContext::new("echo");
    ctx.pages = vec!["pages/index/index".into(), "pages/list/list".into()];
    ctx.storage = storage;
    ctx
}

fn start(sandbox: &Sandbox, storage: Option<Storage>) -> (AppInstance, PageRef) {
    let c = sandbox.compile(echo()).unwrap();
    let mut app = sandbox.instantiate(&c, ctx(storage)).unwrap();
    let page = PageRef::new(1, "pages/index/index");
    app.page_load(&page, "").unwrap();
    (app, page)
}

fn logs(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Log { message, .. } => Some(message.clone()),
            _ => None,
        })
        .collect()
}

fn patch(effects: &[Effect]) -> Value {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::SetData { patch, .. } => Some(patch.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no set-data in {effects:?}"))
}

#[test]
fn tab_bar_badges_reach_the_shell_and_bad_input_comes_back_as_host_errors() {
    let sandbox = Sandbox::new(test_limits(), None).unwrap();
    let c = sandbox.compile(echo()).unwrap();
    let mut with_bar = ctx(None);
    with_bar.tab_pages = vec!["pages/index/index".into(), "pages/list/list".into()];
    let mut app = sandbox.instantiate(&c, with_bar).unwrap();
    let page = PageRef::new(1, "pages/index/index");
    app.page_load(&page, "").unwrap();
    let calls = json!({ "calls": [
        { "badge": [1, "3"] }, { "dot": 0 }, { "badge": [2, "1"] }, { "badge": [1, "1000+"] }, { "badge": [1, ""] },
        { "unbadge": 1 }, { "undot": 0 } ] });
    let effects = app.handle_event(&page, "tab-marks", &calls).unwrap();
    let marks: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::TabBar { index, mark } => Some((*index, mark.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        marks,
        [
            (1, TabBarMark::Badge("3".into())),
            (0, TabBarMark::RedDot),
            (1, TabBarMark::RemoveBadge),
            (0, TabBarMark::HideRedDot)
        ]
    );
    let logs = logs(&effects);
    assert!(logs[2].ends_with("-> Err(HostError::InvalidArgument(\"set-tab-bar-badge: tab bar index 2 is out of range, the tab bar has 2 items (0 to 1)\"))"), "{logs:?}");
    assert!(logs[3].contains("LimitExceeded(\"set-tab-bar-badge: badge text \\\"1000+\\\" is 5 characters, over the tab-bar-badge-chars limit of 4\")"), "{logs:?}");
    assert!(logs[4].contains("InvalidArgument(\"set-tab-bar-badge: the badge text is empty"), "{logs:?}");

    // An app without a tab bar: every call is not-found, nothing reaches the shell.
    let (mut plain, page) = start(&sandbox, None);
    let effects = plain.handle_event(&page, "tab-marks", &json!({ "calls": [{ "dot": 0 }] })).unwrap();
    assert!(!effects.iter().any(|e| matches!(e, Effect::TabBar { .. })), "{effects:?}");
    assert!(
        logs_of(&effects).contains("NotFound(\"show-tab-bar-red-dot: app echo has no tab bar (no tabBar in app.json)\")"),
        "{effects:?}"
    );
}

fn logs_of(effects: &[Effect]) -> String {
    logs(effects).join("\n")
}

#[test]
fn navigating_eleven_deep_is_refused_at_the_limit() {
    let sandbox = Sandbox::new(test_limits(), None).unwrap();
    let (mut app, page) = start(&sandbox, None);
    let effects = app.handle_event(&page, "nav-deep", &json!({})).unwrap();
    let navs: Vec<_> = effects.iter().filter(|e| matches!(e, Effect::Navigate { .. })).collect();
    assert_eq!(navs.len(), 9, "one page is already open");
    assert_eq!(
        navs[0],
        &Effect::Navigate { kind: NavKind::NavigateTo, route: "pages/list/list".into(), query: "n=1".into() }
    );
    assert_eq!(
        logs(&effects),
        [
            "navigate 10 refused: HostError::LimitExceeded(\"navigate-to pages/list/list: the page stack is 10 deep, the limit is 10\")",
            "navigate 11 refused: HostError::LimitExceeded(\"navigate-to pages/list/list: the page stack is 10 deep, the limit is 10\")",
        ]
    );
}

#[test]
fn navigating_to_an_undeclared_page_is_not_found() {
    let sandbox = Sandbox::new(test_limits(), None).unwrap();
    let (mut app, page) = start(&sandbox, None);
    let effects = app.handle_event(&page, "nav-bad", &json!({})).unwrap();
    assert_eq!(logs(&effects), ["Err(HostError::NotFound(\"no page pages/secret/secret in app.json of app echo\"))"]);
}

#[test]
fn storage_over_quota_is_refused_and_committed_data_survives() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("storage.db");
    // writing 10 MiB durably takes a while on a busy machine: give the handler time
    let limits = miniapp_sandbox::Limits { handler_deadline: Duration::from_secs(20), ..test_limits() };
    let sandbox = Sandbox::new(limits, None).unwrap();
    {
        let (mut app, page) = start(&sandbox, Some(Storage::open(&path).unwrap()));
        let p = patch(&app.handle_event(&page, "store", &json!({})).unwrap());
        assert_eq!(p["got"], "hello");
        assert_eq!(p["stored"], 9, "{p}");
        assert_eq!(p["keys"], 10);
        assert_eq!(p["limit"], 10 << 20);
        let err = p["error"].as_str().unwrap();
        assert!(err.starts_with("HostError::LimitExceeded(\"storage of app echo would be "), "{err}");
        assert!(err.ends_with("over the quota of 10485760 bytes\")"), "{err}");
    }
    // A fresh instance, with the database reopened: the committed value is still there.
    let (mut app, page) = start(&sandbox, Some(Storage::open(&path).unwrap()));
    let p = patch(&app.handle_event(&page, "store-read", &json!({})).unwrap());
    assert_eq!(p["got"], "hello");
}

#[test]
fn timers_fire_through_on_callback_and_can_be_cleared() {
    let sandbox = Sandbox::new(test_limits(), None).unwrap();
    let (mut app, page) = start(&sandbox, None);
    let p = patch(&app.handle_event(&page, "timer", &json!({})).unwrap());
    let (once, every) = (p["once"].as_u64().unwrap(), p["every"].as_u64().unwrap());
    let started = Instant::now();
    let mut lines = Vec::new();
    while let Some(due) = app.next_timer() {
        assert!(started.elapsed() < Duration::from_secs(5), "timers never stopped: {lines:?}");
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
        lines.extend(logs(&app.run_timers(Instant::now()).unwrap()));
    }
    let count = |id: u64| lines.iter().filter(|l| l.starts_with(&format!("callback {id} "))).count();
    assert_eq!(count(once), 1, "{lines:?}");
    assert_eq!(count(every), 2, "{lines:?}");
    assert!(lines.contains(&format!("callback {once} {{\"timer\":{once}}}")), "{lines:?}");
}

#[test]
fn modal_answers_come_back_through_on_callback() {
    let sandbox = Sandbox::new(test_limits(), None).unwrap();
    let (mut app, page) = start(&sandbox, None);
    let effects = app.handle_event(&page, "modal", &json!({})).unwrap();
    let id = patch(&effects)["modal"].as_u64().unwrap() as u32;
    assert!(effects.contains(&Effect::Modal {
        callback: id,
        title: "Delete?".into(),
        content: "Really?".into(),
        show_cancel: true
    }));
    assert!(effects.iter().any(|e| matches!(e, Effect::Toast { icon: ToastIcon::Success, title, .. } if title == "hi")));
    let answer = app.on_callback(id, &json!({"confirm": true, "cancel": false})).unwrap();
    assert_eq!(logs(&answer), [format!("callback {id} {{\"cancel\":false,\"confirm\":true}}")]);
}

#[test]
fn storage_without_a_database_is_unavailable_not_a_crash() {
    let sandbox = Sandbox::new(test_limits(), None).unwrap();
    let (mut app, page) = start(&sandbox, None);
    // the guest unwraps the storage error: that is a guest panic, i.e. a trap, and the host lives
    let e = app.handle_event(&page, "store", &json!({})).unwrap_err();
    assert!(matches!(&e, miniapp_sandbox::Error::Panicked { message, .. } if message.contains("unavailable") || message.contains("storage")), "{e:?}");
    let (mut again, page) = start(&sandbox, None);
    assert!(again.handle_event(&page, "modal", &json!({})).is_ok());
}
