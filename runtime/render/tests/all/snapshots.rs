//! Snapshot images of small scenes; each test states its tolerance.

use miniapp_render::image::{Rgba, RgbaImage};

use crate::common::*;

/// A card like a mini program page: rounded, bordered, with a title, a body
/// that wraps, an image with rounded corners, and a button.
fn card() -> DisplayList {
    let grey = Color {
        r: 0xf5,
        g: 0xf5,
        b: 0xf5,
        a: 255,
    };
    let line = Color {
        r: 0xdd,
        g: 0xdd,
        b: 0xdd,
        a: 255,
    };
    let dark = Color {
        r: 0x33,
        g: 0x33,
        b: 0x33,
        a: 255,
    };
    list(
        200.0,
        160.0,
        vec![
            rect(0.0, 0.0, 200.0, 160.0, grey),
            DisplayItem::Rect {
                rect: r(10.0, 10.0, 180.0, 140.0),
                color: WHITE,
                radius: 12.0,
                border_width: 1.0,
                border_color: line,
            },
            DisplayItem::PushClip {
                rect: r(10.0, 10.0, 180.0, 140.0),
                radius: 12.0,
            },
            DisplayItem::Image {
                rect: r(10.0, 10.0, 60.0, 60.0),
                src: "gradient".into(),
                radius: 0.0,
            },
            DisplayItem::PopClip,
            DisplayItem::Text {
                rect: r(80.0, 16.0, 100.0, 20.0),
                text: "Counter".into(),
                font_size: 16.0,
                line_height: 20.0,
                color: dark,
                bold: true,
                align: TextAlign::Left,
            },
            text(
                80.0,
                38.0,
                100.0,
                17.0,
                "Tap the button",
                12.0,
                dark,
                TextAlign::Left,
            ),
            text(
                80.0,
                55.0,
                100.0,
                17.0,
                "to count up. 你好",
                12.0,
                dark,
                TextAlign::Left,
            ),
            DisplayItem::Rect {
                rect: r(20.0, 100.0, 160.0, 36.0),
                color: GREEN,
                radius: 18.0,
                border_width: 0.0,
                border_color: TRANSPARENT,
            },
            text(
                91.0,
                108.0,
                18.0,
                20.0,
                "+1",
                16.0,
                WHITE,
                TextAlign::Center,
            ),
        ],
    )
}

fn gradient() -> RgbaImage {
    RgbaImage::from_fn(32, 32, |x, y| {
        Rgba([(x * 8) as u8, (y * 8) as u8, 160, 255])
    })
}

#[test]
fn snapshot_card_at_scale_2() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    renderer.set_image("gradient", gradient()).unwrap();
    let img = render(&mut renderer, gpu, &card(), 2.0);
    // text anti-aliasing may differ slightly between drivers; shapes must not
    check_snapshot(
        "card",
        &img,
        Tolerance {
            mean: 0.5,
            differing_fraction: 0.05,
        },
    );
    // and the parts that cannot move: the button's colour, the card's corner
    assert_px(&img, 2 * 40, 2 * 118, GREEN, 0);
    assert_px(
        &img,
        2 * 10 + 1,
        2 * 10 + 1,
        Color {
            r: 0xf5,
            g: 0xf5,
            b: 0xf5,
            a: 255,
        },
        0,
    );
}

#[test]
fn snapshot_shapes_at_scale_1() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let items = vec![
        rounded(5.0, 5.0, 40.0, 40.0, RED, 20.0),
        DisplayItem::Rect {
            rect: r(50.0, 5.0, 40.0, 40.0),
            color: GREEN,
            radius: 8.0,
            border_width: 3.0,
            border_color: BLUE,
        },
        rect(
            95.0,
            5.0,
            40.0,
            40.0,
            Color {
                r: 0,
                g: 0,
                b: 255,
                a: 100,
            },
        ),
        rect(
            115.0,
            25.0,
            40.0,
            40.0,
            Color {
                r: 255,
                g: 0,
                b: 0,
                a: 100,
            },
        ),
    ];
    let img = render(&mut renderer, gpu, &list(160.0, 70.0, items), 1.0);
    // no text: anti-aliased SDF edges only
    check_snapshot(
        "shapes",
        &img,
        Tolerance {
            mean: 0.1,
            differing_fraction: 0.01,
        },
    );
}
