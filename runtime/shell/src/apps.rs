//! The apps of one simulator: the one in front, the ones in the background (each with its page
//! stack and state), and the home screen. Both front ends — the headless [`crate::Harness`] and
//! the [`crate::window`] — keep their apps here, so that going home, bringing an app back and
//! destroying one that stayed too long in the background work the same in both.
//!
//! An app in the background is not pumped: its timers and network callbacks wait until it shows
//! again. After [`BACKGROUND_TTL`] (5 minutes; `HostConfig::background_ttl`) in the background
//! it is destroyed: its instance and pages are dropped, and opening it later is a fresh launch.
//! Time is the front end's clock in ms (the harness's simulated one moves on with `elapse MS`),
//! never read here, so tests need not wait real minutes.

use crate::home::HomeEntry;
use crate::session::Session;
use std::time::Duration;

/// How long an app may stay in the background before it is destroyed (the established
/// platforms destroy a mini program about 5 minutes after it went to the background).
pub const BACKGROUND_TTL: Duration = Duration::from_secs(5 * 60);

/// What the app list needs of a running app (a [`Session`]; a plain struct in the unit tests).
pub trait Running {
    /// Its app id.
    fn app_id(&self) -> &str;
    /// Its display name.
    fn app_name(&self) -> &str;
    /// It goes to the background (`page-hide`, `on-hide`).
    fn hide(&mut self);
    /// It comes back (`on-show`, `page-show`).
    fn show(&mut self);
}

impl Running for Session {
    fn app_id(&self) -> &str {
        Session::app_id(self)
    }
    fn app_name(&self) -> &str {
        Session::app_name(self)
    }
    fn hide(&mut self) {
        self.hide_app();
    }
    fn show(&mut self) {
        self.show_app();
    }
}

/// One app in the background.
struct Hidden<S> {
    url: String,
    app: S,
    /// When it went to the background, on the front end's clock (ms).
    since_ms: u64,
}

/// An app destroyed for staying in the background too long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destroyed {
    /// Its app id.
    pub app_id: String,
    /// How long it had been in the background, in ms.
    pub after_ms: u64,
}

/// The apps of one simulator. The app in front is owned by the front end (it is the session a
/// script or the window acts on); this keeps its launch URL, the background apps and whether
/// the home screen shows.
pub struct Apps<S = Session> {
    front_url: Option<String>,
    /// When the app in front went to the background because the home screen came up (ms).
    front_hidden_since: Option<u64>,
    /// The app in front was destroyed while the home screen showed: opening it launches it
    /// afresh.
    front_destroyed: bool,
    background: Vec<Hidden<S>>,
    home: Option<Vec<HomeEntry>>,
    /// Apps the home screen lists even before they were opened (`miniapp demo`'s samples).
    featured: Vec<HomeEntry>,
    /// The home screen's icons, read once per cached bundle.
    icons: crate::home::HomeIcons,
    ttl_ms: u64,
}

impl<S: Running> Apps<S> {
    /// No apps yet; background apps are destroyed after `ttl`.
    pub fn new(ttl: Duration) -> Apps<S> {
        Apps {
            front_url: None,
            front_hidden_since: None,
            front_destroyed: false,
            background: Vec::new(),
            home: None,
            featured: Vec::new(),
            icons: crate::home::HomeIcons::default(),
            ttl_ms: ttl.as_millis() as u64,
        }
    }

    /// Apps the home screen lists even before they were first opened.
    pub fn set_featured(&mut self, featured: Vec<HomeEntry>) {
        self.featured = featured;
    }

    /// The launch URL of the app in front.
    pub fn front_url(&self) -> Option<&str> {
        self.front_url.as_deref()
    }

    /// Records the launch URL of the app in front (its first launch, or a restart).
    pub fn set_front_url(&mut self, url: &str) {
        self.front_url = Some(url.to_string());
        self.front_destroyed = false;
    }

    /// The app in front was launched again from `url` (Restart): a fresh instance, in front.
    pub fn relaunched(&mut self, url: &str) {
        self.set_front_url(url);
        self.front_hidden_since = None;
        self.home = None;
    }

    /// Whether the home screen shows.
    pub fn at_home(&self) -> bool {
        self.home.is_some()
    }

    /// The home screen's rows while it shows.
    pub fn home_entries(&self) -> Option<&[HomeEntry]> {
        self.home.as_deref()
    }

    /// Whether the app in front was destroyed in the background (shown on the home screen as
    /// not running; opening it is a fresh launch).
    pub fn front_destroyed(&self) -> bool {
        self.front_destroyed
    }

    /// The apps running now: the one in front (unless destroyed), then those in the
    /// background (app id, name, launch URL).
    pub fn running(&self, front: Option<&S>) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        if let Some(f) = front.filter(|_| !self.front_destroyed) {
            out.push((f.app_id().to_string(), f.app_name().to_string(), self.front_url.clone().unwrap_or_default()));
        }
        out.extend(self.background.iter().map(|h| (h.app.app_id().to_string(), h.app.app_name().to_string(), h.url.clone())));
        out
    }

    /// The app ids running in the background.
    pub fn background_ids(&self) -> Vec<&str> {
        self.background.iter().map(|h| h.app.app_id()).collect()
    }

    /// `home`: the app in front goes to the background and the home screen shows, listing the
    /// running apps and the cache's recent ones.
    pub fn go_home(&mut self, front: Option<&mut S>, now_ms: u64, cache: &miniapp_cloud::Cache) {
        let showing = self.home.is_some();
        match front {
            Some(f) => {
                if !showing && !self.front_destroyed {
                    f.hide();
                    self.front_hidden_since = Some(now_ms);
                }
                self.refresh_home_with(Some(&*f), cache);
            }
            None => self.refresh_home_with(None, cache),
        }
    }

    /// Recomputes the home screen's rows (after an app was destroyed, say).
    fn refresh_home_with(&mut self, front: Option<&S>, cache: &miniapp_cloud::Cache) {
        self.home = Some(crate::home::entries(&self.running(front), &self.featured, cache, &mut self.icons));
    }

    /// The app in front comes back from the home screen (`on-show`, `page-show`).
    pub fn resume_front(&mut self, front: &mut S) {
        if self.home.take().is_some() && !self.front_destroyed {
            front.show();
        }
        self.front_hidden_since = None;
    }

    /// Takes `app_id` out of the background, shown again, with its launch URL.
    pub fn take(&mut self, app_id: &str) -> Option<(String, S)> {
        let pos = self.background.iter().position(|h| h.app.app_id() == app_id)?;
        let mut h = self.background.remove(pos);
        h.app.show();
        Some((h.url, h.app))
    }

    /// Puts `app` (launched from `url`, or resumed from the background) in front: the app that
    /// was in front goes to the background (hidden unless the home screen already hid it, or
    /// dropped when it was destroyed) and the home screen closes.
    pub fn bring_front(&mut self, front: &mut S, app: S, url: &str, now_ms: u64) {
        let old = std::mem::replace(front, app);
        let old_url = self.front_url.replace(url.to_string()).unwrap_or_default();
        if !self.front_destroyed {
            self.push_background(old_url, old, now_ms);
        }
        self.front_destroyed = false;
        self.front_hidden_since = None;
        self.home = None;
    }

    /// Puts an app into the background (hidden unless the home screen already hid it).
    fn push_background(&mut self, url: String, mut app: S, now_ms: u64) {
        let since_ms = match self.front_hidden_since.take() {
            Some(t) => t,
            None => {
                app.hide();
                now_ms
            }
        };
        self.background.push(Hidden { url, app, since_ms });
    }

    /// The window's way: the app in front (owned) goes to the background; the home screen
    /// shows.
    pub fn send_to_background(&mut self, url: String, app: S, now_ms: u64, cache: &miniapp_cloud::Cache) {
        self.push_background(url, app, now_ms);
        self.front_url = None;
        self.refresh_home_with(None, cache);
    }

    /// Closes the home screen without an app in front (the window launches one from a URL).
    pub fn leave_home(&mut self) {
        self.home = None;
    }

    /// Destroys the apps that have been in the background for longer than the TTL at
    /// `now_ms` (their instances and pages are dropped here), the app in front too when the
    /// home screen has hidden it that long. Returns what it destroyed; the home screen's rows
    /// are refreshed.
    pub fn expire(&mut self, now_ms: u64, front: Option<&S>, cache: &miniapp_cloud::Cache) -> Vec<Destroyed> {
        let ttl = self.ttl_ms;
        let mut gone = Vec::new();
        self.background.retain(|h| {
            let after_ms = now_ms.saturating_sub(h.since_ms);
            let keep = after_ms < ttl;
            if !keep {
                gone.push(Destroyed { app_id: h.app.app_id().to_string(), after_ms });
            }
            keep
        });
        if let (Some(since), Some(f)) = (self.front_hidden_since, front) {
            let after_ms = now_ms.saturating_sub(since);
            if !self.front_destroyed && after_ms >= ttl {
                self.front_destroyed = true;
                self.front_hidden_since = None;
                gone.push(Destroyed { app_id: f.app_id().to_string(), after_ms });
            }
        }
        for d in &gone {
            tracing::info!(app = %d.app_id, after_s = d.after_ms / 1000, "destroyed after staying in the background");
        }
        if !gone.is_empty() && self.home.is_some() {
            self.refresh_home_with(front, cache);
        }
        gone
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A running app that records its lifecycle calls.
    struct Fake {
        id: &'static str,
        calls: Vec<&'static str>,
    }

    impl Fake {
        fn new(id: &'static str) -> Fake {
            Fake { id, calls: Vec::new() }
        }
    }

    impl Running for Fake {
        fn app_id(&self) -> &str {
            self.id
        }
        fn app_name(&self) -> &str {
            self.id
        }
        fn hide(&mut self) {
            self.calls.push("hide");
        }
        fn show(&mut self) {
            self.calls.push("show");
        }
    }

    fn cache() -> (tempfile::TempDir, miniapp_cloud::Cache) {
        let dir = tempfile::tempdir().unwrap();
        let cache = miniapp_cloud::Cache::new(dir.path()).unwrap();
        (dir, cache)
    }

    #[test]
    fn home_hides_the_front_app_and_bringing_it_back_shows_it() {
        let (_d, cache) = cache();
        let mut apps = Apps::new(BACKGROUND_TTL);
        let mut front = Fake::new("a");
        apps.set_front_url("u/a");
        apps.go_home(Some(&mut front), 0, &cache);
        assert!(apps.at_home());
        assert_eq!(apps.home_entries().unwrap()[0].app_id, "a");
        assert!(apps.home_entries().unwrap()[0].running);
        apps.resume_front(&mut front);
        assert!(!apps.at_home());
        assert_eq!(front.calls, ["hide", "show"]);
    }

    #[test]
    fn a_second_app_sends_the_first_to_the_background_and_switching_resumes_it() {
        let (_d, cache) = cache();
        let mut apps = Apps::new(BACKGROUND_TTL);
        let mut front = Fake::new("a");
        apps.set_front_url("u/a");
        apps.bring_front(&mut front, Fake::new("b"), "u/b", 10);
        assert_eq!(front.id, "b");
        assert_eq!(apps.background_ids(), ["a"]);
        let (url, a) = apps.take("a").expect("a runs in the background");
        assert_eq!(url, "u/a");
        assert_eq!(a.calls, ["hide", "show"]);
        apps.bring_front(&mut front, a, &url, 20);
        assert_eq!(front.id, "a");
        assert_eq!(apps.background_ids(), ["b"]);
        assert_eq!(apps.running(Some(&front)).iter().map(|r| r.0.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        let _ = cache;
    }

    #[test]
    fn background_apps_are_destroyed_after_the_ttl_and_not_before() {
        let (_d, cache) = cache();
        let ttl = Duration::from_secs(300);
        let mut apps = Apps::new(ttl);
        let mut front = Fake::new("a");
        apps.set_front_url("u/a");
        apps.bring_front(&mut front, Fake::new("b"), "u/b", 1_000);
        assert!(apps.expire(1_000 + 299_999, Some(&front), &cache).is_empty(), "not before 5 minutes");
        let gone = apps.expire(1_000 + 300_000, Some(&front), &cache);
        assert_eq!(gone, [Destroyed { app_id: "a".into(), after_ms: 300_000 }]);
        assert!(apps.take("a").is_none(), "a destroyed app is not resumed");
    }

    #[test]
    fn the_front_app_hidden_by_the_home_screen_expires_too() {
        let (_d, cache) = cache();
        let mut apps = Apps::new(Duration::from_secs(60));
        let mut front = Fake::new("a");
        apps.set_front_url("u/a");
        apps.go_home(Some(&mut front), 5_000, &cache);
        assert_eq!(apps.expire(65_000, Some(&front), &cache).len(), 1);
        assert!(apps.front_destroyed());
        assert!(apps.running(Some(&front)).is_empty(), "a destroyed app is not running");
        assert!(!apps.home_entries().unwrap().iter().any(|e| e.running));
        // Resuming a destroyed front app does not call its show: the front end relaunches it.
        apps.resume_front(&mut front);
        assert_eq!(front.calls, ["hide"]);
    }
}
