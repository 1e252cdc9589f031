//! Good bundles: pack → verify → countersign → verify with trust.

use miniapp_bundle::{countersign, digest, pack, verify, SigningKey, Trust};

use crate::helpers::*;

#[test]
fn packed_bundle_verifies_and_exposes_its_files() {
    let bytes = pack(&app_files(), &key()).unwrap();
    let b = verify(&bytes, &Trust::default()).unwrap();
    assert_eq!(b.manifest.appid.as_str(), "counter");
    assert_eq!(b.digest, digest(&bytes));
    assert!(b.digest.starts_with("sha256:") && b.digest.len() == 7 + 64);
    assert_eq!(b.size, bytes.len() as u64);
    assert_eq!(b.logic_wasm().unwrap(), b"\0asm\x0d\0\x01\0");
    let page = b.manifest.entry_page().clone();
    assert!(b.page_template(&page).unwrap().contains("bind:tap"));
    assert_eq!(b.page_config(&page).unwrap().navigation_bar_title_text.as_deref(), Some("Home"));
    assert_eq!(b.app_css().unwrap(), Some("page { background: #f5f5f5; }"));
    assert_eq!(b.publisher_key(), &key().verifying_key());
    assert!(!b.platform_signed());
    assert!(b.paths().all(|p| !p.starts_with("_meta/")));
    assert_eq!(b.paths().count(), 6);
}

#[test]
fn pack_is_deterministic() {
    assert_eq!(pack(&app_files(), &key()).unwrap(), pack(&app_files(), &key()).unwrap());
}

#[test]
fn countersigned_bundle_verifies_against_the_trusted_platform_key() {
    let platform = SigningKey::from_seed([9; 32]);
    let signed = countersign(&pack(&app_files(), &key()).unwrap(), &platform).unwrap();
    let b = verify(&signed, &Trust::platform(platform.verifying_key())).unwrap();
    assert!(b.platform_signed());
    assert_eq!(b.platform_key(), Some(&platform.verifying_key()));
    // Without trust configured, a present countersignature is still checked and reported.
    assert!(verify(&signed, &Trust::default()).unwrap().platform_signed());
}

#[test]
fn countersigning_twice_replaces_the_platform_signature() {
    let a = SigningKey::from_seed([9; 32]);
    let b = SigningKey::from_seed([10; 32]);
    let once = countersign(&pack(&app_files(), &key()).unwrap(), &a).unwrap();
    let twice = countersign(&once, &b).unwrap();
    assert!(verify(&twice, &Trust::platform(b.verifying_key())).is_ok());
}

#[test]
fn page_without_config_gets_the_default() {
    let mut files = app_files();
    files.retain(|(p, _)| p != "pages/index/index.json");
    let b = verify(&pack(&files, &key()).unwrap(), &Trust::default()).unwrap();
    let page = b.manifest.entry_page().clone();
    assert_eq!(b.page_config(&page).unwrap(), Default::default());
    assert_eq!(b.page_css(&page).unwrap(), Some(".n { font-size: 48px; }"));
}

#[test]
fn raw_signer_in_tests_matches_the_crate_format() {
    let raw = zip_raw(&sign_raw(&files_map(app_files()), SEED));
    assert!(verify(&raw, &Trust::default()).is_ok(), "the documented format must verify");
}

fn base_files() -> Vec<(String, Vec<u8>)> {
    vec![
        ("base.json".into(), br#"{ "name": "miniapp-base", "version": "1.2.0" }"#.to_vec()),
        ("styles/button.css".into(), b"button { padding: 8px; }".to_vec()),
    ]
}

#[test]
fn base_library_packs_countersigns_and_verifies() {
    let platform = SigningKey::from_seed([9; 32]);
    let bytes = miniapp_bundle::pack_base(&base_files(), &key()).unwrap();
    let signed = countersign(&bytes, &platform).unwrap();
    let base = miniapp_bundle::verify_base(&signed, &Trust::platform(platform.verifying_key())).unwrap();
    assert_eq!(base.manifest.version.as_str(), "1.2.0");
    assert!(base.platform_signed());
    assert_eq!(base.text("styles/button.css").unwrap(), "button { padding: 8px; }");
    // A base library is not an app, and an app is not a base library.
    assert_eq!(verify(&signed, &Trust::default()).unwrap_err().to_string(), "missing file: app.json");
    let app = pack(&app_files(), &key()).unwrap();
    assert_eq!(miniapp_bundle::verify_base(&app, &Trust::default()).unwrap_err().to_string(), "missing file: base.json");
}

#[test]
fn base_manifest_is_strict() {
    let mut files = base_files();
    files[0].1 = br#"{ "name": "b", "version": "1.0.0", "extra": 1 }"#.to_vec();
    let e = miniapp_bundle::pack_base(&files, &key()).unwrap_err().to_string();
    assert!(e.starts_with("base.json: ") && e.contains("unknown field `extra`"), "{e}");
}
