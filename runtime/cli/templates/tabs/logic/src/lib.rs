//! The logic of __APP_NAME__: three tab pages. Home puts a badge on the Me tab and switches to
//! it; Discover counts likes (kept while you switch tabs: a tab page stays alive); opening Me
//! clears its badge.

use miniapp_sdk::{export_app, json, nav, App, Event, Page};

/// The Me tab's index in app.json's `tabBar.list`.
const ME_TAB: u32 = 2;

#[derive(Default)]
struct Tabs {
    likes: i64,
}

impl App for Tabs {
    fn page_load(&mut self, page: &Page, _query: &str) {
        if page.route() == "pages/discover/discover" {
            let _ = page.set_data(json!({ "likes": self.likes }));
        }
    }

    fn page_show(&mut self, page: &Page) {
        if page.route() == "pages/me/me" {
            if let Err(e) = nav::remove_tab_bar_badge(ME_TAB) {
                miniapp_sdk::warn!("remove-tab-bar-badge failed: {e:?}");
            }
        }
    }

    fn on_event(&mut self, page: &Page, handler: &str, _event: Event) {
        match handler {
            "onBadge" => {
                if let Err(e) = nav::set_tab_bar_badge(ME_TAB, "new") {
                    miniapp_sdk::error!("set-tab-bar-badge failed: {e:?}");
                }
            }
            "onToMe" => {
                if let Err(e) = nav::switch_tab("/pages/me/me") {
                    miniapp_sdk::error!("switch-tab failed: {e:?}");
                }
            }
            "onLike" => {
                self.likes += 1;
                if let Err(e) = page.set_data(json!({ "likes": self.likes })) {
                    miniapp_sdk::error!("set-data failed: {e:?}");
                }
            }
            other => miniapp_sdk::warn!("no handler named {other}"),
        }
    }
}

export_app!(Tabs);
