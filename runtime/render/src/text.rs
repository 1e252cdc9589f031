//! Text: one shaped `glyphon::Buffer` per text line, cached across frames.
//!
//! The view breaks text into lines and applies alignment to each line's
//! position; a [`DisplayItem::Text`](miniapp_view::DisplayItem::Text) is one
//! line. It is shaped with [`miniapp_view::text_buffer`] (no width limit) so
//! that the glyphs are exactly the ones the view measured, in logical pixels,
//! and glyphon rasterizes them at the frame's scale.

use std::collections::HashMap;

use glyphon::{Buffer, FontSystem};
use miniapp_view::{FontStyle, TextAlign};

/// What determines a shaped line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct TextKey {
    text: String,
    font_size: u32,
    line_height: u32,
    bold: bool,
    italic: bool,
    letter_spacing: u32,
}

impl TextKey {
    pub fn new(text: &str, font_size: f32, line_height: f32, style: FontStyle) -> TextKey {
        TextKey {
            text: text.to_owned(),
            font_size: font_size.to_bits(),
            line_height: line_height.to_bits(),
            bold: style.bold,
            italic: style.italic,
            letter_spacing: style.letter_spacing.to_bits(),
        }
    }
}

/// Shaped lines kept from one frame to the next; entries not used by a
/// frame are dropped at the end of it.
#[derive(Default)]
pub(crate) struct TextCache {
    entries: HashMap<TextKey, (Buffer, u64)>,
    frame: u64,
}

impl std::fmt::Debug for TextCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextCache")
            .field("entries", &self.entries.len())
            .field("frame", &self.frame)
            .finish()
    }
}

impl TextCache {
    /// Starts a frame.
    pub fn begin_frame(&mut self) {
        self.frame += 1;
    }

    /// Makes sure a buffer for `key` exists and is shaped; marks it used.
    pub fn ensure(
        &mut self,
        fonts: &mut FontSystem,
        key: &TextKey,
        text: &str,
        font_size: f32,
        line_height: f32,
        style: FontStyle,
    ) {
        let frame = self.frame;
        if let Some(entry) = self.entries.get_mut(key) {
            entry.1 = frame;
            return;
        }
        let line_height = if line_height > 0.0 {
            line_height
        } else {
            font_size * 1.4
        };
        let buffer = miniapp_view::text_buffer_styled(
            fonts,
            text,
            font_size,
            line_height,
            style,
            None,
            TextAlign::Left,
            miniapp_view::cosmic_text::Wrap::None,
        );
        self.entries.insert(key.clone(), (buffer, frame));
    }

    /// A buffer made by [`TextCache::ensure`] in this frame.
    pub fn get(&self, key: &TextKey) -> Option<&Buffer> {
        self.entries.get(key).map(|(b, _)| b)
    }

    /// Ends a frame: drops the buffers it did not use.
    pub fn end_frame(&mut self) {
        let frame = self.frame;
        self.entries.retain(|_, (_, used)| *used == frame);
    }

    /// Number of cached buffers.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGULAR: FontStyle = FontStyle {
        bold: false,
        italic: false,
        letter_spacing: 0.0,
    };

    #[test]
    fn buffers_unused_in_a_frame_are_dropped_at_its_end() {
        let mut fonts = miniapp_view::new_font_system();
        let mut cache = TextCache::default();
        let a = TextKey::new("a", 16.0, 20.0, REGULAR);
        let b = TextKey::new("b", 16.0, 20.0, REGULAR);
        cache.begin_frame();
        cache.ensure(&mut fonts, &a, "a", 16.0, 20.0, REGULAR);
        cache.ensure(&mut fonts, &b, "b", 16.0, 20.0, REGULAR);
        cache.end_frame();
        assert_eq!(cache.len(), 2);
        cache.begin_frame();
        cache.ensure(&mut fonts, &a, "a", 16.0, 20.0, REGULAR);
        cache.end_frame();
        assert_eq!(cache.len(), 1);
        assert!(cache.get(&a).is_some());
        assert!(cache.get(&b).is_none());
    }

    #[test]
    fn a_line_is_never_wrapped_by_the_renderer() {
        let mut fonts = miniapp_view::new_font_system();
        let mut cache = TextCache::default();
        let text = "hello world hello world hello world hello world";
        let key = TextKey::new(text, 16.0, 20.0, REGULAR);
        cache.begin_frame();
        cache.ensure(&mut fonts, &key, text, 16.0, 20.0, REGULAR);
        assert_eq!(cache.get(&key).unwrap().layout_runs().count(), 1);
    }

    #[test]
    fn the_same_line_in_bold_is_a_different_entry() {
        assert_ne!(
            TextKey::new("x", 16.0, 20.0, REGULAR),
            TextKey::new("x", 16.0, 20.0, FontStyle { bold: true, ..REGULAR })
        );
    }
}
