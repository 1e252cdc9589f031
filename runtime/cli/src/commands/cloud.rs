//! `miniapp cloud serve`: the platform cloud (registry, bundles, review, status, QR).

use anyhow::{Context, Result};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// Cloud subcommands.
#[derive(clap::Subcommand)]
pub enum CloudCommand {
    /// Serve the cloud over HTTP until interrupted.
    Serve(ServeArgs),
}

/// Arguments of `miniapp cloud serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// Data folder: SQLite metadata, bundles, the platform key and the token.
    #[arg(long, value_name = "DIR", default_value = "miniapp-cloud-data")]
    pub data: PathBuf,
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:7878")]
    pub addr: SocketAddr,
    /// Publishing token (else read from DIR/token, or generated there on first start).
    #[arg(long, env = "MINIAPP_CLOUD_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Development mode: apps may declare plain-http loopback back ends.
    #[arg(long)]
    pub dev: bool,
    /// Metadata store: `postgres://user:pass@host:port/db` for replicas (default: SQLite in DIR).
    #[arg(long, env = "MINIAPP_CLOUD_DATABASE", value_name = "URL")]
    pub database: Option<String>,
    /// Bundle store: `s3://bucket[/prefix]` (credentials and endpoint from AWS_* variables) or
    /// `file:///path` (default: DIR/bundles).
    #[arg(long, env = "MINIAPP_CLOUD_BLOBS", value_name = "URL")]
    pub blobs: Option<String>,
    /// The platform signing key; replicas must share one (default: DIR/platform.key).
    #[arg(long, value_name = "FILE")]
    pub platform_key: Option<PathBuf>,
    /// Do not compile apps' logic at publish: hosts then compile every app themselves (by
    /// default the cloud compiles for this build's engine and signs the artifact).
    #[arg(long)]
    pub no_precompile: bool,
}

pub fn run(cmd: CloudCommand) -> Result<ExitCode> {
    match cmd {
        CloudCommand::Serve(a) => serve(a),
    }
}

/// mimalloc's settings for a long-running server: arenas committed as they are used and freed
/// memory returned at once. With mimalloc's defaults (right for the host's short bursts of
/// layout) the cloud's RSS grew to ~300 MiB under the download and publish loads of
/// `cargo xtask bench --cloud`; with these it stays near 55 MiB at the same throughput.
#[cfg(feature = "mimalloc")]
const SERVER_ALLOCATOR_ENV: [(&str, &str); 2] = [("MIMALLOC_ARENA_EAGER_COMMIT", "0"), ("MIMALLOC_PURGE_DELAY", "0")];

/// mimalloc reads its options from the environment when the process starts, before `main`:
/// when they are not set yet, the server re-executes itself with them (same pid, arguments and
/// streams). Set either variable yourself to choose otherwise.
#[cfg(all(feature = "mimalloc", unix))]
fn with_server_allocator_settings() {
    use std::os::unix::process::CommandExt;
    if SERVER_ALLOCATOR_ENV.iter().any(|(k, _)| std::env::var_os(k).is_some()) {
        return;
    }
    let Ok(exe) = std::env::current_exe() else { return };
    let error = std::process::Command::new(exe).args(std::env::args_os().skip(1)).envs(SERVER_ALLOCATOR_ENV).exec();
    tracing::warn!(%error, "could not restart with the server's allocator settings; running with mimalloc's defaults");
}

fn serve(a: ServeArgs) -> Result<ExitCode> {
    #[cfg(all(feature = "mimalloc", unix))]
    with_server_allocator_settings();
    let rt = miniapp_cloud::server_runtime(None).context("starting the async runtime")?;
    rt.block_on(async move {
        let mut config = miniapp_cloud::ServerConfig::new(a.data.clone());
        config.addr = a.addr;
        config.token = a.token.clone();
        config.dev = a.dev;
        config.database = a.database.clone();
        config.blobs = a.blobs.clone();
        config.platform_key_file = a.platform_key.clone();
        config.review = Some(crate::review::hook());
        config.precompilers = crate::precompile::precompilers(!a.no_precompile);
        let (server, addr) = miniapp_cloud::bind(config)
            .await
            .with_context(|| format!("starting the cloud on {} with data in {}", a.addr, a.data.display()))?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on http://{addr}")?;
        if server.token_generated() {
            writeln!(out, "generated a publishing token (saved in {}/token): {}", a.data.display(), server.token())?;
        }
        out.flush()?;
        drop(out);
        server
            .run(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .context("serving the cloud")?;
        Ok(ExitCode::SUCCESS)
    })
}
