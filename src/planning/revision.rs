//! Revision hashes, and which pods are of the current revision.

use crate::model::{
    DaemonSet, Pod, PodTemplateSpec, REVISION_HASH_LABEL, TEMPLATE_GENERATION_LABEL,
};

/// The 27 characters upstream encodes hash digits with (no vowels, no look-alikes).
const ALPHABET: &[u8; 27] = b"bcdfghjklmnpqrstvwxz2456789";

/// The revision hash of a pod template, as this crate computes it: FNV-1a (32 bits) over the
/// template's canonical JSON (object keys sorted, no whitespace), followed, when
/// `collision_count` is set, by its value as four little-endian bytes and four zero bytes, as
/// upstream does; the decimal digits of the result are then spelled with upstream's safe
/// alphabet, so the hash is a valid label value of 1 to 10 characters.
///
/// Upstream hashes a Go-specific dump of its own struct, which no other language can reproduce,
/// so a hash computed here differs from the one a real cluster shows; pass the real one in
/// [`crate::PlanOptions::revision`] when you have it. This function is stable across platforms
/// and crate versions: a golden test pins its values.
///
/// ```
/// use daemonset_planner::planning::revision_hash;
/// use daemonset_planner::model::PodTemplateSpec;
/// let hash = revision_hash(&PodTemplateSpec::default(), None);
/// assert!(hash.chars().all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c)));
/// assert_ne!(hash, revision_hash(&PodTemplateSpec::default(), Some(1)));
/// ```
pub fn revision_hash(template: &PodTemplateSpec, collision_count: Option<i32>) -> String {
    let mut canonical = String::new();
    match serde_json::to_value(template) {
        Ok(value) => write_canonical(&value, &mut canonical),
        // Serializing plain data into a Value cannot fail; hash the debug form if it ever does.
        Err(_) => canonical = format!("{template:?}"),
    }
    let mut hash = Fnv1a::new();
    hash.write(canonical.as_bytes());
    if let Some(count) = collision_count {
        hash.write(&count.to_le_bytes());
        hash.write(&[0, 0, 0, 0]);
    }
    hash.finish()
        .to_string()
        .bytes()
        .map(|digit| {
            let index = usize::from(digit).checked_rem(ALPHABET.len()).unwrap_or(0);
            char::from(ALPHABET.get(index).copied().unwrap_or(b'b'))
        })
        .collect()
}

struct Fnv1a(u32);

impl Fnv1a {
    fn new() -> Self {
        Fnv1a(0x811c_9dc5)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u32::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0193);
        }
    }
    fn finish(&self) -> u32 {
        self.0
    }
}

fn write_canonical(value: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, value)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(value, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// What makes a pod "of the current revision".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CurrentRevision {
    pub(crate) hash: String,
    pub(crate) generation: Option<String>,
}

impl CurrentRevision {
    pub(crate) fn new(daemon_set: &DaemonSet, hash: String) -> Self {
        CurrentRevision {
            hash,
            generation: daemon_set.template_generation().map(|g| g.to_string()),
        }
    }

    /// `(is_updated, has_current_hash)`: upstream's `IsPodUpdated` (the hash label matches, or
    /// the legacy generation label does), and the hash label alone, which manage's surge rule
    /// reads.
    pub(crate) fn classify(&self, pod: &Pod) -> (bool, bool) {
        let labels = &pod.metadata.labels;
        let current_hash = crate::strings::label(labels, REVISION_HASH_LABEL)
            .is_some_and(|h| crate::strings::eq(h, &self.hash));
        let updated = (current_hash && !self.hash.is_empty())
            || self.generation.as_ref().is_some_and(|g| {
                crate::strings::label(labels, TEMPLATE_GENERATION_LABEL)
                    .is_some_and(|v| crate::strings::eq(v, g))
            });
        (updated, current_hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_reference_vectors() {
        let mut h = Fnv1a::new();
        h.write(b"");
        assert_eq!(h.finish(), 0x811c9dc5);
        let mut h = Fnv1a::new();
        h.write(b"a");
        assert_eq!(h.finish(), 0xe40c292c);
        let mut h = Fnv1a::new();
        h.write(b"foobar");
        assert_eq!(h.finish(), 0xbf9cf968);
    }

    #[test]
    fn digits_map_like_upstream() {
        // 0->4 1->5 ... 5->9 6->b 7->c 8->d 9->f
        let spelled: String = "0123456789"
            .bytes()
            .map(|d| char::from(ALPHABET[usize::from(d) % 27]))
            .collect();
        assert_eq!(spelled, "456789bcdf");
    }
}
