//! The publish review the CLI's cloud runs on top of the bundle checks: every template and
//! stylesheet must parse (with the view engine's rules) and the logic component may import only
//! the host API. Every problem is reported, not just the first.

use miniapp_bundle::LockedBundle;
use miniapp_cloud::ReviewHook;
use std::sync::Arc;

/// The review hook handed to the cloud server.
pub fn hook() -> ReviewHook {
    Arc::new(|bundle: &LockedBundle| review(bundle))
}

/// What checking an app's templates and styles found: errors refuse the app, warnings
/// (unsupported CSS, missing `m:key`s...) are only reported.
#[derive(Debug, Default)]
pub struct SourceReport {
    /// Templates that do not parse, files that are not UTF-8.
    pub errors: Vec<String>,
    /// `file:line:column: message` for everything the view engine drops or guesses.
    pub warnings: Vec<String>,
}

/// Checks every template (`.xml`, with its `<import>`/`<include>`s resolved among `files`) and
/// stylesheet (`.css`) of an app with the view engine's own parsers.
pub fn check_sources<'a>(files: impl Fn(&str) -> Option<&'a [u8]> + Sync, paths: &[&str]) -> SourceReport {
    let mut report = SourceReport::default();
    let text = |p: &str| files(p).and_then(|b| std::str::from_utf8(b).ok()).map(str::to_string);
    let app_json: Option<serde_json::Value> = text("app.json").and_then(|t| serde_json::from_str(&t).ok());
    for &path in paths {
        let Some(bytes) = files(path) else { continue };
        let is_xml = path.ends_with(".xml");
        let is_css = path.ends_with(".css");
        if !is_xml && !is_css {
            continue;
        }
        let Ok(src) = std::str::from_utf8(bytes) else {
            report.errors.push(format!("{path}: {} is not UTF-8", if is_xml { "template" } else { "stylesheet" }));
            continue;
        };
        if is_xml {
            // A component's template (its json says `"component": true`) is checked as the
            // component; any other template (a page, or a file pages include or import) with
            // app.json's and its own json's `usingComponents`.
            let stem = path.strip_suffix(".xml").unwrap_or(path);
            let json_path = format!("{stem}.json");
            let own: Option<serde_json::Value> = text(&json_path).and_then(|t| serde_json::from_str(&t).ok());
            let checked = if own.as_ref().is_some_and(|j| j["component"] == true) {
                let json = text(&json_path).unwrap_or_default();
                miniapp_view::ComponentDef::parse(stem, src, text(&format!("{stem}.css")).as_deref(), &json, Some(&text)).map(|_| ())
            } else {
                let empty = serde_json::json!({});
                let page_using = own.as_ref().and_then(|j| j.get("usingComponents")).unwrap_or(&empty);
                let app_using = app_json.as_ref().and_then(|j| j.get("usingComponents")).unwrap_or(&empty);
                miniapp_view::ComponentSet::load(app_using, page_using, stem, &text).and_then(|set| {
                    miniapp_view::Template::parse_with_components(src, path, miniapp_view::DEFAULT_MAX_DEPTH, Some(&text), &set).map(|_| ())
                })
            };
            if let Err(e) = checked {
                report.errors.push(e.to_string());
            }
        } else {
            // A component's sheet (its json says `"component": true`) may style its host.
            let stem = path.strip_suffix(".css").unwrap_or(path);
            let component = text(&format!("{stem}.json"))
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .is_some_and(|j| j["component"] == true);
            match miniapp_view::parse_stylesheet(src, path) {
                Ok((sheet, warnings)) => {
                    report.warnings.extend(warnings.iter().map(|w| w.to_string()));
                    if !component {
                        report.warnings.extend(sheet.page_sheet_warnings().iter().map(|w| w.to_string()));
                    }
                }
                Err(e) => report.errors.push(e.to_string()),
            }
        }
    }
    report
}

fn review(bundle: &LockedBundle) -> Vec<String> {
    let paths: Vec<&str> = bundle.paths().collect();
    let report = check_sources(|p| bundle.file(p), &paths);
    for w in &report.warnings {
        tracing::warn!(app = %bundle.manifest.appid, "review: {w}");
    }
    let mut problems = report.errors;
    match bundle.logic_wasm() {
        Ok(wasm) => {
            if let Err(e) = miniapp_sandbox::check_imports(wasm) {
                problems.push(format!("logic.wasm: {e}"));
            }
        }
        Err(e) => problems.push(e.to_string()),
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::check_sources;

    #[test]
    fn host_in_a_page_sheet_warns_and_in_a_component_sheet_does_not() {
        let files: &[(&str, &str)] = &[
            ("app.css", ":host { color: red }"),
            ("components/card/card.css", ":host { display: block }"),
            ("components/card/card.json", r#"{"component": true}"#),
            ("pages/index/index.css", ".a { color: red }"),
        ];
        let get = |p: &str| files.iter().find(|(n, _)| *n == p).map(|(_, t)| t.as_bytes());
        let paths: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
        let report = check_sources(get, &paths);
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
        assert!(report.warnings[0].starts_with("app.css:1:1: selector `:host`: `:host` styles a custom component's host"), "{:?}", report.warnings);
    }
}
