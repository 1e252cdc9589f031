//! Expansion: template + page data + stylesheets → the node tree of one render (bindings
//! evaluated, `m:if`/`m:for` applied, styles cascaded).

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::css::{parse_inline_style, Diagnostic, ElementRef, RuleIndex, StyleSheet};
use crate::error::{Error, Result};
use crate::expr::{to_display, truthy, Scope};
use crate::style::{Computed, Ctx, Decl, Len};
use crate::template::{Part, TElement, TNode, Template};

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

struct Anc {
    tag: String,
    id: Option<String>,
    classes: Vec<String>,
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
        let decls = self.matching_decls("page", None, &[]);
        style.apply(decls.iter().copied(), style.font_size, self.ctx);
        // The page is as wide as the viewport and at least as tall.
        style.width = Len::Px(self.ctx.vw);
        if style.min_height == Len::Auto {
            style.min_height = Len::Px(self.ctx.vh);
        }
        if style.display == crate::style::Display::None {
            style.display = crate::style::Display::Block;
        }
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
            style,
        });
        self.ancestors.push(Anc {
            tag: "page".into(),
            id: None,
            classes: Vec::new(),
        });
        let template: &'a Template = self.template;
        self.nodes_of(&template.roots, &Scope::Root(data), 0)?;
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
        let list = f.list.eval(scope);
        let items: Vec<(Value, Value)> = match list {
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
        };
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

        // Cascade: matching rules by (specificity, sheet, rule order), then inline style.
        let decls = self.matching_decls(&el.tag, id.as_deref(), &classes);
        let parent_style = &self.nodes[parent].style;
        let parent_font = parent_style.font_size;
        let mut style = parent_style.inherit();
        style.apply(decls.iter().copied(), parent_font, self.ctx);
        if let Some(src) = inline {
            let inline_decls = self.inline(&src, el.line);
            style.apply(inline_decls.iter(), parent_font, self.ctx);
        }
        if attrs
            .iter()
            .any(|(n, v)| n == "hidden" && v != "false" && !v.is_empty())
        {
            style.display = crate::style::Display::None;
        }
        if let Some(c) = component {
            c.adjust_style(&attrs, &mut style);
        }
        let idx = self.push(Node {
            kind: NodeKind::Element(el.tag.clone()),
            parent: Some(parent),
            children: Vec::new(),
            id: id.clone(),
            classes: classes.clone(),
            attrs,
            dataset,
            events,
            key,
            sid: stable_id(self.nodes[parent].sid, el.line, el.col, salt.as_deref(), &self.block_salts),
            style,
        })?;
        self.ancestors.push(Anc {
            tag: el.tag.clone(),
            id,
            classes,
        });
        let r = self.nodes_of(&el.children, scope, idx);
        self.ancestors.pop();
        r
    }

    fn matching_decls(&self, tag: &str, id: Option<&str>, classes: &[String]) -> Vec<&'a Decl> {
        let ancestors: Vec<ElementRef<'_>> = self
            .ancestors
            .iter()
            .map(|a| ElementRef {
                tag: &a.tag,
                id: a.id.as_deref(),
                classes: &a.classes,
            })
            .collect();
        let sheets: &'a [StyleSheet] = self.sheets;
        self.index
            .matching(sheets, &ElementRef { tag, id, classes }, &ancestors)
    }

    fn inline(&mut self, src: &str, line: u32) -> Vec<Decl> {
        if let Some(d) = self.inline_cache.get(src) {
            return d.clone();
        }
        let mut out = Vec::new();
        // Each declaration on its own, so one bad (often half-bound) value drops only itself.
        for part in src.split(';').filter(|p| !p.trim().is_empty()) {
            match parse_inline_style(part, &self.template.name, line) {
                Ok((mut d, diags)) => {
                    out.append(&mut d);
                    for diag in diags {
                        push_diag(self.diags, diag);
                    }
                }
                Err(e) => push_diag(
                    self.diags,
                    Diagnostic {
                        file: self.template.name.clone(),
                        line,
                        message: format!("style attribute: {}", strip_place(&e)),
                    },
                ),
            }
        }
        if self.inline_cache.len() < 1024 {
            self.inline_cache.insert(src.to_string(), out.clone());
        }
        out
    }
}

fn strip_place(e: &Error) -> String {
    match e {
        Error::Style { kind, .. } => kind.to_string(),
        other => other.to_string(),
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
