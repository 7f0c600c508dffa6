//! Security contexts of the pod and of its containers.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::json::{entry, flag, integer_field, list, object, text};
use crate::validation::collector::Collector;

/// The largest user or group id.
const MAX_ID: i64 = 2_147_483_647;

/// The seccomp and AppArmor profile types.
const PROFILE_TYPES: &[&str] = &["RuntimeDefault", "Unconfined", "Localhost"];

/// The `/proc` mount types.
const PROC_MOUNTS: &[&str] = &["Default", "Unmasked"];

/// The volume ownership change policies.
const FS_GROUP_CHANGE_POLICIES: &[&str] = &["OnRootMismatch", "Always"];

/// The SELinux relabelling policies.
const SELINUX_CHANGE_POLICIES: &[&str] = &["MountOption", "Recursive"];

/// The supplemental group policies.
const SUPPLEMENTAL_GROUPS_POLICIES: &[&str] = &["Merge", "Strict"];

/// The security context of one container (`path` is the container's path). Returns whether
/// the container is privileged.
pub(crate) fn validate_container_security(
    container: &Map<String, Value>,
    path: &str,
    out: &mut Collector,
) -> bool {
    if !super::json::has(container, "securityContext") {
        return false;
    }
    let path = format!("{path}.securityContext");
    let Some(context) = object(container, "securityContext", &path, out) else {
        return false;
    };
    for field in ["runAsUser", "runAsGroup"] {
        check_id(context, field, &path, out);
    }
    let privileged = flag(context, "privileged");
    if matches!(
        context.get("allowPrivilegeEscalation"),
        Some(Value::Bool(false))
    ) {
        if privileged {
            out.invalid(
                path.clone(),
                "privileged: true",
                "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
                "a privileged container always has every privilege: drop one of the two",
            );
        }
        let adds_sys_admin = context
            .get("capabilities")
            .and_then(|c| c.get("add"))
            .and_then(Value::as_array)
            .is_some_and(|add| add.iter().any(|c| c.as_str() == Some("CAP_SYS_ADMIN")));
        if adds_sys_admin {
            out.invalid(
                path.clone(),
                "CAP_SYS_ADMIN",
                "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` \
                 CAP_SYS_ADMIN",
                "CAP_SYS_ADMIN allows escalation: drop it or allow escalation",
            );
        }
    }
    let proc_mount = text(context, "procMount");
    if !proc_mount.is_empty() && !PROC_MOUNTS.contains(&proc_mount) {
        out.not_supported(
            format!("{path}.procMount"),
            proc_mount,
            PROC_MOUNTS,
            "the values are case-sensitive",
        );
    }
    for profile in ["seccompProfile", "appArmorProfile"] {
        check_profile(context, profile, &path, out);
    }
    privileged
}

/// The pod's security context (`spec_path` is the pod spec's path).
pub(crate) fn validate_pod_security(
    spec: &Map<String, Value>,
    spec_path: &str,
    out: &mut Collector,
) {
    if matches!(spec.get("shareProcessNamespace"), Some(Value::Bool(true))) && flag(spec, "hostPID")
    {
        out.invalid(
            format!("{spec_path}.shareProcessNamespace"),
            true,
            "ShareProcessNamespace and HostPID cannot both be enabled",
            "with hostPID the containers already see every process of the node: drop \
             shareProcessNamespace",
        );
    }
    let path = format!("{spec_path}.securityContext");
    let Some(context) = object(spec, "securityContext", &path, out) else {
        return;
    };
    for field in ["runAsUser", "runAsGroup", "fsGroup"] {
        check_id(context, field, &path, out);
    }
    let groups_path = format!("{path}.supplementalGroups");
    for (i, group) in list(context, "supplementalGroups", &groups_path, out)
        .iter()
        .enumerate()
    {
        if let Some(id) = group.as_i64()
            && !(0..=MAX_ID).contains(&id)
        {
            out.invalid(
                format!("{groups_path}[{i}]"),
                id,
                format!("must be between 0 and {MAX_ID}, inclusive"),
                "group ids are non-negative 32-bit numbers",
            );
        }
    }
    for (field, values) in [
        ("fsGroupChangePolicy", FS_GROUP_CHANGE_POLICIES),
        ("seLinuxChangePolicy", SELINUX_CHANGE_POLICIES),
        ("supplementalGroupsPolicy", SUPPLEMENTAL_GROUPS_POLICIES),
    ] {
        let value = text(context, field);
        if !value.is_empty() && !values.contains(&value) {
            out.not_supported(
                format!("{path}.{field}"),
                value,
                values,
                "the values are case-sensitive",
            );
        }
    }
    let sysctls_path = format!("{path}.sysctls");
    let sysctls = list(context, "sysctls", &sysctls_path, out);
    let mut names: HashSet<&str> = HashSet::with_capacity(sysctls.len());
    for (i, sysctl) in sysctls.iter().enumerate() {
        let at = format!("{sysctls_path}[{i}]");
        let Some(sysctl) = entry(sysctl, &at, out) else {
            continue;
        };
        let name = text(sysctl, "name");
        if name.is_empty() {
            out.required(
                format!("{at}.name"),
                "a sysctl name is required",
                "give the kernel parameter, e.g. `net.core.somaxconn`",
            );
        } else if !is_sysctl_name(name) {
            out.invalid(
                format!("{at}.name"),
                name,
                "must have at most 253 characters and match the sysctl form: lower-case \
                 segments separated by '.' or '/'",
                "give the kernel parameter as `sysctl -a` prints it, e.g. `net.core.somaxconn`",
            );
        } else if !names.insert(name) {
            out.duplicate(
                format!("{at}.name"),
                name,
                "sysctls must be unique",
                "set each kernel parameter once",
            );
        }
    }
    for profile in ["seccompProfile", "appArmorProfile"] {
        check_profile(context, profile, &path, out);
    }
}

/// A user or group id: 0 to 2147483647.
fn check_id(context: &Map<String, Value>, field: &str, path: &str, out: &mut Collector) {
    let at = format!("{path}.{field}");
    if let Some(id) = integer_field(context, field, &at, out)
        && !(0..=MAX_ID).contains(&id)
    {
        out.invalid(
            at,
            id,
            format!("must be between 0 and {MAX_ID}, inclusive"),
            "ids are non-negative 32-bit numbers; 0 is root",
        );
    }
}

/// A seccomp or AppArmor profile: a known type, and a local profile exactly for `Localhost`.
fn check_profile(context: &Map<String, Value>, key: &str, path: &str, out: &mut Collector) {
    let path = format!("{path}.{key}");
    let Some(profile) = object(context, key, &path, out) else {
        return;
    };
    let kind = text(profile, "type");
    let local = text(profile, "localhostProfile");
    if kind.is_empty() {
        out.required(
            format!("{path}.type"),
            "type is required when a profile is given",
            "use RuntimeDefault, Unconfined, or Localhost with localhostProfile",
        );
    } else if !PROFILE_TYPES.contains(&kind) {
        out.not_supported(
            format!("{path}.type"),
            kind,
            PROFILE_TYPES,
            "the values are case-sensitive",
        );
    } else if kind == "Localhost" && local.is_empty() {
        out.required(
            format!("{path}.localhostProfile"),
            "localhostProfile must be set when type is Localhost",
            "name the profile installed on the node",
        );
    } else if kind != "Localhost" && super::json::has(profile, "localhostProfile") {
        out.invalid(
            format!("{path}.localhostProfile"),
            local,
            "can only be set when type is Localhost",
            "remove localhostProfile, or set type: Localhost",
        );
    }
}

/// A sysctl name: segments of lower-case letters, digits, '_' and '-' separated by '.' or '/',
/// each starting and ending with a letter or digit (a trailing `*` is not allowed here).
fn is_sysctl_name(name: &str) -> bool {
    let segment = |part: &str| {
        let bytes = part.as_bytes();
        match (bytes.first(), bytes.last()) {
            (Some(first), Some(last)) => {
                (first.is_ascii_lowercase() || first.is_ascii_digit())
                    && (last.is_ascii_lowercase() || last.is_ascii_digit())
                    && bytes.iter().all(|b| {
                        b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_' || *b == b'-'
                    })
            }
            _ => false,
        }
    };
    name.len() <= 253 && name.split(['.', '/']).all(segment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sysctl_names() {
        assert!(is_sysctl_name("net.core.somaxconn"));
        assert!(is_sysctl_name("net/ipv4/ip_forward"));
        assert!(is_sysctl_name("net.ipv4.conf.eth0_1.forwarding"));
        assert!(!is_sysctl_name("Net.core"));
        assert!(!is_sysctl_name("net..core"));
    }
}
