//! `navigator`: a tap opens `url` (`open-type` navigate/redirect/switchTab/reLaunch/navigateBack
//! with `delta`).

use super::{attr, AttrKind, Component, Spec, TapAction};
use crate::input::OpenType;
use crate::tree::Node;

/// `navigator`.
pub(crate) struct Navigator;

static SPEC: Spec = Spec {
    tag: "navigator",
    attrs: &[
        attr("url", AttrKind::String, ""),
        attr("open-type", AttrKind::Enum, "navigate"),
        attr("delta", AttrKind::Number, "1"),
        attr("hover-class", AttrKind::String, "navigator-hover"),
        attr("hover-stay-time", AttrKind::Number, "600"),
        attr("hover-start-time", AttrKind::Number, "50"),
    ],
    events: &["tap"],
    summary: "a link to another page of the app",
};

impl Component for Navigator {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn on_tap(&self, node: &Node) -> TapAction {
        let open_type = OpenType::from_attr(node.attr("open-type"));
        let url = node.attr("url").unwrap_or("").to_string();
        if url.is_empty() && open_type != OpenType::NavigateBack {
            return TapAction::Bubble;
        }
        let delta = node.attr("delta").and_then(|d| d.trim().parse().ok()).unwrap_or(1).max(1);
        TapAction::Navigate { url, open_type, delta }
    }
}
