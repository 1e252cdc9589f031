//! Set-data path keys: each line of the input (lossy UTF-8) is a key (`a.b[3].c`), applied to
//! one page with `Page::set_data`, one key per patch and then all keys in one patch.
#![no_main]

use libfuzzer_sys::fuzz_target;
use miniapp_view::{Page, Viewport};
use serde_json::{json, Map, Value};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(mut page) = Page::new(
        "<view>{{a}}</view>",
        "fuzz.xml",
        &[],
        Viewport { width: 375.0, height: 600.0 },
    ) else {
        return;
    };
    let mut all = Map::new();
    for (i, key) in text.split('\n').enumerate() {
        let _ = page.set_data(&json!({ key: i }));
        all.insert(key.to_string(), Value::from(i));
    }
    let _ = page.set_data(&Value::Object(all));
});
