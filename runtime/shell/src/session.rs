//! An app session: one launched app's logic instance, its page stack, and the glue that turns
//! taps into handler calls and the handler's effects into page updates.
//!
//! The session owns no GPU state: it produces display lists, so it runs the same under the
//! headless harness and in the window.

use crate::error::{Error, Result};
use crate::device::Device;
use crate::frame::{self, Areas, Chrome, TabBarChrome, TabMark};
use miniapp_bundle::{LockedBundle, NavigationStyle, PageConfig, TextStyle};
use miniapp_sandbox::{AppInstance, Effect, NavKind, PageRef, TabBarMark};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use miniapp_view::{cosmic_text::FontSystem, Color, DisplayList, Input, Key, OpenType, Outcome, Page, Rect, Viewport};

/// One line of the app's console (`sys.log`), kept for the trace and the console panel.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LogLine {
    /// The app that logged it.
    pub app: String,
    /// `debug`, `info`, `warn` or `error`.
    pub level: String,
    /// The message.
    pub message: String,
}

/// Why the app is not showing its own page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Short title, e.g. "This app stopped".
    pub title: String,
    /// The reason, e.g. "app script timed out in handle-event(onIncrement)".
    pub message: String,
}

/// `on-page-scroll` is called at most this often while the page scrolls.
pub const PAGE_SCROLL_INTERVAL: Duration = Duration::from_millis(50);
/// A pull-down released past this many px starts `on-pull-down-refresh` (where the page's
/// config sets `enablePullDownRefresh`).
pub const PULL_DOWN_REFRESH_PX: f32 = 50.0;
/// The launch scene of an app opened from a link (`miniapp launch URL`).
pub const SCENE_LINK: u32 = 1001;
/// The launch scene of an app opened by scanning a QR code whose `scene` is a string.
pub const SCENE_QR_CODE: u32 = 1011;

struct PageInstance {
    id: u32,
    route: String,
    /// The query it was opened with (to open it again after a relaunch: `miniapp dev`).
    query: String,
    view: Page,
    /// The page's `.json` config merged over app.json's `window`.
    config: PageConfig,
    rendered: Option<DisplayList>,
}

pub use crate::overlay::Overlay;
use crate::overlay::Answer;

/// What the user asked the system for through the capsule (its menu or its close button) or the
/// error page's Restart and Home buttons; the front end that owns the session carries it out (see [`Session::take_system_action`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SystemAction {
    /// Start the app again from its entry page (a fresh instance).
    Restart,
    /// Close the app (the window closes, or goes back to the home screen).
    Close,
    /// Show the screen as this device (the capsule menu's Device sheet).
    Device(Device),
    /// Open a file chooser for the camera (its "Choose file…"); the chosen image goes to
    /// [`Session::answer_camera`].
    ChooseFile,
}

/// A part of the chrome a press can land on (the back button is handled on its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChromeHit {
    /// Tab bar item `i`.
    Tab(usize),
    /// The capsule's menu half ("···").
    Menu,
    /// The capsule's close half ("◎").
    Close,
    /// A button of the error page: 0 Restart, 1 Home ([`frame::ERROR_PAGE_BUTTONS`]).
    ErrorPage(usize),
}

/// A running app: the sandboxed logic plus the page stack.
pub struct Session {
    /// The simulator's clipboard: text the person copies from a page goes there.
    clipboard: miniapp_sandbox::Clipboard,
    app_id: String,
    bundle: LockedBundle,
    instance: Option<AppInstance>,
    /// The page stack; `stack[0]` is a tab page when the app is on one.
    stack: Vec<PageInstance>,
    /// Tab pages visited and switched away from: alive (data, scroll, component state) but
    /// hidden, until a `switch-tab` shows one again or a `re-launch` unloads them.
    hidden_tabs: Vec<PageInstance>,
    /// The simulated device: screen size for layout and chrome, pixel ratio for screenshots.
    device: Device,
    /// The status bar's clock: `None` reads the host's clock at each frame, `Some` is fixed.
    clock: Option<String>,
    /// What the capsule asked for, until the front end takes it.
    system_action: Option<SystemAction>,
    /// The top page's pull-down refresh runs: its indicator shows until the app calls
    /// `nav.stop-pull-down-refresh` (or the page goes away).
    refreshing: bool,
    /// The launch URL this session came from (cloud and app), for the capsule's Share.
    launch: Option<miniapp_cloud::LaunchUrl>,
    next_page_id: u32,
    failure: Option<Failure>,
    logs: Vec<LogLine>,
    overlays: Vec<Overlay>,
    nav_error: Option<Error>,
    /// The built-in components' default styles (the base library's), given to every page.
    components: std::sync::Arc<miniapp_view::StyleSheet>,
    /// Why the last `SetData` effect failed in the view (for `set-data-then`'s answer).
    set_data_error: Option<String>,
    /// Whether a call into the app ran since the last [`Session::take_dirty`].
    dirty: bool,
    /// The press in progress, the focused field, the last pull-down (see [`Session::pointer_down`]).
    input: InputState,
    /// Custom component instances alive on any page: the app-wide id the logic knows →
    /// (page id, the page's own instance id).
    instances: std::collections::BTreeMap<u32, (u32, u32)>,
    next_instance: u32,
    /// set-data calls and their sizes, for the Performance panel.
    perf: SetDataStats,
    /// The launch's stage times, for the Performance panel (set by the host that launched it).
    launch_timings: Option<crate::host::LaunchTimings>,
    /// Frames the front end drew of this session, for the Performance panel.
    frames: FrameStats,
    /// What took time, for `--trace` (handlers, set-data, layout), at most [`MAX_TRACE_SPANS`].
    spans: Vec<Span>,
    /// The badge or red dot of each tab bar item (`nav.set-tab-bar-badge`, ...), in app.json's
    /// order; empty without a tab bar.
    tab_marks: Vec<TabMark>,
    /// What the front end found out about each image source (size or failure), given to every
    /// page built ([`Session::image_ready`]).
    images: HashMap<String, miniapp_view::ImageInfo>,
}

/// Most layouts of one [`Session::layout`] (component lifecycle calls may change data again).
const LAYOUT_PASSES: usize = 4;

/// Most spans a session keeps for `--trace` (the rest are dropped, counted in the last one).
pub const MAX_TRACE_SPANS: usize = 100_000;

/// One timed piece of work, for the Chrome trace-event file `--trace` writes.
#[derive(Debug, Clone)]
pub struct Span {
    /// What ran: `handle-event(onAdd)`, `set-data pages/index/index`, `layout pages/index/index`.
    pub name: String,
    /// `handler`, `set-data`, `layout` (the harness adds `paint` and `step`).
    pub cat: &'static str,
    /// When it began.
    pub start: Instant,
    /// How long it took.
    pub dur: Duration,
    /// Bytes, for set-data.
    pub bytes: Option<usize>,
}

/// More set-data calls than this in one second is a warning in the Performance panel (the
/// threshold the established platforms audit).
pub const SET_DATA_RATE_WARN: usize = 20;
/// A set-data patch larger than this (256 KiB) is a warning in the Performance panel.
pub const SET_DATA_BYTES_WARN: usize = 256 * 1024;

/// How long the front end took to draw this session's frames (the Performance panel).
#[derive(Debug, Default, Clone, Copy)]
struct FrameStats {
    count: u64,
    last_ms: f64,
    total_ms: f64,
    max_ms: f64,
}

/// What the Performance panel counts of set-data.
#[derive(Debug, Default)]
struct SetDataStats {
    calls: u64,
    bytes: u64,
    largest: usize,
    /// Calls in the last second (time, bytes), for the rate.
    recent: std::collections::VecDeque<(Instant, usize)>,
    peak_per_second: usize,
    /// Whether the rate is over [`SET_DATA_RATE_WARN`] now (its burst was warned about).
    bursting: bool,
    warnings: Vec<String>,
}

/// Most performance warnings kept.
const MAX_PERF_WARNINGS: usize = 100;

impl SetDataStats {
    fn record(&mut self, route: &str, bytes: usize) {
        let now = Instant::now();
        self.calls += 1;
        self.bytes += bytes as u64;
        self.largest = self.largest.max(bytes);
        self.recent.push_back((now, bytes));
        while self.recent.front().is_some_and(|(t, _)| now.duration_since(*t) > Duration::from_secs(1)) {
            self.recent.pop_front();
        }
        let rate = self.recent.len();
        // One warning per burst: when the rate crosses the threshold, again after it fell back.
        if rate > SET_DATA_RATE_WARN && !self.bursting {
            self.warn(format!("{route}: {rate} set-data calls within one second (more than {SET_DATA_RATE_WARN})"));
        }
        self.bursting = rate > SET_DATA_RATE_WARN;
        self.peak_per_second = self.peak_per_second.max(rate);
        if bytes > SET_DATA_BYTES_WARN {
            self.warn(format!("{route}: a set-data of {bytes} bytes (more than {SET_DATA_BYTES_WARN})"));
        }
    }

    fn warn(&mut self, w: String) {
        if self.warnings.len() < MAX_PERF_WARNINGS {
            self.warnings.push(w);
        }
    }
}

impl Session {
    /// Starts the app: `on-launch`, then the entry page (or `route`) with `load` and `ready`.
    /// The first layout happens on the first [`Session::layout`] or [`Session::screen`]. Every
    /// page cascades `components` (the base library's component styles) before its own styles;
    /// pages are laid out for `device`'s screen (less the bars).
    ///
    /// # Errors
    /// A page whose template or style does not parse. A trap in the app's own code is not an
    /// error here: the session shows the error page instead (see [`Session::failure`]).
    pub fn start(
        bundle: LockedBundle,
        instance: AppInstance,
        route: Option<&str>,
        query: &str,
        components: std::sync::Arc<miniapp_view::StyleSheet>,
        device: Device,
        scene: Option<&str>,
    ) -> Result<Session> {
        let app_id = bundle.manifest.appid.to_string();
        let tab_marks = vec![TabMark::default(); bundle.manifest.tab_bar.as_ref().map_or(0, |t| t.list.len())];
        let mut s = Session {
            app_id,
            bundle,
            instance: Some(instance),
            stack: Vec::new(),
            hidden_tabs: Vec::new(),
            device,
            clock: None,
            system_action: None,
            next_page_id: 1,
            failure: None,
            refreshing: false,
            launch: None,
            logs: Vec::new(),
            overlays: Vec::new(),
            nav_error: None,
            components,
            set_data_error: None,
            dirty: true,
            input: InputState::default(),
            instances: std::collections::BTreeMap::new(),
            next_instance: 1,
            perf: SetDataStats::default(),
            launch_timings: None,
            frames: FrameStats::default(),
            spans: Vec::new(),
            tab_marks,
            images: HashMap::new(),
            clipboard: miniapp_sandbox::Clipboard::default(),
        };
        let entry = match route {
            Some(r) => r.trim_start_matches('/').to_string(),
            None => s.bundle.manifest.pages.first().map(|p| p.to_string()).unwrap_or_default(),
        };
        // Launch options reach the app first (a 0.1.1 app; older ones do without): the entry
        // path, the query, and the scene — a number as on the established platforms
        // (`SCENE_QR_CODE` for a code's own string scene, which also goes into the query).
        let (scene_number, query_with_scene) = match scene {
            None => (SCENE_LINK, query.to_string()),
            Some(sc) => match sc.parse::<u32>() {
                Ok(n) => (n, query.to_string()),
                Err(_) => {
                    let sep = if query.is_empty() { "" } else { "&" };
                    (SCENE_QR_CODE, format!("{query}{sep}scene={sc}"))
                }
            },
        };
        let options = miniapp_sandbox::LaunchOptions { path: entry.clone(), query: query_with_scene, scene: scene_number };
        s.call("on-launch-options", |i| i.on_launch_options(&options));
        // The platform order: app on-launch → on-show, then the entry page's load → show → ready.
        s.call("on-launch", |i| i.on_launch(query));
        s.call("on-show", |i| i.on_show());
        s.push_page(&entry, query)?;
        Ok(s)
    }

    /// Uses `clipboard` (the host's, shared with the app's `device` calls) for text copied from
    /// the page.
    pub fn set_clipboard(&mut self, clipboard: miniapp_sandbox::Clipboard) {
        self.clipboard = clipboard;
    }

    /// The text selected on the top page (a long press on `user-select` text), if any.
    pub fn selected_text(&self) -> Option<String> {
        self.stack.last().and_then(|p| p.view.selected_text())
    }

    /// The app id.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// The verified bundle this session runs.
    pub fn bundle(&self) -> &LockedBundle {
        &self.bundle
    }

    /// Why the app shows an error page, if it does.
    pub fn failure(&self) -> Option<&Failure> {
        self.failure.as_ref()
    }

    /// The app's console so far.
    pub fn logs(&self) -> &[LogLine] {
        &self.logs
    }

    /// Adds a host warning about the app to its console (a remote image that was refused, say).
    pub fn console_warn(&mut self, message: String) {
        tracing::warn!(app = %self.app_id, "{message}");
        self.logs.push(LogLine { app: self.app_id.clone(), level: "warn".into(), message });
    }

    /// The front end found out what image `src` is (its pixel size) or why it cannot be shown:
    /// every page is told ([`Page::set_image`]), a page showing it lays out again, and the top
    /// page's `load`/`error` events fire at once. Returns whether anything changed (the same
    /// news twice is ignored).
    ///
    /// # Errors
    /// Layout errors of the page.
    pub fn image_ready(&mut self, src: &str, info: miniapp_view::ImageInfo, fonts: &mut FontSystem) -> Result<bool> {
        if self.images.get(src) == Some(&info) {
            return Ok(false);
        }
        self.images.insert(src.to_string(), info.clone());
        let mut shown = false;
        for p in self.stack.iter_mut().chain(self.hidden_tabs.iter_mut()) {
            if p.view.set_image(src, info.clone()) {
                p.rendered = None;
                shown = true;
            }
        }
        if shown {
            self.dirty = true;
            let t = self.input.last_ms;
            self.deliver(Input::Frame { time_ms: t }, fonts)?;
        }
        Ok(true)
    }

    /// The image sources the top page wants loaded ([`Page::image_sources`]: lazy images only
    /// once they come near the viewport).
    pub fn image_sources(&self) -> Vec<String> {
        self.stack.last().map(|p| p.view.image_sources().to_vec()).unwrap_or_default()
    }

    /// The route of the page on top of the stack.
    pub fn current_route(&self) -> Option<&str> {
        self.stack.last().map(|p| p.route.as_str())
    }

    /// Number of pages on the stack.
    pub fn depth(&self) -> usize {
        self.stack.len()
    }

    /// The view of page `route` from the bundle: template (with its imports, includes and
    /// custom components) and styles, laid out for the page area; and its merged config.
    fn build_view(&self, route: &str) -> Result<(Page, PageConfig)> {
        let (mut view, config) = self.build_view_bare(route)?;
        for (src, info) in &self.images {
            view.set_image(src, info.clone());
        }
        Ok((view, config))
    }

    fn build_view_bare(&self, route: &str) -> Result<(Page, PageConfig)> {
        let Some(page_path) = self.bundle.manifest.pages.iter().find(|p| p.as_str() == route).cloned() else {
            return Err(Error::NoSuchPage { app: self.app_id.clone(), page: route.to_string() });
        };
        let template_path = page_path.file("xml");
        let template = self.bundle.page_template(&page_path)?.to_string();
        let mut styles: Vec<(String, String)> = Vec::new();
        if let Some(css) = self.bundle.app_css()? {
            styles.push((miniapp_bundle::APP_CSS.into(), css.to_string()));
        }
        if let Some(css) = self.bundle.page_css(&page_path)? {
            styles.push((page_path.file("css"), css.to_string()));
        }
        let style_refs: Vec<(&str, &str)> = styles.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let config = self.bundle.page_config(&page_path)?.merged_with(&self.bundle.manifest.window);
        let area = self.areas_for(route, &config).page;
        let limits = miniapp_view::Limits::default();
        // `<import src>` / `<include src>` read other templates of the bundle.
        let bundle = &self.bundle;
        let read = |p: &str| bundle.file(p).and_then(|b| std::str::from_utf8(b).ok()).map(str::to_string);
        // Custom components: app.json's and the page's `usingComponents`, read from the bundle.
        let app_using = serde_json::to_value(&bundle.manifest.using_components).unwrap_or_default();
        let page_using = serde_json::to_value(&config.using_components).unwrap_or_default();
        let view = miniapp_view::ComponentSet::load(&app_using, &page_using, page_path.as_str(), &read)
            .and_then(|set| {
                let t = miniapp_view::Template::parse_with_components(&template, &template_path, limits.max_depth, Some(&read), &set)?;
                Page::with_custom_components(t, &self.components, &style_refs, Viewport { width: area.w, height: area.h }, limits, set)
            })
            .map_err(|source| Error::View { page: route.to_string(), source })?;
        Ok((view, config))
    }

    /// Replaces the bundle's templates, styles and json (not the logic) and rebuilds every
    /// alive page's view from it, keeping each page's data (what `miniapp dev` does when a
    /// template, style or json file changes). Custom component instances start afresh. On an
    /// error nothing changes: the old bundle and views stay.
    ///
    /// # Errors
    /// A page of the new bundle whose template, style, json or components do not parse.
    pub fn reload_views(&mut self, bundle: LockedBundle) -> Result<()> {
        let old = std::mem::replace(&mut self.bundle, bundle);
        let mut views = Vec::new();
        for p in self.stack.iter().chain(self.hidden_tabs.iter()) {
            match self.build_view(&p.route) {
                Ok((mut view, config)) => {
                    if let Err(source) = view.set_data(p.view.data()) {
                        self.bundle = old;
                        return Err(Error::View { page: p.route.clone(), source });
                    }
                    views.push((view, config));
                }
                Err(e) => {
                    self.bundle = old;
                    return Err(e);
                }
            }
        }
        for (p, (view, config)) in self.stack.iter_mut().chain(self.hidden_tabs.iter_mut()).zip(views) {
            p.view = view;
            p.config = config;
            p.rendered = None;
        }
        // The old views' pickers and component instances are gone (the new views attach theirs
        // on their first render).
        self.overlays.retain(|o| !matches!(o, Overlay::Picker { .. }));
        let gone: Vec<u32> = self.instances.keys().copied().collect();
        for g in gone {
            self.instances.remove(&g);
            self.call("component-detached", |i| i.component_detached(g));
        }
        self.dirty = true;
        Ok(())
    }

    /// The page stack as (route, query), bottom first (to restore it after a relaunch).
    pub fn page_stack(&self) -> Vec<(String, String)> {
        self.stack.iter().map(|p| (p.route.clone(), p.query.clone())).collect()
    }

    /// Opens `pages` (route, query) above the entry page, as `navigate-to` would: restores a
    /// stack after `miniapp dev` relaunched the app. A page that is not in the app any more
    /// ends the restore there.
    pub fn restore_stack(&mut self, pages: &[(String, String)]) {
        for (route, query) in pages {
            if let Err(e) = self.push_page(route, query) {
                self.logs.push(LogLine { app: self.app_id.clone(), level: "warn".into(), message: format!("not restored: {e}") });
                break;
            }
        }
    }

    fn push_page(&mut self, route: &str, query: &str) -> Result<()> {
        let (view, config) = self.build_view(route)?;
        if let Some(covered) = self.stack.last().map(|p| p.id) {
            self.page_hidden(covered);
        }
        let id = self.next_page_id;
        self.next_page_id += 1;
        self.stack.push(PageInstance {
            id,
            route: route.to_string(),
            query: query.to_string(),
            view,
            config,
            rendered: None,
        });
        let page = PageRef { id, route: route.to_string() };
        let q = query.to_string();
        self.call("page-load", |i| i.page_load(&page, &q));
        self.call("page-show", |i| i.page_show(&page));
        self.call("page-ready", |i| i.page_ready(&page));
        Ok(())
    }

    fn unload_top(&mut self) {
        if let Some(top) = self.stack.pop() {
            self.unload(top);
        }
    }

    /// A page leaves for good: its `page-unload`, then `component-detached` for each custom
    /// component instance still on it.
    fn unload(&mut self, page: PageInstance) {
        self.overlays.retain(|o| !matches!(o, Overlay::Picker { page: p, .. } if *p == page.id));
        let r = PageRef { id: page.id, route: page.route };
        self.call("page-unload", |i| i.page_unload(&r));
        let gone: Vec<u32> = self.instances.iter().filter(|(_, (pid, _))| *pid == page.id).map(|(g, _)| *g).collect();
        for g in gone {
            self.instances.remove(&g);
            self.call("component-detached", |i| i.component_detached(g));
        }
    }

    /// Tells the logic what happened to the custom components of page `page_id` in its last
    /// render: attached (a new app-wide instance id), detached, properties changed.
    fn sync_components(&mut self, page_id: u32, changes: Vec<miniapp_view::ComponentChange>) {
        use miniapp_view::ComponentChange;
        for change in changes {
            match change {
                ComponentChange::Attached { instance, name, properties } => {
                    let g = self.next_instance;
                    self.next_instance += 1;
                    self.instances.insert(g, (page_id, instance));
                    self.call("component-attached", |i| i.component_attached(g, &name, &properties));
                }
                ComponentChange::Detached { instance } => {
                    if let Some(g) = self.global_instance(page_id, instance) {
                        self.instances.remove(&g);
                        self.call("component-detached", |i| i.component_detached(g));
                    }
                }
                ComponentChange::PropertiesChanged { instance, properties } => {
                    if let Some(g) = self.global_instance(page_id, instance) {
                        self.call("component-properties-changed", |i| i.component_properties_changed(g, &properties));
                    }
                }
            }
        }
    }

    /// The app-wide id of page `page_id`'s instance `local`.
    fn global_instance(&self, page_id: u32, local: u32) -> Option<u32> {
        self.instances.iter().find(|(_, v)| **v == (page_id, local)).map(|(g, _)| *g)
    }

    /// Calls the handler of an event on page `page`: the page's logic, or the component
    /// instance's when the binding is in a component's template.
    fn dispatch(&mut self, page: &PageRef, e: &miniapp_view::AppEvent) {
        match e.instance.and_then(|local| self.global_instance(page.id, local)) {
            Some(g) => self.call(&format!("component-event({})", e.handler), |i| i.component_event(g, &e.handler, &e.event)),
            None => self.call(&format!("handle-event({})", e.handler), |i| i.handle_event(page, &e.handler, &e.event)),
        }
    }

    /// Applies a navigation the app asked for (the sandbox already checked route and depth).
    fn navigate(&mut self, kind: NavKind, route: &str, query: &str) -> Result<()> {
        self.refreshing = false;
        match kind {
            NavKind::NavigateTo => self.push_page(route, query)?,
            NavKind::RedirectTo => {
                self.unload_top();
                self.push_page(route, query)?;
            }
            NavKind::NavigateBack { delta } => {
                let before = self.stack.len();
                for _ in 0..delta.max(1) {
                    if self.stack.len() <= 1 {
                        break;
                    }
                    self.unload_top();
                }
                if let Some(top) = self.stack.last_mut() {
                    top.rendered = None;
                    let id = top.id;
                    if self.stack.len() < before {
                        self.page_shown(id);
                    }
                }
            }
            NavKind::SwitchTab => self.switch_tab(route)?,
            NavKind::ReLaunch => {
                while !self.stack.is_empty() {
                    self.unload_top();
                }
                for tab in std::mem::take(&mut self.hidden_tabs) {
                    self.unload(tab);
                }
                self.push_page(route, query)?;
            }
        }
        Ok(())
    }

    /// `switch-tab`: unloads the pages above the bottom one, hides the tab page shown (kept
    /// alive with its data, scroll offset and component state) and shows `route`'s tab page,
    /// loading it on its first visit. A bottom page that is not a tab page (an app launched on
    /// another page) is unloaded.
    ///
    /// # Errors
    /// `route` is not a tab page of app.json's `tabBar`; its template or style does not parse.
    fn switch_tab(&mut self, route: &str) -> Result<()> {
        if self.tab_index(route).is_none() {
            return Err(Error::NotATabPage { app: self.app_id.clone(), page: route.to_string() });
        }
        while self.stack.len() > 1 {
            self.unload_top();
        }
        if let Some(cur) = self.stack.last_mut().filter(|p| p.route == route) {
            cur.rendered = None;
            return Ok(());
        }
        if let Some(cur) = self.stack.pop() {
            if self.tab_index(&cur.route).is_some() {
                let id = cur.id;
                self.hidden_tabs.push(cur);
                self.page_hidden(id);
            } else {
                self.unload(cur);
            }
        }
        match self.hidden_tabs.iter().position(|p| p.route == route) {
            Some(pos) => {
                let mut page = self.hidden_tabs.remove(pos);
                page.rendered = None;
                let id = page.id;
                self.stack.push(page);
                self.page_shown(id);
            }
            None => self.push_page(route, "")?,
        }
        Ok(())
    }

    /// A page came (back) into view — switched to, or uncovered by `navigate-back`: its
    /// `page-show` (host API 0.1.1; older apps do without).
    fn page_shown(&mut self, id: u32) {
        if let Some(page) = self.page_ref(id) {
            self.call("page-show", |i| i.page_show(&page));
        }
    }

    /// A page went out of view but stays alive — switched away from, or covered by
    /// `navigate-to`: its `page-hide`.
    fn page_hidden(&mut self, id: u32) {
        if let Some(page) = self.page_ref(id) {
            self.call("page-hide", |i| i.page_hide(&page));
        }
    }

    /// The page with this id, on the stack or among the hidden tab pages.
    fn page_ref(&self, id: u32) -> Option<PageRef> {
        self.stack
            .iter()
            .chain(self.hidden_tabs.iter())
            .find(|p| p.id == id)
            .map(|p| PageRef { id: p.id, route: p.route.clone() })
    }

    /// The page on top of the stack.
    fn top_ref(&self) -> Option<PageRef> {
        self.stack.last().map(|p| PageRef { id: p.id, route: p.route.clone() })
    }

    /// The app goes to the background (the window closes or is minimised, another app comes
    /// up): the top page's `page-hide`, then the app's `on-hide`.
    pub fn hide_app(&mut self) {
        if let Some(top) = self.stack.last().map(|p| p.id) {
            self.page_hidden(top);
        }
        self.call("on-hide", |i| i.on_hide());
    }

    /// The app comes back to the front (from the home screen or another app): `on-show`,
    /// then the top page's `page-show`.
    pub fn show_app(&mut self) {
        self.call("on-show", |i| i.on_show());
        if let Some(top) = self.stack.last_mut() {
            top.rendered = None;
            let id = top.id;
            self.page_shown(id);
        }
    }

    /// The app's display name (`name` in app.json).
    pub fn app_name(&self) -> &str {
        &self.bundle.manifest.name
    }

    /// The position of `route` in app.json's `tabBar`, if it is a tab page.
    fn tab_index(&self, route: &str) -> Option<usize> {
        self.bundle.manifest.tab_bar.as_ref()?.list.iter().position(|i| i.page_path.as_str() == route)
    }

    /// The screen areas of a page on this session's device: a custom navigation bar starts the
    /// page at the top; tab pages make room for the tab bar.
    fn areas_for(&self, route: &str, config: &PageConfig) -> Areas {
        let custom = config.navigation_style == Some(NavigationStyle::Custom);
        let tab = self.tab_index(route).and(self.bundle.manifest.tab_bar.as_ref()).map(|t| t.position.unwrap_or_default());
        Areas::new(&self.device, custom, tab)
    }

    /// The screen areas of the page shown (the plain ones before any page).
    fn areas(&self) -> Areas {
        match self.stack.last() {
            Some(p) => self.areas_for(&p.route, &p.config),
            None => Areas::plain(&self.device),
        }
    }

    /// The simulated device.
    pub fn device(&self) -> Device {
        self.device
    }

    /// Moves the session to another device (screen size): every live page is laid out again
    /// at its new page area on the next frame.
    pub fn set_device(&mut self, device: Device) {
        self.device = device;
        let areas: Vec<Rect> = self.stack.iter().chain(&self.hidden_tabs).map(|p| self.areas_for(&p.route, &p.config).page).collect();
        for (p, a) in self.stack.iter_mut().chain(self.hidden_tabs.iter_mut()).zip(areas) {
            p.view.set_viewport(Viewport { width: a.w, height: a.h });
            p.rendered = None;
        }
    }

    /// Fixes the status bar's clock to `time` (headless screenshots show `9:41`), or with `None`
    /// shows the host's local time (the default).
    pub fn set_clock(&mut self, time: Option<String>) {
        self.clock = time;
    }

    /// Takes what the capsule asked for (Restart, Close), if anything: the front end carries
    /// it out.
    pub fn take_system_action(&mut self) -> Option<SystemAction> {
        self.system_action.take()
    }

    /// The routes of the tab pages alive but hidden (switched away from), in no fixed order.
    pub fn hidden_tab_routes(&self) -> Vec<&str> {
        self.hidden_tabs.iter().map(|p| p.route.as_str()).collect()
    }

    /// The part of the chrome under `(x, y)`: the capsule's halves, a tab bar item.
    fn chrome_hit(&self, x: f32, y: f32) -> Option<ChromeHit> {
        let (menu, close) = frame::capsule_rects(&self.device);
        if contains(&menu, x, y) {
            return Some(ChromeHit::Menu);
        }
        if contains(&close, x, y) {
            return Some(ChromeHit::Close);
        }
        if self.failure.is_some() {
            if let Some(i) = frame::error_page_hit(self.areas().page, x, y) {
                return Some(ChromeHit::ErrorPage(i));
            }
        }
        let bar = self.areas().tab_bar?;
        let n = self.bundle.manifest.tab_bar.as_ref()?.list.len();
        frame::tab_item_rects(bar, n).iter().position(|r| contains(r, x, y)).map(ChromeHit::Tab)
    }

    /// A tap on the chrome: the capsule opens the menu or asks to close; a tab bar item
    /// switches tab as `switch-tab` does.
    fn chrome_tap(&mut self, hit: ChromeHit, fonts: &mut FontSystem) -> Result<()> {
        match hit {
            ChromeHit::Menu => self.overlays.push(Overlay::Menu),
            ChromeHit::Close | ChromeHit::ErrorPage(1) => self.system_action = Some(SystemAction::Close),
            ChromeHit::ErrorPage(_) => self.system_action = Some(SystemAction::Restart),
            ChromeHit::Tab(i) => {
                let route = self.bundle.manifest.tab_bar.as_ref().and_then(|t| t.list.get(i)).map(|t| t.page_path.to_string());
                if let Some(route) = route {
                    if self.failure.is_none() {
                        tracing::debug!(app = %self.app_id, %route, "tab bar tap");
                        self.switch_tab(&route)?;
                    }
                }
            }
        }
        self.dirty = true;
        self.layout(fonts)
    }

    /// The screen rectangle of the tab bar item labelled `Label` for a `text=Label` selector,
    /// when the tab bar is shown (scripts tap tabs with `tap text=List`; the page is searched
    /// first).
    pub fn find_chrome(&self, selector: &str) -> Option<Rect> {
        let label = selector.strip_prefix("text=")?.trim();
        if self.failure.is_some() {
            if let Some(i) = frame::ERROR_PAGE_BUTTONS.iter().position(|b| *b == label) {
                return Some(frame::error_page_buttons_on(self.areas().page)[i]);
            }
        }
        let bar = self.areas().tab_bar?;
        let items = &self.bundle.manifest.tab_bar.as_ref()?.list;
        let i = items.iter().position(|t| t.text.trim() == label)?;
        frame::tab_item_rects(bar, items.len()).get(i).copied()
    }

    /// The capsule menu's answer ([`crate::overlay::MENU_ITEMS`]): About opens the About box, Share a QR
    /// code of this page, Permissions what the app was allowed; Restart and Close become the
    /// [`SystemAction`] the front end takes.
    fn answer_menu(&mut self, choice: Option<usize>) {
        match choice.and_then(|i| crate::overlay::MENU_ITEMS.get(i)).copied() {
            Some("About") => {
                let m = &self.bundle.manifest;
                let content = format!("version {}\nid {}", m.version, m.appid);
                self.overlays.push(Overlay::About { title: m.name.clone(), content });
            }
            Some("Share") => match self.share_url() {
                Some(url) => match miniapp_cloud::qr_modules(&url) {
                    Ok(modules) => self.overlays.push(Overlay::Share { url, modules }),
                    Err(why) => self.console_error(format!("share: {why}")),
                },
                None => self.console_error("share: this app was not opened from a launch URL".into()),
            },
            Some("Permissions") => {
                let answers = self.instance.as_ref().and_then(|i| i.permissions()).unwrap_or_default();
                let content = if answers.is_empty() {
                    "This app has asked for no permissions.".to_string()
                } else {
                    let lines: Vec<String> = answers
                        .iter()
                        .map(|(scope, granted)| format!("{scope}: {}", if *granted { "allowed" } else { "denied" }))
                        .collect();
                    format!("{}\n(`miniapp settings {} --reset` forgets them)", lines.join("\n"), self.app_id)
                };
                self.overlays.push(Overlay::About { title: "Permissions".into(), content });
            }
            Some("Device") => self.overlays.push(Overlay::Devices { current: self.device.name }),
            Some("Restart") => self.system_action = Some(SystemAction::Restart),
            Some("Close") => self.system_action = Some(SystemAction::Close),
            _ => {}
        }
        self.dirty = true;
    }

    /// Opens the capsule's menu (as a tap on `···` does).
    pub fn open_menu(&mut self) {
        if !self.overlays.iter().any(|o| matches!(o, Overlay::Menu)) {
            self.overlays.push(Overlay::Menu);
            self.dirty = true;
        }
    }

    /// The launch URL of the page on top (its route, query, and the scene `share`), when the
    /// session knows the cloud it came from.
    pub fn share_url(&self) -> Option<String> {
        let mut launch = self.launch.clone()?;
        let top = self.stack.last()?;
        launch.path = miniapp_bundle::PagePath::try_from(top.route.clone()).ok();
        launch.query = top.query.clone();
        launch.scene = Some("share".into());
        Some(launch.to_url().to_string())
    }

    /// Records the launch URL the session came from (the capsule's Share builds on it).
    pub fn set_launch(&mut self, launch: miniapp_cloud::LaunchUrl) {
        self.launch = Some(launch);
    }

    fn console_error(&mut self, message: String) {
        tracing::warn!(app = %self.app_id, "{message}");
        self.logs.push(LogLine { app: self.app_id.clone(), level: "error".into(), message });
    }

    /// The system UI currently shown over the page.
    pub fn overlays(&self) -> &[Overlay] {
        &self.overlays
    }

    /// The launch's stage times (the host that launched the session sets them), shown in the
    /// Performance panel.
    pub fn set_launch_timings(&mut self, timings: crate::host::LaunchTimings) {
        self.launch_timings = Some(timings);
    }

    /// A frame of this session took `ms` to draw (the front end measures it), for the
    /// Performance panel's frame times.
    pub fn record_frame(&mut self, ms: f64) {
        let f = &mut self.frames;
        f.count += 1;
        f.last_ms = ms;
        f.total_ms += ms;
        f.max_ms = f.max_ms.max(ms);
        // The window's first frame of the session (the headless driver times its own).
        if let Some(t) = self.launch_timings.as_mut().filter(|t| f.count == 1 && t.first_frame_ms == 0.0) {
            t.first_frame_ms = ms;
        }
    }

    /// Records a span that began at `start` and ends now (up to [`MAX_TRACE_SPANS`]).
    pub fn span(&mut self, name: String, cat: &'static str, start: Instant, bytes: Option<usize>) {
        if self.spans.len() < MAX_TRACE_SPANS {
            self.spans.push(Span { name, cat, start, dur: start.elapsed(), bytes });
        }
    }

    /// The spans recorded so far, for `--trace`.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// Shows (`Some`) or clears (`None`) the `miniapp dev` error banner over the page.
    pub fn set_dev_error(&mut self, message: Option<String>) {
        self.overlays.retain(|o| !matches!(o, Overlay::DevError { .. }));
        if let Some(message) = message {
            self.overlays.push(Overlay::DevError { message });
        }
        self.dirty = true;
    }

    /// The app's event loop: delivers finished requests and due timers. Returns when the app
    /// next needs a turn (a timer's due time, or soon while requests are in flight).
    pub fn pump(&mut self, now: Instant) -> Option<Instant> {
        self.overlays.retain(|o| !matches!(o, Overlay::Toast { until, .. } if *until <= now));
        let instance = self.instance.as_ref()?;
        if instance.has_pending_work() {
            self.call("on-callback", |i| i.run_ready(now));
        }
        let instance = self.instance.as_ref()?;
        let toast = self.overlays.iter().find_map(|o| match o {
            Overlay::Toast { until, .. } => Some(*until),
            _ => None,
        });
        let soon = if instance.has_ready_callbacks() {
            Some(now)
        } else {
            (instance.requests_in_flight() > 0).then(|| now + Duration::from_millis(5))
        };
        [instance.next_timer(), soon, toast].into_iter().flatten().min()
    }

    /// Whether the app ran since the last call (the screen may have changed: redraw it).
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    /// The top overlay that waits for an answer, if any.
    pub fn question(&self) -> Option<&Overlay> {
        self.overlays.iter().rev().find(|o| o.is_question())
    }

    /// Answers the top modal, action sheet, permission prompt or camera: `choice` is the button
    /// (0 = OK / Allow / first item, `None` = Cancel / Deny / close the camera).
    pub fn answer_overlay(&mut self, choice: Option<usize>) -> bool {
        let Some(pos) = self.overlays.iter().rposition(Overlay::is_question) else {
            return false;
        };
        if self.overlays[pos].asks_for_file(choice) {
            self.system_action = Some(SystemAction::ChooseFile);
            return true;
        }
        match self.overlays.remove(pos).answer(choice) {
            Answer::Menu(choice) => self.answer_menu(choice),
            Answer::Device(device) => self.system_action = Some(SystemAction::Device(device)),
            Answer::Closed => {}
            Answer::Permission { callback, scope, granted } => {
                self.call("on-callback", |i| i.answer_permission(callback, &scope, granted));
                self.invalidate();
            }
            Answer::CameraClosed => {
                self.call("on-callback", |i| i.answer_scan(Err(("cancelled", "the user closed the camera".into()))));
                self.invalidate();
            }
            Answer::Callback { callback, payload } => {
                self.call("on-callback", |i| i.on_callback(callback, &payload));
                self.invalidate();
            }
            Answer::Picked { page, picker, value } => self.picked(page, picker, value),
        }
        self.dirty = true;
        true
    }

    /// Answers the open picker sheet with `value` (an index, a list of indexes, a
    /// `"2026-12-24"` date or `"09:30"` time; `Null` cancels). Returns false when no picker
    /// sheet is open.
    pub fn answer_picker(&mut self, value: serde_json::Value) -> bool {
        let Some(pos) = self.overlays.iter().rposition(|o| matches!(o, Overlay::Picker { .. })) else {
            return false;
        };
        let Overlay::Picker { page, request } = self.overlays.remove(pos) else { return false };
        self.picked(page, request.picker, value);
        true
    }

    /// The picker's answer reaches its page: `change` (or `cancel`) to the app's handler.
    fn picked(&mut self, page_id: u32, picker: u64, value: serde_json::Value) {
        let Some(p) = self.stack.iter_mut().find(|p| p.id == page_id) else { return };
        let outcomes = p.view.answer_picker(picker, value);
        p.rendered = None;
        let page = PageRef { id: p.id, route: p.route.clone() };
        for o in outcomes {
            if let Outcome::Event(e) = o {
                self.dispatch(&page, &e);
            }
        }
        self.invalidate();
    }

    /// Shows the open camera an image file: its QR code's text goes to the app, or
    /// `unreadable` with the reason. Returns false when no camera is open.
    pub fn answer_camera(&mut self, image: &std::path::Path) -> bool {
        let Some(pos) = self.overlays.iter().rposition(|o| matches!(o, Overlay::Camera { .. })) else {
            return false;
        };
        self.overlays.remove(pos);
        let result = crate::camera::decode_qr_file(image).map_err(|why| ("unreadable", why));
        self.call("on-callback", |i| i.answer_scan(result));
        self.invalidate();
        true
    }

    fn invalidate(&mut self) {
        if let Some(top) = self.stack.last_mut() {
            top.rendered = None;
        }
    }

    /// Pops the top page (`navigate-back`); does nothing on the entry page.
    pub fn back(&mut self, fonts: &mut FontSystem) -> Result<bool> {
        self.refreshing = false;
        if self.question().is_some() {
            // Back closes the open question (cancel / deny / close the camera), as on a phone.
            self.answer_overlay(None);
            self.layout(fonts)?;
            return Ok(true);
        }
        if self.stack.len() <= 1 {
            return Ok(false);
        }
        let top = self.stack.pop().expect("stack has two pages");
        self.unload(top);
        if let Some(id) = self.stack.last().map(|p| p.id) {
            self.invalidate();
            self.page_shown(id);
        }
        self.layout(fonts)?;
        Ok(true)
    }

    /// Runs one call into the app's logic and applies its effects. A trap or timeout poisons the
    /// instance: it is dropped and the session shows the error page (the host lives on).
    fn call(
        &mut self,
        what: &str,
        f: impl FnOnce(&mut AppInstance) -> miniapp_sandbox::Result<Vec<Effect>>,
    ) {
        let Some(instance) = self.instance.as_mut() else { return };
        self.dirty = true;
        let t = Instant::now();
        let r = f(instance);
        self.span(what.to_string(), "handler", t, None);
        match r {
            Ok(effects) => self.apply(effects),
            Err(err) => {
                tracing::warn!(app = %self.app_id, call = what, error = %err, "app logic failed");
                // The console shows why (a panic's "panicked at FILE:LINE:COL: …" included).
                self.logs.push(LogLine { app: self.app_id.clone(), level: "error".into(), message: err.to_string() });
                self.instance = None;
                self.failure = Some(Failure { title: "This app stopped".into(), message: err.to_string() });
            }
        }
    }

    fn apply(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::SetData { page, patch } => {
                    self.set_data_error = None;
                    let route = self.page_ref(page).map(|p| p.route).unwrap_or_default();
                    let bytes = serde_json::to_vec(&patch).map_or(0, |b| b.len());
                    self.perf.record(&route, bytes);
                    let t = Instant::now();
                    if let Some(p) = self.stack.iter_mut().chain(self.hidden_tabs.iter_mut()).find(|p| p.id == page) {
                        if let Err(e) = p.view.set_data(&patch) {
                            self.set_data_error = Some(e.to_string());
                            self.logs.push(LogLine {
                                app: self.app_id.clone(),
                                level: "error".into(),
                                message: format!("set-data on {}: {e}", p.route),
                            });
                        }
                        p.rendered = None;
                    } else {
                        self.set_data_error = Some(format!("page {page} is no longer on the page stack"));
                    }
                    self.span(format!("set-data {route}"), "set-data", t, Some(bytes));
                }
                Effect::Log { level, message } => {
                    let level = format!("{level:?}").to_lowercase();
                    tracing::info!(app = %self.app_id, %level, "{message}");
                    self.logs.push(LogLine { app: self.app_id.clone(), level, message });
                }
                Effect::Navigate { kind, route, query } => {
                    if let Err(e) = self.navigate(kind, &route, &query) {
                        self.logs.push(LogLine { app: self.app_id.clone(), level: "error".into(), message: e.to_string() });
                        self.nav_error = Some(e);
                    }
                }
                Effect::TabBar { index, mark } => match self.tab_marks.get_mut(index) {
                    Some(m) => {
                        match mark {
                            TabBarMark::Badge(text) => *m = TabMark { badge: Some(text), red_dot: false },
                            TabBarMark::RemoveBadge => m.badge = None,
                            TabBarMark::RedDot => *m = TabMark { badge: None, red_dot: true },
                            TabBarMark::HideRedDot => m.red_dot = false,
                        }
                        self.dirty = true;
                    }
                    None => {
                        // The sandbox checked the index against the same app.json: a host bug.
                        tracing::warn!(app = %self.app_id, index, "tab bar mark for an item the tab bar does not have");
                    }
                },
                Effect::Toast { title, duration, .. } => {
                    self.overlays.retain(|o| !matches!(o, Overlay::Toast { .. }));
                    self.overlays.push(Overlay::Toast { title, until: Instant::now() + duration });
                }
                Effect::HideToast => self.overlays.retain(|o| !matches!(o, Overlay::Toast { .. })),
                Effect::Loading { title } => {
                    self.overlays.retain(|o| !matches!(o, Overlay::Loading { .. }));
                    self.overlays.push(Overlay::Loading { title });
                }
                Effect::HideLoading => self.overlays.retain(|o| !matches!(o, Overlay::Loading { .. })),
                Effect::Modal { callback, title, content, show_cancel } => {
                    self.overlays.push(Overlay::Modal { callback, title, content, show_cancel })
                }
                Effect::ActionSheet { callback, items } => self.overlays.push(Overlay::ActionSheet { callback, items }),
                Effect::Permission { callback, scope, description } => {
                    let app = self.bundle.manifest.name.clone();
                    self.overlays.push(Overlay::Permission { callback, app, scope, description })
                }
                Effect::ScanCode { callback } => self.overlays.push(Overlay::Camera { callback }),
                Effect::DataApplied { callback, .. } => {
                    let payload = match self.set_data_error.take() {
                        None => serde_json::json!({ "applied": true }),
                        Some(e) => serde_json::json!({ "applied": false, "error": e }),
                    };
                    if let Some(i) = self.instance.as_mut() {
                        i.queue_callback(callback, payload);
                    }
                }
                Effect::SetComponentData { instance, patch } => match self.instances.get(&instance).copied() {
                    Some((pid, local)) => {
                        if let Some(p) = self.stack.iter_mut().chain(self.hidden_tabs.iter_mut()).find(|p| p.id == pid) {
                            if let Err(e) = p.view.set_component_data(local, &patch) {
                                let message = format!("set-component-data on {instance}: {e}");
                                self.logs.push(LogLine { app: self.app_id.clone(), level: "error".into(), message });
                            }
                            p.rendered = None;
                        }
                    }
                    None => {
                        let message = format!("set-component-data: component instance {instance} is not attached");
                        self.logs.push(LogLine { app: self.app_id.clone(), level: "error".into(), message });
                    }
                },
                Effect::TriggerEvent { instance, name, detail } => {
                    let Some((pid, local)) = self.instances.get(&instance).copied() else {
                        let message = format!("trigger-event {name}: component instance {instance} is not attached");
                        self.logs.push(LogLine { app: self.app_id.clone(), level: "error".into(), message });
                        continue;
                    };
                    let found = self.stack.iter().chain(self.hidden_tabs.iter()).find(|p| p.id == pid);
                    let event = found.and_then(|p| p.view.trigger_event(local, &name, detail).map(|e| (PageRef { id: p.id, route: p.route.clone() }, e)));
                    if let Some((page, e)) = event {
                        self.dispatch(&page, &e);
                    }
                }
                Effect::StopPullDownRefresh => {
                    if self.refreshing {
                        tracing::debug!(app = %self.app_id, "pull-down refresh stopped");
                        self.refreshing = false;
                        self.dirty = true;
                    }
                }
                #[allow(unreachable_patterns)]
                other => tracing::debug!(app = %self.app_id, ?other, "effect not handled by this shell yet"),
            }
        }
    }

    /// Lays out the top page if its data changed since the last layout.
    ///
    /// # Errors
    /// The view engine's layout error, naming the page.
    pub fn layout(&mut self, fonts: &mut FontSystem) -> Result<()> {
        // Component lifecycle calls after a render may change data (or navigate): lay out
        // again, a few times at most, so the screen never shows a page without its layout.
        for _ in 0..LAYOUT_PASSES {
            if !self.layout_once(fonts)? {
                break;
            }
        }
        Ok(())
    }

    /// One layout of the top page if it needs one; whether it did.
    fn layout_once(&mut self, fonts: &mut FontSystem) -> Result<bool> {
        if let Some(p) = self.stack.last_mut() {
            if p.rendered.is_none() {
                let t = Instant::now();
                let list = p.view.render(fonts).map_err(|source| Error::View { page: p.route.clone(), source })?;
                p.rendered = Some(list);
                let (id, changes, name) = (p.id, p.view.take_component_changes(), format!("layout {}", p.route));
                self.span(name, "layout", t, None);
                if !changes.is_empty() {
                    self.sync_components(id, changes);
                }
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The whole screen (chrome + page, or the error page) as a display list.
    ///
    /// # Errors
    /// Layout errors of the page.
    pub fn screen(&mut self, fonts: &mut FontSystem) -> Result<DisplayList> {
        self.layout(fonts)?;
        let white = Color { r: 255, g: 255, b: 255, a: 255 };
        let black = Color { r: 0, g: 0, b: 0, a: 255 };
        let top = self.stack.last();
        let default_config = PageConfig::default().merged_with(&self.bundle.manifest.window);
        let config = top.map(|p| &p.config).unwrap_or(&default_config);
        let chrome = Chrome {
            title: config.navigation_bar_title_text.clone().unwrap_or_else(|| self.bundle.manifest.name.clone()),
            nav_background: frame::parse_hex_color(
                config.navigation_bar_background_color.as_ref().map(|c| c.as_str()),
                Color { r: 0xf7, g: 0xf7, b: 0xf7, a: 255 },
            ),
            nav_foreground: if config.navigation_bar_text_style == Some(TextStyle::White) { white } else { black },
            page_background: frame::parse_hex_color(config.background_color.as_ref().map(|c| c.as_str()), white),
            can_go_back: self.stack.len() > 1,
            custom_nav: config.navigation_style == Some(NavigationStyle::Custom),
            clock: self.clock.clone().unwrap_or_else(frame::host_clock),
            tab_bar: top.and_then(|p| {
                let selected = self.tab_index(&p.route)?;
                Some(TabBarChrome::from_manifest(self.bundle.manifest.tab_bar.as_ref()?, selected).with_marks(&self.tab_marks))
            }),
        };
        let area = self.areas().page;
        let content = match (&self.failure, top.and_then(|p| p.rendered.clone())) {
            (Some(f), _) => frame::error_page(area.w, &f.title, &f.message, fonts),
            (None, Some(list)) => list,
            (None, None) => DisplayList { width: area.w, height: area.h, items: Vec::new() },
        };
        let keyboard = self.failure.is_none() && self.keyboard_open();
        let mut screen = frame::compose(&self.device, &chrome, content, fonts);
        if self.refreshing && self.failure.is_none() {
            frame::draw_refresh_indicator(&mut screen, area, fonts);
        }
        if keyboard {
            draw_keyboard(&mut screen, &self.device, fonts);
        }
        for overlay in &self.overlays {
            overlay.view(&self.device).draw(&mut screen, fonts);
        }
        Ok(screen)
    }

    /// Taps the screen at (x, y) in screen coordinates: a pointer down and up at the same point
    /// and time (see [`Session::pointer_down`]).
    ///
    /// # Errors
    /// Layout errors of the page.
    pub fn tap_at(&mut self, x: f32, y: f32, fonts: &mut FontSystem) -> Result<()> {
        let t = self.input.last_ms;
        self.pointer_down(x, y, t, fonts)?;
        self.pointer_up(x, y, t, fonts)
    }

    /// The screen rectangle of the first element matching `selector` on the top page.
    ///
    /// # Errors
    /// A malformed selector.
    pub fn find(&mut self, selector: &str, fonts: &mut FontSystem) -> Result<Option<Rect>> {
        self.layout(fonts)?;
        let Some(top) = self.stack.last() else { return Ok(None) };
        let found = top.view.find(selector).map_err(|source| Error::View { page: top.route.clone(), source })?;
        Ok(found.map(|r| Rect { x: r.x, y: r.y + self.page_area().y, w: r.w, h: r.h }))
    }

    /// The screen rectangles of every element matching `selector` on the top page, on screen or
    /// scrolled out of view.
    ///
    /// # Errors
    /// A malformed selector.
    pub fn find_all(&mut self, selector: &str, fonts: &mut FontSystem) -> Result<Vec<Rect>> {
        self.layout(fonts)?;
        let Some(top) = self.stack.last() else { return Ok(Vec::new()) };
        let found = top.view.find_all(selector).map_err(|source| Error::View { page: top.route.clone(), source })?;
        Ok(found.into_iter().map(|r| Rect { x: r.x, y: r.y + self.page_area().y, w: r.w, h: r.h }).collect())
    }

    /// All text of the top page, including what is scrolled out of view, and of the system UI
    /// over it (or the error page's message).
    ///
    /// # Errors
    /// Layout errors of the page.
    pub fn text_content(&mut self, fonts: &mut FontSystem) -> Result<String> {
        self.screen_text(fonts, false)
    }

    /// The text a person sees: the top page's text inside the page area, and the system UI
    /// over it (or the error page's message).
    ///
    /// # Errors
    /// Layout errors of the page.
    pub fn visible_text(&mut self, fonts: &mut FontSystem) -> Result<String> {
        self.screen_text(fonts, true)
    }

    fn screen_text(&mut self, fonts: &mut FontSystem, visible: bool) -> Result<String> {
        self.layout(fonts)?;
        if let Some(f) = &self.failure {
            return Ok(format!("{}\n{}\n{}", f.title, f.message, frame::ERROR_PAGE_BUTTONS.join("\n")));
        }
        let refreshing = if self.refreshing { format!("{}\n", frame::REFRESHING_LABEL) } else { String::new() };
        let mut text = refreshing
            + &self
            .stack
            .last()
            .map(|p| if visible { p.view.visible_text() } else { p.view.text_content() })
            .unwrap_or_default();
        // The tab bar's badges and dots, where the bar is shown: `Cart badge 3`, `Me red dot`.
        if self.areas().tab_bar.is_some() {
            for line in self.tab_mark_lines() {
                text.push('\n');
                text.push_str(&line);
            }
        }
        for o in &self.overlays {
            text.push('\n');
            text.push_str(&o.view(&self.device).text());
        }
        Ok(text)
    }

    /// The developer panels as JSON (what `miniapp run --panels FILE` writes): `console` (the
    /// app's logs, then the pages' style and template warnings), `appData` (every alive page's
    /// data, top page last), `elements` (the top page's tree with boxes), `network` (the app's
    /// requests, refused ones with their rule), `storage` (keys and sizes, bytes used, quota),
    /// `tabBar` (each item's `text`, `badge` and `redDot`; `null` without a tab bar)
    /// and `performance` (set-data calls, bytes, the peak per second, warnings past
    /// [`SET_DATA_RATE_WARN`] per second or [`SET_DATA_BYTES_WARN`] bytes).
    ///
    /// # Errors
    /// A layout error of the top page.
    pub fn panels(&mut self, fonts: &mut FontSystem) -> Result<serde_json::Value> {
        use serde_json::json;
        self.layout(fonts)?;
        let mut console: Vec<serde_json::Value> =
            self.logs.iter().map(|l| json!({ "level": l.level, "message": l.message })).collect();
        for p in self.hidden_tabs.iter().chain(self.stack.iter()) {
            for w in p.view.warnings() {
                console.push(json!({ "level": "warn", "message": w.to_string(), "source": "host" }));
            }
        }
        let app_data: Vec<serde_json::Value> = self
            .hidden_tabs
            .iter()
            .chain(self.stack.iter())
            .map(|p| json!({ "route": p.route, "query": p.query, "data": p.view.data() }))
            .collect();
        let elements = self.stack.last().map(|p| p.view.elements()).unwrap_or(serde_json::Value::Null);
        let network = self.instance.as_ref().map(|i| i.network_log()).unwrap_or_default();
        let storage = match self.instance.as_ref().and_then(|i| i.storage_panel()) {
            Some((entries, used, quota)) => json!({
                "keys": entries.iter().map(|(k, n)| json!({ "key": k, "bytes": n })).collect::<Vec<_>>(),
                "used": used,
                "quota": quota,
            }),
            None => serde_json::Value::Null,
        };
        let perf = &self.perf;
        let tab_bar = match self.bundle.manifest.tab_bar.as_ref() {
            Some(bar) => serde_json::Value::Array(
                bar.list
                    .iter()
                    .zip(&self.tab_marks)
                    .map(|(item, m)| json!({ "pagePath": item.page_path.as_str(), "text": item.text, "badge": m.badge, "redDot": m.red_dot }))
                    .collect(),
            ),
            None => serde_json::Value::Null,
        };
        Ok(json!({
            "app": self.app_id,
            "console": console,
            "appData": app_data,
            "elements": elements,
            "network": network,
            "storage": storage,
            "tabBar": tab_bar,
            "performance": {
                "launch": self.launch_timings,
                "frames": {
                    "count": self.frames.count,
                    "lastMs": self.frames.last_ms,
                    "meanMs": if self.frames.count == 0 { 0.0 } else { self.frames.total_ms / self.frames.count as f64 },
                    "maxMs": self.frames.max_ms,
                },
                "setDataCalls": perf.calls,
                "setDataBytes": perf.bytes,
                "largestSetData": perf.largest,
                "peakSetDataPerSecond": perf.peak_per_second,
                "warnings": perf.warnings,
            },
        }))
    }

    /// How `assert-text` sees the tab bar's badges and red dots: `Cart badge 3`, `Me red dot`,
    /// one per item that has one, in app.json's order.
    fn tab_mark_lines(&self) -> Vec<String> {
        let Some(bar) = self.bundle.manifest.tab_bar.as_ref() else { return Vec::new() };
        bar.list.iter().zip(&self.tab_marks).filter_map(|(item, m)| m.describe(item.text.trim())).collect()
    }

    /// The badge or red dot of each tab bar item, in app.json's order (empty without a tab bar).
    pub fn tab_marks(&self) -> &[TabMark] {
        &self.tab_marks
    }

    /// The AppData panel's edit: the top page's data at `path` (`count`, `list[0].title`)
    /// becomes `value` and the page re-renders. Only the page's copy changes (the logic is not
    /// told), as on the established simulators; the console records the edit.
    ///
    /// # Errors
    /// No page, or a malformed path or a value past the data limits (the view's message).
    pub fn edit_data(&mut self, path: &str, value: serde_json::Value) -> std::result::Result<(), String> {
        let Some(top) = self.stack.last_mut() else { return Err("there is no page".into()) };
        let shown = value.to_string();
        top.view.set_data(&serde_json::json!({ path: value })).map_err(|e| e.to_string())?;
        top.rendered = None;
        self.dirty = true;
        let message = format!("AppData edit on {}: {path} = {shown}", top.route);
        self.logs.push(LogLine { app: self.app_id.clone(), level: "info".into(), message });
        Ok(())
    }

    /// The Storage panel's "Clear storage" (and the script step `clear-storage`): removes every
    /// key the app stored; the console records it. Returns how many keys there were.
    ///
    /// # Errors
    /// The app is not running, or has no storage database, or the delete failed.
    pub fn clear_storage(&mut self) -> std::result::Result<usize, String> {
        let instance = self.instance.as_ref().ok_or("the app is not running")?;
        let n = instance.clear_storage().map_err(|e| e.to_string())?;
        let message = format!("Storage cleared: {n} keys removed");
        self.logs.push(LogLine { app: self.app_id.clone(), level: "info".into(), message });
        self.dirty = true;
        Ok(n)
    }

    /// The top page's data (what `set-data` built up), for script assertions and panels.
    pub fn page_data(&self) -> Option<&serde_json::Value> {
        self.stack.last().map(|p| p.view.data())
    }
}

impl Session {
    /// Which answer a tap on a modal / action sheet gives, if one is open: `Some(Some(i))` for
    /// button or item `i`, `Some(None)` for cancel (or a tap outside an action sheet).
    fn overlay_hit(&self, x: f32, y: f32) -> Option<Option<usize>> {
        self.question()?.view(&self.device).hit(x, y)
    }
}

/// Height of the simulated on-screen keyboard in logical px: it covers the bottom of the
/// screen while a field has the focus.
pub const KEYBOARD_HEIGHT: f32 = 260.0;

/// Space kept between a focused field and the keyboard's top edge, in px.
const KEYBOARD_MARGIN: f32 = 12.0;

/// Where a press goes, decided when it goes down and kept until it comes up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PressTarget {
    /// The page (page-area coordinates).
    Page,
    /// The back button in the navigation bar (back on release inside it).
    Back,
    /// A modal, action sheet, permission prompt or camera (answered on release).
    Overlay,
    /// The capsule or a tab bar item (acted on at release inside the same part).
    Chrome(ChromeHit),
    /// Nothing: the chrome, the keyboard, the loading overlay, the error page.
    Nothing,
}

/// The session's side of input: the press in progress and the focused field.
#[derive(Debug, Default)]
struct InputState {
    press: Option<PressTarget>,
    /// The focused field's border box in page-area coordinates (as of focus, kept in view).
    focus: Option<Rect>,
    /// Time of the last pointer event or frame in ms, on the front end's clock.
    last_ms: u64,
    /// The last pull-down: how far, and whether the pointer was released.
    pull: Option<(f32, bool)>,
    /// The window hid the caret (blink); screenshots keep it on.
    caret_hidden: bool,
    /// When `on-page-scroll` was last called (it is throttled).
    last_page_scroll: Option<Instant>,
}

/// Input: the front ends (window, headless driver) call these with SCREEN coordinates (logical
/// px, (0, 0) at the top-left of the phone screen) and a time in ms on any monotonic clock. The
/// system UI is hit-tested first (question overlays, the back button, the keyboard), the rest
/// goes to the page in page-area coordinates through [`Page::handle`], and its outcomes are
/// applied: app events call `handle-event`, navigator taps navigate, focus opens the keyboard.
impl Session {
    /// A finger or the mouse button goes down at `(x, y)`.
    ///
    /// # Errors
    /// Layout errors of the page.
    pub fn pointer_down(&mut self, x: f32, y: f32, t_ms: u64, fonts: &mut FontSystem) -> Result<()> {
        self.input.last_ms = t_ms;
        let target = self.press_target(x, y);
        self.input.press = Some(target);
        if target == PressTarget::Page {
            self.deliver(Input::PointerDown { x, y: y - self.page_area().y, time_ms: t_ms }, fonts)?;
        }
        Ok(())
    }

    /// The pressed pointer moves to `(x, y)` (a drag scrolls; nothing happens without a press).
    ///
    /// # Errors
    /// Layout errors of the page.
    pub fn pointer_move(&mut self, x: f32, y: f32, t_ms: u64, fonts: &mut FontSystem) -> Result<()> {
        self.input.last_ms = t_ms;
        if self.input.press == Some(PressTarget::Page) {
            self.deliver(Input::PointerMove { x, y: y - self.page_area().y, time_ms: t_ms }, fonts)?;
        }
        Ok(())
    }

    /// The pointer comes up at `(x, y)`: a tap, the end of a long press or a drag, or the answer
    /// to the overlay button under it.
    ///
    /// # Errors
    /// Layout errors of the page.
    pub fn pointer_up(&mut self, x: f32, y: f32, t_ms: u64, fonts: &mut FontSystem) -> Result<()> {
        self.input.last_ms = t_ms;
        match self.input.press.take() {
            Some(PressTarget::Page) => self.deliver(Input::PointerUp { x, y: y - self.page_area().y, time_ms: t_ms }, fonts)?,
            Some(PressTarget::Back) if contains(&frame::back_button_rect(), x, y) => {
                self.back(fonts)?;
            }
            Some(PressTarget::Chrome(hit)) if self.chrome_hit(x, y) == Some(hit) => self.chrome_tap(hit, fonts)?,
            Some(PressTarget::Overlay) => {
                if let Some(choice) = self.overlay_hit(x, y) {
                    self.answer_overlay(choice);
                    self.layout(fonts)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The press is taken away (the pointer left the window, a system sheet opened).
    ///
    /// # Errors
    /// Layout errors of the page.
    pub fn pointer_cancel(&mut self, fonts: &mut FontSystem) -> Result<()> {
        if self.input.press.take() == Some(PressTarget::Page) {
            self.deliver(Input::PointerCancel, fonts)?;
        }
        Ok(())
    }

    /// Whether the top page is still scrolling with momentum after a fast drag (the window
    /// keeps drawing frames meanwhile).
    pub fn flinging(&self) -> bool {
        self.stack.last().is_some_and(|p| p.view.flinging())
    }

    /// Whether a press is down (the window keeps drawing frames for long presses meanwhile).
    pub fn pressing(&self) -> bool {
        self.input.press.is_some()
    }

    /// Whether a released element on the top page still wears its hover class for its
    /// `hover-stay-time` (the window keeps drawing frames until one takes it off).
    pub fn hover_lingering(&self) -> bool {
        self.stack.last().is_some_and(|p| p.view.hover_lingering())
    }

    /// When (input clock ms) that hover class comes off ([`Session::hover_lingering`]).
    pub fn hover_ends_at(&self) -> Option<u64> {
        self.stack.last().and_then(|p| p.view.hover_ends_at())
    }

    /// A wheel or touchpad scroll at `(x, y)` by `(dx, dy)` px (positive `dy` scrolls down): the
    /// innermost scroller under the point takes it, then the page.
    ///
    /// # Errors
    /// Layout errors of the page.
    pub fn wheel(&mut self, x: f32, y: f32, dx: f32, dy: f32, fonts: &mut FontSystem) -> Result<()> {
        if self.press_target(x, y) == PressTarget::Page {
            self.deliver(Input::Wheel { x, y: y - self.page_area().y, dx, dy }, fonts)?;
        }
        Ok(())
    }

    /// Scrolls the top page itself by `dy` px, clamped to its content (scripts; keys).
    ///
    /// # Errors
    /// Layout errors of the page.
    pub fn scroll_page(&mut self, dy: f32, fonts: &mut FontSystem) -> Result<()> {
        if self.failure.is_some() {
            return Ok(());
        }
        self.layout(fonts)?;
        let Some(top) = self.stack.last_mut() else { return Ok(()) };
        let outcomes = top.view.scroll_by(dy);
        self.apply_outcomes(outcomes, fonts)
    }

    /// The top page's scroll offset in px.
    pub fn scroll_top(&self) -> f32 {
        self.stack.last().map(|p| p.view.scroll_top()).unwrap_or(0.0)
    }

    /// Text for the focused field: typed characters, an IME commit, a paste. Ignored when no
    /// field has the focus.
    ///
    /// # Errors
    /// Layout errors of the page.
    pub fn text(&mut self, text: &str, fonts: &mut FontSystem) -> Result<()> {
        if !self.keyboard_open() || text.is_empty() {
            return Ok(());
        }
        self.deliver(Input::Text(text.to_string()), fonts)
    }

    /// A key that edits or moves the caret in the focused field (`shift` extends the selection,
    /// `word` moves or deletes by word).
    ///
    /// # Errors
    /// Layout errors of the page.
    pub fn key(&mut self, key: Key, shift: bool, word: bool, fonts: &mut FontSystem) -> Result<()> {
        // Keys edit the focused field; a copy also copies text a long press selected.
        if !self.keyboard_open() && !(key == Key::Copy && self.selected_text().is_some()) {
            return Ok(());
        }
        self.deliver(Input::Key { key, shift, word }, fonts)
    }

    /// Takes the focus from the focused field (the keyboard closes). Returns whether a field
    /// had it.
    ///
    /// # Errors
    /// Layout errors of the page.
    pub fn blur(&mut self, fonts: &mut FontSystem) -> Result<bool> {
        if !self.keyboard_open() {
            return Ok(false);
        }
        self.deliver(Input::Blur, fonts)?;
        Ok(true)
    }

    /// A frame is about to be drawn at `t_ms`: long presses fire, the scroll events of the frame
    /// are delivered.
    ///
    /// # Errors
    /// Layout errors of the page.
    pub fn frame(&mut self, t_ms: u64, fonts: &mut FontSystem) -> Result<()> {
        self.input.last_ms = self.input.last_ms.max(t_ms);
        self.deliver(Input::Frame { time_ms: t_ms }, fonts)
    }

    /// Whether a field on the top page has the focus (the simulated keyboard is up).
    pub fn keyboard_open(&self) -> bool {
        self.input.focus.is_some() && self.stack.last().is_some_and(|p| p.view.focused())
    }

    /// The focused field's border box in screen coordinates (where an IME puts its window).
    pub fn focused_rect(&self) -> Option<Rect> {
        let r = self.input.focus.filter(|_| self.keyboard_open())?;
        Some(Rect { x: r.x, y: r.y + self.page_area().y, w: r.w, h: r.h })
    }

    /// The page area in screen coordinates: below the navigation bar, as tall as the page's
    /// viewport.
    pub fn page_area(&self) -> Rect {
        self.areas().page
    }

    /// The part of the page area a person can see and touch: the page area less the keyboard.
    pub fn touchable_area(&self) -> Rect {
        let mut a = self.page_area();
        if self.keyboard_open() {
            a.h = a.h.min(self.device.height - KEYBOARD_HEIGHT - a.y).max(0.0);
        }
        a
    }

    /// Whether the pull-down refresh indicator shows (the app has not called
    /// `nav.stop-pull-down-refresh` since `on-pull-down-refresh`).
    pub fn refreshing(&self) -> bool {
        self.refreshing
    }

    /// The last pull-down of the page: how far past its top, and whether it was released.
    pub fn last_pull_down(&self) -> Option<(f32, bool)> {
        self.input.pull
    }

    /// Shows or hides the focused field's caret (the window blinks it; headless keeps it on).
    pub fn set_caret_visible(&mut self, visible: bool) {
        if self.input.caret_hidden == !visible {
            return;
        }
        self.input.caret_hidden = !visible;
        for p in &mut self.stack {
            p.view.set_caret_visible(visible);
        }
        if self.keyboard_open() {
            self.invalidate();
        }
    }

    /// Where a press at `(x, y)` goes. Chrome hit areas (tab bar, capsule) belong here.
    fn press_target(&self, x: f32, y: f32) -> PressTarget {
        if self.question().is_some() {
            return PressTarget::Overlay;
        }
        if self.overlays.iter().any(|o| matches!(o, Overlay::Loading { .. })) {
            return PressTarget::Nothing; // the loading overlay swallows input
        }
        if self.stack.len() > 1 && self.areas().nav.is_some() && contains(&frame::back_button_rect(), x, y) {
            return PressTarget::Back;
        }
        if let Some(hit) = self.chrome_hit(x, y) {
            return PressTarget::Chrome(hit);
        }
        if self.failure.is_some() {
            return PressTarget::Nothing;
        }
        if contains(&self.touchable_area(), x, y) {
            PressTarget::Page
        } else {
            PressTarget::Nothing
        }
    }

    /// Gives one input to the top page and applies what comes out.
    fn deliver(&mut self, input: Input, fonts: &mut FontSystem) -> Result<()> {
        if self.failure.is_some() {
            return Ok(());
        }
        self.layout(fonts)?;
        let Some(top) = self.stack.last_mut() else { return Ok(()) };
        let outcomes = top.view.handle(input);
        self.apply_outcomes(outcomes, fonts)
    }

    /// Applies the page's answers to an input: app events, navigation, focus, scrolling.
    fn apply_outcomes(&mut self, outcomes: Vec<Outcome>, fonts: &mut FontSystem) -> Result<()> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let Some(top) = self.stack.last() else { return Ok(()) };
        let page = PageRef { id: top.id, route: top.route.clone() };
        // The page moved or changed: what it rendered last is stale.
        self.invalidate();
        self.dirty = true;
        for outcome in outcomes {
            match outcome {
                Outcome::Event(e) => {
                    if self.stack.last().map(|p| p.id) != Some(page.id) {
                        continue; // the page was left by an earlier event of this input
                    }
                    tracing::debug!(app = %self.app_id, handler = %e.handler, kind = %e.event["type"], "event");
                    self.dispatch(&page, &e);
                }
                Outcome::Navigate { url, open_type, delta } => self.navigate_url(&url, open_type, delta),
                Outcome::Focus(rect) => {
                    tracing::debug!(app = %self.app_id, ?rect, "{}", if rect.is_some() { "keyboard up" } else { "keyboard down" });
                    self.input.focus = rect;
                    if rect.is_some() {
                        self.keep_focus_visible(fonts)?;
                    }
                }
                Outcome::PageScroll { scroll_top } => self.on_page_scroll(scroll_top),
                Outcome::ReachBottom => self.on_reach_bottom(),
                Outcome::PullDown { distance, released } => self.on_pull_down(distance, released),
                Outcome::OpenPicker(request) => {
                    if self.stack.last().map(|p| p.id) != Some(page.id) {
                        continue; // the page was left by an earlier event of this input
                    }
                    tracing::debug!(app = %self.app_id, mode = %request.mode, "picker sheet");
                    self.overlays.push(Overlay::Picker { page: page.id, request });
                }
                Outcome::Redraw => {}
                Outcome::Copy(text) => {
                    tracing::debug!(app = %self.app_id, bytes = text.len(), "copied to the clipboard");
                    self.clipboard.set(text);
                }
            }
        }
        self.invalidate();
        self.layout(fonts)
    }

    /// A navigator's `url` (`/pages/x/x?a=1`) and open type, applied like the app's own
    /// navigation effect.
    fn navigate_url(&mut self, url: &str, open_type: OpenType, delta: u32) {
        let (kind, route, query) = navigator_target(url, open_type, delta);
        let limit = miniapp_sandbox::DEFAULT_PAGE_STACK;
        let result = if kind == NavKind::NavigateTo && self.stack.len() >= limit {
            Err(format!("navigator to {route}: the page stack is {} deep, the limit is {limit}", self.stack.len()))
        } else {
            self.navigate(kind, route, query).map_err(|e| e.to_string())
        };
        if let Err(message) = result {
            tracing::warn!(app = %self.app_id, %message, "navigator tap not followed");
            self.logs.push(LogLine { app: self.app_id.clone(), level: "error".into(), message });
        }
    }

    /// Scrolls the page so that the focused field stays above the keyboard (as far as the page
    /// can scroll).
    fn keep_focus_visible(&mut self, fonts: &mut FontSystem) -> Result<()> {
        let Some(mut r) = self.input.focus else { return Ok(()) };
        let visible_bottom = self.touchable_area().h;
        let below = r.y + r.h + KEYBOARD_MARGIN - visible_bottom;
        if below <= 0.0 {
            return Ok(());
        }
        let dy = below.min(r.y.max(0.0));
        let before = self.scroll_top();
        self.scroll_page(dy, fonts)?;
        r.y -= self.scroll_top() - before;
        self.input.focus = Some(r);
        Ok(())
    }

    /// The page scrolled: the hook for the page's `on-page-scroll` (the lifecycle call arrives
    /// with the host API's page events).
    fn on_page_scroll(&mut self, scroll_top: f32) {
        tracing::debug!(app = %self.app_id, scroll_top, "page scrolled");
        // Throttled: at most one call per PAGE_SCROLL_INTERVAL; the view reports every step.
        let now = Instant::now();
        if self.input.last_page_scroll.is_some_and(|t| now.duration_since(t) < PAGE_SCROLL_INTERVAL) {
            return;
        }
        self.input.last_page_scroll = Some(now);
        if let Some(page) = self.top_ref() {
            self.call("on-page-scroll", |i| i.on_page_scroll(&page, scroll_top));
        }
    }

    /// The page reached its bottom: the hook for `on-reach-bottom`.
    fn on_reach_bottom(&mut self) {
        if let Some(page) = self.top_ref() {
            self.call("on-reach-bottom", |i| i.on_reach_bottom(&page));
        }
    }

    /// The page was pulled down past its top: the hook for `on-pull-down-refresh` (when the
    /// page config enables it).
    fn on_pull_down(&mut self, distance: f32, released: bool) {
        tracing::debug!(app = %self.app_id, distance, released, "page pulled down");
        self.input.pull = Some((distance, released));
        let enabled = self.stack.last().is_some_and(|p| p.config.enable_pull_down_refresh);
        if released && enabled && distance >= PULL_DOWN_REFRESH_PX {
            if let Some(page) = self.top_ref() {
                self.refreshing = true;
                self.dirty = true;
                self.call("on-pull-down-refresh", |i| i.on_pull_down_refresh(&page));
            }
        }
    }
}

/// A navigator's `url` and open type as the navigation the app's own effect would make:
/// `/pages/x/x?a=1` → (`NavigateTo`, `pages/x/x`, `a=1`).
fn navigator_target(url: &str, open_type: OpenType, delta: u32) -> (NavKind, &str, &str) {
    let url = url.trim_start_matches('/');
    let (route, query) = url.split_once('?').unwrap_or((url, ""));
    let kind = match open_type {
        OpenType::Navigate => NavKind::NavigateTo,
        OpenType::Redirect => NavKind::RedirectTo,
        OpenType::SwitchTab => NavKind::SwitchTab,
        OpenType::ReLaunch => NavKind::ReLaunch,
        OpenType::NavigateBack => NavKind::NavigateBack { delta: delta.max(1) },
    };
    (kind, route, query)
}

/// Draws the simulated keyboard over the bottom of the screen.
fn draw_keyboard(out: &mut DisplayList, device: &Device, fonts: &mut FontSystem) {
    let (screen_w, top) = (device.width, device.height - KEYBOARD_HEIGHT);
    let key_colour = Color { r: 255, g: 255, b: 255, a: 255 };
    let label = Color { r: 0x22, g: 0x22, b: 0x22, a: 255 };
    let plain = |rect: Rect, color: Color, radius: f32| miniapp_view::DisplayItem::Rect {
        rect,
        color,
        radius,
        border_width: 0.0,
        border_color: color,
    };
    out.items.push(plain(Rect { x: 0.0, y: top, w: screen_w, h: KEYBOARD_HEIGHT }, Color { r: 0xd1, g: 0xd4, b: 0xd9, a: 255 }, 0.0));
    let key_w = screen_w / 10.0;
    let (key_h, row_h) = (42.0, 54.0);
    for (row, keys) in ["qwertyuiop", "asdfghjkl", "zxcvbnm"].iter().enumerate() {
        let n = keys.chars().count() as f32;
        let x0 = (screen_w - n * key_w) / 2.0;
        let y = top + 10.0 + row as f32 * row_h;
        for (i, c) in keys.chars().enumerate() {
            let r = Rect { x: x0 + i as f32 * key_w + 3.0, y, w: key_w - 6.0, h: key_h };
            out.items.push(plain(r, key_colour, 5.0));
            let s = c.to_string();
            let text_rect = Rect { x: r.x, y: r.y + 10.0, w: r.w, h: 24.0 };
            out.items.extend(miniapp_view::text_items(fonts, text_rect, &s, 18.0, 22.0, label, false, miniapp_view::TextAlign::Center));
        }
    }
    let space = Rect { x: 90.0, y: top + 10.0 + 3.0 * row_h, w: screen_w - 180.0, h: key_h };
    out.items.push(plain(space, key_colour, 5.0));
    let text_rect = Rect { x: space.x, y: space.y + 11.0, w: space.w, h: 22.0 };
    out.items.extend(miniapp_view::text_items(fonts, text_rect, "space", 15.0, 20.0, label, false, miniapp_view::TextAlign::Center));
}

fn contains(r: &Rect, x: f32, y: f32) -> bool {
    x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h
}

#[cfg(test)]
mod input_tests {
    use super::*;

    #[test]
    fn navigator_urls_split_into_route_and_query() {
        assert_eq!(navigator_target("/pages/x/x?a=1&b=2", OpenType::Navigate, 1), (NavKind::NavigateTo, "pages/x/x", "a=1&b=2"));
        assert_eq!(navigator_target("pages/y/y", OpenType::Redirect, 1), (NavKind::RedirectTo, "pages/y/y", ""));
        assert_eq!(navigator_target("/pages/t/t", OpenType::SwitchTab, 1).0, NavKind::SwitchTab);
        assert_eq!(navigator_target("/pages/t/t", OpenType::ReLaunch, 1).0, NavKind::ReLaunch);
        assert_eq!(navigator_target("", OpenType::NavigateBack, 3).0, NavKind::NavigateBack { delta: 3 });
        assert_eq!(navigator_target("", OpenType::NavigateBack, 0).0, NavKind::NavigateBack { delta: 1 });
    }

    #[test]
    fn the_keyboard_covers_the_bottom_of_the_screen() {
        let device = Device::default();
        let mut list = DisplayList { width: device.width, height: device.height, items: Vec::new() };
        draw_keyboard(&mut list, &device, &mut miniapp_view::new_font_system());
        let Some(miniapp_view::DisplayItem::Rect { rect, .. }) = list.items.first() else { panic!("no background") };
        assert_eq!((rect.y, rect.h, rect.w), (device.height - KEYBOARD_HEIGHT, KEYBOARD_HEIGHT, device.width));
        // Every key is inside the keyboard.
        for item in &list.items {
            if let miniapp_view::DisplayItem::Rect { rect, .. } = item {
                assert!(rect.y >= device.height - KEYBOARD_HEIGHT && rect.y + rect.h <= device.height, "{rect:?}");
            }
        }
    }
}
