#![cfg(feature = "yaml")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]
//! DaemonSet and node validation, one rule per test: each manifest is read the way a user writes
//! it, defaulted as the API server would, then validated; the tests pin the exact field paths and
//! kinds of the errors.

use daemonset_planner::FieldErrorKind::{self, *};
use daemonset_planner::{
    DaemonSet, FieldError, Node, ValidationErrors, ValidationOptions, apply_defaults,
    validate_daemonset, validate_daemonset_with, validate_node,
};

/// A small valid DaemonSet. Tests append fields to it: lines indented by six spaces land in the
/// pod spec, lines indented by two spaces in the DaemonSet spec.
const BASE: &str = r#"
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: log-shipper
  namespace: logging
spec:
  selector:
    matchLabels:
      app: log-shipper
  template:
    metadata:
      labels:
        app: log-shipper
    spec:
      containers:
      - name: shipper
        image: registry.example.com/log-shipper:2.3.1
"#;

fn parse(yaml: &str) -> DaemonSet {
    let mut ds = serde_yaml::from_str::<DaemonSet>(yaml)
        .unwrap_or_else(|e| panic!("manifest does not parse: {e}\n{yaml}"));
    apply_defaults(&mut ds);
    ds
}

fn base_with(extra: &str) -> String {
    format!("{BASE}{}", extra.trim_start_matches('\n'))
}

fn summary(errors: &ValidationErrors) -> Vec<(&str, FieldErrorKind)> {
    errors
        .errors
        .iter()
        .map(|e| (e.path.as_str(), e.kind))
        .collect()
}

/// Validates with `opts` and asserts exactly these errors, in this order.
fn assert_rejected_with(
    yaml: &str,
    opts: &ValidationOptions,
    expected: &[(&str, FieldErrorKind)],
) -> ValidationErrors {
    let errors = validate_daemonset_with(&parse(yaml), opts)
        .expect_err(&format!("manifest should be rejected:\n{yaml}"));
    assert_eq!(summary(&errors), expected, "\n{errors}");
    for error in &errors.errors {
        assert!(
            error.hint.as_deref().is_some_and(|h| !h.is_empty()),
            "no hint: {error}"
        );
    }
    errors
}

fn assert_rejected(yaml: &str, expected: &[(&str, FieldErrorKind)]) -> ValidationErrors {
    assert_rejected_with(yaml, &ValidationOptions::default(), expected)
}

fn assert_valid_with(yaml: &str, opts: &ValidationOptions) {
    if let Err(errors) = validate_daemonset_with(&parse(yaml), opts) {
        panic!("manifest should be valid, got:\n{errors}\n{yaml}");
    }
}

fn assert_valid(yaml: &str) {
    assert_valid_with(yaml, &ValidationOptions::default());
}

fn only(errors: &ValidationErrors) -> &FieldError {
    assert_eq!(errors.errors.len(), 1, "{errors}");
    &errors.errors[0]
}

fn hint(error: &FieldError) -> &str {
    error.hint.as_deref().unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Valid manifests

#[test]
fn the_fluentd_elasticsearch_tutorial_daemonset_is_valid() {
    assert_valid(
        r#"
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd-elasticsearch
  namespace: kube-system
  labels:
    k8s-app: fluentd-logging
spec:
  selector:
    matchLabels:
      name: fluentd-elasticsearch
  template:
    metadata:
      labels:
        name: fluentd-elasticsearch
    spec:
      tolerations:
      # let it run on control-plane nodes too
      - key: node-role.kubernetes.io/control-plane
        operator: Exists
        effect: NoSchedule
      - key: node-role.kubernetes.io/master
        operator: Exists
        effect: NoSchedule
      containers:
      - name: fluentd-elasticsearch
        image: quay.io/fluentd_elasticsearch/fluentd:v2.5.2
        resources:
          limits:
            memory: 200Mi
          requests:
            cpu: 100m
            memory: 200Mi
        volumeMounts:
        - name: varlog
          mountPath: /var/log
      terminationGracePeriodSeconds: 30
      volumes:
      - name: varlog
        hostPath:
          path: /var/log
"#,
    );
}

#[test]
fn the_base_manifest_is_valid() {
    assert_valid(BASE);
}

#[test]
fn a_manifest_without_namespace_is_valid_and_named_in_default() {
    let yaml = BASE.replace("  namespace: logging\n", "");
    assert_valid(&yaml);
    let broken = format!("{yaml}  minReadySeconds: -1\n");
    let errors = assert_rejected(&broken, &[("spec.minReadySeconds", Invalid)]);
    assert_eq!(errors.object, "daemonset default/log-shipper");
}

#[test]
fn a_selector_of_only_absence_requirements_matches_a_template_without_labels() {
    assert_valid(
        r#"
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: odd-but-legal
spec:
  selector:
    matchExpressions:
    - key: app
      operator: DoesNotExist
  template:
    spec:
      containers:
      - name: c
        image: busybox
"#,
    );
}

#[test]
fn a_full_featured_placement_is_valid() {
    assert_valid(&base_with(
        r#"
      nodeSelector:
        kubernetes.io/os: linux
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
            - {}
            - matchExpressions:
              - key: node.kubernetes.io/instance-type
                operator: NotIn
                values: [t3.micro, t3.nano]
              - key: example.com/cores
                operator: Gt
                values: ["4.5"]
              matchFields:
              - key: metadata.name
                operator: NotIn
                values: [worker-7]
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 10
            preference:
              matchExpressions:
              - key: topology.kubernetes.io/zone
                operator: In
                values: [eu-west-1a]
      tolerations:
      - operator: Exists
      - key: dedicated
        value: logging
        effect: NoExecute
        tolerationSeconds: 300
  minReadySeconds: 10
  revisionHistoryLimit: 0
"#,
    ));
}

// ---------------------------------------------------------------------------------------------
// Selector (spec section 6.1 checks 1 to 3)

#[test]
fn a_selector_that_does_not_match_the_template_labels() {
    let errors = assert_rejected(
        r#"
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd
  namespace: kube-system
spec:
  selector:
    matchLabels:
      app: fluentd
      tier: logging
  template:
    metadata:
      labels:
        app: fluentd
    spec:
      containers:
      - name: fluentd
        image: fluent/fluentd:v1.16
"#,
        &[("spec.template.metadata.labels", Invalid)],
    );
    let error = only(&errors);
    assert_eq!(error.value.as_deref(), Some("app=fluentd"));
    assert!(hint(error).contains("`tier=logging`"), "{error}");
    assert!(!hint(error).contains("nodeSelector"), "{error}");
}

#[test]
fn a_selector_meant_to_pick_nodes_gets_the_node_selector_hint() {
    let errors = assert_rejected(
        r#"
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: logging
  namespace: kube-system
spec:
  selector:
    matchLabels:
      app: logging-node
  template:
    metadata:
      labels:
        app: logging
    spec:
      containers:
      - name: agent
        image: registry.example.com/logging:1.0
"#,
        &[("spec.template.metadata.labels", Invalid)],
    );
    let error = only(&errors);
    assert!(
        hint(error).contains("spec.template.spec.nodeSelector"),
        "{error}"
    );
    assert!(hint(error).contains("`app=logging-node`"), "{error}");
}

#[test]
fn a_well_known_node_label_in_the_selector_gets_the_node_selector_hint() {
    let errors = assert_rejected(
        r#"
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd
spec:
  selector:
    matchLabels:
      app: fluentd
      kubernetes.io/os: linux
  template:
    metadata:
      labels:
        app: fluentd
    spec:
      containers:
      - name: fluentd
        image: fluent/fluentd:v1.16
"#,
        &[("spec.template.metadata.labels", Invalid)],
    );
    let error = only(&errors);
    assert!(hint(error).contains("`kubernetes.io/os=linux`"), "{error}");
    assert!(
        hint(error).contains("spec.template.spec.nodeSelector"),
        "{error}"
    );
}

#[test]
fn a_missing_selector_fails_only_the_match_check() {
    let errors = assert_rejected(
        r#"
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd
spec:
  template:
    metadata:
      labels:
        app: fluentd
    spec:
      containers:
      - name: fluentd
        image: fluent/fluentd:v1.16
"#,
        &[("spec.template.metadata.labels", Invalid)],
    );
    let error = only(&errors);
    assert!(hint(error).contains("spec.selector is missing"), "{error}");
    assert!(hint(error).contains("app: fluentd"), "{error}");
}

#[test]
fn an_empty_selector_is_rejected_as_empty_not_as_mismatched() {
    assert_rejected(
        r#"
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd
spec:
  selector: {}
  template:
    metadata:
      labels:
        app: fluentd
    spec:
      containers:
      - name: fluentd
        image: fluent/fluentd:v1.16
"#,
        &[("spec.selector", Invalid)],
    );
}

#[test]
fn a_bad_selector_label_key_is_reported_once_without_a_mismatch_error() {
    assert_rejected(
        &BASE.replace(
            "    matchLabels:\n      app: log-shipper\n",
            "    matchLabels:\n      app: log-shipper\n      example.com/a/b: x\n",
        ),
        &[("spec.selector.matchLabels", Invalid)],
    );
}

#[test]
fn a_bad_selector_label_value_is_reported() {
    assert_rejected(
        &BASE.replace(
            "    matchLabels:\n      app: log-shipper\n",
            "    matchLabels:\n      app: -log-shipper\n",
        ),
        &[("spec.selector.matchLabels", Invalid)],
    );
}

#[test]
fn selector_expressions_in_without_values_and_exists_with_values() {
    assert_rejected(
        &BASE.replace(
            "    matchLabels:\n      app: log-shipper\n",
            r#"    matchLabels:
      app: log-shipper
    matchExpressions:
    - key: tier
      operator: In
    - key: app
      operator: Exists
      values: [log-shipper]
"#,
        ),
        &[
            ("spec.selector.matchExpressions[0].values", Required),
            ("spec.selector.matchExpressions[1].values", Forbidden),
        ],
    );
}

#[test]
fn selector_expression_with_an_unknown_operator_bad_key_and_bad_value() {
    assert_rejected(
        &BASE.replace(
            "    matchLabels:\n      app: log-shipper\n",
            r#"    matchLabels:
      app: log-shipper
    matchExpressions:
    - key: app
      operator: Gt
      values: ["1"]
    - key: "bad key"
      operator: NotIn
      values: ["not valid!"]
"#,
        ),
        &[
            ("spec.selector.matchExpressions[0].operator", Invalid),
            ("spec.selector.matchExpressions[1].key", Invalid),
            ("spec.selector.matchExpressions[1].values[0]", Invalid),
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Template labels, restart policy, deadlines, counters (checks 4 to 10)

#[test]
fn a_bad_template_label_key_is_reported_at_template_labels() {
    let yaml = BASE.replace(
        "        app: log-shipper\n    spec:",
        "        app: log-shipper\n        Example.com/team: obs\n    spec:",
    );
    let errors = assert_rejected(&yaml, &[("spec.template.labels", Invalid)]);
    assert_eq!(only(&errors).value.as_deref(), Some("Example.com/team"));
}

#[test]
fn a_bad_template_label_value_is_reported_at_template_labels() {
    let yaml = BASE.replace(
        "        app: log-shipper\n    spec:",
        "        app: log-shipper\n        team: \"obs team\"\n    spec:",
    );
    let errors = assert_rejected(&yaml, &[("spec.template.labels", Invalid)]);
    assert_eq!(only(&errors).value.as_deref(), Some("obs team"));
}

#[test]
fn restart_policy_never_is_not_supported() {
    let errors = assert_rejected(
        &base_with("      restartPolicy: Never\n"),
        &[("spec.template.spec.restartPolicy", NotSupported)],
    );
    let error = only(&errors);
    assert_eq!(error.value.as_deref(), Some("Never"));
    assert!(
        error.to_string().starts_with(
            "spec.template.spec.restartPolicy: Unsupported value \"Never\": must be Always (hint: "
        ),
        "{error}"
    );
}

#[test]
fn restart_policy_on_failure_is_not_supported() {
    assert_rejected(
        &base_with("      restartPolicy: OnFailure\n"),
        &[("spec.template.spec.restartPolicy", NotSupported)],
    );
}

#[test]
fn an_unknown_restart_policy_is_reported_by_the_pod_spec_and_the_daemonset_rules() {
    assert_rejected(
        &base_with("      restartPolicy: always\n"),
        &[
            ("spec.template.spec.restartPolicy", NotSupported),
            ("spec.template.spec.restartPolicy", NotSupported),
        ],
    );
}

#[test]
fn active_deadline_seconds_is_forbidden() {
    assert_rejected(
        &base_with("      activeDeadlineSeconds: 600\n"),
        &[("spec.template.spec.activeDeadlineSeconds", Forbidden)],
    );
}

#[test]
fn an_out_of_range_active_deadline_is_also_invalid() {
    assert_rejected(
        &base_with("      activeDeadlineSeconds: 0\n"),
        &[
            ("spec.template.spec.activeDeadlineSeconds", Invalid),
            ("spec.template.spec.activeDeadlineSeconds", Forbidden),
        ],
    );
}

#[test]
fn negative_min_ready_seconds() {
    assert_rejected(
        &base_with("  minReadySeconds: -5\n"),
        &[("spec.minReadySeconds", Invalid)],
    );
}

#[test]
fn negative_revision_history_limit() {
    assert_rejected(
        &base_with("  revisionHistoryLimit: -1\n"),
        &[("spec.revisionHistoryLimit", Invalid)],
    );
    assert_valid(&base_with("  revisionHistoryLimit: 0\n"));
}

#[test]
fn a_negative_template_generation_annotation() {
    let yaml = BASE.replace(
        "  namespace: logging\n",
        "  namespace: logging\n  annotations:\n    deprecated.daemonset.template.generation: \"-2\"\n",
    );
    assert_rejected(&yaml, &[("spec.templateGeneration", Invalid)]);
}

#[test]
fn a_template_generation_annotation_that_is_not_a_number() {
    let yaml = BASE.replace(
        "  namespace: logging\n",
        "  namespace: logging\n  annotations:\n    deprecated.daemonset.template.generation: two\n",
    );
    assert_rejected(&yaml, &[("metadata.annotations", Invalid)]);
}

// ---------------------------------------------------------------------------------------------
// Update strategy (spec section 6.2)

/// Every row of the worked-example table, values written as YAML; `None` leaves the field out.
#[test]
fn the_worked_examples_of_the_rolling_update_rules() {
    const MU: &str = "spec.updateStrategy.rollingUpdate.maxUnavailable";
    const MS: &str = "spec.updateStrategy.rollingUpdate.maxSurge";
    type Row = (
        Option<&'static str>,
        Option<&'static str>,
        &'static [(&'static str, FieldErrorKind)],
    );
    let rows: &[Row] = &[
        (None, None, &[]),
        (Some("0"), Some("1"), &[]),
        (Some("0"), Some("0"), &[(MU, Required)]),
        (Some("1"), Some("1"), &[(MS, Invalid)]),
        (None, Some("1"), &[(MS, Invalid)]),
        (Some("\"0%\""), Some("\"0%\""), &[(MU, Required)]),
        (Some("100%"), Some("0"), &[]),
        (Some("101%"), Some("0"), &[(MU, Invalid)]),
        (Some("150"), Some("0"), &[]),
        (Some("-1"), Some("0"), &[(MU, Invalid)]),
        (Some("-1"), Some("1"), &[(MU, Invalid), (MS, Invalid)]),
        (Some("\"5\""), Some("0"), &[(MU, Invalid)]),
        (Some("abc"), Some("0"), &[(MU, Invalid), (MU, Required)]),
        (Some("-5%"), Some("0"), &[(MU, Invalid), (MU, Required)]),
        (Some("0"), Some("25%"), &[]),
    ];
    for (max_unavailable, max_surge, expected) in rows {
        let mut extra = String::from("  updateStrategy:\n    type: RollingUpdate\n");
        if max_unavailable.is_some() || max_surge.is_some() {
            extra.push_str("    rollingUpdate:\n");
        }
        if let Some(value) = max_unavailable {
            extra.push_str(&format!("      maxUnavailable: {value}\n"));
        }
        if let Some(value) = max_surge {
            extra.push_str(&format!("      maxSurge: {value}\n"));
        }
        let yaml = base_with(&extra);
        if expected.is_empty() {
            assert_valid(&yaml);
        } else {
            assert_rejected(&yaml, expected);
        }
    }
}

#[test]
fn a_quoted_number_is_a_format_error_but_counts_as_non_zero() {
    assert_rejected(
        &base_with(
            r#"
  updateStrategy:
    rollingUpdate:
      maxUnavailable: "5"
"#,
        ),
        &[("spec.updateStrategy.rollingUpdate.maxUnavailable", Invalid)],
    );
}

#[test]
fn max_surge_alone_needs_max_unavailable_zero() {
    let errors = assert_rejected(
        &base_with(
            r#"
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
"#,
        ),
        &[("spec.updateStrategy.rollingUpdate.maxSurge", Invalid)],
    );
    assert!(hint(only(&errors)).contains("maxUnavailable: 0"));
}

#[test]
fn an_unknown_update_strategy_type_is_reported_at_the_strategy() {
    let errors = assert_rejected(
        &base_with("  updateStrategy:\n    type: Rolling\n"),
        &[("spec.updateStrategy", NotSupported)],
    );
    assert_eq!(only(&errors).value.as_deref(), Some("Rolling"));
}

#[test]
fn on_delete_ignores_the_rolling_update_block() {
    assert_valid(&base_with(
        r#"
  updateStrategy:
    type: OnDelete
    rollingUpdate:
      maxUnavailable: "500%"
      maxSurge: -3
"#,
    ));
}

// ---------------------------------------------------------------------------------------------
// Node selector, node name and node affinity (spec section 6.5)

#[test]
fn a_bad_node_selector_key_and_value() {
    let errors = assert_rejected(
        &base_with(
            r#"
      nodeSelector:
        kubernetes.io//os: linux
        disk: "fast ssd"
"#,
        ),
        &[
            ("spec.template.spec.nodeSelector", Invalid),
            ("spec.template.spec.nodeSelector", Invalid),
        ],
    );
    let values: Vec<_> = errors
        .errors
        .iter()
        .map(|e| e.value.as_deref().unwrap())
        .collect();
    assert_eq!(values, ["fast ssd", "kubernetes.io//os"]);
}

#[test]
fn a_node_name_that_is_not_a_dns_subdomain() {
    assert_rejected(
        &base_with("      nodeName: Worker_1\n"),
        &[("spec.template.spec.nodeName", Invalid)],
    );
}

const REQUIRED: &str =
    "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution";

fn with_required_terms(terms: &str) -> String {
    base_with(&format!(
        r#"
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:{terms}"#
    ))
}

#[test]
fn node_affinity_with_an_empty_terms_list() {
    let path = format!("{REQUIRED}.nodeSelectorTerms");
    assert_rejected(&with_required_terms(" []\n"), &[(&path, Required)]);
}

#[test]
fn node_affinity_with_an_empty_term_is_accepted() {
    assert_valid(&with_required_terms("\n            - {}\n"));
}

#[test]
fn node_affinity_in_without_values() {
    let path = format!("{REQUIRED}.nodeSelectorTerms[0].matchExpressions[0].values");
    assert_rejected(
        &with_required_terms(
            r#"
            - matchExpressions:
              - key: topology.kubernetes.io/zone
                operator: In
"#,
        ),
        &[(&path, Required)],
    );
}

#[test]
fn node_affinity_exists_with_values() {
    let path = format!("{REQUIRED}.nodeSelectorTerms[0].matchExpressions[0].values");
    assert_rejected(
        &with_required_terms(
            r#"
            - matchExpressions:
              - key: node-role.kubernetes.io/worker
                operator: Exists
                values: ["true"]
"#,
        ),
        &[(&path, Forbidden)],
    );
}

#[test]
fn node_affinity_gt_with_two_values() {
    let path = format!("{REQUIRED}.nodeSelectorTerms[1].matchExpressions[0].values");
    assert_rejected(
        &with_required_terms(
            r#"
            - matchExpressions:
              - key: example.com/cores
                operator: Gt
                values: ["4"]
            - matchExpressions:
              - key: example.com/cores
                operator: Gt
                values: ["4", "8"]
"#,
        ),
        &[(&path, Required)],
    );
}

#[test]
fn node_affinity_lt_threshold_is_not_checked_to_be_an_integer() {
    assert_valid(&with_required_terms(
        r#"
            - matchExpressions:
              - key: example.com/cores
                operator: Lt
                values: ["-5"]
"#,
    ));
}

#[test]
fn node_affinity_unknown_operator_and_bad_key() {
    let base = format!("{REQUIRED}.nodeSelectorTerms[0].matchExpressions");
    assert_rejected(
        &with_required_terms(
            r#"
            - matchExpressions:
              - key: kubernetes.io/os
                operator: Equals
                values: [linux]
              - key: -zone
                operator: Exists
"#,
        ),
        &[
            (&format!("{base}[0].operator"), Invalid),
            (&format!("{base}[1].key"), Invalid),
        ],
    );
}

#[test]
fn node_affinity_match_fields_rules() {
    let base = format!("{REQUIRED}.nodeSelectorTerms[0].matchFields");
    assert_rejected(
        &with_required_terms(
            r#"
            - matchFields:
              - key: metadata.labels
                operator: In
                values: [worker-1]
              - key: metadata.name
                operator: Exists
              - key: metadata.name
                operator: In
                values: [worker-1, worker-2]
              - key: metadata.name
                operator: NotIn
                values: [Worker_3]
"#,
        ),
        &[
            (&format!("{base}[0].key"), Invalid),
            (&format!("{base}[1].operator"), Invalid),
            (&format!("{base}[2].values"), Required),
            (&format!("{base}[3].values[0]"), Invalid),
        ],
    );
}

#[test]
fn node_affinity_preferred_weight_out_of_range() {
    assert_rejected(
        &base_with(
            r#"
      affinity:
        nodeAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 0
            preference:
              matchExpressions:
              - key: topology.kubernetes.io/zone
                operator: In
"#,
        ),
        &[
            (
                "spec.template.spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight",
                Invalid,
            ),
            (
                "spec.template.spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].values",
                Required,
            ),
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Tolerations (spec section 6.5)

fn with_tolerations(tolerations: &str) -> String {
    base_with(&format!(
        "      tolerations:\n{}",
        tolerations.trim_start_matches('\n')
    ))
}

#[test]
fn a_toleration_with_an_empty_key_needs_exists() {
    assert_rejected(
        &with_tolerations(
            r#"
      - operator: Equal
        effect: NoSchedule
      - effect: NoSchedule
"#,
        ),
        &[
            ("spec.template.spec.tolerations[0].operator", Invalid),
            ("spec.template.spec.tolerations[1].operator", Invalid),
        ],
    );
}

#[test]
fn toleration_seconds_needs_no_execute() {
    assert_rejected(
        &with_tolerations(
            r#"
      - key: node.kubernetes.io/unreachable
        operator: Exists
        effect: NoSchedule
        tolerationSeconds: 60
"#,
        ),
        &[("spec.template.spec.tolerations[0].effect", Invalid)],
    );
}

#[test]
fn an_equal_toleration_needs_a_label_value_reported_at_operator() {
    assert_rejected(
        &with_tolerations(
            r#"
      - key: dedicated
        operator: Equal
        value: "logging team"
"#,
        ),
        &[("spec.template.spec.tolerations[0].operator", Invalid)],
    );
}

#[test]
fn an_exists_toleration_must_have_no_value() {
    assert_rejected(
        &with_tolerations(
            r#"
      - key: dedicated
        operator: Exists
        value: logging
"#,
        ),
        &[("spec.template.spec.tolerations[0].operator", Invalid)],
    );
}

#[test]
fn a_toleration_with_an_unknown_effect() {
    assert_rejected(
        &with_tolerations(
            r#"
      - key: dedicated
        operator: Exists
        effect: NoScheduling
"#,
        ),
        &[("spec.template.spec.tolerations[0].effect", NotSupported)],
    );
}

#[test]
fn a_toleration_with_an_unknown_operator() {
    assert_rejected(
        &with_tolerations(
            r#"
      - key: dedicated
        operator: Matches
"#,
        ),
        &[("spec.template.spec.tolerations[0].operator", NotSupported)],
    );
}

#[test]
fn a_toleration_with_a_bad_key() {
    assert_rejected(
        &with_tolerations(
            r#"
      - key: example.com/a/b
        operator: Exists
"#,
        ),
        &[("spec.template.spec.tolerations[0].key", Invalid)],
    );
}

const COMPARISON: &str = r#"
      - key: example.com/priority
        operator: Gt
        value: "5"
        effect: NoSchedule
      - key: example.com/priority
        operator: Lt
        value: "007"
"#;

#[test]
fn comparison_tolerations_are_not_supported_without_the_gate() {
    let errors = assert_rejected(
        &with_tolerations(COMPARISON),
        &[
            ("spec.template.spec.tolerations[0].operator", NotSupported),
            ("spec.template.spec.tolerations[1].operator", NotSupported),
        ],
    );
    assert!(hint(&errors.errors[0]).contains("TaintTolerationComparisonOperators"));
}

#[test]
fn comparison_tolerations_need_canonical_integers_with_the_gate() {
    let gate = ValidationOptions::default().with_taint_comparison_operators(true);
    assert_rejected_with(
        &with_tolerations(COMPARISON),
        &gate,
        &[("spec.template.spec.tolerations[1].value", Invalid)],
    );
    assert_valid_with(
        &with_tolerations(
            r#"
      - key: example.com/priority
        operator: Lt
        value: "-12"
"#,
        ),
        &gate,
    );
}

#[test]
fn an_absent_toleration_operator_means_equal_and_stays_absent() {
    let yaml = with_tolerations(
        r#"
      - key: dedicated
        value: logging
        effect: NoSchedule
"#,
    );
    assert_valid(&yaml);
    assert_eq!(
        parse(&yaml).spec.template.spec.tolerations[0].operator,
        None
    );
}

// ---------------------------------------------------------------------------------------------
// Ephemeral containers and object metadata

#[test]
fn ephemeral_containers_are_forbidden_in_the_template() {
    assert_rejected(
        &base_with(
            r#"
      ephemeralContainers:
      - name: debugger
        image: busybox
"#,
        ),
        &[("spec.template.spec.ephemeralContainers", Forbidden)],
    );
}

#[test]
fn an_invalid_name() {
    let errors = assert_rejected(
        &BASE.replace(
            "name: log-shipper\n  namespace",
            "name: Log_Shipper\n  namespace",
        ),
        &[("metadata.name", Invalid)],
    );
    assert_eq!(errors.object, "daemonset logging/Log_Shipper");
}

#[test]
fn a_name_longer_than_253_characters() {
    let long = format!("{}.example", "a".repeat(250));
    assert_rejected(
        &BASE.replace(
            "name: log-shipper\n  namespace",
            &format!("name: {long}\n  namespace"),
        ),
        &[("metadata.name", Invalid)],
    );
}

#[test]
fn a_missing_name() {
    assert_rejected(
        &BASE.replace("  name: log-shipper\n  namespace", "  namespace"),
        &[("metadata.name", Required)],
    );
    assert_valid(&BASE.replace(
        "  name: log-shipper\n  namespace",
        "  generateName: log-shipper-\n  namespace",
    ));
}

#[test]
fn an_invalid_namespace() {
    assert_rejected(
        &BASE.replace("namespace: logging", "namespace: Logging.System"),
        &[("metadata.namespace", Invalid)],
    );
}

#[test]
fn bad_metadata_labels_and_annotation_keys() {
    let yaml = BASE.replace(
        "  namespace: logging\n",
        r#"  namespace: logging
  labels:
    "app name": log-shipper
  annotations:
    example.com/owner: team-observability
    "/no-prefix": x
"#,
    );
    assert_rejected(
        &yaml,
        &[
            ("metadata.labels", Invalid),
            ("metadata.annotations", Invalid),
        ],
    );
}

#[test]
fn annotations_larger_than_256_kib_are_too_long() {
    let big = "x".repeat(256 * 1024);
    let yaml = BASE.replace(
        "  namespace: logging\n",
        &format!("  namespace: logging\n  annotations:\n    example.com/blob: {big}\n"),
    );
    assert_rejected(&yaml, &[("metadata.annotations", TooLong)]);
}

// ---------------------------------------------------------------------------------------------
// Collecting and printing

#[test]
fn errors_are_all_collected_in_upstream_order() {
    let yaml = base_with(
        r#"
      restartPolicy: Never
      tolerations:
      - key: dedicated
        operator: Exists
        effect: Sometimes
  minReadySeconds: -1
"#,
    );
    let errors = assert_rejected(
        &yaml,
        &[
            ("spec.template.spec.tolerations[0].effect", NotSupported),
            ("spec.template.spec.restartPolicy", NotSupported),
            ("spec.minReadySeconds", Invalid),
        ],
    );
    assert_eq!(errors.errors.len(), 3);
}

#[test]
fn every_error_is_printed_on_its_own_line_prefixed_with_the_object() {
    let errors = validate_daemonset(&parse(&base_with(
        "      restartPolicy: Never\n  revisionHistoryLimit: -3\n",
    )))
    .unwrap_err();
    let text = errors.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("daemonset logging/log-shipper: "))
    );
    assert!(lines[1].starts_with(
        "daemonset logging/log-shipper: spec.revisionHistoryLimit: Invalid value \"-3\": must be \
         greater than or equal to 0 (hint: "
    ));
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(errors);
    assert!(boxed.to_string().contains("restartPolicy"));
}

#[test]
fn an_undefaulted_manifest_reports_what_defaulting_would_have_filled() {
    let raw: DaemonSet = serde_yaml::from_str(BASE).unwrap();
    let errors = validate_daemonset(&raw).unwrap_err();
    assert_eq!(
        summary(&errors),
        [
            ("spec.template.spec.restartPolicy", Required),
            ("spec.template.spec.restartPolicy", NotSupported),
            ("spec.updateStrategy", NotSupported),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Nodes

fn node(yaml: &str) -> Node {
    serde_yaml::from_str(yaml).unwrap()
}

#[test]
fn a_typical_node_is_valid() {
    let node = node(
        r#"
apiVersion: v1
kind: Node
metadata:
  name: worker-1.eu-west-1.compute.internal
  labels:
    kubernetes.io/hostname: worker-1
    kubernetes.io/os: linux
    topology.kubernetes.io/zone: eu-west-1a
spec:
  taints:
  - key: node-role.kubernetes.io/control-plane
    effect: NoSchedule
  - key: dedicated
    value: logging
    effect: NoExecute
  - key: dedicated
    value: logging
    effect: NoSchedule
"#,
    );
    assert_eq!(validate_node(&node), Ok(()));
}

#[test]
fn node_taint_rules() {
    let node = node(
        r#"
apiVersion: v1
kind: Node
metadata:
  name: worker-2
spec:
  taints:
  - key: example.com/a/b
    effect: NoSchedule
  - key: dedicated
    value: "two words"
    effect: NoSchedule
  - key: gpu
    effect: NoRun
  - key: dedicated
    value: other
    effect: NoSchedule
  - key: flaky
    effect: ""
"#,
    );
    let errors = validate_node(&node).unwrap_err();
    assert_eq!(errors.object, "node worker-2");
    assert_eq!(
        summary(&errors),
        [
            ("spec.taints[0].key", Invalid),
            ("spec.taints[1].value", Invalid),
            ("spec.taints[2].effect", NotSupported),
            ("spec.taints[3]", Duplicate),
            ("spec.taints[4].effect", Required),
        ]
    );
}

#[test]
fn node_name_and_namespace() {
    let node = node(
        r#"
apiVersion: v1
kind: Node
metadata:
  name: Worker_3
  namespace: default
"#,
    );
    let errors = validate_node(&node).unwrap_err();
    assert_eq!(
        summary(&errors),
        [
            ("metadata.name", Invalid),
            ("metadata.namespace", Forbidden)
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Updates

fn update_errors(old: &str, new: &str) -> Vec<(String, FieldErrorKind)> {
    match daemonset_planner::validate_daemonset_update(&parse(old), &parse(new)) {
        Ok(()) => Vec::new(),
        Err(errors) => errors
            .errors
            .iter()
            .map(|e| (e.path.clone(), e.kind))
            .collect(),
    }
}

#[test]
fn an_update_of_the_template_only_is_valid() {
    let new = BASE.replace("log-shipper:2.3.1", "log-shipper:2.4.0");
    assert_eq!(update_errors(BASE, &new), vec![]);
}

#[test]
fn an_update_may_not_change_the_selector() {
    let new = BASE
        .replace(
            "      app: log-shipper\n  template",
            "      app: log-shipper\n      tier: logs\n  template",
        )
        .replace(
            "        app: log-shipper\n    spec",
            "        app: log-shipper\n        tier: logs\n    spec",
        );
    assert_eq!(
        update_errors(BASE, &new),
        vec![("spec.selector".to_owned(), Invalid)]
    );
}

#[test]
fn an_update_may_not_rename_or_move_the_daemonset() {
    let renamed = BASE.replace(
        "name: log-shipper\n  namespace",
        "name: log-shipper-2\n  namespace",
    );
    assert_eq!(
        update_errors(BASE, &renamed),
        vec![("metadata.name".to_owned(), Invalid)]
    );
    let moved = BASE.replace("namespace: logging", "namespace: default");
    assert_eq!(
        update_errors(BASE, &moved),
        vec![("metadata.namespace".to_owned(), Invalid)]
    );
}

#[test]
fn an_update_without_a_uid_keeps_the_stored_one_but_another_uid_is_refused() {
    let old = BASE.replace("namespace: logging", "namespace: logging\n  uid: 0b7e6c1a");
    assert_eq!(update_errors(&old, BASE), vec![]);
    let other = BASE.replace("namespace: logging", "namespace: logging\n  uid: ffff");
    assert_eq!(
        update_errors(&old, &other),
        vec![("metadata.uid".to_owned(), Invalid)]
    );
}

#[test]
fn an_update_checks_the_new_object_as_on_create() {
    let new = base_with("      restartPolicy: Never\n");
    assert_eq!(
        update_errors(BASE, &new),
        vec![("spec.template.spec.restartPolicy".to_owned(), NotSupported)]
    );
}

#[test]
fn a_kruise_update_may_not_change_the_selector() {
    let kruise = BASE.replace("apps/v1", "apps.kruise.io/v1beta1");
    let new = kruise
        .replace(
            "      app: log-shipper\n  template",
            "      app: log-shipper\n      tier: logs\n  template",
        )
        .replace(
            "        app: log-shipper\n    spec",
            "        app: log-shipper\n        tier: logs\n    spec",
        );
    assert_eq!(
        update_errors(&kruise, &new),
        vec![("spec".to_owned(), Forbidden)]
    );
}
