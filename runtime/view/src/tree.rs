//! Expansion: template + page data + stylesheets → the node tree of one render (bindings
//! evaluated, `m:if`/`m:for` applied, styles cascaded).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use serde_json::{Map, Value};

use crate::color::Color;
use crate::component::{ComponentDef, ComponentSet, MAX_COMPONENT_DEPTH};
use crate::css::{parse_inline_style, Diagnostic, Element, RuleIndex, StyleSheet};
use crate::error::{Error, Result};
use crate::expr::{to_display, truthy, Scope};
use crate::limits::{DEFAULT_MAX_DEPTH, DEFAULT_MAX_TEMPLATE_NESTING};
use crate::style::{Computed, Ctx, Decl, Len};
use crate::template::{ForSpec, Part, TElement, TNode, Template};

/// What a node is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NodeKind {
    /// A component (`view`, `button`, the `page` root...).
    Element(String),
    /// A run of text (the child of an element).
    Text(String),
}

/// An event binding after evaluation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Binding {
    pub catch: bool,
    pub event: String,
    pub handler: String,
}

/// One styled piece of an inline paragraph: the text of one text node, styled by the
/// `<text>` elements around it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Span {
    /// The text node this piece comes from.
    pub node: usize,
    pub text: String,
    pub font_size: f32,
    pub line_height: f32,
    pub bold: bool,
    pub color: Color,
    /// The background of the innermost `<text>` around it that has one.
    pub background: Color,
    /// The opacity of the `<text>` elements between the paragraph and the piece.
    pub opacity: f32,
}

/// One node of an expanded page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub kind: NodeKind,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    pub id: Option<String>,
    pub classes: Vec<String>,
    pub attrs: Vec<(String, String)>,
    pub dataset: Map<String, Value>,
    pub events: Vec<Binding>,
    /// `m:key` value, for matching list items across renders.
    pub key: Option<String>,
    /// Stable identity across renders (template position, loop key or index, parent's sid):
    /// what component state (scroll offset, caret, checked) is kept under.
    pub sid: u64,
    pub style: Computed,
    /// Set on an element whose children are only text and inline `<text>` elements: its
    /// whole content flows as one paragraph of these spans (the descendants get no boxes).
    pub para: Option<Vec<Span>>,
    /// The custom component instance (its host's `sid`) whose template wrote this node;
    /// `None` for the page's own nodes (slot content and hosts belong to their writer).
    pub owner: Option<u64>,
}

impl Node {
    /// A node with nothing but its kind, place, style and owner (the page root, a text).
    fn bare(kind: NodeKind, parent: Option<usize>, style: Computed, owner: Option<u64>) -> Node {
        Node {
            kind,
            parent,
            children: Vec::new(),
            id: None,
            classes: Vec::new(),
            attrs: Vec::new(),
            dataset: Map::new(),
            events: Vec::new(),
            key: None,
            sid: 0,
            style,
            para: None,
            owner,
        }
    }

    pub fn tag(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Element(t) => Some(t),
            NodeKind::Text(_) => None,
        }
    }

    /// The text of the paragraph this node holds, if it holds one.
    pub fn para_text(&self) -> Option<String> {
        self.para
            .as_ref()
            .map(|spans| spans.iter().map(|s| s.text.as_str()).collect())
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// How many nodes one expansion of `el` makes when every `m:for` inside has one item and every
/// `m:if` chain shows its first branch (a `block` counts too: a capacity hint).
fn template_nodes(el: &TElement) -> usize {
    1 + el
        .children
        .iter()
        .map(|c| match c {
            TNode::Text(_) => 1,
            TNode::Element(e) => template_nodes(e),
            TNode::Chain(branches) => branches.first().map_or(0, |(_, e)| template_nodes(e)),
        })
        .sum::<usize>()
}

/// An expanded page: node 0 is the `page` root; children follow document order.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Tree {
    pub nodes: Vec<Node>,
    /// The custom component hosts, in document order.
    pub hosts: Vec<Host>,
    /// The page-scope `m:for` loops whose items can be re-expanded one at a time
    /// ([`Expander::reexpand_item`]), in document order.
    pub loops: Vec<LoopRecord>,
}

/// A `m:for` of the page's own template, expanded in the page data's scope (not inside
/// another loop, a `<template is>`, a component or slot content), whose list is one name
/// (`m:for="{{rows}}"`) holding an array, and whose item subtree makes no component, slot or
/// template: what re-expanding one of its items alone needs (see `incremental.rs`).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct LoopRecord {
    /// Where the `m:for` element is in the template: from `roots`, each step a child index
    /// and the branch taken when that child is an `m:if` chain.
    pub tpath: Vec<(u32, u32)>,
    /// The page-data name the list reads (`rows`).
    pub list: String,
    /// The element ancestors at the loop, outermost first (the last is the items' parent).
    pub ancestors: Vec<AncSnap>,
    /// One entry per list element, filtered or not.
    pub items: Vec<ItemRecord>,
}

/// One ancestor on the expander's stack, as [`LoopRecord`] keeps it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct AncSnap {
    node: usize,
    index: usize,
    children: usize,
    total: Option<usize>,
    owner: Option<u64>,
}

/// What one item of a [`LoopRecord`] expanded to.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct ItemRecord {
    /// Its nodes: `start..end` of [`Tree::nodes`] (empty when its filter dropped it).
    pub start: usize,
    /// One past its last node.
    pub end: usize,
    /// Whether the per-item `m:if` let it through.
    pub shown: bool,
    /// Element children the parent had before this item.
    pub siblings_before: usize,
    /// `m:for` iterations counted before this item (the render's running total).
    pub iterations_before: usize,
    /// `m:for` iterations its own subtree counted.
    pub iterations: usize,
    /// Its `m:key` value before duplicates were dropped.
    pub raw_key: Option<String>,
    /// The key its node got (`None` for a duplicate).
    pub key: Option<String>,
}

/// A custom component's host element after expansion.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Host {
    /// Its node.
    pub node: usize,
    /// Its node's `sid` (what the instance is kept under).
    pub sid: u64,
    /// The component's path.
    pub path: String,
    /// The resolved properties (declared type, defaults filled in).
    pub properties: Value,
}

/// A component's stylesheets in cascade order (the built-in defaults, the app and page
/// sheets when it shares them, its own), indexed once per page.
#[derive(Debug)]
pub(crate) struct CompStyles {
    pub sheets: Vec<StyleSheet>,
    pub index: RuleIndex,
}

/// Where the nodes being expanded come from: the page, or one component instance (with the
/// slot content its host was given, to expand in the host's writer's context).
struct Frame<'a> {
    /// The instance's host sid; `None` for the page.
    owner: Option<u64>,
    /// The sheets for this frame's nodes; `None`: the page's.
    styles: Option<&'a CompStyles>,
    /// Custom tags usable here → component paths.
    using: &'a BTreeMap<String, String>,
    /// `externalClasses` given by the host: class name → the user's classes.
    ext: HashMap<String, Vec<String>>,
    /// Components nested around this one (0 for the page).
    depth: usize,
    /// The host's children (slot content).
    slot_children: &'a [TNode],
    /// The host's writer's scope, flattened (what slot content reads).
    slot_data: Value,
    /// The frame the host was written in, with its template and file.
    outer: Option<(Rc<Frame<'a>>, &'a Template, &'a str)>,
}

impl Tree {
    /// The paragraph node that `i` flows in (`i` itself excluded), if any.
    pub fn para_of(&self, i: usize) -> Option<usize> {
        let mut cur = self.nodes[i].parent;
        while let Some(p) = cur {
            if self.nodes[p].para.is_some() {
                return Some(p);
            }
            cur = self.nodes[p].parent;
        }
        None
    }
}

/// One element on the path from the root to the element being expanded (which is the last),
/// with what sibling selectors need.
///
/// `+`, `~`, `:first-child` and `:nth-child()` look only at earlier siblings, which already
/// exist. `:last-child`, `:nth-last-child()` and `:only-child` need the number of siblings
/// before they are all expanded: when a sheet uses them ([`RuleIndex::needs_sibling_count`]),
/// each element's element children are counted first by a dry run of `m:if`/`m:for`/`block`
/// over the same data ([`Expander::count_elements`]), so styles are still computed in one pass.
#[derive(Clone, Copy)]
struct Anc {
    /// Its node.
    node: usize,
    /// 0-based position among its parent's element children.
    index: usize,
    /// Element children expanded so far.
    children: usize,
    /// Element children it will have, when counted.
    total: Option<usize>,
    /// Its node's owner (see [`Node::owner`]).
    owner: Option<u64>,
}

/// An expanded element (or the one being styled) as selector matching sees it.
#[derive(Clone, Copy)]
struct El<'t> {
    nodes: &'t [Node],
    ancestors: &'t [Anc],
    /// Depth of its parent's `Anc` + 1 (0 for the root).
    depth: usize,
    node: usize,
    index: usize,
    /// The owner whose sheets are matching: ancestors owned by others are skipped, so
    /// selectors see only their own component's (or the page's) nodes.
    owner: Option<u64>,
    /// Classes to match instead of the node's (external classes, matched by the user's sheets).
    classes: Option<&'t [String]>,
}

impl Element for El<'_> {
    fn tag(&self) -> &str {
        self.nodes[self.node].tag().unwrap_or("")
    }

    fn id(&self) -> Option<&str> {
        self.nodes[self.node].id.as_deref()
    }

    fn classes(&self) -> &[String] {
        self.classes.unwrap_or(&self.nodes[self.node].classes)
    }

    fn index(&self) -> usize {
        self.index
    }

    fn sibling_count(&self) -> Option<usize> {
        match self.depth {
            0 => Some(1),
            d => self.ancestors[d - 1].total,
        }
    }

    fn parent(&self) -> Option<Self> {
        let mut d = self.depth.checked_sub(1)?;
        // Above a component's own nodes is its host (which only `:host` matches).
        while self.ancestors[d].owner != self.owner
            && (self.owner.is_none() || self.owner != Some(self.nodes[self.ancestors[d].node].sid))
        {
            d = d.checked_sub(1)?;
        }
        let a = &self.ancestors[d];
        Some(El {
            depth: d,
            node: a.node,
            index: a.index,
            classes: None,
            ..*self
        })
    }

    fn prev(&self) -> Option<Self> {
        let index = self.index.checked_sub(1)?;
        let siblings = &self.nodes[self.nodes[self.node].parent?].children;
        let pos = siblings.binary_search(&self.node).ok()?;
        let node = *siblings[..pos]
            .iter()
            .rev()
            .find(|&&n| self.nodes[n].tag().is_some())?;
        Some(El {
            node,
            index,
            classes: None,
            ..*self
        })
    }

    fn is_host(&self) -> bool {
        self.owner.is_some() && self.owner == Some(self.nodes[self.node].sid)
    }
}

pub(crate) struct Expander<'a> {
    pub sheets: &'a [StyleSheet],
    pub template: &'a Template,
    pub ctx: Ctx,
    pub max_nodes: usize,
    pub max_iterations: usize,
    /// Deepest element nesting after expansion (templates used in templates add up).
    pub max_depth: usize,
    iterations: usize,
    pub diags: &'a mut Vec<Diagnostic>,
    pub inline_cache: &'a mut HashMap<String, Vec<Decl>>,
    index: RuleIndex,
    nodes: Vec<Node>,
    ancestors: Vec<Anc>,
    block_salts: Vec<String>,
    /// Whitespace trimmed off each text node: (before, after).
    text_ws: HashMap<usize, (bool, bool)>,
    /// Nodes preceded by a whitespace-only text (a space between inline elements).
    space_before: HashSet<usize>,
    /// `<text>` elements that can flow inline (no box of their own, only inline content).
    inline_ok: HashSet<usize>,
    /// The file whose nodes are being expanded (a template may come from an imported file).
    file: &'a str,
    /// `<template is>` uses being expanded, one inside another.
    template_nesting: usize,
    /// `<template is>` uses expanded in this render (bounded like `m:for` iterations).
    template_uses: usize,
    /// The custom components the page may use.
    components: &'a ComponentSet,
    /// Each component's sheets, by path.
    comp_styles: &'a HashMap<String, CompStyles>,
    /// Each live instance's own data (set-component-data), by host sid.
    instance_data: &'a HashMap<u64, (String, Value)>,
    /// The page or component whose nodes are being expanded.
    frame: Rc<Frame<'a>>,
    /// Hosts expanded so far.
    hosts: Vec<Host>,
    /// The page data of this expansion (compared by address only, to tell its scope from
    /// the data of a `<template is>` or slot content).
    root_data: *const Value,
    /// Where the template node being expanded is (see [`LoopRecord::tpath`]).
    tpath: Vec<(u32, u32)>,
    /// Page-scope loops expanded so far.
    loops: Vec<LoopRecord>,
    /// What the front end told the page about each image source (`image mode="widthFix"`).
    images: &'a HashMap<String, crate::components::ImageInfo>,
    /// The stable identity of the element being pressed (its `hover-class` applies).
    hover: Option<u64>,
    /// The sheets of the component whose host [`Expander::open`] styles next: their `:host`
    /// rules go first in its cascade.
    host_styles: Option<&'a CompStyles>,
}

/// The whitespace the template trims and collapses (not NBSP).
fn is_ws(c: char) -> bool {
    c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

/// The components of a page without custom components (and no image sizes).
type NoComponents = (ComponentSet, HashMap<String, CompStyles>, HashMap<u64, (String, Value)>, HashMap<String, crate::components::ImageInfo>);
static NO_COMPONENTS: std::sync::OnceLock<NoComponents> = std::sync::OnceLock::new();

fn no_components() -> &'static NoComponents {
    NO_COMPONENTS.get_or_init(Default::default)
}

impl<'a> Expander<'a> {
    pub fn new(
        sheets: &'a [StyleSheet],
        template: &'a Template,
        ctx: Ctx,
        max_nodes: usize,
        max_iterations: usize,
        diags: &'a mut Vec<Diagnostic>,
        inline_cache: &'a mut HashMap<String, Vec<Decl>>,
    ) -> Self {
        let index = RuleIndex::new(sheets);
        let none = no_components();
        Expander {
            sheets,
            template,
            ctx,
            max_nodes,
            max_iterations,
            max_depth: DEFAULT_MAX_DEPTH,
            iterations: 0,
            diags,
            inline_cache,
            index,
            nodes: Vec::new(),
            ancestors: Vec::new(),
            block_salts: Vec::new(),
            text_ws: HashMap::new(),
            space_before: HashSet::new(),
            inline_ok: HashSet::new(),
            file: template.name.as_str(),
            template_nesting: 0,
            template_uses: 0,
            components: &none.0,
            comp_styles: &none.1,
            instance_data: &none.2,
            frame: Rc::new(Frame {
                owner: None,
                styles: None,
                using: &none.0.tags,
                ext: HashMap::new(),
                depth: 0,
                slot_children: &[],
                slot_data: Value::Null,
                outer: None,
            }),
            hosts: Vec::new(),
            root_data: std::ptr::null(),
            tpath: Vec::new(),
            loops: Vec::new(),
            images: &none.3,
            hover: None,
            host_styles: None,
        }
    }

    /// The element with stable identity `sid` is being pressed: it gets its `hover-class`.
    pub fn with_hover(mut self, sid: Option<u64>) -> Self {
        self.hover = sid;
        self
    }

    /// Lets components see what the page knows of each image source.
    pub fn with_images(mut self, images: &'a HashMap<String, crate::components::ImageInfo>) -> Self {
        self.images = images;
        self
    }

    /// Lets the page use `components` (sheets by path in `styles`); `instances` holds each
    /// live instance's path and own data by host sid.
    pub fn with_components(
        mut self,
        components: &'a ComponentSet,
        styles: &'a HashMap<String, CompStyles>,
        instances: &'a HashMap<u64, (String, Value)>,
    ) -> Self {
        self.components = components;
        self.comp_styles = styles;
        self.instance_data = instances;
        self.frame = Rc::new(Frame {
            owner: None,
            styles: None,
            using: &components.tags,
            ext: HashMap::new(),
            depth: 0,
            slot_children: &[],
            slot_data: Value::Null,
            outer: None,
        });
        self
    }

    /// Whether the sheets of the current frame look at later siblings.
    fn needs_count(&self) -> bool {
        match self.frame.styles {
            Some(s) => s.index.needs_sibling_count(),
            None => self.index.needs_sibling_count(),
        }
    }

    /// Expands the whole page against `data`.
    pub fn expand(mut self, data: &Value) -> Result<Tree> {
        let mut style = Computed::root();
        self.nodes.push(Node::bare(NodeKind::Element("page".into()), None, Computed::root(), None));
        self.ancestors.push(Anc {
            node: 0,
            index: 0,
            children: 0,
            total: None,
            owner: None,
        });
        let decls = self.matching_decls(None, &[]);
        let warnings = style.apply(decls.iter().copied(), style.font_size, self.ctx);
        self.warn_all(warnings);
        // The page is as wide as the viewport and at least as tall.
        style.width = Len::Px(self.ctx.vw);
        if style.min_height == Len::Auto {
            style.min_height = Len::Px(self.ctx.vh);
        }
        if style.display == crate::style::Display::None {
            style.display = crate::style::Display::Block;
        }
        self.nodes[0].style = style;
        let template: &'a Template = self.template;
        let root_scope = Scope::Root(data);
        self.root_data = data;
        if self.needs_count() {
            self.ancestors[0].total = Some(self.count_elements(&template.roots, &root_scope));
        }
        self.nodes_of(&template.roots, &root_scope, 0)?;
        self.make_paragraph(0);
        Ok(Tree {
            nodes: self.nodes,
            hosts: self.hosts,
            loops: self.loops,
        })
    }

    /// Re-expands item `item` of loop `lp` of `tree` (the last expansion, with `data` changed
    /// only inside that item since) and puts its nodes in place of the old ones. Returns the
    /// changed nodes with their old values, or `None`, leaving `tree` as it was, when this
    /// cannot be proven the same as a full expansion: the item's shape (nodes, kinds, tags,
    /// parents, paragraphs), filter, key or nested iteration count changed, the sheets use
    /// `+`/`~`, the list is no longer an array of the same length, or expanding failed (a
    /// full expansion then reports the error).
    pub fn reexpand_item(
        &mut self,
        tree: &mut Tree,
        lp: usize,
        item: usize,
        data: &Value,
    ) -> Option<Vec<(usize, Node)>> {
        self.hosts.clear();
        self.text_ws.clear();
        self.space_before.clear();
        self.inline_ok.clear();
        self.block_salts.clear();
        self.template_nesting = 0;
        if self.index.has_sibling_combinators() {
            // `prev()` sees siblings by node order: a re-expanded node sits at the end.
            return None;
        }
        let rec = tree.loops.get(lp)?;
        let ir = rec.items.get(item)?.clone();
        let el = crate::incremental::element_at(&self.template.roots, &rec.tpath)?;
        let f = el.for_.as_ref()?;
        match data.get(&rec.list) {
            Some(Value::Array(a)) if a.len() == rec.items.len() => {}
            _ => return None,
        }
        let ancestors: Vec<Anc> = rec
            .ancestors
            .iter()
            .map(|a| Anc {
                node: a.node,
                index: a.index,
                children: a.children,
                total: a.total,
                owner: a.owner,
            })
            .collect();
        let parent = ancestors.last()?.node;
        let list_value = data.get(&rec.list)?;
        let item_value = list_value.get(item)?;
        let index_value = Value::from(item);
        let root = Scope::Root(data);
        let s1 = Scope::Local { name: &f.item, value: item_value, parent: &root };
        let s2 = Scope::Local { name: &f.index, value: &index_value, parent: &s1 };
        let shown = el.filter.as_ref().is_none_or(|c| truthy(&c.eval(&s2)));
        if shown != ir.shown {
            return None;
        }
        if !shown {
            return Some(Vec::new());
        }
        let raw_key = self.item_key(el, f, item_value, &index_value);
        if raw_key != ir.raw_key {
            return None;
        }
        let salt = ir.key.clone().unwrap_or_else(|| to_display(&index_value));
        // The expander's state at the item's start in a full expansion.
        self.nodes = std::mem::take(&mut tree.nodes);
        let old_len = self.nodes.len();
        self.ancestors = ancestors;
        if let Some(a) = self.ancestors.last_mut() {
            a.children = ir.siblings_before;
        }
        self.iterations = ir.iterations_before;
        self.root_data = data;
        // As many nodes as the item had: more would change its shape anyway.
        self.max_nodes = old_len + (ir.end - ir.start);
        let r = self.element(el, &s2, parent, ir.key.clone(), Some(salt));
        let mut nodes = std::mem::take(&mut self.nodes);
        while nodes[parent].children.last().is_some_and(|&c| c >= old_len) {
            nodes[parent].children.pop();
        }
        let fresh = nodes.split_off(old_len);
        let same = r.is_ok()
            && self.iterations - ir.iterations_before == ir.iterations
            && self.hosts.is_empty()
            && same_shape(&nodes, ir.start, ir.end, &fresh, old_len);
        if !same {
            tree.nodes = nodes;
            return None;
        }
        let map = |k: usize| if k >= old_len { k - old_len + ir.start } else { k };
        let mut changed = Vec::new();
        for (j, mut n) in fresh.into_iter().enumerate() {
            n.parent = n.parent.map(map);
            for c in &mut n.children {
                *c = map(*c);
            }
            if let Some(spans) = &mut n.para {
                for sp in spans {
                    sp.node = map(sp.node);
                }
            }
            let slot = ir.start + j;
            if nodes[slot] != n {
                changed.push((slot, std::mem::replace(&mut nodes[slot], n)));
            }
        }
        tree.nodes = nodes;
        Some(changed)
    }

    /// An item's `m:key` value (before duplicates are dropped), warning when the item lacks
    /// the key's field.
    fn item_key(&mut self, el: &TElement, f: &ForSpec, item: &Value, index: &Value) -> Option<String> {
        match f.key.as_deref() {
            None => None,
            Some("*this") => Some(to_display(item)),
            Some(k) => match item.get(k) {
                Some(v) if !v.is_null() => Some(to_display(v)),
                _ => {
                    self.warn(
                        (el.line, el.col),
                        format!(
                            "m:key `{k}`: item {} has no `{k}` (it is matched by position)",
                            to_display(index)
                        ),
                    );
                    None
                }
            },
        }
    }

    /// A [`LoopRecord`] (without items yet) for `el` when it is a loop whose items can be
    /// re-expanded alone (see [`LoopRecord`]).
    fn loop_record(&self, el: &TElement, f: &ForSpec, scope: &Scope<'_>) -> Option<LoopRecord> {
        let page_scope = matches!(scope, Scope::Root(d) if std::ptr::eq(*d, self.root_data));
        if !page_scope || self.frame.owner.is_some() || self.template_nesting > 0 || !self.block_salts.is_empty() {
            return None;
        }
        let list = crate::incremental::sole_name(&f.list)?;
        if !matches!(scope, Scope::Root(d) if matches!(d.get(list), Some(Value::Array(_)))) {
            return None;
        }
        if !crate::incremental::item_is_plain(el, self.frame.using) {
            return None;
        }
        Some(LoopRecord {
            tpath: self.tpath.clone(),
            list: list.to_string(),
            ancestors: self
                .ancestors
                .iter()
                .map(|a| AncSnap {
                    node: a.node,
                    index: a.index,
                    children: a.children,
                    total: a.total,
                    owner: a.owner,
                })
                .collect(),
            items: Vec::new(),
        })
    }

    fn push(&mut self, node: Node) -> Result<usize> {
        if self.nodes.len() >= self.max_nodes {
            return Err(Error::LimitExceeded {
                what: format!("nodes after expanding {}", self.template.name),
                limit: self.max_nodes,
                actual: self.nodes.len() + 1,
            });
        }
        let idx = self.nodes.len();
        if let Some(p) = node.parent {
            self.nodes[p].children.push(idx);
        }
        self.nodes.push(node);
        Ok(idx)
    }

    fn nodes_of(&mut self, tnodes: &'a [TNode], scope: &Scope<'_>, parent: usize) -> Result<()> {
        for (k, t) in tnodes.iter().enumerate() {
            self.tpath.push((k as u32, 0));
            let r = self.tnode(t, scope, parent);
            self.tpath.pop();
            r?;
        }
        Ok(())
    }

    /// One template node of [`Expander::nodes_of`].
    fn tnode(&mut self, t: &'a TNode, scope: &Scope<'_>, parent: usize) -> Result<()> {
        {
            match t {
                TNode::Text(interp) => {
                    // `<text space="ensp|emsp|nbsp" decode>`: kept spaces, decoded values.
                    let p = &self.nodes[parent];
                    let in_text = p.tag() == Some("text");
                    let space = in_text
                        .then(|| match p.attr("space") {
                            Some("ensp") => Some('\u{2002}'),
                            Some("emsp") => Some('\u{2003}'),
                            Some("nbsp") => Some('\u{a0}'),
                            _ => None,
                        })
                        .flatten();
                    let decode = in_text && p.attr("decode").is_some_and(|v| v != "false");
                    // `white-space: pre | pre-wrap` keeps the template's spaces and newlines
                    let pre = matches!(
                        p.style.white_space,
                        crate::style::WhiteSpace::Pre | crate::style::WhiteSpace::PreWrap
                    );
                    let mut s = String::new();
                    for part in &interp.parts {
                        let piece = match part {
                            Part::Lit(l) => l.clone(),
                            Part::Expr(e) => {
                                let v = to_display(&e.eval(scope));
                                if decode {
                                    crate::template::decode_entities(&v)
                                } else {
                                    v
                                }
                            }
                        };
                        match space {
                            Some(sp) => s.extend(piece.chars().map(|c| {
                                if matches!(c, ' ' | '\t' | '\n' | '\r') {
                                    sp
                                } else {
                                    c
                                }
                            })),
                            None if pre => s.push_str(&piece),
                            None => s.push_str(&collapse_ws(&piece)),
                        }
                    }
                    let trimmed = if pre && !s.trim_matches(is_ws).is_empty() {
                        // only the newlines that open and close the element's content go
                        s.trim_matches(|c| c == '\n' || c == '\r')
                    } else {
                        s.trim_matches(is_ws)
                    };
                    self.push_text(&s, trimmed, parent)?;
                }
                TNode::Element(el) => self.element_maybe_for(el, scope, parent)?,
                TNode::Chain(branches) => {
                    for (b, (cond, el)) in branches.iter().enumerate() {
                        let take = match cond {
                            None => true,
                            Some(c) => truthy(&c.eval(scope)),
                        };
                        if take {
                            if let Some(last) = self.tpath.last_mut() {
                                last.1 = b as u32;
                            }
                            self.element_maybe_for(el, scope, parent)?;
                            break;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn element_maybe_for(&mut self, el: &'a TElement, scope: &Scope<'_>, parent: usize) -> Result<()> {
        let Some(f) = &el.for_ else {
            return self.element(el, scope, parent, None, None);
        };
        let mut record = self.loop_record(el, f, scope);
        let items = self.for_items(f, scope);
        self.iterations += items.len();
        if self.iterations > self.max_iterations {
            return Err(Error::LimitExceeded {
                what: format!("m:for iterations in one render of {}", self.template.name),
                limit: self.max_iterations,
                actual: self.iterations,
            });
        }
        // Room for the items' nodes up front: a page's nodes are large, and a long list grew
        // the vector (copying every node) a dozen times.
        self.nodes.reserve(items.len().saturating_mul(template_nodes(el)).min(self.max_nodes.saturating_sub(self.nodes.len())));
        let mut seen_keys: HashSet<String> = HashSet::with_capacity(if f.key.is_some() { items.len() } else { 0 });
        for (index, item) in &items {
            let s1 = Scope::Local {
                name: &f.item,
                value: item,
                parent: scope,
            };
            let s2 = Scope::Local {
                name: &f.index,
                value: index,
                parent: &s1,
            };
            let mut ir = ItemRecord {
                start: self.nodes.len(),
                end: self.nodes.len(),
                siblings_before: self.ancestors.last().map_or(0, |a| a.children),
                iterations_before: self.iterations,
                ..ItemRecord::default()
            };
            if let Some(filter) = &el.filter {
                if !truthy(&filter.eval(&s2)) {
                    if let Some(r) = &mut record {
                        r.items.push(ir);
                    }
                    continue;
                }
            }
            let key = self.item_key(el, f, item, index);
            let raw_key = key.clone();
            let key = key.filter(|k| {
                let fresh = seen_keys.insert(k.clone());
                if !fresh {
                    self.warn(
                        (el.line, el.col),
                        format!(
                            "m:key: the key `{k}` is used by more than one item (the later ones are matched by position)"
                        ),
                    );
                }
                fresh
            });
            let salt = key.clone().unwrap_or_else(|| to_display(index));
            if record.is_some() {
                ir.raw_key = raw_key;
                ir.key = key.clone();
            }
            self.element(el, &s2, parent, key, Some(salt))?;
            if let Some(r) = &mut record {
                ir.shown = true;
                ir.end = self.nodes.len();
                ir.iterations = self.iterations - ir.iterations_before;
                r.items.push(ir);
            }
        }
        if let Some(r) = record {
            self.loops.push(r);
        }
        Ok(())
    }

    /// The (index, item) pairs an `m:for` list gives.
    fn for_items(&self, f: &ForSpec, scope: &Scope<'_>) -> Vec<(Value, Value)> {
        match f.list.eval(scope) {
            Value::Array(a) => a
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::from(i), v))
                .collect(),
            Value::Object(m) => m.into_iter().map(|(k, v)| (Value::String(k), v)).collect(),
            Value::Number(n) => {
                let n = n.as_f64().unwrap_or(0.0).clamp(
                    0.0,
                    (self.max_iterations.saturating_sub(self.iterations) + 1) as f64,
                ) as usize;
                (0..n).map(|i| (Value::from(i), Value::from(i))).collect()
            }
            Value::String(s) => s
                .chars()
                .enumerate()
                .map(|(i, c)| (Value::from(i), Value::String(c.into())))
                .collect(),
            Value::Null | Value::Bool(_) => Vec::new(),
        }
    }

    /// How many elements `tnodes` expand to (a dry run of `m:if`, `m:for` and `block`, for
    /// `:last-child` and friends; see [`Anc`]).
    fn count_elements(&self, tnodes: &[TNode], scope: &Scope<'_>) -> usize {
        let mut n = 0;
        for t in tnodes {
            match t {
                TNode::Text(_) => {}
                TNode::Element(el) => n += self.count_maybe_for(el, scope),
                TNode::Chain(branches) => {
                    if let Some((_, el)) = branches
                        .iter()
                        .find(|(cond, _)| cond.as_ref().is_none_or(|c| truthy(&c.eval(scope))))
                    {
                        n += self.count_maybe_for(el, scope);
                    }
                }
            }
        }
        n
    }

    fn count_maybe_for(&self, el: &TElement, scope: &Scope<'_>) -> usize {
        let one = |scope: &Scope<'_>| {
            if el.tag == "block" {
                self.count_elements(&el.children, scope)
            } else {
                1
            }
        };
        let Some(f) = &el.for_ else {
            return one(scope);
        };
        let items = self.for_items(f, scope);
        if self.iterations + items.len() > self.max_iterations {
            // The expansion itself fails on this list.
            return items.len();
        }
        let mut n = 0;
        for (index, item) in &items {
            let s1 = Scope::Local {
                name: &f.item,
                value: item,
                parent: scope,
            };
            let s2 = Scope::Local {
                name: &f.index,
                value: index,
                parent: &s1,
            };
            if el.filter.as_ref().is_none_or(|c| truthy(&c.eval(&s2))) {
                n += one(&s2);
            }
        }
        n
    }

    fn element(
        &mut self,
        el: &'a TElement,
        scope: &Scope<'_>,
        parent: usize,
        key: Option<String>,
        salt: Option<String>,
    ) -> Result<()> {
        if el.tag == "block" {
            // The loop item of a `<block m:for>` keeps its children's identities apart.
            let pushed = salt.is_some();
            if let Some(s) = salt {
                self.block_salts.push(s);
            }
            let r = self.nodes_of(&el.children, scope, parent);
            if pushed {
                self.block_salts.pop();
            }
            return r;
        }
        if el.tag == "template" {
            return self.use_template(el, scope, parent);
        }
        if el.tag == "slot" && self.frame.owner.is_some() {
            return self.slot(el, scope, parent);
        }
        if let Some(path) = self.frame.using.get(&el.tag) {
            return self.component(el, scope, parent, key, salt, path);
        }
        self.check_depth()?;
        let mut new = NewEl::new(el, key, salt);
        let component = crate::components::lookup(&el.tag);
        for a in &el.attrs {
            match a.name.as_str() {
                "id" | "class" | "style" => self.common_attr(&mut new, &a.name, a.value.eval_string(scope)),
                n if n.starts_with("data-") => {
                    new.dataset.insert(camel(&n[5..]), a.value.eval(scope));
                }
                // A picker's `range="{{list}}"` keeps the list (as JSON text).
                n if component.is_some_and(|c| c.keeps_json(n)) => {
                    let text = match a.value.eval(scope) {
                        v @ (Value::Array(_) | Value::Object(_)) => v.to_string(),
                        v => crate::expr::to_display(&v),
                    };
                    new.attrs.push((n.to_string(), text));
                }
                n => new.attrs.push((n.to_string(), a.value.eval_string(scope))),
            }
        }
        if let Some(c) = component {
            c.classes(&new.attrs, &mut new.classes);
        }
        new.events = self.events(el, scope);
        let idx = self.open(new, parent)?;
        if let Some(c) = component {
            self.adjust_style(idx, c);
        }
        if self.needs_count() {
            let total = self.count_elements(&el.children, scope);
            if let Some(a) = self.ancestors.last_mut() {
                a.total = Some(total);
            }
        }
        let r = if el.tag == "rich-text" {
            // Its content comes from `nodes`, not from the template.
            self.rich_text(idx, (el.line, el.col))
        } else {
            self.nodes_of(&el.children, scope, idx)
        };
        self.ancestors.pop();
        r?;
        self.make_paragraph(idx);
        Ok(())
    }

    /// A text node under `parent` showing `trimmed` (`text` with its edge whitespace cut:
    /// a paragraph joins it to its neighbours with a space where it was); whitespace alone
    /// makes no node, only a space before the next one.
    fn push_text(&mut self, text: &str, trimmed: &str, parent: usize) -> Result<()> {
        if trimmed.is_empty() {
            if !text.is_empty() {
                self.space_before.insert(self.nodes.len());
            }
            return Ok(());
        }
        self.push_text_node(trimmed, (text.starts_with(is_ws), text.ends_with(is_ws)), parent)
    }

    /// A text node under `parent` showing `text` exactly (preformatted: no edge whitespace
    /// trimmed, none added when a paragraph joins it to its neighbours).
    fn push_kept_text(&mut self, text: &str, parent: usize) -> Result<()> {
        if text.is_empty() {
            return Ok(());
        }
        self.push_text_node(text, (false, false), parent)
    }

    /// A text node under `parent` showing `shown`, with whether whitespace stood before and
    /// after it (where a paragraph joins it to its neighbours with a space).
    fn push_text_node(&mut self, shown: &str, edges: (bool, bool), parent: usize) -> Result<()> {
        let style = self.nodes[parent].style.inherit();
        self.text_ws.insert(self.nodes.len(), edges);
        self.push(Node::bare(NodeKind::Text(shown.to_string()), Some(parent), style, self.frame.owner))?;
        Ok(())
    }

    /// Lets component `c` adjust node `idx`'s cascaded style from its attributes and what the
    /// page knows ([`crate::components::Component::adjust_style`]).
    fn adjust_style(&mut self, idx: usize, c: &dyn crate::components::Component) {
        let mut style = std::mem::replace(&mut self.nodes[idx].style, Computed::root());
        c.adjust_style(&self.nodes[idx].attrs, &crate::components::Env { images: self.images }, &mut style);
        self.nodes[idx].style = style;
    }

    /// A `rich-text`'s content: its `nodes` sanitized ([`crate::rich_text`]) and expanded as
    /// `view`s (blocks), `text`s (inline runs) and `image`s; what was dropped is a warning at
    /// the element.
    fn rich_text(&mut self, idx: usize, at: (u32, u32)) -> Result<()> {
        let raw = self.nodes[idx].attr("nodes").unwrap_or_default().to_string();
        let value = if raw.trim_start().starts_with('[') {
            serde_json::from_str(&raw).unwrap_or(Value::String(raw))
        } else {
            Value::String(raw)
        };
        let mut warnings = Vec::new();
        let nodes = crate::rich_text::parse_nodes(&value, &mut warnings);
        for w in warnings {
            self.warn(at, w);
        }
        let mut count = 0u32;
        self.rich_nodes(&nodes, idx, at, &mut count)
    }

    fn rich_nodes(&mut self, nodes: &[crate::rich_text::RNode], parent: usize, at: (u32, u32), count: &mut u32) -> Result<()> {
        use crate::rich_text::{Kind, RNode};
        for node in nodes {
            *count += 1;
            match node {
                RNode::Text(t) => {
                    // `white-space: pre | pre-wrap` (a `pre`'s default) keeps the text's
                    // spaces and newlines as written; otherwise they collapse as in HTML.
                    let pre = matches!(
                        self.nodes[parent].style.white_space,
                        crate::style::WhiteSpace::Pre | crate::style::WhiteSpace::PreWrap
                    );
                    if pre {
                        self.push_kept_text(t, parent)?;
                    } else {
                        let t = crate::rich_text::collapse(t);
                        self.push_text(&t, t.trim_matches(is_ws), parent)?;
                    }
                }
                RNode::Element { kind, class, style, src, children, .. } => {
                    self.check_depth()?;
                    let tag = match kind {
                        Kind::Block | Kind::Break => "view",
                        Kind::Inline => "text",
                        Kind::Image => "image",
                    };
                    let mut attrs = Vec::new();
                    if let Some(src) = src {
                        attrs.push(("src".to_string(), src.clone()));
                        if !style.contains("height:") {
                            attrs.push(("mode".to_string(), "widthFix".to_string()));
                        }
                    }
                    let new = NewEl {
                        tag: tag.to_string(),
                        id: None,
                        classes: class.split_whitespace().map(str::to_string).collect(),
                        ext_classes: Vec::new(),
                        attrs,
                        dataset: Map::new(),
                        events: Vec::new(),
                        key: None,
                        salt: Some(format!("rich-text {count}")),
                        inline: (!style.trim().is_empty()).then(|| style.clone()),
                        line: at.0,
                        col: at.1,
                    };
                    let i = self.open(new, parent)?;
                    if let Some(c) = crate::components::lookup(tag) {
                        self.adjust_style(i, c);
                    }
                    let r = self.rich_nodes(children, i, at, count);
                    self.ancestors.pop();
                    r?;
                    self.make_paragraph(i);
                }
            }
        }
        Ok(())
    }

    /// The page root counts as an ancestor; a parsed file alone never gets this deep.
    fn check_depth(&self) -> Result<()> {
        if self.ancestors.len() > self.max_depth {
            return Err(Error::LimitExceeded {
                what: format!(
                    "element nesting after expanding templates in {}",
                    self.template.name
                ),
                limit: self.max_depth,
                actual: self.ancestors.len(),
            });
        }
        Ok(())
    }

    /// `id`, `class` (external classes of the current component replaced by the user's) and
    /// `style` of an element or a host.
    fn common_attr(&self, new: &mut NewEl, name: &str, value: String) {
        match name {
            "id" => new.id = Some(value).filter(|s| !s.is_empty()),
            "class" => {
                new.classes.clear();
                for c in value.split_whitespace() {
                    match self.frame.ext.get(c) {
                        Some(theirs) => new.ext_classes.extend(theirs.iter().cloned()),
                        None => new.classes.push(c.to_string()),
                    }
                }
                new.classes.extend(new.ext_classes.iter().cloned());
            }
            _ => new.inline = Some(value),
        }
    }

    fn events(&self, el: &TElement, scope: &Scope<'_>) -> Vec<Binding> {
        el.events
            .iter()
            .map(|e| Binding {
                catch: e.catch,
                event: e.event.clone(),
                handler: e.handler.eval_string(scope),
            })
            .collect()
    }

    /// Pushes an element under `parent`, makes it the top ancestor and cascades its style.
    fn open(&mut self, new: NewEl, parent: usize) -> Result<usize> {
        let NewEl {
            tag,
            id,
            classes,
            ext_classes,
            attrs,
            dataset,
            events,
            key,
            salt,
            inline,
            line,
            col,
        } = new;
        let hidden = attrs
            .iter()
            .any(|(n, v)| n == "hidden" && v != "false" && !v.is_empty());
        let parent_style = &self.nodes[parent].style;
        let parent_font = parent_style.font_size;
        let mut style = parent_style.inherit();
        let owner = self.frame.owner;
        // A component's nodes get identities of their own even where its file and the
        // page's share a line and column.
        let base = match owner {
            None => self.nodes[parent].sid,
            Some(o) => self.nodes[parent].sid.wrapping_mul(31).wrapping_add(o),
        };
        // The node goes in first (styled below) so that matching sees it among its siblings.
        let idx = self.push(Node {
            kind: NodeKind::Element(tag),
            parent: Some(parent),
            children: Vec::new(),
            id,
            classes,
            attrs,
            dataset,
            events,
            key,
            sid: stable_id(base, line, col, salt.as_deref(), &self.block_salts),
            style: Computed::root(),
            para: None,
            owner,
        })?;
        // The pressed element wears its `hover-class` while the press lasts.
        if self.hover.is_some() && self.hover == Some(self.nodes[idx].sid) {
            if let Some(hc) = crate::components::hover_class(&self.nodes[idx]) {
                self.nodes[idx].classes.extend(hc.split_whitespace().map(str::to_string));
            }
        }
        let index = match self.ancestors.last_mut() {
            Some(p) => {
                p.children += 1;
                p.children - 1
            }
            None => 0,
        };
        self.ancestors.push(Anc {
            node: idx,
            index,
            children: 0,
            total: None,
            owner,
        });

        // Cascade: a host's `:host` rules, then matching rules by (specificity, sheet, rule
        // order), then inline style.
        let host = self.host_styles.take();
        let decls = self.matching_decls(host, &ext_classes);
        let mut warnings = style.apply(decls.iter().copied(), parent_font, self.ctx);
        if let Some(src) = inline {
            let inline_decls = self.inline(&src, line, col);
            warnings.extend(style.apply(inline_decls.iter(), parent_font, self.ctx));
        }
        self.warn_all(warnings);
        if hidden {
            style.display = crate::style::Display::None;
        }
        self.nodes[idx].style = style;
        Ok(idx)
    }

    /// A custom component's host: an element named by the tag (styled by the sheets of the
    /// frame that wrote it), whose content is the component's template expanded against its
    /// properties merged over its own data.
    fn component(
        &mut self,
        el: &'a TElement,
        scope: &Scope<'_>,
        parent: usize,
        key: Option<String>,
        salt: Option<String>,
        path: &'a str,
    ) -> Result<()> {
        let Some(def) = self.components.defs.get(path) else {
            self.warn(
                (el.line, el.col),
                format!("<{}>: no component `{path}` was given, nothing rendered", el.tag),
            );
            return Ok(());
        };
        let def: &'a ComponentDef = def;
        if self.frame.depth >= MAX_COMPONENT_DEPTH {
            return Err(Error::LimitExceeded {
                what: format!(
                    "custom components nested in one another (MAX_COMPONENT_DEPTH) at <{}> in {}:{}:{}",
                    el.tag, self.file, el.line, el.col
                ),
                limit: MAX_COMPONENT_DEPTH,
                actual: self.frame.depth + 1,
            });
        }
        self.check_depth()?;
        let cfg = &def.config;
        let mut new = NewEl::new(el, key, salt);
        let mut props = Map::new();
        let mut ext = HashMap::new();
        for a in &el.attrs {
            let n = a.name.as_str();
            match n {
                "id" | "class" | "style" => self.common_attr(&mut new, n, a.value.eval_string(scope)),
                "slot" => new.attrs.push((n.to_string(), a.value.eval_string(scope))),
                _ if n.starts_with("data-") => {
                    new.dataset.insert(camel(&n[5..]), a.value.eval(scope));
                }
                _ if cfg.external_classes.iter().any(|c| c == n) => {
                    let theirs: Vec<String> =
                        a.value.eval_string(scope).split_whitespace().map(str::to_string).collect();
                    ext.insert(n.to_string(), theirs);
                }
                _ => {
                    let name = if cfg.properties.contains_key(n) { n.to_string() } else { camel(n) };
                    let Some(spec) = cfg.properties.get(&name) else {
                        new.attrs.push((n.to_string(), a.value.eval_string(scope)));
                        continue;
                    };
                    let v = a.value.eval(scope);
                    if v.is_null() {
                        // A binding to missing data: the property keeps its default.
                        continue;
                    }
                    match spec.ty.convert(v.clone()) {
                        Some(v) => {
                            props.insert(name, v);
                        }
                        None => self.warn(
                            (el.line, el.col),
                            format!(
                                "<{}> attribute `{n}`: property `{name}` is a {}, got {} {v} (its default {} is used)",
                                el.tag,
                                spec.ty.name(),
                                crate::component::json_type(&v),
                                spec.default
                            ),
                        ),
                    }
                }
            }
        }
        for (name, spec) in &cfg.properties {
            props.entry(name.clone()).or_insert_with(|| spec.default.clone());
        }
        new.events = self.events(el, scope);
        self.host_styles = self.comp_styles.get(&def.path);
        let idx = self.open(new, parent);
        self.host_styles = None;
        let idx = idx?;
        let sid = self.nodes[idx].sid;
        let properties = Value::Object(props);
        self.hosts.push(Host {
            node: idx,
            sid,
            path: def.path.clone(),
            properties: properties.clone(),
        });
        // Its own data, then its properties over it.
        let mut data = match self.instance_data.get(&sid) {
            Some((p, Value::Object(d))) if p == &def.path => d.clone(),
            _ => Map::new(),
        };
        if let Value::Object(props) = properties {
            data.extend(props);
        }
        let data = Value::Object(data);
        let has_content = el
            .children
            .iter()
            .any(|c| !matches!(c, TNode::Text(t) if t.as_literal().is_some_and(|s| s.trim().is_empty())));
        let frame = Rc::new(Frame {
            owner: Some(sid),
            styles: self.comp_styles.get(&def.path),
            using: &cfg.using,
            ext,
            depth: self.frame.depth + 1,
            slot_children: &el.children,
            slot_data: if has_content { flatten(scope) } else { Value::Null },
            outer: Some((self.frame.clone(), self.template, self.file)),
        });
        let outer_frame = std::mem::replace(&mut self.frame, frame);
        let outer_template = std::mem::replace(&mut self.template, &def.template);
        let outer_file = std::mem::replace(&mut self.file, def.template.name.as_str());
        let root_scope = Scope::Root(&data);
        if self.needs_count() {
            let total = self.count_elements(&def.template.roots, &root_scope);
            if let Some(a) = self.ancestors.last_mut() {
                a.total = Some(total);
            }
        }
        let r = self.nodes_of(&def.template.roots, &root_scope, idx);
        self.frame = outer_frame;
        self.template = outer_template;
        self.file = outer_file;
        self.ancestors.pop();
        r?;
        self.make_paragraph(idx);
        Ok(())
    }

    /// `<slot/>` / `<slot name="x"/>` in a component: the host's children for that slot
    /// (`slot="x"` on them; the rest go to the default slot), expanded where the host was
    /// written. The slot itself makes no node.
    fn slot(&mut self, el: &TElement, scope: &Scope<'_>, parent: usize) -> Result<()> {
        let name = el
            .attrs
            .iter()
            .find(|a| a.name == "name")
            .map(|a| a.value.eval_string(scope))
            .unwrap_or_default();
        let frame = self.frame.clone();
        let Some((outer, template, file)) = frame.outer.clone() else {
            return Ok(());
        };
        let data = Scope::Root(&frame.slot_data);
        let saved = (
            std::mem::replace(&mut self.frame, outer),
            std::mem::replace(&mut self.template, template),
            std::mem::replace(&mut self.file, file),
        );
        let mut r = Ok(());
        for t in frame.slot_children {
            let target = |e: &TElement| {
                e.attrs
                    .iter()
                    .find(|a| a.name == "slot")
                    .map(|a| a.value.eval_string(&data))
                    .unwrap_or_default()
            };
            let goes_here = match t {
                TNode::Text(_) => name.is_empty(),
                TNode::Element(e) => target(e) == name,
                TNode::Chain(branches) => branches.first().is_some_and(|(_, e)| target(e) == name),
            };
            if goes_here {
                r = self.nodes_of(std::slice::from_ref(t), &data, parent);
                if r.is_err() {
                    break;
                }
            }
        }
        (self.frame, self.template, self.file) = saved;
        r
    }

    /// A warning about the file being expanded.
    fn warn(&mut self, (line, column): (u32, u32), message: String) {
        push_diag(
            self.diags,
            Diagnostic {
                file: self.file.to_string(),
                line,
                column,
                message,
            },
        );
    }

    /// `<template is="{{name}}" data="{{...item, extra: 1}}"/>`: the named definition's
    /// nodes, with the `data` object as their only data.
    fn use_template(&mut self, el: &'a TElement, scope: &Scope<'_>, parent: usize) -> Result<()> {
        let attr = |n: &str| el.attrs.iter().find(|a| a.name == n).map(|a| &a.value);
        let name = attr("is").map(|v| v.eval_string(scope)).unwrap_or_default();
        let template: &'a Template = self.template;
        let Some(def) = template.templates.get(&name) else {
            self.warn(
                (el.line, el.col),
                format!("<template is>: no template named `{name}`, nothing rendered"),
            );
            return Ok(());
        };
        if self.template_nesting >= DEFAULT_MAX_TEMPLATE_NESTING {
            return Err(Error::LimitExceeded {
                what: format!("<template is> uses nested in one another in {}", self.file),
                limit: DEFAULT_MAX_TEMPLATE_NESTING,
                actual: self.template_nesting + 1,
            });
        }
        // Templates that each use the next twice make no nodes yet double the work per level.
        self.template_uses += 1;
        if self.template_uses > self.max_iterations {
            return Err(Error::LimitExceeded {
                what: format!("<template is> uses in one render of {}", self.template.name),
                limit: self.max_iterations,
                actual: self.template_uses,
            });
        }
        let data = match attr("data").map(|v| v.eval(scope)) {
            Some(v @ Value::Object(_)) => v,
            _ => Value::Object(Map::new()),
        };
        let outer = std::mem::replace(&mut self.file, def.file.as_str());
        self.template_nesting += 1;
        let r = self.nodes_of(&def.body, &Scope::Root(&data), parent);
        self.template_nesting -= 1;
        self.file = outer;
        r
    }

    /// Whether every child of `i` is text or a `<text>` that can flow inline.
    fn inline_content(&self, i: usize) -> bool {
        self.nodes[i]
            .children
            .iter()
            .all(|&c| match self.nodes[c].kind {
                NodeKind::Text(_) => true,
                NodeKind::Element(_) => self.inline_ok.contains(&c),
            })
    }

    /// Turns `i` into a paragraph when its content is text plus at least one inline `<text>`
    /// (`Price: <text class="red">9</text>` flows on one line), and marks a `<text>` whose
    /// content is inline as one that can flow in its parent's paragraph.
    fn make_paragraph(&mut self, i: usize) {
        if !self.inline_content(i) {
            return;
        }
        let n = &self.nodes[i];
        if n.tag() == Some("text") && !has_box(&n.style) {
            self.inline_ok.insert(i);
        }
        // A flex container lays its children out as flex items, text included (as in CSS).
        let has_inline_el = n.style.display != crate::style::Display::Flex
            && n.children
                .iter()
                .any(|&c| matches!(self.nodes[c].kind, NodeKind::Element(_)));
        if !has_inline_el {
            return;
        }
        let mut spans = Vec::new();
        let mut pending_space = false;
        let mut stack: Vec<(usize, Color, f32)> = Vec::new();
        let children = self.nodes[i].children.clone();
        for &c in children.iter().rev() {
            stack.push((c, Color::TRANSPARENT, 1.0));
        }
        while let Some((c, bg, opacity)) = stack.pop() {
            let node = &mut self.nodes[c];
            node.para = None;
            if self.space_before.contains(&c) {
                pending_space = true;
            }
            if node.style.display == crate::style::Display::None {
                continue;
            }
            match &node.kind {
                NodeKind::Element(_) => {
                    let bg = if node.style.background.a > 0 {
                        node.style.background
                    } else {
                        bg
                    };
                    let opacity = opacity * node.style.opacity;
                    for &g in node.children.iter().rev() {
                        stack.push((g, bg, opacity));
                    }
                }
                NodeKind::Text(t) => {
                    let (before, after) = self.text_ws.get(&c).copied().unwrap_or_default();
                    let mut text = String::new();
                    let prev_space = spans.last().is_none_or(|s: &Span| s.text.ends_with(' '));
                    if (before || pending_space) && !prev_space {
                        text.push(' ');
                    }
                    text.push_str(t);
                    if after {
                        text.push(' ');
                    }
                    pending_space = false;
                    spans.push(Span {
                        node: c,
                        text,
                        font_size: node.style.font_size,
                        line_height: node.style.line_height_px(self.ctx),
                        bold: node.style.bold,
                        color: node.style.color,
                        background: bg,
                        opacity,
                    });
                }
            }
        }
        if let Some(last) = spans.last_mut() {
            if last.text.ends_with(' ') {
                last.text.pop();
            }
        }
        spans.retain(|s| !s.text.is_empty());
        if !spans.is_empty() {
            self.nodes[i].para = Some(spans);
        }
    }

    /// Declarations matching the element on top of `ancestors`, in cascade order.
    /// Declarations matching the element on top of `ancestors`, in cascade order: the
    /// current frame's sheets, then (for `ext_classes`, the classes a component's user gave
    /// through `externalClasses`) the user's sheets matching those classes.
    fn matching_decls(&self, host: Option<&'a CompStyles>, ext_classes: &[String]) -> Vec<&'a Decl> {
        let Some(top) = self.ancestors.last() else {
            return Vec::new();
        };
        let el = El {
            nodes: &self.nodes,
            ancestors: &self.ancestors,
            depth: self.ancestors.len() - 1,
            node: top.node,
            index: top.index,
            owner: self.frame.owner,
            classes: None,
        };
        // A host's `:host` rules from its component's own sheet (its last) come first: the
        // lowest priority, so its user's rules win whatever their specificity (as in shadow DOM).
        let mut out = match host {
            Some(cs) => {
                let as_host = El { owner: Some(self.nodes[top.node].sid), ..el };
                cs.index.matching_from(&cs.sheets, &as_host, cs.sheets.len().saturating_sub(1))
            }
            None => Vec::new(),
        };
        out.extend(self.match_in(self.frame.styles, &el));
        if !ext_classes.is_empty() {
            if let Some((outer, ..)) = &self.frame.outer {
                let el = El {
                    owner: outer.owner,
                    classes: Some(ext_classes),
                    ..el
                };
                out.extend(self.match_in(outer.styles, &el));
            }
        }
        out
    }

    /// Declarations of `styles` (`None`: the page's sheets) matching `el`.
    fn match_in(&self, styles: Option<&'a CompStyles>, el: &El<'_>) -> Vec<&'a Decl> {
        match styles {
            Some(s) => s.index.matching(&s.sheets, el),
            None => {
                let sheets: &'a [StyleSheet] = self.sheets;
                self.index.matching(sheets, el)
            }
        }
    }

    fn warn_all(&mut self, warnings: Vec<Diagnostic>) {
        for w in warnings {
            push_diag(self.diags, w);
        }
    }

    fn inline(&mut self, src: &str, line: u32, col: u32) -> Vec<Decl> {
        if let Some(d) = self.inline_cache.get(src) {
            return d.clone();
        }
        let (out, diags) = parse_inline_style(src, self.file, line, col);
        for mut diag in diags {
            diag.message = format!("style attribute: {}", diag.message);
            push_diag(self.diags, diag);
        }
        if self.inline_cache.len() < 1024 {
            self.inline_cache.insert(src.to_string(), out.clone());
        }
        out
    }
}

/// Whether the nodes `fresh` (numbered from `base`) have the shape of `nodes[start..end]`:
/// the same count, kinds and tags, parents and children (numbered alike), and paragraph or not.
fn same_shape(nodes: &[Node], start: usize, end: usize, fresh: &[Node], base: usize) -> bool {
    if fresh.len() != end - start {
        return false;
    }
    let map = |k: usize| if k >= base { k - base + start } else { k };
    fresh.iter().zip(&nodes[start..end]).all(|(n, o)| {
        let kind = match (&n.kind, &o.kind) {
            (NodeKind::Element(a), NodeKind::Element(b)) => a == b,
            (NodeKind::Text(_), NodeKind::Text(_)) => true,
            _ => false,
        };
        kind && n.parent.map(map) == o.parent
            && n.para.is_some() == o.para.is_some()
            && n.children.len() == o.children.len()
            && n.children.iter().zip(&o.children).all(|(a, b)| map(*a) == *b)
    })
}

/// A scope as one object (loop variables over the data), for slot content expanded later.
fn flatten(scope: &Scope<'_>) -> Value {
    match scope {
        Scope::Root(v) => (*v).clone(),
        Scope::Local {
            name,
            value,
            parent,
        } => {
            let mut base = flatten(parent);
            if !base.is_object() {
                base = Value::Object(Map::new());
            }
            if let Value::Object(m) = &mut base {
                m.insert((*name).to_string(), (*value).clone());
            }
            base
        }
    }
}

/// What an element will be, before it is pushed and styled.
struct NewEl {
    tag: String,
    id: Option<String>,
    classes: Vec<String>,
    /// The classes that came through `externalClasses` (also in `classes`).
    ext_classes: Vec<String>,
    attrs: Vec<(String, String)>,
    dataset: Map<String, Value>,
    events: Vec<Binding>,
    key: Option<String>,
    salt: Option<String>,
    inline: Option<String>,
    line: u32,
    col: u32,
}

impl NewEl {
    fn new(el: &TElement, key: Option<String>, salt: Option<String>) -> NewEl {
        NewEl {
            tag: el.tag.clone(),
            id: None,
            classes: Vec::new(),
            ext_classes: Vec::new(),
            attrs: Vec::new(),
            dataset: Map::new(),
            events: Vec::new(),
            key,
            salt,
            inline: None,
            line: el.line,
            col: el.col,
        }
    }
}

/// A node's stable identity: its parent's, its place in the template and its loop item.
fn stable_id(parent: u64, line: u32, col: u32, salt: Option<&str>, blocks: &[String]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (parent, line, col, salt, blocks).hash(&mut h);
    h.finish() | 1
}

/// Whether a style gives an element a box of its own (padding, border, margin, a size, a
/// position), which keeps a `<text>` from flowing inline.
fn has_box(s: &Computed) -> bool {
    let zero = |l: &Len| matches!(l, Len::Px(v) if *v == 0.0);
    !s.padding.iter().all(zero)
        || !s.margin.iter().all(zero)
        || (s.border_style.iter().any(|b| *b != crate::style::BorderStyle::None) && !s.border_width.iter().all(zero))
        || s.width != Len::Auto
        || s.height != Len::Auto
        || matches!(s.position, crate::style::Position::Absolute | crate::style::Position::Fixed)
        || s.display == crate::style::Display::Flex
}

/// Adds a diagnostic unless the same one is already there.
pub(crate) fn push_diag(diags: &mut Vec<Diagnostic>, d: Diagnostic) {
    if !diags.contains(&d) && diags.len() < 1000 {
        diags.push(d);
    }
}

/// `item-id` → `itemId` (dataset keys, as in the DOM).
fn camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut up = false;
    for c in s.chars() {
        if c == '-' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Runs of template whitespace (spaces, tabs, newlines) become one space.
fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_ws = false;
    for c in s.chars() {
        if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
            if !in_ws {
                out.push(' ');
            }
            in_ws = true;
        } else {
            out.push(c);
            in_ws = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{new_font_system, DisplayItem, DisplayList, Page, Viewport};
    use serde_json::json;

    fn render(xml: &str, css: &str, data: Value) -> (Page, DisplayList) {
        let vp = Viewport {
            width: 375.0,
            height: 600.0,
        };
        let mut p = Page::new(xml, "pages/t/t.xml", &[("app.css", css)], vp)
            .unwrap_or_else(|e| panic!("{e}"));
        p.set_data(&data).unwrap();
        let list = p.render(&mut new_font_system()).unwrap();
        (p, list)
    }

    /// (x, y, text, colour) of every text item.
    fn texts(list: &DisplayList) -> Vec<(f32, f32, String, Color)> {
        list.items
            .iter()
            .filter_map(|i| match i {
                DisplayItem::Text {
                    rect, text, color, ..
                } => Some((rect.x, rect.y, text.clone(), *color)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_styled_text_inside_a_sentence_stays_on_the_same_line() {
        let (p, list) = render(
            r#"<view class="p">Price: <text class="red">{{price}}</text> yuan</view>"#,
            ".red { color: #ff0000; font-weight: bold; }",
            json!({"price": 9}),
        );
        let t = texts(&list);
        assert_eq!(
            t.iter().map(|x| x.2.as_str()).collect::<Vec<_>>(),
            vec!["Price: ", "9", " yuan"]
        );
        assert!(t.iter().all(|x| x.1 == t[0].1), "one line: {t:?}");
        assert!(t[0].0 < t[1].0 && t[1].0 < t[2].0, "{t:?}");
        assert_eq!(t[1].3, Color::rgb(255, 0, 0));
        assert_eq!(t[0].3, Color::BLACK);
        assert!(list
            .items
            .iter()
            .any(|i| matches!(i, DisplayItem::Text { text, bold: true, .. } if text == "9")));
        assert_eq!(p.text_content(), "Price: 9 yuan");
        assert!(p.find("text=Price: 9 yuan").unwrap().is_some());
        let nine = p.find("text=9").unwrap().expect("the inline text is found");
        assert!(nine.x > t[0].0 && nine.w < 30.0, "{nine:?}");
    }

    #[test]
    fn spans_of_different_sizes_share_a_baseline() {
        let (_, list) = render(
            r#"<view>ab <text class="big">CD</text> ef</view>"#,
            ".big { font-size: 32px; }",
            json!({}),
        );
        let mut fonts = new_font_system();
        let baselines: Vec<f32> = list
            .items
            .iter()
            .filter_map(|i| match i {
                DisplayItem::Text {
                    rect,
                    text,
                    font_size,
                    line_height,
                    bold,
                    ..
                } => {
                    // Shaped as the renderer shapes it, from the item's top.
                    let b = crate::text::text_buffer(
                        &mut fonts,
                        text,
                        *font_size,
                        *line_height,
                        *bold,
                        None,
                        crate::TextAlign::Left,
                    );
                    let run = b.layout_runs().next()?;
                    Some(rect.y + run.line_y - run.line_top)
                }
                _ => None,
            })
            .collect();
        assert_eq!(baselines.len(), 3);
        assert!(
            baselines.iter().all(|b| (b - baselines[0]).abs() < 0.5),
            "{baselines:?}"
        );
    }

    #[test]
    fn a_tap_on_an_inline_text_reaches_its_handler_and_bubbles() {
        let (p, _) = render(
            r#"<view bind:tap="onPara">Read the <text bind:tap="onLink" data-id="{{7}}">terms</text> first</view>"#,
            "",
            json!({}),
        );
        let (x, y) = p.find("text=terms").unwrap().unwrap().center();
        let all = p.hit_test_all(x, y);
        assert_eq!(
            all.iter().map(|e| e.handler.as_str()).collect::<Vec<_>>(),
            vec!["onLink", "onPara"]
        );
        assert_eq!(all[0].event["target"]["dataset"], json!({"id": 7}));
        let (px, py) = p
            .find("text=Read the terms first")
            .unwrap()
            .unwrap()
            .center();
        let _ = (px, py);
        let first = p.find("text=Read the terms first").unwrap().unwrap();
        assert_eq!(
            p.hit_test(first.x + 2.0, first.y + 2.0).unwrap().handler,
            "onPara"
        );
    }

    #[test]
    fn inline_spans_wrap_together_and_keep_their_sizes() {
        let (p, list) = render(
            r#"<view class="c">one two three <text class="big">four five</text> six seven eight nine</view>"#,
            ".c { width: 120px; } .big { font-size: 24px; }",
            json!({}),
        );
        let t = texts(&list);
        let ys: std::collections::BTreeSet<i64> = t.iter().map(|x| x.1 as i64).collect();
        assert!(ys.len() >= 3, "wrapped over lines: {t:?}");
        assert!(list.items.iter().any(
            |i| matches!(i, DisplayItem::Text { font_size, text, .. } if *font_size == 24.0 && text.contains("four"))
        ));
        assert_eq!(
            p.text_content(),
            "one two three four five six seven eight nine"
        );
        let c = p.find(".c").unwrap().unwrap();
        let bottom = t.iter().map(|x| x.1).fold(0.0, f32::max);
        assert!(
            c.h > bottom - c.y,
            "the box grows with its lines: {c:?} {t:?}"
        );
    }

    #[test]
    fn a_paragraph_is_measured_again_when_its_text_changes() {
        let vp = Viewport {
            width: 375.0,
            height: 600.0,
        };
        let mut f = new_font_system();
        let mut p = Page::new(
            r#"<view m:for="{{rows}}">{{item}}</view><view class="p">a <text>{{t}}</text></view>"#,
            "t.xml",
            &[("app.css", ".p { width: 100px; }")],
            vp,
        )
        .unwrap();
        p.set_data(&json!({"t": "b", "rows": []})).unwrap();
        p.render(&mut f).unwrap();
        let short = p.find(".p").unwrap().unwrap();
        p.set_data(&json!({"t": "b c d e f g h i j k l m n o p"}))
            .unwrap();
        p.render(&mut f).unwrap();
        let long = p.find(".p").unwrap().unwrap();
        assert!(long.h > short.h * 2.0, "{short:?} {long:?}");
        // Rows above move the paragraph down; its lines stay.
        p.set_data(&json!({"rows": [1, 2]})).unwrap();
        p.render(&mut f).unwrap();
        let moved = p.find(".p").unwrap().unwrap();
        assert_eq!((moved.h, moved.y > long.y), (long.h, true));
        assert_eq!(
            p.find("text=b c d e f g h i j k l m n o p")
                .unwrap()
                .map(|r| r.y > moved.y - 1.0),
            Some(true)
        );
    }

    #[test]
    fn text_with_a_box_or_beside_a_block_stays_a_block() {
        let (p, list) = render(
            r#"<view>a <text class="tag">b</text></view><view><text>c</text><button>d</button></view>"#,
            ".tag { padding: 4px; }",
            json!({}),
        );
        let t = texts(&list);
        assert_eq!(p.text_content(), "a\nb\nc\nd");
        assert!(t[0].1 < t[1].1, "the padded tag is its own block: {t:?}");
    }

    #[test]
    fn space_and_decode_attributes_shape_the_text() {
        let (p, _) = render(
            r#"<text space="nbsp">a  b</text><text decode>{{s}}</text><text>x&ensp;y&emsp;z</text><text user-select>sel</text>"#,
            "",
            json!({"s": "1&lt;2&nbsp;3"}),
        );
        assert_eq!(
            p.text_content(),
            "a\u{a0}\u{a0}b1<2\u{a0}3x\u{2002}y\u{2003}zsel"
        );
    }

    #[test]
    fn paragraphs_update_after_set_data_and_free_their_layout_nodes() {
        let vp = Viewport {
            width: 375.0,
            height: 600.0,
        };
        let mut f = new_font_system();
        let mut p = Page::new(
            r#"<view>{{a}} <text m:if="{{on}}">on</text><view m:if="{{block}}">blk</view></view>"#,
            "t.xml",
            &[],
            vp,
        )
        .unwrap();
        for (on, block, want) in [
            (true, false, "x on"),
            (true, true, "x\non\nblk"),
            (false, false, "x"),
            (true, false, "x on"),
        ] {
            p.set_data(&json!({"a": "x", "on": on, "block": block}))
                .unwrap();
            p.render(&mut f).unwrap();
            assert_eq!(p.text_content(), want);
            assert_eq!(p.layout_node_count(), p.node_count());
        }
    }

    #[test]
    fn template_uses_render_the_definition_with_the_data_given() {
        let (p, _) = render(
            r#"<template name="cell"><view class="cell">{{title}} x{{count}} {{extra}} {{hidden}}</view></template>
<template name="empty"><view>none</view></template>
<block m:for="{{items}}"><template is="{{item.kind || 'cell'}}" data="{{...item, extra: index + 1}}"/></block>
<template is="cell" data="{{title: 'T', count}}"/>"#,
            "",
            json!({"items": [{"title": "A", "count": 2}, {"kind": "empty"}], "count": 5, "hidden": "page data"}),
        );
        assert_eq!(p.text_content(), "A x2 1\nnone\nT x5");
        assert!(p.warnings().is_empty(), "{:?}", p.warnings());
    }

    #[test]
    fn an_unknown_dynamic_template_name_is_a_warning() {
        let (p, _) = render(
            "<template name='a'><view>a</view></template>\n<template is='{{k}}'/>",
            "",
            json!({"k": "b"}),
        );
        assert_eq!(p.text_content(), "");
        assert_eq!(
            p.warnings()[0].to_string(),
            "pages/t/t.xml:2:1: <template is>: no template named `b`, nothing rendered"
        );
    }

    #[test]
    fn a_template_that_uses_itself_stops_at_the_nesting_limit() {
        let vp = Viewport {
            width: 375.0,
            height: 600.0,
        };
        let mut p = Page::new(
            "<template name='t'><template is='t'/></template><template is='t'/>",
            "t.xml",
            &[],
            vp,
        )
        .unwrap();
        let e = p.render(&mut new_font_system()).unwrap_err().to_string();
        assert!(
            e.starts_with("<template is> uses nested in one another in t.xml: limit is 64"),
            "{e}"
        );
        let mut p = Page::new(
            "<template name='t'><view><view><view><view><view><template is='t'/></view></view></view></view></view></template><template is='t'/>",
            "t.xml",
            &[],
            vp,
        )
        .unwrap();
        let e = p.render(&mut new_font_system()).unwrap_err().to_string();
        assert!(
            e.starts_with("element nesting after expanding templates in t.xml: limit is 256"),
            "{e}"
        );
        // Each template uses the next twice: 2^40 uses, no nodes.
        let mut xml: String = (0..40)
            .map(|k| {
                format!(
                    "<template name='t{k}'><template is='t{n}'/><template is='t{n}'/></template>",
                    n = k + 1
                )
            })
            .collect();
        xml.push_str("<template name='t40'><block/></template><template is='t0'/>");
        let mut p = Page::new(&xml, "t.xml", &[], vp).unwrap();
        let e = p.render(&mut new_font_system()).unwrap_err().to_string();
        assert!(
            e.starts_with("<template is> uses in one render of t.xml: limit is 1000000"),
            "{e}"
        );
        // A recursive tree with an end renders.
        let mut p = Page::new(
            "<template name='n'><view>{{name}}<block m:for='{{kids}}'><template is='n' data='{{...item}}'/></block></view></template><template is='n' data='{{...root}}'/>",
            "t.xml",
            &[],
            vp,
        )
        .unwrap();
        p.set_data(
            &json!({"root": {"name": "a", "kids": [{"name": "b", "kids": [{"name": "c"}]}]}}),
        )
        .unwrap();
        p.render(&mut new_font_system()).unwrap();
        assert_eq!(p.text_content(), "a\nb\nc");
    }

    #[test]
    fn imported_templates_and_included_nodes_render_in_a_page() {
        let files = |path: &str| match path {
            "common/cells.xml" => {
                Some("<template name='cell'><view class='cell'>{{t}}</view></template>".to_string())
            }
            "pages/t/header.xml" => Some("<view class='header'>{{title}}</view>".to_string()),
            _ => None,
        };
        let vp = Viewport {
            width: 375.0,
            height: 600.0,
        };
        let mut p = Page::with_files(
            "<import src='/common/cells.xml'/><include src='header.xml'/><template is='cell' data='{{t: title + \"!\"}}'/>",
            "pages/t/t.xml",
            &[("app.css", ".header { height: 40px; }")],
            vp,
            &files,
        )
        .unwrap();
        p.set_data(&json!({"title": "Hi"})).unwrap();
        p.render(&mut new_font_system()).unwrap();
        assert_eq!(p.text_content(), "Hi\nHi!");
        assert_eq!(p.find(".cell").unwrap().unwrap().y, 40.0);
        let e = Page::new("<include src='header.xml'/>", "p.xml", &[], vp).unwrap_err();
        assert!(
            e.to_string()
                .contains("include `header.xml` needs a bundle"),
            "{e}"
        );
    }

    #[test]
    fn keys_of_strings_and_numbers_work_with_this() {
        let (p, _) = render(
            "<view m:for='{{list}}' m:key='*this'>{{item}}</view>",
            "",
            json!({"list": ["a", 2, "c"]}),
        );
        let tree = p.tree_for_tests();
        let keys: Vec<_> = tree.nodes.iter().filter_map(|n| n.key.clone()).collect();
        assert_eq!(keys, vec!["a", "2", "c"]);
        assert!(p.warnings().is_empty());
    }

    #[test]
    fn missing_and_duplicate_keys_are_warnings_and_fall_back_to_position() {
        let (p, _) = render(
            "<view>\n<view m:for='{{list}}' m:key='id'>{{item.t}}</view></view>",
            "",
            json!({"list": [{"id": 1, "t": "a"}, {"t": "b"}, {"id": 1, "t": "c"}]}),
        );
        assert_eq!(p.text_content(), "a\nb\nc");
        let w: Vec<String> = p.warnings().iter().map(|d| d.to_string()).collect();
        assert_eq!(
            w,
            vec![
                "pages/t/t.xml:2:1: m:key `id`: item 1 has no `id` (it is matched by position)",
                "pages/t/t.xml:2:1: m:key: the key `1` is used by more than one item (the later ones are matched by position)",
            ]
        );
        let keys: Vec<_> = p
            .tree_for_tests()
            .nodes
            .iter()
            .filter_map(|n| n.key.clone())
            .collect();
        assert_eq!(keys, vec!["1"]);
    }

    #[test]
    fn dataset_keys_become_camel_case() {
        assert_eq!(camel("item-id"), "itemId");
        assert_eq!(camel("step"), "step");
    }

    #[test]
    fn template_whitespace_collapses() {
        assert_eq!(collapse_ws("a \n\t b"), "a b");
    }
}
