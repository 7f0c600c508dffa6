//! The pod-to-node join: node names packed side by side behind a compact hash table of node
//! indexes.
//!
//! Every grouped pod looks its node up by name. A `HashMap<&str, usize>` keeps 24-byte buckets
//! that point at each node's own heap string, so past a few thousand nodes a lookup missed the
//! cache twice, on the bucket and on the name; profiling put that at 40% of a plan at 100,000
//! nodes. Four-byte buckets and names packed into one buffer take about a sixth of the memory
//! and stay in cache far longer.

use std::hash::BuildHasher;

use foldhash::fast::RandomState;
use hashbrown::HashTable;
use hashbrown::hash_table::Entry;

use super::types::PlanError;
use crate::model::Node;

/// Node indexes by node name.
pub(crate) struct NodeNames {
    hasher: RandomState,
    table: HashTable<u32>,
    /// Every node's name, in node order.
    bytes: Vec<u8>,
    /// Node `i`'s name ends at `ends[i]` and starts where node `i - 1`'s ends.
    ends: Vec<u32>,
}

impl NodeNames {
    /// Indexes the nodes' names; two nodes of one name are an error, as no real cluster has them.
    pub(crate) fn new(nodes: &[Node]) -> Result<Self, PlanError> {
        let too_large = |what| PlanError::InputTooLarge { what };
        if u32::try_from(nodes.len()).is_err() {
            return Err(too_large("nodes"));
        }
        let total: usize = nodes
            .iter()
            .fold(0, |sum, node| sum.saturating_add(node.metadata.name.len()));
        if u32::try_from(total).is_err() {
            return Err(too_large("bytes of node names"));
        }
        let mut names = NodeNames {
            hasher: RandomState::default(),
            table: HashTable::with_capacity(nodes.len()),
            bytes: Vec::with_capacity(total),
            ends: Vec::with_capacity(nodes.len()),
        };
        for (index, node) in (0u32..).zip(nodes) {
            let name = node.metadata.name.as_bytes();
            let hash = names.hasher.hash_one(name);
            let entry = names.table.entry(
                hash,
                |&other| crate::strings::bytes_eq(names_of(&names.bytes, &names.ends, other), name),
                |&other| {
                    names
                        .hasher
                        .hash_one(names_of(&names.bytes, &names.ends, other))
                },
            );
            match entry {
                Entry::Occupied(_) => {
                    return Err(PlanError::DuplicateNodeName {
                        name: node.metadata.name.clone(),
                    });
                }
                Entry::Vacant(slot) => {
                    slot.insert(index);
                }
            }
            names.bytes.extend_from_slice(name);
            // Fits: the total length was checked above.
            names
                .ends
                .push(u32::try_from(names.bytes.len()).unwrap_or(u32::MAX));
        }
        Ok(names)
    }

    /// The index of the node of this name.
    #[inline]
    pub(crate) fn get(&self, name: &str) -> Option<usize> {
        let name = name.as_bytes();
        let hash = self.hasher.hash_one(name);
        self.table
            .find(hash, |&other| {
                crate::strings::bytes_eq(names_of(&self.bytes, &self.ends, other), name)
            })
            .and_then(|&index| usize::try_from(index).ok())
    }
}

/// Node `index`'s name in the packed buffer.
#[inline]
fn names_of<'a>(bytes: &'a [u8], ends: &[u32], index: u32) -> &'a [u8] {
    let Ok(index) = usize::try_from(index) else {
        return &[];
    };
    let start = match index.checked_sub(1) {
        Some(previous) => ends.get(previous).copied().unwrap_or(0),
        None => 0,
    };
    let end = ends.get(index).copied().unwrap_or(start);
    let (Ok(start), Ok(end)) = (usize::try_from(start), usize::try_from(end)) else {
        return &[];
    };
    bytes.get(start..end).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str) -> Node {
        let mut node = Node::default();
        node.metadata.name = name.into();
        node
    }

    #[test]
    fn finds_every_node_and_no_other_name() {
        let nodes: Vec<Node> = [
            "node-a",
            "",
            "node-b",
            "a-much-longer-node-name.example.internal",
        ]
        .into_iter()
        .map(node)
        .collect();
        let names = NodeNames::new(&nodes).unwrap();
        assert_eq!(names.get("node-a"), Some(0));
        assert_eq!(names.get(""), Some(1));
        assert_eq!(names.get("node-b"), Some(2));
        assert_eq!(
            names.get("a-much-longer-node-name.example.internal"),
            Some(3)
        );
        assert_eq!(names.get("node-c"), None);
        assert_eq!(names.get("node-"), None);
    }

    #[test]
    fn two_nodes_of_one_name_are_refused() {
        let nodes = vec![node("node-a"), node("node-b"), node("node-a")];
        assert!(matches!(
            NodeNames::new(&nodes),
            Err(PlanError::DuplicateNodeName { name }) if name == "node-a"
        ));
    }
}
