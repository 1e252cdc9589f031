//! `{{ expression }}` language: lexer, parser and evaluator over JSON page data.
//!
//! Paths (`a.b[0].c`, `list[i]`, `list.length`), string/number/bool/null literals, array
//! literals, `+ - * / %`, comparisons (`== != === !== < <= > >=`), `&& || !`, the ternary
//! `c ? a : b` and parentheses. Semantics follow JavaScript where it matters for templates:
//! a missing path is empty (not an error), `+` concatenates when either side is a string,
//! truthiness is JavaScript's.

use std::borrow::Cow;

use serde_json::Value;

use crate::limits::{DEFAULT_MAX_EXPR_DEPTH, DEFAULT_MAX_STRING_BYTES};

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A literal: string, number, bool or null.
    Lit(Value),
    /// A name looked up in loop variables, then page data.
    Ident(String),
    /// `a.b`
    Member(Box<Expr>, String),
    /// `a[b]`
    Index(Box<Expr>, Box<Expr>),
    /// `[a, b, ...rest]`
    Array(Vec<Item>),
    /// `{a: 1, b, ...rest}`
    Object(Vec<Prop>),
    /// `!a`, `-a`, `+a`
    Unary(UnOp, Box<Expr>),
    /// `a op b`
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `c ? a : b`
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
}

/// One element of an array literal.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// `a`
    One(Expr),
    /// `...a`: the elements of an array (the characters of a string).
    Spread(Expr),
}

/// One entry of an object literal.
#[derive(Debug, Clone, PartialEq)]
pub enum Prop {
    /// `key: value`, `'key': value` or the shorthand `key` (for `key: key`).
    Pair(String, Expr),
    /// `...a`: the properties of an object (the indexes of an array or string).
    Spread(Expr),
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    /// `!`
    Not,
    /// `-`
    Neg,
    /// `+`
    Plus,
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Eq,
    Ne,
    StrictEq,
    StrictNe,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

/// Why an expression does not parse (converted to a template error by the caller).
#[derive(Debug, Clone, PartialEq)]
pub struct ExprError {
    /// Human-readable reason, lower-case.
    pub reason: String,
    /// Where in the expression text (in characters) the offending token starts.
    pub at: usize,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Ident(String),
    Punct(&'static str),
}

const PUNCTS: &[&str] = &[
    "...", "===", "!==", "==", "!=", "<=", ">=", "&&", "||", "<", ">", "+", "-", "*", "/", "%",
    "!", "?", ":", ".", "[", "]", "(", ")", ",", "{", "}",
];

fn lex(src: &str) -> Result<Vec<(Tok, usize)>, ExprError> {
    let mut toks = Vec::new();
    let chars: Vec<char> = src.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let start = i;
            let at = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                i += 1;
                if i < chars.len() && (chars[i] == '+' || chars[i] == '-') {
                    i += 1;
                }
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            let text: String = chars[start..i].iter().collect();
            let n: f64 = text.parse().map_err(|_| ExprError {
                reason: format!("bad number `{text}`"),
                at,
            })?;
            toks.push((Tok::Num(n), at));
        } else if c == '\'' || c == '"' {
            let quote = c;
            let at = i;
            i += 1;
            let mut s = String::new();
            loop {
                match chars.get(i) {
                    None => {
                        return Err(ExprError {
                            reason: format!("unterminated string: expected {quote}"),
                            at,
                        })
                    }
                    Some(&q) if q == quote => {
                        i += 1;
                        break;
                    }
                    Some('\\') => {
                        let e = chars.get(i + 1).copied().ok_or(ExprError {
                            reason: "unterminated string: `\\` at the end".into(),
                            at,
                        })?;
                        s.push(match e {
                            'n' => '\n',
                            't' => '\t',
                            other => other,
                        });
                        i += 2;
                    }
                    Some(&ch) => {
                        s.push(ch);
                        i += 1;
                    }
                }
            }
            toks.push((Tok::Str(s), at));
        } else if c.is_alphabetic() || c == '_' || c == '$' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                i += 1;
            }
            toks.push((Tok::Ident(chars[start..i].iter().collect()), start));
        } else {
            let rest: String = chars[i..chars.len().min(i + 3)].iter().collect();
            let p = PUNCTS
                .iter()
                .find(|p| rest.starts_with(**p))
                .ok_or_else(|| ExprError {
                    reason: format!("unexpected character `{c}`"),
                    at: i,
                })?;
            toks.push((Tok::Punct(p), i));
            i += p.chars().count();
        }
    }
    Ok(toks)
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    depth: usize,
    /// The length of the source in characters (where "the end" is).
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    /// An error at the current token (or the end).
    fn error(&self, reason: String) -> ExprError {
        ExprError {
            reason,
            at: self.toks.get(self.pos).map_or(self.end, |(_, at)| *at),
        }
    }

    fn eat(&mut self, p: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Punct(q)) if *q == p) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, p: &'static str) -> Result<(), ExprError> {
        if self.eat(p) {
            Ok(())
        } else {
            Err(self.error(format!("expected `{p}`, found {}", self.describe())))
        }
    }

    fn describe(&self) -> String {
        match self.peek() {
            None => "the end".to_string(),
            Some(Tok::Num(n)) => format!("`{n}`"),
            Some(Tok::Str(s)) => format!("'{s}'"),
            Some(Tok::Ident(s)) => format!("`{s}`"),
            Some(Tok::Punct(p)) => format!("`{p}`"),
        }
    }

    fn enter(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > DEFAULT_MAX_EXPR_DEPTH {
            return Err(self.error(format!(
                "nested deeper than the limit of {DEFAULT_MAX_EXPR_DEPTH}"
            )));
        }
        Ok(())
    }

    fn ternary(&mut self) -> Result<Expr, ExprError> {
        self.enter()?;
        let cond = self.binary(0)?;
        let out = if self.eat("?") {
            let a = self.ternary()?;
            self.expect(":")?;
            let b = self.ternary()?;
            Expr::Cond(Box::new(cond), Box::new(a), Box::new(b))
        } else {
            cond
        };
        self.depth -= 1;
        Ok(out)
    }

    fn binary(&mut self, min_prec: u8) -> Result<Expr, ExprError> {
        let mut lhs = self.unary()?;
        while let Some((op, prec)) = match self.peek() {
            Some(Tok::Punct(p)) => bin_op(p).filter(|(_, prec)| *prec >= min_prec),
            _ => None,
        } {
            self.pos += 1;
            let rhs = self.binary(prec + 1)?;
            lhs = Expr::Binary(op, Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        let op = if self.eat("!") {
            Some(UnOp::Not)
        } else if self.eat("-") {
            Some(UnOp::Neg)
        } else if self.eat("+") {
            Some(UnOp::Plus)
        } else {
            None
        };
        match op {
            Some(op) => {
                self.enter()?;
                let e = self.unary()?;
                self.depth -= 1;
                Ok(Expr::Unary(op, Box::new(e)))
            }
            None => self.postfix(),
        }
    }

    fn postfix(&mut self) -> Result<Expr, ExprError> {
        let mut e = self.primary()?;
        loop {
            if self.eat(".") {
                match self.peek().cloned() {
                    Some(Tok::Ident(name)) => {
                        self.pos += 1;
                        e = Expr::Member(Box::new(e), name);
                    }
                    _ => {
                        return Err(self.error(format!(
                            "expected a name after `.`, found {}",
                            self.describe()
                        )))
                    }
                }
            } else if self.eat("[") {
                let idx = self.ternary()?;
                self.expect("]")?;
                e = Expr::Index(Box::new(e), Box::new(idx));
            } else {
                break;
            }
        }
        Ok(e)
    }

    fn primary(&mut self) -> Result<Expr, ExprError> {
        let tok = self.peek().cloned();
        match tok {
            Some(Tok::Num(n)) => {
                self.pos += 1;
                Ok(Expr::Lit(num(n)))
            }
            Some(Tok::Str(s)) => {
                self.pos += 1;
                Ok(Expr::Lit(Value::String(s)))
            }
            Some(Tok::Ident(name)) => {
                self.pos += 1;
                Ok(match name.as_str() {
                    "true" => Expr::Lit(Value::Bool(true)),
                    "false" => Expr::Lit(Value::Bool(false)),
                    "null" | "undefined" => Expr::Lit(Value::Null),
                    _ => Expr::Ident(name),
                })
            }
            Some(Tok::Punct("(")) => {
                self.pos += 1;
                let e = self.ternary()?;
                self.expect(")")?;
                Ok(e)
            }
            Some(Tok::Punct("[")) => {
                self.pos += 1;
                self.enter()?;
                let mut items = Vec::new();
                while !self.eat("]") {
                    if self.eat("...") {
                        items.push(Item::Spread(self.ternary()?));
                    } else {
                        items.push(Item::One(self.ternary()?));
                    }
                    if !self.eat(",") && !matches!(self.peek(), Some(Tok::Punct("]"))) {
                        return Err(
                            self.error(format!("expected `,` or `]`, found {}", self.describe()))
                        );
                    }
                }
                self.depth -= 1;
                Ok(Expr::Array(items))
            }
            Some(Tok::Punct("{")) => {
                self.pos += 1;
                self.enter()?;
                let props = self.props(Some("}"))?;
                self.depth -= 1;
                Ok(Expr::Object(props))
            }
            _ => Err(self.error(format!("expected a value, found {}", self.describe()))),
        }
    }

    /// Object entries until `close` (`}`), or until the end when `close` is `None` (the
    /// brace-less `data="{{...item, extra: 1}}"` of a template use).
    fn props(&mut self, close: Option<&'static str>) -> Result<Vec<Prop>, ExprError> {
        let mut props = Vec::new();
        loop {
            match close {
                Some(c) if self.eat(c) => break,
                None if self.peek().is_none() => break,
                _ => {}
            }
            if self.eat("...") {
                props.push(Prop::Spread(self.ternary()?));
            } else {
                let key = match self.peek().cloned() {
                    Some(Tok::Ident(k)) | Some(Tok::Str(k)) => k,
                    Some(Tok::Num(n)) => to_display(&num(n)),
                    _ => {
                        return Err(self.error(format!(
                            "expected a property name or `...`, found {}",
                            self.describe()
                        )))
                    }
                };
                let shorthand = matches!(self.peek(), Some(Tok::Ident(_)));
                self.pos += 1;
                if self.eat(":") {
                    props.push(Prop::Pair(key, self.ternary()?));
                } else if shorthand {
                    props.push(Prop::Pair(key.clone(), Expr::Ident(key)));
                } else {
                    return Err(self.error(format!("expected `:`, found {}", self.describe())));
                }
            }
            let at_close = match close {
                Some(c) => matches!(self.peek(), Some(Tok::Punct(p)) if *p == c),
                None => self.peek().is_none(),
            };
            if !self.eat(",") && !at_close {
                let want = if close.is_some() { "`,` or `}`" } else { "`,`" };
                return Err(self.error(format!("expected {want}, found {}", self.describe())));
            }
        }
        Ok(props)
    }
}

fn bin_op(p: &str) -> Option<(BinOp, u8)> {
    Some(match p {
        "||" => (BinOp::Or, 1),
        "&&" => (BinOp::And, 2),
        "==" => (BinOp::Eq, 3),
        "!=" => (BinOp::Ne, 3),
        "===" => (BinOp::StrictEq, 3),
        "!==" => (BinOp::StrictNe, 3),
        "<" => (BinOp::Lt, 4),
        "<=" => (BinOp::Le, 4),
        ">" => (BinOp::Gt, 4),
        ">=" => (BinOp::Ge, 4),
        "+" => (BinOp::Add, 5),
        "-" => (BinOp::Sub, 5),
        "*" => (BinOp::Mul, 6),
        "/" => (BinOp::Div, 6),
        "%" => (BinOp::Rem, 6),
        _ => return None,
    })
}

/// Parses one expression (the text between `{{` and `}}`).
///
/// # Errors
/// [`ExprError`] naming the unexpected token, an unterminated string, or nesting beyond
/// [`DEFAULT_MAX_EXPR_DEPTH`].
pub fn parse_expr(src: &str) -> Result<Expr, ExprError> {
    let mut p = parser(src)?;
    let e = p.ternary()?;
    if p.pos < p.toks.len() {
        return Err(p.error(format!("unexpected {} after the expression", p.describe())));
    }
    Ok(e)
}

/// Parses the inside of an object literal without its braces, as in a template use's
/// `data="{{...item, extra: 1}}"`; the result is an [`Expr::Object`].
///
/// # Errors
/// As [`parse_expr`].
pub fn parse_object_body(src: &str) -> Result<Expr, ExprError> {
    let mut p = parser(src)?;
    p.enter()?;
    Ok(Expr::Object(p.props(None)?))
}

/// Parses `src` as the text between `{{` and `}}` and evaluates it against `data` (the page
/// data, no loop variables), exactly as a binding in a template would; for tools and the fuzz
/// targets (`fuzz/fuzz_targets/expr_eval.rs`).
///
/// # Errors
/// [`Error::Template`](crate::Error::Template) in the file `<expression>`, at the offending
/// token's line and column, with [`TemplateErrorKind::BadExpression`](crate::TemplateErrorKind::BadExpression).
pub fn eval_expression(src: &str, data: &Value) -> crate::Result<Value> {
    crate::limits::on_big_stack(|| {
        let expr = parse_expr(src).map_err(|e| {
            let (mut line, mut col) = (1u32, 1u32);
            for ch in src.chars().take(e.at) {
                if ch == '\n' {
                    line += 1;
                    col = 1;
                } else {
                    col += 1;
                }
            }
            crate::Error::Template {
                file: "<expression>".into(),
                line,
                col,
                kind: crate::TemplateErrorKind::BadExpression {
                    expr: src.split_whitespace().collect::<Vec<_>>().join(" "),
                    reason: e.reason,
                },
            }
        })?;
        Ok(expr.eval(&Scope::Root(data)).into_owned())
    })
}

fn parser(src: &str) -> Result<Parser, ExprError> {
    let toks = lex(src)?;
    let end = src.chars().count();
    if toks.is_empty() {
        return Err(ExprError {
            reason: "empty expression".into(),
            at: end,
        });
    }
    Ok(Parser {
        toks,
        pos: 0,
        depth: 0,
        end,
    })
}

/// Variables visible to an expression: page data plus loop variables, innermost first.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// The page data.
    Root(&'a Value),
    /// A loop variable (`item`, `index`) over an outer scope.
    Local {
        /// Variable name.
        name: &'a str,
        /// Its value.
        value: &'a Value,
        /// The enclosing scope.
        parent: &'a Scope<'a>,
    },
}

impl<'a> Scope<'a> {
    fn lookup(&self, name: &str) -> Option<&'a Value> {
        match self {
            Scope::Root(data) => data.get(name),
            Scope::Local {
                name: n,
                value,
                parent,
            } => {
                if *n == name {
                    Some(value)
                } else {
                    parent.lookup(name)
                }
            }
        }
    }
}

static NULL: Value = Value::Null;

fn num(n: f64) -> Value {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 9.0e15 {
        Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n)
            .map(Value::Number)
            .unwrap_or(Value::Null)
    }
}

fn to_num(v: &Value) -> f64 {
    match v {
        Value::Null => 0.0,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        Value::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                0.0
            } else {
                t.parse().unwrap_or(f64::NAN)
            }
        }
        _ => f64::NAN,
    }
}

/// JavaScript truthiness of a JSON value.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// How a value is shown in text: null is empty, integers have no `.0`, arrays join with `,`.
pub fn to_display(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.to_string()
            } else if let Some(u) = n.as_u64() {
                u.to_string()
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                if f.fract() == 0.0 && f.abs() < 1e21 {
                    format!("{f:.0}")
                } else {
                    f.to_string()
                }
            }
        }
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(to_display).collect::<Vec<_>>().join(","),
        Value::Object(_) => "[object Object]".to_string(),
    }
}

fn strict_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn loose_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(_), Value::String(_))
        | (Value::String(_), Value::Number(_))
        | (Value::Bool(_), _)
        | (_, Value::Bool(_))
            if !a.is_null() && !b.is_null() =>
        {
            to_num(a) == to_num(b)
        }
        _ => strict_eq(a, b),
    }
}

fn member<'v>(base: Cow<'v, Value>, key: &str) -> Cow<'v, Value> {
    let len = match &*base {
        Value::Array(a) if key == "length" => Some(a.len()),
        Value::String(s) if key == "length" => Some(s.chars().count()),
        _ => None,
    };
    if let Some(len) = len {
        return Cow::Owned(Value::from(len));
    }
    match base {
        Cow::Borrowed(v) => Cow::Borrowed(match v {
            Value::Object(m) => m.get(key).unwrap_or(&NULL),
            Value::Array(a) => key
                .parse::<usize>()
                .ok()
                .and_then(|i| a.get(i))
                .unwrap_or(&NULL),
            _ => &NULL,
        }),
        Cow::Owned(v) => Cow::Owned(match v {
            Value::Object(mut m) => m.remove(key).unwrap_or(Value::Null),
            Value::Array(mut a) => match key.parse::<usize>() {
                Ok(i) if i < a.len() => a.swap_remove(i),
                _ => Value::Null,
            },
            _ => Value::Null,
        }),
    }
}

impl Expr {
    /// Adds every name this expression looks up to `out`.
    pub fn collect_idents(&self, out: &mut std::collections::HashSet<String>) {
        match self {
            Expr::Lit(_) => {}
            Expr::Ident(n) => {
                out.insert(n.clone());
            }
            Expr::Member(b, _) | Expr::Unary(_, b) => b.collect_idents(out),
            Expr::Index(a, b) | Expr::Binary(_, a, b) => {
                a.collect_idents(out);
                b.collect_idents(out);
            }
            Expr::Array(items) => items.iter().for_each(|i| match i {
                Item::One(e) | Item::Spread(e) => e.collect_idents(out),
            }),
            Expr::Object(props) => props.iter().for_each(|p| match p {
                Prop::Pair(_, e) | Prop::Spread(e) => e.collect_idents(out),
            }),
            Expr::Cond(c, a, b) => {
                c.collect_idents(out);
                a.collect_idents(out);
                b.collect_idents(out);
            }
        }
    }

    /// Evaluates against a scope. Never fails: missing paths are null, bad arithmetic is null
    /// (JavaScript's NaN/Infinity have no JSON form).
    pub fn eval<'v>(&self, scope: &Scope<'v>) -> Cow<'v, Value> {
        match self {
            Expr::Lit(v) => Cow::Owned(v.clone()),
            Expr::Ident(name) => Cow::Borrowed(scope.lookup(name).unwrap_or(&NULL)),
            Expr::Member(base, key) => member(base.eval(scope), key),
            Expr::Index(base, idx) => {
                let i = idx.eval(scope);
                let key = match &*i {
                    Value::Number(n) => n.as_f64().map(|f| to_display(&num(f))).unwrap_or_default(),
                    other => to_display(other),
                };
                member(base.eval(scope), &key)
            }
            Expr::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    match item {
                        Item::One(e) => out.push(e.eval(scope).into_owned()),
                        Item::Spread(e) => match e.eval(scope).into_owned() {
                            Value::Array(a) => out.extend(a),
                            Value::String(s) => {
                                out.extend(s.chars().map(|c| Value::String(c.into())))
                            }
                            // JavaScript throws on spreading a non-iterable; a template
                            // shows nothing for it instead.
                            _ => {}
                        },
                    }
                }
                Cow::Owned(Value::Array(out))
            }
            Expr::Object(props) => {
                let mut out = serde_json::Map::new();
                for p in props {
                    match p {
                        Prop::Pair(k, e) => {
                            out.insert(k.clone(), e.eval(scope).into_owned());
                        }
                        Prop::Spread(e) => match e.eval(scope).into_owned() {
                            Value::Object(m) => out.extend(m),
                            Value::Array(a) => out
                                .extend(a.into_iter().enumerate().map(|(i, v)| (i.to_string(), v))),
                            Value::String(s) => out.extend(
                                s.chars()
                                    .enumerate()
                                    .map(|(i, c)| (i.to_string(), Value::String(c.into()))),
                            ),
                            // `{...null}`, `{...1}`: nothing, as in JavaScript.
                            _ => {}
                        },
                    }
                }
                Cow::Owned(Value::Object(out))
            }
            Expr::Unary(op, e) => {
                let v = e.eval(scope);
                Cow::Owned(match op {
                    UnOp::Not => Value::Bool(!truthy(&v)),
                    UnOp::Neg => num(-to_num(&v)),
                    UnOp::Plus => num(to_num(&v)),
                })
            }
            Expr::Cond(c, a, b) => {
                if truthy(&c.eval(scope)) {
                    a.eval(scope)
                } else {
                    b.eval(scope)
                }
            }
            Expr::Binary(BinOp::And, a, b) => {
                let l = a.eval(scope);
                if truthy(&l) {
                    b.eval(scope)
                } else {
                    l
                }
            }
            Expr::Binary(BinOp::Or, a, b) => {
                let l = a.eval(scope);
                if truthy(&l) {
                    l
                } else {
                    b.eval(scope)
                }
            }
            Expr::Binary(op, a, b) => {
                let l = a.eval(scope);
                let r = b.eval(scope);
                Cow::Owned(binary(*op, &l, &r))
            }
        }
    }
}

fn binary(op: BinOp, l: &Value, r: &Value) -> Value {
    let both_str = l.is_string() && r.is_string();
    match op {
        BinOp::Add => {
            let stringy = |v: &Value| v.is_string() || v.is_array() || v.is_object();
            if stringy(l) || stringy(r) {
                let mut s = to_display(l) + &to_display(r);
                if s.len() > DEFAULT_MAX_STRING_BYTES {
                    let mut cut = DEFAULT_MAX_STRING_BYTES;
                    while !s.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    s.truncate(cut);
                }
                Value::String(s)
            } else {
                num(to_num(l) + to_num(r))
            }
        }
        BinOp::Sub => num(to_num(l) - to_num(r)),
        BinOp::Mul => num(to_num(l) * to_num(r)),
        BinOp::Div => num(to_num(l) / to_num(r)),
        BinOp::Rem => num(to_num(l) % to_num(r)),
        BinOp::Eq => Value::Bool(loose_eq(l, r)),
        BinOp::Ne => Value::Bool(!loose_eq(l, r)),
        BinOp::StrictEq => Value::Bool(strict_eq(l, r)),
        BinOp::StrictNe => Value::Bool(!strict_eq(l, r)),
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            let ord = if both_str {
                l.as_str().partial_cmp(&r.as_str())
            } else {
                to_num(l).partial_cmp(&to_num(r))
            };
            Value::Bool(match (op, ord) {
                (_, None) => false,
                (BinOp::Lt, Some(o)) => o.is_lt(),
                (BinOp::Le, Some(o)) => o.is_le(),
                (BinOp::Gt, Some(o)) => o.is_gt(),
                (_, Some(o)) => o.is_ge(),
            })
        }
        BinOp::And | BinOp::Or => unreachable!("short-circuit operators are evaluated in eval"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ev(src: &str, data: Value) -> Value {
        let e = parse_expr(src).unwrap_or_else(|e| panic!("{src}: {}", e.reason));
        e.eval(&Scope::Root(&data)).into_owned()
    }

    #[test]
    fn paths_index_and_length_resolve() {
        let d = json!({"a": {"b": [{"c": 7}]}, "list": [1, 2, 3], "i": 2, "s": "héllo"});
        assert_eq!(ev("a.b[0].c", d.clone()), json!(7));
        assert_eq!(ev("list[i]", d.clone()), json!(3));
        assert_eq!(ev("list.length", d.clone()), json!(3));
        assert_eq!(ev("s.length", d.clone()), json!(5));
        assert_eq!(ev("missing.deep[3].x", d), Value::Null);
    }

    #[test]
    fn arithmetic_and_precedence_follow_javascript() {
        assert_eq!(ev("1 + 2 * 3", json!({})), json!(7));
        assert_eq!(ev("(1 + 2) * 3", json!({})), json!(9));
        assert_eq!(ev("7 % 4 - 1", json!({})), json!(2));
        assert_eq!(ev("1 / 4", json!({})), json!(0.25));
        assert_eq!(ev("'n=' + n + 1", json!({"n": 1})), json!("n=11"));
        assert_eq!(ev("n + 1", json!({"n": 1})), json!(2));
        assert_eq!(ev("-n", json!({"n": 3})), json!(-3));
        assert_eq!(ev("1 / 0", json!({})), Value::Null);
    }

    #[test]
    fn comparisons_logic_and_ternary_work() {
        let d = json!({"a": 1, "b": 2, "s": "x", "done": false});
        assert_eq!(ev("a < b", d.clone()), json!(true));
        assert_eq!(ev("a >= b", d.clone()), json!(false));
        assert_eq!(ev("a == '1'", d.clone()), json!(true));
        assert_eq!(ev("a === '1'", d.clone()), json!(false));
        assert_eq!(ev("s !== 'x'", d.clone()), json!(false));
        assert_eq!(ev("done ? 'done' : ''", d.clone()), json!(""));
        assert_eq!(ev("!done && a < b ? 'yes' : 'no'", d.clone()), json!("yes"));
        assert_eq!(ev("missing || 'fallback'", d.clone()), json!("fallback"));
        assert_eq!(ev("a && s", d.clone()), json!("x"));
        assert_eq!(
            ev("a > 0 ? b > 1 ? 'both' : 'a' : 'none'", d),
            json!("both")
        );
    }

    #[test]
    fn string_literals_accept_both_quotes_and_escapes() {
        assert_eq!(ev(r#""it's" + 'a \'b\''"#, json!({})), json!("it'sa 'b'"));
    }

    #[test]
    fn object_literals_shorthand_and_spread_follow_javascript() {
        let d = json!({"item": {"id": 1, "title": "A"}, "b": 2, "list": [7, 8], "s": "hi"});
        assert_eq!(
            ev("{a: 1, b, 'c d': b + 1, 3: 'x'}", d.clone()),
            json!({"a": 1, "b": 2, "c d": 3, "3": "x"})
        );
        assert_eq!(
            ev("{...item, title: 'B', extra: 1}", d.clone()),
            json!({"id": 1, "title": "B", "extra": 1})
        );
        assert_eq!(
            ev("{title: 'B', ...item}", d.clone()),
            json!({"id": 1, "title": "A"}),
            "later entries win"
        );
        assert_eq!(
            ev("{...list, ...missing, ...b}", d.clone()),
            json!({"0": 7, "1": 8})
        );
        assert_eq!(
            ev("[...list, 9, ...s]", d.clone()),
            json!([7, 8, 9, "h", "i"])
        );
        assert_eq!(ev("{a: {b: [1]}}.a.b[0]", d.clone()), json!(1));
        assert_eq!(ev("{}", d), json!({}));
    }

    #[test]
    fn a_braceless_object_body_is_what_template_data_holds() {
        let d = json!({"item": {"id": 1}});
        let e = parse_object_body("...item, extra: 1,").unwrap();
        assert_eq!(
            e.eval(&Scope::Root(&d)).into_owned(),
            json!({"id": 1, "extra": 1})
        );
        assert_eq!(parse_object_body("a b").unwrap_err().at, 2);
    }

    #[test]
    fn errors_point_at_the_offending_token() {
        for (src, at) in [
            ("a + * b", 4),
            ("a +", 3),
            ("  a b", 4),
            ("x ? 'abc", 4),
            ("{a: 1 b: 2}", 6),
            ("[1 2]", 3),
            ("a # b", 2),
        ] {
            assert_eq!(parse_expr(src).expect_err(src).at, at, "{src}");
        }
    }

    #[test]
    fn array_literals_evaluate() {
        assert_eq!(ev("[1, a, 'x'].length", json!({"a": 2})), json!(3));
        assert_eq!(ev("[]", json!({})), json!([]));
    }

    #[test]
    fn loop_variables_shadow_page_data() {
        let data = json!({"item": "outer", "n": 1});
        let item = json!({"title": "inner"});
        let root = Scope::Root(&data);
        let local = Scope::Local {
            name: "item",
            value: &item,
            parent: &root,
        };
        let e = parse_expr("item.title + n").unwrap();
        assert_eq!(e.eval(&local).into_owned(), json!("inner1"));
    }

    #[test]
    fn display_formats_numbers_like_javascript() {
        assert_eq!(to_display(&json!(2)), "2");
        assert_eq!(to_display(&json!(2.0)), "2");
        assert_eq!(to_display(&json!(2.5)), "2.5");
        assert_eq!(to_display(&Value::Null), "");
        assert_eq!(to_display(&json!([1, "a"])), "1,a");
    }

    #[test]
    fn malformed_expressions_are_refused_with_a_reason() {
        for (src, want) in [
            ("", "empty expression"),
            ("a +", "expected a value, found the end"),
            ("a b", "unexpected `b` after the expression"),
            ("'abc", "unterminated string"),
            ("a ? b", "expected `:`"),
            ("(a", "expected `)`"),
            ("a.", "expected a name after `.`"),
            ("a # b", "unexpected character `#`"),
            ("list[1", "expected `]`"),
        ] {
            let err = parse_expr(src).expect_err(src);
            assert!(
                err.reason.contains(want),
                "{src}: {} (wanted {want})",
                err.reason
            );
        }
    }

    #[test]
    fn string_concatenation_is_capped() {
        let big = "é".repeat(400_000);
        let v = ev("s + s + s", json!({ "s": big }));
        let len = v.as_str().unwrap().len();
        assert!(
            len <= DEFAULT_MAX_STRING_BYTES && len > DEFAULT_MAX_STRING_BYTES - 4,
            "{len}"
        );
    }

    #[test]
    fn deeply_nested_expressions_hit_the_depth_limit_instead_of_the_stack() {
        let src = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
        let err = parse_expr(&src).unwrap_err();
        assert!(err.reason.contains("limit of 64"), "{}", err.reason);
        let bangs = format!("{}a", "!".repeat(10_000));
        assert!(parse_expr(&bangs).unwrap_err().reason.contains("limit"));
    }

    #[test]
    fn eval_expression_evaluates_or_names_the_offending_column() {
        assert_eq!(eval_expression("n * 2", &json!({"n": 4})).unwrap(), json!(8));
        let err = eval_expression("a +\n  * b", &json!({})).unwrap_err().to_string();
        assert!(err.starts_with("<expression>:2:3: bad expression `a + * b`: "), "{err}");
    }
}
