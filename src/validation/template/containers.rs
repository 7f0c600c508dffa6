//! Containers and init containers: the list itself, names, images, pull and termination
//! policies, and the per-container parts checked in their own files.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::env::validate_env;
use super::json::{entry, has, list, text};
use super::ports::{check_host_network_ports, check_host_port_clashes, validate_ports};
use super::probes::{ProbeKind, validate_lifecycle, validate_probe};
use super::resources::validate_resources;
use super::security::validate_container_security;
use super::volumes::validate_mounts;
use crate::syntax::dns1123_label_reason;
use crate::validation::collector::Collector;

/// The image pull policies.
const PULL_POLICIES: &[&str] = &["Always", "Never", "IfNotPresent"];

/// The termination message policies.
const TERMINATION_MESSAGE_POLICIES: &[&str] = &["File", "FallbackToLogsOnError"];

/// The restart policies an init container may have (`Always` makes it a sidecar).
const INIT_RESTART_POLICIES: &[&str] = &["Always", "OnFailure", "Never"];

/// What the containers of a pod spec are checked against.
pub(crate) struct PodContext<'a> {
    /// The names of the pod's valid volumes.
    pub(crate) volumes: &'a HashSet<&'a str>,
    /// `spec.hostNetwork`.
    pub(crate) host_network: bool,
    /// The pod's termination grace period, which bounds a `sleep` hook.
    pub(crate) grace_period: i64,
}

/// `containers` and `initContainers` of a pod spec.
pub(crate) fn validate_containers(
    spec: &Map<String, Value>,
    spec_path: &str,
    pod: &PodContext<'_>,
    out: &mut Collector,
) {
    let containers_path = format!("{spec_path}.containers");
    let wrong_type = matches!(spec.get("containers"), Some(v) if !v.is_array() && !v.is_null());
    let containers = list(spec, "containers", &containers_path, out);
    if containers.is_empty() && !wrong_type {
        out.required(
            containers_path.clone(),
            "a pod needs at least one container",
            "add a container, e.g. `containers: [{name: agent, image: registry.example.com/agent:1.0}]`",
        );
    }
    let init_path = format!("{spec_path}.initContainers");
    let init_containers = list(spec, "initContainers", &init_path, out);
    let mut names: HashSet<&str> =
        HashSet::with_capacity(containers.len().saturating_add(init_containers.len()));
    for (i, container) in containers.iter().enumerate() {
        let path = format!("{containers_path}[{i}]");
        if let Some(container) = entry(container, &path, out) {
            validate_container(container, &path, Role::Regular, pod, &mut names, out);
        }
    }
    for (i, container) in init_containers.iter().enumerate() {
        let path = format!("{init_path}[{i}]");
        if let Some(container) = entry(container, &path, out) {
            let restart = text(container, "restartPolicy");
            if !restart.is_empty() && !INIT_RESTART_POLICIES.contains(&restart) {
                out.not_supported(
                    format!("{path}.restartPolicy"),
                    restart,
                    INIT_RESTART_POLICIES,
                    "set `restartPolicy: Always` to make the init container a sidecar that runs \
                     beside the main containers",
                );
            }
            let role = if restart == "Always" {
                Role::Sidecar
            } else {
                Role::Init
            };
            validate_container(container, &path, role, pod, &mut names, out);
        }
    }
    check_host_port_clashes(containers, spec_path, "containers", out);
    if pod.host_network {
        check_host_network_ports(containers, spec_path, "containers", out);
        check_host_network_ports(init_containers, spec_path, "initContainers", out);
    }
}

/// A regular container, an init container, or an init container that keeps running.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Regular,
    Init,
    Sidecar,
}

fn validate_container<'a>(
    container: &'a Map<String, Value>,
    path: &str,
    role: Role,
    pod: &PodContext<'_>,
    names: &mut HashSet<&'a str>,
    out: &mut Collector,
) {
    let name = text(container, "name");
    let name_path = format!("{path}.name");
    if name.is_empty() {
        out.required(
            name_path,
            "a container name is required",
            "name the container, e.g. `name: agent`",
        );
    } else if let Some(reason) = dns1123_label_reason(name) {
        out.invalid(
            name_path,
            name,
            format!("not a valid container name: {reason}"),
            "container names are lower-case DNS labels, e.g. `log-agent`",
        );
    } else if !names.insert(name) {
        out.duplicate(
            name_path,
            name,
            "container names must be unique across containers and init containers",
            "give each container of the pod its own name",
        );
    }
    if text(container, "image").is_empty() {
        out.required(
            format!("{path}.image"),
            "an image is required",
            "give the image to run, e.g. `image: registry.example.com/agent:1.0`",
        );
    }
    // Empty policies are defaulted (IfNotPresent or Always; File).
    let pull = text(container, "imagePullPolicy");
    if !pull.is_empty() && !PULL_POLICIES.contains(&pull) {
        out.not_supported(
            format!("{path}.imagePullPolicy"),
            pull,
            PULL_POLICIES,
            "the values are case-sensitive; leave it out for the default",
        );
    }
    let termination = text(container, "terminationMessagePolicy");
    if !termination.is_empty() && !TERMINATION_MESSAGE_POLICIES.contains(&termination) {
        out.not_supported(
            format!("{path}.terminationMessagePolicy"),
            termination,
            TERMINATION_MESSAGE_POLICIES,
            "the values are case-sensitive; leave it out for File",
        );
    }
    validate_ports(container, path, out);
    validate_env(container, path, out);
    let privileged = validate_container_security(container, path, out);
    validate_mounts(container, path, pod.volumes, privileged, out);
    validate_resources(container, path, out);
    if role == Role::Init {
        for key in [
            "lifecycle",
            "livenessProbe",
            "readinessProbe",
            "startupProbe",
        ] {
            if has(container, key) {
                out.forbidden(
                    format!("{path}.{key}"),
                    "may not be set for init containers without restartPolicy=Always",
                    "an init container runs to completion before the others start: remove it, \
                     or set `restartPolicy: Always` to make the container a sidecar",
                );
            }
        }
    } else {
        validate_lifecycle(container, path, pod.grace_period, out);
        for (kind, key) in ProbeKind::ALL {
            validate_probe(container, kind, key, path, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paths(spec: Value, host_network: bool) -> Vec<String> {
        let Value::Object(spec) = spec else {
            return Vec::new();
        };
        let volumes = HashSet::new();
        let pod = PodContext {
            volumes: &volumes,
            host_network,
            grace_period: 30,
        };
        let mut out = Collector::default();
        validate_containers(&spec, "spec", &pod, &mut out);
        out.errors.into_iter().map(|e| e.path).collect()
    }

    #[test]
    fn a_sidecar_may_have_probes_a_plain_init_container_may_not() {
        let probe = json!({"exec": {"command": ["true"]}});
        let spec = json!({
            "containers": [{"name": "a", "image": "a"}],
            "initContainers": [
                {"name": "plain", "image": "i", "livenessProbe": probe},
                {"name": "sidecar", "image": "s", "restartPolicy": "Always", "livenessProbe": probe},
            ],
        });
        assert_eq!(paths(spec, false), ["spec.initContainers[0].livenessProbe"]);
    }

    #[test]
    fn host_network_checks_init_containers_too_and_defaults_an_absent_host_port() {
        let spec = json!({
            "containers": [{"name": "a", "image": "a", "ports": [{"containerPort": 80}]}],
            "initContainers": [{"name": "i", "image": "i",
                "ports": [{"containerPort": 81, "hostPort": 82}]}],
        });
        assert_eq!(
            paths(spec, true),
            ["spec.initContainers[0].ports[0].containerPort"]
        );
    }

    #[test]
    fn every_problem_of_one_container_is_reported() {
        let spec = json!({"containers": [{"name": "A", "imagePullPolicy": "Sometimes"}]});
        assert_eq!(
            paths(spec, false),
            [
                "spec.containers[0].name",
                "spec.containers[0].image",
                "spec.containers[0].imagePullPolicy"
            ]
        );
    }
}
