//! [`Page`]: one page of a running app — template, styles and data in; display list, hit
//! testing and selector queries out.

use std::collections::HashMap;

use cosmic_text::FontSystem;
use serde_json::{json, Map, Value};

use crate::color::Color;
use crate::css::{parse_stylesheet, Diagnostic, StyleSheet};
use crate::data::{apply_patch, apply_patch_paths};
use crate::display::{DisplayItem, DisplayList, Rect, TextAlign};
use crate::error::{Error, Result};
use crate::layout::LayoutState;
use crate::limits::Limits;
use crate::style::{Ctx, Decl};
use crate::template::{parse_template_with_depth, Template};
use crate::components::{ImageInfo, Scroll, State};
use crate::component::{ComponentSet, StyleIsolation};
use crate::css::RuleIndex;
use crate::tree::{CompStyles, Expander, Node, NodeKind, Tree};

/// The embedded fallback copy of the built-in components' default styles: the base library's
/// `styles/components.css`, compiled in. [`Page::new`] uses it (tests, tools without a base
/// library); a host running apps passes the fetched base library's sheet to
/// [`Page::with_component_styles`] instead.
pub const DEFAULT_STYLESHEET: &str = include_str!("../../../base-library/styles/components.css");

/// [`DEFAULT_STYLESHEET`], parsed once.
pub fn default_component_styles() -> &'static StyleSheet {
    static SHEET: std::sync::OnceLock<StyleSheet> = std::sync::OnceLock::new();
    SHEET.get_or_init(|| {
        parse_stylesheet(DEFAULT_STYLESHEET, "<embedded component styles>")
            .expect("the embedded component styles parse (checked by a test)")
            .0
    })
}

/// The size of the page area in logical px; `750rpx` = `width`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    /// Width in logical px.
    pub width: f32,
    /// Height in logical px (of the page area, without navigation and tab bars).
    pub height: f32,
}

/// What a tap triggers: the handler to call in the app's logic and the event object to pass
/// (the same as any [`AppEvent`]).
pub type TapEvent = crate::input::AppEvent;

/// Most nodes [`Page::elements`] describes (a developer panel, not a dump of a huge list).
pub const ELEMENTS_PANEL_NODES: usize = 5000;

/// What happened to the custom component instances of a page since the last
/// [`Page::take_component_changes`] (computed by each [`Page::render`] that expands the page).
#[derive(Debug, Clone, PartialEq)]
pub enum ComponentChange {
    /// A host appeared: instance `instance` of the component at `name`
    /// (`components/card/card`) with its resolved properties.
    Attached {
        /// The instance id (stable while its host stays in the page).
        instance: u32,
        /// The component's path.
        name: String,
        /// `{"title": "A", "price": 3}`: each declared property, defaults filled in.
        properties: Value,
    },
    /// A host went away (its instance's data is dropped).
    Detached {
        /// The instance id.
        instance: u32,
    },
    /// A live instance's resolved properties differ from the last render's.
    PropertiesChanged {
        /// The instance id.
        instance: u32,
        /// All its properties, as now resolved.
        properties: Value,
    },
}

/// A live component instance's id and last resolved properties.
#[derive(Debug, Clone)]
struct InstanceMeta {
    id: u32,
    properties: Value,
}

/// One page: parsed template and styles, the page data, and the result of the last render.
pub struct Page {
    template: Template,
    sheets: Vec<StyleSheet>,
    viewport: Viewport,
    limits: Limits,
    data: Value,
    diags: Vec<Diagnostic>,
    inline_cache: HashMap<String, Vec<Decl>>,
    pub(crate) tree: Option<Tree>,
    dirty: bool,
    layout: LayoutState,
    /// Border box of each node of `tree` in page-area coordinates (scrolled), `None` when
    /// not displayed.
    pub(crate) rects: Vec<Option<Rect>>,
    /// Component state by stable identity (scroll offsets, editing models, checked...).
    pub(crate) states: HashMap<u64, State>,
    /// The page's own scroll offset and extent.
    pub(crate) scroll: Scroll,
    /// The focused field's stable identity.
    pub(crate) focused: Option<u64>,
    /// Whether the caret is drawn (the window blinks it; screenshots keep it on).
    pub(crate) caret_visible: bool,
    /// The press in progress.
    pub(crate) pointer: Option<crate::interact::Press>,
    /// Momentum after a fast drag, advanced by each frame.
    pub(crate) fling: Option<crate::interact::Fling>,
    /// Whether the bottom was within reach at the last page scroll (for `ReachBottom`).
    pub(crate) near_bottom: bool,
    /// Each drawn piece of a paragraph: (paragraph node, text node, its box on one line).
    runs: Vec<(usize, usize, Rect)>,
    /// The custom components the template may use.
    components: ComponentSet,
    /// Each component's sheets, by path.
    comp_styles: HashMap<String, CompStyles>,
    /// The page's sheets plus those of `shared` components, when there are any.
    shared_sheets: Option<Vec<StyleSheet>>,
    /// Each live instance's path and own data, by host sid.
    instance_data: HashMap<u64, (String, Value)>,
    /// Each live instance's id and properties, by host sid.
    instances: HashMap<u64, InstanceMeta>,
    next_instance: u32,
    changes: Vec<ComponentChange>,
    /// Loop items (loop, item of [`Tree::loops`]) whose data changed since the last render,
    /// when only such items changed (see `incremental.rs`); a full expansion clears them.
    pending: Vec<(usize, usize)>,
    /// How many expressions of the template read each name ([`crate::incremental::readers`]).
    readers: HashMap<String, usize>,
    /// How the renders so far were done.
    pub(crate) stats: RenderStats,
    /// What the front end told the page about each image source ([`Page::set_image`]).
    pub(crate) images: HashMap<String, ImageInfo>,
    /// The element being pressed that has a `hover-class` (its stable identity).
    pub(crate) hover: Option<u64>,
    /// When the released element's hover class comes off (`hover-stay-time`; input clock ms).
    pub(crate) hover_until: Option<u64>,
    /// The pressed element whose hover class waits for its `hover-start-time`.
    pub(crate) hover_pending: Option<crate::interact::PendingHover>,
    /// The `user-select` text element whose text is selected (its stable identity).
    pub(crate) selection: Option<u64>,
    /// Where the last render drew the selection's "Copy" bubble.
    pub(crate) copy_bubble: Option<Rect>,
    /// The image sources the last render wants loaded ([`Page::image_sources`]).
    wanted_images: Vec<String>,
    /// The last paint's display items, by element, for the next paint to copy from.
    paint_cache: crate::paint_cache::PaintCache,
}

/// How a page's renders were done: what [`Page::render`] did after each change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderStats {
    /// Renders that expanded the whole template.
    pub full: u64,
    /// Renders that re-expanded only changed `m:for` items.
    pub items: u64,
    /// Renders that only repainted (scrolling, state, data no binding reads).
    pub paint_only: u64,
    /// Display items painted afresh, over all renders.
    pub painted: u64,
    /// Display items copied from the previous render's list (elements whose subtree and
    /// place did not change), over all renders.
    pub reused: u64,
}

impl std::fmt::Debug for Page {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Page")
            .field("template", &self.template.name())
            .field("viewport", &self.viewport)
            .field("data", &self.data)
            .finish_non_exhaustive()
    }
}

impl Page {
    /// A page from its template and stylesheets in cascade order (`app.css`, the page's css).
    /// The built-in components' defaults come first: here the embedded fallback
    /// ([`DEFAULT_STYLESHEET`]); see [`Page::with_component_styles`] for a base library's.
    /// Data starts as `{}`.
    ///
    /// # Errors
    /// [`Error::Template`] or [`Error::Style`] when the template or a stylesheet does not
    /// parse; unsupported CSS is only a warning ([`Page::warnings`]).
    pub fn new(
        template: &str,
        template_name: &str,
        styles: &[(&str, &str)],
        viewport: Viewport,
    ) -> Result<Page> {
        Page::with_limits(template, template_name, styles, viewport, Limits::default())
    }

    /// [`Page::new`] with explicit limits.
    ///
    /// # Errors
    /// As [`Page::new`].
    pub fn with_limits(
        template: &str,
        template_name: &str,
        styles: &[(&str, &str)],
        viewport: Viewport,
        limits: Limits,
    ) -> Result<Page> {
        Page::with_component_styles(
            template,
            template_name,
            default_component_styles(),
            styles,
            viewport,
            limits,
        )
    }

    /// A page whose built-in components are styled by `components` (the base library's
    /// `styles/components.css`, parsed once by the host with [`parse_stylesheet`]), then by
    /// `styles` in cascade order.
    ///
    /// # Errors
    /// As [`Page::new`].
    pub fn with_component_styles(
        template: &str,
        template_name: &str,
        components: &StyleSheet,
        styles: &[(&str, &str)],
        viewport: Viewport,
        limits: Limits,
    ) -> Result<Page> {
        let template = parse_template_with_depth(template, template_name, limits.max_depth)?;
        Page::from_template(template, components, styles, viewport, limits)
    }

    /// [`Page::new`] for a template with `<import>`/`<include>`: `files` gives the text of
    /// another file of the bundle by its path from the bundle root (see
    /// [`Template::parse_with`]).
    ///
    /// # Errors
    /// As [`Page::new`] and [`Template::parse_with`].
    pub fn with_files(
        template: &str,
        template_name: &str,
        styles: &[(&str, &str)],
        viewport: Viewport,
        files: crate::template::FileResolver<'_>,
    ) -> Result<Page> {
        let limits = Limits::default();
        let template = Template::parse_with(template, template_name, limits.max_depth, files)?;
        Page::from_template(
            template,
            default_component_styles(),
            styles,
            viewport,
            limits,
        )
    }

    /// A page from an already parsed template (a host parses with [`Template::parse_with`]
    /// to give it the bundle's files), the built-in components' styles and `styles`.
    ///
    /// # Errors
    /// [`Error::Style`] when a stylesheet does not parse.
    pub fn from_template(
        template: Template,
        components: &StyleSheet,
        styles: &[(&str, &str)],
        viewport: Viewport,
        limits: Limits,
    ) -> Result<Page> {
        Page::with_custom_components(template, components, styles, viewport, limits, ComponentSet::new())
    }

    /// [`Page::from_template`] for a page that uses custom components: `template` was parsed
    /// with [`Template::parse_with_components`] over the same `set`, which maps the tags of
    /// the page's (and app.json's) `usingComponents` to their definitions and holds every
    /// component those use. The components' CSS warnings join [`Page::warnings`].
    ///
    /// # Errors
    /// [`Error::UnknownComponent`] when a `usingComponents` entry of the set names a
    /// definition it lacks ([`ComponentSet::check`]); [`Error::Style`] as
    /// [`Page::from_template`].
    pub fn with_custom_components(
        template: Template,
        components: &StyleSheet,
        styles: &[(&str, &str)],
        viewport: Viewport,
        limits: Limits,
        set: ComponentSet,
    ) -> Result<Page> {
        set.check()?;
        let mut page = Page::build(template, components, styles, viewport, limits)?;
        let mut paths: Vec<&String> = set.defs.keys().collect();
        paths.sort();
        let mut shared = Vec::new();
        for path in paths {
            let def = &set.defs[path];
            let mut sheets = vec![page.sheets[0].clone()];
            if def.config.options.style_isolation != StyleIsolation::Isolated {
                sheets.extend(page.sheets[1..].iter().cloned());
            }
            sheets.push(def.sheet.clone());
            if def.config.options.style_isolation == StyleIsolation::Shared {
                shared.push(def.sheet.clone());
            }
            let index = RuleIndex::new(&sheets);
            page.comp_styles.insert(path.clone(), CompStyles { sheets, index });
            for d in def.warnings() {
                crate::tree::push_diag(&mut page.diags, d.clone());
            }
        }
        if !shared.is_empty() {
            let mut sheets = page.sheets.clone();
            sheets.extend(shared);
            page.shared_sheets = Some(sheets);
        }
        page.components = set;
        Ok(page)
    }

    fn build(
        template: Template,
        components: &StyleSheet,
        styles: &[(&str, &str)],
        viewport: Viewport,
        limits: Limits,
    ) -> Result<Page> {
        let mut diags = Vec::new();
        let mut sheets = vec![components.clone()];
        for (name, css) in styles {
            let (sheet, mut d) = parse_stylesheet(css, name)?;
            diags.append(&mut d);
            diags.extend_from_slice(sheet.page_sheet_warnings());
            sheets.push(sheet);
        }
        Ok(Page {
            template,
            sheets,
            viewport,
            limits,
            data: Value::Object(Map::new()),
            diags,
            inline_cache: HashMap::new(),
            tree: None,
            dirty: true,
            layout: LayoutState::new(),
            rects: Vec::new(),
            states: HashMap::new(),
            scroll: Scroll::default(),
            focused: None,
            caret_visible: true,
            pointer: None,
            fling: None,
            near_bottom: false,
            runs: Vec::new(),
            components: ComponentSet::new(),
            comp_styles: HashMap::new(),
            shared_sheets: None,
            instance_data: HashMap::new(),
            instances: HashMap::new(),
            next_instance: 1,
            changes: Vec::new(),
            pending: Vec::new(),
            readers: HashMap::new(),
            stats: RenderStats::default(),
            images: HashMap::new(),
            hover: None,
            hover_until: None,
            hover_pending: None,
            selection: None,
            copy_bubble: None,
            wanted_images: Vec::new(),
            paint_cache: Default::default(),
        })
        .map(|mut p: Page| {
            p.readers = crate::incremental::readers(&p.template);
            p
        })
    }

    /// The page data.
    pub fn data(&self) -> &Value {
        &self.data
    }

    /// The parsed template.
    pub fn template(&self) -> &Template {
        &self.template
    }

    /// The viewport.
    pub fn viewport(&self) -> Viewport {
        self.viewport
    }

    /// Changes the viewport (rotation, resize); the next render lays out from scratch.
    pub fn set_viewport(&mut self, viewport: Viewport) {
        if viewport != self.viewport {
            self.viewport = viewport;
            self.tree = None;
            self.dirty = true;
        }
    }

    /// Applies a set-data patch: a JSON object of path keys (`count`, `user.name`,
    /// `list[3].done`) to values. Intermediate objects and arrays are created as needed. The
    /// next [`Page::render`] re-evaluates the bindings and relayouts what changed.
    ///
    /// # Errors
    /// [`Error::PatchNotObject`] when the patch is not an object, [`Error::DataPath`] naming
    /// a malformed key; nothing is applied then.
    pub fn set_data(&mut self, patch: &Value) -> Result<()> {
        let changed = apply_patch_paths(&mut self.data, patch, self.limits.max_array_index)?;
        for segs in &changed {
            // Data the template never reads (bookkeeping the logic keeps in its data) needs
            // no re-render.
            let Some(crate::data::Seg::Key(top)) = segs.first() else { continue };
            if self.dirty || !self.template.reads.contains(top) {
                continue;
            }
            // One item of page-scope loops: only those items are expanded again.
            let items = self
                .tree
                .as_ref()
                .and_then(|t| crate::incremental::items_touched(&t.loops, &self.readers, segs));
            match items {
                Some(items) => self.pending.extend(items),
                None => {
                    self.dirty = true;
                    self.pending.clear();
                }
            }
        }
        Ok(())
    }

    /// How this page's renders were done so far (full expansions, item re-expansions,
    /// repaints).
    pub fn render_stats(&self) -> RenderStats {
        self.stats
    }

    fn ctx(&self) -> Ctx {
        Ctx {
            vw: self.viewport.width,
            vh: self.viewport.height,
            font_size: crate::style::ROOT_FONT_SIZE,
        }
    }

    /// Lays out the page (incrementally after a set-data) and returns its display list, with
    /// (0,0) at the page area's top-left; the content may be taller than the viewport.
    ///
    /// # Errors
    /// [`Error::LimitExceeded`] when the data expands the template past the node limit; the
    /// previous render stays in place then. [`Error::Layout`] on an internal layout failure.
    pub fn render(&mut self, fonts: &mut FontSystem) -> Result<DisplayList> {
        crate::limits::on_big_stack(|| self.render_on_this_stack(fonts))
    }

    fn render_on_this_stack(&mut self, fonts: &mut FontSystem) -> Result<DisplayList> {
        let ctx = self.ctx();
        let pending = std::mem::take(&mut self.pending);
        if !self.dirty && self.tree.is_some() {
            if pending.is_empty() {
                self.stats.paint_only += 1;
            } else if self.render_items(pending, ctx)? {
                self.stats.items += 1;
            } else {
                self.dirty = true;
            }
        }
        if self.dirty || self.tree.is_none() {
            self.stats.full += 1;
            let mut expander = Expander::new(
                self.shared_sheets.as_deref().unwrap_or(&self.sheets),
                &self.template,
                ctx,
                self.limits.max_nodes,
                self.limits.max_loop_iterations,
                &mut self.diags,
                &mut self.inline_cache,
            )
            .with_components(&self.components, &self.comp_styles, &self.instance_data)
            .with_images(&self.images)
            .with_hover(self.hover);
            expander.max_depth = self.limits.max_depth;
            let tree = expander.expand(&self.data)?;
            self.layout.sync(&tree, self.tree.as_ref(), ctx)?;
            self.track_instances(&tree);
            // The paint copies what the expansion left as it was: node by node when the
            // shape is the same (a hover class, a title above a list), nothing otherwise.
            match self.tree.as_ref() {
                Some(old) if old.nodes.len() == tree.nodes.len() => {
                    for (i, (o, n)) in old.nodes.iter().zip(&tree.nodes).enumerate() {
                        if o != n {
                            self.paint_cache.mark(&tree, i);
                        }
                    }
                }
                _ => self.paint_cache.clear(),
            }
            self.tree = Some(tree);
            self.dirty = false;
        }
        let tree = self.tree.as_ref().expect("expanded above");
        self.layout.compute(fonts, tree, self.viewport.width)?;
        let root_h = self
            .layout
            .taffy
            .layout(self.layout.ids[0])
            .map(|l| l.size.height)
            .unwrap_or(0.0);
        let vp = Rect::new(0.0, 0.0, self.viewport.width, self.viewport.height);
        self.scroll.max_y = (root_h - self.viewport.height).max(0.0);
        self.scroll.y = self.scroll.y.clamp(0.0, self.scroll.max_y);
        let mut out = DisplayList::new(self.viewport.width, self.viewport.height);
        let mut rects = vec![None; tree.nodes.len()];
        let mut runs = Vec::new();
        let now = crate::paint_cache::GlobalsRef {
            states: &self.states,
            focused: self.focused,
            caret_visible: self.caret_visible,
            images: &self.images,
            selection: self.selection,
        };
        let selected = self.selection.and_then(|sid| tree.nodes.iter().position(|n| n.sid == sid));
        let prev = self.paint_cache.begin(tree, now);
        let mut rec = crate::paint_cache::Recorder::new(tree.nodes.len(), prev, std::mem::take(&mut self.rects), std::mem::take(&mut self.runs));
        let mut painter = Painter {
            tree,
            layout: &mut self.layout,
            fonts,
            ctx,
            rects: &mut rects,
            runs: &mut runs,
            out: &mut out,
            states: &mut self.states,
            focused: self.focused,
            caret_visible: self.caret_visible,
            clips: vec![vp],
            page_scroll: self.scroll.y,
            images: &self.images,
            rec: &mut rec,
            selected,
        };
        painter.paint(0, 0.0, -self.scroll.y, 1.0, (0.0, 0.0))?;
        // The selection's "Copy" bubble, above everything.
        self.copy_bubble = None;
        if let Some(r) = selected.and_then(|i| rects[i]) {
            let (b, items) = crate::selection::bubble(fonts, r, vp);
            out.items.extend(items);
            self.copy_bubble = Some(b);
        }
        rec.counts.painted = out.items.len() - rec.counts.reused;
        self.stats.painted += rec.counts.painted as u64;
        self.stats.reused += rec.counts.reused as u64;
        self.paint_cache.finish(&out.items, rec.entries);
        self.rects = rects;
        self.runs = runs;
        self.wanted_images = wanted_images(tree, &self.states);
        // Words not used by the last few renders (or frames) leave the shape cache.
        fonts.shape_run_cache.trim(crate::limits::SHAPE_CACHE_RENDERS);
        Ok(out)
    }

    /// Re-expands the loop items `pending` alone and updates their layout nodes; `false`
    /// (everything left as it was) when one of them needs a full expansion.
    fn render_items(&mut self, mut pending: Vec<(usize, usize)>, ctx: Ctx) -> Result<bool> {
        let Some(mut tree) = self.tree.take() else {
            return Ok(false);
        };
        pending.sort_unstable();
        pending.dedup();
        let mut changed: Vec<(usize, Node)> = Vec::new();
        let mut ok = true;
        {
            let mut expander = Expander::new(
                self.shared_sheets.as_deref().unwrap_or(&self.sheets),
                &self.template,
                ctx,
                self.limits.max_nodes,
                self.limits.max_loop_iterations,
                &mut self.diags,
                &mut self.inline_cache,
            )
            .with_components(&self.components, &self.comp_styles, &self.instance_data)
            .with_images(&self.images)
            .with_hover(self.hover);
            expander.max_depth = self.limits.max_depth;
            for (lp, item) in pending {
                match expander.reexpand_item(&mut tree, lp, item, &self.data) {
                    Some(c) => changed.extend(c),
                    None => {
                        ok = false;
                        break;
                    }
                }
            }
        }
        if !ok {
            // Put back what was patched: the layout nodes still describe the old nodes.
            for (i, old) in changed.into_iter().rev() {
                tree.nodes[i] = old;
            }
            self.tree = Some(tree);
            return Ok(false);
        }
        if let Err(e) = self.layout.patch(&tree, &changed, ctx) {
            // The layout nodes are half updated: the next render builds them afresh.
            self.tree = None;
            self.dirty = true;
            return Err(e);
        }
        for (i, _) in &changed {
            self.paint_cache.mark(&tree, *i);
        }
        self.tree = Some(tree);
        Ok(true)
    }

    /// The height of the page's content in px (after render; at least the viewport's).
    pub fn content_height(&self) -> f32 {
        self.scroll.max_y + self.viewport.height
    }

    /// The page's scroll offset in px.
    pub fn scroll_top(&self) -> f32 {
        self.scroll.y
    }

    /// Sets whether the caret of the focused field is drawn: a window blinks it by toggling
    /// this; screenshots leave it on (the default).
    pub fn set_caret_visible(&mut self, visible: bool) {
        self.caret_visible = visible;
    }

    /// The next render styles the whole page again (a pressed element's `hover-class`).
    pub(crate) fn mark_dirty(&mut self) {
        self.dirty = true;
    }

    /// Tells the page what became of image `src` (its pixel size, or why it cannot be shown):
    /// `image` elements with that source are placed by their `mode` (`widthFix`/`heightFix`
    /// relayout the page) and fire `load`/`error` at the next [`Input::Frame`](crate::Input).
    /// Returns whether an element shows it, so a new render is due.
    pub fn set_image(&mut self, src: &str, info: ImageInfo) -> bool {
        if self.images.get(src) == Some(&info) {
            return false;
        }
        self.images.insert(src.to_string(), info);
        let Some(tree) = &self.tree else { return false };
        let mut shown = false;
        for n in tree.nodes.iter().filter(|n| n.tag() == Some("image") && n.attr("src").map(str::trim) == Some(src)) {
            shown = true;
            if matches!(n.attr("mode").map(str::trim), Some("widthFix" | "heightFix")) {
                // The box's size depends on the image: style and lay out again.
                self.dirty = true;
            }
        }
        shown
    }

    /// The image sources the page wants loaded, as of the last [`Page::render`]: every
    /// `image`'s `src` except `lazy-load` ones that have not come within
    /// [`crate::LAZY_LOAD_SCREENS`] of the viewport yet (each source once, in document order).
    pub fn image_sources(&self) -> &[String] {
        &self.wanted_images
    }

    /// The selected text (a long press on `user-select` text), if any.
    pub fn selected_text(&self) -> Option<String> {
        let tree = self.tree.as_ref()?;
        let i = tree.nodes.iter().position(|n| Some(n.sid) == self.selection)?;
        Some(crate::selection::text_of(tree, i))
    }

    /// Where the last render drew the selection's "Copy" bubble (page-area px).
    pub fn copy_bubble(&self) -> Option<Rect> {
        self.copy_bubble
    }

    /// Whether a field has the focus (the front end shows a keyboard).
    pub fn focused(&self) -> bool {
        self.focused.is_some()
    }

    /// What a tap at `(x, y)` (page-area coordinates) triggers, after [`Page::render`]: the
    /// nearest `bind:tap`/`catch:tap` handler walking up from the deepest node hit.
    pub fn hit_test(&self, x: f32, y: f32) -> Option<TapEvent> {
        self.hit_test_all(x, y).into_iter().next()
    }

    /// Every handler a tap at `(x, y)` triggers, in bubbling order: each `bind:tap` from the
    /// deepest node up, stopping after the first `catch:tap`.
    pub fn hit_test_all(&self, x: f32, y: f32) -> Vec<TapEvent> {
        let Some(tree) = &self.tree else {
            return Vec::new();
        };
        if self.rects.len() != tree.nodes.len() {
            return Vec::new();
        }
        let Some(target) = self.hit(tree, 0, x, y) else {
            return Vec::new();
        };
        self.bubble_events(tree, target, "tap", json!({"x": x, "y": y}))
    }

    /// Fires an event of type `event` (`input`, `confirm`, `change`, `longpress`, `tap`...) at
    /// the first displayed node matching `selector` (as in [`Page::find`]), after render: the
    /// `bind:<event>` handlers from that node up, stopping after the first `catch:<event>`.
    /// `detail` becomes the event's `detail` (for `input`: `{"value": "..."}`).
    ///
    /// # Errors
    /// [`Error::Selector`] for a malformed selector. No match or no handler is an empty list.
    pub fn dispatch(&self, selector: &str, event: &str, detail: Value) -> Result<Vec<TapEvent>> {
        let Some(tree) = &self.tree else {
            return Ok(Vec::new());
        };
        let Some(target) = self.find_index(selector)? else {
            return Ok(Vec::new());
        };
        Ok(self.bubble_events(tree, target, event, detail))
    }

    /// The `target`/`currentTarget` object of node `i`.
    fn describe(&self, tree: &Tree, i: usize) -> Value {
        let n = &tree.nodes[i];
        let r = self.rects.get(i).copied().flatten().unwrap_or_default();
        json!({
            "id": n.id.clone().unwrap_or_default(),
            "offsetLeft": r.x,
            "offsetTop": r.y,
            "dataset": Value::Object(n.dataset.clone()),
        })
    }

    /// The instance id of a node owner (`None`: the page).
    fn instance_of(&self, owner: Option<u64>) -> Option<u32> {
        owner.and_then(|sid| self.instances.get(&sid)).map(|m| m.id)
    }

    pub(crate) fn bubble_events(&self, tree: &Tree, mut target: usize, event: &str, detail: Value) -> Vec<TapEvent> {
        if matches!(tree.nodes[target].kind, NodeKind::Text(_)) {
            target = tree.nodes[target].parent.unwrap_or(0);
        }
        let describe = |i: usize| self.describe(tree, i);
        let mut out = Vec::new();
        let mut cur = Some(target);
        'walk: while let Some(i) = cur {
            for b in tree.nodes[i].events.iter().filter(|b| b.event == event) {
                out.push(TapEvent {
                    handler: b.handler.clone(),
                    event: json!({
                        "type": event,
                        "timeStamp": 0,
                        "target": describe(target),
                        "currentTarget": describe(i),
                        "detail": detail.clone(),
                    }),
                    instance: self.instance_of(tree.nodes[i].owner),
                });
                if b.catch {
                    break 'walk;
                }
            }
            cur = tree.nodes[i].parent;
        }
        out
    }

    /// Compares the hosts of a new expansion with the live instances: new hosts get ids
    /// (`Attached`), gone ones are dropped (`Detached`), changed properties are reported.
    fn track_instances(&mut self, tree: &Tree) {
        let live: std::collections::HashSet<u64> = tree.hosts.iter().map(|h| h.sid).collect();
        let mut gone: Vec<(u32, u64)> = self
            .instances
            .iter()
            .filter(|(sid, _)| !live.contains(sid))
            .map(|(sid, m)| (m.id, *sid))
            .collect();
        gone.sort_unstable();
        for (id, sid) in gone {
            self.instances.remove(&sid);
            self.instance_data.remove(&sid);
            self.changes.push(ComponentChange::Detached { instance: id });
        }
        for h in &tree.hosts {
            let same_kind = self.instance_data.get(&h.sid).is_some_and(|(p, _)| *p == h.path);
            match self.instances.get_mut(&h.sid) {
                Some(m) if same_kind => {
                    if m.properties != h.properties {
                        m.properties = h.properties.clone();
                        self.changes.push(ComponentChange::PropertiesChanged {
                            instance: m.id,
                            properties: h.properties.clone(),
                        });
                    }
                }
                old => {
                    if let Some(old) = old {
                        let id = old.id;
                        self.changes.push(ComponentChange::Detached { instance: id });
                    }
                    let id = self.next_instance;
                    self.next_instance = self.next_instance.wrapping_add(1).max(1);
                    self.instances.insert(h.sid, InstanceMeta { id, properties: h.properties.clone() });
                    self.instance_data.insert(h.sid, (h.path.clone(), Value::Object(Map::new())));
                    self.changes.push(ComponentChange::Attached {
                        instance: id,
                        name: h.path.clone(),
                        properties: h.properties.clone(),
                    });
                }
            }
        }
    }

    /// What happened to custom component instances since the last call: instances attached
    /// and detached, and properties that changed, by the renders in between (in order).
    pub fn take_component_changes(&mut self) -> Vec<ComponentChange> {
        std::mem::take(&mut self.changes)
    }

    fn instance_sid(&self, instance: u32) -> Option<u64> {
        self.instances.iter().find(|(_, m)| m.id == instance).map(|(sid, _)| *sid)
    }

    /// Applies a set-data patch (path keys, as [`Page::set_data`]) to the own data of
    /// component instance `instance`; the next [`Page::render`] expands it again. Its
    /// properties win over its data of the same name.
    ///
    /// # Errors
    /// [`Error::UnknownInstance`] when no live instance has this id; the errors of
    /// [`Page::set_data`] for the patch (nothing is applied then).
    pub fn set_component_data(&mut self, instance: u32, patch: &Value) -> Result<()> {
        let sid = self.instance_sid(instance).ok_or(Error::UnknownInstance { instance })?;
        let max = self.limits.max_array_index;
        let (_, data) = self.instance_data.get_mut(&sid).ok_or(Error::UnknownInstance { instance })?;
        let changed = apply_patch(data, patch, max)?;
        if !changed.is_empty() {
            self.dirty = true;
        }
        Ok(())
    }

    /// The own data of component instance `instance` (what [`Page::set_component_data`] set).
    pub fn component_data(&self, instance: u32) -> Option<&Value> {
        self.instance_data.get(&self.instance_sid(instance)?).map(|(_, d)| d)
    }

    /// The event a component instance triggers (`triggerEvent("add", detail)` in its logic):
    /// the handler its host binds with `bind:NAME` / `catch:NAME` (or `bindNAME`), called on
    /// the host's writer (the page, or the enclosing instance: [`TapEvent::instance`]), with
    /// `type` = `name`, `detail`, and the host as target and currentTarget. `None` when the
    /// instance is not live or its host does not bind `name`. After render.
    pub fn trigger_event(&self, instance: u32, name: &str, detail: Value) -> Option<TapEvent> {
        let tree = self.tree.as_ref()?;
        let sid = self.instance_sid(instance)?;
        let host = tree.hosts.iter().find(|h| h.sid == sid)?.node;
        let n = &tree.nodes[host];
        let b = n.events.iter().find(|b| b.event == name)?;
        let me = self.describe(tree, host);
        Some(TapEvent {
            handler: b.handler.clone(),
            event: json!({
                "type": name,
                "timeStamp": 0,
                "target": me.clone(),
                "currentTarget": me,
                "detail": detail,
            }),
            instance: self.instance_of(n.owner),
        })
    }

    /// The `url` of the `navigator` a tap at `(x, y)` lands in, if any (after render).
    pub fn navigator_at(&self, x: f32, y: f32) -> Option<String> {
        let tree = self.tree.as_ref()?;
        let mut cur = self.hit(tree, 0, x, y);
        while let Some(i) = cur {
            let n = &tree.nodes[i];
            if n.tag() == Some("navigator") {
                return n.attr("url").map(str::to_string);
            }
            cur = n.parent;
        }
        None
    }

    /// The deepest displayed node under `(x, y)` (after render).
    pub(crate) fn hit_index(&self, tree: &Tree, x: f32, y: f32) -> Option<usize> {
        self.hit(tree, 0, x, y)
    }

    /// The deepest displayed node under `(x, y)`, later siblings (painted on top) first.
    fn hit(&self, tree: &Tree, i: usize, x: f32, y: f32) -> Option<usize> {
        let r = self.rects.get(i).copied().flatten()?;
        let n = &tree.nodes[i];
        let inside = r.contains(x, y);
        if n.style.overflow_hidden && !inside {
            return None;
        }
        if n.para.is_some() {
            // A paragraph: the text node under the point (its `<text>` is the target).
            let run = self
                .runs
                .iter()
                .find(|(p, _, rr)| *p == i && rr.contains(x, y))
                .map(|(_, t, _)| *t);
            return run.or(inside.then_some(i));
        }
        for &c in paint_order(tree, i).iter().rev() {
            if let Some(h) = self.hit(tree, c, x, y) {
                return Some(h);
            }
        }
        inside.then_some(i)
    }

    /// The border box (page coordinates, after render) of the first displayed node matching
    /// `#id`, `.class` or `text=Label` (a node whose own text, trimmed, equals `Label`).
    ///
    /// # Errors
    /// [`Error::Selector`] for any other selector form or an empty name.
    pub fn find(&self, selector: &str) -> Result<Option<Rect>> {
        Ok(self.find_index(selector)?.and_then(|i| self.rects[i]))
    }

    /// The border boxes (page coordinates, after render) of every displayed node matching
    /// `selector`, in document order.
    ///
    /// # Errors
    /// [`Error::Selector`] as for [`Page::find`].
    pub fn find_all(&self, selector: &str) -> Result<Vec<Rect>> {
        let sel = Sel::parse(selector)?;
        let Some(tree) = &self.tree else {
            return Ok(Vec::new());
        };
        Ok((0..tree.nodes.len()).filter(|&i| self.matches(tree, i, &sel)).filter_map(|i| self.rects[i]).collect())
    }

    /// The page's element tree for a developer panel (after render): for each element its
    /// `tag`, `id`, `class`, box (`x`, `y`, `w`, `h` in page px, `null` when not displayed),
    /// the custom component instance it belongs to, its text (for text runs) and `children`.
    /// At most [`ELEMENTS_PANEL_NODES`] nodes; the rest are counted in `"truncated"`.
    pub fn elements(&self) -> Value {
        let Some(tree) = &self.tree else { return Value::Null };
        let mut budget = ELEMENTS_PANEL_NODES;
        let mut cut = 0usize;
        fn walk(p: &Page, tree: &Tree, i: usize, budget: &mut usize, cut: &mut usize) -> Value {
            let n = &tree.nodes[i];
            let rect = p.rects.get(i).copied().flatten().map(|r| json!({"x": r.x, "y": r.y, "w": r.w, "h": r.h}));
            let mut children = Vec::new();
            for &c in &n.children {
                if *budget == 0 {
                    *cut += 1;
                    continue;
                }
                *budget -= 1;
                children.push(walk(p, tree, c, budget, cut));
            }
            match &n.kind {
                NodeKind::Text(t) => json!({ "text": t, "box": rect }),
                _ => json!({
                    "tag": n.tag().unwrap_or_default(),
                    "id": n.id,
                    "class": n.classes,
                    "box": rect,
                    "style": n.style.summary().into_iter().map(|(k, v)| (k.to_string(), Value::String(v))).collect::<serde_json::Map<_, _>>(),
                    "instance": p.instance_of(n.owner),
                    "children": children,
                }),
            }
        }
        let root = walk(self, tree, 0, &mut budget, &mut cut);
        json!({ "root": root, "nodes": tree.nodes.len(), "truncated": cut })
    }

    fn find_index(&self, selector: &str) -> Result<Option<usize>> {
        let sel = Sel::parse(selector)?;
        let Some(tree) = &self.tree else {
            return Ok(None);
        };
        Ok((0..tree.nodes.len()).find(|&i| self.matches(tree, i, &sel)))
    }

    /// Whether displayed node `i` matches `sel`.
    fn matches(&self, tree: &Tree, i: usize, sel: &Sel) -> bool {
        if self.rects.get(i).copied().flatten().is_none() {
            return false;
        }
        let n = &tree.nodes[i];
        match sel {
            Sel::Id(id) => n.id.as_deref() == Some(id.as_str()),
            Sel::Class(c) => n.classes.iter().any(|k| k == c),
            Sel::Text(label) => matches!(n.kind, NodeKind::Element(_)) && own_text(tree, i).trim() == label.trim(),
        }
    }

    /// All rendered text in document order, one text run (or field value) per line, including
    /// what is scrolled out of view.
    pub fn text_content(&self) -> String {
        self.text_in(None)
    }

    /// The text a person sees: as [`Page::text_content`], but only of nodes inside the
    /// viewport (and inside their scroll-views' visible area).
    pub fn visible_text(&self) -> String {
        self.text_in(Some(Rect::new(0.0, 0.0, self.viewport.width, self.viewport.height)))
    }

    fn text_in(&self, area: Option<Rect>) -> String {
        let Some(tree) = &self.tree else {
            return String::new();
        };
        let mut parts = Vec::new();
        for (i, n) in tree.nodes.iter().enumerate() {
            let Some(r) = self.rects.get(i).copied().flatten() else {
                continue;
            };
            if let Some(a) = area {
                if !self.visible(tree, i, r, a) {
                    continue;
                }
            }
            if let Some(t) = n.para_text() {
                parts.push(std::borrow::Cow::Owned(t));
                continue;
            }
            if tree.para_of(i).is_some() {
                continue;
            }
            match &n.kind {
                NodeKind::Text(t) => parts.push(t.as_str().into()),
                NodeKind::Element(tag) => {
                    if let Some(t) = crate::components::lookup(tag)
                        .and_then(|c| c.shown_text(n, self.states.get(&n.sid)))
                    {
                        parts.push(std::borrow::Cow::Owned(t));
                    }
                }
            }
        }
        parts.join("\n")
    }

    /// Whether node `i` (border box `r`) shows inside `area` and every clipping ancestor.
    pub(crate) fn visible(&self, tree: &Tree, i: usize, r: Rect, area: Rect) -> bool {
        if !overlaps(r, area) && !(r.w == 0.0 && r.h == 0.0 && area.contains(r.x, r.y)) {
            return false;
        }
        let mut cur = tree.nodes[i].parent;
        while let Some(p) = cur {
            if tree.nodes[p].style.overflow_hidden {
                if let Some(pr) = self.rects.get(p).copied().flatten() {
                    if !overlaps(r, pr) {
                        return false;
                    }
                }
            }
            cur = tree.nodes[p].parent;
        }
        true
    }

    /// Warnings: unsupported CSS properties, selectors and at-rules with file:line, and
    /// inline `style` values that did not parse.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.diags
    }

    /// The last expanded tree (for tests).
    #[cfg(test)]
    pub(crate) fn tree_for_tests(&self) -> &Tree {
        self.tree.as_ref().expect("rendered")
    }

    /// How many times the boxes were computed (for tests: paint-only changes skip it).
    #[cfg(test)]
    pub(crate) fn layout_computes(&self) -> u64 {
        self.layout.computes
    }

    /// Layout nodes alive (for tests: nothing leaks across renders).
    #[cfg(test)]
    pub(crate) fn layout_node_count(&self) -> usize {
        self.layout.node_count()
    }

    /// Nodes in the last expanded tree (page root included).
    pub fn node_count(&self) -> usize {
        self.tree.as_ref().map_or(0, |t| t.nodes.len())
    }
}

enum Sel {
    Id(String),
    Class(String),
    Text(String),
}

impl Sel {
    fn parse(s: &str) -> Result<Sel> {
        let bad = |reason| Error::Selector {
            selector: s.to_string(),
            reason,
        };
        let (ctor, rest): (fn(String) -> Sel, &str) = if let Some(r) = s.strip_prefix('#') {
            (Sel::Id, r)
        } else if let Some(r) = s.strip_prefix('.') {
            (Sel::Class, r)
        } else if let Some(r) = s.strip_prefix("text=") {
            (Sel::Text, r)
        } else {
            return Err(bad("expected `#id`, `.class` or `text=Label`"));
        };
        if rest.trim().is_empty() {
            return Err(bad("the name after the prefix is empty"));
        }
        Ok(ctor(rest.to_string()))
    }
}

/// The text of a node's direct text children, joined.
fn own_text(tree: &Tree, i: usize) -> String {
    let n = &tree.nodes[i];
    if let Some(t) = n.para_text() {
        return t;
    }
    let mut s = String::new();
    for &c in &n.children {
        if let NodeKind::Text(t) = &tree.nodes[c].kind {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(t);
        }
    }
    if s.is_empty() && n.tag() == Some("input") {
        return n.attr("value").unwrap_or("").to_string();
    }
    s
}

/// Walks the laid-out tree into the display list, recording each node's box.
pub(crate) struct Painter<'p> {
    tree: &'p Tree,
    layout: &'p mut LayoutState,
    pub(crate) fonts: &'p mut FontSystem,
    pub(crate) ctx: Ctx,
    rects: &'p mut Vec<Option<Rect>>,
    runs: &'p mut Vec<(usize, usize, Rect)>,
    out: &'p mut DisplayList,
    states: &'p mut HashMap<u64, State>,
    /// The focused field.
    pub(crate) focused: Option<u64>,
    /// Draw the caret.
    pub(crate) caret_visible: bool,
    /// The visible area at this depth (the viewport, narrowed by clipping ancestors): items
    /// wholly outside it are not emitted.
    clips: Vec<Rect>,
    /// The page's scroll offset: `position: fixed` boxes add it back to stay put.
    page_scroll: f32,
    /// What the front end said about each image source.
    images: &'p HashMap<String, ImageInfo>,
    /// The last paint to copy unchanged elements from, and this paint's records.
    rec: &'p mut crate::paint_cache::Recorder,
    /// The element whose text is selected (tinted where drawn).
    selected: Option<usize>,
}

/// [`Page::image_sources`] of `tree`, after its paint marked the lazy images that came near.
fn wanted_images(tree: &Tree, states: &HashMap<u64, State>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in tree.nodes.iter().filter(|n| n.tag() == Some("image")) {
        let Some(src) = n.attr("src").map(str::trim).filter(|s| !s.is_empty()) else { continue };
        let waiting = crate::components::flag(n, "lazy-load") && !states.get(&n.sid).is_some_and(|s| s.lazy_seen);
        if !waiting && !out.iter().any(|s| s == src) {
            out.push(src.to_string());
        }
    }
    out
}

/// Border width of side `k` (top, right, bottom, left) of a layout.
fn l_border(l: &taffy::Layout, k: usize) -> f32 {
    [l.border.top, l.border.right, l.border.bottom, l.border.left][k]
}

/// Node `i`'s children in paint order: by `z-index` (none is 0), positioned boxes above
/// boxes in flow at the same `z-index`, otherwise in document order (a stable sort).
pub(crate) fn paint_order(tree: &Tree, i: usize) -> std::borrow::Cow<'_, [usize]> {
    use crate::style::Position;
    let children = &tree.nodes[i].children;
    let key = |c: &usize| {
        let st = &tree.nodes[*c].style;
        (st.z_index.unwrap_or(0), u8::from(st.position != Position::Static))
    };
    if children.iter().any(|c| key(c) != (0, 0)) {
        let mut order = children.clone();
        order.sort_by_key(key);
        order.into()
    } else {
        children.as_slice().into()
    }
}

/// The CSS transform of an element as one matrix about its box's centre (the default
/// `transform-origin`); percentages of `translate` are of the box.
fn transform_matrix(
    fns: &[crate::style::Transform],
    ctx: Ctx,
    s: &crate::style::Computed,
    rect: Rect,
) -> crate::display::Affine {
    use crate::style::Transform;
    let fctx = Ctx { font_size: s.font_size, ..ctx };
    let mul = |m: [f32; 6], n: [f32; 6]| {
        [
            m[0] * n[0] + m[2] * n[1],
            m[1] * n[0] + m[3] * n[1],
            m[0] * n[2] + m[2] * n[3],
            m[1] * n[2] + m[3] * n[3],
            m[0] * n[4] + m[2] * n[5] + m[4],
            m[1] * n[4] + m[3] * n[5] + m[5],
        ]
    };
    let (cx, cy) = rect.center();
    let mut m = [1.0, 0.0, 0.0, 1.0, cx, cy];
    for f in fns {
        let n = match *f {
            Transform::Translate(x, y) => [
                1.0,
                0.0,
                0.0,
                1.0,
                fctx.resolve(x, rect.w).unwrap_or(0.0),
                fctx.resolve(y, rect.h).unwrap_or(0.0),
            ],
            Transform::Scale(sx, sy) => [sx, 0.0, 0.0, sy, 0.0, 0.0],
            Transform::Rotate(deg) => {
                let (sin, cos) = deg.to_radians().sin_cos();
                [cos, sin, -sin, cos, 0.0, 0.0]
            }
        };
        m = mul(m, n);
    }
    mul(m, [1.0, 0.0, 0.0, 1.0, -cx, -cy])
}

/// A gradient's stops as fractions of the gradient line (`len` px): missing positions
/// spread evenly between their neighbours, each at least the one before (as CSS does).
fn gradient_stops(
    stops: &[(Color, Option<crate::style::Len>)],
    ctx: Ctx,
    len: f32,
    op: f32,
) -> Vec<(f32, Color)> {
    let n = stops.len();
    let mut pos: Vec<Option<f32>> = stops
        .iter()
        .map(|(_, l)| l.and_then(|l| ctx.resolve(l, len)).map(|p| if len > 0.0 { p / len } else { 0.0 }))
        .collect();
    if n == 0 {
        return Vec::new();
    }
    if pos[0].is_none() {
        pos[0] = Some(0.0);
    }
    if pos[n - 1].is_none() {
        pos[n - 1] = Some(1.0);
    }
    let mut last = 0.0f32;
    for p in pos.iter_mut().flatten() {
        *p = p.max(last);
        last = *p;
    }
    let mut k = 0;
    while k < n {
        if pos[k].is_some() {
            k += 1;
            continue;
        }
        let start = k - 1;
        let mut end = k;
        while pos[end].is_none() {
            end += 1;
        }
        let (a, b) = (pos[start].unwrap_or(0.0), pos[end].unwrap_or(1.0));
        for (j, p) in pos.iter_mut().enumerate().take(end).skip(k) {
            *p = Some(a + (b - a) * (j - start) as f32 / (end - start) as f32);
        }
        k = end;
    }
    stops
        .iter()
        .zip(pos)
        .map(|((c, _), p)| (p.unwrap_or(0.0), c.with_opacity(op)))
        .collect()
}

/// A `text-decoration` line for one line of text drawn in `line` (`width` px of ink) at
/// `font_size`: a thin rect under, over or through the glyphs (the embedded fonts' metrics:
/// ascent 0.93 em, descent 0.24 em, centred in the line box).
fn decoration(
    kind: crate::style::DecorationLine,
    line: Rect,
    width: f32,
    font_size: f32,
    color: Color,
) -> Option<DisplayItem> {
    use crate::style::DecorationLine;
    let baseline = line.y + (line.h - 1.164 * font_size) / 2.0 + 0.928 * font_size;
    let thickness = (font_size / 16.0).max(1.0);
    let y = match kind {
        DecorationLine::None => return None,
        DecorationLine::Underline => baseline + 0.1 * font_size,
        DecorationLine::Overline => baseline - 0.93 * font_size,
        DecorationLine::LineThrough => baseline - 0.3 * font_size,
    };
    Some(DisplayItem::Rect {
        rect: Rect::new(line.x, y, width, thickness),
        color,
        radius: 0.0,
        border_width: 0.0,
        border_color: Color::TRANSPARENT,
    })
}

fn overlaps(a: Rect, b: Rect) -> bool {
    a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
}

fn intersect(a: Rect, b: Rect) -> Rect {
    let x = a.x.max(b.x);
    let y = a.y.max(b.y);
    let r = (a.x + a.w).min(b.x + b.w);
    let bt = (a.y + a.h).min(b.y + b.h);
    Rect::new(x, y, (r - x).max(0.0), (bt - y).max(0.0))
}

impl Painter<'_> {
    /// Emits an item unless it lies wholly outside the visible area (culling: nothing is
    /// drawn for what is scrolled away).
    pub(crate) fn push(&mut self, item: DisplayItem) {
        let area = *self.clips.last().expect("the viewport is always there");
        let r = match &item {
            DisplayItem::Rect { rect, .. }
            | DisplayItem::Text { rect, .. }
            | DisplayItem::StyledText { rect, .. }
            | DisplayItem::Image { rect, .. }
            | DisplayItem::Border { rect, .. }
            | DisplayItem::Gradient { rect, .. }
            | DisplayItem::Background { rect, .. } => Some(*rect),
            DisplayItem::Shadow { rect, blur, .. } => {
                let m = blur * 1.5 + 1.0;
                Some(Rect::new(rect.x - m, rect.y - m, rect.w + 2.0 * m, rect.h + 2.0 * m))
            }
            _ => None,
        };
        if r.is_some_and(|r| !overlaps(r, area)) {
            return;
        }
        self.out.push(item);
    }

    /// An element's component state, made when missing.
    pub(crate) fn state_mut(&mut self, n: &Node) -> &mut State {
        self.states.entry(n.sid).or_default()
    }

    /// The page's viewport in page-area px (what is on screen).
    pub(crate) fn viewport(&self) -> Rect {
        self.clips[0]
    }

    /// What the front end said about image `src` (`None`: nothing yet).
    pub(crate) fn image(&self, src: &str) -> Option<&ImageInfo> {
        self.images.get(src)
    }

    /// How far a `position: sticky` box moves to stay within its insets of the visible area it
    /// scrolls in (the page's viewport, or the clipping scroll-view's box), without leaving its
    /// parent's box: it sticks while its parent is on screen. `top` keeps it that far below the
    /// area's top edge, `bottom` that far above its bottom edge (`top` wins when both apply), and
    /// `left`/`right` likewise across (`left` wins).
    fn sticky_shift(&self, n: &Node, rect: Rect) -> (f32, f32) {
        let c = Ctx { font_size: n.style.font_size, ..self.ctx };
        let [top, right, bottom, left] = n.style.inset;
        let area = *self.clips.last().expect("the viewport is always there");
        let parent = n.parent.and_then(|p| self.rects[p]);
        // Along one axis, each span a (start, length): the box's, the area's, the parent's; the
        // near and far insets.
        let shift = |(pos, len): (f32, f32), (a0, alen): (f32, f32), p: Option<(f32, f32)>, near: Option<f32>, far: Option<f32>| {
            let (p0, p1) = p.map_or((f32::NEG_INFINITY, f32::INFINITY), |(p0, plen)| (p0, p0 + plen));
            if let Some(near) = near {
                let want = a0 + near;
                if pos < want {
                    return (want - pos).min((p1 - len - pos).max(0.0));
                }
            }
            if let Some(far) = far {
                let want = a0 + alen - far;
                if pos + len > want {
                    return -((pos + len - want).min((pos - p0).max(0.0)));
                }
            }
            0.0
        };
        let (vw, vh) = (self.ctx.vw, self.ctx.vh);
        let (across, down) = (|r: Rect| (r.x, r.w), |r: Rect| (r.y, r.h));
        let dy = shift(down(rect), down(area), parent.map(down), c.resolve(top, vh), c.resolve(bottom, vh));
        let dx = shift(across(rect), across(area), parent.map(across), c.resolve(left, vw), c.resolve(right, vw));
        (dx, dy)
    }

    /// A copy of an element's component state.
    pub(crate) fn state_of(&self, sid: u64) -> Option<State> {
        self.states.get(&sid).cloned()
    }

    /// The corner radius of an element's box.
    pub(crate) fn radius_of(&self, n: &Node, r: Rect) -> f32 {
        n.style.radius_px(self.ctx, r.w, r.h)
    }

    /// Paints node `i` (and its subtree) with its parent's border box at `(ox, oy)`, at
    /// inherited `opacity`; `uo` is the parent's top-left from the page origin before taffy's
    /// rounding.
    fn paint(&mut self, i: usize, ox: f32, oy: f32, opacity: f32, uo: (f32, f32)) -> Result<()> {
        let n = &self.tree.nodes[i];
        if n.style.display == crate::style::Display::None {
            return Ok(());
        }
        let (l, unrounded_w) = self.layout.layout_of(i)?;
        let mut rect = Rect::new(
            ox + l.location.x,
            oy + l.location.y,
            l.size.width,
            l.size.height,
        );
        if n.style.position == crate::style::Position::Fixed {
            // `position: fixed` is placed by its insets in the viewport, whatever the page's
            // scroll (hit tests follow, from `rects`); without insets it keeps its place
            let c = Ctx { font_size: n.style.font_size, ..self.ctx };
            let (vw, vh) = (self.ctx.vw, self.ctx.vh);
            let [top, right, bottom, left] = n.style.inset;
            rect.x = match (c.resolve(left, vw), c.resolve(right, vw)) {
                (Some(x), _) => x,
                (None, Some(r)) => vw - r - rect.w,
                (None, None) => rect.x,
            };
            rect.y = match (c.resolve(top, vh), c.resolve(bottom, vh)) {
                (Some(y), _) => y,
                (None, Some(b)) => vh - b - rect.h,
                (None, None) => rect.y + self.page_scroll,
            };
        }
        if n.style.position == crate::style::Position::Sticky {
            let (dx, dy) = self.sticky_shift(n, rect);
            rect.x += dx;
            rect.y += dy;
        }
        let rect = rect;
        self.rects[i] = Some(rect);
        let op = opacity * n.style.opacity;
        let s = &n.style;
        match &n.kind {
            NodeKind::Text(_) => {
                let area = *self.clips.last().expect("viewport");
                if !overlaps(rect, area) || !s.visible {
                    return Ok(());
                }
                let deco = n.parent.map(|p| &self.tree.nodes[p].style).map(|ps| (ps.text_decoration, ps.text_decoration_color));
                let Some(tc) = self.layout.text_ctx_mut(i) else {
                    return Ok(());
                };
                let (font_size, lh, bold, fstyle) = (tc.font_size, tc.line_height, tc.bold, tc.rules.style);
                let styled = fstyle.italic || fstyle.letter_spacing != 0.0;
                let (_, lines) = tc.lines(self.fonts, Some(unrounded_w));
                let color = s.color.with_opacity(op);
                let mut items = Vec::with_capacity(lines.len());
                for (k, line) in lines.iter().enumerate() {
                    if line.text.is_empty() {
                        continue;
                    }
                    let x = match s.text_align {
                        TextAlign::Left => rect.x,
                        TextAlign::Center => rect.x + (rect.w - line.width) / 2.0,
                        TextAlign::Right => rect.x + rect.w - line.width,
                    };
                    let line_rect = Rect::new(x, rect.y + k as f32 * lh, line.width.ceil() + 1.0, lh);
                    if self.selected.is_some_and(|sel| crate::selection::within(self.tree, i, sel)) {
                        items.push(crate::selection::tint(Rect { w: line.width, ..line_rect }));
                    }
                    items.push(if styled {
                        DisplayItem::StyledText {
                            rect: line_rect,
                            text: line.text.clone(),
                            font_size,
                            line_height: lh,
                            color,
                            style: fstyle,
                            align: s.text_align,
                        }
                    } else {
                        DisplayItem::Text {
                            rect: line_rect,
                            text: line.text.clone(),
                            font_size,
                            line_height: lh,
                            color,
                            bold,
                            align: s.text_align,
                        }
                    });
                    if let Some((line_kind, c)) = deco {
                        let c = c.map_or(color, |c| c.with_opacity(op));
                        items.extend(decoration(line_kind, line_rect, line.width, font_size, c));
                    }
                }
                for item in items {
                    self.push(item);
                }
                return Ok(());
            }
            NodeKind::Element(tag) => {
                let [ux, uy, uw, uh] = self.layout.unrounded_box(i);
                let key = crate::paint_cache::Key {
                    rect,
                    unrounded: [uo.0 + ux, uo.1 + uy, uw, uh],
                    opacity,
                    area: *self.clips.last().expect("viewport"),
                    scroll: self.page_scroll,
                };
                if self.rec.reuse(self.tree, i, &key, &mut self.out.items, self.runs, self.rects) {
                    return Ok(());
                }
                let start = (self.out.items.len(), self.runs.len());
                let radius = s.radius_px(self.ctx, rect.w, rect.h);
                let content = Rect::new(
                    rect.x + l.border.left + l.padding.left,
                    rect.y + l.border.top + l.padding.top,
                    (rect.w - l.border.left - l.border.right - l.padding.left - l.padding.right)
                        .max(0.0),
                    (rect.h - l.border.top - l.border.bottom - l.padding.top - l.padding.bottom)
                        .max(0.0),
                );
                // `opacity` and `transform` apply to the element and its children as one group
                let transform = s.transform.as_deref().map(|t| transform_matrix(t, self.ctx, s, rect));
                // a group whose items cannot overlap (a box alone, or text alone) fades item by
                // item with the same pixels and no layer
                let tree = self.tree;
                let only_text = n.children.iter().all(|&c| matches!(tree.nodes[c].kind, NodeKind::Text(_)));
                let plain_box = s.background.a == 0
                    && s.box_shadow.is_none()
                    && s.background_image.is_none()
                    && (0..4).all(|k| s.border_style[k] == crate::style::BorderStyle::None || l_border(&l, k) == 0.0);
                let no_overlap = matches!(tag.as_str(), "view" | "text")
                    && only_text
                    && (n.children.is_empty() || plain_box)
                    && s.box_shadow.is_none();
                let layered = (s.opacity < 1.0 && !no_overlap) || transform.is_some();
                let op = if layered { opacity } else { op };
                if layered {
                    self.out.push(DisplayItem::PushLayer {
                        opacity: s.opacity.clamp(0.0, 1.0),
                        transform: transform.unwrap_or(crate::display::IDENTITY),
                    });
                }
                if s.visible {
                    self.paint_box(n, rect, l.border, op);
                }
                let component = crate::components::lookup(tag);
                if let Some(c) = component {
                    if let Some(st) = self.states.get_mut(&n.sid) {
                        c.sync(n, st);
                    }
                    if s.visible {
                        c.paint(self, n, content, op);
                    }
                }
                let (sx, sy) = component.map_or((false, false), |c| c.scroll_axes(n));
                let scrolls = sx || sy;
                let clip = s.overflow_hidden || scrolls;
                if clip {
                    self.out.push(DisplayItem::PushClip { rect, radius });
                    let area = intersect(*self.clips.last().expect("viewport"), rect);
                    self.clips.push(area);
                }
                let (dx, dy) = match component {
                    _ if scrolls => self.scroll_offset(n, sx, sy),
                    // A swiper shows its current page.
                    Some(c) => c.child_offset(n, self.states.get(&n.sid), content),
                    None => (0.0, 0.0),
                };
                let tree = self.tree;
                let (mut right, mut bottom) = (0.0f32, 0.0f32);
                if n.para.is_some() {
                    let content = content.translated(-dx, -dy);
                    if s.visible {
                        self.paragraph(i, content, op)?;
                    }
                } else {
                    for &c in paint_order(tree, i).iter() {
                        self.paint(c, rect.x - dx, rect.y - dy, op, (key.unrounded[0], key.unrounded[1]))?;
                        if scrolls {
                            if let Some(cr) = self.rects[c] {
                                right = right.max(cr.x + cr.w + dx - rect.x);
                                bottom = bottom.max(cr.y + cr.h + dy - rect.y);
                            }
                        }
                    }
                }
                if scrolls {
                    let st = self.states.entry(n.sid).or_default();
                    st.scroll.max_x = if sx { (right + l.padding.right - rect.w).max(0.0) } else { 0.0 };
                    st.scroll.max_y = if sy { (bottom + l.padding.bottom - rect.h).max(0.0) } else { 0.0 };
                }
                if let Some(c) = component {
                    c.paint_over(self, n, content, op);
                }
                if clip {
                    self.clips.pop();
                    self.out.push(DisplayItem::PopClip);
                }
                if layered {
                    self.out.push(DisplayItem::PopLayer);
                }
                self.rec.record(i, key, start, (self.out.items.len(), self.runs.len()));
            }
        }
        Ok(())
    }

    /// Paints an element's box: shadows, background colour, background image, borders.
    fn paint_box(&mut self, n: &Node, rect: Rect, b: taffy::Rect<f32>, op: f32) {
        use crate::display::LineStyle;
        use crate::style::{BgImage, BorderStyle};
        let s = &n.style;
        let radii = s.radii_px(self.ctx, rect.w, rect.h);
        let fctx = Ctx { font_size: s.font_size, ..self.ctx };
        if let Some(shadows) = &s.box_shadow {
            // the first shadow is on top
            for sh in shadows.iter().rev().filter(|sh| !sh.inset) {
                let px = |l| fctx.px(l).unwrap_or(0.0);
                let spread = px(sh.spread);
                let r = Rect::new(
                    rect.x + px(sh.x) - spread,
                    rect.y + px(sh.y) - spread,
                    (rect.w + 2.0 * spread).max(0.0),
                    (rect.h + 2.0 * spread).max(0.0),
                );
                let color = sh.color.unwrap_or(s.color).with_opacity(op);
                self.push(DisplayItem::Shadow {
                    rect: r,
                    radii: radii.map(|v| if v > 0.0 { (v + spread).max(0.0) } else { 0.0 }),
                    color,
                    blur: px(sh.blur).max(0.0),
                });
            }
        }
        let widths = [b.top, b.right, b.bottom, b.left];
        let colors = [0, 1, 2, 3].map(|k| s.border_side_color(k).with_opacity(op));
        let styles = s.border_style.map(|st| match st {
            BorderStyle::Dashed => LineStyle::Dashed,
            BorderStyle::Dotted => LineStyle::Dotted,
            _ => LineStyle::Solid,
        });
        let widths = [0, 1, 2, 3].map(|k| if s.border_style[k] == BorderStyle::None { 0.0 } else { widths[k] });
        let fill = s.background.with_opacity(op);
        let has_border = widths.iter().zip(colors.iter()).any(|(w, c)| *w > 0.0 && c.a > 0);
        let simple = radii.iter().all(|r| *r == radii[0])
            && widths.iter().all(|w| *w == widths[0])
            && colors.iter().all(|c| *c == colors[0])
            && styles.iter().all(|st| *st == LineStyle::Solid);
        let image = s.background_image.as_deref();
        if simple && image.is_none() {
            if fill.a > 0 || has_border {
                self.push(DisplayItem::Rect {
                    rect,
                    color: fill,
                    radius: radii[0],
                    border_width: widths[0],
                    border_color: colors[0],
                });
            }
            return;
        }
        let with_fill = image.is_none();
        if !with_fill && fill.a > 0 {
            self.push(DisplayItem::Border {
                rect,
                fill,
                radii,
                widths: [0.0; 4],
                colors,
                styles,
            });
        }
        match image {
            Some(BgImage::Linear { angle, stops }) => {
                let a = angle.to_radians();
                let (dx, dy) = (a.sin(), -a.cos());
                let len = (rect.w * dx).abs() + (rect.h * dy).abs();
                let (cx, cy) = rect.center();
                let start = [cx - dx * len / 2.0, cy - dy * len / 2.0];
                let end = [cx + dx * len / 2.0, cy + dy * len / 2.0];
                let stops = gradient_stops(stops, fctx, len, op);
                if !stops.is_empty() {
                    self.push(DisplayItem::Gradient { rect, radii, start, end, stops });
                }
            }
            Some(BgImage::Url(src)) => {
                use crate::style::{BgRepeat, BgSize};
                let res = |l, basis| fctx.resolve(l, basis);
                let size = match s.background_size {
                    BgSize::Auto => crate::display::TileSize::Auto,
                    BgSize::Cover => crate::display::TileSize::Cover,
                    BgSize::Contain => crate::display::TileSize::Contain,
                    BgSize::Len(w, h) => crate::display::TileSize::Px(res(w, rect.w), res(h, rect.h)),
                };
                let pos = |l: crate::style::Len| match l {
                    crate::style::Len::Pct(p) => (0.0, p / 100.0),
                    crate::style::Len::Calc(c) => (fctx.resolve(crate::style::Len::Calc(crate::style::Calc { pct: 0.0, ..c }), 0.0).unwrap_or(0.0), c.pct / 100.0),
                    other => (fctx.px(other).unwrap_or(0.0), 0.0),
                };
                let (px_, py_) = s.background_position;
                let repeat = match s.background_repeat {
                    BgRepeat::Repeat => [true, true],
                    BgRepeat::RepeatX => [true, false],
                    BgRepeat::RepeatY => [false, true],
                    BgRepeat::NoRepeat => [false, false],
                };
                self.push(DisplayItem::Background {
                    rect,
                    radii,
                    src: src.clone(),
                    size,
                    position: [pos(px_), pos(py_)],
                    repeat,
                });
            }
            None => {}
        }
        if (with_fill && fill.a > 0) || has_border {
            self.push(DisplayItem::Border {
                rect,
                fill: if with_fill { fill } else { Color::TRANSPARENT },
                radii,
                widths,
                colors,
                styles,
            });
        }
    }

    /// Paints the spans of paragraph node `i` in its content box, one text item per piece of
    /// a span on a line, and records where each piece and each inline node went.
    fn paragraph(&mut self, i: usize, content: Rect, op: f32) -> Result<()> {
        let tree = self.tree;
        let n = &tree.nodes[i];
        let Some(spans) = &n.para else {
            return Ok(());
        };
        let id = self.layout.ids[i];
        let ul = self.layout.taffy.unrounded_layout(id);
        let width =
            (ul.size.width - ul.padding.left - ul.padding.right - ul.border.left - ul.border.right)
                .max(0.0);
        let Some(tc) = self.layout.taffy.get_node_context_mut(id) else {
            return Ok(());
        };
        let (_, _, lines) = tc.rich_lines(self.fonts, Some(width));
        let area = *self.clips.last().expect("the viewport is always there");
        let first_run = self.runs.len();
        let mut items = Vec::new();
        for line in lines {
            let x0 = match n.style.text_align {
                TextAlign::Left => content.x,
                TextAlign::Center => content.x + (content.w - line.width) / 2.0,
                TextAlign::Right => content.x + content.w - line.width,
            };
            for run in &line.runs {
                let span = &spans[run.span];
                // The line box of the piece (for taps), and where its text is drawn.
                let r = Rect::new(
                    x0 + run.x,
                    content.y + line.top,
                    run.width.ceil() + 1.0,
                    line.height,
                );
                let drawn = Rect::new(r.x, r.y + run.dy, r.w, span.line_height);
                let op = op * span.opacity;
                if self.selected.is_some_and(|sel| crate::selection::within(tree, span.node, sel)) {
                    items.push(crate::selection::tint(Rect { w: run.width, ..drawn }));
                }
                if span.background.a > 0 {
                    items.push(DisplayItem::Rect {
                        rect: Rect {
                            w: run.width,
                            ..drawn
                        },
                        color: span.background.with_opacity(op),
                        radius: 0.0,
                        border_width: 0.0,
                        border_color: Color::TRANSPARENT,
                    });
                }
                // (what `push` would cull is not built: no copy of the text of rows
                // scrolled away)
                if overlaps(drawn, area) {
                    items.push(DisplayItem::Text {
                        rect: drawn,
                        text: run.text.clone(),
                        font_size: span.font_size,
                        line_height: span.line_height,
                        color: span.color.with_opacity(op),
                        bold: span.bold,
                        align: n.style.text_align,
                    });
                }
                // the paragraph's own `text-decoration` runs under every piece
                let c = n.style.text_decoration_color.map_or(span.color, |c| c).with_opacity(op);
                items.extend(decoration(n.style.text_decoration, drawn, run.width, span.font_size, c));
                self.runs.push((i, span.node, r));
            }
        }
        for item in items {
            self.push(item);
        }
        // Every node inside the paragraph covers the pieces of its text.
        for k in first_run..self.runs.len() {
            let (_, t, r) = self.runs[k];
            let mut cur = Some(t);
            while let Some(c) = cur.filter(|c| *c != i) {
                self.rects[c] = Some(match self.rects[c] {
                    None => r,
                    Some(u) => {
                        let (x, y) = (u.x.min(r.x), u.y.min(r.y));
                        let right = (u.x + u.w).max(r.x + r.w);
                        let bottom = (u.y + u.h).max(r.y + r.h);
                        Rect::new(x, y, right - x, bottom - y)
                    }
                });
                cur = tree.nodes[c].parent;
            }
        }
        Ok(())
    }

    /// A scroll-view's offset: its state, updated from `scroll-top`/`scroll-left` when the app
    /// changed them since the last render.
    fn scroll_offset(&mut self, n: &Node, sx: bool, sy: bool) -> (f32, f32) {
        let top = crate::components::px_attr(n, "scroll-top");
        let left = crate::components::px_attr(n, "scroll-left");
        let st = self.states.entry(n.sid).or_default();
        if let Some(t) = top {
            if st.scroll.seen_top != Some(t) {
                st.scroll.seen_top = Some(t);
                st.scroll.y = t.max(0.0);
            }
        }
        if let Some(l) = left {
            if st.scroll.seen_left != Some(l) {
                st.scroll.seen_left = Some(l);
                st.scroll.x = l.max(0.0);
            }
        }
        // Clamp to the extent measured at the last render (unknown the first time).
        if st.scroll.max_y > 0.0 || st.scroll.max_x > 0.0 {
            st.scroll.y = st.scroll.y.min(st.scroll.max_y);
            st.scroll.x = st.scroll.x.min(st.scroll.max_x);
        }
        (if sx { st.scroll.x } else { 0.0 }, if sy { st.scroll.y } else { 0.0 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VP: Viewport = Viewport {
        width: 375.0,
        height: 600.0,
    };

    fn page(xml: &str, css: &str) -> Page {
        Page::new(xml, "pages/t/t.xml", &[("app.css", css)], VP).unwrap_or_else(|e| panic!("{e}"))
    }

    fn fonts() -> FontSystem {
        crate::text::new_font_system()
    }

    const COUNTER: &str = r#"<view class="page">
  <text id="count">{{count}}</text>
  <button id="inc" class="inc" bind:tap="onInc" data-step="1">+1</button>
</view>"#;

    #[test]
    fn elements_describe_the_tree_with_boxes() {
        let mut p = page(COUNTER, ".page { padding: 10px; display: flex; color: rgba(255, 0, 0, 0.5); }");
        p.set_data(&serde_json::json!({"count": 3})).unwrap();
        p.render(&mut fonts()).unwrap();
        let e = p.elements();
        // Each element's computed style, as the Elements panel shows it.
        let style = &e["root"]["children"][0]["style"];
        assert_eq!(style["display"], "flex", "{style}");
        assert_eq!(style["padding"], "10px 10px 10px 10px", "{style}");
        assert_eq!(style["color"], "rgba(255, 0, 0, 0.50)", "{style}");
        assert_eq!(style["flex-direction"], "Row", "{style}");
        let root = &e["root"];
        let view = &root["children"][0];
        assert_eq!(view["tag"], "view");
        assert_eq!(view["class"], serde_json::json!(["page"]));
        let text = &view["children"][0];
        assert_eq!((text["tag"].as_str(), text["id"].as_str()), (Some("text"), Some("count")));
        assert_eq!(text["children"][0]["text"], "3");
        let b = &text["box"];
        assert!(b["x"].as_f64().unwrap() >= 10.0 && b["w"].as_f64().unwrap() > 0.0, "{b}");
        assert_eq!(view["children"][1]["id"], "inc");
        assert_eq!(e["truncated"], 0);
        assert!(e["nodes"].as_u64().unwrap() >= 5);
    }

    #[test]
    fn embedded_component_styles_parse() {
        assert!(parse_stylesheet(DEFAULT_STYLESHEET, "components.css").is_ok());
        assert!(!default_component_styles().rules.is_empty());
    }

    #[test]
    fn given_component_styles_replace_the_embedded_ones() {
        let (base, _) = parse_stylesheet(
            "button { background-color: #ff00ff; height: 30px; }",
            "base 9.0.0: styles/components.css",
        )
        .unwrap();
        let mut p = Page::with_component_styles(
            COUNTER,
            "pages/t/t.xml",
            &base,
            &[],
            VP,
            Limits::default(),
        )
        .unwrap();
        let list = p.render(&mut fonts()).unwrap();
        let b = p.find("#inc").unwrap().unwrap();
        assert_eq!(b.h, 30.0);
        let magenta = list.items.iter().any(|i| matches!(i, DisplayItem::Rect { rect, color, .. } if *rect == b && *color == Color::rgb(255, 0, 255)));
        assert!(magenta, "{list:?}");
        // The embedded sheet's button colour is not there.
        assert!(!list.items.iter().any(|i| matches!(i, DisplayItem::Rect { color, .. } if *color == Color::rgb(0xf2, 0xf2, 0xf2))));
    }

    #[test]
    fn counter_page_shows_data_and_updates_after_set_data() {
        let mut f = fonts();
        let mut p = page(COUNTER, ".inc { background-color: #07c160; color: #fff; }");
        p.set_data(&json!({"count": 0})).unwrap();
        p.render(&mut f).unwrap();
        assert_eq!(p.text_content(), "0\n+1");
        p.set_data(&json!({"count": 2})).unwrap();
        let list = p.render(&mut f).unwrap();
        assert_eq!(p.text_content(), "2\n+1");
        assert!(list.texts().contains(&"2"));
        assert_eq!(p.data(), &json!({"count": 2}));
    }

    #[test]
    fn button_is_laid_out_below_the_text_with_its_default_height() {
        let mut f = fonts();
        let mut p = page(COUNTER, ".inc { background-color: #07c160; }");
        p.set_data(&json!({"count": 1})).unwrap();
        let list = p.render(&mut f).unwrap();
        let count = p.find("#count").unwrap().unwrap();
        let b = p.find("#inc").unwrap().unwrap();
        assert_eq!((count.x, count.y, count.w), (0.0, 0.0, 375.0));
        assert_eq!(count.h, (16.0f32 * 1.4).round());
        assert_eq!((b.x, b.y, b.w, b.h), (0.0, count.h, 375.0, 46.0));
        let green = list.items.iter().find_map(|i| match i {
            DisplayItem::Rect {
                rect,
                color,
                radius,
                border_width,
                ..
            } if *color == Color::rgb(7, 193, 96) => Some((*rect, *radius, *border_width)),
            _ => None,
        });
        assert_eq!(green, Some((b, 5.0, 0.0)));
        // The label is centred in the button.
        let label = list.items.iter().find_map(|i| match i {
            DisplayItem::Text {
                rect,
                text,
                font_size,
                ..
            } if text == "+1" => Some((*rect, *font_size)),
            _ => None,
        });
        let (r, size) = label.expect("label drawn");
        assert_eq!(size, 18.0);
        assert!((r.x + (r.w - 1.0) / 2.0 - 187.5).abs() < 2.0, "{r:?}");
        assert!(r.y >= b.y && r.y + r.h <= b.y + b.h + 0.5, "{r:?} in {b:?}");
    }

    #[test]
    fn find_accepts_id_class_and_text_selectors() {
        let mut f = fonts();
        let mut p = page(
            r#"<view><view class="a hidden" style="display: none">Hidden</view><view class="a">Shown</view><button>Go</button></view>"#,
            "",
        );
        p.render(&mut f).unwrap();
        let shown = p.find("text=Shown").unwrap().unwrap();
        assert_eq!(
            p.find(".a").unwrap(),
            Some(shown),
            "display:none nodes are skipped"
        );
        assert!(p.find("text= Go ").unwrap().is_some());
        assert_eq!(p.find("text=Hidden").unwrap(), None);
        assert_eq!(p.find("#nope").unwrap(), None);
        assert_eq!(
            p.find("view").unwrap_err().to_string(),
            "selector `view`: expected `#id`, `.class` or `text=Label`"
        );
        assert_eq!(
            p.find("#").unwrap_err().to_string(),
            "selector `#`: the name after the prefix is empty"
        );
        assert_eq!(p.text_content(), "Shown\nGo");
    }

    #[test]
    fn taps_bubble_through_bind_and_stop_at_catch() {
        let mut f = fonts();
        let mut p = page(
            r#"<view id="outer" bind:tap="onOuter" data-level="top">
  <view id="middle" catch:tap="onMiddle">
    <button id="btn" bindtap="onButton" data-item-id="{{7}}">Tap</button>
  </view>
  <view id="plain" data-x="1">Plain text</view>
</view>"#,
            "",
        );
        p.render(&mut f).unwrap();
        let (x, y) = p.find("#btn").unwrap().unwrap().center();
        let all = p.hit_test_all(x, y);
        assert_eq!(
            all.iter().map(|e| e.handler.as_str()).collect::<Vec<_>>(),
            vec!["onButton", "onMiddle"]
        );
        let first = p.hit_test(x, y).unwrap();
        assert_eq!(first.handler, "onButton");
        assert_eq!(first.event["type"], "tap");
        assert_eq!(first.event["target"]["id"], "btn");
        assert_eq!(first.event["target"]["dataset"], json!({"itemId": 7}));
        assert_eq!(all[1].event["currentTarget"]["id"], "middle");
        assert_eq!(all[1].event["target"]["id"], "btn");
        assert_eq!(first.event["detail"], json!({"x": x, "y": y}));

        let (px, py) = p.find("#plain").unwrap().unwrap().center();
        let e = p.hit_test(px, py).unwrap();
        assert_eq!(e.handler, "onOuter");
        assert_eq!(e.event["target"]["id"], "plain");
        assert_eq!(e.event["target"]["dataset"], json!({"x": "1"}));
        assert_eq!(e.event["currentTarget"]["dataset"], json!({"level": "top"}));

        assert_eq!(
            p.hit_test(10.0, 590.0),
            None,
            "below the content: only the page"
        );
        assert_eq!(p.hit_test(-5.0, 5.0), None);
    }

    #[test]
    fn if_elif_else_and_for_follow_the_data() {
        let mut f = fonts();
        let mut p = page(
            r#"<view>
  <text m:if="{{n > 1}}">many</text>
  <text m:elif="{{n == 1}}">one</text>
  <text m:else>none</text>
  <view m:for="{{items}}" m:key="id" m:for-item="it" m:for-index="i" class="row {{it.done ? 'done' : ''}}">{{i}}:{{it.title}}</view>
  <block m:for="{{[1,2]}}"><text m:if="{{item > 1}}">b{{item}}</text></block>
  <text m:for="{{items}}" m:if="{{item.done}}">done {{item.title}}</text>
</view>"#,
            "",
        );
        p.set_data(&json!({"n": 0, "items": []})).unwrap();
        p.render(&mut f).unwrap();
        // Only `<text>`s left: they flow inline, as one paragraph.
        assert_eq!(p.text_content(), "noneb2");
        p.set_data(&json!({"n": 1, "items": [{"id": 1, "title": "A", "done": false}, {"id": 2, "title": "B", "done": true}]}))
            .unwrap();
        p.render(&mut f).unwrap();
        assert_eq!(p.text_content(), "one\n0:A\n1:B\nb2\ndone B");
        assert!(p.find(".done").unwrap().is_some());
        p.set_data(&json!({"n": 5, "items[0].done": true})).unwrap();
        p.render(&mut f).unwrap();
        assert_eq!(p.text_content(), "many\n0:A\n1:B\nb2\ndone A\ndone B");
    }

    #[test]
    fn relayout_after_set_data_reuses_and_frees_layout_nodes() {
        let mut f = fonts();
        let mut p = page(
            r#"<view><view m:for="{{list}}" m:key="*this">row {{item}}</view><text>{{title}}</text></view>"#,
            "",
        );
        let rows =
            |n: usize| json!({"list": (0..n).collect::<Vec<_>>(), "title": format!("n={n}")});
        for n in [3, 50, 2, 0, 7] {
            p.set_data(&rows(n)).unwrap();
            p.render(&mut f).unwrap();
            assert_eq!(p.layout.node_count(), p.node_count(), "after {n} rows");
            assert_eq!(p.text_content().lines().count(), n + 1);
        }
        // Key-matched rows keep their place; the text below moves with the list.
        let before = p.find("text=n=7").unwrap().unwrap();
        p.set_data(&json!({"list": [0, 1, 2, 3, 4, 5, 6, 7]}))
            .unwrap();
        p.render(&mut f).unwrap();
        let after = p.find("text=n=7").unwrap().unwrap();
        assert!(after.y > before.y);
    }

    #[test]
    fn flex_rows_rpx_and_absolute_position_lay_out_like_css() {
        let mut f = fonts();
        let mut p = page(
            r#"<view class="row"><view class="a"/><view class="b"/><view class="abs"/></view>"#,
            ".row { display: flex; height: 100rpx; padding: 10px; position: relative; gap: 5px; }
             .a { flex: 1; background: red; }
             .b { width: 100px; margin-left: 5px; }
             .abs { position: absolute; right: 0; bottom: 0; width: 20px; height: 10%; }",
        );
        p.render(&mut f).unwrap();
        let row = p.find(".row").unwrap().unwrap();
        let a = p.find(".a").unwrap().unwrap();
        let b = p.find(".b").unwrap().unwrap();
        let abs = p.find(".abs").unwrap().unwrap();
        assert_eq!(
            (row.w, row.h),
            (375.0, 70.0),
            "stretched to the page; content-box height 50 + 2×10"
        );
        assert_eq!((a.x, a.y, a.h), (10.0, 10.0, 50.0));
        assert_eq!(
            a.w,
            355.0 - 100.0 - 5.0 - 5.0,
            "flex: 1 takes what the gap, margin and .b leave"
        );
        assert_eq!(b.x, a.x + a.w + 5.0 + 5.0);
        assert_eq!(
            (abs.x, abs.y, abs.w, abs.h),
            (375.0 - 20.0, 70.0 - 7.0, 20.0, 7.0)
        );
    }

    #[test]
    fn unsupported_css_is_a_warning_with_file_and_line() {
        let p = page("<view/>", ".a {\n  float: left;\n}");
        assert_eq!(
            p.warnings()
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>(),
            vec!["app.css:2:3: unsupported property `float`"]
        );
    }

    #[test]
    fn template_and_style_errors_surface_from_new() {
        let e = Page::new("<view>\n  <foo/>\n</view>", "pages/i/i.xml", &[], VP).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("pages/i/i.xml:2:3: unknown tag <foo>"),
            "{e}"
        );
        // A bad value is only a warning now; the page still builds.
        let p = Page::new("<view/>", "p.xml", &[("app.css", ".a { color: nope }")], VP).unwrap();
        assert!(
            p.warnings()[0]
                .to_string()
                .starts_with("app.css:1:6: invalid value `nope` for `color`"),
            "{}",
            p.warnings()[0]
        );
    }

    #[test]
    fn expanding_past_the_node_limit_is_an_error_and_keeps_the_last_render() {
        let mut f = fonts();
        let mut p = page(r#"<view m:for="{{n}}">{{item}}</view>"#, "");
        p.set_data(&json!({"n": 3})).unwrap();
        p.render(&mut f).unwrap();
        p.set_data(&json!({"n": 1_000_000})).unwrap();
        let e = p.render(&mut f).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("nodes after expanding pages/t/t.xml: limit is 20000"),
            "{e}"
        );
        assert_eq!(p.text_content(), "0\n1\n2");
    }

    #[test]
    fn nested_loops_that_make_no_nodes_still_hit_the_iteration_limit() {
        let mut f = fonts();
        let mut p = page(
            r#"<block m:for="{{n}}"><block m:for="{{n}}"><block m:for="{{n}}"></block></block></block>"#,
            "",
        );
        p.set_data(&json!({"n": 20000})).unwrap();
        let e = p.render(&mut f).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("m:for iterations in one render of pages/t/t.xml: limit is 1000000"),
            "{e}"
        );
    }

    #[test]
    fn the_deepest_allowed_template_renders_without_overflowing_the_stack() {
        let depth = crate::limits::DEFAULT_MAX_DEPTH;
        let xml = format!("{}deep{}", "<view>".repeat(depth), "</view>".repeat(depth));
        let mut f = fonts();
        let mut p = page(&xml, "view { padding-left: 1px; }");
        p.render(&mut f).unwrap();
        assert_eq!(p.find("text=deep").unwrap().map(|r| r.x), Some(255.0));
        assert!(p.hit_test(300.0, 5.0).is_none());
    }

    #[test]
    fn opacity_clipping_images_and_icons_reach_the_display_list() {
        let mut f = fonts();
        let mut p = page(
            r#"<scroll-view class="s" scroll-top="10"><view class="o">x</view><image src="/assets/a.png" class="img"/><icon type="success" size="30"/></scroll-view>"#,
            ".s { height: 100px; } .o { opacity: 0.5; background-color: #ff0000; color: #000; } .img { width: 50px; height: 40px; border-radius: 4px; }",
        );
        let list = p.render(&mut f).unwrap();
        assert!(matches!(
            list.items.first(),
            Some(DisplayItem::PushClip { .. })
        ));
        assert!(matches!(list.items.last(), Some(DisplayItem::PopClip)));
        // opacity applies to the group: a layer around the box and its text, drawn opaque
        let layer = list
            .items
            .iter()
            .position(|i| matches!(i, DisplayItem::PushLayer { opacity, .. } if *opacity == 0.5))
            .expect("a layer for the opacity");
        assert!(matches!(&list.items[layer + 1], DisplayItem::Rect { color, .. } if *color == Color::rgb(255, 0, 0)));
        assert!(matches!(&list.items[layer + 2], DisplayItem::Text { color, .. } if color.a == 255));
        assert!(matches!(&list.items[layer + 3], DisplayItem::PopLayer));
        let img = list.items.iter().find_map(|i| match i {
            DisplayItem::Image { rect, src, radius } => Some((*rect, src.clone(), *radius)),
            _ => None,
        });
        let (r, src, radius) = img.expect("image item");
        assert_eq!(
            (src.as_str(), radius, r.w, r.h),
            ("/assets/a.png", 4.0, 50.0, 40.0)
        );
        let o = p.find(".o").unwrap().unwrap();
        assert_eq!(o.y, -10.0, "scroll-top moves the content up");
        assert!(list.items.iter().any(|i| matches!(i, DisplayItem::Rect { rect, radius, color, .. } if rect.w == 30.0 && *radius == 15.0 && *color == Color::rgb(7, 193, 96))));
    }

    #[test]
    fn block_margins_collapse_as_in_css_and_flex_margins_do_not() {
        let mut f = fonts();
        let mut p = page(
            r#"<view id="outer"><view id="a" class="m"/><view id="b" class="m big"/><view id="c" class="m"/></view><view id="row" class="flex"><view id="d" class="m"/><view id="e" class="m"/></view><view class="col"><view id="f" class="m"/><view id="g" class="m"/></view><button id="mini" size="mini">ok</button>"#,
            ".m { height: 10px; margin: 8px 0; } .big { margin: 20px 0; } .flex { display: flex; } .col { display: flex; flex-direction: column; } #outer { border: 1px solid #000; }",
        );
        p.render(&mut f).unwrap();
        let r = |sel: &str| p.find(sel).unwrap().unwrap();
        // Siblings share the larger of two adjoining margins: 8 | 10 | 20 | 10 | 20 | 10 | 8.
        assert_eq!(r("#a").y, 1.0 + 8.0);
        assert_eq!(r("#b").y - r("#a").y, 10.0 + 20.0);
        assert_eq!(r("#c").y - r("#b").y, 10.0 + 20.0);
        assert_eq!(r("#outer").h, 2.0 + 8.0 + 10.0 + 20.0 + 10.0 + 20.0 + 10.0 + 8.0);
        // The border keeps the last child's margin inside its parent; a flex container's
        // first item's margin does not collapse through it (the row starts 8 px down).
        assert_eq!(r("#row").y, r("#outer").y + r("#outer").h);
        assert_eq!(r("#d").y - r("#row").y, 8.0);
        // A flex container's items keep both margins.
        assert_eq!(r("#g").y - r("#f").y, 10.0 + 16.0);
        // Children of a block are as wide as it, unless they shrink to fit (the mini button's
        // `align-self: flex-start`).
        assert_eq!(r("#a").w, r("#outer").w - 2.0);
        assert!(r("#mini").w < 100.0, "{:?}", r("#mini"));
    }

    #[test]
    fn inline_style_bindings_apply_and_bad_values_only_warn() {
        let mut f = fonts();
        let mut p = page(
            r#"<view id="box" style="width: {{w}}px; height: 10px; color: {{c}}"/>"#,
            "",
        );
        p.set_data(&json!({"w": 120, "c": "bogus"})).unwrap();
        p.render(&mut f).unwrap();
        let r = p.find("#box").unwrap().unwrap();
        assert_eq!((r.w, r.h), (120.0, 10.0));
        assert_eq!(p.warnings().len(), 1);
        assert!(
            p.warnings()[0]
                .to_string()
                .starts_with("pages/t/t.xml:1:1: style attribute: invalid value `bogus` for `color`"),
            "{}",
            p.warnings()[0]
        );
    }

    #[test]
    fn long_text_wraps_inside_its_box_and_cjk_is_kept() {
        let mut f = fonts();
        let mut p = page(
            r#"<view class="c">{{t}}</view><view>你好，世界</view>"#,
            ".c { width: 100px; }",
        );
        p.set_data(&json!({"t": "the quick brown fox jumps over the lazy dog"}))
            .unwrap();
        let list = p.render(&mut f).unwrap();
        let c = p.find(".c").unwrap().unwrap();
        let lines: Vec<_> = list
            .items
            .iter()
            .filter_map(|i| match i {
                DisplayItem::Text { rect, text, .. } if rect.y < c.y + c.h => {
                    Some((rect.w, text.clone()))
                }
                _ => None,
            })
            .collect();
        assert!(lines.len() >= 3, "{lines:?}");
        assert!(lines.iter().all(|(w, _)| *w <= 101.0), "{lines:?}");
        assert!(
            (c.h - lines.len() as f32 * 16.0 * 1.4).abs() <= 1.0,
            "height {} covers {} lines",
            c.h,
            lines.len()
        );
        assert!(p.text_content().ends_with("你好，世界"));
    }

    #[test]
    fn set_data_errors_name_the_key_and_change_nothing() {
        let mut p = page(COUNTER, "");
        p.set_data(&json!({"count": 1})).unwrap();
        let e = p.set_data(&json!({"count": 2, "list[x]": 1})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "set-data key `list[x]`: index `x` is not a non-negative integer"
        );
        assert_eq!(p.data(), &json!({"count": 1}));
    }

    #[test]
    fn one_sided_borders_are_one_border_item_with_per_side_widths() {
        let mut f = fonts();
        let mut p = page(
            r#"<view class="row">x</view>"#,
            ".row { border-bottom: 2px solid #ff0000; border-left: 3px dashed #00ff00; height: 30px; }",
        );
        let list = p.render(&mut f).unwrap();
        let borders: Vec<_> = list
            .items
            .iter()
            .filter_map(|i| match i {
                DisplayItem::Border { rect, widths, colors, styles, .. } => Some((*rect, *widths, colors[2], styles[3])),
                _ => None,
            })
            .collect();
        assert_eq!(
            borders,
            vec![(
                Rect::new(0.0, 0.0, 375.0, 32.0),
                [0.0, 0.0, 2.0, 3.0],
                Color::rgb(255, 0, 0),
                crate::display::LineStyle::Dashed
            )]
        );
    }

    #[test]
    fn per_corner_radii_shadows_and_gradients_reach_the_display_list() {
        let mut f = fonts();
        let mut p = page(
            r#"<view class="a">x</view>"#,
            ".a { height: 40px; border-radius: 2px 4px 6px 8px; box-shadow: 1px 2px 3px 4px #ff0000; background: linear-gradient(to right, #000 20%, #fff); }",
        );
        let list = p.render(&mut f).unwrap();
        let shadow = list.items.iter().find_map(|i| match i {
            DisplayItem::Shadow { rect, radii, color, blur } => Some((*rect, *radii, *color, *blur)),
            _ => None,
        });
        assert_eq!(
            shadow,
            Some((Rect::new(-3.0, -2.0, 383.0, 48.0), [6.0, 8.0, 10.0, 12.0], Color::rgb(255, 0, 0), 3.0))
        );
        let gradient = list.items.iter().find_map(|i| match i {
            DisplayItem::Gradient { start, end, stops, radii, .. } => Some((*start, *end, stops.clone(), *radii)),
            _ => None,
        });
        let (start, end, stops, radii) = gradient.expect("a gradient item");
        let round = |v: [f32; 2]| v.map(|c| (c * 100.0).round() / 100.0);
        assert_eq!((round(start), round(end)), ([0.0, 20.0], [375.0, 20.0]));
        assert_eq!(stops, vec![(0.2, Color::rgb(0, 0, 0)), (1.0, Color::rgb(255, 255, 255))]);
        assert_eq!(radii, [2.0, 4.0, 6.0, 8.0]);
    }

    #[test]
    fn z_index_orders_siblings_and_fixed_boxes_ignore_the_page_scroll() {
        let mut f = fonts();
        let mut p = page(
            r#"<view class="top">a</view><view class="low">b</view><view class="fix">c</view><view class="tall"></view>"#,
            ".top { position: relative; z-index: 2; height: 10px; background: #ff0000; } .low { position: relative; z-index: 1; height: 10px; background: #00ff00; } .fix { position: fixed; top: 5px; left: 0; width: 20px; height: 20px; background: #0000ff; } .tall { height: 2000px; }",
        );
        let list = p.render(&mut f).unwrap();
        let order: Vec<Color> = list
            .items
            .iter()
            .filter_map(|i| match i {
                DisplayItem::Rect { color, .. } if color.a == 255 => Some(*color),
                _ => None,
            })
            .collect();
        let (red, green) = (Color::rgb(255, 0, 0), Color::rgb(0, 255, 0));
        let pos = |c| order.iter().position(|o| *o == c);
        assert!(pos(green).is_some() && pos(green) < pos(red), "{order:?}");
        p.scroll_by(100.0);
        p.render(&mut f).unwrap();
        assert_eq!(p.find(".fix").unwrap().map(|r| r.y), Some(5.0));
        assert_eq!(p.find(".low").unwrap().map(|r| r.y), Some(-90.0));
    }

    #[test]
    fn transforms_and_visibility_paint_as_css_says() {
        let mut f = fonts();
        let mut p = page(
            r#"<view class="r">x</view><view class="h"><view class="v">shown</view></view>"#,
            ".r { width: 100px; height: 50px; transform: rotate(90deg); } .h { visibility: hidden; background: #ff0000; height: 20px; } .v { visibility: visible; }",
        );
        let list = p.render(&mut f).unwrap();
        let t = list.items.iter().find_map(|i| match i {
            DisplayItem::PushLayer { transform, .. } => Some(*transform),
            _ => None,
        });
        let t = t.expect("a transform layer");
        // rotated about the box centre (50, 25): the centre stays put
        let (x, y) = (50.0f32, 25.0f32);
        let mapped = (t[0] * x + t[2] * y + t[4], t[1] * x + t[3] * y + t[5]);
        assert!((mapped.0 - x).abs() < 1e-4 && (mapped.1 - y).abs() < 1e-4, "{t:?}");
        assert!(!list.items.iter().any(|i| matches!(i, DisplayItem::Rect { color, .. } if *color == Color::rgb(255, 0, 0))));
        assert!(list.texts().contains(&"shown"));
    }

    #[test]
    fn ellipsis_and_line_clamp_cut_lines_with_an_ellipsis() {
        let mut f = fonts();
        let mut p = page(
            r#"<view class="one">a single line that is much too long to fit in the box</view><view class="two">two lines at most: this paragraph goes on and on far longer than two lines allow</view>"#,
            ".one { width: 120px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; } .two { width: 150px; overflow: hidden; -webkit-line-clamp: 2; }",
        );
        let list = p.render(&mut f).unwrap();
        let texts = list.texts();
        assert_eq!(texts.len(), 3, "{texts:?}");
        assert!(texts[0].ends_with('\u{2026}') && texts[0].starts_with("a single"), "{texts:?}");
        assert!(!texts[1].ends_with('\u{2026}'), "{texts:?}");
        assert!(texts[2].ends_with('\u{2026}'), "{texts:?}");
        let two = p.find(".two").unwrap().unwrap();
        assert!((two.h - 2.0 * 16.0 * 1.4).abs() < 0.5, "{two:?}");
    }

    #[test]
    fn the_hidden_attribute_hides_like_display_none() {
        let mut f = fonts();
        let mut p = page(
            r#"<view hidden="{{h}}">secret</view><view>shown</view>"#,
            "",
        );
        p.set_data(&json!({"h": true})).unwrap();
        p.render(&mut f).unwrap();
        assert_eq!(p.text_content(), "shown");
        p.set_data(&json!({"h": false})).unwrap();
        p.render(&mut f).unwrap();
        assert_eq!(p.text_content(), "secret\nshown");
    }

    #[test]
    fn dispatch_fires_other_events_with_the_given_detail() {
        let mut f = fonts();
        let mut p = page(
            r#"<view bind:input="onAny"><input id="name" value="{{name}}" placeholder="Your name" bindinput="onName" data-field="name"/></view>"#,
            "",
        );
        p.render(&mut f).unwrap();
        let events = p
            .dispatch("#name", "input", json!({"value": "Ann"}))
            .unwrap();
        assert_eq!(
            events
                .iter()
                .map(|e| e.handler.as_str())
                .collect::<Vec<_>>(),
            vec!["onName", "onAny"]
        );
        assert_eq!(events[0].event["type"], "input");
        assert_eq!(events[0].event["detail"], json!({"value": "Ann"}));
        assert_eq!(
            events[0].event["target"]["dataset"],
            json!({"field": "name"})
        );
        assert!(p
            .dispatch("#name", "confirm", json!({}))
            .unwrap()
            .is_empty());
        assert!(p
            .dispatch("#missing", "input", json!({}))
            .unwrap()
            .is_empty());
        assert!(p.dispatch("name", "input", json!({})).is_err());
        // The placeholder shows until the data has a value.
        assert_eq!(p.text_content(), "");
        p.set_data(&json!({"name": "Ann"})).unwrap();
        let list = p.render(&mut f).unwrap();
        assert_eq!(p.text_content(), "Ann");
        assert!(list.texts().contains(&"Ann"));
    }

    #[test]
    fn set_data_of_keys_the_template_never_reads_needs_no_rerender() {
        let mut f = fonts();
        let mut p = page(COUNTER, "");
        p.set_data(&json!({"count": 1})).unwrap();
        p.render(&mut f).unwrap();
        p.set_data(&json!({"internal.cache": [1, 2, 3]})).unwrap();
        assert!(!p.dirty);
        assert_eq!(p.data()["internal"], json!({"cache": [1, 2, 3]}));
        p.set_data(&json!({"count": 2})).unwrap();
        assert!(p.dirty);
        p.render(&mut f).unwrap();
        assert_eq!(p.text_content(), "2\n+1");
    }

    #[test]
    fn navigators_report_their_url() {
        let mut f = fonts();
        let mut p = page(
            r#"<navigator url="/pages/detail/detail?id=3"><view class="n">Open</view></navigator>"#,
            "",
        );
        p.render(&mut f).unwrap();
        let (x, y) = p.find(".n").unwrap().unwrap().center();
        assert_eq!(
            p.navigator_at(x, y).as_deref(),
            Some("/pages/detail/detail?id=3")
        );
    }

    #[test]
    fn a_sticky_header_stays_at_the_top_while_its_section_is_on_screen() {
        let xml = r#"<view id="sec" style="height: 1000px"><view style="height: 100px"/><view id="head" style="position: sticky; top: 10px; height: 40px">Head</view></view><view style="height: 2000px"/>"#;
        let mut f = crate::text::new_font_system();
        let mut p = Page::new(xml, "t.xml", &[], Viewport { width: 375.0, height: 600.0 }).unwrap();
        p.render(&mut f).unwrap();
        assert_eq!(p.find("#head").unwrap().unwrap().y, 100.0, "below the top it stands where it is laid out (not moved by top)");
        p.scroll_by(300.0);
        p.render(&mut f).unwrap();
        assert_eq!(p.find("#head").unwrap().unwrap().y, 10.0, "stuck 10px below the viewport's top");
        p.scroll_by(690.0);
        p.render(&mut f).unwrap();
        let r = p.find("#head").unwrap().unwrap();
        let sec = p.find("#sec").unwrap().unwrap();
        assert_eq!(r.y + r.h, sec.y + sec.h, "it leaves with its section");
    }

    #[test]
    fn sticky_bottom_left_and_right_keep_a_box_inside_the_visible_area() {
        // A footer at the end of a tall section sticks 5px above the viewport's bottom until the
        // section's top comes up to it.
        let xml = r#"<view id="sec" style="height: 1000px; margin-top: 200px"><view style="height: 960px"/><view id="foot" style="position: sticky; bottom: 5px; height: 40px">Foot</view></view><view style="height: 2000px"/>"#;
        let mut f = crate::text::new_font_system();
        let mut p = Page::new(xml, "t.xml", &[], Viewport { width: 375.0, height: 600.0 }).unwrap();
        p.render(&mut f).unwrap();
        assert_eq!(p.find("#foot").unwrap().unwrap().y, 600.0 - 5.0 - 40.0, "pulled up into the viewport");
        p.scroll_by(700.0);
        p.render(&mut f).unwrap();
        // laid out at 200 + 960 - 700 = 460: inside the viewport, where it stands
        assert_eq!(p.find("#foot").unwrap().unwrap().y, 460.0);
        let xml = r#"<scroll-view id="sv" scroll-x="true" scroll-left="{{x}}" style="width: 200px; height: 50px"><view style="display: flex; width: 1000px; height: 50px"><view style="width: 100px"/><view id="l" style="position: sticky; left: 10px; width: 30px; height: 20px"/><view style="width: 700px"/><view id="r" style="position: sticky; right: 10px; width: 30px; height: 20px"/></view></scroll-view>"#;
        let mut p = Page::new(xml, "t.xml", &[], Viewport { width: 375.0, height: 600.0 }).unwrap();
        p.set_data(&serde_json::json!({"x": 0})).unwrap();
        p.render(&mut f).unwrap();
        let sv = p.find("#sv").unwrap().unwrap();
        assert_eq!(p.find("#l").unwrap().unwrap().x - sv.x, 100.0, "left: not reached yet");
        assert_eq!(p.find("#r").unwrap().unwrap().x - sv.x, 200.0 - 10.0 - 30.0, "right: pulled in");
        p.set_data(&serde_json::json!({"x": 300})).unwrap();
        p.render(&mut f).unwrap();
        assert_eq!(p.find("#l").unwrap().unwrap().x - sv.x, 10.0, "left: stuck 10px from the left edge");
        assert_eq!(p.find("#r").unwrap().unwrap().x - sv.x, 200.0 - 10.0 - 30.0);
    }

}
