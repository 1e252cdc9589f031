//! The one error type of `miniapp-render`.

use std::path::PathBuf;

/// Everything that can go wrong while setting up the GPU, drawing a display
/// list or handling the images that come out of it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No adapter at all could be created: no GPU driver and no software
    /// rasterizer (install Mesa's `mesa-vulkan-drivers` for lavapipe).
    #[error("no graphics adapter found (backends tried: {backends}): {reason}; install a GPU driver or Mesa's software Vulkan (apt-get install mesa-vulkan-drivers)")]
    NoAdapter {
        /// the backends wgpu was allowed to use
        backends: String,
        /// what wgpu said
        reason: String,
    },
    /// The adapter refused to create a device.
    #[error("cannot create a device on adapter {adapter}: {reason}")]
    Device {
        /// adapter summary
        adapter: String,
        /// what wgpu said
        reason: String,
    },
    /// The render target format is not one this renderer can draw to exactly.
    #[error("target format {format:?} is not supported: {reason}")]
    UnsupportedFormat {
        /// the format asked for
        format: wgpu::TextureFormat,
        /// which rule it breaks
        reason: &'static str,
    },
    /// The requested output size is empty, not finite or larger than the GPU allows.
    #[error("output size {width}x{height} (display list {list_width}x{list_height} at scale {scale}) is invalid: {reason}")]
    BadSize {
        /// physical width asked for
        width: f64,
        /// physical height asked for
        height: f64,
        /// logical width of the display list
        list_width: f32,
        /// logical height of the display list
        list_height: f32,
        /// scale factor
        scale: f32,
        /// which rule it breaks
        reason: String,
    },
    /// An image given to [`crate::Renderer::set_image`] is empty.
    #[error("image {src:?} is empty ({width}x{height})")]
    EmptyImage {
        /// the image's source name
        src: String,
        /// its width
        width: u32,
        /// its height
        height: u32,
    },
    /// An encoded image given to [`crate::Renderer::set_image_encoded`] could
    /// not be decoded, or is larger than the decode limits.
    #[error("cannot decode image {src:?}: {reason}")]
    DecodeImage {
        /// the image's source name
        src: String,
        /// what the decoder said, or which limit it breaks
        reason: String,
    },
    /// glyphon could not prepare the text of a frame (glyph atlas full).
    #[error("cannot prepare text: {0}")]
    TextPrepare(#[from] glyphon::PrepareError),
    /// glyphon could not draw the text of a frame.
    #[error("cannot draw text: {0}")]
    TextRender(#[from] glyphon::RenderError),
    /// Reading the rendered pixels back from the GPU failed.
    #[error("cannot read back the rendered image: {0}")]
    Readback(String),
    /// The GPU reported a validation or out-of-memory error for a frame.
    #[error("gpu error while {what}: {reason}")]
    Gpu {
        /// what was being done
        what: &'static str,
        /// what wgpu said
        reason: String,
    },
    /// Two images compared with [`crate::compare`] have different sizes.
    #[error("image sizes differ: {a_width}x{a_height} vs {b_width}x{b_height}")]
    SizeMismatch {
        /// width of the first image
        a_width: u32,
        /// height of the first image
        a_height: u32,
        /// width of the second image
        b_width: u32,
        /// height of the second image
        b_height: u32,
    },
    /// Writing or encoding a PNG failed.
    #[error("cannot write png {path}: {source}")]
    SavePng {
        /// where it was written
        path: PathBuf,
        /// the cause
        #[source]
        source: image::ImageError,
    },
    /// Creating the folder of a PNG failed.
    #[error("cannot create folder {path}: {source}")]
    CreateDir {
        /// the folder
        path: PathBuf,
        /// the cause
        #[source]
        source: std::io::Error,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
