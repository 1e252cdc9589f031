//! A hostile app: each handler breaks a rule the sandbox must survive.
//!
//! Handlers: `spin` (infinite loop), `bomb` (allocates until memory runs out), `recurse`
//! (unbounded recursion), `panic` (a Rust panic, i.e. `unreachable`), `big` (set-data of 2 MiB,
//! logs the host error), `many` (set-data 1000 times), `bad-key` (malformed path key), `ok`
//! (one small set-data).

use miniapp_sdk::{export_app, json, App, Event, Page};
use miniapp_test_guests::opaque;

#[derive(Default)]
struct Hostile {
    hoard: Vec<Vec<u8>>,
}

fn recurse(n: u64) -> u64 {
    let buf = opaque([n; 64]);
    if opaque(n) == u64::MAX {
        return buf[3];
    }
    recurse(n + 1) + buf[7]
}

impl App for Hostile {
    fn on_event(&mut self, page: &Page, handler: &str, _event: Event) {
        match handler {
            "spin" => {
                let mut i = 0u64;
                loop {
                    i = opaque(i.wrapping_add(1));
                }
            }
            "bomb" => loop {
                self.hoard.push(opaque(vec![1u8; 1 << 20]));
            },
            "recurse" => {
                let r = recurse(opaque(0));
                miniapp_sdk::info!("{r}");
            }
            "panic" => panic!("the guest gave up"),
            "big" => {
                let s = "x".repeat(2 << 20);
                match page.set_data(json!({ "blob": s })) {
                    Ok(()) => miniapp_sdk::info!("big set-data accepted"),
                    Err(e) => miniapp_sdk::error!("big set-data refused: {e:?}"),
                }
            }
            "many" => {
                for i in 0..1000 {
                    if let Err(e) = page.set_data(json!({ "n": i })) {
                        miniapp_sdk::error!("set-data {i} refused: {e:?}");
                        return;
                    }
                }
            }
            "bad-key" => {
                if let Err(e) = page.set_data(json!({ "a..b": 1 })) {
                    miniapp_sdk::warn!("{e:?}");
                }
            }
            "ok" => {
                page.set_data(json!({ "ok": true })).ok();
            }
            other => miniapp_sdk::warn!("unknown handler {other}"),
        }
    }
}

export_app!(Hostile);
