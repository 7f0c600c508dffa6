//! Container resources: resource names, quantities, and requests within limits.

use std::cmp::Ordering;
use std::collections::HashMap;

use serde_json::{Map, Value};

use super::json::{object, scalar_text};
use super::quantity::{QUANTITY_FORM, Quantity, parse_quantity};
use crate::syntax::label_key_reason;
use crate::validation::collector::Collector;

/// The resources a container may name without a domain prefix.
const STANDARD_RESOURCES: &[&str] = &["cpu", "memory", "ephemeral-storage"];

/// Whether a resource may be requested below its limit (cpu, memory, ephemeral storage and other
/// native resources); huge pages and extended resources may not.
fn overcommit_allowed(name: &str) -> bool {
    is_native(name) && !name.starts_with("hugepages-")
}

/// A resource without a domain, or in the `kubernetes.io` domain.
fn is_native(name: &str) -> bool {
    !name.contains('/') || name.contains("kubernetes.io/")
}

/// An extended resource: a domain-prefixed name outside `kubernetes.io`, such as
/// `nvidia.com/gpu`.
fn is_extended(name: &str) -> bool {
    !is_native(name) && !name.starts_with("requests.")
}

/// Why a container resource name is invalid; `None` when valid.
fn resource_name_reason(name: &str) -> Option<String> {
    if let Some(reason) = label_key_reason(name) {
        return Some(format!("not a valid resource name: {reason}"));
    }
    if !name.contains('/') {
        if !STANDARD_RESOURCES.contains(&name) && !name.starts_with("hugepages-") {
            return Some("must be a standard resource for containers".to_owned());
        }
    } else if !is_native(name) && !is_extended(name) {
        return Some("doesn't follow extended resource name standard".to_owned());
    }
    None
}

/// The `resources` of one container (`path` is the container's path).
pub(crate) fn validate_resources(container: &Map<String, Value>, path: &str, out: &mut Collector) {
    if !super::json::has(container, "resources") {
        return;
    }
    let path = format!("{path}.resources");
    let Some(resources) = object(container, "resources", &path, out) else {
        return;
    };
    // Looked up by name; requests are walked in the order written, for a stable report.
    let limits: HashMap<&str, Option<Quantity>> = quantities(resources, "limits", &path, out)
        .into_iter()
        .collect();
    let requests = quantities(resources, "requests", &path, out);
    for (name, request) in &requests {
        let Some(request) = request else {
            continue;
        };
        let at = format!("{path}.requests[{name}]");
        let limit = limits.get(*name).copied();
        let written = |key: &str, name: &str| {
            resources
                .get(key)
                .and_then(|values| values.get(name))
                .and_then(scalar_text)
                .unwrap_or_default()
        };
        match limit {
            Some(Some(limit)) if request.compare(limit) == Ordering::Greater => out.invalid(
                at,
                written("requests", name),
                format!(
                    "must be less than or equal to the {name} limit of {}",
                    written("limits", name)
                ),
                format!(
                    "a container's request cannot exceed its limit: lower requests.{name} or \
                     raise limits.{name}"
                ),
            ),
            Some(Some(limit)) if !overcommit_allowed(name) && request.compare(limit).is_ne() => {
                out.invalid(
                    at,
                    written("requests", name),
                    format!(
                        "must be equal to the {name} limit of {}",
                        written("limits", name)
                    ),
                    format!(
                        "{name} cannot be overcommitted: give requests and limits the same value, \
                         or only the limit (the request defaults to it)"
                    ),
                );
            }
            None if !overcommit_allowed(name) => out.forbidden(
                format!("{path}.limits[{name}]"),
                "a limit must be set for resources that cannot be overcommitted",
                format!("add limits.{name} equal to the request"),
            ),
            _ => {}
        }
    }
}

/// The quantities of `requests` or `limits`, checked one by one: the name, the form, not
/// negative, whole numbers for extended resources. An unparsable quantity reads as `None`.
fn quantities<'a>(
    resources: &'a Map<String, Value>,
    key: &str,
    path: &str,
    out: &mut Collector,
) -> Vec<(&'a str, Option<Quantity>)> {
    let Some(map) = object(resources, key, format!("{path}.{key}"), out) else {
        return Vec::new();
    };
    let mut found = Vec::with_capacity(map.len());
    for (name, value) in map {
        let at = format!("{path}.{key}[{name}]");
        if let Some(reason) = resource_name_reason(name) {
            out.invalid(
                at.clone(),
                name,
                reason,
                "containers use cpu, memory, ephemeral-storage, hugepages-<size>, or an \
                 extended resource with a domain such as `nvidia.com/gpu`",
            );
        }
        let text = scalar_text(value).unwrap_or_default();
        let Some(quantity) = parse_quantity(&text) else {
            out.invalid(
                at,
                &text,
                format!("quantities {QUANTITY_FORM}"),
                "write a number with an optional suffix, e.g. `500m` (cpu) or `256Mi` (memory)",
            );
            found.push((name.as_str(), None));
            continue;
        };
        if quantity.is_negative() {
            out.invalid(
                at,
                &text,
                "must be greater than or equal to 0",
                "resource quantities cannot be negative",
            );
        } else if is_extended(name) && !quantity.is_integer() {
            out.invalid(
                at,
                &text,
                "must be an integer",
                "extended resources are counted in whole units",
            );
        }
        found.push((name.as_str(), Some(quantity)));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_names() {
        assert_eq!(resource_name_reason("cpu"), None);
        assert_eq!(resource_name_reason("hugepages-2Mi"), None);
        assert_eq!(resource_name_reason("nvidia.com/gpu"), None);
        assert!(resource_name_reason("gpu").is_some());
        assert!(resource_name_reason("CPU").is_some());
    }

    #[test]
    fn overcommit() {
        assert!(overcommit_allowed("cpu"));
        assert!(!overcommit_allowed("hugepages-1Gi"));
        assert!(!overcommit_allowed("example.com/dongle"));
    }
}
