//! `switch`: `checked`, `disabled`, `type` switch/checkbox, `color`. A tap toggles it and fires
//! `change` with `detail.value` (the new checked state). Drawn as a pill with a knob (or, with
//! `type="checkbox"`, as a checkbox).

use serde_json::{json, Value};

use super::{attr, checked_of, color_attr, flag, sync_control, AttrKind, Component, Ctl, Effect, Spec, State, TapAction};
use crate::color::Color;
use crate::display::{DisplayItem, Rect};
use crate::tree::Node;

/// `switch`.
pub(crate) struct Switch;

static SPEC: Spec = Spec {
    tag: "switch",
    attrs: &[
        attr("checked", AttrKind::Bool, "false"),
        attr("disabled", AttrKind::Bool, "false"),
        attr("type", AttrKind::Enum, "switch"),
        attr("color", AttrKind::Color, "#04BE02"),
        attr("name", AttrKind::String, ""),
    ],
    events: &["change"],
    summary: "an on/off switch; a tap toggles it",
};

/// The colour of a checked switch, checkbox or radio: `color`, else the platform green.
/// The checked colour: the `color` attribute, else the component's documented default
/// (`spec`'s `color` attribute: the switch's #04BE02, a checkbox's or radio's #09BB07).
pub(crate) fn on_color(node: &Node, spec: &Spec) -> Color {
    color_attr(node, "color")
        .or_else(|| spec.default_of("color").and_then(Color::from_hex))
        .unwrap_or(Color::rgb(0x04, 0xbe, 0x02))
}

/// Draws a checkbox's box at `r`: a white square with a grey border, filled with a check-sized
/// square of `color` when checked.
pub(crate) fn paint_box(p: &mut crate::page::Painter<'_>, r: Rect, checked: bool, color: Color, round: bool, op: f32) {
    let radius = if round { r.w / 2.0 } else { 3.0 };
    p.push(DisplayItem::Rect {
        rect: r,
        color: if checked && round { color.with_opacity(op) } else { Color::WHITE.with_opacity(op) },
        radius,
        border_width: 1.0,
        border_color: if checked && round { color.with_opacity(op) } else { Color::rgb(0xd1, 0xd1, 0xd1).with_opacity(op) },
    });
    if checked {
        let inset = r.w * 0.25;
        let mark = Rect::new(r.x + inset, r.y + inset, r.w - 2.0 * inset, r.h - 2.0 * inset);
        p.push(DisplayItem::Rect {
            rect: mark,
            color: if round { Color::WHITE.with_opacity(op) } else { color.with_opacity(op) },
            radius: if round { mark.w / 2.0 } else { 1.0 },
            border_width: 0.0,
            border_color: Color::TRANSPARENT,
        });
    }
}

impl Component for Switch {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn classes(&self, attrs: &[(String, String)], out: &mut Vec<String>) {
        if attrs.iter().any(|(n, v)| n == "type" && v == "checkbox") {
            out.push("m-checkbox".into());
        }
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
        vec![Effect::Fire { node: i, event: "change", detail: json!({ "value": now }) }, Effect::Redraw]
    }

    fn sync(&self, node: &Node, state: &mut State) {
        sync_control(node, state, "checked");
    }

    fn paint(&self, p: &mut crate::page::Painter<'_>, node: &Node, content: Rect, op: f32) {
        let state = p.state_of(node.sid);
        let checked = checked_of(node, state.as_ref());
        let color = on_color(node, &SPEC);
        if node.attr("type") == Some("checkbox") {
            let side = content.w.min(content.h);
            let r = Rect::new(content.x, content.y + (content.h - side) / 2.0, side, side);
            paint_box(p, r, checked, color, false, op);
            return;
        }
        let (bg, border) = if checked { (color, color) } else { (Color::WHITE, Color::rgb(0xdf, 0xdf, 0xdf)) };
        p.push(DisplayItem::Rect {
            rect: content,
            color: bg.with_opacity(op),
            radius: content.h / 2.0,
            border_width: 1.0,
            border_color: border.with_opacity(op),
        });
        let d = (content.h - 4.0).max(0.0);
        let kx = if checked { content.x + content.w - d - 2.0 } else { content.x + 2.0 };
        p.push(DisplayItem::Rect {
            rect: Rect::new(kx, content.y + 2.0, d, d),
            color: Color::WHITE.with_opacity(op),
            radius: d / 2.0,
            border_width: 1.0,
            border_color: Color::rgb(0xdf, 0xdf, 0xdf).with_opacity(op),
        });
    }

    fn form_value(&self, node: &Node, state: Option<&State>) -> Option<Value> {
        node.attr("name").filter(|n| !n.is_empty())?;
        Some(json!(checked_of(node, state)))
    }
}
