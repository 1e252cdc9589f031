//! The server's connection loop and its guards: hyper's HTTP/1 under axum's router, with a
//! header read timeout and a body read deadline (slow clients are cut off), a cap on open
//! connections and one on requests in flight (503 with `Retry-After`, never a crash), and a
//! token bucket per client IP on the unauthenticated routes that cost the most (429 with
//! `Retry-After`). The limits are [`ServerLimits`].

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Semaphore;
use tower::ServiceExt;

use crate::api::ErrorBody;
use crate::limits::{RateLimit, ServerLimits, RATE_LIMIT_CLIENTS};

/// Longest a stopping server waits for open connections to finish their requests: 10 s.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Serves `router` on `listener` until `shutdown` completes, then lets in-flight requests finish
/// (for at most [`SHUTDOWN_GRACE`]).
pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let max = limits.max_connections.min(Semaphore::MAX_PERMITS);
    let connections = Arc::new(Semaphore::new(max));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(());
    let limits = Arc::new(limits);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: the waiting connections stay in the
                    // backlog; try again shortly rather than spin or stop.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            tokio::spawn(refuse_connection(stream, max, limits.retry_after_secs()));
            continue;
        };
        let router = router.clone();
        let mut stop = stop_rx.clone();
        let limits = limits.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                let mut req = req.map(Body::new);
                req.extensions_mut().insert(ConnectInfo(peer));
                router.clone().oneshot(req)
            });
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
            let conn = builder.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            tokio::pin!(conn);
            let result = tokio::select! {
                r = conn.as_mut() => r,
                _ = stop.changed() => {
                    conn.as_mut().graceful_shutdown();
                    conn.await
                }
            };
            if let Err(e) = result {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    drop(stop_tx);
    // Every connection holds a permit until it ends: all of them back means all are done.
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    if tokio::time::timeout(SHUTDOWN_GRACE, connections.acquire_many(all)).await.is_err() {
        tracing::warn!("connections still open after the shutdown grace period; closing them");
    }
    Ok(())
}

/// Answers a connection over [`ServerLimits::max_connections`] with a 503 and closes it. It reads
/// (and drops) what the client sent first, briefly, so the client sees the answer rather than a
/// reset.
async fn refuse_connection(mut stream: tokio::net::TcpStream, max: usize, retry_after: u64) {
    let body = serde_json::to_string(&ErrorBody {
        error: format!("the cloud is at its limit of {max} open connections; retry after {retry_after} s"),
        reasons: Vec::new(),
    })
    .unwrap_or_default();
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: {retry_after}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        let mut request = [0u8; 4096];
        let _ = tokio::time::timeout(Duration::from_millis(100), stream.read(&mut request)).await;
        let _ = stream.write_all(answer.as_bytes()).await;
        let _ = stream.shutdown().await;
        while stream.read(&mut request).await.is_ok_and(|n| n > 0) {}
    })
    .await;
}

/// A JSON error with `Retry-After`.
fn retry_later(status: StatusCode, retry_after: u64, error: String) -> Response {
    let mut resp = (status, Json(ErrorBody { error, reasons: Vec::new() })).into_response();
    resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    resp
}

/// What the request guards share: the in-flight cap and the limits.
pub(crate) struct Guard {
    requests: Arc<Semaphore>,
    limits: ServerLimits,
}

impl Guard {
    pub(crate) fn new(limits: &ServerLimits) -> Arc<Guard> {
        Arc::new(Guard { requests: Arc::new(Semaphore::new(limits.max_requests_in_flight.min(Semaphore::MAX_PERMITS))), limits: limits.clone() })
    }
}

/// Middleware: over [`ServerLimits::max_requests_in_flight`] a request is answered 503 with
/// `Retry-After` at once, without queueing; and a request body gets
/// [`ServerLimits::body_read_timeout`] to arrive whole, else 408 and the connection is closed.
pub(crate) async fn guard_request(State(guard): State<Arc<Guard>>, req: Request, next: Next) -> Response {
    let Ok(_permit) = guard.requests.clone().try_acquire_owned() else {
        let (max, retry) = (guard.limits.max_requests_in_flight, guard.limits.retry_after_secs());
        return retry_later(
            StatusCode::SERVICE_UNAVAILABLE,
            retry,
            format!("the cloud is at its limit of {max} requests in flight; retry after {retry} s"),
        );
    };
    if req.body().is_end_stream() {
        return next.run(req).await;
    }
    let limit = guard.limits.body_read_timeout;
    let expired = Arc::new(AtomicBool::new(false));
    let req = req.map(|body| Body::new(DeadlineBody { inner: body, limit, sleep: None, expired: expired.clone() }));
    let resp = next.run(req).await;
    if !expired.load(Ordering::SeqCst) {
        return resp;
    }
    // Whatever the handler made of the broken body, the answer is the rule that broke it.
    let mut resp = (
        StatusCode::REQUEST_TIMEOUT,
        Json(ErrorBody { error: BodyTimedOut(limit).to_string(), reasons: Vec::new() }),
    )
        .into_response();
    resp.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    resp
}

/// A request body with a deadline, counted from its first read.
struct DeadlineBody {
    inner: Body,
    limit: Duration,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    expired: Arc<AtomicBool>,
}

/// The error a [`DeadlineBody`] ends with.
#[derive(Debug)]
struct BodyTimedOut(Duration);

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "request body was not received within the body read timeout of {} ms", self.0.as_millis())
    }
}

impl std::error::Error for BodyTimedOut {}

impl HttpBody for DeadlineBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame);
        }
        let limit = this.limit;
        let sleep = this.sleep.get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        if sleep.as_mut().poll(cx).is_ready() {
            this.expired.store(true, Ordering::SeqCst);
            return Poll::Ready(Some(Err(axum::Error::new(BodyTimedOut(limit)))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// Token buckets per client IP for one route.
pub(crate) struct RateLimiter {
    route: &'static str,
    limit: RateLimit,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl RateLimiter {
    pub(crate) fn new(route: &'static str, limit: RateLimit) -> Arc<RateLimiter> {
        Arc::new(RateLimiter { route, limit, buckets: Mutex::new(HashMap::new()) })
    }

    /// Takes a token for `ip`, or says how long until one is there.
    fn take(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        let (burst, rate) = (f64::from(self.limit.burst), f64::from(self.limit.per_second));
        let refilled = |(tokens, last): (f64, Instant)| (tokens + now.saturating_duration_since(last).as_secs_f64() * rate).min(burst);
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= RATE_LIMIT_CLIENTS && !buckets.contains_key(&ip) {
            // Forget the clients that are back to a full bucket; if none are, forget everyone
            // (a flood from that many addresses is not stopped by this limiter anyway).
            buckets.retain(|_, b| refilled(*b) < burst);
            if buckets.len() >= RATE_LIMIT_CLIENTS {
                buckets.clear();
            }
        }
        let bucket = buckets.entry(ip).or_insert((burst, now));
        let tokens = refilled(*bucket);
        if tokens >= 1.0 {
            *bucket = (tokens - 1.0, now);
            Ok(())
        } else {
            *bucket = (tokens, now);
            Err(Duration::from_secs_f64((1.0 - tokens) / rate))
        }
    }
}

/// Middleware: a request from an IP whose bucket is empty is answered 429 with `Retry-After`.
pub(crate) async fn rate_limited(State(limiter): State<Arc<RateLimiter>>, req: Request, next: Next) -> Response {
    let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() else {
        return next.run(req).await;
    };
    match limiter.take(peer.ip(), Instant::now()) {
        Ok(()) => next.run(req).await,
        Err(wait) => {
            let retry = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let RateLimit { burst, per_second } = limiter.limit;
            retry_later(
                StatusCode::TOO_MANY_REQUESTS,
                retry.max(1),
                format!(
                    "too many requests to {} from {}: the limit is {burst} at once and {per_second} a second per client; retry after {} s",
                    limiter.route,
                    peer.ip(),
                    retry.max(1)
                ),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_gives_its_burst_then_refills_at_its_rate() {
        let limiter = RateLimiter::new("/auth/login", RateLimit { burst: 3, per_second: 2 });
        let (ip, t0) = (IpAddr::from([192, 0, 2, 1]), Instant::now());
        assert!((0..3).all(|_| limiter.take(ip, t0).is_ok()));
        let wait = limiter.take(ip, t0).unwrap_err();
        assert!(wait > Duration::from_millis(450) && wait <= Duration::from_millis(500), "{wait:?}");
        assert!(limiter.take(IpAddr::from([192, 0, 2, 2]), t0).is_ok(), "another client has its own bucket");
        assert!(limiter.take(ip, t0 + Duration::from_millis(500)).is_ok(), "one token after 0.5 s at 2/s");
        assert!(limiter.take(ip, t0 + Duration::from_millis(500)).is_err());
    }
}
