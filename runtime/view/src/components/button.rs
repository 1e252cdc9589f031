//! `button`: `type` default/primary/warn, `size` default/mini, `plain`, `disabled` (blocks taps),
//! `loading`, `form-type` submit/reset (submits or resets the enclosing `form` after `tap`),
//! `hover-class`.

use super::{ancestor, attr, flag, form, AttrKind, Component, Ctl, Effect, Spec, TapAction};
use crate::tree::Node;

/// `button`.
pub(crate) struct Button;

static SPEC: Spec = Spec {
    tag: "button",
    attrs: &[
        attr("type", AttrKind::Enum, "default"),
        attr("size", AttrKind::Enum, "default"),
        attr("plain", AttrKind::Bool, "false"),
        attr("disabled", AttrKind::Bool, "false"),
        attr("loading", AttrKind::Bool, "false"),
        attr("form-type", AttrKind::Enum, ""),
        attr("hover-class", AttrKind::String, "button-hover"),
        attr("hover-stay-time", AttrKind::Number, "70"),
        attr("hover-start-time", AttrKind::Number, "20"),
    ],
    events: &["tap"],
    summary: "a button; `disabled` blocks taps",
};

impl Component for Button {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn classes(&self, attrs: &[(String, String)], out: &mut Vec<String>) {
        let get = |name: &str| attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        let on = |name: &str| get(name).is_some_and(|v| v != "false" && v != "0");
        if let Some(t @ ("primary" | "warn")) = get("type") {
            out.push(format!("m-{t}"));
        }
        if get("size") == Some("mini") {
            out.push("m-mini".into());
        }
        if on("plain") {
            out.push("m-plain".into());
        }
        if on("disabled") {
            out.push("m-disabled".into());
        }
        if on("loading") {
            out.push("m-loading".into());
        }
    }

    fn on_tap(&self, node: &Node) -> TapAction {
        if flag(node, "disabled") || flag(node, "loading") {
            TapAction::Block
        } else if matches!(node.attr("form-type"), Some("submit" | "reset")) {
            TapAction::Control
        } else {
            TapAction::Bubble
        }
    }

    /// `form-type="submit"` submits the enclosing `form`, `"reset"` resets it.
    fn act(&self, cx: &mut Ctl<'_>, i: usize, _x: f32, _y: f32) -> Vec<Effect> {
        let Some(f) = ancestor(cx.tree, i, "form") else { return Vec::new() };
        match cx.tree.nodes[i].attr("form-type") {
            Some("submit") => form::submit(cx, f),
            Some("reset") => form::reset(cx, f),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod hover_tests {
    use crate::display::DisplayItem;
    use crate::input::Input;
    use crate::testutil::page;

    /// The fill of the first box drawn at `(x, y)`'s element: its background colour.
    fn fills(list: &crate::DisplayList) -> Vec<(u8, u8, u8)> {
        list.items
            .iter()
            .filter_map(|i| match i {
                DisplayItem::Rect { color, .. } | DisplayItem::Border { fill: color, .. } if color.a > 0 => Some((color.r, color.g, color.b)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn hover_stay_time_sets_how_long_the_class_stays_and_a_new_press_moves_it() {
        let css = ".hot { background-color: #ff0000; } .warm { background-color: #00ff00; }";
        let xml = r#"<view id="a" hover-class="hot" hover-stay-time="0" style="height: 40px"/><view id="b" hover-class="warm" style="height: 40px"/>"#;
        let (mut p, mut f) = page(xml, css);
        p.render(&mut f).unwrap();
        // hover-stay-time="0": off at the release (a view's class goes on 50 ms into the press).
        let (x, y) = p.find("#a").unwrap().unwrap().center();
        p.handle(Input::PointerDown { x, y, time_ms: 0 });
        p.handle(Input::Frame { time_ms: 50 });
        assert!(fills(&p.render(&mut f).unwrap()).contains(&(0xff, 0, 0)));
        p.handle(Input::PointerUp { x, y, time_ms: 60 });
        assert!(!p.hover_lingering());
        assert!(!fills(&p.render(&mut f).unwrap()).contains(&(0xff, 0, 0)));
        // A view's default stay is 400 ms; a press elsewhere meanwhile takes it off at once.
        let (x, y) = p.find("#b").unwrap().unwrap().center();
        p.handle(Input::PointerDown { x, y, time_ms: 100 });
        p.handle(Input::Frame { time_ms: 150 });
        p.handle(Input::PointerUp { x, y, time_ms: 160 });
        p.handle(Input::Frame { time_ms: 500 });
        assert!(fills(&p.render(&mut f).unwrap()).contains(&(0, 0xff, 0)), "on 340 ms after");
        let (ax, ay) = p.find("#a").unwrap().unwrap().center();
        p.handle(Input::PointerDown { x: ax, y: ay, time_ms: 505 });
        assert!(!fills(&p.render(&mut f).unwrap()).contains(&(0, 0xff, 0)));
        p.handle(Input::Frame { time_ms: 555 });
        let fl = fills(&p.render(&mut f).unwrap());
        assert!(fl.contains(&(0xff, 0, 0)) && !fl.contains(&(0, 0xff, 0)), "{fl:?}");
        p.handle(Input::PointerUp { x: ax, y: ay, time_ms: 560 });
        // The defaults, as on the established platforms.
        let default = |tag: &str, a: &str| crate::components::lookup(tag).and_then(|c| c.spec().default_of(a)).map(str::to_string);
        let defaults = |a: &str| [default("view", a), default("button", a), default("navigator", a)];
        assert_eq!(defaults("hover-stay-time"), [Some("400".into()), Some("70".into()), Some("600".into())]);
        assert_eq!(defaults("hover-start-time"), [Some("50".into()), Some("20".into()), Some("50".into())]);
    }

    #[test]
    fn hover_start_time_delays_the_class_and_a_quick_tap_still_shows_it_for_its_stay() {
        let css = ".hot { background-color: #ff0000; }";
        let xml = r#"<view id="a" hover-class="hot" hover-start-time="100" hover-stay-time="200" style="height: 40px"/>"#;
        let (mut p, mut f) = page(xml, css);
        let (x, y) = p.find("#a").unwrap().unwrap().center();
        let red = |p: &mut crate::page::Page, f: &mut cosmic_text::FontSystem| fills(&p.render(f).unwrap()).contains(&(0xff, 0, 0));
        // A tap shorter than the start time: on at 100 ms, for 200 ms.
        p.handle(Input::PointerDown { x, y, time_ms: 0 });
        p.handle(Input::PointerUp { x, y, time_ms: 10 });
        assert!(p.hover_lingering(), "the window keeps drawing frames");
        assert_eq!(p.hover_ends_at(), Some(300));
        p.handle(Input::Frame { time_ms: 50 });
        assert!(!red(&mut p, &mut f), "not yet at 50 ms");
        let out = p.handle(Input::Frame { time_ms: 100 });
        assert!(out.contains(&crate::input::Outcome::Redraw));
        assert!(red(&mut p, &mut f), "on at 100 ms");
        p.handle(Input::Frame { time_ms: 299 });
        assert!(red(&mut p, &mut f));
        p.handle(Input::Frame { time_ms: 300 });
        assert!(!red(&mut p, &mut f), "off 200 ms later");
        assert!(!p.hover_lingering());
        // A drag before the start time: never on.
        p.handle(Input::PointerDown { x, y, time_ms: 1000 });
        p.handle(Input::PointerMove { x, y: y + 40.0, time_ms: 1020 });
        p.handle(Input::Frame { time_ms: 1200 });
        assert!(!red(&mut p, &mut f));
        assert!(!p.hover_lingering());
        p.handle(Input::PointerUp { x, y: y + 40.0, time_ms: 1210 });
        // hover-start-time="0": on at the press.
        let (mut p, mut f) = page(&xml.replace("100", "0"), css);
        p.handle(Input::PointerDown { x, y, time_ms: 0 });
        assert!(red(&mut p, &mut f));
    }

    #[test]
    fn a_press_paints_only_the_pressed_element_again() {
        let rows: String = (0..30).map(|i| format!(r#"<view style="height: 20px; background-color: #eee">row {i}</view>"#)).collect();
        let xml = format!(r#"<button id="b" hover-class="mine">Go</button>{rows}"#);
        let (mut p, mut f) = page(&xml, ".mine { background-color: #ff0000; }");
        p.render(&mut f).unwrap();
        let (x, y) = p.find("#b").unwrap().unwrap().center();
        p.handle(Input::PointerDown { x, y, time_ms: 0 });
        p.handle(Input::Frame { time_ms: 20 });
        let before = p.render_stats();
        let list = p.render(&mut f).unwrap();
        let after = p.render_stats();
        assert_eq!(after.full, before.full + 1, "the hover class restyles the page");
        assert!(fills(&list).contains(&(0xff, 0, 0)));
        assert!(after.painted - before.painted <= 3, "the button's box and label: {after:?}");
        assert!(after.reused - before.reused >= 50, "the rows' boxes and texts are copied: {after:?}");
    }

    #[test]
    fn a_pressed_button_wears_its_hover_class_until_released_and_a_drag_takes_it_off() {
        let css = ".button-hover { background-color: #dedede; } .mine { background-color: #ff0000; }";
        let xml = r#"<button id="b">Go</button><button id="c" hover-class="mine">Mine</button><button id="d" disabled>Off</button><view id="v" style="height: 40px">v</view>"#;
        let (mut p, mut f) = page(xml, css);
        let before = fills(&p.render(&mut f).unwrap());
        assert!(!before.contains(&(0xde, 0xde, 0xde)), "{before:?}");
        let (x, y) = p.find("#b").unwrap().unwrap().center();
        p.handle(Input::PointerDown { x, y, time_ms: 0 });
        // A button's class goes on 20 ms into the press.
        let out = p.handle(Input::Frame { time_ms: 20 });
        assert!(out.contains(&crate::input::Outcome::Redraw));
        assert!(fills(&p.render(&mut f).unwrap()).contains(&(0xde, 0xde, 0xde)), "pressed");
        p.handle(Input::PointerUp { x, y, time_ms: 30 });
        // It stays on for the button's hover-stay-time (70 ms) after the release.
        assert!(p.hover_lingering());
        p.handle(Input::Frame { time_ms: 90 });
        assert!(fills(&p.render(&mut f).unwrap()).contains(&(0xde, 0xde, 0xde)), "still on 60 ms after");
        let out = p.handle(Input::Frame { time_ms: 100 });
        assert!(out.contains(&crate::input::Outcome::Redraw));
        assert!(!p.hover_lingering());
        assert_eq!(fills(&p.render(&mut f).unwrap()), before, "off 70 ms after the release");
        // Its own hover-class; a drag away takes it off.
        let (x, y) = p.find("#c").unwrap().unwrap().center();
        p.handle(Input::PointerDown { x, y, time_ms: 100 });
        p.handle(Input::Frame { time_ms: 120 });
        assert!(fills(&p.render(&mut f).unwrap()).contains(&(0xff, 0, 0)));
        p.handle(Input::PointerMove { x, y: y + 40.0, time_ms: 130 });
        assert!(!fills(&p.render(&mut f).unwrap()).contains(&(0xff, 0, 0)), "a drag is no press");
        p.handle(Input::PointerUp { x, y: y + 40.0, time_ms: 140 });
        // A disabled button and a view (hover-class none by default) wear nothing.
        for sel in ["#d", "#v"] {
            let (x, y) = p.find(sel).unwrap().unwrap().center();
            let mut out = p.handle(Input::PointerDown { x, y, time_ms: 200 });
            out.extend(p.handle(Input::Frame { time_ms: 260 }));
            assert!(!out.contains(&crate::input::Outcome::Redraw), "{sel}");
            assert!(!p.hover_lingering(), "{sel}");
            p.handle(Input::PointerUp { x, y, time_ms: 270 });
        }
    }
}
