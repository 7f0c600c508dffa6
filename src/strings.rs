//! Small-string comparisons for the plan's hot path.
//!
//! Label keys, values, namespaces and owner uids are short, and most lookups miss on length
//! alone; comparing word by word inline avoids a library `memcmp` call per comparison, which
//! profiling showed as the largest single cost of a plan at 100,000 nodes.
//!
//! The model reads these comparisons, so this module depends on no other module of the crate:
//! labels are taken as the map they are.

use std::collections::BTreeMap;

/// Maps with at most this many labels are scanned instead of searched.
const SCAN_LIMIT: usize = 12;

/// Byte-wise equality, eight bytes at a time.
#[inline]
pub(crate) fn eq(a: &str, b: &str) -> bool {
    bytes_eq(a.as_bytes(), b.as_bytes())
}

/// [`eq`] for byte strings.
#[inline]
pub(crate) fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut left, mut right) = (a.chunks_exact(8), b.chunks_exact(8));
    for (x, y) in left.by_ref().zip(right.by_ref()) {
        if word(x) != word(y) {
            return false;
        }
    }
    if left.remainder().is_empty() {
        return true;
    }
    // The tail: the last eight bytes, overlapping words already compared, or for short
    // strings two overlapping halves. One load each instead of a loop over the bytes.
    match a.len().checked_sub(8) {
        Some(start) => word(a.get(start..).unwrap_or(&[])) == word(b.get(start..).unwrap_or(&[])),
        None => short_eq(a, b),
    }
}

#[inline]
fn word(chunk: &[u8]) -> u64 {
    chunk
        .first_chunk::<8>()
        .map_or(0, |bytes| u64::from_le_bytes(*bytes))
}

/// Equality of two strings of one length below eight.
#[inline]
fn short_eq(a: &[u8], b: &[u8]) -> bool {
    let half = |s: &[u8], from: usize| {
        s.get(from..)
            .and_then(|rest| rest.first_chunk::<4>())
            .map_or(0, |bytes| u32::from_le_bytes(*bytes))
    };
    match a.len().checked_sub(4) {
        Some(last) => half(a, 0) == half(b, 0) && half(a, last) == half(b, last),
        None => a == b,
    }
}

/// `labels.get(key)`, scanning small maps with the inline comparison.
#[inline]
pub(crate) fn label<'a>(labels: &'a BTreeMap<String, String>, key: &str) -> Option<&'a str> {
    if labels.len() <= SCAN_LIMIT {
        labels
            .iter()
            .find(|(k, _)| eq(k, key))
            .map(|(_, v)| v.as_str())
    } else {
        labels.get(key).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_difference_at_any_position_of_any_length_is_seen() {
        for len in 0..40usize {
            let base: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            assert!(bytes_eq(&base, &base.clone()), "{len}");
            for at in 0..len {
                let mut other = base.clone();
                other[at] = b'#';
                assert!(!bytes_eq(&base, &other), "length {len}, byte {at}");
            }
        }
    }

    #[test]
    fn equality_agrees_with_str_eq() {
        let samples = [
            "",
            "a",
            "abcdefg",
            "abcdefgh",
            "abcdefghi",
            "kubernetes.io/hostname",
            "kubernetes.io/hostnamf",
            "app.kubernetes.io/name",
            "Ready",
            "Readz",
        ];
        for a in samples {
            for b in samples {
                assert_eq!(eq(a, b), a == b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn label_lookup_agrees_with_get() {
        let mut labels = BTreeMap::new();
        for i in 0..20 {
            labels.insert(format!("key-{i}"), format!("value-{i}"));
            for probe in ["key-0", "key-7", "key-19", "key-20", ""] {
                assert_eq!(label(&labels, probe), labels.get(probe).map(String::as_str));
            }
        }
    }
}
