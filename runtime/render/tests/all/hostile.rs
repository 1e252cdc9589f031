//! Hostile display lists and inputs: clear errors, never a panic, and the
//! renderer keeps working afterwards.

use std::time::Instant;

use miniapp_render::image::{Rgba, RgbaImage};
use miniapp_render::{Error, Limits, Renderer};

use crate::common::*;

#[test]
fn an_empty_output_size_is_refused_with_the_sizes_named() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let e = renderer
        .render_to_image(gpu, &list(0.0, 100.0, vec![]), &mut fonts(), 1.0, WHITE)
        .unwrap_err();
    assert!(matches!(e, Error::BadSize { .. }));
    assert_eq!(
        e.to_string(),
        "output size 0x100 (display list 0x100 at scale 1) is invalid: size must be at least 1x1 pixel"
    );
}

#[test]
fn an_output_larger_than_the_limit_is_refused() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let e = renderer
        .render_to_image(
            gpu,
            &list(100_000.0, 10.0, vec![]),
            &mut fonts(),
            1.0,
            WHITE,
        )
        .unwrap_err();
    assert!(e.to_string().contains("each side must be at most"), "{e}");
}

#[test]
fn a_non_finite_scale_or_size_is_refused() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let e = renderer
        .render_to_image(
            gpu,
            &list(10.0, 10.0, vec![]),
            &mut fonts(),
            f32::NAN,
            WHITE,
        )
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("scale must be a positive finite number, got NaN"),
        "{e}"
    );
    let e = renderer
        .render_to_image(
            gpu,
            &list(f32::INFINITY, 10.0, vec![]),
            &mut fonts(),
            1.0,
            WHITE,
        )
        .unwrap_err();
    assert!(e.to_string().contains("size is not finite"), "{e}");
    // and the renderer still works
    let img = render(
        &mut renderer,
        gpu,
        &list(10.0, 10.0, vec![rect(0.0, 0.0, 10.0, 10.0, GREEN)]),
        1.0,
    );
    assert_px(&img, 5, 5, GREEN, 0);
}

#[test]
fn an_srgb_target_format_is_refused_with_the_reason() {
    let Some(gpu) = gpu() else { return };
    let e = Renderer::new(gpu, miniapp_render::wgpu::TextureFormat::Bgra8UnormSrgb).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("target format Bgra8UnormSrgb is not supported: sRGB targets"),
        "{e}"
    );
    let e = Renderer::new(gpu, miniapp_render::wgpu::TextureFormat::Rgba16Float).unwrap_err();
    assert!(
        e.to_string().contains("only Rgba8Unorm and Bgra8Unorm"),
        "{e}"
    );
}

#[test]
fn items_with_nan_or_negative_sizes_are_skipped_and_the_rest_is_drawn() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let l = list(
        40.0,
        40.0,
        vec![
            rect(f32::NAN, 0.0, 10.0, 10.0, RED),
            rect(0.0, 0.0, -10.0, 10.0, RED),
            DisplayItem::Rect {
                rect: r(0.0, 0.0, 40.0, 40.0),
                color: RED,
                radius: f32::INFINITY,
                border_width: 0.0,
                border_color: RED,
            },
            text(0.0, 0.0, 40.0, 40.0, "x", -3.0, BLACK, TextAlign::Left),
            DisplayItem::PushClip {
                rect: r(0.0, 0.0, f32::NAN, 10.0),
                radius: 0.0,
            },
            rect(0.0, 0.0, 40.0, 40.0, RED),
            DisplayItem::PopClip,
            rect(10.0, 10.0, 20.0, 20.0, GREEN),
        ],
    );
    let img = render(&mut renderer, gpu, &l, 1.0);
    assert_px(&img, 20, 20, GREEN, 0);
    assert_px(&img, 2, 2, WHITE, 0);
    assert_eq!(renderer.last_frame_stats().invalid_items, 5);
}

#[test]
fn a_gigantic_font_size_is_capped_instead_of_failing_the_frame() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let l = list(
        300.0,
        300.0,
        vec![text(
            0.0,
            0.0,
            300.0,
            300.0,
            "WWW",
            5000.0,
            BLACK,
            TextAlign::Left,
        )],
    );
    let img = renderer
        .render_to_image(gpu, &l, &mut fonts(), 2.0, WHITE)
        .expect("capped font renders");
    assert!(dark_pixels(&img, 0, 0, 600, 600) > 0);
}

#[test]
fn an_overlong_text_is_truncated_at_the_limit() {
    let Some(gpu) = gpu() else { return };
    let limits = Limits {
        max_text_chars: 2_000,
        ..Limits::default()
    };
    let mut renderer =
        Renderer::with_limits(gpu, miniapp_render::wgpu::TextureFormat::Rgba8Unorm, limits)
            .unwrap();
    let huge = "lorem ipsum ".repeat(200_000);
    let l = list(
        200.0,
        100.0,
        vec![text(
            0.0,
            0.0,
            200.0,
            100.0,
            &huge,
            12.0,
            BLACK,
            TextAlign::Left,
        )],
    );
    let started = Instant::now();
    let img = render(&mut renderer, gpu, &l, 1.0);
    assert!(dark_pixels(&img, 0, 0, 200, 100) > 0);
    assert!(
        started.elapsed().as_secs() < 20,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn twenty_thousand_quads_render_and_grow_the_instance_buffer() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let mut items = Vec::new();
    for i in 0..20_000 {
        let x = (i % 200) as f32;
        let y = (i / 200) as f32;
        items.push(rect(x, y, 1.0, 1.0, if i % 2 == 0 { RED } else { BLUE }));
    }
    let img = render(&mut renderer, gpu, &list(200.0, 100.0, items), 1.0);
    assert_px(&img, 0, 0, RED, 0);
    assert_px(&img, 1, 0, BLUE, 0);
    assert_px(&img, 199, 99, BLUE, 0);
    assert_eq!(renderer.last_frame_stats().quads, 20_000);
}

#[test]
fn ten_thousand_unbalanced_clip_pushes_do_not_break_the_frame() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let mut items: Vec<DisplayItem> = (0..10_000)
        .map(|_| DisplayItem::PushClip {
            rect: r(0.0, 0.0, 20.0, 20.0),
            radius: 0.0,
        })
        .collect();
    items.push(rect(0.0, 0.0, 40.0, 40.0, GREEN));
    items.extend((0..20_000).map(|_| DisplayItem::PopClip));
    items.push(rect(30.0, 30.0, 10.0, 10.0, BLUE));
    let img = render(&mut renderer, gpu, &list(40.0, 40.0, items), 1.0);
    assert_px(&img, 10, 10, GREEN, 0);
    assert_px(&img, 25, 25, WHITE, 0);
    assert_px(&img, 35, 35, BLUE, 0);
}

#[test]
fn an_empty_image_is_refused_naming_its_source() {
    let Some((_, mut renderer)) = renderer() else {
        return;
    };
    let e = renderer
        .set_image("assets/empty.png", RgbaImage::new(0, 5))
        .unwrap_err();
    assert_eq!(e.to_string(), "image \"assets/empty.png\" is empty (0x5)");
}

#[test]
fn an_oversized_image_is_scaled_down_to_the_limit() {
    let Some(gpu) = gpu() else { return };
    let limits = Limits {
        max_image_side: 64,
        ..Limits::default()
    };
    let mut renderer =
        Renderer::with_limits(gpu, miniapp_render::wgpu::TextureFormat::Rgba8Unorm, limits)
            .unwrap();
    renderer
        .set_image(
            "wide",
            RgbaImage::from_pixel(1000, 10, Rgba([0, 0, 255, 255])),
        )
        .unwrap();
    assert_eq!(renderer.image_size("wide"), Some((64, 1)));
    let l = list(
        100.0,
        10.0,
        vec![DisplayItem::Image {
            rect: r(0.0, 0.0, 100.0, 10.0),
            src: "wide".into(),
            radius: 0.0,
        }],
    );
    let img = render(&mut renderer, gpu, &l, 1.0);
    assert_px(&img, 50, 5, BLUE, 0);
}

#[test]
fn a_phone_sized_page_renders_repeatedly_in_bounded_time() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let mut items = vec![rect(
        0.0,
        0.0,
        375.0,
        667.0,
        Color {
            r: 0xf5,
            g: 0xf5,
            b: 0xf5,
            a: 255,
        },
    )];
    for row in 0..27 {
        let y = row as f32 * 24.0;
        items.push(DisplayItem::Rect {
            rect: r(8.0, y + 1.0, 359.0, 22.0),
            color: WHITE,
            radius: 4.0,
            border_width: 1.0,
            border_color: Color {
                r: 0xdd,
                g: 0xdd,
                b: 0xdd,
                a: 255,
            },
        });
        items.push(rounded(12.0, y + 7.0, 10.0, 10.0, GREEN, 5.0));
        items.push(text(
            28.0,
            y + 5.0,
            150.0,
            14.0,
            &format!("row {row}: the quick brown fox"),
            11.0,
            BLACK,
            TextAlign::Left,
        ));
        for k in 0..3 {
            items.push(rounded(
                300.0 + k as f32 * 20.0,
                y + 7.0,
                16.0,
                10.0,
                BLUE,
                3.0,
            ));
        }
    }
    let l = list(375.0, 667.0, items);
    let mut fonts = fonts();
    let mut times = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let img = renderer
            .render_to_image(gpu, &l, &mut fonts, 2.0, WHITE)
            .unwrap();
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(img.dimensions(), (750, 1334));
    }
    let stats = renderer.last_frame_stats();
    eprintln!("phone page at scale 2 ({} quads, {} text lines, {} layers): frames {times:.1?} ms; last frame cpu {:.1} ms", stats.quads, stats.texts, stats.layers, stats.cpu_ms);
    assert_eq!((stats.quads, stats.texts), (136, 27));
    // every quad after a text misses that text's ink: one layer, one text draw
    assert_eq!(stats.layers, 1);
    // the same frame drawn into a texture, without the readback
    let texture = gpu
        .device
        .create_texture(&miniapp_render::wgpu::TextureDescriptor {
            label: None,
            size: miniapp_render::wgpu::Extent3d {
                width: 750,
                height: 1334,
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
    let mut view_times = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        renderer
            .render_to_view(gpu, &view, (750, 1334), &l, &mut fonts, 2.0, WHITE)
            .unwrap();
        let _ = gpu
            .device
            .poll(miniapp_render::wgpu::PollType::wait_indefinitely());
        view_times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    eprintln!("same page into a texture (no readback): {view_times:.1?} ms");
    let steady = times[1..].iter().cloned().fold(f64::MAX, f64::min);
    // and the pixels are those of strict paint order: badge, dot and text all visible
    let img = renderer
        .render_to_image(gpu, &l, &mut fonts, 1.0, WHITE)
        .unwrap();
    assert_px(&img, 17, 12, GREEN, 0);
    assert_px(&img, 308, 12, BLUE, 0);
    assert!(dark_pixels(&img, 28, 5, 180, 19) > 20);
    assert!(steady < 2_000.0, "steady frame took {steady} ms");
}

fn png_bytes(img: &RgbaImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, miniapp_render::image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

#[test]
fn an_encoded_png_is_decoded_and_drawn() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let bytes = png_bytes(&RgbaImage::from_pixel(8, 8, Rgba([0x07, 0xc1, 0x60, 255])));
    renderer
        .set_image_encoded("/assets/logo.png", &bytes)
        .unwrap();
    let l = list(
        20.0,
        20.0,
        vec![DisplayItem::Image {
            rect: r(0.0, 0.0, 20.0, 20.0),
            src: "/assets/logo.png".into(),
            radius: 0.0,
        }],
    );
    let img = render(&mut renderer, gpu, &l, 1.0);
    assert_px(&img, 10, 10, GREEN, 0);
}

#[test]
fn garbage_image_bytes_are_refused_naming_the_source() {
    let Some((_, mut renderer)) = renderer() else {
        return;
    };
    let e = renderer
        .set_image_encoded("/assets/x.png", b"this is not an image")
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "cannot decode image \"/assets/x.png\": not a PNG or JPEG image"
    );
    let mut truncated = png_bytes(&RgbaImage::from_pixel(64, 64, Rgba([1, 2, 3, 255])));
    truncated.truncate(truncated.len() / 2);
    let e = renderer
        .set_image_encoded("/assets/half.png", &truncated)
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("cannot decode image \"/assets/half.png\": "),
        "{e}"
    );
    assert!(!renderer.has_image("/assets/half.png"));
}

#[test]
fn a_decompression_bomb_is_refused_before_it_is_decoded() {
    let Some(gpu) = gpu() else { return };
    let limits = Limits {
        max_decode_side: 1_000,
        ..Limits::default()
    };
    let mut renderer =
        Renderer::with_limits(gpu, miniapp_render::wgpu::TextureFormat::Rgba8Unorm, limits)
            .unwrap();
    // 4000x10 of one colour compresses to a few hundred bytes
    let bytes = png_bytes(&RgbaImage::from_pixel(4_000, 10, Rgba([0, 0, 0, 255])));
    assert!(bytes.len() < 4_000, "{} bytes", bytes.len());
    let started = Instant::now();
    let e = renderer
        .set_image_encoded("/assets/bomb.png", &bytes)
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("larger than the limits (1000 px per side"),
        "{e}"
    );
    assert!(started.elapsed().as_millis() < 1_000);
}
