//! The renderer's limits: what a display list may ask of the GPU.
//!
//! A display list comes from an app's template and styles, so it is untrusted
//! input: sizes may be absurd, fonts enormous, images huge. These limits keep a
//! frame bounded; each one is a documented `DEFAULT_*` constant used by
//! [`Limits::default`].

/// Largest side, in physical pixels, of an offscreen image or window frame.
///
/// The effective limit is the smaller of this and the device's
/// `max_texture_dimension_2d`.
pub const DEFAULT_MAX_TARGET_SIDE: u32 = 8192;

/// Largest physical font size (font size times scale) that is rasterized.
///
/// Larger text is drawn at this size (a warning is logged): one glyph of 4096
/// px would fill the glyph atlas and fail the whole frame.
pub const DEFAULT_MAX_GLYPH_PX: f32 = 512.0;

/// Largest side, in pixels, of an image texture; larger images are scaled
/// down to fit (keeping their aspect ratio) when they are registered.
pub const DEFAULT_MAX_IMAGE_SIDE: u32 = 4096;

/// Largest width or height of an encoded image (PNG, JPEG) that
/// [`crate::Renderer::set_image_encoded`] decodes; larger ones are refused
/// before their pixels are allocated (a 60 KB PNG can claim 50 000 x 50 000).
pub const DEFAULT_MAX_DECODE_SIDE: u32 = 16_384;

/// Most bytes the image decoder may allocate for one image.
pub const DEFAULT_MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

/// Most characters of one text item that are shaped; the rest is dropped
/// (a warning is logged). Shaping is linear in text length, and a frame must
/// stay interactive whatever an app puts in a `<text>`.
pub const DEFAULT_MAX_TEXT_CHARS: usize = 100_000;

/// Deepest clip nesting honoured; deeper `PushClip`s still clip to the
/// innermost honoured rectangle.
pub const DEFAULT_MAX_CLIP_DEPTH: usize = 256;

/// Most colour stops of one gradient that are drawn; later stops are dropped.
pub const DEFAULT_MAX_GRADIENT_STOPS: usize = 32;

/// Largest shadow blur (Gaussian standard deviation, logical px) drawn; larger blurs are
/// drawn at this one (a blurred quad grows by three of them on each side).
pub const DEFAULT_MAX_BLUR_PX: f32 = 64.0;

/// Most tiles one repeated background image is drawn with.
pub const DEFAULT_MAX_BACKGROUND_TILES: usize = 4096;

/// Deepest nesting of composited layers (`opacity`, `transform` groups); deeper layers paint
/// their content without compositing (opacity 1, no transform).
pub const DEFAULT_MAX_LAYER_DEPTH: usize = 16;

/// The renderer's limits; see each `DEFAULT_*` constant.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// see [`DEFAULT_MAX_TARGET_SIDE`]
    pub max_target_side: u32,
    /// see [`DEFAULT_MAX_GLYPH_PX`]
    pub max_glyph_px: f32,
    /// see [`DEFAULT_MAX_IMAGE_SIDE`]
    pub max_image_side: u32,
    /// see [`DEFAULT_MAX_DECODE_SIDE`]
    pub max_decode_side: u32,
    /// see [`DEFAULT_MAX_DECODE_BYTES`]
    pub max_decode_bytes: u64,
    /// see [`DEFAULT_MAX_TEXT_CHARS`]
    pub max_text_chars: usize,
    /// see [`DEFAULT_MAX_CLIP_DEPTH`]
    pub max_clip_depth: usize,
    /// see [`DEFAULT_MAX_GRADIENT_STOPS`]
    pub max_gradient_stops: usize,
    /// see [`DEFAULT_MAX_BLUR_PX`]
    pub max_blur_px: f32,
    /// see [`DEFAULT_MAX_BACKGROUND_TILES`]
    pub max_background_tiles: usize,
    /// see [`DEFAULT_MAX_LAYER_DEPTH`]
    pub max_layer_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_target_side: DEFAULT_MAX_TARGET_SIDE,
            max_glyph_px: DEFAULT_MAX_GLYPH_PX,
            max_image_side: DEFAULT_MAX_IMAGE_SIDE,
            max_decode_side: DEFAULT_MAX_DECODE_SIDE,
            max_decode_bytes: DEFAULT_MAX_DECODE_BYTES,
            max_text_chars: DEFAULT_MAX_TEXT_CHARS,
            max_clip_depth: DEFAULT_MAX_CLIP_DEPTH,
            max_gradient_stops: DEFAULT_MAX_GRADIENT_STOPS,
            max_blur_px: DEFAULT_MAX_BLUR_PX,
            max_background_tiles: DEFAULT_MAX_BACKGROUND_TILES,
            max_layer_depth: DEFAULT_MAX_LAYER_DEPTH,
        }
    }
}
