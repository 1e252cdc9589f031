//! Times expand + layout + paint of a 1000-row list: the first render of a fresh page (as
//! `miniapp bench`'s `view.list_1000_first_layout` measures it: a new page per sample, one
//! font system for all), then a re-render after a one-row set-data, and a re-render with
//! nothing changed. `cargo run --release -p miniapp-view --example view_bench [SAMPLES]`.
//!
//! `view_bench SAMPLES first` times only the first renders. Instructions of one warm first
//! render (callgrind loses track of calls across the render's stack switch, so count inside
//! it, `render_on_this_stack`, and take a difference to leave out the cold warm-up render):
//! `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*render_on_this_stack*'
//! <binary> N first` for N = 1 and 4; (total(4) - total(1)) / 3.

#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use miniapp_view::cosmic_text::FontSystem;
use miniapp_view::{new_font_system, Page, Viewport};
use serde_json::json;

/// The allocator the `miniapp` binary uses (its default `mimalloc` feature), so the times are
/// the ones users get.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const LIST_XML: &str = r#"<view class="list"><view m:for="{{rows}}" m:key="id" class="row {{item.done ? 'done' : ''}}" bind:tap="onTap" data-id="{{item.id}}"><text>{{index + 1}}. {{item.title}}</text></view></view>"#;
const LIST_CSS: &str = ".row { display: flex; padding: 8px; border-bottom: 1px solid #eee; } .done { opacity: 0.5; }";
const WARM_UP: usize = 2;

/// The list page of `miniapp bench` (an iPhone SE's page area under the navigation bar).
fn list_page() -> Result<Page, miniapp_view::Error> {
    let mut page = Page::new(
        LIST_XML,
        "pages/list/list.xml",
        &[("pages/list/list.css", LIST_CSS)],
        Viewport { width: 375.0, height: 603.0 },
    )?;
    let rows: Vec<_> = (0..1000)
        .map(|i| json!({"id": i, "title": format!("Row number {i}"), "done": false}))
        .collect();
    page.set_data(&json!({ "rows": rows }))?;
    Ok(page)
}

fn first_render(fonts: &mut FontSystem) -> Result<(Duration, usize, usize), miniapp_view::Error> {
    let mut page = list_page()?;
    let t = Instant::now();
    let list = page.render(fonts)?;
    let d = t.elapsed();
    Ok((d, page.node_count(), list.items.len()))
}

/// One row's set-data and the render after it (a function of its own for callgrind).
#[inline(never)]
fn set_data_and_render(page: &mut Page, fonts: &mut FontSystem, row: usize, round: usize) -> Result<(), miniapp_view::Error> {
    page.set_data(&json!({ format!("rows[{row}].title"): format!("changed {round}") }))?;
    page.render(fonts)?;
    Ok(())
}

fn main() -> Result<(), miniapp_view::Error> {
    let samples: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(30);
    let t = Instant::now();
    let mut fonts = new_font_system();
    println!("font system: {:?}", t.elapsed());
    let mut times = Vec::with_capacity(samples);
    let mut shape = (0, 0);
    for i in 0..WARM_UP + samples {
        let (d, nodes, items) = first_render(&mut fonts)?;
        if i == 0 {
            println!("first render ever (cold caches): {d:?}");
        }
        if i >= WARM_UP {
            times.push(d);
        }
        shape = (nodes, items);
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "first render of a fresh page ({} nodes, {} items), {samples} samples: median {:.2} ms, min {:.2} ms, max {:.2} ms",
        shape.0,
        shape.1,
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1])
    );

    if std::env::args().nth(2).as_deref() == Some("first") {
        return Ok(());
    }
    if let Some(mode @ ("set-data" | "set-data-visible")) = std::env::args().nth(2).as_deref() {
        // `view_bench 0 set-data K`: K renders after one row's title changed (row 500, off
        // screen, or row 5, on it), for callgrind's difference of two K, counted in
        // `set_data_and_render` (`--toggle-collect='*set_data_and_render*'`).
        let rounds: usize = std::env::args().nth(3).and_then(|a| a.parse().ok()).unwrap_or(1);
        let mut page = list_page()?;
        page.render(&mut fonts)?;
        let row = if mode == "set-data" { 500 } else { 5 };
        for i in 0..rounds {
            set_data_and_render(&mut page, &mut fonts, row, i)?;
        }
        println!("{:?}", page.render_stats());
        return Ok(());
    }
    let mut page = list_page()?;
    page.render(&mut fonts)?;
    for i in 0..3 {
        page.set_data(&json!({ format!("rows[{}].title", 500 + i): "changed" }))?;
        let t = Instant::now();
        page.render(&mut fonts)?;
        println!("render after one row's text changed: {:?}", t.elapsed());
    }
    let t = Instant::now();
    page.render(&mut fonts)?;
    println!("render with nothing changed: {:?}", t.elapsed());
    let t = Instant::now();
    let hit = page.hit_test(100.0, 5000.0);
    println!(
        "hit test: {:?} -> {:?}",
        t.elapsed(),
        hit.map(|h| h.event["currentTarget"]["dataset"].clone())
    );
    Ok(())
}
