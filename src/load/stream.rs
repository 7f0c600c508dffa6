//! The streaming loader: serde seeds that read documents, lists and objects straight into the
//! model as the parser goes, whatever the format.
//!
//! A document is read key by key. Once its `kind` is known, an object of a kind asked for is
//! read field by field into the model (fields the model does not have are skipped by the
//! parser, not built), an object of another kind is skipped, and a list's `items` are read one
//! at a time the same way. Keys that come before `kind` (hand-written objects may put it
//! anywhere) are kept as JSON values until it is known. DaemonSets, which people write and
//! which keep their whole pod template, are read into a JSON value first and checked against
//! Kubernetes' schema (see [`super::daemonset`]).

use std::cell::Cell;
use std::fmt;
use std::rc::Rc;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::cluster::{Kind, Wanted};
use super::pod::ClusterPodSpec;
use super::schema::{self, Schema};
use super::track::{Tracked, Tracker};
use super::{Cluster, LoadError, LoadOptions, Loaded};
use crate::model::{ControllerRevision, Node, NodeSpec, NodeStatus, Pod, PodStatus};

/// Where an error inside a field was, for [`LoadError::Field`].
pub(super) struct FieldContext {
    pub(super) item: Option<usize>,
    pub(super) object: String,
    pub(super) path: String,
}

/// The state of one load.
pub(super) struct Engine {
    pub(super) options: LoadOptions,
    pub(super) wanted: Wanted,
    pub(super) tracker: Tracker,
    pub(super) loaded: Loaded<Cluster>,
    /// Nodes and pods, gathered apart in chunks: a `Vec` of 150,000 pods that doubles as it
    /// grows holds about three times their size at its peak.
    nodes: Chunks<Node>,
    pods: Chunks<Pod>,
    /// The error that stopped loading, when this crate raised it (the parser then gets a
    /// placeholder error to unwind with).
    pub(super) error: Option<LoadError>,
    /// Where the parser's error happened, when it happened inside an object's field.
    pub(super) context: Option<FieldContext>,
    /// Whether list items without `kind` wait for their list's kind (read before it).
    defer_kindless: bool,
    /// Those items, with their index.
    deferred: Vec<(usize, Value)>,
    /// Documents begun (YAML, whose parser skips empty ones).
    pub(super) documents: usize,
    /// Whether a document is being read (YAML).
    pub(super) in_document: bool,
}

impl Engine {
    pub(super) fn new(
        options: &LoadOptions,
        wanted: Wanted,
        yaml: bool,
        input_bytes: Rc<Cell<u64>>,
    ) -> Self {
        Engine {
            options: options.clone(),
            wanted,
            tracker: Tracker::new(&options.limits, yaml, input_bytes),
            loaded: Loaded::default(),
            nodes: Chunks::default(),
            pods: Chunks::default(),
            error: None,
            context: None,
            defer_kindless: false,
            deferred: Vec::new(),
            documents: 0,
            in_document: false,
        }
    }

    /// What was loaded.
    pub(super) fn into_loaded(self) -> Loaded<Cluster> {
        let mut loaded = self.loaded;
        loaded.objects.nodes = self.nodes.into_vec();
        loaded.objects.pods = self.pods.into_vec();
        loaded
    }

    /// Records `error` and gives the parser an error to unwind with.
    fn fail<E: de::Error>(&mut self, error: LoadError) -> E {
        let message = error.to_string();
        self.error = Some(error);
        E::custom(message)
    }

    /// The error that ends a load: this crate's own, a limit, a field's, or the parser's
    /// (`syntax` builds it from the parser's message, line and column).
    pub(super) fn finish_error(
        &mut self,
        document: usize,
        message: String,
        syntax: impl FnOnce(String) -> LoadError,
    ) -> LoadError {
        if let Some(error) = self.error.take() {
            return error;
        }
        if let Some(limit) = self.tracker.take_limit() {
            let item = self.context.take().and_then(|context| context.item);
            return LoadError::Limit {
                document,
                item,
                limit,
            };
        }
        match self.context.take() {
            Some(context) => LoadError::Field {
                document,
                object: context.object,
                path: context.path,
                message: super::hint(&message),
            },
            None => syntax(message),
        }
    }
}

/// Reads one document of the stream.
pub(super) struct DocumentSeed<'e> {
    pub(super) engine: &'e mut Engine,
    pub(super) document: usize,
}

impl<'de> DeserializeSeed<'de> for DocumentSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(AnyObject {
            engine: self.engine,
            document: self.document,
            item: None,
            list: ListContext::None,
        })
    }
}

/// What the list around an object says about it.
#[derive(Clone)]
enum ListContext {
    /// A document, not in a list.
    None,
    /// An item of a `List`, or of a list whose kind is not known yet.
    List,
    /// An item of a typed list (`NodeList`) with this apiVersion.
    Typed(Kind, String),
}

/// The `visit_*` methods of a visitor that takes no scalar: each names what it found to
/// `$refuse`, the visitor's own error.
macro_rules! refuse_scalars {
    ($refuse:ident) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
            self.$refuse("a boolean")
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
            self.$refuse("a number")
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
            self.$refuse("a number")
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
            self.$refuse("a number")
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
            self.$refuse("a string")
        }
    };
}

/// A document or list item: an object, or (not an object) an error.
struct AnyObject<'e> {
    engine: &'e mut Engine,
    document: usize,
    item: Option<usize>,
    list: ListContext,
}

impl AnyObject<'_> {
    fn not_an_object<E: de::Error>(self, found: &str) -> Result<(), E> {
        // An empty document is skipped, as kubectl skips it; an empty list item is not.
        if found == "null" && self.item.is_none() {
            return Ok(());
        }
        let error = LoadError::NotAnObject {
            document: self.document,
            item: self.item,
            found: found.to_owned(),
        };
        Err(self.engine.fail(error))
    }
}

impl<'de> Visitor<'de> for AnyObject<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Kubernetes object")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.not_an_object("null")
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.not_an_object("null")
    }
    refuse_scalars!(not_an_object);
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        self.not_an_object("a sequence")
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        self.not_an_object("a tagged value")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        ObjectReader {
            engine: self.engine,
            document: self.document,
            item: self.item,
            list: self.list,
            kind: None,
            api_version: None,
            state: State::Unknown(Map::new()),
            items: None,
            unknown_list_keys: Vec::new(),
        }
        .read(map)
    }
}

/// What is known of an object so far.
// One lives per object being read; boxing the large variant would cost an allocation each.
#[allow(clippy::large_enum_variant)]
enum State {
    /// Its kind is not known yet: the fields read so far.
    Unknown(Map<String, Value>),
    /// Of a kind asked for, being read.
    Object(Builder),
    /// A list (`items` are read as they come).
    List,
    /// Of a kind not asked for.
    Skip,
}

/// An object of a kind asked for, being read field by field.
#[allow(clippy::large_enum_variant)]
enum Builder {
    /// Kept whole, for Kubernetes' schema and the rendered template.
    DaemonSet(Map<String, Value>),
    Node(Node),
    Pod(Pod),
    Revision(ControllerRevision),
}

/// The objects the load held before a document's `items` were read, so that items read
/// before `kind` said the document is no list can be taken back.
#[derive(Clone, Copy)]
struct Mark {
    daemon_sets: usize,
    nodes: usize,
    pods: usize,
    revisions: usize,
    warnings: usize,
}

impl Mark {
    fn of(engine: &Engine) -> Mark {
        Mark {
            daemon_sets: engine.loaded.objects.daemon_sets.len(),
            nodes: engine.nodes.len(),
            pods: engine.pods.len(),
            revisions: engine.loaded.objects.revisions.len(),
            warnings: engine.loaded.warnings.len(),
        }
    }

    fn restore(self, engine: &mut Engine) {
        engine.loaded.objects.daemon_sets.truncate(self.daemon_sets);
        engine.nodes.truncate(self.nodes);
        engine.pods.truncate(self.pods);
        engine.loaded.objects.revisions.truncate(self.revisions);
        engine.loaded.warnings.truncate(self.warnings);
    }
}

/// A list gathered in chunks of [`CHUNK`], made one `Vec` of the exact size at the end.
struct Chunks<T> {
    full: Vec<Vec<T>>,
    current: Vec<T>,
}

/// Objects per chunk.
const CHUNK: usize = 4096;

impl<T> Default for Chunks<T> {
    fn default() -> Self {
        Chunks {
            full: Vec::new(),
            current: Vec::new(),
        }
    }
}

impl<T> Chunks<T> {
    fn push(&mut self, value: T) {
        if self.current.len() >= CHUNK {
            let full = std::mem::replace(&mut self.current, Vec::with_capacity(CHUNK));
            self.full.push(full);
        } else if self.current.capacity() == 0 {
            self.current.reserve_exact(CHUNK);
        }
        self.current.push(value);
    }

    fn len(&self) -> usize {
        self.full
            .iter()
            .map(Vec::len)
            .fold(self.current.len(), usize::saturating_add)
    }

    fn truncate(&mut self, len: usize) {
        let mut all = std::mem::take(self).into_vec();
        all.truncate(len);
        self.current = all;
    }

    fn into_vec(self) -> Vec<T> {
        if self.full.is_empty() {
            return self.current;
        }
        let mut all = Vec::with_capacity(self.len());
        for chunk in self.full {
            all.extend(chunk);
        }
        all.extend(self.current);
        all
    }
}

/// The keys of a list document.
const LIST_FIELDS: [&str; 4] = ["apiVersion", "kind", "metadata", "items"];

struct ObjectReader<'e> {
    engine: &'e mut Engine,
    document: usize,
    item: Option<usize>,
    list: ListContext,
    kind: Option<String>,
    api_version: Option<String>,
    state: State,
    /// When the document's `items` were read as a list's, the objects held before.
    items: Option<Mark>,
    /// Top-level keys of a document that are no field of a list.
    unknown_list_keys: Vec<String>,
}

impl ObjectReader<'_> {
    fn prefix(&self) -> String {
        self.item
            .map(|index| format!("items[{index}]"))
            .unwrap_or_default()
    }

    /// `node worker-1`, or `node` while the name is unknown.
    fn object_name(&self) -> String {
        let (noun, metadata) = match &self.state {
            State::Object(Builder::Node(node)) => ("node", Some(&node.metadata)),
            State::Object(Builder::Pod(pod)) => ("pod", Some(&pod.metadata)),
            State::Object(Builder::Revision(revision)) => {
                ("controllerrevision", Some(&revision.metadata))
            }
            State::Object(Builder::DaemonSet(_)) => ("daemonset", None),
            _ => (self.kind.as_deref().unwrap_or("object"), None),
        };
        match metadata {
            Some(metadata) if !metadata.name.is_empty() => {
                super::object_name(noun, &metadata.namespace, &metadata.name)
            }
            Some(_) => {
                let (namespace, name) = self.engine.tracker.noted();
                super::object_name(noun, &namespace, &name)
            }
            None => noun.to_owned(),
        }
    }

    fn read<'de, A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        if let ListContext::Typed(kind, _) = self.list {
            // Until it says otherwise, an item is of its list's kind.
            self.start(kind)?;
        }
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "kind" => {
                    self.kind = map.next_value::<Text>()?.0;
                    self.decide::<A::Error>()?;
                }
                "apiVersion" => self.api_version = map.next_value::<Text>()?.0,
                "items" if self.item.is_none() && self.reads_items() => {
                    self.read_items(&mut map)?;
                }
                _ => self.field(key, &mut map)?,
            }
        }
        self.finish()
    }

    /// Whether a document's `items` are a list's: its kind says so, or is not known yet.
    fn reads_items(&self) -> bool {
        matches!(self.state, State::List | State::Unknown(_))
    }

    /// Decides what the object is once its `kind` is read.
    fn decide<E: de::Error>(&mut self) -> Result<(), E> {
        let kind = self.kind.clone().unwrap_or_default();
        if let ListContext::Typed(list_kind, _) = self.list {
            if !kind.is_empty() && kind != list_kind.name() {
                let error = LoadError::WrongKind {
                    document: self.document,
                    item: self.item,
                    expected: list_kind.name().to_owned(),
                    found: kind,
                };
                return Err(self.engine.fail(error));
            }
            return Ok(());
        }
        if !matches!(self.state, State::Unknown(_)) {
            // A second `kind` key: the parser refuses duplicates where it can.
            return Ok(());
        }
        if let Some(object_kind) = Kind::from_name(&kind) {
            return self.start(object_kind);
        }
        let is_list = self.item.is_none()
            && (kind == "List"
                || Kind::from_list_name(&kind).is_some_and(|k| self.engine.wanted.contains(k)));
        let pending = std::mem::replace(
            &mut self.state,
            if is_list { State::List } else { State::Skip },
        );
        if is_list && let State::Unknown(fields) = pending {
            self.unknown_list_keys.extend(
                fields
                    .keys()
                    .filter(|key| !LIST_FIELDS.contains(&key.as_str()))
                    .cloned(),
            );
        }
        Ok(())
    }

    /// Reads the object as one of `kind` (or skips it, if not asked for), with the fields
    /// read before its kind was known.
    fn start<E: de::Error>(&mut self, kind: Kind) -> Result<(), E> {
        if !self.engine.wanted.contains(kind) {
            self.state = State::Skip;
            return Ok(());
        }
        let builder = match kind {
            Kind::DaemonSet => Builder::DaemonSet(Map::new()),
            Kind::Node => Builder::Node(Node::default()),
            Kind::Pod => Builder::Pod(Pod::default()),
            Kind::ControllerRevision => Builder::Revision(ControllerRevision::default()),
        };
        let pending = std::mem::replace(&mut self.state, State::Object(builder));
        if let State::Unknown(fields) = pending {
            for (key, value) in fields {
                let read = self.set(&key, FieldSource::Value(value));
                if let Err(error) = read {
                    self.context(&key);
                    let message = error.to_string();
                    let error = self.engine.finish_error(self.document, message, |message| {
                        LoadError::Syntax {
                            document: self.document,
                            line: None,
                            column: None,
                            message,
                        }
                    });
                    return Err(self.engine.fail(error));
                }
            }
        }
        Ok(())
    }

    /// Records where a field's error happened: `key` and the path within its value.
    fn context(&mut self, key: &str) {
        let inner = self.engine.tracker.take_path();
        let mut path = self.prefix();
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
        if !inner.is_empty() {
            if !inner.starts_with('[') {
                path.push('.');
            }
            path.push_str(&inner);
        }
        self.engine.context = Some(FieldContext {
            item: self.item,
            object: self.object_name(),
            path,
        });
    }

    /// Reads the value of `key` from the parser.
    fn field<'de, A: MapAccess<'de>>(&mut self, key: String, map: &mut A) -> Result<(), A::Error> {
        match &mut self.state {
            State::Skip => {
                map.next_value::<IgnoredAny>()?;
                Ok(())
            }
            State::List => {
                if !LIST_FIELDS.contains(&key.as_str()) {
                    self.unknown_list_keys.push(key);
                }
                map.next_value::<IgnoredAny>()?;
                Ok(())
            }
            State::Unknown(_) | State::Object(_) => {
                let read = self.set_from_map(&key, map);
                if read.is_err() {
                    self.context(&key);
                }
                read
            }
        }
    }

    fn set_from_map<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error> {
        let tracker = &self.engine.tracker;
        match &mut self.state {
            State::Unknown(fields) => {
                fields.insert(
                    key.to_owned(),
                    map.next_value_seed(Typed::<Value>::new(tracker))?,
                );
            }
            State::Object(Builder::DaemonSet(fields)) => {
                fields.insert(
                    key.to_owned(),
                    map.next_value_seed(Typed::<Value>::new(tracker))?,
                );
            }
            State::Object(Builder::Node(node)) => match key {
                "metadata" => node.metadata = read_metadata(tracker, map)?,
                "spec" => node.spec = map.next_value_seed(Typed::<NodeSpec>::new(tracker))?,
                "status" => node.status = map.next_value_seed(Typed::<NodeStatus>::new(tracker))?,
                _ => return self.other_field(key, &schema::NODE, map),
            },
            State::Object(Builder::Pod(pod)) => match key {
                "metadata" => pod.metadata = read_metadata(tracker, map)?,
                "spec" => {
                    pod.spec = map
                        .next_value_seed(Typed::<ClusterPodSpec>::new(tracker))?
                        .into()
                }
                "status" => pod.status = map.next_value_seed(Typed::<PodStatus>::new(tracker))?,
                _ => return self.other_field(key, &schema::POD, map),
            },
            State::Object(Builder::Revision(revision)) => match key {
                "metadata" => revision.metadata = read_metadata(tracker, map)?,
                "data" => revision.data = map.next_value_seed(Typed::<Value>::new(tracker))?,
                "revision" => {
                    revision.revision = map.next_value_seed(Typed::<i64>::new(tracker))?
                }
                _ => return self.other_field(key, &schema::CONTROLLER_REVISION, map),
            },
            State::List | State::Skip => {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    /// Skips a top-level field the model does not have, unless it looks like a misspelt one
    /// (`metdata`): that would leave the field silently empty. Only the top level of nodes,
    /// pods and ControllerRevisions is checked; deeper fields are skipped unseen, for speed.
    fn other_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        schema: &Schema,
        map: &mut A,
    ) -> Result<(), A::Error> {
        if let Some(suggestion) = schema.suggestion(key) {
            let error = LoadError::UnknownField {
                document: self.document,
                path: self.prefix(),
                field: key.to_owned(),
                suggestion: Some(suggestion.to_owned()),
                hint: None,
            };
            return Err(self.engine.fail(error));
        }
        map.next_value::<IgnoredAny>()?;
        Ok(())
    }

    /// Sets a field read before the object's kind was known.
    fn set(&mut self, key: &str, source: FieldSource) -> Result<(), serde_json::Error> {
        let FieldSource::Value(value) = source;
        let tracker = &self.engine.tracker;
        let de = Tracked::new(value, tracker, 0);
        match &mut self.state {
            State::Object(Builder::DaemonSet(fields)) => {
                fields.insert(key.to_owned(), serde::Deserialize::deserialize(de)?);
            }
            State::Object(Builder::Node(node)) => match key {
                "metadata" => node.metadata = serde::Deserialize::deserialize(de)?,
                "spec" => node.spec = serde::Deserialize::deserialize(de)?,
                "status" => node.status = serde::Deserialize::deserialize(de)?,
                _ => {}
            },
            State::Object(Builder::Pod(pod)) => match key {
                "metadata" => pod.metadata = serde::Deserialize::deserialize(de)?,
                "spec" => {
                    pod.spec = <ClusterPodSpec as serde::Deserialize>::deserialize(de)?.into()
                }
                "status" => pod.status = serde::Deserialize::deserialize(de)?,
                _ => {}
            },
            State::Object(Builder::Revision(revision)) => match key {
                "metadata" => revision.metadata = serde::Deserialize::deserialize(de)?,
                "data" => revision.data = serde::Deserialize::deserialize(de)?,
                "revision" => revision.revision = serde::Deserialize::deserialize(de)?,
                _ => {}
            },
            State::Unknown(_) | State::List | State::Skip => {}
        }
        Ok(())
    }

    /// Reads a document's `items`, one object at a time.
    fn read_items<'de, A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<(), A::Error> {
        self.items = Some(Mark::of(self.engine));
        let list = match self.kind.as_deref().and_then(Kind::from_list_name) {
            Some(kind) => ListContext::Typed(kind, self.api_version.clone().unwrap_or_default()),
            None => ListContext::List,
        };
        let kind = self.kind.clone().unwrap_or_else(|| "List".to_owned());
        map.next_value_seed(Items {
            engine: self.engine,
            document: self.document,
            list,
            kind,
        })
    }

    /// Checks and keeps the object once all its keys are read.
    fn finish<E: de::Error>(mut self) -> Result<(), E> {
        if matches!(self.state, State::Unknown(_)) {
            let kind = self.kind.clone().unwrap_or_default();
            if kind.is_empty() {
                if self.item.is_some() && self.engine.defer_kindless {
                    // An item of a list whose kind is not known yet: its list may say.
                    if let State::Unknown(fields) = std::mem::replace(&mut self.state, State::Skip)
                    {
                        let index = self.item.unwrap_or_default();
                        self.engine.deferred.push((index, Value::Object(fields)));
                    }
                    return Ok(());
                }
                let error = LoadError::WrongKind {
                    document: self.document,
                    item: self.item,
                    expected: self.engine.wanted.describe(),
                    found: kind,
                };
                return Err(self.engine.fail(error));
            }
            // `kind` was read but is not one we know: `decide` set another state. This is
            // a typed list's item without kind: it is of its list's.
        }
        let (kind_text, api_version) = match &self.list {
            ListContext::Typed(kind, api_version) => (
                self.kind.clone().unwrap_or_else(|| kind.name().to_owned()),
                self.api_version
                    .clone()
                    .unwrap_or_else(|| api_version.clone()),
            ),
            _ => (
                self.kind.clone().unwrap_or_default(),
                self.api_version.clone().unwrap_or_default(),
            ),
        };
        match std::mem::replace(&mut self.state, State::Skip) {
            State::Unknown(_) | State::Skip => {
                if let Some(mark) = self.items {
                    // Items read before `kind` said this is no list.
                    mark.restore(self.engine);
                    self.engine.deferred.clear();
                }
                Ok(())
            }
            State::List => self.finish_list(&kind_text, &api_version),
            State::Object(builder) => {
                let Some(kind) = Kind::from_name(&kind_text) else {
                    return Ok(());
                };
                if let Err(error) =
                    super::api_version_ok(kind, self.document, self.item, &kind_text, &api_version)
                {
                    return Err(self.engine.fail(error));
                }
                let engine = &mut *self.engine;
                match builder {
                    Builder::DaemonSet(mut fields) => {
                        fields.insert("apiVersion".to_owned(), Value::String(api_version));
                        fields.insert("kind".to_owned(), Value::String(kind_text));
                        let prefix = self.prefix();
                        if let Err(error) = super::daemonset::finish(
                            self.engine,
                            self.document,
                            self.item,
                            &prefix,
                            fields,
                        ) {
                            return Err(self.engine.fail(error));
                        }
                    }
                    Builder::Node(mut node) => {
                        node.api_version = api_version;
                        node.kind = kind_text;
                        engine.nodes.push(node);
                    }
                    Builder::Pod(mut pod) => {
                        pod.api_version = api_version;
                        pod.kind = kind_text;
                        engine.pods.push(pod);
                    }
                    Builder::Revision(mut revision) => {
                        revision.api_version = api_version;
                        revision.kind = kind_text;
                        engine.loaded.objects.revisions.push(revision);
                    }
                }
                Ok(())
            }
        }
    }

    /// Checks a list's own fields once read, and reads the items that had to wait for its
    /// kind.
    fn finish_list<E: de::Error>(&mut self, kind: &str, api_version: &str) -> Result<(), E> {
        let typed = Kind::from_list_name(kind);
        let checked = match typed {
            Some(list_kind) => {
                super::api_version_ok(list_kind, self.document, None, kind, api_version)
            }
            None if api_version != "v1" => Err(LoadError::UnsupportedApiVersion {
                document: self.document,
                item: None,
                kind: kind.to_owned(),
                api_version: api_version.to_owned(),
                use_instead: "v1".to_owned(),
            }),
            None => Ok(()),
        };
        if let Err(error) = checked {
            return Err(self.engine.fail(error));
        }
        for key in std::mem::take(&mut self.unknown_list_keys) {
            if let Some(suggestion) = schema::LIST.suggestion(&key) {
                let error = LoadError::UnknownField {
                    document: self.document,
                    path: String::new(),
                    field: key,
                    suggestion: Some(suggestion.to_owned()),
                    hint: None,
                };
                return Err(self.engine.fail(error));
            }
        }
        let deferred = std::mem::take(&mut self.engine.deferred);
        for (index, item) in deferred {
            let list = match typed {
                Some(list_kind) => ListContext::Typed(list_kind, api_version.to_owned()),
                None => {
                    let error = LoadError::WrongKind {
                        document: self.document,
                        item: Some(index),
                        expected: self.engine.wanted.describe(),
                        found: String::new(),
                    };
                    return Err(self.engine.fail(error));
                }
            };
            let visitor = AnyObject {
                engine: self.engine,
                document: self.document,
                item: Some(index),
                list,
            };
            if let Err(error) = item.deserialize_any(visitor) {
                let message = error.to_string();
                let error =
                    self.engine
                        .finish_error(self.document, message, |message| LoadError::Syntax {
                            document: self.document,
                            line: None,
                            column: None,
                            message,
                        });
                return Err(self.engine.fail(error));
            }
        }
        Ok(())
    }
}

/// Reads an object's metadata, noting its name as it goes by for errors inside it.
fn read_metadata<'de, A: MapAccess<'de>>(
    tracker: &Tracker,
    map: &mut A,
) -> Result<crate::model::ObjectMeta, A::Error> {
    tracker.naming(true);
    let metadata = map.next_value_seed(Typed::new(tracker));
    tracker.naming(false);
    metadata
}

/// Where a field read before its object's kind comes from.
enum FieldSource {
    Value(Value),
}

/// A `kind` or `apiVersion`: a scalar's text; `None` when null.
struct Text(Option<String>);

impl<'de> serde::Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Text, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(Some(v.to_owned())))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(Some(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(Some(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(Some(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(Some(v.to_string())))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Text, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Text, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Text(Some("(a sequence)".to_owned())))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Text(Some("(a mapping)".to_owned())))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

/// Reads a `T` through the [`Tracker`].
struct Typed<'t, T> {
    tracker: &'t Tracker,
    marker: std::marker::PhantomData<T>,
}

impl<'t, T> Typed<'t, T> {
    fn new(tracker: &'t Tracker) -> Self {
        Typed {
            tracker,
            marker: std::marker::PhantomData,
        }
    }
}

impl<'de, T: serde::Deserialize<'de>> DeserializeSeed<'de> for Typed<'_, T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::deserialize(Tracked::new(deserializer, self.tracker, 0))
    }
}

/// A document's `items`.
struct Items<'e> {
    engine: &'e mut Engine,
    document: usize,
    list: ListContext,
    /// The list's kind, for messages.
    kind: String,
}

impl<'de> DeserializeSeed<'de> for Items<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Items<'_> {
    fn not_a_sequence<E: de::Error>(self, found: &str) -> Result<(), E> {
        let error = LoadError::Field {
            document: self.document,
            object: self.kind,
            path: "items".to_owned(),
            message: format!("expected a sequence of objects, found {found}"),
        };
        Err(self.engine.fail(error))
    }
}

impl<'de> Visitor<'de> for Items<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence of objects")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
    refuse_scalars!(not_a_sequence);
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        self.not_a_sequence("a mapping")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let defer = matches!(self.list, ListContext::List);
        let before = std::mem::replace(&mut self.engine.defer_kindless, defer);
        let mut index = 0usize;
        loop {
            let seed = Item {
                engine: &mut *self.engine,
                document: self.document,
                index,
                list: self.list.clone(),
            };
            if seq.next_element_seed(seed)?.is_none() {
                break;
            }
            index = index.saturating_add(1);
        }
        self.engine.defer_kindless = before;
        Ok(())
    }
}

/// One entry of `items`.
struct Item<'e> {
    engine: &'e mut Engine,
    document: usize,
    index: usize,
    list: ListContext,
}

impl<'de> DeserializeSeed<'de> for Item<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(AnyObject {
            engine: self.engine,
            document: self.document,
            item: Some(self.index),
            list: self.list,
        })
    }
}
