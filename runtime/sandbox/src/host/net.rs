//! `miniapp:host/net`: checks a request (declared origin, method, headers, in-flight limit)
//! and hands it to the network worker; the result comes back through `on-callback`.

use std::sync::atomic::Ordering;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::bindings::net::{Host, RequestOptions as Request};
use crate::bindings::types::HostError;
use crate::net::{declared, origin_of, show_origin, spawn, Job, FORBIDDEN_HEADERS, METHODS};
use crate::state::HostState;

impl Host for HostState {
    fn request(&mut self, req: Request) -> Result<u32, HostError> {
        let (method, url) = (if req.method.is_empty() { "GET".into() } else { req.method.to_ascii_uppercase() }, req.url.clone());
        let r = self.start_request(req);
        if let Err(e) = &r {
            // Refused before it left: the Network panel shows the rule.
            let error = Some(match e {
                HostError::Denied(m)
                | HostError::InvalidArgument(m)
                | HostError::LimitExceeded(m)
                | HostError::NotFound(m)
                | HostError::Unavailable(m) => m.clone(),
            });
            self.net.record(crate::net::NetRecord { method, url, status: None, ms: 0.0, bytes: 0, error });
        }
        r
    }
}

impl HostState {
    fn start_request(&mut self, req: Request) -> Result<u32, HostError> {
        let url = url::Url::parse(&req.url)
            .map_err(|e| HostError::InvalidArgument(format!("request url {:?} is not a valid URL: {e}", req.url)))?;
        let origin = origin_of(&url)
            .ok_or_else(|| HostError::InvalidArgument(format!("request url {:?} is not http or https", req.url)))?;
        let allowed = declared(&self.ctx.network);
        if !allowed.contains(&origin) {
            return Err(HostError::Denied(format!(
                "request to {}: origin {} is not declared in app.json network.request",
                req.url,
                show_origin(&origin)
            )));
        }
        let method_name = if req.method.is_empty() { "GET".to_string() } else { req.method.to_ascii_uppercase() };
        if !METHODS.contains(&method_name.as_str()) {
            return Err(HostError::InvalidArgument(format!(
                "request method {:?} is not one of {}",
                req.method,
                METHODS.join(", ")
            )));
        }
        let method = reqwest::Method::from_bytes(method_name.as_bytes())
            .map_err(|e| HostError::InvalidArgument(format!("request method {:?}: {e}", req.method)))?;
        let mut headers = HeaderMap::new();
        for (name, value) in &req.headers {
            let lower = name.to_ascii_lowercase();
            if FORBIDDEN_HEADERS.contains(&lower.as_str()) || lower.starts_with("proxy-") {
                return Err(HostError::Denied(format!("request header {name:?} may not be set by an app")));
            }
            let n = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| HostError::InvalidArgument(format!("request header name {name:?} is not valid")))?;
            let v = HeaderValue::from_str(value)
                .map_err(|_| HostError::InvalidArgument(format!("request header {name:?} has an invalid value")))?;
            headers.append(n, v);
        }
        let in_flight = self.net.in_flight.load(Ordering::SeqCst);
        let limit = self.limits.requests_in_flight;
        if in_flight >= limit {
            return Err(HostError::LimitExceeded(format!(
                "{in_flight} requests are in flight, the limit is {limit}"
            )));
        }
        let max = self.limits.request_timeout;
        let timeout = match req.timeout_ms {
            0 => max,
            ms => Duration::from_millis(u64::from(ms)).min(max),
        };
        let id = self.callback_id();
        let job = Job {
            id,
            url,
            method,
            headers,
            body: req.body,
            timeout,
            max_bytes: self.limits.response_bytes,
            allowed,
        };
        spawn(job, self.net.clone());
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;
    use crate::state::AppContext;

    fn state() -> HostState {
        let mut ctx = AppContext::new("shop");
        ctx.network = vec!["https://api.example.com".into()];
        HostState::new(ctx, &Limits::default())
    }

    fn req(url: &str) -> Request {
        Request { url: url.into(), method: "GET".into(), headers: vec![], body: None, timeout_ms: 0 }
    }

    #[test]
    fn undeclared_origin_is_denied() {
        let mut s = state();
        assert_eq!(
            s.request(req("https://evil.example.com/steal")).unwrap_err(),
            HostError::Denied(
                "request to https://evil.example.com/steal: origin https://evil.example.com:443 is not declared in app.json network.request".into()
            )
        );
        // same host, other port or scheme: a different origin
        assert!(matches!(s.request(req("http://api.example.com/x")), Err(HostError::Denied(_))));
        assert!(matches!(s.request(req("https://api.example.com:8443/x")), Err(HostError::Denied(_))));
    }

    #[test]
    fn forbidden_headers_and_methods_are_refused() {
        let mut s = state();
        let mut r = req("https://api.example.com/x");
        r.headers = vec![("Cookie".into(), "a=b".into())];
        assert_eq!(
            s.request(r).unwrap_err(),
            HostError::Denied("request header \"Cookie\" may not be set by an app".into())
        );
        let mut r = req("https://api.example.com/x");
        r.method = "TRACE".into();
        assert!(matches!(s.request(r), Err(HostError::InvalidArgument(m)) if m.starts_with("request method \"TRACE\" is not one of")));
        assert!(matches!(s.request(req("not a url")), Err(HostError::InvalidArgument(_))));
        assert!(matches!(s.request(req("file:///etc/passwd")), Err(HostError::InvalidArgument(m)) if m.contains("not http or https")));
    }

    #[test]
    fn too_many_requests_in_flight_are_refused() {
        let mut s = state();
        s.net.in_flight.store(10, Ordering::SeqCst);
        assert_eq!(
            s.request(req("https://api.example.com/x")).unwrap_err(),
            HostError::LimitExceeded("10 requests are in flight, the limit is 10".into())
        );
    }
}
