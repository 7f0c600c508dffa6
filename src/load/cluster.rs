//! [`Cluster`]: every object of the four kinds the planner reads, and the sealed
//! [`Loadable`] trait that picks one kind out of a mixed input.

use crate::model::{ControllerRevision, DaemonSet, Node, Pod};

/// What one input holds of the kinds the planner reads, each in input order; objects of
/// other kinds (Namespaces, ConfigMaps, RBAC, ...) are skipped.
///
/// This is what `kubectl get nodes,pods,daemonsets,controllerrevisions -A -o json` prints,
/// read in one pass by [`load_cluster`](super::load_cluster).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Cluster {
    /// `apps/v1` DaemonSets and OpenKruise Advanced DaemonSets, with their whole pod template.
    pub daemon_sets: Vec<DaemonSet>,
    /// Nodes.
    pub nodes: Vec<Node>,
    /// Pods, with the fields planning reads (see [`load`](super::load)).
    pub pods: Vec<Pod>,
    /// ControllerRevisions of every owner.
    pub revisions: Vec<ControllerRevision>,
}

/// The kinds the loader reads (public only to the sealed trait).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `DaemonSet`.
    DaemonSet,
    /// `Node`.
    Node,
    /// `Pod`.
    Pod,
    /// `ControllerRevision`.
    ControllerRevision,
}

impl Kind {
    pub(crate) const ALL: [Kind; 4] = [
        Kind::DaemonSet,
        Kind::Node,
        Kind::Pod,
        Kind::ControllerRevision,
    ];

    /// `kind` of one object, such as `Node`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::DaemonSet => "DaemonSet",
            Kind::Node => "Node",
            Kind::Pod => "Pod",
            Kind::ControllerRevision => "ControllerRevision",
        }
    }

    /// `kind` of its typed list, such as `NodeList`.
    pub(crate) fn list_name(self) -> &'static str {
        match self {
            Kind::DaemonSet => "DaemonSetList",
            Kind::Node => "NodeList",
            Kind::Pod => "PodList",
            Kind::ControllerRevision => "ControllerRevisionList",
        }
    }

    /// The kind named `kind`, if the loader reads it.
    pub(crate) fn from_name(kind: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == kind)
    }

    /// The kind whose typed list is named `kind`.
    pub(crate) fn from_list_name(kind: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.list_name() == kind)
    }
}

/// Which kinds one load keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Wanted {
    pub(crate) daemon_sets: bool,
    pub(crate) nodes: bool,
    pub(crate) pods: bool,
    pub(crate) revisions: bool,
}

impl Wanted {
    pub(crate) const ALL: Wanted = Wanted {
        daemon_sets: true,
        nodes: true,
        pods: true,
        revisions: true,
    };

    pub(crate) const fn only(kind: Kind) -> Wanted {
        Wanted {
            daemon_sets: matches!(kind, Kind::DaemonSet),
            nodes: matches!(kind, Kind::Node),
            pods: matches!(kind, Kind::Pod),
            revisions: matches!(kind, Kind::ControllerRevision),
        }
    }

    pub(crate) fn contains(self, kind: Kind) -> bool {
        match kind {
            Kind::DaemonSet => self.daemon_sets,
            Kind::Node => self.nodes,
            Kind::Pod => self.pods,
            Kind::ControllerRevision => self.revisions,
        }
    }

    /// `Node`, or `DaemonSet, Node, Pod or ControllerRevision`: for messages.
    pub(crate) fn describe(self) -> String {
        let names: Vec<&str> = Kind::ALL
            .into_iter()
            .filter(|kind| self.contains(*kind))
            .map(Kind::name)
            .collect();
        match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            Some((last, _)) => (*last).to_owned(),
            None => String::new(),
        }
    }
}

mod sealed {
    use super::{Cluster, Kind};

    /// What [`super::Loadable`] needs, out of users' reach.
    pub trait Sealed: Sized {
        /// The kind.
        const KIND: Kind;
        /// The objects of this kind in `cluster`.
        fn take(cluster: Cluster) -> Vec<Self>;
    }

    impl Sealed for crate::model::DaemonSet {
        const KIND: Kind = Kind::DaemonSet;
        fn take(cluster: Cluster) -> Vec<Self> {
            cluster.daemon_sets
        }
    }

    impl Sealed for crate::model::Node {
        const KIND: Kind = Kind::Node;
        fn take(cluster: Cluster) -> Vec<Self> {
            cluster.nodes
        }
    }

    impl Sealed for crate::model::Pod {
        const KIND: Kind = Kind::Pod;
        fn take(cluster: Cluster) -> Vec<Self> {
            cluster.pods
        }
    }

    impl Sealed for crate::model::ControllerRevision {
        const KIND: Kind = Kind::ControllerRevision;
        fn take(cluster: Cluster) -> Vec<Self> {
            cluster.revisions
        }
    }
}

/// A kind [`load`](super::load) can pick out of a mixed input: [`DaemonSet`], [`Node`],
/// [`Pod`] and [`ControllerRevision`]. Sealed: this crate reads no other kinds.
pub trait Loadable: sealed::Sealed {}

impl Loadable for DaemonSet {}
impl Loadable for Node {}
impl Loadable for Pod {}
impl Loadable for ControllerRevision {}
