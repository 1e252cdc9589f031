//! The sandbox's error type: every way loading or running an app's logic can fail.

use std::path::PathBuf;
use std::time::Duration;

/// Result with the sandbox's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while checking, compiling, instantiating or running app logic.
///
/// Guest mistakes inside a call (a bad set-data patch, say) are not errors here: they go back to
/// the guest as a WIT `host-error`. These variants are for the host: the shell shows an error
/// page for [`Error::Trapped`], [`Error::Timeout`] and [`Error::LimitExceeded`] and drops the
/// instance (it is poisoned), then may instantiate afresh.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The component imports something outside the host API world (WASI included).
    #[error("component imports {import} which the host API does not provide")]
    ForeignImport {
        /// The import's full name, e.g. `wasi:cli/environment@0.2.0`.
        import: String,
    },
    /// The bytes are not a valid wasm module or component, or do not fit the host API world.
    #[error("invalid component: {reason}")]
    InvalidComponent {
        /// What the validator or compiler said.
        reason: String,
    },
    /// A precompiled artifact could not be loaded (made by another engine, or not an artifact);
    /// the caller compiles the component instead.
    #[error("precompiled artifact not usable: {reason}")]
    Artifact {
        /// What wasmtime said.
        reason: String,
    },
    /// The guest trapped (unreachable, out-of-bounds access, stack overflow...).
    #[error("app script trapped in {handler}: {trap}")]
    Trapped {
        /// The export that was running, e.g. `handle-event(onIncrement)`.
        handler: String,
        /// The trap message.
        trap: String,
    },
    /// The guest panicked: the SDK's panic hook logged where and why just before the trap.
    #[error("app script in {handler} {message}")]
    Panicked {
        /// The export that was running, e.g. `handle-event(onIncrement)`.
        handler: String,
        /// `panicked at src/lib.rs:42:9: index out of bounds: the len is 3 but the index is 7`.
        message: String,
    },
    /// The guest ran past its handler deadline and was stopped.
    #[error("app script timed out in {handler} (deadline {} ms)", deadline.as_millis())]
    Timeout {
        /// The export that was running, e.g. `handle-event(onIncrement)`.
        handler: String,
        /// The deadline it ran past.
        deadline: Duration,
    },
    /// The guest hit a resource limit that stops it (memory, tables, instances).
    #[error("app script exceeded the {kind} limit in {handler}: wanted {actual}, limit is {limit}")]
    LimitExceeded {
        /// Which limit: `memory` (bytes), `table` (elements), `instances`.
        kind: &'static str,
        /// The limit, in the unit of `kind`.
        limit: u64,
        /// What the guest asked for, in the unit of `kind`.
        actual: u64,
        /// The export that was running.
        handler: String,
    },
    /// An earlier trap poisoned this instance; drop it and instantiate again.
    #[error("app {app_id} was stopped by an earlier error; instantiate it again")]
    Poisoned {
        /// The app whose instance is poisoned.
        app_id: String,
    },
    /// A [`crate::Limits`] value is out of range.
    #[error("invalid sandbox limit {field}: {reason}")]
    InvalidLimits {
        /// The `Limits` field.
        field: &'static str,
        /// Why it is refused, with the value.
        reason: String,
    },
    /// The wasmtime engine could not be created.
    #[error("cannot create the wasm engine: {reason}")]
    Engine {
        /// What wasmtime said.
        reason: String,
    },
    /// Instantiating the component failed (before any guest code ran).
    #[error("cannot instantiate app {app_id}: {reason}")]
    Instantiate {
        /// The app being instantiated.
        app_id: String,
        /// What wasmtime said.
        reason: String,
    },
    /// The `wasm32-unknown-unknown` target is not installed for the toolchain.
    #[error("the wasm32-unknown-unknown target is not installed: run `rustup target add wasm32-unknown-unknown`")]
    WasmTargetMissing,
    /// `cargo build` of a logic crate failed (its diagnostics went to stderr).
    #[error("building the logic crate in {dir} failed: {reason}")]
    Build {
        /// The crate directory.
        dir: PathBuf,
        /// What failed (exit status, missing artifact...).
        reason: String,
    },
    /// The storage database could not be opened or queried.
    #[error("storage database {path}: {reason}")]
    Storage {
        /// The database file (`:memory:` for an in-memory one).
        path: String,
        /// What SQLite said.
        reason: String,
    },
    /// A resource the host fetched for an app ([`crate::RemoteFetcher`], e.g. an
    /// `<image src="https://…">`) was refused by the network policy or did not arrive.
    #[error("{kind}: {reason}")]
    Remote {
        /// The URL as the app wrote it.
        url: String,
        /// As for `net.request`: `denied` (undeclared origin, private address, redirect),
        /// `limit-exceeded`, `timeout` or `failed` (unreachable, a status that is not 2xx).
        kind: String,
        /// The rule that refused it or what failed, naming the URL, origin or limit.
        reason: String,
    },
    /// An I/O error on a named path.
    #[error("{action} {path}")]
    Io {
        /// What was being done (`reading`, `running cargo in`...).
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}
