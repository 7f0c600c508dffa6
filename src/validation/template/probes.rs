//! Probes (liveness, readiness, startup) and lifecycle hooks: one handler each, with valid ports
//! and non-negative timings.

use serde_json::{Map, Value};

use super::json::{entry, has, integer_field, list, object, text};
use super::ports::{is_port_number, port_name_reason};
use crate::validation::collector::Collector;

/// The handlers a probe may use.
const PROBE_HANDLERS: &[&str] = &["exec", "httpGet", "tcpSocket", "grpc"];

/// The handlers a lifecycle hook may use.
const HOOK_HANDLERS: &[&str] = &["exec", "httpGet", "tcpSocket", "sleep"];

/// The probe fields that may not be negative.
const PROBE_COUNTS: &[&str] = &[
    "initialDelaySeconds",
    "timeoutSeconds",
    "periodSeconds",
    "successThreshold",
    "failureThreshold",
];

/// Which probe is checked: liveness and startup probes must succeed once.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProbeKind {
    /// `livenessProbe`.
    Liveness,
    /// `readinessProbe`.
    Readiness,
    /// `startupProbe`.
    Startup,
}

impl ProbeKind {
    /// Every kind, with its field name.
    pub(crate) const ALL: [(ProbeKind, &'static str); 3] = [
        (ProbeKind::Liveness, "livenessProbe"),
        (ProbeKind::Readiness, "readinessProbe"),
        (ProbeKind::Startup, "startupProbe"),
    ];
}

/// One probe of a container, if present (`path` is the container's path).
pub(crate) fn validate_probe(
    container: &Map<String, Value>,
    kind: ProbeKind,
    key: &str,
    path: &str,
    out: &mut Collector,
) {
    if !has(container, key) {
        return;
    }
    let path = format!("{path}.{key}");
    let Some(probe) = object(container, key, &path, out) else {
        return;
    };
    validate_handler(probe, PROBE_HANDLERS, &path, None, out);
    for field in PROBE_COUNTS {
        let at = format!("{path}.{field}");
        if let Some(value) = integer_field(probe, field, &at, out)
            && value < 0
        {
            out.invalid(
                at,
                value,
                "must be greater than or equal to 0",
                "leave the field out for its default, or give a positive number",
            );
        }
    }
    let at = format!("{path}.successThreshold");
    if kind != ProbeKind::Readiness
        && let Ok(Some(value)) = super::json::integer(probe, "successThreshold")
        && value != 1
        && value >= 0
    {
        out.invalid(
            at,
            value,
            "must be 1",
            "liveness and startup probes succeed once: set successThreshold to 1 or leave it out",
        );
    }
    let at = format!("{path}.terminationGracePeriodSeconds");
    if let Some(value) = integer_field(probe, "terminationGracePeriodSeconds", &at, out)
        && value <= 0
    {
        out.invalid(
            at,
            value,
            "must be greater than 0",
            "give a positive number of seconds, or leave it out to use the pod's",
        );
    }
}

/// The `postStart` and `preStop` hooks of a container (`path` is the container's path).
pub(crate) fn validate_lifecycle(
    container: &Map<String, Value>,
    path: &str,
    grace_period: i64,
    out: &mut Collector,
) {
    if !has(container, "lifecycle") {
        return;
    }
    let path = format!("{path}.lifecycle");
    let Some(lifecycle) = object(container, "lifecycle", &path, out) else {
        return;
    };
    for hook in ["postStart", "preStop"] {
        let path = format!("{path}.{hook}");
        if let Some(handler) = object(lifecycle, hook, &path, out) {
            validate_handler(handler, HOOK_HANDLERS, &path, Some(grace_period), out);
        }
    }
}

/// Exactly one handler of `allowed`, each checked.
fn validate_handler(
    handler: &Map<String, Value>,
    allowed: &[&str],
    path: &str,
    grace_period: Option<i64>,
    out: &mut Collector,
) {
    let mut first: Option<&str> = None;
    for key in allowed {
        if !has(handler, key) {
            continue;
        }
        let at = format!("{path}.{key}");
        if let Some(first) = first {
            out.forbidden(
                at,
                "may not specify more than 1 handler type",
                format!("keep one handler: {first} is already given"),
            );
            continue;
        }
        first = Some(key);
        let Some(action) = object(handler, key, &at, out) else {
            continue;
        };
        match *key {
            "exec" => {
                let command_path = format!("{at}.command");
                if list(action, "command", &command_path, out).is_empty() {
                    out.required(
                        command_path,
                        "a command is required",
                        "give the command as a list, e.g. `command: [cat, /tmp/healthy]`",
                    );
                }
            }
            "httpGet" => {
                check_port(action, &at, true, out);
                let scheme = text(action, "scheme");
                if !scheme.is_empty() && scheme != "HTTP" && scheme != "HTTPS" {
                    out.not_supported(
                        format!("{at}.scheme"),
                        scheme,
                        &["HTTP", "HTTPS"],
                        "the scheme is upper-case HTTP (the default) or HTTPS",
                    );
                }
                let headers_path = format!("{at}.httpHeaders");
                for (i, header) in list(action, "httpHeaders", &headers_path, out)
                    .iter()
                    .enumerate()
                {
                    let header_path = format!("{headers_path}[{i}]");
                    let Some(header) = entry(header, &header_path, out) else {
                        continue;
                    };
                    let name = text(header, "name");
                    if name.is_empty() || !name.bytes().all(is_token_byte) {
                        out.invalid(
                            format!("{header_path}.name"),
                            name,
                            "a valid HTTP header must consist of alphanumeric characters or \
                             '-' (and other token characters)",
                            "give the header's name, e.g. `X-Probe`",
                        );
                    }
                }
            }
            "tcpSocket" => check_port(action, &at, true, out),
            "grpc" => check_port(action, &at, false, out),
            "sleep" => {
                let seconds_path = format!("{at}.seconds");
                let limit = grace_period.unwrap_or(i64::MAX);
                if let Some(seconds) = integer_field(action, "seconds", &seconds_path, out)
                    && !(0..=limit).contains(&seconds)
                {
                    out.invalid(
                        seconds_path,
                        seconds,
                        format!("must be between 0 and the termination grace period ({limit})"),
                        "sleep no longer than terminationGracePeriodSeconds (30 by default)",
                    );
                }
            }
            _ => {}
        }
    }
    if first.is_none() {
        out.required(
            path,
            "must specify a handler type",
            format!("give exactly one of {}", allowed.join(", ")),
        );
    }
}

/// The `port` of an action: a number from 1 to 65535, or (when `named` allows it) the name of
/// one of the container's ports.
fn check_port(action: &Map<String, Value>, path: &str, named: bool, out: &mut Collector) {
    let at = format!("{path}.port");
    match action.get("port") {
        Some(Value::String(name)) if named => {
            if let Some(reason) = port_name_reason(name) {
                out.invalid(
                    at,
                    name,
                    format!("not a valid port name: it {reason}"),
                    "give a port number, or the name of one of the container's ports",
                );
            }
        }
        Some(Value::Number(number)) => {
            let number = number.as_i64().unwrap_or(0);
            if !is_port_number(number) {
                out.invalid(
                    at,
                    number,
                    "must be between 1 and 65535, inclusive",
                    "give the port the container serves the check on",
                );
            }
        }
        None | Some(Value::Null) => out.required(
            at,
            "a port is required",
            "give the port the container serves the check on",
        ),
        Some(other) => out.invalid(
            at,
            other,
            "must be a port number",
            "give the port the container serves the check on, from 1 to 65535",
        ),
    }
}

/// A character of an HTTP token (RFC 7230), the form of a header name.
fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paths(container: Value) -> Vec<String> {
        let Value::Object(container) = container else {
            return Vec::new();
        };
        let mut out = Collector::default();
        for (kind, key) in ProbeKind::ALL {
            validate_probe(&container, kind, key, "c", &mut out);
        }
        validate_lifecycle(&container, "c", 30, &mut out);
        out.errors.into_iter().map(|e| e.path).collect()
    }

    #[test]
    fn one_handler_each() {
        assert_eq!(paths(json!({"startupProbe": {}})), ["c.startupProbe"]);
        assert_eq!(
            paths(json!({"readinessProbe": {"grpc": {"port": 9000}, "tcpSocket": {"port": 9000}}})),
            // Handlers are taken in upstream's order (exec, httpGet, tcpSocket, grpc): the later one is refused.
            ["c.readinessProbe.grpc"]
        );
        // Lifecycle hooks may sleep; probes may not.
        assert_eq!(
            paths(json!({"lifecycle": {"preStop": {"sleep": {"seconds": 5}}}})),
            Vec::<String>::new()
        );
        assert_eq!(
            paths(json!({"livenessProbe": {"sleep": {"seconds": 5}}})),
            ["c.livenessProbe"]
        );
    }

    #[test]
    fn ports_are_numbers_or_names() {
        assert_eq!(
            paths(json!({"livenessProbe": {"httpGet": {"port": "metrics"}}})),
            Vec::<String>::new()
        );
        assert_eq!(
            paths(json!({"livenessProbe": {"grpc": {"port": "metrics"}}})),
            ["c.livenessProbe.grpc.port"]
        );
        assert_eq!(
            paths(json!({"livenessProbe": {"tcpSocket": {}}})),
            ["c.livenessProbe.tcpSocket.port"]
        );
    }
}
