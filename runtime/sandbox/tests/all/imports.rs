//! Components that import outside the host API, or are not components at all, are refused
//! before anything runs, with the import named.

use miniapp_sandbox::{Error, Sandbox};

use crate::guests::test_limits;

fn sandbox() -> Sandbox {
    Sandbox::new(test_limits(), None).unwrap()
}

#[test]
fn wasi_import_is_refused_by_name() {
    let c = wat::parse_str(
        r#"(component
             (import "wasi:cli/environment@0.2.0" (instance
               (export "get-arguments" (func (result (list string)))))))"#,
    )
    .unwrap();
    let e = sandbox().compile(&c).unwrap_err();
    assert_eq!(e.to_string(), "component imports wasi:cli/environment@0.2.0 which the host API does not provide");
}

#[test]
fn foreign_import_is_refused_by_name() {
    let c = wat::parse_str(r#"(component (import "evil:net/socket@1.0.0" (instance)))"#).unwrap();
    assert!(matches!(sandbox().compile(&c), Err(Error::ForeignImport { import }) if import == "evil:net/socket@1.0.0"));
}

#[test]
fn bare_function_import_is_refused_by_name() {
    let c = wat::parse_str(r#"(component (import "exit" (func)))"#).unwrap();
    assert!(matches!(sandbox().compile(&c), Err(Error::ForeignImport { import }) if import == "exit"));
}

#[test]
fn invalid_wasm_is_refused() {
    let e = sandbox().compile(b"\0asm\x0d\0\x01\0garbage").unwrap_err();
    assert!(matches!(e, Error::InvalidComponent { .. }), "{e:?}");
    let e = sandbox().compile(b"#!/bin/sh\nrm -rf /").unwrap_err();
    assert!(e.to_string().contains("not a wasm binary"), "{e}");
}

#[test]
fn component_without_the_lifecycle_export_is_refused() {
    let c = wat::parse_str(r#"(component)"#).unwrap();
    let e = sandbox().compile(&c).unwrap_err().to_string();
    assert!(e.starts_with("invalid component: it does not export miniapp:host/lifecycle@0.1.1"), "{e}");
}

#[test]
fn core_module_must_be_componentized_first() {
    let m = wat::parse_str("(module)").unwrap();
    let e = sandbox().compile(&m).unwrap_err().to_string();
    assert!(e.contains("core wasm module, not a component"), "{e}");
}

#[test]
fn built_guest_imports_only_the_host_api() {
    let imports = miniapp_sandbox::component_imports(crate::guests::counter()).unwrap();
    let allowed = miniapp_sandbox::allowed_imports();
    assert!(!imports.is_empty());
    assert!(imports.iter().all(|i| allowed.contains(i)), "{imports:?}");
}

#[test]
fn building_a_missing_crate_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let e = miniapp_sandbox::build_logic_crate(dir.path(), None).unwrap_err().to_string();
    assert!(e.starts_with("building the logic crate in ") && e.ends_with("failed: no Cargo.toml there"), "{e}");
}
