//! The expression evaluator: `EXPR` or `EXPR\0DATA` (lossy UTF-8) through
//! `miniapp_view::eval_expression`, against DATA when it is JSON, else a fixed page data.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (expr, json) = text.split_once('\0').unwrap_or((&text, ""));
    let page_data = serde_json::from_str(json).unwrap_or_else(|_| {
        serde_json::json!({
            "n": 3, "f": 1.5, "s": "abc", "b": true, "z": null,
            "list": [1, "two", {"a": [3]}], "obj": {"a": {"b": [0, 1]}, "s": "x"}
        })
    });
    let _ = miniapp_view::eval_expression(expr, &page_data);
});
