//! The logic of __APP_NAME__: a list of 100 items filtered by what is typed in the search field.

use miniapp_sdk::{export_app, json, App, Event, Page};

const FRUITS: &[&str] = &["Apple", "Banana", "Cherry", "Date", "Elderberry", "Fig", "Grape", "Honeydew", "Kiwi", "Lemon"];

fn title(id: usize) -> String {
    format!("{} {}", FRUITS[id % FRUITS.len()], id / FRUITS.len() + 1)
}

#[derive(Default)]
struct List;

fn show(page: &Page, query: &str) {
    let q = query.to_lowercase();
    let shown: Vec<_> = (1..=100)
        .filter(|&id| q.is_empty() || title(id).to_lowercase().contains(&q))
        .map(|id| json!({ "id": id, "title": title(id) }))
        .collect();
    if let Err(e) = page.set_data(json!({ "query": query, "shown": shown, "total": 100 })) {
        miniapp_sdk::error!("set-data failed: {e:?}");
    }
}

impl App for List {
    fn page_load(&mut self, page: &Page, query: &str) {
        if page.route().starts_with("pages/detail") {
            let id: usize = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("id="))
                .and_then(|v| v.parse().ok())
                .unwrap_or(1);
            let _ = page.set_data(json!({ "id": id, "title": title(id) }));
        } else {
            show(page, "");
        }
    }

    fn on_event(&mut self, page: &Page, handler: &str, event: Event) {
        match handler {
            "onSearch" => show(page, event["detail"]["value"].as_str().unwrap_or("")),
            other => miniapp_sdk::warn!("no handler named {other}"),
        }
    }
}

export_app!(List);
