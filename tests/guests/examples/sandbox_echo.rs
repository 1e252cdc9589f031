//! A well-behaved app that reports every lifecycle call as a log line, and uses `sys`.

use miniapp_sdk::{export_app, json, App, Event, Page, Value};

#[derive(Default)]
struct Echo {
    loads: u32,
    ticks: u32,
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
            "tab-marks" => {
                // Each of {"badge": [index, text]}, {"dot": index} reports what the host said.
                for call in event["calls"].as_array().cloned().unwrap_or_default() {
                    let r = if let Some(b) = call.get("badge") {
                        miniapp_sdk::nav::set_tab_bar_badge(b[0].as_u64().unwrap_or(0) as u32, b[1].as_str().unwrap_or_default())
                    } else if let Some(i) = call.get("unbadge") {
                        miniapp_sdk::nav::remove_tab_bar_badge(i.as_u64().unwrap_or(0) as u32)
                    } else if let Some(i) = call.get("dot") {
                        miniapp_sdk::nav::show_tab_bar_red_dot(i.as_u64().unwrap_or(0) as u32)
                    } else {
                        miniapp_sdk::nav::hide_tab_bar_red_dot(call["undot"].as_u64().unwrap_or(0) as u32)
                    };
                    miniapp_sdk::info!("{call} -> {r:?}");
                }
            }
            "nav-deep" => {
                for i in 1..=11 {
                    if let Err(e) = miniapp_sdk::nav::navigate_to("/pages/list/list?n=1") {
                        miniapp_sdk::warn!("navigate {i} refused: {e:?}");
                    }
                }
            }
            "fetch" => {
                let options = miniapp_sdk::net::RequestOptions {
                    url: event["url"].as_str().unwrap_or_default().into(),
                    method: event["method"].as_str().unwrap_or("GET").into(),
                    headers: event["headers"]
                        .as_object()
                        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().into())).collect())
                        .unwrap_or_default(),
                    body: None,
                    timeout_ms: event["timeout"].as_u64().unwrap_or(0) as u32,
                };
                match miniapp_sdk::net::request(&options) {
                    Ok(id) => {
                        page.set_data(json!({ "request": id })).ok();
                    }
                    Err(e) => miniapp_sdk::warn!("request refused: {e:?}"),
                }
            }
            "nav-bad" => {
                let e = miniapp_sdk::nav::navigate_to("pages/secret/secret");
                miniapp_sdk::warn!("{e:?}");
            }
            "store" => {
                use miniapp_sdk::storage;
                storage::set("greeting", "hello").unwrap();
                let got = storage::get("greeting").unwrap();
                let chunk = "x".repeat(1 << 20);
                let mut stored = 0;
                let err = loop {
                    match storage::set(&format!("chunk{stored}"), &chunk) {
                        Ok(()) => stored += 1,
                        Err(e) => break e,
                    }
                };
                let info = storage::info().unwrap();
                page.set_data(json!({
                    "got": got, "stored": stored, "error": format!("{err:?}"),
                    "keys": info.keys.len(), "size": info.current_size, "limit": info.limit_size,
                })).ok();
            }
            "store-read" => {
                let got = miniapp_sdk::storage::get("greeting").unwrap();
                page.set_data(json!({ "got": got })).ok();
            }
            "timer" => {
                let once = miniapp_sdk::timer::set_timeout(20).unwrap();
                let every = miniapp_sdk::timer::set_interval(10).unwrap();
                page.set_data(json!({ "once": once, "every": every })).ok();
            }
            "modal" => {
                let id = miniapp_sdk::ui::show_modal("Delete?", "Really?", true).unwrap();
                miniapp_sdk::ui::show_toast("hi", miniapp_sdk::ui::ToastIcon::Success, 0).unwrap();
                page.set_data(json!({ "modal": id })).ok();
            }
            _ => {
                miniapp_sdk::info!("event {handler} {}", event["target"]["id"].as_str().unwrap_or(""));
            }
        }
    }
    fn on_callback(&mut self, callback: u32, payload: Value) {
        miniapp_sdk::info!("callback {callback} {payload}");
        if payload["timer"].is_number() && self.loads > 0 {
            self.ticks += 1;
            if self.ticks == 3 {
                miniapp_sdk::timer::clear(callback);
            }
        }
    }
}

export_app!(Echo);
