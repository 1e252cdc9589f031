//! `button`: `type` default/primary/warn, `size` default/mini, `plain`, `disabled` (blocks taps),
//! `loading`, `form-type` submit/reset, `hover-class`.

use super::{attr, flag, AttrKind, Component, Spec, TapAction};
use crate::tree::Node;

/// `button`.
pub(crate) struct Button;

static SPEC: Spec = Spec {
    tag: "button",
    attrs: &[
        attr("type", AttrKind::Enum, "default"),
        attr("size", AttrKind::Enum, "default"),
        attr("plain", AttrKind::Bool, "false"),
        attr("disabled", AttrKind::Bool, "false"),
        attr("loading", AttrKind::Bool, "false"),
        attr("form-type", AttrKind::Enum, ""),
        attr("hover-class", AttrKind::String, "button-hover"),
    ],
    events: &["tap"],
    summary: "a button; `disabled` blocks taps",
};

impl Component for Button {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn classes(&self, attrs: &[(String, String)], out: &mut Vec<String>) {
        let get = |name: &str| attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        let on = |name: &str| get(name).is_some_and(|v| v != "false" && v != "0");
        if let Some(t @ ("primary" | "warn")) = get("type") {
            out.push(format!("m-{t}"));
        }
        if get("size") == Some("mini") {
            out.push("m-mini".into());
        }
        if on("plain") {
            out.push("m-plain".into());
        }
        if on("disabled") {
            out.push("m-disabled".into());
        }
        if on("loading") {
            out.push("m-loading".into());
        }
    }

    fn on_tap(&self, node: &Node) -> TapAction {
        if flag(node, "disabled") || flag(node, "loading") {
            TapAction::Block
        } else {
            TapAction::Bubble
        }
    }
}
