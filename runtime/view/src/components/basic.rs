//! `view`, `text` and `block`: the containers. `block` groups children and makes no node.

use super::{Component, Spec};

/// `view`: a box.
pub(crate) struct View;
/// `text`: a run of text.
pub(crate) struct Text;
/// `block`: groups children (for `m:if`/`m:for`) without a node of its own.
pub(crate) struct Block;

static VIEW: Spec = Spec {
    tag: "view",
    attrs: &[
        super::attr("hover-class", super::AttrKind::String, "none"),
        super::attr("hover-stay-time", super::AttrKind::Number, "400"),
        super::attr("hover-start-time", super::AttrKind::Number, "50"),
    ],
    events: &[],
    summary: "a box; lays out its children (a CSS block by default)",
};
static TEXT: Spec = Spec {
    tag: "text",
    attrs: &[
        super::attr("space", super::AttrKind::Enum, ""),
        super::attr("decode", super::AttrKind::Bool, "false"),
        super::attr("user-select", super::AttrKind::Bool, "false"),
        super::attr("selectable", super::AttrKind::Bool, "false"),
    ],
    events: &[],
    summary: "a run of text",
};
static BLOCK: Spec = Spec { tag: "block", attrs: &[], events: &[], summary: "groups children for m:if / m:for; makes no node" };

impl Component for View {
    fn spec(&self) -> &'static Spec {
        &VIEW
    }
}
impl Component for Text {
    fn spec(&self) -> &'static Spec {
        &TEXT
    }
}
impl Component for Block {
    fn spec(&self) -> &'static Spec {
        &BLOCK
    }
}
