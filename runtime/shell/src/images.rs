//! Remote images: an `<image src="https://…">` (or `http://`) of one of the app's declared back
//! end origins, fetched off the UI thread under the same network policy as `net.request`
//! ([`miniapp_sandbox::RemoteFetcher`]: declared origins only, no private addresses behind host
//! names, redirects only to declared origins), capped at [`MAX_REMOTE_IMAGE_BYTES`], and decoded
//! by the renderer's decoder (its size and memory limits). Until an image arrives, and for good
//! when it was refused, the renderer draws its grey placeholder; a refusal is one console warning
//! naming the rule. The headless driver waits up to [`IMAGE_SETTLE_TIMEOUT`] for pending images
//! before a screenshot, so screenshots are the same on every run.

use std::collections::HashMap;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::time::Duration;

use miniapp_render::Renderer;
use miniapp_sandbox::RemoteFetcher;
use miniapp_view::{cosmic_text::FontSystem, DisplayItem, DisplayList, ImageInfo};

use crate::session::Session;

/// The largest remote image body the shell downloads: 2 MiB (the decoded size is limited by the
/// renderer's own decode limits).
pub const MAX_REMOTE_IMAGE_BYTES: u64 = 2 << 20;

/// How long one remote image may take, connecting to last byte: 10 s.
pub const REMOTE_IMAGE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the headless driver waits for pending remote images before a screenshot: 5 s
/// (images still pending then are drawn as placeholders, with a console warning).
pub const IMAGE_SETTLE_TIMEOUT: Duration = Duration::from_secs(5);

/// Whether a `src` names a remote image (`http://` or `https://`), not a bundle path.
pub fn is_remote(src: &str) -> bool {
    let lower = src.get(..8).unwrap_or(src).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Where one remote image stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    /// A worker thread is fetching it.
    Pending,
    /// Registered with the renderer under its URL.
    Loaded,
    /// Refused or failed; drawn as a placeholder (the reason went to the console once).
    Failed(String),
}

/// What a worker sends back: the URL and its bytes, or why not.
type Arrival = (String, miniapp_sandbox::Result<Vec<u8>>);

/// The remote images of one app session.
pub struct RemoteImages {
    fetcher: RemoteFetcher,
    max_bytes: u64,
    states: HashMap<String, State>,
    tx: Sender<Arrival>,
    rx: Receiver<Arrival>,
    /// What became of images since [`RemoteImages::take_news`] (sizes, failures), for the pages.
    news: Vec<(String, ImageInfo)>,
}

impl std::fmt::Debug for RemoteImages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteImages").field("states", &self.states).finish_non_exhaustive()
    }
}

impl RemoteImages {
    /// Remote images for an app that declared `network` (`app.json` `network.request`).
    pub fn new(network: &[String]) -> RemoteImages {
        RemoteImages::with_limit(network, MAX_REMOTE_IMAGE_BYTES)
    }

    /// As [`RemoteImages::new`] with another byte cap (tests).
    pub(crate) fn with_limit(network: &[String], max_bytes: u64) -> RemoteImages {
        let (tx, rx) = channel();
        RemoteImages { fetcher: RemoteFetcher::new(network), max_bytes, states: HashMap::new(), tx, rx, news: Vec::new() }
    }

    /// Starts fetching every remote image of `list` not seen before. A URL the policy refuses
    /// (undeclared origin, not http(s)) fails at once; its warning is returned, once.
    pub fn request(&mut self, list: &DisplayList) -> Vec<String> {
        self.request_sources(list.items.iter().filter_map(|item| match item {
            DisplayItem::Image { src, .. } | DisplayItem::Background { src, .. } => Some(src.as_str()),
            _ => None,
        }))
    }

    /// As [`RemoteImages::request`] for image sources named directly (what a page wants
    /// loaded, [`Session::image_sources`], drawn yet or not); bundle paths are skipped.
    pub fn request_sources<'s>(&mut self, srcs: impl IntoIterator<Item = &'s str>) -> Vec<String> {
        let mut warnings = Vec::new();
        for src in srcs {
            if !is_remote(src) || self.states.contains_key(src) {
                continue;
            }
            let src = &src.to_string();
            if let Err(e) = self.fetcher.check(src) {
                let message = warning(src, &e);
                self.states.insert(src.clone(), State::Failed(message.clone()));
                self.news.push((src.clone(), ImageInfo::Failed(message.clone())));
                warnings.push(message);
                continue;
            }
            self.states.insert(src.clone(), State::Pending);
            let (fetcher, tx, url, max) = (self.fetcher.clone(), self.tx.clone(), src.clone(), self.max_bytes);
            let spawned = std::thread::Builder::new().name("remote-image".into()).spawn(move || {
                let got = fetcher.fetch(&url, max, REMOTE_IMAGE_TIMEOUT);
                let _ = tx.send((url, got));
            });
            if let Err(e) = spawned {
                let message = format!("image {src} not loaded: cannot start a fetch thread: {e}");
                self.states.insert(src.clone(), State::Failed(message.clone()));
                self.news.push((src.clone(), ImageInfo::Failed(message.clone())));
                warnings.push(message);
            }
        }
        warnings
    }

    /// Hands images that arrived to `register` (the renderer's decoder, see [`RemoteImages::poll`],
    /// answering the decoded size); returns whether any arrived (a redraw is due) and a warning
    /// for each that failed.
    pub(crate) fn poll_with(&mut self, mut register: impl FnMut(&str, &[u8]) -> Result<(u32, u32), String>) -> (bool, Vec<String>) {
        let (mut arrived, mut warnings) = (false, Vec::new());
        while let Ok((url, got)) = self.rx.try_recv() {
            arrived = true;
            let state = match got.map_err(|e| warning(&url, &e)).and_then(|bytes| {
                register(&url, &bytes).map_err(|e| format!("image {url} not loaded: it does not decode: {e}"))
            }) {
                Ok((width, height)) => {
                    self.news.push((url.clone(), ImageInfo::Loaded { width, height }));
                    State::Loaded
                }
                Err(message) => {
                    warnings.push(message.clone());
                    self.news.push((url.clone(), ImageInfo::Failed(message.clone())));
                    State::Failed(message)
                }
            };
            self.states.insert(url, state);
        }
        (arrived, warnings)
    }

    /// Decodes the images that arrived into `renderer` (keyed by URL); as [`RemoteImages::poll_with`].
    pub fn poll(&mut self, renderer: &mut Renderer) -> (bool, Vec<String>) {
        self.poll_with(|url, bytes| {
            renderer.set_image_encoded(url, bytes).map_err(|e| e.to_string())?;
            Ok(renderer.image_size(url).unwrap_or((0, 0)))
        })
    }

    /// What became of images since the last call (bundle images at load, remote ones as they
    /// arrive or fail), for [`Session::image_ready`].
    pub(crate) fn take_news(&mut self) -> Vec<(String, ImageInfo)> {
        std::mem::take(&mut self.news)
    }

    /// How many images are still being fetched.
    pub fn pending(&self) -> usize {
        self.states.values().filter(|s| **s == State::Pending).count()
    }

    /// Waits (up to `timeout`) until a fetch finishes; returns whether one did.
    pub(crate) fn wait(&self, timeout: Duration) -> bool {
        match self.rx.recv_timeout(timeout) {
            Ok(arrival) => {
                // Put it back for `poll`: the channel is ours.
                let _ = self.tx.send(arrival);
                true
            }
            Err(_) => false,
        }
    }

    /// URLs still pending, for the warning when [`IMAGE_SETTLE_TIMEOUT`] ran out.
    pub(crate) fn pending_urls(&self) -> Vec<String> {
        let mut v: Vec<String> = self.states.iter().filter(|(_, s)| **s == State::Pending).map(|(u, _)| u.clone()).collect();
        v.sort();
        v
    }
}

/// Hands the bundle's images to the renderer, keyed as templates write them (`/assets/a.png`
/// and `assets/a.png`), and returns the (empty) remote images of an app with the bundle's
/// declared origins. An image that does not decode is logged and drawn as a placeholder.
pub(crate) fn load_images(renderer: &mut Renderer, bundle: &miniapp_bundle::LockedBundle) -> RemoteImages {
    renderer.clear_images();
    let mut news = Vec::new();
    for path in bundle.paths() {
        let lower = path.to_ascii_lowercase();
        if !(lower.ends_with(".png") || lower.ends_with(".jpg") || lower.ends_with(".jpeg")) {
            continue;
        }
        let Some(bytes) = bundle.file(path) else { continue };
        for key in [path.to_string(), format!("/{path}")] {
            let info = match renderer.set_image_encoded(&key, bytes) {
                Ok(()) => {
                    let (width, height) = renderer.image_size(&key).unwrap_or((0, 0));
                    ImageInfo::Loaded { width, height }
                }
                Err(e) => {
                    tracing::warn!(image = %path, error = %e, "image not loaded");
                    ImageInfo::Failed(format!("image {key} not loaded: it does not decode: {e}"))
                }
            };
            news.push((key, info));
        }
    }
    let network: Vec<String> = bundle.manifest.network.request.iter().map(|o| o.to_string()).collect();
    let mut remote = RemoteImages::new(&network);
    remote.news = news;
    remote
}

/// A front end's image work for the screen `list` of `session`, before it is drawn: remote
/// images the screen shows or the page wants (lazy ones once near) start loading, those that
/// arrived are decoded into `renderer`, refusals go to the console, and the pages learn each
/// image's size or failure ([`Session::image_ready`]; a bundle path that is not in the bundle
/// fails with that reason). Returns whether images arrived (draw again) and whether the session
/// changed (build the screen's display list again before drawing it).
///
/// # Errors
/// Layout errors of the page.
pub(crate) fn sync(
    remote: &mut RemoteImages,
    renderer: &mut Renderer,
    session: &mut Session,
    list: &DisplayList,
    fonts: &mut FontSystem,
) -> crate::error::Result<(bool, bool)> {
    let wanted = session.image_sources();
    let mut warnings = remote.request(list);
    warnings.extend(remote.request_sources(wanted.iter().map(String::as_str)));
    let (arrived, more) = remote.poll(renderer);
    warnings.extend(more);
    for w in warnings {
        session.console_warn(w);
    }
    let mut changed = false;
    for (src, info) in remote.take_news() {
        changed |= session.image_ready(&src, info, fonts)?;
    }
    for src in wanted.iter().filter(|s| !is_remote(s) && !renderer.has_image(s)) {
        let message = format!("image {src} is not in the bundle");
        if session.image_ready(src, ImageInfo::Failed(message.clone()), fonts)? {
            session.console_warn(message);
            changed = true;
        }
    }
    Ok((arrived, changed))
}

/// Gives the renderer the home screen's app icons it does not have yet (loading an app's images
/// clears them, so this runs before each home screen frame; each icon is decoded once then).
pub(crate) fn home_icons(renderer: &mut Renderer, entries: &[crate::home::HomeEntry]) {
    for icon in entries.iter().filter_map(|e| e.icon.as_ref()) {
        if !renderer.has_image(&icon.key) {
            if let Err(e) = renderer.set_image_encoded(&icon.key, &icon.bytes) {
                tracing::warn!(icon = %icon.key, error = %e, "app icon not loaded");
            }
        }
    }
}

/// The console line of a refused or failed image: the URL and the rule or failure.
fn warning(url: &str, e: &miniapp_sandbox::Error) -> String {
    match e {
        miniapp_sandbox::Error::Remote { kind, reason, .. } if kind == "denied" => {
            format!("image {url} not loaded: {reason} (remote images follow the net.request rules)")
        }
        miniapp_sandbox::Error::Remote { kind, reason, .. } if kind == "limit-exceeded" => {
            format!("image {url} not loaded: {reason} (MAX_REMOTE_IMAGE_BYTES)")
        }
        other => format!("image {url} not loaded: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use miniapp_view::Rect;
    use std::io::{Read, Write};

    fn list(srcs: &[&str]) -> DisplayList {
        let mut l = DisplayList::new(100.0, 100.0);
        for s in srcs {
            l.push(DisplayItem::Image { rect: Rect::new(0.0, 0.0, 10.0, 10.0), src: s.to_string(), radius: 0.0 });
        }
        l
    }

    /// A loopback server answering every request with `body` (status 200); returns its origin.
    fn server(body: Vec<u8>) -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for mut s in listener.incoming().flatten() {
                let mut buf = [0u8; 2048];
                let _ = s.read(&mut buf);
                let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len());
                let _ = s.write_all(head.as_bytes());
                let _ = s.write_all(&body);
            }
        });
        origin
    }

    fn settle(images: &mut RemoteImages, mut register: impl FnMut(&str, &[u8]) -> Result<(u32, u32), String>) -> Vec<String> {
        let mut warnings = Vec::new();
        while images.pending() > 0 {
            assert!(images.wait(Duration::from_secs(10)), "a fetch finished");
            warnings.extend(images.poll_with(&mut register).1);
        }
        warnings
    }

    #[test]
    fn remote_sources_are_http_and_https_only() {
        assert!(is_remote("https://a.example.com/x.png") && is_remote("HTTP://a/x.png"));
        assert!(!is_remote("/assets/x.png") && !is_remote("assets/http.png") && !is_remote("ftp://a/x"));
    }

    #[test]
    fn an_undeclared_origin_is_refused_at_once_with_the_rule_and_only_once() {
        let mut images = RemoteImages::new(&["https://api.example.com".into()]);
        let w = images.request(&list(&["https://evil.example.com/a.png", "/assets/local.png"]));
        assert_eq!(
            w,
            ["image https://evil.example.com/a.png not loaded: origin https://evil.example.com:443 of \
              https://evil.example.com/a.png is not declared in app.json network.request (remote images follow the net.request rules)"]
        );
        assert_eq!(images.pending(), 0);
        assert!(images.request(&list(&["https://evil.example.com/a.png"])).is_empty(), "warned once");
    }

    #[test]
    fn an_oversize_image_is_refused_naming_the_limit() {
        let origin = server(vec![0u8; 4096]);
        let mut images = RemoteImages::with_limit(&[origin.clone()], 1024);
        assert!(images.request(&list(&[&format!("{origin}/big.png")])).is_empty());
        assert_eq!(images.pending(), 1);
        let w = settle(&mut images, |_, _| panic!("nothing to decode"));
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("over the limit of 1024 bytes (MAX_REMOTE_IMAGE_BYTES)"), "{w:?}");
    }

    #[test]
    fn an_image_that_does_not_decode_is_a_warning_and_a_good_one_is_registered() {
        let origin = server(b"not a png".to_vec());
        let mut images = RemoteImages::new(&[origin.clone()]);
        let url = format!("{origin}/x.png");
        images.request(&list(&[&url]));
        let mut registered = Vec::new();
        let w = settle(&mut images, |u, b| {
            registered.push(u.to_string());
            if b.starts_with(b"\x89PNG") {
                Ok((1, 1))
            } else {
                Err("not a PNG or JPEG image".into())
            }
        });
        assert_eq!(registered, [url.clone()]);
        assert_eq!(w, [format!("image {url} not loaded: it does not decode: not a PNG or JPEG image")]);
    }

    #[test]
    fn a_declared_origin_that_is_down_is_a_failure_not_a_hang() {
        // Bind then drop: nothing listens on that port now.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let origin = format!("http://127.0.0.1:{port}");
        let mut images = RemoteImages::new(&[origin.clone()]);
        images.request(&list(&[&format!("{origin}/1.png")]));
        let w = settle(&mut images, |_, _| Ok((1, 1)));
        assert_eq!(w.len(), 1);
        assert!(w[0].starts_with(&format!("image {origin}/1.png not loaded: failed: ")), "{w:?}");
    }
}
