//! An app of host API 0.1.1: logs every page event and launch option, and answers custom
//! component events with set-component-data and trigger-event.

use miniapp_sdk::{export_app, json, App, Component, Event, LaunchOptions, Page, Value};

#[derive(Default)]
struct Events {
    /// Taps seen per component instance.
    taps: std::collections::HashMap<u32, u32>,
}

impl App for Events {
    fn on_launch(&mut self, query: &str) {
        miniapp_sdk::info!("launch {query}");
    }
    fn on_launch_options(&mut self, o: &LaunchOptions) {
        miniapp_sdk::info!("launch-options {} {} {}", o.path, o.query, o.scene);
    }
    fn page_load(&mut self, page: &Page, _query: &str) {
        miniapp_sdk::info!("load {}", page.id());
    }
    fn page_show(&mut self, page: &Page) {
        miniapp_sdk::info!("show {}", page.id());
    }
    fn page_hide(&mut self, page: &Page) {
        miniapp_sdk::info!("hide {}", page.id());
    }
    fn on_pull_down_refresh(&mut self, page: &Page) {
        miniapp_sdk::info!("refresh {}", page.id());
    }
    fn on_reach_bottom(&mut self, page: &Page) {
        miniapp_sdk::info!("bottom {}", page.id());
    }
    fn on_page_scroll(&mut self, page: &Page, scroll_top: f32) {
        miniapp_sdk::info!("scroll {} {scroll_top}", page.id());
    }
    fn component_attached(&mut self, c: &Component, name: &str, properties: Value) {
        self.taps.insert(c.id(), 0);
        c.set_data(json!({ "label": properties["label"], "taps": 0 })).ok();
        miniapp_sdk::info!("attached {} {name}", c.id());
    }
    fn component_detached(&mut self, c: &Component) {
        self.taps.remove(&c.id());
        miniapp_sdk::info!("detached {}", c.id());
    }
    fn component_properties_changed(&mut self, c: &Component, properties: Value) {
        c.set_data(json!({ "label": properties["label"] })).ok();
    }
    fn component_event(&mut self, c: &Component, handler: &str, event: Event) {
        match handler {
            "onTap" => {
                let taps = self.taps.entry(c.id()).or_insert(0);
                *taps += 1;
                c.set_data(json!({ "taps": *taps })).ok();
                c.trigger_event("change", json!({ "taps": *taps, "from": event["target"]["id"] })).ok();
            }
            "bad" => {
                let unknown = Component::from_id(999).set_data(json!({}));
                let bad_name = c.trigger_event("has space", Value::Null);
                miniapp_sdk::warn!("{unknown:?} / {bad_name:?}");
            }
            other => miniapp_sdk::warn!("no component handler {other}"),
        }
    }
    fn on_event(&mut self, _page: &Page, handler: &str, _event: Event) {
        if handler == "stale-component" {
            // an instance detached earlier: refused
            let e = Component::from_id(7).trigger_event("change", Value::Null);
            miniapp_sdk::warn!("{e:?}");
        }
    }
}

export_app!(Events);
