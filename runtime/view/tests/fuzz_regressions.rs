//! The fuzz targets' inputs on stable: every seed in `fuzz/corpus/<target>/` and every input a
//! fuzzer once crashed on in `fuzz/regressions/<target>/` goes through the same call as its
//! target in `fuzz/fuzz_targets/` (`template_parse`, `css_parse`, `expr_eval`,
//! `set_data_path`) and must return, Ok or a clear error, without panicking. See
//! `docs/fuzzing.md`.

use std::path::PathBuf;

use miniapp_view::{eval_expression, parse_stylesheet, parse_template, Page, Viewport};
use serde_json::{json, Map, Value};

#[path = "../../../fuzz/inputs.rs"]
mod fuzz_inputs;

/// The seeds and regression inputs of one fuzz target as text (lossy UTF-8, as the targets
/// read them).
fn inputs(target: &str) -> Vec<(PathBuf, String)> {
    fuzz_inputs::inputs(target).into_iter().map(|(p, b)| (p, String::from_utf8_lossy(&b).into_owned())).collect()
}

#[test]
fn template_parse_inputs_never_panic() {
    for (path, src) in inputs("template_parse") {
        eprintln!("{}", path.display());
        if let Ok(template) = parse_template(&src, "fuzz.xml") {
            let _ = template.handlers();
        }
    }
}

#[test]
fn css_parse_inputs_never_panic() {
    for (path, src) in inputs("css_parse") {
        eprintln!("{}", path.display());
        let _ = parse_stylesheet(&src, "fuzz.css");
    }
}

#[test]
fn expr_eval_inputs_never_panic() {
    for (path, text) in inputs("expr_eval") {
        eprintln!("{}", path.display());
        let (expr, json) = text.split_once('\0').unwrap_or((&text, ""));
        let data = serde_json::from_str(json).unwrap_or_else(|_| {
            json!({
                "n": 3, "f": 1.5, "s": "abc", "b": true, "z": null,
                "list": [1, "two", {"a": [3]}], "obj": {"a": {"b": [0, 1]}, "s": "x"}
            })
        });
        let _ = eval_expression(expr, &data);
    }
}

#[test]
fn set_data_path_inputs_never_panic() {
    for (path, text) in inputs("set_data_path") {
        eprintln!("{}", path.display());
        let mut page =
            Page::new("<view>{{a}}</view>", "fuzz.xml", &[], Viewport { width: 375.0, height: 600.0 }).unwrap();
        let mut all = Map::new();
        for (i, key) in text.split('\n').enumerate() {
            let _ = page.set_data(&json!({ key: i }));
            all.insert(key.to_string(), Value::from(i));
        }
        let _ = page.set_data(&Value::Object(all));
    }
}
