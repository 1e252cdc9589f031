//! The cloud server's protection limits: read timeouts against slow clients, caps on
//! connections and requests under overload, and rate limits on the unauthenticated routes that
//! cost the most. One [`ServerLimits`] per server ([`crate::ServerConfig::limits`]), checked once
//! by [`crate::bind`]. Body size limits stay beside their routes ([`crate::DEFAULT_BODY_LIMIT`],
//! [`crate::AUTH_BODY_LIMIT`], [`crate::STATUS_BODY_LIMIT`]).

use std::time::Duration;

use crate::error::{Error, Result};

/// Default time a client has to send a request's line and headers, from when the server starts
/// waiting for them (also the longest an idle keep-alive connection is held): 10 s.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time a client has to send a whole request body, from when the handler starts reading
/// it: 60 s (a 16 MiB base library at about 280 KB/s).
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(60);
/// Default connections held open at once; one more is answered 503 and closed: 10 000. The
/// process's open-file limit (`ulimit -n`) must allow this many sockets.
pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;
/// Default requests being handled at once (a streaming bundle body no longer counts once its
/// headers are sent); one more is answered 503: 1024.
pub const DEFAULT_MAX_REQUESTS_IN_FLIGHT: usize = 1024;
/// Default `Retry-After` of a 503: 1 s.
pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);
/// Default burst of a rate-limited route per client IP: 20 requests.
pub const DEFAULT_RATE_BURST: u32 = 20;
/// Default sustained rate of a rate-limited route per client IP: 5 requests a second.
pub const DEFAULT_RATE_PER_SECOND: u32 = 5;
/// Most client IPs the rate limiter tracks at once; past it, IPs whose buckets are full again are
/// forgotten first: 100 000 (a few MiB).
pub const RATE_LIMIT_CLIENTS: usize = 100_000;

/// A token bucket per client IP: `burst` requests at once, refilled at `per_second`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests a client may make at once. Default [`DEFAULT_RATE_BURST`] (20).
    pub burst: u32,
    /// Requests a second a client may make in the long run. Default [`DEFAULT_RATE_PER_SECOND`] (5).
    pub per_second: u32,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit { burst: DEFAULT_RATE_BURST, per_second: DEFAULT_RATE_PER_SECOND }
    }
}

/// How the server protects itself from slow, many or greedy clients.
///
/// Build it with `ServerLimits::default()` and override fields; [`crate::bind`] checks it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerLimits {
    /// Time to send a request's line and headers; a client still sending then is disconnected.
    /// Default [`DEFAULT_HEADER_READ_TIMEOUT`] (10 s).
    pub header_read_timeout: Duration,
    /// Time to send a whole request body; past it the request is answered 408 and the connection
    /// closed. Default [`DEFAULT_BODY_READ_TIMEOUT`] (60 s).
    pub body_read_timeout: Duration,
    /// Connections open at once; one more gets a 503 with `Retry-After` and is closed.
    /// Default [`DEFAULT_MAX_CONNECTIONS`] (10 000).
    pub max_connections: usize,
    /// Requests handled at once; one more gets a 503 with `Retry-After`.
    /// Default [`DEFAULT_MAX_REQUESTS_IN_FLIGHT`] (1024).
    pub max_requests_in_flight: usize,
    /// The `Retry-After` of a 503, rounded up to whole seconds. Default [`DEFAULT_RETRY_AFTER`] (1 s).
    pub retry_after: Duration,
    /// Per client IP on `POST /auth/login` and, separately, on `GET /apps/{appid}/qr`: over it a
    /// request gets 429 with `Retry-After`. `None` turns rate limiting off.
    /// Default 20 at once, 5 a second ([`RateLimit::default`]).
    pub rate_limit: Option<RateLimit>,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_requests_in_flight: DEFAULT_MAX_REQUESTS_IN_FLIGHT,
            retry_after: DEFAULT_RETRY_AFTER,
            rate_limit: Some(RateLimit::default()),
        }
    }
}

impl ServerLimits {
    /// Checks that every limit lets something through.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidLimit`] naming the first zero limit.
    pub fn check(&self) -> Result<()> {
        let zero = [
            ("header_read_timeout", self.header_read_timeout.is_zero()),
            ("body_read_timeout", self.body_read_timeout.is_zero()),
            ("max_connections", self.max_connections == 0),
            ("max_requests_in_flight", self.max_requests_in_flight == 0),
            ("rate_limit.burst", self.rate_limit.is_some_and(|r| r.burst == 0)),
            ("rate_limit.per_second", self.rate_limit.is_some_and(|r| r.per_second == 0)),
        ];
        match zero.iter().find(|(_, z)| *z) {
            Some((name, _)) => Err(Error::InvalidLimit { name: *name, reason: "must be greater than zero" }),
            None => Ok(()),
        }
    }

    /// [`ServerLimits::retry_after`] in whole seconds, at least 1: the `Retry-After` value.
    pub fn retry_after_secs(&self) -> u64 {
        (self.retry_after.as_secs() + u64::from(self.retry_after.subsec_nanos() > 0)).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_pass_and_a_zero_limit_is_named() {
        ServerLimits::default().check().unwrap();
        let limits = ServerLimits { max_connections: 0, ..ServerLimits::default() };
        assert_eq!(limits.check().unwrap_err().to_string(), "server limit max_connections must be greater than zero");
        let limits = ServerLimits { rate_limit: Some(RateLimit { burst: 1, per_second: 0 }), ..ServerLimits::default() };
        assert!(limits.check().unwrap_err().to_string().contains("rate_limit.per_second"));
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        let at = |ms| ServerLimits { retry_after: Duration::from_millis(ms), ..ServerLimits::default() }.retry_after_secs();
        assert_eq!((at(0), at(1000), at(1001), at(2500)), (1, 1, 2, 3));
    }
}
