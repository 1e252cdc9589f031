//! `form`: a `button form-type="submit"` inside it fires `submit` with `detail.value`, an
//! object of every named control's value inside (input, textarea, switch, checkbox-group,
//! radio-group, slider, picker); `form-type="reset"` puts every control back to its attributes
//! and fires `reset`.

use serde_json::{json, Map, Value};

use super::{attr, checkbox, descendants, lookup, radio, AttrKind, Component, Ctl, Effect, Spec};

/// `form`.
pub(crate) struct Form;

static SPEC: Spec = Spec {
    tag: "form",
    attrs: &[attr("report-submit", AttrKind::Bool, "false")],
    events: &["submit", "reset"],
    summary: "collects the named controls inside it on submit; resets them",
};

impl Component for Form {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }
}

/// The values of the named controls inside form `f`, by `name`.
pub(crate) fn values(cx: &Ctl<'_>, f: usize) -> Map<String, Value> {
    let tree = cx.tree;
    let mut out = Map::new();
    for k in descendants(tree, f) {
        let n = &tree.nodes[k];
        let Some(name) = n.attr("name").filter(|n| !n.is_empty()) else { continue };
        let value = match n.tag() {
            Some("checkbox-group") => Some(checkbox::group_values(tree, cx.states, k)),
            Some("radio-group") => Some(radio::group_value(tree, cx.states, k)),
            Some(tag) => lookup(tag).and_then(|c| c.form_value(n, cx.states.get(&n.sid))),
            None => None,
        };
        if let Some(v) = value {
            out.insert(name.to_string(), v);
        }
    }
    out
}

/// Fires `submit` at form `f` with the values of its controls.
pub(crate) fn submit(cx: &mut Ctl<'_>, f: usize) -> Vec<Effect> {
    let value = Value::Object(values(cx, f));
    vec![Effect::Fire { node: f, event: "submit", detail: json!({ "value": value }) }]
}

/// Puts every control inside form `f` back to its attributes and fires `reset`.
pub(crate) fn reset(cx: &mut Ctl<'_>, f: usize) -> Vec<Effect> {
    for k in descendants(cx.tree, f) {
        let n = &cx.tree.nodes[k];
        let Some(st) = cx.states.get_mut(&n.sid) else { continue };
        st.control = None;
        st.seen_control = None;
        if let Some(b) = st.edit.as_mut() {
            b.set_value(n.attr("value").unwrap_or(""));
        }
    }
    vec![Effect::Fire { node: f, event: "reset", detail: json!({}) }, Effect::Redraw]
}
