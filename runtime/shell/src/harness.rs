//! The headless driver: a host plus an offscreen renderer, a launched session, and the script
//! runner behind `miniapp run --headless` and `miniapp demo --headless`. Tests use it too.

use crate::error::{Error, Result};
use crate::host::{ms, Host, HostConfig, LaunchReport};
use crate::images::{load_images, RemoteImages, IMAGE_SETTLE_TIMEOUT};
use crate::script::{self, ScriptLine, Step, LONGPRESS_MS};
use crate::session::{Overlay, Session};
use miniapp_render::{Gpu, Renderer};
use miniapp_view::Color;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Pixel ratio of headless screenshots when neither the caller nor the device says otherwise
/// (1: one PNG pixel per logical px). Screenshots come at the session's device pixel ratio
/// (`iPhone 15`: 3, so 1179×2556) unless [`Harness::set_scale`] overrides it.
pub const DEFAULT_SCALE: f32 = 1.0;

/// The record of one script step, for `trace.json`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StepTrace {
    /// 1-based script line.
    pub line: usize,
    /// When it began, in ms since the harness started.
    pub start_ms: f64,
    /// The step as written.
    pub step: String,
    /// How long it took.
    pub ms: f64,
    /// Whether it held.
    pub ok: bool,
    /// Why not, when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// For taps: the screen rectangle of the element that was tapped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<TargetRect>,
}

/// A rectangle in screen coordinates (logical px), as written to traces.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct TargetRect {
    /// Left.
    pub x: f32,
    /// Top.
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
}

/// Everything a headless run reports: the launch stages, the GPU, every step and the console.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Trace {
    /// The launch.
    pub launch: LaunchReport,
    /// The adapter that rendered, e.g. "Vulkan llvmpipe".
    pub adapter: String,
    /// Script steps.
    pub steps: Vec<StepTrace>,
    /// The app's console.
    pub logs: Vec<crate::session::LogLine>,
    /// The same run as Chrome trace events (open the file in Perfetto or chrome://tracing):
    /// the launch stages, then each step, and within them every handler, set-data (with its
    /// bytes), layout and paint. See [`trace_events`].
    #[serde(rename = "traceEvents")]
    pub trace_events: Vec<serde_json::Value>,
    /// Chrome's trace viewer shows milliseconds.
    #[serde(rename = "displayTimeUnit")]
    pub display_time_unit: &'static str,
}

impl Trace {
    /// The trace of a run: the launch report, the steps, the session's console and spans as
    /// Chrome trace events (timed from `started`, [`Harness::started`]).
    pub fn new(started: Instant, launch: LaunchReport, adapter: String, steps: Vec<StepTrace>, session: &Session) -> Trace {
        let trace_events = trace_events(started, &launch, &steps, session.spans());
        Trace { launch, adapter, steps, logs: session.logs().to_vec(), trace_events, display_time_unit: "ms" }
    }
}

/// Chrome trace events ("X" complete events, microseconds from the harness start) of a run:
/// the launch stages laid end to end from 0 (they ran first), each script step, and the
/// session's spans (handlers, set-data, layout, paint).
pub fn trace_events(started: Instant, launch: &LaunchReport, steps: &[StepTrace], spans: &[crate::session::Span]) -> Vec<serde_json::Value> {
    use serde_json::json;
    let ev = |name: &str, cat: &str, ts_ms: f64, dur_ms: f64, tid: u32, args: serde_json::Value| {
        json!({ "name": name, "cat": cat, "ph": "X", "ts": ts_ms * 1000.0, "dur": dur_ms * 1000.0, "pid": 1, "tid": tid, "args": args })
    };
    let mut out = vec![json!({ "name": "thread_name", "ph": "M", "pid": 1, "tid": 1, "args": { "name": "steps" } }), json!({ "name": "thread_name", "ph": "M", "pid": 1, "tid": 2, "args": { "name": "app" } })];
    let t = &launch.timings;
    let mut at = 0.0;
    for (name, ms) in [
        ("fetch", t.fetch_ms),
        ("verify", t.verify_ms),
        ("base library", t.base_ms),
        ("compile", t.compile_ms),
        ("instantiate", t.instantiate_ms),
        ("first layout", t.first_layout_ms),
        ("first frame", t.first_frame_ms),
    ] {
        out.push(ev(name, "launch", at, ms, 1, json!({ "app": launch.app, "version": launch.version })));
        at += ms;
    }
    for s in steps {
        out.push(ev(&s.step, "step", s.start_ms, s.ms, 1, json!({ "line": s.line, "ok": s.ok })));
    }
    for s in spans {
        let ts = s.start.saturating_duration_since(started).as_secs_f64() * 1000.0;
        let args = match s.bytes {
            Some(b) => json!({ "bytes": b }),
            None => json!({}),
        };
        out.push(ev(&s.name, s.cat, ts, s.dur.as_secs_f64() * 1000.0, 2, args));
    }
    out
}

/// The offscreen GPU device and renderer. [`Harness::new`] starts making them on a thread of
/// their own, so the host's start and the first app's fetch and compile run while the driver
/// initialises (about 50 ms on lavapipe); the first frame waits for them.
#[allow(clippy::large_enum_variant)] // one per harness, made once and never moved around
enum Offscreen {
    Starting(std::thread::JoinHandle<Result<(Gpu, Renderer)>>),
    Ready { gpu: Gpu, renderer: Renderer },
    Failed(String),
}

impl Offscreen {
    fn start() -> Offscreen {
        let spawned = std::thread::Builder::new().name("miniapp-gpu-init".into()).spawn(|| {
            let gpu = Gpu::new_headless()?;
            let renderer = Renderer::new(&gpu, wgpu_format())?;
            tracing::info!(adapter = %gpu.adapter_summary(), "headless renderer ready");
            Ok((gpu, renderer))
        });
        match spawned {
            Ok(handle) => Offscreen::Starting(handle),
            Err(e) => Offscreen::Failed(format!("cannot start the GPU thread: {e}")),
        }
    }

    /// Waits for a device still being made: a process must not exit while the driver initialises
    /// on another thread. The exit runs the driver's static destructors (lavapipe's LLVM), and
    /// racing them aborted a fast failing `miniapp run` with "double free or corruption".
    fn settle(&mut self) {
        if matches!(self, Offscreen::Starting(_)) {
            let _ = self.ready();
        }
    }

    /// The device and renderer, waiting for them the first time.
    ///
    /// # Errors
    /// No GPU adapter (the first call returns the driver's error, later ones its message).
    fn ready(&mut self) -> Result<(&Gpu, &mut Renderer)> {
        if matches!(self, Offscreen::Starting(_)) {
            let Offscreen::Starting(handle) = std::mem::replace(self, Offscreen::Failed(String::new())) else { unreachable!("matched above") };
            match handle.join() {
                Ok(Ok((gpu, renderer))) => *self = Offscreen::Ready { gpu, renderer },
                Ok(Err(e)) => {
                    *self = Offscreen::Failed(e.to_string());
                    return Err(e);
                }
                Err(_) => *self = Offscreen::Failed("the GPU thread panicked".into()),
            }
        }
        match self {
            Offscreen::Ready { gpu, renderer } => Ok((gpu, renderer)),
            Offscreen::Failed(reason) => Err(Error::GpuUnavailable(reason.clone())),
            Offscreen::Starting(_) => unreachable!("joined above"),
        }
    }
}

/// A host with an offscreen renderer.
pub struct Harness {
    host: Host,
    gfx: Offscreen,
    /// Screenshot pixel ratio; `None` = the session's device pixel ratio.
    scale: Option<f32>,
    /// The host's fonts epoch the renderer's shaped text belongs to.
    fonts_epoch: u64,
    /// The input clock: ms since the harness started, plus the time long presses simulated.
    started: Instant,
    skew_ms: u64,
    /// `miniapp dev`'s file changes, polled between steps and while a step waits.
    reloader: Option<Box<dyn crate::Reloader>>,
    /// The app in front's launch URL, the apps in the background (`home`, `open`, `switch`)
    /// and the home screen (see [`crate::apps`]).
    apps: crate::apps::Apps,
    /// The home screen's Open URL field and its last answer.
    home_form: crate::home::HomeForm,
    /// The remote `<image src>` of the session last launched (or reloaded).
    remote: RemoteImages,
}

impl Drop for Harness {
    fn drop(&mut self) {
        self.gfx.settle();
    }
}

impl Harness {
    /// Creates the host, and starts creating the GPU device (lavapipe where there is no GPU) on
    /// another thread; the first frame waits for it.
    ///
    /// # Errors
    /// The host cannot be created. No GPU adapter is an error of the first frame (or of
    /// [`Harness::adapter`]).
    pub fn new(config: HostConfig) -> Result<Harness> {
        crate::private_runtime_dir();
        let mut gfx = Offscreen::start();
        let host = Host::new(config).inspect_err(|_| gfx.settle())?;
        let fonts_epoch = host.fonts_epoch();
        let apps = crate::apps::Apps::new(host.background_ttl());
        Ok(Harness {
            host,
            gfx,
            scale: None,
            fonts_epoch,
            started: Instant::now(),
            skew_ms: 0,
            reloader: None,
            apps,
            home_form: crate::home::HomeForm::default(),
            remote: RemoteImages::new(&[]),
        })
    }

    /// Renders screenshots at `scale` physical pixels per logical px (`--scale`), or with
    /// `None` at the device's pixel ratio (the default).
    pub fn set_scale(&mut self, scale: Option<f32>) {
        self.scale = scale;
    }

    /// Polls `reloader` between script steps and while `wait` / `wait-for` wait (`miniapp dev`).
    pub fn set_reloader(&mut self, reloader: Box<dyn crate::Reloader>) {
        self.reloader = Some(reloader);
    }

    /// Applies pending file changes through the reloader, if there is one.
    pub fn poll_reloader(&mut self, session: &mut Session) -> bool {
        let changed = match self.reloader.as_mut() {
            Some(r) => r.poll(&mut self.host, session),
            None => false,
        };
        if changed {
            // A reloaded or relaunched session: its images, and the fixed clock of screenshots.
            session.set_clock(Some(crate::frame::FIXED_CLOCK.to_string()));
            if let Ok((_, renderer)) = self.gfx.ready() {
                self.remote = load_images(renderer, session.bundle());
            }
        }
        changed
    }

    /// The adapter in use, for traces and logs (waiting for the device if it is still being
    /// made).
    pub fn adapter(&mut self) -> String {
        match self.gfx.ready() {
            Ok((gpu, _)) => gpu.adapter_summary(),
            Err(e) => format!("none ({e})"),
        }
    }

    /// The host (fonts, cloud client).
    pub fn host(&mut self) -> &mut Host {
        &mut self.host
    }

    /// Launches an app and renders its first frame (timed into the report).
    ///
    /// # Errors
    /// See [`Host::launch`]; rendering errors.
    pub fn launch(&mut self, url: &str, progress: &dyn Fn(u64, u64)) -> Result<(Session, LaunchReport)> {
        let (mut session, mut report) = self.host.launch(url, progress)?;
        // The simulated clock: screenshots are the same whenever they are taken.
        session.set_clock(Some(crate::frame::FIXED_CLOCK.to_string()));
        if self.host.fonts_epoch() != self.fonts_epoch {
            // The base library's fonts replaced the ones earlier frames were shaped with.
            self.gfx.ready()?.1.clear_text_cache();
            self.fonts_epoch = self.host.fonts_epoch();
        }
        let t = Instant::now();
        self.remote = load_images(self.gfx.ready()?.1, session.bundle());
        let _ = self.frame(&mut session)?;
        report.timings.first_frame_ms = ms(t);
        session.set_launch_timings(report.timings.clone());
        if self.apps.front_url().is_none() {
            self.apps.set_front_url(url);
        }
        Ok((session, report))
    }

    /// `home`: the app in front goes to the background and the home screen shows.
    fn go_home(&mut self, session: &mut Session) {
        let now = self.now_ms();
        self.apps.go_home(Some(session), now, self.host.client().cache());
    }

    /// Brings the app `app_id` (running) or the app of `url` to the front: resumed when it runs
    /// in the background, launched otherwise (also when it was destroyed there); the app that
    /// was in front goes to the background.
    fn bring(&mut self, session: &mut Session, app_id: &str, url: Option<&str>) -> Result<std::result::Result<(), String>> {
        if session.app_id() == app_id && !self.apps.front_destroyed() {
            self.apps.resume_front(session);
            return Ok(Ok(()));
        }
        let (new_url, fresh) = match self.apps.take(app_id) {
            Some(found) => found,
            None => {
                let url = match url {
                    Some(u) => u.to_string(),
                    // The app in front, destroyed in the background: launched again from its URL.
                    None if session.app_id() == app_id => self.apps.front_url().unwrap_or_default().to_string(),
                    None => {
                        let running: Vec<String> = self.apps.running(Some(session)).into_iter().map(|(id, ..)| id).collect();
                        return Ok(Err(format!("{app_id} is not running (running: {}); `open URL` launches it", running.join(", "))));
                    }
                };
                match self.launch(&url, &|_, _| {}) {
                    Ok((s, _)) => (url, s),
                    Err(e) => return Ok(Err(format!("launching {url}: {e}"))),
                }
            }
        };
        let now = self.now_ms();
        self.apps.bring_front(session, fresh, &new_url, now);
        // The app now in front: its bundle's images (and remote ones from its origins).
        self.remote = load_images(self.gfx.ready()?.1, session.bundle());
        Ok(Ok(()))
    }

    /// `restart`: the app in front exits and is launched again from its launch URL (from the
    /// cache: a fresh instance, `on-launch`, the entry page), as the capsule's Restart does.
    fn restart(&mut self, session: &mut Session) -> Result<std::result::Result<(), String>> {
        let Some(url) = self.apps.front_url().map(str::to_string) else {
            return Ok(Err("this run was not opened from a launch URL: nothing to restart".into()));
        };
        if !self.apps.at_home() {
            session.hide_app();
        }
        match self.launch(&url, &|_, _| {}) {
            Ok((fresh, _)) => {
                // The old session (its wasm instance, pages and views) is dropped here.
                *session = fresh;
                self.apps.relaunched(&url);
                Ok(Ok(()))
            }
            Err(e) => Ok(Err(format!("relaunching {url}: {e}"))),
        }
    }

    /// A step while the home screen shows: open, switch, home, taps on a row (`tap text=Name`),
    /// `scan IMAGE` (the Scan button: a launch URL in the code opens, any other text is shown
    /// with Copy), text checks and screenshots; anything else needs an app in front.
    fn home_step(&mut self, session: &mut Session, step: &Step, out_dir: &Path) -> Result<std::result::Result<(), String>> {
        let entries = self.apps.home_entries().map(<[_]>::to_vec).unwrap_or_default();
        let text = crate::home::text(&entries, &self.home_form);
        Ok(match step {
            Step::Scan(file) => match crate::camera::decode_qr_file(Path::new(file)) {
                Ok(decoded) => match self.home_form.submit(&decoded) {
                    Some(url) => match miniapp_cloud::LaunchUrl::parse(&url) {
                        Ok(l) => return self.bring(session, l.app_id.as_str(), Some(&url)),
                        Err(e) => Err(e.to_string()),
                    },
                    None => Ok(()),
                },
                Err(why) => {
                    self.home_form.message = Some(crate::home::HomeMessage::NoCode(why.clone()));
                    Err(why)
                }
            },
            Step::Tap(sel) if sel.0.starts_with("text=") => {
                match sel.0.strip_prefix("text=").and_then(|l| entries.iter().find(|e| e.name == l.trim())) {
                    Some(e) => {
                        let (id, url) = (e.app_id.clone(), e.url.clone());
                        return self.bring(session, &id, Some(&url));
                    }
                    None => Err(format!("the home screen has no app `{}`; it shows: {}", sel.0, one_line(&text))),
                }
            }
            Step::AssertText { text: t, .. } if text.contains(t.as_str()) => Ok(()),
            Step::AssertText { text: t, .. } => Err(format!("the home screen does not show `{t}`; it shows: {}", one_line(&text))),
            Step::AssertNoText { text: t, .. } if text.contains(t.as_str()) => Err(format!("the home screen shows `{t}`")),
            Step::AssertNoText { .. } => Ok(()),
            Step::Screenshot(file) => {
                let path = resolve(out_dir, file);
                let device = session.device();
                let list = crate::home::screen(&entries, &self.home_form, &device, &mut self.host.fonts);
                let (gpu, renderer) = self.gfx.ready()?;
                crate::images::home_icons(renderer, &entries);
                let scale = self.scale.unwrap_or(device.pixel_ratio);
                let white = Color { r: 255, g: 255, b: 255, a: 255 };
                let img = renderer.render_to_image(gpu, &list, &mut self.host.fonts, scale, white)?;
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|source| Error::Io { path: dir.to_path_buf(), source })?;
                }
                miniapp_render::save_png(&img, &path)?;
                Ok(())
            }
            Step::Wait(_) | Step::Home => Ok(()),
            Step::Open(_) | Step::Switch(_) | Step::Elapse(_) | Step::Device(_) => unreachable!("handled before"),
            _ => Err("the home screen is showing: `open URL`, `switch APPID` or `tap text=NAME` brings an app to the front first".into()),
        })
    }

    /// Renders the current screen of a session to an RGBA image.
    ///
    /// # Errors
    /// Layout or GPU errors.
    pub fn frame(&mut self, session: &mut Session) -> Result<image::RgbaImage> {
        let mut list = session.screen(&mut self.host.fonts)?;
        // Remote images on this screen start loading; those that arrived are decoded, and the
        // pages learn each image's size (a `widthFix` image changes the layout).
        let (gpu, renderer) = self.gfx.ready()?;
        if crate::images::sync(&mut self.remote, renderer, session, &list, &mut self.host.fonts)?.1 {
            list = session.screen(&mut self.host.fonts)?;
        }
        let device = session.device();
        debug_assert_eq!((list.width, list.height), (device.width, device.height));
        let white = Color { r: 255, g: 255, b: 255, a: 255 };
        let scale = self.scale.unwrap_or(device.pixel_ratio);
        let t = Instant::now();
        let img = renderer.render_to_image(gpu, &list, &mut self.host.fonts, scale, white)?;
        session.record_frame(ms(t));
        session.span(format!("paint {} items", list.items.len()), "paint", t, None);
        Ok(img)
    }

    /// Waits until the remote images of the screen have arrived or failed, at most
    /// [`IMAGE_SETTLE_TIMEOUT`] (then those still pending are named in a console warning and
    /// drawn as placeholders), so a screenshot does not depend on the network's timing.
    ///
    /// # Errors
    /// Layout errors.
    pub fn settle_images(&mut self, session: &mut Session) -> Result<()> {
        let end = Instant::now() + IMAGE_SETTLE_TIMEOUT;
        loop {
            let list = session.screen(&mut self.host.fonts)?;
            crate::images::sync(&mut self.remote, self.gfx.ready()?.1, session, &list, &mut self.host.fonts)?;
            if self.remote.pending() == 0 {
                return Ok(());
            }
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                let urls = self.remote.pending_urls().join(", ");
                session.console_warn(format!(
                    "images still loading after the settle timeout of {} ms (IMAGE_SETTLE_TIMEOUT), drawn as placeholders: {urls}",
                    IMAGE_SETTLE_TIMEOUT.as_millis()
                ));
                return Ok(());
            }
            self.remote.wait(left.min(Duration::from_millis(50)));
        }
    }

    /// The instant the harness started: `ts` 0 of the trace events.
    pub fn started(&self) -> Instant {
        self.started
    }

    /// Renders the screen and writes it as a PNG.
    ///
    /// # Errors
    /// Rendering or writing fails.
    pub fn screenshot(&mut self, session: &mut Session, path: &Path) -> Result<()> {
        self.settle_images(session)?;
        let img = self.frame(session)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| Error::Io { path: dir.to_path_buf(), source })?;
        }
        miniapp_render::save_png(&img, path)?;
        Ok(())
    }

    /// The input clock in ms (monotonic; long presses move it on).
    fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64 + self.skew_ms
    }

    /// Taps (pointer down and up) the centre of the on-screen part of the first element
    /// matching `selector`.
    ///
    /// # Errors
    /// Layout errors; a message (the inner `Err`) when nothing matches or the element is not on
    /// screen.
    pub fn tap(&mut self, session: &mut Session, selector: &str) -> Result<std::result::Result<TargetRect, String>> {
        let (r, (x, y)) = match on_screen(session, selector, &mut self.host.fonts)? {
            Ok(hit) => hit,
            Err(why) => return Ok(Err(why)),
        };
        let t = self.now_ms();
        session.pointer_down(x, y, t, &mut self.host.fonts)?;
        session.pointer_up(x, y, t, &mut self.host.fonts)?;
        // The finger has lifted: the clock moves past the element's `hover-stay-time`, so the
        // next screenshot shows the page after the tap, not the pressed look.
        if let Some(end) = session.hover_ends_at() {
            self.skew_ms += end.saturating_sub(t);
            session.frame(end, &mut self.host.fonts)?;
        }
        Ok(Ok(r))
    }

    /// Presses the first element matching `selector` for [`LONGPRESS_MS`], drawing frames
    /// meanwhile (the page fires `longpress`).
    ///
    /// # Errors
    /// As [`Harness::tap`].
    pub fn long_press(&mut self, session: &mut Session, selector: &str) -> Result<std::result::Result<TargetRect, String>> {
        let (r, (x, y)) = match on_screen(session, selector, &mut self.host.fonts)? {
            Ok(hit) => hit,
            Err(why) => return Ok(Err(why)),
        };
        let t0 = self.now_ms();
        let fonts = &mut self.host.fonts;
        session.pointer_down(x, y, t0, fonts)?;
        for dt in (50..=LONGPRESS_MS).step_by(50) {
            session.frame(t0 + dt, fonts)?;
        }
        session.pointer_up(x, y, t0 + LONGPRESS_MS, fonts)?;
        self.skew_ms += LONGPRESS_MS;
        Ok(Ok(r))
    }

    /// Writes the part `r` (screen px) of the screen as a PNG (`screenshot FILE SELECTOR`).
    fn screenshot_of(&mut self, session: &mut Session, path: &Path, r: TargetRect) -> Result<()> {
        let img = self.frame(session)?;
        let scale = self.scale.unwrap_or(session.device().pixel_ratio);
        let (x0, y0) = ((r.x.max(0.0) * scale) as u32, (r.y.max(0.0) * scale) as u32);
        let x1 = (((r.x + r.w) * scale).ceil() as u32).min(img.width());
        let y1 = (((r.y + r.h) * scale).ceil() as u32).min(img.height());
        let cut = image::imageops::crop_imm(&img, x0.min(x1), y0.min(y1), x1.saturating_sub(x0).max(1), y1.saturating_sub(y0).max(1)).to_image();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| Error::Io { path: dir.to_path_buf(), source })?;
        }
        miniapp_render::save_png(&cut, path)?;
        Ok(())
    }

    /// A quick drag from `from` by `delta` (screen px) over 8 frames of 16 ms: a swipe.
    fn swipe(&mut self, session: &mut Session, from: (f32, f32), delta: (f32, f32)) -> Result<()> {
        let t0 = self.now_ms();
        let fonts = &mut self.host.fonts;
        session.pointer_down(from.0, from.1, t0, fonts)?;
        for i in 1..=8u64 {
            let f = i as f32 / 8.0;
            session.pointer_move(from.0 + delta.0 * f, from.1 + delta.1 * f, t0 + 16 * i, fonts)?;
            session.frame(t0 + 16 * i, fonts)?;
        }
        session.pointer_up(from.0 + delta.0, from.1 + delta.1, t0 + 128, fonts)?;
        self.skew_ms += 128;
        Ok(())
    }

    /// Drags the page down from near its top by 160 px (the pull-down gesture).
    fn pull_down(&mut self, session: &mut Session) -> Result<std::result::Result<(), String>> {
        let scrolled = session.scroll_top();
        if scrolled > 0.0 {
            return Ok(Err(format!(
                "the page is scrolled {scrolled:.0} px down; a pull-down starts at its top (`scroll page -{scrolled:.0}` first)"
            )));
        }
        let area = session.touchable_area();
        let (x, y0) = (area.x + area.w / 2.0, area.y + 20.0);
        let t0 = self.now_ms();
        let fonts = &mut self.host.fonts;
        session.pointer_down(x, y0, t0, fonts)?;
        for i in 1..=10u64 {
            session.pointer_move(x, y0 + 16.0 * i as f32, t0 + 16 * i, fonts)?;
            session.frame(t0 + 16 * i, fonts)?;
        }
        session.pointer_up(x, y0 + 160.0, t0 + 176, fonts)?;
        self.skew_ms += 176;
        Ok(match session.last_pull_down() {
            Some((_, true)) => Ok(()),
            _ => Err("the page did not take the pull-down".to_string()),
        })
    }

    /// Runs a parsed script against a session. Stops at the first failing step.
    /// Screenshots go relative to `out_dir`.
    ///
    /// # Errors
    /// [`Error::StepFailed`] naming the line and why; the steps run so far are in `steps`.
    pub fn run_script(
        &mut self,
        session: &mut Session,
        script_name: &str,
        script: &[ScriptLine],
        out_dir: &Path,
        steps: &mut Vec<StepTrace>,
    ) -> Result<()> {
        for line in script {
            self.poll_reloader(session);
            let now = self.now_ms();
            self.apps.expire(now, Some(session), self.host.client().cache());
            let t = Instant::now();
            let mut target = None;
            let outcome: std::result::Result<(), String> = match &line.step {
                Step::Home => {
                    self.go_home(session);
                    Ok(())
                }
                Step::Open(url) => match miniapp_cloud::LaunchUrl::parse(url) {
                    Ok(l) => self.bring(session, l.app_id.as_str(), Some(url))?,
                    Err(e) => Err(e.to_string()),
                },
                Step::Switch(app_id) => self.bring(session, app_id, None)?,
                Step::Restart => self.restart(session)?,
                Step::Elapse(ms) => {
                    self.skew_ms += ms;
                    let now = self.now_ms();
                    self.apps.expire(now, Some(session), self.host.client().cache());
                    Ok(())
                }
                // The device applies on the home screen too (the app in front moves with it).
                Step::Device(device) => {
                    session.set_device(*device);
                    self.host.set_device(*device);
                    session.layout(&mut self.host.fonts)?;
                    Ok(())
                }
                step if self.apps.at_home() => self.home_step(session, step, out_dir)?,
                Step::Tap(sel) => {
                    let r = self.tap(session, &sel.0)?.map(|r| target = Some(r));
                    session.pump(Instant::now());
                    r
                }
                Step::LongPress(sel) => {
                    let r = self.long_press(session, &sel.0)?.map(|r| target = Some(r));
                    session.pump(Instant::now());
                    r
                }
                Step::Input(sel, text) => match self.tap(session, &sel.0)? {
                    Ok(r) => {
                        target = Some(r);
                        session.pump(Instant::now());
                        if session.keyboard_open() {
                            session.text(text, &mut self.host.fonts)?;
                            session.pump(Instant::now());
                            Ok(())
                        } else {
                            Err(format!("tapping `{}` gave no field the focus (is it an input or a textarea?)", sel.0))
                        }
                    }
                    Err(e) => Err(e),
                },
                Step::Key { key: miniapp_view::Key::Copy, shift, word } if !session.keyboard_open() => {
                    // Text selected by a long press on `user-select` text.
                    if session.selected_text().is_some() {
                        session.key(miniapp_view::Key::Copy, *shift, *word, &mut self.host.fonts)?;
                        Ok(())
                    } else {
                        Err("`key copy`: nothing is selected: `longpress` a `user-select` text or focus a field first".into())
                    }
                }
                Step::Key { key, shift, word } => {
                    if session.keyboard_open() {
                        session.key(*key, *shift, *word, &mut self.host.fonts)?;
                        session.pump(Instant::now());
                        Ok(())
                    } else {
                        Err("no field has the focus: `input SELECTOR TEXT` or `tap` a field first".into())
                    }
                }
                Step::Scroll(None, dy) => {
                    let before = session.scroll_top();
                    session.scroll_page(*dy, &mut self.host.fonts)?;
                    let t = self.now_ms();
                    session.frame(t, &mut self.host.fonts)?;
                    session.pump(Instant::now());
                    if session.scroll_top() == before && *dy != 0.0 {
                        let area = session.page_area();
                        Err(format!(
                            "the page did not move: its scroll top stays at {before:.0} px (the page area is {:.0} px tall)",
                            area.h
                        ))
                    } else {
                        Ok(())
                    }
                }
                Step::Scroll(Some(sel), dy) => match on_screen(session, &sel.0, &mut self.host.fonts)? {
                    Ok((r, (x, y))) => {
                        target = Some(r);
                        session.wheel(x, y, 0.0, *dy, &mut self.host.fonts)?;
                        let t = self.now_ms();
                        session.frame(t, &mut self.host.fonts)?;
                        session.pump(Instant::now());
                        Ok(())
                    }
                    Err(e) => Err(e),
                },
                Step::PullDown => {
                    let r = self.pull_down(session)?;
                    session.pump(Instant::now());
                    r
                }
                Step::WaitFor(sel, ms) => {
                    let end = Instant::now() + Duration::from_millis(*ms);
                    loop {
                        self.poll_reloader(session);
                        let now = Instant::now();
                        let next = session.pump(now);
                        let t = self.now_ms();
                        session.frame(t, &mut self.host.fonts)?;
                        if appears(session, &sel.0, &mut self.host.fonts)? {
                            break Ok(());
                        }
                        if now >= end {
                            let shown = session.visible_text(&mut self.host.fonts)?;
                            break Err(format!(
                                "`{}` did not appear within {ms} ms; the screen shows: {}",
                                sel.0,
                                one_line(&shown)
                            ));
                        }
                        let until = next.map(|n| n.min(end)).unwrap_or(end).min(now + Duration::from_millis(10));
                        std::thread::sleep(until.saturating_duration_since(Instant::now()).max(Duration::from_millis(1)));
                    }
                }
                Step::AssertNoText { text, anywhere } => {
                    let shown =
                        if *anywhere { session.text_content(&mut self.host.fonts)? } else { session.visible_text(&mut self.host.fonts)? };
                    if shown.contains(text.as_str()) {
                        let place = if *anywhere { "the page" } else { "the screen" };
                        Err(format!("{place} shows `{text}`, which it must not: {}", one_line(&shown)))
                    } else {
                        Ok(())
                    }
                }
                Step::AssertCount(sel, n) => {
                    let found = session.find_all(&sel.0, &mut self.host.fonts)?.len();
                    if found == *n {
                        Ok(())
                    } else {
                        Err(format!("{found} elements match `{}` on {}, not {n}", sel.0, session.current_route().unwrap_or("?")))
                    }
                }
                Step::AssertData(path, want) => {
                    let parts = script::data_path(path).ok();
                    match (session.page_data(), parts) {
                        (Some(data), Some(parts)) => match script::lookup(data, &parts) {
                            Some(v) if v == want => Ok(()),
                            Some(v) => Err(format!("the page data at `{path}` is {v}, not {want}")),
                            None => Err(format!("the page data has nothing at `{path}`; it is {}", short_json(data))),
                        },
                        _ => Err("there is no page".into()),
                    }
                }
                Step::SetData(path, value) => {
                    let r = session.edit_data(path, value.clone());
                    session.layout(&mut self.host.fonts)?;
                    r
                }
                Step::ClearStorage => session.clear_storage().map(|_| ()),
                Step::Wait(ms) => {
                    // Run the app's event loop (timers, network results) for this long.
                    let end = Instant::now() + Duration::from_millis(*ms);
                    loop {
                        self.poll_reloader(session);
                        let now = Instant::now();
                        let next = session.pump(now);
                        if now >= end {
                            break;
                        }
                        let mut until = next.map(|n| n.min(end)).unwrap_or(end);
                        if self.reloader.is_some() {
                            until = until.min(now + crate::RELOAD_POLL);
                        }
                        std::thread::sleep(until.saturating_duration_since(Instant::now()).max(Duration::from_millis(1)));
                    }
                    Ok(())
                }
                Step::Screenshot(file) => {
                    let path = resolve(out_dir, file);
                    self.screenshot(session, &path).map_err(|e| e.to_string())
                }
                Step::ScreenshotOf(file, sel) => match on_screen(session, &sel.0, &mut self.host.fonts)? {
                    Ok((r, _)) => {
                        target = Some(r);
                        let path = resolve(out_dir, file);
                        self.screenshot_of(session, &path, r).map_err(|e| e.to_string())
                    }
                    Err(e) => Err(e),
                },
                Step::Swipe(sel, dir) => {
                    let from = match sel {
                        Some(sel) => on_screen(session, &sel.0, &mut self.host.fonts)?.map(|(r, c)| {
                            target = Some(r);
                            c
                        }),
                        None => {
                            let a = session.touchable_area();
                            Ok((a.x + a.w / 2.0, a.y + a.h / 2.0))
                        }
                    };
                    match from {
                        Ok(from) => {
                            self.swipe(session, from, dir.delta(script::SWIPE_PX))?;
                            session.pump(Instant::now());
                            Ok(())
                        }
                        Err(e) => Err(e),
                    }
                }
                Step::Menu(item) => {
                    session.open_menu();
                    session.answer_overlay(Some(*item));
                    session.layout(&mut self.host.fonts)?;
                    Ok(())
                }
                Step::AssertText { text, anywhere } => {
                    let shown =
                        if *anywhere { session.text_content(&mut self.host.fonts)? } else { session.visible_text(&mut self.host.fonts)? };
                    if shown.contains(text.as_str()) {
                        Ok(())
                    } else if *anywhere {
                        Err(format!("the page does not show `{text}`; it shows: {}", one_line(&shown)))
                    } else {
                        let hint = if session.text_content(&mut self.host.fonts)?.contains(text.as_str()) {
                            " (it is on the page, out of view: scroll first, or use `assert-text --anywhere`)"
                        } else {
                            ""
                        };
                        Err(format!("the screen does not show `{text}`{hint}; it shows: {}", one_line(&shown)))
                    }
                }
                Step::Back => {
                    if session.back(&mut self.host.fonts)? {
                        Ok(())
                    } else {
                        Err("already on the first page".to_string())
                    }
                }
                Step::Answer(choice) => match session.question().map(|o| o.check_answer(*choice)) {
                    Some(Ok(())) => {
                        session.answer_overlay(*choice);
                        Ok(())
                    }
                    Some(Err(why)) => Err(why),
                    None => Err("no modal, action sheet, picker or camera is open".into()),
                },
                Step::AnswerPicker(value) => match session.question() {
                    Some(Overlay::Picker { .. }) => {
                        session.answer_picker(value.clone());
                        Ok(())
                    }
                    _ => Err("no picker is open: tap one first".into()),
                },
                Step::Permission(granted) => match session.question() {
                    Some(Overlay::Permission { .. }) => {
                        session.answer_overlay(granted.then_some(0));
                        Ok(())
                    }
                    _ => Err("no permission prompt is open".into()),
                },
                Step::Scan(file) => {
                    if session.answer_camera(Path::new(file)) {
                        Ok(())
                    } else {
                        Err("the camera is not open (the app has not called scan-code)".into())
                    }
                }
                Step::SetClipboard(text) => {
                    self.host.clipboard.set(text.clone());
                    Ok(())
                }
                Step::AssertClipboard(text) => {
                    let has = self.host.clipboard.get();
                    if has == *text {
                        Ok(())
                    } else {
                        Err(format!("the clipboard holds {has:?}, not {text:?}"))
                    }
                }
            };
            if matches!(line.step, Step::Answer(_) | Step::AnswerPicker(_) | Step::Permission(_) | Step::Scan(_) | Step::Back) {
                session.pump(Instant::now());
                session.layout(&mut self.host.fonts)?;
            }
            // What the capsule or the error page asked for: Restart relaunches, Close goes home.
            let outcome = match (outcome, session.take_system_action()) {
                (Ok(()), Some(crate::session::SystemAction::Restart)) => self.restart(session)?,
                (Ok(()), Some(crate::session::SystemAction::Close)) => {
                    self.go_home(session);
                    Ok(())
                }
                (Ok(()), Some(crate::session::SystemAction::Device(device))) => {
                    session.set_device(device);
                    self.host.set_device(device);
                    session.layout(&mut self.host.fonts)?;
                    Ok(())
                }
                (outcome, _) => outcome,
            };
            let ok = outcome.is_ok();
            steps.push(StepTrace {
                line: line.line,
                start_ms: t.saturating_duration_since(self.started).as_secs_f64() * 1000.0,
                step: line.source.clone(),
                ms: ms(t),
                ok,
                error: outcome.as_ref().err().cloned(),
                target,
            });
            if let Err(message) = outcome {
                return Err(Error::StepFailed {
                    script: script_name.to_string(),
                    line: line.line,
                    step: line.source.clone(),
                    message,
                });
            }
        }
        Ok(())
    }
}

/// The screen rectangle of the first element matching `selector`, and the centre of its part
/// that is on screen (inside the page area, above the keyboard); why not, when it is not.
fn on_screen(
    session: &mut Session,
    selector: &str,
    fonts: &mut miniapp_view::cosmic_text::FontSystem,
) -> Result<std::result::Result<(TargetRect, (f32, f32)), String>> {
    let Some(r) = session.find(selector, fonts)? else {
        // Not on the page: a tab bar item (`text=List`) is tapped where the chrome draws it.
        if let Some(r) = session.find_chrome(selector) {
            return Ok(Ok((TargetRect { x: r.x, y: r.y, w: r.w, h: r.h }, (r.x + r.w / 2.0, r.y + r.h / 2.0))));
        }
        let shown = session.visible_text(fonts)?;
        return Ok(Err(format!(
            "no element matches `{selector}` on {}; the screen shows: {}",
            session.current_route().unwrap_or("?"),
            one_line(&shown)
        )));
    };
    let area = session.touchable_area();
    let (left, right) = (r.x.max(area.x), (r.x + r.w).min(area.x + area.w));
    let (top, bottom) = (r.y.max(area.y), (r.y + r.h).min(area.y + area.h));
    if left >= right || top >= bottom {
        let end = if session.keyboard_open() { "the keyboard starts at" } else { "the screen ends at" };
        let why = if r.y >= area.y + area.h {
            format!("its top is at {:.0} px, {end} {:.0}): scroll first", r.y, area.y + area.h)
        } else if r.y + r.h <= area.y {
            format!("its bottom is at {:.0} px, the page starts at {:.0}): scroll up first", r.y + r.h, area.y)
        } else {
            format!("it spans x {:.0} to {:.0} px, the screen is {:.0} px wide)", r.x, r.x + r.w, area.w)
        };
        return Ok(Err(format!("`{selector}` is not on screen ({why}")));
    }
    Ok(Ok((TargetRect { x: r.x, y: r.y, w: r.w, h: r.h }, ((left + right) / 2.0, (top + bottom) / 2.0))))
}

/// Whether `wait-for`'s target is there: an element matches, or (for `text=`) the text shows
/// in a toast or dialog.
fn appears(session: &mut Session, selector: &str, fonts: &mut miniapp_view::cosmic_text::FontSystem) -> Result<bool> {
    if session.find(selector, fonts)?.is_some() {
        return Ok(true);
    }
    Ok(match selector.strip_prefix("text=") {
        Some(t) => session.visible_text(fonts)?.lines().any(|l| l.trim() == t.trim()),
        None => false,
    })
}

/// Text for an error message: lines joined with ` | `, cut at 400 characters.
fn one_line(text: &str) -> String {
    let joined = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" | ");
    match joined.char_indices().nth(400) {
        Some((i, _)) => format!("{:?}…", &joined[..i]),
        None => format!("{joined:?}"),
    }
}

/// JSON for an error message, cut at 300 characters.
fn short_json(v: &serde_json::Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

fn resolve(out_dir: &Path, file: &str) -> PathBuf {
    let p = Path::new(file);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        out_dir.join(p)
    }
}

fn wgpu_format() -> miniapp_render::wgpu::TextureFormat {
    miniapp_render::wgpu::TextureFormat::Rgba8Unorm
}
