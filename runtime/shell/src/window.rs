//! The simulator window (winit): the phone screen of one session, redrawn after every input.
//! A click is a tap; Escape or Backspace is "back"; closing the window ends the session.

use crate::error::{Error, Result};
use crate::frame::{SCREEN_HEIGHT, SCREEN_WIDTH};
use crate::host::Host;
use crate::session::Session;
use miniapp_render::{wgpu, Gpu, Renderer};
use miniapp_view::Color;
use std::sync::Arc;
use winit::application::ApplicationHandler;
use winit::dpi::{LogicalSize, PhysicalPosition};
use winit::event::{ElementState, MouseButton, WindowEvent};
use winit::event_loop::{ActiveEventLoop, EventLoop};
use winit::keyboard::{Key, NamedKey};
use winit::window::{Window, WindowId};

struct Gfx {
    window: Arc<Window>,
    surface: wgpu::Surface<'static>,
    config: wgpu::SurfaceConfiguration,
    gpu: Gpu,
    renderer: Renderer,
}

struct App<'a> {
    host: &'a mut Host,
    session: Session,
    title: String,
    gfx: Option<Gfx>,
    cursor: PhysicalPosition<f64>,
    error: Option<Error>,
    frames: u64,
    started: std::time::Instant,
    exit_after: Option<std::time::Duration>,
}

/// What a window session did, for logs and tests.
#[derive(Debug, Clone, Copy)]
pub struct WindowReport {
    /// Frames presented.
    pub frames: u64,
}

/// Opens the window on a launched session and runs until it is closed.
///
/// # Errors
/// No display, no GPU adapter for the window's surface, or a rendering error.
/// `exit_after` closes the window by itself after that long (for automation and tests).
pub fn run(host: &mut Host, session: Session, exit_after: Option<std::time::Duration>) -> Result<WindowReport> {
    let event_loop = EventLoop::new().map_err(|e| Error::Window(e.to_string()))?;
    let title = format!("miniapp — {}", session.app_id());
    let mut app = App {
        host,
        session,
        title,
        gfx: None,
        cursor: PhysicalPosition::new(0.0, 0.0),
        error: None,
        frames: 0,
        started: std::time::Instant::now(),
        exit_after,
    };
    if exit_after.is_some() {
        event_loop.set_control_flow(winit::event_loop::ControlFlow::Poll);
    }
    event_loop.run_app(&mut app).map_err(|e| Error::Window(e.to_string()))?;
    match app.error {
        Some(e) => Err(e),
        None => Ok(WindowReport { frames: app.frames }),
    }
}

impl App<'_> {
    fn init(&mut self, event_loop: &ActiveEventLoop) -> Result<()> {
        let attrs = Window::default_attributes()
            .with_title(self.title.clone())
            .with_inner_size(LogicalSize::new(SCREEN_WIDTH as f64, SCREEN_HEIGHT as f64))
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
        crate::harness::load_images(&mut renderer, self.session.bundle());
        tracing::info!(adapter = %gpu.adapter_summary(), ?format, "window ready");
        self.gfx = Some(Gfx { window, surface, config, gpu, renderer });
        Ok(())
    }

    fn redraw(&mut self) -> Result<()> {
        let Some(g) = self.gfx.as_mut() else { return Ok(()) };
        let list = self.session.screen(&mut self.host.fonts)?;
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
        Ok(())
    }

    fn fail(&mut self, event_loop: &ActiveEventLoop, e: Error) {
        self.error = Some(e);
        event_loop.exit();
    }
}

impl ApplicationHandler for App<'_> {
    fn about_to_wait(&mut self, event_loop: &ActiveEventLoop) {
        // The app's event loop: timers and network results, then a redraw.
        let before = self.session.overlays().len();
        let next = self.session.pump(std::time::Instant::now());
        if let Some(g) = &self.gfx {
            if next.is_some() || before != self.session.overlays().len() {
                g.window.request_redraw();
            }
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
                Ok(())
            }
            WindowEvent::MouseInput { state: ElementState::Pressed, button: MouseButton::Left, .. } => {
                let scale = self.gfx.as_ref().map(|g| g.window.scale_factor()).unwrap_or(1.0);
                let (x, y) = ((self.cursor.x / scale) as f32, (self.cursor.y / scale) as f32);
                let r = self.session.tap_at(x, y, &mut self.host.fonts);
                if let Some(g) = &self.gfx {
                    g.window.request_redraw();
                }
                r
            }
            WindowEvent::KeyboardInput { event, .. } if event.state == ElementState::Pressed => {
                let r = match event.logical_key {
                    Key::Named(NamedKey::Escape) | Key::Named(NamedKey::Backspace) => {
                        self.session.back(&mut self.host.fonts).map(|_| ())
                    }
                    _ => Ok(()),
                };
                if let Some(g) = &self.gfx {
                    g.window.request_redraw();
                }
                r
            }
            _ => Ok(()),
        };
        if let Err(e) = result {
            self.fail(event_loop, e);
        }
    }
}
