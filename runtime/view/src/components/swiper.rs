//! `swiper` and `swiper-item`: the items side by side, the `current` one showing (the swiper
//! clips the rest). A sideways drag moves the pages with the finger; released past a third of
//! the width it turns to the next or previous page (`circular` wraps around). `autoplay` turns
//! a page every `interval` ms of [`crate::Input::Frame`] time. Each turn fires `change` with
//! `detail` `{current, source, currentItemId}` (`source` "touch" or "autoplay");
//! `indicator-dots` draws a dot per page.

use serde_json::{json, Value};

use super::{attr, color_attr, flag, num_attr, sync_control, AttrKind, Component, Ctl, Drag, Effect, Spec, State};
use crate::color::Color;
use crate::display::{DisplayItem, Rect};
use crate::tree::Node;

/// `swiper`.
pub(crate) struct Swiper;
/// `swiper-item`.
pub(crate) struct SwiperItem;

static SWIPER: Spec = Spec {
    tag: "swiper",
    attrs: &[
        attr("indicator-dots", AttrKind::Bool, "false"),
        attr("indicator-color", AttrKind::Color, "rgba(0,0,0,.3)"),
        attr("indicator-active-color", AttrKind::Color, "#000000"),
        attr("autoplay", AttrKind::Bool, "false"),
        attr("current", AttrKind::Number, "0"),
        attr("interval", AttrKind::Number, "5000"),
        attr("duration", AttrKind::Number, "500"),
        attr("circular", AttrKind::Bool, "false"),
    ],
    events: &["change"],
    summary: "pages of swiper-items turned by a sideways drag or autoplay",
};
static ITEM: Spec = Spec {
    tag: "swiper-item",
    attrs: &[attr("item-id", AttrKind::String, "")],
    events: &[],
    summary: "one page of a swiper (as wide and tall as the swiper)",
};

/// How many pages: the swiper's element children.
fn pages(node: &Node) -> usize {
    node.children.len()
}

/// The current page: as turned, else `current`, within the pages.
pub(crate) fn current_of(node: &Node, state: Option<&State>) -> usize {
    let v = state
        .and_then(|s| s.control.as_ref())
        .and_then(Value::as_u64)
        .or_else(|| num_attr(node, "current").map(|c| c.max(0.0) as u64))
        .unwrap_or(0) as usize;
    v.min(pages(node).saturating_sub(1))
}

/// Turns swiper `i` to page `to` and fires `change`.
fn turn(cx: &mut Ctl<'_>, i: usize, to: usize, source: &str) -> Vec<Effect> {
    cx.set_control(i, "current", json!(to));
    let node = &cx.tree.nodes[i];
    let item_id = node.children.get(to).and_then(|&c| cx.tree.nodes[c].attr("item-id")).unwrap_or("");
    let detail = json!({ "current": to, "source": source, "currentItemId": item_id });
    vec![Effect::Fire { node: i, event: "change", detail }, Effect::Redraw]
}

impl Component for Swiper {
    fn spec(&self) -> &'static Spec {
        &SWIPER
    }

    fn takes_drag(&self, _node: &Node, dx: f32, dy: f32) -> bool {
        dx.abs() >= dy.abs()
    }

    fn on_drag(&self, cx: &mut Ctl<'_>, i: usize, drag: Drag) -> Vec<Effect> {
        let w = cx.rect(i).w.max(1.0);
        let dx = (drag.at.0 - drag.start.0).clamp(-w, w);
        if !drag.end {
            let st = cx.state(i);
            st.drag_dx = dx;
            return vec![Effect::Redraw];
        }
        let st = cx.state(i);
        st.drag_dx = 0.0;
        st.tick_ms = None;
        let node = &cx.tree.nodes[i];
        let (n, cur) = (pages(node), current_of(node, cx.state_ref(i)));
        let circular = flag(node, "circular");
        let to = if dx.abs() <= w / 3.0 || n < 2 {
            cur
        } else if dx < 0.0 {
            if cur + 1 < n { cur + 1 } else if circular { 0 } else { cur }
        } else if cur > 0 {
            cur - 1
        } else if circular {
            n - 1
        } else {
            cur
        };
        if to == cur {
            vec![Effect::Redraw]
        } else {
            turn(cx, i, to, "touch")
        }
    }

    fn on_frame(&self, cx: &mut Ctl<'_>, i: usize, time_ms: u64) -> Vec<Effect> {
        let node = &cx.tree.nodes[i];
        let n = pages(node);
        if !flag(node, "autoplay") || n < 2 {
            return Vec::new();
        }
        let interval = num_attr(node, "interval").filter(|v| *v > 0.0).unwrap_or(5000.0) as u64;
        let cur = current_of(node, cx.state_ref(i));
        let st = cx.state(i);
        if st.drag_dx != 0.0 {
            return Vec::new();
        }
        match st.tick_ms {
            None => {
                st.tick_ms = Some(time_ms);
                Vec::new()
            }
            Some(t) if time_ms.saturating_sub(t) >= interval => {
                st.tick_ms = Some(time_ms);
                turn(cx, i, (cur + 1) % n, "autoplay")
            }
            Some(_) => Vec::new(),
        }
    }

    fn sync(&self, node: &Node, state: &mut State) {
        sync_control(node, state, "current");
    }

    fn child_offset(&self, node: &Node, state: Option<&State>, content: Rect) -> (f32, f32) {
        let drag = state.map_or(0.0, |s| s.drag_dx);
        (current_of(node, state) as f32 * content.w - drag, 0.0)
    }

    fn paint_over(&self, p: &mut crate::page::Painter<'_>, node: &Node, content: Rect, op: f32) {
        if !flag(node, "indicator-dots") {
            return;
        }
        let n = pages(node);
        let cur = current_of(node, p.state_of(node.sid).as_ref());
        let (d, gap) = (8.0, 6.0);
        let total = n as f32 * d + n.saturating_sub(1) as f32 * gap;
        let x0 = content.x + (content.w - total) / 2.0;
        let y = content.y + content.h - d - 10.0;
        let off = color_attr(node, "indicator-color").unwrap_or(Color { r: 0, g: 0, b: 0, a: 77 });
        let on = color_attr(node, "indicator-active-color").unwrap_or(Color::BLACK);
        for k in 0..n {
            p.push(DisplayItem::Rect {
                rect: Rect::new(x0 + k as f32 * (d + gap), y, d, d),
                color: if k == cur { on } else { off }.with_opacity(op),
                radius: d / 2.0,
                border_width: 0.0,
                border_color: Color::TRANSPARENT,
            });
        }
    }
}

impl Component for SwiperItem {
    fn spec(&self) -> &'static Spec {
        &ITEM
    }
}
