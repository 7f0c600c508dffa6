//! `surge-host-port`: a surging update of a daemon that binds host ports never finishes.

use serde_json::Value;

use super::{Lint, Severity};
use crate::model::DaemonSet;
use crate::planning::allows_surge;

/// Host ports a container binds: `(container, port, protocol)`.
fn host_ports(daemon_set: &DaemonSet) -> Vec<(String, i64, String)> {
    let spec = &daemon_set.spec.template.spec;
    let mut out = Vec::new();
    let containers = spec.other.get("containers").and_then(Value::as_array);
    for container in containers.into_iter().flatten() {
        let name = container
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let ports = container.get("ports").and_then(Value::as_array);
        for port in ports.into_iter().flatten() {
            let host_port = port
                .get("hostPort")
                .and_then(Value::as_i64)
                .filter(|p| *p > 0);
            let container_port = port.get("containerPort").and_then(Value::as_i64);
            let bound = match (host_port, spec.host_network) {
                (Some(p), _) => Some(p),
                (None, true) => container_port,
                (None, false) => None,
            };
            if let Some(p) = bound {
                let protocol = port
                    .get("protocol")
                    .and_then(Value::as_str)
                    .unwrap_or("TCP");
                out.push((name.to_owned(), p, protocol.to_owned()));
            }
        }
    }
    out
}

pub(super) fn surge_host_port(daemon_set: &DaemonSet, out: &mut Vec<Lint>) {
    if !allows_surge(daemon_set) {
        return;
    }
    let ports = host_ports(daemon_set);
    let Some((container, port, protocol)) = ports.first() else {
        return;
    };
    let how = if daemon_set.spec.template.spec.host_network {
        "with hostNetwork"
    } else {
        "as hostPort"
    };
    out.push(Lint::new(
        Severity::Error,
        "surge-host-port",
        format!(
            "maxSurge starts the new pod beside the old one on the same node, but container \
             {container:?} binds host port {port}/{protocol} ({how}): the surge pod can never \
             start there, so the rollout never finishes"
        ),
        "replace pods with maxUnavailable (set maxSurge to 0), or stop binding host ports",
    ));
}
