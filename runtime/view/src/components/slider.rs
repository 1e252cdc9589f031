//! `slider`: `min` 0, `max` 100, `step` 1, `value`, `show-value`, `disabled`, `activeColor`,
//! `backgroundColor`, `block-size`, `block-color`. A tap or a drag on the track sets the value
//! (snapped to `step`); a drag fires `changing` as the value moves and `change` at the end, a
//! tap fires `change`; `detail.value` is the new value.

use serde_json::{json, Value};

use super::{attr, color_attr, flag, num_attr, sync_control, AttrKind, Component, Ctl, Drag, Effect, Spec, State, TapAction};
use crate::color::Color;
use crate::display::{DisplayItem, Rect, TextAlign};
use crate::tree::Node;

/// `slider`.
pub(crate) struct Slider;

static SPEC: Spec = Spec {
    tag: "slider",
    attrs: &[
        attr("min", AttrKind::Number, "0"),
        attr("max", AttrKind::Number, "100"),
        attr("step", AttrKind::Number, "1"),
        attr("value", AttrKind::Number, "0"),
        attr("show-value", AttrKind::Bool, "false"),
        attr("disabled", AttrKind::Bool, "false"),
        attr("activeColor", AttrKind::Color, "#1aad19"),
        attr("backgroundColor", AttrKind::Color, "#e9e9e9"),
        attr("active-color", AttrKind::Color, "#1aad19"),
        attr("background-color", AttrKind::Color, "#e9e9e9"),
        attr("block-size", AttrKind::Number, "28"),
        attr("block-color", AttrKind::Color, "#ffffff"),
        attr("name", AttrKind::String, ""),
    ],
    events: &["changing", "change"],
    summary: "picks a number in a range by tapping or dragging along a track",
};

/// Room kept right of the track for `show-value`, in px.
const VALUE_ROOM: f32 = 40.0;

/// `min`, `max` and `step`, made sane (`max` ≥ `min`, `step` > 0).
fn range(node: &Node) -> (f64, f64, f64) {
    let min = num_attr(node, "min").unwrap_or(0.0);
    let max = num_attr(node, "max").unwrap_or(100.0).max(min);
    let step = num_attr(node, "step").filter(|s| *s > 0.0).unwrap_or(1.0);
    (min, max, step)
}

/// The value snapped to `step` from `min` and clamped into the range.
fn snap(node: &Node, v: f64) -> f64 {
    let (min, max, step) = range(node);
    let steps = ((v - min) / step).round();
    let v = (min + steps * step).clamp(min, max);
    // Keep 1e-9-ish noise out of values like 0.1 * 3.
    (v * 1e9).round() / 1e9
}

/// The value shown: as the user set it, else `value`.
pub(crate) fn value_of(node: &Node, state: Option<&State>) -> f64 {
    let v = state
        .and_then(|s| s.control.as_ref())
        .and_then(Value::as_f64)
        .or_else(|| num_attr(node, "value"))
        .unwrap_or(range(node).0);
    snap(node, v)
}

fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

fn block_size(node: &Node) -> f32 {
    super::px_attr(node, "block-size").unwrap_or(28.0).clamp(12.0, 28.0)
}

/// The track's left end and length inside box `r`.
fn track(node: &Node, r: Rect) -> (f32, f32) {
    let half = block_size(node) / 2.0;
    let room = if flag(node, "show-value") { VALUE_ROOM } else { 0.0 };
    (r.x + half, (r.w - 2.0 * half - room).max(1.0))
}

/// The value under page x `x` on slider `node` with box `r`.
fn value_at(node: &Node, r: Rect, x: f32) -> f64 {
    let (left, len) = track(node, r);
    let frac = ((x - left) / len).clamp(0.0, 1.0) as f64;
    let (min, max, _) = range(node);
    snap(node, min + frac * (max - min))
}

/// Moves slider `i` to the value under `x`; whether the value changed.
fn slide_to(cx: &mut Ctl<'_>, i: usize, x: f32) -> (bool, f64) {
    let node = &cx.tree.nodes[i];
    let before = value_of(node, cx.state_ref(i));
    let v = value_at(node, cx.rect(i), x);
    cx.set_control(i, "value", json!(v));
    (v != before, v)
}

impl Component for Slider {
    fn spec(&self) -> &'static Spec {
        &SPEC
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

    fn act(&self, cx: &mut Ctl<'_>, i: usize, x: f32, _y: f32) -> Vec<Effect> {
        let (_, v) = slide_to(cx, i, x);
        vec![Effect::Fire { node: i, event: "change", detail: json!({ "value": number(v) }) }, Effect::Redraw]
    }

    fn takes_drag(&self, node: &Node, _dx: f32, _dy: f32) -> bool {
        !flag(node, "disabled")
    }

    fn on_drag(&self, cx: &mut Ctl<'_>, i: usize, drag: Drag) -> Vec<Effect> {
        let (changed, v) = slide_to(cx, i, drag.at.0);
        let detail = json!({ "value": number(v) });
        if drag.end {
            vec![Effect::Fire { node: i, event: "change", detail }, Effect::Redraw]
        } else if changed {
            vec![Effect::Fire { node: i, event: "changing", detail }, Effect::Redraw]
        } else {
            Vec::new()
        }
    }

    fn sync(&self, node: &Node, state: &mut State) {
        sync_control(node, state, "value");
    }

    fn paint(&self, p: &mut crate::page::Painter<'_>, node: &Node, content: Rect, op: f32) {
        let v = value_of(node, p.state_of(node.sid).as_ref());
        let (min, max, _) = range(node);
        let frac = if max > min { ((v - min) / (max - min)) as f32 } else { 0.0 };
        let (left, len) = track(node, content);
        let cy = content.y + content.h / 2.0;
        let active = color_attr(node, "activeColor").or_else(|| color_attr(node, "active-color")).unwrap_or(Color::rgb(0x1a, 0xad, 0x19));
        let back = color_attr(node, "backgroundColor")
            .or_else(|| color_attr(node, "background-color"))
            .unwrap_or(Color::rgb(0xe9, 0xe9, 0xe9));
        let bar = |x: f32, w: f32, color: Color| DisplayItem::Rect {
            rect: Rect::new(x, cy - 1.0, w, 2.0),
            color: color.with_opacity(op),
            radius: 1.0,
            border_width: 0.0,
            border_color: Color::TRANSPARENT,
        };
        p.push(bar(left, len, back));
        p.push(bar(left, len * frac, active));
        let d = block_size(node);
        let kx = left + len * frac;
        p.push(DisplayItem::Rect {
            rect: Rect::new(kx - d / 2.0, cy - d / 2.0, d, d),
            color: color_attr(node, "block-color").unwrap_or(Color::WHITE).with_opacity(op),
            radius: d / 2.0,
            border_width: 1.0,
            border_color: Color::rgb(0xdd, 0xdd, 0xdd).with_opacity(op),
        });
        if flag(node, "show-value") {
            let fs = 14.0;
            p.push(DisplayItem::Text {
                rect: Rect::new(content.x + content.w - VALUE_ROOM + 8.0, cy - fs * 0.7, VALUE_ROOM - 8.0, fs * 1.4),
                text: crate::expr::to_display(&number(v)),
                font_size: fs,
                line_height: fs * 1.4,
                color: Color::rgb(0x88, 0x88, 0x88).with_opacity(op),
                bold: false,
                align: TextAlign::Left,
            });
        }
    }

    fn shown_text(&self, node: &Node, state: Option<&State>) -> Option<String> {
        flag(node, "show-value").then(|| crate::expr::to_display(&number(value_of(node, state))))
    }

    fn form_value(&self, node: &Node, state: Option<&State>) -> Option<Value> {
        node.attr("name").filter(|n| !n.is_empty())?;
        Some(number(value_of(node, state)))
    }
}
