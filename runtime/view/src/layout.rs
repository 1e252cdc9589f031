//! Layout: keeps a taffy tree in step with the expanded page (reusing unchanged nodes so that
//! taffy's caches survive a set-data), measures text with cosmic-text, and computes boxes.

use std::collections::HashMap;

use cosmic_text::FontSystem;
use taffy::prelude::{AvailableSpace, NodeId, Size, TaffyTree};

use crate::error::{Error, Result};
use crate::style::Ctx;
use crate::display::FontStyle;
use crate::text::{layout_lines_shaped, layout_rich, Line, LineRules, RichLine, ShapedOnce, SpanText};
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
}

const TEXT_CACHE_ENTRIES: usize = 8;

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
            AvailableSpace::MinContent => Some(0.5),
            AvailableSpace::MaxContent => None,
        });
        let (w, h) = if self.spans.is_empty() {
            let lh = self.line_height;
            let (w, lines) = self.lines(fonts, constraint);
            (w, lh * lines.len().max(1) as f32)
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

/// The taffy tree of the current page and the node ids of the current [`Tree`].
pub(crate) struct LayoutState {
    pub taffy: TaffyTree<TextCtx>,
    pub ids: Vec<NodeId>,
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
    // A block is laid out as a flex column, but CSS blocks never shrink their children to
    // fit their height: a `scroll-view` of fixed height keeps its rows at their own size.
    if parent.is_some_and(|p| p.style.display == crate::style::Display::Block) {
        st.flex_shrink = 0.0;
    }
    st
}

struct Sync<'t> {
    new: &'t Tree,
    old: Option<&'t Tree>,
    old_ids: Vec<NodeId>,
    reused: Vec<bool>,
    new_ids: Vec<Option<NodeId>>,
    ctx: Ctx,
}

impl LayoutState {
    pub fn new() -> LayoutState {
        LayoutState {
            taffy: TaffyTree::new(),
            ids: Vec::new(),
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
            reused: vec![false; old.map_or(0, |o| o.nodes.len())],
            new_ids: vec![None; new.nodes.len()],
            ctx,
        };
        if old.is_none() {
            self.taffy = TaffyTree::new();
        }
        self.sync_node(&mut s, 0, old.map(|_| 0))?;
        for (oi, r) in s.reused.iter().enumerate() {
            if !r {
                self.taffy.remove(s.old_ids[oi]).map_err(lerr)?;
            }
        }
        self.ids = s
            .new_ids
            .into_iter()
            .map(|i| i.expect("every node synced"))
            .collect();
        Ok(())
    }

    fn sync_node(&mut self, s: &mut Sync<'_>, ni: usize, oi: Option<usize>) -> Result<NodeId> {
        let n = &s.new.nodes[ni];
        let reuse = match (s.old, oi) {
            (Some(o), Some(oi)) if !s.reused[oi] && compatible(&o.nodes[oi], n) => Some((o, oi)),
            _ => None,
        };
        let id = if let Some((o, oi)) = reuse {
            s.reused[oi] = true;
            let id = s.old_ids[oi];
            let on = &o.nodes[oi];
            if on.para != n.para {
                // Spans also name their text nodes, which move when a list above grows:
                // keep the measured lines unless the text or its style changed.
                let tc = TextCtx::rich(n, s.ctx);
                let same = match (&tc, self.taffy.get_node_context(id)) {
                    (Some(new), Some(old)) => old.same_text(new),
                    (None, None) => true,
                    _ => false,
                };
                if !same {
                    self.taffy.set_node_context(id, tc).map_err(lerr)?;
                }
            }
            if on.style != n.style || on.kind != n.kind {
                match &n.kind {
                    NodeKind::Element(_) => self
                        .taffy
                        .set_style(id, taffy_style(n, n.parent.map(|p| &s.new.nodes[p]), s.ctx))
                        .map_err(lerr)?,
                    NodeKind::Text(t) => {
                        let tc = TextCtx::new(n, t, s.ctx, n.parent.map(|p| &s.new.nodes[p]));
                        let same = self
                            .taffy
                            .get_node_context(id)
                            .is_some_and(|old| old.same_text(&tc));
                        if !same {
                            self.taffy.set_node_context(id, Some(tc)).map_err(lerr)?;
                        }
                    }
                }
            }
            id
        } else {
            match &n.kind {
                NodeKind::Text(t) => self
                    .taffy
                    .new_leaf_with_context(taffy_style(n, n.parent.map(|p| &s.new.nodes[p]), s.ctx), TextCtx::new(n, t, s.ctx, n.parent.map(|p| &s.new.nodes[p]))),
                NodeKind::Element(_) => match TextCtx::rich(n, s.ctx) {
                    Some(tc) => self.taffy.new_leaf_with_context(taffy_style(n, n.parent.map(|p| &s.new.nodes[p]), s.ctx), tc),
                    None => self.taffy.new_leaf(taffy_style(n, n.parent.map(|p| &s.new.nodes[p]), s.ctx)),
                },
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
        let unchanged = reuse.is_some_and(|(o, oi)| o.nodes[oi].para.is_none())
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
        }
        check.sort_unstable();
        check.dedup();
        let mut any = false;
        for i in check {
            let n = &tree.nodes[i];
            let id = self.ids[i];
            let parent = n.parent.map(|p| &tree.nodes[p]);
            let st = taffy_style(n, parent, ctx);
            if *self.taffy.style(id).map_err(lerr)? != st {
                self.taffy.set_style(id, st).map_err(lerr)?;
                any = true;
            }
            let tc = match &n.kind {
                NodeKind::Text(t) => Some(TextCtx::new(n, t, ctx, parent)),
                NodeKind::Element(_) => TextCtx::rich(n, ctx),
            };
            let same = match (&tc, self.taffy.get_node_context(id)) {
                (Some(new), Some(old)) => old.same_text(new),
                (None, None) => true,
                _ => false,
            };
            if !same {
                self.taffy.set_node_context(id, tc).map_err(lerr)?;
                any = true;
            }
        }
        if any {
            self.computed_at = None;
        }
        Ok(any)
    }

    /// Computes the layout of the whole page: the root is as wide as the viewport; height is
    /// unbounded (the page scrolls). Nothing is done when nothing changed since the last
    /// computation at this width.
    pub fn compute(&mut self, fonts: &mut FontSystem, width: f32) -> Result<()> {
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

    /// How many taffy nodes exist (for tests: nothing leaks across renders).
    #[cfg(test)]
    pub fn node_count(&self) -> usize {
        self.taffy.total_node_count()
    }
}
