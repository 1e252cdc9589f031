//! The server's refusals and headers, over plain HTTP.

use miniapp_cloud::{AppStatus, CloudClient, Error, LaunchUrl};
use reqwest::blocking::Client;
use reqwest::StatusCode;

use crate::helpers::*;

fn error_of(resp: reqwest::blocking::Response) -> String {
    let v: serde_json::Value = resp.json().unwrap();
    v["error"].as_str().unwrap().to_string()
}

#[test]
fn wrong_or_missing_token_is_401() {
    let env = env();
    let http = Client::new();
    let resp = http.post(format!("{}apps", env.url())).body(bundle("counter", "1.0.0")).send().unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(error_of(resp).starts_with("missing bearer token"));
    let e = env.client.publish(&env.url(), "nope", &bundle("counter", "1.0.0")).unwrap_err();
    assert!(matches!(e, Error::Refused { status: 401, .. }), "{e}");
    assert!(e.to_string().ends_with("refused publish (401): wrong bearer token"), "{e}");
    let e = env.client.set_status(&env.url(), "nope", "counter", AppStatus::Banned, "x").unwrap_err();
    assert!(matches!(e, Error::Refused { status: 401, .. }), "{e}");
}

#[test]
fn same_or_older_version_is_409() {
    let env = env();
    env.publish(&bundle("counter", "1.2.0"));
    for v in ["1.2.0", "1.1.9"] {
        let e = env.client.publish(&env.url(), "test-token", &bundle("counter", v)).unwrap_err();
        assert!(matches!(e, Error::Refused { status: 409, .. }), "{e}");
        assert!(e.to_string().contains(&format!("version {v} of counter is not newer than the published 1.2.0")), "{e}");
    }
}

#[test]
fn another_publisher_cannot_take_an_app_id() {
    let env = env();
    env.publish(&bundle("counter", "1.0.0"));
    let other = miniapp_bundle::pack(&files("counter", "2.0.0", &[]), &miniapp_bundle::SigningKey::from_seed([4; 32])).unwrap();
    let e = env.client.publish(&env.url(), "test-token", &other).unwrap_err();
    assert!(matches!(e, Error::Refused { status: 403, .. }), "{e}");
    assert!(e.to_string().contains("belongs to another publisher"), "{e}");
}

#[test]
fn unknown_app_is_404_with_the_documented_message() {
    let env = env();
    let e = env.client.fetch_meta(&env.launch("nosuchapp")).unwrap_err();
    assert_eq!(e.to_string(), format!("no app nosuchapp at {}", env.launch("nosuchapp").cloud_display()));
    let resp = Client::new().get(format!("{}apps/nosuchapp", env.url())).send().unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_of(resp), "no app nosuchapp");
}

#[test]
fn closed_port_is_connection_refused() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let cache = tempfile::tempdir().unwrap();
    let client = CloudClient::new(cache.path().to_path_buf()).unwrap();
    let url = LaunchUrl::parse(&format!("http://127.0.0.1:{port}/apps/counter")).unwrap();
    let e = client.fetch_meta(&url).unwrap_err();
    assert_eq!(e.to_string(), format!("cannot reach http://127.0.0.1:{port}: connection refused"));
    let e = client.open_app(&url, &|_, _| {}).unwrap_err();
    assert_eq!(e.to_string(), format!("cannot reach http://127.0.0.1:{port}: connection refused"));
}

#[test]
fn tampered_upload_is_refused_naming_the_rule() {
    let env = env();
    let good = bundle("counter", "1.0.0");
    // Flip one byte inside the template's compressed data.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&good[..])).unwrap();
    let start = zip.by_name("pages/index/index.xml").unwrap().data_start() as usize;
    let mut bad = good.clone();
    bad[start + 2] ^= 0x01;
    let e = env.client.publish(&env.url(), "test-token", &bad).unwrap_err();
    assert!(matches!(e, Error::Refused { status: 400, .. }), "{e}");
    assert!(e.to_string().contains("bundle refused: hash mismatch in pages/index/index.xml"), "{e}");
}

#[test]
fn oversize_upload_is_413() {
    let env = env();
    let e = env.client.publish(&env.url(), "test-token", &vec![0u8; 3 * 1024 * 1024]).unwrap_err();
    assert!(matches!(e, Error::Refused { status: 413, .. }), "{e}");
    assert!(e.to_string().contains("package size is over the limit"), "{e}");
    let e = env.client.publish(&env.url(), "test-token", &vec![0u8; 5 * 1024 * 1024]).unwrap_err();
    assert!(matches!(e, Error::Refused { status: 413, .. }), "{e}");
}

#[test]
fn review_reports_every_reason_at_once() {
    let env = env();
    let mut fs = files("shop", "1.0.0", &["http://api.example.com", "http://127.0.0.1:9000"]);
    fs[2].1 = vec![0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]; // a core module
    let b = miniapp_bundle::pack(&fs, &publisher()).unwrap();
    let resp = Client::new().post(format!("{}apps", env.url())).bearer_auth("test-token").body(b).send().unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let v: serde_json::Value = resp.json().unwrap();
    let reasons: Vec<&str> = v["reasons"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert!(reasons[0].starts_with("app.json: network.request[0]: http://api.example.com is not https"));
    assert!(reasons[1].contains("only for loopback origins on a cloud started with --dev"));
    assert!(reasons[2].starts_with("logic.wasm: is a core wasm module"));
}

#[test]
fn dev_cloud_allows_plain_http_to_loopback_only() {
    let env = env_with(true);
    let ok = miniapp_bundle::pack(&files("shop", "1.0.0", &["http://127.0.0.1:9000"]), &publisher()).unwrap();
    env.publish(&ok);
    let bad = miniapp_bundle::pack(&files("shop", "1.1.0", &["http://api.example.com"]), &publisher()).unwrap();
    let e = env.client.publish(&env.url(), "test-token", &bad).unwrap_err();
    assert!(e.to_string().contains("http://api.example.com is not https"), "{e}");
}

#[test]
fn review_hook_reasons_are_added() {
    let data = tempfile::tempdir().unwrap();
    let mut cfg = miniapp_cloud::ServerConfig::new(data.path());
    cfg.token = Some("t".into());
    cfg.review = Some(std::sync::Arc::new(|b: &miniapp_bundle::LockedBundle| {
        vec![format!("pages/index/index.xml:1: template of {} does not parse", b.manifest.appid)]
    }));
    let cloud = miniapp_cloud::spawn_background(cfg).unwrap();
    let cache = tempfile::tempdir().unwrap();
    let client = CloudClient::new(cache.path().to_path_buf()).unwrap();
    let e = client.publish(&cloud.url(), "t", &bundle("counter", "1.0.0")).unwrap_err();
    assert!(e.to_string().contains("pages/index/index.xml:1: template of counter does not parse"), "{e}");
}

#[test]
fn bundles_are_immutable_with_etag_and_ranges() {
    let env = env();
    let r = env.publish(&bundle("counter", "1.0.0"));
    let http = Client::new();
    let url = format!("{}bundles/{}", env.url(), r.digest);
    let full = http.get(&url).send().unwrap();
    assert_eq!(full.status(), StatusCode::OK);
    assert_eq!(full.headers()["cache-control"], "public, max-age=31536000, immutable");
    let etag = full.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(etag, format!("\"{}\"", r.digest));
    let body = full.bytes().unwrap();
    assert_eq!(miniapp_bundle::digest(&body), r.digest, "content address matches content");

    let part = http.get(&url).header("range", "bytes=10-19").send().unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.headers()["content-range"], format!("bytes 10-19/{}", body.len()));
    assert_eq!(&part.bytes().unwrap()[..], &body[10..20]);

    let bad = http.get(&url).header("range", format!("bytes={}-", body.len())).send().unwrap();
    assert_eq!(bad.status(), StatusCode::RANGE_NOT_SATISFIABLE);

    let cached = http.get(&url).header("if-none-match", &etag).send().unwrap();
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);

    let missing = http.get(format!("{}bundles/sha256:{}", env.url(), "0".repeat(64))).send().unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let junk = http.get(format!("{}bundles/..%2f..%2fetc%2fpasswd", env.url())).send().unwrap();
    assert_eq!(junk.status(), StatusCode::BAD_REQUEST);
}

#[test]
fn status_change_needs_a_reason_and_a_known_app() {
    let env = env();
    env.publish(&bundle("counter", "1.0.0"));
    let e = env.client.set_status(&env.url(), "test-token", "counter", AppStatus::Banned, " ").unwrap_err();
    assert!(e.to_string().contains("a reason is required when the status is banned"), "{e}");
    let e = env.client.set_status(&env.url(), "test-token", "ghost", AppStatus::Banned, "x").unwrap_err();
    assert!(matches!(e, Error::AppNotFound { .. }), "{e}");
    let meta = env.client.list_versions(&env.url(), "counter").unwrap();
    assert_eq!(meta.status, AppStatus::Published);
}

#[test]
fn qr_code_decodes_back_to_the_launch_url() {
    let env = env();
    env.publish(&bundle("counter", "1.0.0"));
    let resp = Client::new().get(format!("{}apps/counter/qr?path=pages/index/index&scene=promo7", env.url())).send().unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "image/png");
    let png = resp.bytes().unwrap();
    let img = image::load_from_memory(&png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, text) = grids[0].decode().unwrap();
    let url = LaunchUrl::parse(&text).unwrap();
    assert_eq!(url.app_id.as_str(), "counter");
    assert_eq!(url.path.unwrap().as_str(), "pages/index/index");
    assert_eq!(url.scene.as_deref(), Some("promo7"));
    assert_eq!(url.cloud, env.url());

    let long = Client::new().get(format!("{}apps/counter/qr?scene={}", env.url(), "x".repeat(33))).send().unwrap();
    assert_eq!(long.status(), StatusCode::BAD_REQUEST);
    assert!(error_of(long).contains("scene is 33 characters, over the limit of 32"));
}

#[test]
fn browser_gets_a_landing_page_with_the_qr_code() {
    let env = env();
    env.publish(&bundle("counter", "1.0.0"));
    let resp = Client::new().get(format!("{}apps/counter", env.url())).header("accept", "text/html").send().unwrap();
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = resp.text().unwrap();
    assert!(html.contains("App counter") && html.contains("qr") && html.contains("miniapp launch"), "{html}");
}

#[test]
fn generated_token_is_written_private_and_reused() {
    let data = tempfile::tempdir().unwrap();
    let first = miniapp_cloud::spawn_background(miniapp_cloud::ServerConfig::new(data.path())).unwrap();
    assert!(first.token_generated);
    let token = first.token.clone();
    let key = first.platform_key;
    first.stop();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(data.path().join("token")).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let second = miniapp_cloud::spawn_background(miniapp_cloud::ServerConfig::new(data.path())).unwrap();
    assert!(!second.token_generated);
    assert_eq!(second.token, token);
    assert_eq!(second.platform_key, key, "the platform key survives restarts");
}

#[test]
fn published_app_survives_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let cfg = || {
        let mut c = miniapp_cloud::ServerConfig::new(data.path());
        c.token = Some("t".into());
        c
    };
    let cloud = miniapp_cloud::spawn_background(cfg()).unwrap();
    let cache = tempfile::tempdir().unwrap();
    let client = CloudClient::new(cache.path().to_path_buf()).unwrap();
    client.publish(&cloud.url(), "t", &bundle("counter", "1.0.0")).unwrap();
    cloud.stop();
    let cloud = miniapp_cloud::spawn_background(cfg()).unwrap();
    let meta = client.list_versions(&cloud.url(), "counter").unwrap();
    assert_eq!(meta.versions.len(), 1);
    assert_eq!(client.list_apps(&cloud.url()).unwrap().len(), 1);
}

#[test]
fn two_replicas_sharing_one_data_dir_serve_the_same_app() {
    let data = tempfile::tempdir().unwrap();
    let cfg = || {
        let mut c = miniapp_cloud::ServerConfig::new(data.path());
        c.token = Some("t".into());
        c
    };
    let a = miniapp_cloud::spawn_background(cfg()).unwrap();
    let b = miniapp_cloud::spawn_background(cfg()).unwrap();
    assert_eq!(a.platform_key, b.platform_key, "replicas share the platform key");
    let cache = tempfile::tempdir().unwrap();
    let client = CloudClient::new(cache.path().to_path_buf()).unwrap();
    let receipt = client.publish(&a.url(), "t", &bundle("counter", "1.0.0")).unwrap();
    let url = LaunchUrl::parse(&format!("{}apps/counter", b.url())).unwrap();
    let opened = client.open_app(&url, &|_, _| {}).unwrap();
    assert_eq!(opened.bundle.digest, receipt.digest, "published on one replica, served by the other");
}
