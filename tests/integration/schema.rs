//! Kubernetes' schema of a DaemonSet manifest: unknown fields, did-you-mean, and the real
//! manifests of the real-world corpus (`crate::common::realworld`, skipped when absent).
#![cfg(feature = "yaml")]

use std::path::PathBuf;

use daemonset_planner::schema::{UnknownField, unknown_fields};
use serde_json::Value;

use crate::common::realworld::{self, documents};

fn describe(field: &UnknownField) -> String {
    format!(
        "{} -> {}",
        field.full_path(),
        field.suggested_path().unwrap_or_default()
    )
}

/// The manifests with unknown fields, and what they are: every other one (among them every
/// manifest the API server accepts, see `realworld-baseline.txt`) has none.
const REAL_UNKNOWN_FIELDS: &[(&str, &[&str])] = &[
    (
        "openshift_microshift__deps_github.com_openshift_kubernetes_cluster_addons_node-problem-detector_npd",
        &["spec.template.spec.nodeSelectors -> spec.template.spec.nodeSelector"],
    ),
    // Also refused for its upper-case name.
    (
        "rezaabedi1365_Devops__Kuberneties_Workloads_DaemonSet_Readme.md",
        &["spec.replicas -> "],
    ),
    (
        "zhuwbigdata_k8s-utils__scheduling_daemonset_README.md",
        &["template -> spec.template"],
    ),
];

#[test]
fn real_manifests_have_unknown_fields_only_where_the_api_server_refuses_them() {
    let Some(root) = realworld::root() else {
        return;
    };
    let files = realworld::daemon_set_documents(&root);
    assert_eq!(files.len(), 71, "the corpus has 71 manifests");
    let daemon_sets: usize = files.iter().map(|(_, docs)| docs.len()).sum();
    assert!(daemon_sets >= 71, "{daemon_sets} DaemonSets");
    for (name, daemon_sets) in &files {
        let found: Vec<String> = daemon_sets
            .iter()
            .flat_map(unknown_fields)
            .map(|f| describe(&f))
            .collect();
        let want: Vec<String> = REAL_UNKNOWN_FIELDS
            .iter()
            .find(|(file, _)| file == name)
            .map(|(_, fields)| fields.iter().map(|f| (*f).to_owned()).collect())
            .unwrap_or_default();
        assert_eq!(found, want, "{name}");
    }
}

const BASE: &str = r#"
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: kube-system, labels: {app: agent}}
spec:
  selector: {matchLabels: {app: agent}}
  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers:
      - name: agent
        image: agent:v1
        volumeMounts: [{name: logs, mountPath: /var/log}]
      volumes: [{name: logs, emptyDir: {}}]
"#;

fn base(api_version: &str) -> Value {
    let mut manifest = documents(BASE).remove(0);
    manifest["apiVersion"] = Value::from(api_version);
    manifest
}

/// The object at a dotted path with list indexes (`spec.template.spec.containers[0]`).
fn at<'a>(mut value: &'a mut Value, path: &str) -> &'a mut Value {
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, index) = match part.split_once('[') {
            Some((key, rest)) => (
                key,
                Some(rest.trim_end_matches(']').parse::<usize>().unwrap()),
            ),
            None => (part, None),
        };
        value = &mut value[key];
        if let Some(i) = index {
            value = &mut value[i];
        }
    }
    value
}

/// `manifest` with `key: value` set in the object at `path`.
fn with(mut manifest: Value, path: &str, key: &str, value: &str) -> Value {
    let value: Value = serde_yaml::from_str(value).unwrap();
    at(&mut manifest, path)
        .as_object_mut()
        .unwrap()
        .insert(key.to_owned(), value);
    manifest
}

/// `manifest` without the field `key` of the object at `path`.
fn without(mut manifest: Value, path: &str, key: &str) -> Value {
    at(&mut manifest, path).as_object_mut().unwrap().remove(key);
    manifest
}

struct Case {
    name: &'static str,
    /// The manifest with exactly one mistake.
    wrong: Value,
    /// The same manifest written right: no unknown field.
    right: Value,
    /// The expected `path`, `field`, `suggestion`, a part of the hint, and `schemaless`.
    path: &'static str,
    field: &'static str,
    suggestion: Option<&'static str>,
    hint: Option<&'static str>,
    schemaless: bool,
}

const CONTAINER: &str = "spec.template.spec.containers[0]";
const KRUISE: &str = "apps.kruise.io/v1beta1";

fn cases() -> Vec<Case> {
    let apps = || base("apps/v1");
    let strategy = "{type: RollingUpdate, rollingUpdate: {maxUnavailable: 2}}";
    let template = apps()["spec"]["template"].to_string();
    vec![
        Case {
            name: "spec.strategy is a Deployment's field",
            wrong: with(
                without(apps(), "spec", "updateStrategy"),
                "spec",
                "strategy",
                strategy,
            ),
            right: with(apps(), "spec", "updateStrategy", strategy),
            path: "spec",
            field: "strategy",
            suggestion: Some("updateStrategy"),
            hint: Some("Deployment"),
            schemaless: false,
        },
        Case {
            name: "a top-level template is mis-indented",
            wrong: with(
                without(apps(), "spec", "template"),
                "",
                "template",
                &template,
            ),
            right: apps(),
            path: "",
            field: "template",
            suggestion: Some("spec.template"),
            hint: Some("belongs under `spec`"),
            schemaless: false,
        },
        Case {
            name: "a top-level selector is mis-indented",
            wrong: with(
                without(apps(), "spec", "selector"),
                "",
                "selector",
                "{matchLabels: {app: agent}}",
            ),
            right: apps(),
            path: "",
            field: "selector",
            suggestion: Some("spec.selector"),
            hint: Some("belongs under `spec`"),
            schemaless: false,
        },
        Case {
            name: "a DaemonSet has no replicas",
            wrong: with(apps(), "spec", "replicas", "3"),
            right: apps(),
            path: "spec",
            field: "replicas",
            suggestion: None,
            hint: Some("a DaemonSet has no replicas"),
            schemaless: false,
        },
        Case {
            name: "readonly is spelt readOnly",
            wrong: with(
                apps(),
                &format!("{CONTAINER}.volumeMounts[0]"),
                "readonly",
                "true",
            ),
            right: with(
                apps(),
                &format!("{CONTAINER}.volumeMounts[0]"),
                "readOnly",
                "true",
            ),
            path: "spec.template.spec.containers[0].volumeMounts[0]",
            field: "readonly",
            suggestion: Some("readOnly"),
            hint: Some("case-sensitive"),
            schemaless: false,
        },
        Case {
            name: "imagePullPolcy is a typo of imagePullPolicy",
            wrong: with(apps(), CONTAINER, "imagePullPolcy", "Always"),
            right: with(apps(), CONTAINER, "imagePullPolicy", "Always"),
            path: CONTAINER,
            field: "imagePullPolcy",
            suggestion: Some("imagePullPolicy"),
            hint: None,
            schemaless: false,
        },
        Case {
            name: "nodeSelectors is a typo of nodeSelector",
            wrong: with(apps(), "spec.template.spec", "nodeSelectors", "{disk: ssd}"),
            right: with(apps(), "spec.template.spec", "nodeSelector", "{disk: ssd}"),
            path: "spec.template.spec",
            field: "nodeSelectors",
            suggestion: Some("nodeSelector"),
            hint: None,
            schemaless: false,
        },
        Case {
            name: "metadata.Labels has the wrong case",
            wrong: with(
                without(apps(), "metadata", "labels"),
                "metadata",
                "Labels",
                "{a: b}",
            ),
            right: apps(),
            path: "metadata",
            field: "Labels",
            suggestion: Some("labels"),
            hint: Some("case-sensitive"),
            schemaless: false,
        },
        Case {
            name: "maxUnavailable belongs under rollingUpdate",
            wrong: with(apps(), "spec.updateStrategy", "maxUnavailable", "2"),
            right: with(
                apps(),
                "spec.updateStrategy.rollingUpdate",
                "maxUnavailable",
                "2",
            ),
            path: "spec.updateStrategy",
            field: "maxUnavailable",
            suggestion: Some("rollingUpdate.maxUnavailable"),
            hint: Some("belongs under `rollingUpdate`"),
            schemaless: false,
        },
        Case {
            name: "a container's limits belong under resources",
            wrong: with(apps(), CONTAINER, "limits", "{memory: 1Gi}"),
            right: with(apps(), CONTAINER, "resources", "{limits: {memory: 1Gi}}"),
            path: CONTAINER,
            field: "limits",
            suggestion: Some("resources.limits"),
            hint: Some("belongs under `resources`"),
            schemaless: false,
        },
        Case {
            name: "containers directly under spec belong under template.spec",
            wrong: with(apps(), "spec", "containers", "[{name: b, image: b}]"),
            right: apps(),
            path: "spec",
            field: "containers",
            suggestion: Some("template.spec.containers"),
            hint: Some("belongs under `template.spec`"),
            schemaless: false,
        },
        Case {
            name: "burstReplicas is OpenKruise's, not apps/v1's",
            wrong: with(apps(), "spec", "burstReplicas", "10"),
            right: with(base(KRUISE), "spec", "burstReplicas", "10"),
            path: "spec",
            field: "burstReplicas",
            suggestion: None,
            hint: Some("OpenKruise's Advanced DaemonSet"),
            schemaless: false,
        },
        Case {
            name: "rollingUpdate.partition is OpenKruise's, not apps/v1's",
            wrong: with(
                apps(),
                "spec.updateStrategy.rollingUpdate",
                "partition",
                "1",
            ),
            right: with(
                base(KRUISE),
                "spec.updateStrategy.rollingUpdate",
                "partition",
                "1",
            ),
            path: "spec.updateStrategy.rollingUpdate",
            field: "partition",
            suggestion: None,
            hint: Some("OpenKruise's Advanced DaemonSet"),
            schemaless: false,
        },
        Case {
            name: "a typo of rollingUpdateType in an Advanced DaemonSet",
            wrong: with(
                base(KRUISE),
                "spec.updateStrategy.rollingUpdate",
                "rollingUpdatType",
                "InPlaceIfPossible",
            ),
            right: with(
                base("apps.kruise.io/v1alpha1"),
                "spec.updateStrategy.rollingUpdate",
                "rollingUpdateType",
                "InPlaceIfPossible",
            ),
            path: "spec.updateStrategy.rollingUpdate",
            field: "rollingUpdatType",
            suggestion: Some("rollingUpdateType"),
            hint: None,
            schemaless: false,
        },
        Case {
            name: "a typo in an Advanced DaemonSet's template is kept by the server",
            wrong: with(base(KRUISE), CONTAINER, "imagePullPolcy", "Always"),
            right: with(base(KRUISE), CONTAINER, "imagePullPolicy", "Always"),
            path: CONTAINER,
            field: "imagePullPolcy",
            suggestion: Some("imagePullPolicy"),
            hint: None,
            schemaless: true,
        },
        Case {
            name: "a field like no other",
            wrong: with(apps(), "spec.template.spec", "frobnicate", "true"),
            right: apps(),
            path: "spec.template.spec",
            field: "frobnicate",
            suggestion: None,
            hint: None,
            schemaless: false,
        },
    ]
}

#[test]
fn each_mistake_is_found_with_its_suggestion_and_its_twin_is_clean() {
    for case in cases() {
        let found = unknown_fields(&case.wrong);
        assert_eq!(found.len(), 1, "{}: {found:?}", case.name);
        let field = &found[0];
        assert_eq!(field.path, case.path, "{}", case.name);
        assert_eq!(field.field, case.field, "{}", case.name);
        assert_eq!(
            field.suggestion.as_deref(),
            case.suggestion,
            "{}",
            case.name
        );
        match case.hint {
            Some(part) => {
                let hint = field.hint.as_deref().unwrap_or_default();
                assert!(hint.contains(part), "{}: hint {hint:?}", case.name);
            }
            None => assert_eq!(field.hint, None, "{}", case.name),
        }
        assert_eq!(field.schemaless, case.schemaless, "{}", case.name);
        assert_eq!(
            unknown_fields(&case.right),
            [],
            "{} (valid twin)",
            case.name
        );
    }
}

/// Real fields of Kubernetes 1.36 this crate does not model, in every corner of the template.
const EVERY_CORNER: &str = r#"
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: kube-system
  labels: {app: agent, "example.com/Odd_Key": x}
  annotations: {"deprecated.daemonset.template.generation": "1"}
  finalizers: [example.com/keep]
  generateName: agent-
  ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: owner, uid: "1", controller: false, blockOwnerDeletion: true}]
  managedFields:
  - manager: kubectl
    operation: Apply
    apiVersion: apps/v1
    time: "2026-01-01T00:00:00Z"
    fieldsType: FieldsV1
    fieldsV1: {"f:spec": {"f:template": {"f:anything": {}}}}
    subresource: ""
spec:
  selector: {matchExpressions: [{key: app, operator: In, values: [agent]}]}
  minReadySeconds: 5
  revisionHistoryLimit: 3
  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}
  template:
    metadata: {labels: {app: agent}, annotations: {a: b}}
    spec:
      hostNetwork: true
      hostPID: true
      hostIPC: true
      hostUsers: false
      shareProcessNamespace: false
      dnsPolicy: ClusterFirstWithHostNet
      dnsConfig: {nameservers: [1.1.1.1], searches: [x], options: [{name: ndots, value: "2"}]}
      hostAliases: [{ip: 127.0.0.1, hostnames: [x]}]
      priorityClassName: system-node-critical
      priority: 2000001000
      preemptionPolicy: PreemptLowerPriority
      runtimeClassName: kata
      schedulerName: default-scheduler
      serviceAccountName: agent
      serviceAccount: agent
      automountServiceAccountToken: true
      enableServiceLinks: false
      setHostnameAsFQDN: false
      hostname: h
      subdomain: s
      terminationGracePeriodSeconds: 30
      imagePullSecrets: [{name: regcred}]
      readinessGates: [{conditionType: example.com/ready}]
      schedulingGates: [{name: wait}]
      overhead: {cpu: 100m}
      os: {name: linux}
      resources: {limits: {cpu: "2"}, requests: {cpu: "1"}}
      resourceClaims: [{name: gpu, resourceClaimTemplateName: gpu-template}]
      nodeSelector: {kubernetes.io/os: linux}
      tolerations: [{operator: Exists}, {key: k, operator: Equal, value: v, effect: NoExecute, tolerationSeconds: 5}]
      topologySpreadConstraints:
      - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: agent}}, matchLabelKeys: [pod-template-hash], minDomains: 1, nodeAffinityPolicy: Honor, nodeTaintsPolicy: Ignore}
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms: [{matchExpressions: [{key: a, operator: In, values: [b]}], matchFields: [{key: metadata.name, operator: In, values: [n]}]}]
          preferredDuringSchedulingIgnoredDuringExecution: [{weight: 1, preference: {matchExpressions: [{key: a, operator: Exists}]}}]
        podAffinity:
          requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {matchLabels: {a: b}}, topologyKey: zone, namespaces: [x], namespaceSelector: {}, matchLabelKeys: [k], mismatchLabelKeys: [m]}]
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution: [{weight: 5, podAffinityTerm: {topologyKey: zone}}]
      securityContext:
        runAsUser: 0
        runAsGroup: 0
        runAsNonRoot: false
        fsGroup: 1
        fsGroupChangePolicy: OnRootMismatch
        supplementalGroups: [1]
        supplementalGroupsPolicy: Merge
        seLinuxChangePolicy: MountOption
        seLinuxOptions: {level: s0, role: r, type: t, user: u}
        seccompProfile: {type: RuntimeDefault}
        appArmorProfile: {type: Localhost, localhostProfile: p}
        sysctls: [{name: net.core.somaxconn, value: "1024"}]
        windowsOptions: {hostProcess: false, runAsUserName: u, gmsaCredentialSpecName: g, gmsaCredentialSpec: s}
      initContainers:
      - name: init
        image: busybox
        restartPolicy: Always
        command: [sh]
        args: [-c, "true"]
        workingDir: /
      containers:
      - name: agent
        image: agent:v1
        imagePullPolicy: IfNotPresent
        ports: [{name: metrics, containerPort: 9100, hostPort: 9100, hostIP: 0.0.0.0, protocol: TCP}]
        env:
        - {name: A, value: a}
        - {name: B, valueFrom: {fieldRef: {apiVersion: v1, fieldPath: spec.nodeName}}}
        - {name: C, valueFrom: {resourceFieldRef: {containerName: agent, resource: limits.cpu, divisor: 1m}}}
        - {name: D, valueFrom: {secretKeyRef: {name: s, key: k, optional: true}}}
        - {name: E, valueFrom: {configMapKeyRef: {name: c, key: k}}}
        - {name: F, valueFrom: {fileKeyRef: {volumeName: v, path: p, key: k, optional: false}}}
        envFrom: [{prefix: P_, configMapRef: {name: c}}, {secretRef: {name: s, optional: true}}]
        resources:
          limits: {memory: 1Gi, nvidia.com/gpu: "1", hugepages-2Mi: 10Mi}
          requests: {memory: 512Mi}
          claims: [{name: gpu, request: r}]
        resizePolicy: [{resourceName: cpu, restartPolicy: NotRequired}]
        securityContext:
          privileged: true
          allowPrivilegeEscalation: true
          readOnlyRootFilesystem: true
          procMount: Default
          capabilities: {add: [NET_ADMIN], drop: [ALL]}
          seccompProfile: {type: Unconfined}
        livenessProbe: {httpGet: {path: /healthz, port: 9100, scheme: HTTP, host: h, httpHeaders: [{name: X, value: y}]}, initialDelaySeconds: 1, periodSeconds: 2, timeoutSeconds: 3, successThreshold: 1, failureThreshold: 3, terminationGracePeriodSeconds: 10}
        readinessProbe: {grpc: {port: 9000, service: s}}
        startupProbe: {exec: {command: [true]}}
        lifecycle:
          postStart: {tcpSocket: {port: 1, host: h}}
          preStop: {sleep: {seconds: 5}}
          stopSignal: SIGTERM
        volumeMounts:
        - {name: logs, mountPath: /var/log, readOnly: true, recursiveReadOnly: Enabled, mountPropagation: None, subPath: a}
        - {name: proj, mountPath: /p, subPathExpr: $(A)}
        volumeDevices: [{name: blk, devicePath: /dev/xvda}]
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: FallbackToLogsOnError
        stdin: false
        stdinOnce: false
        tty: false
      ephemeralContainers:
      - {name: debug, image: busybox, targetContainerName: agent}
      volumes:
      - {name: logs, hostPath: {path: /var/log, type: Directory}}
      - {name: e, emptyDir: {medium: Memory, sizeLimit: 1Gi}}
      - {name: c, configMap: {name: c, items: [{key: k, path: p, mode: 420}], defaultMode: 420, optional: true}}
      - {name: s, secret: {secretName: s, items: [{key: k, path: p}]}}
      - {name: csi, csi: {driver: d, readOnly: true, fsType: ext4, volumeAttributes: {a: b}, nodePublishSecretRef: {name: s}}}
      - {name: pvc, persistentVolumeClaim: {claimName: c, readOnly: true}}
      - {name: img, image: {reference: "x:y", pullPolicy: IfNotPresent}}
      - {name: nfs, nfs: {server: s, path: /, readOnly: true}}
      - {name: da, downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}}
      - name: eph
        ephemeral:
          volumeClaimTemplate:
            metadata: {labels: {a: b}}
            spec: {accessModes: [ReadWriteOnce], storageClassName: fast, resources: {requests: {storage: 1Gi}}, volumeMode: Filesystem, dataSourceRef: {kind: K, name: n}, volumeAttributesClassName: v}
      - name: proj
        projected:
          defaultMode: 420
          sources:
          - serviceAccountToken: {audience: a, expirationSeconds: 3600, path: token}
          - configMap: {name: c}
          - secret: {name: s}
          - downwardAPI: {items: [{path: p, resourceFieldRef: {resource: limits.cpu}}]}
          - clusterTrustBundle: {signerName: s, labelSelector: {}, path: p, optional: true}
          - podCertificate: {signerName: s, keyType: ED25519, credentialBundlePath: c, maxExpirationSeconds: 3600}
      - {name: iscsi, iscsi: {targetPortal: t, iqn: i, lun: 0, chapAuthSession: true}}
      - {name: rbd, rbd: {monitors: [m], image: i, pool: p, user: u, keyring: k}}
      - {name: fc, fc: {targetWWNs: [w], lun: 0, wwids: [x]}}
      - {name: gce, gcePersistentDisk: {pdName: p, partition: 1}}
      - {name: aws, awsElasticBlockStore: {volumeID: v}}
      - {name: az, azureDisk: {diskName: d, diskURI: u, cachingMode: None, kind: Managed}}
      - {name: azf, azureFile: {secretName: s, shareName: s}}
      - {name: cephfs, cephfs: {monitors: [m], secretFile: f}}
      - {name: cinder, cinder: {volumeID: v}}
      - {name: flex, flexVolume: {driver: d, options: {a: b}}}
      - {name: git, gitRepo: {repository: r, revision: v, directory: d}}
      - {name: vs, vsphereVolume: {volumePath: p, storagePolicyName: s}}
status:
  currentNumberScheduled: 1
  numberMisscheduled: 0
  desiredNumberScheduled: 1
  numberReady: 1
  observedGeneration: 1
  updatedNumberScheduled: 1
  numberAvailable: 1
  numberUnavailable: 0
  collisionCount: 0
  conditions: [{type: T, status: "True", reason: r, message: m, lastTransitionTime: "2026-01-01T00:00:00Z"}]
"#;

#[test]
fn real_fields_the_model_lacks_are_never_flagged() {
    let manifest = documents(EVERY_CORNER).remove(0);
    assert_eq!(unknown_fields(&manifest), []);
    let mut kruise = manifest.clone();
    kruise["apiVersion"] = Value::from("apps.kruise.io/v1alpha1");
    kruise["spec"]["burstReplicas"] = Value::from("10%");
    kruise["spec"]["lifecycle"] = serde_json::json!({
        "preDelete": {"finalizersHandler": ["x"], "labelsHandler": {"a": "b"}, "markPodNotReady": true},
        "inPlaceUpdate": {"labelsHandler": {}},
        "preNormal": {},
    });
    kruise["spec"]["updateStrategy"]["rollingUpdate"] = serde_json::json!({
        "rollingUpdateType": "Standard", "partition": 1, "paused": false,
        "maxUnavailable": 1, "maxSurge": 0, "selector": {"matchLabels": {"canary": "true"}},
    });
    kruise["status"]["daemonSetHash"] = Value::from("abc");
    assert_eq!(unknown_fields(&kruise), []);
}

#[test]
fn other_kinds_and_wrong_types_yield_nothing() {
    for text in [
        "apiVersion: v1\nkind: Node\nmetadata: {name: n}\nbogus: 1\n",
        "apiVersion: extensions/v1beta1\nkind: DaemonSet\nbogus: 1\n",
        "apiVersion: apps/v1\nkind: Deployment\nspec: {strategy: {}}\n",
        "[1, 2]\n",
        "apiVersion: apps/v1\nkind: DaemonSet\nspec: {template: {spec: {containers: {a: {bogus: 1}}}}}\n",
        "apiVersion: apps/v1\nkind: DaemonSet\nspec: {template: {spec: {containers: [1, null, [2]]}}}\n",
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: null\nspec: \"text\"\n",
    ] {
        assert_eq!(unknown_fields(&documents(text).remove(0)), [], "{text}");
    }
}

#[test]
fn fields_are_reported_in_document_order_with_full_paths() {
    let manifest = documents(
        "apiVersion: apps/v1\nkind: DaemonSet\nzeta: 1\nspec:\n  template:\n    spec:\n      \
         containers: [{name: a, image: a}, {name: b, image: b, imagePullPolcy: Always}]\n\
         alpha: 2\n",
    )
    .remove(0);
    let found: Vec<String> = unknown_fields(&manifest)
        .iter()
        .map(UnknownField::full_path)
        .collect();
    assert_eq!(
        found,
        [
            "zeta",
            "spec.template.spec.containers[1].imagePullPolcy",
            "alpha"
        ]
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Keys real at some level of a pod spec, and junk.
    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(vec![
                "containers",
                "name",
                "image",
                "volumeMounts",
                "readOnly",
                "readonly",
                "env",
                "valueFrom",
                "fieldRef",
                "resources",
                "limits",
                "securityContext",
                "volumes",
                "hostPath",
                "path",
                "affinity",
                "nodeAffinity",
                "tolerations",
                "spec",
                "template",
                "metadata",
                "labels",
                "ports",
                "containerPort",
            ])
            .prop_map(str::to_owned),
            "[a-zA-Z]{1,8}",
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i32>().prop_map(Value::from),
            "[a-z]{0,4}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::vec((key(), inner), 0..6)
                    .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
            ]
        })
    }

    /// Removes the reported field from `manifest`.
    fn remove(manifest: &mut Value, field: &UnknownField) {
        at(manifest, &field.path)
            .as_object_mut()
            .unwrap()
            .remove(&field.field);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// Whatever sits in a pod spec, the walk does not panic, and what it reports is
        /// exactly what stands between the manifest and a clean one: removing the reported
        /// fields leaves nothing to report.
        #[test]
        fn removing_what_is_reported_leaves_a_clean_manifest(
            spec in prop::collection::vec((key(), value()), 0..8),
            kruise in any::<bool>(),
        ) {
            let mut manifest = base(if kruise { KRUISE } else { "apps/v1" });
            manifest["spec"]["template"]["spec"] = Value::Object(spec.into_iter().collect());
            let found = unknown_fields(&manifest);
            prop_assert!(found.iter().all(|f| f.schemaless == kruise));
            for field in found.iter().rev() {
                remove(&mut manifest, field);
            }
            prop_assert_eq!(unknown_fields(&manifest), []);
        }
    }
}

/// The committed table is what the generator makes from k8s-openapi's source (skipped when
/// python3 or that source is not on this machine).
#[test]
fn the_table_is_generated_from_k8s_openapi() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let output = std::process::Command::new("python3")
        .arg(root.join("tools/gen_schema.py"))
        .output();
    let Some(output) = output.ok().filter(|o| o.status.success()) else {
        println!("note: python3 or the k8s-openapi 0.29 source is absent: not regenerated");
        return;
    };
    let committed = std::fs::read_to_string(root.join("src/schema/table.rs")).unwrap();
    assert!(
        String::from_utf8(output.stdout).unwrap() == committed,
        "src/schema/table.rs is stale: run python3 tools/gen_schema.py > src/schema/table.rs"
    );
}
