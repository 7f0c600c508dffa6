//! [`LoadError`]: why a manifest could not be loaded.

use std::fmt;

use crate::model::abbrev::{abbrev, abbrev_message};

/// Why a manifest could not be loaded.
///
/// Every variant about a document carries its index in the stream (`document`, counted from 0,
/// empty documents included), so `document 2` is the text after the second `---`. Variants
/// about an entry of a `List` also carry its index in `items`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The text is not YAML, or not YAML this crate reads (duplicate keys, integers beyond 64
    /// bits, bad merge keys), or YAML over the limits (nesting deeper than 128 levels, aliases
    /// that expand to too much data).
    #[error("document {document}: {}", abbrev_message(.message))]
    Syntax {
        /// Index of the document in the stream.
        document: usize,
        /// Line of the error (from 1) in the whole input, when the YAML library gives it.
        line: Option<usize>,
        /// Column of the error (from 1), when the YAML library gives it.
        column: Option<usize>,
        /// What the YAML library reported, with its position.
        message: String,
    },
    /// A document (or a `List` entry) is a scalar or a sequence, not an object.
    #[error(
        "{}: expected a Kubernetes object (a mapping with apiVersion and kind), found {found}",
        Place(*.document, *.item)
    )]
    NotAnObject {
        /// Index of the document in the stream.
        document: usize,
        /// Index in the `List`'s `items`, when the problem is an entry of a list.
        item: Option<usize>,
        /// What was found instead, such as `a string`.
        found: String,
    },
    /// An object of another kind than the one asked for, or one without `kind`.
    #[error(
        "{}: expected kind {expected}, found {}",
        Place(*.document, *.item),
        Found(.found)
    )]
    WrongKind {
        /// Index of the document in the stream.
        document: usize,
        /// Index in the `List`'s `items`, when the problem is an entry of a list.
        item: Option<usize>,
        /// The kind asked for, such as `Node` (lists of it are accepted too).
        expected: String,
        /// The kind found; empty when the object has none.
        found: String,
    },
    /// An apiVersion that Kubernetes used to serve for this kind but has removed.
    #[error(
        "{}: {kind} apiVersion {} was removed in Kubernetes {removed_in}: use {use_instead}",
        Place(*.document, *.item),
        abbrev(.api_version)
    )]
    RemovedApiVersion {
        /// Index of the document in the stream.
        document: usize,
        /// Index in the `List`'s `items`, when the problem is an entry of a list.
        item: Option<usize>,
        /// The kind of the object (or list), such as `DaemonSet`.
        kind: String,
        /// The apiVersion found, such as `extensions/v1beta1`.
        api_version: String,
        /// The Kubernetes release that stopped serving it, such as `1.16`.
        removed_in: String,
        /// The apiVersion to write instead, such as `apps/v1`.
        use_instead: String,
    },
    /// An apiVersion this crate does not read for this kind, or none at all.
    #[error(
        "{}: {} {}: use {use_instead}",
        Place(*.document, *.item),
        ApiVersion(.api_version),
        abbrev(.kind)
    )]
    UnsupportedApiVersion {
        /// Index of the document in the stream.
        document: usize,
        /// Index in the `List`'s `items`, when the problem is an entry of a list.
        item: Option<usize>,
        /// The kind of the object (or list), such as `Node`.
        kind: String,
        /// The apiVersion found; empty when the object has none.
        api_version: String,
        /// The apiVersion(s) accepted, such as `apps/v1`.
        use_instead: String,
    },
    /// A key that looks like a misspelt field this crate reads: it would otherwise be ignored
    /// and the field silently left at its default.
    #[error(
        "document {document}: unknown field `{}` at {}, did you mean `{suggestion}`?",
        abbrev(.field),
        At(.path)
    )]
    UnknownField {
        /// Index of the document in the stream.
        document: usize,
        /// Dotted path of the object holding the key, such as
        /// `spec.template.spec.tolerations[0]`; empty at the top level.
        path: String,
        /// The key as written.
        field: String,
        /// The field it probably means.
        suggestion: String,
    },
    /// A field whose value does not have the expected type or form.
    #[error(
        "document {document}: {}: {}: {}",
        abbrev(.object),
        At(.path),
        abbrev_message(.message)
    )]
    Field {
        /// Index of the document in the stream.
        document: usize,
        /// The object, such as `daemonset kube-system/fluentd` or `node worker-1`.
        object: String,
        /// Dotted path of the field, such as `metadata.creationTimestamp`; empty for the whole
        /// object.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// Not exactly the number of objects asked for, such as no DaemonSet or two of them.
    #[error("expected exactly {expected} {kind}, found {found}")]
    Count {
        /// The kind counted, such as `DaemonSet`.
        kind: String,
        /// How many were expected.
        expected: usize,
        /// How many the input holds.
        found: usize,
    },
    /// The input is larger than [`MAX_INPUT_BYTES`](crate::load::MAX_INPUT_BYTES).
    #[error("input too large: more than {limit} bytes (read {size})")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
        /// The input's length; for a reader, how many bytes were read before stopping.
        size: usize,
    },
    /// Reading from a reader failed.
    #[error("cannot read the input: {message}")]
    Io {
        /// The kind of I/O error.
        kind: std::io::ErrorKind,
        /// The I/O error's message.
        message: String,
    },
    /// The bytes read are not UTF-8.
    #[error("input is not valid UTF-8 (at byte {valid_up_to})")]
    NotUtf8 {
        /// Length of the valid UTF-8 prefix.
        valid_up_to: usize,
    },
}

/// `document 2` or `document 2, items[5]`.
struct Place(usize, Option<usize>);

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            Some(item) => write!(f, "document {}, items[{item}]", self.0),
            None => write!(f, "document {}", self.0),
        }
    }
}

/// A kind as found, or a note that there is none.
struct Found<'a>(&'a str);

impl fmt::Display for Found<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("an object without kind")
        } else {
            abbrev(self.0).fmt(f)
        }
    }
}

/// The start of an unsupported-apiVersion message.
struct ApiVersion<'a>(&'a str);

impl fmt::Display for ApiVersion<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("no apiVersion given for")
        } else {
            write!(f, "apiVersion {} is not supported for", abbrev(self.0))
        }
    }
}

/// A path, or `the top level` when it is empty.
struct At<'a>(&'a str);

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("the top level")
        } else {
            abbrev(self.0).fmt(f)
        }
    }
}

impl LoadError {
    /// The index of the document the error is about, when it is about one.
    pub fn document(&self) -> Option<usize> {
        match self {
            LoadError::Syntax { document, .. }
            | LoadError::NotAnObject { document, .. }
            | LoadError::WrongKind { document, .. }
            | LoadError::RemovedApiVersion { document, .. }
            | LoadError::UnsupportedApiVersion { document, .. }
            | LoadError::UnknownField { document, .. }
            | LoadError::Field { document, .. } => Some(*document),
            LoadError::Count { .. }
            | LoadError::TooLarge { .. }
            | LoadError::Io { .. }
            | LoadError::NotUtf8 { .. } => None,
        }
    }

    /// A YAML error in `document`.
    pub(super) fn from_yaml(document: usize, error: &serde_yaml::Error) -> Self {
        let location = error.location();
        let mut message = error.to_string();
        // serde_yaml's two limits say little on their own.
        if message.starts_with("recursion limit exceeded") {
            message.push_str(" (the YAML nests deeper than 128 levels)");
        } else if message.starts_with("repetition limit exceeded") {
            message.push_str(" (aliases expand to too much data)");
        }
        LoadError::Syntax {
            document,
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
            message,
        }
    }
}
