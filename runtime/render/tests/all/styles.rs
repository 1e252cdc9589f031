//! CSS painting on a real adapter: per-side borders, dashes, gradients, shadows, group
//! opacity and transforms, checked pixel by pixel.

use miniapp_view::{LineStyle, IDENTITY};

use crate::common::*;

fn border(widths: [f32; 4], colors: [Color; 4], styles: [LineStyle; 4]) -> DisplayItem {
    DisplayItem::Border {
        rect: r(10.0, 10.0, 60.0, 40.0),
        fill: LIGHT,
        radii: [0.0; 4],
        widths,
        colors,
        styles,
    }
}

#[test]
fn each_side_of_a_border_has_its_own_colour_and_width() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let item = border([2.0, 4.0, 6.0, 8.0], [RED, GREEN, BLUE, BLACK], [LineStyle::Solid; 4]);
    let img = render(&mut renderer, gpu, &list(80.0, 60.0, vec![item]), 1.0);
    assert_px(&img, 40, 10, RED, 0);
    assert_px(&img, 67, 30, GREEN, 0);
    assert_px(&img, 40, 46, BLUE, 0);
    assert_px(&img, 12, 30, BLACK, 0);
    assert_px(&img, 40, 30, LIGHT, 0);
    // outside the box: white
    assert_px(&img, 5, 5, WHITE, 0);
}

#[test]
fn dashed_and_dotted_sides_leave_gaps_that_show_the_fill() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let item = border(
        [4.0, 0.0, 4.0, 0.0],
        [RED, RED, BLUE, RED],
        [LineStyle::Dashed, LineStyle::Solid, LineStyle::Dotted, LineStyle::Solid],
    );
    let img = render(&mut renderer, gpu, &list(80.0, 60.0, vec![item]), 1.0);
    let row = |y: u32, c: Color| (10..70).filter(|x| {
        let p = img.get_pixel(*x, y).0;
        p[0].abs_diff(c.r) < 40 && p[1].abs_diff(c.g) < 40 && p[2].abs_diff(c.b) < 40
    }).count();
    let (red, light) = (row(12, RED), row(12, LIGHT));
    assert!(red > 20 && light > 15, "dashes: {red} red, {light} fill of 60");
    let (blue, light) = (row(48, BLUE), row(48, LIGHT));
    assert!(blue > 5 && light > 15, "dots: {blue} blue, {light} fill of 60");
}

#[test]
fn a_gradient_runs_from_its_first_to_its_last_stop() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let g = DisplayItem::Gradient {
        rect: r(0.0, 0.0, 100.0, 10.0),
        radii: [0.0; 4],
        start: [0.0, 5.0],
        end: [100.0, 5.0],
        stops: vec![(0.0, BLACK), (1.0, WHITE)],
    };
    let img = render(&mut renderer, gpu, &list(100.0, 10.0, vec![g]), 1.0);
    let at = |x: u32| img.get_pixel(x, 5).0[0];
    assert!(at(0) < 5 && at(99) > 250, "{} {}", at(0), at(99));
    assert!(at(50).abs_diff(128) <= 3, "{}", at(50));
}

#[test]
fn a_blurred_shadow_fades_out_around_its_box() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let s = DisplayItem::Shadow {
        rect: r(20.0, 20.0, 40.0, 40.0),
        radii: [0.0; 4],
        color: BLACK,
        blur: 10.0,
    };
    let img = render(&mut renderer, gpu, &list(80.0, 80.0, vec![s]), 1.0);
    let v = |x: u32, y: u32| img.get_pixel(x, y).0[0];
    assert!(v(40, 40) < 10, "centre {}", v(40, 40));
    assert!(v(20, 40).abs_diff(128) < 20, "edge {}", v(20, 40));
    assert!(v(5, 40) > 230, "outside {}", v(5, 40));
}

#[test]
fn group_opacity_fades_overlapping_children_together() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let items = vec![
        DisplayItem::PushLayer {
            opacity: 0.5,
            transform: IDENTITY,
        },
        rect(0.0, 0.0, 30.0, 20.0, RED),
        rect(10.0, 0.0, 30.0, 20.0, BLUE),
        DisplayItem::PopLayer,
    ];
    let img = render(&mut renderer, gpu, &list(40.0, 20.0, items), 1.0);
    let half = |c: u8| ((u32::from(c) + 255) / 2) as u8;
    // where they overlap only the blue shows, at half strength: no red shines through
    assert_px(&img, 20, 10, Color { r: half(0), g: half(0), b: 255, a: 255 }, 2);
    assert_px(&img, 5, 10, Color { r: 255, g: half(0), b: half(0), a: 255 }, 2);
}

#[test]
fn a_rotated_layer_moves_its_quads_and_text_together() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    // a 40x10 bar rotated 90° about (50, 50) becomes a 10x40 bar
    let (s, c) = (1.0f32, 0.0f32);
    let t = [c, s, -s, c, 50.0 + 50.0 * s - 50.0 * c, 50.0 - 50.0 * s - 50.0 * c];
    let items = vec![
        DisplayItem::PushLayer {
            opacity: 1.0,
            transform: t,
        },
        rect(30.0, 45.0, 40.0, 10.0, GREEN),
        DisplayItem::PopLayer,
    ];
    let img = render(&mut renderer, gpu, &list(100.0, 100.0, items), 1.0);
    assert_px(&img, 50, 35, GREEN, 2);
    assert_px(&img, 35, 50, WHITE, 2);
}

#[test]
fn deeply_nested_and_unbalanced_layers_still_render() {
    let Some((gpu, mut renderer)) = renderer() else {
        return;
    };
    let mut items = Vec::new();
    for _ in 0..100 {
        items.push(DisplayItem::PushLayer {
            opacity: 0.99,
            transform: IDENTITY,
        });
    }
    items.push(rect(0.0, 0.0, 10.0, 10.0, RED));
    // never popped, and a stray pop, and a non-finite layer
    items.push(DisplayItem::PopLayer);
    items.push(DisplayItem::PushLayer {
        opacity: f32::NAN,
        transform: [f32::INFINITY; 6],
    });
    items.push(rect(10.0, 0.0, 10.0, 10.0, BLUE));
    let img = render(&mut renderer, gpu, &list(20.0, 10.0, items), 1.0);
    // past the depth limit the content still paints (nearly red, faded by 16 layers)
    let p = img.get_pixel(5, 5).0;
    assert!(p[0] > 200 && p[1] < 100, "{p:?}");
    // the broken layer paints as an untransformed, opaque one
    assert_px(&img, 15, 5, BLUE, 40);
    // and the next frame is clean
    let img = render(&mut renderer, gpu, &list(20.0, 10.0, vec![rect(0.0, 0.0, 20.0, 10.0, GREEN)]), 1.0);
    assert_px(&img, 5, 5, GREEN, 0);
}
