//! CSS subset: stylesheets parsed with cssparser into rules of selectors and typed declarations.
//!
//! Selectors: type, `.class`, `#id`, `*`, descendant and child (`>`) combinators, comma lists,
//! with specificity. Unsupported properties, selectors and at-rules are reported as
//! [`Diagnostic`]s with file:line; malformed CSS is an [`Error::Style`].

use std::collections::HashMap;
use std::fmt;

use cssparser::{Delimiter, ParseError, Parser, ParserInput, Token};

use crate::error::{Error, Result, StyleErrorKind};
use crate::style::{parse_declaration, Decl};

/// A non-fatal problem in a stylesheet or template, with its place: `app.css:4: unsupported
/// property `float``.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// File name as given to the parser.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// What is wrong, lower-case.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
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
    Func(String, Vec<Val>),
    Comma,
    Slash,
    Delim(char),
}

/// A parsed stylesheet: rules in source order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StyleSheet {
    pub(crate) name: String,
    pub(crate) rules: Vec<Rule>,
}

impl StyleSheet {
    /// The file name the sheet was parsed from.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Number of rules (a comma list counts once).
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether the sheet has no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
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
    Descendant,
    Child,
}

/// `tag#id.class.class` (all optional; empty = `*`).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Compound {
    pub tag: Option<String>,
    pub id: Option<String>,
    pub classes: Vec<String>,
}

/// What selector matching needs to know about an element.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ElementRef<'a> {
    pub tag: &'a str,
    pub id: Option<&'a str>,
    pub classes: &'a [String],
}

impl Compound {
    fn matches(&self, el: &ElementRef<'_>) -> bool {
        self.tag.as_deref().is_none_or(|t| t == el.tag)
            && self.id.as_deref().is_none_or(|id| Some(id) == el.id)
            && self.classes.iter().all(|c| el.classes.contains(c))
    }
}

impl Selector {
    /// Whether the selector matches `el`, whose ancestors are `ancestors` (root first).
    pub fn matches(&self, el: &ElementRef<'_>, ancestors: &[ElementRef<'_>]) -> bool {
        let Some(((_, last), rest)) = self.parts.split_last() else {
            return false;
        };
        if !last.matches(el) {
            return false;
        }
        let comb = self
            .parts
            .last()
            .map(|p| p.0)
            .unwrap_or(Combinator::Descendant);
        match_left(rest, comb, ancestors)
    }
}

/// Matches `parts` (right-most last) against `ancestors`, where `comb` joined the compound on
/// the right of `parts` to it.
fn match_left(
    parts: &[(Combinator, Compound)],
    comb: Combinator,
    ancestors: &[ElementRef<'_>],
) -> bool {
    let Some(((next_comb, compound), rest)) = parts.split_last() else {
        return true;
    };
    match comb {
        Combinator::Child => {
            let Some((parent, above)) = ancestors.split_last() else {
                return false;
            };
            compound.matches(parent) && match_left(rest, *next_comb, above)
        }
        Combinator::Descendant => (0..ancestors.len()).rev().any(|i| {
            compound.matches(&ancestors[i]) && match_left(rest, *next_comb, &ancestors[..i])
        }),
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
}

impl RuleIndex {
    pub fn new(sheets: &[StyleSheet]) -> RuleIndex {
        let mut ix = RuleIndex::default();
        for (si, sheet) in sheets.iter().enumerate() {
            for (ri, rule) in sheet.rules.iter().enumerate() {
                for (xi, sel) in rule.selectors.iter().enumerate() {
                    let entry = (si, ri, xi);
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

    /// Declarations of every rule matching `el`, in cascade order (specificity, then sheet,
    /// then rule order; a rule matched by several of its selectors counts once, at its
    /// highest specificity).
    pub fn matching<'s>(
        &self,
        sheets: &'s [StyleSheet],
        el: &ElementRef<'_>,
        ancestors: &[ElementRef<'_>],
    ) -> Vec<&'s Decl> {
        let mut cands: Vec<(usize, usize, usize)> = Vec::new();
        if let Some(id) = el.id {
            cands.extend(self.by_id.get(id).into_iter().flatten());
        }
        for c in el.classes {
            cands.extend(self.by_class.get(c).into_iter().flatten());
        }
        cands.extend(self.by_tag.get(el.tag).into_iter().flatten());
        cands.extend(&self.universal);
        let mut matched: Vec<(u32, usize, usize)> = Vec::new();
        for (si, ri, xi) in cands {
            let sel = &sheets[si].rules[ri].selectors[xi];
            if sel.matches(el, ancestors) {
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

/// Parses a stylesheet.
///
/// # Errors
/// [`Error::Style`] with file:line for a malformed selector, a declaration that is not
/// `name: value`, an invalid value of a supported property, or a rule without `{ }`.
/// Unsupported properties, pseudo-classes, attribute selectors and at-rules are returned as
/// diagnostics instead.
pub fn parse_stylesheet(src: &str, name: &str) -> Result<(StyleSheet, Vec<Diagnostic>)> {
    let mut input = ParserInput::new(src);
    let mut p = Parser::new(&mut input);
    let mut rules = Vec::new();
    let mut diags = Vec::new();
    let style_err = |line: u32, kind| Error::Style {
        file: name.to_string(),
        line,
        kind,
    };
    loop {
        p.skip_whitespace();
        if p.is_exhausted() {
            break;
        }
        let line = p.current_source_location().line + 1;
        let start = p.position();
        let mut prelude: Vec<Token<'_>> = Vec::new();
        let mut at_rule: Option<String> = None;
        let mut block = false;
        loop {
            match p.next_including_whitespace() {
                Ok(Token::CurlyBracketBlock) => {
                    block = true;
                    break;
                }
                Ok(Token::Semicolon) if at_rule.is_some() => break,
                Ok(Token::AtKeyword(k)) if prelude.is_empty() && at_rule.is_none() => {
                    at_rule = Some(k.to_string());
                }
                Ok(t) => prelude.push(t.clone()),
                Err(_) => break,
            }
        }
        let text = p.slice_from(start).trim_end_matches('{').trim().to_string();
        if let Some(at) = at_rule {
            // Skip the block, if any; the whole at-rule is unsupported.
            if block {
                let _ = p.parse_nested_block(|p| -> std::result::Result<(), PErr<'_>> {
                    while p.next().is_ok() {}
                    Ok(())
                });
            }
            diags.push(Diagnostic {
                file: name.to_string(),
                line,
                message: format!("unsupported at-rule `@{at}`, ignored"),
            });
            continue;
        }
        if !block {
            return Err(style_err(
                line,
                StyleErrorKind::Syntax {
                    found: format!("`{text}` and then the end"),
                    expected: "`{` after the selector",
                },
            ));
        }
        let selectors = match parse_selectors(&prelude, &text) {
            Ok(s) => Some(s),
            Err(SelError::Bad(reason)) => {
                return Err(style_err(
                    line,
                    StyleErrorKind::BadSelector {
                        selector: text,
                        reason,
                    },
                ))
            }
            Err(SelError::Unsupported(what)) => {
                diags.push(Diagnostic {
                    file: name.to_string(),
                    line,
                    message: format!("unsupported selector `{text}` ({what}), rule ignored"),
                });
                None
            }
        };
        let decls = p
            .parse_nested_block(|p| -> std::result::Result<_, PErr<'_>> {
                let decls = parse_decls(p, name, 0, &mut diags);
                while p.next().is_ok() {}
                Ok(decls)
            })
            .map_err(|_| {
                style_err(
                    line,
                    StyleErrorKind::Syntax {
                        found: "a broken block".into(),
                        expected: "`}`",
                    },
                )
            })??;
        if let Some(selectors) = selectors {
            rules.push(Rule { selectors, decls });
        }
    }
    Ok((
        StyleSheet {
            name: name.to_string(),
            rules,
        },
        diags,
    ))
}

/// Parses an inline `style="..."` attribute value; `line` is the element's line.
pub(crate) fn parse_inline_style(
    src: &str,
    file: &str,
    line: u32,
) -> Result<(Vec<Decl>, Vec<Diagnostic>)> {
    let mut input = ParserInput::new(src);
    let mut p = Parser::new(&mut input);
    let mut diags = Vec::new();
    let decls = parse_decls(&mut p, file, line.saturating_sub(1), &mut diags)?;
    Ok((decls, diags))
}

fn parse_decls(
    p: &mut Parser<'_, '_>,
    file: &str,
    line_offset: u32,
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<Decl>> {
    let mut decls = Vec::new();
    loop {
        p.skip_whitespace();
        let line = p.current_source_location().line + 1 + line_offset;
        let err = |kind| Error::Style {
            file: file.to_string(),
            line,
            kind,
        };
        let prop = match p.next() {
            Err(_) => break,
            Ok(Token::Semicolon) => continue,
            Ok(Token::Ident(name)) => name.to_ascii_lowercase(),
            Ok(t) => {
                return Err(err(StyleErrorKind::BadDeclaration {
                    found: token_text(t),
                }))
            }
        };
        if p.expect_colon().is_err() {
            return Err(err(StyleErrorKind::BadDeclaration { found: prop }));
        }
        let start = p.position();
        let vals = p
            .parse_until_after(
                Delimiter::Semicolon,
                |p| -> std::result::Result<Vec<Val>, PErr<'_>> { Ok(collect_vals(p)) },
            )
            .unwrap_or_default();
        let raw = p
            .slice_from(start)
            .trim()
            .trim_end_matches(';')
            .trim()
            .to_string();
        let mut vals = vals;
        // `!important` is accepted and ignored.
        if let [.., Val::Delim('!'), Val::Ident(i)] = vals.as_slice() {
            if i.eq_ignore_ascii_case("important") {
                vals.truncate(vals.len() - 2);
            }
        }
        if vals.is_empty() {
            return Err(err(StyleErrorKind::BadValue {
                property: prop,
                value: raw,
                expected: "a value",
            }));
        }
        match parse_declaration(&prop, &vals) {
            Ok(Some(mut d)) => decls.append(&mut d),
            Ok(None) => diags.push(Diagnostic {
                file: file.to_string(),
                line,
                message: format!("unsupported property `{prop}`"),
            }),
            Err(expected) => {
                let value = raw.split('!').next().unwrap_or("").trim().to_string();
                return Err(err(StyleErrorKind::BadValue {
                    property: prop,
                    value,
                    expected,
                }));
            }
        }
    }
    Ok(decls)
}

fn collect_vals(p: &mut Parser<'_, '_>) -> Vec<Val> {
    let mut out = Vec::new();
    while let Ok(t) = p.next() {
        let v = match t.clone() {
            Token::Ident(s) => Val::Ident(s.to_string()),
            Token::Number { value, .. } => Val::Num(value),
            Token::Percentage { unit_value, .. } => Val::Pct(unit_value * 100.0),
            Token::Dimension { value, unit, .. } => Val::Dim(value, unit.to_ascii_lowercase()),
            Token::Hash(h) | Token::IDHash(h) => Val::Hash(h.to_string()),
            Token::QuotedString(s) => Val::Str(s.to_string()),
            Token::Comma => Val::Comma,
            Token::Delim('/') => Val::Slash,
            Token::Delim(c) => Val::Delim(c),
            Token::Function(name) => {
                let name = name.to_ascii_lowercase();
                let args = p
                    .parse_nested_block(|p| -> std::result::Result<Vec<Val>, PErr<'_>> {
                        Ok(collect_vals(p))
                    })
                    .unwrap_or_default();
                Val::Func(name, args)
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
        Token::Number { value, .. } => value.to_string(),
        Token::Hash(h) | Token::IDHash(h) => format!("#{h}"),
        Token::QuotedString(s) => format!("\"{s}\""),
        other => format!("{other:?}"),
    }
}

enum SelError {
    Bad(&'static str),
    Unsupported(&'static str),
}

fn parse_selectors(
    toks: &[Token<'_>],
    _text: &str,
) -> std::result::Result<Vec<Selector>, SelError> {
    let mut out = Vec::new();
    for group in toks.split(|t| matches!(t, Token::Comma)) {
        out.push(parse_selector(group)?);
    }
    Ok(out)
}

fn parse_selector(toks: &[Token<'_>]) -> std::result::Result<Selector, SelError> {
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
            Token::WhiteSpace(_) => {
                if !cur_empty || universal {
                    flush(&mut parts, &mut cur, &mut pending);
                    cur_empty = true;
                    universal = false;
                    pending = Some(Combinator::Descendant);
                }
            }
            Token::Delim('>') => {
                if !cur_empty || universal {
                    flush(&mut parts, &mut cur, &mut pending);
                    cur_empty = true;
                    universal = false;
                } else if parts.is_empty() || pending == Some(Combinator::Child) {
                    return Err(SelError::Bad("`>` needs a selector on both sides"));
                }
                pending = Some(Combinator::Child);
            }
            Token::Delim('+') | Token::Delim('~') => {
                return Err(SelError::Unsupported("sibling combinators"))
            }
            Token::Ident(name) => {
                if !cur_empty || universal {
                    return Err(SelError::Bad(
                        "a type selector must come first in a compound",
                    ));
                }
                cur.tag = Some(name.to_ascii_lowercase());
                cur_empty = false;
            }
            Token::Delim('*') => {
                if !cur_empty {
                    return Err(SelError::Bad("`*` must come first in a compound"));
                }
                universal = true;
            }
            Token::Delim('.') => match toks.get(i + 1) {
                Some(Token::Ident(c)) => {
                    cur.classes.push(c.to_string());
                    cur_empty = false;
                    i += 1;
                }
                _ => return Err(SelError::Bad("`.` must be followed by a class name")),
            },
            Token::IDHash(id) => {
                cur.id = Some(id.to_string());
                cur_empty = false;
            }
            Token::Hash(_) => return Err(SelError::Bad("an id must start with a letter")),
            Token::Colon => {
                return Err(SelError::Unsupported("pseudo-classes and pseudo-elements"))
            }
            Token::SquareBracketBlock => return Err(SelError::Unsupported("attribute selectors")),
            _ => return Err(SelError::Bad("unexpected token")),
        }
        i += 1;
    }
    if !cur_empty || universal {
        flush(&mut parts, &mut cur, &mut pending);
    } else if pending == Some(Combinator::Child) || parts.is_empty() {
        return Err(SelError::Bad(if parts.is_empty() {
            "empty selector"
        } else {
            "`>` needs a selector on both sides"
        }));
    }
    let specificity = parts
        .iter()
        .map(|(_, c)| {
            u32::from(c.id.is_some()) * 10_000
                + c.classes.len() as u32 * 100
                + u32::from(c.tag.is_some())
        })
        .sum();
    Ok(Selector { parts, specificity })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el<'a>(tag: &'a str, id: Option<&'a str>, classes: &'a [String]) -> ElementRef<'a> {
        ElementRef { tag, id, classes }
    }

    fn sel(src: &str) -> Selector {
        let (sheet, d) = parse_stylesheet(&format!("{src} {{ color: red }}"), "a.css").unwrap();
        assert!(d.is_empty(), "{d:?}");
        sheet.rules[0].selectors[0].clone()
    }

    #[test]
    fn specificity_counts_ids_classes_and_types() {
        assert_eq!(sel("view").specificity, 1);
        assert_eq!(sel(".a.b").specificity, 200);
        assert_eq!(sel("#x .a view").specificity, 10_101);
        assert_eq!(sel("*").specificity, 0);
    }

    #[test]
    fn descendant_and_child_combinators_match() {
        let none: [String; 0] = [];
        let list = ["list".to_string()];
        let row = ["row".to_string()];
        let ancestors = [
            el("page", None, &none),
            el("view", Some("main"), &list),
            el("view", None, &row),
        ];
        let text = el("text", None, &none);
        assert!(sel(".list text").matches(&text, &ancestors));
        assert!(sel("#main > .row > text").matches(&text, &ancestors));
        assert!(sel("page text").matches(&text, &ancestors));
        assert!(!sel(".list > text").matches(&text, &ancestors));
        assert!(!sel(".row view text").matches(&text, &ancestors));
        assert!(sel("view > text").matches(&text, &ancestors));
        assert!(sel("* > text").matches(&text, &ancestors));
    }

    #[test]
    fn comma_lists_give_one_selector_each() {
        let (sheet, _) = parse_stylesheet(".a, #b > c, view{color:red}", "a.css").unwrap();
        assert_eq!(sheet.rules[0].selectors.len(), 3);
    }

    #[test]
    fn unsupported_property_is_a_diagnostic_with_file_and_line() {
        let (sheet, d) =
            parse_stylesheet(".a {\n  color: red;\n  float: left;\n}\n", "app.css").unwrap();
        assert_eq!(sheet.rules[0].decls.len(), 1);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].to_string(), "app.css:3: unsupported property `float`");
    }

    #[test]
    fn pseudo_classes_and_at_rules_are_reported_and_skipped() {
        let (sheet, d) =
            parse_stylesheet("@media (max-width: 1px) { .a { color: red } }\n.b:hover { color: red }\n.c { color: red }", "x.css")
                .unwrap();
        assert_eq!(sheet.rules.len(), 1);
        assert_eq!(d.len(), 2);
        assert!(
            d[0].to_string()
                .starts_with("x.css:1: unsupported at-rule `@media`"),
            "{}",
            d[0]
        );
        assert!(
            d[1].to_string()
                .starts_with("x.css:2: unsupported selector `.b:hover`"),
            "{}",
            d[1]
        );
    }

    #[test]
    fn malformed_css_is_an_error_with_file_and_line() {
        let e = |src: &str| parse_stylesheet(src, "p.css").unwrap_err().to_string();
        assert_eq!(e("\n.a { width: banana }"), "p.css:2: invalid value `banana` for `width`: expected a length (px, rpx, %, vw, vh, em) or auto");
        assert_eq!(
            e(".a { color }"),
            "p.css:1: expected a declaration `name: value`, found `color`"
        );
        assert!(e(". { color: red }")
            .starts_with("p.css:1: selector `.`: `.` must be followed by a class name"));
        assert!(e("> .a { color: red }").contains("`>` needs a selector on both sides"));
        assert!(e(".a { color: red }\n.b").starts_with("p.css:2: expected `{` after the selector"));
        assert_eq!(
            e(".a { 12: red }"),
            "p.css:1: expected a declaration `name: value`, found `12`"
        );
        assert!(e(".a { color: ; }").contains("invalid value `` for `color`"));
    }

    #[test]
    fn important_is_accepted() {
        let (sheet, d) = parse_stylesheet(".a { color: red !important }", "a.css").unwrap();
        assert!(d.is_empty());
        assert_eq!(sheet.rules[0].decls.len(), 1);
    }

    #[test]
    fn inline_styles_parse_with_the_element_line() {
        let (decls, d) = parse_inline_style("color: red; z-index: 3", "t.xml", 7).unwrap();
        assert_eq!(decls.len(), 1);
        assert_eq!(d[0].to_string(), "t.xml:7: unsupported property `z-index`");
    }
}
