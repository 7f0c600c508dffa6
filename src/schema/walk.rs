//! The walk of a manifest against the field tables.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::UnknownField;
use super::suggest::suggest;
use super::table::TYPES;

/// An object type of the schema: its name (the Kubernetes or OpenKruise type, as
/// `api::core::v1::Container`) and its fields sorted by key.
#[derive(Debug)]
pub(crate) struct Type {
    pub name: &'static str,
    pub fields: &'static [(&'static str, Kind)],
}

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A scalar, a list of scalars, or a free-form map (labels, resource quantities): not
    /// checked inside.
    Leaf,
    /// An object of the type at this index of [`TYPES`].
    Object(u16),
    /// A list of objects of the type at this index.
    List(u16),
    /// An object of the type at this index, in a place the API server keeps schemaless
    /// (OpenKruise's template): its unknown fields are stored, not refused.
    Schemaless(u16),
}

impl Type {
    /// The type at `index` of the table (the table only holds indexes of its own types).
    pub(crate) fn at(index: u16) -> Option<&'static Type> {
        TYPES.get(usize::from(index))
    }

    /// What the field `key` holds, if the type has it.
    pub(crate) fn field(&self, key: &str) -> Option<Kind> {
        self.fields
            .binary_search_by(|(name, _)| (*name).cmp(key))
            .ok()
            .and_then(|i| self.fields.get(i))
            .map(|(_, kind)| *kind)
    }
}

/// Walks `object` as a value of `ty` at `path`, appending what the schema does not know.
/// `schemaless` is set below a place the API server keeps without a schema.
pub(super) fn walk(
    object: &Map<String, Value>,
    ty: &'static Type,
    path: &mut String,
    schemaless: bool,
    out: &mut Vec<UnknownField>,
) {
    for (key, value) in object {
        let Some(kind) = ty.field(key) else {
            let (suggestion, hint) = suggest(ty, key);
            out.push(UnknownField {
                path: path.clone(),
                field: key.clone(),
                suggestion,
                hint,
                schemaless,
            });
            continue;
        };
        let (index, list, below_schemaless) = match kind {
            Kind::Leaf => continue,
            Kind::Object(index) => (index, false, schemaless),
            Kind::List(index) => (index, true, schemaless),
            Kind::Schemaless(index) => (index, false, true),
        };
        let Some(child) = Type::at(index) else {
            continue;
        };
        let len = path.len();
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
        match value {
            Value::Object(inner) if !list => walk(inner, child, path, below_schemaless, out),
            Value::Array(items) if list => {
                let base = path.len();
                for (i, item) in items.iter().enumerate() {
                    if let Value::Object(inner) = item {
                        // Writing to a String cannot fail.
                        let _ = write!(path, "[{i}]");
                        walk(inner, child, path, below_schemaless, out);
                        path.truncate(base);
                    }
                }
            }
            // A value of the wrong type is the deserializer's to report.
            _ => {}
        }
        path.truncate(len);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn every_table_type_has_sorted_unique_fields_and_valid_children() {
        for ty in &TYPES {
            for pair in ty.fields.windows(2) {
                assert!(
                    pair[0].0 < pair[1].0,
                    "{}: {} then {}",
                    ty.name,
                    pair[0].0,
                    pair[1].0
                );
            }
            for (key, kind) in ty.fields {
                if let Kind::Object(i) | Kind::List(i) | Kind::Schemaless(i) = kind {
                    assert!(Type::at(*i).is_some(), "{}.{key}", ty.name);
                }
            }
        }
    }

    #[test]
    fn lookup_finds_every_field_and_nothing_else() {
        let container = TYPES
            .iter()
            .find(|t| t.name == "api::core::v1::Container")
            .unwrap();
        assert_eq!(container.field("image"), Some(Kind::Leaf));
        assert!(matches!(
            container.field("volumeMounts"),
            Some(Kind::List(_))
        ));
        assert_eq!(container.field("imagePullPolcy"), None);
        assert_eq!(container.field(""), None);
    }
}
