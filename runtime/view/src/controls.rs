//! The form controls' side of [`Page::handle`]: a tap, a drag or a frame handed to a control
//! component ([`crate::components::Component::act`], `on_drag`, `on_frame`) and the
//! [`Effect`]s it answers turned into outcomes; [`Page::answer_picker`].

use serde_json::{json, Value};

use crate::components::{self, Ctl, Drag, Effect};
use crate::input::Outcome;
use crate::page::Page;
use crate::tree::{NodeKind, Tree};

impl Page {
    /// The front end's answer to an [`Outcome::OpenPicker`]: `value` (an index, a list of
    /// indexes, a `"2026-12-01"` date or `"09:30"` time) becomes the picker's value and fires
    /// its `change` with `detail.value`; `Value::Null` (the sheet was dismissed) fires `cancel`.
    /// A picker no longer on the page is ignored.
    pub fn answer_picker(&mut self, picker: u64, value: Value) -> Vec<Outcome> {
        let mut out = Vec::new();
        let Some(tree) = self.tree.take() else { return out };
        if let Some(i) = tree.nodes.iter().position(|n| n.sid == picker && n.tag() == Some("picker")) {
            let effects = if value.is_null() {
                vec![Effect::Fire { node: i, event: "cancel", detail: json!({}) }]
            } else {
                let mut cx = Ctl { tree: &tree, states: &mut self.states, rects: &self.rects };
                cx.set_control(i, "value", value.clone());
                vec![Effect::Fire { node: i, event: "change", detail: json!({ "value": value }) }, Effect::Redraw]
            };
            self.apply_effects(&tree, effects, &mut out);
        }
        self.tree = Some(tree);
        out
    }

    /// Control `i` acts on a tap at `(x, y)`.
    pub(crate) fn control_tap(&mut self, tree: &Tree, i: usize, x: f32, y: f32, out: &mut Vec<Outcome>) {
        let Some(c) = tree.nodes[i].tag().and_then(components::lookup) else { return };
        let mut cx = Ctl { tree, states: &mut self.states, rects: &self.rects };
        let effects = c.act(&mut cx, i, x, y);
        self.apply_effects(tree, effects, out);
    }

    /// The control that takes over a press on `target` that became a drag of `(dx, dy)`.
    pub(crate) fn drag_owner(&self, tree: &Tree, target: Option<usize>, dx: f32, dy: f32) -> Option<usize> {
        let mut cur = target;
        while let Some(i) = cur {
            if let Some(c) = tree.nodes[i].tag().and_then(components::lookup) {
                if c.takes_drag(&tree.nodes[i], dx, dy) {
                    return Some(i);
                }
                // A scroller under the finger keeps the drag.
                let (sx, sy) = c.scroll_axes(&tree.nodes[i]);
                if sx || sy {
                    return None;
                }
            }
            cur = tree.nodes[i].parent;
        }
        None
    }

    /// A drag that control `g` took over moved to `at` (or ended there).
    pub(crate) fn control_drag(&mut self, tree: &Tree, g: usize, start: (f32, f32), at: (f32, f32), end: bool, out: &mut Vec<Outcome>) {
        let Some(c) = tree.nodes[g].tag().and_then(components::lookup) else { return };
        let mut cx = Ctl { tree, states: &mut self.states, rects: &self.rects };
        let effects = c.on_drag(&mut cx, g, Drag { start, at, end });
        self.apply_effects(tree, effects, out);
    }

    /// Every control's frame work (a swiper's autoplay).
    pub(crate) fn tick_controls(&mut self, tree: &Tree, time_ms: u64, out: &mut Vec<Outcome>) {
        for (i, n) in tree.nodes.iter().enumerate() {
            let NodeKind::Element(tag) = &n.kind else { continue };
            if self.rects.get(i).copied().flatten().is_none() {
                continue;
            }
            let Some(c) = components::lookup(tag) else { continue };
            let mut cx = Ctl { tree, states: &mut self.states, rects: &self.rects };
            let effects = c.on_frame(&mut cx, i, time_ms);
            self.apply_effects(tree, effects, out);
        }
    }

    fn apply_effects(&mut self, tree: &Tree, effects: Vec<Effect>, out: &mut Vec<Outcome>) {
        for e in effects {
            match e {
                Effect::Fire { node, event, detail } => self.emit(tree, node, event, detail, 0, out),
                Effect::Focus(i) => self.focus(tree, i, out),
                Effect::OpenPicker(req) => out.push(Outcome::OpenPicker(req)),
                Effect::Redraw => {
                    if !out.contains(&Outcome::Redraw) {
                        out.push(Outcome::Redraw);
                    }
                }
            }
        }
    }
}
