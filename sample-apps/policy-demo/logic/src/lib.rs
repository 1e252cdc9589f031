//! The policy-demo sample: each handler breaks one rule of the platform and the host stops it.
//! `onUndeclared` calls a back end app.json does not declare (the host refuses it before any
//! connection and the app shows why); `onSpin` loops forever (stopped at the handler deadline:
//! the error page); `onBomb` allocates without end (stopped at the memory limit).

use miniapp_sdk::{export_app, json, net, App, Event, Page};

#[derive(Default)]
struct PolicyDemo {
    hoard: Vec<Vec<u8>>,
}

impl App for PolicyDemo {
    fn page_load(&mut self, page: &Page, _query: &str) {
        if page.route() == "pages/index/index" {
            let _ = page.set_data(json!({ "refusal": "" }));
        }
    }

    fn on_event(&mut self, page: &Page, handler: &str, _event: Event) {
        match handler {
            "onUndeclared" => {
                let refusal = match net::get("https://api.undeclared.example/users") {
                    Ok(id) => format!("the host let request {id} through: this should not happen"),
                    Err(e) => format!("Refused by the host: {e:?}"),
                };
                miniapp_sdk::warn!("{refusal}");
                let _ = page.set_data(json!({ "refusal": refusal }));
            }
            "onSpin" => {
                let mut i = 0u64;
                loop {
                    i = std::hint::black_box(i.wrapping_add(1));
                }
            }
            "onBomb" => loop {
                self.hoard.push(std::hint::black_box(vec![1u8; 1 << 20]));
            },
            other => miniapp_sdk::warn!("policy-demo: no handler {other}"),
        }
    }
}

export_app!(PolicyDemo);
