//! C bindings of the host API for apps written in C: generated with `wit-bindgen-c` from the
//! WIT this `miniapp` embeds (`host-api/wit`, the same files the Rust SDK builds against), into
//! a build folder outside the app (never into the app folder).
//!
//! The output is what `wit-bindgen c` writes: `miniapp.h` (types, the imported host functions,
//! the `exports_miniapp_host_lifecycle_*` functions an app must define), `miniapp.c` (the glue:
//! canonical-ABI lifting and lowering, `cabi_realloc`, the `*_free` helpers) and
//! `miniapp_component_type.o` (the component type, which wit-component reads when it turns
//! the core module into a component). See docs/c.md.

use anyhow::{anyhow, Context, Result};
use std::path::{Path, PathBuf};
use wit_bindgen_core::wit_parser::{Resolve, SourceMap};
use wit_bindgen_core::Files;

/// The world C apps are built against: imports the host API, exports `lifecycle` (the optional
/// `page-events`/`component-events` exports of `miniapp-events` are left out: a C app that
/// wanted them would have to define every one of their functions).
pub const C_WORLD: &str = "miniapp";

/// The header every C app includes (`#include "miniapp.h"`).
pub const HEADER: &str = "miniapp.h";

/// The generated C glue compiled with the app.
pub const GLUE: &str = "miniapp.c";

/// The object file holding the component type, linked with the app.
pub const COMPONENT_TYPE_OBJECT: &str = "miniapp_component_type.o";

/// The generated files, `(file name, contents)`, for the embedded WIT's [`C_WORLD`].
///
/// # Errors
/// The embedded WIT does not parse or resolve, has no world [`C_WORLD`], or wit-bindgen-c
/// fails (all bugs of this `miniapp`, not of the app).
pub fn generate() -> Result<Vec<(String, Vec<u8>)>> {
    let mut sources = SourceMap::new();
    let mut n = 0;
    for (rel, text) in crate::commands::new::sdk_files() {
        if let Some(name) = rel.strip_prefix("wit/").filter(|r| r.ends_with(".wit") && !r.contains('/')) {
            sources.push_str(name, std::str::from_utf8(text).context("the embedded WIT is not UTF-8")?);
            n += 1;
        }
    }
    if n == 0 {
        return Err(anyhow!("this miniapp embeds no WIT files (host-api/wit)"));
    }
    let group = sources.parse().map_err(|(_, e)| anyhow!("parsing the embedded host-api WIT: {e}"))?;
    let mut resolve = Resolve::default();
    let pkg = resolve.push_group(group).map_err(|e| anyhow!("resolving the embedded host-api WIT: {e}"))?;
    let world = resolve.select_world(&[pkg], Some(C_WORLD)).context("selecting the C world")?;
    let mut files = Files::default();
    wit_bindgen_c::Opts::default()
        .build()
        .generate(&mut resolve, world, &mut files)
        .context("generating the C bindings")?;
    let files: Vec<(String, Vec<u8>)> = files.iter().map(|(name, bytes)| (name.to_string(), bytes.to_vec())).collect();
    // What the build hook promises a Makefile (docs/c.md): a wit-bindgen-c that names its
    // files otherwise is caught here, not by a confusing make error.
    for want in [HEADER, GLUE, COMPONENT_TYPE_OBJECT] {
        if !files.iter().any(|(n, _)| n == want) {
            let names: Vec<_> = files.iter().map(|(n, _)| n.as_str()).collect();
            return Err(anyhow!("wit-bindgen-c wrote no {want} (it wrote {})", names.join(", ")));
        }
    }
    Ok(files)
}

/// Writes the C bindings into `dir` (created if needed) unless the same files are already there
/// (so `make` sees unchanged timestamps); returns `dir`.
///
/// # Errors
/// As [`generate`], plus a file that cannot be written.
pub fn write_into(dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for (name, bytes) in generate()? {
        let path = dir.join(&name);
        if std::fs::read(&path).is_ok_and(|old| old == bytes) {
            continue;
        }
        std::fs::write(&path, &bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(dir.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file<'a>(files: &'a [(String, Vec<u8>)], name: &str) -> &'a str {
        let (_, bytes) = files
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no {name} among {:?}", files.iter().map(|(n, _)| n).collect::<Vec<_>>()));
        std::str::from_utf8(bytes).unwrap()
    }

    #[test]
    fn c_bindings_have_the_header_the_glue_and_the_component_type() {
        let files = generate().unwrap();
        let h = file(&files, HEADER);
        assert!(h.contains("miniapp_host_view_set_data("), "set-data is imported");
        assert!(h.contains("exports_miniapp_host_lifecycle_handle_event("), "handle-event is exported");
        assert!(h.contains("miniapp_string_free"), "string helpers are there");
        let c = file(&files, GLUE);
        assert!(c.contains("cabi_realloc"), "the glue provides cabi_realloc");
        let (_, obj) = files.iter().find(|(n, _)| n == COMPONENT_TYPE_OBJECT).unwrap();
        assert_eq!(&obj[..4], b"\0asm", "the component type is a wasm object");
    }

    #[test]
    fn c_bindings_leave_out_the_optional_event_exports() {
        let files = generate().unwrap();
        let h = file(&files, HEADER);
        assert!(!h.contains("exports_miniapp_host_page_events"), "only the plain miniapp world");
    }

    #[test]
    fn c_bindings_are_rewritten_only_when_they_change() {
        let tmp = tempfile::tempdir().unwrap();
        write_into(tmp.path()).unwrap();
        let h = tmp.path().join(HEADER);
        let before = std::fs::metadata(&h).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        write_into(tmp.path()).unwrap();
        assert_eq!(std::fs::metadata(&h).unwrap().modified().unwrap(), before);
        std::fs::write(&h, "stale").unwrap();
        write_into(tmp.path()).unwrap();
        assert_ne!(std::fs::read_to_string(&h).unwrap(), "stale");
    }
}
