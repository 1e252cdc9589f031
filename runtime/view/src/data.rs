//! Page data and set-data patches with path keys (`count`, `user.name`, `list[3].done`).

use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// One step of a path key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// Parses a path key.
pub(crate) fn parse_path(key: &str, max_index: usize) -> Result<Vec<Seg>> {
    let bad = |reason: String| Error::DataPath {
        key: key.to_string(),
        reason,
    };
    if key.is_empty() {
        return Err(bad("empty key".into()));
    }
    let chars: Vec<char> = key.chars().collect();
    let mut segs = Vec::new();
    let mut i = 0;
    let mut name = String::new();
    let mut expect_name = true;
    while i < chars.len() {
        match chars[i] {
            '.' => {
                if expect_name && name.is_empty() {
                    return Err(bad(format!("empty name before `.` at character {}", i + 1)));
                }
                if !name.is_empty() {
                    segs.push(Seg::Key(std::mem::take(&mut name)));
                }
                expect_name = true;
                i += 1;
                if i == chars.len() {
                    return Err(bad("ends with `.`".into()));
                }
            }
            '[' => {
                if segs.is_empty() && name.is_empty() {
                    return Err(bad("must start with a name, not `[`".into()));
                }
                if expect_name && name.is_empty() {
                    return Err(bad(format!("empty name before `[` at character {}", i + 1)));
                }
                if !name.is_empty() {
                    segs.push(Seg::Key(std::mem::take(&mut name)));
                }
                let close = chars[i..].iter().position(|c| *c == ']').map(|p| p + i);
                let Some(close) = close else {
                    return Err(bad(format!("`[` at character {} is never closed", i + 1)));
                };
                let inner: String = chars[i + 1..close].iter().collect();
                let idx: usize = inner
                    .trim()
                    .parse()
                    .map_err(|_| bad(format!("index `{inner}` is not a non-negative integer")))?;
                if idx > max_index {
                    return Err(bad(format!("index {idx} is over the limit of {max_index}")));
                }
                segs.push(Seg::Index(idx));
                i = close + 1;
                expect_name = false;
                if let Some(&c) = chars.get(i) {
                    if c != '.' && c != '[' {
                        return Err(bad(format!("expected `.` or `[` after `]`, found `{c}`")));
                    }
                }
            }
            ']' => return Err(bad(format!("`]` at character {} without `[`", i + 1))),
            c => {
                name.push(c);
                expect_name = false;
                i += 1;
            }
        }
    }
    if !name.is_empty() {
        segs.push(Seg::Key(name));
    }
    Ok(segs)
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Applies a patch (object of path key → value) to `data`. All keys are checked before any is
/// applied, so a bad key changes nothing. Returns the top-level names that changed.
pub(crate) fn apply_patch(
    data: &mut Value,
    patch: &Value,
    max_index: usize,
) -> Result<Vec<String>> {
    let mut changed: Vec<String> = Vec::new();
    for segs in apply_patch_paths(data, patch, max_index)? {
        if let Some(Seg::Key(top)) = segs.first() {
            if !changed.contains(top) {
                changed.push(top.clone());
            }
        }
    }
    Ok(changed)
}

/// [`apply_patch`], returning the parsed path of every key instead (`rows[3].title` →
/// `[Key("rows"), Index(3), Key("title")]`), in the patch's order, for incremental update.
pub(crate) fn apply_patch_paths(
    data: &mut Value,
    patch: &Value,
    max_index: usize,
) -> Result<Vec<Vec<Seg>>> {
    let Value::Object(entries) = patch else {
        return Err(Error::PatchNotObject {
            found: json_type(patch),
        });
    };
    let mut parsed = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        parsed.push((parse_path(key, max_index)?, value));
    }
    if !data.is_object() {
        *data = Value::Object(Map::new());
    }
    let mut changed = Vec::with_capacity(parsed.len());
    for (segs, value) in parsed {
        let mut cur: &mut Value = data;
        for (n, seg) in segs.iter().enumerate() {
            let last = n + 1 == segs.len();
            let next_is_index = matches!(segs.get(n + 1), Some(Seg::Index(_)));
            let slot: &mut Value = match seg {
                Seg::Key(k) => {
                    if !cur.is_object() {
                        *cur = Value::Object(Map::new());
                    }
                    let Value::Object(m) = cur else {
                        unreachable!("just made an object")
                    };
                    m.entry(k.clone()).or_insert(Value::Null)
                }
                Seg::Index(i) => {
                    if !cur.is_array() {
                        *cur = Value::Array(Vec::new());
                    }
                    let Value::Array(a) = cur else {
                        unreachable!("just made an array")
                    };
                    if a.len() <= *i {
                        a.resize(*i + 1, Value::Null);
                    }
                    &mut a[*i]
                }
            };
            if last {
                *slot = value.clone();
            } else if slot.is_null() {
                *slot = if next_is_index {
                    Value::Array(Vec::new())
                } else {
                    Value::Object(Map::new())
                };
            }
            cur = slot;
        }
        changed.push(segs);
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const MAX: usize = crate::limits::DEFAULT_MAX_ARRAY_INDEX;

    #[test]
    fn path_keys_parse_into_segments() {
        assert_eq!(
            parse_path("count", MAX).unwrap(),
            vec![Seg::Key("count".into())]
        );
        assert_eq!(
            parse_path("list[3].done", MAX).unwrap(),
            vec![
                Seg::Key("list".into()),
                Seg::Index(3),
                Seg::Key("done".into())
            ]
        );
        assert_eq!(
            parse_path("m[0][1]", MAX).unwrap(),
            vec![Seg::Key("m".into()), Seg::Index(0), Seg::Index(1)]
        );
    }

    #[test]
    fn bad_path_keys_name_the_key_and_the_rule() {
        let e = |k: &str| parse_path(k, MAX).unwrap_err().to_string();
        assert_eq!(e(""), "set-data key ``: empty key");
        assert_eq!(
            e("a..b"),
            "set-data key `a..b`: empty name before `.` at character 3"
        );
        assert_eq!(
            e("list[x]"),
            "set-data key `list[x]`: index `x` is not a non-negative integer"
        );
        assert_eq!(
            e("list[-1]"),
            "set-data key `list[-1]`: index `-1` is not a non-negative integer"
        );
        assert_eq!(
            e("list[2"),
            "set-data key `list[2`: `[` at character 5 is never closed"
        );
        assert_eq!(
            e("[0]"),
            "set-data key `[0]`: must start with a name, not `[`"
        );
        assert_eq!(e("a."), "set-data key `a.`: ends with `.`");
        assert_eq!(e("a]"), "set-data key `a]`: `]` at character 2 without `[`");
        assert_eq!(
            e("a[1]b"),
            "set-data key `a[1]b`: expected `.` or `[` after `]`, found `b`"
        );
        assert_eq!(
            e("a[100001]"),
            "set-data key `a[100001]`: index 100001 is over the limit of 100000"
        );
    }

    #[test]
    fn patches_set_nested_values_and_create_containers() {
        let mut d = json!({"count": 1, "list": [{"done": false}, {"done": false}]});
        let changed = apply_patch(
            &mut d,
            &json!({"count": 2, "list[1].done": true, "user.name": "Ann", "grid[1][0]": 5}),
            MAX,
        )
        .unwrap();
        assert_eq!(
            d,
            json!({"count": 2, "list": [{"done": false}, {"done": true}], "user": {"name": "Ann"}, "grid": [null, [5]]})
        );
        let mut changed = changed;
        changed.sort();
        assert_eq!(changed, vec!["count", "grid", "list", "user"]);
    }

    #[test]
    fn a_bad_key_leaves_the_data_untouched() {
        let mut d = json!({"a": 1});
        assert!(apply_patch(&mut d, &json!({"a": 2, "b[": 3}), MAX).is_err());
        assert_eq!(d, json!({"a": 1}));
    }

    #[test]
    fn non_object_patches_are_refused() {
        let mut d = json!({});
        assert_eq!(
            apply_patch(&mut d, &json!([1]), MAX)
                .unwrap_err()
                .to_string(),
            "set-data patch must be a JSON object of path keys, got array"
        );
    }

    #[test]
    fn writing_through_a_scalar_replaces_it() {
        let mut d = json!({"a": 5});
        apply_patch(&mut d, &json!({"a.b": 1}), MAX).unwrap();
        assert_eq!(d, json!({"a": {"b": 1}}));
    }
}
