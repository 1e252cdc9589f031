//! Builders for good and hand-made bad bundles.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use ed25519_dalek::Signer;
use miniapp_bundle::SigningKey;
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

pub const APP_JSON: &str = r##"{ "appid": "counter", "name": "Counter", "version": "1.0.0",
  "pages": ["pages/index/index"],
  "window": { "navigationBarTitleText": "Counter", "navigationBarBackgroundColor": "#07c160" },
  "network": { "request": ["https://api.example.com"] } }"##;

pub const SEED: [u8; 32] = [7; 32];

pub fn key() -> SigningKey {
    SigningKey::from_seed(SEED)
}

/// A minimal valid counter app, as (path, bytes).
pub fn app_files() -> Vec<(String, Vec<u8>)> {
    vec![
        ("app.json".into(), APP_JSON.as_bytes().to_vec()),
        ("app.css".into(), b"page { background: #f5f5f5; }".to_vec()),
        ("pages/index/index.xml".into(), b"<view><text>{{count}}</text><button bind:tap=\"inc\">+1</button></view>".to_vec()),
        ("pages/index/index.css".into(), b".n { font-size: 48px; }".to_vec()),
        ("pages/index/index.json".into(), br#"{ "navigationBarTitleText": "Home" }"#.to_vec()),
        ("logic.wasm".into(), b"\0asm\x0d\0\x01\0".to_vec()),
    ]
}

pub fn files_map(files: Vec<(String, Vec<u8>)>) -> BTreeMap<String, Vec<u8>> {
    files.into_iter().collect()
}

/// The entries of a zip, in order.
pub fn entries(bundle: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = ZipArchive::new(Cursor::new(bundle)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().to_string(), data)
        })
        .collect()
}

/// A Deflate zip of the entries, in the given order, with no checks at all.
pub fn zip_raw(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    zip_with(entries, CompressionMethod::Deflated)
}

pub fn zip_with(entries: &[(String, Vec<u8>)], method: CompressionMethod) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(method);
    for (name, data) in entries {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// Signs app files exactly as docs/bundle-format.md specifies, without any validation, so tests
/// can build well-signed bundles that break the manifest rules.
pub fn sign_raw(files: &BTreeMap<String, Vec<u8>>, key_seed: [u8; 32]) -> Vec<(String, Vec<u8>)> {
    let rows: Vec<serde_json::Value> = files
        .iter()
        .map(|(p, d)| serde_json::json!({ "path": p, "sha256": hex::encode(Sha256::digest(d)), "size": d.len() }))
        .collect();
    let mut table = serde_json::to_vec_pretty(&serde_json::json!({ "format": 1, "files": rows })).unwrap();
    table.push(b'\n');
    let key = ed25519_dalek::SigningKey::from_bytes(&key_seed);
    let msg = [b"miniapp bundle publisher signature v1\n".as_slice(), &table].concat();
    let sig = key.sign(&msg);
    let publisher = serde_json::to_vec_pretty(&serde_json::json!({
        "algorithm": "ed25519",
        "publicKey": hex::encode(key.verifying_key().as_bytes()),
        "signature": hex::encode(sig.to_bytes()),
    }))
    .unwrap();
    let mut out: Vec<(String, Vec<u8>)> = files.iter().map(|(p, d)| (p.clone(), d.clone())).collect();
    out.push(("_meta/files.json".into(), table));
    out.push(("_meta/publisher.json".into(), publisher));
    out
}

/// Replaces (or adds) an entry.
pub fn set(entries: &mut Vec<(String, Vec<u8>)>, name: &str, data: Vec<u8>) {
    match entries.iter_mut().find(|(n, _)| n == name) {
        Some(e) => e.1 = data,
        None => entries.push((name.to_string(), data)),
    }
}

/// The byte range of an entry's stored data inside the zip.
pub fn data_range(bundle: &[u8], name: &str) -> std::ops::Range<usize> {
    let mut zip = ZipArchive::new(Cursor::new(bundle)).unwrap();
    let f = zip.by_name(name).unwrap();
    let start = f.data_start() as usize;
    start..start + f.compressed_size() as usize
}
