//! Typed page and component data: [`Page::set`] for a whole `Serialize` value and [`Patch`], a
//! builder of path-key patches, for both [`Page`] and [`Component`].

use serde::Serialize;
use serde_json::{Map, Value};

use crate::{view, Component, HostError, Page};

/// A set-data patch built key by key: each key is a path key (`count`, `user.name`,
/// `list[3].done`, `m[0][1]`) and each value anything `Serialize`.
///
/// Apply it with [`Page::apply`] or [`Component::apply`]. A value that does not serialize (a map
/// with non-string keys, a failing `Serialize` impl) is remembered and reported by `apply` as
/// `InvalidArgument`, naming the key; nothing is sent then. The host checks the path keys
/// themselves (`invalid path key "a..b": …`).
///
/// ```
/// use miniapp_sdk::{json, Patch};
///
/// let patch = Patch::new().set("list[3].done", true).set("count", 5).set("user.name", "Ann");
/// assert_eq!(patch.to_value().unwrap(), json!({"list[3].done": true, "count": 5, "user.name": "Ann"}));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Patch {
    entries: Map<String, Value>,
    /// The first key whose value did not serialize, and serde's message.
    error: Option<(String, String)>,
}

impl Patch {
    /// An empty patch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Set path key `key` to `value`; a later `set` of the same key replaces the value.
    ///
    /// ```
    /// # use miniapp_sdk::{json, Patch};
    /// #[derive(serde::Serialize)]
    /// struct Item { title: String, done: bool }
    ///
    /// let p = Patch::new().set("list[0]", Item { title: "Milk".into(), done: false });
    /// assert_eq!(p.to_value().unwrap(), json!({"list[0]": {"title": "Milk", "done": false}}));
    /// ```
    pub fn set(mut self, key: impl Into<String>, value: impl Serialize) -> Self {
        let key = key.into();
        match serde_json::to_value(value) {
            Ok(v) => {
                self.entries.insert(key, v);
            }
            Err(e) => {
                if self.error.is_none() {
                    self.error = Some((key, e.to_string()));
                }
            }
        }
        self
    }

    /// Whether no key has been set.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.error.is_none()
    }

    /// The number of keys set.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The patch as the JSON object the host receives.
    ///
    /// # Errors
    /// `InvalidArgument` naming the first key whose value did not serialize.
    pub fn to_value(&self) -> Result<Value, HostError> {
        if let Some((key, message)) = &self.error {
            return Err(HostError::InvalidArgument(format!("patch key \"{key}\" does not serialize to JSON: {message}")));
        }
        Ok(Value::Object(self.entries.clone()))
    }

    fn to_json(&self) -> Result<String, HostError> {
        if self.error.is_some() {
            return self.to_value().map(|_| String::new());
        }
        Ok(serde_json::to_string(&self.entries).expect("a JSON map always serializes"))
    }
}

/// `data` as a JSON object in text; what [`Page::set`] and [`Component::set`] send.
fn object_json<T: Serialize + ?Sized>(what: &str, data: &T) -> Result<String, HostError> {
    let value = serde_json::to_value(data)
        .map_err(|e| HostError::InvalidArgument(format!("{what} does not serialize to JSON: {e}")))?;
    if !value.is_object() {
        return Err(HostError::InvalidArgument(format!(
            "{what} must serialize to a JSON object, found {}",
            kind_of(&value)
        )));
    }
    Ok(value.to_string())
}

/// The JSON kind of `value` as the host names it in its messages.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Page {
    /// Merge `data`, serialized to a JSON object, into the page data: each top-level field
    /// becomes a key (a struct `{count, user}` sets `count` and `user`).
    ///
    /// ```no_run
    /// # fn f(page: &miniapp_sdk::Page) -> Result<(), miniapp_sdk::HostError> {
    /// #[derive(serde::Serialize)]
    /// struct View<'a> { count: u32, title: &'a str }
    ///
    /// page.set(&View { count: 3, title: "Today" })?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// `InvalidArgument` "page data must serialize to a JSON object, found an array" (or `null`,
    /// `a number`, …) and "page data does not serialize to JSON: …", checked before anything is
    /// sent; then those of [`Page::set_data`].
    pub fn set<T: Serialize + ?Sized>(&self, data: &T) -> Result<(), HostError> {
        view::set_data(self.id(), &object_json("page data", data)?)
    }

    /// Merge a [`Patch`] of path keys into the page data.
    ///
    /// ```no_run
    /// # fn f(page: &miniapp_sdk::Page) -> Result<(), miniapp_sdk::HostError> {
    /// use miniapp_sdk::Patch;
    ///
    /// page.apply(Patch::new().set("list[3].done", true).set("count", 5))?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// `InvalidArgument` for a value that did not serialize (see [`Patch`]), then those of
    /// [`Page::set_data`].
    pub fn apply(&self, patch: Patch) -> Result<(), HostError> {
        view::set_data(self.id(), &patch.to_json()?)
    }
}

impl Component {
    /// Merge `data`, serialized to a JSON object, into this instance's data, like
    /// [`Page::set`].
    ///
    /// ```no_run
    /// # fn f(c: &miniapp_sdk::Component) -> Result<(), miniapp_sdk::HostError> {
    /// #[derive(serde::Serialize)]
    /// struct Card { label: String, taps: u32 }
    ///
    /// c.set(&Card { label: "Hi".into(), taps: 0 })?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// `InvalidArgument` "component data must serialize to a JSON object, found …" or "component
    /// data does not serialize to JSON: …"; then those of [`Component::set_data`].
    pub fn set<T: Serialize + ?Sized>(&self, data: &T) -> Result<(), HostError> {
        view::set_component_data(self.id(), &object_json("component data", data)?)
    }

    /// Merge a [`Patch`] of path keys into this instance's data.
    ///
    /// ```no_run
    /// # fn f(c: &miniapp_sdk::Component) -> Result<(), miniapp_sdk::HostError> {
    /// c.apply(miniapp_sdk::Patch::new().set("items[1].on", true))?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Page::apply`], with those of [`Component::set_data`].
    pub fn apply(&self, patch: Patch) -> Result<(), HostError> {
        view::set_component_data(self.id(), &patch.to_json()?)
    }

    /// Fire event `name` to the parent page with `detail` serialized to JSON: the typed
    /// [`Component::trigger_event`]. The page's handler reads it back with
    /// [`TypedEvent`](crate::TypedEvent)`<D>`.
    ///
    /// ```no_run
    /// # fn f(c: &miniapp_sdk::Component) -> Result<(), miniapp_sdk::HostError> {
    /// #[derive(serde::Serialize)]
    /// struct Picked { id: u32, size: &'static str }
    ///
    /// c.emit("pick", &Picked { id: 7, size: "M" })?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// `InvalidArgument` "event detail does not serialize to JSON: …"; then those of
    /// [`Component::trigger_event`].
    pub fn emit<T: Serialize + ?Sized>(&self, name: &str, detail: &T) -> Result<(), HostError> {
        let detail = serde_json::to_string(detail)
            .map_err(|e| HostError::InvalidArgument(format!("event detail does not serialize to JSON: {e}")))?;
        view::trigger_event(self.id(), name, &detail)
    }
}

/// Decode the properties the host hands [`App::component_attached`](crate::App::component_attached)
/// and [`App::component_properties_changed`](crate::App::component_properties_changed) into a
/// type, with the path of the first mismatch.
///
/// ```
/// use miniapp_sdk::{json, properties};
///
/// #[derive(Debug, serde::Deserialize)]
/// #[serde(crate = "miniapp_sdk::serde")]
/// struct Card { title: String, #[serde(default)] price: u32 }
///
/// let card: Card = properties(&json!({"title": "Mug", "price": 12})).unwrap();
/// assert_eq!((card.title.as_str(), card.price), ("Mug", 12));
/// let err = properties::<Card>(&json!({"title": 3})).unwrap_err();
/// assert_eq!(err.path, "title");
/// ```
///
/// # Errors
/// A [`DecodeError`](crate::DecodeError) naming the property path that did not fit.
pub fn properties<T: serde::de::DeserializeOwned>(properties: &Value) -> Result<T, crate::DecodeError> {
    serde_path_to_error::deserialize(properties).map_err(|e| crate::DecodeError::from_path_error("", e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    #[test]
    fn patch_keeps_path_keys_and_the_last_value_of_a_key() {
        let p = Patch::new().set("list[3].done", true).set("count", 5).set("count", 6);
        assert_eq!(p.len(), 2);
        assert_eq!(p.to_value().unwrap(), json!({"list[3].done": true, "count": 6}));
        assert_eq!(p.to_json().unwrap(), r#"{"count":6,"list[3].done":true}"#);
    }

    #[test]
    fn patch_with_a_value_that_does_not_serialize_names_the_key() {
        let mut bad = BTreeMap::new();
        bad.insert(vec![1u8], 1);
        let p = Patch::new().set("ok", 1).set("m", bad);
        assert!(!p.is_empty());
        let Err(HostError::InvalidArgument(msg)) = p.to_json() else { panic!("expected an error") };
        assert_eq!(msg, "patch key \"m\" does not serialize to JSON: key must be a string");
    }

    #[test]
    fn empty_patch_is_an_empty_object() {
        assert!(Patch::new().is_empty());
        assert_eq!(Patch::new().to_json().unwrap(), "{}");
    }

    #[test]
    fn set_refuses_data_that_is_not_an_object() {
        let Err(HostError::InvalidArgument(msg)) = object_json("page data", &[1, 2]) else { panic!() };
        assert_eq!(msg, "page data must serialize to a JSON object, found an array");
        let Err(HostError::InvalidArgument(msg)) = object_json("component data", &3) else { panic!() };
        assert_eq!(msg, "component data must serialize to a JSON object, found a number");
        let Err(HostError::InvalidArgument(msg)) = object_json("page data", &()) else { panic!() };
        assert_eq!(msg, "page data must serialize to a JSON object, found null");
    }

    #[test]
    fn set_serializes_a_struct_to_its_fields() {
        #[derive(Serialize)]
        struct View {
            count: u32,
            title: &'static str,
        }
        let text = object_json("page data", &View { count: 3, title: "T" }).unwrap();
        assert_eq!(text, r#"{"count":3,"title":"T"}"#);
    }
}
