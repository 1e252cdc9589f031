//! `label`: a tap on it acts on a control — the one whose `id` is its `for`, else the first
//! checkbox, radio, switch, button, input or textarea inside it. A tap right on a control
//! inside the label is that control's own.

use super::{attr, descendants, lookup, AttrKind, Component, Ctl, Effect, Spec, TapAction};
use crate::tree::Node;

/// `label`.
pub(crate) struct Label;

static SPEC: Spec = Spec {
    tag: "label",
    attrs: &[attr("for", AttrKind::String, "")],
    events: &[],
    summary: "forwards a tap on it to a control (`for`, else the first control inside)",
};

/// The controls a label can act on.
const TARGETS: &[&str] = &["checkbox", "radio", "switch", "button", "input", "textarea"];

impl Component for Label {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn on_tap(&self, _node: &Node) -> TapAction {
        TapAction::Control
    }

    fn act(&self, cx: &mut Ctl<'_>, i: usize, x: f32, y: f32) -> Vec<Effect> {
        let tree = cx.tree;
        let is_target = |k: usize| tree.nodes[k].tag().is_some_and(|t| TARGETS.contains(&t));
        let target = match tree.nodes[i].attr("for").filter(|f| !f.is_empty()) {
            Some(id) => tree
                .nodes
                .iter()
                .position(|n| n.id.as_deref() == Some(id))
                .filter(|&k| is_target(k) && cx.rects.get(k).copied().flatten().is_some()),
            None => descendants(tree, i).into_iter().find(|&k| is_target(k)),
        };
        let Some(t) = target else { return Vec::new() };
        let Some(c) = tree.nodes[t].tag().and_then(lookup) else { return Vec::new() };
        match c.on_tap(&tree.nodes[t]) {
            TapAction::Control => c.act(cx, t, x, y),
            TapAction::Focus => vec![Effect::Focus(t)],
            _ => Vec::new(),
        }
    }
}
