//! The simulator window (winit): the phone screen of one session, redrawn after every input.
//!
//! The mouse is a finger: button down, moves and up are pointer events (a click is a tap, a
//! held press a long press, a drag scrolls); the wheel scrolls (a line is 40 px). Typing goes
//! to the focused field: printable keys and IME commits as text, Backspace, Delete, the arrows,
//! Home, End and Enter as keys, Ctrl+A selects all, Ctrl+V pastes the simulator's clipboard.
//! Escape closes the keyboard when a field has the focus, else goes back. The caret blinks
//! every [`CARET_BLINK_MS`]. Closing the window ends the session.
//!
//! [`launch`] opens the window at once and fetches the app on a background thread meanwhile,
//! showing the launch screen of [`crate::progress`] (name, bytes done of total, verifying,
//! starting), then the app, or the error page when the launch fails.

use crate::error::{Error, Result};
use crate::fetch::Fetched;
use crate::host::{Host, LaunchReport};
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
    /// The launch URL and a way to wake the loop: what the capsule's Restart launches again.
    relaunch: Option<(String, EventLoopProxy<Wake>)>,
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
    let relaunch = Some((url.to_string(), event_loop.create_proxy()));
    run_loop(event_loop, host, Screen::Loading(loading), title, exit_after, reloader, relaunch)
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
    run_loop(event_loop, host, Screen::App(session), title, exit_after, None, None)
}

fn run_loop(
    event_loop: EventLoop<Wake>,
    host: &mut Host,
    screen: Screen,
    title: String,
    exit_after: Option<std::time::Duration>,
    reloader: Option<Box<dyn crate::Reloader>>,
    relaunch: Option<(String, EventLoopProxy<Wake>)>,
) -> Result<WindowReport> {
    let fonts_epoch = host.fonts_epoch();
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
        relaunch,
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
            .with_resizable(false);
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
        let Some(g) = self.gfx.as_mut() else { return Ok(()) };
        let fonts = &mut self.host.fonts;
        if let Screen::App(session) = &mut self.screen {
            // Long presses and the frame's scroll events, then the caret's blink phase.
            session.frame(self.started.elapsed().as_millis() as u64, fonts)?;
            let phase = self.caret_since.elapsed().as_millis() as u64 / CARET_BLINK_MS;
            self.caret_shown = phase % 2 == 0;
            session.set_caret_visible(self.caret_shown);
        }
        let list = match &mut self.screen {
            Screen::Loading(l) => progress::progress_screen(&lock(&l.progress), fonts),
            Screen::App(session) => session.screen(fonts)?,
            Screen::Failed { app, message } => progress::failure_screen(app, message, fonts),
        };
        if let Screen::App(session) = &mut self.screen {
            // Remote images start loading off this thread; those that arrived are decoded.
            let mut warnings = g.remote.request(&list);
            let (arrived, more) = g.remote.poll(&mut g.renderer);
            warnings.extend(more);
            for w in warnings {
                session.console_warn(w);
            }
            if arrived {
                g.window.request_redraw();
            }
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
        let scale = g.window.scale_factor() as f32;
        let white = Color { r: 255, g: 255, b: 255, a: 255 };
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
        let Some((url, proxy)) = self.relaunch.clone() else {
            tracing::warn!("this window was not opened from a launch URL: nothing to restart");
            return;
        };
        let app = match &self.screen {
            Screen::App(s) => s.app_id().to_string(),
            _ => String::new(),
        };
        tracing::info!(%app, %url, "restarting from the capsule menu");
        let progress = Arc::new(Mutex::new(LaunchProgress::new(&app)));
        match spawn_fetch(self.host, &url, progress.clone(), proxy) {
            Ok(result) => self.screen = Screen::Loading(Loading { progress, result, fetched: None, start_now: false }),
            Err(e) => self.launch_failed(e),
        }
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

    /// The cursor in logical screen px.
    fn cursor_logical(&self) -> (f32, f32) {
        let scale = self.gfx.as_ref().map(|g| g.window.scale_factor()).unwrap_or(1.0);
        ((self.cursor.x / scale) as f32, (self.cursor.y / scale) as f32)
    }

    /// Asks for an input method while a field has the focus, with its area for the IME window.
    fn sync_ime(&mut self) {
        let (Some(g), Screen::App(session)) = (&self.gfx, &self.screen) else { return };
        let rect = session.focused_rect();
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
        // The app's event loop: timers and network results, then a redraw.
        let next = match &mut self.screen {
            Screen::App(session) => {
                let before = session.overlays().len();
                let now = std::time::Instant::now();
                let mut next = session.pump(now);
                match session.take_system_action() {
                    Some(crate::session::SystemAction::Close) => {
                        event_loop.exit();
                        return;
                    }
                    Some(crate::session::SystemAction::Restart) => {
                        session.hide_app();
                        restart = true;
                    }
                    None => {}
                }
                let reloaded = self.reloader.as_mut().is_some_and(|r| r.poll(self.host, session));
                if reloaded {
                    if let Some(g) = self.gfx.as_mut() {
                        g.remote = crate::images::load_images(&mut g.renderer, session.bundle());
                    }
                }
                let mut redraw = reloaded || session.take_dirty() || next.is_some() || before != session.overlays().len();
                if self.reloader.is_some() {
                    // Wake to look for file changes even when the app sleeps.
                    next = Some(next.map_or(now + crate::RELOAD_POLL, |n| n.min(now + crate::RELOAD_POLL)));
                }
                if self.gfx.as_ref().is_some_and(|g| g.remote.pending() > 0) {
                    // Remote images on their way: look for them on the next frames.
                    redraw = true;
                    next = Some(next.map_or(now + PRESS_FRAME, |n| n.min(now + PRESS_FRAME)));
                }
                if session.pressing() {
                    // Frames while a press is down: the long press fires on one.
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
        if restart {
            self.restart();
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
        let result = match event {
            WindowEvent::CloseRequested => {
                // The app goes to the background before the window closes (its `on-hide`).
                if let Screen::App(session) = &mut self.screen {
                    session.hide_app();
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
            WindowEvent::CursorMoved { position, .. } => {
                self.cursor = position;
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
                let (x, y) = self.cursor_logical();
                let t = self.now_ms();
                let r = match &mut self.screen {
                    Screen::App(session) => match state {
                        ElementState::Pressed => session.pointer_down(x, y, t, &mut self.host.fonts),
                        ElementState::Released => session.pointer_up(x, y, t, &mut self.host.fonts),
                    },
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
                let (x, y) = self.cursor_logical();
                let scale = self.gfx.as_ref().map(|g| g.window.scale_factor()).unwrap_or(1.0);
                // winit's positive y is "content moves down" (scroll up); ours scrolls down.
                let (dx, dy) = match delta {
                    MouseScrollDelta::LineDelta(lx, ly) => (-lx * WHEEL_LINE_PX, -ly * WHEEL_LINE_PX),
                    MouseScrollDelta::PixelDelta(p) => ((-p.x / scale) as f32, (-p.y / scale) as f32),
                };
                let r = match &mut self.screen {
                    Screen::App(session) => session.wheel(x, y, dx, dy, &mut self.host.fonts),
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
                let r = self.key_pressed(&event);
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
