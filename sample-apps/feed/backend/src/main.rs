//! `miniapp-feed-backend`: runs the feed sample's back end until interrupted.

use anyhow::Context;
use clap::Parser;

/// The feed sample's back end: paged posts, their images, login and per-user likes.
#[derive(Parser)]
struct Args {
    /// The cloud's base URL.
    #[arg(long, env = "MINIAPP_CLOUD")]
    cloud: String,
    /// The app secret (`miniapp secret feed`).
    #[arg(long, env = "MINIAPP_APP_SECRET", hide_env_values = true)]
    secret: String,
    /// The app id.
    #[arg(long, default_value = "feed")]
    appid: String,
    /// Where to listen.
    #[arg(long, default_value = miniapp_feed_backend::DEFAULT_ADDR)]
    addr: std::net::SocketAddr,
    /// Start down (every route but /admin/* answers 503; `POST /admin/up` brings it up).
    #[arg(long)]
    down: bool,
}

#[allow(clippy::print_stdout)] // the one line scripts wait for
fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).init();
    let a = Args::parse();
    let mut config = miniapp_feed_backend::Config::new(&a.cloud, &a.appid, &a.secret);
    config.addr = a.addr;
    config.down = a.down;
    let backend = miniapp_feed_backend::start(config).context("starting the feed back end")?;
    println!("listening on {}", backend.origin());
    loop {
        std::thread::park();
    }
}
