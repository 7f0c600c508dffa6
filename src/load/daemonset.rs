//! DaemonSet documents: read whole, checked against Kubernetes' schema of the object as
//! [`LoadOptions::unknown_fields`](super::LoadOptions) says, then read into the model.

use serde_json::{Map, Value};

use super::stream::Engine;
use super::track::Tracked;
use super::{FieldValidation, LoadError, LoadWarning, schema};
use crate::model::DaemonSet;

/// Checks and keeps one DaemonSet document (or list item), whose `kind` and `apiVersion`
/// have been checked. `prefix` is `items[N]` for a list item.
pub(super) fn finish(
    engine: &mut Engine,
    document: usize,
    item: Option<usize>,
    prefix: &str,
    fields: Map<String, Value>,
) -> Result<(), LoadError> {
    let mut value = Value::Object(fields);
    let text = |key: &str| {
        value
            .get("metadata")
            .and_then(|metadata| metadata.get(key))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let object = super::object_name("daemonset", &text("namespace"), &text("name"));
    // Drops modelled fields set to null: the API server reads them as absent.
    schema::drop_nulls(&mut value, &schema::DAEMONSET);
    let mode = engine.options.unknown_fields;
    for unknown in crate::schema::unknown_fields(&value) {
        // A field where the API server keeps fields without a schema (an OpenKruise
        // template) is stored, not refused: the controller drops it when it builds pods, so
        // it is dropped here in every mode, and reported unless ignored.
        if mode == FieldValidation::Strict && !unknown.schemaless {
            return Err(LoadError::UnknownField {
                document,
                path: join(prefix, &unknown.path),
                field: unknown.field,
                suggestion: unknown.suggestion,
                hint: unknown.hint,
            });
        }
        remove_field(&mut value, &unknown.path, &unknown.field);
        if mode != FieldValidation::Ignore {
            engine.loaded.warnings.push(LoadWarning {
                document,
                item,
                unknown,
            });
        }
    }
    let tracker = &engine.tracker;
    let daemon_set = <DaemonSet as serde::Deserialize>::deserialize(Tracked::new(
        value, tracker, 0,
    ))
    .map_err(|err| LoadError::Field {
        document,
        object,
        path: join(prefix, &tracker.take_path()),
        message: super::hint(&err.to_string()),
    })?;
    engine.loaded.objects.daemon_sets.push(daemon_set);
    Ok(())
}

/// `prefix.path`, or whichever is not empty.
fn join(prefix: &str, path: &str) -> String {
    match (prefix.is_empty(), path.is_empty()) {
        (true, _) => path.to_owned(),
        (false, true) => prefix.to_owned(),
        (false, false) => format!("{prefix}.{path}"),
    }
}

/// Removes `field` from the object at dotted `path` (with `[N]` indexes) in `value`.
fn remove_field(value: &mut Value, path: &str, field: &str) {
    let mut at = value;
    for segment in path.split('.').filter(|segment| !segment.is_empty()) {
        let (key, indexes) = match segment.find('[') {
            Some(open) => (
                segment.get(..open).unwrap_or(segment),
                segment.get(open..).unwrap_or(""),
            ),
            None => (segment, ""),
        };
        let Some(next) = at.get_mut(key) else {
            return;
        };
        at = next;
        for index in indexes.split('[').filter_map(|part| part.strip_suffix(']')) {
            let Some(next) = index
                .parse::<usize>()
                .ok()
                .and_then(|index| at.get_mut(index))
            else {
                return;
            };
            at = next;
        }
    }
    if let Some(object) = at.as_object_mut() {
        object.remove(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_removed_by_path() {
        let mut value = serde_json::json!({"spec": {"a": [{"x": 1, "y": 2}], "z": 3}});
        remove_field(&mut value, "spec.a[0]", "x");
        remove_field(&mut value, "", "nothing");
        remove_field(&mut value, "spec", "z");
        assert_eq!(value, serde_json::json!({"spec": {"a": [{"y": 2}]}}));
    }
}
