//! The logic of __APP_NAME__: runs in the host's sandbox and may call only the host API.

use std::collections::HashMap;

use miniapp_sdk::{export_app, json, App, Event, Page};

#[derive(Default)]
struct Counter {
    counts: HashMap<u32, i64>,
}

impl Counter {
    fn show(&self, page: &Page) {
        let count = self.counts.get(&page.id()).copied().unwrap_or(0);
        if let Err(e) = page.set_data(json!({ "count": count })) {
            miniapp_sdk::error!("set-data failed: {e:?}");
        }
    }
}

impl App for Counter {
    fn page_load(&mut self, page: &Page, _query: &str) {
        self.counts.insert(page.id(), 0);
        self.show(page);
    }

    fn page_unload(&mut self, page: &Page) {
        self.counts.remove(&page.id());
    }

    fn on_event(&mut self, page: &Page, handler: &str, _event: Event) {
        match handler {
            "onIncrement" => {
                *self.counts.entry(page.id()).or_insert(0) += 1;
                self.show(page);
            }
            other => miniapp_sdk::warn!("no handler named {other}"),
        }
    }
}

export_app!(Counter);
