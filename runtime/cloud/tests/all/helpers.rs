//! A cloud in a temp dir, a client with its own cache, and sample bundles.

use miniapp_bundle::{pack, SigningKey};
use miniapp_cloud::{spawn_background, CloudClient, LaunchUrl, RunningCloud, ServerConfig};
use tempfile::TempDir;
use url::Url;

/// A minimal component preamble: review checks only that logic.wasm is a component.
pub const COMPONENT: &[u8] = &[0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];

pub struct Env {
    pub cloud: RunningCloud,
    pub client: CloudClient,
    pub data: TempDir,
    pub cache: TempDir,
}

impl Env {
    pub fn url(&self) -> Url {
        self.cloud.url()
    }

    pub fn launch(&self, appid: &str) -> LaunchUrl {
        LaunchUrl::parse(&format!("{}apps/{appid}", self.url())).unwrap()
    }

    pub fn publish(&self, bundle: &[u8]) -> miniapp_cloud::PublishReceipt {
        self.client.publish(&self.url(), &self.cloud.token, bundle).unwrap()
    }
}

pub fn env_with(dev: bool) -> Env {
    env_configured(|cfg| cfg.dev = dev)
}

/// A cloud with token `test-token`, after `configure` has changed its config.
pub fn env_configured(configure: impl FnOnce(&mut ServerConfig)) -> Env {
    let data = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let mut cfg = ServerConfig::new(data.path());
    cfg.token = Some("test-token".into());
    configure(&mut cfg);
    let cloud = spawn_background(cfg).unwrap();
    let client = CloudClient::new(cache.path().to_path_buf()).unwrap();
    Env { cloud, client, data, cache }
}

pub fn env() -> Env {
    env_with(false)
}

pub fn publisher() -> SigningKey {
    SigningKey::from_seed([3; 32])
}

pub fn app_json(appid: &str, version: &str, origins: &[&str]) -> String {
    let origins: Vec<String> = origins.iter().map(|o| format!("\"{o}\"")).collect();
    format!(
        r#"{{ "appid": "{appid}", "name": "App {appid}", "version": "{version}", "pages": ["pages/index/index"],
            "network": {{ "request": [{}] }} }}"#,
        origins.join(",")
    )
}

pub fn files(appid: &str, version: &str, origins: &[&str]) -> Vec<(String, Vec<u8>)> {
    vec![
        ("app.json".into(), app_json(appid, version, origins).into_bytes()),
        ("pages/index/index.xml".into(), format!("<view><text>{appid} {version}</text></view>").into_bytes()),
        ("logic.wasm".into(), COMPONENT.to_vec()),
    ]
}

pub fn bundle(appid: &str, version: &str) -> Vec<u8> {
    pack(&files(appid, version, &["https://api.example.com"]), &publisher()).unwrap()
}
