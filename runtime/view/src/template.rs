//! Template language: a hand-written tokenizer and parser for the XML-like page templates.
//!
//! Elements, `"`/`'` attributes, self-closing tags, comments, `{{ expr }}` in text and in
//! attribute values, `m:if`/`m:elif`/`m:else`, `m:for` (+ `m:for-item`, `m:for-index`,
//! `m:key`), `bind:tap`/`catch:tap` (also `bindtap`/`catchtap`) and `data-*` attributes.
//! A generic XML parser would choke on `{{a < b}}`; this one scans interpolations as a unit.

use std::collections::HashMap;

use crate::error::{Error, Result, TemplateErrorKind};
use crate::expr::{parse_expr, parse_object_body, Expr, Scope};
use crate::limits::{DEFAULT_MAX_DEPTH, DEFAULT_MAX_TEMPLATE_FILES};

/// Tags of the template language itself, besides the components (`block` groups children
/// without a node).
pub const TEMPLATE_TAGS: &[&str] = &["block", "template", "import", "include"];

/// Whether a template may use `tag`: a built-in component or a template-language tag.
pub(crate) fn is_known_tag(tag: &str) -> bool {
    TEMPLATE_TAGS.contains(&tag) || crate::components::lookup(tag).is_some()
}

/// Every tag a template may use, for error messages.
pub fn known_tags() -> Vec<&'static str> {
    let mut tags: Vec<&'static str> = crate::components::specs().map(|s| s.tag).collect();
    for t in TEMPLATE_TAGS {
        if !tags.contains(t) {
            tags.push(t);
        }
    }
    tags
}

/// A parsed template, ready to be expanded against page data.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub(crate) name: String,
    pub(crate) roots: Vec<TNode>,
    /// Every name an expression reads (page data keys and loop variables alike).
    pub(crate) reads: std::collections::HashSet<String>,
    /// `<template name>` definitions visible to `<template is>`: this file's own, then the
    /// ones of the files it imports (its own win).
    pub(crate) templates: HashMap<String, TemplateDef>,
}

/// A `<template name="x">` definition.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TemplateDef {
    pub body: Vec<TNode>,
    /// The file that defines it.
    pub file: String,
}

/// Reads another file of the bundle for `<import>` / `<include>`: given the resolved path
/// (`pages/common/cells.xml`, from the bundle root, no leading `/`), its text, or `None`
/// when there is no such file.
pub type FileResolver<'a> = &'a (dyn Fn(&str) -> Option<String> + Sync);

impl Template {
    /// Parses a template whose `<import src>` and `<include src>` read other files of the
    /// bundle through `files`. `src` resolves relative to the file that names it, or from
    /// the bundle root when it starts with `/`; elements nest at most `max_depth` deep
    /// (counting through includes).
    ///
    /// # Errors
    /// As [`parse_template`], plus, with the file:line:col of the `<import>`/`<include>`: a
    /// path above the bundle root, a file `files` does not have, a file that includes or
    /// imports itself (directly or through others); any error in the other file, with that
    /// file's name; a `<template is="name">` whose literal name is defined nowhere; and
    /// [`Error::LimitExceeded`] past [`DEFAULT_MAX_TEMPLATE_FILES`] files read.
    pub fn parse_with(
        src: &str,
        name: &str,
        max_depth: usize,
        files: FileResolver<'_>,
    ) -> Result<Template> {
        crate::limits::on_big_stack(|| parse_on_this_stack(src, name, max_depth, Some(files), &[]))
    }

    /// [`Template::parse_with`] for a page that uses custom components: the tags of
    /// `components` ([`crate::ComponentSet::tags`]) are accepted besides the built-in ones.
    /// `files` may be `None` for a template without `<import>`/`<include>`.
    ///
    /// # Errors
    /// As [`Template::parse_with`].
    pub fn parse_with_components(
        src: &str,
        name: &str,
        max_depth: usize,
        files: Option<FileResolver<'_>>,
        components: &crate::component::ComponentSet,
    ) -> Result<Template> {
        let tags: Vec<String> = components.tags().into_iter().map(str::to_string).collect();
        parse_with_tags(src, name, max_depth, files, &tags)
    }

    /// The template's name (its file path in the bundle).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Every handler name bound with a literal `bind:*` / `catch:*` attribute, in document
    /// order, without duplicates (for review: which exports the logic must provide).
    pub fn handlers(&self) -> Vec<String> {
        fn walk(nodes: &[TNode], out: &mut Vec<String>) {
            for n in nodes {
                match n {
                    TNode::Element(e) => walk_el(e, out),
                    TNode::Chain(branches) => {
                        for (_, e) in branches {
                            walk_el(e, out);
                        }
                    }
                    TNode::Text(_) => {}
                }
            }
        }
        fn walk_el(e: &TElement, out: &mut Vec<String>) {
            for ev in &e.events {
                if let Some(name) = ev.handler.as_literal() {
                    if !out.iter().any(|h| h == name) {
                        out.push(name.to_string());
                    }
                }
            }
            walk(&e.children, out);
        }
        let mut out = Vec::new();
        walk(&self.roots, &mut out);
        let mut names: Vec<&String> = self.templates.keys().collect();
        names.sort();
        for n in names {
            walk(&self.templates[n].body, &mut out);
        }
        out
    }
}

/// A node of the parsed template.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TNode {
    Element(TElement),
    Text(Interp),
    /// `m:if` / `m:elif` / `m:else` siblings: the first branch whose condition holds
    /// (`None` = else) is rendered.
    Chain(Vec<(Option<Interp>, TElement)>),
}

/// An element of the parsed template.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TElement {
    pub tag: String,
    pub attrs: Vec<TAttr>,
    pub events: Vec<TEvent>,
    pub for_: Option<ForSpec>,
    /// `m:if` on an element that also has `m:for`: a per-item filter.
    pub filter: Option<Interp>,
    pub children: Vec<TNode>,
    pub line: u32,
    pub col: u32,
}

/// One ordinary attribute.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TAttr {
    pub name: String,
    pub value: Interp,
}

/// One event binding: `bind:tap="onTap"` (bubbles) or `catch:tap="onTap"` (stops).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TEvent {
    pub catch: bool,
    pub event: String,
    pub handler: Interp,
}

/// `m:for` and its companions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ForSpec {
    pub list: Interp,
    pub item: String,
    pub index: String,
    pub key: Option<String>,
}

/// Text with `{{ }}` holes.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Interp {
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Part {
    Lit(String),
    Expr(Expr),
}

impl Interp {
    /// The text when there is no `{{ }}` at all.
    pub fn as_literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [] => Some(""),
            [Part::Lit(s)] => Some(s),
            _ => None,
        }
    }

    fn is_blank_literal(&self) -> bool {
        self.parts
            .iter()
            // Only template whitespace: `&nbsp;` or `&ensp;` between tags is kept.
            .all(
                |p| matches!(p, Part::Lit(s) if s.trim_matches([' ', '\t', '\n', '\r']).is_empty()),
            )
    }

    /// A single `{{ }}` yields its value as is; anything else is a string.
    pub fn eval(&self, scope: &Scope<'_>) -> serde_json::Value {
        match self.parts.as_slice() {
            [Part::Expr(e)] => e.eval(scope).into_owned(),
            _ => serde_json::Value::String(self.eval_string(scope)),
        }
    }

    /// The interpolated text.
    pub fn eval_string(&self, scope: &Scope<'_>) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Lit(s) => out.push_str(s),
                Part::Expr(e) => out.push_str(&crate::expr::to_display(&e.eval(scope))),
            }
        }
        out
    }
}

/// Parses a template.
///
/// # Errors
/// [`Error::Template`] with the template name, line:col and the rule: unclosed or mismatched
/// tags, unknown tags, nesting beyond [`DEFAULT_MAX_DEPTH`], unterminated `{{`, comments or
/// attribute values, bad expressions (at the offending token), misplaced `m:elif`/`m:else`,
/// misused directives and `<template>` tags; any `<import>`/`<include>` (there are no other
/// files here: use [`Template::parse_with`]).
pub fn parse_template(src: &str, name: &str) -> Result<Template> {
    parse_template_with_depth(src, name, DEFAULT_MAX_DEPTH)
}

pub(crate) fn parse_template_with_depth(
    src: &str,
    name: &str,
    max_depth: usize,
) -> Result<Template> {
    crate::limits::on_big_stack(|| parse_on_this_stack(src, name, max_depth, None, &[]))
}

/// Parses a template that may also use the tags `custom` (custom components, `slot`).
pub(crate) fn parse_with_tags(
    src: &str,
    name: &str,
    max_depth: usize,
    files: Option<FileResolver<'_>>,
    custom: &[String],
) -> Result<Template> {
    crate::limits::on_big_stack(|| parse_on_this_stack(src, name, max_depth, files, custom))
}

fn parse_on_this_stack(
    src: &str,
    name: &str,
    max_depth: usize,
    files: Option<FileResolver<'_>>,
    custom: &[String],
) -> Result<Template> {
    let mut p = TParser::new(src, name, max_depth, files, vec![name.to_string()], true);
    p.custom = custom;
    let roots = p.nodes(0, None)?;
    let mut templates = std::mem::take(&mut p.imported);
    templates.extend(std::mem::take(&mut p.defs));
    for (is, file, line, col) in &p.uses {
        if !templates.contains_key(is) {
            return Err(Error::Template {
                file: file.clone(),
                line: *line,
                col: *col,
                kind: TemplateErrorKind::UnknownTemplate(is.clone()),
            });
        }
    }
    let mut reads = std::collections::HashSet::new();
    collect_reads(&roots, &mut reads);
    for def in templates.values() {
        collect_reads(&def.body, &mut reads);
    }
    Ok(Template {
        name: name.to_string(),
        reads,
        roots,
        templates,
    })
}

/// `src` of an `<import>`/`<include>` in `from`, as a path from the bundle root.
pub(crate) fn resolve_path(from: &str, src: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let rest = match src.strip_prefix('/') {
        Some(abs) => abs,
        None => {
            parts.extend(from.split('/').filter(|p| !p.is_empty()));
            parts.pop(); // the file name
            src
        }
    };
    for seg in rest.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

enum CondAttr {
    None,
    If(Interp),
    Elif(Interp),
    Else,
}

struct RawElement {
    el: TElement,
    cond: CondAttr,
    cond_name: String,
}

/// What one element of the source becomes.
enum Raw {
    El(Box<RawElement>),
    Text(Interp),
    /// Nothing (`<import>`, `<template name>`) or an included file's nodes.
    Nodes(Vec<TNode>),
}

struct TParser<'a> {
    chars: Vec<char>,
    i: usize,
    line: u32,
    col: u32,
    name: &'a str,
    max_depth: usize,
    files: Option<FileResolver<'a>>,
    /// The files being parsed, outermost first, this one last (to refuse cycles).
    stack: Vec<String>,
    /// Whether `<import>`s are read (not inside an imported file: imports do not chain).
    follow_imports: bool,
    /// The attributes being read belong to a `<template>` (`data` is an object body).
    tag_is_template: bool,
    defs: HashMap<String, TemplateDef>,
    imported: HashMap<String, TemplateDef>,
    /// Literal `<template is>` names with file, line and column, checked at the end.
    uses: Vec<(String, String, u32, u32)>,
    /// Files read so far for the page, through every level of `<import>`/`<include>`.
    files_read: std::rc::Rc<std::cell::Cell<usize>>,
    /// Tags of custom components (and `slot` in a component) this template may use.
    custom: &'a [String],
}

impl<'a> TParser<'a> {
    fn new(
        src: &str,
        name: &'a str,
        max_depth: usize,
        files: Option<FileResolver<'a>>,
        stack: Vec<String>,
        follow_imports: bool,
    ) -> TParser<'a> {
        TParser {
            chars: src.chars().collect(),
            i: 0,
            line: 1,
            col: 1,
            name,
            max_depth,
            files,
            stack,
            follow_imports,
            tag_is_template: false,
            defs: HashMap::new(),
            imported: HashMap::new(),
            uses: Vec::new(),
            files_read: std::rc::Rc::default(),
            custom: &[],
        }
    }

    /// Reads the file an `<import>`/`<include>` at `line:col` names and parses it: its
    /// nodes and its own template definitions.
    fn other_file(
        &mut self,
        tag: &str,
        src: &str,
        depth: usize,
        line: u32,
        col: u32,
    ) -> Result<(Vec<TNode>, HashMap<String, TemplateDef>)> {
        let what = |kind| self.err(line, col, kind);
        let Some(files) = self.files else {
            return Err(what(TemplateErrorKind::NeedsBundle {
                tag: tag.to_string(),
                src: src.to_string(),
            }));
        };
        let Some(path) = resolve_path(self.name, src) else {
            return Err(what(TemplateErrorKind::OutsideRoot {
                tag: tag.to_string(),
                src: src.to_string(),
            }));
        };
        if self.stack.contains(&path) {
            let mut chain = self.stack.clone();
            chain.push(path);
            return Err(what(TemplateErrorKind::Cycle {
                tag: tag.to_string(),
                src: src.to_string(),
                chain,
            }));
        }
        let read = self.files_read.get() + 1;
        if read > DEFAULT_MAX_TEMPLATE_FILES {
            return Err(Error::LimitExceeded {
                what: format!(
                    "files read for <import>/<include> of {} ({}:{line}:{col})",
                    self.stack[0], self.name
                ),
                limit: DEFAULT_MAX_TEMPLATE_FILES,
                actual: read,
            });
        }
        self.files_read.set(read);
        let Some(text) = files(&path) else {
            return Err(what(TemplateErrorKind::FileNotFound {
                tag: tag.to_string(),
                src: src.to_string(),
                path,
            }));
        };
        let mut stack = self.stack.clone();
        stack.push(path.clone());
        let follow = self.follow_imports && tag == "include";
        let mut sub = TParser::new(&text, &path, self.max_depth, self.files, stack, follow);
        sub.files_read = self.files_read.clone();
        sub.custom = self.custom;
        let nodes = sub.nodes(depth, None)?;
        self.uses.append(&mut sub.uses);
        if tag == "include" {
            // The included file's imports serve its own content, here as there.
            for (k, v) in sub.imported {
                self.imported.entry(k).or_insert(v);
            }
        }
        Ok((nodes, sub.defs))
    }

    fn err(&self, line: u32, col: u32, kind: TemplateErrorKind) -> Error {
        Error::Template {
            file: self.name.to_string(),
            line,
            col,
            kind,
        }
    }

    fn here(&self, kind: TemplateErrorKind) -> Error {
        self.err(self.line, self.col, kind)
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn starts_with(&self, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(k, c)| self.chars.get(self.i + k) == Some(&c))
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn bump_n(&mut self, n: usize) {
        for _ in 0..n {
            self.bump();
        }
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    fn describe_here(&self) -> String {
        match self.peek() {
            None => "the end of the template".into(),
            Some(c) => format!("`{c}`"),
        }
    }

    fn name_token(&mut self, attr: bool) -> String {
        let mut s = String::new();
        while let Some(c) = self.peek() {
            let ok = c.is_alphanumeric()
                || c == '-'
                || c == '_'
                || (attr && (c == ':' || c == '.' || c == '@'));
            if !ok {
                break;
            }
            s.push(c);
            self.bump();
        }
        s
    }

    /// Parses sibling nodes until `</closing>` (or the end when `closing` is `None`).
    fn nodes(&mut self, depth: usize, closing: Option<(&str, u32, u32)>) -> Result<Vec<TNode>> {
        let mut raw: Vec<Raw> = Vec::new();
        loop {
            if self.peek().is_none() {
                if let Some((tag, line, col)) = closing {
                    return Err(self.err(line, col, TemplateErrorKind::Unclosed(tag.to_string())));
                }
                break;
            }
            if self.starts_with("<!--") {
                let (line, col) = (self.line, self.col);
                self.bump_n(4);
                loop {
                    if self.peek().is_none() {
                        return Err(self.err(line, col, TemplateErrorKind::UnterminatedComment));
                    }
                    if self.starts_with("-->") {
                        self.bump_n(3);
                        break;
                    }
                    self.bump();
                }
            } else if self.starts_with("</") {
                let (line, col) = (self.line, self.col);
                self.bump_n(2);
                let tag = self.name_token(false);
                self.skip_ws();
                if self.peek() != Some('>') {
                    return Err(self.here(TemplateErrorKind::Unexpected {
                        found: self.describe_here(),
                        expected: "`>` to end the closing tag",
                    }));
                }
                self.bump();
                return match closing {
                    Some((open, ..)) if open == tag => group(self, raw),
                    Some((open, ..)) => Err(self.err(
                        line,
                        col,
                        TemplateErrorKind::MismatchedClose {
                            expected: open.to_string(),
                            found: tag,
                        },
                    )),
                    None => Err(self.err(line, col, TemplateErrorKind::UnexpectedClose(tag))),
                };
            } else if self.peek() == Some('<') {
                raw.push(self.element(depth)?);
            } else {
                let text = self.interp_until(|c| c == '<', None)?;
                if !text.is_blank_literal() {
                    raw.push(Raw::Text(text));
                }
            }
        }
        group(self, raw)
    }

    fn element(&mut self, depth: usize) -> Result<Raw> {
        let (line, col) = (self.line, self.col);
        self.bump(); // '<'
        let tag = self.name_token(false);
        if tag.is_empty() {
            return Err(self.here(TemplateErrorKind::Unexpected {
                found: self.describe_here(),
                expected: "a tag name after `<`",
            }));
        }
        let language = matches!(tag.as_str(), "template" | "import" | "include");
        self.tag_is_template = tag == "template";
        if !language && !is_known_tag(&tag) && !self.custom.contains(&tag) {
            let kind = if crate::components::UNSUPPORTED_TAGS.contains(&tag.as_str()) {
                TemplateErrorKind::UnsupportedTag(tag)
            } else {
                TemplateErrorKind::UnknownTag(tag)
            };
            return Err(self.err(line, col, kind));
        }
        if depth + 1 > self.max_depth {
            return Err(self.err(
                line,
                col,
                TemplateErrorKind::TooDeep {
                    limit: self.max_depth,
                },
            ));
        }
        let mut el = TElement {
            tag: tag.clone(),
            attrs: Vec::new(),
            events: Vec::new(),
            for_: None,
            filter: None,
            children: Vec::new(),
            line,
            col,
        };
        let mut seen: Vec<String> = Vec::new();
        let mut cond = CondAttr::None;
        let mut cond_name = String::new();
        let mut for_list: Option<Interp> = None;
        let (mut for_item, mut for_index, mut for_key) = (None, None, None);
        let self_closing = loop {
            self.skip_ws();
            match self.peek() {
                Some('>') => {
                    self.bump();
                    break false;
                }
                Some('/') if self.starts_with("/>") => {
                    self.bump_n(2);
                    break true;
                }
                None => return Err(self.err(line, col, TemplateErrorKind::Unclosed(tag))),
                _ => {}
            }
            let (aline, acol) = (self.line, self.col);
            let name = self.name_token(true);
            if name.is_empty() {
                return Err(self.here(TemplateErrorKind::Unexpected {
                    found: self.describe_here(),
                    expected: "an attribute name, `>` or `/>`",
                }));
            }
            if seen.contains(&name) {
                return Err(self.err(aline, acol, TemplateErrorKind::DuplicateAttribute(name)));
            }
            seen.push(name.clone());
            self.skip_ws();
            let value = if self.peek() == Some('=') {
                self.bump();
                self.skip_ws();
                let q = match self.peek() {
                    Some(q @ ('"' | '\'')) => q,
                    _ => {
                        return Err(self.here(TemplateErrorKind::Unexpected {
                            found: self.describe_here(),
                            expected: "a quoted attribute value",
                        }))
                    }
                };
                self.bump();
                let v = self.interp_until(|c| c == q, Some(&name))?;
                if self.peek() != Some(q) {
                    return Err(self.err(
                        aline,
                        acol,
                        TemplateErrorKind::UnterminatedAttribute(name),
                    ));
                }
                self.bump();
                v
            } else {
                // A bare attribute (`<input disabled>`) is true.
                Interp {
                    parts: vec![Part::Expr(Expr::Lit(serde_json::Value::Bool(true)))],
                }
            };
            let bad = |reason| {
                self.err(
                    aline,
                    acol,
                    TemplateErrorKind::BadDirective {
                        name: name.clone(),
                        reason,
                    },
                )
            };
            let directive = name.strip_prefix("m:").or_else(|| name.strip_prefix("wx:"));
            if let Some(d) = directive {
                match d {
                    "if" => {
                        cond = CondAttr::If(value);
                        cond_name = name.clone();
                    }
                    "elif" => {
                        cond = CondAttr::Elif(value);
                        cond_name = name.clone();
                    }
                    "else" => {
                        cond = CondAttr::Else;
                        cond_name = name.clone();
                    }
                    "for" => {
                        if value.as_literal().is_some() {
                            return Err(bad("expects a `{{ list }}` binding"));
                        }
                        for_list = Some(value);
                    }
                    "for-item" | "for-index" => {
                        let lit = value
                            .as_literal()
                            .filter(|s| is_ident(s))
                            .ok_or_else(|| bad("expects a plain variable name"))?
                            .to_string();
                        if d == "for-item" {
                            for_item = Some(lit);
                        } else {
                            for_index = Some(lit);
                        }
                    }
                    "key" => {
                        let lit = value
                            .as_literal()
                            .ok_or_else(|| bad("expects a property name or `*this`, not a binding"))?;
                        for_key = Some(lit.to_string());
                    }
                    _ => return Err(bad("unknown directive (known: m:if, m:elif, m:else, m:for, m:for-item, m:for-index, m:key)")),
                }
                continue;
            }
            if let Some((catch, event)) = event_attr(&name) {
                el.events.push(TEvent {
                    catch,
                    event,
                    handler: value,
                });
                continue;
            }
            el.attrs.push(TAttr { name, value });
        };
        if let Some(list) = for_list {
            el.for_ = Some(ForSpec {
                list,
                item: for_item.unwrap_or_else(|| "item".into()),
                index: for_index.unwrap_or_else(|| "index".into()),
                key: for_key,
            });
            if let CondAttr::If(f) = std::mem::replace(&mut cond, CondAttr::None) {
                el.filter = Some(f);
            }
        } else if for_item.is_some() || for_index.is_some() {
            return Err(self.err(
                line,
                col,
                TemplateErrorKind::BadDirective {
                    name: "m:for-item".into(),
                    reason: "needs m:for on the same element",
                },
            ));
        }
        self.tag_is_template = false;
        if !self_closing {
            el.children = self.nodes(depth + 1, Some((&tag, line, col)))?;
        }
        if language {
            return self.language_element(el, cond, cond_name, depth);
        }
        Ok(Raw::El(Box::new(RawElement {
            el,
            cond,
            cond_name,
        })))
    }

    /// `<template name>`, `<template is>`, `<import src>` and `<include src>`.
    fn language_element(
        &mut self,
        el: TElement,
        cond: CondAttr,
        cond_name: String,
        depth: usize,
    ) -> Result<Raw> {
        let (line, col) = (el.line, el.col);
        let bad = |p: &Self, reason: &'static str| {
            p.err(
                line,
                col,
                TemplateErrorKind::BadTemplateTag {
                    tag: el.tag.clone(),
                    reason,
                },
            )
        };
        let attr = |n: &str| el.attrs.iter().find(|a| a.name == n).map(|a| &a.value);
        let literal = |n: &str| attr(n).and_then(|v| v.as_literal().map(str::to_string));
        let plain = el.for_.is_none() && matches!(cond, CondAttr::None) && el.events.is_empty();
        match el.tag.as_str() {
            "template" if attr("is").is_some() => {
                if !el.events.is_empty()
                    || el.attrs.iter().any(|a| a.name != "is" && a.name != "data")
                {
                    return Err(bad(self, "a use takes only `is` and `data`"));
                }
                if !el.children.is_empty() {
                    return Err(bad(
                        self,
                        "a use has no content (write `<template is=\"x\"/>`)",
                    ));
                }
                if let Some(is) = literal("is") {
                    self.uses.push((is, self.name.to_string(), line, col));
                }
                Ok(Raw::El(Box::new(RawElement {
                    el,
                    cond,
                    cond_name,
                })))
            }
            "template" => {
                let Some(name) = literal("name").filter(|n| !n.trim().is_empty()) else {
                    return Err(bad(
                        self,
                        "needs `name=\"...\"` (a definition) or `is=\"...\"` (a use)",
                    ));
                };
                if el.attrs.len() != 1 || !plain {
                    return Err(bad(self, "a definition takes only a literal `name`"));
                }
                if self.defs.contains_key(&name) {
                    return Err(self.err(line, col, TemplateErrorKind::DuplicateTemplate(name)));
                }
                self.defs.insert(
                    name,
                    TemplateDef {
                        body: el.children,
                        file: self.name.to_string(),
                    },
                );
                Ok(Raw::Nodes(Vec::new()))
            }
            tag => {
                let Some(src) = literal("src").filter(|s| !s.trim().is_empty()) else {
                    return Err(bad(self, "needs a literal `src=\"path\"`"));
                };
                if el.attrs.len() != 1 || !plain || !el.children.is_empty() {
                    return Err(bad(self, "takes only `src` and no content"));
                }
                if tag == "import" {
                    if !self.follow_imports {
                        // An imported file's own imports are not visible to its importer.
                        return Ok(Raw::Nodes(Vec::new()));
                    }
                    let (_, defs) = self.other_file(tag, &src, depth, line, col)?;
                    self.imported.extend(defs);
                    Ok(Raw::Nodes(Vec::new()))
                } else {
                    let (nodes, _defs) = self.other_file(tag, &src, depth, line, col)?;
                    Ok(Raw::Nodes(nodes))
                }
            }
        }
    }

    /// Reads text with `{{ }}` holes until `stop` matches outside a hole (or the end).
    fn interp_until(&mut self, stop: impl Fn(char) -> bool, attr: Option<&str>) -> Result<Interp> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        while let Some(c) = self.peek() {
            if self.starts_with("{{") {
                let (line, col) = (self.line, self.col);
                self.bump_n(2);
                let mut src = String::new();
                let mut quote: Option<char> = None;
                // `{{ {a: {b: 1}} }}`: braces of object literals nest inside the hole.
                let mut braces = 0usize;
                loop {
                    let Some(c) = self.peek() else {
                        return Err(self.err(
                            line,
                            col,
                            TemplateErrorKind::UnterminatedInterpolation,
                        ));
                    };
                    if let Some(q) = quote {
                        if c == '\\' {
                            src.push(c);
                            self.bump();
                            if let Some(n) = self.bump() {
                                src.push(n);
                            }
                            continue;
                        }
                        if c == q {
                            quote = None;
                        }
                    } else if c == '\'' || c == '"' {
                        if attr.is_some() && stop(c) && !src.contains(c) {
                            // `"{{a}}` with the attribute's own quote inside: the hole never closed.
                            return Err(self.err(
                                line,
                                col,
                                TemplateErrorKind::UnterminatedInterpolation,
                            ));
                        }
                        quote = Some(c);
                    } else if self.starts_with("}}") && braces == 0 {
                        self.bump_n(2);
                        break;
                    } else if c == '{' {
                        braces += 1;
                    } else if c == '}' {
                        braces = braces.saturating_sub(1);
                    }
                    src.push(c);
                    self.bump();
                }
                let object_body = attr == Some("data") && self.tag_is_template;
                let parsed = if object_body {
                    parse_object_body(&src)
                } else {
                    parse_expr(&src)
                };
                let expr = parsed.map_err(|e| {
                    // Point at the offending token: walk from just after the `{{`.
                    let (mut l, mut c) = (line, col + 2);
                    for ch in src.chars().take(e.at) {
                        if ch == '\n' {
                            l += 1;
                            c = 1;
                        } else {
                            c += 1;
                        }
                    }
                    self.err(
                        l,
                        c,
                        TemplateErrorKind::BadExpression {
                            // On one line, so the message stays one line.
                            expr: src.split_whitespace().collect::<Vec<_>>().join(" "),
                            reason: e.reason,
                        },
                    )
                })?;
                if !lit.is_empty() {
                    parts.push(Part::Lit(decode_entities(&std::mem::take(&mut lit))));
                }
                parts.push(Part::Expr(expr));
                continue;
            }
            if stop(c) {
                break;
            }
            lit.push(c);
            self.bump();
        }
        if !lit.is_empty() {
            parts.push(Part::Lit(decode_entities(&lit)));
        }
        Ok(Interp { parts })
    }
}

fn collect_reads(nodes: &[TNode], out: &mut std::collections::HashSet<String>) {
    fn interp(i: &Interp, out: &mut std::collections::HashSet<String>) {
        for p in &i.parts {
            if let Part::Expr(e) = p {
                e.collect_idents(out);
            }
        }
    }
    fn element(e: &TElement, out: &mut std::collections::HashSet<String>) {
        e.attrs.iter().for_each(|a| interp(&a.value, out));
        e.events.iter().for_each(|ev| interp(&ev.handler, out));
        if let Some(f) = &e.for_ {
            interp(&f.list, out);
        }
        if let Some(f) = &e.filter {
            interp(f, out);
        }
        collect_reads(&e.children, out);
    }
    for n in nodes {
        match n {
            TNode::Text(i) => interp(i, out),
            TNode::Element(e) => element(e, out),
            TNode::Chain(branches) => {
                for (c, e) in branches {
                    if let Some(c) = c {
                        interp(c, out);
                    }
                    element(e, out);
                }
            }
        }
    }
}

/// Groups `m:if`/`m:elif`/`m:else` siblings into chains.
fn group(p: &TParser<'_>, raw: Vec<Raw>) -> Result<Vec<TNode>> {
    let mut out: Vec<TNode> = Vec::new();
    let mut chain_open = false;
    for r in raw {
        match r {
            Raw::Text(text) => {
                out.push(TNode::Text(text));
                chain_open = false;
            }
            Raw::Nodes(nodes) => {
                if !nodes.is_empty() {
                    out.extend(nodes);
                    chain_open = false;
                }
            }
            Raw::El(raw) => {
                let RawElement {
                    el,
                    cond,
                    cond_name,
                } = *raw;
                match cond {
                    CondAttr::None => {
                        out.push(TNode::Element(el));
                        chain_open = false;
                    }
                    CondAttr::If(c) => {
                        out.push(TNode::Chain(vec![(Some(c), el)]));
                        chain_open = true;
                    }
                    CondAttr::Elif(_) | CondAttr::Else => {
                        let (line, col) = (el.line, el.col);
                        match out.last_mut() {
                            Some(TNode::Chain(branches)) if chain_open => {
                                let is_else = matches!(cond, CondAttr::Else);
                                let c = match cond {
                                    CondAttr::Elif(c) => Some(c),
                                    _ => None,
                                };
                                branches.push((c, el));
                                chain_open = !is_else;
                            }
                            _ => {
                                return Err(p.err(
                                    line,
                                    col,
                                    TemplateErrorKind::OrphanElse(cond_name),
                                ))
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(out)
}

fn is_ident(s: &str) -> bool {
    let mut cs = s.chars();
    cs.next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && cs.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// `bind:tap` / `bindtap` → (false, "tap"); `catch:tap` / `catchtap` → (true, "tap").
fn event_attr(name: &str) -> Option<(bool, String)> {
    for (prefix, catch) in [
        ("bind:", false),
        ("catch:", true),
        ("bind", false),
        ("catch", true),
    ] {
        if let Some(ev) = name.strip_prefix(prefix) {
            if !ev.is_empty()
                && ev
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Some((catch, ev.to_string()));
            }
        }
    }
    None
}

/// Decodes `&lt; &gt; &amp; &quot; &apos; &nbsp; &ensp; &emsp;` and `&#N;`/`&#xH;`.
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        let end = rest.find(';').filter(|e| *e <= 10);
        let decoded = end.and_then(|e| {
            let ent = &rest[1..e];
            let c = match ent {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                "ensp" => Some('\u{2002}'),
                "emsp" => Some('\u{2003}'),
                _ => ent
                    .strip_prefix("#x")
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(src: &str) -> String {
        parse_template(src, "t.xml").expect_err(src).to_string()
    }

    #[test]
    fn parses_elements_attributes_text_and_comments() {
        let t = parse_template(
            "<!-- c --><view id='a' class=\"b {{x}}\">\n  hi {{name}}!\n  <text>t</text><image src=\"/a.png\"/></view>",
            "t.xml",
        )
        .unwrap();
        assert_eq!(t.roots.len(), 1);
        let TNode::Element(v) = &t.roots[0] else {
            panic!("not an element")
        };
        assert_eq!(v.tag, "view");
        assert_eq!(v.attrs.len(), 2);
        assert_eq!(v.attrs[0].value.as_literal(), Some("a"));
        assert_eq!(v.attrs[1].value.parts.len(), 2);
        assert_eq!(v.children.len(), 3);
        assert!(
            matches!(&v.children[2], TNode::Element(e) if e.tag == "image" && e.children.is_empty())
        );
    }

    #[test]
    fn less_than_inside_an_interpolation_is_not_a_tag() {
        let t = parse_template("<view>{{a < b ? 'lt' : 'ge'}}</view>", "t.xml").unwrap();
        let TNode::Element(v) = &t.roots[0] else {
            panic!()
        };
        assert!(matches!(&v.children[0], TNode::Text(i) if matches!(i.parts[0], Part::Expr(_))));
    }

    #[test]
    fn attribute_values_may_hold_the_other_quote_inside_bindings() {
        let t = parse_template(r#"<view class="item {{done ? 'done' : ''}}"/>"#, "t.xml").unwrap();
        let TNode::Element(v) = &t.roots[0] else {
            panic!()
        };
        assert_eq!(v.attrs[0].value.parts.len(), 2);
    }

    #[test]
    fn unclosed_tag_names_tag_and_position() {
        assert_eq!(
            err("<view>\n  <view>\n</view>"),
            "t.xml:1:1: unclosed <view>"
        );
    }

    #[test]
    fn mismatched_and_stray_closing_tags_are_refused() {
        assert_eq!(
            err("<view><text>a</view></text>"),
            "t.xml:1:14: closing tag </view> does not match open <text>"
        );
        assert_eq!(
            err("<view/></view>"),
            "t.xml:1:8: closing tag </view> has no open element"
        );
    }

    #[test]
    fn unknown_tag_is_refused_with_line_and_column() {
        let e = err("<view>\n    <div>x</div>\n</view>");
        assert!(
            e.starts_with("t.xml:2:5: unknown tag <div> (built-in components: view, text"),
            "{e}"
        );
    }

    #[test]
    fn unterminated_interpolation_points_at_its_start() {
        assert_eq!(
            err("<view>ab {{ count </view>"),
            "t.xml:1:10: unterminated `{{`: expected `}}`"
        );
        assert_eq!(
            err(r#"<view class="{{a"/>"#),
            "t.xml:1:14: unterminated `{{`: expected `}}`"
        );
    }

    #[test]
    fn bad_expressions_are_refused_with_the_expression_text() {
        assert_eq!(
            err("<view>\n{{ a + }}</view>"),
            "t.xml:2:8: bad expression `a +`: expected a value, found the end"
        );
    }

    #[test]
    fn expression_errors_point_at_the_offending_token() {
        assert_eq!(
            err("<view>{{ a + * b }}</view>"),
            "t.xml:1:14: bad expression `a + * b`: expected a value, found `*`"
        );
        assert_eq!(
            err("<view class=\"x {{ ok ?\n  'a' 'b' }}\"/>"),
            "t.xml:2:7: bad expression `ok ? 'a' 'b'`: expected `:`, found 'b'"
        );
        assert!(err("<template is='x' data='{{a: 1 b}}'/>").starts_with("t.xml:1:31:"));
    }

    #[test]
    fn object_literals_may_hold_braces_inside_an_interpolation() {
        let t = parse_template(
            "<view data-x='{{ {a: {b: 1}} }}'>{{ {c: 2}.c }}</view>",
            "t.xml",
        )
        .unwrap();
        let TNode::Element(v) = &t.roots[0] else {
            panic!()
        };
        assert!(matches!(
            &v.attrs[0].value.parts[..],
            [Part::Expr(Expr::Object(_))]
        ));
    }

    fn files(
        list: &'static [(&'static str, &'static str)],
    ) -> impl Fn(&str) -> Option<String> + Sync {
        move |path: &str| {
            list.iter()
                .find(|(p, _)| *p == path)
                .map(|(_, t)| t.to_string())
        }
    }

    fn parse_in(list: &'static [(&'static str, &'static str)], src: &str) -> Result<Template> {
        let f = files(list);
        Template::parse_with(src, "pages/index/index.xml", DEFAULT_MAX_DEPTH, &f)
    }

    #[test]
    fn template_definitions_render_nothing_in_place_and_uses_are_kept() {
        let t = parse_template(
            "<template name='cell'><view>{{title}}</view></template><template is='cell' data='{{...item}}'/>",
            "t.xml",
        )
        .unwrap();
        assert_eq!(t.roots.len(), 1);
        assert!(matches!(&t.roots[0], TNode::Element(e) if e.tag == "template"));
        assert!(t.templates.contains_key("cell"));
    }

    #[test]
    fn template_tags_are_checked() {
        assert_eq!(
            err("<view/>\n  <template is='nope'/>"),
            "t.xml:2:3: no template named `nope` (define it with <template name=\"nope\"> or <import> its file)"
        );
        assert_eq!(
            err("<template name='a'/><template name='a'/>"),
            "t.xml:1:21: template `a` is defined twice"
        );
        assert!(err("<template/>").contains("<template>: needs `name="));
        assert!(err("<template name='a' m:if='{{x}}'/>").contains("only a literal `name`"));
        assert!(err("<template is='a'>x</template><template name='a'/>")
            .contains("a use has no content"));
        assert!(err("<template is='a' class='c'/>").contains("only `is` and `data`"));
        assert!(err("<import/>").contains("<import>: needs a literal `src"));
        // A dynamic name is only known when rendering.
        assert!(parse_template("<template is='{{kind}}'/>", "t.xml").is_ok());
    }

    #[test]
    fn import_and_include_need_a_bundle() {
        assert_eq!(
            err("<view/>\n<include src='header.xml'/>"),
            "t.xml:2:1: include `header.xml` needs a bundle (this template was parsed without access to other files)"
        );
    }

    #[test]
    fn import_brings_another_files_templates_but_not_its_imports() {
        static FILES: &[(&str, &str)] = &[
            (
                "common/cells.xml",
                "<import src='deep.xml'/><template name='cell'><view>{{t}}</view><template is='icon'/></template><template name='icon'><icon/></template>",
            ),
            ("common/deep.xml", "<template name='deep'><view/></template>"),
        ];
        let t = parse_in(
            FILES,
            "<import src='../../common/cells.xml'/><template is='cell'/>",
        )
        .unwrap();
        assert!(t.templates.contains_key("cell") && t.templates.contains_key("icon"));
        assert_eq!(t.templates["cell"].file, "common/cells.xml");
        let e = parse_in(
            FILES,
            "<import src='/common/cells.xml'/><template is='deep'/>",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("pages/index/index.xml:1:34: no template named `deep`"),
            "{e}"
        );
    }

    #[test]
    fn include_inlines_everything_but_template_definitions() {
        static FILES: &[(&str, &str)] = &[(
            "pages/index/header.xml",
            "<template name='hidden'><view/></template><view class='header'>{{title}}</view><text>x</text>",
        )];
        let t = parse_in(
            FILES,
            "<view m:if='{{a}}'/><include src='header.xml'/><view m:else/>",
        );
        let e = t.unwrap_err().to_string();
        assert!(e.contains("`m:else` must directly follow"), "{e}");
        let t = parse_in(FILES, "<include src='./header.xml'/><view/>").unwrap();
        assert_eq!(t.roots.len(), 3);
        assert!(t.templates.is_empty());
        assert!(t.reads.contains("title"));
    }

    #[test]
    fn import_and_include_errors_name_the_src_and_its_place() {
        static FILES: &[(&str, &str)] = &[
            ("pages/index/a.xml", "<include src='b.xml'/>"),
            (
                "pages/index/b.xml",
                "<view/>\n<include src='/pages/index/a.xml'/>",
            ),
            ("pages/index/bad.xml", "<view>\n  <div/></view>"),
        ];
        let e = |src: &str| parse_in(FILES, src).unwrap_err().to_string();
        assert_eq!(
            e("<view/><include src='missing.xml'/>"),
            "pages/index/index.xml:1:8: include `missing.xml`: no file `pages/index/missing.xml` in the bundle"
        );
        assert_eq!(
            e("<import src='../../../x.xml'/>"),
            "pages/index/index.xml:1:1: import `../../../x.xml`: the path goes above the bundle root"
        );
        assert_eq!(
            e("<include src='a.xml'/>"),
            "pages/index/b.xml:2:1: include `/pages/index/a.xml` makes a cycle: pages/index/index.xml -> pages/index/a.xml -> pages/index/b.xml -> pages/index/a.xml"
        );
        assert_eq!(
            e("<include src='index.xml'/>"),
            "pages/index/index.xml:1:1: include `index.xml` makes a cycle: pages/index/index.xml -> pages/index/index.xml"
        );
        assert!(
            e("<include src='bad.xml'/>").starts_with("pages/index/bad.xml:2:3: unknown tag <div>")
        );
    }

    #[test]
    fn every_xml_example_in_the_templates_guide_parses() {
        let doc = include_str!("../../../docs/templates.md");
        let stub =
            |_: &str| Some("<template name='cell'><view>{{title}}</view></template>".to_string());
        let mut n = 0;
        for block in doc.split("```xml").skip(1) {
            let xml = block.split("```").next().expect("a closing fence");
            // The custom component examples use these tags (`slot` in a component's template).
            let custom = ["product-card".to_string(), "price-tag".to_string(), "slot".to_string()];
            parse_with_tags(xml, "pages/index/index.xml", DEFAULT_MAX_DEPTH, Some(&stub), &custom)
                .unwrap_or_else(|e| panic!("{e}\n{xml}"));
            n += 1;
        }
        assert!(n >= 10, "{n} examples");
    }

    #[test]
    fn files_that_include_each_other_many_times_hit_the_file_limit() {
        // a0 includes a1 twice, a1 includes a2 twice...: 2^20 reads without a limit.
        let files = |path: &str| {
            let n: usize = path.strip_prefix('a')?.strip_suffix(".xml")?.parse().ok()?;
            Some(if n < 20 {
                format!(
                    "<include src='a{}.xml'/><include src='a{}.xml'/>",
                    n + 1,
                    n + 1
                )
            } else {
                "<view/>".to_string()
            })
        };
        let e = Template::parse_with(
            "<include src='a0.xml'/>",
            "p.xml",
            DEFAULT_MAX_DEPTH,
            &files,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with(
                "files read for <import>/<include> of p.xml (a19.xml:1:1): limit is 256, got 257"
            ),
            "{e}"
        );
    }

    #[test]
    fn paths_resolve_relative_to_the_including_file_or_the_root() {
        assert_eq!(
            resolve_path("pages/a/a.xml", "b.xml").as_deref(),
            Some("pages/a/b.xml")
        );
        assert_eq!(
            resolve_path("pages/a/a.xml", "../c/./c.xml").as_deref(),
            Some("pages/c/c.xml")
        );
        assert_eq!(
            resolve_path("pages/a/a.xml", "/x/y.xml").as_deref(),
            Some("x/y.xml")
        );
        assert_eq!(resolve_path("a.xml", "../b.xml"), None);
    }

    #[test]
    fn nesting_beyond_the_limit_is_an_error_not_a_stack_overflow() {
        let ok = format!(
            "{}{}",
            "<view>".repeat(DEFAULT_MAX_DEPTH),
            "</view>".repeat(DEFAULT_MAX_DEPTH)
        );
        assert!(parse_template(&ok, "t.xml").is_ok());
        let deep = format!("{}{}", "<view>".repeat(100_000), "</view>".repeat(100_000));
        let e = err(&deep);
        assert!(e.contains("nested deeper than the limit of 256"), "{e}");
        assert!(e.starts_with("t.xml:1:1537:"), "{e}");
    }

    #[test]
    fn other_malformed_input_is_refused() {
        assert!(err("<view id=a/>").contains("expected a quoted attribute value"));
        assert!(err("<view id='a/>").contains("attribute `id`: value has no closing quote"));
        assert!(err("<view a='1' a='2'/>").contains("attribute `a` given twice"));
        assert!(err("<!-- never closed").contains("unterminated comment"));
        assert!(err("< view/>").contains("expected a tag name after `<`"));
        assert!(
            err("<view m:else/>").contains("`m:else` must directly follow an element with m:if")
        );
        assert!(err("<view m:for='items'/>").contains("`m:for`: expects a `{{ list }}` binding"));
        assert!(err("<view m:forr='{{a}}'/>").contains("unknown directive"));
        assert!(err("<view m:for-item='x'/>").contains("needs m:for"));
    }

    #[test]
    fn if_elif_else_group_into_one_chain() {
        let t = parse_template(
            "<view m:if='{{a}}'/>\n<view m:elif='{{b}}'/>\n<view m:else/><view m:if='{{c}}'/>",
            "t.xml",
        )
        .unwrap();
        assert_eq!(t.roots.len(), 2);
        assert!(matches!(&t.roots[0], TNode::Chain(b) if b.len() == 3 && b[2].0.is_none()));
        assert!(err("<view m:if='{{a}}'/><view m:else/><view m:else/>")
            .contains("must directly follow"));
    }

    #[test]
    fn events_and_for_directives_are_recognised() {
        let t = parse_template(
            "<view m:for='{{list}}' m:for-item='row' m:key='id' bindtap='a' catch:tap='b' bind:longpress='c'/>",
            "t.xml",
        )
        .unwrap();
        let TNode::Element(v) = &t.roots[0] else {
            panic!()
        };
        let f = v.for_.as_ref().unwrap();
        assert_eq!(
            (f.item.as_str(), f.index.as_str(), f.key.as_deref()),
            ("row", "index", Some("id"))
        );
        assert_eq!(v.events.len(), 3);
        assert!(!v.events[0].catch && v.events[1].catch);
        assert_eq!(t.handlers(), vec!["a", "b", "c"]);
    }

    #[test]
    fn entities_are_decoded_in_text() {
        assert_eq!(
            decode_entities("a &lt; b &amp;&amp; c &#65;&#x42; &bogus; &"),
            "a < b && c AB &bogus; &"
        );
    }
}
