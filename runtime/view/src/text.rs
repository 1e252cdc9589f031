//! Fonts and text: font systems with only the fonts given (the base library's, or the
//! embedded fallback copies), measurement and line breaking with cosmic-text, so the view and
//! the renderer shape text identically.

use cosmic_text::{fontdb, Attrs, Buffer, Family, FontSystem, Metrics, Shaping, Style, Weight, Wrap};
use unicode_script::Script;

use crate::color::Color;
use crate::display::{DisplayItem, FontStyle, Rect, TextAlign};

/// The default font family (DejaVu Sans, shipped by the base library).
pub const DEFAULT_FAMILY: &str = "DejaVu Sans";
/// The CJK fallback family (WenQuanYi Micro Hei, shipped by the base library).
pub const CJK_FAMILY: &str = "WenQuanYi Micro Hei";

// The embedded fallback copies: the base library's own font files, compiled in for tests and
// for the host's screens shown before any base library is loaded.

static DEJAVU: &[u8] = include_bytes!("../../../base-library/fonts/DejaVuSans.ttf");
static DEJAVU_BOLD: &[u8] = include_bytes!("../../../base-library/fonts/DejaVuSans-Bold.ttf");
static WQY: &[u8] = include_bytes!("../../../base-library/fonts/wqy-microhei.ttc");

/// The embedded font files with their paths in a base library (`fonts/DejaVuSans.ttf`, …): what
/// `miniapp publish-base --builtin` packs, so a cloud can be given a base library without this
/// repository's `base-library/` folder.
pub fn embedded_font_files() -> [(&'static str, &'static [u8]); 3] {
    [("fonts/DejaVuSans.ttf", DEJAVU), ("fonts/DejaVuSans-Bold.ttf", DEJAVU_BOLD), ("fonts/wqy-microhei.ttc", WQY)]
}

/// Fallback lists that name only the embedded fonts.
struct EmbeddedFallback;

impl cosmic_text::Fallback for EmbeddedFallback {
    fn common_fallback(&self) -> &[&'static str] {
        &[DEFAULT_FAMILY, CJK_FAMILY]
    }

    fn forbidden_fallback(&self) -> &[&'static str] {
        &[]
    }

    fn script_fallback(&self, _script: Script, _locale: &str) -> &[&'static str] {
        &[CJK_FAMILY]
    }
}

/// A font file a font system holds: shared bytes (the embedded copies are static, a base
/// library's are its verified files), never copied into the font system.
pub type FontData = std::sync::Arc<dyn AsRef<[u8]> + Send + Sync>;

/// A font system with only the embedded fallback fonts, copies of the base library's
/// (`base-library/fonts`: DejaVu Sans regular and bold, WenQuanYi Micro Hei for CJK): no system
/// fonts, so layout is the same on every machine. For tests and for screens shown before a
/// base library is loaded; a host running apps uses [`set_fonts`] with the base library's fonts.
/// The faces point at the fonts compiled into the binary (nothing is copied, and the pages of a
/// font are only read when a glyph of it is drawn); create one per host and share it.
pub fn new_font_system() -> FontSystem {
    let embedded: [FontData; 3] =
        [std::sync::Arc::new(DEJAVU), std::sync::Arc::new(DEJAVU_BOLD), std::sync::Arc::new(WQY)];
    let mut fonts = empty_font_system();
    set_fonts(&mut fonts, embedded);
    fonts
}

/// A font system with exactly the given font files (TrueType/OpenType, collections too) and
/// no system fonts. Files that are not fonts are skipped by fontdb.
pub fn font_system_from(files: impl IntoIterator<Item = Vec<u8>>) -> FontSystem {
    let mut fonts = empty_font_system();
    set_fonts(&mut fonts, files.into_iter().map(|f| std::sync::Arc::new(f) as FontData));
    fonts
}

fn empty_font_system() -> FontSystem {
    FontSystem::new_with_locale_and_db_and_fallback("en-US".to_string(), fontdb::Database::new(), EmbeddedFallback)
}

/// Replaces every font of `fonts` with the given font files and returns the number of faces
/// now loaded. The font system is kept (not rebuilt), so the new faces get ids never used
/// before and a renderer's glyph cache cannot mix old and new glyphs; text shaped before the
/// swap must be shaped again.
pub fn set_fonts(fonts: &mut FontSystem, files: impl IntoIterator<Item = FontData>) -> usize {
    // Shaped words name the old faces' ids: none may be reused with the new fonts.
    fonts.shape_run_cache = cosmic_text::ShapeRunCache::default();
    let db = fonts.db_mut();
    let old: Vec<fontdb::ID> = db.faces().map(|f| f.id).collect();
    for id in old {
        db.remove_face(id);
    }
    for data in files {
        db.load_font_source(fontdb::Source::Binary(data));
    }
    db.set_sans_serif_family(DEFAULT_FAMILY);
    db.set_serif_family(DEFAULT_FAMILY);
    db.set_monospace_family(DEFAULT_FAMILY);
    db.len()
}

/// The text attributes the view uses (and the renderer must use): the default family, regular
/// or bold.
pub fn text_attrs(bold: bool) -> Attrs<'static> {
    Attrs::new()
        .family(Family::Name(DEFAULT_FAMILY))
        .weight(if bold { Weight::BOLD } else { Weight::NORMAL })
}

/// The text attributes of `style` at `font_size` (see [`text_attrs`]).
pub fn text_attrs_styled(style: FontStyle, font_size: f32) -> Attrs<'static> {
    let mut a = text_attrs(style.bold);
    if style.italic {
        a = a.style(Style::Italic);
    }
    if style.letter_spacing != 0.0 && style.letter_spacing.is_finite() && font_size > 0.0 {
        // cosmic-text's letter spacing is in em
        a = a.letter_spacing(style.letter_spacing / font_size);
    }
    a
}

/// As [`text_buffer`], with the full [`FontStyle`] and a wrap mode (`Wrap::WordOrGlyph` is
/// what [`text_buffer`] uses).
#[allow(clippy::too_many_arguments)]
pub fn text_buffer_styled(
    fonts: &mut FontSystem,
    text: &str,
    font_size: f32,
    line_height: f32,
    style: FontStyle,
    width: Option<f32>,
    align: TextAlign,
    wrap: Wrap,
) -> Buffer {
    // `Buffer::new` would lay out an empty text first: the text set below replaces it.
    let mut buffer = Buffer::new_empty(Metrics::new(font_size.max(1.0), line_height.max(1.0)));
    {
        let mut b = buffer.borrow_with(fonts);
        b.set_wrap(wrap);
        b.set_size(width, None);
        let al = match align {
            TextAlign::Left => None,
            TextAlign::Center => Some(cosmic_text::Align::Center),
            TextAlign::Right => Some(cosmic_text::Align::Right),
        };
        b.set_text(text, &text_attrs_styled(style, font_size), Shaping::Advanced, al);
        b.shape_until_scroll(false);
    }
    buffer
}

/// A shaped cosmic-text buffer for `text`, wrapped at `width` (`None`: no wrapping). This is
/// exactly how the view measures; a renderer that shapes a [`crate::DisplayItem::Text`] with
/// it gets the same glyphs.
pub fn text_buffer(
    fonts: &mut FontSystem,
    text: &str,
    font_size: f32,
    line_height: f32,
    bold: bool,
    width: Option<f32>,
    align: TextAlign,
) -> Buffer {
    // `Buffer::new` would lay out an empty text first: the text set below replaces it.
    let mut buffer = Buffer::new_empty(Metrics::new(font_size.max(1.0), line_height.max(1.0)));
    {
        let mut b = buffer.borrow_with(fonts);
        b.set_size(width, None);
        let al = match align {
            TextAlign::Left => None,
            TextAlign::Center => Some(cosmic_text::Align::Center),
            TextAlign::Right => Some(cosmic_text::Align::Right),
        };
        b.set_text(text, &text_attrs(bold), Shaping::Advanced, al);
        b.shape_until_scroll(false);
    }
    buffer
}

/// One laid-out line of text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Line {
    pub text: String,
    pub width: f32,
}

/// How a block of text is broken into lines (from `white-space`, `word-break`,
/// `text-overflow` and `-webkit-line-clamp`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct LineRules {
    pub style: FontStyle,
    /// `white-space: nowrap | pre`: never wrap.
    pub nowrap: bool,
    /// `word-break: break-all`: break between any two characters.
    pub break_all: bool,
    /// `-webkit-line-clamp: N`: at most N lines, the last one ending in `…` when cut.
    pub clamp: Option<usize>,
    /// `text-overflow: ellipsis`: a line wider than the box ends in `…`.
    pub ellipsis: bool,
}

/// The ellipsis appended to a cut line.
pub(crate) const ELLIPSIS: &str = "\u{2026}";

/// Breaks `text` into lines under `rules`: wrapped at `width` (when given and wrapping),
/// clamped, and cut with `…` where the rules say so.
#[cfg(test)]
pub(crate) fn layout_lines_with(
    fonts: &mut FontSystem,
    text: &str,
    font_size: f32,
    line_height: f32,
    rules: LineRules,
    width: Option<f32>,
) -> Vec<Line> {
    layout_lines_shaped(fonts, &mut ShapedOnce::default(), text, font_size, line_height, rules, width)
}

/// A text shaped once and wrapped again at each width it is measured at, without shaping it
/// again (cosmic-text keeps each line's shaping across `set_size`): layout measures a text at
/// min-content, max-content and its final width.
#[derive(Default)]
pub(crate) struct ShapedOnce(Option<(Wrap, Buffer)>);

impl Clone for ShapedOnce {
    /// A copy starts unshaped (the buffer is a cache).
    fn clone(&self) -> Self {
        ShapedOnce(None)
    }
}

impl std::fmt::Debug for ShapedOnce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "ShapedOnce(shaped)" } else { "ShapedOnce(none)" })
    }
}

impl ShapedOnce {
    /// Whether a buffer is kept.
    pub(crate) fn is_shaped(&self) -> bool {
        self.0.is_some()
    }

    /// Forgets the shaped buffer (its memory), keeping nothing.
    pub(crate) fn clear(&mut self) {
        self.0 = None;
    }

    /// The buffer of `text` laid out at `width`: shaped the first time, wrapped again after.
    #[allow(clippy::too_many_arguments)]
    fn buffer(
        &mut self,
        fonts: &mut FontSystem,
        text: &str,
        font_size: f32,
        line_height: f32,
        style: FontStyle,
        width: Option<f32>,
        wrap: Wrap,
    ) -> &Buffer {
        match &mut self.0 {
            Some((w, buffer)) if *w == wrap => {
                buffer.set_size(width, None);
                buffer.shape_until_scroll(fonts, false);
            }
            _ => {
                let buffer = text_buffer_styled(fonts, text, font_size, line_height, style, width, TextAlign::Left, wrap);
                self.0 = Some((wrap, buffer));
            }
        }
        &self.0.as_ref().expect("set above").1
    }
}

/// The wrap mode and the width to wrap at under `rules`.
fn wrapping(rules: LineRules, width: Option<f32>) -> (Wrap, Option<f32>) {
    let wrap = if rules.nowrap {
        Wrap::None
    } else if rules.break_all {
        Wrap::Glyph
    } else {
        Wrap::WordOrGlyph
    };
    (wrap, if rules.nowrap { None } else { width })
}

/// The widest line and the number of lines [`layout_lines_shaped`] gives, without making the
/// lines' text; `None` where a clamp or an ellipsis needs the lines themselves.
pub(crate) fn line_metrics_shaped(
    fonts: &mut FontSystem,
    shaped: &mut ShapedOnce,
    text: &str,
    font_size: f32,
    line_height: f32,
    rules: LineRules,
    width: Option<f32>,
) -> Option<(f32, usize)> {
    if rules.clamp.is_some() || rules.ellipsis {
        return None;
    }
    let (wrap, shape_width) = wrapping(rules, width);
    let buffer = shaped.buffer(fonts, text, font_size, line_height, rules.style, shape_width, wrap);
    Some(buffer.layout_runs().fold((0.0, 0), |(w, n), run| (f32::max(w, run.line_w), n + 1)))
}

/// As [`layout_lines_with`], shaping through `shaped` (kept for the next width).
pub(crate) fn layout_lines_shaped(
    fonts: &mut FontSystem,
    shaped: &mut ShapedOnce,
    text: &str,
    font_size: f32,
    line_height: f32,
    rules: LineRules,
    width: Option<f32>,
) -> Vec<Line> {
    let (wrap, shape_width) = wrapping(rules, width);
    let mut lines = lines_of(shaped.buffer(fonts, text, font_size, line_height, rules.style, shape_width, wrap));
    let mut cut_last = false;
    if let Some(n) = rules.clamp.filter(|n| *n > 0) {
        if lines.len() > n {
            lines.truncate(n);
            cut_last = true;
        }
    }
    let Some(w) = width else { return lines };
    let cut_wide = rules.ellipsis || rules.clamp.is_some();
    for (k, line) in lines.iter_mut().enumerate() {
        let last = k + 1 == rules.clamp.unwrap_or(usize::MAX);
        if (last && cut_last) || (cut_wide && line.width > w + 0.01) {
            *line = with_ellipsis(fonts, &line.text, font_size, line_height, rules.style, w);
        }
    }
    lines
}

/// The longest prefix of `text` that fits in `width` with `…` appended, and that line.
fn with_ellipsis(
    fonts: &mut FontSystem,
    text: &str,
    font_size: f32,
    line_height: f32,
    style: FontStyle,
    width: f32,
) -> Line {
    let measure = |fonts: &mut FontSystem, s: &str| {
        shaped_lines(fonts, s, font_size, line_height, style, None, Wrap::None)
            .first()
            .map_or(0.0, |l| l.width)
    };
    let ends: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
    // binary search the number of characters kept
    let (mut lo, mut hi) = (0usize, ends.len() - 1);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate = format!("{}{ELLIPSIS}", text[..ends[mid]].trim_end());
        if measure(fonts, &candidate) <= width + 0.01 {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let text = format!("{}{ELLIPSIS}", text[..ends[lo]].trim_end());
    let w = measure(fonts, &text);
    Line { text, width: w }
}

/// Breaks `text` into lines no wider than `width` (when given).
pub(crate) fn layout_lines(
    fonts: &mut FontSystem,
    text: &str,
    font_size: f32,
    line_height: f32,
    bold: bool,
    width: Option<f32>,
) -> Vec<Line> {
    let style = FontStyle { bold, ..FontStyle::default() };
    shaped_lines(fonts, text, font_size, line_height, style, width, Wrap::WordOrGlyph)
}

fn shaped_lines(
    fonts: &mut FontSystem,
    text: &str,
    font_size: f32,
    line_height: f32,
    style: FontStyle,
    width: Option<f32>,
    wrap: Wrap,
) -> Vec<Line> {
    let buffer = text_buffer_styled(
        fonts,
        text,
        font_size,
        line_height,
        style,
        width,
        TextAlign::Left,
        wrap,
    );
    lines_of(&buffer)
}

/// The lines of a laid-out buffer: each line's text (trailing spaces off) and width.
fn lines_of(buffer: &Buffer) -> Vec<Line> {
    let mut lines = Vec::new();
    for run in buffer.layout_runs() {
        let start = run.glyphs.iter().map(|g| g.start).min().unwrap_or(0);
        let end = run.glyphs.iter().map(|g| g.end).max().unwrap_or(0);
        let slice = run.text.get(start..end).unwrap_or("");
        lines.push(Line {
            text: slice.trim_end().to_string(),
            width: run.line_w,
        });
    }
    lines
}

/// One styled run of a paragraph to lay out: its text, size, line height and weight.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SpanText {
    pub text: String,
    pub font_size: f32,
    pub line_height: f32,
    pub bold: bool,
}

/// The part of one span that falls on one line, with its x offset from the line start.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RichRun {
    /// Index into the spans given to [`layout_rich`].
    pub span: usize,
    pub text: String,
    pub x: f32,
    pub width: f32,
    /// Where to draw it from the line's top so that its baseline meets the line's, when it
    /// is shaped on its own with its span's size and line height (as the renderer does).
    pub dy: f32,
}

/// One line of a paragraph: its top (from the paragraph's top), height, width and runs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RichLine {
    pub top: f32,
    pub height: f32,
    pub width: f32,
    pub runs: Vec<RichRun>,
}

/// Lays out styled spans as one paragraph wrapped at `width` (when given): each line lists
/// the runs on it (one per span piece), positioned from cosmic-text's glyphs.
pub(crate) fn layout_rich(
    fonts: &mut FontSystem,
    spans: &[SpanText],
    width: Option<f32>,
) -> Vec<RichLine> {
    let base = spans
        .first()
        .map_or((16.0, 22.4), |s| (s.font_size, s.line_height));
    let mut buffer = Buffer::new_empty(Metrics::new(base.0.max(1.0), base.1.max(1.0)));
    {
        let mut b = buffer.borrow_with(fonts);
        b.set_size(width, None);
        let rich = spans.iter().enumerate().map(|(k, s)| {
            (
                s.text.as_str(),
                text_attrs(s.bold)
                    .metrics(Metrics::new(s.font_size.max(1.0), s.line_height.max(1.0)))
                    .metadata(k),
            )
        });
        b.set_rich_text(rich, &text_attrs(false), Shaping::Advanced, None);
        b.shape_until_scroll(false);
    }
    // The baseline of each span shaped alone (from the top of its own line box).
    let mut alone: Vec<Option<f32>> = vec![None; spans.len()];
    let mut baseline_alone = |fonts: &mut FontSystem, k: usize| -> f32 {
        if let Some(b) = alone[k] {
            return b;
        }
        let s = &spans[k];
        let same = spans[..k].iter().position(|o| {
            o.font_size == s.font_size && o.line_height == s.line_height && o.bold == s.bold
        });
        let b = match same.and_then(|j| alone[j]) {
            Some(b) => b,
            None => text_buffer(
                fonts,
                "x",
                s.font_size,
                s.line_height,
                s.bold,
                None,
                TextAlign::Left,
            )
            .layout_runs()
            .next()
            .map_or(0.0, |r| r.line_y - r.line_top),
        };
        alone[k] = Some(b);
        b
    };
    let mut lines = Vec::new();
    let shaped: Vec<_> = buffer
        .layout_runs()
        .map(|run| {
            let groups = group_glyphs(run.glyphs);
            (run.line_y - run.line_top, groups, run)
        })
        .collect();
    for (baseline, groups, run) in shaped {
        let mut runs: Vec<RichRun> = Vec::new();
        for (span, start, end, x, right) in groups {
            runs.push(RichRun {
                span,
                text: run.text.get(start..end).unwrap_or("").to_string(),
                x,
                width: right - x,
                dy: ((baseline - baseline_alone(fonts, span)) * 64.0).round() / 64.0,
            });
        }
        // The space a line wraps at is not drawn.
        while runs.last().is_some_and(|r| r.text.trim_end().is_empty()) {
            runs.pop();
        }
        if let Some(last) = runs.last_mut() {
            let trimmed = last.text.trim_end().len();
            if trimmed < last.text.len() {
                last.text.truncate(trimmed);
                last.width = (run.line_w - last.x).max(0.0);
            }
        }
        lines.push(RichLine {
            top: run.line_top,
            height: run.line_height,
            width: run.line_w,
            runs,
        });
    }
    lines
}

/// Consecutive glyphs of one span: (span, text start, text end, left, right).
fn group_glyphs(glyphs: &[cosmic_text::LayoutGlyph]) -> Vec<(usize, usize, usize, f32, f32)> {
    let mut out = Vec::new();
    let mut it = glyphs.iter().peekable();
    while let Some(first) = it.next() {
        let (mut start, mut end, mut right) = (first.start, first.end, first.x + first.w);
        while let Some(g) = it.next_if(|g| g.metadata == first.metadata) {
            start = start.min(g.start);
            end = end.max(g.end);
            right = right.max(g.x + g.w);
        }
        out.push((first.metadata, start, end, first.x, right));
    }
    out
}

/// Size of `text` at `font_size` (line height 1.4× the size), wrapped at `max_width` when
/// given: (width, height) in px. For the shell's chrome (navigation bar title, tab labels).
pub fn measure_text(
    fonts: &mut FontSystem,
    text: &str,
    font_size: f32,
    max_width: Option<f32>,
) -> (f32, f32) {
    let lh = font_size * crate::style::NORMAL_LINE_HEIGHT;
    let lines = layout_lines(fonts, text, font_size, lh, false, max_width);
    let w = lines.iter().map(|l| l.width).fold(0.0, f32::max);
    (w.ceil(), lh * lines.len().max(1) as f32)
}

/// Display items for a block of text laid out in `rect` the way the view lays out page text:
/// wrapped at `rect.w`, one [`DisplayItem::Text`] per line, each line positioned by `align`
/// within `rect`, lines stacked from `rect.y`. For the shell's chrome (titles, toasts,
/// modals), so that centred or right-aligned text is placed before it reaches the renderer
/// (which draws every text item at its `rect.x`).
#[allow(clippy::too_many_arguments)]
pub fn text_items(
    fonts: &mut FontSystem,
    rect: Rect,
    text: &str,
    font_size: f32,
    line_height: f32,
    color: Color,
    bold: bool,
    align: TextAlign,
) -> Vec<DisplayItem> {
    let lh = if line_height > 0.0 {
        line_height
    } else {
        font_size * crate::style::NORMAL_LINE_HEIGHT
    };
    let width = (rect.w > 0.0).then_some(rect.w);
    layout_lines(fonts, text, font_size, lh, bold, width)
        .into_iter()
        .enumerate()
        .filter(|(_, l)| !l.text.is_empty())
        .map(|(k, line)| {
            let x = match align {
                TextAlign::Left => rect.x,
                TextAlign::Center => rect.x + (rect.w - line.width) / 2.0,
                TextAlign::Right => rect.x + rect.w - line.width,
            };
            DisplayItem::Text {
                rect: Rect::new(x, rect.y + k as f32 * lh, line.width.ceil() + 1.0, lh),
                text: line.text,
                font_size,
                line_height: lh,
                color,
                bold,
                align,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_fonts_replaces_every_face_with_new_ids() {
        let mut fonts = new_font_system();
        let before: Vec<fontdb::ID> = fonts.db().faces().map(|f| f.id).collect();
        let n = set_fonts(
            &mut fonts,
            [
                std::sync::Arc::new(DEJAVU.to_vec()) as FontData,
                std::sync::Arc::new(b"not a font".to_vec()) as FontData,
            ],
        );
        assert_eq!(n, 1);
        let after: Vec<fontdb::ID> = fonts.db().faces().map(|f| f.id).collect();
        assert_eq!(after.len(), 1);
        assert!(
            after.iter().all(|id| !before.contains(id)),
            "{before:?} {after:?}"
        );
    }

    #[test]
    fn cjk_text_needs_the_cjk_font_it_is_given() {
        // Without WenQuanYi the ideographs fall back to DejaVu's missing-glyph box, whose advance
        // differs from a real CJK glyph's (one em).
        let mut with = new_font_system();
        let mut without = font_system_from([DEJAVU.to_vec(), DEJAVU_BOLD.to_vec()]);
        let (w_with, _) = measure_text(&mut with, "你好世界", 20.0, None);
        let (w_without, _) = measure_text(&mut without, "你好世界", 20.0, None);
        assert_eq!(w_with, 80.0);
        assert_ne!(w_with, w_without);
    }

    #[test]
    fn only_embedded_fonts_are_loaded() {
        let fonts = new_font_system();
        let families: Vec<String> = fonts
            .db()
            .faces()
            .flat_map(|f| f.families.iter().map(|(n, _)| n.clone()))
            .collect();
        assert!(families.iter().any(|f| f == DEFAULT_FAMILY), "{families:?}");
        assert!(families.iter().any(|f| f == CJK_FAMILY), "{families:?}");
        assert!(fonts.db().len() <= 4, "{} faces", fonts.db().len());
    }

    #[test]
    fn measuring_grows_with_text_and_wraps_at_the_width() {
        let mut fonts = new_font_system();
        let (w1, h1) = measure_text(&mut fonts, "+1", 18.0, None);
        let (w2, _) = measure_text(&mut fonts, "+1 +1 +1", 18.0, None);
        assert!(w1 > 5.0 && w2 > w1 * 2.0, "{w1} {w2}");
        assert!((h1 - 18.0 * 1.4).abs() < 0.01);
        let (w3, h3) = measure_text(&mut fonts, "hello world hello world", 16.0, Some(60.0));
        assert!(w3 <= 60.0, "{w3}");
        assert!(h3 > 16.0 * 1.4 * 2.0, "{h3}");
    }

    #[test]
    fn cjk_text_falls_back_to_the_embedded_cjk_font() {
        let mut fonts = new_font_system();
        let buffer = text_buffer(&mut fonts, "你好", 16.0, 22.0, false, None, TextAlign::Left);
        let run = buffer.layout_runs().next().expect("a line");
        let face = fonts.db().face(run.glyphs[0].font_id).expect("face");
        assert!(
            face.families.iter().any(|(n, _)| n == CJK_FAMILY),
            "{:?}",
            face.families
        );
        assert!(
            run.glyphs.iter().all(|g| g.glyph_id != 0),
            "no .notdef boxes"
        );
    }

    #[test]
    fn chrome_text_items_are_aligned_and_wrapped_in_their_rect() {
        let mut fonts = new_font_system();
        let rect = Rect::new(10.0, 20.0, 200.0, 100.0);
        let items = text_items(
            &mut fonts,
            rect,
            "9:41",
            12.0,
            16.0,
            Color::BLACK,
            false,
            TextAlign::Center,
        );
        let [DisplayItem::Text { rect: r, text, .. }] = items.as_slice() else {
            panic!("{items:?}")
        };
        assert_eq!(text, "9:41");
        assert!((r.x + (r.w - 1.0) / 2.0 - 110.0).abs() < 1.0, "{r:?}");
        let right = text_items(
            &mut fonts,
            rect,
            "Back",
            12.0,
            16.0,
            Color::BLACK,
            false,
            TextAlign::Right,
        );
        let DisplayItem::Text { rect: r, .. } = &right[0] else {
            panic!()
        };
        assert!((r.x + r.w - 1.0 - 210.0).abs() < 1.0, "{r:?}");
        let long = text_items(
            &mut fonts,
            Rect::new(0.0, 0.0, 80.0, 0.0),
            "one two three four five",
            14.0,
            20.0,
            Color::BLACK,
            false,
            TextAlign::Left,
        );
        assert!(long.len() >= 2);
        assert!(matches!(&long[1], DisplayItem::Text { rect, .. } if rect.y == 20.0));
    }

    #[test]
    fn bold_text_is_wider() {
        let mut fonts = new_font_system();
        let regular = layout_lines(&mut fonts, "Hello", 20.0, 28.0, false, None);
        let bold = layout_lines(&mut fonts, "Hello", 20.0, 28.0, true, None);
        assert!(bold[0].width > regular[0].width);
    }

    #[test]
    fn lines_carry_their_own_text() {
        let mut fonts = new_font_system();
        let lines = layout_lines(
            &mut fonts,
            "alpha beta gamma",
            16.0,
            22.0,
            false,
            Some(70.0),
        );
        assert!(lines.len() >= 2, "{lines:?}");
        assert_eq!(
            lines
                .iter()
                .map(|l| l.text.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            "alpha beta gamma"
        );
    }

    #[test]
    fn break_all_breaks_inside_words_and_nowrap_never_wraps() {
        let mut fonts = new_font_system();
        let text = "Supercalifragilistic words";
        let rules = LineRules::default();
        let normal = layout_lines_with(&mut fonts, text, 16.0, 22.0, rules, Some(100.0));
        let all = layout_lines_with(&mut fonts, text, 16.0, 22.0, LineRules { break_all: true, ..rules }, Some(100.0));
        assert!(normal[0].text.starts_with("Supercal") && all.iter().all(|l| l.width <= 100.5), "{all:?}");
        // break-all fills each line: its first line is a prefix of the long word
        assert!(all[0].text.len() < "Supercalifragilistic".len(), "{all:?}");
        let nowrap = layout_lines_with(&mut fonts, text, 16.0, 22.0, LineRules { nowrap: true, ..rules }, Some(100.0));
        assert_eq!(nowrap.len(), 1);
        assert!(nowrap[0].width > 100.0);
    }

    #[test]
    fn an_ellipsis_cut_fits_the_width() {
        let mut fonts = new_font_system();
        let rules = LineRules { nowrap: true, ellipsis: true, ..LineRules::default() };
        let lines = layout_lines_with(&mut fonts, "a line much too long for the box", 16.0, 22.0, rules, Some(90.0));
        assert_eq!(lines.len(), 1);
        assert!(lines[0].text.ends_with(ELLIPSIS) && lines[0].width <= 90.01, "{lines:?}");
        // text that fits is left alone
        let short = layout_lines_with(&mut fonts, "short", 16.0, 22.0, rules, Some(90.0));
        assert_eq!(short[0].text, "short");
    }

    #[test]
    fn italic_and_letter_spacing_change_the_shaping() {
        let mut fonts = new_font_system();
        let plain = FontStyle::default();
        let spaced = FontStyle { letter_spacing: 4.0, ..plain };
        let w = |fonts: &mut FontSystem, st: FontStyle| {
            text_buffer_styled(fonts, "abc", 16.0, 22.0, st, None, TextAlign::Left, Wrap::None)
                .layout_runs()
                .next()
                .map_or(0.0, |r| r.line_w)
        };
        let (a, b) = (w(&mut fonts, plain), w(&mut fonts, spaced));
        assert!((b - a - 12.0).abs() < 0.5, "{a} {b}");
    }
}
