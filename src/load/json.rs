//! JSON input, read with serde_json as it streams: one or more documents, each an object or
//! a list.

use serde::de::DeserializeSeed;

use super::stream::{DocumentSeed, Engine};
use super::{LimitExceeded, LoadError};

/// Reads every document of `deserializer` into `engine`.
pub(super) fn load<'de, R: serde_json::de::Read<'de>>(
    mut deserializer: serde_json::Deserializer<R>,
    engine: &mut Engine,
) -> Result<(), LoadError> {
    let mut document = 0usize;
    loop {
        let seed = DocumentSeed {
            engine: &mut *engine,
            document,
        };
        if let Err(error) = seed.deserialize(&mut deserializer) {
            return Err(convert(engine, document, error));
        }
        match deserializer.end() {
            Ok(()) => return Ok(()),
            // Another document follows.
            Err(error) if error.is_syntax() && error.to_string().starts_with("trailing") => {}
            Err(error) => return Err(convert(engine, document, error)),
        }
        document = document.saturating_add(1);
        if document >= engine.options.limits.max_documents {
            return Err(LoadError::Limit {
                document,
                item: None,
                limit: LimitExceeded::Documents(engine.options.limits.max_documents),
            });
        }
    }
}

/// The [`LoadError`] for serde_json's `error` in `document`.
fn convert(engine: &mut Engine, document: usize, error: serde_json::Error) -> LoadError {
    if error.is_io() {
        return LoadError::Io {
            source: std::io::Error::from(error).into(),
        };
    }
    let (line, column) = (error.line(), error.column());
    let syntax = error.is_syntax() || error.is_eof();
    let message = error.to_string();
    if syntax {
        // A syntax error is the parser's, wherever it happened.
        engine.context = None;
    }
    engine.finish_error(document, message, |message| LoadError::Syntax {
        document,
        line: Some(line),
        column: Some(column),
        message,
    })
}
