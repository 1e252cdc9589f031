//! `icon`: the standard types (`success`, `info`, `warn`, `waiting`, `cancel`, `download`,
//! `search`, `clear`…), `size`, `color`.

use super::{attr, AttrKind, Component, Spec};
use crate::color::Color;
use crate::display::{DisplayItem, Rect, TextAlign};
use crate::style::{Computed, Len};
use crate::tree::Node;

/// `icon`.
pub(crate) struct Icon;

static SPEC: Spec = Spec {
    tag: "icon",
    attrs: &[attr("type", AttrKind::Enum, "info"), attr("size", AttrKind::Number, "23"), attr("color", AttrKind::Color, "")],
    events: &[],
    summary: "a standard icon",
};

/// The standard icon types, as on the established platforms.
pub const ICON_TYPES: &[&str] = &["success", "success_no_circle", "info", "warn", "waiting", "cancel", "download", "search", "clear"];

fn icon_color(kind: &str) -> Color {
    match kind {
        "success" | "success_no_circle" => Color::rgb(0x07, 0xc1, 0x60),
        "warn" | "cancel" => Color::rgb(0xf7, 0x62, 0x60),
        "search" | "clear" => Color::rgb(0xb2, 0xb2, 0xb2),
        _ => Color::rgb(0x10, 0xae, 0xff),
    }
}

/// What an icon type draws: a filled disc or not, and the mark on (or instead of) it.
enum Mark {
    /// A glyph of the embedded fonts (✓ ✕ i ! ↓), bold or not, as a share of the size.
    Glyph(&'static str, bool, f32),
    /// Clock hands (`waiting`).
    Hands,
    /// A ring and a handle (`search`).
    Lens,
}

fn shape(kind: &str) -> (bool, Mark) {
    match kind {
        "success" => (true, Mark::Glyph("\u{2713}", true, 0.62)),
        "success_no_circle" => (false, Mark::Glyph("\u{2713}", true, 0.9)),
        "warn" => (true, Mark::Glyph("!", true, 0.66)),
        "waiting" => (true, Mark::Hands),
        "cancel" | "clear" => (true, Mark::Glyph("\u{2715}", true, 0.5)),
        "download" => (true, Mark::Glyph("\u{2193}", true, 0.62)),
        "search" => (false, Mark::Lens),
        // `info` and unknown types
        _ => (true, Mark::Glyph("i", true, 0.62)),
    }
}

impl Component for Icon {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn adjust_style(&self, attrs: &[(String, String)], _env: &super::Env<'_>, style: &mut Computed) {
        if let Some(size) = attrs
            .iter()
            .find(|(n, _)| n == "size")
            .and_then(|(_, v)| v.trim_end_matches("px").parse::<f32>().ok())
        {
            style.width = Len::Px(size);
            style.height = Len::Px(size);
        }
    }

    fn paint(&self, p: &mut crate::page::Painter<'_>, node: &Node, content: Rect, op: f32) {
        let kind = node.attr("type").map(str::trim).unwrap_or("info");
        let color = node
            .attr("color")
            .and_then(|c| Color::from_hex(c.trim()).or_else(|| Color::named(c.trim())))
            .unwrap_or_else(|| icon_color(kind))
            .with_opacity(op);
        let d = content.w.min(content.h);
        let disc = Rect::new(content.x + (content.w - d) / 2.0, content.y + (content.h - d) / 2.0, d, d);
        let white = Color::WHITE.with_opacity(op);
        let (filled, mark) = shape(kind);
        if filled {
            p.push(DisplayItem::Rect { rect: disc, color, radius: d / 2.0, border_width: 0.0, border_color: Color::TRANSPARENT });
        }
        let ink = if filled { white } else { color };
        match mark {
            Mark::Glyph(g, bold, share) => {
                let size = d * share;
                let (w, _) = crate::text::measure_text(p.fonts, g, size, None);
                p.push(DisplayItem::Text {
                    rect: Rect::new(disc.x + (d - w) / 2.0, disc.y, w + 1.0, d),
                    text: g.to_string(),
                    font_size: size,
                    line_height: d,
                    color: ink,
                    bold,
                    align: TextAlign::Left,
                });
            }
            Mark::Hands => {
                // From the centre: one hand up, one to the right.
                let t = (d * 0.08).max(1.0);
                let (cx, cy) = (disc.x + d / 2.0, disc.y + d / 2.0);
                let hand = |r: Rect| DisplayItem::Rect { rect: r, color: ink, radius: t / 2.0, border_width: 0.0, border_color: Color::TRANSPARENT };
                p.push(hand(Rect::new(cx - t / 2.0, disc.y + d * 0.2, t, cy - disc.y - d * 0.2 + t / 2.0)));
                p.push(hand(Rect::new(cx - t / 2.0, cy - t / 2.0, d * 0.26, t)));
            }
            Mark::Lens => {
                // A ring in the top-left two thirds and a round handle towards the bottom right.
                let r = d * 0.68;
                let t = (d * 0.1).max(1.0);
                p.push(DisplayItem::Rect {
                    rect: Rect::new(disc.x + d * 0.04, disc.y + d * 0.04, r, r),
                    color: Color::TRANSPARENT,
                    radius: r / 2.0,
                    border_width: t,
                    border_color: ink,
                });
                for k in 0..3 {
                    let at = d * (0.66 + 0.09 * k as f32);
                    p.push(DisplayItem::Rect { rect: Rect::new(disc.x + at - t, disc.y + at - t, t * 2.0, t * 2.0), color: ink, radius: t, border_width: 0.0, border_color: Color::TRANSPARENT });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::display::DisplayItem;
    use crate::testutil::page;

    #[test]
    fn each_type_draws_its_own_mark_in_its_colour() {
        let xml: String = ICON_TYPES.iter().map(|t| format!(r#"<icon type="{t}" size="40"/>"#)).collect();
        let (mut p, mut f) = page(&xml, "");
        let list = p.render(&mut f).unwrap();
        let texts: Vec<&str> = list.items.iter().filter_map(|i| match i { DisplayItem::Text { text, .. } => Some(text.as_str()), _ => None }).collect();
        assert_eq!(texts, ["\u{2713}", "\u{2713}", "i", "!", "\u{2715}", "\u{2193}", "\u{2715}"], "glyph marks in type order");
        // success is a green disc with a white check; success_no_circle a green check alone.
        let first = list.items.iter().find_map(|i| match i { DisplayItem::Rect { color, radius, .. } => Some((*color, *radius)), _ => None });
        assert_eq!(first, Some((Color::rgb(0x07, 0xc1, 0x60), 20.0)));
        let no_circle = list.items.iter().filter_map(|i| match i { DisplayItem::Text { color, .. } => Some(*color), _ => None }).nth(1);
        assert_eq!(no_circle, Some(Color::rgb(0x07, 0xc1, 0x60)));
        // search is a ring (border only), not a disc.
        assert!(list.items.iter().any(|i| matches!(i, DisplayItem::Rect { color, border_width, .. } if color.a == 0 && *border_width > 0.0)));
    }

    #[test]
    fn color_and_size_attributes_apply() {
        let (mut p, mut f) = page(r##"<icon id="i" type="cancel" size="30" color="#123456"/>"##, "");
        let list = p.render(&mut f).unwrap();
        let r = p.find("#i").unwrap().unwrap();
        assert_eq!((r.w, r.h), (30.0, 30.0));
        assert!(list.items.iter().any(|i| matches!(i, DisplayItem::Rect { color, .. } if (color.r, color.g, color.b) == (0x12, 0x34, 0x56))));
    }
}
