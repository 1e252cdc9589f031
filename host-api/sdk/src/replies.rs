//! Typed answers of asynchronous host calls and the wrappers that take a closure for them
//! (re-exported as `ui::modal`, `net::fetch`, `device::scan`, `auth::login_then`, …).
//!
//! Each wrapper starts the host call, registers the closure for the returned id with
//! [`callbacks::register`](crate::callbacks::register), and returns the id. A call the host
//! refuses at once returns its [`HostError`] and the closure is dropped unrun. Payload shapes
//! are those of `docs/host-api.md`, "Reference: every call".

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use crate::error::{CallbackError, CallbackErrorKind, DecodeError, LoginError, NetError, ScanError};
use crate::{callbacks, wit_auth, wit_device, wit_net, wit_timer, wit_ui, HostError};

/// The answer to a modal: `{"confirm": true, "cancel": false}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub struct ModalAnswer {
    /// The user pressed OK.
    #[serde(default)]
    pub confirm: bool,
    /// The user pressed Cancel or back (or a script answered `cancel`).
    #[serde(default)]
    pub cancel: bool,
}

/// A finished HTTP request: `{"statusCode": 200, "headers": {..}, "data": "<body>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Response {
    /// `statusCode`: the HTTP status (any status, 404 and 500 included, is a `Response`).
    #[serde(rename = "statusCode")]
    pub status: u16,
    /// The response headers, with lower-case names.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// `data`: the body as text (bytes that are not UTF-8 are replaced).
    #[serde(rename = "data", default)]
    pub body: String,
}

impl Response {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The header `name` (give it in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    /// The body parsed as JSON into `T`.
    ///
    /// ```
    /// use miniapp_sdk::net::Response;
    ///
    /// #[derive(Debug, serde::Deserialize)]
    /// struct Items { items: Vec<u32> }
    ///
    /// let r = Response { status: 200, headers: Default::default(), body: r#"{"items":[1,"x"]}"#.into() };
    /// assert_eq!(r.json::<Items>().unwrap_err().path, "items[1]");
    /// ```
    ///
    /// # Errors
    /// A [`DecodeError`] with the path in the body (`.` with serde's line and column when the
    /// body is not JSON at all).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, DecodeError> {
        let mut de = serde_json::Deserializer::from_str(&self.body);
        let value = serde_path_to_error::deserialize(&mut de).map_err(|e| DecodeError::from_path_error("", e))?;
        de.end().map_err(|e| DecodeError { path: ".".into(), message: e.to_string() })?;
        Ok(value)
    }
}

/// A decoded QR code: `{"result": "<text>", "scanType": "QR_CODE"}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ScanCode {
    /// `result`: the code's text.
    pub result: String,
    /// `scanType`: `QR_CODE` on this host.
    #[serde(rename = "scanType", default)]
    pub scan_type: String,
}

/// What [`device::scan`](crate::device::scan) hands its closure.
pub type ScanResult = Result<ScanCode, ScanError>;

/// A one-time login code: `{"code": "9f2c…"}`; send it to your back end, which exchanges it at
/// the cloud for the user's `openid` (valid 5 minutes, one use).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LoginCode {
    /// The code (64 hex digits).
    pub code: String,
}

/// The answer to a permission request: `{"scope": "scope.camera", "granted": true, "prompted":
/// true}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Permission {
    /// The scope asked for.
    pub scope: String,
    /// Whether it is granted.
    pub granted: bool,
    /// Whether the user was asked now (`false`: a remembered answer).
    #[serde(default)]
    pub prompted: bool,
}

/// `payload` as `T`, or the host's `{"error": {"kind", "message"}}` as a [`CallbackError`];
/// a payload of neither shape is [`CallbackErrorKind::Malformed`].
pub(crate) fn result_of<T: DeserializeOwned>(what: &str, payload: Value) -> Result<T, CallbackError> {
    if let Some(err) = payload.get("error") {
        let kind = err.get("kind").and_then(Value::as_str).unwrap_or("");
        let message = err.get("message").and_then(Value::as_str).unwrap_or("").to_owned();
        return Err(CallbackError { kind: CallbackErrorKind::from_kind(kind), message });
    }
    serde_path_to_error::deserialize(payload).map_err(|e| CallbackError {
        kind: CallbackErrorKind::Malformed,
        message: format!("{what} answer: {}", DecodeError::from_path_error("", e)),
    })
}

/// `payload` as `T`, or `fallback` with a warning when it does not have the documented shape.
fn or_warn<T: DeserializeOwned>(what: &str, payload: Value, fallback: T) -> T {
    match serde_path_to_error::deserialize(payload) {
        Ok(v) => v,
        Err(e) => {
            crate::log::warn(&format!("{what} answer: {}", DecodeError::from_path_error("", e)));
            fallback
        }
    }
}

pub(crate) fn modal_answer(payload: Value) -> ModalAnswer {
    or_warn("modal", payload, ModalAnswer { confirm: false, cancel: true })
}

pub(crate) fn sheet_answer(payload: Value) -> Option<u32> {
    #[derive(Deserialize)]
    struct Sheet {
        #[serde(rename = "tapIndex")]
        tap_index: Option<u32>,
    }
    or_warn("action sheet", payload, Sheet { tap_index: None }).tap_index
}

/// Show a modal and call `then` with the answer (OK and Cancel with `show_cancel`).
///
/// ```no_run
/// use miniapp_sdk::ui::{self, ModalAnswer};
///
/// #[derive(Default)]
/// struct Todos { items: Vec<String> }
///
/// ui::modal("Delete all?", "This cannot be undone", true, |app: &mut Todos, a: ModalAnswer| {
///     if a.confirm {
///         app.items.clear();
///     }
/// })
/// .ok();
/// ```
///
/// # Errors
/// As [`ui::show_modal`](crate::ui::show_modal); the closure is dropped then.
pub fn modal<A: 'static>(
    title: &str,
    content: &str,
    show_cancel: bool,
    then: impl FnOnce(&mut A, ModalAnswer) + 'static,
) -> Result<u32, HostError> {
    let id = wit_ui::show_modal(title, content, show_cancel)?;
    callbacks::register(id, move |app: &mut A, v| then(app, modal_answer(v)));
    Ok(id)
}

/// Show an action sheet of 1 to 6 items and call `then` with the tapped index (0-based), or
/// `None` when the user cancelled.
///
/// ```no_run
/// #[derive(Default)]
/// struct App { sort: usize }
///
/// let items = ["By date".to_owned(), "By name".to_owned()];
/// miniapp_sdk::ui::action_sheet(&items, |app: &mut App, tapped: Option<u32>| {
///     if let Some(i) = tapped {
///         app.sort = i as usize;
///     }
/// })
/// .ok();
/// ```
///
/// # Errors
/// As [`ui::show_action_sheet`](crate::ui::show_action_sheet).
pub fn action_sheet<A: 'static>(items: &[String], then: impl FnOnce(&mut A, Option<u32>) + 'static) -> Result<u32, HostError> {
    let id = wit_ui::show_action_sheet(items)?;
    callbacks::register(id, move |app: &mut A, v| then(app, sheet_answer(v)));
    Ok(id)
}

/// Start a request and call `then` with the [`Response`] or the [`NetError`].
///
/// ```no_run
/// use miniapp_sdk::net::{self, NetError, RequestOptions, Response};
///
/// #[derive(Default)]
/// struct Feed { items: Vec<String> }
///
/// let options = RequestOptions {
///     url: "https://api.example.com/items".into(),
///     method: "GET".into(),
///     headers: vec![("accept".into(), "application/json".into())],
///     body: None,
///     timeout_ms: 0,
/// };
/// net::fetch(&options, |app: &mut Feed, r: Result<Response, NetError>| match r {
///     Ok(resp) if resp.is_success() => app.items = resp.json().unwrap_or_default(),
///     Ok(resp) => miniapp_sdk::warn!("status {}", resp.status),
///     Err(e) => miniapp_sdk::warn!("request failed: {e}"),
/// })
/// .ok();
/// ```
///
/// # Errors
/// As [`net::request`](crate::net::request).
pub fn fetch<A: 'static>(
    options: &wit_net::RequestOptions,
    then: impl FnOnce(&mut A, Result<Response, NetError>) + 'static,
) -> Result<u32, HostError> {
    let id = wit_net::request(options)?;
    callbacks::register(id, move |app: &mut A, v| then(app, result_of("request", v)));
    Ok(id)
}

/// `GET url` with the default timeout, then `then` as for [`fetch`].
///
/// # Errors
/// As [`net::request`](crate::net::request).
pub fn get_then<A: 'static>(url: &str, then: impl FnOnce(&mut A, Result<Response, NetError>) + 'static) -> Result<u32, HostError> {
    let options =
        wit_net::RequestOptions { url: url.into(), method: "GET".into(), headers: Vec::new(), body: None, timeout_ms: 0 };
    fetch(&options, then)
}

/// Open the camera to scan a QR code and call `then` with the [`ScanResult`].
///
/// ```no_run
/// use miniapp_sdk::device::{self, ScanResult};
///
/// #[derive(Default)]
/// struct App { last: Option<String> }
///
/// device::scan(|app: &mut App, r: ScanResult| app.last = r.ok().map(|c| c.result)).ok();
/// ```
///
/// # Errors
/// As [`device::scan_code`](crate::device::scan_code).
pub fn scan<A: 'static>(then: impl FnOnce(&mut A, ScanResult) + 'static) -> Result<u32, HostError> {
    let id = wit_device::scan_code()?;
    callbacks::register(id, move |app: &mut A, v| then(app, result_of("scan", v)));
    Ok(id)
}

/// Ask for a login code and call `then` with the [`LoginCode`] or the [`LoginError`].
///
/// ```no_run
/// use miniapp_sdk::auth::{self, LoginCode, LoginError};
///
/// #[derive(Default)]
/// struct App { code: Option<String> }
///
/// auth::login_then(|app: &mut App, r: Result<LoginCode, LoginError>| app.code = r.ok().map(|c| c.code)).ok();
/// ```
///
/// # Errors
/// As [`auth::login`](crate::auth::login).
pub fn login_then<A: 'static>(then: impl FnOnce(&mut A, Result<LoginCode, LoginError>) + 'static) -> Result<u32, HostError> {
    let id = wit_auth::login()?;
    callbacks::register(id, move |app: &mut A, v| then(app, result_of("login", v)));
    Ok(id)
}

/// Ask for permission `scope` and call `then` with the [`Permission`] (a malformed answer is
/// logged and counts as not granted).
///
/// ```no_run
/// use miniapp_sdk::auth::{self, Permission};
///
/// #[derive(Default)]
/// struct App { camera: bool }
///
/// auth::authorize_then("scope.camera", |app: &mut App, p: Permission| app.camera = p.granted).ok();
/// ```
///
/// # Errors
/// As [`auth::authorize`](crate::auth::authorize).
pub fn authorize_then<A: 'static>(scope: &str, then: impl FnOnce(&mut A, Permission) + 'static) -> Result<u32, HostError> {
    let id = wit_auth::authorize(scope)?;
    let fallback = Permission { scope: scope.to_owned(), granted: false, prompted: false };
    callbacks::register(id, move |app: &mut A, v| then(app, or_warn("authorize", v, fallback)));
    Ok(id)
}

/// Call `then` once after `ms` milliseconds; returns the timer id (cancel with
/// [`timer::clear`](crate::timer::clear)).
///
/// ```no_run
/// #[derive(Default)]
/// struct App { saved: bool }
///
/// miniapp_sdk::timer::after(300, |app: &mut App| app.saved = true).ok();
/// ```
///
/// # Errors
/// As [`timer::set_timeout`](crate::timer::set_timeout).
pub fn after<A: 'static>(ms: u32, then: impl FnOnce(&mut A) + 'static) -> Result<u32, HostError> {
    let id = wit_timer::set_timeout(ms)?;
    callbacks::register(id, move |app: &mut A, _| then(app));
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::take_log;
    use serde_json::json;

    #[test]
    fn a_response_payload_decodes_with_lower_case_headers() {
        let r: Response = result_of(
            "request",
            json!({"statusCode": 200, "headers": {"content-type": "application/json"}, "data": "{\"items\":[]}"}),
        )
        .unwrap();
        assert!(r.is_success());
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(r.json::<Value>().unwrap(), json!({"items": []}));
    }

    #[test]
    fn a_request_error_payload_keeps_kind_and_message() {
        let e = result_of::<Response>("request", json!({"error": {"kind": "timeout", "message": "request to U timed out after 60000 ms"}}))
            .unwrap_err();
        assert_eq!(e.kind, CallbackErrorKind::Timeout);
        assert_eq!(e.to_string(), "timeout: request to U timed out after 60000 ms");
        let e = result_of::<Response>("request", json!({"error": {"kind": "limit-exceeded", "message": "m"}})).unwrap_err();
        assert_eq!(e.kind, CallbackErrorKind::LimitExceeded);
        let e = result_of::<Response>("request", json!({"error": {"kind": "brand-new", "message": "m"}})).unwrap_err();
        assert_eq!(e.kind, CallbackErrorKind::Other("brand-new".into()));
    }

    #[test]
    fn a_malformed_answer_is_a_malformed_error_with_the_path() {
        let e = result_of::<Response>("request", json!({"statusCode": "200"})).unwrap_err();
        assert_eq!(e.kind, CallbackErrorKind::Malformed);
        assert_eq!(e.message, "request answer: statusCode: invalid type: string \"200\", expected u16");
    }

    #[test]
    fn response_json_errors_name_the_path_or_the_position() {
        #[derive(Debug, Deserialize)]
        struct Items {
            #[allow(dead_code)]
            items: Vec<u32>,
        }
        let r = Response { status: 200, headers: BTreeMap::new(), body: "{\"items\": [1, true]}".into() };
        assert_eq!(r.json::<Items>().unwrap_err().path, "items[1]");
        let r = Response { status: 200, headers: BTreeMap::new(), body: "not json".into() };
        let e = r.json::<Items>().unwrap_err();
        assert_eq!(e.path, ".");
        assert_eq!(e.message, "expected ident at line 1 column 2");
        let r = Response { status: 200, headers: BTreeMap::new(), body: "{\"items\": []} x".into() };
        assert_eq!(r.json::<Items>().unwrap_err().message, "trailing characters at line 1 column 15");
    }

    #[test]
    fn scan_and_login_answers_decode() {
        let ok: ScanResult = result_of("scan", json!({"result": "http://x/apps/counter", "scanType": "QR_CODE"}));
        assert_eq!(ok.unwrap(), ScanCode { result: "http://x/apps/counter".into(), scan_type: "QR_CODE".into() });
        let cancelled: ScanResult =
            result_of("scan", json!({"error": {"kind": "cancelled", "message": "the user closed the camera"}}));
        assert_eq!(cancelled.unwrap_err().kind, CallbackErrorKind::Cancelled);
        let code: Result<LoginCode, LoginError> = result_of("login", json!({"code": "9f2c"}));
        assert_eq!(code.unwrap().code, "9f2c");
        let denied: Result<LoginCode, LoginError> = result_of("login", json!({"error": {"kind": "denied", "message": "no"}}));
        assert_eq!(denied.unwrap_err(), CallbackError { kind: CallbackErrorKind::Denied, message: "no".into() });
    }

    #[test]
    fn modal_and_sheet_answers_decode_and_malformed_ones_count_as_cancel() {
        assert_eq!(modal_answer(json!({"confirm": true, "cancel": false})), ModalAnswer { confirm: true, cancel: false });
        assert_eq!(modal_answer(json!({"confirm": false, "cancel": true})), ModalAnswer { confirm: false, cancel: true });
        assert_eq!(modal_answer(json!({"confirm": "yes"})), ModalAnswer { confirm: false, cancel: true });
        assert_eq!(take_log(), vec!["warn: modal answer: confirm: invalid type: string \"yes\", expected a boolean"]);
        assert_eq!(sheet_answer(json!({"tapIndex": 1})), Some(1));
        assert_eq!(sheet_answer(json!({"cancel": true})), None);
    }

    #[test]
    fn a_registered_typed_closure_gets_the_decoded_answer() {
        #[derive(Default)]
        struct Fake {
            answers: Vec<ModalAnswer>,
        }
        // What `modal` registers, without the host call.
        callbacks::register(11, |app: &mut Fake, v| app.answers.push(modal_answer(v)));
        let mut app = Fake::default();
        assert_eq!(callbacks::deliver(&mut app, 11, json!({"confirm": true, "cancel": false})), None);
        assert_eq!(app.answers, vec![ModalAnswer { confirm: true, cancel: false }]);
    }
}
