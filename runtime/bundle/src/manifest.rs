//! The raw app manifest (`app.json`) and page config (`pages/<n>/<n>.json`), exactly as written.
//!
//! Both are strict: unknown keys are errors, and every error carries the file name and the field
//! path of the bad value (`app.json: pages[2]: invalid page path ...`), via `serde_path_to_error`.
//! Rules that span fields (tab bar items must be pages, no duplicate pages) are checked after
//! parsing and all broken rules are reported at once.

use std::collections::{BTreeMap, BTreeSet};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::id::{AppId, Color, Origin, PagePath, Version};
use crate::limits::{TAB_BAR_MAX_ITEMS, TAB_BAR_MIN_ITEMS};

/// `app.json`.
///
/// ```json
/// { "appid": "counter", "name": "Counter", "version": "1.0.0",
///   "pages": ["pages/index/index"],
///   "window": { "navigationBarTitleText": "Counter" },
///   "tabBar": { "list": [ { "pagePath": "pages/index/index", "text": "Home" }, … ] },
///   "network": { "request": ["https://api.example.com"] },
///   "permissions": { "scope.userLocation": { "desc": "show shops near you" } },
///   "minHostApi": "0.1.0", "minBaseLibrary": "1.0.0" }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AppManifest {
    /// `"appid": "counter"`: the app's id on the platform.
    pub appid: AppId,
    /// `"name": "Counter"`: display name, 1 to 64 characters.
    pub name: String,
    /// `"version": "1.0.0"`: must grow with each publish.
    pub version: Version,
    /// `"pages": ["pages/index/index", …]`: every page; the first is the entry page.
    pub pages: Vec<PagePath>,
    /// `"icon": "assets/icon.png"`: optional; the app's icon on the home screen (a PNG or
    /// JPEG inside the bundle, square, 96 px or more).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// `"window": {…}`: default navigation bar and background of every page.
    #[serde(default)]
    pub window: WindowConfig,
    /// `"tabBar": { "list": [...] }`: optional, 2 to 5 items, each one of `pages`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tab_bar: Option<TabBar>,
    /// `"network": { "request": [origins] }`: the only back ends the app may call.
    #[serde(default)]
    pub network: NetworkConfig,
    /// `"permissions": { "scope.x": { "desc": "why" } }`: scopes the app may ask for.
    #[serde(default)]
    pub permissions: BTreeMap<String, PermissionDecl>,
    /// `"minHostApi": "0.1.0"`: lowest host API version the app runs on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_host_api: Option<Version>,
    /// `"minBaseLibrary": "1.0.0"`: lowest base library version the app needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_base_library: Option<Version>,
    /// `"usingComponents": { "product-card": "/components/card/card" }`: custom components
    /// every page may use (tag → component folder path; see `docs/templates.md`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub using_components: BTreeMap<String, String>,
}

/// `"window"` of `app.json`: the defaults every page inherits.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WindowConfig {
    /// `"navigationBarTitleText": "Counter"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub navigation_bar_title_text: Option<String>,
    /// `"navigationBarBackgroundColor": "#07c160"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub navigation_bar_background_color: Option<Color>,
    /// `"navigationBarTextStyle": "white"` or `"black"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub navigation_bar_text_style: Option<TextStyle>,
    /// `"backgroundColor": "#f5f5f5"`: the page background.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background_color: Option<Color>,
    /// `"navigationStyle": "custom"`: no navigation bar, the page starts under the status bar
    /// (only the capsule stays). Default `"default"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub navigation_style: Option<NavigationStyle>,
}

/// Whether the shell draws the navigation bar (`navigationStyle`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NavigationStyle {
    /// `"default"`: the shell's navigation bar with title and back button.
    #[default]
    Default,
    /// `"custom"`: the page draws its own bar from the top of the screen.
    Custom,
}

/// Colour of the tab bar's top border (`borderStyle`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BorderStyle {
    /// `"black"` (the default): a dark hairline.
    #[default]
    Black,
    /// `"white"`: a light hairline.
    White,
}

/// Where the tab bar sits (`position`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TabBarPosition {
    /// `"bottom"` (the default): icons and labels at the bottom of the screen.
    #[default]
    Bottom,
    /// `"top"`: labels only, under the navigation bar (icons are not shown, as on WeChat).
    Top,
}

/// Colour of the navigation bar's title and buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextStyle {
    /// `"white"`.
    White,
    /// `"black"`.
    Black,
}

/// `"tabBar"` of `app.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TabBar {
    /// `"color": "#999999"`: label colour of unselected items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<Color>,
    /// `"selectedColor": "#07c160"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected_color: Option<Color>,
    /// `"backgroundColor": "#ffffff"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background_color: Option<Color>,
    /// `"borderStyle": "white"`: colour of the bar's top border, `black` (default) or `white`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub border_style: Option<BorderStyle>,
    /// `"position": "top"`: `bottom` (default) or `top`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<TabBarPosition>,
    /// `"list": [...]`: 2 to 5 items.
    pub list: Vec<TabBarItem>,
}

/// One item of the tab bar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TabBarItem {
    /// `"pagePath": "pages/index/index"`: must be one of `pages`.
    pub page_path: PagePath,
    /// `"text": "Home"`.
    pub text: String,
    /// `"iconPath": "assets/home.png"`: optional icon file in the bundle (PNG or JPEG, a path
    /// inside the bundle without `..`; 81×81 px is the usual size).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_path: Option<String>,
    /// `"selectedIconPath": "assets/home-on.png"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected_icon_path: Option<String>,
}

/// `"network"` of `app.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NetworkConfig {
    /// `"request": ["https://api.example.com"]`: origins the app may send requests to.
    #[serde(default)]
    pub request: Vec<Origin>,
}

/// One entry of `"permissions"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PermissionDecl {
    /// `"desc": "show shops near you"`: shown to the user in the permission prompt.
    pub desc: String,
}

/// A page's own config, `pages/<n>/<n>.json`; every field overrides `window`.
///
/// ```json
/// { "navigationBarTitleText": "Detail", "backgroundColor": "#ffffff", "enablePullDownRefresh": true }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PageConfig {
    /// `"navigationBarTitleText": "Detail"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub navigation_bar_title_text: Option<String>,
    /// `"navigationBarBackgroundColor": "#07c160"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub navigation_bar_background_color: Option<Color>,
    /// `"navigationBarTextStyle": "white"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub navigation_bar_text_style: Option<TextStyle>,
    /// `"backgroundColor": "#ffffff"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background_color: Option<Color>,
    /// `"enablePullDownRefresh": true`.
    #[serde(default)]
    pub enable_pull_down_refresh: bool,
    /// `"navigationStyle": "custom"`: this page draws its own navigation bar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub navigation_style: Option<NavigationStyle>,
    /// `"usingComponents": { "card": "../../components/card/card" }`: custom components this
    /// page uses, besides app.json's (a page's entry wins over app.json's of the same tag).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub using_components: BTreeMap<String, String>,
}

impl PageConfig {
    /// This page's config with the app's `window` defaults filled in where the page says nothing.
    pub fn merged_with(&self, window: &WindowConfig) -> PageConfig {
        PageConfig {
            navigation_bar_title_text: self
                .navigation_bar_title_text
                .clone()
                .or_else(|| window.navigation_bar_title_text.clone()),
            navigation_bar_background_color: self
                .navigation_bar_background_color
                .clone()
                .or_else(|| window.navigation_bar_background_color.clone()),
            navigation_bar_text_style: self.navigation_bar_text_style.or(window.navigation_bar_text_style),
            background_color: self.background_color.clone().or_else(|| window.background_color.clone()),
            enable_pull_down_refresh: self.enable_pull_down_refresh,
            navigation_style: self.navigation_style.or(window.navigation_style),
            using_components: self.using_components.clone(),
        }
    }
}

/// `base.json`: the manifest of a base library bundle (the framework: default styles of the
/// built-in components, icons, fonts), published separately from apps.
///
/// ```json
/// { "name": "miniapp-base", "version": "1.0.0", "description": "default styles and fonts" }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BaseManifest {
    /// `"name": "miniapp-base"`.
    pub name: String,
    /// `"version": "1.0.0"`: apps ask for a minimum with `minBaseLibrary`.
    pub version: Version,
    /// `"description": "..."`: optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Why a tab bar icon path is not a plain file path inside the bundle, if it is not.
fn icon_path_problem(path: &str) -> Option<&'static str> {
    let lower = path.to_ascii_lowercase();
    if path.is_empty() || path.starts_with('/') || path.contains('\\') {
        Some("must be a relative path inside the bundle")
    } else if path.split('/').any(|part| part.is_empty() || part == "." || part == "..") {
        Some("must not contain empty, `.` or `..` parts")
    } else if !(lower.ends_with(".png") || lower.ends_with(".jpg") || lower.ends_with(".jpeg")) {
        Some("must be a .png, .jpg or .jpeg file")
    } else {
        None
    }
}

/// Parses a strict JSON document, naming `file` and the field path in errors.
pub(crate) fn parse_json<T: DeserializeOwned>(file: &str, bytes: &[u8]) -> Result<T> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        Error::Schema { file: file.to_string(), path, message: e.into_inner().to_string() }
    })?;
    Ok(value)
}

impl AppManifest {
    /// Parses and checks `app.json`. Schema errors name the field path; rule errors list every
    /// broken rule.
    pub fn parse(bytes: &[u8]) -> Result<AppManifest> {
        let manifest: AppManifest = parse_json("app.json", bytes)?;
        let problems = manifest.problems();
        if problems.is_empty() {
            Ok(manifest)
        } else {
            Err(Error::ManifestRules { file: "app.json".into(), problems })
        }
    }

    /// Every cross-field rule this manifest breaks, as `field.path: message`.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let name_len = self.name.chars().count();
        if self.name.trim().is_empty() || name_len > 64 {
            problems.push(format!("name: must be 1 to 64 characters, got {name_len}"));
        }
        if self.pages.is_empty() {
            problems.push("pages: at least one page is required (the first is the entry page)".into());
        }
        if let Some(path) = &self.icon {
            if let Some(why) = icon_path_problem(path) {
                problems.push(format!("icon: {why}, got {path:?}"));
            }
        }
        let mut seen = BTreeSet::new();
        for (i, page) in self.pages.iter().enumerate() {
            if !seen.insert(page) {
                problems.push(format!("pages[{i}]: duplicate page {page}"));
            }
        }
        if let Some(tab_bar) = &self.tab_bar {
            let n = tab_bar.list.len();
            if !(TAB_BAR_MIN_ITEMS..=TAB_BAR_MAX_ITEMS).contains(&n) {
                problems.push(format!(
                    "tabBar.list: must have {TAB_BAR_MIN_ITEMS} to {TAB_BAR_MAX_ITEMS} items, got {n}"
                ));
            }
            for (i, item) in tab_bar.list.iter().enumerate() {
                if !self.pages.contains(&item.page_path) {
                    problems.push(format!(
                        "tabBar.list[{i}].pagePath: {} is not one of pages",
                        item.page_path
                    ));
                }
                for (field, path) in [("iconPath", &item.icon_path), ("selectedIconPath", &item.selected_icon_path)] {
                    if let Some(path) = path {
                        if let Some(why) = icon_path_problem(path) {
                            problems.push(format!("tabBar.list[{i}].{field}: {why}, got {path:?}"));
                        }
                    }
                }
            }
        }
        for (scope, decl) in &self.permissions {
            if !scope.starts_with("scope.") || scope.len() <= "scope.".len() {
                problems.push(format!("permissions.{scope}: a permission scope must start with scope."));
            }
            if decl.desc.trim().is_empty() {
                problems.push(format!("permissions.{scope}.desc: must say why the app needs it"));
            }
        }
        problems
    }

    /// The entry page (the first of `pages`).
    pub fn entry_page(&self) -> &PagePath {
        &self.pages[0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r##"{ "appid": "counter", "name": "Counter", "version": "1.0.0",
        "pages": ["pages/index/index", "pages/about/about"],
        "window": { "navigationBarTitleText": "Counter", "navigationBarBackgroundColor": "#07c160",
                    "navigationBarTextStyle": "white", "backgroundColor": "#f5f5f5" },
        "tabBar": { "list": [ { "pagePath": "pages/index/index", "text": "Home" },
                              { "pagePath": "pages/about/about", "text": "About" } ] },
        "network": { "request": ["https://api.example.com", "http://127.0.0.1:8080"] },
        "permissions": { "scope.userLocation": { "desc": "find shops" } },
        "minHostApi": "0.1.0", "minBaseLibrary": "1.0.0" }"##;

    fn err(json: &str) -> String {
        AppManifest::parse(json.as_bytes()).unwrap_err().to_string()
    }

    #[test]
    fn full_manifest_parses() {
        let m = AppManifest::parse(GOOD.as_bytes()).unwrap();
        assert_eq!(m.appid.as_str(), "counter");
        assert_eq!(m.entry_page().as_str(), "pages/index/index");
        assert_eq!(m.network.request.len(), 2);
        assert_eq!(m.window.navigation_bar_text_style, Some(TextStyle::White));
    }

    #[test]
    fn unknown_top_level_field_is_refused_with_its_name() {
        let e = err(r#"{"appid":"counter","name":"C","version":"1.0.0","pages":["pages/a/a"],"colour":1}"#);
        assert!(e.starts_with("app.json: "), "{e}");
        assert!(e.contains("unknown field `colour`"), "{e}");
    }

    #[test]
    fn bad_page_path_error_names_the_index() {
        let e = err(r#"{"appid":"counter","name":"C","version":"1.0.0","pages":["pages/a/a","x","../evil"]}"#);
        assert!(e.starts_with("app.json: pages[2]: "), "{e}");
        assert!(e.contains("invalid page path \"../evil\""), "{e}");
    }

    #[test]
    fn nested_unknown_field_names_the_nested_path() {
        let e = err(r#"{"appid":"counter","name":"C","version":"1.0.0","pages":["pages/a/a"],"window":{"navigationBarTextStyle":"blue"}}"#);
        assert!(e.contains("app.json: window.navigationBarTextStyle: "), "{e}");
    }

    #[test]
    fn bad_appid_is_refused_with_the_rule() {
        let e = err(r#"{"appid":"Bad App","name":"C","version":"1.0.0","pages":["pages/a/a"]}"#);
        assert!(e.contains("app.json: appid: invalid app id \"Bad App\""), "{e}");
    }

    #[test]
    fn all_rule_problems_are_reported_at_once() {
        let e = err(r#"{"appid":"counter","name":"C","version":"1.0.0","pages":["pages/a/a","pages/a/a"],
            "tabBar":{"list":[{"pagePath":"pages/b/b","text":"B"}]},
            "permissions":{"location":{"desc":"x"}}}"#);
        assert!(e.contains("pages[1]: duplicate page pages/a/a"), "{e}");
        assert!(e.contains("tabBar.list: must have 2 to 5 items, got 1"), "{e}");
        assert!(e.contains("tabBar.list[0].pagePath: pages/b/b is not one of pages"), "{e}");
        assert!(e.contains("permissions.location: a permission scope must start with scope."), "{e}");
    }

    #[test]
    fn empty_pages_are_refused() {
        let e = err(r#"{"appid":"counter","name":"C","version":"1.0.0","pages":[]}"#);
        assert!(e.contains("pages: at least one page is required"), "{e}");
    }

    #[test]
    fn page_config_inherits_window_defaults() {
        let m = AppManifest::parse(GOOD.as_bytes()).unwrap();
        let page: PageConfig = parse_json("p.json", br#"{"navigationBarTitleText":"About"}"#).unwrap();
        let merged = page.merged_with(&m.window);
        assert_eq!(merged.navigation_bar_title_text.as_deref(), Some("About"));
        assert_eq!(merged.background_color.unwrap().as_str(), "#f5f5f5");
        let e = parse_json::<PageConfig>("pages/a/a.json", br#"{"title":"x"}"#).unwrap_err().to_string();
        assert!(e.starts_with("pages/a/a.json: "), "{e}");
    }

    #[test]
    fn tab_bar_style_fields_and_navigation_style_parse() {
        let json = r##"{ "appid": "tabs", "name": "Tabs", "version": "1.0.0",
            "pages": ["pages/a/a", "pages/b/b"],
            "window": { "navigationStyle": "custom" },
            "tabBar": { "color": "#999999", "selectedColor": "#07c160", "backgroundColor": "#ffffff",
                        "borderStyle": "white", "position": "top",
                        "list": [ { "pagePath": "pages/a/a", "text": "A", "iconPath": "icons/a.png",
                                    "selectedIconPath": "icons/a-on.png" },
                                  { "pagePath": "pages/b/b", "text": "B" } ] } }"##;
        let m = AppManifest::parse(json.as_bytes()).unwrap();
        let tab = m.tab_bar.as_ref().unwrap();
        assert_eq!(tab.border_style, Some(BorderStyle::White));
        assert_eq!(tab.position, Some(TabBarPosition::Top));
        assert_eq!(tab.list[0].selected_icon_path.as_deref(), Some("icons/a-on.png"));
        assert_eq!(m.window.navigation_style, Some(NavigationStyle::Custom));
        let page = PageConfig::default().merged_with(&m.window);
        assert_eq!(page.navigation_style, Some(NavigationStyle::Custom));
        let e = err(&json.replace(r#""position": "top""#, r#""position": "left""#));
        assert!(e.contains("tabBar.position"), "{e}");
    }

    #[test]
    fn the_app_icon_must_be_an_image_inside_the_bundle() {
        let ok = AppManifest::parse(br#"{"appid":"shop","name":"S","version":"1.0.0","pages":["pages/a/a"],"icon":"assets/icon.png"}"#).unwrap();
        assert_eq!(ok.icon.as_deref(), Some("assets/icon.png"));
        let e = err(r#"{"appid":"shop","name":"S","version":"1.0.0","pages":["pages/a/a"],"icon":"/etc/passwd"}"#);
        assert!(e.contains("icon: must be a relative path inside the bundle, got \"/etc/passwd\""), "{e}");
        let e = err(r#"{"appid":"shop","name":"S","version":"1.0.0","pages":["pages/a/a"],"icon":"assets/icon.svg"}"#);
        assert!(e.contains("icon: must be a .png, .jpg or .jpeg file"), "{e}");
    }

    #[test]
    fn tab_bar_icon_paths_must_be_images_inside_the_bundle() {
        let e = err(r#"{"appid":"tabs","name":"T","version":"1.0.0","pages":["pages/a/a","pages/b/b"],
            "tabBar":{"list":[{"pagePath":"pages/a/a","text":"A","iconPath":"../up.png"},
                              {"pagePath":"pages/b/b","text":"B","selectedIconPath":"icons/b.gif"}]}}"#);
        assert!(e.contains("tabBar.list[0].iconPath: must not contain empty, `.` or `..` parts, got \"../up.png\""), "{e}");
        assert!(e.contains("tabBar.list[1].selectedIconPath: must be a .png, .jpg or .jpeg file"), "{e}");
    }
}
