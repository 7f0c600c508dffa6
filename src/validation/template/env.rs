//! Environment variables: `env` names and sources, and `envFrom`.

use serde_json::{Map, Value};

use super::json::{Item, entry, has, list, object, text};
use crate::syntax::dns1123_subdomain_reason;
use crate::validation::collector::Collector;
use crate::validation::errors::FieldErrorKind;

/// The pod fields an environment variable may read through `fieldRef` (besides one label or
/// annotation, `metadata.labels['key']`).
const ENV_FIELD_PATHS: &[&str] = &[
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];

/// The container resources an environment variable may read through `resourceFieldRef`
/// (besides `limits.hugepages-*` and `requests.hugepages-*`).
const ENV_RESOURCES: &[&str] = &[
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
];

/// The sources of `valueFrom`.
const VALUE_SOURCES: &[&str] = &[
    "fieldRef",
    "resourceFieldRef",
    "configMapKeyRef",
    "secretKeyRef",
    "fileKeyRef",
];

/// Why an environment variable name (or `envFrom` prefix) is invalid: since Kubernetes 1.34 any
/// printable ASCII character but '=' is allowed.
pub(crate) fn env_name_reason(name: &str) -> Option<&'static str> {
    if name
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'=')
    {
        None
    } else {
        Some("must consist only of printable ASCII characters other than '='")
    }
}

/// Why a ConfigMap or Secret key is invalid; `None` when valid.
fn config_map_key_reason(key: &str) -> Option<&'static str> {
    if key.len() > 253 {
        Some("must be no more than 253 characters")
    } else if !key
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        Some("must consist of letters, digits, '-', '_' or '.'")
    } else if key == "." || key == ".." {
        Some("must not be '.' or '..'")
    } else {
        None
    }
}

/// The `env` and `envFrom` of one container (`path` is the container's path).
pub(crate) fn validate_env(container: &Map<String, Value>, path: &str, out: &mut Collector) {
    let env_path = format!("{path}.env");
    for (i, variable) in list(container, "env", &env_path, out).iter().enumerate() {
        let path = Item(&env_path, i);
        let Some(variable) = entry(variable, path, out) else {
            continue;
        };
        let name = text(variable, "name");
        if name.is_empty() {
            out.required(
                format!("{path}.name"),
                "an environment variable name is required",
                "give the variable a name, e.g. `name: LOG_LEVEL`",
            );
        } else if let Some(reason) = env_name_reason(name) {
            out.invalid(
                format!("{path}.name"),
                name,
                format!("not a valid environment variable name: it {reason}"),
                "use letters, digits and '_' such as `LOG_LEVEL`",
            );
        }
        if has(variable, "valueFrom") {
            validate_value_from(variable, &path.to_string(), out);
        }
    }
    if !has(container, "envFrom") {
        return;
    }
    let from_path = format!("{path}.envFrom");
    for (i, source) in list(container, "envFrom", &from_path, out)
        .iter()
        .enumerate()
    {
        let path = format!("{from_path}[{i}]");
        let Some(source) = entry(source, &path, out) else {
            continue;
        };
        let prefix = text(source, "prefix");
        if let Some(reason) = env_name_reason(prefix) {
            out.invalid(
                format!("{path}.prefix"),
                prefix,
                format!("not a valid environment variable prefix: it {reason}"),
                "use letters, digits and '_' such as `APP_`",
            );
        }
        let sources: Vec<&str> = ["configMapRef", "secretRef"]
            .into_iter()
            .filter(|key| has(source, key))
            .collect();
        match sources.as_slice() {
            [] => out.push(
                FieldErrorKind::Invalid,
                path,
                None,
                "must specify one of: `configMapRef` or `secretRef`",
                "name the ConfigMap (`configMapRef: {name: my-config}`) or Secret to read \
                 variables from",
            ),
            [one] => {
                let ref_path = format!("{path}.{one}");
                if let Some(reference) = object(source, one, &ref_path, out) {
                    let name = text(reference, "name");
                    if name.is_empty() {
                        out.required(
                            format!("{ref_path}.name"),
                            "the name of the object to read is required",
                            "give the ConfigMap's or Secret's name",
                        );
                    } else {
                        check_object_name(name, &format!("{ref_path}.name"), out);
                    }
                }
            }
            _ => out.forbidden(
                path,
                "may not have more than one field specified at a time",
                "one envFrom entry reads one object: split configMapRef and secretRef into two \
                 entries",
            ),
        }
    }
}

fn validate_value_from(variable: &Map<String, Value>, path: &str, out: &mut Collector) {
    let from_path = format!("{path}.valueFrom");
    let Some(value_from) = object(variable, "valueFrom", &from_path, out) else {
        return;
    };
    let sources: Vec<&str> = VALUE_SOURCES
        .iter()
        .copied()
        .filter(|key| has(value_from, key))
        .collect();
    let value = text(variable, "value");
    match sources.as_slice() {
        [] => {
            out.push(
                FieldErrorKind::Invalid,
                from_path,
                None,
                "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or \
                 `secretKeyRef`",
                "say where the value comes from, e.g. `valueFrom: {fieldRef: {fieldPath: \
                 spec.nodeName}}`, or give `value` instead",
            );
            return;
        }
        _ if !value.is_empty() => {
            out.push(
                FieldErrorKind::Invalid,
                from_path.clone(),
                None,
                "may not be specified when `value` is not empty",
                "give either a literal `value` or `valueFrom`, not both",
            );
        }
        [_, _, ..] => {
            out.push(
                FieldErrorKind::Invalid,
                from_path.clone(),
                None,
                "may not have more than one field specified at a time",
                format!(
                    "a variable takes its value from one source: keep one of {}",
                    sources.join(", ")
                ),
            );
        }
        _ => {}
    }
    for source in sources {
        let path = format!("{from_path}.{source}");
        let Some(reference) = object(value_from, source, &path, out) else {
            continue;
        };
        match source {
            "fieldRef" => validate_field_ref(reference, &path, out),
            "resourceFieldRef" => validate_resource_field_ref(reference, &path, out),
            "configMapKeyRef" | "secretKeyRef" => validate_key_ref(reference, &path, out),
            _ => {}
        }
    }
}

fn validate_field_ref(reference: &Map<String, Value>, path: &str, out: &mut Collector) {
    let field_path = text(reference, "fieldPath");
    let at = format!("{path}.fieldPath");
    if field_path.is_empty() {
        out.required(
            at,
            "a field path is required",
            "name the pod field to read, e.g. `fieldPath: spec.nodeName`",
        );
        return;
    }
    let subscripted = ["metadata.labels['", "metadata.annotations['"]
        .iter()
        .any(|prefix| {
            field_path
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix("']"))
                .is_some_and(|key| !key.is_empty())
        });
    if !subscripted && !ENV_FIELD_PATHS.contains(&field_path) {
        out.not_supported(
            at,
            field_path,
            ENV_FIELD_PATHS,
            "environment variables can read these pod fields, or one label or annotation as \
             `metadata.labels['key']`",
        );
    }
}

fn validate_resource_field_ref(reference: &Map<String, Value>, path: &str, out: &mut Collector) {
    let resource = text(reference, "resource");
    let at = format!("{path}.resource");
    if resource.is_empty() {
        out.required(
            at,
            "a resource is required",
            "name the resource to read, e.g. `resource: limits.memory`",
        );
        return;
    }
    let hugepages = ["limits.hugepages-", "requests.hugepages-"]
        .iter()
        .any(|prefix| resource.starts_with(prefix));
    if !hugepages && !ENV_RESOURCES.contains(&resource) {
        out.not_supported(
            at,
            resource,
            ENV_RESOURCES,
            "environment variables can read a container's cpu, memory, ephemeral-storage or \
             hugepages requests and limits",
        );
    }
}

fn validate_key_ref(reference: &Map<String, Value>, path: &str, out: &mut Collector) {
    check_object_name(text(reference, "name"), &format!("{path}.name"), out);
    let key = text(reference, "key");
    if key.is_empty() {
        out.required(
            format!("{path}.key"),
            "a key is required",
            "name the key of the ConfigMap or Secret to read",
        );
    } else if let Some(reason) = config_map_key_reason(key) {
        out.invalid(
            format!("{path}.key"),
            key,
            format!("not a valid key: it {reason}"),
            "keys are letters, digits, '-', '_' and '.', such as `log-level`",
        );
    }
}

/// A ConfigMap or Secret name must be a DNS subdomain.
fn check_object_name(name: &str, path: &str, out: &mut Collector) {
    let reason = if name.is_empty() {
        Some("it must not be empty")
    } else {
        dns1123_subdomain_reason(name)
    };
    if let Some(reason) = reason {
        out.invalid(
            path,
            name,
            format!("not a valid object name: {reason}"),
            "give the ConfigMap's or Secret's name as `kubectl get` prints it",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names_are_printable_ascii_without_equals() {
        assert_eq!(env_name_reason("LOG_LEVEL"), None);
        assert_eq!(env_name_reason("my.var-1"), None);
        assert_eq!(env_name_reason("1ST"), None);
        assert!(env_name_reason("A=B").is_some());
        assert!(env_name_reason("tab\there").is_some());
        assert!(env_name_reason("é").is_some());
    }

    #[test]
    fn config_map_keys() {
        assert_eq!(config_map_key_reason("log-level.conf"), None);
        assert!(config_map_key_reason("a/b").is_some());
        assert!(config_map_key_reason("..").is_some());
    }
}
