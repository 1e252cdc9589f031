//! Expansion: template + page data + stylesheets → the node tree of one render (bindings
//! evaluated, `m:if`/`m:for` applied, styles cascaded).

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::css::{parse_inline_style, Diagnostic, Element, RuleIndex, StyleSheet};
use crate::error::{Error, Result};
use crate::expr::{to_display, truthy, Scope};
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
}

impl Node {
    pub fn tag(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Element(t) => Some(t),
            NodeKind::Text(_) => None,
        }
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// An expanded page: node 0 is the `page` root; children follow document order.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Tree {
    pub nodes: Vec<Node>,
}

/// One element on the path from the root to the element being expanded (which is the last),
/// with what sibling selectors need.
///
/// `+`, `~`, `:first-child` and `:nth-child()` look only at earlier siblings, which already
/// exist. `:last-child`, `:nth-last-child()` and `:only-child` need the number of siblings
/// before they are all expanded: when a sheet uses them ([`RuleIndex::needs_sibling_count`]),
/// each element's element children are counted first by a dry run of `m:if`/`m:for`/`block`
/// over the same data ([`Expander::count_elements`]), so styles are still computed in one pass.
struct Anc {
    /// Its node.
    node: usize,
    /// 0-based position among its parent's element children.
    index: usize,
    /// Element children expanded so far.
    children: usize,
    /// Element children it will have, when counted.
    total: Option<usize>,
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
}

impl Element for El<'_> {
    fn tag(&self) -> &str {
        self.nodes[self.node].tag().unwrap_or("")
    }

    fn id(&self) -> Option<&str> {
        self.nodes[self.node].id.as_deref()
    }

    fn classes(&self) -> &[String] {
        &self.nodes[self.node].classes
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
        let d = self.depth.checked_sub(1)?;
        let a = &self.ancestors[d];
        Some(El {
            depth: d,
            node: a.node,
            index: a.index,
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
            ..*self
        })
    }
}

pub(crate) struct Expander<'a> {
    pub sheets: &'a [StyleSheet],
    pub template: &'a Template,
    pub ctx: Ctx,
    pub max_nodes: usize,
    pub max_iterations: usize,
    iterations: usize,
    pub diags: &'a mut Vec<Diagnostic>,
    pub inline_cache: &'a mut HashMap<String, Vec<Decl>>,
    index: RuleIndex,
    nodes: Vec<Node>,
    ancestors: Vec<Anc>,
    block_salts: Vec<String>,
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
        Expander {
            sheets,
            template,
            ctx,
            max_nodes,
            max_iterations,
            iterations: 0,
            diags,
            inline_cache,
            index,
            nodes: Vec::new(),
            ancestors: Vec::new(),
            block_salts: Vec::new(),
        }
    }

    /// Expands the whole page against `data`.
    pub fn expand(mut self, data: &Value) -> Result<Tree> {
        let mut style = Computed::root();
        self.nodes.push(Node {
            kind: NodeKind::Element("page".into()),
            parent: None,
            children: Vec::new(),
            id: None,
            classes: Vec::new(),
            attrs: Vec::new(),
            dataset: Map::new(),
            events: Vec::new(),
            key: None,
            sid: 0,
            style: Computed::root(),
        });
        self.ancestors.push(Anc {
            node: 0,
            index: 0,
            children: 0,
            total: None,
        });
        let decls = self.matching_decls();
        let warnings = style.apply(decls.iter().copied(), style.font_size, self.ctx);
        self.warn(warnings);
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
        if self.index.needs_sibling_count() {
            self.ancestors[0].total = Some(self.count_elements(&template.roots, &root_scope));
        }
        self.nodes_of(&template.roots, &root_scope, 0)?;
        Ok(Tree { nodes: self.nodes })
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

    fn nodes_of(&mut self, tnodes: &[TNode], scope: &Scope<'_>, parent: usize) -> Result<()> {
        for t in tnodes {
            match t {
                TNode::Text(interp) => {
                    let mut s = String::new();
                    for p in &interp.parts {
                        match p {
                            Part::Lit(l) => s.push_str(&collapse_ws(l)),
                            Part::Expr(e) => s.push_str(&to_display(&e.eval(scope))),
                        }
                    }
                    let s =
                        s.trim_matches(|c: char| c == ' ' || c == '\t' || c == '\n' || c == '\r');
                    if s.is_empty() {
                        continue;
                    }
                    let style = self.nodes[parent].style.inherit();
                    self.push(Node {
                        kind: NodeKind::Text(s.to_string()),
                        parent: Some(parent),
                        children: Vec::new(),
                        id: None,
                        classes: Vec::new(),
                        attrs: Vec::new(),
                        dataset: Map::new(),
                        events: Vec::new(),
                        key: None,
                        sid: 0,
                        style,
                    })?;
                }
                TNode::Element(el) => self.element_maybe_for(el, scope, parent)?,
                TNode::Chain(branches) => {
                    for (cond, el) in branches {
                        let take = match cond {
                            None => true,
                            Some(c) => truthy(&c.eval(scope)),
                        };
                        if take {
                            self.element_maybe_for(el, scope, parent)?;
                            break;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn element_maybe_for(&mut self, el: &TElement, scope: &Scope<'_>, parent: usize) -> Result<()> {
        let Some(f) = &el.for_ else {
            return self.element(el, scope, parent, None, None);
        };
        let items = self.for_items(f, scope);
        self.iterations += items.len();
        if self.iterations > self.max_iterations {
            return Err(Error::LimitExceeded {
                what: format!("m:for iterations in one render of {}", self.template.name),
                limit: self.max_iterations,
                actual: self.iterations,
            });
        }
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
            if let Some(filter) = &el.filter {
                if !truthy(&filter.eval(&s2)) {
                    continue;
                }
            }
            let key = f.key.as_ref().map(|k| {
                if k == "*this" {
                    to_display(item)
                } else {
                    to_display(item.get(k).unwrap_or(&Value::Null))
                }
            });
            let salt = key.clone().unwrap_or_else(|| to_display(index));
            self.element(el, &s2, parent, key, Some(salt))?;
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
        el: &TElement,
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
        let mut id = None;
        let mut classes: Vec<String> = Vec::new();
        let mut attrs = Vec::new();
        let mut dataset = Map::new();
        let mut inline: Option<String> = None;
        for a in &el.attrs {
            match a.name.as_str() {
                "id" => id = Some(a.value.eval_string(scope)).filter(|s| !s.is_empty()),
                "class" => {
                    classes = a
                        .value
                        .eval_string(scope)
                        .split_whitespace()
                        .map(str::to_string)
                        .collect()
                }
                "style" => inline = Some(a.value.eval_string(scope)),
                n if n.starts_with("data-") => {
                    dataset.insert(camel(&n[5..]), a.value.eval(scope));
                }
                n => attrs.push((n.to_string(), a.value.eval_string(scope))),
            }
        }
        let component = crate::components::lookup(&el.tag);
        if let Some(c) = component {
            c.classes(&attrs, &mut classes);
        }
        let events = el
            .events
            .iter()
            .map(|e| Binding {
                catch: e.catch,
                event: e.event.clone(),
                handler: e.handler.eval_string(scope),
            })
            .collect();

        let hidden = attrs
            .iter()
            .any(|(n, v)| n == "hidden" && v != "false" && !v.is_empty());
        let parent_style = &self.nodes[parent].style;
        let parent_font = parent_style.font_size;
        let mut style = parent_style.inherit();
        // The node goes in first (styled below) so that matching sees it among its siblings.
        let idx = self.push(Node {
            kind: NodeKind::Element(el.tag.clone()),
            parent: Some(parent),
            children: Vec::new(),
            id,
            classes,
            attrs,
            dataset,
            events,
            key,
            sid: stable_id(self.nodes[parent].sid, el.line, el.col, salt.as_deref(), &self.block_salts),
            style: Computed::root(),
        })?;
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
        });

        // Cascade: matching rules by (specificity, sheet, rule order), then inline style.
        let decls = self.matching_decls();
        let mut warnings = style.apply(decls.iter().copied(), parent_font, self.ctx);
        if let Some(src) = inline {
            let inline_decls = self.inline(&src, el.line, el.col);
            warnings.extend(style.apply(inline_decls.iter(), parent_font, self.ctx));
        }
        self.warn(warnings);
        if hidden {
            style.display = crate::style::Display::None;
        }
        if let Some(c) = component {
            c.adjust_style(&self.nodes[idx].attrs, &mut style);
        }
        self.nodes[idx].style = style;
        if self.index.needs_sibling_count() {
            let total = self.count_elements(&el.children, scope);
            if let Some(a) = self.ancestors.last_mut() {
                a.total = Some(total);
            }
        }
        let r = self.nodes_of(&el.children, scope, idx);
        self.ancestors.pop();
        r
    }

    /// Declarations matching the element on top of `ancestors`, in cascade order.
    fn matching_decls(&self) -> Vec<&'a Decl> {
        let Some(top) = self.ancestors.last() else {
            return Vec::new();
        };
        let el = El {
            nodes: &self.nodes,
            ancestors: &self.ancestors,
            depth: self.ancestors.len() - 1,
            node: top.node,
            index: top.index,
        };
        let sheets: &'a [StyleSheet] = self.sheets;
        self.index.matching(sheets, &el)
    }

    fn warn(&mut self, warnings: Vec<Diagnostic>) {
        for w in warnings {
            push_diag(self.diags, w);
        }
    }

    fn inline(&mut self, src: &str, line: u32, col: u32) -> Vec<Decl> {
        if let Some(d) = self.inline_cache.get(src) {
            return d.clone();
        }
        let (out, diags) = parse_inline_style(src, &self.template.name, line, col);
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

/// A node's stable identity: its parent's, its place in the template and its loop item.
fn stable_id(parent: u64, line: u32, col: u32, salt: Option<&str>, blocks: &[String]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (parent, line, col, salt, blocks).hash(&mut h);
    h.finish() | 1
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
