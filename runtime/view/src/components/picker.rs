//! `picker`: `mode` selector / multiSelector / date / time, `range` (an array, of arrays for
//! multiSelector, of objects with `range-key`), `value`, `start`/`end`, `disabled`. A tap asks
//! the front end for a sheet ([`crate::Outcome::OpenPicker`]); its answer
//! ([`crate::Page::answer_picker`]) becomes the value and fires `change` with `detail.value`
//! (`cancel` when dismissed). Its children are what it shows on the page.

use serde_json::{json, Value};

use super::{attr, flag, sync_control, AttrKind, Component, Ctl, Effect, Spec, State, TapAction};
use crate::input::PickerRequest;
use crate::tree::Node;

/// `picker`.
pub(crate) struct Picker;

static SPEC: Spec = Spec {
    tag: "picker",
    attrs: &[
        attr("mode", AttrKind::Enum, "selector"),
        attr("range", AttrKind::String, "[]"),
        attr("range-key", AttrKind::String, ""),
        attr("value", AttrKind::String, "0"),
        attr("start", AttrKind::String, ""),
        attr("end", AttrKind::String, ""),
        attr("fields", AttrKind::Enum, "day"),
        attr("disabled", AttrKind::Bool, "false"),
        attr("name", AttrKind::String, ""),
    ],
    events: &["change", "cancel", "columnchange"],
    summary: "opens a choice sheet (list, several columns, date or time) on tap",
};

/// The `mode`, unknown modes read as `selector`.
fn mode(node: &Node) -> &'static str {
    match node.attr("mode") {
        Some("multiSelector") => "multiSelector",
        Some("date") => "date",
        Some("time") => "time",
        _ => "selector",
    }
}

/// An attribute bound to an array or object (kept as JSON text), or a literal list `a,b,c`.
fn json_attr(node: &Node, name: &str) -> Option<Value> {
    let raw = node.attr(name)?.trim();
    match serde_json::from_str::<Value>(raw) {
        Ok(v) => Some(v),
        Err(_) if raw.is_empty() => None,
        Err(_) => Some(Value::Array(raw.split(',').map(|s| json!(s.trim())).collect())),
    }
}

/// One choice's label: itself, or its `range-key` field.
fn label(v: &Value, key: Option<&str>) -> String {
    match (v, key) {
        (Value::Object(o), Some(k)) => o.get(k).map(crate::expr::to_display).unwrap_or_default(),
        _ => crate::expr::to_display(v),
    }
}

/// The columns of choices the sheet shows.
pub(crate) fn columns(node: &Node) -> Vec<Vec<String>> {
    let key = node.attr("range-key").filter(|k| !k.is_empty());
    let range = json_attr(node, "range").unwrap_or(Value::Array(Vec::new()));
    let list = |v: &Value| -> Vec<String> {
        match v {
            Value::Array(items) => items.iter().map(|i| label(i, key)).collect(),
            other => vec![label(other, key)],
        }
    };
    match (mode(node), &range) {
        ("selector", r) => vec![list(r)],
        ("multiSelector", Value::Array(cols)) => cols.iter().map(list).collect(),
        _ => Vec::new(),
    }
}

/// The current value: as answered, else `value` (an index, a list of indexes, a date or
/// time string).
pub(crate) fn value_of(node: &Node, state: Option<&State>) -> Value {
    if let Some(v) = state.and_then(|s| s.control.clone()) {
        return v;
    }
    let raw = node.attr("value").map(str::trim);
    match mode(node) {
        "selector" => json!(raw.and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)),
        "multiSelector" => match raw.map(serde_json::from_str::<Value>) {
            Some(Ok(v @ Value::Array(_))) => v,
            Some(_) if raw.is_some_and(|r| !r.is_empty()) => {
                Value::Array(raw.unwrap_or("").split(',').map(|s| json!(s.trim().parse::<i64>().unwrap_or(0))).collect())
            }
            _ => Value::Array(columns(node).iter().map(|_| json!(0)).collect()),
        },
        _ => json!(raw.unwrap_or("")),
    }
}

impl Component for Picker {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn on_tap(&self, node: &Node) -> TapAction {
        if flag(node, "disabled") {
            TapAction::Block
        } else {
            TapAction::Control
        }
    }

    fn act(&self, cx: &mut Ctl<'_>, i: usize, _x: f32, _y: f32) -> Vec<Effect> {
        let node = &cx.tree.nodes[i];
        vec![Effect::OpenPicker(PickerRequest {
            picker: node.sid,
            mode: mode(node).to_string(),
            columns: columns(node),
            value: value_of(node, cx.state_ref(i)),
        })]
    }

    fn sync(&self, node: &Node, state: &mut State) {
        sync_control(node, state, "value");
    }

    fn keeps_json(&self, name: &str) -> bool {
        matches!(name, "range" | "value")
    }

    fn form_value(&self, node: &Node, state: Option<&State>) -> Option<Value> {
        node.attr("name").filter(|n| !n.is_empty())?;
        Some(value_of(node, state))
    }
}
