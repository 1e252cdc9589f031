//! Exact pixel assertions: colours, rounded corners, borders, paint order,
//! clips, images, alpha.

use miniapp_render::image::RgbaImage;

use crate::common::*;

#[test]
fn a_css_colour_arrives_exactly_in_the_pixels_at_scale_1_and_2() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let l = list(100.0, 80.0, vec![rect(10.0, 20.0, 50.0, 30.0, GREEN)]);
    for scale in [1.0, 2.0] {
        let img = render(&mut renderer, gpu, &l, scale);
        assert_eq!(
            img.dimensions(),
            ((100.0 * scale) as u32, (80.0 * scale) as u32)
        );
        let s = |v: f32| (v * scale) as u32;
        assert_px(&img, s(35.0), s(35.0), GREEN, 0);
        // the first and last pixel rows and columns of the rect are fully covered
        assert_px(&img, s(10.0), s(20.0), GREEN, 0);
        assert_px(&img, s(60.0) - 1, s(50.0) - 1, GREEN, 0);
        // and the pixels just outside are untouched
        assert_px(&img, s(10.0) - 1, s(35.0), WHITE, 0);
        assert_px(&img, s(60.0), s(35.0), WHITE, 0);
        assert_px(&img, s(35.0), s(50.0), WHITE, 0);
        assert_px(&img, 2, 2, WHITE, 0);
    }
}

#[test]
fn rounded_corners_leave_the_corner_pixel_as_background() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let l = list(
        100.0,
        100.0,
        vec![rounded(10.0, 10.0, 80.0, 80.0, RED, 20.0)],
    );
    let img = render(&mut renderer, gpu, &l, 1.0);
    for (x, y) in [(10, 10), (89, 10), (10, 89), (89, 89), (13, 13)] {
        assert_px(&img, x, y, WHITE, 0);
    }
    // middle of each edge and the centre are filled
    for (x, y) in [(50, 10), (10, 50), (89, 50), (50, 89), (50, 50)] {
        assert_px(&img, x, y, RED, 0);
    }
    // the arc: 45° point inside the corner circle is filled
    assert_px(&img, 20, 20, RED, 0);
}

#[test]
fn a_radius_larger_than_half_the_box_gives_a_pill() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let l = list(
        100.0,
        40.0,
        vec![rounded(0.0, 0.0, 100.0, 40.0, BLUE, 1000.0)],
    );
    let img = render(&mut renderer, gpu, &l, 1.0);
    assert_px(&img, 0, 0, WHITE, 0);
    assert_px(&img, 0, 20, BLUE, 40); // leftmost point of the half circle: partly covered
    assert_px(&img, 50, 0, BLUE, 0);
    assert_px(&img, 50, 20, BLUE, 0);
}

#[test]
fn a_border_is_drawn_inside_the_box_around_the_fill() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let l = list(
        100.0,
        100.0,
        vec![DisplayItem::Rect {
            rect: r(10.0, 10.0, 80.0, 80.0),
            color: GREEN,
            radius: 0.0,
            border_width: 4.0,
            border_color: BLUE,
        }],
    );
    let img = render(&mut renderer, gpu, &l, 1.0);
    assert_px(&img, 10, 50, BLUE, 0);
    assert_px(&img, 13, 50, BLUE, 0);
    assert_px(&img, 14, 50, GREEN, 0);
    assert_px(&img, 50, 89, BLUE, 0);
    assert_px(&img, 50, 85, GREEN, 0);
    assert_px(&img, 9, 50, WHITE, 0);
}

#[test]
fn a_border_on_a_transparent_box_shows_the_background_inside() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let l = list(
        60.0,
        60.0,
        vec![DisplayItem::Rect {
            rect: r(10.0, 10.0, 40.0, 40.0),
            color: TRANSPARENT,
            radius: 6.0,
            border_width: 2.0,
            border_color: RED,
        }],
    );
    let img = render(&mut renderer, gpu, &l, 2.0);
    assert_px(&img, 60, 21, RED, 0);
    assert_px(&img, 60, 60, WHITE, 0);
}

#[test]
fn later_items_paint_over_earlier_ones_including_text() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let l = list(
        200.0,
        60.0,
        vec![
            text(
                10.0,
                10.0,
                180.0,
                40.0,
                "Hidden text",
                24.0,
                BLACK,
                TextAlign::Left,
            ),
            rect(0.0, 0.0, 200.0, 60.0, LIGHT),
        ],
    );
    let img = render(&mut renderer, gpu, &l, 1.0);
    assert_eq!(
        dark_pixels(&img, 0, 0, 200, 60),
        0,
        "the rect after the text must cover it"
    );
    assert_px(&img, 30, 30, LIGHT, 0);
    assert_eq!(renderer.last_frame_stats().layers, 2);
}

#[test]
fn a_semi_transparent_rect_blends_like_css() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let half_black = Color {
        r: 0,
        g: 0,
        b: 0,
        a: 128,
    };
    let half_red = Color {
        r: 255,
        g: 0,
        b: 0,
        a: 128,
    };
    let l = list(
        40.0,
        20.0,
        vec![
            rect(0.0, 0.0, 20.0, 20.0, half_black),
            rect(20.0, 0.0, 20.0, 20.0, half_red),
        ],
    );
    let img = render(&mut renderer, gpu, &l, 1.0);
    // 255 * (1 - 128/255) = 127
    assert_px(
        &img,
        10,
        10,
        Color {
            r: 127,
            g: 127,
            b: 127,
            a: 255,
        },
        1,
    );
    assert_px(
        &img,
        30,
        10,
        Color {
            r: 255,
            g: 127,
            b: 127,
            a: 255,
        },
        1,
    );
}

#[test]
fn a_transparent_clear_reads_back_as_straight_alpha() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let half_red = Color {
        r: 255,
        g: 0,
        b: 0,
        a: 128,
    };
    let l = list(20.0, 20.0, vec![rect(0.0, 0.0, 10.0, 20.0, half_red)]);
    let img = renderer
        .render_to_image(gpu, &l, &mut fonts(), 1.0, TRANSPARENT)
        .unwrap();
    assert_px(&img, 5, 10, half_red, 2);
    assert_px(&img, 15, 10, TRANSPARENT, 0);
}

#[test]
fn clips_cut_rects_and_text_and_pop_restores_drawing() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let l = list(
        200.0,
        100.0,
        vec![
            DisplayItem::PushClip {
                rect: r(0.0, 0.0, 50.0, 100.0),
                radius: 0.0,
            },
            rect(0.0, 0.0, 200.0, 50.0, RED),
            text(
                0.0,
                55.0,
                200.0,
                40.0,
                "MMMMMMMMMMMMMM",
                24.0,
                BLACK,
                TextAlign::Left,
            ),
            DisplayItem::PopClip,
            rect(150.0, 0.0, 50.0, 50.0, BLUE),
        ],
    );
    let img = render(&mut renderer, gpu, &l, 1.0);
    assert_px(&img, 25, 25, RED, 0);
    assert_px(&img, 49, 25, RED, 0);
    assert_px(&img, 50, 25, WHITE, 0);
    assert_px(&img, 100, 25, WHITE, 0);
    assert_px(&img, 175, 25, BLUE, 0);
    assert!(
        dark_pixels(&img, 0, 50, 50, 100) > 20,
        "text inside the clip is drawn"
    );
    assert_eq!(
        dark_pixels(&img, 50, 50, 200, 100),
        0,
        "text outside the clip is cut"
    );
}

#[test]
fn a_rounded_clip_rounds_the_corners_of_what_it_contains() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let l = list(
        100.0,
        100.0,
        vec![
            DisplayItem::PushClip {
                rect: r(10.0, 10.0, 80.0, 80.0),
                radius: 20.0,
            },
            rect(0.0, 0.0, 100.0, 100.0, GREEN),
            DisplayItem::PopClip,
        ],
    );
    let img = render(&mut renderer, gpu, &l, 1.0);
    assert_px(&img, 11, 11, WHITE, 0);
    assert_px(&img, 50, 50, GREEN, 0);
    assert_px(&img, 50, 10, GREEN, 0);
    assert_px(&img, 9, 50, WHITE, 0);
}

fn quadrants() -> RgbaImage {
    let mut img = RgbaImage::new(2, 2);
    img.put_pixel(0, 0, miniapp_render::image::Rgba([255, 0, 0, 255]));
    img.put_pixel(1, 0, miniapp_render::image::Rgba([0, 255, 0, 255]));
    img.put_pixel(0, 1, miniapp_render::image::Rgba([0, 0, 255, 255]));
    img.put_pixel(1, 1, miniapp_render::image::Rgba([255, 255, 255, 255]));
    img
}

#[test]
fn an_image_is_stretched_over_its_rect() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    renderer.set_image("q.png", quadrants()).unwrap();
    let l = list(
        60.0,
        60.0,
        vec![DisplayItem::Image {
            rect: r(10.0, 10.0, 40.0, 40.0),
            src: "q.png".into(),
            radius: 0.0,
        }],
    );
    let img = render(&mut renderer, gpu, &l, 1.0);
    // between a texel's centre and the (clamped) edge, linear filtering gives the texel itself
    assert_px(&img, 19, 19, RED, 0);
    assert_px(
        &img,
        40,
        19,
        Color {
            r: 0,
            g: 255,
            b: 0,
            a: 255,
        },
        0,
    );
    assert_px(&img, 19, 40, BLUE, 0);
    assert_px(&img, 40, 40, WHITE, 0);
    // and in the middle it blends the four texels
    let mid = img.get_pixel(30, 30).0;
    assert!(
        mid.iter().take(3).all(|&c| c > 40),
        "centre blends all four texels: {mid:?}"
    );
    assert_px(&img, 5, 5, WHITE, 0);
    assert_px(&img, 55, 30, WHITE, 0);
}

#[test]
fn an_image_with_a_radius_has_transparent_corners() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    renderer
        .set_image(
            "red",
            RgbaImage::from_pixel(4, 4, miniapp_render::image::Rgba([255, 0, 0, 255])),
        )
        .unwrap();
    let l = list(
        60.0,
        60.0,
        vec![DisplayItem::Image {
            rect: r(10.0, 10.0, 40.0, 40.0),
            src: "red".into(),
            radius: 20.0,
        }],
    );
    let img = render(&mut renderer, gpu, &l, 1.0);
    assert_px(&img, 11, 11, WHITE, 0);
    assert_px(&img, 30, 30, RED, 0);
}

#[test]
fn an_unregistered_image_is_drawn_as_a_grey_placeholder() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let l = list(
        40.0,
        40.0,
        vec![DisplayItem::Image {
            rect: r(0.0, 0.0, 20.0, 20.0),
            src: "nope.png".into(),
            radius: 0.0,
        }],
    );
    let img = render(&mut renderer, gpu, &l, 1.0);
    assert_px(
        &img,
        10,
        10,
        Color {
            r: 0xee,
            g: 0xee,
            b: 0xee,
            a: 255,
        },
        0,
    );
    // registering it afterwards takes effect on the next frame
    renderer.set_image("nope.png", quadrants()).unwrap();
    let img = render(&mut renderer, gpu, &l, 1.0);
    assert_px(&img, 4, 4, RED, 0);
    assert!(renderer.remove_image("nope.png"));
    assert!(!renderer.has_image("nope.png"));
}

#[test]
fn a_bgra_renderer_produces_the_same_rgba_image() {
    let Some((gpu, mut rgba)) = renderer() else {
        return;
    };
    let mut bgra =
        miniapp_render::Renderer::new(gpu, miniapp_render::wgpu::TextureFormat::Bgra8Unorm)
            .unwrap();
    let l = list(
        120.0,
        60.0,
        vec![
            rounded(5.0, 5.0, 50.0, 50.0, GREEN, 8.0),
            rect(60.0, 5.0, 50.0, 50.0, BLUE),
            text(5.0, 20.0, 110.0, 30.0, "Abc", 16.0, RED, TextAlign::Left),
        ],
    );
    let a = render(&mut rgba, gpu, &l, 1.0);
    let b = render(&mut bgra, gpu, &l, 1.0);
    let diff = miniapp_render::compare(&a, &b).unwrap();
    assert!(diff.max <= 1, "bgra vs rgba: {diff}");
    assert_px(&b, 85, 30, BLUE, 0);
}

#[test]
fn rendering_twice_gives_identical_images_and_reuses_shaped_text() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let l = list(
        150.0,
        80.0,
        vec![
            rounded(5.0, 5.0, 140.0, 70.0, GREEN, 12.0),
            text(
                15.0,
                15.0,
                120.0,
                50.0,
                "Same twice",
                18.0,
                WHITE,
                TextAlign::Center,
            ),
        ],
    );
    let mut fonts = fonts();
    let a = renderer
        .render_to_image(gpu, &l, &mut fonts, 2.0, WHITE)
        .unwrap();
    let b = renderer
        .render_to_image(gpu, &l, &mut fonts, 2.0, WHITE)
        .unwrap();
    assert!(miniapp_render::compare(&a, &b).unwrap().is_identical());
    let stats = renderer.last_frame_stats();
    assert_eq!((stats.quads, stats.texts, stats.layers), (1, 1, 1));
}

#[test]
fn render_to_view_draws_into_a_caller_texture() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let texture = gpu
        .device
        .create_texture(&miniapp_render::wgpu::TextureDescriptor {
            label: Some("test target"),
            size: miniapp_render::wgpu::Extent3d {
                width: 64,
                height: 32,
                depth_or_array_layers: 1,
            },
            mip_level_count: 1,
            sample_count: 1,
            dimension: miniapp_render::wgpu::TextureDimension::D2,
            format: miniapp_render::wgpu::TextureFormat::Rgba8Unorm,
            usage: miniapp_render::wgpu::TextureUsages::RENDER_ATTACHMENT,
            view_formats: &[],
        });
    let view = texture.create_view(&Default::default());
    let l = list(
        32.0,
        16.0,
        vec![
            rect(0.0, 0.0, 16.0, 16.0, GREEN),
            text(0.0, 0.0, 32.0, 16.0, "ok", 12.0, BLACK, TextAlign::Left),
        ],
    );
    renderer
        .render_to_view(gpu, &view, (64, 32), &l, &mut fonts(), 2.0, WHITE)
        .unwrap();
    assert_eq!(renderer.last_frame_stats().quads, 1);
    let e = renderer
        .render_to_view(gpu, &view, (0, 32), &l, &mut fonts(), 2.0, WHITE)
        .unwrap_err();
    assert!(e.to_string().contains("at least 1x1"), "{e}");
}
