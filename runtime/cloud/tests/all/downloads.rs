//! Bundle downloads that do not match what the metadata announced: a body longer than the
//! announced size is cut off as soon as it passes it (nothing of it kept), whether the server
//! says so up front (`Content-Length`) or streams it without a length.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use miniapp_cloud::CloudClient;
use url::Url;

use crate::helpers::{bundle, env};

const DIGEST: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

/// Files left in the cache's download area (a cut-off download leaves none).
fn leftovers(dir: &std::path::Path) -> Vec<String> {
    walk(dir).into_iter().filter(|p| p.ends_with(".part")).collect()
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p.display().to_string());
        }
    }
    out
}

#[test]
fn a_streamed_body_longer_than_announced_is_cut_off_at_the_announced_size() {
    // A hostile "cloud" that streams chunks without end (up to 64 MiB) and counts what it sent.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let sent = Arc::new(AtomicU64::new(0));
    let sent2 = sent.clone();
    std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut req = [0u8; 4096];
        let _ = s.read(&mut req);
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/zip\r\n\r\n");
        let chunk = vec![b'x'; 64 * 1024];
        for _ in 0..1024 {
            let head = format!("{:x}\r\n", chunk.len());
            if s.write_all(head.as_bytes()).and_then(|_| s.write_all(&chunk)).and_then(|_| s.write_all(b"\r\n")).is_err() {
                break;
            }
            sent2.fetch_add(chunk.len() as u64, Ordering::SeqCst);
        }
    });
    let cache = tempfile::tempdir().unwrap();
    let client = CloudClient::new(cache.path().to_path_buf()).unwrap();
    let cloud = Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap();
    let e = client.download(&cloud, "greedy", DIGEST, 100_000, &|_, _| {}).unwrap_err().to_string();
    assert!(e.contains("the bundle is over the 100000 bytes its metadata announced"), "{e}");
    assert!(e.contains("bytes received"), "{e}");
    // The client stopped reading: the server could not push the whole 64 MiB.
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(sent.load(Ordering::SeqCst) < 32 << 20, "the client read on: {} bytes sent", sent.load(Ordering::SeqCst));
    assert!(leftovers(cache.path()).is_empty(), "{:?}", leftovers(cache.path()));
    assert!(!client.cache().has_bundle(DIGEST));
}

#[test]
fn a_content_length_over_the_announced_size_is_refused_before_the_body() {
    let env = env();
    env.publish(&bundle("hello", "1.0.0"));
    let meta = env.client.fetch_meta(&env.launch("hello")).unwrap();
    let e = env
        .client
        .download(&env.url(), "hello", &meta.digest, meta.size - 1, &|_, _| {})
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        format!(
            "request to {}bundles/{} failed: the bundle is over the {} bytes its metadata announced (Content-Length {})",
            env.url(),
            meta.digest,
            meta.size - 1,
            meta.size
        )
    );
    assert!(!env.client.cache().has_bundle(&meta.digest));
    assert!(leftovers(env.cache.path()).is_empty(), "{:?}", leftovers(env.cache.path()));
    // With the size it announced, the same bundle downloads and its digest (computed while it
    // arrived) matches.
    env.client.download(&env.url(), "hello", &meta.digest, meta.size, &|_, _| {}).unwrap();
    assert!(env.client.cache().has_bundle(&meta.digest));
}

#[test]
fn the_servers_runtime_runs_at_most_max_blocking_threads_file_reads_at_once() {
    // Each file read of a streamed bundle is blocking work: more downloads than the cap queue
    // for its threads instead of starting a thread (stack and allocator heap) each.
    let rt = miniapp_cloud::server_runtime(Some(1)).unwrap();
    let (now, peak) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    rt.block_on(async {
        let tasks: Vec<_> = (0..4 * miniapp_cloud::MAX_BLOCKING_THREADS)
            .map(|_| {
                let (now, peak) = (now.clone(), peak.clone());
                tokio::task::spawn_blocking(move || {
                    let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(n, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(30));
                    now.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    });
    let peak = peak.load(Ordering::SeqCst);
    assert!(peak <= miniapp_cloud::MAX_BLOCKING_THREADS as u64, "{peak} at once");
    assert!(peak >= 2, "blocking work still runs in parallel: {peak}");
}
