//! `button`: `type` default/primary/warn, `size` default/mini, `plain`, `disabled` (blocks taps),
//! `loading`, `form-type` submit/reset (submits or resets the enclosing `form` after `tap`),
//! `hover-class`.

use super::{ancestor, attr, flag, form, AttrKind, Component, Ctl, Effect, Spec, TapAction};
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
        } else if matches!(node.attr("form-type"), Some("submit" | "reset")) {
            TapAction::Control
        } else {
            TapAction::Bubble
        }
    }

    /// `form-type="submit"` submits the enclosing `form`, `"reset"` resets it.
    fn act(&self, cx: &mut Ctl<'_>, i: usize, _x: f32, _y: f32) -> Vec<Effect> {
        let Some(f) = ancestor(cx.tree, i, "form") else { return Vec::new() };
        match cx.tree.nodes[i].attr("form-type") {
            Some("submit") => form::submit(cx, f),
            Some("reset") => form::reset(cx, f),
            _ => Vec::new(),
        }
    }
}
