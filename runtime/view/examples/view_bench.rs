//! Times expand + layout + paint of a 1000-row list: first render, a re-render after a
//! one-row set-data, and a re-render with nothing changed. `cargo run --release --example view_bench`.

#![allow(clippy::print_stdout)]

use std::time::Instant;

use miniapp_view::{new_font_system, Page, Viewport};
use serde_json::json;

fn main() -> Result<(), miniapp_view::Error> {
    let t = Instant::now();
    let mut fonts = new_font_system();
    println!("font system: {:?}", t.elapsed());
    let mut page = Page::new(
        r#"<view class="list"><view m:for="{{rows}}" m:key="id" class="row {{item.done ? 'done' : ''}}" bind:tap="onTap" data-id="{{item.id}}"><text>{{index + 1}}. {{item.title}}</text></view></view>"#,
        "bench.xml",
        &[("bench.css", ".row { display: flex; padding: 8px; border-bottom: 1px solid #eee; } .done { opacity: 0.5; }")],
        Viewport { width: 375.0, height: 667.0 },
    )?;
    let rows: Vec<_> = (0..1000)
        .map(|i| json!({"id": i, "title": format!("Row number {i}"), "done": false}))
        .collect();
    page.set_data(&json!({ "rows": rows }))?;
    let t = Instant::now();
    let list = page.render(&mut fonts)?;
    println!(
        "first render of {} nodes: {:?} ({} items)",
        page.node_count(),
        t.elapsed(),
        list.items.len()
    );
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
