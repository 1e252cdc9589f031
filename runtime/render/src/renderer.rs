//! [`Renderer`]: draws a display list with wgpu, into a window's texture view
//! or offscreen into an RGBA image.

use std::collections::HashMap;
use std::sync::mpsc;
use std::time::Instant;

use glyphon::{
    Cache, ColorMode, FontSystem, Resolution, SwashCache, TextArea, TextAtlas, TextBounds,
    TextRenderer, Viewport,
};
use image::RgbaImage;
use miniapp_view::{Color, DisplayItem, DisplayList, FontStyle, Rect};
use wgpu::util::DeviceExt;

use crate::error::{Error, Result};
use crate::gpu::Gpu;
use crate::limits::Limits;
use crate::plan::{gradient_ramp, plan_with, LayerDraw, Plan, QuadInstance};
use crate::text::{TextCache, TextKey};

/// Uniforms of the quad shader.
#[repr(C)]
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct Globals {
    viewport: [f32; 2],
    scale: f32,
    _pad: f32,
}

/// An image registered with [`Renderer::set_image`].
#[derive(Debug)]
struct ImageTexture {
    _texture: wgpu::Texture,
    bind_group: wgpu::BindGroup,
    size: (u32, u32),
}

/// The offscreen target of [`Renderer::render_to_image`], kept while the size
/// stays the same.
#[derive(Debug)]
struct Offscreen {
    texture: wgpu::Texture,
    view: wgpu::TextureView,
    size: (u32, u32),
    /// bytes per row of `readback`, padded to `COPY_BYTES_PER_ROW_ALIGNMENT`
    padded: u32,
    readback: wgpu::Buffer,
}

/// What the last frame contained and cost.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FrameStats {
    /// quads drawn (rects, borders, images, placeholders)
    pub quads: usize,
    /// text items drawn
    pub texts: usize,
    /// layers (quads then text) the frame was split into to keep paint order
    pub layers: usize,
    /// draw calls for quads
    pub quad_draws: usize,
    /// display items skipped for a non-finite or negative size
    pub invalid_items: usize,
    /// CPU time to plan, shape and record the frame, in milliseconds
    pub cpu_ms: f64,
}

/// Draws display lists. Holds the pipelines, the glyph atlas, shaped text and
/// image textures; create one per render target format and reuse it.
pub struct Renderer {
    device: wgpu::Device,
    queue: wgpu::Queue,
    format: wgpu::TextureFormat,
    limits: Limits,
    max_side: u32,
    pipeline: wgpu::RenderPipeline,
    globals: wgpu::Buffer,
    globals_group: wgpu::BindGroup,
    image_layout: wgpu::BindGroupLayout,
    sampler: wgpu::Sampler,
    solid_group: wgpu::BindGroup,
    images: HashMap<String, ImageTexture>,
    /// Textures made by the renderer for one frame: gradient ramps (kept while used) and
    /// composited layers (dropped after the frame).
    generated: HashMap<String, ImageTexture>,
    /// How each layer texture of the current frame is composited.
    layer_draws: HashMap<String, LayerDraw>,
    instances: wgpu::Buffer,
    instance_capacity: u64,
    atlas: TextAtlas,
    viewport: Viewport,
    text_renderers: Vec<TextRenderer>,
    swash: SwashCache,
    text_cache: TextCache,
    offscreen: Option<Offscreen>,
    stats: FrameStats,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer")
            .field("format", &self.format)
            .field("limits", &self.limits)
            .field("images", &self.images.len())
            .field("text_cache", &self.text_cache)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

const INSTANCE_SIZE: u64 = std::mem::size_of::<QuadInstance>() as u64;

/// Formats a renderer can target: 8-bit, 4-channel, non-sRGB (so that CSS
/// colours arrive in the pixels unchanged).
pub const SUPPORTED_FORMATS: [wgpu::TextureFormat; 2] = [
    wgpu::TextureFormat::Rgba8Unorm,
    wgpu::TextureFormat::Bgra8Unorm,
];

/// Picks how to configure a window surface from the formats it supports.
///
/// Returns `(surface_format, view_format)`: configure the surface with
/// `surface_format` and `view_formats: vec![view_format]` when they differ,
/// create the frame's view with `view_format`, and create the [`Renderer`]
/// with `view_format`. `None` when the surface offers no 8-bit RGBA/BGRA
/// format.
pub fn pick_surface_format(
    formats: &[wgpu::TextureFormat],
) -> Option<(wgpu::TextureFormat, wgpu::TextureFormat)> {
    if let Some(f) = formats.iter().find(|f| SUPPORTED_FORMATS.contains(f)) {
        return Some((*f, *f));
    }
    formats
        .iter()
        .find(|f| SUPPORTED_FORMATS.contains(&f.remove_srgb_suffix()))
        .map(|f| (*f, f.remove_srgb_suffix()))
}

impl Renderer {
    /// Creates a renderer that draws into textures of `target_format`, with
    /// the default [`Limits`].
    ///
    /// # Errors
    ///
    /// [`Error::UnsupportedFormat`] unless the format is one of
    /// [`SUPPORTED_FORMATS`] (an sRGB format would re-encode CSS colours).
    pub fn new(gpu: &Gpu, target_format: wgpu::TextureFormat) -> Result<Renderer> {
        Renderer::with_limits(gpu, target_format, Limits::default())
    }

    /// As [`Renderer::new`], with explicit limits.
    ///
    /// # Errors
    ///
    /// As [`Renderer::new`].
    pub fn with_limits(
        gpu: &Gpu,
        target_format: wgpu::TextureFormat,
        limits: Limits,
    ) -> Result<Renderer> {
        if !SUPPORTED_FORMATS.contains(&target_format) {
            return Err(Error::UnsupportedFormat {
                format: target_format,
                reason: if target_format.is_srgb() {
                    "sRGB targets re-encode colours; use the non-sRGB twin (see pick_surface_format)"
                } else {
                    "only Rgba8Unorm and Bgra8Unorm are supported"
                },
            });
        }
        let started = Instant::now();
        let device = gpu.device.clone();
        let queue = gpu.queue.clone();

        let shader = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("miniapp quads"),
            source: wgpu::ShaderSource::Wgsl(include_str!("quad.wgsl").into()),
        });
        let globals_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("miniapp globals layout"),
            entries: &[wgpu::BindGroupLayoutEntry {
                binding: 0,
                visibility: wgpu::ShaderStages::VERTEX,
                ty: wgpu::BindingType::Buffer {
                    ty: wgpu::BufferBindingType::Uniform,
                    has_dynamic_offset: false,
                    min_binding_size: None,
                },
                count: None,
            }],
        });
        let image_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("miniapp image layout"),
            entries: &[
                wgpu::BindGroupLayoutEntry {
                    binding: 0,
                    visibility: wgpu::ShaderStages::FRAGMENT,
                    ty: wgpu::BindingType::Texture {
                        multisampled: false,
                        view_dimension: wgpu::TextureViewDimension::D2,
                        sample_type: wgpu::TextureSampleType::Float { filterable: true },
                    },
                    count: None,
                },
                wgpu::BindGroupLayoutEntry {
                    binding: 1,
                    visibility: wgpu::ShaderStages::FRAGMENT,
                    ty: wgpu::BindingType::Sampler(wgpu::SamplerBindingType::Filtering),
                    count: None,
                },
            ],
        });
        let layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("miniapp quads layout"),
            bind_group_layouts: &[Some(&globals_layout), Some(&image_layout)],
            ..Default::default()
        });
        let attributes = wgpu::vertex_attr_array![
            0 => Float32x4, 1 => Float32x4, 2 => Float32x4, 3 => Float32x4, 4 => Float32x4, 5 => Float32x4,
            6 => Float32x4, 7 => Float32x4, 8 => Float32x4, 9 => Float32x4, 10 => Float32x4,
            11 => Float32x4, 12 => Float32x4, 13 => Float32x4
        ];
        let pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: Some("miniapp quads"),
            layout: Some(&layout),
            vertex: wgpu::VertexState {
                module: &shader,
                entry_point: Some("vs_main"),
                buffers: &[Some(wgpu::VertexBufferLayout {
                    array_stride: INSTANCE_SIZE,
                    step_mode: wgpu::VertexStepMode::Instance,
                    attributes: &attributes,
                })],
                compilation_options: Default::default(),
            },
            fragment: Some(wgpu::FragmentState {
                module: &shader,
                entry_point: Some("fs_main"),
                targets: &[Some(wgpu::ColorTargetState {
                    format: target_format,
                    blend: Some(wgpu::BlendState::PREMULTIPLIED_ALPHA_BLENDING),
                    write_mask: wgpu::ColorWrites::ALL,
                })],
                compilation_options: Default::default(),
            }),
            primitive: wgpu::PrimitiveState::default(),
            depth_stencil: None,
            multisample: wgpu::MultisampleState::default(),
            multiview_mask: None,
            cache: None,
        });
        let globals = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("miniapp globals"),
            size: std::mem::size_of::<Globals>() as u64,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let globals_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("miniapp globals"),
            layout: &globals_layout,
            entries: &[wgpu::BindGroupEntry {
                binding: 0,
                resource: globals.as_entire_binding(),
            }],
        });
        let sampler = device.create_sampler(&wgpu::SamplerDescriptor {
            label: Some("miniapp image sampler"),
            mag_filter: wgpu::FilterMode::Linear,
            min_filter: wgpu::FilterMode::Linear,
            ..Default::default()
        });
        let white = RgbaImage::from_pixel(1, 1, image::Rgba([255, 255, 255, 255]));
        let (_, solid_group) =
            upload_image(&device, &queue, &image_layout, &sampler, &white, "solid");
        // keep the 1x1 texture alive through the bind group (wgpu refcounts it)
        let instance_capacity = 256;
        let instances = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("miniapp quad instances"),
            size: instance_capacity * INSTANCE_SIZE,
            usage: wgpu::BufferUsages::VERTEX | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });

        let cache = Cache::new(&device);
        let atlas =
            TextAtlas::with_color_mode(&device, &queue, &cache, target_format, ColorMode::Web);
        let viewport = Viewport::new(&device, &cache);
        let max_side = limits
            .max_target_side
            .min(device.limits().max_texture_dimension_2d);
        tracing::debug!(
            format = ?target_format,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "renderer ready"
        );
        Ok(Renderer {
            device,
            queue,
            format: target_format,
            limits,
            max_side,
            pipeline,
            globals,
            globals_group,
            image_layout,
            sampler,
            solid_group,
            images: HashMap::new(),
            generated: HashMap::new(),
            layer_draws: HashMap::new(),
            instances,
            instance_capacity,
            atlas,
            viewport,
            text_renderers: Vec::new(),
            swash: SwashCache::new(),
            text_cache: TextCache::default(),
            offscreen: None,
            stats: FrameStats::default(),
        })
    }

    /// The texture format this renderer draws to.
    pub fn format(&self) -> wgpu::TextureFormat {
        self.format
    }

    /// The limits this renderer enforces.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// What the last frame contained and cost.
    pub fn last_frame_stats(&self) -> FrameStats {
        self.stats
    }

    /// Registers (or replaces) the image that `DisplayItem::Image { src, .. }`
    /// refers to. Straight (non-premultiplied) alpha, as decoded by `image`.
    /// An image larger than [`Limits::max_image_side`] is scaled down to fit.
    ///
    /// # Errors
    ///
    /// [`Error::EmptyImage`] for a 0-pixel image.
    pub fn set_image(&mut self, src: &str, rgba: RgbaImage) -> Result<()> {
        let (w, h) = rgba.dimensions();
        if w == 0 || h == 0 {
            return Err(Error::EmptyImage {
                src: src.to_owned(),
                width: w,
                height: h,
            });
        }
        let max = self
            .limits
            .max_image_side
            .min(self.device.limits().max_texture_dimension_2d)
            .max(1);
        let rgba = if w > max || h > max {
            let factor = f64::from(max) / f64::from(w.max(h));
            let nw = ((f64::from(w) * factor).round() as u32).clamp(1, max);
            let nh = ((f64::from(h) * factor).round() as u32).clamp(1, max);
            tracing::warn!(
                src,
                width = w,
                height = h,
                max,
                "image larger than the limit; scaled down to {nw}x{nh}"
            );
            image::imageops::resize(&rgba, nw, nh, image::imageops::FilterType::Triangle)
        } else {
            rgba
        };
        let (texture, bind_group) = upload_image(
            &self.device,
            &self.queue,
            &self.image_layout,
            &self.sampler,
            &rgba,
            src,
        );
        self.images.insert(
            src.to_owned(),
            ImageTexture {
                _texture: texture,
                bind_group,
                size: rgba.dimensions(),
            },
        );
        Ok(())
    }

    /// Decodes a PNG or JPEG (from an app bundle: untrusted) and registers it
    /// as [`Renderer::set_image`] does. The decoder is limited to
    /// [`Limits::max_decode_side`] per side and [`Limits::max_decode_bytes`]
    /// of memory, so a decompression bomb is refused before it allocates.
    ///
    /// # Errors
    ///
    /// [`Error::DecodeImage`] naming `src` for an unknown format, corrupt data
    /// or an image over the limits; [`Error::EmptyImage`] for 0 pixels.
    pub fn set_image_encoded(&mut self, src: &str, bytes: &[u8]) -> Result<()> {
        let rgba = decode_image(src, bytes, &self.limits)?;
        self.set_image(src, rgba)
    }

    /// Whether an image was registered under `src`.
    pub fn has_image(&self, src: &str) -> bool {
        self.images.contains_key(src)
    }

    /// The texture size of a registered image (after any scaling down).
    pub fn image_size(&self, src: &str) -> Option<(u32, u32)> {
        self.images.get(src).map(|i| i.size)
    }

    /// Forgets one image; returns whether it was registered.
    pub fn remove_image(&mut self, src: &str) -> bool {
        self.images.remove(src).is_some()
    }

    /// Forgets all images (e.g. when an app closes).
    pub fn clear_images(&mut self) {
        self.images.clear();
    }

    /// Forgets the text shaped in earlier frames. Call it after the font system's fonts changed
    /// (`miniapp_view::set_fonts`, e.g. when a base library's fonts replace the embedded
    /// ones): lines kept from the last frame were shaped with the old faces.
    pub fn clear_text_cache(&mut self) {
        self.text_cache = TextCache::default();
    }

    /// Draws `list` offscreen and returns the pixels: an image of
    /// `round(list.width * scale)` x `round(list.height * scale)`, straight
    /// alpha, cleared to `clear` first.
    ///
    /// # Errors
    ///
    /// [`Error::BadSize`] for an empty, non-finite or too large output;
    /// [`Error::Gpu`], [`Error::TextPrepare`], [`Error::Readback`] when the
    /// GPU fails.
    pub fn render_to_image(
        &mut self,
        gpu: &Gpu,
        list: &DisplayList,
        fonts: &mut FontSystem,
        scale: f32,
        clear: Color,
    ) -> Result<RgbaImage> {
        let size = self.output_size(list, scale)?;
        let _ = gpu;
        if self.offscreen.as_ref().map(|o| o.size) != Some(size) {
            let texture = self.device.create_texture(&wgpu::TextureDescriptor {
                label: Some("miniapp offscreen"),
                size: wgpu::Extent3d {
                    width: size.0,
                    height: size.1,
                    depth_or_array_layers: 1,
                },
                mip_level_count: 1,
                sample_count: 1,
                dimension: wgpu::TextureDimension::D2,
                format: self.format,
                usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
                view_formats: &[],
            });
            let view = texture.create_view(&wgpu::TextureViewDescriptor::default());
            let padded = (size.0 * 4).div_ceil(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT)
                * wgpu::COPY_BYTES_PER_ROW_ALIGNMENT;
            let readback = self.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("miniapp readback"),
                size: u64::from(padded) * u64::from(size.1),
                usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            });
            self.offscreen = Some(Offscreen {
                texture,
                view,
                size,
                padded,
                readback,
            });
        }
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let oom = self.device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
        let flat = self.composite_layers(list, fonts, scale, 0)?;
        let list = flat.as_ref().unwrap_or(list);
        let mut encoder = self
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("miniapp offscreen frame"),
            });
        let offscreen = self
            .offscreen
            .take()
            .expect("offscreen target was just created");
        let drawn = self.encode_frame(
            &mut encoder,
            &offscreen.view,
            size,
            list,
            fonts,
            scale,
            clear,
        );
        let (w, h) = size;
        let padded = offscreen.padded;
        let readback = offscreen.readback.clone();
        encoder.copy_texture_to_buffer(
            wgpu::TexelCopyTextureInfo {
                texture: &offscreen.texture,
                mip_level: 0,
                origin: wgpu::Origin3d::ZERO,
                aspect: wgpu::TextureAspect::All,
            },
            wgpu::TexelCopyBufferInfo {
                buffer: &readback,
                layout: wgpu::TexelCopyBufferLayout {
                    offset: 0,
                    bytes_per_row: Some(padded),
                    rows_per_image: Some(h),
                },
            },
            wgpu::Extent3d {
                width: w,
                height: h,
                depth_or_array_layers: 1,
            },
        );
        self.offscreen = Some(offscreen);
        drawn?;
        self.queue.submit(Some(encoder.finish()));
        self.finish_frame(fonts);
        check_scope(pollster::block_on(oom.pop()), "drawing a frame")?;
        check_scope(pollster::block_on(scope.pop()), "drawing a frame")?;

        let mut pixels = match read_rows(&self.device, &readback, padded, w, h) {
            Ok(p) => p,
            Err(e) => {
                // a buffer left mapped would fail every later frame: start afresh
                self.offscreen = None;
                return Err(e);
            }
        };
        // The target holds premultiplied colour. Over an opaque clear every
        // pixel stays opaque (a + 1 * (1 - a) = 1), so there is nothing to
        // undo, and this loop (slow in debug builds) is skipped.
        let bgra = self.format == wgpu::TextureFormat::Bgra8Unorm;
        if bgra || clear.a != 255 {
            for px in pixels.chunks_exact_mut(4) {
                if bgra {
                    px.swap(0, 2);
                }
                unpremultiply(px);
            }
        }
        RgbaImage::from_raw(w, h, pixels)
            .ok_or_else(|| Error::Readback("pixel buffer has the wrong length".into()))
    }

    /// Draws `list` into `view` (a window's frame, `size` physical pixels,
    /// of this renderer's [`format`](Renderer::format)) and submits it. The
    /// caller presents the frame.
    ///
    /// # Errors
    ///
    /// [`Error::BadSize`] for an empty or too large size; [`Error::Gpu`] or
    /// [`Error::TextPrepare`] when the GPU fails.
    #[allow(clippy::too_many_arguments)]
    pub fn render_to_view(
        &mut self,
        gpu: &Gpu,
        view: &wgpu::TextureView,
        size: (u32, u32),
        list: &DisplayList,
        fonts: &mut FontSystem,
        scale: f32,
        clear: Color,
    ) -> Result<()> {
        let _ = gpu;
        if size.0 == 0
            || size.1 == 0
            || size.0 > self.max_side
            || size.1 > self.max_side
            || !(scale.is_finite() && scale > 0.0)
        {
            return Err(self.bad_size(list, scale, f64::from(size.0), f64::from(size.1)));
        }
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let oom = self.device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
        let flat = self.composite_layers(list, fonts, scale, 0)?;
        let list = flat.as_ref().unwrap_or(list);
        let mut encoder = self
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("miniapp window frame"),
            });
        self.encode_frame(&mut encoder, view, size, list, fonts, scale, clear)?;
        self.queue.submit(Some(encoder.finish()));
        self.finish_frame(fonts);
        check_scope(pollster::block_on(oom.pop()), "drawing a frame")?;
        check_scope(pollster::block_on(scope.pop()), "drawing a frame")?;
        Ok(())
    }

    fn bad_size(&self, list: &DisplayList, scale: f32, width: f64, height: f64) -> Error {
        let reason = if !(scale.is_finite() && scale > 0.0) {
            format!("scale must be a positive finite number, got {scale}")
        } else if !(width.is_finite() && height.is_finite()) {
            "size is not finite".to_owned()
        } else if width < 1.0 || height < 1.0 {
            "size must be at least 1x1 pixel".to_owned()
        } else {
            format!("each side must be at most {} pixels", self.max_side)
        };
        Error::BadSize {
            width,
            height,
            list_width: list.width,
            list_height: list.height,
            scale,
            reason,
        }
    }

    fn output_size(&self, list: &DisplayList, scale: f32) -> Result<(u32, u32)> {
        let w = (f64::from(list.width) * f64::from(scale)).round();
        let h = (f64::from(list.height) * f64::from(scale)).round();
        let max = f64::from(self.max_side);
        if !(scale.is_finite() && scale > 0.0 && w.is_finite() && h.is_finite())
            || w < 1.0
            || h < 1.0
            || w > max
            || h > max
        {
            return Err(self.bad_size(list, scale, w, h));
        }
        Ok((w as u32, h as u32))
    }

    /// Renders every top-level `PushLayer`…`PopLayer` group of `list` into its own texture
    /// (its content first, recursively) and returns the list with each group replaced by
    /// one image of that texture, composited with the group's opacity and transform; `None`
    /// when `list` has no layers. Each layer is submitted before the frame that uses it.
    fn composite_layers(
        &mut self,
        list: &DisplayList,
        fonts: &mut FontSystem,
        scale: f32,
        depth: usize,
    ) -> Result<Option<DisplayList>> {
        if depth == 0 {
            // what a failed frame left behind
            for key in self.layer_draws.keys() {
                self.generated.remove(key);
            }
            self.layer_draws.clear();
        }
        if !list
            .items
            .iter()
            .any(|i| matches!(i, DisplayItem::PushLayer { .. } | DisplayItem::PopLayer))
        {
            return Ok(None);
        }
        let mut out = DisplayList::new(list.width, list.height);
        let mut k = 0;
        while k < list.items.len() {
            let item = &list.items[k];
            match item {
                DisplayItem::PopLayer => {
                    tracing::warn!(index = k, "PopLayer without a matching PushLayer ignored");
                    k += 1;
                }
                DisplayItem::PushLayer { opacity, transform } => {
                    // the group runs to the matching PopLayer (or the end of the list)
                    let mut level = 0usize;
                    let mut end = list.items.len();
                    for (j, it) in list.items.iter().enumerate().skip(k + 1) {
                        match it {
                            DisplayItem::PushLayer { .. } => level += 1,
                            DisplayItem::PopLayer if level == 0 => {
                                end = j;
                                break;
                            }
                            DisplayItem::PopLayer => level -= 1,
                            _ => {}
                        }
                    }
                    let inner = &list.items[k + 1..end];
                    k = end + 1;
                    let opacity = if opacity.is_finite() { opacity.clamp(0.0, 1.0) } else { 1.0 };
                    let transform = if transform.iter().all(|v| v.is_finite()) {
                        *transform
                    } else {
                        miniapp_view::IDENTITY
                    };
                    if depth >= self.limits.max_layer_depth {
                        tracing::warn!(depth, "layers nested beyond the limit paint without compositing");
                        out.items.extend(inner.iter().filter(|i| {
                            !matches!(i, DisplayItem::PushLayer { .. } | DisplayItem::PopLayer)
                        }).cloned());
                        continue;
                    }
                    if opacity == 0.0 {
                        continue;
                    }
                    let identity = transform == miniapp_view::IDENTITY;
                    // what the layer covers: its items' boxes, within reach of the target
                    let reach = if identity {
                        Rect::new(0.0, 0.0, list.width, list.height)
                    } else {
                        Rect::new(-list.width, -list.height, 3.0 * list.width, 3.0 * list.height)
                    };
                    let Some(b) = layer_bounds(inner, reach) else {
                        continue;
                    };
                    // snap to physical pixels so that an untransformed layer lands texel on pixel
                    let x0 = (b.x * scale).floor() / scale;
                    let y0 = (b.y * scale).floor() / scale;
                    let pw = ((b.x + b.w) * scale).ceil() - x0 * scale;
                    let ph = ((b.y + b.h) * scale).ceil() - y0 * scale;
                    let pw = (pw as u32).clamp(1, self.max_side);
                    let ph = (ph as u32).clamp(1, self.max_side);
                    let bounds = Rect::new(x0, y0, pw as f32 / scale, ph as f32 / scale);
                    let mut sub = DisplayList::new(bounds.w, bounds.h);
                    sub.items = inner.to_vec();
                    sub.translate(-bounds.x, -bounds.y);
                    let sub = match self.composite_layers(&sub, fonts, scale, depth + 1)? {
                        Some(flat) => flat,
                        None => sub,
                    };
                    let key = format!("\0layer:{}", self.layer_draws.len());
                    self.render_layer(&key, &sub, fonts, scale, (pw, ph))?;
                    self.layer_draws.insert(key.clone(), LayerDraw { opacity, transform });
                    out.items.push(DisplayItem::Image {
                        rect: bounds,
                        src: key,
                        radius: 0.0,
                    });
                }
                other => {
                    out.items.push(other.clone());
                    k += 1;
                }
            }
        }
        Ok(Some(out))
    }

    /// Draws `list` into a new transparent texture of `size` physical pixels, registered
    /// as the generated image `key`, and submits it.
    fn render_layer(
        &mut self,
        key: &str,
        list: &DisplayList,
        fonts: &mut FontSystem,
        scale: f32,
        size: (u32, u32),
    ) -> Result<()> {
        let texture = self.device.create_texture(&wgpu::TextureDescriptor {
            label: Some("miniapp layer"),
            size: wgpu::Extent3d {
                width: size.0,
                height: size.1,
                depth_or_array_layers: 1,
            },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: self.format,
            usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::TEXTURE_BINDING,
            view_formats: &[],
        });
        let view = texture.create_view(&wgpu::TextureViewDescriptor::default());
        let mut encoder = self
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("miniapp layer"),
            });
        self.encode_frame(&mut encoder, &view, size, list, fonts, scale, Color::TRANSPARENT)?;
        self.queue.submit(Some(encoder.finish()));
        let bind_group = self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("miniapp layer"),
            layout: &self.image_layout,
            entries: &[
                wgpu::BindGroupEntry {
                    binding: 0,
                    resource: wgpu::BindingResource::TextureView(&view),
                },
                wgpu::BindGroupEntry {
                    binding: 1,
                    resource: wgpu::BindingResource::Sampler(&self.sampler),
                },
            ],
        });
        self.generated.insert(
            key.to_owned(),
            ImageTexture {
                _texture: texture,
                bind_group,
                size,
            },
        );
        Ok(())
    }

    fn finish_frame(&mut self, fonts: &mut FontSystem) {
        // layer textures live for one frame; ramps stay while frames use them
        for key in self.layer_draws.keys() {
            self.generated.remove(key);
        }
        self.layer_draws.clear();
        // a frame with many layers should not pin its text renderers forever
        self.text_renderers.truncate(self.stats.layers.max(4));
        self.atlas.trim();
        self.text_cache.end_frame();
        // shaped words unused for a few frames leave the font system's shape cache (the view
        // trims it per render too), so shell screens that never render a page stay bounded
        fonts.shape_run_cache.trim(miniapp_view::SHAPE_CACHE_RENDERS);
    }

    /// Plans, shapes, uploads and records one frame into `encoder`.
    #[allow(clippy::too_many_arguments)]
    fn encode_frame(
        &mut self,
        encoder: &mut wgpu::CommandEncoder,
        view: &wgpu::TextureView,
        size: (u32, u32),
        list: &DisplayList,
        fonts: &mut FontSystem,
        scale: f32,
        clear: Color,
    ) -> Result<()> {
        let started = Instant::now();
        let images = &self.images;
        let layer_draws = &self.layer_draws;
        let plan: Plan = plan_with(
            list,
            &self.limits,
            |src| images.get(src).map(|i| i.size),
            |src| layer_draws.get(src).copied(),
        );
        for (key, stops) in &plan.ramps {
            if !self.generated.contains_key(key) {
                let texels = gradient_ramp(stops);
                let ramp = RgbaImage::from_raw(256, 1, texels.concat())
                    .expect("a ramp is 256 texels");
                let (texture, bind_group) = upload_image(
                    &self.device,
                    &self.queue,
                    &self.image_layout,
                    &self.sampler,
                    &ramp,
                    "miniapp gradient ramp",
                );
                self.generated.insert(
                    key.clone(),
                    ImageTexture {
                        _texture: texture,
                        bind_group,
                        size: (256, 1),
                    },
                );
            }
        }
        if self.generated.len() > self.layer_draws.len() + 256 {
            // many gradients came and went: keep only this frame's ramps
            let used: std::collections::HashSet<&String> = plan.ramps.iter().map(|(k, _)| k).collect();
            let layers = &self.layer_draws;
            self.generated.retain(|k, _| used.contains(k) || layers.contains_key(k));
        }

        // quads
        let needed = plan.instances.len() as u64;
        if needed > self.instance_capacity {
            let capacity = needed.next_power_of_two();
            self.instances = self.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("miniapp quad instances"),
                size: capacity * INSTANCE_SIZE,
                usage: wgpu::BufferUsages::VERTEX | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            });
            self.instance_capacity = capacity;
        }
        if !plan.instances.is_empty() {
            self.queue
                .write_buffer(&self.instances, 0, bytemuck::cast_slice(&plan.instances));
        }
        let globals = Globals {
            viewport: [size.0 as f32, size.1 as f32],
            scale,
            _pad: 0.0,
        };
        self.queue
            .write_buffer(&self.globals, 0, bytemuck::bytes_of(&globals));

        // text: shape every run of the frame, then prepare one renderer per layer
        self.text_cache.begin_frame();
        let mut keys: Vec<Vec<(TextKey, usize)>> = Vec::with_capacity(plan.layers.len());
        for layer in &plan.layers {
            let mut layer_keys = Vec::with_capacity(layer.texts.len());
            for (run_index, run) in layer.texts.iter().enumerate() {
                let (text, font_size, line_height, style) = match &list.items[run.item] {
                    DisplayItem::Text {
                        text,
                        font_size,
                        line_height,
                        bold,
                        ..
                    } => (
                        text,
                        font_size,
                        line_height,
                        FontStyle {
                            bold: *bold,
                            ..FontStyle::default()
                        },
                    ),
                    DisplayItem::StyledText {
                        text,
                        font_size,
                        line_height,
                        style,
                        ..
                    } => (text, font_size, line_height, *style),
                    _ => continue,
                };
                let mut font_size = *font_size;
                let mut line_height = *line_height;
                if font_size * scale > self.limits.max_glyph_px {
                    tracing::warn!(
                        font_size,
                        scale,
                        max_px = self.limits.max_glyph_px,
                        "font too large; drawn at the limit"
                    );
                    let factor = self.limits.max_glyph_px / scale / font_size;
                    font_size *= factor;
                    line_height *= factor;
                }
                let text: &str = match text.char_indices().nth(self.limits.max_text_chars) {
                    Some((cut, _)) => {
                        tracing::warn!(
                            chars = self.limits.max_text_chars,
                            "text longer than the limit; truncated"
                        );
                        &text[..cut]
                    }
                    None => text,
                };
                let key = TextKey::new(text, font_size, line_height, style);
                self.text_cache
                    .ensure(fonts, &key, text, font_size, line_height, style);
                layer_keys.push((key, run_index));
            }
            keys.push(layer_keys);
        }
        self.viewport.update(
            &self.queue,
            Resolution {
                width: size.0,
                height: size.1,
            },
        );
        while self.text_renderers.len() < plan.layers.len() {
            self.text_renderers.push(TextRenderer::new(
                &mut self.atlas,
                &self.device,
                wgpu::MultisampleState::default(),
                None,
            ));
        }
        let mut text_count = 0;
        for (layer_index, layer) in plan.layers.iter().enumerate() {
            let mut areas = Vec::with_capacity(layer.texts.len());
            for (key, run_index) in &keys[layer_index] {
                let run = &layer.texts[*run_index];
                let (DisplayItem::Text { rect, color, .. }
                | DisplayItem::StyledText { rect, color, .. }) = &list.items[run.item]
                else {
                    continue;
                };
                let Some(buffer) = self.text_cache.get(key) else {
                    continue;
                };
                let c = run.clip;
                areas.push(TextArea {
                    buffer,
                    left: rect.x * scale,
                    top: rect.y * scale,
                    scale,
                    bounds: TextBounds {
                        left: px(c.x * scale),
                        top: px(c.y * scale),
                        right: px((c.x + c.w) * scale),
                        bottom: px((c.y + c.h) * scale),
                    },
                    default_color: glyphon::Color::rgba(color.r, color.g, color.b, color.a),
                    custom_glyphs: &[],
                });
            }
            text_count += areas.len();
            self.text_renderers[layer_index].prepare(
                &self.device,
                &self.queue,
                fonts,
                &mut self.atlas,
                &self.viewport,
                areas,
                &mut self.swash,
            )?;
        }

        // record
        let mut quad_draws = 0;
        {
            let clear = wgpu::Color {
                r: f64::from(clear.r) / 255.0 * f64::from(clear.a) / 255.0,
                g: f64::from(clear.g) / 255.0 * f64::from(clear.a) / 255.0,
                b: f64::from(clear.b) / 255.0 * f64::from(clear.a) / 255.0,
                a: f64::from(clear.a) / 255.0,
            };
            let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
                label: Some("miniapp frame"),
                color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                    view,
                    depth_slice: None,
                    resolve_target: None,
                    ops: wgpu::Operations {
                        load: wgpu::LoadOp::Clear(clear),
                        store: wgpu::StoreOp::Store,
                    },
                })],
                depth_stencil_attachment: None,
                timestamp_writes: None,
                occlusion_query_set: None,
                multiview_mask: None,
            });
            for (layer_index, layer) in plan.layers.iter().enumerate() {
                if !layer.quads.is_empty() {
                    pass.set_pipeline(&self.pipeline);
                    pass.set_bind_group(0, &self.globals_group, &[]);
                    pass.set_vertex_buffer(0, self.instances.slice(..));
                    for batch in &layer.quads {
                        let group = match &batch.image {
                            Some(src) => self
                                .images
                                .get(src)
                                .or_else(|| self.generated.get(src))
                                .map_or(&self.solid_group, |i| &i.bind_group),
                            None => &self.solid_group,
                        };
                        pass.set_bind_group(1, group, &[]);
                        pass.draw(0..6, batch.instances.clone());
                        quad_draws += 1;
                    }
                }
                if !layer.texts.is_empty() {
                    self.text_renderers[layer_index].render(
                        &self.atlas,
                        &self.viewport,
                        &mut pass,
                    )?;
                }
            }
        }
        self.stats = FrameStats {
            quads: plan.instances.len(),
            texts: text_count,
            layers: plan.layers.len(),
            quad_draws,
            invalid_items: plan.invalid,
            cpu_ms: started.elapsed().as_secs_f64() * 1000.0,
        };
        Ok(())
    }
}

/// The union of what `items` paint (generously, for text ink and blur), within `reach`;
/// `None` when nothing shows there.
fn layer_bounds(items: &[DisplayItem], reach: Rect) -> Option<Rect> {
    let mut acc: Option<(f32, f32, f32, f32)> = None;
    for item in items {
        let r = match item {
            DisplayItem::Rect { rect, .. }
            | DisplayItem::Image { rect, .. }
            | DisplayItem::Border { rect, .. }
            | DisplayItem::Gradient { rect, .. }
            | DisplayItem::Background { rect, .. } => *rect,
            DisplayItem::Text { rect, font_size, .. } => {
                let m = font_size * 0.5 + 2.0;
                Rect::new(rect.x - m, rect.y - m, rect.w + 2.0 * m, rect.h + 2.0 * m)
            }
            DisplayItem::Shadow { rect, blur, .. } => {
                let m = blur * 1.5 + 1.0;
                Rect::new(rect.x - m, rect.y - m, rect.w + 2.0 * m, rect.h + 2.0 * m)
            }
            _ => continue,
        };
        if !(r.x.is_finite() && r.y.is_finite() && r.w.is_finite() && r.h.is_finite()) {
            continue;
        }
        let (x0, y0) = (r.x.max(reach.x), r.y.max(reach.y));
        let (x1, y1) = ((r.x + r.w).min(reach.x + reach.w), (r.y + r.h).min(reach.y + reach.h));
        if x1 <= x0 || y1 <= y0 {
            continue;
        }
        acc = Some(match acc {
            None => (x0, y0, x1, y1),
            Some((a, b, c, d)) => (a.min(x0), b.min(y0), c.max(x1), d.max(y1)),
        });
    }
    acc.map(|(x0, y0, x1, y1)| Rect::new(x0, y0, x1 - x0, y1 - y0))
}

/// Logical edge to physical pixel boundary (pixel centres inside the edge are in).
fn px(v: f32) -> i32 {
    let r = v.round();
    if r.is_nan() {
        0
    } else {
        r.clamp(i32::MIN as f32, i32::MAX as f32) as i32
    }
}

/// Decodes `bytes` (PNG or JPEG) under the decode limits.
fn decode_image(src: &str, bytes: &[u8], limits: &Limits) -> Result<RgbaImage> {
    let fail = |reason: String| Error::DecodeImage {
        src: src.to_owned(),
        reason,
    };
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| fail(e.to_string()))?;
    if reader.format().is_none() {
        return Err(fail("not a PNG or JPEG image".to_owned()));
    }
    let mut decode_limits = image::Limits::default();
    decode_limits.max_image_width = Some(limits.max_decode_side);
    decode_limits.max_image_height = Some(limits.max_decode_side);
    decode_limits.max_alloc = Some(limits.max_decode_bytes);
    reader.limits(decode_limits);
    let image = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => fail(format!(
            "larger than the limits ({} px per side, {} bytes decoded)",
            limits.max_decode_side, limits.max_decode_bytes
        )),
        other => fail(other.to_string()),
    })?;
    Ok(image.to_rgba8())
}

/// Maps `readback` and copies out `h` rows of `w` RGBA pixels (rows are
/// `padded` bytes apart); unmaps it again.
fn read_rows(
    device: &wgpu::Device,
    readback: &wgpu::Buffer,
    padded: u32,
    w: u32,
    h: u32,
) -> Result<Vec<u8>> {
    let slice = readback.slice(..);
    let (tx, rx) = mpsc::channel();
    slice.map_async(wgpu::MapMode::Read, move |r| {
        let _ = tx.send(r);
    });
    device
        .poll(wgpu::PollType::wait_indefinitely())
        .map_err(|e| Error::Readback(e.to_string()))?;
    rx.recv()
        .map_err(|e| Error::Readback(e.to_string()))?
        .map_err(|e| Error::Readback(e.to_string()))?;
    let mut pixels = Vec::with_capacity(w as usize * h as usize * 4);
    {
        let data = slice
            .get_mapped_range()
            .map_err(|e| Error::Readback(e.to_string()))?;
        for row in data.chunks_exact(padded as usize) {
            pixels.extend_from_slice(&row[..(w * 4) as usize]);
        }
    }
    readback.unmap();
    Ok(pixels)
}

fn unpremultiply(px: &mut [u8]) {
    let a = u32::from(px[3]);
    if a == 0 || a == 255 {
        return;
    }
    for c in &mut px[..3] {
        *c = ((u32::from(*c) * 255 + a / 2) / a).min(255) as u8;
    }
}

fn check_scope(error: Option<wgpu::Error>, what: &'static str) -> Result<()> {
    match error {
        Some(e) => Err(Error::Gpu {
            what,
            reason: e.to_string(),
        }),
        None => Ok(()),
    }
}

fn upload_image(
    device: &wgpu::Device,
    queue: &wgpu::Queue,
    layout: &wgpu::BindGroupLayout,
    sampler: &wgpu::Sampler,
    rgba: &RgbaImage,
    label: &str,
) -> (wgpu::Texture, wgpu::BindGroup) {
    let (w, h) = rgba.dimensions();
    let texture = device.create_texture_with_data(
        queue,
        &wgpu::TextureDescriptor {
            label: Some(label),
            size: wgpu::Extent3d {
                width: w,
                height: h,
                depth_or_array_layers: 1,
            },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: wgpu::TextureFormat::Rgba8Unorm,
            usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
            view_formats: &[],
        },
        wgpu::util::TextureDataOrder::LayerMajor,
        rgba.as_raw(),
    );
    let view = texture.create_view(&wgpu::TextureViewDescriptor::default());
    let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: Some(label),
        layout,
        entries: &[
            wgpu::BindGroupEntry {
                binding: 0,
                resource: wgpu::BindingResource::TextureView(&view),
            },
            wgpu::BindGroupEntry {
                binding: 1,
                resource: wgpu::BindingResource::Sampler(sampler),
            },
        ],
    });
    (texture, bind_group)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpremultiply_restores_straight_alpha() {
        let mut px = [64, 0, 128, 128];
        unpremultiply(&mut px);
        assert_eq!(px, [128, 0, 255, 128]);
        let mut opaque = [7, 193, 96, 255];
        unpremultiply(&mut opaque);
        assert_eq!(opaque, [7, 193, 96, 255]);
    }

    #[test]
    fn surface_format_prefers_non_srgb_and_falls_back_to_a_view_format() {
        use wgpu::TextureFormat as F;
        assert_eq!(
            pick_surface_format(&[F::Bgra8UnormSrgb, F::Bgra8Unorm]),
            Some((F::Bgra8Unorm, F::Bgra8Unorm))
        );
        assert_eq!(
            pick_surface_format(&[F::Rgba8UnormSrgb]),
            Some((F::Rgba8UnormSrgb, F::Rgba8Unorm))
        );
        assert_eq!(pick_surface_format(&[F::Rgba16Float]), None);
    }

    #[test]
    fn physical_edges_round_to_the_nearest_pixel_boundary() {
        assert_eq!(px(10.4), 10);
        assert_eq!(px(10.6), 11);
        assert_eq!(px(f32::NAN), 0);
        assert_eq!(px(f32::INFINITY), i32::MAX);
    }
}
