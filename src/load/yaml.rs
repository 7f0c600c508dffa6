//! YAML input, read with serde-saphyr as it streams: a stream of documents, each an object or
//! a list, with the YAML budgets of the [`Limits`](super::Limits).
//!
//! serde-saphyr hands each document to a type's `Deserialize`, not to a seed; the load's
//! state waits in a thread-local slot meanwhile, and every document's `deserialize` takes it
//! out and puts it back.

use std::cell::RefCell;
use std::io::Read;

use serde::de::{self, DeserializeSeed};

use super::stream::{DocumentSeed, Engine};
use super::{LimitExceeded, LoadError};

thread_local! {
    /// The load under way on this thread, between documents.
    static ENGINE: RefCell<Option<Engine>> = const { RefCell::new(None) };
}

/// One document, read into the engine in [`ENGINE`].
struct Document;

impl<'de> serde::Deserialize<'de> for Document {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Document, D::Error> {
        let Some(mut engine) = ENGINE.with(|slot| slot.borrow_mut().take()) else {
            return Err(de::Error::custom("no load under way"));
        };
        let document = engine.documents;
        engine.documents = document.saturating_add(1);
        engine.in_document = true;
        let result = if document >= engine.options.limits.max_documents {
            let limit = LimitExceeded::Documents(engine.options.limits.max_documents);
            engine.error = Some(LoadError::Limit {
                document,
                item: None,
                limit,
            });
            Err(de::Error::custom(limit))
        } else {
            DocumentSeed {
                engine: &mut engine,
                document,
            }
            .deserialize(deserializer)
        };
        if result.is_ok() {
            engine.in_document = false;
        }
        ENGINE.with(|slot| *slot.borrow_mut() = Some(engine));
        result.map(|()| Document)
    }
}

/// Puts `engine` in [`ENGINE`] for the time of a load, and takes it back out at the end,
/// whatever happens.
struct Slot;

impl Slot {
    fn fill(engine: Engine) -> Slot {
        ENGINE.with(|slot| *slot.borrow_mut() = Some(engine));
        Slot
    }

    fn take(self) -> Option<Engine> {
        ENGINE.with(|slot| slot.borrow_mut().take())
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        ENGINE.with(|slot| slot.borrow_mut().take());
    }
}

/// serde-saphyr's options for `engine`'s limits.
fn options(engine: &Engine) -> serde_saphyr::Options {
    let limits = &engine.options.limits;
    let alias_nodes = usize::try_from(limits.max_alias_nodes).unwrap_or(usize::MAX);
    let budget = serde_saphyr::budget! {
        // The size is counted by this crate, against Limits::max_input_bytes.
        max_reader_input_bytes: None,
        max_depth: limits.max_depth,
        flow_nesting_limit: limits.max_depth,
        max_documents: limits.max_documents,
        max_nodes: usize::try_from(limits.max_nodes).unwrap_or(usize::MAX),
        // Events and scalar bytes grow with the input; the input size and the
        // expanded-bytes budget (counted by this crate, aliases included) bound them.
        max_events: usize::MAX,
        max_total_scalar_bytes: usize::MAX,
        // Aliases: what they may repeat is bounded by Limits::max_alias_nodes here, and by
        // Limits::max_expanded_bytes in this crate's tracker; no ratio heuristic on top.
        max_aliases: alias_nodes,
        max_recorded_anchor_events: alias_nodes,
        enforce_alias_anchor_ratio: false,
    };
    serde_saphyr::options! {
        budget: budget,
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: alias_nodes,
        },
        // `.inf` and `.nan` are floats, as in YAML 1.2 (a JSON value reads them as null).
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::PassThrough,
        // YAML 1.2 booleans only: `yes`, `on` and `y` are strings, as Kubernetes reads them.
        strict_booleans: true,
        // YAML 1.1 octals: `defaultMode: 0640` is 416, as kubectl's YAML reader (go-yaml v2)
        // reads it; YAML 1.2 would read the leading-zero spelling as the float 640.0.
        legacy_octal_numbers: true,
        with_snippet: false,
    }
}

/// Reads every document of `reader` into `engine`.
pub(super) fn load_reader<R: Read>(mut reader: R, engine: Engine) -> Result<Engine, LoadError> {
    let options = options(&engine);
    let slot = Slot::fill(engine);
    let mut failure = None;
    for document in serde_saphyr::read_with_options::<_, Document>(&mut reader, options) {
        if let Err(error) = document {
            failure = Some(error);
            break;
        }
    }
    finish(slot, failure)
}

/// Reads every document of `text` into `engine`.
pub(super) fn load_str(text: &str, engine: Engine) -> Result<Engine, LoadError> {
    let options = options(&engine);
    let slot = Slot::fill(engine);
    let failure =
        serde_saphyr::from_str_multiple_with_options::<Document, Vec<Document>>(text, options)
            .err();
    finish(slot, failure)
}

fn finish(slot: Slot, failure: Option<serde_saphyr::Error>) -> Result<Engine, LoadError> {
    let Some(mut engine) = slot.take() else {
        return Err(LoadError::Syntax {
            document: 0,
            line: None,
            column: None,
            message: "the YAML reader lost its state".to_owned(),
        });
    };
    let Some(error) = failure else {
        return Ok(engine);
    };
    let document = if engine.in_document {
        engine.documents.saturating_sub(1)
    } else {
        engine.documents
    };
    Err(convert(&mut engine, document, &error))
}

/// The [`LoadError`] for serde-saphyr's `error` in `document`.
fn convert(engine: &mut Engine, document: usize, error: &serde_saphyr::Error) -> LoadError {
    use serde_saphyr::Error as E;
    use serde_saphyr::budget::BudgetBreach as B;
    let limits = &engine.options.limits;
    let limit = match error {
        E::IOError { .. } => {
            return LoadError::Io {
                source: std::io::Error::other(error.to_string()).into(),
            };
        }
        E::Budget { breach, .. } => Some(match breach {
            B::Depth { .. } => LimitExceeded::Depth(limits.max_depth),
            B::Documents { .. } => LimitExceeded::Documents(limits.max_documents),
            B::Nodes { .. } => LimitExceeded::Nodes(limits.max_nodes),
            _ => LimitExceeded::AliasNodes(limits.max_alias_nodes),
        }),
        E::AliasReplayCounterOverflow { .. }
        | E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. } => {
            Some(LimitExceeded::AliasNodes(limits.max_alias_nodes))
        }
        _ => {
            // Errors about aliases may come wrapped with where the anchor was defined.
            let message = error.to_string();
            if message.starts_with("budget breached: Depth")
                || message.starts_with("recursion limit exceeded")
            {
                Some(LimitExceeded::Depth(limits.max_depth))
            } else if message.starts_with("budget breached: Nodes") {
                Some(LimitExceeded::Nodes(limits.max_nodes))
            } else if message.starts_with("budget breached: Documents") {
                Some(LimitExceeded::Documents(limits.max_documents))
            } else if message.starts_with("budget breached")
                || message.starts_with("alias replay")
                || message.starts_with("alias expansion")
            {
                Some(LimitExceeded::AliasNodes(limits.max_alias_nodes))
            } else {
                None
            }
        }
    };
    if let Some(limit) = limit {
        let item = engine.context.take().and_then(|context| context.item);
        engine.error = None;
        return LoadError::Limit {
            document,
            item,
            limit,
        };
    }
    if let E::DuplicateMappingKey { key, .. } = error {
        // Inside a value, the path names the mapping.
        let message = match key {
            Some(key) => format!("duplicate key `{key}`"),
            None => "duplicate key".to_owned(),
        };
        return engine.finish_error(document, message, syntax_at(document, error));
    }
    let data = matches!(
        error,
        E::Message { .. }
            | E::SerdeInvalidType { .. }
            | E::SerdeInvalidValue { .. }
            | E::SerdeInvalidLength { .. }
            | E::SerdeUnknownVariant { .. }
            | E::SerdeUnknownField { .. }
            | E::SerdeMissingField { .. }
            | E::InvalidBooleanStrict { .. }
            | E::NullIntoString { .. }
            | E::InvalidScalar { .. }
            | E::NonFiniteFloat { .. }
            | E::TaggedScalarCannotDeserializeIntoString { .. }
            | E::InvalidCharNull { .. }
            | E::InvalidCharNotSingleScalar { .. }
            // A value of the wrong shape (`spec: 5` where a mapping goes).
            | E::Unexpected { .. }
    );
    if !data {
        // The parser's own error, wherever it happened.
        engine.context = None;
    }
    engine.finish_error(document, error.to_string(), syntax_at(document, error))
}

/// The [`LoadError::Syntax`] for a message about `error`, at the place serde-saphyr gives.
fn syntax_at(document: usize, error: &serde_saphyr::Error) -> impl FnOnce(String) -> LoadError {
    let location = error.location();
    move |message| LoadError::Syntax {
        document,
        line: location
            .as_ref()
            .map(|l| usize::try_from(l.line()).unwrap_or(usize::MAX)),
        column: location
            .as_ref()
            .map(|l| usize::try_from(l.column()).unwrap_or(usize::MAX)),
        message,
    }
}
