//! The pod-to-node join: which listed node each grouped pod is aimed at, by name.
//!
//! Every grouped pod needs its node's index, and profiling put these lookups at 40% of a plan
//! at 100,000 nodes with a `HashMap<&str, usize>`: each probe missed the cache twice, on a
//! 24-byte bucket and on the node's own heap string. Here the node names are copied side by
//! side behind a table of 4-byte places, which stays in cache up to [`UNPARTITIONED_LIMIT`]
//! nodes. Beyond that no single table does, so the join is radix-partitioned: nodes and pods
//! are split by the top bits of their name's hash into partitions of about [`PARTITION_SIZE`]
//! nodes, and each partition is joined on its own. Every step is then a sequential pass or a
//! probe into a cache-sized table, and the cost per node stays flat up to a million nodes.
//!
//! The join is exact: names are compared in full whenever hashes agree, so hash collisions cost
//! time, never correctness.

use std::hash::BuildHasher;

use foldhash::fast::RandomState;
use hashbrown::HashTable;

/// Up to this many nodes the join uses one table: it still fits a 1–2 MiB second-level cache,
/// and partitioning would only add passes (measured: 10% slower at 100,000 nodes).
const UNPARTITIONED_LIMIT: usize = 1 << 17;

/// Nodes per partition the join aims at beyond [`UNPARTITIONED_LIMIT`] (measured best between
/// 8,192 and 262,144 at 300,000 and 1,000,000 nodes).
const PARTITION_SIZE: usize = 1 << 16;

/// Partitions never number more than 2^MAX_PARTITION_BITS (4,096: one write stream each).
const MAX_PARTITION_BITS: u32 = 12;

/// A name, seen once: its hash, what it names (a node or pod index) and where its copy ends in
/// the partitioned names.
#[derive(Debug, Clone, Copy)]
struct Entry {
    hash: u64,
    id: u32,
    end: u32,
}

/// Names split by the top bits of their hash, each partition's entries and bytes contiguous.
struct Partitioned {
    /// Partition `p`'s entries are `entries[starts[p]..starts[p + 1]]`, in input order.
    starts: Vec<usize>,
    entries: Vec<Entry>,
    bytes: Vec<u8>,
}

impl Partitioned {
    /// Splits the named ids. One pass reads each name once, hashing it and copying it into
    /// a staging buffer in input order (with one partition that is the result); a second,
    /// sequential pass scatters the staged names into their partitions. `None` when the names
    /// take more than 4 GiB, which no u32 offset can address.
    fn new<'s>(
        named: impl Iterator<Item = (u32, &'s str)>,
        hasher: &impl BuildHasher,
        bits: u32,
    ) -> Option<Self> {
        let partitions = 1usize << bits;
        let mut counts = vec![0usize; partitions.saturating_add(1)];
        let mut byte_counts = vec![0usize; partitions.saturating_add(1)];
        let expected = named.size_hint().0;
        let mut staged = Vec::with_capacity(expected);
        let mut staged_bytes = Vec::with_capacity(expected.saturating_mul(16));
        for (id, name) in named {
            let hash = hasher.hash_one(name.as_bytes());
            staged_bytes.extend_from_slice(name.as_bytes());
            staged.push(Entry {
                hash,
                id,
                end: u32::try_from(staged_bytes.len()).ok()?,
            });
            let p = partition(hash, bits).saturating_add(1);
            if let (Some(count), Some(bytes)) = (counts.get_mut(p), byte_counts.get_mut(p)) {
                *count = count.saturating_add(1);
                *bytes = bytes.saturating_add(name.len());
            }
        }
        if bits == 0 {
            return Some(Partitioned {
                starts: vec![0, staged.len()],
                entries: staged,
                bytes: staged_bytes,
            });
        }
        prefix_sums(&mut counts);
        prefix_sums(&mut byte_counts);
        let starts = counts.clone();
        let blank = Entry {
            hash: 0,
            id: 0,
            end: 0,
        };
        let mut entries = vec![blank; staged.len()];
        let mut bytes = vec![0u8; staged_bytes.len()];
        let mut staged_start = 0;
        for staged_entry in &staged {
            let staged_end = widen(staged_entry.end);
            let name = staged_bytes.get(staged_start..staged_end).unwrap_or(&[]);
            staged_start = staged_end;
            let p = partition(staged_entry.hash, bits);
            let (Some(slot), Some(offset)) = (counts.get_mut(p), byte_counts.get_mut(p)) else {
                continue;
            };
            let end = offset.saturating_add(name.len());
            if let Some(copy) = bytes.get_mut(*offset..end) {
                copy.copy_from_slice(name);
            }
            if let Some(entry) = entries.get_mut(*slot) {
                *entry = Entry {
                    end: u32::try_from(end).unwrap_or(u32::MAX),
                    ..*staged_entry
                };
            }
            *slot = slot.saturating_add(1);
            *offset = end;
        }
        Some(Partitioned {
            starts,
            entries,
            bytes,
        })
    }

    /// Partition `p`'s entries, with the offset where its first name starts.
    fn partition(&self, p: usize) -> (&[Entry], usize) {
        let start = self.starts.get(p).copied().unwrap_or(0);
        let end = self
            .starts
            .get(p.saturating_add(1))
            .copied()
            .unwrap_or(start);
        let entries = self.entries.get(start..end).unwrap_or(&[]);
        let first_byte = start
            .checked_sub(1)
            .and_then(|previous| self.entries.get(previous))
            .map_or(0, |entry| widen(entry.end));
        (entries, first_byte)
    }

    /// The name of the entry at `local` in a partition whose names start at `first_byte`.
    fn name(&self, entries: &[Entry], first_byte: usize, local: usize) -> &[u8] {
        let start = match local.checked_sub(1) {
            Some(previous) => entries.get(previous).map_or(first_byte, |e| widen(e.end)),
            None => first_byte,
        };
        let end = entries.get(local).map_or(start, |e| widen(e.end));
        self.bytes.get(start..end).unwrap_or(&[])
    }
}

/// Why the join failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JoinError {
    /// What [`join`] reports.
    Duplicate(DuplicateNode),
    /// The names take more than 4 GiB, more than u32 offsets address (before any pod is
    /// reported).
    TooLarge,
}

/// Joins pods to nodes by name. `nodes` and `pods` name node and pod indexes.
/// `found(pod, node)` is called once per pod, with `None` when no listed node has the pod's
/// name; pods come in no particular order. On an error `found` may have been called for some
/// pods: the caller drops what it gathered.
pub(crate) fn join<'n, 'p>(
    nodes: impl Iterator<Item = (u32, &'n str)> + Clone,
    node_count: usize,
    pods: impl Iterator<Item = (u32, &'p str)> + Clone,
    mut found: impl FnMut(u32, Option<u32>),
) -> Result<(), DuplicateNode> {
    let bits = partition_bits(node_count);
    match join_with(
        &RandomState::default(),
        nodes.clone(),
        bits,
        pods.clone(),
        &mut found,
    ) {
        Ok(()) => Ok(()),
        Err(JoinError::Duplicate(duplicate)) => Err(duplicate),
        // Names beyond 4 GiB (no real cluster has them) take a plain map instead.
        Err(JoinError::TooLarge) => join_by_map(nodes, pods, found),
    }
}

/// Two nodes share a name: the later one, by node index (the first such in input order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DuplicateNode(pub(crate) u32);

/// [`join`] through one map of borrowed names, for inputs whose names no u32 offset addresses.
fn join_by_map<'n, 'p>(
    nodes: impl Iterator<Item = (u32, &'n str)>,
    pods: impl Iterator<Item = (u32, &'p str)>,
    mut found: impl FnMut(u32, Option<u32>),
) -> Result<(), DuplicateNode> {
    let mut by_name: std::collections::HashMap<&str, u32, RandomState> =
        std::collections::HashMap::with_capacity_and_hasher(
            nodes.size_hint().0,
            RandomState::default(),
        );
    for (node, name) in nodes {
        if by_name.insert(name, node).is_some() {
            return Err(DuplicateNode(node));
        }
    }
    for (pod, name) in pods {
        found(pod, by_name.get(name).copied());
    }
    Ok(())
}

/// [`join`] with a chosen hasher and partition count, 2^`bits` (tests force hash collisions
/// and partitions of small inputs).
fn join_with<'n, 'p>(
    hasher: &impl BuildHasher,
    nodes: impl Iterator<Item = (u32, &'n str)>,
    bits: u32,
    pods: impl Iterator<Item = (u32, &'p str)>,
    mut found: impl FnMut(u32, Option<u32>),
) -> Result<(), JoinError> {
    let bits = bits.min(MAX_PARTITION_BITS);
    let nodes = Partitioned::new(nodes, hasher, bits).ok_or(JoinError::TooLarge)?;
    let mut table = Table {
        table: HashTable::new(),
        entries: &[],
        first_byte: 0,
        names: &nodes,
    };
    if bits == 0 {
        // One partition: the pods are probed as they come, with nothing to scatter.
        if let Some(node) = table.fill(0) {
            return Err(JoinError::Duplicate(DuplicateNode(node)));
        }
        for (id, name) in pods {
            found(
                id,
                table.find(hasher.hash_one(name.as_bytes()), name.as_bytes()),
            );
        }
        return Ok(());
    }
    let pods = Partitioned::new(pods, hasher, bits).ok_or(JoinError::TooLarge)?;
    let mut duplicate: Option<u32> = None;
    for p in 0..1usize << bits {
        if let Some(node) = table.fill(p) {
            // The earliest duplicate over all partitions is the one upstream order would meet
            // first.
            duplicate = Some(duplicate.map_or(node, |d| d.min(node)));
        }
        if duplicate.is_some() {
            continue;
        }
        let (pod_entries, pod_bytes) = pods.partition(p);
        for (local, entry) in pod_entries.iter().enumerate() {
            let name = pods.name(pod_entries, pod_bytes, local);
            found(entry.id, table.find(entry.hash, name));
        }
    }
    match duplicate {
        Some(node) => Err(JoinError::Duplicate(DuplicateNode(node))),
        None => Ok(()),
    }
}

/// One partition's nodes in a hash table of their places in the partition.
struct Table<'n> {
    table: HashTable<u32>,
    entries: &'n [Entry],
    first_byte: usize,
    names: &'n Partitioned,
}

impl<'n> Table<'n> {
    /// Fills the table with partition `p`'s nodes; returns the first node (by node index) whose
    /// name an earlier node of the partition already has.
    fn fill(&mut self, p: usize) -> Option<u32> {
        (self.entries, self.first_byte) = self.names.partition(p);
        let entries = self.entries;
        let rehash = |&local: &u32| entries.get(widen(local)).map_or(0, |e| table_hash(e.hash));
        self.table.clear();
        self.table.reserve(entries.len(), rehash);
        for (entry, local) in entries.iter().zip(0u32..) {
            let name = self.name(local);
            // Entries are in node order, so the first duplicate is the earliest.
            if self.find(entry.hash, name).is_some() {
                return Some(entry.id);
            }
            self.table
                .insert_unique(table_hash(entry.hash), local, rehash);
        }
        None
    }

    /// The node of this name, given the name's hash.
    #[inline]
    fn find(&self, hash: u64, name: &[u8]) -> Option<u32> {
        self.table
            .find(table_hash(hash), |&local| {
                self.entries
                    .get(widen(local))
                    .is_some_and(|e| e.hash == hash)
                    && crate::strings::bytes_eq(self.name(local), name)
            })
            .and_then(|&local| self.entries.get(widen(local)))
            .map(|e| e.id)
    }

    fn name(&self, local: u32) -> &'n [u8] {
        self.names.name(self.entries, self.first_byte, widen(local))
    }
}

/// How many top bits of a name's hash pick its partition.
fn partition_bits(node_count: usize) -> u32 {
    if node_count <= UNPARTITIONED_LIMIT {
        return 0;
    }
    let partitions = node_count.div_ceil(PARTITION_SIZE).max(1);
    partitions
        .next_power_of_two()
        .trailing_zeros()
        .min(MAX_PARTITION_BITS)
}

#[inline]
fn partition(hash: u64, bits: u32) -> usize {
    match hash.checked_shr(64u32.saturating_sub(bits)) {
        Some(top) if bits > 0 => usize::try_from(top).unwrap_or(0),
        _ => 0,
    }
}

/// The hash a partition's table files an entry under. The top bits pick the partition, so
/// within one they agree; hashbrown reads its tag from the top bits, so they are remixed.
#[inline]
fn table_hash(hash: u64) -> u64 {
    (hash ^ (hash >> 32)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

fn prefix_sums(counts: &mut [usize]) {
    let mut sum = 0usize;
    for count in counts {
        sum = sum.saturating_add(*count);
        *count = sum;
    }
}

/// A u32 index as usize (lossless on every target this crate builds for). The plan keeps node
/// and pod indexes as u32 where it stores one per pod or node.
#[inline]
pub(crate) fn widen(index: u32) -> usize {
    usize::try_from(index).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Joins with one table and with 32 partitions, checks both agree, returns the result.
    fn run(nodes: &[&str], pods: &[&str]) -> Result<Vec<Option<u32>>, JoinError> {
        let one = run_with(&RandomState::default(), 0, nodes, pods);
        assert_eq!(run_with(&RandomState::default(), 5, nodes, pods), one);
        one
    }

    fn run_with(
        hasher: &impl BuildHasher,
        bits: u32,
        nodes: &[&str],
        pods: &[&str],
    ) -> Result<Vec<Option<u32>>, JoinError> {
        let mut out = vec![Some(u32::MAX); pods.len()];
        join_with(
            hasher,
            (0u32..).zip(nodes.iter().copied()),
            bits,
            (0u32..).zip(pods.iter().copied()),
            |pod, node| out[widen(pod)] = node,
        )?;
        Ok(out)
    }

    #[test]
    fn finds_every_node_and_no_other_name() {
        let nodes = [
            "node-a",
            "",
            "node-b",
            "a-much-longer-node-name.example.internal",
        ];
        let pods = [
            "node-b",
            "node-c",
            "",
            "node-a",
            "a-much-longer-node-name.example.internal",
            "node-",
            "node-a",
        ];
        assert_eq!(
            run(&nodes, &pods),
            Ok(vec![
                Some(2),
                None,
                Some(1),
                Some(0),
                Some(3),
                None,
                Some(0)
            ])
        );
    }

    /// Every name hashes to zero: one partition, one probe chain, names told apart in full.
    #[derive(Default)]
    struct Colliding;
    impl std::hash::Hasher for Colliding {
        fn finish(&self) -> u64 {
            0
        }
        fn write(&mut self, _: &[u8]) {}
    }

    #[test]
    fn colliding_hashes_still_join_by_name() {
        let hasher = std::hash::BuildHasherDefault::<Colliding>::default();
        let nodes: Vec<String> = (0..3_000).map(|i| format!("node-{i}")).collect();
        let nodes: Vec<&str> = nodes.iter().map(String::as_str).collect();
        for bits in [0, 3] {
            assert_eq!(
                run_with(
                    &hasher,
                    bits,
                    &nodes,
                    &["node-2999", "node-30000", "node-0"]
                ),
                Ok(vec![Some(2999), None, Some(0)])
            );
            assert_eq!(
                run_with(&hasher, bits, &["x", "y", "x"], &["y"]),
                Err(JoinError::Duplicate(DuplicateNode(2)))
            );
        }
    }

    #[test]
    fn the_map_fallback_agrees_with_the_partitioned_join() {
        let nodes = ["node-a", "node-b", "node-c"];
        let pods = ["node-c", "gone", "node-a"];
        let mut out = vec![Some(u32::MAX); pods.len()];
        join_by_map(
            nodes.iter().zip(0u32..).map(|(&n, i)| (i, n)),
            pods.iter().zip(0u32..).map(|(&p, i)| (i, p)),
            |pod, node| out[widen(pod)] = node,
        )
        .unwrap();
        assert_eq!(Ok(out), run(&nodes, &pods));
        let duplicated = ["b", "a", "c", "a", "b"];
        assert_eq!(
            join_by_map(
                duplicated.iter().zip(0u32..).map(|(&n, i)| (i, n)),
                std::iter::empty(),
                |_, _| {}
            ),
            Err(DuplicateNode(3))
        );
    }

    #[test]
    fn the_earliest_duplicate_in_node_order_is_reported() {
        let names: Vec<String> = (0..500).map(|i| format!("node-{i}")).collect();
        let mut nodes: Vec<&str> = names.iter().map(String::as_str).collect();
        nodes.extend(["node-7", "node-400", "node-3"]);
        // With partitions, the duplicates land in different ones.
        assert_eq!(
            run(&nodes, &[]),
            Err(JoinError::Duplicate(DuplicateNode(500)))
        );
        assert_eq!(
            run(&["b", "a", "c", "a", "b"], &[]),
            Err(JoinError::Duplicate(DuplicateNode(3)))
        );
    }

    #[test]
    fn partitioned_joins_agree_with_a_map() {
        // Every third pod names a node that is not listed.
        let names: Vec<String> = (0..20_000).map(|i| format!("node-{i}")).collect();
        let nodes: Vec<&str> = names.iter().map(String::as_str).collect();
        let missing: Vec<String> = (0..3_000).map(|i| format!("gone-{i}")).collect();
        let pods: Vec<&str> = (0..9_000)
            .map(|i| {
                if i % 3 == 0 {
                    missing[i / 3].as_str()
                } else {
                    nodes[(i * 7919) % nodes.len()]
                }
            })
            .collect();
        let index: std::collections::HashMap<&str, u32> =
            (0u32..).zip(&nodes).map(|(i, &n)| (n, i)).collect();
        let expected: Vec<Option<u32>> = pods.iter().map(|pod| index.get(pod).copied()).collect();
        assert_eq!(run(&nodes, &pods), Ok(expected));
    }

    #[test]
    fn partition_bits_grow_with_the_node_count_and_stop() {
        assert_eq!(partition_bits(0), 0);
        assert_eq!(partition_bits(UNPARTITIONED_LIMIT), 0);
        assert_eq!(partition_bits(UNPARTITIONED_LIMIT + 1), 2);
        assert_eq!(partition_bits(1_000_000), 4);
        assert_eq!(partition_bits(usize::MAX), MAX_PARTITION_BITS);
        assert_eq!(partition(u64::MAX, 0), 0);
        assert_eq!(partition(u64::MAX, 3), 7);
    }
}
