//! Validated newtypes for the values of `app.json`: a bad value fails while the JSON is being
//! parsed, and the error names the rule it broke.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

fn invalid(kind: &'static str, value: &str, rule: impl Into<String>) -> Error {
    Error::InvalidValue { kind, value: value.to_string(), rule: rule.into() }
}

macro_rules! string_newtype {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $check:path) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The value as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = Error;
            fn try_from(value: String) -> Result<Self> {
                $check(&value).map_err(|rule| invalid($kind, &value, rule))?;
                Ok(Self(value))
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self> {
                Self::try_from(s.to_string())
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

fn check_app_id(s: &str) -> std::result::Result<(), String> {
    let ok_len = (2..=64).contains(&s.len());
    let mut chars = s.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if ok_len && first_ok && rest_ok {
        Ok(())
    } else {
        Err("must match ^[a-z0-9][a-z0-9_-]{1,63}$ (2 to 64 lower-case letters, digits, _ or -)".into())
    }
}

fn check_page_path(s: &str) -> std::result::Result<(), String> {
    if s.is_empty() {
        return Err("must not be empty".into());
    }
    if s.len() > 200 {
        return Err(format!("is {} bytes long, over the limit of 200", s.len()));
    }
    if s.starts_with('/') || s.ends_with('/') {
        return Err("must be relative, without a leading or trailing /".into());
    }
    if let Some(c) = s.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '/'))) {
        return Err(format!("may contain only A-Z a-z 0-9 _ - /, found {c:?}"));
    }
    if s.split('/').any(|seg| seg.is_empty() || seg == "..") {
        return Err("must not contain empty segments or ..".into());
    }
    Ok(())
}

fn check_version(s: &str) -> std::result::Result<(), String> {
    parse_version(s).map(|_| ())
}

fn parse_version(s: &str) -> std::result::Result<(u64, u64, u64), String> {
    let parts: Vec<&str> = s.split('.').collect();
    let rule = || "must be x.y.z with three non-negative integers, like 1.0.0".to_string();
    if parts.len() != 3 {
        return Err(rule());
    }
    let mut nums = [0u64; 3];
    for (n, p) in nums.iter_mut().zip(&parts) {
        if p.is_empty() || p.len() > 9 || !p.bytes().all(|b| b.is_ascii_digit()) || (p.len() > 1 && p.starts_with('0')) {
            return Err(rule());
        }
        *n = p.parse().map_err(|_| rule())?;
    }
    Ok((nums[0], nums[1], nums[2]))
}

fn check_color(s: &str) -> std::result::Result<(), String> {
    let hex = s.strip_prefix('#').unwrap_or("");
    if matches!(hex.len(), 3 | 4 | 6 | 8) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err("must be a hex colour #rgb, #rgba, #rrggbb or #rrggbbaa".into())
    }
}

fn check_origin(s: &str) -> std::result::Result<(), String> {
    let url = url::Url::parse(s).map_err(|e| format!("is not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("scheme must be http or https, not {}", url.scheme()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("must have a host".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not contain a user name or password".into());
    }
    // `https:/host` and `http:host` parse too (the URL parser repairs them): `get`, not an
    // index, since the bytes after the scheme need not be `://` nor end on a char boundary.
    let Some(rest) = s.get(url.scheme().len()..).and_then(|r| r.strip_prefix("://")) else {
        return Err("must be scheme://host[:port] with no path, query or fragment".into());
    };
    if rest.contains('/') || rest.contains('?') || rest.contains('#') {
        return Err("must be scheme://host[:port] with no path, query or fragment".into());
    }
    if url.as_str().trim_end_matches('/') != s {
        return Err(format!("must be written in canonical form {}", url.as_str().trim_end_matches('/')));
    }
    Ok(())
}

string_newtype!(
    /// An app id: `^[a-z0-9][a-z0-9_-]{1,63}$`, e.g. `counter`.
    AppId, "app id", check_app_id
);
string_newtype!(
    /// A page path relative to the bundle root without extension, e.g. `pages/index/index`.
    /// Only `A-Z a-z 0-9 _ - /`, no empty segments, no `..`.
    PagePath, "page path", check_page_path
);
string_newtype!(
    /// A semver-like `x.y.z` version, e.g. `1.0.0`. Ordered numerically.
    Version, "version", check_version
);
string_newtype!(
    /// A hex colour: `#rgb`, `#rgba`, `#rrggbb` or `#rrggbbaa`.
    Color, "colour", check_color
);
string_newtype!(
    /// A network origin `scheme://host[:port]`, lower-case, no path, e.g. `https://api.example.com`.
    Origin, "origin", check_origin
);

impl Version {
    /// The three numbers `(major, minor, patch)`.
    pub fn parts(&self) -> (u64, u64, u64) {
        parse_version(&self.0).unwrap_or_default()
    }

    /// Whether `self` is numerically newer than `other`.
    pub fn is_newer_than(&self, other: &Version) -> bool {
        self.parts() > other.parts()
    }
}

impl PagePath {
    /// The path of one of the page's files: `pages/index/index` + `xml` → `pages/index/index.xml`.
    pub fn file(&self, ext: &str) -> String {
        format!("{}.{ext}", self.0)
    }
}

impl Origin {
    /// The parsed URL of this origin.
    pub fn url(&self) -> url::Url {
        url::Url::parse(&self.0).expect("origin was validated")
    }

    /// Whether this origin uses https.
    pub fn is_https(&self) -> bool {
        self.0.starts_with("https://")
    }

    /// Whether the host is a loopback address or `localhost`.
    pub fn is_loopback(&self) -> bool {
        match self.url().host() {
            Some(url::Host::Domain(d)) => d == "localhost",
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_id_accepts_lower_case_and_rejects_upper_case_naming_the_rule() {
        assert!("counter".parse::<AppId>().is_ok());
        assert!("a1_b-c".parse::<AppId>().is_ok());
        let err = "Counter".parse::<AppId>().unwrap_err().to_string();
        assert!(err.contains("invalid app id \"Counter\""), "{err}");
        assert!(err.contains("^[a-z0-9]"), "{err}");
        assert!("x".parse::<AppId>().is_err());
        assert!("-abc".parse::<AppId>().is_err());
        assert!("a".repeat(65).parse::<AppId>().is_err());
    }

    #[test]
    fn page_path_rejects_parent_dirs_absolute_paths_and_odd_characters() {
        assert!("pages/index/index".parse::<PagePath>().is_ok());
        for bad in ["../x", "pages/../x", "/pages/x", "pages//x", "pages/x.xml", "pages\\x", ""] {
            assert!(bad.parse::<PagePath>().is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn version_orders_numerically_not_lexically() {
        let a: Version = "1.10.0".parse().unwrap();
        let b: Version = "1.9.0".parse().unwrap();
        assert!(a.is_newer_than(&b));
        assert!(!b.is_newer_than(&a));
        for bad in ["1.0", "1.0.0.0", "01.0.0", "1.a.0", "v1.0.0", ""] {
            assert!(bad.parse::<Version>().is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn origin_must_have_no_path_and_be_canonical() {
        assert!("https://api.example.com".parse::<Origin>().is_ok());
        assert!("http://127.0.0.1:8080".parse::<Origin>().is_ok());
        let err = "https://api.example.com/v1".parse::<Origin>().unwrap_err().to_string();
        assert!(err.contains("no path"), "{err}");
        assert!("https://api.example.com/".parse::<Origin>().is_err());
        assert!("ftp://x.com".parse::<Origin>().is_err());
        assert!("https://API.example.com".parse::<Origin>().is_err());
        assert!("https://user:pw@x.com".parse::<Origin>().is_err());
        assert!("http://127.0.0.1:8080".parse::<Origin>().unwrap().is_loopback());
        assert!(!"https://api.example.com".parse::<Origin>().unwrap().is_loopback());
    }

    #[test]
    fn origin_without_slash_slash_is_refused_not_a_panic() {
        // Found by the app_manifest fuzz target: the URL parser accepts these, and slicing
        // past `scheme://` cut a character in two (or ran off the end).
        for bad in ["https:/\u{45e}pi.example.com", "http:a", "https:/api.example.com"] {
            let err = bad.parse::<Origin>().unwrap_err().to_string();
            assert!(err.contains("must be scheme://host[:port]"), "{bad}: {err}");
        }
    }

    #[test]
    fn colour_accepts_hex_forms_only() {
        for ok in ["#fff", "#07c160", "#07c160ff", "#ffff"] {
            assert!(ok.parse::<Color>().is_ok(), "{ok}");
        }
        for bad in ["red", "#ggg", "07c160", "#12345"] {
            assert!(bad.parse::<Color>().is_err(), "{bad}");
        }
    }
}
