//! `progress`: `percent` drawn as a bar of `stroke-width` px (`activeColor` on
//! `backgroundColor`, `border-radius`), `show-info` writes the percentage after it. `active`
//! (the fill animation) draws the final state.

use super::{attr, color_attr, flag, num_attr, px_attr, AttrKind, Component, Spec};
use crate::color::Color;
use crate::display::{DisplayItem, Rect, TextAlign};
use crate::style::{Computed, Len};
use crate::tree::Node;

/// `progress`.
pub(crate) struct Progress;

static SPEC: Spec = Spec {
    tag: "progress",
    attrs: &[
        attr("percent", AttrKind::Number, "0"),
        attr("show-info", AttrKind::Bool, "false"),
        attr("stroke-width", AttrKind::Number, "6"),
        attr("activeColor", AttrKind::Color, "#09BB07"),
        attr("backgroundColor", AttrKind::Color, "#EBEBEB"),
        attr("active-color", AttrKind::Color, "#09BB07"),
        attr("background-color", AttrKind::Color, "#EBEBEB"),
        attr("border-radius", AttrKind::Number, "0"),
        attr("active", AttrKind::Bool, "false"),
    ],
    events: &[],
    summary: "a progress bar (drawn at its final state)",
};

/// Room right of the bar for `show-info`, in px.
const INFO_ROOM: f32 = 48.0;
/// Font size of the `show-info` text.
const INFO_FONT: f32 = 14.0;

fn percent(node: &Node) -> f32 {
    num_attr(node, "percent").unwrap_or(0.0).clamp(0.0, 100.0) as f32
}

fn stroke(node: &Node) -> f32 {
    px_attr(node, "stroke-width").filter(|w| *w > 0.0).unwrap_or(6.0)
}

/// Where the bar and its filled part are drawn inside `content`.
pub(crate) fn bar_rects(node: &Node, content: Rect) -> (Rect, Rect) {
    let h = stroke(node);
    let room = if flag(node, "show-info") { INFO_ROOM } else { 0.0 };
    let w = (content.w - room).max(0.0);
    let bar = Rect::new(content.x, content.y + (content.h - h) / 2.0, w, h);
    (bar, Rect { w: w * percent(node) / 100.0, ..bar })
}

impl Component for Progress {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn adjust_style(&self, attrs: &[(String, String)], _env: &super::Env<'_>, style: &mut Computed) {
        let get = |name: &str| attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        let stroke = get("stroke-width").and_then(|v| v.trim().trim_end_matches("px").parse::<f32>().ok()).unwrap_or(6.0);
        let info = get("show-info").is_some_and(|v| v != "false" && v != "0");
        if matches!(style.height, Len::Auto) {
            style.height = Len::Px(if info { stroke.max(INFO_FONT * 1.4) } else { stroke });
        }
    }

    fn paint(&self, p: &mut crate::page::Painter<'_>, node: &Node, content: Rect, op: f32) {
        let (bar, fill) = bar_rects(node, content);
        let radius = px_attr(node, "border-radius").unwrap_or(0.0);
        let active = color_attr(node, "activeColor").or_else(|| color_attr(node, "active-color")).unwrap_or(Color::rgb(0x09, 0xbb, 0x07));
        let back = color_attr(node, "backgroundColor")
            .or_else(|| color_attr(node, "background-color"))
            .unwrap_or(Color::rgb(0xeb, 0xeb, 0xeb));
        for (rect, color) in [(bar, back), (fill, active)] {
            if rect.w > 0.0 {
                p.push(DisplayItem::Rect { rect, color: color.with_opacity(op), radius, border_width: 0.0, border_color: Color::TRANSPARENT });
            }
        }
        if flag(node, "show-info") {
            p.push(DisplayItem::Text {
                rect: Rect::new(bar.x + bar.w + 8.0, content.y + (content.h - INFO_FONT * 1.4) / 2.0, INFO_ROOM - 8.0, INFO_FONT * 1.4),
                text: format!("{}%", percent(node).round()),
                font_size: INFO_FONT,
                line_height: INFO_FONT * 1.4,
                color: node.style.color.with_opacity(op),
                bold: false,
                align: TextAlign::Left,
            });
        }
    }

    fn shown_text(&self, node: &Node, _state: Option<&super::State>) -> Option<String> {
        flag(node, "show-info").then(|| format!("{}%", percent(node).round()))
    }
}
