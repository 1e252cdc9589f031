//! `scroll-view`: scrolls its content on `scroll-x` / `scroll-y` (wheel, drag, `scroll-top` /
//! `scroll-left` from the data), fires `scroll` (at most once a frame), `scrolltoupper` and
//! `scrolltolower` when entering `upper-threshold` / `lower-threshold`.

use super::{attr, flag, AttrKind, Component, Spec};
use crate::tree::Node;

/// `scroll-view`.
pub(crate) struct ScrollView;

static SPEC: Spec = Spec {
    tag: "scroll-view",
    attrs: &[
        attr("scroll-x", AttrKind::Bool, "false"),
        attr("scroll-y", AttrKind::Bool, "false"),
        attr("scroll-top", AttrKind::Number, ""),
        attr("scroll-left", AttrKind::Number, ""),
        attr("scroll-into-view", AttrKind::String, ""),
        attr("upper-threshold", AttrKind::Number, "50"),
        attr("lower-threshold", AttrKind::Number, "50"),
    ],
    events: &["scroll", "scrolltoupper", "scrolltolower"],
    summary: "a scrollable area",
};

impl Component for ScrollView {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn scroll_axes(&self, node: &Node) -> (bool, bool) {
        let y = flag(node, "scroll-y");
        let x = flag(node, "scroll-x");
        // A scroll-view with neither attribute but a `scroll-top` still scrolls vertically
        // (set from the data), as the pages written before these attributes expect.
        (x, y || (!x && node.attr("scroll-top").is_some()))
    }
}
