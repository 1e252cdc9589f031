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
}

impl DisplayItem {
    fn translate(&mut self, dx: f32, dy: f32) {
        match self {
            DisplayItem::Rect { rect, .. }
            | DisplayItem::Text { rect, .. }
            | DisplayItem::Image { rect, .. }
            | DisplayItem::PushClip { rect, .. } => *rect = rect.translated(dx, dy),
            DisplayItem::PopClip => {}
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
                DisplayItem::Text { text, .. } => Some(text.as_str()),
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
