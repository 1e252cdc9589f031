//! `image`: `src` (a bundle path), drawn into its content box.

use super::{attr, AttrKind, Component, Spec};
use crate::display::{DisplayItem, Rect};
use crate::tree::Node;

/// `image`.
pub(crate) struct Image;

static SPEC: Spec = Spec {
    tag: "image",
    attrs: &[attr("src", AttrKind::String, ""), attr("mode", AttrKind::Enum, "scaleToFill"), attr("lazy-load", AttrKind::Bool, "false")],
    events: &["load", "error"],
    summary: "an image from the bundle",
};

impl Component for Image {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn paint(&self, p: &mut crate::page::Painter<'_>, node: &Node, content: Rect, _op: f32) {
        if let Some(src) = node.attr("src").filter(|v| !v.is_empty()) {
            let radius = p.radius_of(node, content);
            p.push(DisplayItem::Image { rect: content, src: src.to_string(), radius });
        }
    }
}
