//! [`Page::handle`]: input events in, component behaviour and app events out — presses become
//! touches, taps, long presses and drags; wheels and drags scroll the innermost scroller under
//! the pointer (or the page); text and keys edit the focused field.

use serde_json::{json, Value};

use crate::components::{self, TapAction};
use crate::display::Rect;
use crate::input::{AppEvent, Input, Key, Outcome, DEFAULT_SCROLL_THRESHOLD, LONG_PRESS_MS, TAP_SLOP_PX};
use crate::page::Page;
use crate::tree::{NodeKind, Tree};

/// A released drag faster than this (px per ms) keeps scrolling on its own (momentum).
pub const FLING_MIN_VELOCITY: f32 = 0.3;
/// Momentum keeps this share of its speed every 16 ms frame.
pub const FLING_DECAY_PER_FRAME: f32 = 0.95;
/// A drag held still this long (ms) before the release does not fling.
pub const FLING_MAX_PAUSE_MS: u64 = 100;

/// Momentum after a fast drag: the scroller under `at` keeps moving at `vel`, slowing down.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fling {
    at: (f32, f32),
    /// px per ms, in scroll direction (positive scrolls down / right).
    vel: (f32, f32),
    last_ms: u64,
}

/// A press in progress.
#[derive(Debug, Clone)]
pub(crate) struct Press {
    start: (f32, f32),
    last: (f32, f32),
    /// When the last move came, and the drag's smoothed velocity then (px per ms).
    last_ms: u64,
    vel: (f32, f32),
    down_ms: u64,
    /// The deepest node under the press.
    target: Option<usize>,
    /// It moved past the slop: a drag (no tap).
    dragging: bool,
    /// The long press fired (no tap at the end).
    long_fired: bool,
    /// How far the page has been pulled down past its top.
    pulled: f32,
    /// The control that took this drag over (a slider, a swiper): it gets the moves instead
    /// of the scrollers.
    pub(crate) grab: Option<usize>,
}

/// Whose scroll offset a delta moves.
#[derive(Clone, Copy)]
enum Scroller {
    Page,
    Node(usize),
}

/// A hover class waiting for its element's `hover-start-time`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PendingHover {
    /// The element's stable identity.
    pub sid: u64,
    /// When it goes on (input clock ms).
    pub at: u64,
    /// Its `hover-stay-time`, for a press released before `at`.
    pub stay: u64,
}

/// The element a press at `target` hovers: it, or its nearest ancestor, with a `hover-class`.
fn hover_owner(tree: &Tree, target: Option<usize>) -> Option<usize> {
    let mut cur = target;
    while let Some(i) = cur {
        if components::hover_class(&tree.nodes[i]).is_some() {
            return Some(i);
        }
        cur = tree.nodes[i].parent;
    }
    None
}

impl Page {
    /// The element pressed at `target` (or its nearest ancestor with a `hover-class`) wears
    /// that class until the press ends (`None`): the page is styled again when it changes.
    fn set_hover(&mut self, tree: &Tree, target: Option<usize>, out: &mut Vec<Outcome>) {
        let found = hover_owner(tree, target).map(|i| tree.nodes[i].sid);
        self.set_hover_sid(found, out);
    }

    /// A press at `target`: its hover element puts its class on after its `hover-start-time`
    /// (a later frame does), or at once when that is 0; a hover class still on elsewhere
    /// comes off now.
    fn press_hover(&mut self, tree: &Tree, target: Option<usize>, time_ms: u64, out: &mut Vec<Outcome>) {
        let Some(i) = hover_owner(tree, target) else {
            self.set_hover_sid(None, out);
            return;
        };
        let start = components::hover_start_ms(&tree.nodes[i]);
        if start == 0 {
            self.set_hover_sid(Some(tree.nodes[i].sid), out);
        } else {
            self.set_hover_sid(None, out);
            self.hover_pending = Some(PendingHover {
                sid: tree.nodes[i].sid,
                at: time_ms + start,
                stay: components::hover_stay_ms(&tree.nodes[i]),
            });
        }
    }

    fn set_hover_sid(&mut self, found: Option<u64>, out: &mut Vec<Outcome>) {
        self.hover_until = None;
        self.hover_pending = None;
        if found != self.hover {
            self.hover = found;
            self.mark_dirty();
            if !out.contains(&Outcome::Redraw) {
                out.push(Outcome::Redraw);
            }
        }
    }

    /// Delivers one input event to the page (after [`Page::render`]) and answers what the
    /// front end must do: app events to call, a navigation, a focus change, a redraw.
    /// Positions are page-area coordinates (not scrolled).
    pub fn handle(&mut self, input: Input) -> Vec<Outcome> {
        let mut out = Vec::new();
        let Some(tree) = self.tree.take() else {
            return out;
        };
        if self.rects.len() == tree.nodes.len() {
            self.handle_on(&tree, input, &mut out);
        }
        self.tree = Some(tree);
        out
    }

    fn handle_on(&mut self, tree: &Tree, input: Input, out: &mut Vec<Outcome>) {
        match input {
            Input::PointerDown { x, y, time_ms } => {
                // A finger on the screen stops momentum.
                self.fling = None;
                // With text selected, the "Copy" bubble copies it; any press clears it.
                if let Some(i) = self.selection.take().and_then(|sid| tree.nodes.iter().position(|n| n.sid == sid)) {
                    out.push(Outcome::Redraw);
                    if self.copy_bubble.is_some_and(|b| b.contains(x, y)) {
                        out.push(Outcome::Copy(crate::selection::text_of(tree, i)));
                        return;
                    }
                }
                let target = self.hit_node(tree, x, y);
                self.pointer = Some(Press {
                    start: (x, y),
                    last: (x, y),
                    last_ms: time_ms,
                    vel: (0.0, 0.0),
                    down_ms: time_ms,
                    target,
                    dragging: false,
                    long_fired: false,
                    pulled: 0.0,
                    grab: None,
                });
                if let Some(t) = target {
                    self.touch(tree, t, "touchstart", x, y, time_ms, out);
                }
                self.press_hover(tree, target, time_ms, out);
            }
            Input::PointerMove { x, y, time_ms } => {
                let Some(mut p) = self.pointer.take() else { return };
                let moved = ((x - p.start.0).powi(2) + (y - p.start.1).powi(2)).sqrt();
                if moved > TAP_SLOP_PX && !p.dragging {
                    p.dragging = true;
                    // A drag is not a press of the element under it.
                    self.set_hover(tree, None, out);
                    p.grab = self.drag_owner(tree, p.target, x - p.start.0, y - p.start.1);
                }
                if let (true, Some(g)) = (p.dragging, p.grab) {
                    self.control_drag(tree, g, p.start, (x, y), false, out);
                } else if p.dragging {
                    let (dx, dy) = (p.last.0 - x, p.last.1 - y);
                    let dt = time_ms.saturating_sub(p.last_ms);
                    if dt > 0 {
                        let v = (dx / dt as f32, dy / dt as f32);
                        p.vel = (0.7 * v.0 + 0.3 * p.vel.0, 0.7 * v.1 + 0.3 * p.vel.1);
                    }
                    let at = p.start;
                    let left = self.scroll_at(tree, at.0, at.1, dx, dy, out);
                    // What the page cannot take at its top is a pull-down.
                    if left.1 < 0.0 && self.scroll.y <= 0.0 {
                        p.pulled += -left.1;
                        out.push(Outcome::PullDown { distance: p.pulled, released: false });
                    }
                }
                p.last = (x, y);
                p.last_ms = time_ms;
                if let Some(t) = p.target {
                    self.touch(tree, t, "touchmove", x, y, time_ms, out);
                }
                self.pointer = Some(p);
            }
            Input::PointerUp { x, y, time_ms } => {
                let Some(p) = self.pointer.take() else { return };
                // The pressed element keeps its hover class for its `hover-stay-time` (a later
                // frame takes it off); none for a drag, which took it off already.
                // A class still waiting for its `hover-start-time` goes on at that time all the
                // same, and stays as long (as on the established platforms).
                if self.hover_pending.is_none() {
                    let stay = self.hover.and_then(|sid| tree.nodes.iter().find(|n| n.sid == sid)).map_or(0, components::hover_stay_ms);
                    if stay > 0 {
                        self.hover_until = Some(time_ms + stay);
                    } else {
                        self.set_hover(tree, None, out);
                    }
                }
                if let Some(t) = p.target {
                    self.touch(tree, t, "touchend", x, y, time_ms, out);
                }
                if p.pulled > 0.0 {
                    out.push(Outcome::PullDown { distance: p.pulled, released: true });
                }
                if let (true, Some(g)) = (p.dragging, p.grab) {
                    self.control_drag(tree, g, p.start, (x, y), true, out);
                }
                // A fast scroll drag let go while moving keeps going (momentum).
                let speed = (p.vel.0.powi(2) + p.vel.1.powi(2)).sqrt();
                if p.dragging && p.grab.is_none() && p.pulled == 0.0 && speed >= FLING_MIN_VELOCITY
                    && time_ms.saturating_sub(p.last_ms) <= FLING_MAX_PAUSE_MS
                {
                    self.fling = Some(Fling { at: p.start, vel: p.vel, last_ms: time_ms });
                }
                let long = p.long_fired || time_ms.saturating_sub(p.down_ms) >= LONG_PRESS_MS;
                if !p.dragging && !long {
                    self.tap(tree, p.target, x, y, time_ms, out);
                } else if !p.dragging && !p.long_fired {
                    // Released after the threshold without a frame in between: still a long press.
                    if let Some(t) = p.target {
                        self.fire_longpress(tree, t, x, y, time_ms, out);
                    }
                }
            }
            Input::PointerCancel => {
                self.set_hover(tree, None, out);
                if let Some(p) = self.pointer.take() {
                    if let (true, Some(g)) = (p.dragging, p.grab) {
                        self.control_drag(tree, g, p.start, p.last, true, out);
                    }
                    if let Some(t) = p.target {
                        let (x, y) = p.last;
                        self.touch(tree, t, "touchcancel", x, y, p.down_ms, out);
                    }
                }
            }
            Input::Wheel { x, y, dx, dy } => {
                self.scroll_at(tree, x, y, dx, dy, out);
            }
            Input::Frame { time_ms } => {
                if let Some(h) = self.hover_pending.filter(|h| time_ms >= h.at) {
                    self.set_hover_sid(Some(h.sid), out);
                    if self.pointer.is_none() {
                        // Released meanwhile: on from its start time, for its stay.
                        self.hover_until = Some(h.at + h.stay);
                    }
                }
                if self.hover_until.is_some_and(|t| time_ms >= t) && self.pointer.is_none() {
                    self.hover_until = None;
                    self.set_hover(tree, None, out);
                }
                if let Some(p) = self.pointer.clone() {
                    if !p.dragging && !p.long_fired && time_ms.saturating_sub(p.down_ms) >= LONG_PRESS_MS {
                        if let Some(t) = p.target {
                            self.fire_longpress(tree, t, p.last.0, p.last.1, time_ms, out);
                        }
                        if let Some(p) = self.pointer.as_mut() {
                            p.long_fired = true;
                        }
                    }
                }
                if let Some(mut f) = self.fling.take() {
                    let dt = time_ms.saturating_sub(f.last_ms).min(100) as f32;
                    let decay = FLING_DECAY_PER_FRAME.powf(dt / 16.0);
                    f.vel = (f.vel.0 * decay, f.vel.1 * decay);
                    let left = self.scroll_at(tree, f.at.0, f.at.1, f.vel.0 * dt, f.vel.1 * dt, out);
                    f.last_ms = time_ms;
                    let speed = (f.vel.0.powi(2) + f.vel.1.powi(2)).sqrt();
                    // It stops when slow, or at the scroller's end.
                    let blocked = left.0.abs() + left.1.abs() > 0.5;
                    if speed >= 0.02 && !blocked {
                        self.fling = Some(f);
                    }
                }
                self.flush_scroll_events(tree, out);
                self.tick_controls(tree, time_ms, out);
            }
            Input::Text(text) => self.edit(tree, out, |b| b.insert(&text)),
            Input::Key { key, shift, word } => self.key(tree, key, shift, word, out),
            Input::Blur => self.blur(tree, out),
        }
    }

    /// Whether momentum is still scrolling (the front end keeps sending frames).
    pub fn flinging(&self) -> bool {
        self.fling.is_some()
    }

    /// Whether a released element still wears its hover class for its `hover-stay-time` (the
    /// front end keeps sending frames until a frame takes it off).
    pub fn hover_lingering(&self) -> bool {
        self.hover_until.is_some() || self.hover_pending.is_some()
    }

    /// When (input clock ms) the lingering hover class comes off: the first frame at or after
    /// it takes it off.
    pub fn hover_ends_at(&self) -> Option<u64> {
        self.hover_pending.map(|h| h.at + h.stay).or(self.hover_until)
    }

    /// Scrolls the page by `dy` px (positive: down), clamped to its content; returns whether it
    /// moved. For front ends that scroll without a pointer position (keys, a script).
    pub fn scroll_by(&mut self, dy: f32) -> Vec<Outcome> {
        let mut out = Vec::new();
        let Some(tree) = self.tree.take() else { return out };
        self.scroll_page(dy, &mut out);
        self.tree = Some(tree);
        out
    }

    /// Scrolls the innermost scroller under `(x, y)` that can move along the delta; what it
    /// cannot take goes to its ancestors and finally the page. Returns what nobody took.
    fn scroll_at(&mut self, tree: &Tree, x: f32, y: f32, mut dx: f32, mut dy: f32, out: &mut Vec<Outcome>) -> (f32, f32) {
        let mut cur = self.hit_node(tree, x, y);
        let mut scrollers = Vec::new();
        while let Some(i) = cur {
            if let NodeKind::Element(tag) = &tree.nodes[i].kind {
                if let Some(c) = components::lookup(tag) {
                    let (sx, sy) = c.scroll_axes(&tree.nodes[i]);
                    if sx || sy {
                        scrollers.push((Scroller::Node(i), sx, sy));
                    }
                }
            }
            cur = tree.nodes[i].parent;
        }
        scrollers.push((Scroller::Page, false, true));
        for (s, sx, sy) in scrollers {
            match s {
                Scroller::Page => {
                    dy = self.scroll_page(dy, out);
                }
                Scroller::Node(i) => {
                    let sid = tree.nodes[i].sid;
                    let st = self.states.entry(sid).or_default();
                    let before = (st.scroll.x, st.scroll.y);
                    if sx {
                        let nx = (st.scroll.x + dx).clamp(0.0, st.scroll.max_x);
                        dx -= nx - st.scroll.x;
                        st.scroll.x = nx;
                    }
                    if sy {
                        let ny = (st.scroll.y + dy).clamp(0.0, st.scroll.max_y);
                        dy -= ny - st.scroll.y;
                        st.scroll.y = ny;
                    }
                    if (st.scroll.x, st.scroll.y) != before {
                        st.scroll.pending_event = true;
                        out.push(Outcome::Redraw);
                    }
                }
            }
            if dx.abs() < 0.01 && dy.abs() < 0.01 {
                break;
            }
        }
        (dx, dy)
    }

    /// Moves the page's own offset; returns the part of `dy` it could not take.
    fn scroll_page(&mut self, dy: f32, out: &mut Vec<Outcome>) -> f32 {
        let ny = (self.scroll.y + dy).clamp(0.0, self.scroll.max_y);
        let taken = ny - self.scroll.y;
        if taken.abs() > 0.0 {
            self.scroll.y = ny;
            out.push(Outcome::PageScroll { scroll_top: ny });
            out.push(Outcome::Redraw);
            let near = self.scroll.max_y - ny <= DEFAULT_SCROLL_THRESHOLD;
            if near && !self.near_bottom {
                out.push(Outcome::ReachBottom);
            }
            self.near_bottom = near;
        }
        dy - taken
    }

    /// The `scroll` (and `scrolltoupper` / `scrolltolower`) events owed since the last frame.
    fn flush_scroll_events(&mut self, tree: &Tree, out: &mut Vec<Outcome>) {
        for (i, n) in tree.nodes.iter().enumerate() {
            let Some(st) = self.states.get_mut(&n.sid) else { continue };
            if !st.scroll.pending_event {
                continue;
            }
            st.scroll.pending_event = false;
            let sc = st.scroll;
            let r = self.rects[i].unwrap_or_default();
            let upper = components::px_attr(n, "upper-threshold").unwrap_or(DEFAULT_SCROLL_THRESHOLD);
            let lower = components::px_attr(n, "lower-threshold").unwrap_or(DEFAULT_SCROLL_THRESHOLD);
            let at_upper = sc.y <= upper && sc.x <= upper;
            let at_lower = sc.max_y - sc.y <= lower && sc.max_x - sc.x <= lower;
            let entering_upper = at_upper && !sc.at_upper;
            let entering_lower = at_lower && !sc.at_lower;
            if let Some(st) = self.states.get_mut(&n.sid) {
                st.scroll.at_upper = at_upper;
                st.scroll.at_lower = at_lower;
            }
            let detail = json!({
                "scrollTop": sc.y, "scrollLeft": sc.x,
                "scrollHeight": sc.max_y + r.h, "scrollWidth": sc.max_x + r.w,
                "deltaX": 0, "deltaY": 0,
            });
            self.emit(tree, i, "scroll", detail, 0, out);
            if entering_upper {
                self.emit(tree, i, "scrolltoupper", json!({"direction": "top"}), 0, out);
            }
            if entering_lower {
                self.emit(tree, i, "scrolltolower", json!({"direction": "bottom"}), 0, out);
            }
        }
    }

    fn tap(&mut self, tree: &Tree, target: Option<usize>, x: f32, y: f32, time_ms: u64, out: &mut Vec<Outcome>) {
        let Some(target) = target else {
            self.blur(tree, out);
            return;
        };
        // The component nearest the target that acts on a tap decides.
        let mut action = TapAction::Bubble;
        let mut actor = None;
        let mut cur = Some(target);
        while let Some(i) = cur {
            if let NodeKind::Element(tag) = &tree.nodes[i].kind {
                if let Some(c) = components::lookup(tag) {
                    match c.on_tap(&tree.nodes[i]) {
                        TapAction::Bubble => {}
                        a => {
                            action = a;
                            actor = Some(i);
                            break;
                        }
                    }
                }
            }
            cur = tree.nodes[i].parent;
        }
        if matches!(action, TapAction::Block) {
            return;
        }
        if !matches!(action, TapAction::Focus) {
            self.blur(tree, out);
        }
        self.emit(tree, target, "tap", json!({"x": x, "y": y}), time_ms, out);
        match action {
            TapAction::Navigate { url, open_type, delta } => out.push(Outcome::Navigate { url, open_type, delta }),
            TapAction::Focus => {
                if let Some(i) = actor {
                    self.focus(tree, i, out);
                }
            }
            TapAction::Control => {
                if let Some(i) = actor {
                    self.control_tap(tree, i, x, y, out);
                }
            }
            TapAction::Bubble | TapAction::Block => {}
        }
    }

    fn fire_longpress(&mut self, tree: &Tree, t: usize, x: f32, y: f32, time_ms: u64, out: &mut Vec<Outcome>) {
        self.emit(tree, t, "longpress", json!({"x": x, "y": y}), time_ms, out);
        self.emit(tree, t, "longtap", json!({"x": x, "y": y}), time_ms, out);
        // A long press on `user-select` text selects it.
        if let Some(i) = crate::selection::selectable_owner(tree, Some(t)) {
            self.selection = Some(tree.nodes[i].sid);
            out.push(Outcome::Redraw);
        }
    }

    /// Gives field `i` the focus (fires `blur` on the previous one and `focus` on it).
    pub(crate) fn focus(&mut self, tree: &Tree, i: usize, out: &mut Vec<Outcome>) {
        let sid = tree.nodes[i].sid;
        if self.focused == Some(sid) {
            return;
        }
        self.blur(tree, out);
        let st = self.states.entry(sid).or_default();
        if st.edit.is_none() {
            st.edit = Some(components::text_input_buffer(&tree.nodes[i]));
            st.seen_value = tree.nodes[i].attr("value").map(str::to_string);
        }
        let value = st.edit.as_ref().map(|b| b.value()).unwrap_or_default();
        self.focused = Some(sid);
        let r = self.rects[i].unwrap_or_default();
        self.emit(tree, i, "focus", json!({"value": value, "height": 0}), 0, out);
        out.push(Outcome::Focus(Some(r)));
        out.push(Outcome::Redraw);
    }

    fn blur(&mut self, tree: &Tree, out: &mut Vec<Outcome>) {
        let Some(sid) = self.focused.take() else { return };
        if let Some(i) = tree.nodes.iter().position(|n| n.sid == sid) {
            let value = self.states.get(&sid).and_then(|s| s.edit.as_ref()).map(|b| b.value()).unwrap_or_default();
            self.emit(tree, i, "blur", json!({"value": value}), 0, out);
        }
        out.push(Outcome::Focus(None));
        out.push(Outcome::Redraw);
    }

    fn focused_index(&self, tree: &Tree) -> Option<usize> {
        let sid = self.focused?;
        tree.nodes.iter().position(|n| n.sid == sid)
    }

    /// Applies an edit to the focused field; fires `input` when the value changed.
    fn edit(&mut self, tree: &Tree, out: &mut Vec<Outcome>, f: impl FnOnce(&mut crate::edit::EditBuffer) -> bool) {
        let Some(i) = self.focused_index(tree) else { return };
        let sid = tree.nodes[i].sid;
        let Some(b) = self.states.get_mut(&sid).and_then(|s| s.edit.as_mut()) else { return };
        let before = b.value();
        let changed = f(b) && b.value() != before;
        let (value, cursor) = (b.value(), b.caret());
        out.push(Outcome::Redraw);
        if changed {
            self.emit(tree, i, "input", json!({"value": value, "cursor": cursor, "keyCode": 0}), 0, out);
        }
    }

    fn key(&mut self, tree: &Tree, key: Key, shift: bool, word: bool, out: &mut Vec<Outcome>) {
        if key == Key::Copy {
            let field = self.focused_index(tree).and_then(|i| self.states.get(&tree.nodes[i].sid)).and_then(|s| s.edit.as_ref());
            let text = match field {
                Some(b) => Some(b.selected_text()).filter(|t| !t.is_empty()),
                None => self.selection.and_then(|sid| tree.nodes.iter().position(|n| n.sid == sid)).map(|i| crate::selection::text_of(tree, i)),
            };
            out.extend(text.map(Outcome::Copy));
            return;
        }
        let Some(i) = self.focused_index(tree) else { return };
        let multiline = tree.nodes[i].tag() == Some("textarea");
        match key {
            Key::Backspace => self.edit(tree, out, |b| b.backspace(word)),
            Key::Delete => self.edit(tree, out, |b| b.delete(word)),
            Key::Left => self.edit(tree, out, |b| {
                b.left(word, shift);
                false
            }),
            Key::Right => self.edit(tree, out, |b| {
                b.right(word, shift);
                false
            }),
            Key::Home | Key::Up => self.edit(tree, out, |b| {
                if multiline && key == Key::Home {
                    b.home(shift)
                } else {
                    b.set_caret(0, shift)
                };
                false
            }),
            Key::End | Key::Down => self.edit(tree, out, |b| {
                if multiline && key == Key::End {
                    b.end(shift)
                } else {
                    let n = b.len();
                    b.set_caret(n, shift)
                };
                false
            }),
            Key::SelectAll => self.edit(tree, out, |b| {
                b.select_all();
                false
            }),
            Key::Enter if multiline => self.edit(tree, out, |b| b.insert("\n")),
            Key::Copy => {} // answered above
            Key::Enter => {
                let value = self.states.get(&tree.nodes[i].sid).and_then(|s| s.edit.as_ref()).map(|b| b.value()).unwrap_or_default();
                self.emit(tree, i, "confirm", json!({"value": value}), 0, out);
                self.blur(tree, out);
            }
        }
    }

    /// Fires touch event `kind` from `target` up, with `touches`/`changedTouches`.
    #[allow(clippy::too_many_arguments)]
    fn touch(&mut self, tree: &Tree, target: usize, kind: &str, x: f32, y: f32, time_ms: u64, out: &mut Vec<Outcome>) {
        let page_y = y + self.scroll.y;
        let t = json!({"identifier": 0, "pageX": x, "pageY": page_y, "clientX": x, "clientY": y});
        let touches = if kind == "touchend" || kind == "touchcancel" { json!([]) } else { json!([t.clone()]) };
        let before = out.len();
        self.emit(tree, target, kind, json!({"x": x, "y": y}), time_ms, out);
        for o in &mut out[before..] {
            if let Outcome::Event(e) = o {
                e.event["touches"] = touches.clone();
                e.event["changedTouches"] = json!([t.clone()]);
            }
        }
    }

    /// Bubbles event `kind` from `target` (a text node counts as its element).
    pub(crate) fn emit(&self, tree: &Tree, target: usize, kind: &str, detail: Value, time_ms: u64, out: &mut Vec<Outcome>) {
        for mut e in self.bubble_events(tree, target, kind, detail) {
            e.event["timeStamp"] = json!(time_ms);
            out.push(Outcome::Event(AppEvent { handler: e.handler, event: e.event, instance: e.instance }));
        }
    }

    /// The deepest displayed node under `(x, y)` that is inside the viewport.
    fn hit_node(&self, tree: &Tree, x: f32, y: f32) -> Option<usize> {
        let vp = Rect::new(0.0, 0.0, self.viewport().width, self.viewport().height);
        if !vp.contains(x, y) {
            return None;
        }
        self.hit_index(tree, x, y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::OpenType;

    use crate::testutil::{events, handlers, page};

    fn click(p: &mut Page, x: f32, y: f32, t: u64) -> Vec<Outcome> {
        let mut out = p.handle(Input::PointerDown { x, y, time_ms: t });
        out.extend(p.handle(Input::PointerUp { x, y, time_ms: t + 50 }));
        out
    }

    fn center(p: &Page, sel: &str) -> (f32, f32) {
        p.find(sel).unwrap().unwrap_or_else(|| panic!("{sel} rendered")).center()
    }

    #[test]
    fn a_short_press_is_touchstart_touchend_then_tap_in_bubbling_order() {
        let (mut p, _) = page(
            r#"<view bind:tap="onOuter"><button id="b" bind:tap="onB" bind:touchstart="onStart" bind:touchend="onEnd">B</button></view>"#,
            "",
        );
        let (x, y) = center(&p, "#b");
        let out = click(&mut p, x, y, 1000);
        assert_eq!(handlers(&out), vec!["onStart", "onEnd", "onB", "onOuter"]);
        let ev = events(&out);
        assert_eq!(ev[0].1["touches"][0]["clientX"], json!(x));
        assert_eq!(ev[1].1["touches"], json!([]), "no finger is down after touchend");
        assert_eq!(ev[2].1["timeStamp"], json!(1050));
    }

    #[test]
    fn a_disabled_button_swallows_the_tap() {
        let (mut p, _) = page(
            r#"<view bind:tap="onOuter"><button id="b" disabled="{{true}}" bind:tap="onB">B</button><button id="c" disabled="{{false}}" bind:tap="onC">C</button></view>"#,
            "",
        );
        let (x, y) = center(&p, "#b");
        assert!(handlers(&click(&mut p, x, y, 0)).is_empty());
        let (x, y) = center(&p, "#c");
        assert_eq!(handlers(&click(&mut p, x, y, 0)), vec!["onC", "onOuter"]);
    }

    #[test]
    fn holding_past_the_threshold_is_a_longpress_and_not_a_tap() {
        let (mut p, _) = page(r#"<view id="v" bind:tap="onTap" bind:longpress="onLong">hold me</view>"#, "");
        let (x, y) = center(&p, "#v");
        let mut out = p.handle(Input::PointerDown { x, y, time_ms: 0 });
        out.extend(p.handle(Input::Frame { time_ms: LONG_PRESS_MS - 1 }));
        assert!(handlers(&out).is_empty());
        out.extend(p.handle(Input::Frame { time_ms: LONG_PRESS_MS }));
        out.extend(p.handle(Input::Frame { time_ms: LONG_PRESS_MS + 16 }));
        out.extend(p.handle(Input::PointerUp { x, y, time_ms: 500 }));
        assert_eq!(handlers(&out), vec!["onLong"], "once, and no tap after it");
    }

    #[test]
    fn a_navigator_tap_asks_to_navigate_with_its_open_type() {
        let (mut p, _) = page(
            r#"<navigator id="n" url="/pages/d/d?id=3">Open</navigator><navigator id="b" open-type="navigateBack" delta="2">Back</navigator>"#,
            "",
        );
        let (x, y) = center(&p, "#n");
        let out = click(&mut p, x, y, 0);
        assert!(out.contains(&Outcome::Navigate { url: "/pages/d/d?id=3".into(), open_type: OpenType::Navigate, delta: 1 }));
        let (x, y) = center(&p, "#b");
        let out = click(&mut p, x, y, 0);
        assert!(out.contains(&Outcome::Navigate { url: String::new(), open_type: OpenType::NavigateBack, delta: 2 }));
    }

    #[test]
    fn the_wheel_scrolls_a_tall_page_and_reports_reach_bottom_once() {
        let (mut p, mut f) = page(r#"<view m:for="{{40}}" class="row">row {{item}}</view>"#, ".row { height: 50px; }");
        p.set_data(&json!({})).unwrap();
        p.render(&mut f).unwrap();
        assert_eq!(p.content_height(), 2000.0);
        let out = p.handle(Input::Wheel { x: 10.0, y: 10.0, dx: 0.0, dy: 120.0 });
        assert!(out.contains(&Outcome::PageScroll { scroll_top: 120.0 }));
        p.render(&mut f).unwrap();
        assert!(p.visible_text().starts_with("row 2\nrow 3"), "{}", p.visible_text());
        assert_eq!(p.find("text=row 2").unwrap().unwrap().y, -20.0, "rects are where they show");
        let out = p.handle(Input::Wheel { x: 10.0, y: 10.0, dx: 0.0, dy: 5000.0 });
        assert!(out.contains(&Outcome::ReachBottom));
        assert_eq!(p.scroll_top(), 1400.0, "clamped to the content");
        let out = p.handle(Input::Wheel { x: 10.0, y: 10.0, dx: 0.0, dy: 10.0 });
        assert!(!out.contains(&Outcome::ReachBottom), "not again while at the bottom");
        p.render(&mut f).unwrap();
        assert!(p.visible_text().ends_with("row 39"));
        let (_, y) = center(&p, "text=row 39");
        assert!(y > 500.0 && y < 600.0);
    }

    #[test]
    fn nothing_outside_the_viewport_is_painted() {
        let (mut p, mut f) = page(r#"<view m:for="{{1000}}" class="row">row {{item}}</view>"#, ".row { height: 50px; }");
        p.set_data(&json!({})).unwrap();
        let list = p.render(&mut f).unwrap();
        let texts = list.texts();
        assert_eq!(texts.len(), 12, "rows 0..=11 touch the 600px viewport: {texts:?}");
        assert!(p.text_content().contains("row 999"), "the whole page is still there");
    }

    #[test]
    fn a_scroll_view_takes_the_wheel_and_fires_scroll_once_a_frame() {
        let (mut p, mut f) = page(
            r#"<scroll-view id="s" scroll-y bind:scroll="onScroll" bind:scrolltolower="onLower" lower-threshold="20"><view m:for="{{20}}" class="row">item {{item}}</view></scroll-view>"#,
            "#s { height: 200px; } .row { height: 40px; }",
        );
        p.set_data(&json!({})).unwrap();
        p.render(&mut f).unwrap();
        let (x, y) = center(&p, "#s");
        let mut out = p.handle(Input::Wheel { x, y, dx: 0.0, dy: 100.0 });
        out.extend(p.handle(Input::Wheel { x, y, dx: 0.0, dy: 100.0 }));
        assert!(handlers(&out).is_empty(), "scroll events wait for the frame");
        assert_eq!(p.scroll_top(), 0.0, "the page did not move");
        let out = p.handle(Input::Frame { time_ms: 16 });
        let ev = events(&out);
        assert_eq!(ev.len(), 1, "one scroll event for two wheel steps");
        assert_eq!(ev[0].1["detail"]["scrollTop"], json!(200.0));
        assert_eq!(ev[0].1["detail"]["scrollHeight"], json!(800.0));
        p.render(&mut f).unwrap();
        assert!(p.visible_text().starts_with("item 5"), "{}", p.visible_text());
        p.handle(Input::Wheel { x, y, dx: 0.0, dy: 1000.0 });
        let out = p.handle(Input::Frame { time_ms: 32 });
        assert_eq!(handlers(&out), vec!["onScroll", "onLower"]);
        // At its end the scroll-view hands the rest of the wheel to the page (nothing to take
        // here: the page is not taller than the screen).
        let out = p.handle(Input::Wheel { x, y, dx: 0.0, dy: 50.0 });
        assert!(out.is_empty());
    }

    #[test]
    fn dragging_scrolls_and_is_not_a_tap() {
        let (mut p, mut f) = page(r#"<view m:for="{{40}}" class="row" bind:tap="onRow">row {{item}}</view>"#, ".row { height: 50px; }");
        p.set_data(&json!({})).unwrap();
        p.render(&mut f).unwrap();
        let mut out = p.handle(Input::PointerDown { x: 100.0, y: 400.0, time_ms: 0 });
        out.extend(p.handle(Input::PointerMove { x: 100.0, y: 300.0, time_ms: 50 }));
        out.extend(p.handle(Input::PointerUp { x: 100.0, y: 300.0, time_ms: 80 }));
        assert!(!handlers(&out).contains(&"onRow".to_string()));
        assert_eq!(p.scroll_top(), 100.0);
        // Pulling down at the top is a pull-down, not a scroll.
        p.scroll_by(-1000.0);
        let mut out = p.handle(Input::PointerDown { x: 100.0, y: 100.0, time_ms: 0 });
        out.extend(p.handle(Input::PointerMove { x: 100.0, y: 180.0, time_ms: 50 }));
        out.extend(p.handle(Input::PointerUp { x: 100.0, y: 180.0, time_ms: 80 }));
        assert!(out.contains(&Outcome::PullDown { distance: 80.0, released: true }), "{out:?}");
    }

    #[test]
    fn a_fast_drag_keeps_scrolling_with_momentum_and_a_press_stops_it() {
        let (mut p, mut f) = page(r#"<view m:for="{{200}}" class="row">row {{item}}</view>"#, ".row { height: 50px; }");
        p.set_data(&json!({})).unwrap();
        p.render(&mut f).unwrap();
        // 200 px in 40 ms, released while moving: 5 px/ms.
        p.handle(Input::PointerDown { x: 100.0, y: 500.0, time_ms: 0 });
        for (i, y) in [450.0, 400.0, 350.0, 300.0].into_iter().enumerate() {
            p.handle(Input::PointerMove { x: 100.0, y, time_ms: 10 * (i as u64 + 1) });
        }
        p.handle(Input::PointerUp { x: 100.0, y: 300.0, time_ms: 45 });
        assert_eq!(p.scroll_top(), 200.0);
        assert!(p.flinging());
        let mut t = 45;
        let mut tops = Vec::new();
        while p.flinging() && t < 10_000 {
            t += 16;
            p.handle(Input::Frame { time_ms: t });
            tops.push(p.scroll_top());
        }
        assert!(tops.windows(2).all(|w| w[1] >= w[0]), "momentum only moves on: {tops:?}");
        let glide = p.scroll_top() - 200.0;
        assert!(glide > 300.0, "momentum carried the page on ({glide} px)");
        let steps: Vec<f32> = tops.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(steps.first() > steps.last(), "and slowed down: {steps:?}");
        assert!(t < 10_000, "and stopped");
        // A new fling is stopped by the next press.
        p.handle(Input::PointerDown { x: 100.0, y: 500.0, time_ms: t });
        p.handle(Input::PointerMove { x: 100.0, y: 300.0, time_ms: t + 20 });
        p.handle(Input::PointerUp { x: 100.0, y: 300.0, time_ms: t + 25 });
        assert!(p.flinging());
        p.handle(Input::PointerDown { x: 100.0, y: 300.0, time_ms: t + 40 });
        assert!(!p.flinging());
        // A drag held still before the release does not fling.
        p.handle(Input::PointerUp { x: 100.0, y: 300.0, time_ms: t + 45 });
        p.handle(Input::PointerDown { x: 100.0, y: 500.0, time_ms: t + 100 });
        p.handle(Input::PointerMove { x: 100.0, y: 300.0, time_ms: t + 120 });
        p.handle(Input::PointerUp { x: 100.0, y: 300.0, time_ms: t + 400 });
        assert!(!p.flinging());
    }

    #[test]
    fn typing_into_a_focused_input_fires_input_with_value_and_cursor() {
        let (mut p, mut f) = page(
            r#"<input id="name" value="{{name}}" bind:input="onInput" bind:focus="onFocus" bind:blur="onBlur" bind:confirm="onConfirm" maxlength="5"/><view id="out">x</view>"#,
            "",
        );
        p.set_data(&json!({"name": "Al"})).unwrap();
        p.render(&mut f).unwrap();
        let (x, y) = center(&p, "#name");
        let out = click(&mut p, x, y, 0);
        assert_eq!(handlers(&out), vec!["onFocus"]);
        assert!(out.iter().any(|o| matches!(o, Outcome::Focus(Some(_)))));
        assert!(p.focused());
        let out = p.handle(Input::Text("ice".into()));
        let ev = events(&out);
        assert_eq!(ev[0].0, "onInput");
        assert_eq!(ev[0].1["detail"], json!({"value": "Alice", "cursor": 5, "keyCode": 0}));
        assert!(handlers(&p.handle(Input::Text("!".into()))).is_empty(), "maxlength 5 is full");
        p.handle(Input::Key { key: Key::Left, shift: false, word: false });
        let out = p.handle(Input::Key { key: Key::Backspace, shift: false, word: false });
        assert_eq!(events(&out)[0].1["detail"]["value"], json!("Alie"));
        let list = p.render(&mut f).unwrap();
        assert!(list.texts().contains(&"Alie"), "the field shows what was typed");
        assert_eq!(p.text_content(), "Alie\nx");
        let out = p.handle(Input::Key { key: Key::Enter, shift: false, word: false });
        assert_eq!(handlers(&out), vec!["onConfirm", "onBlur"]);
        assert!(!p.focused());
        // The app setting a new value replaces what was typed.
        p.set_data(&json!({"name": "Bob"})).unwrap();
        p.render(&mut f).unwrap();
        assert_eq!(p.text_content(), "Bob\nx");
    }

    #[test]
    fn tapping_elsewhere_blurs_and_a_disabled_input_cannot_be_focused() {
        let (mut p, _) = page(r#"<input id="a" bind:blur="onBlur"/><input id="d" disabled bind:focus="onFocus"/><view id="v">elsewhere</view>"#, "input { height: 30px; }");
        let (x, y) = center(&p, "#a");
        click(&mut p, x, y, 0);
        assert!(p.focused());
        let (x, y) = center(&p, "#v");
        let out = click(&mut p, x, y, 0);
        assert_eq!(handlers(&out), vec!["onBlur"]);
        assert!(out.contains(&Outcome::Focus(None)));
        let (x, y) = center(&p, "#d");
        assert!(handlers(&click(&mut p, x, y, 0)).is_empty());
        assert!(!p.focused());
    }

    #[test]
    fn a_focused_field_draws_its_caret_unless_blinked_off() {
        let (mut p, mut f) = page(r#"<input id="a" value="hi"/>"#, "input { height: 30px; }");
        let (x, y) = center(&p, "#a");
        click(&mut p, x, y, 0);
        let caret = |list: &crate::display::DisplayList| {
            list.items.iter().any(|i| matches!(i, crate::display::DisplayItem::Rect { rect, .. } if rect.w == 1.5))
        };
        assert!(caret(&p.render(&mut f).unwrap()));
        p.set_caret_visible(false);
        assert!(!caret(&p.render(&mut f).unwrap()));
    }

    #[test]
    fn a_textarea_takes_newlines_and_a_password_shows_dots() {
        let (mut p, mut f) = page(r#"<textarea id="t" bind:input="onInput"/><input id="pw" password value="abc"/>"#, "textarea { height: 80px; } input { height: 30px; }");
        let (x, y) = center(&p, "#t");
        click(&mut p, x, y, 0);
        p.handle(Input::Text("one".into()));
        p.handle(Input::Key { key: Key::Enter, shift: false, word: false });
        let out = p.handle(Input::Text("two".into()));
        assert_eq!(events(&out)[0].1["detail"]["value"], json!("one\ntwo"));
        let list = p.render(&mut f).unwrap();
        let texts = list.texts();
        assert!(texts.contains(&"one") && texts.contains(&"two"), "{texts:?}");
        assert!(texts.contains(&"•••"), "{texts:?}");
        assert!(!texts.contains(&"abc"));
    }
}
