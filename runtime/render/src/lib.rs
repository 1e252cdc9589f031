//! `miniapp-render`: draws a [`miniapp_view::DisplayList`] with wgpu, to a
//! window surface or offscreen into an RGBA image (and PNG).
//!
//! - [`Gpu`] is created once per host process (instance, adapter, device,
//!   queue). Without a GPU, Mesa's lavapipe (software Vulkan) runs the same
//!   code.
//! - [`Renderer`] holds the pipelines, the glyph atlas, shaped text and image
//!   textures. Rects (rounded, with borders) and images are instanced quads
//!   shaded with a signed distance field; text is shaped with cosmic-text and
//!   drawn by glyphon; clips (rounded for quads) are done in the shader and by
//!   glyphon's text bounds. Paint order follows the display list.
//! - Colours are exact: targets are non-sRGB and glyphon runs in
//!   `ColorMode::Web`, so CSS `#07c160` is `(7, 193, 96)` in the PNG.
//! - [`compare`] and [`save_png`] serve snapshot tests and the headless
//!   driver.
//!
//! ```no_run
//! # fn main() -> Result<(), miniapp_render::Error> {
//! use miniapp_render::{Gpu, Renderer};
//! use miniapp_view::{Color, DisplayList};
//! let gpu = Gpu::new_headless()?;
//! let mut renderer = Renderer::new(&gpu, miniapp_render::wgpu::TextureFormat::Rgba8Unorm)?;
//! let mut fonts = miniapp_view::new_font_system();
//! let list = DisplayList { width: 375.0, height: 667.0, items: vec![] };
//! let white = Color { r: 255, g: 255, b: 255, a: 255 };
//! let img = renderer.render_to_image(&gpu, &list, &mut fonts, 2.0, white)?;
//! miniapp_render::save_png(&img, std::path::Path::new("page.png"))?;
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod compare;
mod error;
mod gpu;
pub mod limits;
mod plan;
mod renderer;
mod text;

pub use compare::{compare, diff_image, save_png, ImageDiff};
pub use error::{Error, Result};
pub use gpu::Gpu;
pub use limits::Limits;
pub use renderer::{pick_surface_format, FrameStats, Renderer, SUPPORTED_FORMATS};

/// The glyphon this crate is built with (its `FontSystem` is cosmic-text's).
pub use glyphon;
/// The image crate this crate is built with (`RgbaImage`).
pub use image;
/// The wgpu this crate is built with, so that the shell creates surfaces and
/// views of the same version.
pub use wgpu;
