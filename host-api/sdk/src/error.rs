//! The typed layer's own errors: a JSON value that did not match a Rust type, and the error half
//! of an asynchronous call's answer.
//!
//! Host refusals stay [`HostError`](crate::HostError), the WIT variant. `Display` and `Error` are
//! written by hand rather than with `thiserror`, so the guest crate gains no proc-macro
//! dependency for three small types.

use std::fmt;

/// A JSON value that did not match the Rust type it was read into.
///
/// `path` names the value that failed, from the root of what was read: `detail.items[2].id` for
/// an event, `currentTarget.dataset.step` for a dataset, `.` for the root itself.
///
/// ```
/// use miniapp_sdk::{json, TypedEvent};
///
/// #[derive(Debug, serde::Deserialize)]
/// struct Input { value: String }
///
/// let err = TypedEvent::<Input>::from_value(json!({"type": "input", "detail": {"value": 3}}))
///     .unwrap_err();
/// assert_eq!(err.path, "detail.value");
/// assert_eq!(err.to_string(), "detail.value: invalid type: integer `3`, expected a string");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Where in the JSON the mismatch is (`detail.value`; `.` is the root).
    pub path: String,
    /// What serde found against what the type expects.
    pub message: String,
}

/// The error of [`TypedEvent`](crate::TypedEvent)'s decoding helpers: a [`DecodeError`] whose
/// path starts at the event (`detail.…`, `currentTarget.dataset.…`).
pub type EventError = DecodeError;

impl DecodeError {
    /// The error of `serde_path_to_error`, with `prefix` (such as `currentTarget.dataset`) put
    /// before its path.
    pub(crate) fn from_path_error(prefix: &str, e: serde_path_to_error::Error<serde_json::Error>) -> Self {
        let inner = e.path().to_string();
        let path = match (prefix.is_empty(), inner.as_str()) {
            (true, _) => inner,
            (false, ".") => prefix.to_owned(),
            (false, _) => format!("{prefix}.{inner}"),
        };
        DecodeError { path, message: e.into_inner().to_string() }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for DecodeError {}

/// Why an asynchronous call failed: the host's `{"error": {"kind": KIND, "message": …}}`
/// answer (see `docs/host-api.md`), or an answer the SDK could not read.
///
/// ```
/// use miniapp_sdk::{CallbackError, CallbackErrorKind};
///
/// let e = CallbackError { kind: CallbackErrorKind::Timeout, message: "request to URL timed out after 60000 ms".into() };
/// assert_eq!(e.to_string(), "timeout: request to URL timed out after 60000 ms");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackError {
    /// The host's `kind`.
    pub kind: CallbackErrorKind,
    /// The host's `message` (for [`CallbackErrorKind::Malformed`], what did not match).
    pub message: String,
}

/// The error of [`net::fetch`](crate::net::fetch): `timeout`, `denied`, `limit-exceeded` or
/// `failed`.
pub type NetError = CallbackError;

/// The error of [`auth::login_then`](crate::auth::login_then): `denied`, `unavailable` or
/// `failed`.
pub type LoginError = CallbackError;

/// The error of [`device::scan`](crate::device::scan): `cancelled` or `unreadable`.
pub type ScanError = CallbackError;

/// The `kind` of a [`CallbackError`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallbackErrorKind {
    /// `"timeout"`: no full answer in time (requests).
    Timeout,
    /// `"denied"`: refused by policy (an undeclared redirect, a banned app's login).
    Denied,
    /// `"limit-exceeded"`: over a limit (a response over 10 MiB).
    LimitExceeded,
    /// `"failed"`: anything else went wrong (DNS, connection, the cloud's answer).
    Failed,
    /// `"unavailable"`: the service cannot be reached (the cloud for a login).
    Unavailable,
    /// `"cancelled"`: the user closed the question (the camera).
    Cancelled,
    /// `"unreadable"`: the input could not be read (no QR code in the image).
    Unreadable,
    /// The answer did not have the documented shape (a host bug, or a newer host).
    Malformed,
    /// A kind this SDK does not know, as the host wrote it.
    Other(String),
}

impl CallbackErrorKind {
    /// The kind for the host's `kind` string.
    pub fn from_kind(kind: &str) -> Self {
        match kind {
            "timeout" => Self::Timeout,
            "denied" => Self::Denied,
            "limit-exceeded" => Self::LimitExceeded,
            "failed" => Self::Failed,
            "unavailable" => Self::Unavailable,
            "cancelled" => Self::Cancelled,
            "unreadable" => Self::Unreadable,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The host's `kind` string (`malformed` for [`CallbackErrorKind::Malformed`]).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Timeout => "timeout",
            Self::Denied => "denied",
            Self::LimitExceeded => "limit-exceeded",
            Self::Failed => "failed",
            Self::Unavailable => "unavailable",
            Self::Cancelled => "cancelled",
            Self::Unreadable => "unreadable",
            Self::Malformed => "malformed",
            Self::Other(s) => s,
        }
    }
}

impl fmt::Display for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.as_str(), self.message)
    }
}

impl std::error::Error for CallbackError {}
