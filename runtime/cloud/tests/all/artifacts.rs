//! Precompiled artifacts: compiled and signed at publish, offered in the metadata, downloaded once
//! and checked before every use; a tampered, mis-signed or oversized one is refused with a
//! clear error (the host then compiles locally).

use std::sync::Arc;

use miniapp_bundle::artifact::sha256_digest;
use miniapp_cloud::store::{MetaStore, SqliteMeta};
use miniapp_cloud::{ArtifactInfo, Error, Precompile};

use crate::helpers::{bundle, env_configured, COMPONENT};

const ENGINE: &str = "test-engine/1";

/// Stands in for the engine: the cloud's part (store, sign, serve) is what is under test here;
/// the real engine's artifacts are loaded end to end in `tests/e2e/precompiled.rs`.
struct Prefixing;

impl Precompile for Prefixing {
    fn engine(&self) -> String {
        ENGINE.into()
    }

    fn precompile(&self, component: &[u8]) -> Result<Vec<u8>, String> {
        Ok([b"compiled:".as_slice(), component].concat())
    }
}

struct Failing;

impl Precompile for Failing {
    fn engine(&self) -> String {
        "broken-engine/1".into()
    }

    fn precompile(&self, _: &[u8]) -> Result<Vec<u8>, String> {
        Err("the compiler fell over".into())
    }
}

fn env() -> crate::helpers::Env {
    env_configured(|cfg| cfg.precompilers = vec![Arc::new(Prefixing), Arc::new(Failing)])
}

fn opened(env: &crate::helpers::Env, appid: &str) -> miniapp_cloud::OpenedApp {
    env.client.open_app(&env.launch(appid), &|_, _| {}).unwrap()
}

#[test]
fn publish_compiles_signs_and_offers_an_artifact_per_engine() {
    let env = env();
    env.publish(&bundle("hello", "1.0.0"));
    let app = opened(&env, "hello");
    // The failing engine published nothing; the publish itself went through.
    assert_eq!(app.meta.artifacts.len(), 1, "{:?}", app.meta.artifacts);
    let a = &app.meta.artifacts[0];
    assert_eq!(a.engine, ENGINE);
    assert_eq!(a.component_digest, sha256_digest(COMPONENT));
    let expected = [b"compiled:".as_slice(), COMPONENT].concat();
    assert_eq!((a.digest.clone(), a.size), (sha256_digest(&expected), expected.len() as u64));

    let bytes = env.client.artifact(&env.url(), &app.meta, &app.bundle, ENGINE).unwrap();
    assert_eq!(bytes.as_deref(), Some(expected.as_slice()));
    // Another engine gets nothing to load, and compiles.
    assert_eq!(env.client.artifact(&env.url(), &app.meta, &app.bundle, "other-engine/2").unwrap(), None);
    // The second use comes from the cache, checked again, not downloaded again.
    env.client.artifact(&env.url(), &app.meta, &app.bundle, ENGINE).unwrap().unwrap();
    let stats = env.client.stats(&env.url()).unwrap();
    assert_eq!(stats.artifact_downloads.get(&a.digest), Some(&1), "{stats:?}");
    assert!(!stats.bundle_downloads.contains_key(&a.digest), "artifacts are not counted as bundle downloads");
}

#[test]
fn a_tampered_artifact_is_refused_by_its_digest() {
    let env = env();
    env.publish(&bundle("hello", "1.0.0"));
    let app = opened(&env, "hello");
    let a = app.meta.artifacts[0].clone();
    let stored = env.data.path().join("bundles").join(a.digest.trim_start_matches("sha256:"));
    let mut bytes = std::fs::read(&stored).unwrap();
    bytes[0] ^= 0xff;
    std::fs::write(&stored, &bytes).unwrap();
    let e = env.client.artifact(&env.url(), &app.meta, &app.bundle, ENGINE).unwrap_err();
    assert!(matches!(e, Error::Artifact { .. }), "{e}");
    let msg = e.to_string();
    assert!(msg.starts_with(&format!("precompiled artifact {} of hello refused: the download hashes to sha256:", a.digest)), "{msg}");
}

#[test]
fn a_signature_the_platform_did_not_make_is_refused_before_downloading() {
    let env = env();
    env.publish(&bundle("hello", "1.0.0"));
    let app = opened(&env, "hello");
    let a = app.meta.artifacts[0].clone();
    // Someone with write access to the registry, but not the platform key, points the app at
    // other native code and signs it with their own key.
    let evil = b"compiled:evil".to_vec();
    let evil_digest = sha256_digest(&evil);
    let forged = miniapp_bundle::sign_artifact(
        &miniapp_bundle::SigningKey::from_seed([9; 32]),
        &miniapp_bundle::ArtifactClaim { component_digest: &a.component_digest, engine: ENGINE, artifact_digest: &evil_digest },
    )
    .unwrap();
    let db = SqliteMeta::open(&env.data.path().join("meta.db")).unwrap();
    db.insert_artifact(&app.bundle.digest, &ArtifactInfo { digest: evil_digest, size: evil.len() as u64, signature: forged, ..a.clone() }).unwrap();
    let app = opened(&env, "hello");
    let e = env.client.artifact(&env.url(), &app.meta, &app.bundle, ENGINE).unwrap_err().to_string();
    assert!(e.contains("refused: precompiled artifact refused: the platform signature over (component digest, engine fingerprint, artifact digest) does not verify"), "{e}");
    let stats = env.client.stats(&env.url()).unwrap();
    assert!(stats.artifact_downloads.is_empty(), "nothing is downloaded for a claim the platform did not sign: {stats:?}");
}

#[test]
fn claims_for_another_component_or_over_the_limit_are_refused() {
    let env = env();
    env.publish(&bundle("hello", "1.0.0"));
    let app = opened(&env, "hello");
    let mut meta = app.meta.clone();
    meta.artifacts[0].component_digest = sha256_digest(b"another component");
    let e = env.client.artifact(&env.url(), &meta, &app.bundle, ENGINE).unwrap_err().to_string();
    assert!(e.contains("it was compiled from sha256:") && e.contains("but this bundle's logic.wasm is sha256:"), "{e}");
    let mut meta = app.meta.clone();
    meta.artifacts[0].size = miniapp_cloud::MAX_ARTIFACT_BYTES + 1;
    let e = env.client.artifact(&env.url(), &meta, &app.bundle, ENGINE).unwrap_err().to_string();
    assert!(e.contains("is over the 67108864-byte artifact limit"), "{e}");
    // Metadata for another bundle (a newer version than the cached one being launched) offers
    // nothing for this one.
    let mut meta = app.meta.clone();
    meta.digest = sha256_digest(b"newer bundle");
    assert_eq!(env.client.artifact(&env.url(), &meta, &app.bundle, ENGINE).unwrap(), None);
}

#[test]
fn artifact_downloads_check_their_digest_argument() {
    let env = env();
    let r = reqwest::blocking::get(format!("{}artifacts/sha256:XYZ", env.url())).unwrap();
    assert_eq!(r.status(), 400);
    let body: serde_json::Value = r.json().unwrap();
    assert_eq!(body["error"], "artifact digest \"sha256:XYZ\" must be sha256:<64 lower-case hex digits>");
    let r = reqwest::blocking::get(format!("{}artifacts/{}", env.url(), sha256_digest(b"none"))).unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().unwrap().contains("no artifact sha256:"));
}
