//! Layout: keeps a taffy tree in step with the expanded page (reusing unchanged nodes so that
//! taffy's caches survive a set-data), measures text with cosmic-text, and computes boxes.

use std::collections::HashMap;

use cosmic_text::FontSystem;
use taffy::prelude::{AvailableSpace, NodeId, Size, TaffyTree};

use crate::error::{Error, Result};
use crate::style::{Ctx, Display};
use crate::display::FontStyle;
use crate::text::{layout_lines_shaped, layout_rich, line_metrics_shaped, Line, LineRules, RichLine, ShapedOnce, SpanText};
use crate::tree::{Node, NodeKind, Tree};

/// Text to measure, stored in the taffy leaf.
#[derive(Debug, Clone)]
pub(crate) struct TextCtx {
    pub text: String,
    pub font_size: f32,
    pub line_height: f32,
    pub bold: bool,
    /// Font style, wrapping, clamping and ellipsis (from the node and its parent element).
    pub rules: LineRules,
    /// A paragraph of styled spans instead of `text` (an element with inline `<text>`s).
    pub spans: Vec<SpanText>,
    /// Measured results by width constraint (in 1/64 px; `None` = unconstrained).
    cache: Vec<(Option<i64>, f32, Vec<Line>)>,
    /// The same for `spans`: (width key, widest line, height, lines).
    rich_cache: Vec<(Option<i64>, f32, f32, Vec<RichLine>)>,
    /// The text shaped once while taffy measures it at several widths (dropped after each
    /// layout: [`LayoutState::compute`]).
    shaped: ShapedOnce,
    /// Measured for an element that holds its text ([`holds_text`]): the sizes taffy knows
    /// are of its border box.
    held: bool,
    /// The widest line and the number of lines at the min-content width.
    min_content: Option<(f32, usize)>,
}

const TEXT_CACHE_ENTRIES: usize = 8;

/// The width a text is wrapped at for its min-content size: every break taken.
const MIN_CONTENT_WIDTH: f32 = 0.5;

impl TextCtx {
    fn new(node: &Node, text: &str, ctx: Ctx, parent: Option<&Node>) -> TextCtx {
        use crate::style::{WhiteSpace, WordBreak};
        let st = &node.style;
        let fctx = Ctx { font_size: st.font_size, ..ctx };
        let rules = LineRules {
            style: FontStyle {
                bold: st.bold,
                italic: st.italic,
                letter_spacing: fctx.px(st.letter_spacing).unwrap_or(0.0),
            },
            nowrap: matches!(st.white_space, WhiteSpace::NoWrap | WhiteSpace::Pre),
            break_all: st.word_break == WordBreak::BreakAll,
            clamp: parent.and_then(|p| p.style.line_clamp).map(|n| n as usize),
            ellipsis: parent.is_some_and(|p| p.style.text_overflow_ellipsis && p.style.overflow_hidden),
        };
        TextCtx {
            text: text.to_string(),
            font_size: node.style.font_size,
            line_height: node.style.line_height_px(ctx),
            bold: node.style.bold,
            rules,
            spans: Vec::new(),
            cache: Vec::new(),
            rich_cache: Vec::new(),
            shaped: ShapedOnce::default(),
            held: false,
            min_content: None,
        }
    }

    /// The measure context of a paragraph node (one with `para`).
    fn rich(node: &Node, ctx: Ctx) -> Option<TextCtx> {
        let spans = node.para.as_ref()?;
        let mut tc = TextCtx::new(node, "", ctx, None);
        tc.spans = spans
            .iter()
            .map(|s| SpanText {
                text: s.text.clone(),
                font_size: s.font_size,
                line_height: s.line_height,
                bold: s.bold,
            })
            .collect();
        Some(tc)
    }

    fn same_text(&self, other: &TextCtx) -> bool {
        self.text == other.text
            && self.font_size == other.font_size
            && self.line_height == other.line_height
            && self.bold == other.bold
            && self.rules == other.rules
            && self.spans == other.spans
            && self.held == other.held
    }

    /// Paragraph lines, widest line and height when wrapped at `width`.
    pub fn rich_lines(
        &mut self,
        fonts: &mut FontSystem,
        width: Option<f32>,
    ) -> (f32, f32, &[RichLine]) {
        let key = width.map(|w| (w * 64.0).round() as i64);
        if let Some(pos) = self.rich_cache.iter().position(|(k, ..)| *k == key) {
            let (_, w, h, lines) = &self.rich_cache[pos];
            return (*w, *h, lines);
        }
        let lines = layout_rich(fonts, &self.spans, width);
        let w = lines.iter().map(|l| l.width).fold(0.0, f32::max);
        let h = lines.last().map_or(self.line_height, |l| l.top + l.height);
        if self.rich_cache.len() >= TEXT_CACHE_ENTRIES {
            self.rich_cache.remove(0);
        }
        self.rich_cache.push((key, w, h, lines));
        let (_, w, h, lines) = self.rich_cache.last().expect("just pushed");
        (*w, *h, lines)
    }

    /// Lines and widest line when wrapped at `width`.
    pub fn lines(&mut self, fonts: &mut FontSystem, width: Option<f32>) -> (f32, &[Line]) {
        let key = width.map(|w| (w * 64.0).round() as i64);
        if let Some(pos) = self.cache.iter().position(|(k, ..)| *k == key) {
            let (_, w, lines) = &self.cache[pos];
            return (*w, lines);
        }
        // At a width no narrower than its widest unwrapped line nothing wraps (cosmic-text
        // breaks only a line that overflows, adding widths in the order it reports them), and
        // nothing is cut without a clamp: the lines are the unconstrained ones. Taffy asks for
        // exactly that width once it has the max-content size.
        if let (Some(w), None) = (width, self.rules.clamp) {
            if let Some(pos) = self.cache.iter().position(|(k, max, _)| k.is_none() && w >= *max) {
                let (_, w, lines) = &self.cache[pos];
                return (*w, lines);
            }
        }
        let lines = layout_lines_shaped(
            fonts,
            &mut self.shaped,
            &self.text,
            self.font_size,
            self.line_height,
            self.rules,
            width,
        );
        let w = lines.iter().map(|l| l.width).fold(0.0, f32::max);
        if self.cache.len() >= TEXT_CACHE_ENTRIES {
            self.cache.remove(0);
        }
        self.cache.push((key, w, lines));
        let (_, w, lines) = self.cache.last().expect("just pushed");
        (*w, lines)
    }

    /// The widest line and the number of lines at the min-content probe's width, kept (the
    /// lines themselves only where a clamp or an ellipsis needs them).
    fn min_content(&mut self, fonts: &mut FontSystem) -> (f32, usize) {
        if let Some(m) = self.min_content {
            return m;
        }
        let m = line_metrics_shaped(
            fonts,
            &mut self.shaped,
            &self.text,
            self.font_size,
            self.line_height,
            self.rules,
            Some(MIN_CONTENT_WIDTH),
        )
        .unwrap_or_else(|| {
            let (w, lines) = self.lines(fonts, Some(MIN_CONTENT_WIDTH));
            (w, lines.len())
        });
        self.min_content = Some(m);
        m
    }

    fn measure(
        &mut self,
        fonts: &mut FontSystem,
        known: Size<Option<f32>>,
        avail: Size<AvailableSpace>,
    ) -> Size<f32> {
        if let (Some(width), Some(height)) = (known.width, known.height) {
            return Size { width, height };
        }
        let constraint = known.width.or(match avail.width {
            AvailableSpace::Definite(w) => Some(w),
            AvailableSpace::MinContent => Some(MIN_CONTENT_WIDTH),
            AvailableSpace::MaxContent => None,
        });
        let (w, h) = if self.spans.is_empty() {
            let lh = self.line_height;
            let (w, n) = match avail.width {
                // The min-content probe: only its size is used, never its lines.
                AvailableSpace::MinContent if known.width.is_none() => self.min_content(fonts),
                _ => {
                    let (w, lines) = self.lines(fonts, constraint);
                    (w, lines.len())
                }
            };
            (w, lh * n.max(1) as f32)
        } else {
            let (w, h, _) = self.rich_lines(fonts, constraint);
            (w, h)
        };
        Size {
            width: known.width.unwrap_or(w.ceil()),
            height: known.height.unwrap_or(h),
        }
    }
}

/// The box of a text node its parent holds ([`holds_text`]): rounded position in the parent
/// and size, and the unrounded width its lines are broken at.
#[derive(Debug, Clone, Copy)]
struct HeldBox {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    unrounded_w: f32,
}

/// The taffy tree of the current page and the node ids of the current [`Tree`].
pub(crate) struct LayoutState {
    pub taffy: TaffyTree<TextCtx>,
    /// The layout node of each node of the current tree (a text node its parent holds has its
    /// holder's: [`holds_text`]).
    pub ids: Vec<NodeId>,
    /// Per node of the current tree: whether it holds its only child's text ([`holds_text`]).
    holds: Vec<bool>,
    /// Per node, after [`LayoutState::compute`]: the box of a text node its parent holds.
    held_boxes: Vec<Option<HeldBox>>,
    /// The width the boxes were last computed at, while nothing changed since; `None` after
    /// any change (then [`LayoutState::compute`] runs taffy).
    computed_at: Option<f32>,
    /// How many times taffy computed the boxes (for tests).
    pub computes: u64,
}

// SAFETY: `TaffyTree` is `!Send` only because taffy's `CompactLength` stores lengths in a
// tagged `*const ()` so that it can also hold a pointer to a `calc()` expression. This crate
// never creates `calc()` values (see `style::Ctx::dim`/`lpa`/`lp`: only lengths, percentages
// and auto), so every such pointer is plain tagged data that refers to nothing, and moving the
// tree to another thread (the view's big-stack thread, or a shell thread) is sound.
#[allow(unsafe_code)]
unsafe impl Send for LayoutState {}

fn lerr(e: taffy::TaffyError) -> Error {
    Error::Layout {
        reason: e.to_string(),
    }
}

fn compatible(a: &Node, b: &Node) -> bool {
    match (&a.kind, &b.kind) {
        (NodeKind::Element(x), NodeKind::Element(y)) => x == y,
        (NodeKind::Text(_), NodeKind::Text(_)) => true,
        _ => false,
    }
}

fn taffy_style(n: &Node, parent: Option<&Node>, ctx: Ctx) -> taffy::Style {
    let mut st = match n.kind {
        NodeKind::Element(_) => n.style.to_taffy(ctx),
        NodeKind::Text(_) => taffy::Style::default(),
    };
    // In a block (taffy's block layout) a child is placed across the block's width by
    // `justify-self`: `align-self` keeps the meaning it has in a flex column (the base library's
    // mini button and switch shrink to fit with `align-self: flex-start`).
    if in_block(parent) {
        st.justify_self = st.align_self.take();
    }
    st
}

/// Whether a node whose parent is `parent` is laid out by its parent's block layout (its taffy
/// style depends on that: [`taffy_style`]).
fn in_block(parent: Option<&Node>) -> bool {
    parent.is_some_and(|p| p.style.display == Display::Block)
}

/// Whether element `i` is laid out as one measured leaf holding the text of its only child: a
/// plain `view` or `text` block whose only child is a text node, and whose block layout would
/// place that child at the top of its content box, stretched to its width (no alignment, no
/// baseline for its parent). Its box is the same as with the child laid out by taffy, at a
/// fraction of the work (a flex container costs several passes for its one child); the child's
/// box is then the content box's top, [`LayoutState::layout_of`], and it has no layout node of
/// its own (its id in [`LayoutState::ids`] is its holder's).
fn holds_text(tree: &Tree, i: usize) -> bool {
    use taffy::{AlignContentKeyword as Content, AlignItemsKeyword as Items};
    let n = &tree.nodes[i];
    let (NodeKind::Element(tag), [c], None) = (&n.kind, n.children.as_slice(), &n.para) else {
        return false;
    };
    let child = &tree.nodes[*c];
    let s = &n.style;
    let baseline = |a: Option<taffy::AlignItems>| a.is_some_and(|a| a.keyword == Items::Baseline);
    matches!(child.kind, NodeKind::Text(_))
        && child.style.display != Display::None
        && matches!(tag.as_str(), "view" | "text")
        && s.display == Display::Block
        && s.align_items.is_none_or(|a| matches!(a.keyword, Items::Normal | Items::Stretch))
        && s.justify_content.is_none_or(|j| matches!(j.keyword, Content::Normal | Content::Start | Content::FlexStart))
        && s.align_content.is_none()
        // The parent layout sizes a fit-content box from its child before clamping it; a leaf
        // clamps the space it measures in first.
        && [s.min_width, s.min_height, s.max_width, s.max_height].iter().all(|l| *l == crate::style::Len::Auto)
        && s.aspect_ratio.is_none()
        && !baseline(s.align_self)
        && !n.parent.is_some_and(|p| baseline(tree.nodes[p].style.align_items))
}

/// The measure context node `i` of `tree` needs: its text, the text of the child it holds
/// ([`holds_text`]: `holds[i]`), or its paragraph; none for a text node its parent holds.
/// Gives `id` the measure context `tc` unless it holds the same text already; whether it changed.
fn set_context(taffy: &mut TaffyTree<TextCtx>, id: NodeId, tc: Option<TextCtx>) -> Result<bool> {
    let same = match (&tc, taffy.get_node_context(id)) {
        (Some(new), Some(old)) => old.same_text(new),
        (None, None) => true,
        _ => false,
    };
    if !same {
        taffy.set_node_context(id, tc).map_err(lerr)?;
    }
    Ok(!same)
}

fn context_of(tree: &Tree, i: usize, holds: &[bool], ctx: Ctx) -> Option<TextCtx> {
    let n = &tree.nodes[i];
    match &n.kind {
        NodeKind::Text(_) if n.parent.is_some_and(|p| holds[p]) => None,
        NodeKind::Text(t) => Some(TextCtx::new(n, t, ctx, n.parent.map(|p| &tree.nodes[p]))),
        NodeKind::Element(_) if holds[i] => {
            let child = &tree.nodes[n.children[0]];
            let NodeKind::Text(t) = &child.kind else { unreachable!("holds_text checked it") };
            Some(TextCtx { held: true, ..TextCtx::new(child, t, ctx, Some(n)) })
        }
        NodeKind::Element(_) => TextCtx::rich(n, ctx),
    }
}

/// Taffy's rounding of a coordinate (`taffy::compute::round_layout` with `std`).
fn round(v: f32) -> f32 {
    (v + 0.5).floor()
}

struct Sync<'t> {
    new: &'t Tree,
    old: Option<&'t Tree>,
    old_ids: Vec<NodeId>,
    /// [`holds_text`] of the old and the new tree's nodes.
    old_holds: Vec<bool>,
    holds: Vec<bool>,
    reused: Vec<bool>,
    new_ids: Vec<Option<NodeId>>,
    ctx: Ctx,
}

impl Sync<'_> {
    /// Whether old node `oi` is a text node its parent held: its layout node is its holder's.
    fn old_held_text(&self, oi: usize) -> bool {
        self.old.is_some_and(|o| {
            let n = &o.nodes[oi];
            matches!(n.kind, NodeKind::Text(_)) && n.parent.is_some_and(|p| self.old_holds[p])
        })
    }
}

impl LayoutState {
    pub fn new() -> LayoutState {
        LayoutState {
            taffy: TaffyTree::new(),
            ids: Vec::new(),
            holds: Vec::new(),
            held_boxes: Vec::new(),
            computed_at: None,
            computes: 0,
        }
    }

    /// Brings the taffy tree in line with `new`, reusing the nodes of `old` (the tree the
    /// current ids belong to) where the element kind matches: their layout caches stay valid
    /// unless their style or text changed.
    pub fn sync(&mut self, new: &Tree, old: Option<&Tree>, ctx: Ctx) -> Result<()> {
        self.computed_at = None;
        let old = old.filter(|o| o.nodes.len() == self.ids.len() && !o.nodes.is_empty());
        let mut s = Sync {
            new,
            old,
            old_ids: std::mem::take(&mut self.ids),
            old_holds: std::mem::take(&mut self.holds),
            holds: (0..new.nodes.len()).map(|i| holds_text(new, i)).collect(),
            reused: vec![false; old.map_or(0, |o| o.nodes.len())],
            new_ids: vec![None; new.nodes.len()],
            ctx,
        };
        if old.is_none() {
            self.taffy = TaffyTree::with_capacity(new.nodes.len());
        }
        self.sync_node(&mut s, 0, old.map(|_| 0))?;
        for (oi, r) in s.reused.iter().enumerate() {
            if !r && !s.old_held_text(oi) {
                self.taffy.remove(s.old_ids[oi]).map_err(lerr)?;
            }
        }
        self.ids = s
            .new_ids
            .into_iter()
            .map(|i| i.expect("every node synced"))
            .collect();
        self.holds = s.holds;
        Ok(())
    }

    fn sync_node(&mut self, s: &mut Sync<'_>, ni: usize, oi: Option<usize>) -> Result<NodeId> {
        let n = &s.new.nodes[ni];
        let reuse = match (s.old, oi) {
            (Some(o), Some(oi)) if !s.reused[oi] && !s.old_held_text(oi) && compatible(&o.nodes[oi], n) => Some((o, oi)),
            _ => None,
        };
        let id = if let Some((o, oi)) = reuse {
            s.reused[oi] = true;
            let id = s.old_ids[oi];
            let on = &o.nodes[oi];
            if let NodeKind::Element(_) = n.kind {
                let parent = n.parent.map(|p| &s.new.nodes[p]);
                if on.style != n.style || in_block(on.parent.map(|p| &o.nodes[p])) != in_block(parent) {
                    self.taffy
                        .set_style(id, taffy_style(n, parent, s.ctx))
                        .map_err(lerr)?;
                }
            }
            // The measured text stays (with its lines) unless what it measures changed.
            let held_child_changed = |on: &Node| {
                let (&[oc], &[nc]) = (on.children.as_slice(), n.children.as_slice()) else { return true };
                let (oc, nc) = (&o.nodes[oc], &s.new.nodes[nc]);
                oc.kind != nc.kind || oc.style != nc.style
            };
            let holder_changed = |np: Option<usize>, op: Option<usize>| {
                np.map(|p| s.holds[p]) != op.map(|p| s.old_holds[p])
            };
            let recheck = match n.kind {
                NodeKind::Text(_) => on.style != n.style || on.kind != n.kind || holder_changed(n.parent, on.parent),
                NodeKind::Element(_) => {
                    on.para != n.para
                        || s.holds[ni] != s.old_holds[oi]
                        || (s.holds[ni] && (on.style != n.style || held_child_changed(on)))
                }
            };
            if recheck {
                set_context(&mut self.taffy, id, context_of(s.new, ni, &s.holds, s.ctx))?;
            }
            id
        } else {
            let style = taffy_style(n, n.parent.map(|p| &s.new.nodes[p]), s.ctx);
            match context_of(s.new, ni, &s.holds, s.ctx) {
                Some(tc) => self.taffy.new_leaf_with_context(style, tc),
                None => self.taffy.new_leaf(style),
            }
            .map_err(lerr)?
        };
        let old_children: &[usize] = match reuse {
            Some((o, oi)) => &o.nodes[oi].children,
            None => &[],
        };
        let keyed: HashMap<&str, usize> = match reuse {
            Some((o, _)) if n.children.iter().any(|c| s.new.nodes[*c].key.is_some()) => {
                old_children
                    .iter()
                    .filter_map(|c| o.nodes[*c].key.as_deref().map(|k| (k, *c)))
                    .collect()
            }
            _ => HashMap::new(),
        };
        if s.holds[ni] {
            // Its text node has no layout node of its own: it goes by its holder's.
            if !self.taffy.children(id).map_err(lerr)?.is_empty() {
                self.taffy.set_children(id, &[]).map_err(lerr)?;
            }
            s.new_ids[n.children[0]] = Some(id);
            s.new_ids[ni] = Some(id);
            return Ok(id);
        }
        let mut child_ids = Vec::with_capacity(n.children.len());
        for (k, &c) in n.children.iter().enumerate() {
            let cand = match &s.new.nodes[c].key {
                Some(key) => keyed.get(key.as_str()).copied(),
                None => old_children.get(k).copied(),
            };
            child_ids.push(self.sync_node(s, c, if reuse.is_some() { cand } else { None })?);
        }
        if n.para.is_some() {
            // A paragraph is one measured leaf: its text nodes and inline `<text>`s keep
            // detached layout nodes (for reuse across renders) that are never laid out.
            if !self.taffy.children(id).map_err(lerr)?.is_empty() {
                self.taffy.set_children(id, &[]).map_err(lerr)?;
            }
            s.new_ids[ni] = Some(id);
            return Ok(id);
        }
        let unchanged = reuse.is_some_and(|(o, oi)| o.nodes[oi].para.is_none() && !s.old_holds[oi])
            && old_children.len() == child_ids.len()
            && old_children
                .iter()
                .zip(&child_ids)
                .all(|(oc, c)| s.old_ids[*oc] == *c);
        let fresh_leaf = reuse.is_none() && child_ids.is_empty();
        if !unchanged && !fresh_leaf {
            self.taffy.set_children(id, &child_ids).map_err(lerr)?;
        }
        s.new_ids[ni] = Some(id);
        Ok(id)
    }

    /// Updates the layout nodes of `changed` (node index, its value before) after their
    /// nodes were replaced in place in `tree` (same shape: see
    /// [`crate::tree::Expander::reexpand_item`]), and those of their children (whose taffy
    /// style and text rules depend on the parent). Only what differs for layout marks a node
    /// dirty, so a paint-only change (colour, opacity, transform) leaves the boxes as they
    /// are. Returns whether any layout node changed.
    ///
    /// # Errors
    /// [`Error::Layout`] on an internal taffy failure.
    pub fn patch(&mut self, tree: &Tree, changed: &[(usize, Node)], ctx: Ctx) -> Result<bool> {
        let mut check: Vec<usize> = Vec::with_capacity(changed.len() * 2);
        for (i, _) in changed {
            check.push(*i);
            check.extend(tree.nodes[*i].children.iter().copied());
            // An element that holds this text measures it.
            check.extend(tree.nodes[*i].parent.filter(|p| self.holds[*p]));
        }
        check.sort_unstable();
        check.dedup();
        let mut any = false;
        // Parents come before their children (document order), so a text node sees whether
        // its parent holds it now.
        for i in check {
            any |= self.refresh(tree, i, ctx)?;
        }
        if any {
            self.computed_at = None;
        }
        Ok(any)
    }

    /// Brings node `i`'s layout node in line with it (see [`LayoutState::patch`]): whether
    /// it holds its text, its style, its measure context. Returns whether any changed.
    fn refresh(&mut self, tree: &Tree, i: usize, ctx: Ctx) -> Result<bool> {
        let n = &tree.nodes[i];
        if matches!(n.kind, NodeKind::Text(_)) && n.parent.is_some_and(|p| self.holds[p]) {
            // Its holder measures it.
            return Ok(false);
        }
        let id = self.ids[i];
        let mut any = false;
        let holds = holds_text(tree, i);
        if holds != self.holds[i] {
            self.holds[i] = holds;
            let c = n.children[0];
            if holds {
                self.taffy.remove(self.ids[c]).map_err(lerr)?;
                self.ids[c] = id;
                self.taffy.set_children(id, &[]).map_err(lerr)?;
            } else {
                // Its text node gets a layout node of its own again.
                let leaf = self.taffy.new_leaf(taffy_style(&tree.nodes[c], Some(n), ctx)).map_err(lerr)?;
                self.ids[c] = leaf;
                self.taffy.set_children(id, &[leaf]).map_err(lerr)?;
                self.refresh(tree, c, ctx)?;
            }
            any = true;
        }
        let st = taffy_style(n, n.parent.map(|p| &tree.nodes[p]), ctx);
        if *self.taffy.style(id).map_err(lerr)? != st {
            self.taffy.set_style(id, st).map_err(lerr)?;
            any = true;
        }
        any |= set_context(&mut self.taffy, id, context_of(tree, i, &self.holds, ctx))?;
        Ok(any)
    }

    /// The box of node `i` (rounded, as taffy gives it) and its unrounded width, after
    /// [`LayoutState::compute`]: for the text node of an element that holds its text,
    /// where [`LayoutState::place_held_texts`] put it.
    ///
    /// # Errors
    /// [`Error::Layout`] on an internal taffy failure.
    pub fn layout_of(&self, i: usize) -> Result<(taffy::Layout, f32)> {
        if let Some(b) = self.held_boxes.get(i).copied().flatten() {
            let mut l = taffy::Layout::new();
            l.location = taffy::Point { x: b.x, y: b.y };
            l.size = Size { width: b.w, height: b.h };
            return Ok((l, b.unrounded_w));
        }
        let id = self.ids[i];
        let l = *self.taffy.layout(id).map_err(lerr)?;
        Ok((l, self.taffy.unrounded_layout(id).size.width))
    }

    /// Places the text node of each element that holds its text where taffy would have put
    /// it: at the top of the element's content box, as wide, as tall as its lines there,
    /// rounded from the page's origin the way taffy rounds.
    fn place_held_texts(&mut self, tree: &Tree, fonts: &mut FontSystem) -> Result<()> {
        self.held_boxes.clear();
        self.held_boxes.resize(tree.nodes.len(), None);
        for p in 0..tree.nodes.len() {
            if !self.holds[p] {
                continue;
            }
            let (px, py) = self.origin(tree, p);
            let u = self.taffy.unrounded_layout(self.ids[p]);
            // The content box as taffy's flexbox computes it (`content_box_inset` = padding
            // + border).
            let (left, top) = (u.padding.left + u.border.left, u.padding.top + u.border.top);
            let w = u.size.width - (left + (u.padding.right + u.border.right));
            let tc = self.taffy.get_node_context_mut(self.ids[p]).ok_or_else(|| Error::Layout {
                reason: "an element holding its text has no measure context".into(),
            })?;
            let h = tc.line_height * tc.lines(fonts, Some(w)).1.len().max(1) as f32;
            let (x, y) = (px + left, py + top);
            self.held_boxes[tree.nodes[p].children[0]] = Some(HeldBox {
                x: round(x) - round(px),
                y: round(y) - round(py),
                w: round(x + w) - round(x),
                h: round(y + h) - round(y),
                unrounded_w: w,
            });
        }
        Ok(())
    }

    /// The unrounded position of node `i`'s box from the page's origin, summed from the root
    /// down as taffy's rounding sums it (each box is placed in its parent: every element is
    /// positioned, so it is also the containing block of absolute children).
    fn origin(&self, tree: &Tree, i: usize) -> (f32, f32) {
        let (x, y) = tree.nodes[i].parent.map_or((0.0, 0.0), |p| self.origin(tree, p));
        let l = self.taffy.unrounded_layout(self.ids[i]);
        (x + l.location.x, y + l.location.y)
    }

    /// Element `i`'s top-left in its parent and its size, before taffy's rounding.
    pub fn unrounded_box(&self, i: usize) -> [f32; 4] {
        let l = self.taffy.unrounded_layout(self.ids[i]);
        [l.location.x, l.location.y, l.size.width, l.size.height]
    }

    /// The measure context of text node `i` (held by its parent when it holds its text).
    pub fn text_ctx_mut(&mut self, i: usize) -> Option<&mut TextCtx> {
        self.taffy.get_node_context_mut(self.ids[i])
    }

    /// Computes the layout of the whole page: the root is as wide as the viewport; height is
    /// unbounded (the page scrolls). Nothing is done when nothing changed since the last
    /// computation at this width.
    pub fn compute(&mut self, fonts: &mut FontSystem, tree: &Tree, width: f32) -> Result<()> {
        let Some(&root) = self.ids.first() else {
            return Ok(());
        };
        if self.computed_at == Some(width) {
            return Ok(());
        }
        let avail = Size {
            width: AvailableSpace::Definite(width),
            height: AvailableSpace::MaxContent,
        };
        // The texts shaped while taffy measures (their buffers are dropped afterwards).
        let mut shaped = Vec::new();
        self.taffy
            .compute_layout_with_measure(root, avail, |inputs, id, ctx, style| {
                taffy::compute_leaf_layout(
                    inputs,
                    style,
                    |_, _| 0.0,
                    |known, avail| match ctx {
                        Some(t) => {
                            // A leaf's known size is its border box (its available space is
                            // already its content box's): an element holding its text
                            // measures the text in its content box, as its child would be.
                            let known = if t.held {
                                use taffy::ResolveOrZero;
                                let parent_w = inputs.parent_size.width;
                                let padding = style.padding.resolve_or_zero(parent_w, |_, _| 0.0);
                                let border = style.border.resolve_or_zero(parent_w, |_, _| 0.0);
                                let inset = (padding + border).sum_axes();
                                Size {
                                    width: known.width.map(|w| w - inset.width),
                                    height: known.height.map(|h| h - inset.height),
                                }
                            } else {
                                known
                            };
                            let was = t.shaped.is_shaped();
                            let size = t.measure(fonts, known, avail);
                            if !was && t.shaped.is_shaped() {
                                shaped.push(id);
                            }
                            size
                        }
                        None => Size::ZERO,
                    },
                )
            })
            .map_err(lerr)?;
        self.place_held_texts(tree, fonts)?;
        // The measured lines stay cached per width; the shaped buffers are only needed while
        // taffy measures, and would hold the glyphs of every text of the page.
        for id in shaped {
            if let Some(t) = self.taffy.get_node_context_mut(id) {
                t.shaped.clear();
            }
        }
        self.computed_at = Some(width);
        self.computes += 1;
        Ok(())
    }

    /// How many layout nodes exist, a held text node's (its holder's) counted again (for
    /// tests: nothing leaks across renders, one per node of the tree).
    #[cfg(test)]
    pub fn node_count(&self) -> usize {
        self.taffy.total_node_count() + self.holds.iter().filter(|h| **h).count()
    }
}
