//! [`LoadError`]: why a manifest could not be loaded.

use std::fmt;

use crate::model::abbrev::{abbrev, abbrev_message};

/// Why a manifest could not be loaded.
///
/// Every variant about a document carries its index in the stream (`document`, counted from 0;
/// in YAML, empty documents are not counted, as the parser skips them), so in a stream without
/// empty documents `document 2` is the text after the second `---`. Variants about an entry of
/// a `List` also carry its index in `items`; field paths start with `items[N]` there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The text is not YAML or JSON (a cut-off string, a tab where indentation goes, a
    /// control character, bad merge keys), as the parser (serde-saphyr or serde_json)
    /// reports it. Input over the [`Limits`](super::Limits) is [`LoadError::Limit`].
    #[error("document {document}: {}", abbrev_message(.message))]
    Syntax {
        /// Index of the document in the stream.
        document: usize,
        /// Line of the error (from 1) in the whole input, when the parser gives it.
        line: Option<usize>,
        /// Column of the error (from 1), when the parser gives it.
        column: Option<usize>,
        /// What the parser reported, with its position.
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
    /// A field of a DaemonSet document that Kubernetes' schema of the object does not have
    /// (refused under [`FieldValidation::Strict`](super::FieldValidation::Strict), except in
    /// an OpenKruise pod template: see [`LoadWarning`](super::LoadWarning)), or a top-level key
    /// of a node, pod, ControllerRevision or list that looks like a misspelt field this crate
    /// reads: it would otherwise be ignored and the field silently left at its default.
    #[error(
        "document {document}: unknown field `{}` at {}{}{}",
        abbrev(.field),
        At(.path),
        Suggestion(.suggestion.as_deref()),
        Hint(.hint.as_deref())
    )]
    UnknownField {
        /// Index of the document in the stream.
        document: usize,
        /// Dotted path of the object holding the key, such as
        /// `spec.template.spec.tolerations[0]`, after `items[N]` for an entry of a list;
        /// empty at the top level.
        path: String,
        /// The key as written.
        field: String,
        /// The field it probably means, if any: a sibling of `field`, or a dotted path
        /// relative to `path` when the field belongs deeper (`spec.template`).
        suggestion: Option<String>,
        /// Why, or what to do instead, when more than the suggestion helps (`spec.replicas`:
        /// a DaemonSet has none).
        hint: Option<String>,
    },
    /// A field whose value does not have the expected type or form, or a mapping with a
    /// duplicate key.
    #[error(
        "document {document}: {}: {}: {}",
        abbrev(.object),
        At(.path),
        abbrev_message(.message)
    )]
    Field {
        /// Index of the document in the stream.
        document: usize,
        /// The object, such as `daemonset kube-system/fluentd` or `node worker-1`; just
        /// `node` when the error comes before its name is read.
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
    /// The input is larger than [`Limits::max_input_bytes`](super::Limits::max_input_bytes).
    #[error("input too large: more than {limit} bytes (Limits::max_input_bytes)")]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// The input goes over one of the other [`Limits`](super::Limits).
    #[error("{}: {limit}", Place(*.document, *.item))]
    Limit {
        /// Index of the document in the stream (the last one read, for the document count).
        document: usize,
        /// Index in the `List`'s `items`, when known.
        item: Option<usize>,
        /// Which limit, and its value.
        limit: LimitExceeded,
    },
    /// Reading from a reader failed.
    #[error("cannot read the input")]
    Io {
        /// The I/O error.
        #[source]
        source: IoError,
    },
    /// The bytes read are not UTF-8.
    #[error("input is not valid UTF-8 (at byte {valid_up_to})")]
    NotUtf8 {
        /// Length of the valid UTF-8 prefix.
        valid_up_to: usize,
    },
}

/// Which of the [`Limits`](super::Limits) an input went over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LimitExceeded {
    /// Nesting deeper than [`Limits::max_depth`](super::Limits::max_depth).
    #[error("the YAML or JSON nests deeper than {0} levels (Limits::max_depth)")]
    Depth(usize),
    /// More documents than [`Limits::max_documents`](super::Limits::max_documents).
    #[error("the stream has more than {0} documents (Limits::max_documents)")]
    Documents(usize),
    /// More YAML nodes than [`Limits::max_nodes`](super::Limits::max_nodes).
    #[error("the YAML expands to more than {0} nodes (Limits::max_nodes)")]
    Nodes(u64),
    /// Aliases expanding to more than
    /// [`Limits::max_expanded_bytes`](super::Limits::max_expanded_bytes).
    #[error(
        "YAML aliases repeat more than {0} bytes of anchored values (Limits::max_expanded_bytes)"
    )]
    ExpandedBytes(u64),
    /// Aliases repeating more than
    /// [`Limits::max_alias_nodes`](super::Limits::max_alias_nodes) nodes.
    #[error("YAML aliases repeat more than {0} nodes of anchored values (Limits::max_alias_nodes)")]
    AliasNodes(u64),
}

/// An I/O error, shared so that [`LoadError`] stays `Clone`; two compare equal when their
/// kinds and messages do.
#[derive(Debug, Clone)]
pub struct IoError(std::sync::Arc<std::io::Error>);

impl IoError {
    /// The error's kind.
    pub fn kind(&self) -> std::io::ErrorKind {
        self.0.kind()
    }

    /// The error itself.
    pub fn get_ref(&self) -> &std::io::Error {
        &self.0
    }
}

impl From<std::io::Error> for IoError {
    fn from(error: std::io::Error) -> Self {
        IoError(std::sync::Arc::new(error))
    }
}

impl PartialEq for IoError {
    fn eq(&self, other: &Self) -> bool {
        self.0.kind() == other.0.kind() && self.0.to_string() == other.0.to_string()
    }
}

impl Eq for IoError {}

impl fmt::Display for IoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for IoError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// `, did you mean `x`?` or nothing.
struct Suggestion<'a>(Option<&'a str>);

impl fmt::Display for Suggestion<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(field) => write!(f, ", did you mean `{field}`?"),
            None => Ok(()),
        }
    }
}

/// ` (hint: ...)` or nothing.
struct Hint<'a>(Option<&'a str>);

impl fmt::Display for Hint<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(hint) => write!(f, " (hint: {hint})"),
            None => Ok(()),
        }
    }
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
            | LoadError::Field { document, .. }
            | LoadError::Limit { document, .. } => Some(*document),
            LoadError::Count { .. }
            | LoadError::TooLarge { .. }
            | LoadError::Io { .. }
            | LoadError::NotUtf8 { .. } => None,
        }
    }
}
