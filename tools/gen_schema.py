#!/usr/bin/env python3
"""Generates src/schema/table.rs: the field names of every object type a DaemonSet manifest
can hold, for Kubernetes 1.36 (read from k8s-openapi 0.29's generated source, which names each
field's JSON key and Rust type) and for OpenKruise's DaemonSet CRD (apps.kruise.io v1alpha1 and
v1beta1 share one schema; its extra types are written out below from the CRD).

Usage: python3 tools/gen_schema.py [K8S_OPENAPI_SRC_DIR] > src/schema/table.rs
The default source directory is the k8s-openapi 0.29 crate in ~/.cargo/registry.
"""
import glob
import os
import re
import sys

ROOT = "api::apps::v1::DaemonSet"

# OpenKruise's DaemonSet (config/crd/bases/apps.kruise.io_daemonsets.yaml). Child types are
# either names of Kubernetes types, names of types defined here, or None for a leaf (scalars,
# free-form maps). "template" is schemaless in the CRD (x-kubernetes-preserve-unknown-fields):
# marked with a leading "~", its fields are walked but the API server keeps what it does not know.
KRUISE = {
    "kruise::DaemonSet": {
        "apiVersion": None,
        "kind": None,
        "metadata": "apimachinery::pkg::apis::meta::v1::ObjectMeta",
        "spec": "kruise::DaemonSetSpec",
        "status": "kruise::DaemonSetStatus",
    },
    "kruise::DaemonSetSpec": {
        "burstReplicas": None,
        "lifecycle": "kruise::Lifecycle",
        "minReadySeconds": None,
        "revisionHistoryLimit": None,
        "scaleStrategy": "kruise::DaemonSetScaleStrategy",
        "selector": "apimachinery::pkg::apis::meta::v1::LabelSelector",
        "template": "~api::core::v1::PodTemplateSpec",
        "updateStrategy": "kruise::DaemonSetUpdateStrategy",
    },
    # v1beta1 only; v1alpha1 shares the table, so there it is accepted too.
    "kruise::DaemonSetScaleStrategy": {
        "partitionedScaling": None,
    },
    "kruise::DaemonSetUpdateStrategy": {
        "rollingUpdate": "kruise::RollingUpdateDaemonSet",
        "type": None,
    },
    "kruise::RollingUpdateDaemonSet": {
        "maxSurge": None,
        "maxUnavailable": None,
        "partition": None,
        "paused": None,
        "rollingUpdateType": None,
        "selector": "apimachinery::pkg::apis::meta::v1::LabelSelector",
    },
    "kruise::Lifecycle": {
        "inPlaceUpdate": "kruise::LifecycleHook",
        "preDelete": "kruise::LifecycleHook",
        "preNormal": "kruise::LifecycleHook",
    },
    "kruise::LifecycleHook": {
        "finalizersHandler": None,
        "labelsHandler": None,
        "markPodNotReady": None,
    },
    "kruise::DaemonSetStatus": {
        "collisionCount": None,
        "conditions": "[]api::apps::v1::DaemonSetCondition",
        "currentNumberScheduled": None,
        "daemonSetHash": None,
        "desiredNumberScheduled": None,
        "numberAvailable": None,
        "numberMisscheduled": None,
        "numberReady": None,
        "numberUnavailable": None,
        "observedGeneration": None,
        "updateRevision": None,
        "updatedNumberScheduled": None,
    },
}
KRUISE_ROOT = "kruise::DaemonSet"


def default_src():
    found = sorted(glob.glob(os.path.expanduser(
        "~/.cargo/registry/src/*/k8s-openapi-0.29*/src/v1_36")))
    if not found:
        sys.exit("k8s-openapi 0.29 source not found; pass its src/v1_36 directory")
    return found[-1]


def read_types(src):
    """{"api::core::v1::Container": {"jsonKey": rust type or None}} for every struct with named
    fields; newtypes and enums (Quantity, IntOrString, Time, RawExtension...) are left out and
    so are leaves."""
    types = {}
    for path in glob.glob(os.path.join(src, "**", "*.rs"), recursive=True):
        rel = os.path.relpath(os.path.dirname(path), src).replace(os.sep, "::")
        text = open(path, encoding="utf-8").read()
        m = re.search(r"^pub struct (\w+) \{\n(.*?)^\}", text, re.M | re.S)
        if not m:
            continue
        name, body = m.group(1), m.group(2)
        rust_types = dict(re.findall(r"^    pub (\w+): (.+),$", body, re.M))
        keys = re.findall(r'^\s*"([^"]+)" => Field::Key_(\w+),$', text, re.M)
        if not keys:
            continue
        types[f"{rel}::{name}"] = {key: rust_types.get(field) for key, field in keys}
    return types


def child(rust_type):
    """("object" | "list", type key) for a field holding structs, None for a leaf."""
    t = rust_type
    if t is None:
        return None
    t = re.sub(r"^Option<(.*)>$", r"\1", t)
    t = re.sub(r"^std::boxed::Box<(.*)>$", r"\1", t)
    shape = "object"
    m = re.match(r"^std::vec::Vec<(.*)>$", t)
    if m:
        shape, t = "list", m.group(1)
    if not t.startswith("crate::"):
        return None
    return shape, t[len("crate::"):]


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else default_src()
    k8s = read_types(src)

    # Normalise both sources to {type: {key: (shape, child) or None}}.
    schema = {}
    for name, fields in k8s.items():
        schema[name] = {key: child(t) for key, t in fields.items()}
    for name, fields in KRUISE.items():
        out = {}
        for key, t in fields.items():
            if t is None:
                out[key] = None
            elif t.startswith("~"):
                out[key] = ("schemaless", t[1:])
            elif t.startswith("[]"):
                out[key] = ("list", t[2:])
            else:
                out[key] = ("object", t)
        schema[name] = out

    # Keep the types reachable from the two roots, in a stable order.
    order, seen, queue = [], set(), [ROOT, KRUISE_ROOT]
    while queue:
        name = queue.pop(0)
        if name in seen:
            continue
        seen.add(name)
        order.append(name)
        for key in sorted(schema[name]):
            c = schema[name][key]
            if c is not None and c[1] in schema:
                queue.append(c[1])
    index = {name: i for i, name in enumerate(order)}

    print("// @generated by tools/gen_schema.py from k8s-openapi 0.29 (Kubernetes 1.36) and")
    print("// OpenKruise's DaemonSet CRD. Do not edit: change the script and run it again.")
    print()
    print("use super::walk::{Kind, Type};")
    print()
    for name in (ROOT, KRUISE_ROOT):
        const = "KRUISE_DAEMONSET" if name == KRUISE_ROOT else "DAEMONSET"
        print(f"/// `{name}`.")
        print(f"pub(super) const {const}: u16 = {index[name]};")
    print()
    print("#[rustfmt::skip]")
    print(f"pub(super) static TYPES: [Type; {len(order)}] = [")
    for name in order:
        print(f'    Type {{ name: "{name}", fields: &[')
        for key in sorted(schema[name]):
            c = schema[name][key]
            if c is None or c[1] not in schema:
                kind = "Kind::Leaf"
            else:
                variant = {"object": "Object", "list": "List", "schemaless": "Schemaless"}[c[0]]
                kind = f"Kind::{variant}({index[c[1]]})"
            print(f'        ("{key}", {kind}),')
        print("    ] },")
    print("];")


if __name__ == "__main__":
    main()
