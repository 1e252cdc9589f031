//! Network requests through a real guest against a test back end on loopback: declared origins
//! only, redirects only to declared origins, no private addresses behind host names, response
//! size and time limits. Each failure reaches the app as a clear error; the host lives on.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use miniapp_sandbox::{AppContext, AppInstance, Effect, PageRef, Sandbox};
use serde_json::{json, Value};

use crate::guests::{echo, test_limits};

/// A tiny HTTP/1.1 back end: `/hello`, `/big`, `/big-unsized`, `/hang`, `/trickle` (one byte a
/// second of a 60-byte body), `/redirect?to=URL`.
fn backend() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve(stream));
        }
    });
    port
}

fn serve(mut s: TcpStream) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let head = String::from_utf8_lossy(&buf).to_string();
    let target = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let big = vec![b'x'; 20 << 20];
    let _ = match path {
        "/hello" => s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Test: yes\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"),
        "/big" => s
            .write_all(format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", big.len()).as_bytes())
            .and_then(|_| s.write_all(&big)),
        "/big-unsized" => s.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n").and_then(|_| s.write_all(&big)),
        "/hang" => {
            std::thread::sleep(Duration::from_secs(30));
            Ok(())
        }
        "/trickle" => s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 60\r\nConnection: close\r\n\r\n").and_then(|_| {
            for _ in 0..60 {
                s.write_all(b"x")?;
                std::thread::sleep(Duration::from_secs(1));
            }
            Ok(())
        }),
        "/redirect" => {
            let to = query.strip_prefix("to=").unwrap_or("/hello");
            s.write_all(format!("HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").as_bytes())
        }
        _ => s.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
    };
}

fn start(sandbox: &Sandbox, network: Vec<String>) -> (AppInstance, PageRef) {
    let c = sandbox.compile(echo()).unwrap();
    let mut ctx = AppContext::new("echo");
    ctx.network = network;
    let mut app = sandbox.instantiate(&c, ctx).unwrap();
    let page = PageRef::new(1, "pages/index/index");
    app.page_load(&page, "").unwrap();
    (app, page)
}

fn logs(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Log { message, .. } => Some(message.clone()),
            _ => None,
        })
        .collect()
}

/// Fire a request from the guest and run the event loop until its callback arrives.
fn fetch(app: &mut AppInstance, page: &PageRef, event: Value) -> Value {
    let effects = app.handle_event(page, "fetch", &event).unwrap();
    let id = match effects.iter().find_map(|e| match e {
        Effect::SetData { patch, .. } => patch["request"].as_u64(),
        _ => None,
    }) {
        Some(id) => id,
        None => return json!({ "refused": logs(&effects) }),
    };
    let started = Instant::now();
    loop {
        assert!(started.elapsed() < Duration::from_secs(20), "no callback for request {id}");
        for line in logs(&app.run_ready(Instant::now()).unwrap()) {
            if let Some(rest) = line.strip_prefix(&format!("callback {id} ")) {
                return serde_json::from_str(rest).unwrap();
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_declared_origin_answers_through_on_callback() {
    let port = backend();
    let sandbox = Sandbox::new(test_limits(), None).unwrap();
    let (mut app, page) = start(&sandbox, vec![format!("http://127.0.0.1:{port}")]);
    let r = fetch(&mut app, &page, json!({ "url": format!("http://127.0.0.1:{port}/hello") }));
    assert_eq!(r["statusCode"], 200, "{r}");
    assert_eq!(r["data"], "hi");
    assert_eq!(r["headers"]["x-test"], "yes");
    // a redirect within the declared origin is followed
    let r = fetch(&mut app, &page, json!({ "url": format!("http://127.0.0.1:{port}/redirect?to=/hello") }));
    assert_eq!(r["data"], "hi", "{r}");
    assert!(!app.has_pending_work());
    // The Network panel's log: both requests, with status, size and time.
    let log = app.network_log();
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!((log[0].method.as_str(), log[0].status, log[0].bytes, log[0].error.as_deref()), ("GET", Some(200), 2, None));
    assert!(log[0].url.ends_with("/hello") && log[0].ms >= 0.0, "{log:?}");
}

#[test]
fn an_undeclared_origin_is_refused_before_any_connection() {
    let port = backend();
    let sandbox = Sandbox::new(test_limits(), None).unwrap();
    let (mut app, page) = start(&sandbox, vec![format!("http://127.0.0.1:{port}")]);
    let r = fetch(&mut app, &page, json!({ "url": "https://example.com/x" }));
    assert_eq!(
        r["refused"][0],
        "request refused: HostError::Denied(\"request to https://example.com/x: origin https://example.com:443 is not declared in app.json network.request\")"
    );
    let r = fetch(&mut app, &page, json!({ "url": format!("http://127.0.0.1:{port}/hello"), "headers": {"Host": "evil"} }));
    assert!(r["refused"][0].as_str().unwrap().contains("\\\"Host\\\" may not be set"), "{r}");
    // Refused requests are in the Network panel's log with the rule that refused them.
    let log = app.network_log();
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!((log[0].url.as_str(), log[0].status), ("https://example.com/x", None));
    assert!(log[0].error.as_deref().unwrap().contains("is not declared in app.json network.request"), "{log:?}");
    assert!(log[1].error.as_deref().unwrap().contains("may not be set by an app"), "{log:?}");
}

#[test]
fn a_redirect_to_an_undeclared_origin_is_an_error() {
    let port = backend();
    let other = backend();
    let sandbox = Sandbox::new(test_limits(), None).unwrap();
    let (mut app, page) = start(&sandbox, vec![format!("http://127.0.0.1:{port}")]);
    let to = format!("http://127.0.0.1:{other}/hello");
    let r = fetch(&mut app, &page, json!({ "url": format!("http://127.0.0.1:{port}/redirect?to={to}") }));
    assert_eq!(r["error"]["kind"], "denied", "{r}");
    let msg = r["error"]["message"].as_str().unwrap();
    assert!(msg.contains(&format!("redirect to undeclared origin http://127.0.0.1:{other}")), "{msg}");
}

#[test]
fn a_host_name_resolving_to_loopback_is_denied() {
    let port = backend();
    let sandbox = Sandbox::new(test_limits(), None).unwrap();
    let (mut app, page) = start(&sandbox, vec![format!("http://localhost:{port}")]);
    let r = fetch(&mut app, &page, json!({ "url": format!("http://localhost:{port}/hello") }));
    assert_eq!(r["error"]["kind"], "denied", "{r}");
    let msg = r["error"]["message"].as_str().unwrap();
    assert!(msg.starts_with("host localhost resolves to ") && msg.ends_with("declare that address itself to allow it"), "{msg}");
}

#[test]
fn a_twenty_mib_response_is_refused() {
    let port = backend();
    let sandbox = Sandbox::new(test_limits(), None).unwrap();
    let (mut app, page) = start(&sandbox, vec![format!("http://127.0.0.1:{port}")]);
    for path in ["big", "big-unsized"] {
        let r = fetch(&mut app, &page, json!({ "url": format!("http://127.0.0.1:{port}/{path}") }));
        assert_eq!(r["error"]["kind"], "limit-exceeded", "{path}: {r}");
        assert!(r["error"]["message"].as_str().unwrap().contains("over the limit of 10485760 bytes"), "{r}");
    }
}

#[test]
fn a_back_end_that_never_answers_times_out() {
    let port = backend();
    let sandbox = Sandbox::new(test_limits(), None).unwrap();
    let (mut app, page) = start(&sandbox, vec![format!("http://127.0.0.1:{port}")]);
    let started = Instant::now();
    let r = fetch(&mut app, &page, json!({ "url": format!("http://127.0.0.1:{port}/hang"), "timeout": 300 }));
    assert_eq!(r["error"]["kind"], "timeout", "{r}");
    assert_eq!(
        r["error"]["message"],
        format!("request to http://127.0.0.1:{port}/hang timed out: no complete response within the request timeout of 300 ms")
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    // the app is fine afterwards
    let r = fetch(&mut app, &page, json!({ "url": format!("http://127.0.0.1:{port}/hello") }));
    assert_eq!(r["data"], "hi");
}

#[test]
fn issue_12_a_response_that_trickles_is_stopped_by_the_total_deadline() {
    // One byte a second never trips a per-read timeout of 1.5 s; the request's deadline counts
    // from the call to the last byte, so it stops the body after 1.5 s all the same.
    let port = backend();
    let sandbox = Sandbox::new(test_limits(), None).unwrap();
    let (mut app, page) = start(&sandbox, vec![format!("http://127.0.0.1:{port}")]);
    let started = Instant::now();
    let r = fetch(&mut app, &page, json!({ "url": format!("http://127.0.0.1:{port}/trickle"), "timeout": 1500 }));
    let took = started.elapsed();
    assert_eq!(r["error"]["kind"], "timeout", "{r}");
    assert_eq!(
        r["error"]["message"],
        format!("request to http://127.0.0.1:{port}/trickle timed out: no complete response within the request timeout of 1500 ms")
    );
    assert!(took >= Duration::from_millis(1400) && took < Duration::from_secs(4), "stopped after {took:?}");
}
