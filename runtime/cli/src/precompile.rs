//! What the cloud precompiles apps with: this binary's own sandbox engine, with the limits a
//! host runs under by default, so a host from the same build (same wasmtime, settings, CPU
//! features) loads the artifact instead of compiling (`miniapp_cloud::precompile`).

use std::sync::{Arc, OnceLock};

use miniapp_sandbox::{Limits, Sandbox};

/// A [`miniapp_cloud::Precompile`] over a sandbox made on first use (a cloud that is never
/// published to never starts an engine).
#[derive(Default)]
pub struct SandboxPrecompiler {
    sandbox: OnceLock<Result<Sandbox, String>>,
}

impl SandboxPrecompiler {
    fn sandbox(&self) -> Result<&Sandbox, String> {
        self.sandbox
            .get_or_init(|| Sandbox::for_compiling(Limits::default()).map_err(|e| format!("starting the engine: {e}")))
            .as_ref()
            .map_err(Clone::clone)
    }
}

impl miniapp_cloud::Precompile for SandboxPrecompiler {
    fn engine(&self) -> String {
        self.sandbox().map(Sandbox::engine_fingerprint).unwrap_or_else(|_| "unavailable".into())
    }

    fn precompile(&self, component: &[u8]) -> Result<Vec<u8>, String> {
        self.sandbox()?.precompile(component).map_err(|e| e.to_string())
    }
}

/// The precompilers of a cloud run by this binary: one, for this build's engine; none with
/// `--no-precompile` (hosts then compile every app themselves).
pub fn precompilers(enabled: bool) -> miniapp_cloud::Precompilers {
    if enabled {
        vec![Arc::new(SandboxPrecompiler::default())]
    } else {
        Vec::new()
    }
}
