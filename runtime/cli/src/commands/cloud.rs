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

fn serve(a: ServeArgs) -> Result<ExitCode> {
    let rt = tokio::runtime::Runtime::new().context("starting the async runtime")?;
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
