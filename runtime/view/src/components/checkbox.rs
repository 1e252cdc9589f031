//! `checkbox` and `checkbox-group`: a tap toggles a checkbox (`value`, `checked`, `disabled`,
//! `color`); its `checkbox-group` fires `change` with `detail.value`, the `value`s of its
//! checked boxes in document order. The checkbox's children are its label, drawn after the box.

use serde_json::{json, Value};

use super::switch::{on_color, paint_box};
use super::{ancestor, attr, checked_of, descendants, flag, sync_control, AttrKind, Component, Ctl, Effect, Spec, State, TapAction};
use crate::display::Rect;
use crate::tree::{Node, Tree};

/// `checkbox`.
pub(crate) struct Checkbox;
/// `checkbox-group`.
pub(crate) struct CheckboxGroup;

static CHECKBOX: Spec = Spec {
    tag: "checkbox",
    attrs: &[
        attr("value", AttrKind::String, ""),
        attr("checked", AttrKind::Bool, "false"),
        attr("disabled", AttrKind::Bool, "false"),
        attr("color", AttrKind::Color, "#09BB07"),
    ],
    events: &[],
    summary: "a check box inside a checkbox-group; a tap toggles it",
};
static GROUP: Spec = Spec {
    tag: "checkbox-group",
    attrs: &[attr("name", AttrKind::String, "")],
    events: &["change"],
    summary: "groups checkboxes; fires change with the checked values",
};

/// The `value`s of the checked checkboxes inside group `g`, in document order.
pub(crate) fn group_values(tree: &Tree, states: &std::collections::HashMap<u64, State>, g: usize) -> Value {
    let values: Vec<Value> = descendants(tree, g)
        .into_iter()
        .map(|c| &tree.nodes[c])
        .filter(|n| n.tag() == Some("checkbox") && checked_of(n, states.get(&n.sid)))
        .map(|n| json!(n.attr("value").unwrap_or("")))
        .collect();
    Value::Array(values)
}

impl Component for Checkbox {
    fn spec(&self) -> &'static Spec {
        &CHECKBOX
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
        let now = !checked_of(&cx.tree.nodes[i], cx.state_ref(i));
        cx.set_control(i, "checked", json!(now));
        let mut out = vec![Effect::Redraw];
        if let Some(g) = ancestor(cx.tree, i, "checkbox-group") {
            let value = group_values(cx.tree, cx.states, g);
            out.insert(0, Effect::Fire { node: g, event: "change", detail: json!({ "value": value }) });
        }
        out
    }

    fn sync(&self, node: &Node, state: &mut State) {
        sync_control(node, state, "checked");
    }

    fn paint(&self, p: &mut crate::page::Painter<'_>, node: &Node, content: Rect, op: f32) {
        let checked = checked_of(node, p.state_of(node.sid).as_ref());
        paint_box(p, lead_box(content), checked, on_color(node, &CHECKBOX), false, op);
    }
}

/// Where a checkbox or radio draws its box: left of its content (its CSS `padding-left` leaves
/// the room), centred on the first line.
pub(crate) fn lead_box(content: Rect) -> Rect {
    let side = 20.0;
    let y = content.y + ((content.h.min(side * 1.5)) - side).max(0.0) / 2.0;
    Rect::new(content.x - side - 6.0, y, side, side)
}

impl Component for CheckboxGroup {
    fn spec(&self) -> &'static Spec {
        &GROUP
    }
}
