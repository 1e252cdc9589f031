//! The HTTP server: `POST /login {"code"}` → the cloud's code2session → `{"openid"}`; it runs on
//! its own thread and runtime until its [`Handle`] is dropped.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::error::{Error, Result};

/// Where `miniapp-account-backend` listens unless told otherwise: `127.0.0.1:8081`.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8081";

/// How the back end reaches the cloud and where it listens.
#[derive(Debug, Clone)]
pub struct Config {
    /// The cloud's base URL, `http://127.0.0.1:7000` (no trailing slash needed).
    pub cloud: String,
    /// The app id the codes are for, `account`.
    pub appid: String,
    /// The app secret (`miniapp secret account`); it can also be set later,
    /// [`Handle::set_secret`].
    pub secret: String,
    /// The listening address; port 0 picks a free one. Default [`DEFAULT_ADDR`].
    pub addr: SocketAddr,
}

#[derive(Clone)]
struct Shared {
    cloud: String,
    appid: String,
    secret: Arc<Mutex<String>>,
    openids: Arc<Mutex<Vec<String>>>,
}

/// A running back end; stops when dropped.
pub struct Handle {
    origin: String,
    secret: Arc<Mutex<String>>,
    openids: Arc<Mutex<Vec<String>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Handle {
    /// `http://127.0.0.1:PORT`: the origin to declare in `app.json` `network.request`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Every openid handed out so far, oldest first.
    pub fn openids(&self) -> Vec<String> {
        self.openids.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Replaces the app secret (an app's secret exists once it was first published).
    pub fn set_secret(&self, secret: &str) {
        *self.secret.lock().unwrap_or_else(|p| p.into_inner()) = secret.to_string();
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts the back end on `config.addr` in a thread of its own.
///
/// # Errors
/// [`Error::Bind`] when the address is taken, [`Error::Runtime`] when no runtime starts.
pub fn start(config: Config) -> Result<Handle> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(Error::Runtime)?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(config.addr))
        .map_err(|source| Error::Bind { addr: config.addr, source })?;
    let local = listener.local_addr().map_err(|source| Error::Bind { addr: config.addr, source })?;
    let shared = Shared {
        cloud: config.cloud.trim_end_matches('/').to_string(),
        appid: config.appid,
        secret: Arc::new(Mutex::new(config.secret)),
        openids: Arc::new(Mutex::new(Vec::new())),
    };
    let (secret, openids) = (shared.secret.clone(), shared.openids.clone());
    let app = axum::Router::new().route("/login", axum::routing::post(login)).with_state(shared);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("account-backend".into())
        .spawn(move || {
            runtime.block_on(async move {
                let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                    let _ = stopped.await;
                });
                if let Err(e) = serve.await {
                    tracing::error!(error = %e, "the account back end stopped");
                }
            });
        })
        .map_err(Error::Runtime)?;
    Ok(Handle { origin: format!("http://{local}"), secret, openids, stop: Some(stop), thread: Some(thread) })
}

type Answer = (StatusCode, Json<Value>);

fn fail(status: StatusCode, message: impl Into<String>) -> Answer {
    (status, Json(json!({ "error": message.into() })))
}

async fn login(State(s): State<Shared>, body: std::result::Result<Json<Value>, JsonRejection>) -> Answer {
    let Ok(Json(body)) = body else { return fail(StatusCode::BAD_REQUEST, "the body must be JSON: {\"code\": \"...\"}") };
    let Some(code) = body["code"].as_str().filter(|c| !c.is_empty()) else {
        return fail(StatusCode::BAD_REQUEST, "field `code` is missing: send {\"code\": \"...\"} from auth.login");
    };
    let secret = s.secret.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let answer = reqwest::Client::new()
        .post(format!("{}/auth/code2session", s.cloud))
        .json(&json!({ "appid": s.appid, "secret": secret, "code": code }))
        .send()
        .await;
    let Ok(answer) = answer else { return fail(StatusCode::BAD_GATEWAY, format!("cloud {} unreachable", s.cloud)) };
    let ok = answer.status().is_success();
    let json: Value = answer.json().await.unwrap_or_default();
    match json["openid"].as_str() {
        Some(openid) if ok => {
            s.openids.lock().unwrap_or_else(|p| p.into_inner()).push(openid.to_string());
            (StatusCode::OK, Json(json!({ "openid": openid })))
        }
        _ => fail(StatusCode::BAD_GATEWAY, json.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backend(cloud: &str) -> Handle {
        start(Config { cloud: cloud.into(), appid: "account".into(), secret: "s".into(), addr: "127.0.0.1:0".parse().unwrap() })
            .unwrap()
    }

    #[test]
    fn a_login_without_a_code_is_a_json_400() {
        let b = backend("http://127.0.0.1:9");
        let r = reqwest::blocking::Client::new().post(format!("{}/login", b.origin())).json(&json!({})).send().unwrap();
        assert_eq!(r.status(), 400);
        let body: Value = r.json().unwrap();
        assert!(body["error"].as_str().unwrap().contains("`code` is missing"), "{body}");
    }

    #[test]
    fn an_unreachable_cloud_is_a_502_naming_it() {
        let b = backend("http://127.0.0.1:9");
        let r = reqwest::blocking::Client::new().post(format!("{}/login", b.origin())).json(&json!({"code": "x"})).send().unwrap();
        assert_eq!(r.status(), 502);
        assert!(r.text().unwrap().contains("127.0.0.1:9 unreachable"));
        assert!(b.openids().is_empty());
    }
}
