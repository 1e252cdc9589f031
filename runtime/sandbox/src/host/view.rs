//! `miniapp:host/view`: set-data, checked here (size, JSON object, path keys, live page) and
//! queued as an [`Effect::SetData`] for the shell's view to apply.

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

impl Host for HostState {
    fn set_data(&mut self, page: u32, patch: String) -> Result<(), HostError> {
        let limit = self.limits.set_data_bytes;
        if patch.len() > limit {
            return Err(HostError::LimitExceeded(format!(
                "set-data patch is {} bytes, over the limit of {limit} bytes",
                patch.len()
            )));
        }
        if !self.pages.contains(&page) {
            return Err(HostError::InvalidArgument(format!(
                "set-data on page {page}, which is not loaded"
            )));
        }
        let value: serde_json::Value = serde_json::from_str(&patch)
            .map_err(|e| HostError::InvalidArgument(format!("set-data patch is not valid JSON: {e}")))?;
        let serde_json::Value::Object(map) = &value else {
            return Err(HostError::InvalidArgument(format!(
                "set-data patch must be a JSON object, found {}",
                json_kind(&value)
            )));
        };
        for key in map.keys() {
            parse_path_key(key).map_err(HostError::InvalidArgument)?;
        }
        let bytes = patch.len();
        if !self.push(Effect::SetData { page, patch: value }, bytes) {
            return Err(HostError::LimitExceeded(format!(
                "set-data calls in one handler exceed {} bytes in total",
                self.limits.effect_bytes
            )));
        }
        Ok(())
    }

    fn set_data_then(&mut self, page: u32, patch: String) -> Result<u32, HostError> {
        self.check_callback_room()?;
        self.set_data(page, patch)?;
        self.applied_this_call += 1;
        let callback = self.callback_id();
        if !self.push(Effect::DataApplied { page, callback }, 0) {
            return Err(HostError::LimitExceeded(format!(
                "set-data calls in one handler exceed {} bytes in total",
                self.limits.effect_bytes
            )));
        }
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
