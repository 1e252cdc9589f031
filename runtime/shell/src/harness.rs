//! The headless driver: a host plus an offscreen renderer, a launched session, and the script
//! runner behind `miniapp run --headless` and `miniapp demo --headless`. Tests use it too.

use crate::error::{Error, Result};
use crate::frame::{SCREEN_HEIGHT, SCREEN_WIDTH};
use crate::host::{ms, Host, HostConfig, LaunchReport};
use crate::script::{ScriptLine, Step};
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
}

/// A host with an offscreen renderer.
pub struct Harness {
    host: Host,
    gpu: Gpu,
    renderer: Renderer,
    /// Screenshot pixel ratio; `None` = the session's device pixel ratio.
    scale: Option<f32>,
    /// The host's fonts epoch the renderer's shaped text belongs to.
    fonts_epoch: u64,
    /// The input clock: ms since the harness started, plus the time long presses simulated.
    started: Instant,
    skew_ms: u64,
}

impl Harness {
    /// Creates the host and the GPU device (lavapipe where there is no GPU).
    ///
    /// # Errors
    /// No GPU adapter, or the host cannot be created.
    pub fn new(config: HostConfig) -> Result<Harness> {
        let host = Host::new(config)?;
        let gpu = Gpu::new_headless()?;
        let renderer = Renderer::new(&gpu, wgpu_format())?;
        tracing::info!(adapter = %gpu.adapter_summary(), "headless renderer ready");
        let fonts_epoch = host.fonts_epoch();
        Ok(Harness { host, gpu, renderer, scale: DEFAULT_SCALE, fonts_epoch })
    }

    /// The adapter in use, for traces and logs.
    pub fn adapter(&self) -> String {
        self.gpu.adapter_summary()
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
            self.renderer.clear_text_cache();
            self.fonts_epoch = self.host.fonts_epoch();
        }
        let t = Instant::now();
        load_images(&mut self.renderer, session.bundle());
        let _ = self.frame(&mut session)?;
        report.timings.first_frame_ms = ms(t);
        Ok((session, report))
    }

    /// Renders the current screen of a session to an RGBA image.
    ///
    /// # Errors
    /// Layout or GPU errors.
    pub fn frame(&mut self, session: &mut Session) -> Result<image::RgbaImage> {
        let list = session.screen(&mut self.host.fonts)?;
        let device = session.device();
        debug_assert_eq!((list.width, list.height), (device.width, device.height));
        let white = Color { r: 255, g: 255, b: 255, a: 255 };
        let scale = self.scale.unwrap_or(device.pixel_ratio);
        Ok(self.renderer.render_to_image(&self.gpu, &list, &mut self.host.fonts, scale, white)?)
    }

    /// Renders the screen and writes it as a PNG.
    ///
    /// # Errors
    /// Rendering or writing fails.
    pub fn screenshot(&mut self, session: &mut Session, path: &Path) -> Result<()> {
        let img = self.frame(session)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| Error::Io { path: dir.to_path_buf(), source })?;
        }
        miniapp_render::save_png(&img, path)?;
        Ok(())
    }

    /// Taps the centre of the first element matching `selector`.
    ///
    /// # Errors
    /// A message when nothing matches.
    pub fn tap(&mut self, session: &mut Session, selector: &str) -> Result<std::result::Result<TargetRect, String>> {
        match session.find(selector, &mut self.host.fonts)? {
            Some(r) => {
                session.tap_at(r.x + r.w / 2.0, r.y + r.h / 2.0, &mut self.host.fonts)?;
                Ok(Ok(TargetRect { x: r.x, y: r.y, w: r.w, h: r.h }))
            }
            None => Ok(Err(format!("no element matches `{selector}` on {}", session.current_route().unwrap_or("?")))),
        }
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
            let t = Instant::now();
            let mut target = None;
            let outcome: std::result::Result<(), String> = match &line.step {
                Step::Tap(sel) => {
                    let r = self.tap(session, &sel.0)?.map(|r| target = Some(r));
                    session.pump(Instant::now());
                    r
                }
                Step::Wait(ms) => {
                    // Run the app's event loop (timers, network results) for this long.
                    let end = Instant::now() + Duration::from_millis(*ms);
                    loop {
                        let now = Instant::now();
                        let next = session.pump(now);
                        if now >= end {
                            break;
                        }
                        let until = next.map(|n| n.min(end)).unwrap_or(end);
                        std::thread::sleep(until.saturating_duration_since(Instant::now()).max(Duration::from_millis(1)));
                    }
                    Ok(())
                }
                Step::Screenshot(file) => {
                    let path = resolve(out_dir, file);
                    self.screenshot(session, &path).map_err(|e| e.to_string())
                }
                Step::AssertText(text) => {
                    let shown = session.text_content(&mut self.host.fonts)?;
                    if shown.contains(text.as_str()) {
                        Ok(())
                    } else {
                        Err(format!("the page does not show `{text}`; it shows: {:?}", shown.replace('\n', " | ")))
                    }
                }
                Step::Back => {
                    if session.back(&mut self.host.fonts)? {
                        Ok(())
                    } else {
                        Err("already on the first page".to_string())
                    }
                }
                Step::Answer(choice) => match session.question() {
                    Some(Overlay::Camera { .. }) if choice.is_some() => {
                        Err("the camera is open: give it an image with `scan FILE`, or close it with `answer cancel`".into())
                    }
                    Some(Overlay::Modal { .. } | Overlay::Camera { .. }) => {
                        session.answer_overlay(*choice);
                        Ok(())
                    }
                    Some(Overlay::ActionSheet { items, .. }) => match choice {
                        Some(i) if *i >= items.len() => {
                            Err(format!("the action sheet has {} items (0 to {}), not item {i}", items.len(), items.len() - 1))
                        }
                        _ => {
                            session.answer_overlay(*choice);
                            Ok(())
                        }
                    },
                    Some(Overlay::Permission { .. }) => Err("a permission prompt is open: answer it with `allow` or `deny`".into()),
                    _ => Err("no modal, action sheet or camera is open".into()),
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
            if matches!(line.step, Step::Answer(_) | Step::Permission(_) | Step::Scan(_)) {
                session.pump(Instant::now());
                session.layout(&mut self.host.fonts)?;
            }
            let ok = outcome.is_ok();
            steps.push(StepTrace {
                line: line.line,
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

/// Hands the bundle's images to the renderer, keyed as templates write them (`/assets/a.png`
/// and `assets/a.png`). An image that does not decode is logged and drawn as a placeholder.
pub(crate) fn load_images(renderer: &mut Renderer, bundle: &miniapp_bundle::LockedBundle) {
    renderer.clear_images();
    for path in bundle.paths() {
        let lower = path.to_ascii_lowercase();
        if !(lower.ends_with(".png") || lower.ends_with(".jpg") || lower.ends_with(".jpeg")) {
            continue;
        }
        let Some(bytes) = bundle.file(path) else { continue };
        for key in [path.to_string(), format!("/{path}")] {
            if let Err(e) = renderer.set_image_encoded(&key, bytes) {
                tracing::warn!(image = %path, error = %e, "image not loaded");
                break;
            }
        }
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
