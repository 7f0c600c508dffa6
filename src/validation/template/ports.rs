//! Container ports: numbers, names, protocols, host-port clashes, and the host-network rule.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::json::{Field, Item, entry, integer, integer_field, list, text};
use crate::validation::collector::Collector;

/// The protocols a port may use.
const PROTOCOLS: &[&str] = &["TCP", "UDP", "SCTP"];

/// The longest port name (an IANA service name).
const MAX_PORT_NAME_LEN: usize = 15;

/// Why a port name is not an IANA service name; `None` when it is one.
pub(crate) fn port_name_reason(name: &str) -> Option<&'static str> {
    let bytes = name.as_bytes();
    if bytes.len() > MAX_PORT_NAME_LEN {
        return Some("must be no more than 15 characters");
    }
    if !bytes
        .iter()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
    {
        return Some("must contain only lower-case letters, digits and '-'");
    }
    if name.contains("--") {
        return Some("must not contain consecutive hyphens");
    }
    if !bytes.iter().any(u8::is_ascii_lowercase) {
        return Some("must contain at least one letter");
    }
    if bytes.first() == Some(&b'-') || bytes.last() == Some(&b'-') {
        return Some("must not begin or end with a hyphen");
    }
    None
}

/// Whether a number is a valid port (1-65535).
pub(crate) fn is_port_number(port: i64) -> bool {
    (1..=65_535).contains(&port)
}

/// The ports of one container (`path` is the container's path).
pub(crate) fn validate_ports(container: &Map<String, Value>, path: &str, out: &mut Collector) {
    let ports_path = format!("{path}.ports");
    let ports = list(container, "ports", &ports_path, out);
    let mut names: HashSet<&str> = HashSet::with_capacity(ports.len());
    for (i, port) in ports.iter().enumerate() {
        let path = Item(&ports_path, i);
        let Some(port) = entry(port, path, out) else {
            continue;
        };
        let name = text(port, "name");
        if !name.is_empty() {
            if let Some(reason) = port_name_reason(name) {
                out.invalid(
                    format!("{path}.name"),
                    name,
                    format!("not a valid port name: it {reason}"),
                    "port names are IANA service names such as `http` or `metrics`: at most 15 \
                     lower-case letters, digits and single hyphens, with at least one letter",
                );
            } else if !names.insert(name) {
                out.duplicate(
                    format!("{path}.name"),
                    name,
                    "port names must be unique within a container",
                    "give each port of the container its own name",
                );
            }
        }
        let container_port_path = Field(path, "containerPort");
        match integer_field(port, "containerPort", container_port_path, out) {
            None | Some(0) if integer(port, "containerPort").is_ok() => out.required(
                container_port_path.to_string(),
                "a container port is required",
                "give the port the container listens on, e.g. `containerPort: 8080`",
            ),
            Some(number) if !is_port_number(number) => out.invalid(
                container_port_path.to_string(),
                number,
                "must be between 1 and 65535, inclusive",
                "give the port the container listens on, from 1 to 65535",
            ),
            _ => {}
        }
        let host_port_path = Field(path, "hostPort");
        if let Some(number) = integer_field(port, "hostPort", host_port_path, out)
            && number != 0
            && !is_port_number(number)
        {
            out.invalid(
                host_port_path.to_string(),
                number,
                "must be between 1 and 65535, inclusive",
                "give a host port from 1 to 65535, or leave hostPort out",
            );
        }
        let protocol = text(port, "protocol");
        // An empty protocol is defaulted to TCP.
        if !protocol.is_empty() && !PROTOCOLS.contains(&protocol) {
            out.not_supported(
                format!("{path}.protocol"),
                protocol,
                PROTOCOLS,
                "protocols are upper-case: TCP (the default), UDP or SCTP",
            );
        }
    }
}

/// No two ports of the pod's containers may take the same host port, protocol and host IP
/// (`key` is `containers` or `initContainers`).
pub(crate) fn check_host_port_clashes(
    containers: &[Value],
    spec_path: &str,
    key: &str,
    out: &mut Collector,
) {
    let mut taken: HashSet<(&str, &str, i64)> = HashSet::new();
    for (i, j, port) in port_objects(containers) {
        let Ok(Some(host_port)) = integer(port, "hostPort") else {
            continue;
        };
        if host_port == 0 {
            continue;
        }
        let protocol = match text(port, "protocol") {
            "" => "TCP",
            protocol => protocol,
        };
        let host_ip = text(port, "hostIP");
        if !taken.insert((protocol, host_ip, host_port)) {
            out.duplicate(
                format!("{spec_path}.{key}[{i}].ports[{j}].hostPort"),
                format!("{protocol}/{host_ip}/{host_port}"),
                "host port already taken by another port of the pod with the same protocol \
                     and host IP",
                "a host port can be bound once per protocol and host IP: use a different \
                     hostPort, or drop one of the two ports",
            );
        }
    }
}

/// With `hostNetwork: true`, a port's `hostPort` (when given) must equal its `containerPort`.
pub(crate) fn check_host_network_ports(
    containers: &[Value],
    spec_path: &str,
    key: &str,
    out: &mut Collector,
) {
    for (i, j, port) in port_objects(containers) {
        let (Ok(Some(container_port)), Ok(Some(host_port))) =
            (integer(port, "containerPort"), integer(port, "hostPort"))
        else {
            continue;
        };
        // An unset host port is defaulted to the container port under hostNetwork.
        if host_port != 0 && host_port != container_port {
            out.invalid(
                format!("{spec_path}.{key}[{i}].ports[{j}].containerPort"),
                container_port,
                "must match `hostPort` when `hostNetwork` is true",
                format!(
                    "on the host network the container listens on the host's port itself: \
                         set containerPort and hostPort both to {host_port}, or remove hostPort"
                ),
            );
        }
    }
}

/// Every port object of `containers`, with the container's and the port's index (entries that
/// are not objects, and ports that are not a list, are skipped: the per-container rules report
/// them).
fn port_objects(containers: &[Value]) -> impl Iterator<Item = (usize, usize, &Map<String, Value>)> {
    containers.iter().enumerate().flat_map(|(i, container)| {
        container
            .as_object()
            .and_then(|c| c.get("ports"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .filter_map(move |(j, port)| port.as_object().map(|port| (i, j, port)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_names_follow_the_iana_rules() {
        assert_eq!(port_name_reason("http"), None);
        assert_eq!(port_name_reason("metrics-9100"), None);
        assert_eq!(
            port_name_reason("a-very-long-name1"),
            Some("must be no more than 15 characters")
        );
        assert_eq!(
            port_name_reason("HTTP"),
            Some("must contain only lower-case letters, digits and '-'")
        );
        assert_eq!(
            port_name_reason("a--b"),
            Some("must not contain consecutive hyphens")
        );
        assert_eq!(
            port_name_reason("8080"),
            Some("must contain at least one letter")
        );
        assert_eq!(
            port_name_reason("-web"),
            Some("must not begin or end with a hyphen")
        );
    }
}
