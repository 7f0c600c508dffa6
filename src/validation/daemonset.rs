//! The DaemonSet spec: selector, template, restart policy, and the numbers around them.

use crate::model::{DaemonSet, TEMPLATE_GENERATION_ANNOTATION};

use super::Rules;
use super::collector::Collector;
use super::kruise::validate_kruise_update_strategy;
use super::selector::{
    check_selector_matches_template, selector_example_hint, validate_label_selector,
};
use super::strategy::validate_update_strategy;
use super::template::validate_pod_template;

/// The restart policy a DaemonSet template must have.
pub(super) const RESTART_ALWAYS: &str = "Always";

/// The apps/v1 carrier of the template generation must hold an integer; the API server fails
/// to decode the object otherwise.
pub(crate) fn validate_template_generation_annotation(ds: &DaemonSet, out: &mut Collector) {
    if let Some(text) = ds.metadata.annotations.get(TEMPLATE_GENERATION_ANNOTATION)
        && ds.template_generation().is_none()
    {
        out.invalid(
            "metadata.annotations",
            text,
            format!("{TEMPLATE_GENERATION_ANNOTATION} must be a base-10 integer"),
            "remove the annotation (the API server maintains it) or set it to a whole number",
        );
    }
}

pub(crate) fn validate_daemonset_spec(ds: &DaemonSet, rules: &Rules, out: &mut Collector) {
    let spec = &ds.spec;

    // 1. selector syntax
    if let Some(selector) = &spec.selector {
        // On update the API server lets matchExpressions keep values that are not label values.
        validate_label_selector(selector, "spec.selector", rules.update, out);
    }

    // 2. the selector must select the pods the template creates
    check_selector_matches_template(spec.selector.as_ref(), &spec.template, out);

    // 3. an empty selector would select every pod in the namespace
    if let Some(selector) = &spec.selector
        && selector.match_labels.is_empty()
        && selector.match_expressions.is_empty()
    {
        out.invalid(
            "spec.selector",
            "{}",
            "empty selector is invalid for a DaemonSet: it would select every pod in the \
             namespace",
            selector_example_hint(&spec.template.metadata.labels),
        );
    }

    // 4. the pod template
    validate_pod_template(&spec.template, "spec.template", rules, out);

    // 5. daemons run forever
    let restart_policy = &spec.template.spec.restart_policy;
    if restart_policy != RESTART_ALWAYS {
        out.not_supported(
            "spec.template.spec.restartPolicy",
            restart_policy,
            &[RESTART_ALWAYS],
            "a DaemonSet keeps its pod running on every node: remove restartPolicy or set it to \
             Always (run-to-completion work belongs in a Job)",
        );
    }

    // 6. nor may they time out
    if spec.template.spec.active_deadline_seconds.is_some() {
        out.forbidden(
            "spec.template.spec.activeDeadlineSeconds",
            "activeDeadlineSeconds is not supported in a DaemonSet",
            "remove activeDeadlineSeconds: a daemon pod is meant to run until it is replaced",
        );
    }

    // 7.
    if spec.min_ready_seconds < 0 {
        out.invalid(
            "spec.minReadySeconds",
            spec.min_ready_seconds,
            "must be greater than or equal to 0",
            "use 0 (available as soon as ready) or a positive number of seconds",
        );
    }

    // 8. (apps/v1 only: Kruise's webhook does not check it)
    if let Some(generation) = ds.template_generation().filter(|_| !ds.is_kruise())
        && generation < 0
    {
        out.invalid(
            "spec.templateGeneration",
            generation,
            "must be greater than or equal to 0",
            format!(
                "the template generation is read from annotation \
                 {TEMPLATE_GENERATION_ANNOTATION}: remove it or make it non-negative"
            ),
        );
    }

    // 9.
    if ds.is_kruise() {
        validate_kruise_update_strategy(&spec.update_strategy, ds.is_kruise_v1alpha1(), out);
    } else {
        validate_update_strategy(&spec.update_strategy, out);
    }

    // 10.
    if let Some(limit) = spec.revision_history_limit
        && limit < 0
    {
        out.invalid(
            "spec.revisionHistoryLimit",
            limit,
            "must be greater than or equal to 0",
            "use 0 to keep no old revisions, or leave it out for the default of 10",
        );
    }
}
