//! Custom components: a definition ([`ComponentDef`]: template, stylesheet and the strict
//! json config) and the set a page may use ([`ComponentSet`]: tag names to definitions).
//!
//! A component lives in a folder of the bundle, `components/card/card.{xml,css,json}`; its
//! path is `components/card/card` (no extension). The json is the component's contract:
//!
//! ```json
//! {
//!   "component": true,
//!   "properties": { "title": "String", "price": { "type": "Number", "value": 0 } },
//!   "options": { "styleIsolation": "isolated", "multipleSlots": true },
//!   "externalClasses": ["title-class"],
//!   "usingComponents": { "price-tag": "../price-tag/price-tag" }
//! }
//! ```
//!
//! How a page expands, styles and reports instances of them is in `tree.rs` and `page.rs`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::css::{parse_stylesheet, Diagnostic, StyleSheet};
use crate::error::{Error, Result};
use crate::template::{FileResolver, Template};

/// Most custom components nested in one another while a page expands (default 16), so that a
/// component that uses itself (directly or through others) ends in an error rather than
/// recursing until the node limit.
pub const MAX_COMPONENT_DEPTH: usize = 16;

/// The type a property declares (`"String"`, `"Number"`, `"Boolean"`, `"Object"`,
/// `"Array"`, or `null` for any value).
///
/// An attribute whose value is `null` (a binding to missing data) leaves the property at
/// its default, whatever the type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropType {
    /// `"String"`: text; numbers and booleans are converted to their text.
    String,
    /// `"Number"`: a number; a string that parses as one (`price="12"`) is converted.
    Number,
    /// `"Boolean"`: `true`/`false`; a bare attribute is `true`, the strings `"true"` and
    /// `"false"` are converted.
    Boolean,
    /// `"Object"`: an object or `null`.
    Object,
    /// `"Array"`: an array.
    Array,
    /// `null`: any value, as given.
    Any,
}

impl PropType {
    fn parse(v: &Value) -> Option<PropType> {
        Some(match v {
            Value::Null => PropType::Any,
            Value::String(s) => match s.as_str() {
                "String" => PropType::String,
                "Number" => PropType::Number,
                "Boolean" => PropType::Boolean,
                "Object" => PropType::Object,
                "Array" => PropType::Array,
                "null" => PropType::Any,
                _ => return None,
            },
            _ => return None,
        })
    }

    /// The name as written in the json (`Any` is `null`).
    pub fn name(self) -> &'static str {
        match self {
            PropType::String => "String",
            PropType::Number => "Number",
            PropType::Boolean => "Boolean",
            PropType::Object => "Object",
            PropType::Array => "Array",
            PropType::Any => "null",
        }
    }

    /// The value a property of this type has when neither the json nor the page gives one.
    pub fn empty(self) -> Value {
        match self {
            PropType::String => Value::String(String::new()),
            PropType::Number => Value::from(0),
            PropType::Boolean => Value::Bool(false),
            PropType::Array => Value::Array(Vec::new()),
            PropType::Object | PropType::Any => Value::Null,
        }
    }

    /// `v` as this type, or `None` when it cannot be one (see each variant).
    pub fn convert(self, v: Value) -> Option<Value> {
        match (self, v) {
            (PropType::Any, v) => Some(v),
            (PropType::String, v @ Value::String(_)) => Some(v),
            (PropType::String, v @ (Value::Number(_) | Value::Bool(_))) => {
                Some(Value::String(crate::expr::to_display(&v)))
            }
            (PropType::Number, v @ Value::Number(_)) => Some(v),
            (PropType::Number, Value::String(s)) => {
                let n: f64 = s.trim().parse().ok().filter(|n: &f64| n.is_finite())?;
                if n.fract() == 0.0 && n.abs() < 9.0e15 {
                    Some(Value::from(n as i64))
                } else {
                    serde_json::Number::from_f64(n).map(Value::Number)
                }
            }
            (PropType::Boolean, v @ Value::Bool(_)) => Some(v),
            (PropType::Boolean, Value::String(s)) if s == "true" || s == "false" => {
                Some(Value::Bool(s == "true"))
            }
            (PropType::Object, v @ (Value::Object(_) | Value::Null)) => Some(v),
            (PropType::Array, v @ Value::Array(_)) => Some(v),
            _ => None,
        }
    }
}

/// One declared property: `"title": "String"` or `"price": {"type": "Number", "value": 0}`.
#[derive(Debug, Clone, PartialEq)]
pub struct PropSpec {
    /// The declared type.
    pub ty: PropType,
    /// `value`: the default (the type's empty value when not given: `""`, `0`, `false`,
    /// `[]`, `null`).
    pub default: Value,
}

/// `options.styleIsolation`: which stylesheets reach a component's own nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StyleIsolation {
    /// `"isolated"` (the default): only the component's own sheet (and the built-in
    /// components' defaults) style its nodes; its sheet styles nothing outside them.
    #[default]
    Isolated,
    /// `"apply-shared"` (or `"addGlobalClass": true`): app and page styles also apply inside,
    /// below the component's own sheet in the cascade.
    ApplyShared,
    /// `"shared"`: as `apply-shared`, and the component's sheet also styles the page's nodes
    /// (and every other component's that uses `apply-shared` or `shared`).
    Shared,
}

/// `options`: `{"styleIsolation": "isolated", "multipleSlots": true, "addGlobalClass": false}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ComponentOptions {
    /// `styleIsolation`. Default [`StyleIsolation::Isolated`].
    pub style_isolation: StyleIsolation,
    /// `multipleSlots`: accepted for compatibility; named slots always work here.
    pub multiple_slots: bool,
}

/// A component's json, checked: properties, options, external classes and the components it
/// uses (tag → path from the bundle root, without extension).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ComponentConfig {
    /// `properties`, by name.
    pub properties: BTreeMap<String, PropSpec>,
    /// `options`.
    pub options: ComponentOptions,
    /// `externalClasses`: class names the user of the component fills in
    /// (`title-class="big"`).
    pub external_classes: Vec<String>,
    /// `usingComponents`: tag → resolved component path (`components/price/price`).
    pub using: BTreeMap<String, String>,
}

const TOP_KEYS: &str = "component, properties, options, externalClasses, usingComponents";

impl ComponentConfig {
    /// Parses and checks the json of the component at `path` (`components/card/card`);
    /// `usingComponents` paths resolve relative to the component's folder, or from the bundle
    /// root when they start with `/`.
    ///
    /// # Errors
    /// [`Error::ComponentJson`] when the text is not JSON (with line:column);
    /// [`Error::ComponentConfig`] with the field path (`properties.price.type`) for an
    /// unknown key, a wrong type, a property type that is not one of the six, a default that
    /// does not fit its type, `component` not `true`, a bad tag or class name, a tag that is
    /// a built-in component, or a path above the bundle root.
    pub fn parse(json: &str, path: &str) -> Result<ComponentConfig> {
        let file = format!("{path}.json");
        let root: Value = serde_json::from_str(json).map_err(|e| Error::ComponentJson {
            file: file.clone(),
            line: e.line() as u32,
            col: e.column() as u32,
            reason: e.to_string().split(" at line ").next().unwrap_or_default().to_string(),
        })?;
        let bad = |field: &str, reason: String| Error::ComponentConfig {
            file: file.clone(),
            field: field.to_string(),
            reason,
        };
        let Value::Object(top) = root else {
            return Err(bad("(root)", format!("expected an object, got {}", json_type(&root))));
        };
        let mut cfg = ComponentConfig::default();
        let mut is_component = false;
        for (k, v) in &top {
            match k.as_str() {
                "component" => {
                    if v != &Value::Bool(true) {
                        return Err(bad("component", format!("must be `true`, got {v}")));
                    }
                    is_component = true;
                }
                "properties" => {
                    let m = object(v).ok_or_else(|| bad("properties", expected("an object", v)))?;
                    for (name, spec) in m {
                        let field = format!("properties.{name}");
                        if !is_prop_name(name) {
                            return Err(bad(&field, "a property name is a JavaScript identifier (letters, digits, `_`, `$`)".into()));
                        }
                        let spec = prop_spec(spec, &field).map_err(|(f, r)| bad(&f, r))?;
                        cfg.properties.insert(name.clone(), spec);
                    }
                }
                "options" => {
                    let m = object(v).ok_or_else(|| bad("options", expected("an object", v)))?;
                    for (name, o) in m {
                        let field = format!("options.{name}");
                        match name.as_str() {
                            "styleIsolation" => {
                                cfg.options.style_isolation = match o.as_str() {
                                    Some("isolated") => StyleIsolation::Isolated,
                                    Some("apply-shared") => StyleIsolation::ApplyShared,
                                    Some("shared") => StyleIsolation::Shared,
                                    _ => {
                                        return Err(bad(
                                            &field,
                                            format!("expected \"isolated\", \"apply-shared\" or \"shared\", got {o}"),
                                        ))
                                    }
                                }
                            }
                            "addGlobalClass" => match o {
                                Value::Bool(true) => cfg.options.style_isolation = StyleIsolation::ApplyShared,
                                Value::Bool(false) => {}
                                _ => return Err(bad(&field, expected("a boolean", o))),
                            },
                            "multipleSlots" => {
                                cfg.options.multiple_slots =
                                    o.as_bool().ok_or_else(|| bad(&field, expected("a boolean", o)))?;
                            }
                            _ => {
                                return Err(bad(
                                    &field,
                                    "unknown option (known: styleIsolation, multipleSlots, addGlobalClass)".into(),
                                ))
                            }
                        }
                    }
                }
                "externalClasses" => {
                    let list = v.as_array().ok_or_else(|| bad("externalClasses", expected("an array of class names", v)))?;
                    for (i, c) in list.iter().enumerate() {
                        let field = format!("externalClasses[{i}]");
                        let c = c.as_str().ok_or_else(|| bad(&field, expected("a string", c)))?;
                        if !is_tag_name(c) {
                            return Err(bad(&field, format!("`{c}` is not a class name (lower-case letters, digits and `-`, `_`)")));
                        }
                        cfg.external_classes.push(c.to_string());
                    }
                }
                "usingComponents" => {
                    cfg.using = using_components(v, path).map_err(|(f, r)| bad(&f, r))?;
                }
                _ => return Err(bad(k, format!("unknown key (known: {TOP_KEYS})"))),
            }
        }
        if !is_component {
            return Err(bad("component", "missing: a component's json says `\"component\": true`".into()));
        }
        Ok(cfg)
    }
}

/// Checks `usingComponents` (of a component at `from`, or of a page or app.json) and
/// resolves each path from the bundle root. Errors are (field path, reason).
fn using_components(v: &Value, from: &str) -> std::result::Result<BTreeMap<String, String>, (String, String)> {
    let m = object(v).ok_or_else(|| ("usingComponents".to_string(), expected("an object", v)))?;
    let mut out = BTreeMap::new();
    for (tag, p) in m {
        let field = format!("usingComponents.{tag}");
        check_tag(tag).map_err(|r| (field.clone(), r))?;
        let p = p.as_str().filter(|s| !s.trim().is_empty()).ok_or_else(|| (field.clone(), expected("a component path", p)))?;
        let resolved = resolve(from, p).ok_or_else(|| (field.clone(), format!("`{p}` goes above the bundle root")))?;
        out.insert(tag.clone(), resolved);
    }
    Ok(out)
}

/// Whether `tag` may name a custom component; the reason when it may not.
fn check_tag(tag: &str) -> std::result::Result<(), String> {
    if !is_tag_name(tag) {
        return Err(format!("`{tag}` is not a tag name (lower-case letters, digits, `-` and `_`, starting with a letter)"));
    }
    if tag == "slot" || crate::template::TEMPLATE_TAGS.contains(&tag) || crate::components::lookup(tag).is_some() {
        return Err(format!("`{tag}` is a built-in tag and cannot name a custom component"));
    }
    Ok(())
}

/// A component path from `from`'s folder (or the root with a leading `/`), normalised: the
/// same rule as `<import src>` (one resolver for both).
fn resolve(from: &str, p: &str) -> Option<String> {
    crate::template::resolve_path(from, p)
}

fn prop_spec(v: &Value, field: &str) -> std::result::Result<PropSpec, (String, String)> {
    let types = "expected \"String\", \"Number\", \"Boolean\", \"Object\", \"Array\" or null";
    if let Value::Object(m) = v {
        let mut ty = PropType::Any;
        let mut default = None;
        for (k, x) in m {
            let f = format!("{field}.{k}");
            match k.as_str() {
                "type" => ty = PropType::parse(x).ok_or_else(|| (f, format!("{types}, got {x}")))?,
                "value" => default = Some((x.clone(), f)),
                _ => return Err((f, "unknown key (known: type, value)".into())),
            }
        }
        let default = match default {
            None => ty.empty(),
            Some((d, f)) => {
                // `null` suits every type (the property starts empty).
                if !d.is_null() && ty.convert(d.clone()).as_ref() != Some(&d) {
                    return Err((f, format!("the default {d} is not a {}", ty.name())));
                }
                d
            }
        };
        return Ok(PropSpec { ty, default });
    }
    let ty = PropType::parse(v).ok_or_else(|| (field.to_string(), format!("{types} or {{\"type\", \"value\"}}, got {v}")))?;
    Ok(PropSpec { ty, default: ty.empty() })
}

fn object(v: &Value) -> Option<&Map<String, Value>> {
    v.as_object()
}

fn expected(what: &str, v: &Value) -> String {
    format!("expected {what}, got {}", json_type(v))
}

pub(crate) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn is_prop_name(s: &str) -> bool {
    let mut cs = s.chars();
    cs.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

fn is_tag_name(s: &str) -> bool {
    let mut cs = s.chars();
    cs.next().is_some_and(|c| c.is_ascii_lowercase())
        && cs.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// One custom component: its path, parsed template and stylesheet, and its config.
#[derive(Debug, Clone)]
pub struct ComponentDef {
    pub(crate) path: String,
    pub(crate) template: Template,
    pub(crate) sheet: StyleSheet,
    pub(crate) config: ComponentConfig,
    pub(crate) diags: Vec<Diagnostic>,
}

impl ComponentDef {
    /// Parses the component at `path` (`components/card/card`) from the text of its
    /// `path.xml`, `path.css` (`None` when it has none) and `path.json`. Its template may use
    /// `<slot>` and the tags of its own `usingComponents`; `files` serves its
    /// `<import>`/`<include>` (`None`: it has none).
    ///
    /// # Errors
    /// [`ComponentConfig::parse`]'s errors for the json, then the template's
    /// ([`Template::parse_with`]) with the file name `path.xml`. CSS problems are only
    /// warnings ([`ComponentDef::warnings`]).
    pub fn parse(
        path: &str,
        template: &str,
        style: Option<&str>,
        json: &str,
        files: Option<FileResolver<'_>>,
    ) -> Result<ComponentDef> {
        let path = path.trim_start_matches('/').to_string();
        let config = ComponentConfig::parse(json, &path)?;
        let mut tags: Vec<String> = config.using.keys().cloned().collect();
        tags.push("slot".into());
        let name = format!("{path}.xml");
        let template = crate::template::parse_with_tags(template, &name, crate::limits::DEFAULT_MAX_DEPTH, files, &tags)?;
        let (sheet, diags) = match style {
            Some(css) => parse_stylesheet(css, &format!("{path}.css"))?,
            None => (parse_stylesheet("", &format!("{path}.css"))?.0, Vec::new()),
        };
        Ok(ComponentDef { path, template, sheet, config, diags })
    }

    /// The component's path (`components/card/card`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The parsed template.
    pub fn template(&self) -> &Template {
        &self.template
    }

    /// The checked json.
    pub fn config(&self) -> &ComponentConfig {
        &self.config
    }

    /// Unsupported or invalid CSS of the component's stylesheet.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.diags
    }
}

/// The custom components a page may use: the tags of its `usingComponents` (and app.json's)
/// mapped to definitions, plus every definition those use in turn, by path.
#[derive(Debug, Clone, Default)]
pub struct ComponentSet {
    /// Definitions by path.
    pub(crate) defs: HashMap<String, Arc<ComponentDef>>,
    /// The page's tags → paths.
    pub(crate) tags: BTreeMap<String, String>,
}

impl ComponentSet {
    /// An empty set (a page without custom components).
    pub fn new() -> ComponentSet {
        ComponentSet::default()
    }

    /// Lets the page use `def` as `<tag>` (from the page's or app.json's
    /// `usingComponents`), and makes it available to other components by its path.
    ///
    /// # Errors
    /// [`Error::ComponentConfig`] (field `usingComponents.TAG`) when `tag` is not a valid tag
    /// name or is a built-in one.
    pub fn insert(&mut self, tag: &str, def: ComponentDef) -> Result<()> {
        check_tag(tag).map_err(|reason| Error::ComponentConfig {
            file: "usingComponents".into(),
            field: format!("usingComponents.{tag}"),
            reason,
        })?;
        self.tags.insert(tag.to_string(), def.path.clone());
        self.define(def);
        Ok(())
    }

    /// Makes `def` available by its path to the `usingComponents` of other components
    /// (without a tag in the page).
    pub fn define(&mut self, def: ComponentDef) {
        self.defs.insert(def.path.clone(), Arc::new(def));
    }

    /// The tags the page may use, sorted.
    pub fn tags(&self) -> Vec<&str> {
        self.tags.keys().map(String::as_str).collect()
    }

    /// Whether the set is empty (no tags, no definitions).
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty() && self.defs.is_empty()
    }

    /// The definition behind the page's `<tag>`.
    pub fn get(&self, tag: &str) -> Option<&ComponentDef> {
        self.tags.get(tag).and_then(|p| self.defs.get(p)).map(|d| &**d)
    }

    /// The set of one page: the tags of app.json's `usingComponents` (`app_using`) and the
    /// page's own (`page_using`, winning on the same tag), each component read through `files`
    /// (`PATH.xml`, `PATH.json`, optional `PATH.css`), and the components those use in turn.
    /// `page` is the page's path (`pages/index/index`), against which its relative paths
    /// resolve. This is the one loader the shell and `miniapp build` share.
    ///
    /// # Errors
    /// A bad `usingComponents` ([`Error::ComponentConfig`]), a component whose `.xml` or
    /// `.json` is missing ([`Error::UnknownComponent`]), and every error of
    /// [`ComponentDef::parse`] and [`ComponentSet::check`].
    pub fn load(app_using: &Value, page_using: &Value, page: &str, files: FileResolver<'_>) -> Result<ComponentSet> {
        let mut tags = parse_using_components(app_using, "app")?;
        let page_tags = parse_using_components(page_using, page)?;
        // Where each tag was declared, for the error when its component is missing.
        let declared_in = |tag: &str| if page_tags.contains_key(tag) { format!("{page}.json") } else { "app.json".to_string() };
        tags.extend(page_tags.clone());
        let mut set = ComponentSet::new();
        if tags.is_empty() {
            return Ok(set);
        }
        // Each path once, whatever the order or cycles (expansion depth is limited elsewhere).
        let mut todo: Vec<(String, String, String)> =
            tags.iter().map(|(tag, path)| (declared_in(tag), tag.clone(), path.clone())).collect();
        while let Some((named_in, tag, path)) = todo.pop() {
            if set.defs.contains_key(&path) {
                continue;
            }
            let missing = || Error::UnknownComponent { file: named_in.clone(), tag: tag.clone(), path: path.clone() };
            let template = files(&format!("{path}.xml")).ok_or_else(missing)?;
            let json = files(&format!("{path}.json")).ok_or_else(missing)?;
            let style = files(&format!("{path}.css"));
            let def = ComponentDef::parse(&path, &template, style.as_deref(), &json, Some(files))?;
            for (t, p) in &def.config.using {
                todo.push((format!("{path}.json"), t.clone(), p.clone()));
            }
            set.define(def);
        }
        for (tag, path) in &tags {
            let def = set.defs[path].clone();
            check_tag(tag).map_err(|reason| Error::ComponentConfig {
                file: "usingComponents".into(),
                field: format!("usingComponents.{tag}"),
                reason,
            })?;
            set.tags.insert(tag.clone(), def.path.clone());
        }
        set.check()?;
        Ok(set)
    }

    /// Checks that every definition a page tag or a component's `usingComponents` names is
    /// in the set.
    ///
    /// # Errors
    /// [`Error::UnknownComponent`] naming the json (or `usingComponents` for the page's
    /// tags), the tag and the missing path.
    pub fn check(&self) -> Result<()> {
        for (tag, path) in &self.tags {
            if !self.defs.contains_key(path) {
                return Err(Error::UnknownComponent { file: "usingComponents".into(), tag: tag.clone(), path: path.clone() });
            }
        }
        let mut paths: Vec<&String> = self.defs.keys().collect();
        paths.sort();
        for p in paths {
            for (tag, path) in &self.defs[p].config.using {
                if !self.defs.contains_key(path) {
                    return Err(Error::UnknownComponent { file: format!("{p}.json"), tag: tag.clone(), path: path.clone() });
                }
            }
        }
        Ok(())
    }
}

/// Checks a page's (or app.json's) `usingComponents` object and resolves its paths: `from` is
/// the page's path (`pages/index/index`; relative paths start at its folder) or `app`.
///
/// # Errors
/// [`Error::ComponentConfig`] with the field path for a value that is not an object, a bad
/// or built-in tag, a path that is not a string or goes above the bundle root.
pub fn parse_using_components(v: &Value, from: &str) -> Result<BTreeMap<String, String>> {
    using_components(v, from).map_err(|(field, reason)| Error::ComponentConfig {
        file: format!("{from}.json"),
        field,
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(j: &str) -> String {
        ComponentConfig::parse(j, "components/card/card").unwrap_err().to_string()
    }

    #[test]
    fn properties_take_a_type_name_or_a_type_and_default() {
        let c = ComponentConfig::parse(
            r#"{"component": true, "properties": {"title": "String", "n": {"type": "Number", "value": 3}, "any": null, "flag": {"type": "Boolean"}},
                "options": {"styleIsolation": "apply-shared", "multipleSlots": true}, "externalClasses": ["title-class"],
                "usingComponents": {"price-tag": "../price/price", "abs": "/components/x/x"}}"#,
            "components/card/card",
        )
        .unwrap();
        assert_eq!(c.properties["title"], PropSpec { ty: PropType::String, default: json!("") });
        assert_eq!(c.properties["n"], PropSpec { ty: PropType::Number, default: json!(3) });
        assert_eq!(c.properties["any"].ty, PropType::Any);
        assert_eq!(c.properties["flag"].default, json!(false));
        assert_eq!(c.options.style_isolation, StyleIsolation::ApplyShared);
        assert_eq!(c.external_classes, vec!["title-class"]);
        assert_eq!(c.using["price-tag"], "components/price/price");
        assert_eq!(c.using["abs"], "components/x/x");
    }

    #[test]
    fn bad_json_names_the_field_path_or_the_position() {
        assert_eq!(
            err(r#"{"component": true, "properties": {"price": {"type": "Int"}}}"#),
            "components/card/card.json: properties.price.type: expected \"String\", \"Number\", \"Boolean\", \"Object\", \"Array\" or null, got \"Int\""
        );
        assert_eq!(
            err(r#"{"component": true, "properties": {"price": {"type": "Number", "value": "x"}}}"#),
            "components/card/card.json: properties.price.value: the default \"x\" is not a Number"
        );
        assert_eq!(
            err(r#"{"component": true, "properties": {"p": {"type": "Number", "observer": "f"}}}"#),
            "components/card/card.json: properties.p.observer: unknown key (known: type, value)"
        );
        assert_eq!(
            err(r#"{"component": true, "styles": {}}"#),
            format!("components/card/card.json: styles: unknown key (known: {TOP_KEYS})")
        );
        assert_eq!(
            err(r#"{"component": true, "options": {"styleIsolation": "open"}}"#),
            "components/card/card.json: options.styleIsolation: expected \"isolated\", \"apply-shared\" or \"shared\", got \"open\""
        );
        assert_eq!(err(r#"{"properties": {}}"#), "components/card/card.json: component: missing: a component's json says `\"component\": true`");
        assert_eq!(
            err(r#"{"component": true, "usingComponents": {"view": "../v/v"}}"#),
            "components/card/card.json: usingComponents.view: `view` is a built-in tag and cannot name a custom component"
        );
        assert_eq!(
            err(r#"{"component": true, "usingComponents": {"x": "../../../x"}}"#),
            "components/card/card.json: usingComponents.x: `../../../x` goes above the bundle root"
        );
        assert_eq!(
            err(r#"{"component": true, "externalClasses": ["ok", 3]}"#),
            "components/card/card.json: externalClasses[1]: expected a string, got a number"
        );
        assert_eq!(err("{\"component\": true,\n  \"properties\": {,}}"), "components/card/card.json:2:18: key must be a string");
    }

    #[test]
    fn conversions_follow_the_declared_type() {
        assert_eq!(PropType::Number.convert(json!("12")), Some(json!(12)));
        assert_eq!(PropType::Number.convert(json!("x")), None);
        assert_eq!(PropType::String.convert(json!(3)), Some(json!("3")));
        assert_eq!(PropType::String.convert(json!([1])), None);
        assert_eq!(PropType::Boolean.convert(json!("false")), Some(json!(false)));
        assert_eq!(PropType::Array.convert(json!({})), None);
        assert_eq!(PropType::Object.convert(json!(null)), Some(json!(null)));
    }

    #[test]
    fn a_set_refuses_missing_definitions() {
        let def = ComponentDef::parse(
            "components/a/a",
            "<view><b-comp/></view>",
            None,
            r#"{"component": true, "usingComponents": {"b-comp": "../b/b"}}"#,
            None,
        )
        .unwrap();
        let mut set = ComponentSet::new();
        set.insert("a-comp", def).unwrap();
        assert_eq!(
            set.check().unwrap_err().to_string(),
            "components/a/a.json: usingComponents.b-comp: no component `components/b/b` was given (add its definition to the ComponentSet)"
        );
        let e = set
            .insert("text", ComponentDef::parse("components/t/t", "<view/>", None, r#"{"component": true}"#, None).unwrap())
            .unwrap_err();
        assert!(e.to_string().contains("`text` is a built-in tag"), "{e}");
    }

    // --- custom components in a page (expansion in tree.rs, instances in page.rs) ---

    use crate::color::Color;
    use crate::input::Outcome;
    use crate::page::{ComponentChange, Page};
    use crate::testutil::{component, page_with, tap_at};
    use crate::tree::NodeKind;

    const CARD_JSON: &str = r#"{"component": true, "properties": {"title": "String", "price": {"type": "Number", "value": 1}, "on": "Boolean"}}"#;

    fn set(list: Vec<(&str, ComponentDef)>) -> ComponentSet {
        let mut s = ComponentSet::new();
        for (tag, def) in list {
            s.insert(tag, def).unwrap();
        }
        s
    }

    /// The computed (font size, colour) of the text node `text`.
    fn text_style(p: &Page, text: &str) -> (f32, Color) {
        let n = p
            .tree_for_tests()
            .nodes
            .iter()
            .find(|n| matches!(&n.kind, NodeKind::Text(t) if t == text))
            .unwrap_or_else(|| panic!("no text `{text}` in {:?}", p.text_content()));
        (n.style.font_size, n.style.color)
    }

    fn card() -> ComponentDef {
        component("components/card/card", "<view class='t'>{{title}}|{{price}}|{{on}}</view>", "", CARD_JSON)
    }

    #[test]
    fn properties_are_converted_to_their_type_and_a_wrong_type_warns_and_uses_the_default() {
        let (mut p, mut f) = page_with(
            "<my-card title='{{name}}' price='12' on/>\n<my-card price='abc' title='{{[1]}}'/>",
            "",
            set(vec![("my-card", card())]),
        );
        p.set_data(&json!({"name": "A"})).unwrap();
        p.render(&mut f).unwrap();
        assert_eq!(p.text_content(), "A|12|true\n|1|false");
        let w: Vec<String> = p.warnings().iter().map(|d| d.to_string()).collect();
        assert_eq!(
            w,
            vec![
                "pages/t/t.xml:2:1: <my-card> attribute `price`: property `price` is a Number, got a string \"abc\" (its default 1 is used)",
                "pages/t/t.xml:2:1: <my-card> attribute `title`: property `title` is a String, got an array [1] (its default \"\" is used)",
            ]
        );
    }

    #[test]
    fn kebab_case_attributes_fill_camel_case_properties() {
        let def = component(
            "components/c/c",
            "<view>{{maxCount}}</view>",
            "",
            r#"{"component": true, "properties": {"maxCount": "Number"}}"#,
        );
        let (p, _) = page_with("<c-c max-count='{{3}}'/>", "", set(vec![("c-c", def)]));
        assert_eq!(p.text_content(), "3");
    }

    #[test]
    fn slot_content_goes_to_named_and_default_slots_in_the_pages_scope() {
        let def = component(
            "components/box/box",
            "<view class='head'><slot name='header'/></view><view class='body'>{{title}}: <slot/></view><view class='foot'><slot name='footer'/></view>",
            "",
            r#"{"component": true, "properties": {"title": "String"}, "options": {"multipleSlots": true}}"#,
        );
        let (mut p, mut f) = page_with(
            "<my-box m:for='{{list}}' title='T{{index}}'><view slot='header'>H {{item}}</view><view>B {{item}} {{title}}</view></my-box>",
            "",
            set(vec![("my-box", def)]),
        );
        p.set_data(&json!({"list": ["a", "b"], "title": "page"})).unwrap();
        p.render(&mut f).unwrap();
        // Slot content reads the page's data (`title` is the page's), not the component's.
        assert_eq!(p.text_content(), "H a\nT0:\nB a page\nH b\nT1:\nB b page");
        let head = p.find("text=H a").unwrap().unwrap();
        let body = p.find("text=B a page").unwrap().unwrap();
        assert!(head.y < body.y);
    }

    #[test]
    fn component_css_stays_inside_and_page_css_stays_outside() {
        let def = |iso: &str| {
            component(
                "components/c/c",
                "<view class='t'>in</view><view class='u'>inner u</view><view class='slot'><slot/></view>",
                ".t { font-size: 30px; } .p { color: #00ff00; } .u { color: #0000ff; }",
                &format!(r#"{{"component": true, "options": {{"styleIsolation": "{iso}"}}}}"#),
            )
        };
        let xml = "<view class='t'>out</view><my-c class='host'><view class='u'>slotted</view></my-c><view class='p'>page p</view>";
        let css = ".t { color: #ff0000; } .host { font-size: 20px; } .u { font-size: 25px; } .host .t { color: #ff00ff; }";
        let (p, _) = page_with(xml, css, set(vec![("my-c", def("isolated"))]));
        let red = Color::rgb(255, 0, 0);
        assert_eq!(text_style(&p, "out"), (16.0, red));
        assert_eq!(text_style(&p, "page p"), (16.0, Color::BLACK), "the component's .p does not reach the page");
        assert_eq!(text_style(&p, "in"), (30.0, Color::BLACK), "the page's .t and `.host .t` do not reach inside");
        assert_eq!(text_style(&p, "inner u"), (20.0, Color::rgb(0, 0, 255)), "the font size is inherited from the host");
        assert_eq!(text_style(&p, "slotted"), (25.0, Color::BLACK), "slot content is the page's: its .u, not the component's");

        let (p, _) = page_with(xml, css, set(vec![("my-c", def("apply-shared"))]));
        assert_eq!(text_style(&p, "in"), (30.0, red), "page styles apply inside, below the component's own");
        assert_eq!(text_style(&p, "inner u"), (25.0, Color::rgb(0, 0, 255)));
        assert_eq!(text_style(&p, "page p"), (16.0, Color::BLACK));

        let (p, _) = page_with(xml, css, set(vec![("my-c", def("shared"))]));
        assert_eq!(text_style(&p, "page p"), (16.0, Color::rgb(0, 255, 0)), "a shared component's styles leak out");
    }

    /// The host element's computed (font size, colour, padding-left): the node of tag `tag`.
    fn host_style(p: &Page, tag: &str, nth: usize) -> (f32, Color, f32) {
        let n = p
            .tree_for_tests()
            .nodes
            .iter()
            .filter(|n| n.tag() == Some(tag))
            .nth(nth)
            .unwrap_or_else(|| panic!("no <{tag}> #{nth}"));
        (n.style.font_size, n.style.color, padding_left(n))
    }

    /// A node's `padding-left` in px (-1 when it is not a px length).
    fn padding_left(n: &crate::tree::Node) -> f32 {
        match n.style.padding[3] {
            crate::style::Len::Px(v) => v,
            _ => -1.0,
        }
    }

    #[test]
    fn host_rules_style_the_host_below_the_users_own_rules_for_it() {
        let def = component(
            "components/c/c",
            "<view class='t'>in</view><view><slot/></view>",
            ":host { font-size: 30px; color: #0000ff; padding-left: 5px; } :host(.warn) { color: #ff0000; } \
             :host .t { padding-left: 7px; } .host { color: #00ff00; } :host(.big) > .t { font-size: 40px; }",
            r#"{"component": true}"#,
        );
        let xml = "<my-c class='host'><view>slotted</view></my-c><my-c class='warn big'>x</my-c><my-c class='warn dark'>y</my-c>";
        let css = ".host { font-size: 20px; } my-c.dark { color: #888888; }";
        let (p, _) = page_with(xml, css, set(vec![("my-c", def)]));
        let blue = Color::rgb(0, 0, 255);
        assert_eq!(
            host_style(&p, "my-c", 0),
            (20.0, blue, 5.0),
            "`:host` gives colour and padding, the page's .host wins the font size, the component's .host is not the host"
        );
        assert_eq!(host_style(&p, "my-c", 1), (30.0, Color::rgb(255, 0, 0), 5.0), "`:host(.warn)` over `:host`");
        assert_eq!(
            host_style(&p, "my-c", 2),
            (30.0, Color::rgb(0x88, 0x88, 0x88), 5.0),
            "the page's `my-c.dark` beats the more specific `:host(.warn)`: the user's rules for the host win"
        );
        assert_eq!(text_style(&p, "in"), (20.0, blue), "the host's style is inherited inside");
        assert_eq!(text_style(&p, "slotted"), (20.0, blue), "and by slot content");
        let t: Vec<(f32, f32)> = p
            .tree_for_tests()
            .nodes
            .iter()
            .filter(|n| n.classes.iter().any(|c| c == "t"))
            .map(|n| (n.style.font_size, padding_left(n)))
            .collect();
        assert_eq!(t, [(20.0, 7.0), (40.0, 7.0), (30.0, 7.0)], "`:host .t` reaches inside; `:host(.big) > .t` only under a big host");
        assert!(p.warnings().is_empty(), "{:?}", p.warnings());
    }

    #[test]
    fn host_rules_of_a_component_do_not_reach_other_components_or_the_page() {
        let inner = component("components/i/i", "<view>inner</view>", ":host { font-size: 11px; }", r#"{"component": true}"#);
        let outer = component(
            "components/o/o",
            "<view>outer</view><my-i/>",
            ":host { font-size: 22px; } view { color: #ff0000; }",
            r#"{"component": true, "usingComponents": {"my-i": "/components/i/i"}}"#,
        );
        let (p, _) = page_with("<view>page</view><my-o/>", "", set(vec![("my-o", outer), ("my-i", inner)]));
        assert_eq!(text_style(&p, "page"), (16.0, Color::BLACK));
        assert_eq!(text_style(&p, "outer"), (22.0, Color::rgb(255, 0, 0)));
        assert_eq!(host_style(&p, "my-i", 0).0, 11.0, "the inner host is styled by its own `:host`, not the outer's");
        assert_eq!(text_style(&p, "inner"), (11.0, Color::BLACK), "the outer's `view` does not reach inside the inner");
    }

    #[test]
    fn external_classes_take_the_users_classes_and_the_users_styles() {
        let def = component(
            "components/c/c",
            "<view class='title-class own'>T</view><view class='title-class'>U</view>",
            ".own { color: #0000ff; } .big { color: #00ff00; }",
            r#"{"component": true, "externalClasses": ["title-class"]}"#,
        );
        let (p, _) = page_with("<my-c title-class='big bold'/>", ".big { font-size: 40px; } .bold { color: #ff0000; }", set(vec![("my-c", def)]));
        assert_eq!(text_style(&p, "T"), (40.0, Color::rgb(255, 0, 0)), "the user's rules win over the component's own");
        assert_eq!(text_style(&p, "U"), (40.0, Color::rgb(255, 0, 0)));
        assert!(p.find(".big").unwrap().is_some());
        assert!(p.find(".title-class").unwrap().is_none(), "the external class name itself is replaced");
    }

    fn nested_set() -> ComponentSet {
        let inner = component(
            "components/inner/inner",
            "<view bind:tap='onInnerTap'>{{label}}!</view>",
            "",
            r#"{"component": true, "properties": {"label": "String"}}"#,
        );
        let outer = component(
            "components/outer/outer",
            "<view>o {{t}}</view><inner-c label='{{t}}' bind:add='onInnerAdd'/>",
            "",
            r#"{"component": true, "properties": {"t": "String"}, "usingComponents": {"inner-c": "../inner/inner"}}"#,
        );
        let mut s = ComponentSet::new();
        s.define(inner);
        s.insert("outer-c", outer).unwrap();
        s
    }

    #[test]
    fn a_component_may_use_another_component() {
        let (mut p, _) = page_with("<outer-c t='X'/>", "", nested_set());
        assert_eq!(p.text_content(), "o X\nX!");
        let changes = p.take_component_changes();
        assert_eq!(
            changes,
            vec![
                ComponentChange::Attached { instance: 1, name: "components/outer/outer".into(), properties: json!({"t": "X"}) },
                ComponentChange::Attached { instance: 2, name: "components/inner/inner".into(), properties: json!({"label": "X"}) },
            ]
        );
        // The inner tag is the outer component's, not the page's.
        let t = Template::parse_with_components("<inner-c/>", "pages/t/t.xml", 256, None, &nested_set());
        assert!(t.unwrap_err().to_string().starts_with("pages/t/t.xml:1:1: unknown tag <inner-c>"));
    }

    #[test]
    fn a_component_that_uses_itself_stops_at_the_depth_limit() {
        let def = component(
            "components/r/r",
            "<view>{{n}}<r-c m:if='{{n < stop}}' n='{{n + 1}}' stop='{{stop}}'/></view>",
            "",
            r#"{"component": true, "properties": {"n": "Number", "stop": "Number"}, "usingComponents": {"r-c": "./r"}}"#,
        );
        let (p, _) = page_with("<r-c n='1' stop='3'/>", "", set(vec![("r-c", def.clone())]));
        assert_eq!(p.text_content(), "1\n2\n3");
        let t = Template::parse_with_components("<r-c n='1' stop='99'/>", "p.xml", 256, None, &set(vec![("r-c", def.clone())])).unwrap();
        let mut p = Page::with_custom_components(
            t,
            crate::page::default_component_styles(),
            &[],
            crate::testutil::VP,
            crate::limits::Limits::default(),
            set(vec![("r-c", def)]),
        )
        .unwrap();
        let e = p.render(&mut crate::text::new_font_system()).unwrap_err().to_string();
        assert!(
            e.starts_with("custom components nested in one another (MAX_COMPONENT_DEPTH) at <r-c> in components/r/r.xml:1:12: limit is 16, got 17"),
            "{e}"
        );
    }

    #[test]
    fn instances_keep_their_ids_across_renders_and_changes_are_reported_once() {
        let (mut p, mut f) = page_with(
            "<my-card m:for='{{list}}' m:key='id' title='{{item.t}}'/>",
            "",
            set(vec![("my-card", card())]),
        );
        assert_eq!(p.take_component_changes(), vec![]);
        let list = json!([{"id": 1, "t": "a"}, {"id": 2, "t": "b"}, {"id": 3, "t": "c"}]);
        p.set_data(&json!({"list": list})).unwrap();
        p.render(&mut f).unwrap();
        let attached: Vec<(u32, Value)> = p
            .take_component_changes()
            .into_iter()
            .map(|c| match c {
                ComponentChange::Attached { instance, name, properties } => {
                    assert_eq!(name, "components/card/card");
                    (instance, properties["title"].clone())
                }
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(attached, vec![(1, json!("a")), (2, json!("b")), (3, json!("c"))]);
        // The same data again: nothing to report.
        p.set_data(&json!({"list": list})).unwrap();
        p.render(&mut f).unwrap();
        assert_eq!(p.take_component_changes(), vec![]);
        // The middle item goes: one Detached, the others keep their ids and properties.
        p.set_data(&json!({"list": [{"id": 1, "t": "a"}, {"id": 3, "t": "c"}]})).unwrap();
        p.render(&mut f).unwrap();
        assert_eq!(p.take_component_changes(), vec![ComponentChange::Detached { instance: 2 }]);
        p.set_data(&json!({"list[1].t": "C"})).unwrap();
        p.render(&mut f).unwrap();
        assert_eq!(
            p.take_component_changes(),
            vec![ComponentChange::PropertiesChanged { instance: 3, properties: json!({"title": "C", "price": 1, "on": false}) }]
        );
        assert_eq!(p.text_content(), "a|1|false\nC|1|false");
    }

    #[test]
    fn set_component_data_changes_only_that_instance() {
        let def = component(
            "components/c/c",
            "<view>{{title}}:{{count}} {{list[1].done}}</view>",
            "",
            r#"{"component": true, "properties": {"title": "String"}}"#,
        );
        let (mut p, mut f) = page_with("<my-c title='A'/><my-c title='B'/>", "", set(vec![("my-c", def)]));
        assert_eq!(p.take_component_changes().len(), 2);
        let before: Vec<u64> = p.tree_for_tests().nodes.iter().map(|n| n.sid).collect();
        p.set_component_data(1, &json!({"count": 5, "list[1].done": true, "title": "ignored"})).unwrap();
        p.render(&mut f).unwrap();
        assert_eq!(p.text_content(), "A:5 true\nB:");
        assert_eq!(p.component_data(1), Some(&json!({"count": 5, "list": [null, {"done": true}], "title": "ignored"})));
        assert_eq!(p.component_data(2), Some(&json!({})));
        assert_eq!(p.data(), &json!({}), "the page's data is untouched");
        assert_eq!(p.take_component_changes(), vec![], "no instance came, went or got new properties");
        let after: Vec<u64> = p.tree_for_tests().nodes.iter().map(|n| n.sid).collect();
        assert_eq!(before, after, "every node keeps its identity");
        assert_eq!(
            p.set_component_data(9, &json!({"a": 1})).unwrap_err().to_string(),
            "no live component instance 9 (it was detached or never attached)"
        );
        assert!(p.set_component_data(1, &json!({"a..b": 1})).is_err());
    }

    #[test]
    fn a_tap_inside_a_component_names_the_instance_and_bubbles_to_the_page() {
        let (mut p, _) = page_with("<view bind:tap='onPage'><outer-c t='X'/></view>", "", nested_set());
        let (x, y) = p.find("text=X!").unwrap().unwrap().center();
        let out = tap_at(&mut p, x, y);
        let events: Vec<(String, Option<u32>)> = out
            .iter()
            .filter_map(|o| match o {
                Outcome::Event(e) => Some((e.handler.clone(), e.instance)),
                _ => None,
            })
            .collect();
        assert_eq!(events, vec![("onInnerTap".to_string(), Some(2)), ("onPage".to_string(), None)]);
    }

    #[test]
    fn trigger_event_calls_the_handler_the_host_binds_on_its_writer() {
        let (mut p, _) = page_with(
            "<outer-c id='o' data-k='v' t='X' bind:add='onAdd' bindremove='onRemove'/>",
            "",
            nested_set(),
        );
        p.take_component_changes();
        let e = p.trigger_event(1, "add", json!({"n": 1})).expect("bound");
        assert_eq!((e.handler.as_str(), e.instance), ("onAdd", None));
        assert_eq!(e.event["type"], "add");
        assert_eq!(e.event["detail"], json!({"n": 1}));
        assert_eq!(e.event["target"]["id"], "o");
        assert_eq!(e.event["currentTarget"]["dataset"], json!({"k": "v"}));
        assert_eq!(p.trigger_event(1, "remove", json!(null)).map(|e| e.handler), Some("onRemove".into()));
        assert_eq!(p.trigger_event(1, "other", json!(null)), None);
        // The inner component's host is written by the outer component: its handler is the outer's.
        let e = p.trigger_event(2, "add", json!({})).expect("bound");
        assert_eq!((e.handler.as_str(), e.instance), ("onInnerAdd", Some(1)));
        assert_eq!(p.trigger_event(7, "add", json!({})), None);
    }

    #[test]
    fn a_component_template_error_names_the_components_file() {
        let e = ComponentDef::parse("components/c/c", "<view>\n  <div/></view>", None, r#"{"component": true}"#, None)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("components/c/c.xml:2:3: unknown tag <div>"), "{e}");
        // `<slot>` is only a component's.
        let e = Template::parse_with_components("<slot/>", "p.xml", 256, None, &ComponentSet::new()).unwrap_err();
        assert!(e.to_string().starts_with("p.xml:1:1: unknown tag <slot>"), "{e}");
    }

    #[test]
    fn load_reads_the_pages_and_apps_components_and_what_they_use() {
        let files: std::collections::HashMap<&str, &str> = [
            ("components/outer/outer.xml", "<view>o {{t}}</view><inner-c label='{{t}}'/>"),
            (
                "components/outer/outer.json",
                r#"{"component": true, "properties": {"t": "String"}, "usingComponents": {"inner-c": "../inner/inner"}}"#,
            ),
            ("components/inner/inner.xml", "<text class='i'>{{label}}!</text>"),
            ("components/inner/inner.json", r#"{"component": true, "properties": {"label": "String"}}"#),
            ("components/inner/inner.css", ".i { color: #ff0000; }"),
        ]
        .into_iter()
        .collect();
        let read = |p: &str| files.get(p).map(|s| s.to_string());
        let set = ComponentSet::load(&json!({"outer-c": "/components/outer/outer"}), &json!({}), "pages/index/index", &read).unwrap();
        assert_eq!(set.tags(), ["outer-c"]);
        assert!(set.get("outer-c").is_some() && set.get("inner-c").is_none(), "inner-c is the outer component's tag, not the page's");
        let (p, _) = page_with("<outer-c t='X'/>", "", set);
        assert_eq!(p.text_content(), "o X\nX!");

        // The page's own entry, relative to its folder; a missing component names where it was asked for.
        let set = ComponentSet::load(&json!({}), &json!({"c": "../../components/inner/inner"}), "pages/index/index", &read).unwrap();
        assert_eq!(set.tags(), ["c"]);
        let e = ComponentSet::load(&json!({}), &json!({"c": "/components/nope/nope"}), "pages/index/index", &read).unwrap_err();
        assert!(e.to_string().contains("pages/index/index.json") && e.to_string().contains("components/nope/nope"), "{e}");
        let e = ComponentSet::load(&json!({"c": "/components/nope/nope"}), &json!({}), "pages/index/index", &read).unwrap_err();
        assert!(e.to_string().contains("app.json"), "a tag of app.json is blamed on app.json: {e}");
        let e = ComponentSet::load(&json!({"view": "/components/inner/inner"}), &json!({}), "pages/index/index", &read).unwrap_err();
        assert!(e.to_string().contains("usingComponents.view"), "{e}");
        assert!(ComponentSet::load(&json!({}), &json!({}), "pages/index/index", &read).unwrap().is_empty());
    }
}
