//! The input itself: its size, counted against the limit as it is read, and its format.

use std::cell::Cell;
use std::io::{self, BufRead, Read};
use std::rc::Rc;

/// How a stream is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    /// Nothing but whitespace.
    Empty,
    /// JSON: `kubectl get -o json`, read with serde_json.
    Json,
    /// YAML (or JSON that does not start like `kubectl`'s).
    Yaml,
}

/// The format of a stream that starts with `bytes` (after any byte order mark): JSON when
/// its first character is `{` and the next one `"` or `}`, as every JSON object starts; YAML
/// otherwise (a YAML flow mapping starts `{key: ` without quotes). A stream of JSON that
/// starts otherwise (`{ 'a': 1 }`) is read as YAML, which JSON also is.
pub(super) fn format_of(bytes: &[u8]) -> Format {
    let mut significant = bytes
        .iter()
        .copied()
        .filter(|byte| !matches!(byte, b' ' | b'\t' | b'\r' | b'\n'));
    match (significant.next(), significant.next()) {
        (None, _) => Format::Empty,
        (Some(b'{'), Some(b'"' | b'}')) => Format::Json,
        _ => Format::Yaml,
    }
}

/// The format of `reader`, told from what its buffer holds, reading nothing beyond one fill
/// and dropping a byte order mark; `None` when the buffer holds too little to tell (then
/// [`sniff`] reads on). Parsers then read `reader` itself: serde_json reads a `BufReader`
/// byte by byte from its buffer, much faster than through an adapter.
pub(super) fn peek<R: BufRead>(reader: &mut R) -> io::Result<Option<Format>> {
    let buffer = reader.fill_buf()?;
    if buffer.starts_with(BOM) {
        reader.consume(BOM.len());
    }
    let buffer = reader.fill_buf()?;
    if buffer.is_empty() {
        return Ok(Some(Format::Empty));
    }
    let significant = buffer
        .iter()
        .filter(|byte| !matches!(byte, b' ' | b'\t' | b'\r' | b'\n'))
        .take(2)
        .count();
    Ok((significant == 2).then(|| format_of(buffer)))
}

/// The UTF-8 byte order mark.
const BOM: &[u8] = b"\xef\xbb\xbf";

/// How far [`sniff`] looks for the first two significant bytes.
const SNIFF_LIMIT: usize = 4096;

/// Reads the start of `reader` (up to the first two bytes that are not whitespace, dropping
/// a UTF-8 byte order mark) and tells its format; the bytes read are returned to be read
/// again before the rest.
pub(super) fn sniff<R: BufRead>(reader: &mut R) -> io::Result<(Format, Vec<u8>)> {
    let mut prefix = Vec::new();
    let mut significant = 0usize;
    while significant < 2 && prefix.len() < SNIFF_LIMIT {
        let buffer = reader.fill_buf()?;
        let Some(&byte) = buffer.first() else {
            break;
        };
        reader.consume(1);
        prefix.push(byte);
        if prefix.as_slice() == BOM {
            prefix.clear();
        } else if BOM.starts_with(&prefix) {
            // Perhaps a byte order mark.
        } else if !matches!(byte, b' ' | b'\t' | b'\r' | b'\n') {
            significant = significant.saturating_add(1);
        }
    }
    let format = match format_of(&prefix) {
        // Whitespace up to the sniffing limit, and more after: YAML decides.
        Format::Empty if prefix.len() >= SNIFF_LIMIT => Format::Yaml,
        format => format,
    };
    Ok((format, prefix))
}

/// A reader that counts the bytes read into a shared cell, fails once more than `limit`
/// have been read, and fails at the first byte that is not UTF-8 (recording where, as the
/// parsers do not say).
pub(super) struct Counted<R> {
    inner: R,
    limit: u64,
    read: Rc<Cell<u64>>,
    /// Where the input stops being UTF-8, once found.
    bad_utf8: Rc<Cell<Option<u64>>>,
    /// The start of a character cut by the end of the last read, and where it began.
    carry: Vec<u8>,
    carry_at: u64,
}

impl<R> Counted<R> {
    pub(super) fn new(
        inner: R,
        limit: u64,
        read: Rc<Cell<u64>>,
        bad_utf8: Rc<Cell<Option<u64>>>,
    ) -> Self {
        Counted {
            inner,
            limit,
            read,
            bad_utf8,
            carry: Vec::new(),
            carry_at: 0,
        }
    }

    /// Checks that `chunk`, read at offset `at`, goes on the UTF-8 read so far.
    fn check_utf8(&mut self, chunk: &[u8], at: u64) -> Result<(), u64> {
        let mut rest = chunk;
        let mut rest_at = at;
        if let Some(&lead) = self.carry.first() {
            let need: usize = match lead {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                _ => 4,
            };
            let take = need.saturating_sub(self.carry.len()).min(rest.len());
            self.carry
                .extend_from_slice(rest.get(..take).unwrap_or_default());
            rest = rest.get(take..).unwrap_or_default();
            rest_at = rest_at.saturating_add(u64::try_from(take).unwrap_or(u64::MAX));
            if self.carry.len() < need {
                return Ok(());
            }
            if std::str::from_utf8(&self.carry).is_err() {
                return Err(self.carry_at);
            }
            self.carry.clear();
        }
        match std::str::from_utf8(rest) {
            Ok(_) => Ok(()),
            Err(error) => {
                let valid = error.valid_up_to();
                let offset = rest_at.saturating_add(u64::try_from(valid).unwrap_or(u64::MAX));
                match error.error_len() {
                    Some(_) => Err(offset),
                    None => {
                        self.carry = rest.get(valid..).unwrap_or_default().to_vec();
                        self.carry_at = offset;
                        Ok(())
                    }
                }
            }
        }
    }

    fn not_utf8(&self, offset: u64) -> io::Error {
        self.bad_utf8.set(Some(offset));
        io::Error::new(io::ErrorKind::InvalidData, "input is not valid UTF-8")
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.read.get() > self.limit {
            return Err(io::Error::other("input over Limits::max_input_bytes"));
        }
        if let Some(offset) = self.bad_utf8.get() {
            return Err(self.not_utf8(offset));
        }
        let read = self.inner.read(buf)?;
        let at = self.read.get();
        self.read
            .set(at.saturating_add(u64::try_from(read).unwrap_or(u64::MAX)));
        if self.read.get() > self.limit {
            return Err(io::Error::other("input over Limits::max_input_bytes"));
        }
        if read == 0 && !self.carry.is_empty() {
            return Err(self.not_utf8(self.carry_at));
        }
        if let Err(offset) = self.check_utf8(buf.get(..read).unwrap_or_default(), at) {
            return Err(self.not_utf8(offset));
        }
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn json_is_told_from_yaml_by_its_first_two_characters() {
        assert_eq!(format_of(b"  \n{\"kind\": \"List\"}"), Format::Json);
        assert_eq!(format_of(b"{}"), Format::Json);
        assert_eq!(format_of(b"{kind: List}"), Format::Yaml);
        assert_eq!(format_of(b"kind: List"), Format::Yaml);
        assert_eq!(format_of(b" \n\t"), Format::Empty);
        let (format, prefix) = sniff(&mut &b"\xef\xbb\xbf{ \"a\": 1}"[..]).unwrap();
        assert_eq!((format, prefix.as_slice()), (Format::Json, &b"{ \""[..]));
    }

    #[test]
    fn bytes_that_are_not_utf8_are_found_across_reads() {
        let text = "ab\u{e9}\u{1f600}cd".as_bytes();
        for split in 0..text.len() {
            let bad = Rc::new(Cell::new(None));
            let mut reader = Counted::new(
                io::Read::chain(&text[..split], &text[split..]),
                u64::MAX,
                Rc::new(Cell::new(0)),
                Rc::clone(&bad),
            );
            let mut out = Vec::new();
            reader.read_to_end(&mut out).unwrap();
            assert_eq!(out, text);
        }
        let bad = Rc::new(Cell::new(None));
        let mut reader = Counted::new(
            &b"kind: Pod\n\xff"[..],
            u64::MAX,
            Rc::new(Cell::new(0)),
            Rc::clone(&bad),
        );
        assert!(reader.read_to_end(&mut Vec::new()).is_err());
        assert_eq!(bad.get(), Some(10));
    }
}
