//! Builds the guest crates once per test run (into `target/guests`) and hands out components.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use miniapp_sandbox::{AppComponent, AppContext, AppInstance, Limits, PageRef, Sandbox};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// The shared target dir for guest builds: `$CARGO_TARGET_DIR/guests` or `<repo>/target/guests`.
fn guest_target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"))
        .join("guests")
}

struct Built {
    hostile: Vec<u8>,
    echo: Vec<u8>,
    events: Vec<u8>,
    typed: Vec<u8>,
    counter: Vec<u8>,
}

fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let target = guest_target_dir();
        let artifacts = miniapp_sandbox::build_wasm_artifacts(
            &repo_root().join("tests/guests"),
            Some(&target),
            &["--examples"],
        )
        .expect("building tests/guests");
        let find = |name: &str| {
            let path = artifacts
                .iter()
                .find(|p| p.file_stem().is_some_and(|s| s == name))
                .unwrap_or_else(|| panic!("no {name}.wasm among {artifacts:?}"));
            miniapp_sandbox::componentize(&std::fs::read(path).unwrap()).unwrap()
        };
        let counter =
            miniapp_sandbox::build_logic_crate(&repo_root().join("sample-apps/counter/logic"), Some(&target))
                .expect("building the counter sample");
        Built {
            hostile: find("sandbox_hostile"),
            echo: find("sandbox_echo"),
            events: find("sandbox_events"),
            typed: find("sdk_typed"),
            counter,
        }
    })
}

/// The hostile guest's component bytes.
pub fn hostile() -> &'static [u8] {
    &built().hostile
}

/// The echo guest's component bytes.
pub fn echo() -> &'static [u8] {
    &built().echo
}

/// The events guest's component bytes (host API 0.1.1: exports page-events and
/// component-events).
pub fn events() -> &'static [u8] {
    &built().events
}

/// The guest written with the SDK's typed layer (typed data, handlers by name, closures).
pub fn typed() -> &'static [u8] {
    &built().typed
}

/// A guest frozen at an earlier host API version, from `tests/prebuilt/` (see its README),
/// componentized.
pub fn prebuilt(file: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/prebuilt").join(file);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    miniapp_sandbox::componentize(&bytes).unwrap()
}

/// The counter sample's component bytes.
pub fn counter() -> &'static [u8] {
    &built().counter
}

/// Limits for tests: a short deadline so timeouts are quick, 32 MiB of memory.
pub fn test_limits() -> Limits {
    Limits { handler_deadline: Duration::from_millis(200), memory_bytes: 32 << 20, ..Limits::default() }
}

/// A sandbox, a compiled component and a launched instance with page 1 loaded.
pub fn launched(bytes: &[u8], limits: Limits) -> (Sandbox, AppComponent, AppInstance, PageRef) {
    let sandbox = Sandbox::new(limits, None).unwrap();
    let component = sandbox.compile(bytes).unwrap();
    let mut instance = sandbox.instantiate(&component, AppContext::new("test-app")).unwrap();
    instance.on_launch("").unwrap();
    let page = PageRef::new(1, "pages/index/index");
    instance.page_load(&page, "").unwrap();
    (sandbox, component, instance, page)
}
