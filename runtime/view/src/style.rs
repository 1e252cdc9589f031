//! Typed declarations, the cascade (specificity, source order, inheritance) and the computed
//! style of a node, with its translation into a taffy layout style.

use taffy::prelude::{Dimension, LengthPercentage, LengthPercentageAuto};

use crate::color::Color;
use crate::css::Val;
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
    Auto,
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
    BorderColor(Color),
    BorderNone(bool),
    BorderRadius(Len),
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
    Absolute(bool),
    Background(Color),
    Color(Color),
    FontSize(Len),
    Bold(bool),
    LineHeight(LineHeight),
    TextAlign(TextAlign),
    Opacity(f32),
    OverflowHidden(bool),
}

const LEN_EXPECTED: &str = "a length (px, rpx, %, vw, vh, em) or auto";

fn len(v: &Val) -> Option<Len> {
    Some(match v {
        Val::Num(n) if *n == 0.0 => Len::Px(0.0),
        Val::Pct(p) => Len::Pct(*p),
        Val::Dim(n, u) => match u.as_str() {
            "px" => Len::Px(*n),
            "rpx" => Len::Rpx(*n),
            "vw" => Len::Vw(*n),
            "vh" => Len::Vh(*n),
            "em" | "rem" => Len::Em(*n),
            _ => return None,
        },
        Val::Ident(i) if i.eq_ignore_ascii_case("auto") => Len::Auto,
        _ => return None,
    })
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

/// 1–4 lengths → top, right, bottom, left.
fn four(vals: &[Val]) -> Option<[Len; 4]> {
    let l: Vec<Len> = vals.iter().map(len).collect::<Option<_>>()?;
    Some(match l.as_slice() {
        [a] => [*a; 4],
        [a, b] => [*a, *b, *a, *b],
        [a, b, c] => [*a, *b, *c, *b],
        [a, b, c, d] => [*a, *b, *c, *d],
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

/// Parses one declaration. `Ok(None)`: the property is not supported (a diagnostic);
/// `Err(expected)`: a supported property with a value it does not accept.
pub(crate) fn parse_declaration(
    prop: &str,
    vals: &[Val],
) -> Result<Option<Vec<Decl>>, &'static str> {
    let l = || one(vals).and_then(len).ok_or(LEN_EXPECTED);
    let color = || {
        Color::from_vals(vals).ok_or("a colour (#rgb, #rrggbb, #rrggbbaa, rgb(), rgba() or a name)")
    };
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
            "flex" => vec![Decl::Display(Display::Flex)],
            "block" | "inline" | "inline-block" => vec![Decl::Display(Display::Block)],
            "inline-flex" => vec![Decl::Display(Display::Flex)],
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
        "position" => match kw().as_str() {
            "absolute" | "fixed" => vec![Decl::Absolute(true)],
            "relative" | "static" => vec![Decl::Absolute(false)],
            _ => return Err("relative or absolute"),
        },
        "background-color" => vec![Decl::Background(color()?)],
        "background" => vec![Decl::Background(
            Color::from_vals(vals).ok_or("a colour (images and gradients are not supported)")?,
        )],
        "color" => vec![Decl::Color(color()?)],
        "border" | "border-top" | "border-right" | "border-bottom" | "border-left" => {
            let mut width = None;
            let mut col = None;
            let mut none = false;
            for v in vals {
                if let Val::Ident(i) = v {
                    match i.to_ascii_lowercase().as_str() {
                        "none" | "hidden" => {
                            none = true;
                            continue;
                        }
                        "solid" | "dashed" | "dotted" | "double" => continue,
                        _ => {}
                    }
                }
                if let Some(l) = len(v) {
                    width = Some(l);
                } else if let Some(c) = Color::from_val(v) {
                    col = Some(c);
                } else {
                    return Err("`width style colour` (e.g. 1px solid #ddd) or none");
                }
            }
            let mut out = Vec::new();
            let w = if none {
                Len::Px(0.0)
            } else {
                width.unwrap_or(Len::Px(3.0))
            };
            match prop {
                "border" => out.extend(SIDES.iter().map(|s| Decl::BorderWidth(*s, w))),
                "border-top" => out.push(Decl::BorderWidth(Side::Top, w)),
                "border-right" => out.push(Decl::BorderWidth(Side::Right, w)),
                "border-bottom" => out.push(Decl::BorderWidth(Side::Bottom, w)),
                _ => out.push(Decl::BorderWidth(Side::Left, w)),
            }
            if let Some(c) = col {
                out.push(Decl::BorderColor(c));
            }
            out.push(Decl::BorderNone(none));
            out
        }
        "border-width" => sides(Decl::BorderWidth)?,
        "border-color" => vec![Decl::BorderColor(color()?)],
        "border-style" => match kw().as_str() {
            "none" | "hidden" => vec![Decl::BorderNone(true)],
            "solid" | "dashed" | "dotted" | "double" => vec![Decl::BorderNone(false)],
            _ => return Err("solid or none"),
        },
        "border-radius" => {
            let f = four(vals).ok_or("one to four lengths (only the first is used)")?;
            vec![Decl::BorderRadius(f[0])]
        }
        "font-size" => match one(vals) {
            Some(Val::Ident(i)) if i.eq_ignore_ascii_case("auto") => return Err("a length"),
            _ => vec![Decl::FontSize(l()?)],
        },
        "font-weight" => vec![Decl::Bold(match one(vals) {
            Some(Val::Ident(i)) => match i.to_ascii_lowercase().as_str() {
                "bold" | "bolder" => true,
                "normal" | "lighter" => false,
                _ => return Err("normal, bold or 100–900"),
            },
            Some(Val::Num(n)) if (1.0..=1000.0).contains(n) => *n >= 600.0,
            _ => return Err("normal, bold or 100–900"),
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

/// What lengths resolve against.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx {
    pub vw: f32,
    pub vh: f32,
    pub font_size: f32,
}

impl Ctx {
    /// Resolves to px; `None` for `auto` and percentages.
    pub fn px(&self, l: Len) -> Option<f32> {
        Some(match l {
            Len::Px(v) => v,
            Len::Rpx(v) => v * self.vw / 750.0,
            Len::Vw(v) => v * self.vw / 100.0,
            Len::Vh(v) => v * self.vh / 100.0,
            Len::Em(v) => v * self.font_size,
            Len::Pct(_) | Len::Auto => return None,
        })
    }

    fn dim(&self, l: Len) -> Dimension {
        match l {
            Len::Auto => Dimension::auto(),
            Len::Pct(p) => Dimension::percent(p / 100.0),
            other => Dimension::length(self.px(other).unwrap_or(0.0)),
        }
    }

    fn lpa(&self, l: Len) -> LengthPercentageAuto {
        match l {
            Len::Auto => LengthPercentageAuto::auto(),
            Len::Pct(p) => LengthPercentageAuto::percent(p / 100.0),
            other => LengthPercentageAuto::length(self.px(other).unwrap_or(0.0)),
        }
    }

    fn lp(&self, l: Len) -> LengthPercentage {
        match l {
            Len::Pct(p) => LengthPercentage::percent(p / 100.0),
            Len::Auto => LengthPercentage::length(0.0),
            other => LengthPercentage::length(self.px(other).unwrap_or(0.0)),
        }
    }
}

/// The computed style of one node.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Computed {
    // Inherited.
    pub color: Color,
    pub font_size: f32,
    pub bold: bool,
    pub line_height: LineHeight,
    pub text_align: TextAlign,
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
    pub padding: [Len; 4],
    pub margin: [Len; 4],
    pub inset: [Len; 4],
    pub border_width: [Len; 4],
    pub border_color: Color,
    pub border_none: bool,
    pub border_radius: Len,
    pub border_box: bool,
    pub row_gap: Len,
    pub column_gap: Len,
    pub absolute: bool,
    pub background: Color,
    pub opacity: f32,
    pub overflow_hidden: bool,
}

/// Root defaults: black 16px text on nothing.
pub(crate) const ROOT_FONT_SIZE: f32 = 16.0;

impl Computed {
    /// The initial style of the page root.
    pub fn root() -> Computed {
        Computed {
            color: Color::BLACK,
            font_size: ROOT_FONT_SIZE,
            bold: false,
            line_height: LineHeight::Normal,
            text_align: TextAlign::Left,
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
            padding: [Len::Px(0.0); 4],
            margin: [Len::Px(0.0); 4],
            inset: [Len::Auto; 4],
            border_width: [Len::Px(0.0); 4],
            border_color: Color::BLACK,
            border_none: true,
            border_radius: Len::Px(0.0),
            border_box: false,
            row_gap: Len::Px(0.0),
            column_gap: Len::Px(0.0),
            absolute: false,
            background: Color::TRANSPARENT,
            opacity: 1.0,
            overflow_hidden: false,
        }
    }

    /// A child's starting point: inherited properties from `self`, the rest initial.
    pub fn inherit(&self) -> Computed {
        Computed {
            color: self.color,
            font_size: self.font_size,
            bold: self.bold,
            line_height: self.line_height,
            text_align: self.text_align,
            ..Computed::root()
        }
    }

    /// Applies declarations in cascade order. `parent_font` resolves `em`/`%` font sizes.
    pub fn apply<'a>(
        &mut self,
        decls: impl IntoIterator<Item = &'a Decl>,
        parent_font: f32,
        ctx: Ctx,
    ) {
        let mut font: Option<Len> = None;
        let mut border_width_set = false;
        for d in decls {
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
                    border_width_set = true;
                }
                Decl::BorderColor(c) => self.border_color = *c,
                Decl::BorderNone(n) => self.border_none = *n,
                Decl::BorderRadius(l) => self.border_radius = *l,
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
                Decl::Absolute(a) => self.absolute = *a,
                Decl::Background(c) => self.background = *c,
                Decl::Color(c) => self.color = *c,
                Decl::FontSize(l) => font = Some(*l),
                Decl::Bold(b) => self.bold = *b,
                Decl::LineHeight(l) => self.line_height = *l,
                Decl::TextAlign(t) => self.text_align = *t,
                Decl::Opacity(o) => self.opacity = *o,
                Decl::OverflowHidden(h) => self.overflow_hidden = *h,
            }
        }
        if border_width_set && self.border_none {
            // `border-width` alone implies a visible (solid) border, like `border: 1px`.
            if !matches!(self.border_width, [Len::Px(z), ..] if z == 0.0) {
                self.border_none = false;
            }
        }
        if let Some(l) = font {
            let pctx = Ctx {
                font_size: parent_font,
                ..ctx
            };
            self.font_size = match l {
                Len::Pct(p) => parent_font * p / 100.0,
                other => pctx.px(other).unwrap_or(parent_font),
            }
            .max(0.0);
        }
    }

    /// Line height in px.
    pub fn line_height_px(&self, ctx: Ctx) -> f32 {
        match self.line_height {
            LineHeight::Normal => self.font_size * NORMAL_LINE_HEIGHT,
            LineHeight::Mult(m) => self.font_size * m,
            LineHeight::Len(Len::Pct(p)) => self.font_size * p / 100.0,
            LineHeight::Len(l) => Ctx {
                font_size: self.font_size,
                ..ctx
            }
            .px(l)
            .unwrap_or(self.font_size),
        }
        .max(1.0)
    }

    /// The visible border width in px (the top side's; the display list draws one width).
    pub fn border_px(&self, ctx: Ctx) -> f32 {
        if self.border_none {
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

    /// Corner radius in px (a percentage resolves against the smaller side of `w`×`h`).
    pub fn radius_px(&self, ctx: Ctx, w: f32, h: f32) -> f32 {
        match self.border_radius {
            Len::Pct(p) => w.min(h) * p / 100.0,
            l => self.ctx(ctx).px(l).unwrap_or(0.0),
        }
        .max(0.0)
    }

    /// The taffy style of an element box.
    pub fn to_taffy(&self, ctx: Ctx) -> taffy::Style {
        let c = self.ctx(ctx);
        let (display, dir) = match self.display {
            Display::None => (taffy::Display::None, taffy::FlexDirection::Column),
            Display::Block => (taffy::Display::Flex, taffy::FlexDirection::Column),
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
        let border = if self.border_none {
            [Len::Px(0.0); 4]
        } else {
            self.border_width
        };
        let mut s = taffy::Style {
            display,
            flex_direction: dir,
            flex_wrap: self.flex_wrap,
            box_sizing: if self.border_box {
                taffy::BoxSizing::BorderBox
            } else {
                taffy::BoxSizing::ContentBox
            },
            position: if self.absolute {
                taffy::Position::Absolute
            } else {
                taffy::Position::Relative
            },
            inset: rect_lpa(self.inset),
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
            ..taffy::Style::default()
        };
        if let Some(a) = self.align_items {
            s.align_items = a;
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
}
