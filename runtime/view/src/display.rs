//! The display list: what the renderer draws (rects, text lines, images, clips), in page
//! coordinates, painter's order.

use crate::color::Color;

/// An axis-aligned rectangle in logical px.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
}

impl Rect {
    /// A rectangle from its left, top, width and height.
    pub const fn new(x: f32, y: f32, w: f32, h: f32) -> Rect {
        Rect { x, y, w, h }
    }

    /// Whether `(x, y)` lies inside (left/top edges inclusive, right/bottom exclusive).
    pub fn contains(&self, x: f32, y: f32) -> bool {
        x >= self.x && y >= self.y && x < self.x + self.w && y < self.y + self.h
    }

    /// The centre point.
    pub fn center(&self) -> (f32, f32) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    /// This rectangle moved by `(dx, dy)`.
    pub fn translated(self, dx: f32, dy: f32) -> Rect {
        Rect {
            x: self.x + dx,
            y: self.y + dy,
            ..self
        }
    }
}

/// Horizontal alignment of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum TextAlign {
    /// `text-align: left` (the default).
    #[default]
    Left,
    /// `text-align: center`.
    Center,
    /// `text-align: right`.
    Right,
}

/// How one side of a [`DisplayItem::Border`] is stroked (`border-style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum LineStyle {
    /// `solid` (and `double`, drawn solid).
    #[default]
    Solid,
    /// `dashed`: dashes three widths long, with gaps as long.
    Dashed,
    /// `dotted`: round dots one width across, one width apart.
    Dotted,
}

/// The 2D affine transform `matrix(a, b, c, d, e, f)` of CSS: a point `(x, y)` goes to
/// `(a·x + c·y + e, b·x + d·y + f)`, in page px (the transform origin is already folded in).
pub type Affine = [f32; 6];

/// The identity [`Affine`].
pub const IDENTITY: Affine = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// How a background image tile is sized (`background-size`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum TileSize {
    /// `auto`: the image's own size.
    #[default]
    Auto,
    /// `cover`: scaled to cover the area, aspect kept.
    Cover,
    /// `contain`: scaled to fit inside the area, aspect kept.
    Contain,
    /// Width and height in px; `None` is `auto` (from the other side and the aspect).
    Px(Option<f32>, Option<f32>),
}

/// The font styles of a piece of text beyond its size: weight, slant, letter spacing.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FontStyle {
    /// Bold (weight 600 and up) instead of regular.
    pub bold: bool,
    /// `font-style: italic`: the embedded fonts have no italic face, so glyphs are slanted
    /// (cosmic-text's synthetic italic, a 14° skew).
    pub italic: bool,
    /// `letter-spacing` in px, added after every glyph.
    pub letter_spacing: f32,
}

/// One drawing command.
#[derive(Debug, Clone, PartialEq)]
pub enum DisplayItem {
    /// A filled, optionally rounded rectangle with an optional border drawn inside its edge.
    Rect {
        /// The border box.
        rect: Rect,
        /// Fill colour (may be transparent when only the border shows).
        color: Color,
        /// Corner radius in px.
        radius: f32,
        /// Border width in px (0: none).
        border_width: f32,
        /// Border colour.
        border_color: Color,
    },
    /// One line of text, already broken by the view, or one styled piece of a line of a
    /// paragraph (`Price: <text class="red">9</text>` is two items on one line): shape `text`
    /// with [`crate::text_buffer`] and no width limit (`width = None`), draw it with its
    /// top-left at `rect.x, rect.y`. `rect.w` is the piece's advance rounded up plus 1px;
    /// `rect.h` is the line height. `align` is the source element's alignment, already
    /// applied to `rect.x`.
    Text {
        /// Line box.
        rect: Rect,
        /// The line's text (no newline).
        text: String,
        /// Font size in px.
        font_size: f32,
        /// Line height in px.
        line_height: f32,
        /// Text colour (opacity already applied).
        color: Color,
        /// Bold (weight 700) instead of regular.
        bold: bool,
        /// The element's `text-align` (already applied to the position).
        align: TextAlign,
    },
    /// A line of text as [`DisplayItem::Text`], with the font styles a plain text item
    /// lacks (italic, letter spacing): shape it with [`crate::text_buffer_styled`], no width
    /// limit and no wrapping.
    StyledText {
        /// Line box (as for [`DisplayItem::Text`]).
        rect: Rect,
        /// The line's text (no newline).
        text: String,
        /// Font size in px.
        font_size: f32,
        /// Line height in px.
        line_height: f32,
        /// Text colour (opacity already applied).
        color: Color,
        /// Weight, slant and letter spacing.
        style: FontStyle,
        /// The element's `text-align` (already applied to the position).
        align: TextAlign,
    },
    /// An image from the bundle, scaled to fill `rect`.
    Image {
        /// Content box.
        rect: Rect,
        /// Bundle path as written in the template (`/assets/logo.png`); the renderer resolves it.
        src: String,
        /// Corner radius in px.
        radius: f32,
    },
    /// Clip what follows to `rect` (rounded by `radius`) until the matching [`DisplayItem::PopClip`].
    PushClip {
        /// Clip rectangle.
        rect: Rect,
        /// Corner radius in px.
        radius: f32,
    },
    /// End the innermost clip.
    PopClip,
    /// A CSS box with per-corner radii and per-side borders (`border-top: 2px dashed red`,
    /// `border-radius: 4px 12px`): the fill, then each side's stroke inside the edge.
    Border {
        /// The border box.
        rect: Rect,
        /// Fill colour (transparent: border only).
        fill: Color,
        /// Corner radii in px: top-left, top-right, bottom-right, bottom-left.
        radii: [f32; 4],
        /// Side widths in px: top, right, bottom, left.
        widths: [f32; 4],
        /// Side colours: top, right, bottom, left.
        colors: [Color; 4],
        /// Side styles: top, right, bottom, left.
        styles: [LineStyle; 4],
    },
    /// A `linear-gradient()` filling `rect` (rounded by `radii`): colour `stops[k].1` at
    /// fraction `stops[k].0` (0..=1, ascending) of the line from `start` to `end` (page px).
    Gradient {
        /// The painted area (the border box).
        rect: Rect,
        /// Corner radii in px: top-left, top-right, bottom-right, bottom-left.
        radii: [f32; 4],
        /// Where the gradient line starts (colour at fraction 0), page px.
        start: [f32; 2],
        /// Where it ends (fraction 1), page px.
        end: [f32; 2],
        /// Fractions and colours, ascending.
        stops: Vec<(f32, Color)>,
    },
    /// An outer `box-shadow`: the rounded box `rect` (already offset and grown by the spread)
    /// blurred with a Gaussian of standard deviation `blur / 2` (the CSS blur radius).
    Shadow {
        /// The shadow's box before blurring.
        rect: Rect,
        /// Corner radii in px: top-left, top-right, bottom-right, bottom-left.
        radii: [f32; 4],
        /// Shadow colour.
        color: Color,
        /// CSS blur radius in px (0: a sharp shadow).
        blur: f32,
    },
    /// A `background-image: url(...)` in `rect` (rounded by `radii`): tiles of `size` placed
    /// at `position` and repeated along the axes of `repeat` (x, y). The renderer knows the
    /// image's pixel size, so it places the tiles.
    Background {
        /// The painted area (the padding box in CSS; here the border box).
        rect: Rect,
        /// Corner radii in px: top-left, top-right, bottom-right, bottom-left.
        radii: [f32; 4],
        /// Bundle path, as for [`DisplayItem::Image`].
        src: String,
        /// Tile size.
        size: TileSize,
        /// `background-position` per axis as `(px, fraction)`: the tile's offset from the
        /// area's left/top is `px + fraction * (area - tile)`.
        position: [(f32, f32); 2],
        /// Repeat along x, along y.
        repeat: [bool; 2],
    },
    /// Start a group painted into its own layer and composited with `opacity` and `transform`
    /// at the matching [`DisplayItem::PopLayer`] (`opacity: 0.5` on an element applies to the
    /// element and its children together; `transform` moves its text too).
    PushLayer {
        /// Group opacity, 0..=1.
        opacity: f32,
        /// Where the layer's content goes, page px to page px.
        transform: Affine,
    },
    /// End the innermost layer.
    PopLayer,
}

impl DisplayItem {
    fn translate(&mut self, dx: f32, dy: f32) {
        match self {
            DisplayItem::Rect { rect, .. }
            | DisplayItem::Text { rect, .. }
            | DisplayItem::StyledText { rect, .. }
            | DisplayItem::Image { rect, .. }
            | DisplayItem::PushClip { rect, .. }
            | DisplayItem::Border { rect, .. }
            | DisplayItem::Shadow { rect, .. }
            | DisplayItem::Background { rect, .. } => *rect = rect.translated(dx, dy),
            DisplayItem::Gradient {
                rect, start, end, ..
            } => {
                *rect = rect.translated(dx, dy);
                *start = [start[0] + dx, start[1] + dy];
                *end = [end[0] + dx, end[1] + dy];
            }
            DisplayItem::PushLayer { transform: t, .. } => {
                // M'(p) = M(p - d) + d: the translation gains d - A·d
                t[4] += dx - (t[0] * dx + t[2] * dy);
                t[5] += dy - (t[1] * dx + t[3] * dy);
            }
            DisplayItem::PopClip | DisplayItem::PopLayer => {}
        }
    }
}

/// Drawing commands in painter's order, with the size of what they cover.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DisplayList {
    /// Content width in px.
    pub width: f32,
    /// Content height in px (may exceed the viewport: the page scrolls).
    pub height: f32,
    /// The commands.
    pub items: Vec<DisplayItem>,
}

impl DisplayList {
    /// An empty list covering `width` × `height`.
    pub fn new(width: f32, height: f32) -> DisplayList {
        DisplayList {
            width,
            height,
            items: Vec::new(),
        }
    }

    /// Moves every item by `(dx, dy)` (to place page content under the navigation bar, or
    /// to scroll).
    pub fn translate(&mut self, dx: f32, dy: f32) {
        for item in &mut self.items {
            item.translate(dx, dy);
        }
    }

    /// Appends one item.
    pub fn push(&mut self, item: DisplayItem) {
        self.items.push(item);
    }

    /// Appends all of `other`'s items (drawn above the current ones); the size grows to
    /// cover both.
    pub fn extend(&mut self, other: DisplayList) {
        self.width = self.width.max(other.width);
        self.height = self.height.max(other.height);
        self.items.extend(other.items);
    }

    /// The text of every [`DisplayItem::Text`], in order, one per line.
    pub fn texts(&self) -> Vec<&str> {
        self.items
            .iter()
            .filter_map(|i| match i {
                DisplayItem::Text { text, .. } | DisplayItem::StyledText { text, .. } => {
                    Some(text.as_str())
                }
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translate_moves_every_positioned_item() {
        let mut list = DisplayList::new(10.0, 10.0);
        list.push(DisplayItem::PushClip {
            rect: Rect::new(1.0, 2.0, 3.0, 4.0),
            radius: 0.0,
        });
        list.push(DisplayItem::Image {
            rect: Rect::new(0.0, 0.0, 1.0, 1.0),
            src: "a.png".into(),
            radius: 0.0,
        });
        list.push(DisplayItem::PopClip);
        list.translate(5.0, -1.0);
        assert_eq!(
            list.items[0],
            DisplayItem::PushClip {
                rect: Rect::new(6.0, 1.0, 3.0, 4.0),
                radius: 0.0
            }
        );
        assert!(
            matches!(&list.items[1], DisplayItem::Image { rect, .. } if *rect == Rect::new(5.0, -1.0, 1.0, 1.0))
        );
    }

    #[test]
    fn translating_a_layer_keeps_its_transform_about_the_moved_content() {
        // rotate 90° about (10, 10): (a,b,c,d) = (0,1,-1,0), e = 20, f = 0
        let mut list = DisplayList::new(10.0, 10.0);
        list.push(DisplayItem::PushLayer {
            opacity: 1.0,
            transform: [0.0, 1.0, -1.0, 0.0, 20.0, 0.0],
        });
        list.translate(5.0, 7.0);
        let DisplayItem::PushLayer { transform: t, .. } = list.items[0] else {
            panic!()
        };
        // the moved centre (15, 17) stays fixed
        let (x, y) = (15.0, 17.0);
        assert_eq!((t[0] * x + t[2] * y + t[4], t[1] * x + t[3] * y + t[5]), (x, y));
    }

    #[test]
    fn extend_appends_and_grows() {
        let mut a = DisplayList::new(10.0, 10.0);
        let mut b = DisplayList::new(5.0, 20.0);
        b.push(DisplayItem::PopClip);
        a.extend(b);
        assert_eq!((a.width, a.height, a.items.len()), (10.0, 20.0, 1));
    }

    #[test]
    fn rect_contains_is_half_open() {
        let r = Rect::new(0.0, 0.0, 10.0, 10.0);
        assert!(r.contains(0.0, 9.99));
        assert!(!r.contains(10.0, 5.0));
    }
}
