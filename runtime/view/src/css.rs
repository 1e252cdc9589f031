//! CSS subset: stylesheets parsed with cssparser into rules of selectors and typed declarations.
//!
//! Selectors: type, `.class`, `#id`, `*`, the descendant, `>`, `+` and `~` combinators,
//! `:first-child`, `:last-child`, `:only-child`, `:nth-child()`, `:nth-last-child()`,
//! `:not(compound)`, comma lists, with CSS specificity. Nothing here fails a page: an
//! unsupported or invalid property, value, selector or at-rule is a [`Diagnostic`] with
//! file:line:column, the declaration (or rule) is dropped and parsing resumes at the next `;`
//! or `}`.

use std::collections::HashMap;
use std::fmt;

use cssparser::{Delimiter, ParseError, Parser, ParserInput, SourceLocation, Token};

use crate::error::{Result, StyleErrorKind};
use crate::limits::MAX_CSS_NESTING;
use crate::style::{is_supported, parse_declaration, value_notes, Decl, VarDecl};

/// A non-fatal problem in a stylesheet or template, with its place: `app.css:4:3: unsupported
/// property `float``.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// File name as given to the parser.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in characters, as cssparser counts them).
    pub column: u32,
    /// What is wrong, lower-case.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
    }
}

/// One CSS value token, owned (cssparser tokens borrow the source).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    Ident(String),
    Num(f32),
    Pct(f32),
    Dim(f32, String),
    Hash(String),
    Str(String),
    /// `url(x)` unquoted, or `url("x")`.
    Url(String),
    Func(String, Vec<Val>),
    Comma,
    Slash,
    Delim(char),
}

/// A parsed stylesheet: `@import`s and rules in source order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StyleSheet {
    pub(crate) name: String,
    pub(crate) rules: Vec<Rule>,
    pub(crate) imports: Vec<String>,
    /// How many rules at the front came from [`StyleSheet::add_import`].
    pub(crate) imported_rules: usize,
    /// A warning for each rule with `:host`, for when the sheet is not a component's.
    host_rules: Vec<Diagnostic>,
}

impl StyleSheet {
    /// The file name the sheet was parsed from.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The warnings that apply when this is a page's or the app's stylesheet rather than a
    /// custom component's: each rule with `:host` (which matches nothing there).
    pub fn page_sheet_warnings(&self) -> &[Diagnostic] {
        &self.host_rules
    }

    /// Number of rules (a comma list counts once).
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether the sheet has no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The targets of its `@import "other.css";` rules, in source order, as written.
    /// Resolving them is the caller's job: parse each one's text and hand it to
    /// [`StyleSheet::add_import`].
    pub fn imports(&self) -> &[String] {
        &self.imports
    }

    /// Puts the rules of an imported sheet ahead of this sheet's own (as `@import` does:
    /// imported rules lose to the importing sheet's at equal specificity). Call it once per
    /// entry of [`StyleSheet::imports`], in order.
    pub fn add_import(&mut self, imported: StyleSheet) {
        let at = self.imported_rules;
        let n = imported.rules.len();
        self.rules.splice(at..at, imported.rules);
        self.imported_rules += n;
    }
}

/// `selectors { declarations }`
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rule {
    pub selectors: Vec<Selector>,
    pub decls: Vec<Decl>,
}

/// A complex selector: compounds left to right, each with the combinator that joins it to the
/// compound on its left (ignored for the first).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Selector {
    pub parts: Vec<(Combinator, Compound)>,
    pub specificity: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Combinator {
    /// `a b`
    Descendant,
    /// `a > b`
    Child,
    /// `a + b`
    Next,
    /// `a ~ b`
    Subsequent,
}

/// `tag#id.class.class:pseudo` (all optional; empty = `*`).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Compound {
    pub tag: Option<String>,
    pub id: Option<String>,
    pub classes: Vec<String>,
    pub pseudos: Vec<Pseudo>,
}

/// A structural pseudo-class.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Pseudo {
    /// `:nth-child(An+B)` (`:first-child` is `0n+1`); `from_end` for `:nth-last-child`
    /// (`:last-child`).
    Nth { a: i32, b: i32, from_end: bool },
    /// `:only-child`
    Only,
    /// `:not(compound)`
    Not(Box<Compound>),
    /// `:host` / `:host(compound)` in a component's sheet: the component's host element (the
    /// tag its user writes), optionally only when it also matches the compound. Matches only
    /// in the first compound of a selector (`:host .title` reaches inside).
    Host(Option<Box<Compound>>),
}

impl Pseudo {
    fn needs_count(&self) -> bool {
        match self {
            Pseudo::Nth { from_end, .. } => *from_end,
            Pseudo::Only => true,
            Pseudo::Not(c) | Pseudo::Host(Some(c)) => c.pseudos.iter().any(Pseudo::needs_count),
            Pseudo::Host(None) => false,
        }
    }
}

/// What selector matching needs to know about an element and its surroundings. Indices count
/// element siblings only (text is not an element).
pub(crate) trait Element: Sized {
    fn tag(&self) -> &str;
    fn id(&self) -> Option<&str>;
    fn classes(&self) -> &[String];
    /// 0-based position among its parent's element children.
    fn index(&self) -> usize;
    /// How many element children its parent has, when known (see
    /// [`RuleIndex::needs_sibling_count`]); `None` makes `:last-child` and friends not match.
    fn sibling_count(&self) -> Option<usize>;
    fn parent(&self) -> Option<Self>;
    /// The previous element sibling.
    fn prev(&self) -> Option<Self>;
    /// Whether it is the host of the component whose sheet is matching (only `:host`
    /// matches it then). Default: no.
    fn is_host(&self) -> bool {
        false
    }
}

/// Whether 1-based position `pos` is `a·n + b` for some n ≥ 0.
fn nth_matches(a: i32, b: i32, pos: i64) -> bool {
    let (a, b) = (i64::from(a), i64::from(b));
    if a == 0 {
        return pos == b;
    }
    let d = pos - b;
    d % a == 0 && d / a >= 0
}

impl Compound {
    fn matches<E: Element>(&self, el: &E) -> bool {
        self.tag.as_deref().is_none_or(|t| t == el.tag())
            && self.id.as_deref().is_none_or(|id| Some(id) == el.id())
            && self.classes.iter().all(|c| el.classes().contains(c))
            && self.pseudos.iter().all(|p| match p {
                Pseudo::Nth { a, b, from_end } => {
                    let pos = if *from_end {
                        match el.sibling_count() {
                            Some(n) => n as i64 - el.index() as i64,
                            None => return false,
                        }
                    } else {
                        el.index() as i64 + 1
                    };
                    nth_matches(*a, *b, pos)
                }
                Pseudo::Only => el.index() == 0 && el.sibling_count() == Some(1),
                Pseudo::Not(c) => !c.matches(el),
                Pseudo::Host(arg) => el.is_host() && arg.as_ref().is_none_or(|c| c.matches(el)),
            })
    }

    /// Whether it is `:host…` (the only compound that matches a host).
    fn is_host(&self) -> bool {
        self.pseudos.iter().any(|p| matches!(p, Pseudo::Host(_)))
    }

    fn specificity(&self) -> u32 {
        u32::from(self.id.is_some()) * 10_000
            + self.classes.len() as u32 * 100
            + u32::from(self.tag.is_some())
            + self
                .pseudos
                .iter()
                .map(|p| match p {
                    Pseudo::Not(c) => c.specificity(),
                    Pseudo::Host(Some(c)) => 100 + c.specificity(),
                    _ => 100,
                })
                .sum::<u32>()
    }
}

impl Selector {
    /// Whether the selector matches `el`.
    pub fn matches<E: Element>(&self, el: &E) -> bool {
        match_from(&self.parts, el)
    }

    fn needs_count(&self) -> bool {
        self.parts
            .iter()
            .any(|(_, c)| c.pseudos.iter().any(Pseudo::needs_count))
    }
}

/// Matches `parts` (right-most last) with its right-most compound at `el`.
fn match_from<E: Element>(parts: &[(Combinator, Compound)], el: &E) -> bool {
    let Some(((comb, compound), rest)) = parts.split_last() else {
        return true;
    };
    // A component's sheet sees its host through `:host` only.
    if compound.is_host() != el.is_host() || !compound.matches(el) {
        return false;
    }
    if rest.is_empty() {
        return true;
    }
    match comb {
        Combinator::Child => el.parent().is_some_and(|p| match_from(rest, &p)),
        Combinator::Next => el.prev().is_some_and(|p| match_from(rest, &p)),
        Combinator::Descendant => {
            let mut cur = el.parent();
            while let Some(a) = cur {
                if match_from(rest, &a) {
                    return true;
                }
                cur = a.parent();
            }
            false
        }
        Combinator::Subsequent => {
            let mut cur = el.prev();
            while let Some(s) = cur {
                if match_from(rest, &s) {
                    return true;
                }
                cur = s.prev();
            }
            false
        }
    }
}

/// Rules indexed by the right-most compound of each selector (its id, else its first class,
/// else its tag), so an element is only tested against selectors that could match it.
#[derive(Debug, Default)]
pub(crate) struct RuleIndex {
    by_id: HashMap<String, Vec<(usize, usize, usize)>>,
    by_class: HashMap<String, Vec<(usize, usize, usize)>>,
    by_tag: HashMap<String, Vec<(usize, usize, usize)>>,
    universal: Vec<(usize, usize, usize)>,
    needs_count: bool,
    sibling_combinators: bool,
}

impl RuleIndex {
    pub fn new(sheets: &[StyleSheet]) -> RuleIndex {
        let mut ix = RuleIndex::default();
        for (si, sheet) in sheets.iter().enumerate() {
            for (ri, rule) in sheet.rules.iter().enumerate() {
                for (xi, sel) in rule.selectors.iter().enumerate() {
                    let entry = (si, ri, xi);
                    ix.needs_count |= sel.needs_count();
                    ix.sibling_combinators |= sel
                        .parts
                        .iter()
                        .skip(1)
                        .any(|(c, _)| matches!(c, Combinator::Next | Combinator::Subsequent));
                    let Some((_, last)) = sel.parts.last() else {
                        continue;
                    };
                    if let Some(id) = &last.id {
                        ix.by_id.entry(id.clone()).or_default().push(entry);
                    } else if let Some(c) = last.classes.first() {
                        ix.by_class.entry(c.clone()).or_default().push(entry);
                    } else if let Some(t) = &last.tag {
                        ix.by_tag.entry(t.clone()).or_default().push(entry);
                    } else {
                        ix.universal.push(entry);
                    }
                }
            }
        }
        ix
    }

    /// Whether some selector looks at the siblings after an element (`:last-child`,
    /// `:nth-last-child()`, `:only-child`), so expansion must count a parent's element
    /// children before styling them.
    pub fn needs_sibling_count(&self) -> bool {
        self.needs_count
    }

    /// Whether some selector uses `+` or `~` (an element's style then depends on its
    /// earlier siblings' classes and ids).
    pub fn has_sibling_combinators(&self) -> bool {
        self.sibling_combinators
    }

    /// Declarations of every rule matching `el`, in cascade order (specificity, then sheet,
    /// then rule order; a rule matched by several of its selectors counts once, at its
    /// highest specificity).
    pub fn matching<'s, E: Element>(&self, sheets: &'s [StyleSheet], el: &E) -> Vec<&'s Decl> {
        self.matching_from(sheets, el, 0)
    }

    /// [`RuleIndex::matching`] over the sheets from index `first` on (a component's own sheet
    /// is its last: what `:host` rules are taken from).
    pub fn matching_from<'s, E: Element>(&self, sheets: &'s [StyleSheet], el: &E, first: usize) -> Vec<&'s Decl> {
        let mut cands: Vec<(usize, usize, usize)> = Vec::new();
        if let Some(id) = el.id() {
            cands.extend(self.by_id.get(id).into_iter().flatten());
        }
        for c in el.classes() {
            cands.extend(self.by_class.get(c).into_iter().flatten());
        }
        cands.extend(self.by_tag.get(el.tag()).into_iter().flatten());
        cands.extend(&self.universal);
        let mut matched: Vec<(u32, usize, usize)> = Vec::new();
        for (si, ri, xi) in cands {
            if si < first {
                continue;
            }
            let sel = &sheets[si].rules[ri].selectors[xi];
            if sel.matches(el) {
                match matched.iter_mut().find(|(_, s, r)| *s == si && *r == ri) {
                    Some(m) => m.0 = m.0.max(sel.specificity),
                    None => matched.push((sel.specificity, si, ri)),
                }
            }
        }
        matched.sort_unstable();
        matched
            .into_iter()
            .flat_map(|(_, si, ri)| sheets[si].rules[ri].decls.iter())
            .collect()
    }
}

type PErr<'i> = ParseError<'i, ()>;

/// Where declarations are: in a sheet (each at its own place) or in an inline `style`
/// attribute (all at the element's place).
#[derive(Clone, Copy)]
enum Place {
    Sheet,
    Fixed(u32, u32),
}

impl Place {
    fn at(self, loc: SourceLocation) -> (u32, u32) {
        match self {
            Place::Sheet => (loc.line + 1, loc.column),
            Place::Fixed(l, c) => (l, c),
        }
    }
}

struct Sink<'d> {
    file: &'d str,
    diags: &'d mut Vec<Diagnostic>,
}

impl Sink<'_> {
    fn warn(&mut self, (line, column): (u32, u32), message: String) {
        self.diags.push(Diagnostic {
            file: self.file.to_string(),
            line,
            column,
            message,
        });
    }
}

/// A prelude token, owned, with the arguments of functions.
#[derive(Debug, Clone)]
enum STok {
    Ws,
    Delim(char),
    Ident(String),
    IdHash(String),
    /// A hash that is not a valid id (`#1a`).
    Hash,
    Colon,
    Comma,
    Str(String),
    Url(String),
    /// `:nth-child(…)`-style function with its An+B (None when it does not parse).
    Nth(String, Option<(i32, i32)>),
    Func(String, Vec<STok>),
    Square,
    Other,
}

/// One prelude token; functions nest at most [`MAX_CSS_NESTING`] deep (`depth` is this
/// token's), a deeper one is [`STok::Other`] and its block is skipped unread.
fn stok(p: &mut Parser<'_, '_>, t: &Token<'_>, depth: usize) -> STok {
    match t {
        Token::WhiteSpace(_) | Token::Comment(_) => STok::Ws,
        Token::Delim(c) => STok::Delim(*c),
        Token::Ident(s) => STok::Ident(s.to_string()),
        Token::IDHash(s) => STok::IdHash(s.to_string()),
        Token::Hash(_) => STok::Hash,
        Token::Colon => STok::Colon,
        Token::Comma => STok::Comma,
        Token::QuotedString(s) => STok::Str(s.to_string()),
        Token::UnquotedUrl(s) => STok::Url(s.to_string()),
        Token::SquareBracketBlock => STok::Square,
        Token::Function(_) if depth >= MAX_CSS_NESTING => STok::Other,
        Token::Function(name) => {
            let name = name.to_ascii_lowercase();
            if name.starts_with("nth-") {
                let nth = p
                    .parse_nested_block(|p| -> std::result::Result<_, PErr<'_>> {
                        let r = cssparser::parse_nth(p).ok();
                        p.skip_whitespace();
                        Ok(if p.is_exhausted() { r } else { None })
                    })
                    .unwrap_or(None);
                STok::Nth(name, nth)
            } else {
                let inner = p
                    .parse_nested_block(|p| -> std::result::Result<_, PErr<'_>> {
                        let mut v = Vec::new();
                        while let Ok(t) = p.next_including_whitespace() {
                            let t = t.clone();
                            v.push(stok(p, &t, depth + 1));
                        }
                        Ok(v)
                    })
                    .unwrap_or_default();
                STok::Func(name, inner)
            }
        }
        _ => STok::Other,
    }
}

/// Parses a stylesheet, reporting (and dropping) what this subset does not support.
///
/// Every unsupported or invalid property, value, selector and at-rule is a [`Diagnostic`]
/// (file:line:column); the declaration, or for a selector or at-rule the whole rule, is
/// dropped and the rest of the sheet applies. `@import "x.css";` is kept in
/// [`StyleSheet::imports`].
///
/// # Errors
/// None today: cssparser recovers from any input (an unclosed block ends at the end of the
/// file), so every problem is a diagnostic. The `Result` is kept for a future hard limit.
pub fn parse_stylesheet(src: &str, name: &str) -> Result<(StyleSheet, Vec<Diagnostic>)> {
    let mut input = ParserInput::new(src);
    let mut p = Parser::new(&mut input);
    let mut rules = Vec::new();
    let mut imports = Vec::new();
    let mut diags = Vec::new();
    let mut sink = Sink {
        file: name,
        diags: &mut diags,
    };
    let mut seen_rule = false;
    let mut host_rules = Vec::new();
    loop {
        p.skip_whitespace();
        if p.is_exhausted() {
            break;
        }
        let at = Place::Sheet.at(p.current_source_location());
        let start = p.position();
        let mut prelude: Vec<STok> = Vec::new();
        let mut at_rule: Option<String> = None;
        let mut block = false;
        loop {
            let t = match p.next_including_whitespace() {
                Ok(t) => t.clone(),
                Err(_) => break,
            };
            match t {
                Token::CurlyBracketBlock => {
                    block = true;
                    break;
                }
                Token::Semicolon if at_rule.is_some() => break,
                Token::AtKeyword(k) if prelude.is_empty() && at_rule.is_none() => {
                    at_rule = Some(k.to_ascii_lowercase());
                }
                // `<!--` and `-->` are allowed around a sheet and mean nothing.
                Token::CDO | Token::CDC if prelude.is_empty() && at_rule.is_none() => {}
                t => {
                    let s = stok(&mut p, &t, 0);
                    prelude.push(s);
                }
            }
        }
        let text = p.slice_from(start).trim_end_matches(['{', ';']).trim().to_string();
        if block {
            if let Some(at_name) = &at_rule {
                let _ = p.parse_nested_block(|p| -> std::result::Result<(), PErr<'_>> {
                    while p.next().is_ok() {}
                    Ok(())
                });
                sink.warn(at, format!("unsupported at-rule `@{at_name}`, ignored"));
                continue;
            }
        }
        if let Some(at_name) = at_rule {
            if at_name == "import" {
                let target = prelude.iter().find_map(|t| match t {
                    STok::Str(s) | STok::Url(s) => Some(s.clone()),
                    STok::Func(f, args) if f == "url" => args.iter().find_map(|a| match a {
                        STok::Str(s) => Some(s.clone()),
                        _ => None,
                    }),
                    _ => None,
                });
                match target {
                    Some(_) if seen_rule => sink.warn(
                        at,
                        format!("`{text}` after a rule: `@import` must come first, ignored"),
                    ),
                    Some(t) => imports.push(t),
                    None => sink.warn(
                        at,
                        format!("`{text}`: expected `@import \"file.css\";`, ignored"),
                    ),
                }
            } else {
                sink.warn(at, format!("unsupported at-rule `@{at_name}`, ignored"));
            }
            continue;
        }
        if !block {
            sink.warn(
                at,
                format!("`{text}` has no `{{ }}` block after it (a stray selector?), ignored"),
            );
            continue;
        }
        seen_rule = true;
        let selectors = match parse_selectors(&prelude) {
            Ok(s) => Some(s),
            Err(SelError::Bad(reason)) => {
                let kind = StyleErrorKind::BadSelector {
                    selector: text.clone(),
                    reason,
                };
                sink.warn(at, format!("{kind}, rule ignored"));
                None
            }
            Err(SelError::Unsupported(what)) => {
                sink.warn(
                    at,
                    format!("unsupported selector `{text}` ({what}), rule ignored"),
                );
                None
            }
        };
        let decls = p
            .parse_nested_block(|p| -> std::result::Result<_, PErr<'_>> {
                Ok(parse_decls(p, Place::Sheet, &mut sink))
            })
            .unwrap_or_default();
        if let Some(selectors) = selectors {
            if selectors.iter().any(|s| s.parts.first().is_some_and(|(_, c)| c.is_host())) {
                let (line, column) = at;
                host_rules.push(Diagnostic {
                    file: name.to_string(),
                    line,
                    column,
                    message: format!(
                        "selector `{text}`: `:host` styles a custom component's host from the component's own stylesheet; in a page's or the app's stylesheet it matches nothing of the page (only `shared` and `apply-shared` components see it)"
                    ),
                });
            }
            rules.push(Rule { selectors, decls });
        }
    }
    Ok((
        StyleSheet {
            name: name.to_string(),
            rules,
            imports,
            imported_rules: 0,
            host_rules,
        },
        diags,
    ))
}

/// Parses an inline `style="..."` attribute value; every diagnostic is placed at the
/// element (`line`, `column`).
pub(crate) fn parse_inline_style(
    src: &str,
    file: &str,
    line: u32,
    column: u32,
) -> (Vec<Decl>, Vec<Diagnostic>) {
    let mut input = ParserInput::new(src);
    let mut p = Parser::new(&mut input);
    let mut diags = Vec::new();
    let mut sink = Sink {
        file,
        diags: &mut diags,
    };
    let decls = parse_decls(&mut p, Place::Fixed(line, column), &mut sink);
    (decls, diags)
}

/// Skips to just after the next `;` of this block (or its end).
fn skip_declaration(p: &mut Parser<'_, '_>) {
    let _ = p.parse_until_after(
        Delimiter::Semicolon,
        |p| -> std::result::Result<(), PErr<'_>> {
            while p.next().is_ok() {}
            Ok(())
        },
    );
}

fn parse_decls(p: &mut Parser<'_, '_>, place: Place, sink: &mut Sink<'_>) -> Vec<Decl> {
    let mut decls = Vec::new();
    loop {
        p.skip_whitespace();
        let at = place.at(p.current_source_location());
        let prop = match p.next() {
            Err(_) => break,
            Ok(Token::Semicolon) => continue,
            Ok(Token::Ident(name)) if name.starts_with("--") => name.to_string(),
            Ok(Token::Ident(name)) => name.to_ascii_lowercase(),
            Ok(t) => {
                let found = token_text(t);
                sink.warn(
                    at,
                    format!(
                        "{}, ignored",
                        StyleErrorKind::BadDeclaration { found }
                    ),
                );
                skip_declaration(p);
                continue;
            }
        };
        if p.expect_colon().is_err() {
            sink.warn(
                at,
                format!(
                    "{}, ignored",
                    StyleErrorKind::BadDeclaration { found: prop }
                ),
            );
            skip_declaration(p);
            continue;
        }
        let start = p.position();
        let mut too_deep = false;
        let mut vals = p
            .parse_until_after(
                Delimiter::Semicolon,
                |p| -> std::result::Result<Vec<Val>, PErr<'_>> { Ok(collect_vals(p, 0, &mut too_deep)) },
            )
            .unwrap_or_default();
        if too_deep {
            sink.warn(
                at,
                format!("`{prop}`: value nests parentheses or functions deeper than {MAX_CSS_NESTING}, ignored"),
            );
            continue;
        }
        let raw = p
            .slice_from(start)
            .trim()
            .trim_end_matches(';')
            .trim()
            .to_string();
        // `!important` is accepted and ignored.
        if let [.., Val::Delim('!'), Val::Ident(i)] = vals.as_slice() {
            if i.eq_ignore_ascii_case("important") {
                vals.truncate(vals.len() - 2);
            }
        }
        let value = raw.split('!').next().unwrap_or("").trim().to_string();
        if let Some(name) = prop.strip_prefix("--") {
            decls.push(Decl::Custom(name.into(), vals.into()));
            continue;
        }
        if !is_supported(&prop) {
            sink.warn(at, format!("unsupported property `{prop}`"));
            continue;
        }
        if vals.is_empty() {
            let kind = StyleErrorKind::BadValue {
                property: prop,
                value,
                expected: "a value",
            };
            sink.warn(at, kind.to_string());
            continue;
        }
        if has_var(&vals) {
            // Resolved during the cascade, where the custom properties are known.
            decls.push(Decl::Var(
                VarDecl {
                    prop,
                    vals,
                    file: sink.file.to_string(),
                    line: at.0,
                    column: at.1,
                }
                .into(),
            ));
            continue;
        }
        match parse_declaration(&prop, &vals) {
            Ok(None) => sink.warn(at, format!("unsupported property `{prop}`")),
            Ok(Some(mut d)) => {
                if let Some(note) = value_notes(&prop, &vals) {
                    sink.warn(at, format!("`{prop}: {value}`: {note}"));
                }
                decls.append(&mut d);
            }
            Err(expected) => {
                let kind = StyleErrorKind::BadValue {
                    property: prop,
                    value,
                    expected,
                };
                sink.warn(at, kind.to_string());
            }
        }
    }
    decls
}

/// Whether `var()` appears anywhere in the value.
pub(crate) fn has_var(vals: &[Val]) -> bool {
    vals.iter().any(|v| match v {
        Val::Func(f, args) => f == "var" || has_var(args),
        _ => false,
    })
}

/// The tokens of a value; parentheses and functions nest at most [`MAX_CSS_NESTING`] deep
/// (`depth` is this block's): a deeper block is skipped unread and sets `too_deep`.
fn collect_vals(p: &mut Parser<'_, '_>, depth: usize, too_deep: &mut bool) -> Vec<Val> {
    let mut out = Vec::new();
    while let Ok(t) = p.next() {
        let v = match t.clone() {
            Token::Ident(s) => Val::Ident(s.to_string()),
            Token::Number { value, .. } => Val::Num(value),
            Token::Percentage { unit_value, .. } => Val::Pct(unit_value * 100.0),
            Token::Dimension { value, unit, .. } => Val::Dim(value, unit.to_ascii_lowercase()),
            Token::Hash(h) | Token::IDHash(h) => Val::Hash(h.to_string()),
            Token::QuotedString(s) => Val::Str(s.to_string()),
            Token::UnquotedUrl(s) => Val::Url(s.to_string()),
            Token::Comma => Val::Comma,
            Token::Delim('/') => Val::Slash,
            Token::Delim(c) => Val::Delim(c),
            Token::ParenthesisBlock | Token::Function(_) if depth >= MAX_CSS_NESTING => {
                *too_deep = true;
                Val::Delim('?')
            }
            Token::ParenthesisBlock => Val::Func(
                String::new(),
                p.parse_nested_block(|p| -> std::result::Result<Vec<Val>, PErr<'_>> {
                    Ok(collect_vals(p, depth + 1, too_deep))
                })
                .unwrap_or_default(),
            ),
            Token::Function(name) => {
                let name = name.to_ascii_lowercase();
                let args = p
                    .parse_nested_block(|p| -> std::result::Result<Vec<Val>, PErr<'_>> {
                        Ok(collect_vals(p, depth + 1, too_deep))
                    })
                    .unwrap_or_default();
                match (name.as_str(), args.as_slice()) {
                    ("url", [Val::Str(s)]) => Val::Url(s.clone()),
                    _ => Val::Func(name, args),
                }
            }
            other => Val::Delim(token_text(&other).chars().next().unwrap_or('?')),
        };
        out.push(v);
    }
    out
}

fn token_text(t: &Token<'_>) -> String {
    match t {
        Token::Ident(s) => s.to_string(),
        Token::Delim(c) => c.to_string(),
        Token::Colon => ":".into(),
        Token::Semicolon => ";".into(),
        Token::Comma => ",".into(),
        Token::CurlyBracketBlock => "{".into(),
        Token::CloseCurlyBracket => "}".into(),
        Token::SquareBracketBlock => "[".into(),
        Token::ParenthesisBlock => "(".into(),
        Token::Function(f) => format!("{f}("),
        Token::AtKeyword(k) => format!("@{k}"),
        Token::Number { value, .. } => value.to_string(),
        Token::Dimension { value, unit, .. } => format!("{value}{unit}"),
        Token::Percentage { unit_value, .. } => format!("{}%", unit_value * 100.0),
        Token::Hash(h) | Token::IDHash(h) => format!("#{h}"),
        Token::QuotedString(s) => format!("\"{s}\""),
        other => format!("{other:?}"),
    }
}

enum SelError {
    Bad(&'static str),
    Unsupported(String),
}

fn parse_selectors(toks: &[STok]) -> std::result::Result<Vec<Selector>, SelError> {
    let mut out = Vec::new();
    for group in toks.split(|t| matches!(t, STok::Comma)) {
        out.push(parse_selector(group)?);
    }
    Ok(out)
}

fn both_sides(c: Combinator) -> &'static str {
    match c {
        Combinator::Child => "`>` needs a selector on both sides",
        Combinator::Next => "`+` needs a selector on both sides",
        Combinator::Subsequent => "`~` needs a selector on both sides",
        Combinator::Descendant => "empty selector",
    }
}

/// Parses pseudo-class `i` (just after a `:`) into `cur`; returns how many tokens it used.
fn parse_pseudo(toks: &[STok], cur: &mut Compound) -> std::result::Result<usize, SelError> {
    let nth = |a, b, from_end| Pseudo::Nth { a, b, from_end };
    match toks.first() {
        Some(STok::Ident(name)) => {
            cur.pseudos.push(match name.to_ascii_lowercase().as_str() {
                "first-child" => nth(0, 1, false),
                "last-child" => nth(0, 1, true),
                "only-child" => Pseudo::Only,
                "host" => Pseudo::Host(None),
                other => {
                    return Err(SelError::Unsupported(format!("pseudo-class `:{other}`")))
                }
            });
            Ok(1)
        }
        Some(STok::Nth(name, an_b)) => {
            let from_end = match name.as_str() {
                "nth-child" => false,
                "nth-last-child" => true,
                other => {
                    return Err(SelError::Unsupported(format!("pseudo-class `:{other}()`")))
                }
            };
            let (a, b) = an_b.ok_or(SelError::Bad(
                "`:nth-child()` takes `odd`, `even`, `B` or `An+B`",
            ))?;
            cur.pseudos.push(nth(a, b, from_end));
            Ok(1)
        }
        Some(STok::Func(name, args)) if name == "not" => {
            let inner = parse_selector(args)?;
            match inner.parts.as_slice() {
                [(_, c)] => cur.pseudos.push(Pseudo::Not(Box::new(c.clone()))),
                _ => return Err(SelError::Bad("`:not()` takes one compound selector, no combinators")),
            }
            Ok(1)
        }
        Some(STok::Func(name, args)) if name == "host" => {
            let inner = parse_selector(args)?;
            match inner.parts.as_slice() {
                [(_, c)] if !c.is_host() => cur.pseudos.push(Pseudo::Host(Some(Box::new(c.clone())))),
                _ => return Err(SelError::Bad("`:host()` takes one compound selector, no combinators")),
            }
            Ok(1)
        }
        Some(STok::Func(name, _)) => Err(SelError::Unsupported(format!("pseudo-class `:{name}()`"))),
        Some(STok::Colon) => match toks.get(1) {
            Some(STok::Func(name, _) | STok::Ident(name)) if name.eq_ignore_ascii_case("slotted") => Err(SelError::Unsupported(
                "`::slotted()`: a slot's content is styled by the sheet of the page or component that writes it".into(),
            )),
            _ => Err(SelError::Unsupported("pseudo-elements".into())),
        },
        _ => Err(SelError::Bad("`:` must be followed by a pseudo-class")),
    }
}

fn parse_selector(toks: &[STok]) -> std::result::Result<Selector, SelError> {
    let mut parts: Vec<(Combinator, Compound)> = Vec::new();
    let mut cur = Compound::default();
    let mut cur_empty = true;
    let mut universal = false;
    let mut pending: Option<Combinator> = None;
    let mut i = 0;
    let flush = |parts: &mut Vec<(Combinator, Compound)>,
                 cur: &mut Compound,
                 pending: &mut Option<Combinator>| {
        parts.push((
            pending.take().unwrap_or(Combinator::Descendant),
            std::mem::take(cur),
        ));
    };
    while i < toks.len() {
        match &toks[i] {
            STok::Ws => {
                if !cur_empty || universal {
                    flush(&mut parts, &mut cur, &mut pending);
                    cur_empty = true;
                    universal = false;
                    pending = Some(Combinator::Descendant);
                }
            }
            STok::Delim(c @ ('>' | '+' | '~')) => {
                let comb = match c {
                    '>' => Combinator::Child,
                    '+' => Combinator::Next,
                    _ => Combinator::Subsequent,
                };
                if !cur_empty || universal {
                    flush(&mut parts, &mut cur, &mut pending);
                    cur_empty = true;
                    universal = false;
                } else if parts.is_empty()
                    || pending.is_some_and(|p| p != Combinator::Descendant)
                {
                    return Err(SelError::Bad(both_sides(
                        pending.filter(|p| *p != Combinator::Descendant).unwrap_or(comb),
                    )));
                }
                pending = Some(comb);
            }
            STok::Ident(name) => {
                if !cur_empty || universal {
                    return Err(SelError::Bad(
                        "a type selector must come first in a compound",
                    ));
                }
                cur.tag = Some(name.to_ascii_lowercase());
                cur_empty = false;
            }
            STok::Delim('*') => {
                if !cur_empty {
                    return Err(SelError::Bad("`*` must come first in a compound"));
                }
                universal = true;
            }
            STok::Delim('.') => match toks.get(i + 1) {
                Some(STok::Ident(c)) => {
                    cur.classes.push(c.to_string());
                    cur_empty = false;
                    i += 1;
                }
                _ => return Err(SelError::Bad("`.` must be followed by a class name")),
            },
            STok::IdHash(id) => {
                cur.id = Some(id.to_string());
                cur_empty = false;
            }
            STok::Hash => return Err(SelError::Bad("an id must start with a letter")),
            STok::Colon => {
                i += parse_pseudo(&toks[i + 1..], &mut cur)?;
                cur_empty = false;
            }
            STok::Square => return Err(SelError::Unsupported("attribute selectors".into())),
            _ => return Err(SelError::Bad("unexpected token")),
        }
        i += 1;
    }
    if !cur_empty || universal {
        flush(&mut parts, &mut cur, &mut pending);
    } else if parts.is_empty() {
        return Err(SelError::Bad("empty selector"));
    } else if let Some(p) = pending.filter(|p| *p != Combinator::Descendant) {
        return Err(SelError::Bad(both_sides(p)));
    }
    // `:host` is featureless (nothing else in its compound) and matches only as the first
    // compound: the host is outside everything else its sheet sees.
    for (k, (_, c)) in parts.iter().enumerate() {
        if c.is_host() && (c.tag.is_some() || c.id.is_some() || !c.classes.is_empty() || c.pseudos.len() > 1) {
            return Err(SelError::Bad("`:host` stands alone in its compound: write `:host(.a)`, not `.a:host`"));
        }
        if c.is_host() && k > 0 {
            return Err(SelError::Bad("`:host` must be the first compound of a selector"));
        }
    }
    let specificity = parts.iter().map(|(_, c)| c.specificity()).sum();
    Ok(Selector { parts, specificity })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (tag, id, classes, parent)
    type Item = (&'static str, Option<&'static str>, Vec<String>, Option<usize>);

    /// A little element tree.
    struct Doc(Vec<Item>);

    #[derive(Clone, Copy)]
    struct E<'d>(&'d Doc, usize);

    impl Doc {
        fn siblings(&self, i: usize) -> Vec<usize> {
            let p = self.0[i].3;
            (0..self.0.len()).filter(|&j| self.0[j].3 == p).collect()
        }
    }

    impl Element for E<'_> {
        fn tag(&self) -> &str {
            self.0 .0[self.1].0
        }
        fn id(&self) -> Option<&str> {
            self.0 .0[self.1].1
        }
        fn classes(&self) -> &[String] {
            &self.0 .0[self.1].2
        }
        fn index(&self) -> usize {
            self.0.siblings(self.1).iter().position(|&j| j == self.1).unwrap()
        }
        fn sibling_count(&self) -> Option<usize> {
            Some(self.0.siblings(self.1).len())
        }
        fn parent(&self) -> Option<Self> {
            self.0 .0[self.1].3.map(|p| E(self.0, p))
        }
        fn prev(&self) -> Option<Self> {
            let s = self.0.siblings(self.1);
            let i = s.iter().position(|&j| j == self.1).unwrap();
            i.checked_sub(1).map(|k| E(self.0, s[k]))
        }
    }

    fn classes(c: &[&str]) -> Vec<String> {
        c.iter().map(|s| s.to_string()).collect()
    }

    /// page > view#main.list > view.row > text
    fn nested() -> Doc {
        Doc(vec![
            ("page", None, vec![], None),
            ("view", Some("main"), classes(&["list"]), Some(0)),
            ("view", None, classes(&["row"]), Some(1)),
            ("text", None, vec![], Some(2)),
        ])
    }

    /// page > ul > li.a li li.b li li
    fn list() -> Doc {
        let mut v = vec![("page", None, vec![], None), ("ul", None, vec![], Some(0))];
        for c in ["a", "", "b", "", ""] {
            v.push(("li", None, classes(&[c]), Some(1)));
        }
        Doc(v)
    }

    fn sel(src: &str) -> Selector {
        let (sheet, d) = parse_stylesheet(&format!("{src} {{ color: red }}"), "a.css").unwrap();
        assert!(d.is_empty(), "{d:?}");
        sheet.rules[0].selectors[0].clone()
    }

    fn warnings(src: &str) -> Vec<String> {
        let (_, d) = parse_stylesheet(src, "p.css").unwrap();
        d.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn specificity_counts_ids_classes_pseudo_classes_and_types() {
        assert_eq!(sel("view").specificity, 1);
        assert_eq!(sel(".a.b").specificity, 200);
        assert_eq!(sel("#x .a view").specificity, 10_101);
        assert_eq!(sel("*").specificity, 0);
        assert_eq!(sel("li:first-child").specificity, 101);
        assert_eq!(sel("li:not(.a)").specificity, 101);
        assert_eq!(sel("a + b ~ c").specificity, 3);
    }

    #[test]
    fn descendant_and_child_combinators_match() {
        let doc = nested();
        let text = E(&doc, 3);
        assert!(sel(".list text").matches(&text));
        assert!(sel("#main > .row > text").matches(&text));
        assert!(sel("page text").matches(&text));
        assert!(!sel(".list > text").matches(&text));
        assert!(!sel(".row view text").matches(&text));
        assert!(sel("view > text").matches(&text));
        assert!(sel("* > text").matches(&text));
    }

    #[test]
    fn sibling_combinators_match_earlier_siblings() {
        let doc = list();
        let li = |i: usize| E(&doc, i + 2);
        assert!(sel(".a + li").matches(&li(1)));
        assert!(!sel(".a + li").matches(&li(2)));
        assert!(sel(".a ~ li").matches(&li(4)));
        assert!(!sel(".b ~ li").matches(&li(1)));
        assert!(sel("ul > .a + li + .b").matches(&li(2)));
        assert!(sel("li + li").matches(&li(1)) && !sel("li + li").matches(&li(0)));
    }

    #[test]
    fn structural_pseudo_classes_match_positions() {
        let doc = list();
        let li = |i: usize| E(&doc, i + 2);
        let hits = |s: &str| -> Vec<usize> { (0..5).filter(|&i| sel(s).matches(&li(i))).collect() };
        assert_eq!(hits("li:first-child"), [0]);
        assert_eq!(hits("li:last-child"), [4]);
        assert_eq!(hits("li:nth-child(odd)"), [0, 2, 4]);
        assert_eq!(hits("li:nth-child(even)"), [1, 3]);
        assert_eq!(hits("li:nth-child(3n+1)"), [0, 3]);
        assert_eq!(hits("li:nth-child(-n+2)"), [0, 1]);
        assert_eq!(hits("li:nth-child(2)"), [1]);
        assert_eq!(hits("li:nth-last-child(2)"), [3]);
        assert_eq!(hits("li:not(.a):not(.b)"), [1, 3, 4]);
        assert_eq!(hits("li:only-child"), Vec::<usize>::new());
        assert!(sel("ul:only-child").matches(&E(&doc, 1)));
    }

    /// `E` as the host of the sheet matching (index `host` in the doc).
    #[derive(Clone, Copy)]
    struct H<'d>(E<'d>, usize);

    impl Element for H<'_> {
        fn tag(&self) -> &str {
            self.0.tag()
        }
        fn id(&self) -> Option<&str> {
            self.0.id()
        }
        fn classes(&self) -> &[String] {
            self.0.classes()
        }
        fn index(&self) -> usize {
            self.0.index()
        }
        fn sibling_count(&self) -> Option<usize> {
            self.0.sibling_count()
        }
        fn parent(&self) -> Option<Self> {
            self.0.parent().map(|p| H(p, self.1))
        }
        fn prev(&self) -> Option<Self> {
            self.0.prev().map(|p| H(p, self.1))
        }
        fn is_host(&self) -> bool {
            self.0 .1 == self.1
        }
    }

    #[test]
    fn host_matches_only_the_host_and_only_host_matches_it() {
        let doc = list();
        // The `ul` (index 1) is the host; its `li`s are the component's nodes.
        let at = |i: usize| H(E(&doc, i), 1);
        assert!(sel(":host").matches(&at(1)));
        assert!(!sel(":host").matches(&at(2)), "not a node inside");
        assert!(!sel("ul").matches(&at(1)), "a plain selector does not see the host");
        assert!(sel(":host(ul)").matches(&at(1)));
        assert!(!sel(":host(.nope)").matches(&at(1)));
        assert!(sel(":host li").matches(&at(2)), "`:host` then a descendant reaches inside");
        assert!(sel(":host > li.a").matches(&at(2)));
        assert!(!sel(":host li").matches(&at(1)));
        assert!(!sel("ul li").matches(&at(2)), "the host is not an ancestor to plain selectors");
        assert_eq!(sel(":host").specificity, 100);
        assert_eq!(sel(":host(.a) li").specificity, 201);
    }

    #[test]
    fn host_in_the_wrong_place_and_slotted_are_positioned_warnings() {
        let (sheet, d) = parse_stylesheet(
            ":host { color: red }\n.a:host { color: red }\nli :host { color: red }\n:host(.a .b) { color: red }\nview::slotted(.x) { color: red }\n::slotted(text) { color: red }",
            "c.css",
        )
        .unwrap();
        assert_eq!(sheet.rules.len(), 1);
        let d: Vec<String> = d.iter().map(ToString::to_string).collect();
        assert_eq!(
            d,
            [
                "c.css:2:1: selector `.a:host`: `:host` stands alone in its compound: write `:host(.a)`, not `.a:host`, rule ignored",
                "c.css:3:1: selector `li :host`: `:host` must be the first compound of a selector, rule ignored",
                "c.css:4:1: selector `:host(.a .b)`: `:host()` takes one compound selector, no combinators, rule ignored",
                "c.css:5:1: unsupported selector `view::slotted(.x)` (`::slotted()`: a slot's content is styled by the sheet of the page or component that writes it), rule ignored",
                "c.css:6:1: unsupported selector `::slotted(text)` (`::slotted()`: a slot's content is styled by the sheet of the page or component that writes it), rule ignored",
            ]
        );
    }

    #[test]
    fn comma_lists_give_one_selector_each() {
        let (sheet, _) = parse_stylesheet(".a, #b > c, view{color:red}", "a.css").unwrap();
        assert_eq!(sheet.rules[0].selectors.len(), 3);
    }

    #[test]
    fn unsupported_property_is_a_diagnostic_with_file_line_and_column() {
        let (sheet, d) =
            parse_stylesheet(".a {\n  color: red;\n  float: left;\n}\n", "app.css").unwrap();
        assert_eq!(sheet.rules[0].decls.len(), 1);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].to_string(), "app.css:3:3: unsupported property `float`");
    }

    #[test]
    fn unsupported_pseudo_classes_and_at_rules_are_reported_and_skipped() {
        let (sheet, d) = parse_stylesheet(
            "@media (max-width: 1px) { .a { color: red } }\n.b:hover { color: red }\n.c { color: red }\n[x] { color: red }",
            "x.css",
        )
        .unwrap();
        assert_eq!(sheet.rules.len(), 1);
        let d: Vec<String> = d.iter().map(ToString::to_string).collect();
        assert_eq!(
            d,
            [
                "x.css:1:1: unsupported at-rule `@media`, ignored",
                "x.css:2:1: unsupported selector `.b:hover` (pseudo-class `:hover`), rule ignored",
                "x.css:4:1: unsupported selector `[x]` (attribute selectors), rule ignored",
            ]
        );
    }

    #[test]
    fn a_bad_value_drops_only_its_declaration() {
        let (sheet, d) = parse_stylesheet(
            ".a { width: banana; color: nope; height: 3px }\n.b { color: hsl(1 2 3 4 5) }",
            "p.css",
        )
        .unwrap();
        assert_eq!(sheet.rules.len(), 2);
        assert_eq!(sheet.rules[0].decls.len(), 1);
        assert_eq!(d.len(), 3);
        assert_eq!(
            d[0].to_string(),
            "p.css:1:6: invalid value `banana` for `width`: expected a length (px, rpx, %, vw, vh, em, rem, calc()) or auto"
        );
        assert!(d[1].to_string().starts_with("p.css:1:21: invalid value `nope` for `color`"));
        assert!(d[2].to_string().starts_with("p.css:2:6: invalid value `hsl(1 2 3 4 5)`"));
    }

    #[test]
    fn malformed_css_recovers_at_the_next_semicolon_or_brace() {
        assert_eq!(
            warnings(".a { color }\n.b { color: red }"),
            ["p.css:1:6: expected a declaration `name: value`, found `color`, ignored"]
        );
        assert_eq!(
            warnings(".a { 12: red; color: blue }"),
            ["p.css:1:6: expected a declaration `name: value`, found `12`, ignored"]
        );
        assert_eq!(
            warnings(". { color: red }"),
            ["p.css:1:1: selector `.`: `.` must be followed by a class name, rule ignored"]
        );
        assert_eq!(
            warnings("> .a { color: red }"),
            ["p.css:1:1: selector `> .a`: `>` needs a selector on both sides, rule ignored"]
        );
        assert_eq!(
            warnings(".a + { color: red }"),
            ["p.css:1:1: selector `.a +`: `+` needs a selector on both sides, rule ignored"]
        );
        assert_eq!(
            warnings(".a { color: red }\n.b"),
            ["p.css:2:1: `.b` has no `{ }` block after it (a stray selector?), ignored"]
        );
        assert_eq!(
            warnings(".a { color: ; }"),
            ["p.css:1:6: invalid value `` for `color`: expected a value"]
        );
        assert_eq!(
            warnings("li:nth-child(foo) { color: red }"),
            ["p.css:1:1: selector `li:nth-child(foo)`: `:nth-child()` takes `odd`, `even`, `B` or `An+B`, rule ignored"]
        );
        let (sheet, d) = parse_stylesheet(".a { color: red", "p.css").unwrap();
        assert!(d.is_empty());
        assert_eq!(sheet.rules[0].decls.len(), 1);
    }

    #[test]
    fn important_is_accepted() {
        let (sheet, d) = parse_stylesheet(".a { color: red !important }", "a.css").unwrap();
        assert!(d.is_empty());
        assert_eq!(sheet.rules[0].decls.len(), 1);
    }

    #[test]
    fn inline_styles_report_at_the_element() {
        let (decls, d) = parse_inline_style("color: red; float: left; width: x", "t.xml", 7, 3);
        assert_eq!(decls.len(), 1);
        assert_eq!(d[0].to_string(), "t.xml:7:3: unsupported property `float`");
        assert!(d[1].to_string().starts_with("t.xml:7:3: invalid value `x` for `width`"));
    }

    #[test]
    fn mixed_percentage_calc_warns_that_only_the_percentage_is_laid_out() {
        assert_eq!(
            warnings(".a { width: calc(100% - 20px); border-radius: calc(50% - 1px) }"),
            ["p.css:1:6: `width: calc(100% - 20px)`: `calc()` mixing % with other units is laid out with only its % part"]
        );
    }

    #[test]
    fn imports_are_listed_and_imported_rules_come_first() {
        let (mut sheet, d) = parse_stylesheet(
            "@import \"base.css\";\n@import url(theme.css);\n.a { color: red }\n@import \"late.css\";",
            "app.css",
        )
        .unwrap();
        assert_eq!(sheet.imports(), ["base.css", "theme.css"]);
        assert_eq!(
            d[0].to_string(),
            "app.css:4:1: `@import \"late.css\"` after a rule: `@import` must come first, ignored"
        );
        let (base, _) = parse_stylesheet(".b { color: blue }", "base.css").unwrap();
        let (theme, _) = parse_stylesheet(".c { color: blue }", "theme.css").unwrap();
        sheet.add_import(base);
        sheet.add_import(theme);
        let first_classes: Vec<&str> = sheet
            .rules
            .iter()
            .map(|r| r.selectors[0].parts[0].1.classes[0].as_str())
            .collect();
        assert_eq!(first_classes, ["b", "c", "a"]);
    }

    #[test]
    fn custom_properties_keep_their_case_and_var_declarations_wait_for_the_cascade() {
        let (sheet, d) = parse_stylesheet(".a { --Brand: red; color: var(--Brand); float: var(--x) }", "a.css").unwrap();
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(matches!(&sheet.rules[0].decls[0], Decl::Custom(n, _) if &**n == "Brand"));
        assert!(matches!(&sheet.rules[0].decls[1], Decl::Var(v) if v.prop == "color"));
    }

    #[test]
    fn every_css_example_in_the_styles_doc_parses_without_warnings() {
        use crate::style::{Computed, Ctx};
        let doc = include_str!("../../../docs/styles.md");
        let mut blocks = 0;
        for (i, block) in doc.split("```css").skip(1).enumerate() {
            let css = block.split("```").next().unwrap_or_default();
            let name = format!("styles.md block {}", i + 1);
            let (sheet, d) = parse_stylesheet(css, &name).unwrap();
            assert!(d.is_empty(), "{d:#?}");
            // Cascade every rule into one style, so `var()`s see the custom properties above.
            let ctx = Ctx { vw: 375.0, vh: 600.0, font_size: 16.0 };
            let mut c = Computed::root();
            for rule in &sheet.rules {
                let w = c.apply(&rule.decls, 16.0, ctx);
                assert!(w.is_empty(), "{name}: {w:#?}");
            }
            blocks += 1;
        }
        assert!(blocks >= 5, "found {blocks} css blocks");
    }

    #[test]
    fn hostile_input_terminates_with_warnings_and_no_panic() {
        for src in [
            "}}}{{{", ")))", "@", "@import", "a{b:c(d(e(f", "::: {}", ".a{;;;:;}", "<!-- .a{color:red} -->",
            "\u{0}\u{feff}{", "#{}", "a, , b {}", ":not( {}", ":nth-child() {}", ".a { --x: {}; color: var( }",
            ".a { width: calc(((((1px)))) }", "*{*:*}", "a\\",
        ] {
            let r = parse_stylesheet(src, "h.css");
            assert!(r.is_ok(), "{src:?}");
        }
    }

    #[test]
    fn deep_nesting_is_a_diagnostic_not_a_stack_overflow() {
        // Found by the css_parse fuzz target: each `(` was one level of recursion.
        let value = format!("a {{ width: {}1px; color: red }}", "calc(".repeat(100_000));
        let (sheet, diags) = parse_stylesheet(&value, "deep.css").unwrap();
        assert_eq!(sheet.len(), 1);
        let msg = diags[0].to_string();
        assert!(msg.contains("`width`: value nests parentheses or functions deeper than 32, ignored"), "{msg:.200}");
        let selector = format!("{}a{} {{ color: red }} b {{ color: blue }}", ":not(".repeat(100_000), ")".repeat(100_000));
        let (sheet, diags) = parse_stylesheet(&selector, "deep.css").unwrap();
        assert_eq!((sheet.len(), diags.len()), (1, 1));
        assert!(diags[0].to_string().ends_with("rule ignored"), "{:.200}", diags[0].to_string());
    }
}
