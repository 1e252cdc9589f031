//! Hostile apps: each breaks a rule, gets a clear error, and the host lives on — the next
//! instantiate of the same component works.

use std::time::{Duration, Instant};

use miniapp_sandbox::{AppComponent, AppContext, Effect, Error, Sandbox};
use serde_json::json;

use crate::guests::{hostile, launched, test_limits};

/// After a failure the old instance is poisoned and a fresh one works.
fn assert_recovers(sandbox: &Sandbox, component: &AppComponent, app: &mut miniapp_sandbox::AppInstance) {
    assert!(app.is_poisoned());
    let page = miniapp_sandbox::PageRef::new(1, "pages/index/index");
    let again = app.handle_event(&page, "ok", &json!({})).unwrap_err();
    assert_eq!(again.to_string(), "app test-app was stopped by an earlier error; instantiate it again");
    let mut fresh = sandbox.instantiate(component, AppContext::new("test-app")).unwrap();
    fresh.page_load(&page, "").unwrap();
    let effects = fresh.handle_event(&page, "ok", &json!({})).unwrap();
    assert_eq!(effects, vec![Effect::SetData { page: 1, patch: json!({"ok": true}) }]);
}

#[test]
fn infinite_loop_times_out_and_the_host_lives_on() {
    let (sandbox, component, mut app, page) = launched(hostile(), test_limits());
    let started = Instant::now();
    let e = app.handle_event(&page, "spin", &json!({})).unwrap_err();
    let took = started.elapsed();
    assert!(matches!(e, Error::Timeout { .. }), "{e:?}");
    assert_eq!(e.to_string(), "app script timed out in handle-event(spin) (deadline 200 ms)");
    assert!(took >= Duration::from_millis(150) && took < Duration::from_secs(3), "took {took:?}");
    assert_recovers(&sandbox, &component, &mut app);
}

#[test]
fn memory_bomb_hits_the_memory_limit() {
    let (sandbox, component, mut app, page) = launched(hostile(), test_limits());
    let e = app.handle_event(&page, "bomb", &json!({})).unwrap_err();
    match &e {
        Error::LimitExceeded { kind, limit, actual, handler } => {
            assert_eq!((*kind, *limit, handler.as_str()), ("memory", 32 << 20, "handle-event(bomb)"));
            assert!(*actual > *limit);
        }
        other => panic!("expected a memory limit error, got {other:?}"),
    }
    assert!(e.to_string().starts_with("app script exceeded the memory limit in handle-event(bomb): wanted "));
    assert_recovers(&sandbox, &component, &mut app);
}

#[test]
fn deep_recursion_traps() {
    let (sandbox, component, mut app, page) = launched(hostile(), test_limits());
    let e = app.handle_event(&page, "recurse", &json!({})).unwrap_err();
    match &e {
        Error::Trapped { handler, trap } => {
            assert_eq!(handler, "handle-event(recurse)");
            assert!(trap.contains("stack overflow") || trap.contains("out of bounds"), "{trap}");
        }
        other => panic!("expected a trap, got {other:?}"),
    }
    assert_recovers(&sandbox, &component, &mut app);
}

#[test]
fn guest_panic_is_an_error_with_its_message_and_location_not_a_host_panic() {
    let (sandbox, component, mut app, page) = launched(hostile(), test_limits());
    let e = app.handle_event(&page, "panic", &json!({})).unwrap_err();
    match &e {
        Error::Panicked { handler, message } => {
            assert_eq!(handler, "handle-event(panic)");
            // the SDK's hook: file:line:column of the panic in the guest's source, then its message
            assert!(message.starts_with("panicked at examples/sandbox_hostile.rs:"), "{message}");
            assert!(message.ends_with(": the guest gave up"), "{message}");
        }
        other => panic!("expected a panic with its message, got {other:?}"),
    }
    assert!(e.to_string().starts_with("app script in handle-event(panic) panicked at examples/sandbox_hostile.rs:"), "{e}");
    assert_recovers(&sandbox, &component, &mut app);
}

#[test]
fn set_data_of_two_mib_is_an_error_to_the_guest() {
    let (_s, _c, mut app, page) = launched(hostile(), test_limits());
    let effects = app.handle_event(&page, "big", &json!({})).unwrap();
    assert_eq!(effects.len(), 1, "{effects:?}");
    let Effect::Log { message, .. } = &effects[0] else { panic!("{effects:?}") };
    assert!(message.starts_with("big set-data refused: HostError::LimitExceeded(\"set-data patch is "), "{message}");
    assert!(message.contains("over the limit of 1048576 bytes"), "{message}");
    assert!(!app.is_poisoned());
}

#[test]
fn set_data_a_thousand_times_works() {
    let (_s, _c, mut app, page) = launched(hostile(), test_limits());
    let effects = app.handle_event(&page, "many", &json!({})).unwrap();
    assert_eq!(effects.len(), 1000);
    assert_eq!(effects[999], Effect::SetData { page: 1, patch: json!({"n": 999}) });
}

#[test]
fn malformed_path_key_is_an_error_to_the_guest() {
    let (_s, _c, mut app, page) = launched(hostile(), test_limits());
    let effects = app.handle_event(&page, "bad-key", &json!({})).unwrap();
    let Effect::Log { message, .. } = &effects[0] else { panic!("{effects:?}") };
    assert!(message.contains("invalid path key \\\"a..b\\\": empty segment"), "{message}");
}

#[test]
fn a_timeout_in_one_app_leaves_another_running() {
    let sandbox = Sandbox::new(test_limits(), None).unwrap();
    let component = sandbox.compile(hostile()).unwrap();
    let page = miniapp_sandbox::PageRef::new(1, "p");
    let mut bad = sandbox.instantiate(&component, AppContext::new("bad")).unwrap();
    let mut good = sandbox.instantiate(&component, AppContext::new("good")).unwrap();
    bad.page_load(&page, "").unwrap();
    good.page_load(&page, "").unwrap();
    assert!(bad.handle_event(&page, "spin", &json!({})).is_err());
    assert_eq!(good.handle_event(&page, "ok", &json!({})).unwrap().len(), 1);
}
