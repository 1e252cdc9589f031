//! The notes sample: a list kept in the app's storage (survives restarts), a detail page opened
//! with `nav::navigate_to` and a query, and a toast after saving. The form page has a text
//! field (`bind:input`), a size picker and a date picker (the host's bottom sheet), and a long
//! list to scroll, tap and long-press; pulling it down refreshes it (the indicator shows until a
//! 300 ms timer stops it with `nav::stop_pull_down_refresh`).

use miniapp_sdk::{export_app, json, nav, storage, timer, ui, App, Event, Page, Value};

const KEY: &str = "notes";

#[derive(Default)]
struct Notes {
    notes: Vec<String>,
    /// The timer that ends a pull-down refresh.
    refresh_timer: Option<u32>,
}

impl Notes {
    fn show_list(&self, page: &Page) {
        if let Err(e) = page.set_data(json!({ "notes": self.notes })) {
            miniapp_sdk::error!("set-data failed: {e:?}");
        }
    }

    fn save(&self) {
        if let Err(e) = storage::set_json(KEY, &json!(self.notes)) {
            miniapp_sdk::error!("saving notes failed: {e:?}");
        }
    }
}

impl App for Notes {
    fn on_launch(&mut self, _query: &str) {
        self.notes = match storage::get_json(KEY) {
            Ok(Some(v)) => serde_json_strings(&v),
            Ok(None) => Vec::new(),
            Err(e) => {
                miniapp_sdk::warn!("storage unavailable: {e:?}");
                Vec::new()
            }
        };
        miniapp_sdk::info!("notes launched with {} saved notes", self.notes.len());
    }

    fn page_load(&mut self, page: &Page, query: &str) {
        if page.route() == "pages/detail/detail" {
            let id: usize = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("id="))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let text = self.notes.get(id).cloned().unwrap_or_else(|| "(deleted)".into());
            let _ = page.set_data(json!({ "title": format!("Viewing note #{}", id + 1), "text": text }));
        } else if page.route() == "pages/form/form" {
            let rows: Vec<u32> = (1..=40).collect();
            let _ = page.set_data(json!({
                "name": "", "picked": "", "rows": rows,
                "sizes": ["S", "M", "L", "XL"], "size": 1, "day": "2026-12-01",
            }));
        } else {
            self.show_list(page);
        }
    }

    fn on_pull_down_refresh(&mut self, _page: &Page) {
        miniapp_sdk::info!("refreshing");
        match timer::set_timeout(300) {
            Ok(id) => self.refresh_timer = Some(id),
            Err(e) => {
                miniapp_sdk::warn!("no timer ({e:?}): stopping the refresh at once");
                nav::stop_pull_down_refresh();
            }
        }
    }

    fn on_callback(&mut self, callback: u32, _payload: Value) {
        if self.refresh_timer == Some(callback) {
            self.refresh_timer = None;
            nav::stop_pull_down_refresh();
            miniapp_sdk::info!("refresh done");
        }
    }

    fn on_event(&mut self, page: &Page, handler: &str, event: Event) {
        match handler {
            "onAdd" => {
                let n = self.notes.len() + 1;
                self.notes.push(format!("Note {n}: written at {} ms", miniapp_sdk::now_ms() % 100_000));
                self.save();
                let _ = ui::show_toast("Saved", ui::ToastIcon::Success, 1500);
                self.show_list(page);
            }
            "onClear" => {
                self.notes.clear();
                self.save();
                self.show_list(page);
            }
            "onOpen" => {
                let index = event["currentTarget"]["dataset"]["index"]
                    .as_u64()
                    .or_else(|| event["currentTarget"]["dataset"]["index"].as_str().and_then(|s| s.parse().ok()))
                    .unwrap_or(0);
                if let Err(e) = nav::navigate_to(&format!("pages/detail/detail?id={index}")) {
                    miniapp_sdk::error!("navigate failed: {e:?}");
                }
            }
            "onName" => {
                let name = event["detail"]["value"].as_str().unwrap_or_default().to_string();
                miniapp_sdk::info!("name is {name}");
                let _ = page.set_data(json!({ "name": name }));
            }
            "onSize" => {
                // a selector picker's change: the chosen index
                let size = event["detail"]["value"].as_u64().unwrap_or(0);
                let _ = page.set_data(json!({ "size": size }));
            }
            "onDay" => {
                let day = event["detail"]["value"].as_str().unwrap_or_default().to_string();
                let _ = page.set_data(json!({ "day": day }));
            }
            "onRow" | "onRowHeld" => {
                let n = &event["currentTarget"]["dataset"]["n"];
                let what = if handler == "onRow" { "tapped" } else { "held" };
                miniapp_sdk::info!("row {n} {what}");
                let _ = page.set_data(json!({ "picked": format!("row {n} {what}") }));
            }
            other => miniapp_sdk::warn!("no handler named {other}"),
        }
    }
}

fn serde_json_strings(v: &miniapp_sdk::Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

export_app!(Notes);
