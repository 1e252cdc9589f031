//! Text: ink where the box is, alignment, wrapping, weight, colour, scale.

use crate::common::*;

#[test]
fn text_puts_dark_pixels_inside_its_box_and_none_outside() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let l = list(
        200.0,
        80.0,
        vec![text(
            20.0,
            20.0,
            160.0,
            30.0,
            "Hello, world",
            18.0,
            BLACK,
            TextAlign::Left,
        )],
    );
    let img = render(&mut renderer, gpu, &l, 1.0);
    assert!(
        dark_pixels(&img, 20, 20, 180, 50) > 100,
        "expected ink in the text box"
    );
    assert_eq!(
        dark_pixels_outside(&img, 20, 20, 180, 50),
        0,
        "ink outside the text box"
    );
}

#[test]
fn text_colour_is_exact_in_the_middle_of_thick_strokes() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    // a bold, large "█"-free test: the stem of a big bold "I" is many pixels wide
    let l = list(
        100.0,
        120.0,
        vec![DisplayItem::Text {
            rect: r(10.0, 0.0, 80.0, 120.0),
            text: "I".into(),
            font_size: 100.0,
            line_height: 120.0,
            color: GREEN,
            bold: true,
            align: TextAlign::Left,
        }],
    );
    let img = render(&mut renderer, gpu, &l, 1.0);
    let exact = img
        .pixels()
        .filter(|p| p.0 == [GREEN.r, GREEN.g, GREEN.b, 255])
        .count();
    assert!(
        exact > 200,
        "only {exact} pixels of exactly #07c160 in a 100px bold I"
    );
}

#[test]
fn a_line_is_drawn_at_its_rect_whatever_its_alignment() {
    // the view applies text-align to rect.x; the renderer must not shift it again
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let mut images = Vec::new();
    for align in [TextAlign::Left, TextAlign::Center, TextAlign::Right] {
        let l = list(
            300.0,
            40.0,
            vec![text(100.0, 5.0, 40.0, 30.0, "abc", 20.0, BLACK, align)],
        );
        images.push(render(&mut renderer, gpu, &l, 1.0));
    }
    assert!(miniapp_render::compare(&images[0], &images[1])
        .unwrap()
        .is_identical());
    assert!(miniapp_render::compare(&images[0], &images[2])
        .unwrap()
        .is_identical());
    let center = ink_center_x(&images[0]);
    assert!((100.0..140.0).contains(&center), "ink centre {center}");
}

#[test]
fn the_ink_of_a_line_spans_the_advance_the_view_measured() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let mut fonts = fonts();
    let line = "Hello world";
    let buffer =
        miniapp_view::text_buffer(&mut fonts, line, 20.0, 28.0, false, None, TextAlign::Left);
    let advance = buffer.layout_runs().next().unwrap().line_w;
    let l = list(
        300.0,
        40.0,
        vec![text(
            10.0,
            5.0,
            advance.ceil() + 1.0,
            28.0,
            line,
            20.0,
            BLACK,
            TextAlign::Left,
        )],
    );
    let img = renderer
        .render_to_image(gpu, &l, &mut fonts, 1.0, WHITE)
        .unwrap();
    let right = (0..img.width())
        .rev()
        .find(|&x| dark_pixels(&img, x, 0, x + 1, 40) > 0)
        .unwrap() as f32;
    let left = (0..img.width())
        .find(|&x| dark_pixels(&img, x, 0, x + 1, 40) > 0)
        .unwrap() as f32;
    assert!(
        (left - 10.0).abs() <= 3.0,
        "ink starts at {left}, line at 10"
    );
    // the advance includes the last glyph's right side bearing: ink ends a little before it
    let end = 10.0 + advance;
    assert!(
        right <= end + 1.0 && right >= end - 5.0,
        "ink ends at {right}, measured end {end}"
    );
}

#[test]
fn a_long_line_is_not_wrapped_by_the_renderer() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let l = list(
        400.0,
        60.0,
        vec![text(
            0.0,
            0.0,
            50.0,
            22.0,
            "one two three four five six",
            16.0,
            BLACK,
            TextAlign::Left,
        )],
    );
    let img = render(&mut renderer, gpu, &l, 1.0);
    assert!(
        dark_pixels(&img, 100, 0, 400, 22) > 0,
        "the line continues past its rect"
    );
    assert_eq!(
        dark_pixels(&img, 0, 24, 400, 60),
        0,
        "nothing on a second line"
    );
}

#[test]
fn cjk_text_renders_with_the_embedded_cjk_font() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let l = list(
        120.0,
        40.0,
        vec![text(
            0.0,
            0.0,
            120.0,
            40.0,
            "你好世界",
            24.0,
            BLACK,
            TextAlign::Left,
        )],
    );
    let img = render(&mut renderer, gpu, &l, 1.0);
    assert!(dark_pixels(&img, 0, 0, 120, 40) > 150, "CJK glyphs drawn");
}

#[test]
fn bold_text_has_more_ink_than_regular() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let mut ink = Vec::new();
    for bold in [false, true] {
        let l = list(
            200.0,
            40.0,
            vec![DisplayItem::Text {
                rect: r(0.0, 0.0, 200.0, 40.0),
                text: "Weight".into(),
                font_size: 24.0,
                line_height: 30.0,
                color: BLACK,
                bold,
                align: TextAlign::Left,
            }],
        );
        ink.push(dark_pixels(
            &render(&mut renderer, gpu, &l, 1.0),
            0,
            0,
            200,
            40,
        ));
    }
    assert!(
        ink[1] as f64 > ink[0] as f64 * 1.2,
        "regular {} vs bold {}",
        ink[0],
        ink[1]
    );
}

#[test]
fn text_at_scale_2_is_rasterized_at_twice_the_size() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let l = list(
        120.0,
        40.0,
        vec![text(
            0.0,
            0.0,
            120.0,
            40.0,
            "Scale",
            20.0,
            BLACK,
            TextAlign::Left,
        )],
    );
    let one = dark_pixels(&render(&mut renderer, gpu, &l, 1.0), 0, 0, 120, 40) as f64;
    let two = dark_pixels(&render(&mut renderer, gpu, &l, 2.0), 0, 0, 240, 80) as f64;
    let ratio = two / one;
    assert!(
        (3.0..5.0).contains(&ratio),
        "ink ratio at scale 2 is {ratio}, expected about 4"
    );
}

#[test]
fn text_above_a_rect_is_visible_on_it() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let l = list(
        200.0,
        60.0,
        vec![
            rounded(0.0, 0.0, 200.0, 60.0, GREEN, 8.0),
            text(
                20.0,
                15.0,
                160.0,
                30.0,
                "+1",
                24.0,
                BLACK,
                TextAlign::Center,
            ),
        ],
    );
    let img = render(&mut renderer, gpu, &l, 1.0);
    assert!(dark_pixels(&img, 20, 15, 180, 45) > 30);
    assert_px(&img, 10, 30, GREEN, 0);
}
