//! Precompiled artifacts: compiled by one sandbox (the cloud at publish), loaded by another with

// Loading an artifact is `unsafe` by contract (it is native code); every call here passes the
// output of `precompile` straight back, or bytes wasmtime refuses before using them.
#![allow(unsafe_code)]
//! the same engine fingerprint (a host), refused by an engine with other settings.

use miniapp_sandbox::{AppContext, Effect, Error, Limits, PageRef, Sandbox};
use serde_json::json;

use crate::guests::{counter, echo, test_limits};

#[test]
fn an_artifact_from_one_sandbox_runs_in_another_with_the_same_fingerprint() {
    let cloud = Sandbox::new(test_limits(), None).unwrap();
    let host = Sandbox::new(test_limits(), None).unwrap();
    let fingerprint = host.engine_fingerprint();
    assert_eq!(cloud.engine_fingerprint(), fingerprint, "same settings, same engine");
    assert!(fingerprint.starts_with("wasmtime/") && fingerprint.bytes().all(|b| b.is_ascii_graphic()), "{fingerprint}");
    let artifact = cloud.precompile(counter()).unwrap();
    // SAFETY: the artifact comes straight from `precompile` of the same component in this test.
    let component = unsafe { host.load_precompiled(counter(), &artifact) }.unwrap();
    let mut app = host.instantiate(&component, AppContext::new("counter")).unwrap();
    app.on_launch("").unwrap();
    let page = PageRef::new(1, "pages/index/index");
    app.page_load(&page, "").unwrap();
    let tap = json!({"type": "tap", "target": {"id": "inc", "dataset": {}}});
    let effects = app.handle_event(&page, "onIncrement", &tap).unwrap();
    assert_eq!(effects, vec![Effect::SetData { page: 1, patch: json!({ "count": 1 }) }], "the precompiled counter counts");
}

#[test]
fn a_compiling_only_sandbox_has_the_hosts_fingerprint_and_its_artifacts_load() {
    let cloud = Sandbox::for_compiling(test_limits()).unwrap();
    let host = Sandbox::new(test_limits(), None).unwrap();
    assert!(host.is_pooling() && !cloud.is_pooling());
    assert_eq!(cloud.engine_fingerprint(), host.engine_fingerprint(), "the allocation strategy is not part of the engine");
    let artifact = cloud.precompile(counter()).unwrap();
    // SAFETY: straight from `precompile` of the same component.
    let component = unsafe { host.load_precompiled(counter(), &artifact) }.unwrap();
    host.instantiate(&component, AppContext::new("counter")).unwrap().on_launch("").unwrap();
}

#[test]
fn an_engine_with_other_settings_has_another_fingerprint_and_refuses_the_artifact() {
    let cloud = Sandbox::new(test_limits(), None).unwrap();
    let other = Sandbox::new(Limits { memory_bytes: 64 << 20, max_wasm_stack: 256 << 10, ..test_limits() }, None).unwrap();
    assert_ne!(cloud.engine_fingerprint(), other.engine_fingerprint());
    let artifact = cloud.precompile(echo()).unwrap();
    // SAFETY: output of `precompile`; the point is that wasmtime refuses it for other settings.
    let e = unsafe { other.load_precompiled(echo(), &artifact) }.unwrap_err();
    assert!(matches!(e, Error::Artifact { .. }), "{e}");
    assert!(e.to_string().starts_with("precompiled artifact not usable: "), "{e}");
}

#[test]
fn bytes_that_are_no_artifact_are_refused_and_foreign_imports_are_checked_first() {
    let sandbox = Sandbox::new(test_limits(), None).unwrap();
    // SAFETY: not an ELF image at all: wasmtime's header check refuses it before using it.
    let e = unsafe { sandbox.load_precompiled(counter(), b"not a compiled artifact") }.unwrap_err();
    assert!(matches!(e, Error::Artifact { .. }), "{e}");
    let foreign = wat::parse_str(r#"(component (import "evil:net/socket@1.0.0" (instance)))"#).unwrap();
    assert!(matches!(sandbox.precompile(&foreign), Err(Error::ForeignImport { .. })));
    // SAFETY: the import check refuses before the artifact is looked at.
    let e = unsafe { sandbox.load_precompiled(&foreign, b"whatever") }.unwrap_err();
    assert!(matches!(e, Error::ForeignImport { .. }), "{e}");
}
