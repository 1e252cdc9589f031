//! Host API 0.1.1's optional exports reach a guest that has them: page events and launch
//! options in order, and custom component events answered with set-component-data and
//! trigger-event effects (refusals go back to the guest as errors).

use miniapp_sandbox::{AppContext, AppInstance, Effect, LaunchOptions, PageRef, Sandbox};
use serde_json::json;

use crate::guests::{events, test_limits};

fn logs(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Log { message, .. } => Some(message.clone()),
            _ => None,
        })
        .collect()
}

fn app() -> (Sandbox, AppInstance) {
    let sandbox = Sandbox::new(test_limits(), None).unwrap();
    let c = sandbox.compile(events()).unwrap();
    let app = sandbox.instantiate(&c, AppContext::new("events")).unwrap();
    (sandbox, app)
}

#[test]
fn page_events_and_launch_options_reach_the_guest_in_order() {
    let (_s, mut app) = app();
    assert!(app.supports_page_events());
    let page = PageRef::new(2, "pages/index/index");
    let mut all = Vec::new();
    let options = LaunchOptions { path: "pages/index/index".into(), query: "a=1".into(), scene: 1011 };
    all.extend(logs(&app.on_launch_options(&options).unwrap()));
    all.extend(logs(&app.on_launch("a=1").unwrap()));
    all.extend(logs(&app.page_load(&page, "").unwrap()));
    all.extend(logs(&app.page_show(&page).unwrap()));
    all.extend(logs(&app.on_page_scroll(&page, 120.5).unwrap()));
    all.extend(logs(&app.on_reach_bottom(&page).unwrap()));
    all.extend(logs(&app.on_pull_down_refresh(&page).unwrap()));
    all.extend(logs(&app.page_hide(&page).unwrap()));
    assert_eq!(
        all,
        [
            "launch-options pages/index/index a=1 1011",
            "launch a=1",
            "load 2",
            "show 2",
            "scroll 2 120.5",
            "bottom 2",
            "refresh 2",
            "hide 2"
        ]
    );
}

#[test]
fn component_events_come_back_as_set_component_data_and_trigger_event() {
    let (_s, mut app) = app();
    assert!(app.supports_component_events());
    let effects = app.component_attached(7, "components/counter/counter", &json!({"label": "Likes"})).unwrap();
    assert_eq!(effects[0], Effect::SetComponentData { instance: 7, patch: json!({"label": "Likes", "taps": 0}) });
    assert_eq!(logs(&effects), ["attached 7 components/counter/counter"]);

    let tap = json!({"type": "tap", "target": {"id": "btn", "dataset": {}}});
    let effects = app.component_event(7, "onTap", &tap).unwrap();
    assert_eq!(
        effects,
        vec![
            Effect::SetComponentData { instance: 7, patch: json!({"taps": 1}) },
            Effect::TriggerEvent { instance: 7, name: "change".into(), detail: json!({"taps": 1, "from": "btn"}) },
        ]
    );

    let effects = app.component_properties_changed(7, &json!({"label": "Stars"})).unwrap();
    assert_eq!(effects, vec![Effect::SetComponentData { instance: 7, patch: json!({"label": "Stars"}) }]);

    let effects = app.component_event(7, "bad", &json!({})).unwrap();
    assert_eq!(
        logs(&effects),
        ["Err(HostError::InvalidArgument(\"set-component-data on component instance 999, which is not attached\")) / \
          Err(HostError::InvalidArgument(\"trigger-event name \\\"has space\\\" contains ' ': whitespace and control characters are not allowed\"))"]
    );

    assert_eq!(logs(&app.component_detached(7).unwrap()), ["detached 7"]);
    // after detach, the instance's id is refused
    let page = PageRef::new(1, "pages/index/index");
    app.page_load(&page, "").unwrap();
    let effects = app.handle_event(&page, "stale-component", &json!({})).unwrap();
    assert_eq!(
        logs(&effects),
        ["Err(HostError::InvalidArgument(\"trigger-event from component instance 7, which is not attached\"))"]
    );
    assert!(!app.is_poisoned());
}
