//! Launch URLs: what a QR code holds and what `miniapp launch` takes.
//!
//! `http(s)://<cloud>/apps/<appid>[?path=<page>&query=<urlencoded>&scene=<scene>]`. Anything
//! before the final `/apps/<appid>` is the cloud's base (a cloud may live under a path prefix).

use std::fmt;

use miniapp_bundle::{AppId, PagePath};
use url::Url;

use crate::error::{Error, Result};

/// Longest `scene` parameter, in characters (as on the real platform).
pub const MAX_SCENE_CHARS: usize = 32;

/// A parsed launch URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchUrl {
    /// The cloud's base URL, always ending in `/` (`http://127.0.0.1:4000/`).
    pub cloud: Url,
    /// The app to launch.
    pub app_id: AppId,
    /// The page to open instead of the entry page.
    pub path: Option<PagePath>,
    /// The query string passed to the page's `load` (already url-decoded, e.g. `a=1&b=2`).
    pub query: String,
    /// The scene value (≤ 32 characters), e.g. from a QR code.
    pub scene: Option<String>,
}

impl LaunchUrl {
    /// Parses a launch URL, with an error naming the rule for every other form.
    pub fn parse(input: &str) -> Result<LaunchUrl> {
        let fail = |rule: &str| Error::InvalidLaunchUrl { url: input.to_string(), rule: rule.to_string() };
        let url = Url::parse(input.trim()).map_err(|e| fail(&format!("not a URL ({e})")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(fail(&format!("scheme must be http or https, not {}", url.scheme())));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(fail("missing host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(fail("must not contain a user name or password"));
        }
        if url.fragment().is_some() {
            return Err(fail("must not have a #fragment"));
        }
        let mut segments: Vec<&str> = url.path_segments().map(|s| s.collect()).unwrap_or_default();
        if segments.last() == Some(&"") {
            segments.pop();
        }
        let n = segments.len();
        if n < 2 || segments[n - 2] != "apps" {
            return Err(fail("path must end in /apps/<appid>"));
        }
        let app_id: AppId = segments[n - 1].parse().map_err(|e: miniapp_bundle::Error| fail(&e.to_string()))?;
        let base: String = segments[..n - 2].iter().map(|s| format!("{s}/")).collect();
        let mut cloud = url.clone();
        cloud.set_query(None);
        cloud.set_path(&format!("/{base}"));
        let (mut path, mut query, mut scene) = (None, String::new(), None);
        let mut seen = std::collections::HashSet::new();
        for (key, value) in url.query_pairs() {
            if !seen.insert(key.to_string()) {
                return Err(fail(&format!("parameter {key} is given twice")));
            }
            match key.as_ref() {
                "path" => {
                    let page = value.trim_start_matches('/');
                    path = Some(page.parse().map_err(|e: miniapp_bundle::Error| fail(&e.to_string()))?);
                }
                "query" => query = value.into_owned(),
                "scene" => {
                    let n = value.chars().count();
                    if n > MAX_SCENE_CHARS {
                        return Err(fail(&format!("scene is {n} characters, over the limit of {MAX_SCENE_CHARS}")));
                    }
                    scene = Some(value.into_owned());
                }
                other => return Err(fail(&format!("unknown parameter {other} (expected path, query or scene)"))),
            }
        }
        Ok(LaunchUrl { cloud, app_id, path, query, scene })
    }

    /// A launch URL for the app's entry page.
    pub fn for_app(cloud: &Url, app_id: AppId) -> LaunchUrl {
        LaunchUrl { cloud: normalise_cloud(cloud), app_id, path: None, query: String::new(), scene: None }
    }

    /// The cloud as shown in messages: `http://127.0.0.1:4000` (no trailing slash).
    pub fn cloud_display(&self) -> String {
        cloud_display(&self.cloud)
    }

    /// The full URL.
    pub fn to_url(&self) -> Url {
        let mut url = self.cloud.join(&format!("apps/{}", self.app_id)).expect("app id is url-safe");
        {
            let mut q = url.query_pairs_mut();
            if let Some(p) = &self.path {
                q.append_pair("path", p.as_str());
            }
            if !self.query.is_empty() {
                q.append_pair("query", &self.query);
            }
            if let Some(s) = &self.scene {
                q.append_pair("scene", s);
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        url
    }
}

impl fmt::Display for LaunchUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.to_url().as_str())
    }
}

impl std::str::FromStr for LaunchUrl {
    type Err = Error;
    fn from_str(s: &str) -> Result<LaunchUrl> {
        LaunchUrl::parse(s)
    }
}

/// `http://host:port` with no trailing slash (the base path kept when there is one).
pub fn cloud_display(cloud: &Url) -> String {
    cloud.as_str().trim_end_matches('/').to_string()
}

/// The cloud URL with no query and a path ending in `/`.
pub fn normalise_cloud(cloud: &Url) -> Url {
    let mut c = cloud.clone();
    c.set_query(None);
    c.set_fragment(None);
    if !c.path().ends_with('/') {
        let p = format!("{}/", c.path());
        c.set_path(&p);
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_launch_url_parses_and_prints_back() {
        let u = LaunchUrl::parse("http://127.0.0.1:4000/apps/counter?path=pages/index/index&query=a%3D1%26b%3D2&scene=qr1").unwrap();
        assert_eq!(u.cloud.as_str(), "http://127.0.0.1:4000/");
        assert_eq!(u.cloud_display(), "http://127.0.0.1:4000");
        assert_eq!(u.app_id.as_str(), "counter");
        assert_eq!(u.path.as_ref().unwrap().as_str(), "pages/index/index");
        assert_eq!(u.query, "a=1&b=2");
        assert_eq!(u.scene.as_deref(), Some("qr1"));
        assert_eq!(LaunchUrl::parse(&u.to_string()).unwrap(), u);
    }

    #[test]
    fn bare_app_url_and_base_path_parse() {
        let u = LaunchUrl::parse("https://cloud.example.com/mp/apps/todo/").unwrap();
        assert_eq!(u.cloud.as_str(), "https://cloud.example.com/mp/");
        assert_eq!(u.to_string(), "https://cloud.example.com/mp/apps/todo");
        assert!(u.path.is_none() && u.query.is_empty() && u.scene.is_none());
    }

    #[test]
    fn other_forms_are_refused_with_the_rule() {
        let cases = [
            ("ftp://x/apps/a1", "scheme must be http or https"),
            ("http://x/app/counter", "path must end in /apps/<appid>"),
            ("http://x/apps/Counter", "invalid app id"),
            ("http://x/apps/counter?page=x", "unknown parameter page"),
            ("http://x/apps/counter?path=../x", "invalid page path"),
            ("http://x/apps/counter#top", "fragment"),
            ("not a url", "not a URL"),
        ];
        for (url, rule) in cases {
            let e = LaunchUrl::parse(url).unwrap_err().to_string();
            assert!(e.starts_with(&format!("invalid launch url {url:?}: ")), "{e}");
            assert!(e.contains(rule), "{url}: {e}");
        }
        let long = format!("http://x/apps/counter?scene={}", "s".repeat(33));
        assert!(LaunchUrl::parse(&long).unwrap_err().to_string().contains("scene is 33 characters, over the limit of 32"));
    }
}
