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
}
