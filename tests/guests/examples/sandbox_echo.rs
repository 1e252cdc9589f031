//! A well-behaved app that reports every lifecycle call as a log line, and uses `sys`.

use miniapp_sdk::{export_app, json, App, Event, Page, Value};

#[derive(Default)]
struct Echo {
    loads: u32,
}

impl App for Echo {
    fn on_launch(&mut self, query: &str) {
        miniapp_sdk::info!("launch {query}");
    }
    fn on_show(&mut self) {
        miniapp_sdk::info!("show");
    }
    fn on_hide(&mut self) {
        miniapp_sdk::info!("hide");
    }
    fn page_load(&mut self, page: &Page, query: &str) {
        self.loads += 1;
        miniapp_sdk::info!("load {} {} {query}", page.id(), page.route());
        page.set_data(json!({ "loads": self.loads })).ok();
    }
    fn page_ready(&mut self, page: &Page) {
        miniapp_sdk::info!("ready {}", page.id());
    }
    fn page_unload(&mut self, page: &Page) {
        miniapp_sdk::info!("unload {}", page.id());
    }
    fn on_event(&mut self, page: &Page, handler: &str, event: Event) {
        match handler {
            "sys" => {
                let info = miniapp_sdk::system_info();
                let rnd = miniapp_sdk::random_bytes(8).map(|b| b.len()).unwrap_or(0);
                let too_many = miniapp_sdk::random_bytes(1 << 20).is_err();
                let t0 = miniapp_sdk::monotonic_ns();
                let t1 = miniapp_sdk::monotonic_ns();
                page.set_data(json!({
                    "width": info.screen_width,
                    "api": info.api_version,
                    "random": rnd,
                    "randomRefused": too_many,
                    "monotonic": t1 >= t0,
                    "nowMs": miniapp_sdk::now_ms() > 1_600_000_000_000u64,
                }))
                .ok();
            }
            "stale" => {
                // set-data on a page id that was never loaded
                let e = miniapp_sdk::bindings::miniapp::host::view::set_data(999, "{}");
                miniapp_sdk::warn!("{e:?}");
            }
            _ => {
                miniapp_sdk::info!("event {handler} {}", event["target"]["id"].as_str().unwrap_or(""));
            }
        }
    }
    fn on_callback(&mut self, callback: u32, payload: Value) {
        miniapp_sdk::info!("callback {callback} {payload}");
    }
}

export_app!(Echo);
