//! Taints against tolerations, and the tolerations every daemon pod gets.

use crate::model::{PodSpec, Taint, TaintEffect, Toleration, TolerationOperator};

/// Taint key of a node whose Ready condition is False.
pub const TAINT_NOT_READY: &str = "node.kubernetes.io/not-ready";
/// Taint key of a node whose Ready condition is Unknown.
pub const TAINT_UNREACHABLE: &str = "node.kubernetes.io/unreachable";
/// Taint key of a node under disk pressure.
pub const TAINT_DISK_PRESSURE: &str = "node.kubernetes.io/disk-pressure";
/// Taint key of a node under memory pressure.
pub const TAINT_MEMORY_PRESSURE: &str = "node.kubernetes.io/memory-pressure";
/// Taint key of a node under PID pressure.
pub const TAINT_PID_PRESSURE: &str = "node.kubernetes.io/pid-pressure";
/// Taint key of a cordoned node.
pub const TAINT_UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";
/// Taint key of a node whose network is not configured yet.
pub const TAINT_NETWORK_UNAVAILABLE: &str = "node.kubernetes.io/network-unavailable";

/// Whether a node is NotReady: a Ready condition that is not True, or the not-ready or
/// unreachable taint the node lifecycle controller adds (placement itself reads only taints).
pub(crate) fn node_not_ready(node: &crate::model::Node) -> bool {
    node.spec
        .taints
        .iter()
        .any(|t| t.key == TAINT_NOT_READY || t.key == TAINT_UNREACHABLE)
        || node
            .status
            .conditions
            .iter()
            .any(|c| c.type_ == "Ready" && c.status != "True")
}

/// The tolerations the controller adds to every daemon pod, in upstream's order; the
/// network-unavailable one only for host-network pods.
pub fn default_daemon_tolerations(host_network: bool) -> Vec<Toleration> {
    let mut defaults = vec![
        Toleration::exists(TAINT_NOT_READY, TaintEffect::NoExecute),
        Toleration::exists(TAINT_UNREACHABLE, TaintEffect::NoExecute),
        Toleration::exists(TAINT_DISK_PRESSURE, TaintEffect::NoSchedule),
        Toleration::exists(TAINT_MEMORY_PRESSURE, TaintEffect::NoSchedule),
        Toleration::exists(TAINT_PID_PRESSURE, TaintEffect::NoSchedule),
        Toleration::exists(TAINT_UNSCHEDULABLE, TaintEffect::NoSchedule),
    ];
    if host_network {
        defaults.push(Toleration::exists(
            TAINT_NETWORK_UNAVAILABLE,
            TaintEffect::NoSchedule,
        ));
    }
    defaults
}

/// The template's tolerations with the default daemon tolerations merged in, as the controller
/// builds them for its pods: a user toleration with the same key, operator, value and effect as
/// a default one is replaced by it (dropping its `tolerationSeconds`); otherwise the default is
/// appended.
pub fn daemon_tolerations(spec: &PodSpec) -> Vec<Toleration> {
    let mut tolerations = spec.tolerations.clone();
    for default in default_daemon_tolerations(spec.host_network) {
        add_or_update(&mut tolerations, default);
    }
    tolerations
}

fn add_or_update(tolerations: &mut Vec<Toleration>, wanted: Toleration) {
    let same_identity = |t: &Toleration| {
        t.key == wanted.key
            && t.operator == wanted.operator
            && t.value == wanted.value
            && t.effect == wanted.effect
    };
    if tolerations.contains(&wanted) {
        return;
    }
    let mut replaced = false;
    for existing in tolerations.iter_mut().filter(|t| same_identity(t)) {
        *existing = wanted.clone();
        replaced = true;
    }
    if !replaced {
        tolerations.push(wanted);
    }
}

/// Whether one toleration tolerates one taint (upstream's `ToleratesTaint`). `Lt`/`Gt` only
/// tolerate when `comparison_operators` (the alpha `TaintTolerationComparisonOperators` gate) is
/// on, and then only canonical decimal integers on both sides.
pub fn tolerates(toleration: &Toleration, taint: &Taint, comparison_operators: bool) -> bool {
    if toleration
        .effect
        .as_ref()
        .is_some_and(|effect| *effect != taint.effect)
    {
        return false;
    }
    if !toleration.key.is_empty() && toleration.key != taint.key {
        return false;
    }
    match &toleration.operator {
        None | Some(TolerationOperator::Equal) => toleration.value == taint.value,
        Some(TolerationOperator::Exists) => true,
        Some(TolerationOperator::Lt) | Some(TolerationOperator::Gt) if comparison_operators => {
            match (
                canonical_integer(&taint.value),
                canonical_integer(&toleration.value),
            ) {
                (Some(taint_value), Some(threshold)) => {
                    if toleration.operator == Some(TolerationOperator::Lt) {
                        taint_value < threshold
                    } else {
                        taint_value > threshold
                    }
                }
                _ => false,
            }
        }
        Some(_) => false,
    }
}

/// `0`, or an optional `-` then a non-zero digit and more digits, fitting in i64.
pub(crate) fn canonical_integer(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let canonical = text == "0"
        || (digits
            .bytes()
            .next()
            .is_some_and(|b| (b'1'..=b'9').contains(&b))
            && digits.bytes().all(|b| b.is_ascii_digit()));
    if canonical { text.parse().ok() } else { None }
}

/// Whether any toleration of the list tolerates the taint.
pub fn tolerated_by_any(
    tolerations: &[Toleration],
    taint: &Taint,
    comparison_operators: bool,
) -> bool {
    tolerations
        .iter()
        .any(|t| tolerates(t, taint, comparison_operators))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taint(key: &str, value: &str, effect: TaintEffect) -> Taint {
        Taint {
            key: key.into(),
            value: value.into(),
            effect,
            time_added: None,
        }
    }

    fn tol(key: &str, op: Option<&str>, value: &str, effect: Option<TaintEffect>) -> Toleration {
        Toleration {
            key: key.into(),
            operator: op.map(TolerationOperator::parse),
            value: value.into(),
            effect,
            toleration_seconds: None,
        }
    }

    use TaintEffect::{NoExecute, NoSchedule};

    #[test]
    fn the_matching_table() {
        let kv_ns = taint("k", "v", NoSchedule);
        let k_ns = taint("k", "", NoSchedule);
        assert!(tolerates(
            &tol("", Some("Exists"), "", None),
            &taint("x", "y", NoExecute),
            false
        ));
        assert!(tolerates(
            &tol("", Some("Exists"), "", Some(NoSchedule)),
            &kv_ns,
            false
        ));
        assert!(!tolerates(
            &tol("", Some("Exists"), "", Some(NoSchedule)),
            &taint("k", "v", NoExecute),
            false
        ));
        assert!(tolerates(
            &tol("k", Some("Exists"), "ignored", None),
            &kv_ns,
            false
        ));
        assert!(tolerates(&tol("k", Some("Equal"), "", None), &k_ns, false));
        assert!(tolerates(&tol("k", None, "", None), &k_ns, false));
        assert!(!tolerates(
            &tol("k", Some("Equal"), "", None),
            &kv_ns,
            false
        ));
        assert!(!tolerates(
            &tol("k", Some("Equal"), "v", Some(NoExecute)),
            &kv_ns,
            false
        ));
        assert!(!tolerates(
            &tol("K", Some("Exists"), "", None),
            &kv_ns,
            false
        ));
        assert!(tolerates(&tol("", Some("Equal"), "v", None), &kv_ns, false));
        assert!(!tolerates(&tol("k", Some("Foo"), "v", None), &kv_ns, true));
    }

    #[test]
    fn comparison_operators_need_the_gate_and_canonical_integers() {
        let gt5 = tol("k", Some("Gt"), "5", None);
        assert!(tolerates(&gt5, &taint("k", "10", NoSchedule), true));
        assert!(!tolerates(&gt5, &taint("k", "10", NoSchedule), false));
        assert!(!tolerates(&gt5, &taint("k", "5", NoSchedule), true));
        let lt5 = tol("k", Some("Lt"), "5", None);
        assert!(!tolerates(&lt5, &taint("k", "007", NoSchedule), true));
        assert!(tolerates(&lt5, &taint("k", "-3", NoSchedule), true));
        assert!(!tolerates(&lt5, &taint("k", "-0", NoSchedule), true));
        assert!(!tolerates(&lt5, &taint("k", "+3", NoSchedule), true));
        assert!(tolerates(&lt5, &taint("k", "0", NoSchedule), true));
    }

    #[test]
    fn defaults_replace_same_identity_and_append_otherwise() {
        let mut spec = PodSpec::default();
        let mut user = Toleration::exists(TAINT_UNREACHABLE, NoExecute);
        user.toleration_seconds = Some(300);
        spec.tolerations = vec![user, tol(TAINT_NOT_READY, None, "", Some(NoExecute))];
        let merged = daemon_tolerations(&spec);
        assert_eq!(merged[0], Toleration::exists(TAINT_UNREACHABLE, NoExecute));
        assert_eq!(merged[1], tol(TAINT_NOT_READY, None, "", Some(NoExecute)));
        assert_eq!(merged[2], Toleration::exists(TAINT_NOT_READY, NoExecute));
        assert_eq!(merged.len(), 7);
        spec.host_network = true;
        assert_eq!(daemon_tolerations(&spec).len(), 8);
    }
}
