//! The SDK's typed layer through a real guest (`tests/guests/examples/sdk_typed.rs`): typed page
//! data, handlers by name with typed details (a bad payload is refused with its path, an unknown
//! handler named), and asynchronous answers delivered to closures (modal, timer).

use std::time::{Duration, Instant};

use miniapp_sandbox::Effect;
use serde_json::{json, Value};

use crate::guests::{test_limits, typed};

fn patches(effects: &[Effect]) -> Vec<Value> {
    effects.iter().filter_map(|e| if let Effect::SetData { patch, .. } = e { Some(patch.clone()) } else { None }).collect()
}

fn logs(effects: &[Effect]) -> Vec<String> {
    effects.iter().filter_map(|e| if let Effect::Log { message, .. } = e { Some(message.clone()) } else { None }).collect()
}

#[test]
fn typed_handlers_data_and_closures_work_in_a_real_guest() {
    let sandbox = miniapp_sandbox::Sandbox::new(test_limits(), None).unwrap();
    let component = sandbox.compile(typed()).unwrap();
    let mut app = sandbox.instantiate(&component, miniapp_sandbox::AppContext::new("typed")).unwrap();
    app.on_launch("").unwrap();
    let page = miniapp_sandbox::PageRef::new(1, "pages/index/index");
    // page.set(&View { .. }): the typed struct arrives as an object.
    assert_eq!(patches(&app.page_load(&page, "").unwrap()), [json!({"count": 0, "name": ""})]);

    let step = json!({"type": "tap", "detail": {"step": 5}, "target": {"id": "", "dataset": {}}, "currentTarget": {"id": "", "dataset": {}}});
    let e = app.handle_event(&page, "onStep", &step).unwrap();
    assert_eq!(patches(&e), [json!({"count": 5})]);

    // A detail of the wrong shape: the handler is not called, the log names the path.
    let bad = json!({"type": "tap", "detail": {"step": "five"}});
    let e = app.handle_event(&page, "onStep", &bad).unwrap();
    assert!(patches(&e).is_empty());
    assert!(logs(&e).iter().any(|l| l.contains("onStep") && l.contains("detail.step")), "{:?}", logs(&e));
    let e = app.handle_event(&page, "onNope", &step).unwrap();
    assert!(logs(&e).iter().any(|l| l.contains("no handler \"onNope\"")), "{:?}", logs(&e));

    // ui::modal with a closure: the answer reaches the closure, not App::on_callback.
    let e = app.handle_event(&page, "onAsk", &json!({"type": "tap"})).unwrap();
    let id = e.iter().find_map(|x| if let Effect::Modal { callback, .. } = x { Some(*callback) } else { None }).expect("a modal");
    let answer = app.on_callback(id, &json!({"confirm": true, "cancel": false})).unwrap();
    assert_eq!(patches(&answer), [json!({"count": 0})]);
    assert!(!logs(&answer).iter().any(|l| l.starts_with("untyped callback")), "{:?}", logs(&answer));

    // timer::after with a closure, on the app's event loop.
    app.handle_event(&page, "onLater", &json!({"type": "tap"})).unwrap();
    let started = Instant::now();
    let mut got = Vec::new();
    while let Some(due) = app.next_timer() {
        assert!(started.elapsed() < Duration::from_secs(5), "the timer never fired");
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
        got.extend(patches(&app.run_timers(Instant::now()).unwrap()));
    }
    assert_eq!(got, [json!({"count": 100})]);
}
