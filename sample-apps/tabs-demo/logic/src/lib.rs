//! The tabs demo's logic: one count per page instance (a tab page keeps its count while the app
//! switches tabs, because the page stays alive), and a button that switches tab from the logic.

use std::collections::HashMap;

use miniapp_sdk::{export_app, json, nav, App, Event, LaunchOptions, Page};

/// One count per open page instance.
#[derive(Default)]
struct Tabs {
    counts: HashMap<u32, i64>,
}

impl Tabs {
    fn show(&self, page: &Page) {
        let count = self.counts.get(&page.id()).copied().unwrap_or(0);
        if let Err(e) = page.set_data(json!({ "count": count })) {
            miniapp_sdk::error!("set-data failed: {e:?}");
        }
    }
}

impl App for Tabs {
    fn on_launch_options(&mut self, options: &LaunchOptions) {
        miniapp_sdk::info!("launched at {} scene {} query {:?}", options.path, options.scene, options.query);
    }

    fn on_launch(&mut self, _query: &str) {
        miniapp_sdk::info!("app launched");
    }

    fn on_show(&mut self) {
        miniapp_sdk::info!("app shown");
    }

    fn on_hide(&mut self) {
        miniapp_sdk::info!("app hidden");
    }

    fn page_ready(&mut self, page: &Page) {
        miniapp_sdk::info!("ready {}", page.route());
    }

    fn page_show(&mut self, page: &Page) {
        miniapp_sdk::info!("shown {}", page.route());
    }

    fn page_hide(&mut self, page: &Page) {
        miniapp_sdk::info!("hidden {}", page.route());
    }

    fn page_load(&mut self, page: &Page, _query: &str) {
        miniapp_sdk::info!("loaded {}", page.route());
        self.counts.insert(page.id(), 0);
        self.show(page);
    }

    fn page_unload(&mut self, page: &Page) {
        miniapp_sdk::info!("unloaded {}", page.route());
        self.counts.remove(&page.id());
    }

    fn on_event(&mut self, page: &Page, handler: &str, _event: Event) {
        match handler {
            "onIncrement" => {
                *self.counts.entry(page.id()).or_insert(0) += 1;
                self.show(page);
            }
            "onSwitchToList" => {
                if let Err(e) = nav::switch_tab("/pages/list/list") {
                    miniapp_sdk::error!("switch-tab failed: {e:?}");
                }
            }
            other => miniapp_sdk::warn!("no handler named {other}"),
        }
    }
}

export_app!(Tabs);
