//! The import whitelist: what a component may import (only the host API world) and the
//! build-time step that turns a core module into a component and checks it.

use wasmparser::{Parser, Payload, Validator, WasmFeatures};

use crate::error::{Error, Result};

/// The WIT package every host API interface belongs to.
pub const HOST_API_PACKAGE: &str = "miniapp:host";
/// The host API version (the WIT package version in `host-api/wit/world.wit`).
pub const HOST_API_VERSION: &str = "0.1.1";
/// Every host API version this host runs components of, oldest first (the last is
/// [`HOST_API_VERSION`]). A version only ever adds to the one before it: its imports grow
/// compatibly, and new guest entry points are optional exports (see `docs/host-api.md`,
/// "Versions").
pub const HOST_API_VERSIONS: &[&str] = &["0.1.0", "0.1.1"];
/// Interfaces of the `miniapp` world that a component may import (kept equal to
/// `host-api/wit/world.wit` by a unit test).
pub const HOST_API_INTERFACES: &[&str] = &["types", "view", "nav", "timer", "storage", "ui", "net", "sys", "auth", "device"];

/// The full import names a component may use, at every version in [`HOST_API_VERSIONS`],
/// e.g. `miniapp:host/view@0.1.0` and `miniapp:host/view@0.1.1`.
///
/// Every interface exists at every version (0.1.1 added functions to `view` and `nav`, no interface),
/// and wasmtime's linker satisfies an `@0.1.0` import with the `@0.1.1` definition.
pub fn allowed_imports() -> Vec<String> {
    HOST_API_VERSIONS
        .iter()
        .flat_map(|v| HOST_API_INTERFACES.iter().map(move |i| format!("{HOST_API_PACKAGE}/{i}@{v}")))
        .collect()
}

fn invalid(reason: impl std::fmt::Display) -> Error {
    Error::InvalidComponent { reason: reason.to_string() }
}

/// Check the magic number so garbage gets a plain message instead of a parser error.
fn check_header(wasm: &[u8]) -> Result<()> {
    if wasm.len() < 8 || &wasm[..4] != b"\0asm" {
        return Err(invalid(format!(
            "not a wasm binary ({} bytes, no \\0asm magic number)",
            wasm.len()
        )));
    }
    Ok(())
}

/// List the top-level imports of a component binary, without an engine.
///
/// # Errors
/// [`Error::InvalidComponent`] if the bytes are not a component binary.
pub fn component_imports(component: &[u8]) -> Result<Vec<String>> {
    check_header(component)?;
    if !Parser::is_component(component) {
        return Err(invalid("this is a core wasm module, not a component: componentize it first"));
    }
    let mut names = Vec::new();
    let mut depth = 0usize;
    for payload in Parser::new(0).parse_all(component) {
        match payload.map_err(invalid)? {
            Payload::Version { .. } => depth += 1,
            Payload::End(_) => depth = depth.saturating_sub(1),
            Payload::ComponentImportSection(reader) if depth == 1 => {
                for import in reader {
                    names.push(import.map_err(invalid)?.name.name.to_string());
                }
            }
            _ => {}
        }
    }
    Ok(names)
}

/// Check that a component is valid wasm and imports nothing outside the host API world.
///
/// Runs before anything is compiled or instantiated, and needs no engine.
///
/// # Errors
/// [`Error::ForeignImport`] naming the first import outside the world
/// (`component imports wasi:cli/environment@0.2.0 which the host API does not provide`);
/// [`Error::InvalidComponent`] for bytes that are not a valid component.
pub fn check_imports(component: &[u8]) -> Result<()> {
    let imports = component_imports(component)?;
    let allowed = allowed_imports();
    if let Some(foreign) = imports.iter().find(|i| !allowed.contains(i)) {
        return Err(Error::ForeignImport { import: foreign.clone() });
    }
    Validator::new_with_features(WasmFeatures::default())
        .validate_all(component)
        .map_err(invalid)?;
    Ok(())
}

/// Turn the output of a guest build into a checked component.
///
/// A core module (what `cargo build --target wasm32-unknown-unknown` makes, with the type
/// section wit-bindgen embeds) is encoded as a component with wit-component; a component is
/// passed through. Either way the result then goes through [`check_imports`].
///
/// # Errors
/// [`Error::ForeignImport`] for a module that imports WASI (`wasi_snapshot_preview1`) or a
/// component importing outside the world; [`Error::InvalidComponent`] for anything that is not
/// wasm or that wit-component cannot encode (e.g. a module built without the SDK).
pub fn componentize(wasm: &[u8]) -> Result<Vec<u8>> {
    check_header(wasm)?;
    let component = if Parser::is_component(wasm) {
        wasm.to_vec()
    } else {
        check_core_imports(wasm)?;
        wit_component::ComponentEncoder::default()
            .module(wasm)
            .and_then(|e| e.validate(true).encode())
            .map_err(|e| invalid(format!("cannot make a component of this module: {e:#}")))?
    };
    check_imports(&component)?;
    Ok(component)
}

/// Refuse core modules that import WASI by name, before wit-component gives a vaguer error.
fn check_core_imports(module: &[u8]) -> Result<()> {
    for payload in Parser::new(0).parse_all(module) {
        if let Payload::ImportSection(reader) = payload.map_err(invalid)? {
            for import in reader.into_imports() {
                let import = import.map_err(invalid)?;
                if import.module.starts_with("wasi") {
                    return Err(Error::ForeignImport {
                        import: format!("{}::{}", import.module, import.name),
                    });
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wat(src: &str) -> Vec<u8> {
        wat::parse_str(src).unwrap()
    }

    #[test]
    fn whitelist_matches_the_wit_world() {
        let mut resolve = wit_parser::Resolve::default();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../host-api/wit");
        let (pkg, _) = resolve.push_dir(dir).unwrap();
        let world = resolve.select_world(&[pkg], Some("miniapp")).unwrap();
        let mut wit_imports: Vec<String> = resolve.worlds[world]
            .imports
            .keys()
            .map(|k| resolve.name_world_key(k))
            .collect();
        wit_imports.sort();
        let suffix = format!("@{HOST_API_VERSION}");
        let mut ours: Vec<String> = allowed_imports().into_iter().filter(|i| i.ends_with(&suffix)).collect();
        ours.sort();
        assert_eq!(ours, wit_imports);
        // the 0.1.1 world imports what the 0.1.0 one did: only its exports grew
        let events = resolve.select_world(&[pkg], Some("miniapp-events")).unwrap();
        let mut event_imports: Vec<String> =
            resolve.worlds[events].imports.keys().map(|k| resolve.name_world_key(k)).collect();
        event_imports.sort();
        assert_eq!(event_imports, wit_imports);
        assert_eq!(HOST_API_VERSIONS.last(), Some(&HOST_API_VERSION));
        assert_eq!(resolve.packages[pkg].name.version.as_ref().unwrap().to_string(), HOST_API_VERSION);
    }

    #[test]
    fn wasi_import_is_refused_by_name() {
        let c = wat(r#"(component (import "wasi:cli/environment@0.2.0" (instance)))"#);
        let e = check_imports(&c).unwrap_err();
        assert_eq!(
            e.to_string(),
            "component imports wasi:cli/environment@0.2.0 which the host API does not provide"
        );
    }

    #[test]
    fn host_api_import_at_another_version_is_refused() {
        let c = wat(r#"(component (import "miniapp:host/view@0.2.0" (instance)))"#);
        assert!(matches!(check_imports(&c), Err(Error::ForeignImport { import }) if import == "miniapp:host/view@0.2.0"));
    }

    #[test]
    fn host_api_imports_of_every_shipped_version_are_allowed() {
        let c = wat(r#"(component (import "miniapp:host/view@0.1.0" (instance)) (import "miniapp:host/sys@0.1.1" (instance)))"#);
        check_imports(&c).unwrap();
        let c = wat(r#"(component (import "miniapp:host/view@0.1.2" (instance)))"#);
        assert!(matches!(check_imports(&c), Err(Error::ForeignImport { import }) if import == "miniapp:host/view@0.1.2"));
    }

    #[test]
    fn host_api_imports_are_allowed() {
        let c = wat(r#"(component (import "miniapp:host/view@0.1.0" (instance)) (import "miniapp:host/sys@0.1.0" (instance)))"#);
        check_imports(&c).unwrap();
    }

    #[test]
    fn garbage_is_not_a_wasm_binary() {
        let e = check_imports(b"hello world, not wasm").unwrap_err();
        assert_eq!(e.to_string(), "invalid component: not a wasm binary (21 bytes, no \\0asm magic number)");
        assert!(matches!(componentize(b"\0asm"), Err(Error::InvalidComponent { .. })));
    }

    #[test]
    fn core_module_is_not_a_component() {
        let m = wat("(module)");
        assert!(check_imports(&m).unwrap_err().to_string().contains("core wasm module, not a component"));
    }

    #[test]
    fn componentize_refuses_a_wasi_module_by_name() {
        let m = wat(r#"(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32))))"#);
        let e = componentize(&m).unwrap_err();
        assert_eq!(
            e.to_string(),
            "component imports wasi_snapshot_preview1::fd_write which the host API does not provide"
        );
    }

    #[test]
    fn componentize_refuses_a_module_without_host_api_metadata() {
        let m = wat(r#"(module (import "env" "evil" (func)))"#);
        let e = componentize(&m).unwrap_err().to_string();
        assert!(e.starts_with("invalid component: cannot make a component of this module"), "{e}");
    }

    #[test]
    fn componentize_passes_a_component_through_after_checking() {
        let c = wat(r#"(component)"#);
        assert_eq!(componentize(&c).unwrap(), c);
        let bad = wat(r#"(component (import "evil:net/socket@1.0.0" (instance)))"#);
        assert!(matches!(componentize(&bad), Err(Error::ForeignImport { .. })));
    }

    #[test]
    fn truncated_component_is_invalid() {
        let c = wat(r#"(component (import "miniapp:host/view@0.1.0" (instance)))"#);
        let e = check_imports(&c[..c.len() - 3]).unwrap_err();
        assert!(matches!(e, Error::InvalidComponent { .. }), "{e}");
    }
}
