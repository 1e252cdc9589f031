//! `icon`: the standard types (`success`, `info`, `warn`, `waiting`, `cancel`, `download`,
//! `search`, `clear`…), `size`, `color`.

use super::{attr, px_attr, AttrKind, Component, Spec};
use crate::color::Color;
use crate::display::{DisplayItem, Rect};
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

fn icon_color(kind: &str) -> Color {
    match kind {
        "success" | "success_no_circle" => Color::rgb(0x07, 0xc1, 0x60),
        "warn" | "cancel" | "clear" => Color::rgb(0xf7, 0x62, 0x60),
        _ => Color::rgb(0x10, 0xae, 0xff),
    }
}

impl Component for Icon {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn adjust_style(&self, attrs: &[(String, String)], style: &mut Computed) {
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
        let _ = px_attr;
        let kind = node.attr("type").unwrap_or("info");
        let color = node
            .attr("color")
            .and_then(|c| Color::from_hex(c).or_else(|| Color::named(c)))
            .unwrap_or_else(|| icon_color(kind));
        p.push(DisplayItem::Rect {
            rect: content,
            color: color.with_opacity(op),
            radius: content.w.min(content.h) / 2.0,
            border_width: 0.0,
            border_color: Color::TRANSPARENT,
        });
    }
}
