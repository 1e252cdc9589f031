//! The network worker behind `miniapp:host/net`: origin checks, address pinning (no private
//! addresses behind declared host names, on every hop), redirects only to declared origins, size
//! limits and one deadline for the whole exchange. Results wait in a [`NetQueue`] until the app's
//! event loop delivers them through `on-callback`.
//!
//! **One client per app.** Each app has one `reqwest` client, made on its first request and
//! reused after (its connection pool and its one runtime thread with it), rather than a client
//! per request. Pinning does not need a client per address: the client's DNS resolver is
//! [`PinningResolver`], which checks every address a host name leads to and hands the connector
//! exactly those, so the address checked is the address connected to, for the first hop and for
//! every redirect (a second DNS answer never enters). A request still gets its own short-lived
//! thread, which only waits on the shared client: there are at most
//! [`crate::Limits::requests_in_flight`] of them, and a blocking wait keeps this crate free of an
//! async event loop of its own.

use std::io::Read;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

/// Where host names lead: the system's DNS in a host; tests swap in answers that change between
/// lookups (DNS rebinding) and a different idea of which addresses are private.
pub(crate) trait Lookup: Send + Sync + 'static {
    /// The addresses `host` (a name, not an IP literal) has now: one query.
    fn lookup(&self, host: &str) -> std::io::Result<Vec<IpAddr>>;

    /// Whether a host name may lead to `ip`: not a loopback, private, link-local, CGNAT or
    /// unspecified address ([`is_private`]).
    fn is_private(&self, ip: IpAddr) -> bool {
        is_private(ip)
    }
}

/// The system resolver (`getaddrinfo`).
struct SystemLookup;

impl Lookup for SystemLookup {
    fn lookup(&self, host: &str) -> std::io::Result<Vec<IpAddr>> {
        Ok((host, 0).to_socket_addrs()?.map(|a| a.ip()).collect())
    }
}

/// Why a host name was not connected to. The resolver returns it as its error, so it travels as
/// the source of reqwest's error and [`run`] hands its kind and message to the app unchanged.
#[derive(Debug)]
struct Refused {
    kind: &'static str,
    message: String,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Refused {}

/// Looks `host` up once; every address must be public (`denied` names the first that is not).
fn resolve_public(lookup: &dyn Lookup, host: &str) -> Result<Vec<IpAddr>, Refused> {
    let addrs = lookup
        .lookup(host)
        .map_err(|e| Refused { kind: "failed", message: format!("cannot resolve {host}: {e}") })?;
    if let Some(bad) = addrs.iter().find(|ip| lookup.is_private(**ip)) {
        return Err(Refused {
            kind: "denied",
            message: format!("host {host} resolves to {bad}, a private address; declare that address itself to allow it"),
        });
    }
    if addrs.is_empty() {
        return Err(Refused { kind: "failed", message: format!("cannot resolve {host}: no addresses") });
    }
    Ok(addrs)
}

/// The DNS resolver of an app's client: one lookup per connection, checked by
/// [`resolve_public`], and the connector gets exactly the checked addresses (the port comes from
/// the URL). An IP literal never reaches it: a literal address is allowed when declared as such.
struct PinningResolver(Arc<dyn Lookup>);

impl reqwest::dns::Resolve for PinningResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let lookup = self.0.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            // `getaddrinfo` blocks: not on the client's runtime thread, which serves every request.
            let checked = tokio::task::spawn_blocking(move || resolve_public(&*lookup, &host))
                .await
                .map_err(|e| Refused { kind: "failed", message: format!("resolving failed: {e}") })?;
            let addrs: reqwest::dns::Addrs = Box::new(checked?.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(addrs)
        })
    }
}

/// The redirect policy: at most [`MAX_REDIRECTS`], each to http(s) and a declared origin. The
/// address of each hop is checked when it connects ([`PinningResolver`]). Method and body follow
/// the browsers' rules (reqwest's): 301/302 turn a POST into a GET, 303 turns anything but HEAD
/// into a GET without a body, 307/308 keep both; `Authorization` is dropped when the host changes.
fn redirect_policy(allowed: Vec<(String, String, u16)>) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() > MAX_REDIRECTS {
            return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
        }
        let Some(o) = origin_of(attempt.url()) else {
            let shown = attempt.url().to_string();
            return attempt.error(format!("redirect to {shown} which is not http(s)"));
        };
        if !allowed.contains(&o) {
            let shown = show_origin(&o);
            return attempt.error(format!("redirect to undeclared origin {shown}"));
        }
        attempt.follow()
    })
}

/// Most redirects one request follows: 10.
pub const MAX_REDIRECTS: usize = 10;

/// An app's client and the origins its redirect policy allows.
type AppClient = (Vec<(String, String, u16)>, reqwest::blocking::Client);

/// Requests in flight and results waiting for delivery, shared with the worker threads; also
/// the app's one HTTP client.
#[derive(Clone)]
pub(crate) struct NetQueue {
    pub(crate) in_flight: Arc<AtomicUsize>,
    /// `auth.login` calls waiting for the cloud.
    pub(crate) logins: Arc<AtomicUsize>,
    pub(crate) done: Arc<Mutex<Vec<(u32, Value)>>>,
    /// The last [`NET_LOG_ENTRIES`] requests.
    pub(crate) log: Arc<Mutex<std::collections::VecDeque<NetRecord>>>,
    /// How host names are looked up ([`SystemLookup`] outside tests).
    lookup: Arc<dyn Lookup>,
    /// The app's client, made on the first request (see the module docs).
    client: Arc<Mutex<Option<AppClient>>>,
}

impl Default for NetQueue {
    fn default() -> Self {
        NetQueue::with_lookup(Arc::new(SystemLookup))
    }
}

impl NetQueue {
    /// A queue whose client looks host names up through `lookup`.
    pub(crate) fn with_lookup(lookup: Arc<dyn Lookup>) -> Self {
        NetQueue {
            in_flight: Arc::default(),
            logins: Arc::default(),
            done: Arc::default(),
            log: Arc::default(),
            lookup,
            client: Arc::default(),
        }
    }

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

    /// The app's client for redirects within `allowed`, made on first use (and again only if the
    /// declared origins ever differ). Called on a worker thread: building and dropping a
    /// blocking client must not happen inside an async runtime.
    fn client(&self, allowed: &[(String, String, u16)]) -> Result<reqwest::blocking::Client, String> {
        let mut slot = self.client.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((origins, client)) = slot.as_ref() {
            if origins == allowed {
                return Ok(client.clone());
            }
        }
        let client = reqwest::blocking::Client::builder()
            // The bundled Mozilla roots only, as the cloud client (`CloudClient::new`).
            .tls_built_in_native_certs(false)
            .redirect(redirect_policy(allowed.to_vec()))
            .dns_resolver(Arc::new(PinningResolver(self.lookup.clone())))
            .no_proxy()
            // Deadlines are per request (`Job::timeout`), never the blocking client's 30 s default.
            .timeout(None::<Duration>)
            .build()
            .map_err(|e| format!("cannot create the http client: {e}"))?;
        *slot = Some((allowed.to_vec(), client.clone()));
        Ok(client)
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

/// Everything a worker needs to run one request.
pub(crate) struct Job {
    pub(crate) id: u32,
    pub(crate) url: Url,
    pub(crate) method: reqwest::Method,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: Option<Vec<u8>>,
    /// The deadline of the whole exchange, from the call to the last response byte (connecting,
    /// every redirect, a body that trickles); at most [`crate::Limits::request_timeout`].
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
        let t = Instant::now();
        let (method, url) = (job.method.to_string(), job.url.to_string());
        let result = run(job, &q);
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

/// The `timeout` error: names the limit that stopped the request.
fn timed_out(url: &str, timeout: Duration) -> Value {
    error(
        "timeout",
        format!("request to {url} timed out: no complete response within the request timeout of {} ms", timeout.as_millis()),
    )
}

fn run(job: Job, queue: &NetQueue) -> Value {
    let url_text = job.url.to_string();
    // One deadline for everything: reqwest's per-request timeout covers connecting, redirects
    // and the body (a blocking read alone would restart its timer on every byte), and the read
    // loop below checks it again between chunks.
    let deadline = Instant::now() + job.timeout;
    let client = match queue.client(&job.allowed) {
        Ok(c) => c,
        Err(msg) => return error("failed", msg),
    };
    let mut req = client.request(job.method, job.url).headers(job.headers).timeout(job.timeout);
    if let Some(body) = job.body {
        req = req.body(body);
    }
    let mut resp = match req.send() {
        Ok(r) => r,
        Err(e) => return failure(&e, &url_text, job.timeout),
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
    let mut chunk = vec![0u8; 16 << 10];
    loop {
        if Instant::now() >= deadline {
            return timed_out(&url_text, job.timeout);
        }
        match resp.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let timeout = e.get_ref().and_then(|i| i.downcast_ref::<reqwest::Error>()).is_some_and(|r| r.is_timeout())
                    || e.kind() == std::io::ErrorKind::TimedOut
                    || Instant::now() >= deadline;
                return if timeout {
                    timed_out(&url_text, job.timeout)
                } else {
                    error("failed", format!("reading the response from {url_text}: {e}"))
                };
            }
        }
        if body.len() as u64 > job.max_bytes {
            return error(
                "limit-exceeded",
                format!("response from {url_text} is over the limit of {} bytes", job.max_bytes),
            );
        }
    }
    json!({ "statusCode": status, "headers": headers, "data": String::from_utf8_lossy(&body) })
}

/// The app's error for a request that got no response: the resolver's refusal as it was worded,
/// a timeout naming the limit, a redirect the policy refused, or the innermost cause.
fn failure(e: &reqwest::Error, url: &str, timeout: Duration) -> Value {
    let mut cause: &(dyn std::error::Error + 'static) = e;
    loop {
        if let Some(r) = cause.downcast_ref::<Refused>() {
            return error(r.kind, r.message.clone());
        }
        match cause.source() {
            Some(next) => cause = next,
            None => break,
        }
    }
    if e.is_timeout() {
        return timed_out(url, timeout);
    }
    // The innermost cause says what happened (refused connection, the redirect policy's reason).
    let kind = if e.is_redirect() { "denied" } else { "failed" };
    error(kind, format!("request to {url} failed: {cause}"))
}

/// Fetches resources the host loads for an app (remote `<image src>`) under the same network
/// policy as `net.request`: only the origins declared in `app.json` `network.request` (scheme,
/// host and port), no private addresses behind host names, redirects only to declared origins,
/// a size cap and one deadline. Cheap to clone; one HTTP client is shared by the clones.
#[derive(Clone)]
pub struct RemoteFetcher {
    allowed: Vec<(String, String, u16)>,
    queue: NetQueue,
}

impl std::fmt::Debug for RemoteFetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteFetcher").field("allowed", &self.allowed).finish_non_exhaustive()
    }
}

impl RemoteFetcher {
    /// A fetcher for an app that declared `network` (its `network.request` origins).
    pub fn new(network: &[String]) -> RemoteFetcher {
        RemoteFetcher { allowed: declared(network), queue: NetQueue::default() }
    }

    /// Whether `url` may be fetched at all: an http(s) URL of a declared origin. This is the
    /// check [`RemoteFetcher::fetch`] makes first, without any I/O.
    ///
    /// # Errors
    /// [`Error::Remote`] of kind `denied` naming the origin and the rule.
    pub fn check(&self, url: &str) -> crate::Result<Url> {
        let deny = |reason: String| crate::Error::Remote { url: url.to_string(), kind: "denied".into(), reason };
        let parsed = Url::parse(url).map_err(|e| deny(format!("{url:?} is not a valid URL: {e}")))?;
        let origin = origin_of(&parsed).ok_or_else(|| deny(format!("{url} is not http or https")))?;
        if !self.allowed.contains(&origin) {
            return Err(deny(format!(
                "origin {} of {url} is not declared in app.json network.request",
                show_origin(&origin)
            )));
        }
        Ok(parsed)
    }

    /// `GET url`, at most `max_bytes` of body, all within `timeout`; blocks (call it off the UI
    /// thread).
    ///
    /// # Errors
    /// [`Error::Remote`]: `denied` (see [`RemoteFetcher::check`], a private address, a
    /// redirect off the declared origins), `limit-exceeded` over `max_bytes`, `timeout`, or
    /// `failed` (unreachable, a status that is not 2xx).
    pub fn fetch(&self, url: &str, max_bytes: u64, timeout: Duration) -> crate::Result<Vec<u8>> {
        let parsed = self.check(url)?;
        let fail = |kind: &str, reason: String| crate::Error::Remote { url: url.to_string(), kind: kind.to_string(), reason };
        let from_json = |v: Value| {
            fail(
                v["error"]["kind"].as_str().unwrap_or("failed"),
                v["error"]["message"].as_str().unwrap_or("failed").to_string(),
            )
        };
        let deadline = Instant::now() + timeout;
        let client = self.queue.client(&self.allowed).map_err(|m| fail("failed", m))?;
        let mut resp = client.get(parsed).timeout(timeout).send().map_err(|e| from_json(failure(&e, url, timeout)))?;
        let too_large = |actual: String| fail("limit-exceeded", format!("{url} is {actual} bytes, over the limit of {max_bytes} bytes"));
        if let Some(n) = resp.content_length().filter(|n| *n > max_bytes) {
            return Err(too_large(n.to_string()));
        }
        if !resp.status().is_success() {
            return Err(fail("failed", format!("{url} answered {}", resp.status())));
        }
        let mut body = Vec::new();
        let mut chunk = vec![0u8; 16 << 10];
        loop {
            if Instant::now() >= deadline {
                return Err(from_json(timed_out(url, timeout)));
            }
            match resp.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => body.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) if Instant::now() >= deadline || e.kind() == std::io::ErrorKind::TimedOut => {
                    return Err(from_json(timed_out(url, timeout)))
                }
                Err(e) => return Err(fail("failed", format!("reading {url}: {e}"))),
            }
            if body.len() as u64 > max_bytes {
                return Err(too_large(format!("more than {max_bytes}")));
            }
        }
        Ok(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remote_fetch_outside_the_declared_origins_is_denied_before_any_io() {
        let f = RemoteFetcher::new(&["http://127.0.0.1:9".into()]);
        let e = f.fetch("http://127.0.0.1:10/a.png", 10, Duration::from_secs(1)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "denied: origin http://127.0.0.1:10 of http://127.0.0.1:10/a.png is not declared in app.json network.request"
        );
        let e = f.fetch("file:///etc/passwd", 10, Duration::from_secs(1)).unwrap_err();
        assert!(e.to_string().contains("is not http or https"), "{e}");
        // Declared but nothing listens: failed, not denied.
        let e = f.fetch("http://127.0.0.1:9/a.png", 10, Duration::from_secs(2)).unwrap_err();
        assert!(matches!(&e, crate::Error::Remote { kind, .. } if kind == "failed"), "{e}");
    }

    #[test]
    fn a_remote_fetch_over_the_cap_is_refused_with_the_limit() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            use std::io::Write;
            for mut s in listener.incoming().flatten().take(2) {
                let mut buf = [0u8; 1024];
                let _ = s.read(&mut buf);
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 64\r\nconnection: close\r\n\r\n");
                let _ = s.write_all(&[7u8; 64]);
            }
        });
        let f = RemoteFetcher::new(&[format!("http://127.0.0.1:{port}")]);
        let url = format!("http://127.0.0.1:{port}/big.png");
        let e = f.fetch(&url, 16, Duration::from_secs(5)).unwrap_err();
        assert_eq!(e.to_string(), format!("limit-exceeded: {url} is 64 bytes, over the limit of 16 bytes"));
        assert_eq!(f.fetch(&url, 64, Duration::from_secs(5)).unwrap(), vec![7u8; 64]);
    }

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
        let e = resolve_public(&SystemLookup, "localhost").unwrap_err();
        assert_eq!(e.kind, "denied");
        assert!(e.message.starts_with("host localhost resolves to "), "{}", e.message);
    }

    /// Answers for `api.test` in turn (the last one repeats), counting the lookups. Here
    /// 127.0.0.1 stands for a public address and 127.0.0.2 for a private one, so that both can be
    /// real loopback servers.
    struct Rebinding {
        answers: Vec<IpAddr>,
        lookups: AtomicUsize,
    }

    const PUBLIC: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 1));
    const PRIVATE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));

    impl Lookup for Rebinding {
        fn lookup(&self, host: &str) -> std::io::Result<Vec<IpAddr>> {
            assert_eq!(host, "api.test");
            let n = self.lookups.fetch_add(1, Ordering::SeqCst);
            Ok(vec![self.answers[n.min(self.answers.len() - 1)]])
        }

        fn is_private(&self, ip: IpAddr) -> bool {
            ip == PRIVATE
        }
    }

    /// An HTTP/1.1 server on `ip:port` that closes every connection after one answer (so each
    /// hop connects, and looks up, afresh): `/start` redirects (302) to `/next`, `/see-other` (303)
    /// and `/temporary` (307) to `/echo`, which answers the method and the body it got; anything
    /// else answers `name`. Returns the count of connections it accepted.
    fn server(ip: IpAddr, port: u16, name: &'static str) -> std::io::Result<Arc<AtomicUsize>> {
        use std::io::Write;
        let listener = std::net::TcpListener::bind((ip, port))?;
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = accepted.clone();
        std::thread::spawn(move || {
            for mut s in listener.incoming().flatten() {
                count.fetch_add(1, Ordering::SeqCst);
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && s.read(&mut byte).is_ok_and(|n| n == 1) {
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let length = head
                    .lines()
                    .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|n| n.trim().parse::<usize>().unwrap_or(0)))
                    .unwrap_or(0);
                let mut body = vec![0u8; length];
                let _ = s.read_exact(&mut body);
                let (method, path) = head.split_once(' ').map(|(m, rest)| (m, rest.split(' ').next().unwrap_or(""))).unwrap_or(("", ""));
                let redirect = |status: &str, to: &str| {
                    format!("HTTP/1.1 {status}\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                };
                let answer = if path == "/start" {
                    redirect("302 Found", "/next")
                } else if path == "/see-other" {
                    redirect("303 See Other", "/echo")
                } else if path == "/temporary" {
                    redirect("307 Temporary Redirect", "/echo")
                } else if path == "/echo" {
                    let text = format!("{method} {}", String::from_utf8_lossy(&body));
                    format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}", text.len())
                } else {
                    format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{name}", name.len())
                };
                let _ = s.write_all(answer.as_bytes());
            }
        });
        Ok(accepted)
    }

    /// A "public" and a "private" server on one port (as a rebinding attacker would use it), and
    /// a queue whose lookups of `api.test` give `answers` in turn.
    fn rebinding(answers: Vec<IpAddr>) -> (u16, Arc<AtomicUsize>, NetQueue, Arc<Rebinding>) {
        for _ in 0..20 {
            let probe = std::net::TcpListener::bind((PUBLIC, 0)).unwrap();
            let port = probe.local_addr().unwrap().port();
            drop(probe);
            let (Ok(_), Ok(private)) = (server(PUBLIC, port, "public"), server(PRIVATE, port, "private")) else { continue };
            let lookup = Arc::new(Rebinding { answers, lookups: AtomicUsize::new(0) });
            return (port, private, NetQueue::with_lookup(lookup.clone()), lookup);
        }
        panic!("no free port on both 127.0.0.1 and 127.0.0.2");
    }

    fn job(port: u16) -> Job {
        Job {
            id: 1,
            url: Url::parse(&format!("http://api.test:{port}/start")).unwrap(),
            method: reqwest::Method::GET,
            headers: reqwest::header::HeaderMap::new(),
            body: None,
            timeout: Duration::from_secs(10),
            max_bytes: 1 << 20,
            allowed: vec![("http".into(), "api.test".into(), port)],
        }
    }

    #[test]
    fn issue_12_each_hop_connects_to_the_address_it_checked() {
        // Hop 1 and hop 2 each look up once and get the public address; a third lookup (the one
        // a check-then-connect design makes for the connection) would get the private one.
        let (port, private, queue, lookup) = rebinding(vec![PUBLIC, PUBLIC, PRIVATE]);
        let r = run(job(port), &queue);
        assert_eq!(r["data"], "public", "{r}");
        assert_eq!(lookup.lookups.load(Ordering::SeqCst), 2, "one lookup per hop, the one connected to");
        assert_eq!(private.load(Ordering::SeqCst), 0, "the private server was never connected to");
        // The client is the app's: a second request reuses it (and its resolver).
        let again = run(job(port), &queue);
        assert_eq!(again["error"]["kind"], "denied", "{again}");
        assert_eq!(private.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn issue_12_a_redirect_hop_that_now_resolves_privately_is_denied() {
        let (port, private, queue, lookup) = rebinding(vec![PUBLIC, PRIVATE]);
        let r = run(job(port), &queue);
        assert_eq!(r["error"]["kind"], "denied", "{r}");
        assert_eq!(
            r["error"]["message"],
            "host api.test resolves to 127.0.0.2, a private address; declare that address itself to allow it"
        );
        assert_eq!(lookup.lookups.load(Ordering::SeqCst), 2);
        assert_eq!(private.load(Ordering::SeqCst), 0, "the private server was never connected to");
    }

    #[test]
    fn redirects_carry_method_and_body_as_browsers_do() {
        let port = std::net::TcpListener::bind((PUBLIC, 0)).unwrap().local_addr().unwrap().port();
        server(PUBLIC, port, "public").unwrap();
        let queue = NetQueue::default();
        let post = |path: &str| {
            let mut j = job(port);
            j.url = Url::parse(&format!("http://127.0.0.1:{port}{path}")).unwrap();
            j.allowed = vec![("http".into(), "127.0.0.1".into(), port)];
            j.method = reqwest::Method::POST;
            j.body = Some(b"hello".to_vec());
            run(j, &queue)
        };
        assert_eq!(post("/see-other")["data"], "GET ", "303: a GET without the body");
        assert_eq!(post("/temporary")["data"], "POST hello", "307: the same method and body");
        assert_eq!(post("/echo")["data"], "POST hello");
    }
}
