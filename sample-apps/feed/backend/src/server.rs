//! Starting the server on its own thread and runtime, and the [`Handle`] that stops it.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use crate::api::{router, Shared};
use crate::error::{Error, Result};

/// Where `miniapp-feed-backend` listens unless told otherwise: `127.0.0.1:8082`.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8082";

/// How the back end reaches the cloud, where it listens and whether it starts down.
#[derive(Debug, Clone)]
pub struct Config {
    /// The cloud's base URL, `http://127.0.0.1:7000`.
    pub cloud: String,
    /// The app id the login codes are for, `feed`.
    pub appid: String,
    /// The app secret (`miniapp secret feed`); can be set later with [`Handle::set_secret`].
    pub secret: String,
    /// The listening address; port 0 (the default of [`Config::new`]) picks a free one.
    pub addr: SocketAddr,
    /// Start with the switch down (every route but `/admin/*` answers 503). Default `false`.
    pub down: bool,
}

impl Config {
    /// A back end for `appid` on the cloud at `cloud`, on a free loopback port, up.
    pub fn new(cloud: &str, appid: &str, secret: &str) -> Config {
        Config {
            cloud: cloud.to_string(),
            appid: appid.to_string(),
            secret: secret.to_string(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            down: false,
        }
    }
}

/// A running back end; stops when dropped.
pub struct Handle {
    origin: String,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Handle {
    /// `http://127.0.0.1:PORT`: the origin to declare in `app.json` `network.request`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Takes the back end down (every route but `/admin/*` answers 503) or brings it up.
    pub fn set_down(&self, down: bool) {
        self.shared.down.store(down, Ordering::SeqCst);
    }

    /// Whether the switch is down.
    pub fn is_down(&self) -> bool {
        self.shared.down.load(Ordering::SeqCst)
    }

    /// How many requests were answered 503 because the switch was down.
    pub fn refused_while_down(&self) -> usize {
        self.shared.refused.load(Ordering::SeqCst)
    }

    /// Replaces the app secret (an app has one once it was first published).
    pub fn set_secret(&self, secret: &str) {
        *self.shared.secret.lock().unwrap_or_else(|p| p.into_inner()) = secret.to_string();
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts the back end on `config.addr` in a thread of its own.
///
/// # Errors
/// [`Error::Bind`] when the address is taken, [`Error::Runtime`] when no runtime starts.
pub fn start(config: Config) -> Result<Handle> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(Error::Runtime)?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(config.addr))
        .map_err(|source| Error::Bind { addr: config.addr, source })?;
    let local = listener.local_addr().map_err(|source| Error::Bind { addr: config.addr, source })?;
    let shared = Arc::new(Shared::new(&config.cloud, &config.appid, &config.secret, config.down));
    let app = router(shared.clone());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("feed-backend".into())
        .spawn(move || {
            runtime.block_on(async move {
                let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                    let _ = stopped.await;
                });
                if let Err(e) = serve.await {
                    tracing::error!(error = %e, "the feed back end stopped");
                }
            });
        })
        .map_err(Error::Runtime)?;
    Ok(Handle { origin: format!("http://{local}"), shared, stop: Some(stop), thread: Some(thread) })
}
