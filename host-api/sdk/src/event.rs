//! Typed events: [`TypedEvent`], the event JSON of `handle-event` / `component-event` read into
//! a struct, with its `detail` as any `Deserialize` type.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::EventError;

/// A bound event, decoded from the JSON the host sends:
///
/// ```json
/// {"type": "tap", "timeStamp": 0,
///  "target": {"id": "inc", "dataset": {"step": "1"}},
///  "currentTarget": {"id": "inc", "dataset": {"step": "1"}},
///  "detail": {"x": 120.0, "y": 300.0}}
/// ```
///
/// `detail` is `D`, by default the raw [`Value`]; an event without a `detail` decodes it from
/// `null` (so `D` may be `()`, an `Option` or `Value`). Missing `type`, `timeStamp`, `target` and
/// `currentTarget` are empty.
///
/// ```
/// use miniapp_sdk::{json, TypedEvent};
///
/// #[derive(serde::Deserialize)]
/// struct Input { value: String }
///
/// let e = TypedEvent::<Input>::from_value(json!({
///     "type": "input",
///     "currentTarget": {"id": "name", "dataset": {"field": "name"}},
///     "detail": {"value": "Alice", "cursor": 5, "keyCode": 0},
/// })).unwrap();
/// assert_eq!(e.kind, "input");
/// assert_eq!(e.detail.value, "Alice");
/// assert_eq!(e.current_target.id, "name");
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TypedEvent<D = Value> {
    /// `type`: `tap`, `input`, `change`, `scroll`, or a component's own event name.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// `timeStamp`: milliseconds, as the host gives it (0 on this host).
    #[serde(default)]
    pub time_stamp: f64,
    /// `target`: the node the event started on.
    #[serde(default)]
    pub target: Target,
    /// `currentTarget`: the node whose `bind:` attribute is handling it.
    #[serde(default)]
    pub current_target: Target,
    /// `detail`: the event's own data (`{"value", "cursor", "keyCode"}` for `input`, a
    /// component's `trigger_event` detail, …).
    pub detail: D,
}

/// The `target` or `currentTarget` of an event.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Target {
    /// The node's `id` attribute (empty when it has none).
    #[serde(default)]
    pub id: String,
    /// The node's `data-*` attributes with camel-case keys (`data-item-id` is `itemId`). A
    /// literal attribute is a string (`data-step="1"` gives `"1"`); a bound one keeps its JSON
    /// type (`data-id="{{item.id}}"` gives `7`).
    #[serde(default)]
    pub dataset: Map<String, Value>,
}

impl<D: DeserializeOwned> TypedEvent<D> {
    /// Decode the event JSON (what [`App::on_event`](crate::App::on_event) receives).
    ///
    /// # Errors
    /// An [`EventError`] with the path of the first value that does not match, such as
    /// `detail.value` or `target.id`.
    pub fn from_value(event: Value) -> Result<Self, EventError> {
        let mut event = event;
        if let Value::Object(map) = &mut event {
            map.entry("detail").or_insert(Value::Null);
        }
        serde_path_to_error::deserialize(event).map_err(|e| EventError::from_path_error("", e))
    }
}

impl<D> TypedEvent<D> {
    /// The `currentTarget` dataset read as `T` (the `data-*` attributes of the node that has the
    /// `bind:` attribute, as in mini programs' `e.currentTarget.dataset`).
    ///
    /// ```
    /// use miniapp_sdk::{json, TypedEvent};
    ///
    /// #[derive(serde::Deserialize)]
    /// #[serde(rename_all = "camelCase")]
    /// struct Row { item_id: u64 }
    ///
    /// let e: TypedEvent = TypedEvent::from_value(json!({
    ///     "type": "tap", "currentTarget": {"id": "", "dataset": {"itemId": 7}}
    /// })).unwrap();
    /// assert_eq!(e.dataset::<Row>().unwrap().item_id, 7);
    /// ```
    ///
    /// # Errors
    /// An [`EventError`] with a path under `currentTarget.dataset`, such as
    /// `currentTarget.dataset.itemId`.
    pub fn dataset<T: DeserializeOwned>(&self) -> Result<T, EventError> {
        decode("currentTarget.dataset", Value::Object(self.current_target.dataset.clone()))
    }

    /// The `target` dataset read as `T` (the node the event started on, which may be a child of
    /// the bound one).
    ///
    /// # Errors
    /// An [`EventError`] with a path under `target.dataset`.
    pub fn target_dataset<T: DeserializeOwned>(&self) -> Result<T, EventError> {
        decode("target.dataset", Value::Object(self.target.dataset.clone()))
    }
}

impl TypedEvent<Value> {
    /// The raw `detail` read as `T`.
    ///
    /// ```
    /// use miniapp_sdk::{json, TypedEvent};
    ///
    /// #[derive(Debug, serde::Deserialize)]
    /// struct Change { value: bool }
    ///
    /// let e: TypedEvent = TypedEvent::from_value(json!({"type": "change", "detail": {"value": "yes"}})).unwrap();
    /// assert_eq!(e.detail::<Change>().unwrap_err().path, "detail.value");
    /// ```
    ///
    /// # Errors
    /// An [`EventError`] with a path under `detail`.
    pub fn detail<T: DeserializeOwned>(&self) -> Result<T, EventError> {
        decode("detail", self.detail.clone())
    }
}

/// `value` read as `T`, with error paths under `prefix`.
fn decode<T: DeserializeOwned>(prefix: &str, value: Value) -> Result<T, EventError> {
    serde_path_to_error::deserialize(value).map_err(|e| EventError::from_path_error(prefix, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Add {
        text: String,
        tags: Vec<u32>,
    }

    fn tap() -> Value {
        json!({"type": "tap", "timeStamp": 0,
               "target": {"id": "inc", "dataset": {"step": "1"}},
               "currentTarget": {"id": "row", "dataset": {"itemId": 7, "level": "top"}},
               "detail": {"x": 120.0, "y": 300.0}})
    }

    #[test]
    fn decodes_the_documented_event_shape() {
        let e: TypedEvent = TypedEvent::from_value(tap()).unwrap();
        assert_eq!(e.kind, "tap");
        assert_eq!(e.target.id, "inc");
        assert_eq!(e.target.dataset["step"], json!("1"));
        assert_eq!(e.current_target.id, "row");
        assert_eq!(e.detail, json!({"x": 120.0, "y": 300.0}));
    }

    #[test]
    fn detail_mismatch_names_the_nested_path() {
        let v = json!({"type": "add", "detail": {"text": "milk", "tags": [1, "two"]}});
        let err = TypedEvent::<Add>::from_value(v).unwrap_err();
        assert_eq!(err.path, "detail.tags[1]");
        assert_eq!(err.message, "invalid type: string \"two\", expected u32");
    }

    #[test]
    fn missing_detail_field_names_detail() {
        let err = TypedEvent::<Add>::from_value(json!({"type": "add", "detail": {"tags": []}})).unwrap_err();
        assert_eq!(err.path, "detail");
        assert_eq!(err.message, "missing field `text`");
    }

    #[test]
    fn absent_detail_decodes_from_null() {
        let e = TypedEvent::<()>::from_value(json!({"type": "tap"})).unwrap();
        assert_eq!(e.target, Target::default());
        let e = TypedEvent::<Option<Add>>::from_value(json!({"type": "tap"})).unwrap();
        assert_eq!(e.detail, None);
    }

    #[test]
    fn an_event_that_is_not_an_object_fails_at_the_root() {
        let err = TypedEvent::<Value>::from_value(Value::Null).unwrap_err();
        assert_eq!(err.path, ".");
    }

    #[test]
    fn bad_envelope_field_is_named() {
        let err = TypedEvent::<Value>::from_value(json!({"type": "tap", "target": {"id": 3}})).unwrap_err();
        assert_eq!(err.path, "target.id");
    }

    #[test]
    fn dataset_reads_the_current_target_with_its_path() {
        #[derive(Debug, Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Row {
            item_id: u64,
        }
        #[derive(Debug, Deserialize)]
        struct Step {
            #[allow(dead_code)]
            step: u32,
        }
        let e: TypedEvent = TypedEvent::from_value(tap()).unwrap();
        assert_eq!(e.dataset::<Row>().unwrap().item_id, 7);
        let err = e.target_dataset::<Step>().unwrap_err();
        assert_eq!(err.path, "target.dataset.step");
        assert_eq!(err.to_string(), "target.dataset.step: invalid type: string \"1\", expected u32");
        let err = e.dataset::<Step>().unwrap_err();
        assert_eq!(err.path, "currentTarget.dataset");
        assert_eq!(err.message, "missing field `step`");
    }

    #[test]
    fn detail_helper_prefixes_detail() {
        let e: TypedEvent = TypedEvent::from_value(json!({"detail": {"text": 1, "tags": []}})).unwrap();
        let err = e.detail::<Add>().unwrap_err();
        assert_eq!(err.path, "detail.text");
        let ok: TypedEvent = TypedEvent::from_value(json!({"detail": {"text": "a", "tags": [2]}})).unwrap();
        assert_eq!(ok.detail::<Add>().unwrap(), Add { text: "a".into(), tags: vec![2] });
    }
}
