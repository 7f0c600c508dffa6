//! How to load: [`LoadOptions`], its [`Limits`] and [`FieldValidation`]; what loading gives
//! back besides objects: [`Loaded`] and [`LoadWarning`].

use std::fmt;

use crate::model::abbrev::abbrev;
use crate::schema::UnknownField;

/// How to load a manifest: the resource limits and what to do with unknown fields.
///
/// ```
/// use daemonset_planner::load::{FieldValidation, Limits, LoadOptions};
///
/// let options = LoadOptions::new()
///     .with_limits(Limits::default().with_max_depth(64))
///     .with_unknown_fields(FieldValidation::Warn);
/// assert_eq!(options.limits().max_depth, 64);
/// assert_eq!(options.unknown_fields(), FieldValidation::Warn);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoadOptions {
    /// Bounds on the input and on what it may expand to.
    pub limits: Limits,
    /// What an unknown field of a DaemonSet document does.
    pub unknown_fields: FieldValidation,
}

impl LoadOptions {
    /// The defaults: [`Limits::default`] and [`FieldValidation::Strict`].
    pub fn new() -> Self {
        LoadOptions::default()
    }

    /// These options with `limits`.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// These options with `validation` for unknown fields of DaemonSet documents.
    #[must_use]
    pub fn with_unknown_fields(mut self, validation: FieldValidation) -> Self {
        self.unknown_fields = validation;
        self
    }

    /// The limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// What an unknown field of a DaemonSet document does.
    pub fn unknown_fields(&self) -> FieldValidation {
        self.unknown_fields
    }
}

/// What an unknown field in a DaemonSet document does, as `kubectl apply --validate=...`.
///
/// "Unknown" means unknown to Kubernetes' schema of the object, not to this crate's model: a
/// real field the planner does not read is never reported. The setting applies to DaemonSet
/// documents, which people write; nodes, pods and ControllerRevisions come from the API
/// server, which only stores fields it knows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldValidation {
    /// An unknown field is an error ([`LoadError::UnknownField`](super::LoadError)), as
    /// `kubectl apply`'s default server-side validation refuses it; one in an OpenKruise
    /// DaemonSet's pod template, which the API server keeps, is dropped with a warning.
    #[default]
    Strict,
    /// An unknown field is dropped and reported as a [`LoadWarning`].
    Warn,
    /// An unknown field is dropped silently.
    Ignore,
}

impl FieldValidation {
    /// `strict`, `warn` or `ignore`, as kubectl spells the setting.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldValidation::Strict => "strict",
            FieldValidation::Warn => "warn",
            FieldValidation::Ignore => "ignore",
        }
    }
}

impl fmt::Display for FieldValidation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Bounds that keep loading finite in time and memory on any input. Input over a limit is
/// refused with [`LoadError::Limit`](super::LoadError::Limit) (or
/// [`LoadError::TooLarge`](super::LoadError::TooLarge) for the input size), naming the limit.
///
/// The defaults are far above what any real cluster's dump needs (a 5,000-node, 150,000-pod
/// dump is about 1 GB of JSON, nests 20 levels deep and uses no YAML aliases) and far below
/// what would exhaust a machine.
///
/// ```
/// use daemonset_planner::load::Limits;
///
/// let limits = Limits::default();
/// assert_eq!(limits.max_depth, 64);
/// let tight = Limits::default().with_max_input_bytes(1 << 20).with_max_documents(10);
/// assert_eq!(tight.max_documents, 10);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The most bytes read from the input. Default: 64 GiB (memory does not grow with the
    /// input, only with the objects kept, so this is a guard against endless streams).
    pub max_input_bytes: u64,
    /// The deepest nesting of mappings and sequences. Default: 64 (Kubernetes objects nest
    /// about 20 levels, `managedFields` included; reading each level takes stack).
    pub max_depth: usize,
    /// The most documents in a YAML stream, empty ones included. Default: 1,000,000.
    pub max_documents: usize,
    /// The most YAML nodes (scalars, sequences, mappings) in a stream, counting every copy
    /// an alias makes. Default: 1,000,000,000 (a 1 GB dump holds about 60 million).
    pub max_nodes: u64,
    /// The most bytes of scalars that YAML aliases may add by repeating what their anchors
    /// hold. Default: 64 MiB (real manifests use few aliases, of short values). This is what
    /// stops alias amplification: a 1 MiB string anchored once and aliased 3,000 times would
    /// expand to 3 GiB.
    pub max_expanded_bytes: u64,
    /// The most YAML nodes that aliases may repeat in one document (each alias counts the
    /// nodes of its anchored value). Default: 100,000 (manifests that use aliases at all
    /// repeat a few small values). This is what stops the "billion laughs": nine levels of
    /// nine aliases each would repeat a billion nodes.
    pub max_alias_nodes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 64 << 30,
            max_depth: 64,
            max_documents: 1_000_000,
            max_nodes: 1_000_000_000,
            max_expanded_bytes: 64 << 20,
            max_alias_nodes: 100_000,
        }
    }
}

impl Limits {
    /// These limits with [`Limits::max_input_bytes`] set.
    #[must_use]
    pub fn with_max_input_bytes(mut self, bytes: u64) -> Self {
        self.max_input_bytes = bytes;
        self
    }

    /// These limits with [`Limits::max_depth`] set.
    #[must_use]
    pub fn with_max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }

    /// These limits with [`Limits::max_documents`] set.
    #[must_use]
    pub fn with_max_documents(mut self, documents: usize) -> Self {
        self.max_documents = documents;
        self
    }

    /// These limits with [`Limits::max_nodes`] set.
    #[must_use]
    pub fn with_max_nodes(mut self, nodes: u64) -> Self {
        self.max_nodes = nodes;
        self
    }

    /// These limits with [`Limits::max_alias_nodes`] set.
    #[must_use]
    pub fn with_max_alias_nodes(mut self, nodes: u64) -> Self {
        self.max_alias_nodes = nodes;
        self
    }

    /// These limits with [`Limits::max_expanded_bytes`] set.
    #[must_use]
    pub fn with_max_expanded_bytes(mut self, bytes: u64) -> Self {
        self.max_expanded_bytes = bytes;
        self
    }
}

/// The objects loaded, and the warnings about what was dropped on the way.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Loaded<T> {
    /// What was loaded, in input order.
    pub objects: T,
    /// Unknown fields dropped under [`FieldValidation::Warn`], in input order.
    pub warnings: Vec<LoadWarning>,
}

impl<T> Loaded<T> {
    /// The objects, without the warnings.
    pub fn into_objects(self) -> T {
        self.objects
    }
}

/// An unknown field of a DaemonSet document, dropped under [`FieldValidation::Warn`], or a
/// field of an OpenKruise DaemonSet's pod template that Kruise's controller drops (reported
/// under [`FieldValidation::Strict`] too: the API server keeps it, so it is no error).
///
/// [`lints::lint_unknown_fields`](crate::lints::lint_unknown_fields) turns the
/// [`unknown`](LoadWarning::unknown) fields into `unknown-field` and `misplaced-field` lints.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoadWarning {
    /// Index of the document in the stream.
    pub document: usize,
    /// Index in the `List`'s `items`, when the object is an entry of a list.
    pub item: Option<usize>,
    /// The field, as Kubernetes' schema found it: its path within the object (without the
    /// list's `items[N]`), the suggestion and hint, and whether it sits where the API server
    /// keeps fields without a schema.
    pub unknown: UnknownField,
}

impl fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.item {
            Some(item) => write!(f, "document {}, items[{item}]: ", self.document)?,
            None => write!(f, "document {}: ", self.document)?,
        }
        let unknown = &self.unknown;
        write!(f, "unknown field `{}` ", abbrev(&unknown.field))?;
        if unknown.path.is_empty() {
            f.write_str("at the top level")?;
        } else {
            write!(f, "at {}", abbrev(&unknown.path))?;
        }
        if let Some(suggestion) = &unknown.suggestion {
            write!(f, " (did you mean `{suggestion}`?)")?;
        }
        f.write_str(" dropped")?;
        if unknown.schemaless {
            f.write_str(" (the API server keeps it; the controller drops it from pods)")?;
        }
        Ok(())
    }
}
