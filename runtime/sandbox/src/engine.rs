//! The shared wasmtime engine ([`Sandbox`]): configuration (component model, pooling allocator,
//! epoch interruption with a ticker thread, bounded stack, no threads), the compiled-component
//! cache, compiling ([`AppComponent`]) and instantiating ([`AppInstance`]).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use wasmtime::component::{Component, HasSelf, InstancePre, Linker};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store};

use crate::bindings::{component_events, lifecycle, page_events, MiniappEvents};
use crate::error::{Error, Result};
use crate::imports::check_imports;
use crate::instance::AppInstance;
use crate::limits::Limits;
use crate::state::{AppContext, HostState};

/// One per host: the wasmtime engine, the linker with the host API, and the limits every app
/// instance runs under.
///
/// Creating it starts a ticker thread that advances the engine's epoch every
/// [`Limits::epoch_tick`]; it stops by itself once the engine and everything compiled with it
/// are dropped.
pub struct Sandbox {
    engine: Engine,
    linker: Linker<HostState>,
    limits: Limits,
    pooling: bool,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("limits", &self.limits).field("pooling", &self.pooling).finish()
    }
}

/// A compiled, import-checked app component, ready to instantiate in microseconds.
///
/// Cheap to clone; keep it to re-instantiate an app after a trap.
#[derive(Clone)]
pub struct AppComponent {
    pre: InstancePre<HostState>,
    exports: std::sync::Arc<ExportIndices>,
    compile_time: Duration,
}

/// Where a component's exported interfaces are: `lifecycle` always, the optional ones of 0.1.1
/// when the component exports them (found by name, semver-compatibly: `@0.1.1` finds `@0.1.0`).
pub(crate) struct ExportIndices {
    lifecycle: lifecycle::GuestIndices,
    page_events: Option<page_events::GuestIndices>,
    component_events: Option<component_events::GuestIndices>,
}

/// The loaded exports of one instance.
pub(crate) struct Exports {
    pub(crate) lifecycle: lifecycle::Guest,
    pub(crate) page_events: Option<page_events::Guest>,
    pub(crate) component_events: Option<component_events::Guest>,
}

impl std::fmt::Debug for AppComponent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppComponent")
            .field("compile_time", &self.compile_time)
            .field("page_events", &self.exports.page_events.is_some())
            .field("component_events", &self.exports.component_events.is_some())
            .finish()
    }
}

impl AppComponent {
    /// How long compiling took (near zero when it came from the cache).
    pub fn compile_time(&self) -> Duration {
        self.compile_time
    }

    /// Whether the component exports `miniapp:host/page-events` (host API 0.1.1): page show and
    /// hide, pull-down refresh, reach-bottom, page scroll and launch options.
    pub fn supports_page_events(&self) -> bool {
        self.exports.page_events.is_some()
    }

    /// Whether the component exports `miniapp:host/component-events` (host API 0.1.1): custom
    /// component instances' lifecycle and events.
    pub fn supports_component_events(&self) -> bool {
        self.exports.component_events.is_some()
    }
}

fn engine_error(e: wasmtime::Error) -> Error {
    Error::Engine { reason: format!("{e:#}") }
}

fn base_config(limits: &Limits, cache_dir: Option<&PathBuf>) -> Result<Config> {
    let mut config = Config::new();
    config
        // No wasm threads: wasmtime is built without its `threads` feature, so shared
        // memories and atomics waits are rejected at validation.
        .wasm_component_model(true)
        .epoch_interruption(true)
        .max_wasm_stack(limits.max_wasm_stack)
        // Linear memory never needs more address space than the app may use.
        .memory_reservation(limits.memory_bytes)
        .parallel_compilation(true);
    if let Some(dir) = cache_dir {
        std::fs::create_dir_all(dir)
            .map_err(|source| Error::Io { action: "creating the component cache", path: dir.clone(), source })?;
        let mut cc = wasmtime::CacheConfig::new();
        cc.with_directory(dir);
        let cache = wasmtime::Cache::new(cc).map_err(engine_error)?;
        config.cache(Some(cache));
    }
    Ok(config)
}

fn pooling(limits: &Limits) -> PoolingAllocationConfig {
    let mut p = PoolingAllocationConfig::default();
    let n = limits.pooled_instances;
    p.total_component_instances(n)
        .total_core_instances(n.saturating_mul(limits.instances))
        .total_memories(n.saturating_mul(limits.memories))
        .total_tables(n.saturating_mul(limits.tables))
        .max_core_instances_per_component(limits.instances)
        .max_memories_per_component(limits.memories)
        .max_tables_per_component(limits.tables)
        .table_elements(limits.table_elements as usize)
        .max_memory_size(limits.memory_bytes as usize);
    p
}

impl Sandbox {
    /// Create the engine, the host API linker and the epoch ticker.
    ///
    /// `cache_dir`, when given, holds compiled components keyed by their bytes and the engine
    /// configuration (our own cache only: nothing else should write there). When the pooling
    /// allocator cannot reserve its address space, the sandbox falls back to on-demand
    /// allocation and logs a warning.
    ///
    /// # Errors
    /// [`Error::InvalidLimits`] for out-of-range limits, [`Error::Engine`] if wasmtime refuses
    /// the configuration, [`Error::Io`] if the cache folder cannot be created.
    pub fn new(limits: Limits, cache_dir: Option<PathBuf>) -> Result<Sandbox> {
        limits.validate()?;
        let mut config = base_config(&limits, cache_dir.as_ref())?;
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pooling(&limits)));
        let (engine, pooling) = match Engine::new(&config) {
            Ok(e) => (e, true),
            Err(e) => {
                tracing::warn!("pooling allocator unavailable ({e:#}); using on-demand allocation");
                let mut config = base_config(&limits, cache_dir.as_ref())?;
                config.allocation_strategy(InstanceAllocationStrategy::OnDemand);
                (Engine::new(&config).map_err(engine_error)?, false)
            }
        };
        let mut linker = Linker::new(&engine);
        MiniappEvents::add_to_linker::<HostState, HasSelf<HostState>>(&mut linker, |s| s).map_err(engine_error)?;
        spawn_ticker(&engine, limits.epoch_tick);
        Ok(Sandbox { engine, linker, limits, pooling })
    }

    /// A sandbox for compiling only (the cloud's precompiler): the same engine settings as
    /// [`Sandbox::new`], hence the same [`Sandbox::engine_fingerprint`], but on-demand instance
    /// allocation, so it reserves no instance pool it would never use.
    ///
    /// # Errors
    /// As [`Sandbox::new`].
    pub fn for_compiling(limits: Limits) -> Result<Sandbox> {
        limits.validate()?;
        let mut config = base_config(&limits, None)?;
        config.allocation_strategy(InstanceAllocationStrategy::OnDemand);
        let engine = Engine::new(&config).map_err(engine_error)?;
        let mut linker = Linker::new(&engine);
        MiniappEvents::add_to_linker::<HostState, HasSelf<HostState>>(&mut linker, |s| s).map_err(engine_error)?;
        spawn_ticker(&engine, limits.epoch_tick);
        Ok(Sandbox { engine, linker, limits, pooling: false })
    }

    /// The limits every instance runs under.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Whether the pooling allocator is in use (false after the on-demand fallback).
    pub fn is_pooling(&self) -> bool {
        self.pooling
    }

    /// The wasmtime engine (for benchmarks and advanced embedding).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Check a component's imports, compile it, and pre-link it against the host API.
    ///
    /// # Errors
    /// [`Error::ForeignImport`] naming an import outside the host API world (checked before
    /// compiling); [`Error::InvalidComponent`] for bytes that are not a valid component or that
    /// do not export `miniapp:host/lifecycle`.
    pub fn compile(&self, component_bytes: &[u8]) -> Result<AppComponent> {
        let started = Instant::now();
        check_imports(component_bytes)?;
        let component = Component::new(&self.engine, component_bytes)
            .map_err(|e| Error::InvalidComponent { reason: format!("{e:#}") })?;
        let app = self.link(component, started)?;
        tracing::debug!(ms = app.compile_time.as_secs_f64() * 1e3, "compiled app component");
        Ok(app)
    }

    /// What identifies this engine for precompiled artifacts: `wasmtime/<arch>-<os>/<hash>`, the
    /// hash (sha256, 32 hex digits) over everything wasmtime itself checks before loading
    /// compiled code: its version, the compiler's target and flags (CPU features included), the
    /// tunables the limits set, and the enabled wasm features. Two hosts with equal fingerprints
    /// can load each other's [`Sandbox::precompile`] output.
    pub fn engine_fingerprint(&self) -> String {
        use std::hash::Hash;
        struct Sha(sha2::Sha256);
        impl std::hash::Hasher for Sha {
            fn write(&mut self, bytes: &[u8]) {
                sha2::Digest::update(&mut self.0, bytes);
            }
            fn finish(&self) -> u64 {
                0 // never read: the digest is taken from `self.0`
            }
        }
        let mut h = Sha(<sha2::Sha256 as sha2::Digest>::new());
        self.engine.precompile_compatibility_hash().hash(&mut h);
        let digest = sha2::Digest::finalize(h.0);
        format!("wasmtime/{}-{}/{}", std::env::consts::ARCH, std::env::consts::OS, hex::encode(&digest[..16]))
    }

    /// Compile a component ahead of time for engines with this [`Sandbox::engine_fingerprint`]
    /// (the cloud does this at publish). Imports are checked first, as for
    /// [`Sandbox::compile`].
    ///
    /// # Errors
    /// [`Error::ForeignImport`], [`Error::InvalidComponent`].
    pub fn precompile(&self, component_bytes: &[u8]) -> Result<Vec<u8>> {
        check_imports(component_bytes)?;
        self.engine.precompile_component(component_bytes).map_err(|e| Error::InvalidComponent { reason: format!("{e:#}") })
    }

    /// Load a precompiled artifact of `component_bytes` instead of compiling it: the imports of
    /// the component are checked as for [`Sandbox::compile`], then the artifact is deserialized
    /// (wasmtime refuses one made by another version or with other settings) and linked.
    ///
    /// # Errors
    /// [`Error::ForeignImport`], [`Error::InvalidComponent`] as for [`Sandbox::compile`];
    /// [`Error::Artifact`] when wasmtime refuses the artifact (the caller compiles instead).
    ///
    /// # Safety
    /// An artifact is native code that runs unchecked: `artifact` must be the output of
    /// [`Sandbox::precompile`] for exactly `component_bytes`, authenticated by the caller (the
    /// host checks the platform's signature over the component digest, this engine's fingerprint
    /// and the artifact digest before calling this). Bytes from anywhere else are undefined
    /// behaviour, not an error.
    #[allow(unsafe_code)]
    pub unsafe fn load_precompiled(&self, component_bytes: &[u8], artifact: &[u8]) -> Result<AppComponent> {
        let started = Instant::now();
        check_imports(component_bytes)?;
        // SAFETY: the caller guarantees `artifact` is authenticated output of `precompile` (see
        // the function's contract); wasmtime still checks its header against this engine.
        let component = unsafe { Component::deserialize(&self.engine, artifact) }.map_err(|e| Error::Artifact { reason: format!("{e:#}") })?;
        let app = self.link(component, started)?;
        tracing::debug!(ms = app.compile_time.as_secs_f64() * 1e3, "loaded a precompiled app component");
        Ok(app)
    }

    /// The import check by the engine, the pre-link against the host API and the exports.
    fn link(&self, component: Component, started: Instant) -> Result<AppComponent> {
        // Belt and braces: the engine's view of the imports must agree with ours.
        let ty = component.component_type();
        let allowed = crate::imports::allowed_imports();
        if let Some((name, _)) = ty.imports(&self.engine).find(|(n, _)| !allowed.iter().any(|a| a == n)) {
            return Err(Error::ForeignImport { import: name.to_string() });
        }
        let pre = self
            .linker
            .instantiate_pre(&component)
            .map_err(|e| Error::InvalidComponent { reason: format!("{e:#}") })?;
        let lifecycle = lifecycle::GuestIndices::new(&pre).map_err(|e| Error::InvalidComponent {
            reason: format!(
                "it does not export miniapp:host/lifecycle@{} as the host API defines it: {e:#}",
                crate::imports::HOST_API_VERSION
            ),
        })?;
        // Optional since 0.1.1: absent (every 0.1.0 component) means the host does without.
        let exports = ExportIndices {
            lifecycle,
            page_events: page_events::GuestIndices::new(&pre).ok(),
            component_events: component_events::GuestIndices::new(&pre).ok(),
        };
        Ok(AppComponent { pre, exports: std::sync::Arc::new(exports), compile_time: started.elapsed() })
    }

    /// Create a fresh instance of a compiled app in its own store, under the sandbox limits.
    ///
    /// No guest code runs here except the component's start functions; call
    /// [`AppInstance::on_launch`] next.
    ///
    /// # Errors
    /// [`Error::Instantiate`] when the pool is exhausted or the component's initial memory or
    /// tables exceed the limits.
    pub fn instantiate(&self, component: &AppComponent, ctx: AppContext) -> Result<AppInstance> {
        let app_id = ctx.app_id.clone();
        let mut store = Store::new(&self.engine, HostState::new(ctx, &self.limits));
        store.limiter(|s| &mut s.limiter);
        store.set_epoch_deadline(self.limits.deadline_ticks());
        let instantiate_error = |e: wasmtime::Error| Error::Instantiate { app_id: app_id.clone(), reason: format!("{e:#}") };
        let instance = component.pre.instantiate(&mut store).map_err(instantiate_error)?;
        let indices = &component.exports;
        // `load` type-checks each export: an optional interface exported with the wrong
        // signatures is a broken component, refused rather than silently ignored.
        let exports = Exports {
            lifecycle: indices.lifecycle.load(&mut store, &instance).map_err(instantiate_error)?,
            page_events: match &indices.page_events {
                Some(i) => Some(i.load(&mut store, &instance).map_err(instantiate_error)?),
                None => None,
            },
            component_events: match &indices.component_events {
                Some(i) => Some(i.load(&mut store, &instance).map_err(instantiate_error)?),
                None => None,
            },
        };
        Ok(AppInstance::new(store, exports, &self.limits))
    }
}

/// Advance the engine's epoch every `tick` until the engine is gone.
fn spawn_ticker(engine: &Engine, tick: Duration) {
    let weak = engine.weak();
    let spawned = std::thread::Builder::new().name("miniapp-epoch".into()).spawn(move || loop {
        std::thread::sleep(tick);
        match weak.upgrade() {
            Some(engine) => engine.increment_epoch(),
            None => break,
        }
    });
    if let Err(e) = spawned {
        tracing::error!("cannot start the epoch ticker thread: {e}; handler deadlines will not fire");
    }
}
