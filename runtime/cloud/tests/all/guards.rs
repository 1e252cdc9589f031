//! The server under slow, many and greedy clients (issue 12), over real loopback sockets: a
//! client that sends its headers or body too slowly is cut off, connections and requests over
//! their caps get 503 with `Retry-After`, the unauthenticated routes that cost the most are rate
//! limited per client IP (429 with `Retry-After`), bodies have per-route limits, and a bundle
//! streamed from storage still downloads whole and verifies.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use miniapp_cloud::{RateLimit, STATUS_BODY_LIMIT};
use reqwest::blocking::Client;
use reqwest::StatusCode;

use crate::helpers::*;

/// Sends `request` on a fresh connection and reads until the server closes it (5 s at most).
fn exchange(addr: SocketAddr, request: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(request).unwrap();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

/// `GET /health` on a fresh connection: the status line's code.
fn health(addr: SocketAddr) -> String {
    exchange(addr, b"GET /health HTTP/1.1\r\nHost: cloud\r\nConnection: close\r\n\r\n").split_whitespace().nth(1).unwrap_or("").to_string()
}

/// Polls `/health` until it answers 200 (3 s at most).
fn wait_healthy(addr: SocketAddr) {
    let t = Instant::now();
    while health(addr) != "200" {
        assert!(t.elapsed() < Duration::from_secs(3), "the cloud did not recover");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn issue_12_a_client_sending_headers_slowly_is_disconnected() {
    let env = env_configured(|cfg| cfg.limits.header_read_timeout = Duration::from_millis(500));
    let mut s = TcpStream::connect(env.cloud.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    let started = Instant::now();
    s.write_all(b"GET /health HTTP/1.1\r\n").unwrap();
    // A header byte every 100 ms: each one arrives well inside any per-read timeout.
    let closed = loop {
        if started.elapsed() > Duration::from_secs(5) {
            break None;
        }
        if s.write_all(b"x").is_err() {
            break Some(started.elapsed());
        }
        let mut buf = [0u8; 256];
        match s.read(&mut buf) {
            Ok(0) => break Some(started.elapsed()),
            Ok(_) => {}
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => break Some(started.elapsed()),
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let closed = closed.expect("the slow client was never disconnected");
    assert!(closed >= Duration::from_millis(400) && closed < Duration::from_millis(2000), "disconnected after {closed:?}");
    assert_eq!(health(env.cloud.addr), "200", "the cloud serves others");
}

#[test]
fn issue_12_a_body_sent_too_slowly_is_answered_408_and_the_connection_closed() {
    let env = env_configured(|cfg| cfg.limits.body_read_timeout = Duration::from_millis(500));
    let started = Instant::now();
    let answer = exchange(
        env.cloud.addr,
        b"POST /apps HTTP/1.1\r\nHost: cloud\r\nAuthorization: Bearer test-token\r\nContent-Length: 1000\r\n\r\nonly the first bytes",
    );
    let took = started.elapsed();
    assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
    assert!(answer.contains("request body was not received within the body read timeout of 500 ms"), "{answer}");
    assert!(took >= Duration::from_millis(400) && took < Duration::from_millis(2000), "answered and closed after {took:?}");
}

#[test]
fn issue_12_connections_over_the_cap_get_503_with_retry_after() {
    let env = env_configured(|cfg| cfg.limits.max_connections = 2);
    let addr = env.cloud.addr;
    let first = TcpStream::connect(addr).unwrap();
    let _second = TcpStream::connect(addr).unwrap();
    std::thread::sleep(Duration::from_millis(300)); // both accepted
    let answer = exchange(addr, b"GET /health HTTP/1.1\r\nHost: cloud\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 503 Service Unavailable\r\n"), "{answer}");
    assert!(answer.contains("Retry-After: 1\r\n"), "{answer}");
    assert!(answer.contains("the cloud is at its limit of 2 open connections; retry after 1 s"), "{answer}");
    drop(first);
    wait_healthy(addr);
}

#[test]
fn issue_12_requests_over_the_in_flight_cap_get_503_with_retry_after() {
    let env = env_configured(|cfg| cfg.limits.max_requests_in_flight = 1);
    let addr = env.cloud.addr;
    // A publish whose body is still coming holds the one slot.
    let mut slow = TcpStream::connect(addr).unwrap();
    slow.write_all(b"POST /apps HTTP/1.1\r\nHost: cloud\r\nAuthorization: Bearer test-token\r\nContent-Length: 100\r\n\r\nabc").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let resp = Client::new().get(format!("{}health", env.url())).send().unwrap();
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(resp.headers()["retry-after"], "1");
    let v: serde_json::Value = resp.json().unwrap();
    assert_eq!(v["error"], "the cloud is at its limit of 1 requests in flight; retry after 1 s");
    drop(slow);
    wait_healthy(addr);
}

#[test]
fn issue_12_login_and_qr_are_rate_limited_per_client_ip() {
    let env = env_configured(|cfg| cfg.limits.rate_limit = Some(RateLimit { burst: 3, per_second: 1 }));
    env.publish(&bundle("counter", "1.0.0"));
    let http = Client::new();
    let qr = format!("{}apps/counter/qr", env.url());
    for _ in 0..3 {
        assert_eq!(http.get(&qr).send().unwrap().status(), StatusCode::OK);
    }
    let refused = http.get(&qr).send().unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers()["retry-after"], "1");
    let v: serde_json::Value = refused.json().unwrap();
    assert_eq!(
        v["error"],
        "too many requests to /apps/{appid}/qr from 127.0.0.1: the limit is 3 at once and 1 a second per client; retry after 1 s"
    );
    // Login has its own bucket; other routes none.
    let login = format!("{}auth/login", env.url());
    for _ in 0..3 {
        assert_eq!(http.post(&login).json(&serde_json::json!({})).send().unwrap().status(), StatusCode::BAD_REQUEST);
    }
    let refused = http.post(&login).json(&serde_json::json!({})).send().unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key("retry-after"));
    assert_eq!(http.get(format!("{}apps/counter", env.url())).send().unwrap().status(), StatusCode::OK);
    // A token comes back after a second.
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(http.get(&qr).send().unwrap().status(), StatusCode::OK);
}

#[test]
fn issue_12_a_status_change_body_over_its_limit_is_413() {
    let env = env();
    env.publish(&bundle("counter", "1.0.0"));
    let reason = "x".repeat(STATUS_BODY_LIMIT);
    let resp = Client::new()
        .post(format!("{}apps/counter/status", env.url()))
        .bearer_auth(&env.cloud.token)
        .json(&serde_json::json!({ "status": "suspended", "reason": reason }))
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let v: serde_json::Value = resp.json().unwrap();
    assert_eq!(v["error"], format!("status change body is over the limit of {STATUS_BODY_LIMIT} bytes"));
}

#[test]
fn issue_12_a_bundle_streamed_from_its_file_downloads_whole_and_verifies() {
    let env = env();
    let r = env.publish(&bundle("counter", "1.0.0"));
    let http = Client::new();
    let url = format!("{}bundles/{}", env.url(), r.digest);
    let full = http.get(&url).send().unwrap();
    assert_eq!(full.status(), StatusCode::OK);
    assert_eq!(full.headers()["content-length"], r.size.to_string().as_str());
    let body = full.bytes().unwrap();
    assert_eq!(miniapp_bundle::digest(&body), r.digest);
    let locked = miniapp_bundle::verify(&body, &miniapp_bundle::Trust::default()).unwrap();
    assert_eq!(locked.manifest.appid.as_str(), "counter");
    // A range from the middle to the end, streamed from an offset.
    let from = body.len() / 2;
    let tail = http.get(&url).header("range", format!("bytes={from}-")).send().unwrap();
    assert_eq!(tail.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(tail.headers()["content-length"], (body.len() - from).to_string().as_str());
    assert_eq!(&tail.bytes().unwrap()[..], &body[from..]);
    // And the host's own download path (resume, verify, cache) still opens the app.
    let opened = env.client.open_app(&env.launch("counter"), &|_, _| {}).unwrap();
    assert_eq!((opened.bundle.manifest.appid.as_str(), opened.from_cache), ("counter", false));
}
