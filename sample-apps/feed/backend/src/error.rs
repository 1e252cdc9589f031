//! Why the back end could not start.

use std::net::SocketAddr;

/// The back end's errors.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The listening address could not be bound.
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The server's runtime thread could not be started.
    #[error("cannot start the server's runtime")]
    Runtime(#[source] std::io::Error),
}

/// The back end's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
