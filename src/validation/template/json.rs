//! Reading the pod spec fields the model keeps verbatim (`PodSpec::other`), reporting a value of
//! the wrong JSON type where it is read.

use std::fmt;

use serde_json::{Map, Value};

use crate::validation::collector::Collector;

/// `base[index]`: the path of a list entry, rendered only when an error names it.
#[derive(Clone, Copy)]
pub(crate) struct Item<'a>(pub(crate) &'a str, pub(crate) usize);

impl fmt::Display for Item<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.0, self.1)
    }
}

/// `entry.field`: the path of a field of a list entry, rendered only when needed.
#[derive(Clone, Copy)]
pub(crate) struct Field<'a>(pub(crate) Item<'a>, pub(crate) &'static str);

impl fmt::Display for Field<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

/// An empty list, for fields that are absent or of the wrong type.
const NONE: &[Value] = &[];

/// The entries of the list `key` of `parent`: empty when absent or null; reported (and empty)
/// when the field is not a list, e.g. containers written as a mapping.
pub(crate) fn list<'a>(
    parent: &'a Map<String, Value>,
    key: &str,
    path: impl fmt::Display,
    out: &mut Collector,
) -> &'a [Value] {
    match parent.get(key) {
        None | Some(Value::Null) => NONE,
        Some(Value::Array(items)) => items,
        Some(other) => {
            out.invalid(
                path.to_string(),
                kind_of(other),
                "must be a list",
                format!(
                    "write {key} as a YAML list, each entry starting with `- `; a mapping of \
                     names to entries is not accepted"
                ),
            );
            NONE
        }
    }
}

/// The object `key` of `parent`, if present; reported when it is not an object.
pub(crate) fn object<'a>(
    parent: &'a Map<String, Value>,
    key: &str,
    path: impl fmt::Display,
    out: &mut Collector,
) -> Option<&'a Map<String, Value>> {
    match parent.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::Object(map)) => Some(map),
        Some(other) => {
            out.invalid(
                path.to_string(),
                kind_of(other),
                "must be an object",
                format!("write {key} as a YAML mapping of its fields"),
            );
            None
        }
    }
}

/// A list entry as an object; reported when it is not one.
pub(crate) fn entry<'a>(
    value: &'a Value,
    path: impl fmt::Display,
    out: &mut Collector,
) -> Option<&'a Map<String, Value>> {
    match value {
        Value::Object(map) => Some(map),
        other => {
            out.invalid(
                path.to_string(),
                kind_of(other),
                "must be an object",
                "each list entry is a mapping of fields, e.g. `- name: ...`",
            );
            None
        }
    }
}

/// The string `key` of `parent`: empty when absent or null; a number or bool is read as its text
/// (the loader reports type errors).
pub(crate) fn text<'a>(parent: &'a Map<String, Value>, key: &str) -> &'a str {
    match parent.get(key) {
        Some(Value::String(text)) => text,
        _ => "",
    }
}

/// Whether `key` is present and not null.
pub(crate) fn has(parent: &Map<String, Value>, key: &str) -> bool {
    !matches!(parent.get(key), None | Some(Value::Null))
}

/// The integer `key` of `parent`: `Ok(None)` when absent or null, `Err(())` when it is not an
/// integer.
///
/// `kubectl` reads YAML 1.1, where `0640` is an octal integer (file modes are written so); the
/// loader reads YAML 1.2 and keeps such a plain scalar as the string `"0640"`. A string of a
/// leading `0` and octal digits is therefore read as the octal integer.
pub(crate) fn integer(parent: &Map<String, Value>, key: &str) -> Result<Option<i64>, ()> {
    match parent.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(number)) => number.as_i64().map(Some).ok_or(()),
        Some(Value::String(text)) => yaml11_octal(text).map(Some).ok_or(()),
        Some(_) => Err(()),
    }
}

/// A YAML 1.1 octal integer such as `0640`.
fn yaml11_octal(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('0')?;
    if digits.is_empty() || !digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return None;
    }
    i64::from_str_radix(digits, 8).ok()
}

/// The integer `key` of `parent`, reporting a value that is not an integer.
pub(crate) fn integer_field(
    parent: &Map<String, Value>,
    key: &str,
    path: impl fmt::Display,
    out: &mut Collector,
) -> Option<i64> {
    match integer(parent, key) {
        Ok(value) => value,
        Err(()) => {
            let shown = parent.get(key).map_or_else(String::new, Value::to_string);
            out.invalid(
                path.to_string(),
                shown,
                "must be an integer",
                "write a whole number without quotes",
            );
            None
        }
    }
}

/// The boolean `key` of `parent`; absent, null or not a boolean reads as false.
pub(crate) fn flag(parent: &Map<String, Value>, key: &str) -> bool {
    matches!(parent.get(key), Some(Value::Bool(true)))
}

/// A JSON value's kind, for messages about a value of the wrong type.
pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// A scalar as text: strings as they are, numbers and booleans as written; `None` otherwise.
pub(crate) fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn a_mapping_where_a_list_belongs_is_reported() {
        let spec = map(json!({"containers": {"app": {"image": "x"}}}));
        let mut out = Collector::default();
        assert!(list(&spec, "containers", "spec.containers", &mut out).is_empty());
        assert_eq!(out.errors.len(), 1);
        assert_eq!(out.errors[0].path, "spec.containers");
    }

    #[test]
    fn absent_and_null_lists_are_empty_and_fine() {
        let spec = map(json!({"volumes": null}));
        let mut out = Collector::default();
        assert!(list(&spec, "volumes", "v", &mut out).is_empty());
        assert!(list(&spec, "containers", "c", &mut out).is_empty());
        assert!(out.errors.is_empty());
    }

    #[test]
    fn integers() {
        let spec = map(json!({"a": 5, "b": "5", "c": 1.5, "mode": "0640", "bad": "0980"}));
        assert_eq!(integer(&spec, "a"), Ok(Some(5)));
        assert_eq!(integer(&spec, "mode"), Ok(Some(0o640)));
        assert_eq!(integer(&spec, "bad"), Err(()));
        assert_eq!(integer(&spec, "b"), Err(()));
        assert_eq!(integer(&spec, "c"), Err(()));
        assert_eq!(integer(&spec, "d"), Ok(None));
    }
}
