//! Volumes and how containers mount them: unique DNS-label names, exactly one source each, and
//! mounts and devices that refer to volumes of the pod.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::json::{Field, Item, entry, flag, has, list, object, text};
use crate::syntax::dns1123_label_reason;
use crate::validation::collector::Collector;

/// The volume sources of Kubernetes 1.36; a volume has exactly one.
const VOLUME_SOURCES: &[&str] = &[
    "hostPath",
    "emptyDir",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "persistentVolumeClaim",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "downwardAPI",
    "fc",
    "azureFile",
    "configMap",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "projected",
    "portworxVolume",
    "scaleIO",
    "storageos",
    "csi",
    "ephemeral",
    "image",
];

/// The types a hostPath volume may check for.
const HOST_PATH_TYPES: &[&str] = &[
    "DirectoryOrCreate",
    "Directory",
    "FileOrCreate",
    "File",
    "Socket",
    "CharDevice",
    "BlockDevice",
];

/// The mount propagation modes.
const PROPAGATIONS: &[&str] = &["None", "HostToContainer", "Bidirectional"];

/// The recursive read-only modes.
const RECURSIVE_READ_ONLY: &[&str] = &["Disabled", "IfPossible", "Enabled"];

/// The pod's volumes; returns the names of the valid ones (mounts may refer only to those).
pub(crate) fn validate_volumes<'a>(
    spec: &'a Map<String, Value>,
    spec_path: &str,
    out: &mut Collector,
) -> HashSet<&'a str> {
    let volumes_path = format!("{spec_path}.volumes");
    let volumes = list(spec, "volumes", &volumes_path, out);
    let mut names: HashSet<&str> = HashSet::with_capacity(volumes.len());
    for (i, volume) in volumes.iter().enumerate() {
        let path = Item(&volumes_path, i);
        let Some(volume) = entry(volume, path, out) else {
            continue;
        };
        let before = out.errors.len();
        validate_source(volume, path, out);
        let name = text(volume, "name");
        let name_path = Field(path, "name");
        if name.is_empty() {
            out.required(
                name_path.to_string(),
                "a volume name is required",
                "name the volume so that containers can mount it, e.g. `name: config`",
            );
        } else if let Some(reason) = dns1123_label_reason(name) {
            out.invalid(
                name_path.to_string(),
                name,
                format!("not a valid volume name: {reason}"),
                "volume names are lower-case DNS labels, e.g. `varlog`",
            );
        } else if names.contains(name) {
            out.duplicate(
                name_path.to_string(),
                name,
                "volume names must be unique within the pod",
                "rename one of the volumes (and the mounts that refer to it)",
            );
        }
        if out.errors.len() == before {
            names.insert(name);
        }
    }
    names
}

fn validate_source(volume: &Map<String, Value>, path: Item<'_>, out: &mut Collector) {
    let mut first: Option<&str> = None;
    for source in VOLUME_SOURCES {
        if !has(volume, source) {
            continue;
        }
        if let Some(first) = first {
            out.forbidden(
                format!("{path}.{source}"),
                "may not specify more than 1 volume type",
                format!(
                    "a volume has one source and this one already has {first}: declare a \
                     second volume for {source}"
                ),
            );
            continue;
        }
        first = Some(source);
        let at = format!("{path}.{source}");
        let Some(settings) = object(volume, source, &at, out) else {
            continue;
        };
        let required: &[(&str, &str)] = match *source {
            "hostPath" => &[("path", "the host directory or file, e.g. `/var/log`")],
            "secret" => &[("secretName", "the name of the Secret to mount")],
            "configMap" => &[("name", "the name of the ConfigMap to mount")],
            "persistentVolumeClaim" => &[("claimName", "the name of the claim to mount")],
            "nfs" => &[
                ("server", "the NFS server's host name or address"),
                ("path", "the exported path"),
            ],
            "csi" => &[(
                "driver",
                "the CSI driver's name, e.g. `secrets-store.csi.k8s.io`",
            )],
            _ => &[],
        };
        for (field, what) in required {
            if text(settings, field).is_empty() {
                out.required(
                    format!("{at}.{field}"),
                    format!("{source}.{field} is required"),
                    format!("give {what}"),
                );
            }
        }
        if matches!(*source, "configMap" | "secret") {
            validate_projection(settings, &at, out);
        }
        if *source == "hostPath" {
            let kind = text(settings, "type");
            if !kind.is_empty() && !HOST_PATH_TYPES.contains(&kind) {
                out.not_supported(
                    format!("{at}.type"),
                    kind,
                    HOST_PATH_TYPES,
                    "leave type out (or empty) to skip the check, or use one of these",
                );
            }
        }
    }
    if first.is_none() {
        out.required(
            path.to_string(),
            "must specify a volume type",
            "give the volume a source such as `emptyDir: {}`, `hostPath: {path: /var/log}` or \
             `configMap: {name: my-config}`",
        );
    }
}

/// The file mode and the key-to-path items of a ConfigMap or Secret volume.
fn validate_projection(settings: &Map<String, Value>, path: &str, out: &mut Collector) {
    let mode_path = format!("{path}.defaultMode");
    if let Some(mode) = super::json::integer_field(settings, "defaultMode", &mode_path, out)
        && !(0..=0o777).contains(&mode)
    {
        out.invalid(
            mode_path,
            mode,
            "must be a number between 0 and 0777 (octal), both inclusive",
            "write the mode in octal with a leading 0, e.g. `defaultMode: 0644`",
        );
    }
    let items_path = format!("{path}.items");
    for (i, item) in list(settings, "items", &items_path, out).iter().enumerate() {
        let at = format!("{items_path}[{i}]");
        let Some(item) = entry(item, &at, out) else {
            continue;
        };
        if text(item, "key").is_empty() {
            out.required(
                format!("{at}.key"),
                "a key is required",
                "name the key of the ConfigMap or Secret to project",
            );
        }
        let file = text(item, "path");
        if file.is_empty() {
            out.required(
                format!("{at}.path"),
                "a path is required",
                "give the file's path inside the volume, e.g. `path: app.conf`",
            );
        } else {
            check_descending_path(file, &format!("{at}.path"), out);
        }
    }
}

/// The volume mounts and devices of one container (`path` is the container's path).
pub(crate) fn validate_mounts(
    container: &Map<String, Value>,
    path: &str,
    volumes: &HashSet<&str>,
    privileged: bool,
    out: &mut Collector,
) {
    let mounts_path = format!("{path}.volumeMounts");
    let mounts = list(container, "volumeMounts", &mounts_path, out);
    let mut mount_paths: HashSet<&str> = HashSet::with_capacity(mounts.len());
    for (i, mount) in mounts.iter().enumerate() {
        let path = Item(&mounts_path, i);
        let Some(mount) = entry(mount, path, out) else {
            continue;
        };
        check_volume_name(
            mount,
            path,
            volumes,
            "the name of the volume to mount is required",
            out,
        );
        unique_path(
            mount,
            Field(path, "mountPath"),
            &mut mount_paths,
            (
                "a mount path is required",
                "give the path inside the container, e.g. `mountPath: /var/log`",
            ),
            "two mounts of a container cannot share a path",
            out,
        );
        let sub_path = text(mount, "subPath");
        if !sub_path.is_empty() {
            check_descending_path(sub_path, &format!("{path}.subPath"), out);
        }
        let sub_path_expr = text(mount, "subPathExpr");
        if !sub_path_expr.is_empty() && !sub_path.is_empty() {
            out.invalid(
                format!("{path}.subPathExpr"),
                sub_path_expr,
                "subPathExpr and subPath are mutually exclusive",
                "keep subPath for a fixed path or subPathExpr to expand variables, not both",
            );
        }
        if !sub_path_expr.is_empty() {
            check_descending_path(sub_path_expr, &format!("{path}.subPathExpr"), out);
        }
        let propagation = text(mount, "mountPropagation");
        if !propagation.is_empty() {
            if !PROPAGATIONS.contains(&propagation) {
                out.not_supported(
                    format!("{path}.mountPropagation"),
                    propagation,
                    PROPAGATIONS,
                    "the values are case-sensitive",
                );
            } else if propagation == "Bidirectional" && !privileged {
                out.forbidden(
                    format!("{path}.mountPropagation"),
                    "Bidirectional mount propagation is available only to privileged containers",
                    "set securityContext.privileged: true on the container, or use \
                     HostToContainer",
                );
            }
        }
        let recursive = text(mount, "recursiveReadOnly");
        if !recursive.is_empty() {
            if !RECURSIVE_READ_ONLY.contains(&recursive) {
                out.not_supported(
                    format!("{path}.recursiveReadOnly"),
                    recursive,
                    RECURSIVE_READ_ONLY,
                    "the values are case-sensitive",
                );
            } else if recursive != "Disabled" && !flag(mount, "readOnly") {
                out.forbidden(
                    format!("{path}.recursiveReadOnly"),
                    "may only be specified when readOnly is true",
                    "set readOnly: true on the mount, or remove recursiveReadOnly",
                );
            } else if recursive != "Disabled" && !matches!(propagation, "" | "None") {
                out.forbidden(
                    format!("{path}.recursiveReadOnly"),
                    "may only be specified when mountPropagation is None or not specified",
                    "remove mountPropagation, or set recursiveReadOnly: Disabled",
                );
            }
        }
    }
    if !has(container, "volumeDevices") {
        return;
    }
    let devices_path = format!("{path}.volumeDevices");
    let devices = list(container, "volumeDevices", &devices_path, out);
    let mut device_paths: HashSet<&str> = HashSet::with_capacity(devices.len());
    for (i, device) in devices.iter().enumerate() {
        let path = Item(&devices_path, i);
        let Some(device) = entry(device, path, out) else {
            continue;
        };
        check_volume_name(
            device,
            path,
            volumes,
            "the name of the volume is required",
            out,
        );
        let device_path = Field(path, "devicePath");
        if let Some(taken) = unique_path(
            device,
            device_path,
            &mut device_paths,
            (
                "a device path is required",
                "give the device's path inside the container, e.g. `/dev/xvda`",
            ),
            "two devices of a container cannot share a path",
            out,
        ) && mount_paths.contains(taken)
        {
            out.invalid(
                device_path.to_string(),
                taken,
                "must not be already mounted as a volume mount path",
                "use a path no volume mount of the container uses",
            );
        }
    }
}

/// The `name` of a volume mount or device (`path` is the entry's path): required, and one of
/// the pod's valid volumes.
fn check_volume_name(
    item: &Map<String, Value>,
    path: Item<'_>,
    volumes: &HashSet<&str>,
    required: &str,
    out: &mut Collector,
) {
    let name = text(item, "name");
    if name.is_empty() {
        out.required(
            Field(path, "name").to_string(),
            required,
            "give the name of one of spec.volumes",
        );
    } else if !volumes.contains(name) {
        out.not_found(
            Field(path, "name").to_string(),
            name,
            "no volume of the pod has this name",
            "declare the volume in spec.template.spec.volumes, or fix the name",
        );
    }
}

/// A path inside the container (a mount's `mountPath`, a device's `devicePath`): required, and
/// unique among the container's entries of its kind (`seen`). Returns it when it is both.
fn unique_path<'a>(
    item: &'a Map<String, Value>,
    path: Field<'_>,
    seen: &mut HashSet<&'a str>,
    (required, required_hint): (&str, &str),
    duplicate_hint: &str,
    out: &mut Collector,
) -> Option<&'a str> {
    let value = text(item, path.1);
    if value.is_empty() {
        out.required(path.to_string(), required, required_hint);
        None
    } else if !seen.insert(value) {
        out.invalid(path.to_string(), value, "must be unique", duplicate_hint);
        None
    } else {
        Some(value)
    }
}

/// A sub-path must stay inside the volume: relative, without a `..` element.
fn check_descending_path(sub_path: &str, path: &str, out: &mut Collector) {
    if sub_path.is_empty() {
        return;
    }
    if sub_path.starts_with('/') || sub_path.starts_with('\\') {
        out.invalid(
            path,
            sub_path,
            "must be a relative path",
            "give the path inside the volume without a leading '/'",
        );
    } else if sub_path.split(['/', '\\']).any(|part| part == "..") {
        out.invalid(
            path,
            sub_path,
            "must not contain '..'",
            "a sub-path cannot leave the volume",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_valid_volumes_can_be_mounted() {
        let Value::Object(spec) = json!({"volumes": [
            {"name": "ok", "emptyDir": {}},
            {"name": "two", "emptyDir": {}, "hostPath": {"path": "/x"}},
        ]}) else {
            return;
        };
        let mut out = Collector::default();
        let names = validate_volumes(&spec, "spec", &mut out);
        assert_eq!(names, HashSet::from(["ok"]));
        assert_eq!(out.errors.len(), 1);
        // Sources are taken in upstream's order (hostPath before emptyDir): the later is refused.
        assert_eq!(out.errors[0].path, "spec.volumes[1].emptyDir");
    }

    #[test]
    fn sub_paths_stay_inside_the_volume() {
        let mut out = Collector::default();
        check_descending_path("a/b", "p", &mut out);
        check_descending_path("a/../../b", "p", &mut out);
        check_descending_path("/etc", "p", &mut out);
        check_descending_path("..a/b", "p", &mut out);
        let messages: Vec<_> = out.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            ["must not contain '..'", "must be a relative path"]
        );
    }
}
