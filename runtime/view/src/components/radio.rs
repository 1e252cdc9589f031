//! `radio` and `radio-group`: a tap checks a radio (`value`, `checked`, `disabled`, `color`) and
//! unchecks the others of its group; the `radio-group` fires `change` with `detail.value`, the
//! checked radio's `value`. Tapping the checked radio again changes nothing.

use serde_json::{json, Value};

use super::checkbox::lead_box;
use super::switch::{on_color, paint_box};
use super::{ancestor, attr, checked_of, descendants, flag, sync_control, AttrKind, Component, Ctl, Effect, Spec, State, TapAction};
use crate::display::Rect;
use crate::tree::{Node, Tree};

/// `radio`.
pub(crate) struct Radio;
/// `radio-group`.
pub(crate) struct RadioGroup;

static RADIO: Spec = Spec {
    tag: "radio",
    attrs: &[
        attr("value", AttrKind::String, ""),
        attr("checked", AttrKind::Bool, "false"),
        attr("disabled", AttrKind::Bool, "false"),
        attr("color", AttrKind::Color, "#09BB07"),
    ],
    events: &[],
    summary: "one choice of a radio-group; a tap checks it",
};
static GROUP: Spec = Spec {
    tag: "radio-group",
    attrs: &[attr("name", AttrKind::String, "")],
    events: &["change"],
    summary: "groups radios, one checked at a time; fires change with its value",
};

/// The `value` of the checked radio inside group `g` (the first checked one; `""` if none).
pub(crate) fn group_value(tree: &Tree, states: &std::collections::HashMap<u64, State>, g: usize) -> Value {
    let v = descendants(tree, g)
        .into_iter()
        .map(|c| &tree.nodes[c])
        .find(|n| n.tag() == Some("radio") && checked_of(n, states.get(&n.sid)))
        .map_or("", |n| n.attr("value").unwrap_or(""));
    json!(v)
}

impl Component for Radio {
    fn spec(&self) -> &'static Spec {
        &RADIO
    }

    fn classes(&self, attrs: &[(String, String)], out: &mut Vec<String>) {
        if attrs.iter().any(|(n, v)| n == "disabled" && v != "false" && v != "0") {
            out.push("m-disabled".into());
        }
    }

    fn on_tap(&self, node: &Node) -> TapAction {
        if flag(node, "disabled") {
            TapAction::Block
        } else {
            TapAction::Control
        }
    }

    fn act(&self, cx: &mut Ctl<'_>, i: usize, _x: f32, _y: f32) -> Vec<Effect> {
        if checked_of(&cx.tree.nodes[i], cx.state_ref(i)) {
            return Vec::new();
        }
        cx.set_control(i, "checked", json!(true));
        let Some(g) = ancestor(cx.tree, i, "radio-group") else {
            return vec![Effect::Redraw];
        };
        for r in descendants(cx.tree, g) {
            if r != i && cx.tree.nodes[r].tag() == Some("radio") {
                cx.set_control(r, "checked", json!(false));
            }
        }
        let value = json!(cx.tree.nodes[i].attr("value").unwrap_or(""));
        vec![Effect::Fire { node: g, event: "change", detail: json!({ "value": value }) }, Effect::Redraw]
    }

    fn sync(&self, node: &Node, state: &mut State) {
        sync_control(node, state, "checked");
    }

    fn paint(&self, p: &mut crate::page::Painter<'_>, node: &Node, content: Rect, op: f32) {
        let checked = checked_of(node, p.state_of(node.sid).as_ref());
        paint_box(p, lead_box(content), checked, on_color(node, &RADIO), true, op);
    }
}

impl Component for RadioGroup {
    fn spec(&self) -> &'static Spec {
        &GROUP
    }
}
