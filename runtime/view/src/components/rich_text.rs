//! `rich-text`: `nodes` (a string of a safe HTML subset, or the platforms' node array) shown
//! as blocks and inline runs; sanitized by [`crate::rich_text`] (no scripts, no event
//! handlers, images only from the bundle) and expanded by the expander like template content.

use super::{attr, AttrKind, Component, Spec};

/// `rich-text`.
pub(crate) struct RichText;

static SPEC: Spec = Spec {
    tag: "rich-text",
    attrs: &[attr("nodes", AttrKind::String, ""), attr("space", AttrKind::Enum, ""), attr("user-select", AttrKind::Bool, "false")],
    events: &[],
    summary: "HTML-like rich text from data (a safe subset)",
};

impl Component for RichText {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    /// An array of nodes is kept as JSON; a string stays the HTML it is.
    fn keeps_json(&self, name: &str) -> bool {
        name == "nodes"
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::display::DisplayItem;
    use crate::testutil::page;

    fn texts(list: &crate::DisplayList) -> Vec<(String, f32)> {
        list.items
            .iter()
            .filter_map(|i| match i {
                DisplayItem::Text { text, rect, .. } | DisplayItem::StyledText { text, rect, .. } => Some((text.clone(), rect.y)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn html_from_data_shows_blocks_and_inline_runs_and_drops_scripts() {
        let (mut p, mut f) = page(r#"<rich-text id="r" nodes="{{html}}"/>"#, "");
        p.set_data(&json!({"html": "<h1>Title</h1><p>Price: <b>9</b> only</p><script>steal()</script>"})).unwrap();
        let list = p.render(&mut f).unwrap();
        let t = texts(&list);
        let words: Vec<&str> = t.iter().map(|(s, _)| s.as_str()).collect();
        assert!(words.contains(&"Title"), "{t:?}");
        assert!(!words.iter().any(|w| w.contains("steal")), "the script never shows: {t:?}");
        // `Price: 9 only` is one line of runs: the same baseline row.
        let row: Vec<&(String, f32)> = t.iter().filter(|(s, _)| s.contains("Price") || s == "9" || s.contains("only")).collect();
        assert!(row.len() >= 2 && row.iter().all(|(_, y)| *y == row[0].1), "inline runs share a line: {t:?}");
        let title_y = t.iter().find(|(s, _)| s == "Title").unwrap().1;
        assert!(title_y < row[0].1, "the heading is above the paragraph");
        let warned: Vec<String> = p.warnings().iter().map(|d| d.to_string()).collect();
        assert!(warned.iter().any(|w| w.contains("<script> is not allowed in rich-text")), "{warned:?}");
        assert!(p.text_content().contains("Price"), "{}", p.text_content());
    }

    #[test]
    fn the_node_array_form_renders_and_bundle_images_come_through() {
        let (mut p, mut f) = page(r#"<rich-text nodes="{{nodes}}"/>"#, "");
        p.set_data(&json!({"nodes": [
            {"name": "div", "attrs": {"style": "color: #ff0000"}, "children": [{"type": "text", "text": "red words"}]},
            {"name": "img", "attrs": {"src": "/assets/a.png", "width": "40", "height": "30"}},
        ]}))
        .unwrap();
        let list = p.render(&mut f).unwrap();
        let red = list.items.iter().any(|i| matches!(i, DisplayItem::Text { text, color, .. } if text == "red words" && color.r == 255 && color.g == 0));
        assert!(red, "{:?}", list.items);
        let img = list.items.iter().find_map(|i| match i { DisplayItem::Image { rect, src, .. } => Some((rect.w, rect.h, src.clone())), _ => None });
        assert_eq!(img, Some((40.0, 30.0, "/assets/a.png".to_string())));
    }

    #[test]
    fn pre_keeps_its_newlines_and_spaces_and_other_text_collapses() {
        let (mut p, mut f) = page(r#"<rich-text nodes="{{html}}"/>"#, "");
        p.set_data(&json!({"html": "<pre>\na\n  b\n</pre><p>c\n   d</p>"})).unwrap();
        let list = p.render(&mut f).unwrap();
        let t = texts(&list);
        let lines: Vec<&str> = t.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(lines, ["a", "  b", "c d"], "{t:?}");
        assert!(t[1].1 > t[0].1, "`b` is on a second line: {t:?}");
        assert!(t[2].1 > t[1].1, "the paragraph is below the pre: {t:?}");
        assert!(p.warnings().is_empty(), "{:?}", p.warnings());
    }

    #[test]
    fn pre_keeps_the_spaces_between_its_inline_runs() {
        let (mut p, mut f) = page(r#"<rich-text nodes="{{html}}"/>"#, "");
        p.set_data(&json!({"html": "<pre><b>if</b> x {\n    <i>y</i>\n}</pre>"})).unwrap();
        let list = p.render(&mut f).unwrap();
        let t = texts(&list);
        let ys: Vec<f32> = t.iter().map(|(_, y)| *y).collect();
        let mut rows = ys.clone();
        rows.dedup();
        assert_eq!(rows.len(), 3, "three lines: {t:?}");
        let words: Vec<&str> = t.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(words, ["if", " x {", "    ", "y", "}"], "the space after `if` and the indent are kept: {t:?}");
    }

    #[test]
    fn a_class_with_white_space_pre_keeps_newlines_too() {
        let (mut p, mut f) = page(r#"<rich-text nodes="{{html}}"/>"#, ".code { white-space: pre; }");
        p.set_data(&json!({"nodes": [], "html": "<div class=\"code\">x\n y</div>"})).unwrap();
        let list = p.render(&mut f).unwrap();
        let t = texts(&list);
        assert_eq!(t.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(), ["x", " y"], "{t:?}");
    }

    #[test]
    fn a_br_inside_inline_elements_breaks_the_line_there() {
        let (mut p, mut f) = page(r#"<rich-text nodes="{{html}}"/>"#, "");
        p.set_data(&json!({"html": "<p>x <b>a<br>b</b> c</p><pre>d<br>  e</pre>"})).unwrap();
        let list = p.render(&mut f).unwrap();
        let t = texts(&list);
        let words: Vec<&str> = t.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(words, ["x ", "a", "b", " c", "d", "  e"], "{t:?}");
        assert!(t[0].1 == t[1].1 && t[2].1 == t[3].1 && t[2].1 > t[1].1, "`x a` then `b c`: {t:?}");
        assert!(t[5].1 > t[4].1, "{t:?}");
    }

    #[test]
    fn a_table_row_shares_its_width_among_its_cells_and_the_caption_is_centred_above() {
        let (mut p, mut f) = page(r#"<rich-text nodes="{{html}}"/>"#, "");
        let html = "<table><tr><th>Name</th><th>Qty</th><th>Note</th></tr>\
                    <tr><td>apple</td><td>3</td><td>a long note that wraps onto more lines than one in its column</td></tr>\
                    <caption>Fruit</caption></table>";
        p.set_data(&json!({"html": html})).unwrap();
        let list = p.render(&mut f).unwrap();
        let items: Vec<(String, f32, f32, bool)> = list
            .items
            .iter()
            .filter_map(|i| match i {
                DisplayItem::Text { text, rect, bold, .. } => Some((text.clone(), rect.x, rect.y, *bold)),
                _ => None,
            })
            .collect();
        let at = |w: &str| items.iter().find(|(s, ..)| s == w).unwrap_or_else(|| panic!("{w} in {items:?}")).clone();
        let (caption, name, qty, apple, three) = (at("Fruit"), at("Name"), at("Qty"), at("apple"), at("3"));
        assert!(caption.2 < name.2, "the caption is above the rows: {items:?}");
        assert!(caption.1 > 150.0, "the caption is centred in the 375px width: {items:?}");
        assert_eq!(name.2, qty.2, "the header cells are one row: {items:?}");
        assert!(name.3 && qty.3 && !apple.3, "`th` is bold, `td` is not: {items:?}");
        assert!(apple.2 > name.2 && apple.2 == three.2, "the second row is below, in one line: {items:?}");
        // Three equal columns of 125px (less their 1px padding): `3` starts in the second,
        // `Qty` is centred in it.
        assert!((three.1 - 126.0).abs() < 1.0, "{items:?}");
        assert!(qty.1 > 130.0 && qty.1 < 200.0, "{items:?}");
        let note: Vec<&(String, f32, f32, bool)> = items.iter().filter(|(_, x, ..)| *x > 250.0).collect();
        assert!(note.len() >= 3, "the long note wraps inside its column: {items:?}");
        assert!(p.warnings().is_empty(), "{:?}", p.warnings());
    }
}
