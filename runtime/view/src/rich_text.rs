//! `rich-text`'s `nodes`: a safe HTML subset (a string) or the platforms' node array, turned
//! into a sanitized tree the expander lays out like template elements. Blocks (`div`, `p`,
//! `h1`–`h6`, lists, `blockquote`, `pre`, `hr`) become `view`s, inline tags (`span`, `b`, `i`,
//! `a`, `code`…) become `text` runs flowing in one paragraph, `img` becomes an `image` of the
//! bundle. A table row is a flex row of equal-width cells (`colspan`/`rowspan` are a
//! warning). Text is kept as written (entities decoded): the expander collapses its
//! whitespace unless its parent's `white-space` keeps it (`pre`). Only `class`, `style` and (on `img`) `src`, `width`, `height`, `alt` are kept: no
//! scripts, no event handlers, no remote images. What is dropped is a warning naming the rule.
//!
//! The string parser is lenient like a browser (an unclosed tag closes at the end, a stray end
//! tag is ignored) but says so, with the line and column in the `nodes` text.

use serde_json::Value;

/// Most nodes one `rich-text` may produce (elements and texts): 2000. Beyond it the rest is
/// dropped with a warning.
pub const MAX_RICH_TEXT_NODES: usize = 2000;
/// Deepest nesting of `rich-text` elements: 32 (deeper elements are flattened into their parent).
pub const MAX_RICH_TEXT_DEPTH: usize = 32;

/// What a tag becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Block,
    Inline,
    Image,
    Break,
}

/// One sanitized node.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RNode {
    Element {
        /// The HTML tag as written (lower case).
        name: String,
        kind: Kind,
        class: String,
        /// The tag's default style, then the node's own `style`.
        style: String,
        /// `img`: the bundle path.
        src: Option<String>,
        children: Vec<RNode>,
    },
    Text(String),
}

/// Tags whose content is dropped with them (never shown, never run).
const DROPPED: &[&str] = &[
    "script", "style", "iframe", "object", "embed", "video", "audio", "canvas", "form", "input", "button", "select",
    "textarea", "link", "meta", "head", "title", "svg", "math", "template", "noscript",
];

/// Elements whose end tag HTML lets go unwritten: no warning when something closes them.
const OPTIONAL_END: &[&str] = &["td", "th", "tr", "thead", "tbody", "tfoot"];

/// Void elements: no content, no end tag.
const VOID: &[&str] = &["br", "img", "hr", "wbr"];

/// The allowed tags, what each becomes and its default style (as a browser's user agent sheet).
fn tag_info(name: &str) -> Option<(Kind, &'static str)> {
    Some(match name {
        "div" | "section" | "article" | "header" | "footer" | "nav" | "main" | "aside" | "figure" | "figcaption"
        | "table" | "thead" | "tbody" | "tfoot" | "dl" | "dt" => (Kind::Block, "display: block;"),
        // A row shares its width among its cells: equal-width columns, not sized by content.
        "tr" => (Kind::Block, "display: flex; flex-direction: row;"),
        "td" => (Kind::Block, "display: block; flex: 1 1 0; min-width: 0; padding: 1px;"),
        "th" => (Kind::Block, "display: block; flex: 1 1 0; min-width: 0; padding: 1px; font-weight: bold; text-align: center;"),
        "caption" => (Kind::Block, "display: block; text-align: center;"),
        "dd" => (Kind::Block, "display: block; margin-left: 40px;"),
        "p" => (Kind::Block, "display: block; margin: 1em 0;"),
        "h1" => (Kind::Block, "display: block; font-size: 2em; font-weight: bold; margin: 0.67em 0;"),
        "h2" => (Kind::Block, "display: block; font-size: 1.5em; font-weight: bold; margin: 0.83em 0;"),
        "h3" => (Kind::Block, "display: block; font-size: 1.17em; font-weight: bold; margin: 1em 0;"),
        "h4" => (Kind::Block, "display: block; font-weight: bold; margin: 1.33em 0;"),
        "h5" => (Kind::Block, "display: block; font-size: 0.83em; font-weight: bold; margin: 1.67em 0;"),
        "h6" => (Kind::Block, "display: block; font-size: 0.67em; font-weight: bold; margin: 2.33em 0;"),
        "ul" | "ol" => (Kind::Block, "display: block; margin: 1em 0; padding-left: 40px;"),
        "li" => (Kind::Block, "display: block;"),
        "blockquote" => (Kind::Block, "display: block; margin: 1em 40px;"),
        "pre" => (Kind::Block, "display: block; white-space: pre; margin: 1em 0;"),
        "hr" => (Kind::Block, "display: block; height: 0; margin: 0.5em 0; border-top: 1px solid #cccccc;"),
        "span" | "label" | "abbr" | "q" | "cite" | "font" | "time" => (Kind::Inline, ""),
        "b" | "strong" => (Kind::Inline, "font-weight: bold;"),
        "i" | "em" | "var" | "dfn" => (Kind::Inline, "font-style: italic;"),
        "u" | "ins" => (Kind::Inline, "text-decoration: underline;"),
        "s" | "del" | "strike" => (Kind::Inline, "text-decoration: line-through;"),
        "a" => (Kind::Inline, "color: #576b95;"),
        "small" | "sub" | "sup" => (Kind::Inline, "font-size: 0.83em;"),
        "big" => (Kind::Inline, "font-size: 1.17em;"),
        "mark" => (Kind::Inline, "background-color: #ffff00;"),
        "code" | "kbd" | "samp" | "tt" => (Kind::Inline, ""),
        "img" => (Kind::Image, ""),
        "br" | "wbr" => (Kind::Break, ""),
        _ => return None,
    })
}

/// Parses a `nodes` value: a string of HTML or an array of nodes (`{"name", "attrs",
/// "children"}` / `{"type": "text", "text"}`). Warnings name the rule and where.
pub(crate) fn parse_nodes(value: &Value, warnings: &mut Vec<String>) -> Vec<RNode> {
    let mut b = Builder { count: 0, warnings };
    let nodes = match value {
        Value::String(s) => b.html(s),
        Value::Array(items) => b.array(items, 0),
        Value::Null => Vec::new(),
        other => {
            b.warnings.push(format!("rich-text: `nodes` must be a string or an array, not {}", crate::component::json_type(other)));
            Vec::new()
        }
    };
    let nodes = b.hoist_breaks(nodes);
    group_breaks(nodes)
}

/// Inline content with `<br>`s in it becomes one block per line (each a paragraph of its own;
/// an empty line keeps a line's height); without `<br>` it is left as it is.
fn group_breaks(children: Vec<RNode>) -> Vec<RNode> {
    let is = |c: &RNode, k: Kind| matches!(c, RNode::Element { kind, .. } if *kind == k);
    if !children.iter().any(|c| is(c, Kind::Break)) {
        return children;
    }
    let line = |children: Vec<RNode>, style: &str| RNode::Element {
        name: "br".into(),
        kind: Kind::Block,
        class: String::new(),
        style: style.to_string(),
        src: None,
        children,
    };
    let (mut out, mut run) = (Vec::new(), Vec::new());
    for c in children {
        if is(&c, Kind::Break) {
            out.push(if run.is_empty() { line(Vec::new(), "display: block; height: 1.4em;") } else { line(std::mem::take(&mut run), "display: block;") });
        } else if is(&c, Kind::Block) {
            if !run.is_empty() {
                out.push(line(std::mem::take(&mut run), "display: block;"));
            }
            out.push(c);
        } else {
            run.push(c);
        }
    }
    if !run.is_empty() {
        out.push(line(run, "display: block;"));
    }
    out
}

struct Builder<'w> {
    count: usize,
    warnings: &'w mut Vec<String>,
}

/// An element being built from the string form.
struct Open {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<RNode>,
    at: (usize, usize),
}

impl Builder<'_> {
    /// Whether one more node fits under [`MAX_RICH_TEXT_NODES`] (warns once when not).
    fn room(&mut self) -> bool {
        self.count += 1;
        if self.count == MAX_RICH_TEXT_NODES + 1 {
            self.warnings.push(format!("rich-text: more than {MAX_RICH_TEXT_NODES} nodes (MAX_RICH_TEXT_NODES), the rest is not shown"));
        }
        self.count <= MAX_RICH_TEXT_NODES
    }

    /// A `<br>` inside inline elements (`<b>a<br>b</b>`) brought up to `children`'s level,
    /// each inline element around it split in two (`<b>a</b><br><b>b</b>`, as a browser
    /// shows it), so that [`group_breaks`] makes the lines. Each extra copy counts as a node;
    /// past [`MAX_RICH_TEXT_NODES`] an element is left unsplit.
    fn hoist_breaks(&mut self, children: Vec<RNode>) -> Vec<RNode> {
        fn has_break(nodes: &[RNode]) -> bool {
            nodes.iter().any(|n| match n {
                RNode::Element { kind: Kind::Break, .. } => true,
                RNode::Element { kind: Kind::Inline, children, .. } => has_break(children),
                _ => false,
            })
        }
        let mut out = Vec::with_capacity(children.len());
        for c in children {
            match c {
                RNode::Element { name, kind: Kind::Inline, class, style, src, children } if has_break(&children) => {
                    let inner = self.hoist_breaks(children);
                    let pieces = inner.split(|n| matches!(n, RNode::Element { kind: Kind::Break, .. })).count();
                    if (1..pieces).any(|_| !self.room()) {
                        out.push(RNode::Element { name, kind: Kind::Inline, class, style, src, children: inner });
                        continue;
                    }
                    let mut piece = Vec::new();
                    let copy = |children| RNode::Element { name: name.clone(), kind: Kind::Inline, class: class.clone(), style: style.clone(), src: src.clone(), children };
                    for n in inner {
                        if matches!(n, RNode::Element { kind: Kind::Break, .. }) {
                            if !piece.is_empty() {
                                out.push(copy(std::mem::take(&mut piece)));
                            }
                            out.push(n);
                        } else {
                            piece.push(n);
                        }
                    }
                    if !piece.is_empty() {
                        out.push(copy(piece));
                    }
                }
                other => out.push(other),
            }
        }
        out
    }

    /// A sanitized element from a tag and its attributes, or its children alone (an unknown
    /// tag), or nothing (a dropped one).
    fn element(&mut self, name: &str, attrs: &[(String, String)], children: Vec<RNode>, at: &str) -> Vec<RNode> {
        let name = name.to_ascii_lowercase();
        if DROPPED.contains(&name.as_str()) {
            self.warnings.push(format!("rich-text{at}: <{name}> is not allowed in rich-text, dropped with its content"));
            return Vec::new();
        }
        let Some((kind, default)) = tag_info(&name) else {
            self.warnings.push(format!("rich-text{at}: unknown tag <{name}>, its content is shown as inline text"));
            return children;
        };
        if !self.room() {
            return Vec::new();
        }
        let (mut class, mut style, mut src) = (String::new(), default.to_string(), None);
        let (mut width, mut height) = (None, None);
        for (k, v) in attrs {
            match k.to_ascii_lowercase().as_str() {
                "class" => class = v.clone(),
                "style" => {
                    style.push(' ');
                    style.push_str(v);
                }
                "src" if kind == Kind::Image => {
                    let lower = v.trim().to_ascii_lowercase();
                    if lower.contains(':') || lower.starts_with("//") {
                        self.warnings.push(format!("rich-text{at}: <img src=\"{v}\"> is not a bundle path: rich-text shows images from the bundle only"));
                    } else {
                        src = Some(v.trim().to_string());
                    }
                }
                "width" if kind == Kind::Image => width = px(v),
                "height" if kind == Kind::Image => height = px(v),
                "colspan" | "rowspan" if v.trim() != "1" => {
                    let k = k.to_ascii_lowercase();
                    self.warnings.push(format!("rich-text{at}: `{k}` on <{name}> is ignored: a rich-text table's cells each take one equal-width column of their row"));
                }
                "alt" | "id" | "title" | "href" | "target" | "colspan" | "rowspan" | "align" | "dir" | "lang" => {}
                k if k.starts_with("on") || k.starts_with("bind") || k.starts_with("catch") => {
                    self.warnings.push(format!("rich-text{at}: event handler `{k}` on <{name}> is dropped (rich-text runs no code)"));
                }
                _ => {}
            }
        }
        if kind == Kind::Image {
            if src.is_none() {
                return Vec::new();
            }
            // An image without a size takes the width it is given and its own aspect ratio.
            let size = match (width, height) {
                (Some(w), Some(h)) => format!(" width: {w}px; height: {h}px;"),
                (Some(w), None) => format!(" width: {w}px;"),
                (None, Some(h)) => format!(" height: {h}px;"),
                (None, None) => " width: 100%;".to_string(),
            };
            style = format!("{size} {style}");
        }
        let children = if kind == Kind::Block && (name == "ul" || name == "ol") { bullets(&name, children) } else { children };
        let children = if name == "pre" { trim_pre_edges(children) } else { children };
        let children = if name == "table" { caption_first(children) } else { children };
        let children = if kind == Kind::Block { group_breaks(self.hoist_breaks(children)) } else { children };
        vec![RNode::Element { name, kind, class, style, src, children }]
    }

    fn text(&mut self, s: String) -> Option<RNode> {
        (!s.is_empty() && self.room()).then_some(RNode::Text(s))
    }

    fn array(&mut self, items: &[Value], depth: usize) -> Vec<RNode> {
        let mut out = Vec::new();
        for item in items {
            let Some(obj) = item.as_object() else {
                self.warnings.push(format!("rich-text: a node must be an object, not {}", crate::component::json_type(item)));
                continue;
            };
            if obj.get("type").and_then(Value::as_str) == Some("text") {
                let text = obj.get("text").and_then(Value::as_str).unwrap_or_default();
                out.extend(self.text(crate::template::decode_entities(text)));
                continue;
            }
            let Some(name) = obj.get("name").and_then(Value::as_str) else {
                self.warnings.push("rich-text: a node without `name` (or `type: \"text\"`) is dropped".to_string());
                continue;
            };
            let attrs: Vec<(String, String)> = obj
                .get("attrs")
                .and_then(Value::as_object)
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))).collect())
                .unwrap_or_default();
            let children = match obj.get("children").and_then(Value::as_array) {
                Some(c) if depth < MAX_RICH_TEXT_DEPTH => self.array(c, depth + 1),
                Some(_) => {
                    self.warnings.push(format!("rich-text: nodes nested deeper than {MAX_RICH_TEXT_DEPTH} (MAX_RICH_TEXT_DEPTH) are not shown"));
                    Vec::new()
                }
                None => Vec::new(),
            };
            out.extend(self.element(name, &attrs, children, ""));
        }
        out
    }

    fn html(&mut self, src: &str) -> Vec<RNode> {
        let pos = |offset: usize| {
            let before = &src[..offset];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            (line, col)
        };
        let mut stack: Vec<Open> = vec![Open { name: String::new(), attrs: Vec::new(), children: Vec::new(), at: (1, 1) }];
        let bytes = src.as_bytes();
        let mut i = 0;
        let mut text = String::new();
        while i < src.len() {
            if bytes[i] != b'<' {
                let end = src[i..].find('<').map_or(src.len(), |k| i + k);
                text.push_str(&src[i..end]);
                i = end;
                continue;
            }
            // Flush the text before a tag.
            let flush = |b: &mut Self, text: &mut String, stack: &mut Vec<Open>| {
                if !text.is_empty() {
                    let t = crate::template::decode_entities(&text.replace("\r\n", "\n"));
                    text.clear();
                    if let Some(n) = b.text(t) {
                        stack.last_mut().expect("the root").children.push(n);
                    }
                }
            };
            if src[i..].starts_with("<!--") {
                flush(self, &mut text, &mut stack);
                i = src[i..].find("-->").map_or(src.len(), |k| i + k + 3);
                continue;
            }
            let Some(close) = src[i..].find('>').map(|k| i + k) else {
                let (l, c) = pos(i);
                self.warnings.push(format!("rich-text {l}:{c}: `<` starts a tag that never ends with `>`, shown as text"));
                text.push_str(&src[i..]);
                break;
            };
            let inner = &src[i + 1..close];
            let at = pos(i);
            if let Some(name) = inner.strip_prefix('/') {
                flush(self, &mut text, &mut stack);
                let name = name.trim().to_ascii_lowercase();
                match stack.iter().rposition(|o| o.name == name) {
                    Some(k) if k > 0 => self.close_to(&mut stack, k, &format!("</{name}>")),
                    _ => self.warnings.push(format!("rich-text {}:{}: </{name}> closes nothing, ignored", at.0, at.1)),
                }
                i = close + 1;
                continue;
            }
            if inner.starts_with('!') || inner.starts_with('?') {
                // <!DOCTYPE …>, <?xml …?>
                i = close + 1;
                continue;
            }
            let self_closing = inner.ends_with('/');
            let inner = inner.trim_end_matches('/');
            let name_end = inner.find(|c: char| c.is_whitespace()).unwrap_or(inner.len());
            let name = inner[..name_end].to_ascii_lowercase();
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                text.push_str(&src[i..=close]);
                i = close + 1;
                continue;
            }
            flush(self, &mut text, &mut stack);
            let attrs = attributes(&inner[name_end..]);
            i = close + 1;
            if DROPPED.contains(&name.as_str()) && !self_closing && !VOID.contains(&name.as_str()) {
                // Skip to its end tag: its content is never shown.
                let end_tag = format!("</{name}");
                let lower = src[i..].to_ascii_lowercase();
                i = lower.find(&end_tag).map_or(src.len(), |k| src[i + k..].find('>').map_or(src.len(), |e| i + k + e + 1));
                self.element(&name, &attrs, Vec::new(), &format!(" {}:{}", at.0, at.1));
                continue;
            }
            if self_closing || VOID.contains(&name.as_str()) {
                let made = self.element(&name, &attrs, Vec::new(), &format!(" {}:{}", at.0, at.1));
                stack.last_mut().expect("the root").children.extend(made);
            } else if stack.len() > MAX_RICH_TEXT_DEPTH {
                self.warnings.push(format!("rich-text {}:{}: elements nested deeper than {MAX_RICH_TEXT_DEPTH} (MAX_RICH_TEXT_DEPTH) are flattened", at.0, at.1));
            } else {
                // HTML lets a table's cells, rows and sections go unclosed: the next one
                // closes them.
                if let Some(k) = implied_end(&stack, &name) {
                    self.close_to(&mut stack, k, &format!("<{name}>"));
                }
                stack.push(Open { name, attrs, children: Vec::new(), at });
            }
        }
        if !text.is_empty() {
            let t = crate::template::decode_entities(&text.replace("\r\n", "\n"));
            if let Some(n) = self.text(t) {
                stack.last_mut().expect("the root").children.push(n);
            }
        }
        while stack.len() > 1 {
            let o = stack.pop().expect("above the root");
            if !OPTIONAL_END.contains(&o.name.as_str()) {
                self.warnings.push(format!("rich-text {}:{}: <{}> is not closed", o.at.0, o.at.1, o.name));
            }
            let made = self.element(&o.name, &o.attrs, o.children, &format!(" {}:{}", o.at.0, o.at.1));
            stack.last_mut().expect("the root").children.extend(made);
        }
        stack.pop().map(|o| o.children).unwrap_or_default()
    }
}

/// Where an open `td`/`th` (before another cell), `tr` (before another row) or table section
/// (before another section) is on the stack, if one is, within its table: what `name`
/// closes without its end tag.
fn implied_end(stack: &[Open], name: &str) -> Option<usize> {
    let (closes, within): (&[&str], &[&str]) = match name {
        "td" | "th" => (&["td", "th"], &["tr", "table"]),
        "tr" => (&["tr"], &["thead", "tbody", "tfoot", "table"]),
        "thead" | "tbody" | "tfoot" => (&["thead", "tbody", "tfoot"], &["table"]),
        _ => return None,
    };
    let k = stack.iter().rposition(|o| closes.contains(&o.name.as_str()) || within.contains(&o.name.as_str()))?;
    (k > 0 && closes.contains(&stack[k].name.as_str())).then_some(k)
}

impl Builder<'_> {
    /// Closes the open elements from the top of `stack` down to `k` (included), each made into
    /// its parent's child; one left unclosed above `k` is a warning naming `by`, what closed it.
    fn close_to(&mut self, stack: &mut Vec<Open>, k: usize, by: &str) {
        while stack.len() > k {
            let o = stack.pop().expect("above the root");
            if stack.len() > k && !OPTIONAL_END.contains(&o.name.as_str()) {
                self.warnings.push(format!("rich-text {}:{}: <{}> is not closed before {by}", o.at.0, o.at.1, o.name));
            }
            let made = self.element(&o.name, &o.attrs, o.children, &format!(" {}:{}", o.at.0, o.at.1));
            stack.last_mut().expect("the root").children.extend(made);
        }
    }
}

/// `ul`/`ol` items get their marker as a first inline run: `• ` or `1. `.
fn bullets(list: &str, children: Vec<RNode>) -> Vec<RNode> {
    let mut n = 0;
    children
        .into_iter()
        .map(|c| match c {
            RNode::Element { name, kind, class, style, src, mut children } if name == "li" => {
                n += 1;
                let marker = if list == "ol" { format!("{n}. ") } else { "\u{2022} ".to_string() };
                children.insert(0, RNode::Element { name: "span".into(), kind: Kind::Inline, class: String::new(), style: String::new(), src: None, children: vec![RNode::Text(marker)] });
                RNode::Element { name, kind, class, style, src, children }
            }
            other => other,
        })
        .collect()
}

/// A `pre`'s content without the newline that follows its start tag (as HTML drops it) and
/// the one before its end tag (a browser shows no empty last line for it), looked for in the
/// first and last text, inline elements included.
fn trim_pre_edges(mut children: Vec<RNode>) -> Vec<RNode> {
    fn edge(nodes: &mut [RNode], first: bool) {
        let node = if first { nodes.first_mut() } else { nodes.last_mut() };
        match node {
            Some(RNode::Text(t)) => {
                if first {
                    if let Some(rest) = t.strip_prefix('\n') {
                        *t = rest.to_string();
                    }
                } else if t.ends_with('\n') {
                    t.pop();
                }
            }
            Some(RNode::Element { kind: Kind::Inline, children, .. }) => edge(children, first),
            _ => {}
        }
    }
    edge(&mut children, true);
    edge(&mut children, false);
    children.retain(|c| !matches!(c, RNode::Text(t) if t.is_empty()));
    children
}

/// A table's `caption` goes above its rows wherever it was written (`caption-side: top`).
fn caption_first(children: Vec<RNode>) -> Vec<RNode> {
    let (mut captions, rest): (Vec<RNode>, Vec<RNode>) =
        children.into_iter().partition(|c| matches!(c, RNode::Element { name, .. } if name == "caption"));
    captions.extend(rest);
    captions
}

/// Runs of whitespace become one space, as HTML shows text outside `white-space: pre`
/// (leading and trailing kept as one); the expander applies it to a text whose parent does
/// not keep its whitespace.
pub(crate) fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

/// `width="120"`, `width="120px"`: px.
fn px(v: &str) -> Option<f32> {
    v.trim().trim_end_matches("px").trim().parse::<f32>().ok().filter(|v| v.is_finite() && *v >= 0.0)
}

/// The attributes of a start tag: `a="1" b='2' c=3 d`.
fn attributes(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        let end = rest.find(|c: char| c.is_whitespace() || c == '=').unwrap_or(rest.len());
        let name = rest[..end].to_string();
        rest = rest[end..].trim_start();
        let mut value = String::new();
        if let Some(r) = rest.strip_prefix('=') {
            let r = r.trim_start();
            let (v, after) = match r.chars().next() {
                Some(q @ ('"' | '\'')) => match r[1..].find(q) {
                    Some(k) => (&r[1..1 + k], &r[2 + k..]),
                    None => (&r[1..], ""),
                },
                _ => {
                    let k = r.find(char::is_whitespace).unwrap_or(r.len());
                    (&r[..k], &r[k..])
                }
            };
            value = crate::template::decode_entities(v);
            rest = after.trim_start();
        }
        if !name.is_empty() {
            out.push((name, value));
        } else {
            // A stray `=`: skip a character so the loop moves on.
            rest = rest.get(1..).unwrap_or("");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> (Vec<RNode>, Vec<String>) {
        let mut w = Vec::new();
        let n = parse_nodes(&v, &mut w);
        (n, w)
    }

    fn el(n: &RNode) -> (&str, Kind, &str, &[RNode]) {
        match n {
            RNode::Element { name, kind, style, children, .. } => (name, *kind, style, children),
            RNode::Text(t) => panic!("a text: {t}"),
        }
    }

    #[test]
    fn html_becomes_blocks_inline_runs_and_text_with_entities_decoded() {
        let (n, w) = parse(json!("<p class=\"lead\">Price: <b>9 &amp; up</b></p><h1>T</h1>"));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(n.len(), 2);
        let (name, kind, style, kids) = el(&n[0]);
        assert_eq!((name, kind), ("p", Kind::Block));
        assert!(style.contains("margin: 1em 0"));
        assert_eq!(kids[0], RNode::Text("Price: ".into()));
        let (b, bk, bs, bkids) = el(&kids[1]);
        assert_eq!((b, bk), ("b", Kind::Inline));
        assert!(bs.contains("font-weight: bold"));
        assert_eq!(bkids, [RNode::Text("9 & up".into())]);
        assert!(matches!(&n[0], RNode::Element { class, .. } if class == "lead"));
    }

    #[test]
    fn scripts_handlers_and_remote_images_are_dropped_with_a_warning_naming_the_rule() {
        let (n, w) = parse(json!("<div onclick=\"x()\">a<script>alert(1)</script><img src=\"https://evil.example/x.png\"><img src=\"/assets/a.png\" width=\"20\"></div>"));
        let (_, _, _, kids) = el(&n[0]);
        assert_eq!(kids.len(), 2, "{kids:?}");
        assert_eq!(kids[0], RNode::Text("a".into()));
        assert!(matches!(&kids[1], RNode::Element { kind: Kind::Image, src: Some(s), style, .. } if s == "/assets/a.png" && style.contains("width: 20px")));
        let all = w.join("\n");
        assert!(all.contains("event handler `onclick` on <div> is dropped"), "{all}");
        assert!(all.contains("<script> is not allowed in rich-text, dropped with its content"), "{all}");
        assert!(all.contains("rich-text shows images from the bundle only"), "{all}");
        assert!(!format!("{n:?}").contains("alert"), "the script's text is gone");
    }

    #[test]
    fn unclosed_and_stray_tags_are_positioned_warnings_and_content_is_kept() {
        let (n, w) = parse(json!("<p>one\n<b>two</p></i>"));
        assert_eq!(w, ["rich-text 2:1: <b> is not closed before </p>", "rich-text 2:11: </i> closes nothing, ignored"]);
        let (_, _, _, kids) = el(&n[0]);
        assert_eq!(kids.len(), 2);
        let (n, w) = parse(json!("<p>x"));
        assert_eq!(w, ["rich-text 1:1: <p> is not closed"]);
        assert_eq!(el(&n[0]).3, [RNode::Text("x".into())]);
    }

    #[test]
    fn unknown_tags_keep_their_content_inline_and_lists_get_markers() {
        let (n, w) = parse(json!("<blink>hi</blink><ol><li>a</li><li>b</li></ol>"));
        assert_eq!(n[0], RNode::Text("hi".into()));
        assert!(w[0].contains("unknown tag <blink>"), "{w:?}");
        let (_, _, _, items) = el(&n[1]);
        let (_, _, _, second) = el(&items[1]);
        let (_, _, _, marker) = el(&second[0]);
        assert_eq!(marker, [RNode::Text("2. ".into())]);
    }

    #[test]
    fn the_array_form_is_sanitized_the_same_way() {
        let (n, w) = parse(json!([
            {"name": "div", "attrs": {"style": "color: red", "onTap": "x"}, "children": [{"type": "text", "text": "a &lt; b"}]},
            {"name": "iframe"},
            "nonsense"
        ]));
        assert_eq!(n.len(), 1);
        let (_, _, style, kids) = el(&n[0]);
        assert!(style.ends_with("color: red"));
        assert_eq!(kids, [RNode::Text("a < b".into())]);
        assert_eq!(w.len(), 3, "{w:?}");
        let (_, w) = parse(json!(7));
        assert_eq!(w, ["rich-text: `nodes` must be a string or an array, not a number"]);
    }

    #[test]
    fn line_breaks_split_inline_content_into_lines() {
        let (n, _) = parse(json!("a <b>b</b><br>c<br><br>d"));
        assert_eq!(n.len(), 4, "{n:?}");
        assert_eq!(el(&n[0]).3.len(), 2);
        assert!(el(&n[2]).3.is_empty() && el(&n[2]).2.contains("height: 1.4em"));
        assert_eq!(el(&n[3]).3, [RNode::Text("d".into())]);
    }

    #[test]
    fn node_and_depth_limits_hold() {
        let many = "<span>x</span>".repeat(MAX_RICH_TEXT_NODES);
        let (n, w) = parse(json!(many));
        assert_eq!(n.len(), MAX_RICH_TEXT_NODES / 2);
        assert!(w.iter().any(|w| w.contains("MAX_RICH_TEXT_NODES")), "{w:?}");
        let deep = "<div>".repeat(100) + "x";
        let (_, w) = parse(json!(deep));
        assert!(w.iter().any(|w| w.contains("MAX_RICH_TEXT_DEPTH")), "{w:?}");
    }

    #[test]
    fn pre_keeps_whitespace_and_drops_only_the_newlines_at_its_edges() {
        let (n, w) = parse(json!("<pre>\r\n  a\r\n\tb\n</pre><p>c\n  d</p>"));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(el(&n[0]).3, [RNode::Text("  a\n\tb".into())]);
        // Text is kept as written: the expander collapses it unless its parent keeps it.
        assert_eq!(el(&n[1]).3, [RNode::Text("c\n  d".into())]);
        assert_eq!(collapse("c\n  d"), "c d");
        let (n, _) = parse(json!("<pre><code>\nx\n</code></pre>"));
        assert_eq!(el(&el(&n[0]).3[0]).3, [RNode::Text("x".into())]);
    }

    #[test]
    fn rows_are_flex_rows_of_equal_cells_and_spans_are_a_warning_naming_the_attribute() {
        let (n, w) = parse(json!("<table><tr><th colspan=\"2\">h</th></tr><tr><td rowspan=\"3\">a</td><td colspan=\"1\">b</td></tr></table>"));
        assert_eq!(
            w,
            [
                "rich-text 1:12: `colspan` on <th> is ignored: a rich-text table's cells each take one equal-width column of their row",
                "rich-text 1:43: `rowspan` on <td> is ignored: a rich-text table's cells each take one equal-width column of their row",
            ]
        );
        let (_, _, _, rows) = el(&n[0]);
        let (tr, kind, style, cells) = el(&rows[1]);
        assert_eq!((tr, kind), ("tr", Kind::Block));
        assert!(style.contains("display: flex; flex-direction: row"), "{style}");
        let (td, kind, style, _) = el(&cells[0]);
        assert_eq!((td, kind), ("td", Kind::Block));
        assert!(style.contains("flex: 1 1 0; min-width: 0; padding: 1px"), "{style}");
        let (_, _, th, _) = el(&el(&rows[0]).3[0]);
        assert!(th.contains("font-weight: bold") && th.contains("text-align: center"), "{th}");
    }

    #[test]
    fn cells_rows_and_sections_close_without_their_end_tags_as_in_html() {
        let (n, w) = parse(json!("<table><thead><tr><th>a<th>b<tbody><tr><td>1<td><b>2<tr><td>3</table>"));
        assert_eq!(w, ["rich-text 1:49: <b> is not closed before <tr>"]);
        let (_, _, _, sections) = el(&n[0]);
        let names: Vec<&str> = sections.iter().map(|s| el(s).0).collect();
        assert_eq!(names, ["thead", "tbody"]);
        let rows = el(&sections[1]).3;
        assert_eq!(rows.len(), 2, "{rows:?}");
        let cells: Vec<usize> = rows.iter().map(|r| el(r).3.len()).collect();
        assert_eq!(cells, [2, 1]);
        assert_eq!(el(&el(&sections[0]).3[0]).3.len(), 2, "two header cells side by side");
    }

    #[test]
    fn a_caption_goes_above_the_rows() {
        let (n, _) = parse(json!("<table><tr><td>x</td></tr><caption>c</caption></table>"));
        let names: Vec<&str> = el(&n[0]).3.iter().map(|c| el(c).0).collect();
        assert_eq!(names, ["caption", "tr"]);
    }

    #[test]
    fn the_copies_a_br_makes_of_its_inline_runs_count_against_the_node_limit() {
        let count = |n: &[RNode]| -> usize {
            fn walk(n: &[RNode]) -> usize {
                n.iter().map(|c| 1 + if let RNode::Element { children, .. } = c { walk(children) } else { 0 }).sum()
            }
            walk(n)
        };
        // 1 + 600 texts + 600 breaks, and 600 copies of the `b`: under the limit, split.
        let (n, w) = parse(json!(format!("<b>{}</b>", "x<br>".repeat(600))));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(n.len(), 600, "one line each: {}", n.len());
        assert!(count(&n) <= MAX_RICH_TEXT_NODES + 600, "the line blocks are the only nodes added");
        // 700 would need 2101: the `b` stays whole and the limit is a warning.
        let (n, w) = parse(json!(format!("<b>{}</b>", "x<br>".repeat(700))));
        assert!(w.iter().any(|w| w.contains("MAX_RICH_TEXT_NODES")), "{w:?}");
        assert_eq!(n.len(), 1, "not split");
    }
}
