//! The account sample: the platform login flow, a permission prompt, the camera and the
//! clipboard.
//!
//! - "Log in": `auth::login()` gives a one-time code; the app POSTs it to its back end
//!   (`{backend}/login`), which exchanges it at the cloud for the user's `openid` and answers
//!   `{"openid": ".."}`. The back end's origin is declared in `app.json`; the launch query may
//!   name another declared one (launch URL `…/apps/account?query=backend%3Dhttp%3A%2F%2F127.0.0.1%3A8080`).
//! - "Scan a QR code": asks for `scope.camera` (prompted once, remembered), then opens the camera.
//! - "Copy user" / "Paste": the clipboard.

use miniapp_sdk::{auth, device, export_app, json, net, App, Event, Page, Value};

const DEFAULT_BACKEND: &str = "https://account.example.com";

/// What a callback id was for.
enum Pending {
    Login,
    Session,
    Camera,
    Scan,
    Applied,
}

#[derive(Default)]
struct Account {
    backend: String,
    page: Option<Page>,
    user: Option<String>,
    pending: Vec<(u32, Pending)>,
}

impl Account {
    fn show(&self, patch: Value) {
        if let Some(page) = &self.page {
            if let Err(e) = page.set_data(patch) {
                miniapp_sdk::error!("set-data failed: {e:?}");
            }
        }
    }

    fn expect(&mut self, id: Result<u32, miniapp_sdk::HostError>, what: Pending, field: &str) {
        match id {
            Ok(id) => self.pending.push((id, what)),
            Err(e) => self.show(json!({ field: format!("refused: {e:?}") })),
        }
    }

    fn error_text(payload: &Value) -> Option<String> {
        payload.get("error").map(|e| format!("{}: {}", e["kind"].as_str().unwrap_or("?"), e["message"].as_str().unwrap_or("")))
    }
}

fn query_value(query: &str, key: &str) -> Option<String> {
    query.split('&').find_map(|kv| kv.strip_prefix(key)?.strip_prefix('=')).map(str::to_string)
}

impl App for Account {
    fn on_launch(&mut self, query: &str) {
        self.backend = query_value(query, "backend").unwrap_or_else(|| DEFAULT_BACKEND.to_string());
        miniapp_sdk::info!("account launched; back end {}", self.backend);
    }

    fn page_load(&mut self, page: &Page, _query: &str) {
        self.page = Some(page.clone());
        self.show(json!({ "user": "not signed in", "camera": "not scanned", "pasted": "(nothing pasted)" }));
    }

    fn on_event(&mut self, _page: &Page, handler: &str, _event: Event) {
        match handler {
            "onLogin" => {
                self.show(json!({ "user": "signing in…" }));
                self.expect(auth::login(), Pending::Login, "user");
            }
            "onScan" => self.expect(auth::authorize("scope.camera"), Pending::Camera, "camera"),
            "onCopy" => {
                let text = self.user.clone().unwrap_or_else(|| "nobody".into());
                if let Err(e) = device::set_clipboard(&text) {
                    miniapp_sdk::error!("copy failed: {e:?}");
                }
            }
            "onPaste" => {
                let text = device::get_clipboard().unwrap_or_default();
                self.show(json!({ "pasted": format!("pasted: {text}") }));
            }
            other => miniapp_sdk::warn!("no handler named {other}"),
        }
    }

    fn on_callback(&mut self, callback: u32, payload: Value) {
        let Some(pos) = self.pending.iter().position(|(id, _)| *id == callback) else { return };
        let (_, what) = self.pending.remove(pos);
        match what {
            Pending::Login => match payload["code"].as_str() {
                Some(code) => {
                    let request = net::RequestOptions {
                        url: format!("{}/login", self.backend),
                        method: "POST".into(),
                        headers: vec![("content-type".into(), "application/json".into())],
                        body: Some(json!({ "code": code }).to_string().into_bytes()),
                        timeout_ms: 10_000,
                    };
                    self.expect(net::request(&request), Pending::Session, "user");
                }
                None => {
                    let why = Self::error_text(&payload).unwrap_or_else(|| payload.to_string());
                    self.show(json!({ "user": format!("login failed: {why}") }));
                }
            },
            Pending::Session => {
                let body: Value = payload["data"].as_str().and_then(|d| miniapp_sdk::serde_json::from_str(d).ok()).unwrap_or(Value::Null);
                match (payload["statusCode"].as_u64(), body["openid"].as_str()) {
                    (Some(200), Some(openid)) => {
                        self.user = Some(openid.to_string());
                        miniapp_sdk::info!("signed in as openid={openid}");
                        if let Some(page) = &self.page {
                            let id = page.set_data_then(json!({ "user": format!("openid: {openid}") }));
                            self.expect(id, Pending::Applied, "user");
                        }
                    }
                    _ => {
                        let why = Self::error_text(&payload)
                            .or_else(|| body["error"].as_str().map(str::to_string))
                            .unwrap_or_else(|| format!("status {}", payload["statusCode"]));
                        self.show(json!({ "user": format!("login failed: {why}") }));
                    }
                }
            }
            Pending::Applied => miniapp_sdk::info!("the view shows the user (applied: {})", payload["applied"]),
            Pending::Camera => {
                let asked = if payload["prompted"] == true { "asked" } else { "remembered" };
                if payload["granted"] == true {
                    self.expect(device::scan_code(), Pending::Scan, "camera");
                } else {
                    self.show(json!({ "camera": format!("camera permission denied ({asked})") }));
                }
            }
            Pending::Scan => {
                let text = match payload["result"].as_str() {
                    Some(text) => format!("scanned: {text}"),
                    None => format!("no code: {}", Self::error_text(&payload).unwrap_or_default()),
                };
                self.show(json!({ "camera": text }));
            }
        }
    }
}

export_app!(Account);
