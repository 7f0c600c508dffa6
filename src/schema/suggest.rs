//! Did-you-mean for an unknown field: known confusions, fields a level or two away
//! (mis-indented), and near misses (case, small typos).

use super::table::TYPES;
use super::walk::{Kind, Type};

/// Fields users write for another one, by the type they sit in: `(type, key, suggestion, hint)`.
const CONFUSIONS: &[(&str, &str, Option<&str>, &str)] = &[
    (
        "api::apps::v1::DaemonSetSpec",
        "strategy",
        Some("updateStrategy"),
        "`strategy` is a Deployment's field; a DaemonSet's is `updateStrategy` (type \
         RollingUpdate or OnDelete, with maxUnavailable and maxSurge under rollingUpdate)",
    ),
    (
        "kruise::DaemonSetSpec",
        "strategy",
        Some("updateStrategy"),
        "`strategy` is a Deployment's field; a DaemonSet's is `updateStrategy` (type \
         RollingUpdate or OnDelete, with maxUnavailable, maxSurge and partition under \
         rollingUpdate)",
    ),
    (
        "api::apps::v1::DaemonSetSpec",
        "replicas",
        None,
        "a DaemonSet has no replicas: it runs one pod on every node its nodeSelector, affinity \
         and tolerations allow; remove `replicas` and choose the nodes instead",
    ),
    (
        "kruise::DaemonSetSpec",
        "replicas",
        None,
        "a DaemonSet has no replicas: it runs one pod on every node its nodeSelector, affinity \
         and tolerations allow; remove `replicas` and choose the nodes instead",
    ),
];

/// apps/v1 types and their OpenKruise counterparts, which have more fields.
const KRUISE_COUNTERPARTS: &[(&str, &str)] = &[
    ("api::apps::v1::DaemonSetSpec", "kruise::DaemonSetSpec"),
    (
        "api::apps::v1::RollingUpdateDaemonSet",
        "kruise::RollingUpdateDaemonSet",
    ),
    ("api::apps::v1::DaemonSetStatus", "kruise::DaemonSetStatus"),
];

/// The suggestion (relative to the object holding `key`: a sibling field, or a dotted path
/// into a child object) and a hint for the unknown field `key` of `ty`.
pub(super) fn suggest(ty: &Type, key: &str) -> (Option<String>, Option<String>) {
    if let Some((_, _, suggestion, hint)) = CONFUSIONS
        .iter()
        .find(|(name, field, _, _)| *name == ty.name && *field == key)
    {
        return (suggestion.map(str::to_owned), Some((*hint).to_owned()));
    }
    if let Some((_, kruise)) = KRUISE_COUNTERPARTS
        .iter()
        .find(|(name, _)| *name == ty.name)
        && by_name(kruise).is_some_and(|kruise| kruise.field(key).is_some())
    {
        return (
            None,
            Some(format!(
                "`{key}` is a field of OpenKruise's Advanced DaemonSet, not of apps/v1: use \
                 apiVersion apps.kruise.io/v1beta1 (with OpenKruise installed), or remove it"
            )),
        );
    }
    if let Some(known) = ty
        .fields
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(key))
    {
        return (
            Some(known.0.to_owned()),
            Some("field names are case-sensitive".to_owned()),
        );
    }
    if let Some(path) = nested(ty, key) {
        let parent = path.rsplit_once('.').map_or("", |(parent, _)| parent);
        let hint = format!("`{key}` belongs under `{parent}`: indent it there");
        return (Some(path), Some(hint));
    }
    (near_miss(ty, key).map(str::to_owned), None)
}

fn by_name(name: &str) -> Option<&'static Type> {
    TYPES.iter().find(|t| t.name == name)
}

/// The dotted path of `key` one or two objects below `ty` (not through lists or `status`),
/// if exactly one holds it at the shallowest depth that has it.
fn nested(ty: &Type, key: &str) -> Option<String> {
    let children = |ty: &'static Type| {
        ty.fields.iter().filter_map(|(name, kind)| match kind {
            Kind::Object(i) | Kind::Schemaless(i) if *name != "status" => {
                Type::at(*i).map(|child| (*name, child))
            }
            _ => None,
        })
    };
    let mut level: Vec<(String, &'static Type)> = ty
        .fields
        .iter()
        .filter_map(|(name, kind)| match kind {
            Kind::Object(i) | Kind::Schemaless(i) if *name != "status" => {
                Type::at(*i).map(|child| ((*name).to_owned(), child))
            }
            _ => None,
        })
        .collect();
    for _ in 0..2 {
        let found: Vec<&String> = level
            .iter()
            .filter(|(_, child)| child.field(key).is_some())
            .map(|(path, _)| path)
            .collect();
        match found.as_slice() {
            [one] => return Some(format!("{one}.{key}")),
            [] => {}
            _ => return None,
        }
        level = level
            .iter()
            .flat_map(|(path, child)| {
                children(child)
                    .map(move |(name, grandchild)| (format!("{path}.{name}"), grandchild))
            })
            .collect();
    }
    None
}

/// The field of `ty` within a small edit distance of `key` (ignoring case), the closest
/// first, then the first by name.
fn near_miss(ty: &Type, key: &str) -> Option<&'static str> {
    let key = key.to_ascii_lowercase();
    let limit = match key.chars().count() {
        0..=3 => return None,
        4..=6 => 1,
        _ => 2,
    };
    ty.fields
        .iter()
        .map(|(name, _)| (distance(&key, &name.to_ascii_lowercase()), *name))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, name)| name)
}

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
/// adjacent characters.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Rows of the table: two rows back, one row back, this row.
    let mut before: Vec<usize> = Vec::new();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut row = Vec::with_capacity(b.len().saturating_add(1));
        row.push(i.saturating_add(1));
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous
                .get(j)
                .map_or(usize::MAX, |d| d.saturating_add(usize::from(ca != cb)));
            let delete = previous
                .get(j.saturating_add(1))
                .map_or(usize::MAX, |d| d.saturating_add(1));
            let insert = row.get(j).map_or(usize::MAX, |d| d.saturating_add(1));
            let mut best = substitute.min(delete).min(insert);
            if i > 0
                && j > 0
                && a.get(i.wrapping_sub(1)) == Some(cb)
                && b.get(j.wrapping_sub(1)) == Some(ca)
            {
                let swap = before
                    .get(j.wrapping_sub(1))
                    .map_or(usize::MAX, |d| d.saturating_add(1));
                best = best.min(swap);
            }
            row.push(best);
        }
        before = std::mem::replace(&mut previous, row);
    }
    previous.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits_and_swaps() {
        assert_eq!(distance("imagepullpolcy", "imagepullpolicy"), 1);
        assert_eq!(distance("nodeselectors", "nodeselector"), 1);
        assert_eq!(distance("tolreations", "tolerations"), 1);
        assert_eq!(distance("abc", "abc"), 0);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
