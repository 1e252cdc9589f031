//! Typed declarations, the cascade (specificity, source order, inheritance, custom properties
//! and `var()`) and the computed style of a node, with its translation into a taffy style.

use std::collections::HashMap;
use std::sync::Arc;

use taffy::prelude::{Dimension, LengthPercentage, LengthPercentageAuto};

use crate::color::{angle_deg, Color};
use crate::css::{has_var, Diagnostic, Val};
use crate::display::TextAlign;

/// A specified length.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Len {
    Px(f32),
    /// 750rpx = viewport width.
    Rpx(f32),
    /// Percent (0–100) of the containing block (or the parent font size for `font-size`).
    Pct(f32),
    Vw(f32),
    Vh(f32),
    /// Multiple of the element's font size (the parent's, for `font-size`).
    Em(f32),
    /// Multiple of the root font size, [`ROOT_FONT_SIZE`].
    Rem(f32),
    /// A `calc()` that mixes units.
    Calc(Calc),
    Auto,
}

/// A `calc()` reduced to a sum of units (`rpx` folds into `vw`, `rem` into `px`): lengths can
/// only be added and scaled by numbers, so every `calc()` of lengths has this form.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Calc {
    pub px: f32,
    pub vw: f32,
    pub vh: f32,
    pub em: f32,
    /// Percent (0–100) of the basis.
    pub pct: f32,
}

impl Calc {
    fn add(self, o: Calc, sign: f32) -> Calc {
        Calc {
            px: self.px + sign * o.px,
            vw: self.vw + sign * o.vw,
            vh: self.vh + sign * o.vh,
            em: self.em + sign * o.em,
            pct: self.pct + sign * o.pct,
        }
    }

    fn scale(self, k: f32) -> Calc {
        Calc {
            px: self.px * k,
            vw: self.vw * k,
            vh: self.vh * k,
            em: self.em * k,
            pct: self.pct * k,
        }
    }

    /// The simplest `Len` for this sum.
    fn to_len(self) -> Len {
        let Calc { px, vw, vh, em, pct } = self;
        match (vw == 0.0, vh == 0.0, em == 0.0, pct == 0.0) {
            (true, true, true, true) => Len::Px(px),
            (true, true, true, false) if px == 0.0 => Len::Pct(pct),
            _ => Len::Calc(self),
        }
    }
}

/// Box sides, in CSS order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Top,
    Right,
    Bottom,
    Left,
}

const SIDES: [Side; 4] = [Side::Top, Side::Right, Side::Bottom, Side::Left];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Display {
    Block,
    Flex,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum LineHeight {
    Normal,
    Mult(f32),
    Len(Len),
}

/// `border-style` of one side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BorderStyle {
    None,
    Solid,
    Dashed,
    Dotted,
    /// `double`, painted as solid for now.
    Double,
}

/// `position`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Position {
    Static,
    Relative,
    Absolute,
    /// Laid out as `absolute`; painted pinned to the viewport (the page scroll added back).
    Fixed,
    /// Laid out as `relative`; sticking on scroll is not painted yet.
    Sticky,
}

/// One `box-shadow` layer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Shadow {
    pub inset: bool,
    pub x: Len,
    pub y: Len,
    pub blur: Len,
    pub spread: Len,
    /// `None` is `currentColor` (the element's `color`).
    pub color: Option<Color>,
}

/// `background-image`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum BgImage {
    Url(String),
    /// `linear-gradient(angle, stops)`: angle in degrees, 180 = `to bottom` (the default);
    /// each stop a colour and an optional position.
    Linear { angle: f32, stops: Vec<(Color, Option<Len>)> },
}

/// `background-size`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum BgSize {
    Auto,
    Cover,
    Contain,
    /// Width and height (`auto` allowed).
    Len(Len, Len),
}

/// `background-repeat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BgRepeat {
    Repeat,
    RepeatX,
    RepeatY,
    NoRepeat,
}

/// `text-decoration` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DecorationLine {
    None,
    Underline,
    Overline,
    LineThrough,
}

/// `white-space`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WhiteSpace {
    Normal,
    NoWrap,
    Pre,
    PreWrap,
    PreLine,
}

/// `word-break` (and `overflow-wrap: break-word` / `anywhere`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WordBreak {
    Normal,
    BreakAll,
    KeepAll,
    BreakWord,
}

/// One `transform` function.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Transform {
    Translate(Len, Len),
    Scale(f32, f32),
    /// Degrees, clockwise.
    Rotate(f32),
}

/// A colour value that may be `currentColor`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum CssColor {
    Rgba(Color),
    Current,
}

/// A declaration whose value uses `var()`: kept as tokens and parsed during the cascade.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct VarDecl {
    pub prop: String,
    pub vals: Vec<Val>,
    pub file: String,
    pub line: u32,
    pub column: u32,
}

/// Line height used for `line-height: normal`, as a multiple of the font size.
pub const NORMAL_LINE_HEIGHT: f32 = 1.4;

/// One typed declaration (shorthands expand into several).
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub(crate) enum Decl {
    Width(Len),
    Height(Len),
    MinWidth(Len),
    MinHeight(Len),
    MaxWidth(Len),
    MaxHeight(Len),
    Padding(Side, Len),
    Margin(Side, Len),
    Inset(Side, Len),
    BorderWidth(Side, Len),
    BorderStyle(Side, BorderStyle),
    BorderColor(Side, CssColor),
    /// Corner (top-left, top-right, bottom-right, bottom-left) and radius.
    BorderRadius(usize, Len),
    BoxSizingBorder(bool),
    Display(Display),
    FlexDirection(taffy::FlexDirection),
    FlexWrap(taffy::FlexWrap),
    JustifyContent(taffy::JustifyContent),
    AlignItems(taffy::AlignItems),
    AlignSelf(Option<taffy::AlignItems>),
    AlignContent(taffy::AlignContent),
    FlexGrow(f32),
    FlexShrink(f32),
    FlexBasis(Len),
    RowGap(Len),
    ColumnGap(Len),
    Position(Position),
    Background(CssColor),
    BackgroundImage(Option<Arc<BgImage>>),
    BackgroundSize(BgSize),
    BackgroundPosition(Len, Len),
    BackgroundRepeat(BgRepeat),
    BoxShadow(Option<Arc<[Shadow]>>),
    Color(CssColor),
    FontSize(Len),
    FontWeight(FontWeight),
    Italic(bool),
    LineHeight(LineHeight),
    TextAlign(TextAlign),
    LetterSpacing(Len),
    TextDecoration(DecorationLine, Option<CssColor>),
    TextOverflowEllipsis(bool),
    WhiteSpace(WhiteSpace),
    WordBreak(WordBreak),
    LineClamp(Option<u32>),
    ZIndex(Option<i32>),
    Transform(Option<Arc<[Transform]>>),
    Visible(bool),
    Opacity(f32),
    OverflowHidden(bool),
    /// `--name: tokens` (name without the dashes).
    Custom(Arc<str>, Arc<[Val]>),
    /// A declaration using `var()`.
    Var(Arc<VarDecl>),
}

/// `font-weight` as written: absolute, or relative to the inherited weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FontWeight {
    Abs(u16),
    Bolder,
    Lighter,
}

const LEN_EXPECTED: &str = "a length (px, rpx, %, vw, vh, em, rem, calc()) or auto";

fn unit_len(n: f32, u: &str) -> Option<Len> {
    Some(match u {
        "px" => Len::Px(n),
        "rpx" => Len::Rpx(n),
        "vw" => Len::Vw(n),
        "vh" => Len::Vh(n),
        "em" => Len::Em(n),
        "rem" => Len::Rem(n),
        _ => return None,
    })
}

fn len(v: &Val) -> Option<Len> {
    Some(match v {
        Val::Num(n) if *n == 0.0 => Len::Px(0.0),
        Val::Pct(p) => Len::Pct(*p),
        Val::Dim(n, u) => unit_len(*n, u)?,
        Val::Ident(i) if i.eq_ignore_ascii_case("auto") => Len::Auto,
        Val::Func(f, args) if f == "calc" => match calc_sum(args)? {
            Q::Len(c) => c.to_len(),
            Q::Num(0.0) => Len::Px(0.0),
            Q::Num(_) => return None,
        },
        _ => return None,
    })
}

/// A `calc()` operand: a plain number or a sum of lengths.
#[derive(Clone, Copy)]
enum Q {
    Num(f32),
    Len(Calc),
}

fn calc_unit(v: &Val) -> Option<Q> {
    let c = |c: Calc| Some(Q::Len(c));
    match v {
        Val::Num(n) => Some(Q::Num(*n)),
        Val::Pct(p) => c(Calc { pct: *p, ..Calc::default() }),
        Val::Dim(n, u) => match u.as_str() {
            "px" => c(Calc { px: *n, ..Calc::default() }),
            "rpx" => c(Calc { vw: *n * 100.0 / 750.0, ..Calc::default() }),
            "vw" => c(Calc { vw: *n, ..Calc::default() }),
            "vh" => c(Calc { vh: *n, ..Calc::default() }),
            "em" => c(Calc { em: *n, ..Calc::default() }),
            "rem" => c(Calc { px: *n * ROOT_FONT_SIZE, ..Calc::default() }),
            _ => None,
        },
        // `(…)` and a nested `calc(…)`.
        Val::Func(f, args) if f.is_empty() || f == "calc" => calc_sum(args),
        _ => None,
    }
}

/// `product (('+' | '-') product)*`
fn calc_sum(vals: &[Val]) -> Option<Q> {
    let mut terms = vals.split(|v| matches!(v, Val::Delim('+') | Val::Delim('-')));
    let ops: Vec<f32> = vals
        .iter()
        .filter_map(|v| match v {
            Val::Delim('+') => Some(1.0),
            Val::Delim('-') => Some(-1.0),
            _ => None,
        })
        .collect();
    let mut acc = calc_product(terms.next()?)?;
    for (sign, t) in ops.into_iter().zip(terms) {
        acc = match (acc, calc_product(t)?) {
            (Q::Num(a), Q::Num(b)) => Q::Num(a + sign * b),
            (Q::Len(a), Q::Len(b)) => Q::Len(a.add(b, sign)),
            _ => return None,
        };
    }
    Some(acc)
}

/// `unit (('*' | '/') unit)*`
fn calc_product(vals: &[Val]) -> Option<Q> {
    let (first, rest) = vals.split_first()?;
    let mut acc = calc_unit(first)?;
    let mut it = rest.iter();
    while let Some(op) = it.next() {
        let rhs = calc_unit(it.next()?)?;
        acc = match (op, acc, rhs) {
            (Val::Delim('*'), Q::Num(a), Q::Num(b)) => Q::Num(a * b),
            (Val::Delim('*'), Q::Len(a), Q::Num(b)) | (Val::Delim('*'), Q::Num(b), Q::Len(a)) => {
                Q::Len(a.scale(b))
            }
            (Val::Slash, Q::Num(a), Q::Num(b)) if b != 0.0 => Q::Num(a / b),
            (Val::Slash, Q::Len(a), Q::Num(b)) if b != 0.0 => Q::Len(a.scale(1.0 / b)),
            _ => return None,
        };
    }
    Some(acc)
}

fn one(vals: &[Val]) -> Option<&Val> {
    match vals {
        [v] => Some(v),
        _ => None,
    }
}

fn ident(vals: &[Val]) -> Option<String> {
    match one(vals)? {
        Val::Ident(s) => Some(s.to_ascii_lowercase()),
        _ => None,
    }
}

fn number(vals: &[Val]) -> Option<f32> {
    match one(vals)? {
        Val::Num(n) if *n >= 0.0 => Some(*n),
        _ => None,
    }
}

fn integer(v: &Val) -> Option<i32> {
    match v {
        Val::Num(n) if n.fract() == 0.0 && n.abs() < 1e9 => Some(*n as i32),
        _ => None,
    }
}

/// 1–4 values → top, right, bottom, left (or the four corners, clockwise from top-left).
fn four_of<T: Copy>(vals: &[Val], f: impl Fn(&Val) -> Option<T>) -> Option<[T; 4]> {
    let l: Vec<T> = vals.iter().map(f).collect::<Option<_>>()?;
    Some(match l.as_slice() {
        [a] => [*a; 4],
        [a, b] => [*a, *b, *a, *b],
        [a, b, c] => [*a, *b, *c, *b],
        [a, b, c, d] => [*a, *b, *c, *d],
        _ => return None,
    })
}

fn four(vals: &[Val]) -> Option<[Len; 4]> {
    four_of(vals, len)
}

fn css_color(v: &Val) -> Option<CssColor> {
    match v {
        Val::Ident(i) if i.eq_ignore_ascii_case("currentcolor") => Some(CssColor::Current),
        v => Color::from_val(v).map(CssColor::Rgba),
    }
}

fn border_style(v: &Val) -> Option<BorderStyle> {
    let Val::Ident(i) = v else { return None };
    Some(match i.to_ascii_lowercase().as_str() {
        "none" | "hidden" => BorderStyle::None,
        "solid" => BorderStyle::Solid,
        "dashed" => BorderStyle::Dashed,
        "dotted" => BorderStyle::Dotted,
        "double" => BorderStyle::Double,
        _ => return None,
    })
}

fn align_items(s: &str) -> Option<taffy::AlignItems> {
    use taffy::AlignItems as A;
    Some(match s {
        "flex-start" | "start" => A::FLEX_START,
        "flex-end" | "end" => A::FLEX_END,
        "center" => A::CENTER,
        "stretch" | "normal" => A::STRETCH,
        "baseline" => A::BASELINE,
        _ => return None,
    })
}

fn align_content(s: &str) -> Option<taffy::AlignContent> {
    use taffy::AlignContent as A;
    Some(match s {
        "flex-start" | "start" | "normal" => A::FLEX_START,
        "flex-end" | "end" => A::FLEX_END,
        "center" => A::CENTER,
        "stretch" => A::STRETCH,
        "space-between" => A::SPACE_BETWEEN,
        "space-around" => A::SPACE_AROUND,
        "space-evenly" => A::SPACE_EVENLY,
        _ => return None,
    })
}

/// Every property this subset supports (custom `--properties` aside).
pub(crate) const SUPPORTED: &[&str] = &[
    "width", "height", "min-width", "min-height", "max-width", "max-height",
    "padding", "padding-top", "padding-right", "padding-bottom", "padding-left",
    "margin", "margin-top", "margin-right", "margin-bottom", "margin-left",
    "top", "right", "bottom", "left", "box-sizing", "display",
    "flex-direction", "flex-wrap", "justify-content", "align-items", "align-self",
    "align-content", "flex", "flex-grow", "flex-shrink", "flex-basis", "gap", "row-gap",
    "column-gap", "position", "z-index",
    "background", "background-color", "background-image", "background-size",
    "background-position", "background-repeat", "color",
    "border", "border-top", "border-right", "border-bottom", "border-left",
    "border-width", "border-top-width", "border-right-width", "border-bottom-width",
    "border-left-width", "border-style", "border-top-style", "border-right-style",
    "border-bottom-style", "border-left-style", "border-color", "border-top-color",
    "border-right-color", "border-bottom-color", "border-left-color", "border-radius",
    "border-top-left-radius", "border-top-right-radius", "border-bottom-right-radius",
    "border-bottom-left-radius", "box-shadow",
    "font-size", "font-weight", "font-style", "line-height", "text-align", "letter-spacing",
    "text-decoration", "text-decoration-line", "text-overflow", "white-space", "word-break",
    "overflow-wrap", "word-wrap", "-webkit-line-clamp", "-webkit-box-orient", "transform",
    "visibility", "opacity", "overflow", "overflow-x", "overflow-y",
];

/// Whether `prop` is a supported property.
pub(crate) fn is_supported(prop: &str) -> bool {
    SUPPORTED.contains(&prop)
}

/// A warning about a value that parses but is not fully honoured, if any.
pub(crate) fn value_notes(prop: &str, vals: &[Val]) -> Option<&'static str> {
    let mixed = vals
        .iter()
        .any(|v| matches!(len(v), Some(Len::Calc(c)) if c.pct != 0.0));
    (mixed && !prop.contains("radius") && prop != "font-size" && prop != "line-height").then_some(
        "`calc()` mixing % with other units is laid out with only its % part",
    )
}

const COLOR_EXPECTED: &str =
    "a colour (#rgb, #rgba, #rrggbb, #rrggbbaa, rgb(), rgba(), hsl(), hsla(), a name, transparent or currentColor)";

fn side_decls(prop: &str, f: impl Fn(Side) -> Decl) -> Vec<Decl> {
    let side = |name: &str| match name {
        "top" => Some(Side::Top),
        "right" => Some(Side::Right),
        "bottom" => Some(Side::Bottom),
        "left" => Some(Side::Left),
        _ => None,
    };
    // `border-top-…` → top only; `border` / `border-width` → all four.
    match prop.split('-').nth(1).and_then(side) {
        Some(s) => vec![f(s)],
        None => SIDES.iter().map(|s| f(*s)).collect(),
    }
}

/// `border`, `border-<side>`: `width style colour` in any order, each optional.
fn border_shorthand(prop: &str, vals: &[Val]) -> Result<Vec<Decl>, &'static str> {
    const EXPECTED: &str = "`width style colour` (e.g. 1px solid #ddd) or none";
    let (mut width, mut style, mut col) = (None, None, None);
    for v in vals {
        if let Some(s) = border_style(v) {
            style = Some(s);
        } else if let Some(l) = len(v).filter(|l| *l != Len::Auto) {
            width = Some(l);
        } else if let Some(c) = css_color(v) {
            col = Some(c);
        } else {
            return Err(EXPECTED);
        }
    }
    if vals.is_empty() {
        return Err(EXPECTED);
    }
    // Lenient: `border: 1px #ddd` (no style) draws solid, as this runtime always has.
    let style = style.unwrap_or(BorderStyle::Solid);
    let width = if style == BorderStyle::None {
        Len::Px(0.0)
    } else {
        width.unwrap_or(Len::Px(3.0))
    };
    let col = col.unwrap_or(CssColor::Current);
    let mut out = side_decls(prop, |s| Decl::BorderWidth(s, width));
    out.extend(side_decls(prop, |s| Decl::BorderStyle(s, style)));
    out.extend(side_decls(prop, |s| Decl::BorderColor(s, col)));
    Ok(out)
}

fn gradient(args: &[Val]) -> Option<BgImage> {
    let mut parts = args.split(|v| matches!(v, Val::Comma));
    let first = parts.next()?;
    let mut stops_src: Vec<&[Val]> = Vec::new();
    let angle = match first {
        [Val::Dim(n, u)] => angle_deg(*n, u)?,
        [Val::Ident(to), dirs @ ..] if to.eq_ignore_ascii_case("to") && !dirs.is_empty() => {
            let mut x = 0.0f32;
            let mut y = 0.0f32;
            for d in dirs {
                let Val::Ident(d) = d else { return None };
                match d.to_ascii_lowercase().as_str() {
                    "top" => y = -1.0,
                    "bottom" => y = 1.0,
                    "left" => x = -1.0,
                    "right" => x = 1.0,
                    _ => return None,
                }
            }
            // CSS angles: 0deg points up, 90deg right.
            x.atan2(-y).to_degrees().rem_euclid(360.0)
        }
        _ => {
            stops_src.push(first);
            180.0
        }
    };
    stops_src.extend(parts);
    let mut stops = Vec::new();
    for s in stops_src {
        match s {
            [c] => stops.push((Color::from_val(c)?, None)),
            [c, p] => stops.push((Color::from_val(c)?, Some(len(p)?))),
            _ => return None,
        }
    }
    (stops.len() >= 2).then_some(BgImage::Linear { angle, stops })
}

fn bg_image(v: &Val) -> Option<Option<Arc<BgImage>>> {
    match v {
        Val::Ident(i) if i.eq_ignore_ascii_case("none") => Some(None),
        Val::Url(u) => Some(Some(Arc::new(BgImage::Url(u.clone())))),
        Val::Func(f, args) if f == "linear-gradient" => Some(Some(Arc::new(gradient(args)?))),
        _ => None,
    }
}

fn bg_repeat(v: &Val) -> Option<BgRepeat> {
    let Val::Ident(i) = v else { return None };
    Some(match i.to_ascii_lowercase().as_str() {
        "repeat" => BgRepeat::Repeat,
        "repeat-x" => BgRepeat::RepeatX,
        "repeat-y" => BgRepeat::RepeatY,
        "no-repeat" => BgRepeat::NoRepeat,
        _ => return None,
    })
}

/// `left|center|right|top|bottom|<length>` × 1–2 → (x, y).
fn bg_position(vals: &[Val]) -> Option<(Len, Len)> {
    let kw = |v: &Val| -> Option<(Option<bool>, Len)> {
        // (Some(true) = horizontal keyword, Some(false) = vertical, None = either)
        match v {
            Val::Ident(i) => Some(match i.to_ascii_lowercase().as_str() {
                "left" => (Some(true), Len::Pct(0.0)),
                "right" => (Some(true), Len::Pct(100.0)),
                "top" => (Some(false), Len::Pct(0.0)),
                "bottom" => (Some(false), Len::Pct(100.0)),
                "center" => (None, Len::Pct(50.0)),
                _ => return None,
            }),
            v => len(v).filter(|l| *l != Len::Auto).map(|l| (None, l)),
        }
    };
    match vals {
        [a] => {
            let (h, l) = kw(a)?;
            Some(if h == Some(false) { (Len::Pct(50.0), l) } else { (l, Len::Pct(50.0)) })
        }
        [a, b] => {
            let ((ha, la), (hb, lb)) = (kw(a)?, kw(b)?);
            if ha == Some(false) || hb == Some(true) {
                Some((lb, la))
            } else {
                Some((la, lb))
            }
        }
        _ => None,
    }
}

fn bg_size(vals: &[Val]) -> Option<BgSize> {
    match vals {
        [Val::Ident(i)] if i.eq_ignore_ascii_case("cover") => Some(BgSize::Cover),
        [Val::Ident(i)] if i.eq_ignore_ascii_case("contain") => Some(BgSize::Contain),
        [Val::Ident(i)] if i.eq_ignore_ascii_case("auto") => Some(BgSize::Auto),
        [w] => Some(BgSize::Len(len(w)?, Len::Auto)),
        [w, h] => Some(BgSize::Len(len(w)?, len(h)?)),
        _ => None,
    }
}

/// `background`: a colour, an image, repeat, position and `/ size`, in any order.
fn background(vals: &[Val]) -> Option<Vec<Decl>> {
    if vals.iter().any(|v| matches!(v, Val::Comma)) {
        return None; // several layers
    }
    let mut out = vec![
        Decl::Background(CssColor::Rgba(Color::TRANSPARENT)),
        Decl::BackgroundImage(None),
    ];
    let mut pos: Vec<Val> = Vec::new();
    let mut i = 0;
    while i < vals.len() {
        let v = &vals[i];
        if let Val::Slash = v {
            let size: Vec<Val> = vals[i + 1..]
                .iter()
                .take_while(|v| len(v).is_some() || matches!(v, Val::Ident(s) if s == "cover" || s == "contain"))
                .take(2)
                .cloned()
                .collect();
            i += size.len();
            out.push(Decl::BackgroundSize(bg_size(&size)?));
        } else if let Some(img) = bg_image(v) {
            out[1] = Decl::BackgroundImage(img);
        } else if let Some(r) = bg_repeat(v) {
            out.push(Decl::BackgroundRepeat(r));
        } else if let Some(c) = css_color(v) {
            out[0] = Decl::Background(c);
        } else {
            pos.push(v.clone());
        }
        i += 1;
    }
    if !pos.is_empty() {
        let (x, y) = bg_position(&pos)?;
        out.push(Decl::BackgroundPosition(x, y));
    }
    Some(out)
}

fn box_shadow(vals: &[Val]) -> Option<Option<Arc<[Shadow]>>> {
    if matches!(vals, [Val::Ident(i)] if i.eq_ignore_ascii_case("none")) {
        return Some(None);
    }
    let mut out = Vec::new();
    for layer in vals.split(|v| matches!(v, Val::Comma)) {
        let mut lens = Vec::new();
        let mut color = None;
        let mut inset = false;
        for v in layer {
            match v {
                Val::Ident(i) if i.eq_ignore_ascii_case("inset") => inset = true,
                v => match len(v).filter(|l| *l != Len::Auto) {
                    Some(l) => lens.push(l),
                    None => color = Some(css_color(v)?),
                },
            }
        }
        let z = Len::Px(0.0);
        let (x, y, blur, spread) = match lens.as_slice() {
            [x, y] => (*x, *y, z, z),
            [x, y, b] => (*x, *y, *b, z),
            [x, y, b, s] => (*x, *y, *b, *s),
            _ => return None,
        };
        let color = match color {
            None | Some(CssColor::Current) => None,
            Some(CssColor::Rgba(c)) => Some(c),
        };
        out.push(Shadow { inset, x, y, blur, spread, color });
    }
    Some(Some(out.into()))
}

fn transform(vals: &[Val]) -> Option<Option<Arc<[Transform]>>> {
    if matches!(vals, [Val::Ident(i)] if i.eq_ignore_ascii_case("none")) {
        return Some(None);
    }
    let mut out = Vec::new();
    for v in vals {
        let Val::Func(f, args) = v else { return None };
        let args: Vec<&Val> = args.iter().filter(|a| !matches!(a, Val::Comma)).collect();
        let lenv = |v: &Val| len(v).filter(|l| *l != Len::Auto);
        let num = |v: &Val| match v {
            Val::Num(n) => Some(*n),
            Val::Pct(p) => Some(p / 100.0),
            _ => None,
        };
        let z = Len::Px(0.0);
        out.push(match (f.as_str(), args.as_slice()) {
            ("translate", [x]) => Transform::Translate(lenv(x)?, z),
            ("translate", [x, y]) => Transform::Translate(lenv(x)?, lenv(y)?),
            ("translatex", [x]) => Transform::Translate(lenv(x)?, z),
            ("translatey", [y]) => Transform::Translate(z, lenv(y)?),
            ("scale", [s]) => Transform::Scale(num(s)?, num(s)?),
            ("scale", [x, y]) => Transform::Scale(num(x)?, num(y)?),
            ("scalex", [x]) => Transform::Scale(num(x)?, 1.0),
            ("scaley", [y]) => Transform::Scale(1.0, num(y)?),
            ("rotate", [Val::Dim(n, u)]) => Transform::Rotate(angle_deg(*n, u)?),
            ("rotate", [Val::Num(n)]) if *n == 0.0 => Transform::Rotate(0.0),
            _ => return None,
        });
    }
    (!out.is_empty()).then(|| Some(out.into()))
}

/// Parses one declaration (no `var()` left in `vals`). `Ok(None)`: the property is not
/// supported; `Err(expected)`: a supported property with a value it does not accept.
pub(crate) fn parse_declaration(
    prop: &str,
    vals: &[Val],
) -> Result<Option<Vec<Decl>>, &'static str> {
    let l = || one(vals).and_then(len).ok_or(LEN_EXPECTED);
    let color = || one(vals).and_then(css_color).ok_or(COLOR_EXPECTED);
    let sides = |mk: fn(Side, Len) -> Decl| -> Result<Vec<Decl>, &'static str> {
        let f = four(vals).ok_or("one to four lengths")?;
        Ok(SIDES.iter().zip(f).map(|(s, l)| mk(*s, l)).collect())
    };
    let kw = || ident(vals).unwrap_or_default();
    let d = match prop {
        "width" => vec![Decl::Width(l()?)],
        "height" => vec![Decl::Height(l()?)],
        "min-width" => vec![Decl::MinWidth(l()?)],
        "min-height" => vec![Decl::MinHeight(l()?)],
        "max-width" => vec![Decl::MaxWidth(l()?)],
        "max-height" => vec![Decl::MaxHeight(l()?)],
        "padding" => sides(Decl::Padding)?,
        "margin" => sides(Decl::Margin)?,
        "padding-top" => vec![Decl::Padding(Side::Top, l()?)],
        "padding-right" => vec![Decl::Padding(Side::Right, l()?)],
        "padding-bottom" => vec![Decl::Padding(Side::Bottom, l()?)],
        "padding-left" => vec![Decl::Padding(Side::Left, l()?)],
        "margin-top" => vec![Decl::Margin(Side::Top, l()?)],
        "margin-right" => vec![Decl::Margin(Side::Right, l()?)],
        "margin-bottom" => vec![Decl::Margin(Side::Bottom, l()?)],
        "margin-left" => vec![Decl::Margin(Side::Left, l()?)],
        "top" => vec![Decl::Inset(Side::Top, l()?)],
        "right" => vec![Decl::Inset(Side::Right, l()?)],
        "bottom" => vec![Decl::Inset(Side::Bottom, l()?)],
        "left" => vec![Decl::Inset(Side::Left, l()?)],
        "box-sizing" => match kw().as_str() {
            "border-box" => vec![Decl::BoxSizingBorder(true)],
            "content-box" => vec![Decl::BoxSizingBorder(false)],
            _ => return Err("border-box or content-box"),
        },
        "display" => match kw().as_str() {
            "flex" | "inline-flex" => vec![Decl::Display(Display::Flex)],
            "block" | "inline" | "inline-block" | "-webkit-box" => {
                vec![Decl::Display(Display::Block)]
            }
            "none" => vec![Decl::Display(Display::None)],
            _ => return Err("flex, block or none"),
        },
        "flex-direction" => vec![Decl::FlexDirection(match kw().as_str() {
            "row" => taffy::FlexDirection::Row,
            "column" => taffy::FlexDirection::Column,
            "row-reverse" => taffy::FlexDirection::RowReverse,
            "column-reverse" => taffy::FlexDirection::ColumnReverse,
            _ => return Err("row, column, row-reverse or column-reverse"),
        })],
        "flex-wrap" => vec![Decl::FlexWrap(match kw().as_str() {
            "wrap" => taffy::FlexWrap::Wrap,
            "nowrap" => taffy::FlexWrap::NoWrap,
            "wrap-reverse" => taffy::FlexWrap::WrapReverse,
            _ => return Err("wrap, nowrap or wrap-reverse"),
        })],
        "justify-content" => {
            vec![Decl::JustifyContent(align_content(&kw()).ok_or(
                "flex-start, flex-end, center, space-between, space-around or space-evenly",
            )?)]
        }
        "align-items" => vec![Decl::AlignItems(
            align_items(&kw()).ok_or("flex-start, flex-end, center, stretch or baseline")?,
        )],
        "align-self" => {
            let k = kw();
            vec![Decl::AlignSelf(if k == "auto" {
                None
            } else {
                Some(
                    align_items(&k)
                        .ok_or("auto, flex-start, flex-end, center, stretch or baseline")?,
                )
            })]
        }
        "align-content" => vec![Decl::AlignContent(align_content(&kw()).ok_or(
            "flex-start, flex-end, center, stretch, space-between, space-around or space-evenly",
        )?)],
        "flex-grow" => vec![Decl::FlexGrow(number(vals).ok_or("a non-negative number")?)],
        "flex-shrink" => vec![Decl::FlexShrink(
            number(vals).ok_or("a non-negative number")?,
        )],
        "flex-basis" => vec![Decl::FlexBasis(l()?)],
        "flex" => {
            const FLEX: &str = "none, auto, or `grow [shrink] [basis]`";
            match vals {
                [Val::Ident(i)] if i.eq_ignore_ascii_case("none") => {
                    vec![
                        Decl::FlexGrow(0.0),
                        Decl::FlexShrink(0.0),
                        Decl::FlexBasis(Len::Auto),
                    ]
                }
                [Val::Ident(i)] if i.eq_ignore_ascii_case("auto") => {
                    vec![
                        Decl::FlexGrow(1.0),
                        Decl::FlexShrink(1.0),
                        Decl::FlexBasis(Len::Auto),
                    ]
                }
                [Val::Num(g)] => vec![
                    Decl::FlexGrow(*g),
                    Decl::FlexShrink(1.0),
                    Decl::FlexBasis(Len::Pct(0.0)),
                ],
                [Val::Num(g), Val::Num(s)] => vec![
                    Decl::FlexGrow(*g),
                    Decl::FlexShrink(*s),
                    Decl::FlexBasis(Len::Pct(0.0)),
                ],
                [Val::Num(g), b] => vec![
                    Decl::FlexGrow(*g),
                    Decl::FlexShrink(1.0),
                    Decl::FlexBasis(len(b).ok_or(FLEX)?),
                ],
                [Val::Num(g), Val::Num(s), b] => {
                    vec![
                        Decl::FlexGrow(*g),
                        Decl::FlexShrink(*s),
                        Decl::FlexBasis(len(b).ok_or(FLEX)?),
                    ]
                }
                _ => return Err(FLEX),
            }
        }
        "gap" => {
            let l: Vec<Len> = vals
                .iter()
                .map(len)
                .collect::<Option<_>>()
                .ok_or("one or two lengths")?;
            match l.as_slice() {
                [a] => vec![Decl::RowGap(*a), Decl::ColumnGap(*a)],
                [a, b] => vec![Decl::RowGap(*a), Decl::ColumnGap(*b)],
                _ => return Err("one or two lengths"),
            }
        }
        "row-gap" => vec![Decl::RowGap(l()?)],
        "column-gap" => vec![Decl::ColumnGap(l()?)],
        "position" => vec![Decl::Position(match kw().as_str() {
            "static" => Position::Static,
            "relative" => Position::Relative,
            "absolute" => Position::Absolute,
            "fixed" => Position::Fixed,
            "sticky" | "-webkit-sticky" => Position::Sticky,
            _ => return Err("static, relative, absolute, fixed or sticky"),
        })],
        "z-index" => vec![Decl::ZIndex(match one(vals) {
            Some(Val::Ident(i)) if i.eq_ignore_ascii_case("auto") => None,
            Some(v) => Some(integer(v).ok_or("auto or an integer")?),
            None => return Err("auto or an integer"),
        })],
        "background-color" => vec![Decl::Background(color()?)],
        "background" => background(vals).ok_or(
            "`colour`, `url()`/`linear-gradient()`, repeat, position and `/ size` (one layer)",
        )?,
        "background-image" => vec![Decl::BackgroundImage(
            one(vals)
                .and_then(bg_image)
                .ok_or("none, url() or linear-gradient() (one layer)")?,
        )],
        "background-size" => vec![Decl::BackgroundSize(
            bg_size(vals).ok_or("cover, contain, auto or one or two lengths")?,
        )],
        "background-position" => {
            let (x, y) = bg_position(vals).ok_or("one or two of left, center, right, top, bottom or a length")?;
            vec![Decl::BackgroundPosition(x, y)]
        }
        "background-repeat" => vec![Decl::BackgroundRepeat(
            one(vals)
                .and_then(bg_repeat)
                .ok_or("repeat, repeat-x, repeat-y or no-repeat")?,
        )],
        "color" => vec![Decl::Color(color()?)],
        "border" | "border-top" | "border-right" | "border-bottom" | "border-left" => {
            border_shorthand(prop, vals)?
        }
        "border-width" => sides(Decl::BorderWidth)?,
        "border-top-width" | "border-right-width" | "border-bottom-width"
        | "border-left-width" => {
            let w = l()?;
            side_decls(prop, |s| Decl::BorderWidth(s, w))
        }
        "border-style" => {
            let f = four_of(vals, border_style).ok_or("one to four of none, solid, dashed, dotted or double")?;
            SIDES.iter().zip(f).map(|(s, b)| Decl::BorderStyle(*s, b)).collect()
        }
        "border-top-style" | "border-right-style" | "border-bottom-style"
        | "border-left-style" => {
            let b = one(vals)
                .and_then(border_style)
                .ok_or("none, solid, dashed, dotted or double")?;
            side_decls(prop, |s| Decl::BorderStyle(s, b))
        }
        "border-color" => {
            let f = four_of(vals, css_color).ok_or("one to four colours")?;
            SIDES.iter().zip(f).map(|(s, c)| Decl::BorderColor(*s, c)).collect()
        }
        "border-top-color" | "border-right-color" | "border-bottom-color"
        | "border-left-color" => {
            let c = color()?;
            side_decls(prop, |s| Decl::BorderColor(s, c))
        }
        "border-radius" => {
            let f = four(vals).ok_or("one to four lengths (elliptical `/` corners are not supported)")?;
            (0..4).map(|i| Decl::BorderRadius(i, f[i])).collect()
        }
        "border-top-left-radius" => vec![Decl::BorderRadius(0, l()?)],
        "border-top-right-radius" => vec![Decl::BorderRadius(1, l()?)],
        "border-bottom-right-radius" => vec![Decl::BorderRadius(2, l()?)],
        "border-bottom-left-radius" => vec![Decl::BorderRadius(3, l()?)],
        "box-shadow" => vec![Decl::BoxShadow(box_shadow(vals).ok_or(
            "none or `[inset] x y [blur] [spread] [colour]`, comma-separated",
        )?)],
        "font-size" => match one(vals) {
            Some(Val::Ident(i)) if i.eq_ignore_ascii_case("auto") => return Err("a length"),
            _ => vec![Decl::FontSize(l()?)],
        },
        "font-weight" => vec![Decl::FontWeight(match one(vals) {
            Some(Val::Ident(i)) => match i.to_ascii_lowercase().as_str() {
                "bold" => FontWeight::Abs(700),
                "normal" => FontWeight::Abs(400),
                "bolder" => FontWeight::Bolder,
                "lighter" => FontWeight::Lighter,
                _ => return Err("normal, bold, bolder, lighter or 1–1000"),
            },
            Some(Val::Num(n)) if (1.0..=1000.0).contains(n) => FontWeight::Abs(*n as u16),
            _ => return Err("normal, bold, bolder, lighter or 1–1000"),
        })],
        "font-style" => vec![Decl::Italic(match kw().as_str() {
            "normal" => false,
            "italic" | "oblique" => true,
            _ => return Err("normal, italic or oblique"),
        })],
        "line-height" => vec![Decl::LineHeight(match one(vals) {
            Some(Val::Ident(i)) if i.eq_ignore_ascii_case("normal") => LineHeight::Normal,
            Some(Val::Num(n)) if *n > 0.0 => LineHeight::Mult(*n),
            Some(v) => match len(v) {
                Some(Len::Auto) | None => return Err("normal, a number or a length"),
                Some(l) => LineHeight::Len(l),
            },
            None => return Err("normal, a number or a length"),
        })],
        "text-align" => vec![Decl::TextAlign(match kw().as_str() {
            "left" | "start" | "justify" => TextAlign::Left,
            "center" => TextAlign::Center,
            "right" | "end" => TextAlign::Right,
            _ => return Err("left, center or right"),
        })],
        "letter-spacing" => vec![Decl::LetterSpacing(match one(vals) {
            Some(Val::Ident(i)) if i.eq_ignore_ascii_case("normal") => Len::Px(0.0),
            Some(v) => len(v)
                .filter(|l| !matches!(l, Len::Auto | Len::Pct(_)))
                .ok_or("normal or a length")?,
            None => return Err("normal or a length"),
        })],
        "text-decoration" | "text-decoration-line" => {
            const EXPECTED: &str = "none, underline, overline or line-through, with an optional style and colour";
            let mut line = None;
            let mut col = None;
            for v in vals {
                match v {
                    Val::Ident(i) => match i.to_ascii_lowercase().as_str() {
                        "none" => line = Some(DecorationLine::None),
                        "underline" => line = Some(DecorationLine::Underline),
                        "overline" => line = Some(DecorationLine::Overline),
                        "line-through" => line = Some(DecorationLine::LineThrough),
                        "solid" | "double" | "dotted" | "dashed" | "wavy" => {}
                        _ => col = Some(css_color(v).ok_or(EXPECTED)?),
                    },
                    v => col = Some(css_color(v).ok_or(EXPECTED)?),
                }
            }
            vec![Decl::TextDecoration(line.ok_or(EXPECTED)?, col)]
        }
        "text-overflow" => vec![Decl::TextOverflowEllipsis(match kw().as_str() {
            "clip" => false,
            "ellipsis" => true,
            _ => return Err("clip or ellipsis"),
        })],
        "white-space" => vec![Decl::WhiteSpace(match kw().as_str() {
            "normal" => WhiteSpace::Normal,
            "nowrap" => WhiteSpace::NoWrap,
            "pre" => WhiteSpace::Pre,
            "pre-wrap" => WhiteSpace::PreWrap,
            "pre-line" => WhiteSpace::PreLine,
            _ => return Err("normal, nowrap, pre, pre-wrap or pre-line"),
        })],
        "word-break" => vec![Decl::WordBreak(match kw().as_str() {
            "normal" => WordBreak::Normal,
            "break-all" => WordBreak::BreakAll,
            "keep-all" => WordBreak::KeepAll,
            "break-word" => WordBreak::BreakWord,
            _ => return Err("normal, break-all, keep-all or break-word"),
        })],
        "overflow-wrap" | "word-wrap" => vec![Decl::WordBreak(match kw().as_str() {
            "normal" => WordBreak::Normal,
            "break-word" | "anywhere" => WordBreak::BreakWord,
            _ => return Err("normal, break-word or anywhere"),
        })],
        "-webkit-line-clamp" => vec![Decl::LineClamp(match one(vals) {
            Some(Val::Ident(i)) if i.eq_ignore_ascii_case("none") => None,
            Some(v) => Some(
                integer(v)
                    .filter(|n| *n > 0)
                    .ok_or("none or a positive integer")? as u32,
            ),
            None => return Err("none or a positive integer"),
        })],
        // Only meaningful together with `-webkit-line-clamp`, which needs nothing from it.
        "-webkit-box-orient" => Vec::new(),
        "transform" => vec![Decl::Transform(transform(vals).ok_or(
            "none or translate(), translateX/Y(), scale(), scaleX/Y(), rotate()",
        )?)],
        "visibility" => vec![Decl::Visible(match kw().as_str() {
            "visible" => true,
            "hidden" | "collapse" => false,
            _ => return Err("visible or hidden"),
        })],
        "opacity" => vec![Decl::Opacity(match one(vals) {
            Some(Val::Num(n)) => n.clamp(0.0, 1.0),
            Some(Val::Pct(p)) => (p / 100.0).clamp(0.0, 1.0),
            _ => return Err("a number from 0 to 1"),
        })],
        "overflow" | "overflow-x" | "overflow-y" => {
            vec![Decl::OverflowHidden(match kw().as_str() {
                "visible" => false,
                "hidden" | "clip" | "scroll" | "auto" => true,
                _ => return Err("visible, hidden, scroll or auto"),
            })]
        }
        _ => return Ok(None),
    };
    Ok(Some(d))
}

/// Replaces every `var(--x[, fallback])` in `vals` with the tokens of `--x` from `custom`.
///
/// # Errors
/// A message when a variable is not defined and has no fallback, or the result is too long.
fn substitute(vals: &[Val], custom: &CustomProps, out: &mut Vec<Val>) -> Result<(), String> {
    const MAX_TOKENS: usize = 10_000;
    for v in vals {
        match v {
            Val::Func(f, args) if f == "var" => {
                let (name, fallback) = match args.split_first() {
                    Some((Val::Ident(n), rest)) if n.starts_with("--") => (n, rest),
                    _ => return Err("`var()` takes `--name` and an optional fallback".into()),
                };
                match (custom.get(&name[2..]), fallback) {
                    (Some(value), _) => out.extend(value.iter().cloned()),
                    (None, [Val::Comma, fallback @ ..]) => substitute(fallback, custom, out)?,
                    (None, _) => {
                        return Err(format!("`var({name})` is not defined and has no fallback"))
                    }
                }
            }
            Val::Func(f, args) if has_var(args) => {
                let mut inner = Vec::new();
                substitute(args, custom, &mut inner)?;
                out.push(Val::Func(f.clone(), inner));
            }
            v => out.push(v.clone()),
        }
        if out.len() > MAX_TOKENS {
            return Err(format!("value longer than {MAX_TOKENS} tokens after `var()`"));
        }
    }
    Ok(())
}

/// Custom properties in scope: name (without `--`) → tokens, `var()`s already substituted.
pub(crate) type CustomProps = HashMap<Arc<str>, Arc<[Val]>>;

/// What lengths resolve against.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx {
    pub vw: f32,
    pub vh: f32,
    pub font_size: f32,
}

impl Ctx {
    /// Resolves to px; `None` for `auto` and anything with a percentage.
    pub fn px(&self, l: Len) -> Option<f32> {
        Some(match l {
            Len::Px(v) => v,
            Len::Rpx(v) => v * self.vw / 750.0,
            Len::Vw(v) => v * self.vw / 100.0,
            Len::Vh(v) => v * self.vh / 100.0,
            Len::Em(v) => v * self.font_size,
            Len::Rem(v) => v * ROOT_FONT_SIZE,
            Len::Calc(c) if c.pct == 0.0 => self.calc_px(c),
            Len::Calc(_) | Len::Pct(_) | Len::Auto => return None,
        })
    }

    /// The non-percentage part of a `calc()`, in px.
    fn calc_px(&self, c: Calc) -> f32 {
        c.px + c.vw * self.vw / 100.0 + c.vh * self.vh / 100.0 + c.em * self.font_size
    }

    /// Resolves to px with percentages of `basis`; `None` for `auto`.
    pub fn resolve(&self, l: Len, basis: f32) -> Option<f32> {
        match l {
            Len::Pct(p) => Some(basis * p / 100.0),
            Len::Calc(c) => Some(self.calc_px(c) + basis * c.pct / 100.0),
            l => self.px(l),
        }
    }

    // A `calc()` with a percentage cannot reach taffy (its `TaffyTree` resolves calc to 0,
    // and `layout.rs` relies on never creating one), so only its percentage is laid out; the
    // parser warns about it (`value_notes`).
    fn dim(&self, l: Len) -> Dimension {
        match l {
            Len::Auto => Dimension::auto(),
            Len::Pct(p) | Len::Calc(Calc { pct: p, .. }) if p != 0.0 || matches!(l, Len::Pct(_)) => {
                Dimension::percent(p / 100.0)
            }
            other => Dimension::length(self.px(other).unwrap_or(0.0)),
        }
    }

    fn lpa(&self, l: Len) -> LengthPercentageAuto {
        match l {
            Len::Auto => LengthPercentageAuto::auto(),
            Len::Pct(p) | Len::Calc(Calc { pct: p, .. }) if p != 0.0 || matches!(l, Len::Pct(_)) => {
                LengthPercentageAuto::percent(p / 100.0)
            }
            other => LengthPercentageAuto::length(self.px(other).unwrap_or(0.0)),
        }
    }

    fn lp(&self, l: Len) -> LengthPercentage {
        match l {
            Len::Pct(p) | Len::Calc(Calc { pct: p, .. }) if p != 0.0 || matches!(l, Len::Pct(_)) => {
                LengthPercentage::percent(p / 100.0)
            }
            Len::Auto => LengthPercentage::length(0.0),
            other => LengthPercentage::length(self.px(other).unwrap_or(0.0)),
        }
    }
}

/// The computed style of one node. Large or rare values (images, shadows, transforms, custom
/// properties) sit behind an `Arc`, so cloning stays a copy of plain data.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Computed {
    // Inherited.
    pub color: Color,
    pub font_size: f32,
    /// 1–1000; 400 normal, 700 bold.
    pub font_weight: u16,
    /// `font_weight >= 600` (what text shaping uses).
    pub bold: bool,
    pub italic: bool,
    pub line_height: LineHeight,
    pub text_align: TextAlign,
    pub letter_spacing: Len,
    pub white_space: WhiteSpace,
    pub word_break: WordBreak,
    pub visible: bool,
    pub custom: Option<Arc<CustomProps>>,
    // Not inherited.
    pub display: Display,
    pub flex_direction: taffy::FlexDirection,
    pub flex_wrap: taffy::FlexWrap,
    pub justify_content: Option<taffy::JustifyContent>,
    pub align_items: Option<taffy::AlignItems>,
    pub align_self: Option<taffy::AlignItems>,
    pub align_content: Option<taffy::AlignContent>,
    pub flex_grow: f32,
    pub flex_shrink: f32,
    pub flex_basis: Len,
    pub width: Len,
    pub height: Len,
    pub min_width: Len,
    pub min_height: Len,
    pub max_width: Len,
    pub max_height: Len,
    /// Width / height of a replaced element's intrinsic size (`image mode="widthFix"`): the
    /// auto side follows the other. Set by components, not by CSS (`aspect-ratio` is not parsed).
    pub aspect_ratio: Option<f32>,
    pub padding: [Len; 4],
    pub margin: [Len; 4],
    pub inset: [Len; 4],
    /// Top, right, bottom, left.
    pub border_width: [Len; 4],
    pub border_style: [BorderStyle; 4],
    /// `None` is `currentColor` (the initial value); see [`Computed::border_side_color`].
    pub border_colors: [Option<Color>; 4],
    /// The colour of the first visible side, else the top (what painting uses for every
    /// side today).
    pub border_color: Color,
    /// Top-left, top-right, bottom-right, bottom-left.
    pub border_radius: [Len; 4],
    pub border_box: bool,
    pub row_gap: Len,
    pub column_gap: Len,
    pub position: Position,
    pub z_index: Option<i32>,
    pub background: Color,
    // Painted by `page.rs` (`Painter::paint_box`), see docs/rendering.md.
    pub background_image: Option<Arc<BgImage>>,
    pub background_size: BgSize,
    pub background_position: (Len, Len),
    pub background_repeat: BgRepeat,
    pub box_shadow: Option<Arc<[Shadow]>>,
    pub text_decoration: DecorationLine,
    /// `None` is `currentColor`.
    pub text_decoration_color: Option<Color>,
    pub text_overflow_ellipsis: bool,
    pub line_clamp: Option<u32>,
    pub transform: Option<Arc<[Transform]>>,
    pub opacity: f32,
    pub overflow_hidden: bool,
}

/// Root defaults: black 16px text on nothing; also what `rem` is a multiple of.
pub(crate) const ROOT_FONT_SIZE: f32 = 16.0;

/// A property that was given `currentColor`, resolved once the element's `color` is known.
#[derive(Clone, Copy, PartialEq)]
enum CurrentSlot {
    Background,
    Decoration,
}

/// A length as CSS text (`12px`, `50%`, `auto`, `calc(...)`).
fn len_css(l: &Len) -> String {
    match l {
        Len::Px(v) => format!("{v}px"),
        Len::Rpx(v) => format!("{v}rpx"),
        Len::Pct(v) => format!("{v}%"),
        Len::Vw(v) => format!("{v}vw"),
        Len::Vh(v) => format!("{v}vh"),
        Len::Em(v) => format!("{v}em"),
        Len::Rem(v) => format!("{v}rem"),
        Len::Calc(c) => format!("calc({c:?})"),
        Len::Auto => "auto".into(),
    }
}

fn color_css(c: Color) -> String {
    if c.a == 255 {
        format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b)
    } else {
        format!("rgba({}, {}, {}, {:.2})", c.r, c.g, c.b, f32::from(c.a) / 255.0)
    }
}

impl Computed {
    /// The node's computed style as CSS text for the Elements panel: `display` always, then
    /// every main property whose value differs from the page root's initial style, in a fixed
    /// order (`position`, sizes, margin, padding, colours, font, border, flex, opacity, …).
    pub fn summary(&self) -> Vec<(&'static str, String)> {
        let root = Computed::root();
        let mut out = Vec::new();
        let display = match self.display {
            Display::Block => "block",
            Display::Flex => "flex",
            Display::None => "none",
        };
        out.push(("display", display.to_string()));
        let mut add = |name: &'static str, differs: bool, value: String| {
            if differs {
                out.push((name, value));
            }
        };
        add("position", self.position != root.position, format!("{:?}", self.position).to_lowercase());
        for (name, l, r) in [
            ("width", &self.width, &root.width),
            ("height", &self.height, &root.height),
            ("min-width", &self.min_width, &root.min_width),
            ("min-height", &self.min_height, &root.min_height),
            ("max-width", &self.max_width, &root.max_width),
            ("max-height", &self.max_height, &root.max_height),
        ] {
            add(name, l != r, len_css(l));
        }
        let four = |v: &[Len; 4]| v.iter().map(len_css).collect::<Vec<_>>().join(" ");
        add("margin", self.margin != root.margin, four(&self.margin));
        add("padding", self.padding != root.padding, four(&self.padding));
        add("inset", self.inset != root.inset, four(&self.inset));
        add("color", self.color != root.color, color_css(self.color));
        add("background-color", self.background != root.background, color_css(self.background));
        add("font-size", self.font_size != root.font_size, format!("{}px", self.font_size));
        add("font-weight", self.font_weight != root.font_weight, self.font_weight.to_string());
        add("font-style", self.italic != root.italic, "italic".into());
        add("line-height", self.line_height != root.line_height, format!("{:?}", self.line_height));
        add("text-align", self.text_align != root.text_align, format!("{:?}", self.text_align).to_lowercase());
        add("border-width", self.border_width != root.border_width, four(&self.border_width));
        add("border-color", self.border_color != root.border_color, color_css(self.border_color));
        add("border-radius", self.border_radius != root.border_radius, four(&self.border_radius));
        add("box-sizing", self.border_box != root.border_box, if self.border_box { "border-box" } else { "content-box" }.into());
        if self.display == Display::Flex {
            out.push(("flex-direction", format!("{:?}", self.flex_direction)));
            if let Some(j) = self.justify_content {
                out.push(("justify-content", format!("{j:?}")));
            }
            if let Some(a) = self.align_items {
                out.push(("align-items", format!("{a:?}")));
            }
        }
        let mut add = |name: &'static str, differs: bool, value: String| {
            if differs {
                out.push((name, value));
            }
        };
        add("flex-grow", self.flex_grow != root.flex_grow, self.flex_grow.to_string());
        add("flex-shrink", self.flex_shrink != root.flex_shrink, self.flex_shrink.to_string());
        add("z-index", self.z_index.is_some(), format!("{}", self.z_index.unwrap_or(0)));
        add("opacity", self.opacity != root.opacity, self.opacity.to_string());
        add("overflow", self.overflow_hidden, "hidden".into());
        add("visibility", !self.visible, "hidden".into());
        out
    }
}

impl Computed {
    /// The initial style of the page root.
    pub fn root() -> Computed {
        Computed {
            color: Color::BLACK,
            font_size: ROOT_FONT_SIZE,
            font_weight: 400,
            bold: false,
            italic: false,
            line_height: LineHeight::Normal,
            text_align: TextAlign::Left,
            letter_spacing: Len::Px(0.0),
            white_space: WhiteSpace::Normal,
            word_break: WordBreak::Normal,
            visible: true,
            custom: None,
            display: Display::Block,
            flex_direction: taffy::FlexDirection::Row,
            flex_wrap: taffy::FlexWrap::NoWrap,
            justify_content: None,
            align_items: None,
            align_self: None,
            align_content: None,
            flex_grow: 0.0,
            flex_shrink: 1.0,
            flex_basis: Len::Auto,
            width: Len::Auto,
            height: Len::Auto,
            min_width: Len::Auto,
            min_height: Len::Auto,
            max_width: Len::Auto,
            max_height: Len::Auto,
            aspect_ratio: None,
            padding: [Len::Px(0.0); 4],
            margin: [Len::Px(0.0); 4],
            inset: [Len::Auto; 4],
            border_width: [Len::Px(0.0); 4],
            border_style: [BorderStyle::None; 4],
            border_colors: [None; 4],
            border_color: Color::BLACK,
            border_radius: [Len::Px(0.0); 4],
            border_box: false,
            row_gap: Len::Px(0.0),
            column_gap: Len::Px(0.0),
            position: Position::Relative,
            z_index: None,
            background: Color::TRANSPARENT,
            background_image: None,
            background_size: BgSize::Auto,
            background_position: (Len::Pct(0.0), Len::Pct(0.0)),
            background_repeat: BgRepeat::Repeat,
            box_shadow: None,
            text_decoration: DecorationLine::None,
            text_decoration_color: None,
            text_overflow_ellipsis: false,
            line_clamp: None,
            transform: None,
            opacity: 1.0,
            overflow_hidden: false,
        }
    }

    /// A child's starting point: inherited properties from `self`, the rest initial.
    pub fn inherit(&self) -> Computed {
        Computed {
            color: self.color,
            font_size: self.font_size,
            font_weight: self.font_weight,
            bold: self.bold,
            italic: self.italic,
            line_height: self.line_height,
            text_align: self.text_align,
            letter_spacing: self.letter_spacing,
            white_space: self.white_space,
            word_break: self.word_break,
            visible: self.visible,
            custom: self.custom.clone(),
            ..Computed::root()
        }
    }

    /// Applies declarations in cascade order. `parent_font` resolves `em`/`%` font sizes.
    /// Custom properties apply first (so `var()` sees every `--x` of the element), then the
    /// rest; returns the warnings of `var()` declarations that do not resolve or parse.
    pub fn apply<'a>(
        &mut self,
        decls: impl IntoIterator<Item = &'a Decl>,
        parent_font: f32,
        ctx: Ctx,
    ) -> Vec<Diagnostic> {
        let decls: Vec<&Decl> = decls.into_iter().collect();
        let mut warnings = Vec::new();
        for d in &decls {
            if let Decl::Custom(name, vals) = d {
                let vals = if has_var(vals) {
                    let mut out = Vec::new();
                    // An undefined `var()` in a custom property makes it empty.
                    let _ = substitute(vals, self.custom.as_deref().unwrap_or(&HashMap::new()), &mut out);
                    out.into()
                } else {
                    vals.clone()
                };
                Arc::make_mut(self.custom.get_or_insert_with(Default::default))
                    .insert(name.clone(), vals);
            }
        }
        let mut st = ApplyState::default();
        for d in decls {
            match d {
                Decl::Custom(..) => {}
                Decl::Var(v) => {
                    let empty = HashMap::new();
                    let custom = self.custom.clone();
                    let mut vals = Vec::new();
                    let parsed = substitute(&v.vals, custom.as_deref().unwrap_or(&empty), &mut vals)
                        .and_then(|()| match parse_declaration(&v.prop, &vals) {
                            Ok(Some(d)) => Ok(d),
                            Ok(None) => Err(format!("unsupported property `{}`", v.prop)),
                            Err(expected) => Err(format!(
                                "`{}` after `var()`: expected {expected}",
                                v.prop
                            )),
                        });
                    match parsed {
                        Ok(ds) => ds.iter().for_each(|d| self.apply_one(d, &mut st)),
                        Err(message) => warnings.push(Diagnostic {
                            file: v.file.clone(),
                            line: v.line,
                            column: v.column,
                            message: format!("{message}, declaration ignored"),
                        }),
                    }
                }
                d => self.apply_one(d, &mut st),
            }
        }
        if st.border_width_set {
            // `border-width` alone implies a visible (solid) border, like `border: 1px`.
            for i in 0..4 {
                if !st.border_style_set[i]
                    && self.border_style[i] == BorderStyle::None
                    && !matches!(self.border_width[i], Len::Px(z) if z == 0.0)
                {
                    self.border_style[i] = BorderStyle::Solid;
                }
            }
        }
        if let Some(l) = st.font {
            let pctx = Ctx {
                font_size: parent_font,
                ..ctx
            };
            self.font_size = pctx.resolve(l, parent_font).unwrap_or(parent_font).max(0.0);
        }
        for slot in st.current {
            match slot {
                CurrentSlot::Background => self.background = self.color,
                CurrentSlot::Decoration => self.text_decoration_color = Some(self.color),
            }
        }
        let shown = (0..4).find(|&i| {
            self.border_style[i] != BorderStyle::None
                && !matches!(self.border_width[i], Len::Px(z) if z == 0.0)
        });
        self.border_color = self.border_side_color(shown.unwrap_or(0));
        self.bold = self.font_weight >= 600;
        warnings
    }

    fn apply_one(&mut self, d: &Decl, st: &mut ApplyState) {
        let mut color_to = |slot: CurrentSlot, c: &CssColor, field: &mut Color| match c {
            CssColor::Rgba(c) => {
                *field = *c;
                st.current.retain(|s| *s != slot);
            }
            CssColor::Current => st.current.push(slot),
        };
        match d {
            Decl::Width(l) => self.width = *l,
            Decl::Height(l) => self.height = *l,
            Decl::MinWidth(l) => self.min_width = *l,
            Decl::MinHeight(l) => self.min_height = *l,
            Decl::MaxWidth(l) => self.max_width = *l,
            Decl::MaxHeight(l) => self.max_height = *l,
            Decl::Padding(s, l) => self.padding[*s as usize] = *l,
            Decl::Margin(s, l) => self.margin[*s as usize] = *l,
            Decl::Inset(s, l) => self.inset[*s as usize] = *l,
            Decl::BorderWidth(s, l) => {
                self.border_width[*s as usize] = *l;
                st.border_width_set = true;
            }
            Decl::BorderStyle(s, b) => {
                self.border_style[*s as usize] = *b;
                st.border_style_set[*s as usize] = true;
            }
            Decl::BorderColor(s, c) => {
                self.border_colors[*s as usize] = match c {
                    CssColor::Rgba(c) => Some(*c),
                    CssColor::Current => None,
                }
            }
            Decl::BorderRadius(i, l) => self.border_radius[*i] = *l,
            Decl::BoxSizingBorder(b) => self.border_box = *b,
            Decl::Display(d) => self.display = *d,
            Decl::FlexDirection(f) => self.flex_direction = *f,
            Decl::FlexWrap(w) => self.flex_wrap = *w,
            Decl::JustifyContent(j) => self.justify_content = Some(*j),
            Decl::AlignItems(a) => self.align_items = Some(*a),
            Decl::AlignSelf(a) => self.align_self = *a,
            Decl::AlignContent(a) => self.align_content = Some(*a),
            Decl::FlexGrow(g) => self.flex_grow = *g,
            Decl::FlexShrink(s) => self.flex_shrink = *s,
            Decl::FlexBasis(b) => self.flex_basis = *b,
            Decl::RowGap(g) => self.row_gap = *g,
            Decl::ColumnGap(g) => self.column_gap = *g,
            Decl::Position(p) => self.position = *p,
            Decl::ZIndex(z) => self.z_index = *z,
            Decl::Background(c) => color_to(CurrentSlot::Background, c, &mut self.background),
            Decl::BackgroundImage(i) => self.background_image = i.clone(),
            Decl::BackgroundSize(s) => self.background_size = *s,
            Decl::BackgroundPosition(x, y) => self.background_position = (*x, *y),
            Decl::BackgroundRepeat(r) => self.background_repeat = *r,
            Decl::BoxShadow(s) => self.box_shadow = s.clone(),
            // `color: currentColor` is the inherited colour: nothing to do.
            Decl::Color(CssColor::Current) => {}
            Decl::Color(CssColor::Rgba(c)) => self.color = *c,
            Decl::FontSize(l) => st.font = Some(*l),
            Decl::FontWeight(w) => {
                let cur = self.font_weight;
                self.font_weight = match w {
                    FontWeight::Abs(n) => *n,
                    // CSS Fonts 4, relative weights.
                    FontWeight::Bolder if cur < 350 => 400,
                    FontWeight::Bolder if cur < 550 => 700,
                    FontWeight::Bolder => 900,
                    FontWeight::Lighter if cur < 550 => 100,
                    FontWeight::Lighter if cur < 750 => 400,
                    FontWeight::Lighter => 700,
                };
            }
            Decl::Italic(i) => self.italic = *i,
            Decl::LineHeight(l) => self.line_height = *l,
            Decl::TextAlign(t) => self.text_align = *t,
            Decl::LetterSpacing(l) => self.letter_spacing = *l,
            Decl::TextDecoration(line, c) => {
                self.text_decoration = *line;
                match c {
                    None => self.text_decoration_color = None,
                    Some(c) => {
                        let mut tmp = Color::TRANSPARENT;
                        color_to(CurrentSlot::Decoration, c, &mut tmp);
                        if let CssColor::Rgba(c) = c {
                            self.text_decoration_color = Some(*c);
                        }
                    }
                }
            }
            Decl::TextOverflowEllipsis(e) => self.text_overflow_ellipsis = *e,
            Decl::WhiteSpace(w) => self.white_space = *w,
            Decl::WordBreak(w) => self.word_break = *w,
            Decl::LineClamp(n) => self.line_clamp = *n,
            Decl::Transform(t) => self.transform = t.clone(),
            Decl::Visible(v) => self.visible = *v,
            Decl::Opacity(o) => self.opacity = *o,
            Decl::OverflowHidden(h) => self.overflow_hidden = *h,
            Decl::Custom(..) | Decl::Var(_) => {}
        }
    }

    /// The colour of side `i` (top, right, bottom, left), `currentColor` resolved.
    pub fn border_side_color(&self, i: usize) -> Color {
        self.border_colors[i].unwrap_or(self.color)
    }

    /// Line height in px.
    pub fn line_height_px(&self, ctx: Ctx) -> f32 {
        match self.line_height {
            LineHeight::Normal => self.font_size * NORMAL_LINE_HEIGHT,
            LineHeight::Mult(m) => self.font_size * m,
            LineHeight::Len(l) => self
                .ctx(ctx)
                .resolve(l, self.font_size)
                .unwrap_or(self.font_size),
        }
        .max(1.0)
    }

    /// The visible border width in px (the top side's). Painting now uses each side's width
    /// from the layout; kept for the style tests.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn border_px(&self, ctx: Ctx) -> f32 {
        if self.border_style[0] == BorderStyle::None {
            0.0
        } else {
            self.ctx(ctx)
                .px(self.border_width[0])
                .unwrap_or(0.0)
                .max(0.0)
        }
    }

    fn ctx(&self, ctx: Ctx) -> Ctx {
        Ctx {
            font_size: self.font_size,
            ..ctx
        }
    }

    /// Corner radius in px, the top-left one (all four when uniform; a percentage resolves
    /// against the smaller side of `w`×`h`).
    pub fn radius_px(&self, ctx: Ctx, w: f32, h: f32) -> f32 {
        self.radii_px(ctx, w, h)[0]
    }

    /// The four corner radii in px: top-left, top-right, bottom-right, bottom-left.
    pub fn radii_px(&self, ctx: Ctx, w: f32, h: f32) -> [f32; 4] {
        let c = self.ctx(ctx);
        self.border_radius
            .map(|l| c.resolve(l, w.min(h)).unwrap_or(0.0).max(0.0))
    }

    /// The taffy style of an element box.
    pub fn to_taffy(&self, ctx: Ctx) -> taffy::Style {
        let c = self.ctx(ctx);
        let (display, dir) = match self.display {
            Display::None => (taffy::Display::None, taffy::FlexDirection::Column),
            // CSS block layout: children stacked, adjoining vertical margins collapsed.
            Display::Block => (taffy::Display::Block, taffy::FlexDirection::Column),
            Display::Flex => (taffy::Display::Flex, self.flex_direction),
        };
        let rect_lpa = |l: [Len; 4]| taffy::Rect {
            top: c.lpa(l[0]),
            right: c.lpa(l[1]),
            bottom: c.lpa(l[2]),
            left: c.lpa(l[3]),
        };
        let rect_lp = |l: [Len; 4]| taffy::Rect {
            top: c.lp(l[0]),
            right: c.lp(l[1]),
            bottom: c.lp(l[2]),
            left: c.lp(l[3]),
        };
        let mut border = self.border_width;
        for (b, s) in border.iter_mut().zip(self.border_style) {
            if s == BorderStyle::None {
                *b = Len::Px(0.0);
            }
        }
        let mut s = taffy::Style {
            display,
            flex_direction: dir,
            flex_wrap: self.flex_wrap,
            box_sizing: if self.border_box {
                taffy::BoxSizing::BorderBox
            } else {
                taffy::BoxSizing::ContentBox
            },
            position: match self.position {
                Position::Absolute | Position::Fixed => taffy::Position::Absolute,
                Position::Static | Position::Relative | Position::Sticky => {
                    taffy::Position::Relative
                }
            },
            // A sticky box is laid out where it stands; its `top` applies at paint (page.rs).
            inset: if matches!(self.position, Position::Static | Position::Sticky) {
                rect_lpa([Len::Auto; 4])
            } else {
                rect_lpa(self.inset)
            },
            size: taffy::Size {
                width: c.dim(self.width),
                height: c.dim(self.height),
            },
            min_size: taffy::Size {
                width: c.lpa(self.min_width),
                height: c.lpa(self.min_height),
            },
            max_size: taffy::Size {
                width: c.lpa(self.max_width),
                height: c.lpa(self.max_height),
            },
            margin: rect_lpa(self.margin),
            padding: rect_lp(self.padding),
            border: rect_lp(border),
            gap: taffy::Size {
                width: c.lp(self.column_gap),
                height: c.lp(self.row_gap),
            },
            flex_grow: self.flex_grow,
            flex_shrink: self.flex_shrink,
            flex_basis: c.dim(self.flex_basis),
            align_self: self.align_self,
            aspect_ratio: self.aspect_ratio,
            ..taffy::Style::default()
        };
        if let Some(a) = self.align_items {
            // A block's children are aligned across its width by `justify-items` (taffy's
            // block layout); `align-items` there is the same alignment a flex column gives.
            if self.display == Display::Block {
                s.justify_items = a;
            } else {
                s.align_items = a;
            }
        }
        if let Some(j) = self.justify_content {
            s.justify_content = j;
        }
        if let Some(a) = self.align_content {
            s.align_content = a;
        }
        if self.overflow_hidden {
            s.overflow = taffy::Point {
                x: taffy::Overflow::Hidden,
                y: taffy::Overflow::Hidden,
            };
        }
        s
    }
}

#[derive(Default)]
struct ApplyState {
    font: Option<Len>,
    border_width_set: bool,
    border_style_set: [bool; 4],
    current: Vec<CurrentSlot>,
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::css::parse_stylesheet;

    fn decls(css: &str) -> Vec<Decl> {
        let (sheet, d) = parse_stylesheet(&format!("x {{ {css} }}"), "t.css").unwrap();
        assert!(d.is_empty(), "{d:?}");
        sheet.rules[0].decls.clone()
    }

    const CTX: Ctx = Ctx {
        vw: 375.0,
        vh: 600.0,
        font_size: 16.0,
    };

    #[test]
    fn units_resolve_against_the_viewport_and_font() {
        assert_eq!(CTX.px(Len::Rpx(750.0)), Some(375.0));
        assert_eq!(CTX.px(Len::Rpx(100.0)), Some(50.0));
        assert_eq!(CTX.px(Len::Vw(10.0)), Some(37.5));
        assert_eq!(CTX.px(Len::Vh(50.0)), Some(300.0));
        assert_eq!(CTX.px(Len::Em(2.0)), Some(32.0));
        assert_eq!(CTX.px(Len::Pct(50.0)), None);
    }

    #[test]
    fn shorthands_expand_to_sides() {
        let mut c = Computed::root();
        c.apply(&decls("padding: 1px 2px 3px; margin: 4px 5px"), 16.0, CTX);
        assert_eq!(
            c.padding,
            [Len::Px(1.0), Len::Px(2.0), Len::Px(3.0), Len::Px(2.0)]
        );
        assert_eq!(
            c.margin,
            [Len::Px(4.0), Len::Px(5.0), Len::Px(4.0), Len::Px(5.0)]
        );
    }

    #[test]
    fn border_shorthand_sets_width_colour_and_visibility() {
        let mut c = Computed::root();
        c.apply(&decls("border: 2px solid #ff0000"), 16.0, CTX);
        assert_eq!(c.border_px(CTX), 2.0);
        assert_eq!(c.border_color, Color::rgb(255, 0, 0));
        c.apply(&decls("border: none"), 16.0, CTX);
        assert_eq!(c.border_px(CTX), 0.0);
    }

    #[test]
    fn flex_shorthand_and_font_sizes_resolve() {
        let mut c = Computed::root();
        c.apply(
            &decls("flex: 1; font-size: 150%; font-weight: 700; line-height: 2"),
            20.0,
            CTX,
        );
        assert_eq!(
            (c.flex_grow, c.flex_shrink, c.flex_basis),
            (1.0, 1.0, Len::Pct(0.0))
        );
        assert_eq!(c.font_size, 30.0);
        assert!(c.bold);
        assert_eq!(c.line_height_px(CTX), 60.0);
        c.apply(&decls("font-size: 2em"), 10.0, CTX);
        assert_eq!(c.font_size, 20.0);
        c.apply(&decls("font-size: 32rpx"), 10.0, CTX);
        assert_eq!(c.font_size, 16.0);
    }

    #[test]
    fn inheritance_keeps_only_text_properties() {
        let mut parent = Computed::root();
        parent.apply(
            &decls(
                "color: red; font-size: 20px; text-align: center; background: blue; padding: 3px",
            ),
            16.0,
            CTX,
        );
        let child = parent.inherit();
        assert_eq!(child.color, Color::rgb(255, 0, 0));
        assert_eq!(child.font_size, 20.0);
        assert_eq!(child.text_align, TextAlign::Center);
        assert_eq!(child.background, Color::TRANSPARENT);
        assert_eq!(child.padding, [Len::Px(0.0); 4]);
    }

    #[test]
    fn block_display_is_a_flex_column_and_flex_defaults_to_row() {
        let mut c = Computed::root();
        assert_eq!(c.to_taffy(CTX).flex_direction, taffy::FlexDirection::Column);
        c.apply(&decls("display: flex"), 16.0, CTX);
        assert_eq!(c.to_taffy(CTX).flex_direction, taffy::FlexDirection::Row);
        c.apply(&decls("display: none"), 16.0, CTX);
        assert_eq!(c.to_taffy(CTX).display, taffy::Display::None);
    }

    #[test]
    fn bad_values_of_supported_properties_are_rejected() {
        for (prop, vals) in [
            ("display", vec![Val::Ident("grid".into())]),
            ("color", vec![Val::Ident("blurple".into())]),
            ("width", vec![Val::Num(12.0)]),
            ("opacity", vec![Val::Ident("x".into())]),
            ("flex", vec![Val::Ident("x".into()), Val::Ident("y".into())]),
        ] {
            assert!(parse_declaration(prop, &vals).is_err(), "{prop}");
        }
        assert_eq!(
            parse_declaration("float", &[Val::Ident("left".into())]),
            Ok(None)
        );
    }

    fn styled(css: &str) -> Computed {
        let mut c = Computed::root();
        let w = c.apply(&decls(css), 16.0, CTX);
        assert!(w.is_empty(), "{w:?}");
        c
    }

    #[test]
    fn calc_mixes_units_and_resolves_to_px_where_it_can() {
        let c = styled("width: calc(100rpx + 2 * 10px - 1rem); height: calc((50vw - 10px) / 2)");
        assert_eq!(CTX.px(c.width), Some(50.0 + 20.0 - 16.0));
        assert_eq!(CTX.px(c.height), Some((187.5 - 10.0) / 2.0));
        let (sheet, w) =
            parse_stylesheet("x { margin-top: calc(1em + 10%); width: calc(50% + 0px) }", "t.css").unwrap();
        assert_eq!(w.len(), 1, "the mixed calc warns: {w:?}");
        let mut c = Computed::root();
        c.apply(&sheet.rules[0].decls, 16.0, CTX);
        assert_eq!(c.width, Len::Pct(50.0));
        assert_eq!(CTX.resolve(c.margin[0], 200.0), Some(16.0 + 20.0));
        assert_eq!(CTX.px(c.margin[0]), None);
    }

    #[test]
    fn calc_that_is_not_a_length_is_a_bad_value() {
        for v in ["calc(10px * 2px)", "calc(10px + 2)", "calc(1px / 0)", "calc(10px +)", "calc(foo)"] {
            assert!(len(&calc_val(v)).is_none(), "{v}");
        }
    }

    fn calc_val(src: &str) -> Val {
        let (sheet, _) = parse_stylesheet(&format!("x {{ --v: {src} }}"), "t.css").unwrap();
        match &sheet.rules[0].decls[0] {
            Decl::Custom(_, v) => v[0].clone(),
            d => panic!("{d:?}"),
        }
    }

    #[test]
    fn rem_is_a_multiple_of_the_root_font_size() {
        let mut c = Computed::root();
        c.apply(&decls("font-size: 1.5rem; padding: 2rem"), 40.0, CTX);
        assert_eq!(c.font_size, 24.0);
        assert_eq!(CTX.px(c.padding[0]), Some(32.0));
    }

    #[test]
    fn custom_properties_inherit_and_var_resolves_with_fallbacks() {
        let mut parent = Computed::root();
        let w = parent.apply(&decls("--brand: #ff0000; --gap: 8px; --pad: var(--gap) 4px"), 16.0, CTX);
        assert!(w.is_empty());
        let mut child = parent.inherit();
        let w = child.apply(
            &decls("color: var(--brand); padding: var(--pad); margin-top: var(--nope, 3px); border-color: var(--none, var(--brand))"),
            16.0,
            CTX,
        );
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(child.color, Color::rgb(255, 0, 0));
        assert_eq!(child.padding, [Len::Px(8.0), Len::Px(4.0), Len::Px(8.0), Len::Px(4.0)]);
        assert_eq!(child.margin[0], Len::Px(3.0));
        assert_eq!(child.border_color, Color::rgb(255, 0, 0));
    }

    #[test]
    fn custom_properties_of_the_same_element_apply_before_var() {
        let c = styled("width: var(--w); --w: 10px");
        assert_eq!(c.width, Len::Px(10.0));
    }

    #[test]
    fn an_undefined_var_or_a_bad_substituted_value_warns_and_is_dropped() {
        let mut c = Computed::root();
        let w = c.apply(&decls("width: var(--missing); color: var(--w); --w: 10px"), 16.0, CTX);
        assert_eq!(c.width, Len::Auto);
        assert_eq!(c.color, Color::BLACK);
        let msgs: Vec<String> = w.iter().map(ToString::to_string).collect();
        assert_eq!(
            msgs,
            [
                "t.css:1:5: `var(--missing)` is not defined and has no fallback, declaration ignored",
                "t.css:1:28: `color` after `var()`: expected a colour (#rgb, #rgba, #rrggbb, #rrggbbaa, rgb(), rgba(), hsl(), hsla(), a name, transparent or currentColor), declaration ignored",
            ]
        );
    }

    #[test]
    fn current_color_follows_the_elements_color() {
        let c = styled("border: 1px solid currentColor; background-color: currentcolor; color: blue");
        assert_eq!(c.border_color, Color::rgb(0, 0, 255));
        assert_eq!(c.background, Color::rgb(0, 0, 255));
        let c = styled("border: 2px solid");
        assert_eq!(c.border_color, Color::BLACK);
    }

    #[test]
    fn borders_are_typed_per_side() {
        let c = styled("border: 1px solid red; border-left: 3px dashed #00ff00; border-bottom-style: dotted; border-top-color: blue");
        assert_eq!(c.border_width, [Len::Px(1.0), Len::Px(1.0), Len::Px(1.0), Len::Px(3.0)]);
        assert_eq!(
            c.border_style,
            [BorderStyle::Solid, BorderStyle::Solid, BorderStyle::Dotted, BorderStyle::Dashed]
        );
        assert_eq!(c.border_side_color(3), Color::rgb(0, 255, 0));
        assert_eq!(c.border_color, Color::rgb(0, 0, 255));
        let c = styled("color: #00ff00; border-bottom: 1px solid red");
        assert_eq!(c.border_side_color(0), Color::rgb(0, 255, 0));
        assert_eq!(c.border_color, Color::rgb(255, 0, 0));
        let c = styled("border-width: 2px; border-style: solid none");
        assert_eq!(c.to_taffy(CTX).border.left, LengthPercentage::length(0.0));
        assert_eq!(c.to_taffy(CTX).border.top, LengthPercentage::length(2.0));
    }

    #[test]
    fn border_radius_takes_one_to_four_corners() {
        let c = styled("border-radius: 8px");
        assert_eq!(c.radius_px(CTX, 100.0, 50.0), 8.0);
        let c = styled("border-radius: 1px 2px 3px; border-bottom-left-radius: 50%");
        assert_eq!(c.radii_px(CTX, 100.0, 40.0), [1.0, 2.0, 3.0, 20.0]);
    }

    #[test]
    fn shadows_gradients_and_background_parts_are_typed() {
        let c = styled("box-shadow: 0 2px 4px rgba(0,0,0,.2), inset 1px 1px red");
        let s = c.box_shadow.as_deref().unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].y, s[0].blur, s[0].inset), (Len::Px(2.0), Len::Px(4.0), false));
        assert_eq!((s[1].inset, s[1].color), (true, Some(Color::rgb(255, 0, 0))));
        let c = styled("background: linear-gradient(to right, #fff, #000 80%) no-repeat center / cover #eee");
        assert_eq!(c.background, Color::rgb(0xee, 0xee, 0xee));
        match c.background_image.as_deref() {
            Some(BgImage::Linear { angle, stops }) => {
                assert_eq!(*angle, 90.0);
                assert_eq!(stops[1], (Color::BLACK, Some(Len::Pct(80.0))));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(c.background_repeat, BgRepeat::NoRepeat);
        assert_eq!(c.background_size, BgSize::Cover);
        assert_eq!(c.background_position, (Len::Pct(50.0), Len::Pct(50.0)));
        let c = styled("background-image: url(\"a.png\"); background-position: right 10px; background-size: 10px auto");
        assert_eq!(c.background_image.as_deref(), Some(&BgImage::Url("a.png".into())));
        assert_eq!(c.background_position, (Len::Pct(100.0), Len::Px(10.0)));
        assert_eq!(c.background_size, BgSize::Len(Len::Px(10.0), Len::Auto));
    }

    #[test]
    fn text_properties_are_typed_and_inherit_as_css_says() {
        let mut p = Computed::root();
        p.apply(
            &decls("font-weight: 600; font-style: italic; letter-spacing: 0.1em; white-space: nowrap; word-break: break-all; visibility: hidden; text-decoration: underline red; text-overflow: ellipsis; -webkit-line-clamp: 2; -webkit-box-orient: vertical; display: -webkit-box"),
            16.0,
            CTX,
        );
        assert!(p.bold && p.italic);
        assert_eq!(p.font_weight, 600);
        assert_eq!(p.text_decoration, DecorationLine::Underline);
        assert_eq!(p.text_decoration_color, Some(Color::rgb(255, 0, 0)));
        assert!(p.text_overflow_ellipsis);
        assert_eq!(p.line_clamp, Some(2));
        let c = p.inherit();
        assert_eq!((c.font_weight, c.italic, c.visible), (600, true, false));
        assert_eq!(c.letter_spacing, Len::Em(0.1));
        assert_eq!((c.white_space, c.word_break), (WhiteSpace::NoWrap, WordBreak::BreakAll));
        assert_eq!((c.text_decoration, c.line_clamp), (DecorationLine::None, None));
        let mut c = p.inherit();
        c.apply(&decls("font-weight: bolder"), 16.0, CTX);
        assert_eq!(c.font_weight, 900);
        c.apply(&decls("font-weight: 500"), 16.0, CTX);
        assert!(!c.bold);
    }

    #[test]
    fn position_z_index_and_transforms_are_typed() {
        let c = styled("position: fixed; z-index: -2; transform: translate(10px, 50%) scale(2) rotate(0.25turn)");
        assert_eq!(c.position, Position::Fixed);
        assert_eq!(c.to_taffy(CTX).position, taffy::Position::Absolute);
        assert_eq!(c.z_index, Some(-2));
        assert_eq!(
            c.transform.as_deref().unwrap(),
            [
                Transform::Translate(Len::Px(10.0), Len::Pct(50.0)),
                Transform::Scale(2.0, 2.0),
                Transform::Rotate(90.0)
            ]
        );
        let c = styled("position: sticky; top: 0");
        assert_eq!(c.to_taffy(CTX).position, taffy::Position::Relative);
    }

    #[test]
    fn every_supported_property_is_parsed() {
        for p in SUPPORTED {
            assert_ne!(
                parse_declaration(p, &[Val::Ident("zzz".into())]),
                Ok(None),
                "{p}"
            );
        }
    }
}
