//! `image`: `src` (a bundle path or a remote URL of a declared origin, loaded by the front end),
//! drawn into its content box as its `mode` says; `lazy-load`; `bind:load` (`detail.width`,
//! `detail.height`) and `bind:error` (`detail.errMsg`).
//!
//! The view does not decode images: the front end tells the page each image's pixel size (or
//! why it failed) with [`crate::Page::set_image`], and asks [`crate::Page::image_sources`]
//! which images the page wants loaded. `widthFix`/`heightFix` then size the box from the
//! image's aspect ratio, the other modes place the image in the box, and the next frame fires
//! `load` or `error` once per element and source.

use serde_json::json;

use super::{attr, flag, AttrKind, Component, Ctl, Effect, Env, Spec};
use crate::display::{DisplayItem, Rect};
use crate::style::{Computed, Len};
use crate::tree::Node;

/// `image`.
pub(crate) struct Image;

static SPEC: Spec = Spec {
    tag: "image",
    attrs: &[attr("src", AttrKind::String, ""), attr("mode", AttrKind::Enum, "scaleToFill"), attr("lazy-load", AttrKind::Bool, "false")],
    events: &["load", "error"],
    summary: "an image from the bundle or a declared origin",
};

/// What the front end found out about one image source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageInfo {
    /// It decoded: its size in pixels.
    Loaded {
        /// Width in px.
        width: u32,
        /// Height in px.
        height: u32,
    },
    /// It cannot be shown: why (the network rule that refused it, "not in the bundle", a
    /// decoding error). `bind:error` gets it as `detail.errMsg`.
    Failed(String),
}

/// The `mode` values, as on the established platforms.
pub const IMAGE_MODES: &[&str] = &[
    "scaleToFill", "aspectFit", "aspectFill", "widthFix", "heightFix", "top", "bottom", "center", "left", "right",
    "top left", "top right", "bottom left", "bottom right",
];

/// How far outside the viewport (in viewport heights) a `lazy-load` image starts loading.
pub const LAZY_LOAD_SCREENS: f32 = 1.0;

/// Where an image of `size` px is drawn for `mode` in the content box `content`, and whether
/// it must be clipped to the box (it overflows it). An unknown mode is `scaleToFill`.
pub(crate) fn placement(mode: &str, content: Rect, size: (u32, u32)) -> (Rect, bool) {
    let (iw, ih) = (size.0.max(1) as f32, size.1.max(1) as f32);
    let scaled = |s: f32| {
        let (w, h) = (iw * s, ih * s);
        Rect::new(content.x + (content.w - w) / 2.0, content.y + (content.h - h) / 2.0, w, h)
    };
    match mode {
        "aspectFit" => (scaled((content.w / iw).min(content.h / ih)), false),
        "aspectFill" => (scaled((content.w / iw).max(content.h / ih)), true),
        "top" | "bottom" | "center" | "left" | "right" | "top left" | "top right" | "bottom left" | "bottom right" => {
            // Not scaled: one image pixel is one px, anchored as named (centred otherwise).
            let words: Vec<&str> = mode.split(' ').collect();
            let x = if words.contains(&"left") {
                content.x
            } else if words.contains(&"right") {
                content.x + content.w - iw
            } else {
                content.x + (content.w - iw) / 2.0
            };
            let y = if words.contains(&"top") {
                content.y
            } else if words.contains(&"bottom") {
                content.y + content.h - ih
            } else {
                content.y + (content.h - ih) / 2.0
            };
            (Rect::new(x, y, iw, ih), true)
        }
        _ => (content, false),
    }
}

/// Whether `rect` (page-area px) is near enough the viewport `vp` for a lazy image to load.
pub(crate) fn near_viewport(rect: Rect, vp: Rect) -> bool {
    let margin = vp.h * LAZY_LOAD_SCREENS;
    rect.y < vp.y + vp.h + margin && rect.y + rect.h > vp.y - margin && rect.x < vp.x + vp.w + vp.w && rect.x + rect.w > vp.x - vp.w
}

fn src_of(node: &Node) -> Option<&str> {
    node.attr("src").map(str::trim).filter(|v| !v.is_empty())
}

impl Component for Image {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn adjust_style(&self, attrs: &[(String, String)], env: &Env<'_>, style: &mut Computed) {
        let get = |name: &str| attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v.trim());
        let Some(mode @ ("widthFix" | "heightFix")) = get("mode") else { return };
        let Some(ImageInfo::Loaded { width, height }) = get("src").and_then(|s| env.images.get(s)) else { return };
        if *width == 0 || *height == 0 {
            return;
        }
        // The fixed side keeps its CSS size; the other follows the image's aspect ratio.
        style.aspect_ratio = Some(*width as f32 / *height as f32);
        if mode == "widthFix" {
            style.height = Len::Auto;
        } else {
            style.width = Len::Auto;
        }
    }

    fn paint(&self, p: &mut crate::page::Painter<'_>, node: &Node, content: Rect, _op: f32) {
        let Some(src) = src_of(node) else { return };
        if flag(node, "lazy-load") {
            let seen = p.state_mut(node).lazy_seen;
            if !seen {
                if !near_viewport(content, p.viewport()) {
                    return;
                }
                p.state_mut(node).lazy_seen = true;
            }
        }
        let radius = p.radius_of(node, content);
        let mode = node.attr("mode").map(str::trim).unwrap_or("scaleToFill");
        let placed = match p.image(src) {
            Some(ImageInfo::Loaded { width, height }) => Some(placement(mode, content, (*width, *height))),
            _ => None,
        };
        match placed {
            Some((rect, true)) => {
                p.push(DisplayItem::PushClip { rect: content, radius });
                p.push(DisplayItem::Image { rect, src: src.to_string(), radius: 0.0 });
                p.push(DisplayItem::PopClip);
            }
            Some((rect, false)) => {
                let radius = if rect == content { radius } else { 0.0 };
                p.push(DisplayItem::Image { rect, src: src.to_string(), radius });
            }
            // Not known yet (or failed): the renderer draws its placeholder in the box.
            None => p.push(DisplayItem::Image { rect: content, src: src.to_string(), radius }),
        }
    }

    fn on_frame(&self, cx: &mut Ctl<'_>, i: usize, _time_ms: u64) -> Vec<Effect> {
        let node = &cx.tree.nodes[i];
        let Some(src) = src_of(node) else { return Vec::new() };
        let lazy_waiting = flag(node, "lazy-load") && !cx.state_ref(i).is_some_and(|s| s.lazy_seen);
        if lazy_waiting || cx.state_ref(i).is_some_and(|s| s.image_notified.as_deref() == Some(src)) {
            return Vec::new();
        }
        let Some(info) = cx.images.get(src).cloned() else { return Vec::new() };
        cx.state(i).image_notified = Some(src.to_string());
        let (event, detail) = match info {
            ImageInfo::Loaded { width, height } => ("load", json!({ "width": width, "height": height })),
            ImageInfo::Failed(reason) => ("error", json!({ "errMsg": reason })),
        };
        vec![Effect::Fire { node: i, event, detail }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOX: Rect = Rect { x: 10.0, y: 20.0, w: 200.0, h: 100.0 };

    #[test]
    fn scale_to_fill_and_unknown_modes_fill_the_box() {
        assert_eq!(placement("scaleToFill", BOX, (50, 400)), (BOX, false));
        assert_eq!(placement("nonsense", BOX, (50, 400)), (BOX, false));
    }

    #[test]
    fn aspect_fit_letterboxes_and_aspect_fill_covers_and_clips() {
        // 400×400 into 200×100: fit scales to 100×100 centred, fill to 200×200 centred.
        assert_eq!(placement("aspectFit", BOX, (400, 400)), (Rect::new(60.0, 20.0, 100.0, 100.0), false));
        assert_eq!(placement("aspectFill", BOX, (400, 400)), (Rect::new(10.0, -30.0, 200.0, 200.0), true));
    }

    #[test]
    fn crop_modes_keep_the_image_size_anchored_as_named() {
        assert_eq!(placement("top left", BOX, (300, 50)), (Rect::new(10.0, 20.0, 300.0, 50.0), true));
        assert_eq!(placement("bottom right", BOX, (300, 50)), (Rect::new(-90.0, 70.0, 300.0, 50.0), true));
        assert_eq!(placement("center", BOX, (300, 50)), (Rect::new(-40.0, 45.0, 300.0, 50.0), true));
        assert_eq!(placement("top", BOX, (40, 40)), (Rect::new(90.0, 20.0, 40.0, 40.0), true));
        assert_eq!(placement("right", BOX, (40, 40)), (Rect::new(170.0, 50.0, 40.0, 40.0), true));
    }

    #[test]
    fn every_documented_mode_is_placed() {
        for m in IMAGE_MODES {
            let (r, _) = placement(m, BOX, (100, 50));
            assert!(r.w > 0.0 && r.h > 0.0, "{m}");
        }
    }

    #[test]
    fn near_viewport_reaches_one_screen_beyond() {
        let vp = Rect::new(0.0, 0.0, 375.0, 600.0);
        assert!(near_viewport(Rect::new(0.0, 1100.0, 100.0, 100.0), vp));
        assert!(!near_viewport(Rect::new(0.0, 1300.0, 100.0, 100.0), vp));
        assert!(!near_viewport(Rect::new(0.0, -800.0, 100.0, 100.0), vp));
    }

    use crate::input::{Input, Outcome};
    use crate::testutil::{events, page};

    fn images(list: &crate::DisplayList) -> Vec<Rect> {
        list.items.iter().filter_map(|i| match i { DisplayItem::Image { rect, .. } => Some(*rect), _ => None }).collect()
    }

    #[test]
    fn width_fix_takes_its_height_from_the_image_once_its_size_is_known() {
        let (mut p, mut f) = page(r#"<image id="a" mode="widthFix" src="/a.png" style="width: 200px"/>"#, "");
        assert_eq!(p.find("#a").unwrap().unwrap().h, 240.0, "the default height until the size is known");
        assert!(p.set_image("/a.png", ImageInfo::Loaded { width: 400, height: 100 }));
        p.render(&mut f).unwrap();
        let r = p.find("#a").unwrap().unwrap();
        assert_eq!((r.w, r.h), (200.0, 50.0));
        // The same news again changes nothing.
        assert!(!p.set_image("/a.png", ImageInfo::Loaded { width: 400, height: 100 }));
    }

    #[test]
    fn height_fix_takes_its_width_from_the_image() {
        let (mut p, mut f) = page(r#"<view style="display:flex"><image id="a" mode="heightFix" src="a.jpg" style="height: 60px"/></view>"#, "");
        p.set_image("a.jpg", ImageInfo::Loaded { width: 300, height: 100 });
        p.render(&mut f).unwrap();
        let r = p.find("#a").unwrap().unwrap();
        assert_eq!((r.w, r.h), (180.0, 60.0));
    }

    #[test]
    fn aspect_fill_is_clipped_to_the_box_and_aspect_fit_is_letterboxed() {
        let xml = r#"<image mode="aspectFill" src="/s.png" style="width:200px;height:100px"/><image mode="aspectFit" src="/s.png" style="width:200px;height:100px"/>"#;
        let (mut p, mut f) = page(xml, "");
        p.set_image("/s.png", ImageInfo::Loaded { width: 50, height: 50 });
        let list = p.render(&mut f).unwrap();
        let r = images(&list);
        assert_eq!(r, vec![Rect::new(0.0, -50.0, 200.0, 200.0), Rect::new(50.0, 100.0, 100.0, 100.0)]);
        let clip = list.items.iter().position(|i| matches!(i, DisplayItem::PushClip { rect, .. } if *rect == Rect::new(0.0, 0.0, 200.0, 100.0)));
        let first = list.items.iter().position(|i| matches!(i, DisplayItem::Image { .. }));
        assert!(clip.is_some() && clip < first, "the filled image is clipped to its box: {:?}", list.items);
    }

    #[test]
    fn load_and_error_fire_once_at_the_next_frame_with_their_detail() {
        let xml = r#"<image src="/ok.png" bind:load="loaded" bind:error="failed"/><image src="/no.png" bind:error="failed"/>"#;
        let (mut p, mut f) = page(xml, "");
        assert!(events(&p.handle(Input::Frame { time_ms: 16 })).is_empty(), "nothing known yet");
        p.set_image("/ok.png", ImageInfo::Loaded { width: 8, height: 4 });
        p.set_image("/no.png", ImageInfo::Failed("image /no.png is not in the bundle".into()));
        p.render(&mut f).unwrap();
        let ev = events(&p.handle(Input::Frame { time_ms: 32 }));
        assert_eq!(ev.len(), 2, "{ev:?}");
        assert_eq!(ev[0].0, "loaded");
        assert_eq!(ev[0].1["detail"], serde_json::json!({"width": 8, "height": 4}));
        assert_eq!(ev[0].1["type"], "load");
        assert_eq!(ev[1].0, "failed");
        assert_eq!(ev[1].1["detail"]["errMsg"], "image /no.png is not in the bundle");
        let again = p.handle(Input::Frame { time_ms: 48 });
        assert!(!again.iter().any(|o| matches!(o, Outcome::Event(_))), "once per element and source");
    }

    #[test]
    fn lazy_images_far_below_are_neither_wanted_nor_drawn_until_scrolled_near() {
        let xml = r#"<view style="height: 2000px"/><image id="lazy" lazy-load src="/far.png" bind:load="loaded"/><image src="/near.png"/>"#;
        let (mut p, mut f) = page(xml, "");
        assert_eq!(p.image_sources(), ["/near.png".to_string()]);
        p.set_image("/far.png", ImageInfo::Loaded { width: 1, height: 1 });
        assert!(events(&p.handle(Input::Frame { time_ms: 16 })).is_empty(), "a lazy image out of reach fires nothing");
        p.handle(Input::Wheel { x: 10.0, y: 10.0, dx: 0.0, dy: 1600.0 });
        let list = p.render(&mut f).unwrap();
        assert_eq!(images(&list).len(), 1, "the lazy image is drawn once near the viewport");
        assert_eq!(p.image_sources(), ["/far.png".to_string(), "/near.png".to_string()]);
        assert_eq!(events(&p.handle(Input::Frame { time_ms: 32 }))[0].0, "loaded");
    }
}
