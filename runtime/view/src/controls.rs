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
                let mut cx = self.ctl(&tree);
                cx.set_control(i, "value", value.clone());
                vec![Effect::Fire { node: i, event: "change", detail: json!({ "value": value }) }, Effect::Redraw]
            };
            self.apply_effects(&tree, effects, &mut out);
        }
        self.tree = Some(tree);
        out
    }

    /// What a control's action works on: `tree`, every element's state, their boxes and the
    /// images the page knows.
    fn ctl<'a>(&'a mut self, tree: &'a Tree) -> Ctl<'a> {
        Ctl { tree, states: &mut self.states, rects: &self.rects, images: &self.images }
    }

    /// Control `i` acts on a tap at `(x, y)`.
    pub(crate) fn control_tap(&mut self, tree: &Tree, i: usize, x: f32, y: f32, out: &mut Vec<Outcome>) {
        let Some(c) = tree.nodes[i].tag().and_then(components::lookup) else { return };
        let mut cx = self.ctl(tree);
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
        let mut cx = self.ctl(tree);
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
            let mut cx = self.ctl(tree);
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

#[cfg(test)]
mod tests {
    use cosmic_text::FontSystem;
    use serde_json::{json, Value};

    use crate::display::DisplayItem;
    use crate::input::{Input, Outcome, PickerRequest};
    use crate::page::Page;

    use crate::testutil::{events, handlers, page};

    /// The `detail` of the first event to `handler`.
    fn detail(out: &[Outcome], handler: &str) -> Value {
        events(out).into_iter().find(|(h, _)| h == handler).map(|(_, e)| e["detail"].clone()).unwrap_or_else(|| panic!("{handler} fired: {out:?}"))
    }

    fn click(p: &mut Page, x: f32, y: f32) -> Vec<Outcome> {
        let mut out = p.handle(Input::PointerDown { x, y, time_ms: 0 });
        out.extend(p.handle(Input::PointerUp { x, y, time_ms: 50 }));
        out
    }

    fn tap(p: &mut Page, f: &mut FontSystem, sel: &str) -> Vec<Outcome> {
        let (x, y) = p.find(sel).unwrap().unwrap_or_else(|| panic!("{sel} rendered")).center();
        let out = click(p, x, y);
        p.render(f).unwrap();
        out
    }

    fn drag(p: &mut Page, from: (f32, f32), to: (f32, f32)) -> Vec<Outcome> {
        let mut out = p.handle(Input::PointerDown { x: from.0, y: from.1, time_ms: 0 });
        for k in 1..=4 {
            let t = k as f32 / 4.0;
            let (x, y) = (from.0 + (to.0 - from.0) * t, from.1 + (to.1 - from.1) * t);
            out.extend(p.handle(Input::PointerMove { x, y, time_ms: 10 * k }));
        }
        out.extend(p.handle(Input::PointerUp { x: to.0, y: to.1, time_ms: 60 }));
        out
    }

    fn open_picker(out: &[Outcome]) -> PickerRequest {
        out.iter()
            .find_map(|o| match o {
                Outcome::OpenPicker(r) => Some(r.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("a picker opened: {out:?}"))
    }

    #[test]
    fn a_switch_toggles_on_tap_fires_change_and_yields_to_the_app_setting_checked() {
        let (mut p, mut f) = page(
            r#"<switch id="s" checked="{{on}}" bind:change="onChange" bind:tap="onTap"/><switch id="d" disabled bind:change="onD"/>"#,
            "",
        );
        p.set_data(&json!({"on": false})).unwrap();
        p.render(&mut f).unwrap();
        let out = tap(&mut p, &mut f, "#s");
        assert_eq!(handlers(&out), vec!["onTap", "onChange"], "tap bubbles first, then change");
        assert_eq!(detail(&out, "onChange"), json!({"value": true}));
        assert_eq!(detail(&tap(&mut p, &mut f, "#s"), "onChange"), json!({"value": false}));
        // The user left it off; the app turning it on wins.
        p.set_data(&json!({"on": true})).unwrap();
        p.render(&mut f).unwrap();
        assert_eq!(detail(&tap(&mut p, &mut f, "#s"), "onChange"), json!({"value": false}), "it was on");
        assert!(handlers(&tap(&mut p, &mut f, "#d")).is_empty(), "a disabled switch swallows the tap");
    }

    #[test]
    fn a_switch_paints_a_pill_whose_knob_moves_right_when_checked() {
        let (mut p, mut f) = page(r#"<switch id="s"/>"#, "");
        let knob_x = |list: &crate::display::DisplayList| {
            list.items.iter().filter_map(|i| match i {
                DisplayItem::Rect { rect, .. } => Some(*rect),
                _ => None,
            }).nth(1).expect("pill and knob").x
        };
        let off = knob_x(&p.render(&mut f).unwrap());
        tap(&mut p, &mut f, "#s");
        let on = knob_x(&p.render(&mut f).unwrap());
        assert!(on > off + 15.0, "knob at {off} then {on}");
        let pill = p.find("#s").unwrap().unwrap();
        assert_eq!((pill.w, pill.h), (52.0, 32.0));
    }

    #[test]
    fn a_checkbox_group_reports_the_checked_values_in_document_order() {
        let (mut p, mut f) = page(
            r#"<checkbox-group bind:change="onChange"><checkbox id="a" value="a">A</checkbox><checkbox id="b" value="b" checked>B</checkbox><checkbox id="c" value="c" disabled>C</checkbox></checkbox-group>"#,
            "",
        );
        let out = tap(&mut p, &mut f, "#a");
        assert_eq!(detail(&out, "onChange"), json!({"value": ["a", "b"]}));
        let out = tap(&mut p, &mut f, "text=B");
        assert_eq!(detail(&out, "onChange"), json!({"value": ["a"]}), "a tap on the label text toggles too");
        assert!(handlers(&tap(&mut p, &mut f, "#c")).is_empty(), "disabled");
    }

    #[test]
    fn a_radio_group_keeps_one_checked_and_reports_its_value() {
        let (mut p, mut f) = page(
            r#"<radio-group bind:change="onChange"><radio id="x" value="x" checked>X</radio><radio id="y" value="y">Y</radio></radio-group>"#,
            "",
        );
        let out = tap(&mut p, &mut f, "#y");
        assert_eq!(detail(&out, "onChange"), json!({"value": "y"}));
        assert!(handlers(&tap(&mut p, &mut f, "#y")).is_empty(), "tapping the checked radio changes nothing");
        assert_eq!(detail(&tap(&mut p, &mut f, "#x"), "onChange"), json!({"value": "x"}), "y was unchecked");
    }

    #[test]
    fn a_label_forwards_a_tap_to_its_for_control_or_the_first_control_inside() {
        let (mut p, mut f) = page(
            r#"<checkbox-group bind:change="onGroup"><label id="l1"><checkbox value="inner"/><text>Inner</text></label></checkbox-group>
               <label id="l2" for="sw"><text>Wifi</text></label><switch id="sw" bind:change="onSwitch"/>
               <label id="l3"><text>Name</text><input id="name"/></label>"#,
            "",
        );
        assert_eq!(detail(&tap(&mut p, &mut f, "text=Inner"), "onGroup"), json!({"value": ["inner"]}));
        assert_eq!(detail(&tap(&mut p, &mut f, "text=Wifi"), "onSwitch"), json!({"value": true}));
        tap(&mut p, &mut f, "text=Name");
        assert!(p.focused(), "a label focuses its input");
    }

    #[test]
    fn tapping_a_slider_track_sets_the_value_snapped_to_step() {
        let (mut p, _) = page(r#"<slider id="s" min="0" max="100" step="5" value="20" bind:change="onChange" name="vol"/>"#, "");
        let r = p.find("#s").unwrap().unwrap();
        // The track runs from half a thumb inside the left edge to half a thumb inside the right.
        let (left, len) = (r.x + 14.0, r.w - 28.0);
        let out = click(&mut p, left + len * 0.52, r.y + r.h / 2.0);
        assert_eq!(detail(&out, "onChange"), json!({"value": 50}), "52% snaps to 50");
        let out = click(&mut p, r.x + 1.0, r.y + r.h / 2.0);
        assert_eq!(detail(&out, "onChange"), json!({"value": 0}), "clamped to min");
        let (mut p, _) = page(r#"<slider id="s" disabled bind:change="onChange"/>"#, "");
        let (x, y) = p.find("#s").unwrap().unwrap().center();
        assert!(handlers(&click(&mut p, x, y)).is_empty(), "disabled");
    }

    #[test]
    fn dragging_a_slider_fires_changing_then_change_and_does_not_scroll_the_page() {
        let (mut p, mut f) = page(
            r#"<slider id="s" value="0" show-value bind:changing="onChanging" bind:change="onChange"/><view m:for="{{40}}" class="row">row</view>"#,
            ".row { height: 50px; }",
        );
        p.set_data(&json!({})).unwrap();
        p.render(&mut f).unwrap();
        let r = p.find("#s").unwrap().unwrap();
        let y = r.y + r.h / 2.0;
        let (left, len) = (r.x + 14.0, r.w - 28.0 - 40.0);
        let out = drag(&mut p, (left, y), (left + len, y - 60.0));
        let hs = handlers(&out);
        assert!(hs.iter().filter(|h| *h == "onChanging").count() >= 3, "{hs:?}");
        assert_eq!(hs.last().map(String::as_str), Some("onChange"));
        assert_eq!(detail(&out, "onChange"), json!({"value": 100}));
        assert_eq!(p.scroll_top(), 0.0, "the page did not scroll");
        p.render(&mut f).unwrap();
        assert!(p.text_content().starts_with("100"), "show-value: {}", p.text_content());
    }

    #[test]
    fn a_picker_tap_opens_its_sheet_and_the_answer_fires_change_or_cancel() {
        let (mut p, mut f) = page(
            r#"<picker id="p" range="{{fruits}}" range-key="name" value="{{i}}" bind:change="onChange" bind:cancel="onCancel"><view>Pick: {{fruits[i].name}}</view></picker>"#,
            "",
        );
        p.set_data(&json!({"fruits": [{"name": "apple"}, {"name": "pear, ripe"}], "i": 1})).unwrap();
        p.render(&mut f).unwrap();
        assert_eq!(p.text_content(), "Pick: pear, ripe", "its children are what it shows");
        let req = open_picker(&tap(&mut p, &mut f, "text=Pick: pear, ripe"));
        assert_eq!(req.mode, "selector");
        assert_eq!(req.columns, vec![vec!["apple".to_string(), "pear, ripe".to_string()]]);
        assert_eq!(req.value, json!(1));
        let out = p.answer_picker(req.picker, json!(0));
        assert_eq!(detail(&out, "onChange"), json!({"value": 0}));
        assert_eq!(open_picker(&tap(&mut p, &mut f, "#p")).value, json!(0), "the answer is kept");
        assert_eq!(handlers(&p.answer_picker(req.picker, Value::Null)), vec!["onCancel"]);
        assert!(p.answer_picker(12345, json!(1)).is_empty(), "an unknown picker is ignored");
    }

    #[test]
    fn multi_selector_date_and_disabled_pickers_ask_for_the_right_sheet() {
        let (mut p, mut f) = page(
            r#"<picker id="m" mode="multiSelector" range="{{cols}}"><view>M</view></picker><picker id="d" mode="date" value="2026-12-01" start="2026-01-01"><view>D</view></picker><picker id="x" disabled range="a,b"><view>X</view></picker>"#,
            "",
        );
        p.set_data(&json!({"cols": [["a", "b"], [1, 2, 3]]})).unwrap();
        p.render(&mut f).unwrap();
        let m = open_picker(&tap(&mut p, &mut f, "#m"));
        assert_eq!(m.columns, vec![vec!["a".to_string(), "b".into()], vec!["1".into(), "2".into(), "3".into()]]);
        assert_eq!(m.value, json!([0, 0]));
        let d = open_picker(&tap(&mut p, &mut f, "#d"));
        assert_eq!((d.mode.as_str(), d.value.clone(), d.columns.len()), ("date", json!("2026-12-01"), 0));
        assert!(!tap(&mut p, &mut f, "#x").iter().any(|o| matches!(o, Outcome::OpenPicker(_))));
    }

    #[test]
    fn a_form_submit_collects_every_named_control_and_reset_restores_the_attributes() {
        let (mut p, mut f) = page(
            r#"<form bind:submit="onSubmit" bind:reset="onReset">
                 <input id="name" name="name" value="Al"/>
                 <switch id="sw" name="agree"/>
                 <checkbox-group name="tags"><checkbox id="t1" value="t1"/><checkbox value="t2" checked/></checkbox-group>
                 <radio-group name="size"><radio id="s" value="s"/><radio value="m" checked/></radio-group>
                 <slider id="vol" name="vol" value="30"/>
                 <picker id="pk" name="pick" range="a,b,c" value="2"><view>P</view></picker>
                 <switch id="unnamed"/>
                 <button id="go" form-type="submit" bind:tap="onTap">Go</button>
                 <button id="clear" form-type="reset">Clear</button>
               </form>"#,
            "",
        );
        let out = tap(&mut p, &mut f, "#go");
        assert_eq!(handlers(&out), vec!["onTap", "onSubmit"], "the button's tap, then submit");
        let initial = json!({"value": {"name": "Al", "agree": false, "tags": ["t2"], "size": "m", "vol": 30, "pick": 2}});
        assert_eq!(detail(&out, "onSubmit"), initial);
        tap(&mut p, &mut f, "#sw");
        tap(&mut p, &mut f, "#t1");
        tap(&mut p, &mut f, "#s");
        let r = p.find("#vol").unwrap().unwrap();
        click(&mut p, r.x + r.w - 1.0, r.y + r.h / 2.0);
        tap(&mut p, &mut f, "#name");
        p.handle(Input::Text("ice".into()));
        let req = open_picker(&tap(&mut p, &mut f, "#pk"));
        p.answer_picker(req.picker, json!(0));
        let out = tap(&mut p, &mut f, "#go");
        assert_eq!(
            detail(&out, "onSubmit"),
            json!({"value": {"name": "Alice", "agree": true, "tags": ["t1", "t2"], "size": "s", "vol": 100, "pick": 0}})
        );
        let out = tap(&mut p, &mut f, "#clear");
        assert_eq!(handlers(&out), vec!["onReset"]);
        assert_eq!(detail(&tap(&mut p, &mut f, "#go"), "onSubmit"), initial, "every control is back to its attributes");
    }

    #[test]
    fn a_submit_button_outside_a_form_only_taps() {
        let (mut p, mut f) = page(r#"<view bind:submit="onSubmit"><button id="b" form-type="submit" bind:tap="onTap">B</button></view>"#, "");
        assert_eq!(handlers(&tap(&mut p, &mut f, "#b")), vec!["onTap"]);
    }

    #[test]
    fn a_progress_bar_fills_percent_of_its_width_and_shows_info() {
        let (mut p, mut f) = page(
            r##"<progress id="p" percent="25" stroke-width="4" activeColor="#ff0000" show-info/>"##,
            "",
        );
        let list = p.render(&mut f).unwrap();
        let r = p.find("#p").unwrap().unwrap();
        let bars: Vec<_> = list.items.iter().filter_map(|i| match i {
            DisplayItem::Rect { rect, color, .. } => Some((*rect, *color)),
            _ => None,
        }).collect();
        assert_eq!(bars.len(), 2, "{bars:?}");
        let (track, fill) = (bars[0].0, bars[1].0);
        assert_eq!(track.h, 4.0);
        assert_eq!(track.w, r.w - 48.0, "room for the info");
        assert_eq!(fill.w, track.w / 4.0);
        assert_eq!(bars[1].1, crate::color::Color::rgb(255, 0, 0));
        assert!(list.texts().contains(&"25%"));
        assert_eq!(p.text_content(), "25%");
    }

    #[test]
    fn a_swiper_shows_its_current_page_and_turns_on_a_drag_past_a_third() {
        let (mut p, mut f) = page(
            r#"<swiper id="sw" current="1" indicator-dots bind:change="onChange"><swiper-item item-id="a"><view>A</view></swiper-item><swiper-item item-id="b"><view>B</view></swiper-item><swiper-item item-id="c"><view>C</view></swiper-item></swiper>"#,
            "",
        );
        let sw = p.find("#sw").unwrap().unwrap();
        assert_eq!((sw.w, sw.h), (375.0, 150.0));
        assert_eq!(p.visible_text(), "B", "only the current page shows");
        assert_eq!(p.find("text=B").unwrap().unwrap().x, 0.0);
        let y = sw.y + 50.0;
        // A short drag snaps back.
        let out = drag(&mut p, (300.0, y), (220.0, y));
        assert!(handlers(&out).is_empty());
        p.render(&mut f).unwrap();
        assert_eq!(p.visible_text(), "B");
        let out = drag(&mut p, (300.0, y), (100.0, y));
        assert_eq!(detail(&out, "onChange"), json!({"current": 2, "source": "touch", "currentItemId": "c"}));
        let list = p.render(&mut f).unwrap();
        assert_eq!(p.visible_text(), "C");
        let dots = list.items.iter().filter(|i| matches!(i, DisplayItem::Rect { rect, .. } if rect.w == 8.0)).count();
        assert_eq!(dots, 3, "indicator dots");
        assert!(handlers(&drag(&mut p, (300.0, y), (100.0, y))).is_empty(), "no page after the last (not circular)");
        // A vertical drag is not the swiper's.
        let out = drag(&mut p, (200.0, y), (200.0, y + 100.0));
        assert!(handlers(&out).is_empty());
    }

    #[test]
    fn an_autoplay_swiper_turns_every_interval_and_wraps() {
        let (mut p, mut f) = page(
            r#"<swiper autoplay interval="1000" bind:change="onChange"><swiper-item>A</swiper-item><swiper-item>B</swiper-item></swiper>"#,
            "",
        );
        assert!(handlers(&p.handle(Input::Frame { time_ms: 0 })).is_empty());
        assert!(handlers(&p.handle(Input::Frame { time_ms: 999 })).is_empty());
        let out = p.handle(Input::Frame { time_ms: 1000 });
        assert_eq!(detail(&out, "onChange"), json!({"current": 1, "source": "autoplay", "currentItemId": ""}));
        p.render(&mut f).unwrap();
        assert_eq!(p.visible_text(), "B");
        let out = p.handle(Input::Frame { time_ms: 2000 });
        assert_eq!(detail(&out, "onChange")["current"], json!(0), "wraps to the first");
    }
}
