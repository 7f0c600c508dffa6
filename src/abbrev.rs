//! Long input text shortened for messages, so that an error about a megabyte-long name is a
//! line, not a megabyte.

use std::fmt;

/// A value (a name, a label, a kind) longer than this many bytes is cut in messages.
pub(crate) const MAX_SHOWN: usize = 200;

/// A whole message (which may quote values) longer than this many bytes is cut.
pub(crate) const MAX_MESSAGE: usize = 1000;

/// Displays its text, or its first bytes (at a character boundary) followed by
/// `... (N bytes)`; `{:?}` quotes the shown part the way `str`'s `Debug` does.
pub(crate) struct Abbrev<'a> {
    text: &'a str,
    max: usize,
}

/// A value, shown at most [`MAX_SHOWN`] bytes long.
pub(crate) fn abbrev(text: &str) -> Abbrev<'_> {
    Abbrev {
        text,
        max: MAX_SHOWN,
    }
}

/// A message, shown at most [`MAX_MESSAGE`] bytes long.
pub(crate) fn abbrev_message(text: &str) -> Abbrev<'_> {
    Abbrev {
        text,
        max: MAX_MESSAGE,
    }
}

impl Abbrev<'_> {
    /// The part shown, and whether it is all of the text.
    fn shown(&self) -> (&str, bool) {
        if self.text.len() <= self.max {
            return (self.text, true);
        }
        let mut end = self.max;
        while !self.text.is_char_boundary(end) {
            end = end.saturating_sub(1);
        }
        (self.text.get(..end).unwrap_or_default(), false)
    }
}

impl fmt::Display for Abbrev<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.shown() {
            (all, true) => f.write_str(all),
            (part, false) => write!(f, "{part}... ({} bytes)", self.text.len()),
        }
    }
}

impl fmt::Debug for Abbrev<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.shown() {
            (all, true) => write!(f, "{all:?}"),
            (part, false) => write!(f, "{part:?}... ({} bytes)", self.text.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_shown_whole_and_long_text_is_cut_at_a_character() {
        assert_eq!(abbrev("abc").to_string(), "abc");
        assert_eq!(format!("{:?}", abbrev("a\"b")), "\"a\\\"b\"");
        let long = "é".repeat(MAX_SHOWN);
        let shown = abbrev(&long).to_string();
        assert!(shown.ends_with(&format!("... ({} bytes)", 2 * MAX_SHOWN)));
        assert_eq!(shown.matches('é').count(), MAX_SHOWN / 2);
        assert!(format!("{:?}", abbrev(&long)).starts_with("\"éé"));
    }
}
