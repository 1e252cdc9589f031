//! The network worker behind `miniapp:host/net`: origin checks, address pinning (no private
//! addresses behind declared host names), redirects only to declared origins, size and time
//! limits. Each request runs on its own thread; results wait in a [`NetQueue`] until the
//! app's event loop delivers them through `on-callback`.

use std::io::Read;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use url::Url;

/// Headers an app may not set.
pub const FORBIDDEN_HEADERS: &[&str] = &[
    "host",
    "cookie",
    "cookie2",
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
];

/// Methods an app may use.
pub const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

/// Most requests the network log keeps (the oldest go first): what a developer panel shows.
pub const NET_LOG_ENTRIES: usize = 200;

/// One request an app made, for the Network panel: what it asked, what came back or the rule
/// that refused it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NetRecord {
    /// `GET`, `POST`...
    pub method: String,
    /// The URL as the app gave it.
    pub url: String,
    /// The response's status; `None` when refused or failed.
    pub status: Option<u16>,
    /// Milliseconds from the call to the result.
    pub ms: f64,
    /// Response body bytes.
    pub bytes: usize,
    /// Why it was refused or failed (`origin http://x is not declared in app.json…`).
    pub error: Option<String>,
}

/// Requests in flight and results waiting for delivery, shared with the worker threads.
#[derive(Default, Clone)]
pub(crate) struct NetQueue {
    pub(crate) in_flight: Arc<AtomicUsize>,
    /// `auth.login` calls waiting for the cloud.
    pub(crate) logins: Arc<AtomicUsize>,
    pub(crate) done: Arc<Mutex<Vec<(u32, Value)>>>,
    /// The last [`NET_LOG_ENTRIES`] requests.
    pub(crate) log: Arc<Mutex<std::collections::VecDeque<NetRecord>>>,
}

impl NetQueue {
    pub(crate) fn take(&self) -> Vec<(u32, Value)> {
        std::mem::take(&mut *self.done.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Adds a request to the log, dropping the oldest past [`NET_LOG_ENTRIES`].
    pub(crate) fn record(&self, r: NetRecord) {
        let mut log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        if log.len() >= NET_LOG_ENTRIES {
            log.pop_front();
        }
        log.push_back(r);
    }

    /// The log, oldest first.
    pub(crate) fn records(&self) -> Vec<NetRecord> {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).iter().cloned().collect()
    }
}

/// (scheme, host, port) of an http(s) URL; the comparison key of an origin.
pub(crate) fn origin_of(url: &Url) -> Option<(String, String, u16)> {
    let scheme = url.scheme();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    Some((scheme.to_string(), url.host_str()?.to_ascii_lowercase(), url.port_or_known_default()?))
}

/// `scheme://host:port` for messages.
pub(crate) fn show_origin(o: &(String, String, u16)) -> String {
    format!("{}://{}:{}", o.0, o.1, o.2)
}

/// The declared origins, parsed; entries that do not parse are skipped (the bundle checks them).
pub(crate) fn declared(origins: &[String]) -> Vec<(String, String, u16)> {
    origins.iter().filter_map(|o| Url::parse(o).ok().and_then(|u| origin_of(&u))).collect()
}

fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback() || v4.is_private() || v4.is_link_local() || v4.is_unspecified() || v4.is_broadcast()
                || v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64 // CGNAT 100.64/10
        }
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6.is_unspecified()
                || (v6.segments()[0] & 0xfe00) == 0xfc00 // unique local
                || (v6.segments()[0] & 0xffc0) == 0xfe80 // link local
                || v6.to_ipv4_mapped().is_some_and(|v4| is_private(IpAddr::V4(v4)))
        }
    }
}

/// Resolve `host:port`; a host name (not an IP literal) must not lead to a private address.
fn resolve_public(host: &str, port: u16) -> Result<Option<SocketAddr>, (&'static str, String)> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if bare.parse::<IpAddr>().is_ok() {
        return Ok(None); // a literal address was declared as such
    }
    let addrs: Vec<SocketAddr> = (bare, port)
        .to_socket_addrs()
        .map_err(|e| ("failed", format!("cannot resolve {host}: {e}")))?
        .collect();
    if let Some(bad) = addrs.iter().find(|a| is_private(a.ip())) {
        return Err((
            "denied",
            format!(
                "host {host} resolves to {}, a private address; declare that address itself to allow it",
                bad.ip()
            ),
        ));
    }
    Ok(addrs.first().copied())
}

/// Everything a worker needs to run one request.
pub(crate) struct Job {
    pub(crate) id: u32,
    pub(crate) url: Url,
    pub(crate) method: reqwest::Method,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: Option<Vec<u8>>,
    pub(crate) timeout: Duration,
    pub(crate) max_bytes: u64,
    pub(crate) allowed: Vec<(String, String, u16)>,
}

fn error(kind: &str, message: String) -> Value {
    json!({ "error": { "kind": kind, "message": message } })
}

/// Run `job` on its own thread; its result lands in `queue`.
pub(crate) fn spawn(job: Job, queue: NetQueue) {
    queue.in_flight.fetch_add(1, Ordering::SeqCst);
    let q = queue.clone();
    let id = job.id;
    let started = std::thread::Builder::new().name(format!("miniapp-net-{id}")).spawn(move || {
        let t = std::time::Instant::now();
        let (method, url) = (job.method.to_string(), job.url.to_string());
        let result = run(job);
        q.record(NetRecord {
            method,
            url,
            status: result["statusCode"].as_u64().map(|s| s as u16),
            ms: t.elapsed().as_secs_f64() * 1000.0,
            bytes: result["data"].as_str().map_or(0, str::len),
            error: result["error"]["message"].as_str().map(str::to_string),
        });
        q.done.lock().unwrap_or_else(|p| p.into_inner()).push((id, result));
        q.in_flight.fetch_sub(1, Ordering::SeqCst);
    });
    if let Err(e) = started {
        queue.done.lock().unwrap_or_else(|p| p.into_inner()).push((id, error("failed", format!("cannot start the request: {e}"))));
        queue.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

fn run(job: Job) -> Value {
    let url_text = job.url.to_string();
    let host = job.url.host_str().unwrap_or_default().to_string();
    let port = job.url.port_or_known_default().unwrap_or(0);
    let pinned = match resolve_public(&host, port) {
        Ok(p) => p,
        Err((kind, msg)) => return error(kind, msg),
    };
    let allowed = job.allowed.clone();
    let policy = reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= 10 {
            return attempt.error("more than 10 redirects");
        }
        let Some(o) = origin_of(attempt.url()) else {
            let shown = attempt.url().to_string();
            return attempt.error(format!("redirect to {shown} which is not http(s)"));
        };
        if !allowed.contains(&o) {
            let shown = show_origin(&o);
            return attempt.error(format!("redirect to undeclared origin {shown}"));
        }
        if let Err((_, msg)) = resolve_public(&o.1, o.2) {
            return attempt.error(msg);
        }
        attempt.follow()
    });
    let mut builder = reqwest::blocking::Client::builder().timeout(job.timeout).redirect(policy).no_proxy();
    if let Some(addr) = pinned {
        builder = builder.resolve(&host, addr);
    }
    let client = match builder.build() {
        Ok(c) => c,
        Err(e) => return error("failed", format!("cannot create the http client: {e}")),
    };
    let mut req = client.request(job.method, job.url).headers(job.headers);
    if let Some(body) = job.body {
        req = req.body(body);
    }
    let resp = match req.send() {
        Ok(r) => r,
        Err(e) => return error(kind_of(&e), describe(&e, &url_text, job.timeout)),
    };
    if resp.content_length().is_some_and(|n| n > job.max_bytes) {
        return error(
            "limit-exceeded",
            format!(
                "response from {url_text} is {} bytes, over the limit of {} bytes",
                resp.content_length().unwrap_or(0),
                job.max_bytes
            ),
        );
    }
    let status = resp.status().as_u16();
    let headers: serde_json::Map<String, Value> = resp
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), Value::String(String::from_utf8_lossy(v.as_bytes()).into_owned())))
        .collect();
    let mut body = Vec::new();
    if let Err(e) = resp.take(job.max_bytes + 1).read_to_end(&mut body) {
        let timed_out = e.get_ref().and_then(|i| i.downcast_ref::<reqwest::Error>()).is_some_and(|r| r.is_timeout())
            || e.kind() == std::io::ErrorKind::TimedOut;
        return if timed_out {
            error("timeout", format!("request to {url_text} timed out after {} ms", job.timeout.as_millis()))
        } else {
            error("failed", format!("reading the response from {url_text}: {e}"))
        };
    }
    if body.len() as u64 > job.max_bytes {
        return error(
            "limit-exceeded",
            format!("response from {url_text} is over the limit of {} bytes", job.max_bytes),
        );
    }
    json!({ "statusCode": status, "headers": headers, "data": String::from_utf8_lossy(&body) })
}

fn kind_of(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_redirect() {
        "denied"
    } else {
        "failed"
    }
}

fn describe(e: &reqwest::Error, url: &str, timeout: Duration) -> String {
    if e.is_timeout() {
        return format!("request to {url} timed out after {} ms", timeout.as_millis());
    }
    // The innermost cause says what happened (refused connection, the redirect policy's reason).
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    format!("request to {url} failed: {cause}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let d = declared(&["https://API.example.com".into(), "http://127.0.0.1:8080".into(), "nonsense".into()]);
        assert_eq!(d.len(), 2);
        let u = Url::parse("https://api.example.com:443/x?y").unwrap();
        assert!(d.contains(&origin_of(&u).unwrap()));
        let u = Url::parse("http://api.example.com/x").unwrap();
        assert!(!d.contains(&origin_of(&u).unwrap()));
        assert!(origin_of(&Url::parse("ftp://x").unwrap()).is_none());
    }

    #[test]
    fn private_addresses_are_recognised() {
        for ip in ["127.0.0.1", "10.1.2.3", "192.168.0.1", "172.16.5.5", "169.254.1.1", "0.0.0.0", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "100.64.0.1"] {
            assert!(is_private(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["8.8.8.8", "1.1.1.1", "2001:4860::8888"] {
            assert!(!is_private(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn a_host_name_resolving_to_loopback_is_denied() {
        let e = resolve_public("localhost", 80).unwrap_err();
        assert_eq!(e.0, "denied");
        assert!(e.1.starts_with("host localhost resolves to "), "{}", e.1);
        assert_eq!(resolve_public("127.0.0.1", 80).unwrap(), None, "a literal address is allowed");
    }
}
