//! The simulator window (winit): the phone screen of one session, redrawn after every input.
//!
//! The mouse is a finger: button down, moves and up are pointer events (a click is a tap, a
//! held press a long press, a drag scrolls); the wheel scrolls (a line is 40 px). Typing goes
//! to the focused field: printable keys and IME commits as text, Backspace, Delete, the arrows,
//! Home, End and Enter as keys, Ctrl+A selects all, Ctrl+C copies (a field's selection, or text
//! selected by a long press on `user-select` text), Ctrl+V pastes the simulator's clipboard.
//! Escape closes the keyboard when a field has the focus, else goes back. The caret blinks
//! every [`CARET_BLINK_MS`]. Closing the window ends the session.
//!
//! The window is resizable: the phone stays centred and scaled to fit ([`crate::fit_in_window`]).
//! F12 opens the developer panels ([`crate::panels`]) beside the phone; hovering an Elements
//! line highlights its node; Ctrl+Shift+D moves to the next device preset; minimising the
//! window hides the app (`on-hide`) until it shows again. The capsule's close button (or Ctrl+Shift+H) sends the app to the
//! background and shows the home screen: recent apps (a running one resumes with its pages and
//! state), an Open URL field, and Scan (drop an image with a QR code on the window). Several
//! apps stay alive at once ([`crate::apps`]); one left in the background longer than the host's
//! background TTL is destroyed. The error page's Restart and Home do what they say.
//!
//! [`launch`] opens the window at once and fetches the app on a background thread meanwhile,
//! showing the launch screen of [`crate::progress`] (name, bytes done of total, verifying,
//! starting), then the app, or the error page when the launch fails.

use crate::error::{Error, Result};
use crate::frame;
use crate::fetch::Fetched;
use crate::host::{Host, LaunchReport};
use crate::panels::PanelClick;
use crate::progress::{self, LaunchProgress, Stage};
use crate::session::Session;
use miniapp_render::{wgpu, Gpu, Renderer};
use miniapp_view::Color;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::{Arc, Mutex};
use winit::application::ApplicationHandler;
use winit::dpi::{LogicalPosition, LogicalSize, PhysicalPosition};
use winit::event::{ElementState, Ime, MouseButton, MouseScrollDelta, WindowEvent};
use winit::event_loop::{ActiveEventLoop, EventLoop, EventLoopProxy};
use winit::keyboard::{Key, ModifiersState, NamedKey};
use winit::window::{Window, WindowId};

/// The caret shows for this long, then hides for as long, in ms.
pub const CARET_BLINK_MS: u64 = 530;
/// One wheel "line" (a notch), in logical px.
pub const WHEEL_LINE_PX: f32 = 40.0;
/// While a press is down the window draws at least this often (long presses fire on a frame).
const PRESS_FRAME: std::time::Duration = std::time::Duration::from_millis(16);

struct Gfx {
    window: Arc<Window>,
    surface: wgpu::Surface<'static>,
    config: wgpu::SurfaceConfiguration,
    gpu: Gpu,
    renderer: Renderer,
    /// The app's remote `<image src>`, polled on every frame.
    remote: crate::images::RemoteImages,
}

/// Sent by the fetch thread to wake the event loop (progress, or the fetch ended).
#[derive(Debug, Clone, Copy)]
struct Wake;

/// A launch in flight on the fetch thread.
struct Loading {
    progress: Arc<Mutex<LaunchProgress>>,
    result: Receiver<Result<Fetched>>,
    /// The fetched app, held until the "Starting…" frame is on screen.
    fetched: Option<Fetched>,
    /// Whether that frame was presented, so the app can be started.
    start_now: bool,
}

/// What the window shows.
#[allow(clippy::large_enum_variant)] // one value per window, moved only when the launch ends
enum Screen {
    Loading(Loading),
    App(Session),
    Failed { app: String, message: String },
    Home,
}

/// Where the pointer is: on the phone's screen (logical px), on the panels (panel px), or
/// beside them.
enum Target {
    Phone(f32, f32),
    Panel(f32, f32),
    Outside,
}

struct App<'a> {
    host: &'a mut Host,
    screen: Screen,
    title: String,
    gfx: Option<Gfx>,
    cursor: PhysicalPosition<f64>,
    error: Option<Error>,
    frames: u64,
    started: std::time::Instant,
    exit_after: Option<std::time::Duration>,
    /// The host's fonts epoch the renderer's shaped text belongs to.
    fonts_epoch: u64,
    launched: Option<LaunchReport>,
    launch_error: Option<Error>,
    /// The keyboard's modifier keys now.
    modifiers: ModifiersState,
    /// The input method is composing (a preedit is showing): its commit brings the text, key
    /// events carry none of it.
    composing: bool,
    /// Whether the window asked for an input method (a field has the focus).
    ime_allowed: bool,
    /// When the caret last restarted its blink (focus, typing), for its phase.
    caret_since: std::time::Instant,
    /// Whether the last frame drew the caret.
    caret_shown: bool,
    /// `miniapp dev`'s file changes, polled on the event loop.
    reloader: Option<Box<dyn crate::Reloader>>,
    /// Wakes the loop from the fetch thread.
    proxy: EventLoopProxy<Wake>,
    /// The app in front's launch URL (what Restart launches again), the apps in the background
    /// and the home screen.
    apps: crate::apps::Apps,
    /// The home screen's Open URL field.
    home_form: crate::home::HomeForm,
    /// The developer panels, while they show (F12).
    panels: Option<crate::panels::PanelState>,
    /// The file chooser over the phone (the home screen's Scan, the camera's Choose file…).
    chooser: Option<crate::chooser::FileChooser>,
    /// The window is minimised or covered (the app in front is hidden meanwhile).
    occluded: bool,
}

/// What a window session did, for logs and tests.
#[derive(Debug)]
pub struct WindowReport {
    /// Frames presented.
    pub frames: u64,
    /// The launch, when [`launch`] started the app.
    pub launched: Option<LaunchReport>,
    /// Why [`launch`] could not start the app (it was shown on the error page until the window
    /// closed).
    pub launch_error: Option<Error>,
}

fn lock(p: &Mutex<LaunchProgress>) -> std::sync::MutexGuard<'_, LaunchProgress> {
    p.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Opens the window at once on the launch screen and launches `url` meanwhile: the download
/// and verification run on a background thread (the screen shows the app's name, bytes done of
/// total, then verifying and starting), compiling and starting on this one. A launch that fails
/// shows the error page until the window is closed, and comes back in
/// [`WindowReport::launch_error`].
///
/// # Errors
/// A launch URL that does not parse; no display, no GPU adapter for the window's surface, or a
/// rendering error. `exit_after` closes the window by itself after that long (for automation
/// and tests).
pub fn launch(host: &mut Host, url: &str, exit_after: Option<std::time::Duration>) -> Result<WindowReport> {
    launch_with(host, url, exit_after, None)
}

/// [`launch`], polling `reloader` on the event loop once the app runs (`miniapp dev`: template,
/// style and json changes reload the pages, logic changes relaunch the app).
///
/// # Errors
/// As [`launch`].
pub fn launch_with(
    host: &mut Host,
    url: &str,
    exit_after: Option<std::time::Duration>,
    reloader: Option<Box<dyn crate::Reloader>>,
) -> Result<WindowReport> {
    let parsed = miniapp_cloud::LaunchUrl::parse(url)?;
    let event_loop = EventLoop::<Wake>::with_user_event().build().map_err(|e| Error::Window(e.to_string()))?;
    let progress = Arc::new(Mutex::new(LaunchProgress::new(parsed.app_id.as_str())));
    let result = spawn_fetch(host, url, progress.clone(), event_loop.create_proxy())?;
    let title = format!("miniapp — {}", parsed.app_id.as_str());
    let loading = Loading { progress, result, fetched: None, start_now: false };
    run_loop(event_loop, host, Screen::Loading(loading), title, exit_after, reloader, Some(url), Vec::new())
}

/// Opens the window on the home screen (recent apps, Open URL, Scan) and runs until it is
/// closed.
///
/// # Errors
/// No display, no GPU adapter for the window's surface, or a rendering error.
pub fn home(host: &mut Host, exit_after: Option<std::time::Duration>) -> Result<WindowReport> {
    home_with(host, Vec::new(), exit_after)
}

/// [`home`], listing `featured` apps too even before they were first opened (`miniapp demo`
/// lists its samples this way).
///
/// # Errors
/// As [`home`].
pub fn home_with(host: &mut Host, featured: Vec<crate::home::HomeEntry>, exit_after: Option<std::time::Duration>) -> Result<WindowReport> {
    let event_loop = EventLoop::<Wake>::with_user_event().build().map_err(|e| Error::Window(e.to_string()))?;
    run_loop(event_loop, host, Screen::Home, "miniapp".to_string(), exit_after, None, None, featured)
}

/// Runs the fetch of `url` on its own thread; its result comes back on the returned channel.
fn spawn_fetch(
    host: &Host,
    url: &str,
    progress: Arc<Mutex<LaunchProgress>>,
    proxy: EventLoopProxy<Wake>,
) -> Result<Receiver<Result<Fetched>>> {
    let fetcher = host.fetcher();
    let url = url.to_string();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("miniapp-fetch".into())
        .spawn(move || {
            if let Some(name) = fetcher.app_name(&url) {
                lock(&progress).app = name;
                let _ = proxy.send_event(Wake);
            }
            // Wake the window at most once per percent.
            let shown = std::cell::Cell::new(u64::MAX);
            let r = fetcher.fetch(&url, &|done, total| {
                lock(&progress).bytes(done, total);
                let step = done.saturating_mul(100) / total.max(1);
                if shown.replace(step) != step {
                    let _ = proxy.send_event(Wake);
                }
            });
            let _ = tx.send(r);
            let _ = proxy.send_event(Wake);
        })
        .map_err(|e| Error::Window(format!("starting the download thread: {e}")))?;
    Ok(rx)
}

/// Opens the window on a launched session and runs until it is closed.
///
/// # Errors
/// No display, no GPU adapter for the window's surface, or a rendering error.
/// `exit_after` closes the window by itself after that long (for automation and tests).
pub fn run(host: &mut Host, session: Session, exit_after: Option<std::time::Duration>) -> Result<WindowReport> {
    let event_loop = EventLoop::<Wake>::with_user_event().build().map_err(|e| Error::Window(e.to_string()))?;
    let title = format!("miniapp — {}", session.app_id());
    run_loop(event_loop, host, Screen::App(session), title, exit_after, None, None, Vec::new())
}

/// The phone's place in the window: the physical size of the area left of the panels, the
/// scale the phone is drawn at and its offset, and the panels' left edge (physical px).
struct Placement {
    phone_area: (u32, u32),
    scale: f32,
    panel_x: u32,
}

#[allow(clippy::too_many_arguments)] // private: the three public entry points above fill it in
fn run_loop(
    event_loop: EventLoop<Wake>,
    host: &mut Host,
    screen: Screen,
    title: String,
    exit_after: Option<std::time::Duration>,
    reloader: Option<Box<dyn crate::Reloader>>,
    url: Option<&str>,
    featured: Vec<crate::home::HomeEntry>,
) -> Result<WindowReport> {
    let fonts_epoch = host.fonts_epoch();
    let mut apps = crate::apps::Apps::new(host.background_ttl());
    apps.set_featured(featured);
    if let Some(u) = url {
        apps.set_front_url(u);
    }
    if matches!(screen, Screen::Home) {
        apps.go_home(None, 0, host.client().cache());
    }
    let proxy = event_loop.create_proxy();
    let mut app = App {
        host,
        screen,
        title,
        gfx: None,
        cursor: PhysicalPosition::new(0.0, 0.0),
        error: None,
        frames: 0,
        started: std::time::Instant::now(),
        exit_after,
        fonts_epoch,
        launched: None,
        launch_error: None,
        modifiers: ModifiersState::empty(),
        composing: false,
        ime_allowed: false,
        caret_since: std::time::Instant::now(),
        caret_shown: true,
        reloader,
        proxy,
        apps,
        home_form: crate::home::HomeForm::default(),
        panels: None,
        chooser: None,
        occluded: false,
    };
    if exit_after.is_some() {
        event_loop.set_control_flow(winit::event_loop::ControlFlow::Poll);
    }
    event_loop.run_app(&mut app).map_err(|e| Error::Window(e.to_string()))?;
    match app.error {
        Some(e) => Err(e),
        None => Ok(WindowReport { frames: app.frames, launched: app.launched, launch_error: app.launch_error }),
    }
}

impl App<'_> {
    fn init(&mut self, event_loop: &ActiveEventLoop) -> Result<()> {
        let attrs = Window::default_attributes()
            .with_title(self.title.clone())
            .with_inner_size(LogicalSize::new(self.host.device().width as f64, self.host.device().height as f64))
            .with_resizable(true);
        let window = Arc::new(event_loop.create_window(attrs).map_err(|e| Error::Window(e.to_string()))?);
        let instance = wgpu::Instance::new(wgpu::InstanceDescriptor::new_with_display_handle_from_env(Box::new(
            event_loop.owned_display_handle(),
        )));
        let surface = instance.create_surface(window.clone()).map_err(|e| Error::Window(e.to_string()))?;
        let gpu = Gpu::new_with_instance(instance, Some(&surface))?;
        let caps = surface.get_capabilities(&gpu.adapter);
        // A non-sRGB view keeps CSS colours exact (see the renderer's notes).
        let (surface_format, view_format) = miniapp_render::pick_surface_format(&caps.formats)
            .ok_or_else(|| Error::Window(format!("the window surface offers no 8-bit RGBA format: {:?}", caps.formats)))?;
        let size = window.inner_size();
        let mut config = surface
            .get_default_config(&gpu.adapter, size.width.max(1), size.height.max(1))
            .ok_or_else(|| Error::Window("the window surface is not supported by the adapter".into()))?;
        config.format = surface_format;
        config.present_mode = wgpu::PresentMode::Fifo;
        if view_format != surface_format {
            config.view_formats = vec![view_format];
        }
        surface.configure(&gpu.device, &config);
        let format = view_format;
        let mut renderer = Renderer::new(&gpu, format)?;
        let remote = match &self.screen {
            Screen::App(session) => crate::images::load_images(&mut renderer, session.bundle()),
            _ => crate::images::RemoteImages::new(&[]),
        };
        tracing::info!(adapter = %gpu.adapter_summary(), ?format, "window ready");
        self.gfx = Some(Gfx { window, surface, config, gpu, renderer, remote });
        Ok(())
    }

    fn redraw(&mut self) -> Result<()> {
        let device = self.device();
        let Some(g) = self.gfx.as_mut() else { return Ok(()) };
        let fonts = &mut self.host.fonts;
        if let Screen::App(session) = &mut self.screen {
            // Long presses and the frame's scroll events, then the caret's blink phase.
            session.frame(self.started.elapsed().as_millis() as u64, fonts)?;
            let phase = self.caret_since.elapsed().as_millis() as u64 / CARET_BLINK_MS;
            self.caret_shown = phase % 2 == 0;
            session.set_caret_visible(self.caret_shown);
        }
        let mut list = match &mut self.screen {
            Screen::Loading(l) => progress::progress_screen_on(&device, &lock(&l.progress), fonts),
            Screen::App(session) => session.screen(fonts)?,
            Screen::Failed { app, message } => progress::failure_screen_on(&device, app, message, fonts),
            Screen::Home => {
                let entries = self.apps.home_entries().unwrap_or_default();
                crate::images::home_icons(&mut g.renderer, entries);
                crate::home::screen(entries, &self.home_form, &device, fonts)
            }
        };
        if let Screen::App(session) = &mut self.screen {
            // Remote images start loading off this thread; those that arrived are decoded, and
            // the pages learn each image's size (a `widthFix` image changes the layout).
            let (arrived, changed) = crate::images::sync(&mut g.remote, &mut g.renderer, session, &list, fonts)?;
            if changed {
                list = session.screen(fonts)?;
            }
            if arrived {
                g.window.request_redraw();
            }
        }
        if let Some(c) = &self.chooser {
            c.draw(&mut list, &device, fonts);
        }
        // The hovered Elements node, highlighted on the phone.
        if let (Some(p), Screen::App(session)) = (&self.panels, &self.screen) {
            if let Some(b) = p.hover.and_then(|i| p.lines.get(i)).and_then(|l| l.node_box) {
                list.items.extend(crate::panels::highlight(b, session.page_area(), session.scroll_top()));
            }
        }
        let window_scale = g.window.scale_factor() as f32;
        let place = placement(&device, (g.config.width, g.config.height), window_scale, self.panels.is_some());
        let scale = frame::place_in_window(&mut list, &device, place.phone_area, window_scale);
        if let Some(p) = self.panels.as_mut() {
            // The panels' JSON (the Elements tree included) is built again only when the app
            // ran or the panel changed, not on every frame (a hover redraws).
            if p.stale {
                let panels = match &mut self.screen {
                    Screen::App(session) => session.panels(fonts)?,
                    _ => serde_json::Value::Null,
                };
                p.refresh(&panels);
            }
            let (pw, ph) = ((g.config.width - place.panel_x) as f32 / scale, g.config.height as f32 / scale);
            let mut panel = crate::panels::draw(p, pw, ph, fonts);
            panel.translate(place.panel_x as f32 / scale, 0.0);
            list.items.append(&mut panel.items);
            list.width = g.config.width as f32 / scale;
        }
        if self.host.fonts_epoch() != self.fonts_epoch {
            // A base library's fonts replaced the ones the cached lines were shaped with.
            g.renderer.clear_text_cache();
            self.fonts_epoch = self.host.fonts_epoch();
        }
        let frame = match g.surface.get_current_texture() {
            wgpu::CurrentSurfaceTexture::Success(t) | wgpu::CurrentSurfaceTexture::Suboptimal(t) => t,
            other => {
                tracing::debug!(?other, "surface not ready, reconfiguring");
                g.surface.configure(&g.gpu.device, &g.config);
                return Ok(());
            }
        };
        let view = frame.texture.create_view(&wgpu::TextureViewDescriptor {
            format: Some(g.renderer.format()),
            ..Default::default()
        });
        let white = Color { r: 0xe8, g: 0xe8, b: 0xec, a: 255 };
        let drawn = std::time::Instant::now();
        g.renderer.render_to_view(
            &g.gpu,
            &view,
            (g.config.width, g.config.height),
            &list,
            &mut self.host.fonts,
            scale,
            white,
        )?;
        g.window.pre_present_notify();
        g.gpu.queue.present(frame);
        if let Screen::App(session) = &mut self.screen {
            session.record_frame(drawn.elapsed().as_secs_f64() * 1000.0);
        }
        self.frames += 1;
        if let Screen::Loading(l) = &mut self.screen {
            l.start_now = l.fetched.is_some();
        }
        Ok(())
    }

    fn request_redraw(&self) {
        if let Some(g) = &self.gfx {
            g.window.request_redraw();
        }
    }

    /// Moves a launch on: takes the fetch thread's result, and starts the app once the
    /// "Starting…" frame is on screen. A failure becomes the error page.
    fn poll_launch(&mut self) {
        let Screen::Loading(l) = &mut self.screen else { return };
        if l.start_now {
            self.start_fetched();
            return;
        }
        if l.fetched.is_some() {
            return;
        }
        match l.result.try_recv() {
            Ok(Ok(fetched)) => {
                {
                    let mut p = lock(&l.progress);
                    p.app = fetched.app_name().to_string();
                    p.stage = Stage::Starting;
                }
                l.fetched = Some(fetched);
                if self.gfx.is_none() {
                    // Nothing to show the stage on: start at once.
                    self.start_fetched();
                } else {
                    self.request_redraw();
                }
            }
            Ok(Err(e)) => self.launch_failed(e),
            Err(TryRecvError::Disconnected) => self.launch_failed(Error::Window("the download thread stopped".into())),
            Err(TryRecvError::Empty) => {
                let title = format!("miniapp — {}", lock(&l.progress).app);
                self.set_title(title);
            }
        }
    }

    fn set_title(&mut self, title: String) {
        if title != self.title {
            if let Some(g) = &self.gfx {
                g.window.set_title(&title);
            }
            self.title = title;
        }
    }

    fn start_fetched(&mut self) {
        let Screen::Loading(l) = &mut self.screen else { return };
        let Some(fetched) = l.fetched.take() else { return };
        let app = fetched.app_name().to_string();
        match self.host.start(fetched) {
            Ok((session, report)) => {
                tracing::info!(app = %report.app, version = %report.version, base = %report.base, "app started in the window");
                if let Some(g) = self.gfx.as_mut() {
                    g.remote = crate::images::load_images(&mut g.renderer, session.bundle());
                }
                self.set_title(format!("miniapp — {app}"));
                self.launched = Some(report);
                self.screen = Screen::App(session);
            }
            Err(e) => self.launch_failed(e),
        }
        self.request_redraw();
    }

    /// The capsule's Restart: the app is dropped and launched again from its URL (a fresh
    /// instance: the cached bundle, `on-launch`, the entry page), the loading screen meanwhile.
    fn restart(&mut self) {
        let Some(url) = self.apps.front_url().map(str::to_string) else {
            tracing::warn!("this window was not opened from a launch URL: nothing to restart");
            return;
        };
        let app = match &self.screen {
            Screen::App(s) => s.app_id().to_string(),
            Screen::Failed { app, .. } => app.clone(),
            _ => String::new(),
        };
        tracing::info!(%app, %url, "restarting");
        self.fetch_front(&app);
        self.request_redraw();
    }

    fn launch_failed(&mut self, e: Error) {
        let app = match &self.screen {
            Screen::Loading(l) => lock(&l.progress).app.clone(),
            _ => String::new(),
        };
        let message = progress::error_chain(&e);
        tracing::warn!(%app, error = %message, "launch failed; showing the error page");
        self.screen = Screen::Failed { app, message };
        self.launch_error = Some(e);
        self.request_redraw();
    }

    /// Milliseconds on the window's input clock.
    fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    /// The device the phone shows.
    fn device(&self) -> crate::Device {
        match &self.screen {
            Screen::App(session) => session.device(),
            _ => self.host.device(),
        }
    }

    /// Where the cursor is: on the phone (its logical screen px), on the panels (panel px), or
    /// beside them.
    fn target(&self) -> Target {
        let Some(g) = &self.gfx else { return Target::Outside };
        let device = self.device();
        let window_scale = g.window.scale_factor() as f32;
        let size = (g.config.width, g.config.height);
        let place = placement(&device, size, window_scale, self.panels.is_some());
        let (cx, cy) = (self.cursor.x, self.cursor.y);
        if self.panels.is_some() && cx >= f64::from(place.panel_x) {
            return Target::Panel((cx as f32 - place.panel_x as f32) / place.scale, cy as f32 / place.scale);
        }
        match crate::window_to_screen(&device, place.phone_area, window_scale, (cx, cy)) {
            Some((x, y)) => Target::Phone(x, y),
            None => Target::Outside,
        }
    }

    /// The cursor in logical screen px of the phone (outside it: clamped to its edge, so that a
    /// drag that leaves the phone still ends).
    fn cursor_logical(&self) -> (f32, f32) {
        match self.target() {
            Target::Phone(x, y) => (x, y),
            _ => {
                let Some(g) = &self.gfx else { return (-1.0, -1.0) };
                let device = self.device();
                let window_scale = g.window.scale_factor() as f32;
                let place = placement(&device, (g.config.width, g.config.height), window_scale, self.panels.is_some());
                let (scale, ox, oy) = crate::fit_in_window(&device, place.phone_area, window_scale);
                let x = ((self.cursor.x as f32 - ox) / scale).clamp(-1.0, device.width + 1.0);
                let y = ((self.cursor.y as f32 - oy) / scale).clamp(-1.0, device.height + 1.0);
                (x, y)
            }
        }
    }

    /// Ctrl+Shift+D: the next device preset; the pages lay out again and the window takes the
    /// new phone's size (plus the panels).
    fn next_device(&mut self) {
        let now = self.device();
        let presets = crate::Device::PRESETS;
        let i = presets.iter().position(|d| d.name == now.name).map_or(0, |i| (i + 1) % presets.len());
        self.set_device(presets[i]);
    }

    /// Shows the screen as `device` (Ctrl+Shift+D, the capsule menu's Device sheet, the home
    /// screen's device button); the window takes its size.
    fn set_device(&mut self, device: crate::Device) {
        self.host.set_device(device);
        if let Screen::App(session) = &mut self.screen {
            session.set_device(device);
        }
        if let Some(g) = &self.gfx {
            let extra = if self.panels.is_some() { f64::from(crate::panels::PANEL_WIDTH) } else { 0.0 };
            let _ = g.window.request_inner_size(LogicalSize::new(f64::from(device.width) + extra, f64::from(device.height)));
        }
        tracing::info!(device = %device, "device changed");
        self.request_redraw();
    }

    /// F12: shows or hides the panels; the window grows or shrinks by their width.
    fn toggle_panels(&mut self) {
        let open = self.panels.is_none();
        self.panels = open.then(crate::panels::PanelState::default);
        if let Some(g) = &self.gfx {
            let now: LogicalSize<f64> = g.window.inner_size().to_logical(g.window.scale_factor());
            let dw = f64::from(crate::panels::PANEL_WIDTH);
            let width = if open { now.width + dw } else { (now.width - dw).max(f64::from(self.device().width)) };
            let _ = g.window.request_inner_size(LogicalSize::new(width, now.height));
        }
        tracing::info!(open, "developer panels {}", if open { "shown" } else { "hidden" });
        self.request_redraw();
    }

    /// A click on the panels: a tab switches panel, a toolbar control filters the Console or
    /// clears the app's storage, an AppData key starts an edit.
    fn panel_click(&mut self, x: f32, y: f32) {
        let Some(g) = &self.gfx else { return };
        let place = placement(&self.device(), (g.config.width, g.config.height), g.window.scale_factor() as f32, true);
        let width = (g.config.width - place.panel_x) as f32 / place.scale;
        let Some(p) = self.panels.as_mut() else { return };
        let tab = p.tab;
        match p.click(x, y, width) {
            PanelClick::Done if p.tab != tab => tracing::info!(panel = p.tab.name(), "panel shown"),
            PanelClick::Line(i) => {
                // AppData: a click on a key of the top page edits it.
                if let (Some(key), Screen::App(session)) = (p.lines.get(i).and_then(|l| l.data_key.as_ref()), &self.screen) {
                    let current = session.page_data().and_then(|d| d.get(key)).map(|v| v.to_string()).unwrap_or_default();
                    tracing::info!(%key, "AppData edit");
                    p.edit = Some(crate::panels::PanelEdit { key: key.clone(), text: current, error: None });
                }
            }
            PanelClick::ClearStorage => {
                if let Screen::App(session) = &mut self.screen {
                    match session.clear_storage() {
                        Ok(n) => tracing::info!(keys = n, "storage cleared"),
                        Err(why) => tracing::warn!("clear storage: {why}"),
                    }
                }
            }
            PanelClick::Done | PanelClick::Nothing => {}
        }
        self.request_redraw();
    }

    /// A key while the Console's filter field has the keyboard: typing, Backspace, Escape or
    /// Enter leaves the field. Returns whether the filter took the key.
    fn filter_key(&mut self, event: &winit::event::KeyEvent) -> bool {
        let Some(p) = self.panels.as_mut().filter(|p| p.filter.focused) else { return false };
        match &event.logical_key {
            Key::Named(NamedKey::Escape | NamedKey::Enter) => p.filter.focused = false,
            Key::Named(NamedKey::Backspace) => p.filter_backspace(),
            _ => {
                if let Some(t) = event.text.as_deref() {
                    p.type_filter(t);
                }
            }
        }
        tracing::debug!(filter = %p.filter.text, "console filter");
        self.request_redraw();
        true
    }

    /// A key while an AppData value is being edited: typing, Backspace, Enter applies (as a
    /// set-data on the top page), Escape cancels. Returns whether the edit took the key.
    fn edit_key(&mut self, event: &winit::event::KeyEvent) -> bool {
        let Some(edit) = self.panels.as_mut().and_then(|p| p.edit.as_mut()) else { return false };
        match &event.logical_key {
            Key::Named(NamedKey::Escape) => {
                if let Some(p) = self.panels.as_mut() {
                    p.edit = None;
                }
            }
            Key::Named(NamedKey::Backspace) => {
                edit.text.pop();
                edit.error = None;
            }
            Key::Named(NamedKey::Enter) => match (edit.value(), &mut self.screen) {
                (Ok(value), Screen::App(session)) => {
                    let key = edit.key.clone();
                    match session.edit_data(&key, value) {
                        Ok(()) => {
                            tracing::info!(%key, "AppData edit applied");
                            if let Some(p) = self.panels.as_mut() {
                                p.edit = None;
                            }
                        }
                        Err(why) => edit.error = Some(why),
                    }
                }
                (Err(why), _) => edit.error = Some(why),
                (Ok(_), _) => {}
            },
            _ => {
                if let Some(t) = event.text.as_deref().filter(|t| !t.chars().any(char::is_control)) {
                    edit.text.push_str(t);
                    edit.error = None;
                }
            }
        }
        self.request_redraw();
        true
    }

    /// The app in front goes to the background and the home screen shows.
    fn go_home(&mut self) {
        let screen = std::mem::replace(&mut self.screen, Screen::Home);
        let now = self.now_ms();
        match screen {
            Screen::App(session) => {
                let url = self.apps.front_url().unwrap_or_default().to_string();
                tracing::info!(app = %session.app_id(), "app to the background; home screen");
                self.apps.send_to_background(url, session, now, self.host.client().cache());
            }
            _ => self.apps.go_home(None, now, self.host.client().cache()),
        }
        self.home_form.focused = false;
        self.set_title("miniapp".to_string());
        self.sync_ime();
        self.request_redraw();
    }

    /// Opens `url` from the home screen: the app resumes when it runs in the background, or is
    /// launched (the loading screen meanwhile).
    fn open_url(&mut self, url: &str) {
        let parsed = match miniapp_cloud::LaunchUrl::parse(url) {
            Ok(p) => p,
            Err(e) => {
                self.home_form.message = Some(crate::home::HomeMessage::NotALaunchUrl { text: url.to_string(), why: e.to_string() });
                self.request_redraw();
                return;
            }
        };
        self.home_form.focused = false;
        if let Some((url, session)) = self.apps.take(parsed.app_id.as_str()) {
            tracing::info!(app = %session.app_id(), "app resumed from the background");
            if let Some(g) = self.gfx.as_mut() {
                g.remote = crate::images::load_images(&mut g.renderer, session.bundle());
            }
            self.set_title(format!("miniapp — {}", session.app_name()));
            self.apps.set_front_url(&url);
            self.apps.leave_home();
            self.screen = Screen::App(session);
        } else {
            self.apps.set_front_url(url);
            self.apps.leave_home();
            self.fetch_front(parsed.app_id.as_str());
        }
        self.sync_ime();
        self.request_redraw();
    }

    /// Starts downloading the app of the front URL, on the loading screen.
    fn fetch_front(&mut self, app: &str) {
        let Some(url) = self.apps.front_url().map(str::to_string) else { return };
        let progress = Arc::new(Mutex::new(LaunchProgress::new(app)));
        match spawn_fetch(self.host, &url, progress.clone(), self.proxy.clone()) {
            Ok(result) => self.screen = Screen::Loading(Loading { progress, result, fetched: None, start_now: false }),
            Err(e) => self.launch_failed(e),
        }
    }

    /// A click on the home screen.
    fn home_click(&mut self, x: f32, y: f32) {
        use crate::home::HomeHit;
        let device = self.device();
        let entries = self.apps.home_entries().map(<[_]>::to_vec).unwrap_or_default();
        let hit = crate::home::hit(&entries, &self.home_form, &device, x, y);
        self.home_form.focused = hit == Some(HomeHit::Field);
        match hit {
            Some(HomeHit::Row(i)) => {
                let url = entries[i].url.clone();
                self.open_url(&url);
            }
            Some(HomeHit::Open) => {
                let text = self.home_form.url.clone();
                if let Some(url) = self.home_form.submit(&text) {
                    self.open_url(&url);
                }
            }
            Some(HomeHit::Scan) => {
                // A path typed in the field is scanned; else the file chooser opens (or drop an
                // image on the window).
                let typed = std::path::PathBuf::from(self.home_form.url.trim());
                if !self.home_form.url.trim().is_empty() && typed.is_file() {
                    self.home_scan(&typed);
                } else {
                    self.open_chooser();
                }
            }
            Some(HomeHit::Copy) => {
                if let Some(t) = self.home_form.copyable().map(str::to_string) {
                    self.host.clipboard.set(t);
                }
            }
            Some(HomeHit::Field) | None => {}
        }
        self.sync_ime();
        self.request_redraw();
    }

    /// A file dropped on the home screen: the camera decodes it; a launch URL opens.
    fn home_scan(&mut self, path: &std::path::Path) {
        match crate::camera::decode_qr_file(path) {
            Ok(text) => {
                tracing::info!(%text, "scanned on the home screen");
                if let Some(url) = self.home_form.submit(&text) {
                    self.open_url(&url);
                }
            }
            Err(why) => self.home_form.message = Some(crate::home::HomeMessage::NoCode(why)),
        }
        self.request_redraw();
    }

    /// Opens the file chooser on the working directory.
    fn open_chooser(&mut self) {
        let c = crate::chooser::FileChooser::open_here();
        tracing::info!(dir = %c.dir.display(), entries = c.entries.len(), "file chooser shown");
        self.chooser = Some(c);
        self.request_redraw();
    }

    /// A click on the open file chooser: a chosen image goes to the camera of the app in front,
    /// or is scanned on the home screen.
    fn chooser_click(&mut self, x: f32, y: f32) {
        let device = self.device();
        let Some(c) = self.chooser.as_mut() else { return };
        match c.tap(&device, x, y) {
            crate::chooser::ChooserHit::Cancel => {
                tracing::info!("file chooser closed");
                self.chooser = None;
            }
            crate::chooser::ChooserHit::Chosen(path) => {
                tracing::info!(file = %path.display(), "file chosen");
                self.chooser = None;
                match &mut self.screen {
                    Screen::App(session) => {
                        session.answer_camera(&path);
                    }
                    Screen::Home => self.home_scan(&path),
                    _ => {}
                }
            }
            crate::chooser::ChooserHit::Stay => tracing::debug!(dir = %c.dir.display(), "file chooser"),
        }
        self.request_redraw();
    }

    /// A key on the home screen: typing into the Open URL field, Enter opens it.
    fn home_key(&mut self, event: &winit::event::KeyEvent) {
        if !self.home_form.focused {
            return;
        }
        let command = self.modifiers.control_key() || self.modifiers.super_key();
        match &event.logical_key {
            Key::Named(NamedKey::Enter) => {
                let text = self.home_form.url.clone();
                if let Some(url) = self.home_form.submit(&text) {
                    self.open_url(&url);
                }
            }
            Key::Named(NamedKey::Backspace) => self.home_form.backspace(),
            Key::Named(NamedKey::Escape) => self.home_form.focused = false,
            Key::Character(c) if command && c.eq_ignore_ascii_case("v") => {
                let pasted = self.host.clipboard.get();
                self.home_form.type_text(&pasted);
            }
            _ if command || self.composing => {}
            _ => {
                if let Some(t) = event.text.as_deref().filter(|t| !t.chars().any(char::is_control)) {
                    self.home_form.type_text(t);
                }
            }
        }
        self.request_redraw();
    }

    /// Asks for an input method while a field has the focus, with its area for the IME window.
    fn sync_ime(&mut self) {
        let Some(g) = &self.gfx else { return };
        let rect = match &self.screen {
            Screen::App(session) => session.focused_rect(),
            Screen::Home if self.home_form.focused => Some(crate::home::field_rect(&self.device())),
            _ => None,
        };
        if rect.is_some() != self.ime_allowed {
            self.ime_allowed = rect.is_some();
            g.window.set_ime_allowed(self.ime_allowed);
            self.caret_since = std::time::Instant::now();
            if !self.ime_allowed {
                self.composing = false;
            }
        }
        if let Some(r) = rect {
            g.window.set_ime_cursor_area(
                LogicalPosition::new(r.x as f64, r.y as f64),
                LogicalSize::new(r.w.max(1.0) as f64, r.h.max(1.0) as f64),
            );
        }
    }

    /// A key press in the app: editing keys, shortcuts, text, Escape.
    fn key_pressed(&mut self, event: &winit::event::KeyEvent) -> Result<()> {
        use miniapp_view::Key as K;
        let Screen::App(session) = &mut self.screen else { return Ok(()) };
        let fonts = &mut self.host.fonts;
        let m = self.modifiers;
        let command = m.control_key() || m.super_key();
        let (shift, word) = (m.shift_key(), m.control_key() || m.alt_key());
        let key = match &event.logical_key {
            Key::Named(NamedKey::Escape) => {
                if session.question().is_none() && session.blur(fonts)? {
                    return Ok(());
                }
                return session.back(fonts).map(|_| ());
            }
            Key::Named(NamedKey::Backspace) => Some(K::Backspace),
            Key::Named(NamedKey::Delete) => Some(K::Delete),
            Key::Named(NamedKey::ArrowLeft) => Some(K::Left),
            Key::Named(NamedKey::ArrowRight) => Some(K::Right),
            Key::Named(NamedKey::ArrowUp) => Some(K::Up),
            Key::Named(NamedKey::ArrowDown) => Some(K::Down),
            Key::Named(NamedKey::Home) => Some(K::Home),
            Key::Named(NamedKey::End) => Some(K::End),
            Key::Named(NamedKey::Enter) => Some(K::Enter),
            Key::Character(c) if command && c.eq_ignore_ascii_case("a") => Some(K::SelectAll),
            Key::Character(c) if command && c.eq_ignore_ascii_case("c") => Some(K::Copy),
            Key::Character(c) if command && c.eq_ignore_ascii_case("v") => {
                let pasted = self.host.clipboard.get();
                self.caret_since = std::time::Instant::now();
                return session.text(&pasted, fonts);
            }
            _ => None,
        };
        if let Some(k) = key {
            self.caret_since = std::time::Instant::now();
            return session.key(k, shift, word, fonts);
        }
        if command || self.composing {
            return Ok(()); // shortcuts we do not know; the input method commits its own text
        }
        match event.text.as_deref() {
            Some(t) if !t.is_empty() && !t.chars().any(char::is_control) => {
                self.caret_since = std::time::Instant::now();
                session.text(t, fonts)
            }
            _ => Ok(()),
        }
    }

    fn fail(&mut self, event_loop: &ActiveEventLoop, e: Error) {
        self.error = Some(e);
        event_loop.exit();
    }
}

impl ApplicationHandler<Wake> for App<'_> {
    fn user_event(&mut self, _event_loop: &ActiveEventLoop, _wake: Wake) {
        self.request_redraw();
    }

    fn about_to_wait(&mut self, event_loop: &ActiveEventLoop) {
        self.poll_launch();
        let mut restart = false;
        let mut go_home = false;
        let mut device = None;
        let mut choose = false;
        // Apps left in the background too long are destroyed (the home screen's rows follow).
        let now_ms = self.now_ms();
        let front = match &self.screen {
            Screen::App(s) => Some(s),
            _ => None,
        };
        if !self.apps.expire(now_ms, front, self.host.client().cache()).is_empty() {
            self.request_redraw();
        }
        // The app's event loop: timers and network results, then a redraw.
        let next = match &mut self.screen {
            Screen::App(session) => {
                let before = session.overlays().len();
                let now = std::time::Instant::now();
                let mut next = session.pump(now);
                match session.take_system_action() {
                    Some(crate::session::SystemAction::Close) => {
                        go_home = true;
                    }
                    Some(crate::session::SystemAction::Restart) => {
                        session.hide_app();
                        restart = true;
                    }
                    Some(crate::session::SystemAction::Device(d)) => device = Some(d),
                    Some(crate::session::SystemAction::ChooseFile) => choose = true,
                    None => {}
                }
                let reloaded = self.reloader.as_mut().is_some_and(|r| r.poll(self.host, session));
                if reloaded {
                    if let Some(g) = self.gfx.as_mut() {
                        g.remote = crate::images::load_images(&mut g.renderer, session.bundle());
                    }
                }
                let mut redraw = reloaded || session.take_dirty() || next.is_some() || before != session.overlays().len();
                if redraw {
                    if let Some(p) = self.panels.as_mut() {
                        p.stale = true;
                    }
                }
                if self.reloader.is_some() {
                    // Wake to look for file changes even when the app sleeps.
                    next = Some(next.map_or(now + crate::RELOAD_POLL, |n| n.min(now + crate::RELOAD_POLL)));
                }
                if self.gfx.as_ref().is_some_and(|g| g.remote.pending() > 0) {
                    // Remote images on their way: look for them on the next frames.
                    redraw = true;
                    next = Some(next.map_or(now + PRESS_FRAME, |n| n.min(now + PRESS_FRAME)));
                }
                if session.pressing() || session.flinging() || session.hover_lingering() {
                    // Frames while a press is down (the long press fires on one), momentum
                    // scrolls or a released element's hover class stays on.
                    redraw = true;
                    next = Some(next.map_or(now + PRESS_FRAME, |n| n.min(now + PRESS_FRAME)));
                }
                if session.keyboard_open() {
                    // Wake for the caret's next blink.
                    let since = now.saturating_duration_since(self.caret_since).as_millis() as u64;
                    let toggle = self.caret_since + std::time::Duration::from_millis((since / CARET_BLINK_MS + 1) * CARET_BLINK_MS);
                    next = Some(next.map_or(toggle, |n| n.min(toggle)));
                    let phase_shown = (since / CARET_BLINK_MS) % 2 == 0;
                    redraw |= phase_shown != self.caret_shown;
                }
                if redraw {
                    if let Some(g) = &self.gfx {
                        g.window.request_redraw();
                    }
                }
                next
            }
            _ => None,
        };
        if let Some(d) = device {
            self.set_device(d);
        }
        if choose {
            self.open_chooser();
        }
        if restart {
            self.restart();
            return;
        }
        if go_home {
            self.go_home();
            return;
        }
        if self.exit_after.is_none() {
            event_loop.set_control_flow(match next {
                Some(t) => winit::event_loop::ControlFlow::WaitUntil(t),
                None => winit::event_loop::ControlFlow::Wait,
            });
        }
        if let Some(limit) = self.exit_after {
            if self.started.elapsed() >= limit {
                event_loop.exit();
            } else if let Some(g) = &self.gfx {
                g.window.request_redraw();
                std::thread::sleep(std::time::Duration::from_millis(16));
            }
        }
    }

    fn resumed(&mut self, event_loop: &ActiveEventLoop) {
        if self.gfx.is_none() {
            if let Err(e) = self.init(event_loop) {
                self.fail(event_loop, e);
            }
        }
    }

    fn window_event(&mut self, event_loop: &ActiveEventLoop, _id: WindowId, event: WindowEvent) {
        // Input may change what the panels show; a pointer move alone (hovering them) does not.
        if !matches!(event, WindowEvent::RedrawRequested | WindowEvent::CursorMoved { .. }) {
            if let Some(p) = self.panels.as_mut() {
                p.stale = true;
            }
        }
        let result = match event {
            WindowEvent::CloseRequested => {
                // The app goes to the background before the window closes (its `on-hide`).
                if let Screen::App(session) = &mut self.screen {
                    if !self.occluded {
                        session.hide_app();
                    }
                }
                event_loop.exit();
                Ok(())
            }
            WindowEvent::Resized(size) => {
                if let Some(g) = self.gfx.as_mut() {
                    g.config.width = size.width.max(1);
                    g.config.height = size.height.max(1);
                    g.surface.configure(&g.gpu.device, &g.config);
                    g.window.request_redraw();
                }
                Ok(())
            }
            WindowEvent::RedrawRequested => self.redraw(),
            WindowEvent::Occluded(hidden) => {
                // Minimised or covered: the app goes to the background until it shows again.
                if let Screen::App(session) = &mut self.screen {
                    if hidden != self.occluded {
                        if hidden {
                            session.hide_app();
                        } else {
                            session.show_app();
                        }
                    }
                }
                self.occluded = hidden;
                Ok(())
            }
            WindowEvent::CursorMoved { position, .. } => {
                self.cursor = position;
                if let (Target::Panel(_, py), Some(p)) = (self.target(), self.panels.as_mut()) {
                    let hover = p.line_at(py);
                    if hover != p.hover {
                        p.hover = hover;
                        self.request_redraw();
                    }
                } else if let Some(p) = self.panels.as_mut().filter(|p| p.hover.is_some()) {
                    p.hover = None;
                    self.request_redraw();
                }
                let (x, y) = self.cursor_logical();
                let t = self.now_ms();
                match &mut self.screen {
                    Screen::App(session) if session.pressing() => {
                        let r = session.pointer_move(x, y, t, &mut self.host.fonts);
                        self.request_redraw();
                        r
                    }
                    _ => Ok(()),
                }
            }
            WindowEvent::MouseInput { state, button: MouseButton::Left, .. } => {
                let target = self.target();
                let (x, y) = self.cursor_logical();
                let t = self.now_ms();
                let on_phone = matches!(target, Target::Phone(..));
                let r = match (&mut self.screen, target) {
                    (_, Target::Panel(px, py)) if state == ElementState::Pressed => {
                        self.panel_click(px, py);
                        Ok(())
                    }
                    (_, Target::Phone(x, y)) if self.chooser.is_some() => {
                        if state == ElementState::Released {
                            self.chooser_click(x, y);
                        }
                        Ok(())
                    }
                    (Screen::App(session), _) => match state {
                        ElementState::Pressed if on_phone => session.pointer_down(x, y, t, &mut self.host.fonts),
                        ElementState::Released if session.pressing() => session.pointer_up(x, y, t, &mut self.host.fonts),
                        _ => Ok(()),
                    },
                    (Screen::Home, Target::Phone(x, y)) if state == ElementState::Released => {
                        self.home_click(x, y);
                        Ok(())
                    }
                    (Screen::Failed { .. }, Target::Phone(x, y)) if state == ElementState::Released => {
                        match crate::frame::error_page_hit(crate::frame::Areas::plain(&self.device()).page, x, y) {
                            Some(0) => self.restart(),
                            Some(_) => self.go_home(),
                            None => {}
                        }
                        Ok(())
                    }
                    _ => Ok(()),
                };
                self.sync_ime();
                self.request_redraw();
                r
            }
            WindowEvent::CursorLeft { .. } | WindowEvent::Focused(false) => {
                let r = match &mut self.screen {
                    Screen::App(session) if session.pressing() => session.pointer_cancel(&mut self.host.fonts),
                    _ => Ok(()),
                };
                self.request_redraw();
                r
            }
            WindowEvent::MouseWheel { delta, .. } => {
                let target = self.target();
                let (x, y) = self.cursor_logical();
                let scale = self.gfx.as_ref().map(|g| g.window.scale_factor()).unwrap_or(1.0);
                // winit's positive y is "content moves down" (scroll up); ours scrolls down.
                let (dx, dy) = match delta {
                    MouseScrollDelta::LineDelta(lx, ly) => (-lx * WHEEL_LINE_PX, -ly * WHEEL_LINE_PX),
                    MouseScrollDelta::PixelDelta(p) => ((-p.x / scale) as f32, (-p.y / scale) as f32),
                };
                let r = match (&mut self.screen, target) {
                    (_, Target::Panel(..)) => {
                        if let Some(p) = self.panels.as_mut() {
                            p.scroll_by(dy);
                        }
                        Ok(())
                    }
                    (_, Target::Phone(..)) if self.chooser.is_some() => {
                        let device = self.device();
                        if let Some(c) = self.chooser.as_mut() {
                            c.scroll_by(dy, &device);
                        }
                        Ok(())
                    }
                    (Screen::App(session), Target::Phone(..)) => session.wheel(x, y, dx, dy, &mut self.host.fonts),
                    (Screen::Home, Target::Phone(..)) => {
                        let rows = self.apps.home_entries().map_or(0, <[_]>::len);
                        let device = self.device();
                        self.home_form.scroll_by(dy, rows, &device);
                        Ok(())
                    }
                    _ => Ok(()),
                };
                self.sync_ime();
                self.request_redraw();
                r
            }
            WindowEvent::ModifiersChanged(m) => {
                self.modifiers = m.state();
                Ok(())
            }
            WindowEvent::Ime(ime) => {
                let r = match ime {
                    Ime::Enabled => Ok(()),
                    Ime::Disabled => {
                        self.composing = false;
                        Ok(())
                    }
                    Ime::Commit(text) => {
                        self.composing = false;
                        self.caret_since = std::time::Instant::now();
                        match &mut self.screen {
                            Screen::App(session) => session.text(&text, &mut self.host.fonts),
                            Screen::Home if self.home_form.focused => {
                                self.home_form.type_text(&text);
                                Ok(())
                            }
                            _ => Ok(()),
                        }
                    }
                    Ime::Preedit(text, _) => {
                        self.composing = !text.is_empty();
                        Ok(())
                    }
                };
                self.sync_ime();
                self.request_redraw();
                r
            }
            WindowEvent::DroppedFile(path) => {
                // The simulated camera: an image dropped while `scan-code` is open is scanned.
                let answered = match &mut self.screen {
                    Screen::App(session) => session.answer_camera(&path),
                    Screen::Home => {
                        self.home_scan(&path);
                        true
                    }
                    _ => false,
                };
                if !answered {
                    tracing::info!(file = %path.display(), "dropped file ignored: the camera is not open");
                }
                if let Some(g) = &self.gfx {
                    g.window.request_redraw();
                }
                Ok(())
            }
            WindowEvent::KeyboardInput { event, .. } if event.state == ElementState::Pressed => {
                let m = self.modifiers;
                let r = match &event.logical_key {
                    Key::Named(NamedKey::F12) => {
                        self.toggle_panels();
                        Ok(())
                    }
                    Key::Character(c) if m.control_key() && m.shift_key() && c.eq_ignore_ascii_case("h") => {
                        self.go_home();
                        Ok(())
                    }
                    Key::Character(c) if m.control_key() && m.shift_key() && c.eq_ignore_ascii_case("d") => {
                        self.next_device();
                        Ok(())
                    }
                    Key::Named(NamedKey::Escape) if self.chooser.is_some() => {
                        self.chooser = None;
                        Ok(())
                    }
                    _ if self.panels.as_ref().is_some_and(|p| p.edit.is_some()) => {
                        self.edit_key(&event);
                        Ok(())
                    }
                    _ if self.panels.as_ref().is_some_and(|p| p.filter.focused) => {
                        self.filter_key(&event);
                        Ok(())
                    }
                    _ if matches!(self.screen, Screen::Home) => {
                        self.home_key(&event);
                        Ok(())
                    }
                    _ => self.key_pressed(&event),
                };
                self.sync_ime();
                self.request_redraw();
                r
            }
            _ => Ok(()),
        };
        if let Err(e) = result {
            self.fail(event_loop, e);
        }
    }
}

/// Where the phone goes in a window of `size` physical px: left of the panels when they show
/// (their column is [`crate::panels::PANEL_WIDTH`] logical px, at most two thirds of the window),
/// centred and scaled to fit.
fn placement(device: &crate::Device, size: (u32, u32), window_scale: f32, panels: bool) -> Placement {
    let panel_px = if panels { ((crate::panels::PANEL_WIDTH * window_scale) as u32).min(size.0 * 2 / 3) } else { 0 };
    let phone_area = (size.0.saturating_sub(panel_px).max(1), size.1.max(1));
    let (scale, _, _) = crate::fit_in_window(device, phone_area, window_scale);
    Placement { phone_area, scale, panel_x: phone_area.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_panels_take_their_column_and_the_phone_fits_the_rest() {
        let d = crate::Device::IPHONE_SE;
        let p = placement(&d, (375 + 440, 667), 1.0, true);
        assert_eq!((p.phone_area, p.panel_x, p.scale), ((375, 667), 375, 1.0));
        let p = placement(&d, (375, 667), 1.0, false);
        assert_eq!((p.phone_area, p.panel_x), ((375, 667), 375));
        // A narrow window: the panels never take more than two thirds.
        let p = placement(&d, (450, 667), 1.0, true);
        assert_eq!(p.panel_x, 150);
        assert!(p.scale < 1.0);
    }
}
