#![cfg(feature = "yaml")]
//! DaemonSet and node validation, one rule per test: each manifest is read the way a user writes
//! it, defaulted as the API server would, then validated; the tests pin the exact field paths and
//! kinds of the errors.

use daemonset_planner::validation::FieldErrorKind::{self, *};
use daemonset_planner::validation::{FieldError, ValidationOptions, validate_daemonset_with};
use daemonset_planner::{
    DaemonSet, Node, ValidationErrors, apply_defaults, validate_daemonset, validate_node,
};

use crate::common;

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

/// BASE with these `matchExpressions` (YAML list entries indented four spaces) in its selector.
fn with_match_expressions(expressions: &str) -> String {
    BASE.replace(
        "    matchLabels:\n      app: log-shipper\n",
        &format!(
            "    matchLabels:\n      app: log-shipper\n    matchExpressions:\n{}",
            expressions.trim_start_matches('\n')
        ),
    )
}

/// A fluentd DaemonSet whose template is labelled `app: fluentd`; `selector` is the YAML of the
/// spec's fields before `template` (each line indented two spaces), empty for none.
fn fluentd(selector: &str) -> String {
    format!(
        r#"
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd
spec:
{selector}  template:
    metadata:
      labels:
        app: fluentd
    spec:
      containers:
      - name: fluentd
        image: fluent/fluentd:v1.16
"#
    )
}

/// Asserts that the only error is a selector that does not match the template labels; returns it.
fn assert_label_mismatch(yaml: &str) -> FieldError {
    let errors = assert_rejected(yaml, &[("spec.template.metadata.labels", Invalid)]);
    only(&errors).clone()
}

#[test]
fn a_selector_that_does_not_match_the_template_labels() {
    let error = assert_label_mismatch(
        &fluentd("  selector:\n    matchLabels:\n      app: fluentd\n      tier: logging\n")
            .replace(
                "  name: fluentd\n",
                "  name: fluentd\n  namespace: kube-system\n",
            ),
    );
    assert_eq!(error.value.as_deref(), Some("app=fluentd"));
    assert!(hint(&error).contains("`tier=logging`"), "{error}");
    assert!(!hint(&error).contains("nodeSelector"), "{error}");
}

#[test]
fn a_selector_meant_to_pick_nodes_gets_the_node_selector_hint() {
    let error = assert_label_mismatch(
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
    );
    assert!(
        hint(&error).contains("spec.template.spec.nodeSelector"),
        "{error}"
    );
    assert!(hint(&error).contains("`app=logging-node`"), "{error}");
}

#[test]
fn a_well_known_node_label_in_the_selector_gets_the_node_selector_hint() {
    let error = assert_label_mismatch(&fluentd(
        "  selector:\n    matchLabels:\n      app: fluentd\n      kubernetes.io/os: linux\n",
    ));
    assert!(hint(&error).contains("`kubernetes.io/os=linux`"), "{error}");
    assert!(
        hint(&error).contains("spec.template.spec.nodeSelector"),
        "{error}"
    );
}

#[test]
fn a_missing_selector_fails_only_the_match_check() {
    let error = assert_label_mismatch(&fluentd(""));
    assert!(hint(&error).contains("spec.selector is missing"), "{error}");
    assert!(hint(&error).contains("app: fluentd"), "{error}");
}

#[test]
fn an_empty_selector_is_rejected_as_empty_not_as_mismatched() {
    assert_rejected(&fluentd("  selector: {}\n"), &[("spec.selector", Invalid)]);
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
        &with_match_expressions(
            r#"
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
        &with_match_expressions(
            r#"
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
    // A label value that is not a number is accepted (it simply never compares).
    assert_valid(&with_required_terms(
        r#"
            - matchExpressions:
              - key: example.com/cores
                operator: Lt
                values: ["many"]
"#,
    ));
}

#[test]
fn required_node_affinity_values_must_be_label_values_since_1_33() {
    let yaml = with_required_terms(
        r#"
            - matchExpressions:
              - key: example.com/cores
                operator: Gt
                values: ["-5"]
"#,
    );
    let path = format!("{REQUIRED}.nodeSelectorTerms[0].matchExpressions[0].values[0]");
    assert_rejected(&yaml, &[(&path, Invalid)]);
    // An update of a DaemonSet stored with such a value is not refused for it (ratcheting).
    let renamed = yaml.replace("log-shipper:2.3.1", "log-shipper:2.4.0");
    assert_eq!(update_errors(&yaml, &renamed), vec![]);
    assert_eq!(update_errors(BASE, &renamed), vec![(path.clone(), Invalid)]);
}

#[test]
fn a_stored_pod_with_an_old_node_affinity_value_is_accepted() {
    let pod: daemonset_planner::Pod = serde_yaml::from_str(
        r#"
apiVersion: v1
kind: Pod
metadata: {name: agent-x7k2p, namespace: logging}
spec:
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
        - matchExpressions: [{key: example.com/cores, operator: Gt, values: ["-5"]}]
  containers: [{name: agent, image: agent:1}]
"#,
    )
    .unwrap();
    daemonset_planner::validate_pod(&pod).unwrap();
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

/// `manifest` (BASE or a variant) with a `tier: logs` label in both its selector and its template.
fn with_tier_label(manifest: &str) -> String {
    manifest
        .replace(
            "      app: log-shipper\n  template",
            "      app: log-shipper\n      tier: logs\n  template",
        )
        .replace(
            "        app: log-shipper\n    spec",
            "        app: log-shipper\n        tier: logs\n    spec",
        )
}

#[test]
fn an_update_may_not_change_the_selector() {
    let new = with_tier_label(BASE);
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
    let new = with_tier_label(&kruise);
    assert_eq!(
        update_errors(&kruise, &new),
        vec![("spec".to_owned(), Forbidden)]
    );
}

// ---------------------------------------------------------------------------------------------
// Names: subdomains have no per-part limit

#[test]
fn a_64_character_daemonset_name_and_label_prefix_are_valid() {
    let long = "a".repeat(64);
    let yaml = BASE
        .replace("name: log-shipper\n  namespace", &format!("name: {long}\n  namespace"))
        .replace(
            "    spec:\n      containers",
            &format!("    spec:\n      nodeSelector:\n        {long}.example.com/pool: logs\n      containers"),
        );
    assert_valid(&yaml);
}

#[test]
fn a_254_character_daemonset_name_is_too_long_and_says_so() {
    let yaml = BASE.replace(
        "name: log-shipper\n  namespace",
        &format!("name: {}\n  namespace", "a".repeat(254)),
    );
    let errors = assert_rejected(&yaml, &[("metadata.name", Invalid)]);
    assert!(errors.errors[0].message.contains("253"), "{errors}");
}

#[test]
fn a_node_list_with_a_64_character_node_name_plans() {
    let name = "n".repeat(64);
    let nodes = daemonset_planner::load_nodes(&format!(
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n"
    ))
    .unwrap();
    for node in &nodes {
        validate_node(node).unwrap();
    }
    let ds = parse(BASE);
    validate_daemonset(&ds).unwrap();
    let now = daemonset_planner::Time::parse("2026-11-22T10:00:00Z").unwrap();
    let plan = daemonset_planner::plan(&ds, &nodes, &[], &daemonset_planner::PlanOptions::new(now))
        .unwrap();
    assert!(
        matches!(&plan.actions[..], [daemonset_planner::Action::Create { node, .. }] if *node == name)
    );
}

// ---------------------------------------------------------------------------------------------
// The real-world corpus

/// Every real manifest the API server accepts validates; the rejected ones fail for their real
/// mistake (the corpus: `crate::common::realworld`, skipped when absent). Run with
/// `cargo test --test integration validation::realworld`.
#[test]
fn realworld_manifests_validate_as_the_api_server_decides() {
    let Some(root) = common::realworld::root() else {
        return;
    };
    // The manifests the API server refuses, with the paths of their mistakes (None: refused by
    // the loader, e.g. a removed apiVersion or an unknown field).
    let rejected: &[(&str, Option<&[&str]>)] = &[
        (
            "cloudnativelabs_kube-router__daemonset_kubeadm-kuberouter@8f0bcfb2",
            None,
        ),
        (
            "elastic_beats__deploy_kubernetes_filebeat_filebeat-daemonset",
            None,
        ),
        (
            "flannel-io_flannel__Documentation_kube-flannel@ac54a74d__kube-flannel-ds-amd64",
            None,
        ),
        (
            "weaveworks_weave__prog_weave-kube_weave-daemonset-k8s-1.8",
            None,
        ),
        (
            "fluent_fluentd-kubernetes-daemonset__fluentd-daemonset-gcs",
            Some(&["spec.template.metadata.labels"]),
        ),
        (
            "openshift_microshift__deps_github.com_openshift_kubernetes_cluster_addons_node-problem-detector_npd",
            // A typo'd `nodeSelectors` (an unknown field) and a selector that does not match.
            None,
        ),
        (
            "projectcalico_calico__pod2daemon_nodeagent_nodeagent",
            Some(&["spec.template.metadata.labels"]),
        ),
        (
            // `spec.replicas`, which a DaemonSet does not have (and a name with capitals).
            "rezaabedi1365_Devops__Kuberneties_Workloads_DaemonSet_Readme.md",
            None,
        ),
        (
            // The template sits at the top level, where the schema has no `template`.
            "zhuwbigdata_k8s-utils__scheduling_daemonset_README.md",
            None,
        ),
    ];
    // Manifests the loader refuses for an unknown field, and that field's full path.
    let unknown: &[(&str, &str)] = &[
        (
            "rezaabedi1365_Devops__Kuberneties_Workloads_DaemonSet_Readme.md",
            "spec.replicas",
        ),
        (
            "zhuwbigdata_k8s-utils__scheduling_daemonset_README.md",
            "template",
        ),
    ];
    let entries = common::realworld::manifests(&root);
    let mut failures = Vec::new();
    for (stem, path) in &entries {
        let expected = rejected
            .iter()
            .find(|(name, _)| *name == stem)
            .map(|(_, p)| *p);
        let text = std::fs::read_to_string(path).unwrap();
        let outcome = daemonset_planner::load_daemonset(&text).map(|mut ds| {
            apply_defaults(&mut ds);
            validate_daemonset(&ds)
        });
        if let Some((_, full)) = unknown.iter().find(|(name, _)| name == stem) {
            match &outcome {
                Err(daemonset_planner::LoadError::UnknownField { path, field, .. })
                    if path.is_empty() && field == full || format!("{path}.{field}") == *full => {}
                other => failures.push(format!("{stem}: expected {full} refused, got {other:?}")),
            }
        }
        match (expected, outcome) {
            (None, Ok(Ok(()))) | (Some(None), Err(_)) => {}
            (Some(Some(fields)), Ok(Err(errors)))
                if errors
                    .errors
                    .iter()
                    .map(|e| e.path.as_str())
                    .eq(fields.iter().copied()) => {}
            // The loader without strict fields takes the npd manifest; then its selector fails.
            (Some(None), Ok(Err(errors)))
                if errors
                    .errors
                    .iter()
                    .all(|e| e.path == "spec.template.metadata.labels") => {}
            (expected, outcome) => {
                failures.push(format!("{stem}: expected {expected:?}, got {outcome:?}"))
            }
        }
    }
    assert_eq!(entries.len(), 71);
    // The node lists and pod dumps beside the manifests are objects read from a cluster.
    for (sub, is_nodes) in [("nodes", true), ("pods", false)] {
        for entry in std::fs::read_dir(root.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.display().to_string();
            if is_nodes {
                for node in daemonset_planner::load_nodes(&text).unwrap() {
                    if let Err(errors) = validate_node(&node) {
                        failures.push(format!("{name}: {errors}"));
                    }
                }
            } else {
                for pod in daemonset_planner::load_pods(&text).unwrap() {
                    if let Err(errors) = daemonset_planner::validate_pod(&pod) {
                        failures.push(format!("{name}: {errors}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Table-driven cases: tests/cases/validation/*.yaml, one test per file in cases.rs

/// One case: a manifest that breaks exactly one rule, its valid twin, and the expected errors.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleCase {
    name: String,
    /// Validate the manifests as written, without `apply_defaults`.
    #[serde(default)]
    skip_defaults: bool,
    invalid: CasePatch,
    valid: CasePatch,
    errors: Vec<ExpectedError>,
}

/// JSON merge patches onto the base DaemonSet of the cases.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CasePatch {
    /// Onto the whole DaemonSet.
    #[serde(default)]
    daemonset: Option<serde_json::Value>,
    /// Onto `spec.template.spec`.
    #[serde(default)]
    pod: Option<serde_json::Value>,
    /// Onto `spec.template.spec.containers[0]` (after `pod`).
    #[serde(default)]
    container: Option<serde_json::Value>,
}

#[derive(serde::Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct ExpectedError {
    path: String,
    kind: String,
}

const CASE_BASE: &str = r#"
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: monitoring}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers:
      - name: agent
        image: registry.example.com/agent:1.0
"#;

/// RFC 7386 merge patch.
fn merge(target: &mut serde_json::Value, patch: &serde_json::Value) {
    use serde_json::Value;
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    target.remove(key);
                } else {
                    merge(target.entry(key.clone()).or_insert(Value::Null), value);
                }
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

fn case_manifest(patch: &CasePatch, defaults: bool) -> DaemonSet {
    let mut value: serde_json::Value = serde_yaml::from_str(CASE_BASE).unwrap();
    if let Some(p) = &patch.daemonset {
        merge(&mut value, p);
    }
    if let Some(p) = &patch.pod {
        merge(&mut value["spec"]["template"]["spec"], p);
    }
    if let Some(p) = &patch.container {
        merge(&mut value["spec"]["template"]["spec"]["containers"][0], p);
    }
    let mut ds: DaemonSet = serde_json::from_value(value).unwrap();
    if defaults {
        apply_defaults(&mut ds);
    }
    ds
}

/// The rule cases of a file of `tests/cases/validation/`.
fn read_rule_cases(file: &std::path::Path) -> Vec<RuleCase> {
    let text = std::fs::read_to_string(file).unwrap();
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// Runs the rule cases of one file of `tests/cases/validation/` that pass the `DSP_CASE`
/// filter (`cases::validation::<file>` in `tests/integration/cases.rs`): each invalid
/// manifest fails exactly as expected, with a message and a hint, and its twin is valid.
pub fn run_file(dir: &str, file: &str) {
    let file = common::case_file(dir, file);
    let cases = read_rule_cases(&file);
    let mut ran = 0;
    let mut failures = Vec::new();
    for case in cases.iter().filter(|case| common::selected(&case.name)) {
        ran += 1;
        let where_ = format!(
            "{} / {}",
            file.file_name().unwrap().to_string_lossy(),
            case.name
        );
        let got: Vec<ExpectedError> =
            match validate_daemonset(&case_manifest(&case.invalid, !case.skip_defaults)) {
                Ok(()) => Vec::new(),
                Err(errors) => {
                    for error in &errors.errors {
                        if error.hint.as_deref().is_none_or(str::is_empty)
                            || error.message.is_empty()
                        {
                            failures.push(format!("{where_}: no message or hint: {error}"));
                        }
                    }
                    errors
                        .errors
                        .iter()
                        .map(|e| ExpectedError {
                            path: e.path.clone(),
                            kind: format!("{:?}", e.kind),
                        })
                        .collect()
                }
            };
        if got != case.errors {
            failures.push(format!("{where_}: expected {:?}, got {got:?}", case.errors));
        }
        if let Err(errors) = validate_daemonset(&case_manifest(&case.valid, !case.skip_defaults)) {
            failures.push(format!("{where_}: the valid twin is refused:\n{errors}"));
        }
    }
    common::note_filtered(&file, ran, cases.len());
    common::report(&failures, cases.len(), ran);
}

/// The rule cases stay many: one per rule, at least 80 in all (each file runs as
/// `cases::validation::<file>`).
#[test]
fn rule_cases_cover_at_least_80_rules() {
    let count: usize = common::case_files(&common::cases_dir("validation"))
        .iter()
        .map(|file| read_rule_cases(file).len())
        .sum();
    assert!(count >= 80, "only {count} cases");
}

// ---------------------------------------------------------------------------------------------
// ControllerRevisions

#[test]
fn controller_revisions_need_data_and_a_non_negative_revision() {
    let revisions = daemonset_planner::load_revisions(
        r#"
apiVersion: apps/v1
kind: ControllerRevision
metadata: {name: agent-5d8f6c9b7, namespace: monitoring}
data: {spec: {template: {$patch: replace}}}
revision: 2
---
apiVersion: apps/v1
kind: ControllerRevision
metadata: {name: agent-6f7d8c5b4, namespace: monitoring}
data: {spec: {template: {$patch: replace}}}
revision: -1
---
apiVersion: apps/v1
kind: ControllerRevision
metadata: {name: Agent_7, namespace: monitoring}
revision: 3
"#,
    )
    .unwrap();
    let outcome: Vec<Vec<(String, FieldErrorKind)>> = revisions
        .iter()
        .map(|r| match daemonset_planner::validate_revision(r) {
            Ok(()) => vec![],
            Err(errors) => errors
                .errors
                .iter()
                .map(|e| (e.path.clone(), e.kind))
                .collect(),
        })
        .collect();
    assert_eq!(
        outcome,
        vec![
            vec![],
            vec![("revision".to_owned(), Invalid)],
            vec![
                ("metadata.name".to_owned(), Invalid),
                ("data".to_owned(), Required)
            ],
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Properties: any pod spec content is validated without a panic, the same way every time

fn json_value() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
    use proptest::prelude::*;
    use serde_json::Value;
    let keys = prop::sample::select(vec![
        "name",
        "image",
        "ports",
        "containerPort",
        "hostPort",
        "protocol",
        "env",
        "value",
        "valueFrom",
        "fieldRef",
        "fieldPath",
        "resources",
        "requests",
        "limits",
        "cpu",
        "memory",
        "volumeMounts",
        "mountPath",
        "livenessProbe",
        "exec",
        "httpGet",
        "port",
        "command",
        "securityContext",
        "runAsUser",
        "emptyDir",
        "hostPath",
        "path",
        "configMap",
        "items",
        "defaultMode",
        "nvidia.com/gpu",
        "sleep",
        "seconds",
        "lifecycle",
        "preStop",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[a-zA-Z0-9./=_%-]{0,12}".prop_map(Value::String),
        prop::sample::select(vec!["1Gi", "-1", "500m", "0640", "1e400", "80", "TCP"])
            .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..6).prop_map(|entries| {
                Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect(),
                )
            }),
        ]
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    #[test]
    fn any_pod_spec_content_validates_without_panic_and_deterministically(
        containers in json_value(),
        init in json_value(),
        volumes in json_value(),
        dns in json_value(),
        security in json_value(),
    ) {
        let mut ds = parse(BASE);
        let other = &mut ds.spec.template.spec.other;
        other.insert("containers".into(), containers);
        other.insert("initContainers".into(), init);
        other.insert("volumes".into(), volumes);
        other.insert("dnsConfig".into(), dns);
        other.insert("securityContext".into(), security);
        let first = validate_daemonset(&ds);
        let second = validate_daemonset(&ds);
        proptest::prop_assert_eq!(first, second);
    }
}
