//! Incremental update: which set-data keys can be served by re-expanding single `m:for`
//! items instead of the whole template, and the template facts that decide it.
//!
//! A set-data of `rows[500].title` on a page whose template reads `rows` only as the list of
//! page-scope loops (`m:for="{{rows}}"`, recorded by the last full expansion as
//! [`LoopRecord`]s) re-expands item 500 of each such loop alone
//! ([`Expander::reexpand_item`](crate::tree::Expander::reexpand_item)), patches those nodes
//! in place, updates only their layout nodes ([`LayoutState::patch`](crate::layout::LayoutState::patch))
//! and repaints. Anything this cannot prove equivalent to a full expansion falls back to one:
//! a key read elsewhere (`rows.length`, `rows[0].title` outside the loop, any other name), a
//! list that grew or shrank, an item whose filter, key, node shape, paragraph structure or
//! nested loop count changed, sheets with `+`/`~`, loops inside another loop, a
//! `<template is>`, a component or slot content, and items that contain components, slots or
//! templates. `tests` below compares incremental renders with from-scratch ones.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::data::Seg;
use crate::expr::Expr;
use crate::template::{Interp, Part, TElement, TNode, Template};
use crate::tree::LoopRecord;

/// How many expressions of `template` (its own nodes and its `<template name>` definitions)
/// read each name: a name read by `n` expressions is safe to patch item by item only when
/// all `n` are the lists of recorded loops.
pub(crate) fn readers(template: &Template) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    let mut count = |i: &Interp| {
        let mut names = HashSet::new();
        for p in &i.parts {
            if let Part::Expr(e) = p {
                e.collect_idents(&mut names);
            }
        }
        for n in names {
            *out.entry(n).or_insert(0) += 1;
        }
    };
    walk_interps(&template.roots, &mut count);
    for def in template.templates.values() {
        walk_interps(&def.body, &mut count);
    }
    out
}

/// Calls `f` on every interpolated text of `nodes`: texts, attributes, handlers, `m:for`
/// lists, filters and `m:if` conditions.
fn walk_interps(nodes: &[TNode], f: &mut impl FnMut(&Interp)) {
    fn element(e: &TElement, f: &mut impl FnMut(&Interp)) {
        e.attrs.iter().for_each(|a| f(&a.value));
        e.events.iter().for_each(|ev| f(&ev.handler));
        if let Some(fs) = &e.for_ {
            f(&fs.list);
        }
        if let Some(c) = &e.filter {
            f(c);
        }
        walk_interps(&e.children, f);
    }
    for n in nodes {
        match n {
            TNode::Text(i) => f(i),
            TNode::Element(e) => element(e, f),
            TNode::Chain(branches) => {
                for (c, e) in branches {
                    if let Some(c) = c {
                        f(c);
                    }
                    element(e, f);
                }
            }
        }
    }
}

/// The name an interpolation is exactly (`{{rows}}` → `rows`), if it is one name alone.
pub(crate) fn sole_name(i: &Interp) -> Option<&str> {
    match i.parts.as_slice() {
        [Part::Expr(Expr::Ident(n))] => Some(n),
        _ => None,
    }
}

/// The element at `path` (see [`LoopRecord::tpath`]) under `roots`.
pub(crate) fn element_at<'t>(roots: &'t [TNode], path: &[(u32, u32)]) -> Option<&'t TElement> {
    let mut nodes = roots;
    let mut found = None;
    for &(k, branch) in path {
        let el = match nodes.get(k as usize)? {
            TNode::Element(e) => e,
            TNode::Chain(branches) => &branches.get(branch as usize)?.1,
            TNode::Text(_) => return None,
        };
        nodes = &el.children;
        found = Some(el);
    }
    found
}

/// Whether the items of loop element `el` can be re-expanded alone: it makes one element per
/// item that cannot flow inline in its parent's paragraph (not `block`, `text`, a template,
/// slot or custom component), and nothing under it is a template, slot or custom component
/// (`using`: the custom tags of the page).
pub(crate) fn item_is_plain(el: &TElement, using: &BTreeMap<String, String>) -> bool {
    fn special(tag: &str, using: &BTreeMap<String, String>) -> bool {
        matches!(tag, "block" | "template" | "slot" | "import" | "include") || using.contains_key(tag)
    }
    fn plain_children(nodes: &[TNode], using: &BTreeMap<String, String>) -> bool {
        nodes.iter().all(|n| match n {
            TNode::Text(_) => true,
            TNode::Element(e) => plain(e, using),
            TNode::Chain(branches) => branches.iter().all(|(_, e)| plain(e, using)),
        })
    }
    fn plain(e: &TElement, using: &BTreeMap<String, String>) -> bool {
        // A `block` inside an item only groups children: it makes no node of its own.
        (e.tag == "block" || !special(&e.tag, using)) && plain_children(&e.children, using)
    }
    !special(&el.tag, using) && el.tag != "text" && plain_children(&el.children, using)
}

/// The (loop, item) pairs of `loops` that a change at path `segs` touches, when every
/// expression reading the path's first name is the list of one of those loops and the path
/// goes into one existing item (`rows[3]`, `rows[3].title`); `None` otherwise (the change
/// needs a full expansion).
pub(crate) fn items_touched(
    loops: &[LoopRecord],
    readers: &HashMap<String, usize>,
    segs: &[Seg],
) -> Option<Vec<(usize, usize)>> {
    let [Seg::Key(name), Seg::Index(i), ..] = segs else {
        return None;
    };
    let hits: Vec<usize> = (0..loops.len()).filter(|&l| loops[l].list == *name).collect();
    if hits.is_empty() || readers.get(name).copied() != Some(hits.len()) {
        return None;
    }
    hits.iter()
        .map(|&l| (*i < loops[l].items.len()).then_some((l, *i)))
        .collect()
}

#[cfg(test)]
mod tests {
    //! The guard of incremental update: after every random patch, a page rendered
    //! incrementally shows exactly what a new page given the same data shows (display list,
    //! node tree, boxes, text), and the incremental path is taken where it should be.

    use cosmic_text::FontSystem;
    use serde_json::{json, Map, Value};

    use crate::page::{Page, RenderStats};
    use crate::DisplayItem;
    use crate::testutil::VP;
    use crate::text::new_font_system;

    /// Random patches per template.
    const STEPS: usize = 120;
    /// Rows of the generated lists: more than the viewport shows.
    const ROWS: usize = 24;

    /// The benchmark's 1000-row list page (`miniapp bench`), with fewer rows.
    const BENCH_XML: &str = r#"<view class="list"><view m:for="{{rows}}" m:key="id" class="row {{item.done ? 'done' : ''}}" bind:tap="onTap" data-id="{{item.id}}"><text>{{index + 1}}. {{item.title}}</text></view></view>"#;
    const BENCH_CSS: &str = ".row { display: flex; padding: 8px; border-bottom: 1px solid #eee; } .done { opacity: 0.5; }";

    /// Rows with conditional parts, nested loops, an inline paragraph, inline styles,
    /// transforms and `:last-child`, between nodes that read other data.
    const RICH_XML: &str = r#"<view class="top"><text>{{title}}</text></view>
<view class="list">
  <view m:for="{{rows}}" m:key="id" class="row {{item.done ? 'done' : ''}} {{item.big ? 'big' : ''}}" style="color: {{item.color}}" data-id="{{item.id}}" bind:tap="onTap">
    <text class="t">{{index}}: {{item.title}}</text>
    <text m:if="{{item.note}}" class="note">{{item.note}}</text>
    <text m:else class="none">-</text>
    <view class="tags"><text m:for="{{item.tags}}" m:for-item="tag" class="tag">{{tag}}</text></view>
    <view class="p">Price: <text class="price {{item.done ? 'old' : ''}}">{{item.price}}</text> each</view>
    <view class="bar" hidden="{{item.hide}}"></view>
  </view>
</view>
<view class="foot">{{title}} end</view>"#;
    const RICH_CSS: &str = ".row { display: flex; flex-direction: column; padding: 4px; border-bottom: 1px solid #ddd; }
.row:last-child { border-bottom: 3px solid #f00; } .row:nth-child(2n) { background-color: #fafafa; }
.done { opacity: 0.5; } .big { font-size: 24px; padding: 12px; } .big .t { transform: translate(4px, 0); }
.tag { background-color: #eee; margin-right: 4px; } .note { color: #c00; } .old { text-decoration: line-through; }
.bar { height: 3px; background-color: #07c160; } .p { font-size: 12px; }";

    /// A per-item filter and items that wrap.
    const FILTER_XML: &str = r#"<scroll-view scroll-y style="height: 300px"><view m:for="{{rows}}" m:if="{{!item.hidden}}" m:key="id" class="r {{item.done ? 'done' : ''}}"><text>{{item.title}}</text></view></scroll-view>
<view m:for="{{rows}}" class="c"><text>{{item.price}}</text></view>"#;
    const FILTER_CSS: &str = ".r { padding: 6px; width: 120px; } .done { background-color: #cfc; } .c { display: inline-block; }";

    /// Sibling combinators and a second reader of the list: every change falls back.
    const FALLBACK_XML: &str = r#"<view m:for="{{rows}}" class="row {{item.done ? 'done' : ''}}"><text>{{item.title}}</text></view><text>{{rows.length}} rows, first {{rows[0].title}}</text>"#;
    const FALLBACK_CSS: &str = ".done + .row { color: #f00; } .row { padding: 2px; }";
    const SIBLING_XML: &str = r#"<view m:for="{{rows}}" class="row {{item.done ? 'done' : ''}}"><text>{{item.title}}</text></view>"#;

    /// A small deterministic generator (xorshift64).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn coin(&mut self) -> bool {
            self.next() & 1 == 1
        }
    }

    fn title(r: &mut Rng) -> String {
        const WORDS: &[&str] = &["row", "number", "changed", "a", "rather", "longer", "title", "that", "wraps", "界"];
        (0..1 + r.below(12)).map(|_| WORDS[r.below(WORDS.len())]).collect::<Vec<_>>().join(" ")
    }

    fn row(r: &mut Rng, id: usize) -> Value {
        let color = ["#333", "#07c160", "red"][r.below(3)];
        json!({
            "id": id,
            "title": title(r),
            "done": r.coin(),
            "big": r.below(4) == 0,
            "note": if r.coin() { "" } else { "a note" },
            "tags": (0..r.below(3)).map(|k| format!("t{k}")).collect::<Vec<_>>(),
            "price": r.below(100),
            "color": color,
            "hide": r.below(5) == 0,
            "hidden": r.below(6) == 0,
        })
    }

    /// A random patch: mostly one row's field, sometimes a whole row, several rows, a key
    /// change, a longer list, another key or one no binding reads.
    fn patch(r: &mut Rng, rows: usize) -> Value {
        let mut m = Map::new();
        let n = if r.below(5) == 0 { 2 + r.below(3) } else { 1 };
        for _ in 0..n {
            let i = r.below(rows);
            let (k, v) = match r.below(20) {
                0..=4 => (format!("rows[{i}].title"), json!(title(r))),
                5..=7 => (format!("rows[{i}].done"), json!(r.coin())),
                8 => (format!("rows[{i}].big"), json!(r.coin())),
                9 => (format!("rows[{i}].note"), json!(if r.coin() { "" } else { "another note" })),
                10 => (format!("rows[{i}].tags"), json!((0..r.below(3)).map(|k| format!("x{k}")).collect::<Vec<_>>())),
                11 => (format!("rows[{i}].price"), json!(r.below(1000))),
                12 => (format!("rows[{i}].color"), json!(["#333", "blue"][r.below(2)])),
                13 => (format!("rows[{i}].hide"), json!(r.coin())),
                14 => (format!("rows[{i}].hidden"), json!(r.coin())),
                15 => {
                    let id = r.below(2 * rows);
                    (format!("rows[{i}]"), row(r, id))
                }
                16 => (format!("rows[{i}].id"), json!(r.below(2 * rows))),
                17 => ("title".to_string(), json!(title(r))),
                18 => ("blob".to_string(), json!(r.next())),
                _ if r.below(4) == 0 => (format!("rows[{rows}]"), row(r, 1000 + rows)),
                _ => (format!("rows[{i}].tags[0]"), json!("y")),
            };
            m.insert(k, v);
        }
        Value::Object(m)
    }

    fn fresh(make: &dyn Fn() -> Page, data: &Value, scroll: f32, f: &mut FontSystem) -> (Page, crate::DisplayList) {
        let mut p = make();
        p.set_data(data).unwrap();
        let mut list = p.render(f).unwrap();
        if scroll > 0.0 {
            p.scroll_by(scroll);
            list = p.render(f).unwrap();
        }
        (p, list)
    }

    /// Runs `STEPS` random patches (and scrolls) on `xml`, comparing each incremental render
    /// with a new page's; returns how the renders were done.
    fn check(xml: &str, css: &str, seed: u64) -> RenderStats {
        check_with(&|| Page::new(xml, "pages/t/t.xml", &[("app.css", css)], VP).unwrap(), seed)
    }

    /// [`check`] for pages that `make` builds.
    fn check_with(make: &dyn Fn() -> Page, seed: u64) -> RenderStats {
        let mut f = new_font_system();
        let mut r = Rng(seed);
        let rows: Vec<Value> = (0..ROWS).map(|i| row(&mut r, i)).collect();
        let mut p = make();
        p.set_data(&json!({"title": "List", "rows": rows})).unwrap();
        p.render(&mut f).unwrap();
        for step in 0..STEPS {
            if r.below(6) == 0 {
                p.scroll_by(r.below(400) as f32 - 150.0);
            }
            let patch = patch(&mut r, p.data()["rows"].as_array().map_or(0, Vec::len));
            p.set_data(&patch).unwrap();
            let list = p.render(&mut f).unwrap();
            let (q, expected) = fresh(make, p.data(), p.scroll_top(), &mut f);
            let ctx = format!("step {step} of seed {seed}, patch {patch}");
            assert_eq!(p.scroll_top(), q.scroll_top(), "{ctx}");
            assert_eq!(p.tree_for_tests().nodes, q.tree_for_tests().nodes, "{ctx}");
            assert_eq!(p.rects, q.rects, "{ctx}");
            assert_eq!(p.text_content(), q.text_content(), "{ctx}");
            assert_eq!(list, expected, "{ctx}");
            assert_eq!(p.layout_node_count(), q.layout_node_count(), "{ctx}");
        }
        p.render_stats()
    }

    #[test]
    fn incremental_renders_of_the_bench_list_equal_fresh_renders() {
        for seed in [1, 2, 3] {
            let s = check(BENCH_XML, BENCH_CSS, seed);
            assert!(s.items > STEPS as u64 / 3, "{s:?}");
            assert!(s.reused > s.painted, "most items are copied: {s:?}");
        }
    }

    #[test]
    fn incremental_renders_of_rich_rows_equal_fresh_renders() {
        for seed in [11, 12, 13] {
            let s = check(RICH_XML, RICH_CSS, seed);
            assert!(s.items > STEPS as u64 / 5, "{s:?}");
            assert!(s.full > 1, "shape changes fall back: {s:?}");
        }
    }

    #[test]
    fn incremental_renders_with_filters_and_two_loops_equal_fresh_renders() {
        for seed in [21, 22] {
            let s = check(FILTER_XML, FILTER_CSS, seed);
            assert!(s.items > STEPS as u64 / 5, "{s:?}");
        }
    }

    #[test]
    fn lists_read_elsewhere_or_sibling_selectors_always_expand_fully() {
        for (xml, css) in [(FALLBACK_XML, ".row { padding: 2px; }"), (SIBLING_XML, FALLBACK_CSS)] {
            let s = check(xml, css, 31);
            assert_eq!(s.items, 0, "{s:?}");
        }
    }

    /// A page with a custom component outside the list, or inside each row, built over the
    /// component set like a host builds it.
    fn with_component(xml: &'static str) -> impl Fn() -> Page {
        move || {
            let def = crate::testutil::component(
                "components/badge/badge",
                "<view class='b'>{{label}} <text>{{n}}</text></view>",
                ".b { padding: 2px; background-color: #fe0; }",
                r#"{"component": true, "properties": {"label": "String", "n": "Number"}}"#,
            );
            let mut set = crate::component::ComponentSet::new();
            set.insert("badge-c", def).unwrap();
            let t = crate::template::Template::parse_with_components(xml, "pages/t/t.xml", 256, None, &set).unwrap();
            Page::with_custom_components(t, crate::page::default_component_styles(), &[("app.css", RICH_CSS)], VP, crate::limits::Limits::default(), set)
                .unwrap()
        }
    }

    #[test]
    fn components_templates_and_nested_loops_fall_back_where_they_must() {
        // A component beside the list: the rows are still patched one by one.
        let beside = with_component(r#"<badge-c label="{{title}}" n="{{3}}"/><view m:for="{{rows}}" class="row {{item.done ? 'done' : ''}}"><text>{{item.title}}</text></view>"#);
        let s = check_with(&beside, 41);
        assert!(s.items > STEPS as u64 / 3, "{s:?}");
        // A component in every row: every change of a row expands the page.
        let inside = with_component(r#"<view m:for="{{rows}}" class="row"><badge-c label="{{item.title}}" n="{{item.price}}"/></view>"#);
        assert_eq!(check_with(&inside, 42).items, 0);
        // A loop inside a `<template is>` or inside another loop is not the page's own.
        let template = r#"<template name="rows"><view m:for="{{rows}}" class="row"><text>{{item.title}}</text></view></template><template is="rows" data="{{rows: rows}}"/>"#;
        assert_eq!(check(template, RICH_CSS, 43).items, 0);
        let nested = r#"<view m:for="{{[1]}}"><view m:for="{{rows}}" class="row"><text>{{item.title}}</text></view></view>"#;
        assert_eq!(check(nested, RICH_CSS, 44).items, 0);
    }

    #[test]
    fn one_row_change_touches_only_that_row_and_a_colour_change_skips_layout() {
        let mut f = new_font_system();
        let mut p = fifty_rows();
        p.render(&mut f).unwrap();
        let before = p.tree_for_tests().clone();
        let computes = p.layout_computes();
        p.set_data(&json!({"rows[20].done": true})).unwrap();
        p.render(&mut f).unwrap();
        assert_eq!(p.render_stats().items, 1);
        let after = p.tree_for_tests();
        let differ: Vec<usize> = (0..after.nodes.len()).filter(|&i| after.nodes[i] != before.nodes[i]).collect();
        let row = after.nodes.iter().position(|n| n.dataset.get("id") == Some(&json!(20))).unwrap();
        assert_eq!(differ, vec![row], "only the row's own node (its class) changed");
        assert_eq!(p.layout_computes(), computes, "opacity is paint-only: the boxes were not computed again");
        // A title change is a layout change of that row.
        p.set_data(&json!({"rows[20].title": "A title long enough to wrap onto a second line of this narrow page, surely"})).unwrap();
        p.render(&mut f).unwrap();
        assert_eq!(p.layout_computes(), computes + 1);
        assert_eq!(p.render_stats().items, 2);
        // A set-data nobody reads renders nothing new.
        p.set_data(&json!({"blob": 1})).unwrap();
        p.render(&mut f).unwrap();
        let s = p.render_stats();
        assert_eq!((s.full, s.items, s.paint_only), (1, 2, 1));
    }

    /// The bench list with 50 rows, not rendered yet.
    fn fifty_rows() -> Page {
        let rows: Vec<Value> = (0..50).map(|i| json!({"id": i, "title": format!("Row {i}"), "done": false})).collect();
        let mut p = Page::new(BENCH_XML, "pages/t/t.xml", &[("app.css", BENCH_CSS)], VP).unwrap();
        p.set_data(&json!({ "rows": rows })).unwrap();
        p
    }

    /// Renders `p`: the display items painted afresh and copied, and the list.
    fn painted_by(p: &mut Page, fonts: &mut FontSystem) -> (u64, u64, crate::DisplayList) {
        let before = p.render_stats();
        let list = p.render(fonts).unwrap();
        let after = p.render_stats();
        (after.painted - before.painted, after.reused - before.reused, list)
    }

    #[test]
    fn one_row_change_paints_that_row_alone_and_copies_the_other_items() {
        let mut f = new_font_system();
        let mut p = fifty_rows();
        let (painted, reused, first) = painted_by(&mut p, &mut f);
        assert_eq!((painted, reused), (first.items.len() as u64, 0), "the first paint copies nothing");
        // Nothing changed: the root's items are copied whole.
        let (painted, reused, again) = painted_by(&mut p, &mut f);
        assert_eq!((painted, reused), (0, first.items.len() as u64));
        assert_eq!(again, first);
        // Row 2's title (a row on screen): its text and border are painted, nothing else.
        let row_items = |list: &crate::DisplayList| list.items.iter().filter(|i| matches!(i, DisplayItem::Text { text, .. } if text.starts_with("3. "))).count();
        assert_eq!(row_items(&first), 1);
        p.set_data(&json!({"rows[2].title": "Renamed"})).unwrap();
        let (painted, reused, list) = painted_by(&mut p, &mut f);
        assert_eq!(p.render_stats().items, 1, "an item re-expansion");
        assert!(painted <= 3, "the row's border, its text (and a layer): {painted} painted");
        assert_eq!(painted + reused, list.items.len() as u64);
        assert!(list.texts().contains(&"3. Renamed"), "{:?}", list.texts());
        // A scroll moves every item: all are painted again.
        p.scroll_by(40.0);
        let (_, reused, _) = painted_by(&mut p, &mut f);
        assert_eq!(reused, 0);
        // A change of the focus, caret or any component state repaints the page.
        p.set_caret_visible(false);
        let (_, reused, _) = painted_by(&mut p, &mut f);
        assert_eq!(reused, 0);
        let (painted, _, _) = painted_by(&mut p, &mut f);
        assert_eq!(painted, 0, "and copies everything when it stays");
    }

    #[test]
    fn a_full_expansion_of_the_same_shape_paints_only_the_nodes_that_differ() {
        let mut f = new_font_system();
        let xml = format!(r#"<view class="top">{{{{title}}}}</view>{BENCH_XML}"#);
        let css = format!("{BENCH_CSS} .top {{ background-color: #fe0; padding: 4px; }}");
        let make = || Page::new(&xml, "pages/t/t.xml", &[("app.css", &css)], VP).unwrap();
        let rows: Vec<Value> = (0..50).map(|i| json!({"id": i, "title": format!("Row {i}"), "done": false})).collect();
        let mut p = make();
        p.set_data(&json!({ "title": "A", "rows": rows })).unwrap();
        p.render(&mut f).unwrap();
        // `title` is read outside the loop: the template expands again, to the same shape.
        p.set_data(&json!({ "title": "B" })).unwrap();
        let (painted, reused, list) = painted_by(&mut p, &mut f);
        assert_eq!(p.render_stats().full, 2);
        assert!(painted <= 2, "the top's box and text: {painted}");
        assert!(reused > 10, "{reused}");
        let (_, expected) = fresh(&make, p.data(), 0.0, &mut f);
        assert_eq!(list, expected);
        // A list that grows changes the shape: everything is painted again.
        p.set_data(&json!({ "rows[50]": {"id": 50, "title": "new", "done": false} })).unwrap();
        let (_, reused, _) = painted_by(&mut p, &mut f);
        assert_eq!(reused, 0);
    }
}
