//! `miniapp-account-backend`: runs the account sample's back end until interrupted.

use anyhow::Context;
use clap::Parser;

/// The account sample's back end: `POST /login {"code"}` → the cloud's code2session → `{"openid"}`.
#[derive(Parser)]
struct Args {
    /// The cloud's base URL.
    #[arg(long, env = "MINIAPP_CLOUD")]
    cloud: String,
    /// The app secret (`miniapp secret account`).
    #[arg(long, env = "MINIAPP_APP_SECRET", hide_env_values = true)]
    secret: String,
    /// The app id.
    #[arg(long, default_value = "account")]
    appid: String,
    /// Where to listen.
    #[arg(long, default_value = miniapp_account_backend::DEFAULT_ADDR)]
    addr: std::net::SocketAddr,
}

#[allow(clippy::print_stdout)] // the one line scripts wait for
fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).init();
    let a = Args::parse();
    let backend = miniapp_account_backend::start(miniapp_account_backend::Config {
        cloud: a.cloud,
        appid: a.appid,
        secret: a.secret,
        addr: a.addr,
    })
    .context("starting the account back end")?;
    println!("listening on {}", backend.origin());
    loop {
        std::thread::park();
    }
}
