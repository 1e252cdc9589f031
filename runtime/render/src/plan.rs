//! Turning a display list into a frame plan: GPU-ready quad instances, batched
//! by texture, and text runs, split into layers so that the display list's
//! paint order is kept. Pure CPU code: everything here is unit-tested without
//! a GPU.
//!
//! Paint order: each layer draws its quads (rects and images, in list order)
//! and then its text. A quad that comes after a text item in the list starts a
//! new layer, so it is painted above that text.

use std::ops::Range;

use miniapp_view::{Color, DisplayItem, DisplayList, LineStyle, Rect, TileSize};

use crate::limits::Limits;

/// Colour of an image whose source was never registered with
/// [`crate::Renderer::set_image`] (a light grey placeholder).
pub(crate) const MISSING_IMAGE_COLOR: Color = Color {
    r: 0xee,
    g: 0xee,
    b: 0xee,
    a: 0xff,
};

/// One quad as the shader sees it (see `quad.wgsl`): all in logical pixels,
/// colours as straight-alpha floats.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
pub(crate) struct QuadInstance {
    pub rect: [f32; 4],
    pub fill: [f32; 4],
    pub border_color: [f32; 4],
    pub clip: [f32; 4],
    pub uv: [f32; 4],
    /// unused, unused, clip radius, mode (0 box, 1 image, 2 gradient, 3 shadow, 4 layer)
    pub params: [f32; 4],
    /// corner radii: top-left, top-right, bottom-right, bottom-left
    pub radii: [f32; 4],
    /// border widths: top, right, bottom, left
    pub widths: [f32; 4],
    pub border_right: [f32; 4],
    pub border_bottom: [f32; 4],
    pub border_left: [f32; 4],
    /// per side: 0 solid, 1 dashed, 2 dotted
    pub styles: [f32; 4],
    /// affine a, b, c, d
    pub xf0: [f32; 4],
    /// affine e, f; blur sigma; unused
    pub xf1: [f32; 4],
}

/// Shader modes (`params[3]`).
pub(crate) const MODE_BOX: f32 = 0.0;
pub(crate) const MODE_IMAGE: f32 = 1.0;
pub(crate) const MODE_GRADIENT: f32 = 2.0;
pub(crate) const MODE_SHADOW: f32 = 3.0;
pub(crate) const MODE_LAYER: f32 = 4.0;

impl QuadInstance {
    /// A solid box with uniform radius and border (what `DisplayItem::Rect` is).
    fn solid(rect: &Rect, fill: Color, radius: f32, border: f32, border_color: Color, clip: &Clip) -> QuadInstance {
        let b = rgba(border_color);
        QuadInstance {
            rect: [rect.x, rect.y, rect.w, rect.h],
            fill: rgba(fill),
            border_color: b,
            clip: [clip.x, clip.y, clip.w, clip.h],
            uv: [0.0, 0.0, 1.0, 1.0],
            params: [0.0, 0.0, clip.radius, MODE_BOX],
            radii: [radius; 4],
            widths: [border; 4],
            border_right: b,
            border_bottom: b,
            border_left: b,
            styles: [0.0; 4],
            xf0: [1.0, 0.0, 0.0, 1.0],
            xf1: [0.0; 4],
        }
    }
}

/// A `linear-gradient` colour ramp: 256 premultiplied texels from the stops, interpolated
/// in premultiplied space (as CSS does).
pub(crate) fn gradient_ramp(stops: &[(f32, Color)]) -> Vec<[u8; 4]> {
    let pm = |c: Color| {
        let a = f32::from(c.a) / 255.0;
        [f32::from(c.r) * a, f32::from(c.g) * a, f32::from(c.b) * a, f32::from(c.a)]
    };
    (0..256)
        .map(|i| {
            let t = i as f32 / 255.0;
            let c = match stops.iter().position(|(f, _)| *f >= t) {
                None => stops.last().map_or([0.0; 4], |s| pm(s.1)),
                Some(0) => pm(stops[0].1),
                Some(k) => {
                    let (f0, c0) = stops[k - 1];
                    let (f1, c1) = stops[k];
                    let u = if f1 > f0 { (t - f0) / (f1 - f0) } else { 1.0 };
                    let (a, b) = (pm(c0), pm(c1));
                    [0, 1, 2, 3].map(|j| a[j] + (b[j] - a[j]) * u)
                }
            };
            c.map(|v| v.round().clamp(0.0, 255.0) as u8)
        })
        .collect()
}

/// The texture key of a gradient's ramp.
pub(crate) fn ramp_key(stops: &[(f32, Color)]) -> String {
    let mut k = String::from("\0ramp:");
    for (f, c) in stops {
        k.push_str(&format!("{:08x}{:02x}{:02x}{:02x}{:02x}", f.to_bits(), c.r, c.g, c.b, c.a));
    }
    k
}

fn line_style(s: LineStyle) -> f32 {
    match s {
        LineStyle::Solid => 0.0,
        LineStyle::Dashed => 1.0,
        LineStyle::Dotted => 2.0,
    }
}

/// How a composited layer (see `Renderer`) is drawn: its group opacity and transform.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LayerDraw {
    pub opacity: f32,
    pub transform: [f32; 6],
}

/// A clip rectangle in logical pixels, with the corner radius of the
/// innermost clip.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Clip {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub radius: f32,
}

impl Clip {
    fn intersect(&self, r: &Rect, radius: f32) -> Clip {
        let x0 = self.x.max(r.x);
        let y0 = self.y.max(r.y);
        let x1 = (self.x + self.w).min(r.x + r.w);
        let y1 = (self.y + self.h).min(r.y + r.h);
        Clip {
            x: x0,
            y: y0,
            w: (x1 - x0).max(0.0),
            h: (y1 - y0).max(0.0),
            radius: radius.max(0.0),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.w <= 0.0 || self.h <= 0.0
    }

    fn overlaps(&self, r: &Rect) -> bool {
        r.x < self.x + self.w && r.x + r.w > self.x && r.y < self.y + self.h && r.y + r.h > self.y
    }
}

/// Consecutive quads drawn with the same texture (`None`: solid colour).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QuadBatch {
    pub image: Option<String>,
    pub instances: Range<u32>,
}

/// A text item to draw: its index in the display list and its clip.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TextRun {
    pub item: usize,
    pub clip: Clip,
    /// where its ink can be (generously): x0, y0, x1, y1
    pub ink: [f32; 4],
}

/// Most text runs a quad is checked against before it may join the current
/// layer; beyond that, a quad after text always starts a new layer.
const MAX_OVERLAP_CHECKS: usize = 64;

/// Quads then text, painted in that order.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Layer {
    pub quads: Vec<QuadBatch>,
    pub texts: Vec<TextRun>,
}

/// A frame, ready to upload.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Plan {
    pub instances: Vec<QuadInstance>,
    pub layers: Vec<Layer>,
    /// items skipped because a coordinate or size was not finite or negative
    pub invalid: usize,
    /// gradient ramps the frame needs: texture key and stops
    pub ramps: Vec<(String, Vec<(f32, Color)>)>,
}

fn rgba(c: Color) -> [f32; 4] {
    [
        f32::from(c.r) / 255.0,
        f32::from(c.g) / 255.0,
        f32::from(c.b) / 255.0,
        f32::from(c.a) / 255.0,
    ]
}

fn rect_ok(r: &Rect) -> bool {
    r.x.is_finite()
        && r.y.is_finite()
        && r.w.is_finite()
        && r.h.is_finite()
        && r.w >= 0.0
        && r.h >= 0.0
}

fn len_ok(v: f32) -> bool {
    v.is_finite() && v >= 0.0
}

/// Builds the plan of `list`. `has_image` says whether an image source was
/// registered; unregistered ones are drawn as a grey placeholder.
#[cfg(test)]
pub(crate) fn plan(list: &DisplayList, limits: &Limits, has_image: impl Fn(&str) -> bool) -> Plan {
    plan_with(list, limits, |s| has_image(s).then_some((1, 1)), |_| None)
}

/// [`plan`] with image sizes (`image_size`: `None` when not registered) and composited
/// layers (`layer`: how to draw an `Image` whose source is a layer texture).
pub(crate) fn plan_with(
    list: &DisplayList,
    limits: &Limits,
    image_size: impl Fn(&str) -> Option<(u32, u32)>,
    layer_of: impl Fn(&str) -> Option<LayerDraw>,
) -> Plan {
    let viewport = Clip {
        x: 0.0,
        y: 0.0,
        w: if list.width.is_finite() {
            list.width.max(0.0)
        } else {
            0.0
        },
        h: if list.height.is_finite() {
            list.height.max(0.0)
        } else {
            0.0
        },
        radius: 0.0,
    };
    let mut out = Plan::default();
    let mut layer = Layer::default();
    let mut clips: Vec<Clip> = Vec::new();
    // pushes beyond the depth limit that were not recorded, so pops stay balanced
    let mut ignored_pushes = 0usize;

    for (index, item) in list.items.iter().enumerate() {
        let clip = clips.last().copied().unwrap_or(viewport);
        match item {
            DisplayItem::PushClip { rect, radius } => {
                if clips.len() >= limits.max_clip_depth {
                    ignored_pushes += 1;
                    continue;
                }
                if !rect_ok(rect) || !radius.is_finite() {
                    out.invalid += 1;
                    tracing::warn!(
                        index,
                        ?rect,
                        "clip with a non-finite or negative size clips everything"
                    );
                    clips.push(Clip {
                        w: 0.0,
                        h: 0.0,
                        ..clip
                    });
                    continue;
                }
                clips.push(clip.intersect(rect, *radius));
            }
            DisplayItem::PopClip => {
                if ignored_pushes > 0 {
                    ignored_pushes -= 1;
                } else if clips.pop().is_none() {
                    tracing::warn!(index, "PopClip without a matching PushClip ignored");
                }
            }
            DisplayItem::Rect {
                rect,
                color,
                radius,
                border_width,
                border_color,
            } => {
                if !rect_ok(rect) || !len_ok(*radius) || !len_ok(*border_width) {
                    out.invalid += 1;
                    tracing::warn!(
                        index,
                        ?rect,
                        radius,
                        border_width,
                        "rect with a non-finite or negative size skipped"
                    );
                    continue;
                }
                let visible = color.a > 0 || (*border_width > 0.0 && border_color.a > 0);
                if !visible
                    || clip.is_empty()
                    || !clip.overlaps(rect)
                    || rect.w == 0.0
                    || rect.h == 0.0
                {
                    continue;
                }
                let q = QuadInstance::solid(rect, *color, *radius, *border_width, *border_color, &clip);
                push_quad(&mut out, &mut layer, q, None);
            }
            DisplayItem::Image { rect, src, radius } => {
                if !rect_ok(rect) || !len_ok(*radius) {
                    out.invalid += 1;
                    tracing::warn!(
                        index,
                        ?rect,
                        radius,
                        "image with a non-finite or negative size skipped"
                    );
                    continue;
                }
                if clip.is_empty() || !clip.overlaps(rect) || rect.w == 0.0 || rect.h == 0.0 {
                    continue;
                }
                if let Some(l) = layer_of(src) {
                    let mut q = QuadInstance::solid(rect, Color::TRANSPARENT, 0.0, 0.0, Color::TRANSPARENT, &clip);
                    q.fill = [1.0, 1.0, 1.0, l.opacity.clamp(0.0, 1.0)];
                    q.params[3] = MODE_LAYER;
                    let t = l.transform;
                    q.xf0 = [t[0], t[1], t[2], t[3]];
                    q.xf1 = [t[4], t[5], 0.0, 0.0];
                    push_quad(&mut out, &mut layer, q, Some(src.clone()));
                    continue;
                }
                let found = image_size(src).is_some();
                if !found {
                    tracing::warn!(index, src = %src, "image not registered; drawing a placeholder");
                }
                let mut q = QuadInstance::solid(rect, MISSING_IMAGE_COLOR, *radius, 0.0, Color::TRANSPARENT, &clip);
                if found {
                    q.params[3] = MODE_IMAGE;
                }
                push_quad(&mut out, &mut layer, q, found.then(|| src.clone()));
            }
            DisplayItem::Border {
                rect,
                fill,
                radii,
                widths,
                colors,
                styles,
            } => {
                if !rect_ok(rect) || !radii.iter().all(|r| len_ok(*r)) || !widths.iter().all(|w| len_ok(*w)) {
                    out.invalid += 1;
                    tracing::warn!(index, ?rect, "border box with a non-finite or negative size skipped");
                    continue;
                }
                let visible = fill.a > 0 || (0..4).any(|k| widths[k] > 0.0 && colors[k].a > 0);
                if !visible || clip.is_empty() || !clip.overlaps(rect) || rect.w == 0.0 || rect.h == 0.0 {
                    continue;
                }
                let mut q = QuadInstance::solid(rect, *fill, 0.0, 0.0, colors[0], &clip);
                q.radii = *radii;
                // a transparent side is a side without a stroke (its space still counts)
                q.widths = *widths;
                q.border_right = rgba(colors[1]);
                q.border_bottom = rgba(colors[2]);
                q.border_left = rgba(colors[3]);
                q.styles = styles.map(line_style);
                push_quad(&mut out, &mut layer, q, None);
            }
            DisplayItem::Gradient {
                rect,
                radii,
                start,
                end,
                stops,
            } => {
                let finite = start.iter().chain(end.iter()).all(|v| v.is_finite())
                    && stops.iter().all(|(f, _)| f.is_finite());
                if !rect_ok(rect) || !radii.iter().all(|r| len_ok(*r)) || !finite || stops.is_empty() {
                    out.invalid += 1;
                    tracing::warn!(index, ?rect, "gradient with a non-finite size or no stops skipped");
                    continue;
                }
                if clip.is_empty() || !clip.overlaps(rect) || rect.w == 0.0 || rect.h == 0.0 {
                    continue;
                }
                let stops: Vec<(f32, Color)> = stops
                    .iter()
                    .take(limits.max_gradient_stops)
                    .map(|(f, c)| (f.clamp(0.0, 1.0), *c))
                    .collect();
                let key = ramp_key(&stops);
                if !out.ramps.iter().any(|(k, _)| *k == key) {
                    out.ramps.push((key.clone(), stops));
                }
                let mut q = QuadInstance::solid(rect, Color::TRANSPARENT, 0.0, 0.0, Color::TRANSPARENT, &clip);
                q.radii = *radii;
                q.uv = [start[0], start[1], end[0], end[1]];
                q.params[3] = MODE_GRADIENT;
                push_quad(&mut out, &mut layer, q, Some(key));
            }
            DisplayItem::Shadow {
                rect,
                radii,
                color,
                blur,
            } => {
                if !rect_ok(rect) || !radii.iter().all(|r| len_ok(*r)) || !len_ok(*blur) {
                    out.invalid += 1;
                    tracing::warn!(index, ?rect, blur, "shadow with a non-finite or negative size skipped");
                    continue;
                }
                let sigma = (blur / 2.0).min(limits.max_blur_px);
                let reach = Rect::new(rect.x - 3.0 * sigma, rect.y - 3.0 * sigma, rect.w + 6.0 * sigma, rect.h + 6.0 * sigma);
                if color.a == 0 || clip.is_empty() || !clip.overlaps(&reach) {
                    continue;
                }
                let mut q = QuadInstance::solid(rect, *color, 0.0, 0.0, Color::TRANSPARENT, &clip);
                q.radii = *radii;
                q.params[3] = MODE_SHADOW;
                q.xf1[2] = sigma;
                push_quad(&mut out, &mut layer, q, None);
            }
            DisplayItem::Background {
                rect,
                radii,
                src,
                size,
                position,
                repeat,
            } => {
                let finite = position.iter().all(|(a, b)| a.is_finite() && b.is_finite());
                if !rect_ok(rect) || !radii.iter().all(|r| len_ok(*r)) || !finite {
                    out.invalid += 1;
                    tracing::warn!(index, ?rect, "background image with a non-finite size skipped");
                    continue;
                }
                if clip.is_empty() || !clip.overlaps(rect) || rect.w == 0.0 || rect.h == 0.0 {
                    continue;
                }
                let Some((iw, ih)) = image_size(src) else {
                    tracing::warn!(index, src = %src, "background image not registered; drawing a placeholder");
                    let mut q = QuadInstance::solid(rect, MISSING_IMAGE_COLOR, 0.0, 0.0, Color::TRANSPARENT, &clip);
                    q.radii = *radii;
                    push_quad(&mut out, &mut layer, q, None);
                    continue;
                };
                // the tiles are clipped to the (rounded) area
                let area = clip.intersect(rect, radii[0]);
                if area.is_empty() {
                    continue;
                }
                let (tw, th) = tile_size(*size, (iw as f32, ih as f32), (rect.w, rect.h));
                if !(tw > 0.0 && th > 0.0 && tw.is_finite() && th.is_finite()) {
                    continue;
                }
                let x0 = rect.x + position[0].0 + position[0].1 * (rect.w - tw);
                let y0 = rect.y + position[1].0 + position[1].1 * (rect.h - th);
                let span = |start: f32, tile: f32, lo: f32, hi: f32, rep: bool| -> (f32, usize) {
                    if !rep {
                        return (start, 1);
                    }
                    let first = start - ((start - lo) / tile).ceil() * tile;
                    (first, (((hi - first) / tile).ceil().max(1.0) as usize))
                };
                let (fx, nx) = span(x0, tw, area.x, area.x + area.w, repeat[0]);
                let (fy, ny) = span(y0, th, area.y, area.y + area.h, repeat[1]);
                if nx.saturating_mul(ny) > limits.max_background_tiles {
                    tracing::warn!(index, src = %src, tiles = nx * ny, "too many background tiles; drawing the first ones");
                }
                let mut n = 0;
                'tiles: for j in 0..ny {
                    for i in 0..nx {
                        if n >= limits.max_background_tiles {
                            break 'tiles;
                        }
                        n += 1;
                        let t = Rect::new(fx + i as f32 * tw, fy + j as f32 * th, tw, th);
                        if !area.overlaps(&t) {
                            continue;
                        }
                        let mut q = QuadInstance::solid(&t, MISSING_IMAGE_COLOR, 0.0, 0.0, Color::TRANSPARENT, &area);
                        q.params[3] = MODE_IMAGE;
                        push_quad(&mut out, &mut layer, q, Some(src.clone()));
                    }
                }
            }
            DisplayItem::PushLayer { .. } | DisplayItem::PopLayer => {
                // the renderer composites layers before planning; one left here (beyond the
                // depth limit) paints its content directly
            }
            DisplayItem::Text {
                rect,
                font_size,
                line_height,
                ..
            }
            | DisplayItem::StyledText {
                rect,
                font_size,
                line_height,
                ..
            } => {
                // glyphs may overhang their line box a little (and more when
                // the line height is tight): a generous bound of the ink
                let margin =
                    font_size * 0.25 + 1.0 + ((font_size * 1.25 - line_height) / 2.0).max(0.0);
                if !rect_ok(rect)
                    || !font_size.is_finite()
                    || *font_size <= 0.0
                    || !line_height.is_finite()
                {
                    out.invalid += 1;
                    tracing::warn!(
                        index,
                        ?rect,
                        font_size,
                        line_height,
                        "text with a non-finite or invalid size skipped"
                    );
                    continue;
                }
                if clip.is_empty() {
                    continue;
                }
                let ink = [
                    (rect.x - margin).max(clip.x),
                    (rect.y - margin).max(clip.y),
                    (rect.x + rect.w + margin).min(clip.x + clip.w),
                    (rect.y + rect.h + margin).min(clip.y + clip.h),
                ];
                if ink[0] >= ink[2] || ink[1] >= ink[3] {
                    // wholly outside its clip (scrolled away): not shaped, not drawn
                    continue;
                }
                layer.texts.push(TextRun {
                    item: index,
                    clip,
                    ink,
                });
            }
        }
    }
    if !layer.quads.is_empty() || !layer.texts.is_empty() {
        out.layers.push(layer);
    }
    out
}

/// The size of one background tile of an image `image` (px) in an area `area` (px).
fn tile_size(size: TileSize, image: (f32, f32), area: (f32, f32)) -> (f32, f32) {
    let (iw, ih) = image;
    let (aw, ah) = area;
    match size {
        TileSize::Auto => (iw, ih),
        TileSize::Cover => {
            let k = (aw / iw).max(ah / ih);
            (iw * k, ih * k)
        }
        TileSize::Contain => {
            let k = (aw / iw).min(ah / ih);
            (iw * k, ih * k)
        }
        TileSize::Px(Some(w), Some(h)) => (w, h),
        TileSize::Px(Some(w), None) => (w, w * ih / iw),
        TileSize::Px(None, Some(h)) => (h * iw / ih, h),
        TileSize::Px(None, None) => (iw, ih),
    }
}

/// Adds a quad to the current layer, or starts a new layer when the quad may
/// cover text of the current one (it must paint above that text). A quad that
/// provably misses all of the layer's text joins it: drawing it before that
/// text gives the same pixels, with fewer layers.
fn push_quad(out: &mut Plan, layer: &mut Layer, q: QuadInstance, image: Option<String>) {
    if !layer.texts.is_empty() {
        // the quad's pixels: its rect within its clip, plus a pixel of anti-aliasing
        let [x, y, w, h] = q.rect;
        let [cx, cy, cw, ch] = q.clip;
        let b = [
            x.max(cx) - 1.0,
            y.max(cy) - 1.0,
            (x + w).min(cx + cw) + 1.0,
            (y + h).min(cy + ch) + 1.0,
        ];
        // a transformed layer may land anywhere: assume it covers the text
        let transformed = q.params[3] == MODE_LAYER && (q.xf0 != [1.0, 0.0, 0.0, 1.0] || q.xf1[..2] != [0.0, 0.0]);
        let may_cover = transformed
            || layer.texts.len() > MAX_OVERLAP_CHECKS
            || layer
                .texts
                .iter()
                .any(|t| b[0] < t.ink[2] && t.ink[0] < b[2] && b[1] < t.ink[3] && t.ink[1] < b[3]);
        if may_cover {
            out.layers.push(std::mem::take(layer));
        }
    }
    let index = out.instances.len() as u32;
    out.instances.push(q);
    match layer.quads.last_mut() {
        Some(batch) if batch.image == image && batch.instances.end == index => {
            batch.instances.end += 1
        }
        _ => layer.quads.push(QuadBatch {
            image,
            instances: index..index + 1,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use miniapp_view::TextAlign;

    fn r(x: f32, y: f32, w: f32, h: f32) -> Rect {
        Rect { x, y, w, h }
    }

    const RED: Color = Color {
        r: 255,
        g: 0,
        b: 0,
        a: 255,
    };

    fn rect(x: f32, y: f32, w: f32, h: f32) -> DisplayItem {
        DisplayItem::Rect {
            rect: r(x, y, w, h),
            color: RED,
            radius: 0.0,
            border_width: 0.0,
            border_color: RED,
        }
    }

    fn text(x: f32, y: f32) -> DisplayItem {
        DisplayItem::Text {
            rect: r(x, y, 50.0, 20.0),
            text: "hi".into(),
            font_size: 16.0,
            line_height: 20.0,
            color: Color {
                r: 0,
                g: 0,
                b: 0,
                a: 255,
            },
            bold: false,
            align: TextAlign::Left,
        }
    }

    fn list(items: Vec<DisplayItem>) -> DisplayList {
        DisplayList {
            width: 100.0,
            height: 100.0,
            items,
        }
    }

    fn plan_of(items: Vec<DisplayItem>) -> Plan {
        plan(&list(items), &Limits::default(), |s| s == "known.png")
    }

    #[test]
    fn consecutive_rects_share_one_batch_and_one_layer() {
        let p = plan_of(vec![
            rect(0.0, 0.0, 10.0, 10.0),
            rect(10.0, 0.0, 10.0, 10.0),
        ]);
        assert_eq!(p.layers.len(), 1);
        assert_eq!(
            p.layers[0].quads,
            vec![QuadBatch {
                image: None,
                instances: 0..2
            }]
        );
    }

    #[test]
    fn a_rect_after_text_starts_a_new_layer_so_it_paints_above_the_text() {
        let p = plan_of(vec![
            rect(0.0, 0.0, 50.0, 50.0),
            text(0.0, 0.0),
            rect(0.0, 0.0, 20.0, 20.0),
            text(0.0, 30.0),
        ]);
        assert_eq!(p.layers.len(), 2);
        assert_eq!(p.layers[0].texts.len(), 1);
        assert_eq!(p.layers[0].texts[0].item, 1);
        assert_eq!(p.layers[1].quads[0].instances, 1..2);
        assert_eq!(p.layers[1].texts[0].item, 3);
    }

    #[test]
    fn a_rect_after_text_that_misses_it_joins_the_same_layer() {
        // text at (0,0) 50x20 with a 16px font: ink within (-5,-5)..(55,25)
        let p = plan_of(vec![
            text(0.0, 0.0),
            rect(70.0, 0.0, 20.0, 20.0),
            rect(0.0, 40.0, 20.0, 20.0),
        ]);
        assert_eq!(p.layers.len(), 1);
        assert_eq!(p.layers[0].quads[0].instances, 0..2);
        // but one that touches the text's ink box opens a new layer
        let p = plan_of(vec![text(0.0, 0.0), rect(53.0, 0.0, 20.0, 20.0)]);
        assert_eq!(p.layers.len(), 2);
    }

    #[test]
    fn a_rect_clipped_away_from_the_text_joins_the_same_layer() {
        let p = plan_of(vec![
            text(0.0, 0.0),
            DisplayItem::PushClip {
                rect: r(0.0, 50.0, 100.0, 50.0),
                radius: 0.0,
            },
            rect(0.0, 0.0, 100.0, 100.0),
            DisplayItem::PopClip,
        ]);
        assert_eq!(p.layers.len(), 1);
    }

    #[test]
    fn text_outside_its_clip_is_culled_like_rects() {
        let p = plan_of(vec![
            text(0.0, 0.0),
            // below the 100x100 page, and beside a clip it does not reach
            text(0.0, 200.0),
            DisplayItem::PushClip {
                rect: r(0.0, 0.0, 20.0, 20.0),
                radius: 0.0,
            },
            text(60.0, 0.0),
            DisplayItem::PopClip,
        ]);
        let texts: Vec<usize> = p.layers.iter().flat_map(|l| l.texts.iter().map(|t| t.item)).collect();
        assert_eq!(texts, vec![0]);
    }

    #[test]
    fn text_after_text_stays_in_the_same_layer() {
        let p = plan_of(vec![
            rect(0.0, 0.0, 50.0, 50.0),
            text(0.0, 0.0),
            text(0.0, 20.0),
        ]);
        assert_eq!(p.layers.len(), 1);
        assert_eq!(p.layers[0].texts.len(), 2);
    }

    #[test]
    fn images_batch_by_source_and_unknown_sources_become_solid_placeholders() {
        let img = |src: &str| DisplayItem::Image {
            rect: r(0.0, 0.0, 10.0, 10.0),
            src: src.into(),
            radius: 0.0,
        };
        let p = plan_of(vec![
            img("known.png"),
            img("known.png"),
            img("missing.png"),
            rect(0.0, 0.0, 5.0, 5.0),
        ]);
        let batches = &p.layers[0].quads;
        assert_eq!(batches.len(), 2);
        assert_eq!(
            batches[0],
            QuadBatch {
                image: Some("known.png".into()),
                instances: 0..2
            }
        );
        assert_eq!(
            batches[1],
            QuadBatch {
                image: None,
                instances: 2..4
            }
        );
        assert_eq!(p.instances[2].params[3], 0.0, "placeholder is a solid quad");
        assert_eq!(p.instances[2].fill, rgba(MISSING_IMAGE_COLOR));
        assert_eq!(p.instances[0].params[3], 1.0, "known image is textured");
    }

    #[test]
    fn nested_clips_intersect_and_pop_restores_the_outer_clip() {
        let p = plan_of(vec![
            DisplayItem::PushClip {
                rect: r(10.0, 10.0, 50.0, 50.0),
                radius: 4.0,
            },
            DisplayItem::PushClip {
                rect: r(30.0, 0.0, 50.0, 50.0),
                radius: 0.0,
            },
            rect(0.0, 0.0, 100.0, 100.0),
            DisplayItem::PopClip,
            rect(0.0, 0.0, 100.0, 100.0),
            DisplayItem::PopClip,
            rect(0.0, 0.0, 100.0, 100.0),
        ]);
        assert_eq!(p.instances[0].clip, [30.0, 10.0, 30.0, 40.0]);
        assert_eq!(p.instances[1].clip, [10.0, 10.0, 50.0, 50.0]);
        assert_eq!(p.instances[1].params[2], 4.0);
        assert_eq!(p.instances[2].clip, [0.0, 0.0, 100.0, 100.0]);
    }

    #[test]
    fn items_outside_their_clip_are_culled() {
        let p = plan_of(vec![
            DisplayItem::PushClip {
                rect: r(0.0, 0.0, 10.0, 10.0),
                radius: 0.0,
            },
            rect(20.0, 20.0, 10.0, 10.0),
            DisplayItem::PopClip,
            rect(200.0, 0.0, 10.0, 10.0),
        ]);
        assert!(p.instances.is_empty());
        assert_eq!(p.invalid, 0);
    }

    #[test]
    fn non_finite_and_negative_items_are_skipped_and_counted() {
        let p = plan_of(vec![
            rect(f32::NAN, 0.0, 10.0, 10.0),
            rect(0.0, 0.0, -5.0, 10.0),
            rect(0.0, 0.0, f32::INFINITY, 10.0),
            DisplayItem::Text {
                rect: r(0.0, 0.0, 10.0, 10.0),
                text: "x".into(),
                font_size: f32::NAN,
                line_height: 10.0,
                color: RED,
                bold: false,
                align: TextAlign::Left,
            },
            rect(0.0, 0.0, 10.0, 10.0),
        ]);
        assert_eq!(p.invalid, 4);
        assert_eq!(p.instances.len(), 1);
    }

    #[test]
    fn unbalanced_pops_are_ignored() {
        let p = plan_of(vec![
            DisplayItem::PopClip,
            DisplayItem::PopClip,
            rect(0.0, 0.0, 10.0, 10.0),
        ]);
        assert_eq!(p.instances.len(), 1);
        assert_eq!(p.instances[0].clip, [0.0, 0.0, 100.0, 100.0]);
    }

    #[test]
    fn clip_depth_beyond_the_limit_keeps_pops_balanced() {
        let limits = Limits {
            max_clip_depth: 2,
            ..Limits::default()
        };
        let mut items = Vec::new();
        for i in 0..5 {
            items.push(DisplayItem::PushClip {
                rect: r(i as f32, 0.0, 100.0, 100.0),
                radius: 0.0,
            });
        }
        items.push(rect(0.0, 0.0, 100.0, 100.0));
        for _ in 0..5 {
            items.push(DisplayItem::PopClip);
        }
        items.push(rect(0.0, 0.0, 100.0, 100.0));
        let p = plan(&list(items), &limits, |_| false);
        assert_eq!(
            p.instances[0].clip,
            [1.0, 0.0, 99.0, 100.0],
            "two clips honoured"
        );
        assert_eq!(p.instances[1].clip, [0.0, 0.0, 100.0, 100.0], "all popped");
    }

    #[test]
    fn fully_transparent_rects_without_border_are_dropped() {
        let p = plan_of(vec![DisplayItem::Rect {
            rect: r(0.0, 0.0, 10.0, 10.0),
            color: Color {
                r: 1,
                g: 2,
                b: 3,
                a: 0,
            },
            radius: 0.0,
            border_width: 0.0,
            border_color: RED,
        }]);
        assert!(p.instances.is_empty());
    }

    #[test]
    fn a_border_item_carries_per_side_widths_colours_styles_and_corner_radii() {
        let p = plan_of(vec![DisplayItem::Border {
            rect: r(0.0, 0.0, 50.0, 50.0),
            fill: Color::TRANSPARENT,
            radii: [1.0, 2.0, 3.0, 4.0],
            widths: [1.0, 0.0, 3.0, 4.0],
            colors: [RED, RED, Color::BLACK, RED],
            styles: [LineStyle::Solid, LineStyle::Solid, LineStyle::Dashed, LineStyle::Dotted],
        }]);
        let q = p.instances[0];
        assert_eq!(q.radii, [1.0, 2.0, 3.0, 4.0]);
        assert_eq!(q.widths, [1.0, 0.0, 3.0, 4.0]);
        assert_eq!(q.border_bottom, rgba(Color::BLACK));
        assert_eq!(q.styles, [0.0, 0.0, 1.0, 2.0]);
        assert_eq!(q.params[3], MODE_BOX);
    }

    #[test]
    fn gradients_share_a_ramp_per_stop_list_interpolated_premultiplied() {
        let g = |x: f32| DisplayItem::Gradient {
            rect: r(x, 0.0, 10.0, 10.0),
            radii: [0.0; 4],
            start: [0.0, 0.0],
            end: [10.0, 0.0],
            stops: vec![(0.0, RED), (1.0, Color::TRANSPARENT)],
        };
        let p = plan_of(vec![g(0.0), g(20.0)]);
        assert_eq!(p.ramps.len(), 1);
        assert_eq!(p.layers[0].quads.len(), 1, "one batch for both");
        assert_eq!(p.instances[0].params[3], MODE_GRADIENT);
        let ramp = gradient_ramp(&p.ramps[0].1);
        assert_eq!(ramp[0], [255, 0, 0, 255]);
        assert_eq!(ramp[255], [0, 0, 0, 0]);
        // premultiplied halfway: half the red at half the alpha, no dark fringe
        assert_eq!(ramp[128][0], ramp[128][3]);
    }

    #[test]
    fn background_tiles_cover_the_area_from_the_positioned_tile() {
        let bg = DisplayItem::Background {
            rect: r(0.0, 0.0, 50.0, 30.0),
            radii: [0.0; 4],
            src: "known.png".into(),
            size: TileSize::Px(Some(20.0), Some(20.0)),
            position: [(5.0, 0.0), (0.0, 0.5)],
            repeat: [true, false],
        };
        let p = plan_with(&list(vec![bg]), &Limits::default(), |s| (s == "known.png").then_some((8, 8)), |_| None);
        let xs: Vec<f32> = p.instances.iter().map(|q| q.rect[0]).collect();
        assert_eq!(xs, vec![-15.0, 5.0, 25.0, 45.0]);
        assert!(p.instances.iter().all(|q| q.rect[1] == 5.0 && q.clip == [0.0, 0.0, 50.0, 30.0]));
        assert_eq!(tile_size(TileSize::Cover, (8.0, 4.0), (50.0, 30.0)), (60.0, 30.0));
        assert_eq!(tile_size(TileSize::Contain, (8.0, 4.0), (50.0, 30.0)), (50.0, 25.0));
    }

    #[test]
    fn a_blurred_shadow_reaches_beyond_its_box_and_is_culled_by_its_reach() {
        let shadow = |x: f32| DisplayItem::Shadow {
            rect: r(x, 0.0, 10.0, 10.0),
            radii: [0.0; 4],
            color: RED,
            blur: 8.0,
        };
        // 4px sigma: reaches 12px beyond the box
        let p = plan_of(vec![shadow(105.0), shadow(115.0)]);
        assert_eq!(p.instances.len(), 1);
        assert_eq!(p.instances[0].xf1[2], 4.0);
        assert_eq!(p.instances[0].params[3], MODE_SHADOW);
    }
}
