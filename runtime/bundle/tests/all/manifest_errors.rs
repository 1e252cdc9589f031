//! Manifest rules, reached both through `pack` and through `verify` of a well-signed bundle.

use miniapp_bundle::{pack, verify, Error, Trust};

use crate::helpers::*;

fn verify_with_app_json(app_json: &str) -> Error {
    let mut files = files_map(app_files());
    files.insert("app.json".into(), app_json.as_bytes().to_vec());
    verify(&zip_raw(&sign_raw(&files, SEED)), &Trust::default()).unwrap_err()
}

#[test]
fn unknown_manifest_field_in_a_signed_bundle_is_refused_with_its_path() {
    let e = verify_with_app_json(r#"{"appid":"counter","name":"C","version":"1.0.0","pages":["pages/index/index"],"window":{"title":"x"}}"#);
    let msg = e.to_string();
    assert!(msg.starts_with("app.json: window"), "{msg}");
    assert!(msg.contains("unknown field `title`"), "{msg}");
}

#[test]
fn page_listed_but_missing_is_refused_naming_the_template() {
    let e = verify_with_app_json(r#"{"appid":"counter","name":"C","version":"1.0.0","pages":["pages/index/index","pages/gone/gone"]}"#);
    assert_eq!(
        e.to_string(),
        "app.json: pages[1]: page pages/gone/gone has no template (missing file: pages/gone/gone.xml)"
    );
}

#[test]
fn pack_refuses_a_bad_manifest_before_signing() {
    let mut files = app_files();
    files[0].1 = br#"{"appid":"counter","name":"C","version":"1","pages":["pages/index/index"]}"#.to_vec();
    let msg = pack(&files, &key()).unwrap_err().to_string();
    assert!(msg.starts_with("app.json: version: invalid version \"1\""), "{msg}");
}

#[test]
fn pack_refuses_a_bundle_without_app_json() {
    let mut files = app_files();
    files.retain(|(p, _)| p != "app.json");
    assert_eq!(pack(&files, &key()).unwrap_err().to_string(), "missing file: app.json");
}

#[test]
fn bad_page_config_is_refused_with_its_file_and_field() {
    let mut files = app_files();
    files.retain(|(p, _)| p != "pages/index/index.json");
    files.push(("pages/index/index.json".into(), br#"{"backgroundColor":"blue"}"#.to_vec()));
    let msg = pack(&files, &key()).unwrap_err().to_string();
    assert!(msg.starts_with("pages/index/index.json: backgroundColor: invalid colour \"blue\""), "{msg}");
}

#[test]
fn manifest_that_is_not_json_is_refused_naming_the_file() {
    let msg = verify_with_app_json("{ not json").to_string();
    assert!(msg.starts_with("app.json: "), "{msg}");
}
