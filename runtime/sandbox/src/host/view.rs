//! `miniapp:host/view`: set-data on pages and (since 0.1.1) custom component instances, and
//! component events, checked here (size, JSON object, path keys, live page or instance) and
//! queued as [`Effect::SetData`], [`Effect::SetComponentData`] and [`Effect::TriggerEvent`] for
//! the shell to apply.

use crate::bindings::types::HostError;
use crate::bindings::view::Host;
use crate::state::{Effect, HostState};

/// One step of a set-data path key: `list[3].done` is `Key("list"), Index(3), Key("done")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// An object key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// Parse a set-data path key such as `count`, `user.name` or `list[3].done`.
///
/// # Errors
/// A message naming the key and what is wrong with it (empty segment, unclosed bracket,
/// non-numeric index).
pub fn parse_path_key(key: &str) -> Result<Vec<PathSegment>, String> {
    let err = |why: &str| format!("invalid path key {key:?}: {why}");
    let mut out = Vec::new();
    let mut chars = key.char_indices().peekable();
    let mut cur = String::new();
    // true right after `]`: only `.`, `[` or the end may follow.
    let mut after_index = false;
    while let Some((i, c)) = chars.next() {
        match c {
            '.' => {
                if cur.is_empty() && !after_index {
                    return Err(err(&format!("empty segment before '.' at byte {i}")));
                }
                if !cur.is_empty() {
                    out.push(PathSegment::Key(std::mem::take(&mut cur)));
                }
                after_index = false;
                if chars.peek().is_none() {
                    return Err(err("ends with '.'"));
                }
            }
            '[' => {
                if cur.is_empty() && !after_index {
                    return Err(err(&format!("index without a key before it at byte {i}")));
                }
                if !cur.is_empty() {
                    out.push(PathSegment::Key(std::mem::take(&mut cur)));
                }
                let mut digits = String::new();
                loop {
                    match chars.next() {
                        Some((_, ']')) => break,
                        Some((_, d)) if d.is_ascii_digit() => digits.push(d),
                        Some((j, other)) => {
                            return Err(err(&format!("index must be a number, found {other:?} at byte {j}")))
                        }
                        None => return Err(err(&format!("unclosed '[' at byte {i}"))),
                    }
                }
                let n = digits
                    .parse::<usize>()
                    .map_err(|_| err(&format!("empty or too large index at byte {i}")))?;
                out.push(PathSegment::Index(n));
                after_index = true;
            }
            ']' => return Err(err(&format!("unexpected ']' at byte {i}"))),
            c => {
                if after_index {
                    return Err(err(&format!("expected '.' or '[' after ']' at byte {i}")));
                }
                cur.push(c);
            }
        }
    }
    if !cur.is_empty() {
        out.push(PathSegment::Key(cur));
    }
    if out.is_empty() {
        return Err(err("empty key"));
    }
    Ok(out)
}

/// Longest event name `view.trigger-event` accepts, in bytes: 256.
pub const EVENT_NAME_BYTES: usize = 256;

impl HostState {
    /// Refuse a payload of `call` over the set-data limit.
    fn check_patch_size(&self, call: &str, what: &str, len: usize) -> Result<(), HostError> {
        let limit = self.limits.set_data_bytes;
        if len > limit {
            return Err(HostError::LimitExceeded(format!(
                "{call} {what} is {len} bytes, over the limit of {limit} bytes"
            )));
        }
        Ok(())
    }

    /// Queue an effect against the per-call budget every set-data shares.
    fn push_data(&mut self, effect: Effect, bytes: usize) -> Result<(), HostError> {
        if !self.push(effect, bytes) {
            return Err(HostError::LimitExceeded(format!(
                "set-data calls in one handler exceed {} bytes in total",
                self.limits.effect_bytes
            )));
        }
        Ok(())
    }
}

/// Parse a set-data patch: a JSON object whose keys are valid path keys.
fn parse_patch(call: &str, patch: &str) -> Result<serde_json::Value, HostError> {
    let value: serde_json::Value = serde_json::from_str(patch)
        .map_err(|e| HostError::InvalidArgument(format!("{call} patch is not valid JSON: {e}")))?;
    let serde_json::Value::Object(map) = &value else {
        return Err(HostError::InvalidArgument(format!(
            "{call} patch must be a JSON object, found {}",
            json_kind(&value)
        )));
    };
    for key in map.keys() {
        parse_path_key(key).map_err(HostError::InvalidArgument)?;
    }
    Ok(value)
}

/// Check an event name: 1 to [`EVENT_NAME_BYTES`] bytes, no whitespace or control characters.
fn check_event_name(name: &str) -> Result<(), HostError> {
    if name.is_empty() {
        return Err(HostError::InvalidArgument("trigger-event name is empty".into()));
    }
    if name.len() > EVENT_NAME_BYTES {
        return Err(HostError::InvalidArgument(format!(
            "trigger-event name is {} bytes, over the limit of {EVENT_NAME_BYTES} bytes",
            name.len()
        )));
    }
    if let Some(c) = name.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(HostError::InvalidArgument(format!(
            "trigger-event name {name:?} contains {c:?}: whitespace and control characters are not allowed"
        )));
    }
    Ok(())
}

impl Host for HostState {
    fn set_data(&mut self, page: u32, patch: String) -> Result<(), HostError> {
        self.check_patch_size("set-data", "patch", patch.len())?;
        if !self.pages.contains(&page) {
            return Err(HostError::InvalidArgument(format!(
                "set-data on page {page}, which is not loaded"
            )));
        }
        let value = parse_patch("set-data", &patch)?;
        self.push_data(Effect::SetData { page, patch: value }, patch.len())
    }

    fn set_component_data(&mut self, instance: u32, patch: String) -> Result<(), HostError> {
        self.check_patch_size("set-component-data", "patch", patch.len())?;
        if !self.components.contains(&instance) {
            return Err(HostError::InvalidArgument(format!(
                "set-component-data on component instance {instance}, which is not attached"
            )));
        }
        let value = parse_patch("set-component-data", &patch)?;
        self.push_data(Effect::SetComponentData { instance, patch: value }, patch.len())
    }

    fn trigger_event(&mut self, instance: u32, name: String, detail: String) -> Result<(), HostError> {
        self.check_patch_size("trigger-event", "detail", detail.len())?;
        check_event_name(&name)?;
        if !self.components.contains(&instance) {
            return Err(HostError::InvalidArgument(format!(
                "trigger-event from component instance {instance}, which is not attached"
            )));
        }
        let value: serde_json::Value = serde_json::from_str(&detail)
            .map_err(|e| HostError::InvalidArgument(format!("trigger-event detail is not valid JSON: {e}")))?;
        let bytes = detail.len() + name.len();
        self.push_data(Effect::TriggerEvent { instance, name, detail: value }, bytes)
    }

    fn set_data_then(&mut self, page: u32, patch: String) -> Result<u32, HostError> {
        self.check_callback_room()?;
        self.set_data(page, patch)?;
        self.applied_this_call += 1;
        let callback = self.callback_id();
        self.push_data(Effect::DataApplied { page, callback }, 0)?;
        Ok(callback)
    }
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;
    use crate::state::AppContext;
    use PathSegment::{Index, Key};

    fn state() -> HostState {
        let mut s = HostState::new(AppContext::new("t"), &Limits::default());
        s.pages.insert(1);
        s
    }

    #[test]
    fn path_keys_parse_into_segments() {
        assert_eq!(parse_path_key("count").unwrap(), vec![Key("count".into())]);
        assert_eq!(parse_path_key("user.name").unwrap(), vec![Key("user".into()), Key("name".into())]);
        assert_eq!(
            parse_path_key("list[3].done").unwrap(),
            vec![Key("list".into()), Index(3), Key("done".into())]
        );
        assert_eq!(parse_path_key("m[0][1]").unwrap(), vec![Key("m".into()), Index(0), Index(1)]);
    }

    #[test]
    fn malformed_path_keys_are_refused_with_the_reason() {
        for (key, why) in [
            ("", "empty key"),
            ("a..b", "empty segment before '.' at byte 2"),
            ("a.", "ends with '.'"),
            ("a[x]", "index must be a number, found 'x' at byte 2"),
            ("a[1", "unclosed '[' at byte 1"),
            ("a]", "unexpected ']' at byte 1"),
            ("[0]", "index without a key before it at byte 0"),
            ("a[0]b", "expected '.' or '[' after ']' at byte 4"),
            ("a[]", "empty or too large index at byte 1"),
        ] {
            let e = parse_path_key(key).unwrap_err();
            assert_eq!(e, format!("invalid path key {key:?}: {why}"));
        }
    }

    #[test]
    fn set_data_queues_an_effect() {
        let mut s = state();
        s.set_data(1, r#"{"count": 2, "list[0].done": true}"#.into()).unwrap();
        let effects = s.drain();
        assert_eq!(
            effects,
            vec![Effect::SetData { page: 1, patch: serde_json::json!({"count": 2, "list[0].done": true}) }]
        );
    }

    #[test]
    fn set_data_then_queues_the_patch_and_its_callback() {
        let mut s = state();
        let cb = s.set_data_then(1, r#"{"n": 1}"#.into()).unwrap();
        assert_eq!(
            s.drain(),
            vec![
                Effect::SetData { page: 1, patch: serde_json::json!({"n": 1}) },
                Effect::DataApplied { page: 1, callback: cb }
            ]
        );
        assert!(matches!(s.set_data_then(1, "[]".into()), Err(HostError::InvalidArgument(_))));
        assert!(s.drain().is_empty(), "a refused patch queues no callback");
    }

    #[test]
    fn set_data_then_confirmations_are_bounded() {
        let mut s = HostState::new(AppContext::new("t"), &Limits { pending_callbacks: 3, ..Limits::default() });
        s.pages.insert(1);
        for _ in 0..3 {
            s.set_data_then(1, "{}".into()).unwrap();
        }
        assert_eq!(
            s.set_data_then(1, "{}".into()).unwrap_err(),
            HostError::LimitExceeded("3 callbacks are waiting for delivery, the limit is 3".into())
        );
        // every effect costs at least EFFECT_MIN_BYTES, so empty patches cannot be queued by the million
        let mut s = HostState::new(AppContext::new("t"), &Limits { effect_bytes: 640, set_data_bytes: 64, ..Limits::default() });
        s.pages.insert(1);
        for _ in 0..10 {
            s.set_data(1, "{}".into()).unwrap();
        }
        assert!(matches!(s.set_data(1, "{}".into()), Err(HostError::LimitExceeded(_))));
    }

    #[test]
    fn set_data_over_limit_is_refused() {
        let mut s = state();
        let big = format!(r#"{{"x":"{}"}}"#, "a".repeat(1 << 20));
        let e = s.set_data(1, big.clone()).unwrap_err();
        assert_eq!(
            e,
            HostError::LimitExceeded(format!(
                "set-data patch is {} bytes, over the limit of 1048576 bytes",
                big.len()
            ))
        );
        assert!(s.drain().is_empty());
    }

    #[test]
    fn set_data_that_is_not_an_object_is_refused() {
        let mut s = state();
        assert_eq!(
            s.set_data(1, "[1,2]".into()).unwrap_err(),
            HostError::InvalidArgument("set-data patch must be a JSON object, found an array".into())
        );
        assert!(matches!(s.set_data(1, "{".into()), Err(HostError::InvalidArgument(m)) if m.starts_with("set-data patch is not valid JSON")));
        assert!(matches!(s.set_data(1, r#"{"a..b":1}"#.into()), Err(HostError::InvalidArgument(m)) if m.contains("invalid path key")));
    }

    #[test]
    fn set_data_on_an_unknown_page_is_refused() {
        let mut s = state();
        assert_eq!(
            s.set_data(7, "{}".into()).unwrap_err(),
            HostError::InvalidArgument("set-data on page 7, which is not loaded".into())
        );
    }

    fn with_component(limits: Limits) -> HostState {
        let mut s = HostState::new(AppContext::new("t"), &limits);
        s.pages.insert(1);
        s.components.insert(5);
        s
    }

    #[test]
    fn set_component_data_queues_an_effect() {
        let mut s = with_component(Limits::default());
        s.set_component_data(5, r#"{"title": "Hi", "items[1].on": true}"#.into()).unwrap();
        assert_eq!(
            s.drain(),
            vec![Effect::SetComponentData { instance: 5, patch: serde_json::json!({"title": "Hi", "items[1].on": true}) }]
        );
    }

    #[test]
    fn set_component_data_on_an_instance_not_attached_is_refused() {
        let mut s = with_component(Limits::default());
        assert_eq!(
            s.set_component_data(6, "{}".into()).unwrap_err(),
            HostError::InvalidArgument("set-component-data on component instance 6, which is not attached".into())
        );
        assert!(s.drain().is_empty());
    }

    #[test]
    fn set_component_data_follows_the_set_data_rules() {
        let mut s = with_component(Limits::default());
        let big = format!(r#"{{"x":"{}"}}"#, "a".repeat(1 << 20));
        assert_eq!(
            s.set_component_data(5, big.clone()).unwrap_err(),
            HostError::LimitExceeded(format!(
                "set-component-data patch is {} bytes, over the limit of 1048576 bytes",
                big.len()
            ))
        );
        assert_eq!(
            s.set_component_data(5, "3".into()).unwrap_err(),
            HostError::InvalidArgument("set-component-data patch must be a JSON object, found a number".into())
        );
        assert!(matches!(s.set_component_data(5, r#"{"a[":1}"#.into()), Err(HostError::InvalidArgument(m)) if m.contains("invalid path key")));
        assert!(s.drain().is_empty());
    }

    #[test]
    fn component_data_and_page_data_share_the_per_call_budget() {
        let mut s = with_component(Limits { effect_bytes: 100, set_data_bytes: 70, ..Limits::default() });
        let patch = format!(r#"{{"x":"{}"}}"#, "a".repeat(60)); // 68 bytes: two exceed 100
        s.set_data(1, patch.clone()).unwrap();
        let e = s.set_component_data(5, patch.clone()).unwrap_err();
        assert_eq!(e, HostError::LimitExceeded("set-data calls in one handler exceed 100 bytes in total".into()));
        s.drain();
        s.set_component_data(5, patch.clone()).unwrap();
        let detail = format!(r#""{}""#, "d".repeat(60));
        assert!(matches!(s.trigger_event(5, "change".into(), detail), Err(HostError::LimitExceeded(_))));
    }

    #[test]
    fn trigger_event_queues_an_effect() {
        let mut s = with_component(Limits::default());
        s.trigger_event(5, "change".into(), r#"{"value": 3}"#.into()).unwrap();
        s.trigger_event(5, "close".into(), "null".into()).unwrap();
        assert_eq!(
            s.drain(),
            vec![
                Effect::TriggerEvent { instance: 5, name: "change".into(), detail: serde_json::json!({"value": 3}) },
                Effect::TriggerEvent { instance: 5, name: "close".into(), detail: serde_json::Value::Null },
            ]
        );
    }

    #[test]
    fn trigger_event_refusals_name_the_problem() {
        let mut s = with_component(Limits { set_data_bytes: 64, ..Limits::default() });
        let long_detail = format!(r#""{}""#, "d".repeat(63));
        assert_eq!(
            s.trigger_event(5, "change".into(), long_detail).unwrap_err(),
            HostError::LimitExceeded("trigger-event detail is 65 bytes, over the limit of 64 bytes".into())
        );
        assert_eq!(
            s.trigger_event(5, String::new(), "1".into()).unwrap_err(),
            HostError::InvalidArgument("trigger-event name is empty".into())
        );
        assert_eq!(
            s.trigger_event(5, "x".repeat(257), "1".into()).unwrap_err(),
            HostError::InvalidArgument("trigger-event name is 257 bytes, over the limit of 256 bytes".into())
        );
        assert_eq!(
            s.trigger_event(5, "on change".into(), "1".into()).unwrap_err(),
            HostError::InvalidArgument(
                "trigger-event name \"on change\" contains ' ': whitespace and control characters are not allowed".into()
            )
        );
        assert!(matches!(s.trigger_event(5, "change".into(), "{".into()), Err(HostError::InvalidArgument(m)) if m.starts_with("trigger-event detail is not valid JSON")));
        assert_eq!(
            s.trigger_event(9, "change".into(), "1".into()).unwrap_err(),
            HostError::InvalidArgument("trigger-event from component instance 9, which is not attached".into())
        );
        assert!(s.drain().is_empty());
    }

    #[test]
    fn set_data_total_per_call_is_bounded() {
        let mut s = HostState::new(
            AppContext::new("t"),
            &Limits { effect_bytes: 100, set_data_bytes: 70, ..Limits::default() },
        );
        s.pages.insert(1);
        let patch = format!(r#"{{"x":"{}"}}"#, "a".repeat(60)); // 68 bytes: two exceed 100
        s.set_data(1, patch.clone()).unwrap();
        let e = s.set_data(1, patch).unwrap_err();
        assert_eq!(e, HostError::LimitExceeded("set-data calls in one handler exceed 100 bytes in total".into()));
    }
}
