//! Selecting static text: a long press on a `text` (or `rich-text`) with `user-select` (or the
//! older `selectable`) selects all of its text. The selection is tinted where the text is drawn
//! and a "Copy" bubble shows above it. A tap on the bubble, or [`Key::Copy`](crate::Key::Copy),
//! answers [`Outcome::Copy`](crate::Outcome::Copy) with the text, and the front end puts it on
//! the clipboard. Any other press clears the selection.

use crate::color::Color;
use crate::display::{DisplayItem, Rect, TextAlign};
use crate::tree::{NodeKind, Tree};

/// The tint over selected text (the platforms' selection blue, translucent).
pub const SELECTION_TINT: Color = Color { r: 0x1a, g: 0x73, b: 0xe8, a: 0x4d };

/// The "Copy" bubble's size in px, and the gap between it and the selection.
const BUBBLE: (f32, f32) = (64.0, 32.0);
const BUBBLE_GAP: f32 = 6.0;

/// The label of the bubble.
pub const COPY_LABEL: &str = "Copy";

/// The element a long press at `target` selects: it, or its nearest ancestor, when it is a
/// `text` or `rich-text` with `user-select` (or `selectable`) on.
pub(crate) fn selectable_owner(tree: &Tree, target: Option<usize>) -> Option<usize> {
    let mut cur = target;
    while let Some(i) = cur {
        let n = &tree.nodes[i];
        if matches!(n.tag(), Some("text" | "rich-text"))
            && (crate::components::flag(n, "user-select") || crate::components::flag(n, "selectable"))
        {
            return Some(i);
        }
        cur = n.parent;
    }
    None
}

/// The text of element `i` as drawn: its paragraphs' pieces (with the spaces between words of
/// different runs) and its other text nodes, in document order.
pub(crate) fn text_of(tree: &Tree, i: usize) -> String {
    if let Some(p) = tree.para_of(i) {
        // A `<text>` inside a paragraph: its own pieces of it.
        let spans = tree.nodes[p].para.as_deref().unwrap_or_default();
        return spans.iter().filter(|s| within(tree, s.node, i)).map(|s| s.text.as_str()).collect();
    }
    let mut out = String::new();
    let mut stack = vec![i];
    while let Some(k) = stack.pop() {
        let n = &tree.nodes[k];
        if let Some(t) = n.para_text() {
            out.push_str(&t);
            continue;
        }
        if let NodeKind::Text(t) = &n.kind {
            out.push_str(t);
        }
        stack.extend(n.children.iter().rev());
    }
    out
}

/// Whether node `k` is element `sel` or inside it.
pub(crate) fn within(tree: &Tree, k: usize, sel: usize) -> bool {
    let mut cur = Some(k);
    while let Some(c) = cur {
        if c == sel {
            return true;
        }
        cur = tree.nodes[c].parent;
    }
    false
}

/// The tint over a piece of selected text drawn in `rect`.
pub(crate) fn tint(rect: Rect) -> DisplayItem {
    DisplayItem::Rect { rect, color: SELECTION_TINT, radius: 0.0, border_width: 0.0, border_color: Color::TRANSPARENT }
}

/// The "Copy" bubble for a selection whose box is `sel`: centred above it (below it when there
/// is no room above), kept inside `viewport`. Returns its box and its items.
pub(crate) fn bubble(fonts: &mut cosmic_text::FontSystem, sel: Rect, viewport: Rect) -> (Rect, [DisplayItem; 2]) {
    let (w, h) = BUBBLE;
    let x = (sel.x + sel.w / 2.0 - w / 2.0).clamp(viewport.x, (viewport.x + viewport.w - w).max(viewport.x));
    let above = sel.y - BUBBLE_GAP - h;
    let y = if above >= viewport.y { above } else { (sel.y + sel.h + BUBBLE_GAP).min(viewport.y + viewport.h - h) };
    let r = Rect::new(x, y, w, h);
    let items = [
        DisplayItem::Rect { rect: r, color: Color::rgb(0x33, 0x33, 0x33), radius: 6.0, border_width: 0.0, border_color: Color::TRANSPARENT },
        DisplayItem::Text {
            // The renderer draws text at its rect's left: centre it here.
            rect: {
                let (tw, _) = crate::text::measure_text(fonts, COPY_LABEL, 14.0, None);
                Rect::new(x + (w - tw) / 2.0, y + (h - 20.0) / 2.0, tw + 1.0, 20.0)
            },
            text: COPY_LABEL.to_string(),
            font_size: 14.0,
            line_height: 20.0,
            color: Color::rgb(0xff, 0xff, 0xff),
            bold: false,
            align: TextAlign::Center,
        },
    ];
    (r, items)
}

#[cfg(test)]
mod tests {
    use crate::display::DisplayItem;
    use crate::input::{Input, Key, Outcome};
    use crate::testutil::page;

    fn long_press(p: &mut crate::page::Page, x: f32, y: f32) -> Vec<Outcome> {
        let mut out = p.handle(Input::PointerDown { x, y, time_ms: 0 });
        out.extend(p.handle(Input::Frame { time_ms: 400 }));
        out.extend(p.handle(Input::PointerUp { x, y, time_ms: 420 }));
        out
    }

    fn tints(list: &crate::DisplayList) -> usize {
        list.items.iter().filter(|i| matches!(i, DisplayItem::Rect { color, .. } if *color == super::SELECTION_TINT)).count()
    }

    fn copied(out: &[Outcome]) -> Vec<String> {
        out.iter()
            .filter_map(|o| match o {
                Outcome::Copy(t) => Some(t.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_long_press_selects_user_select_text_and_the_bubble_copies_it() {
        let xml = r#"<view>Price: <text id="p" user-select bind:longpress="onLong">9.99 EUR</text></view><text id="plain">not selectable</text><view style="height: 300px"/>"#;
        let (mut p, mut f) = page(xml, "");
        let (x, y) = p.find("#p").unwrap().unwrap().center();
        let out = long_press(&mut p, x, y);
        assert!(out.iter().any(|o| matches!(o, Outcome::Event(e) if e.handler == "onLong")), "the app's longpress still fires");
        assert_eq!(p.selected_text().as_deref(), Some("9.99 EUR"));
        let list = p.render(&mut f).unwrap();
        assert_eq!(tints(&list), 1, "the selected run is tinted, not `Price: `");
        assert!(list.texts().contains(&super::COPY_LABEL));
        // Key::Copy (Ctrl+C in the window) copies it too, and keeps it selected.
        let out = p.handle(Input::Key { key: Key::Copy, shift: false, word: false });
        assert_eq!(copied(&out), ["9.99 EUR"]);
        // A tap on the bubble copies and clears the selection; nothing underneath is tapped.
        let bubble = p.copy_bubble().expect("shown");
        let (bx, by) = bubble.center();
        let mut out = p.handle(Input::PointerDown { x: bx, y: by, time_ms: 1000 });
        out.extend(p.handle(Input::PointerUp { x: bx, y: by, time_ms: 1010 }));
        assert_eq!(copied(&out), ["9.99 EUR"]);
        assert!(!out.iter().any(|o| matches!(o, Outcome::Event(_))), "{out:?}");
        assert_eq!(p.selected_text(), None);
        let list = p.render(&mut f).unwrap();
        assert_eq!(tints(&list), 0);
        assert!(!list.texts().contains(&super::COPY_LABEL));
        // Text without user-select is not selected; a press elsewhere clears a selection.
        let (x, y) = p.find("#plain").unwrap().unwrap().center();
        long_press(&mut p, x, y);
        assert_eq!(p.selected_text(), None);
        let (x, y) = p.find("#p").unwrap().unwrap().center();
        long_press(&mut p, x, y);
        assert!(p.selected_text().is_some());
        p.handle(Input::PointerDown { x: 10.0, y: 250.0, time_ms: 2000 });
        assert_eq!(p.selected_text(), None);
        p.handle(Input::PointerUp { x: 10.0, y: 250.0, time_ms: 2010 });
        assert!(copied(&p.handle(Input::Key { key: Key::Copy, shift: false, word: false })).is_empty());
    }

    #[test]
    fn a_block_text_and_rich_text_select_all_of_their_lines() {
        let long = "A sentence long enough to wrap onto a second line of this narrow page, surely it will";
        let xml = format!(r#"<text id="t" selectable style="display: block">{long}</text><view style="height: 100px"/><rich-text id="r" user-select nodes="&lt;b&gt;Bold&lt;/b&gt; then plain"/>"#);
        let (mut p, mut f) = page(&xml, "");
        let (x, y) = p.find("#t").unwrap().unwrap().center();
        long_press(&mut p, x, y);
        assert_eq!(p.selected_text().as_deref(), Some(long));
        assert!(tints(&p.render(&mut f).unwrap()) >= 2, "every line is tinted");
        let (x, y) = p.find("#r").unwrap().unwrap().center();
        long_press(&mut p, x, y);
        assert_eq!(p.selected_text().as_deref(), Some("Bold then plain"));
    }

    #[test]
    fn the_focused_fields_selection_is_copied_by_key_copy() {
        let (mut p, mut f) = page(r#"<input id="i" value="hello world"/>"#, "");
        let (x, y) = p.find("#i").unwrap().unwrap().center();
        p.handle(Input::PointerDown { x, y, time_ms: 0 });
        p.handle(Input::PointerUp { x, y, time_ms: 10 });
        p.render(&mut f).unwrap();
        p.handle(Input::Key { key: Key::SelectAll, shift: false, word: false });
        let out = p.handle(Input::Key { key: Key::Copy, shift: false, word: false });
        assert_eq!(copied(&out), ["hello world"]);
    }
}
