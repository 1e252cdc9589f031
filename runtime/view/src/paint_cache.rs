//! The display items of the last paint, kept so the next render paints only what changed.
//!
//! Each element painted records a [`Key`] (everything its subtree's items depend on from
//! outside: its final box, where taffy placed it before rounding, the opacity it inherits, the
//! visible area it is culled against, the page's scroll) and the span of display items and
//! paragraph runs its subtree emitted. The next paint copies an element's span from the last
//! list instead of walking it when its key is the same and nothing in its subtree changed: no
//! node of it was patched by a set-data ([`PaintCache::mark`] marks them, their descendants and
//! ancestors), and nothing the whole page paints from changed since (the component states,
//! the focus and caret, what the front end said of images, the text selection; [`Globals`]). A full expansion of
//! the template drops the cache.
//!
//! So a set-data of one row of a long list paints that row and its ancestors' own items, and
//! copies the other rows' (the `incremental` tests compare every such render with a new
//! page's); a render with nothing changed copies the root's span, the whole list.

use std::collections::HashMap;
use std::ops::Range;

use crate::components::{ImageInfo, State};
use crate::display::{DisplayItem, Rect};
use crate::tree::Tree;

/// What an element's subtree's display items depend on from outside it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Key {
    /// The element's border box as painted (fixed and sticky shifts applied).
    pub rect: Rect,
    /// Its top-left from the page origin and its size, before taffy's rounding: rounding and
    /// line breaking inside the subtree depend on them.
    pub unrounded: [f32; 4],
    /// The opacity it inherits.
    pub opacity: f32,
    /// The visible area its items were culled against.
    pub area: Rect,
    /// The page's scroll offset (`position: fixed` descendants depend on it).
    pub scroll: f32,
}

/// One element's record in the last paint.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    key: Key,
    items: Range<usize>,
    runs: Range<usize>,
}

/// What every element's paint depends on besides its own subtree and [`Key`], as it was when
/// the last paint started.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Globals {
    states: HashMap<u64, State>,
    focused: Option<u64>,
    caret_visible: bool,
    images: HashMap<String, ImageInfo>,
    selection: Option<u64>,
}

/// The page's [`Globals`] now, borrowed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GlobalsRef<'a> {
    pub states: &'a HashMap<u64, State>,
    pub focused: Option<u64>,
    pub caret_visible: bool,
    pub images: &'a HashMap<String, ImageInfo>,
    pub selection: Option<u64>,
}

impl Globals {
    fn is(&self, now: GlobalsRef<'_>) -> bool {
        self.focused == now.focused
            && self.caret_visible == now.caret_visible
            && self.states == *now.states
            && self.images == *now.images
            && self.selection == now.selection
    }
}

impl GlobalsRef<'_> {
    fn to_owned(self) -> Globals {
        Globals {
            states: self.states.clone(),
            focused: self.focused,
            caret_visible: self.caret_visible,
            images: self.images.clone(),
            selection: self.selection,
        }
    }
}

/// A paragraph run: (paragraph node, text node, its box on one line).
pub(crate) type Run = (usize, usize, Rect);

/// The last paint of a page, for the next one to copy from.
#[derive(Debug, Default)]
pub(crate) struct PaintCache {
    /// The last display list's items.
    items: Vec<DisplayItem>,
    /// By node index: the element's record, `None` for texts and what was not painted.
    entries: Vec<Option<Entry>>,
    /// By node index: changed since the last paint (patched, or inside or above a patched
    /// node).
    dirty: Vec<bool>,
    /// By node index: marked with its whole subtree (so marking stops there).
    covered: Vec<bool>,
    /// What the last paint depended on page-wide; `None`: nothing to copy from.
    globals: Option<Globals>,
}

/// What one paint copied and made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct PaintCounts {
    /// Display items painted afresh.
    pub painted: usize,
    /// Display items copied from the previous render.
    pub reused: usize,
}

impl PaintCache {
    /// Forgets the last paint (the tree was expanded again).
    pub fn clear(&mut self) {
        self.globals = None;
        self.items.clear();
        self.entries.clear();
        self.dirty.clear();
        self.covered.clear();
    }

    /// Marks node `i` changed: it, every node under it and every node above it.
    pub fn mark(&mut self, tree: &Tree, i: usize) {
        if self.globals.is_none() {
            return;
        }
        let n = tree.nodes.len();
        self.dirty.resize(n, false);
        self.covered.resize(n, false);
        let mut stack = vec![i];
        while let Some(k) = stack.pop() {
            if !std::mem::replace(&mut self.covered[k], true) {
                self.dirty[k] = true;
                stack.extend_from_slice(&tree.nodes[k].children);
            }
        }
        let mut up = tree.nodes[i].parent;
        while let Some(p) = up.filter(|&p| !std::mem::replace(&mut self.dirty[p], true)) {
            up = tree.nodes[p].parent;
        }
    }

    /// Starts a paint of `tree` with page-wide inputs `now`: what it may copy from, `None`
    /// when the last paint cannot serve (none, another tree, or `now` differs from what the
    /// last paint started with).
    pub fn begin(&mut self, tree: &Tree, now: GlobalsRef<'_>) -> Option<Prev> {
        let same = self.globals.as_ref().is_some_and(|g| g.is(now)) && self.entries.len() == tree.nodes.len();
        let mut dirty = std::mem::take(&mut self.dirty);
        let prev = same.then(|| {
            dirty.resize(tree.nodes.len(), false);
            Prev {
                items: std::mem::take(&mut self.items),
                entries: std::mem::take(&mut self.entries),
                dirty,
            }
        });
        if !same {
            self.globals = Some(now.to_owned());
        }
        self.items.clear();
        self.entries.clear();
        self.covered.clear();
        prev
    }

    /// Keeps a finished paint for the next one.
    pub fn finish(&mut self, items: &[DisplayItem], entries: Vec<Option<Entry>>) {
        self.items = items.to_vec();
        self.entries = entries;
        self.dirty.clear();
        self.covered.clear();
    }
}

/// The last paint, while a new one copies from it.
#[derive(Debug)]
pub(crate) struct Prev {
    items: Vec<DisplayItem>,
    entries: Vec<Option<Entry>>,
    dirty: Vec<bool>,
}

/// The records a paint writes, and what it may copy from.
#[derive(Debug)]
pub(crate) struct Recorder {
    prev: Option<Prev>,
    /// The last paint's rects and runs (the page's, taken for this paint).
    prev_rects: Vec<Option<Rect>>,
    prev_runs: Vec<Run>,
    /// This paint's records, by node index.
    pub entries: Vec<Option<Entry>>,
    pub counts: PaintCounts,
}

impl Recorder {
    /// A recorder for a paint of `nodes` nodes copying from `prev` (with that paint's rects
    /// and runs).
    pub fn new(nodes: usize, prev: Option<Prev>, prev_rects: Vec<Option<Rect>>, prev_runs: Vec<Run>) -> Recorder {
        Recorder {
            prev,
            prev_rects,
            prev_runs,
            entries: vec![None; nodes],
            counts: PaintCounts::default(),
        }
    }

    /// Copies element `i`'s subtree from the last paint when `key` matches its record and
    /// nothing in it changed: its items onto `items`, its runs onto `runs`, its nodes' rects
    /// into `rects`, and the records of its elements. Returns whether it did.
    pub fn reuse(
        &mut self,
        tree: &Tree,
        i: usize,
        key: &Key,
        items: &mut Vec<DisplayItem>,
        runs: &mut Vec<Run>,
        rects: &mut [Option<Rect>],
    ) -> bool {
        let Some(prev) = &self.prev else { return false };
        let Some(e) = prev.entries[i].as_ref().filter(|e| !prev.dirty[i] && e.key == *key) else {
            return false;
        };
        let (di, dr) = (items.len() as isize - e.items.start as isize, runs.len() as isize - e.runs.start as isize);
        items.extend_from_slice(&prev.items[e.items.clone()]);
        runs.extend_from_slice(&self.prev_runs[e.runs.clone()]);
        self.counts.reused += e.items.len();
        let shift = |r: &Range<usize>, d: isize| (r.start as isize + d) as usize..(r.end as isize + d) as usize;
        let mut stack = vec![i];
        while let Some(k) = stack.pop() {
            rects[k] = self.prev_rects[k];
            self.entries[k] = prev.entries[k]
                .as_ref()
                .map(|e| Entry { key: e.key, items: shift(&e.items, di), runs: shift(&e.runs, dr) });
            stack.extend_from_slice(&tree.nodes[k].children);
        }
        true
    }

    /// Records element `i`'s paint: `key`, and the items and runs from `start` (the lengths
    /// of both lists before it painted) to `end`.
    pub fn record(&mut self, i: usize, key: Key, start: (usize, usize), end: (usize, usize)) {
        self.entries[i] = Some(Entry { key, items: start.0..end.0, runs: start.1..end.1 });
    }
}
