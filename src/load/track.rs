//! A deserializer wrapper that the loader puts around every value it keeps: it records the
//! field path of an error, counts YAML nodes and scalar bytes against the [`Limits`], bounds
//! the nesting depth, and reads `null` where a map, list, string, number or boolean is
//! expected as the empty or zero value (as the API server reads an explicit `null` as absent).
//!
//! The wrapper adds no allocation on the way: the keys of open mappings are copied into
//! buffers reused across the whole load, and the path is only assembled when an error passes
//! back up through the mappings and sequences it came from.

use std::cell::{Cell, RefCell};
use std::fmt::{self, Write as _};
use std::rc::Rc;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};

use super::{LimitExceeded, Limits};

/// What one load has used of its limits, and where the last error happened.
pub(super) struct Tracker {
    /// Whether scalars count against the expanded-bytes budget and skipped values are
    /// counted too (YAML: aliases can repeat data; JSON cannot, and is left to serde_json).
    yaml: bool,
    max_depth: usize,
    max_nodes: u64,
    nodes: Cell<u64>,
    /// Scalar bytes seen (YAML only).
    scalar_bytes: Cell<u64>,
    /// Input bytes read so far, as far as known; scalars may add up to this plus the
    /// expanded-bytes allowance.
    input_bytes: Rc<Cell<u64>>,
    max_expanded_bytes: u64,
    /// The limit an error came from, if it did.
    limit: Cell<Option<LimitExceeded>>,
    /// The key last read at each depth.
    keys: RefCell<Vec<String>>,
    /// The path of the last error, innermost segment first.
    error_path: RefCell<Vec<Segment>>,
    /// Whether an object's metadata is being read: its name and namespace are noted as they
    /// go by, to name the object in an error that comes before the metadata is whole.
    naming: Cell<bool>,
    /// The namespace and name noted.
    noted: RefCell<(String, String)>,
}

enum Segment {
    Key(String),
    Index(usize),
}

impl Tracker {
    pub(super) fn new(limits: &Limits, yaml: bool, input_bytes: Rc<Cell<u64>>) -> Self {
        Tracker {
            yaml,
            max_depth: limits.max_depth,
            max_nodes: limits.max_nodes,
            nodes: Cell::new(0),
            scalar_bytes: Cell::new(0),
            input_bytes,
            max_expanded_bytes: limits.max_expanded_bytes,
            limit: Cell::new(None),
            keys: RefCell::new(Vec::new()),
            error_path: RefCell::new(Vec::new()),
            naming: Cell::new(false),
            noted: RefCell::new((String::new(), String::new())),
        }
    }

    /// Starts or stops noting the name and namespace of the metadata being read.
    pub(super) fn naming(&self, on: bool) {
        if on {
            let mut noted = self.noted.borrow_mut();
            noted.0.clear();
            noted.1.clear();
        }
        self.naming.set(on);
    }

    /// The namespace and name noted while reading metadata.
    pub(super) fn noted(&self) -> (String, String) {
        self.noted.borrow().clone()
    }

    fn note(&self, depth: usize, value: &str) {
        if !self.naming.get() || depth != 1 {
            return;
        }
        let keys = self.keys.borrow();
        let mut noted = self.noted.borrow_mut();
        match keys.get(1).map(String::as_str) {
            Some("namespace") => value.clone_into(&mut noted.0),
            Some("name") => value.clone_into(&mut noted.1),
            _ => {}
        }
    }

    /// Counts scalars and skipped values too, as YAML needs.
    pub(super) fn set_yaml(&mut self) {
        self.yaml = true;
    }

    /// The limit the last error came from, if any.
    pub(super) fn take_limit(&self) -> Option<LimitExceeded> {
        self.limit.take()
    }

    /// The path of the last error, such as `spec.taints[0].effect`, and forgets it.
    pub(super) fn take_path(&self) -> String {
        let mut segments = self.error_path.take();
        segments.reverse();
        let mut path = String::new();
        for segment in segments {
            match segment {
                Segment::Key(key) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(&key);
                }
                Segment::Index(index) => {
                    let _ = write!(path, "[{index}]");
                }
            }
        }
        path
    }

    fn exceeded<E: de::Error>(&self, limit: LimitExceeded) -> E {
        self.limit.set(Some(limit));
        E::custom(limit)
    }

    fn node<E: de::Error>(&self) -> Result<(), E> {
        let nodes = self.nodes.get().saturating_add(1);
        self.nodes.set(nodes);
        if nodes > self.max_nodes {
            return Err(self.exceeded(LimitExceeded::Nodes(self.max_nodes)));
        }
        Ok(())
    }

    fn scalar<E: de::Error>(&self, len: usize) -> Result<(), E> {
        self.node()?;
        if self.yaml {
            let bytes = self
                .scalar_bytes
                .get()
                .saturating_add(u64::try_from(len).unwrap_or(u64::MAX));
            self.scalar_bytes.set(bytes);
            if bytes
                > self
                    .input_bytes
                    .get()
                    .saturating_add(self.max_expanded_bytes)
            {
                return Err(self.exceeded(LimitExceeded::ExpandedBytes(self.max_expanded_bytes)));
            }
        }
        Ok(())
    }

    fn enter<E: de::Error>(&self, depth: usize) -> Result<(), E> {
        self.node()?;
        if depth > self.max_depth {
            return Err(self.exceeded(LimitExceeded::Depth(self.max_depth)));
        }
        Ok(())
    }

    fn set_key(&self, depth: usize, key: &str) {
        let mut keys = self.keys.borrow_mut();
        while keys.len() <= depth {
            keys.push(String::new());
        }
        if let Some(slot) = keys.get_mut(depth) {
            slot.clear();
            slot.push_str(key);
        }
    }

    fn push_key(&self, depth: usize) {
        let key = self.keys.borrow().get(depth).cloned().unwrap_or_default();
        self.error_path.borrow_mut().push(Segment::Key(key));
    }

    fn push_index(&self, index: usize) {
        self.error_path.borrow_mut().push(Segment::Index(index));
    }
}

/// What the wrapped value was asked to be, for reading `null` as empty.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    /// Anything (`null` stays `null`), or an option.
    Any,
    Map,
    Seq,
    Str,
    Bool,
    Int,
    Float,
    /// A key of a mapping: its text is recorded for error paths.
    Key,
}

/// A deserializer wrapped for tracking.
pub(super) struct Tracked<'t, D> {
    de: D,
    tracker: &'t Tracker,
    depth: usize,
    key: bool,
}

impl<'t, D> Tracked<'t, D> {
    /// `de` at the top of an object (depth 0).
    pub(super) fn new(de: D, tracker: &'t Tracker, depth: usize) -> Self {
        Tracked {
            de,
            tracker,
            depth,
            key: false,
        }
    }

    fn visitor<V>(&self, visitor: V, want: Want) -> Wrap<'t, V> {
        Wrap {
            visitor,
            tracker: self.tracker,
            depth: self.depth,
            want: if self.key { Want::Key } else { want },
        }
    }
}

macro_rules! forward {
    ($($method:ident => $want:ident,)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
                let visitor = self.visitor(visitor, Want::$want);
                self.de.$method(visitor)
            }
        )*
    };
}

/// Methods whose `null` reads as the empty value: they ask the parser for an option first,
/// since a parser may refuse `null` where a mapping or a string is asked for.
macro_rules! or_null {
    ($($method:ident => $want:ident,)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
                let wrap = self.visitor(visitor, Want::$want);
                if self.key {
                    return self.de.$method(wrap);
                }
                self.de.deserialize_option(OrNull {
                    wrap,
                    request: Request::$method,
                })
            }
        )*
    };
}

/// What a field asked the parser for, to ask again once it is known not to be `null`.
#[derive(Clone, Copy)]
#[allow(non_camel_case_types)] // named after the methods
enum Request {
    deserialize_bool,
    deserialize_i8,
    deserialize_i16,
    deserialize_i32,
    deserialize_i64,
    deserialize_u8,
    deserialize_u16,
    deserialize_u32,
    deserialize_u64,
    deserialize_f32,
    deserialize_f64,
    deserialize_str,
    deserialize_string,
    deserialize_seq,
    deserialize_map,
    Struct(&'static str, &'static [&'static str]),
}

impl Request {
    fn call<'de, D: Deserializer<'de>, V: Visitor<'de>>(
        self,
        de: D,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        match self {
            Request::deserialize_bool => de.deserialize_bool(visitor),
            Request::deserialize_i8 => de.deserialize_i8(visitor),
            Request::deserialize_i16 => de.deserialize_i16(visitor),
            Request::deserialize_i32 => de.deserialize_i32(visitor),
            Request::deserialize_i64 => de.deserialize_i64(visitor),
            Request::deserialize_u8 => de.deserialize_u8(visitor),
            Request::deserialize_u16 => de.deserialize_u16(visitor),
            Request::deserialize_u32 => de.deserialize_u32(visitor),
            Request::deserialize_u64 => de.deserialize_u64(visitor),
            Request::deserialize_f32 => de.deserialize_f32(visitor),
            Request::deserialize_f64 => de.deserialize_f64(visitor),
            Request::deserialize_str => de.deserialize_str(visitor),
            Request::deserialize_string => de.deserialize_string(visitor),
            Request::deserialize_seq => de.deserialize_seq(visitor),
            Request::deserialize_map => de.deserialize_map(visitor),
            Request::Struct(name, fields) => de.deserialize_struct(name, fields, visitor),
        }
    }
}

/// Reads `null` as the empty value of what was asked for, anything else as asked.
struct OrNull<'t, V> {
    wrap: Wrap<'t, V>,
    request: Request,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for OrNull<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.wrap.visitor.expecting(f)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.wrap.visit_unit()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.wrap.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.request.call(deserializer, self.wrap)
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Tracked<'_, D> {
    type Error = D::Error;

    forward! {
        deserialize_any => Any,
        deserialize_i128 => Int,
        deserialize_u128 => Int,
        deserialize_char => Str,
        deserialize_bytes => Any,
        deserialize_byte_buf => Any,
        deserialize_option => Any,
        deserialize_unit => Any,
        deserialize_identifier => Str,
    }

    or_null! {
        deserialize_bool => Bool,
        deserialize_i8 => Int,
        deserialize_i16 => Int,
        deserialize_i32 => Int,
        deserialize_i64 => Int,
        deserialize_u8 => Int,
        deserialize_u16 => Int,
        deserialize_u32 => Int,
        deserialize_u64 => Int,
        deserialize_f32 => Float,
        deserialize_f64 => Float,
        deserialize_str => Str,
        deserialize_string => Str,
        deserialize_seq => Seq,
        deserialize_map => Map,
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        if self.tracker.yaml {
            let visitor = self.visitor(visitor, Want::Any);
            self.de.deserialize_ignored_any(visitor)
        } else {
            // JSON cannot repeat data and serde_json bounds its depth: skip at full speed.
            self.de.deserialize_ignored_any(visitor)
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let visitor = self.visitor(visitor, Want::Any);
        self.de.deserialize_unit_struct(name, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let visitor = self.visitor(visitor, Want::Any);
        self.de.deserialize_newtype_struct(name, visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let visitor = self.visitor(visitor, Want::Seq);
        self.de.deserialize_tuple(len, visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let visitor = self.visitor(visitor, Want::Seq);
        self.de.deserialize_tuple_struct(name, len, visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let wrap = self.visitor(visitor, Want::Map);
        self.de.deserialize_option(OrNull {
            wrap,
            request: Request::Struct(name, fields),
        })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let visitor = self.visitor(visitor, Want::Any);
        self.de.deserialize_enum(name, variants, visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

/// A visitor wrapped for tracking.
struct Wrap<'t, V> {
    visitor: V,
    tracker: &'t Tracker,
    depth: usize,
    want: Want,
}

impl<'t, V> Wrap<'t, V> {
    fn record_key(&self, key: &str) {
        if self.want == Want::Key {
            self.tracker.set_key(self.depth, key);
        } else {
            self.tracker.note(self.depth, key);
        }
    }

    fn inner(&self, depth: usize) -> (&'t Tracker, usize) {
        (self.tracker, depth)
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<V::Value, E> {
        self.tracker.scalar(1)?;
        self.visitor.visit_bool(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<V::Value, E> {
        self.tracker.scalar(8)?;
        self.visitor.visit_i64(v)
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<V::Value, E> {
        self.tracker.scalar(16)?;
        self.visitor.visit_i128(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
        self.tracker.scalar(8)?;
        self.visitor.visit_u64(v)
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<V::Value, E> {
        self.tracker.scalar(16)?;
        self.visitor.visit_u128(v)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        self.tracker.scalar(8)?;
        self.visitor.visit_f64(v)
    }

    fn visit_char<E: de::Error>(self, v: char) -> Result<V::Value, E> {
        self.tracker.scalar(4)?;
        self.visitor.visit_char(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        self.tracker.scalar(v.len())?;
        self.record_key(v);
        self.visitor.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        self.tracker.scalar(v.len())?;
        self.record_key(v);
        self.visitor.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        self.tracker.scalar(v.len())?;
        self.record_key(&v);
        self.visitor.visit_string(v)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<V::Value, E> {
        self.tracker.scalar(v.len())?;
        self.visitor.visit_bytes(v)
    }

    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<V::Value, E> {
        self.tracker.scalar(v.len())?;
        self.visitor.visit_borrowed_bytes(v)
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<V::Value, E> {
        self.tracker.scalar(v.len())?;
        self.visitor.visit_byte_buf(v)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.visit_unit()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.tracker.scalar(0)?;
        // An explicit null reads as the absent, empty value.
        match self.want {
            Want::Any | Want::Key => self.visitor.visit_unit(),
            Want::Map => self.visitor.visit_map(de::value::MapDeserializer::<
                std::iter::Empty<((), ())>,
                E,
            >::new(std::iter::empty())),
            Want::Seq => self
                .visitor
                .visit_seq(de::value::SeqDeserializer::<std::iter::Empty<()>, E>::new(
                    std::iter::empty(),
                )),
            Want::Str => self.visitor.visit_str(""),
            Want::Bool => self.visitor.visit_bool(false),
            Want::Int => self.visitor.visit_i64(0),
            Want::Float => self.visitor.visit_f64(0.0),
        }
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        let (tracker, depth) = self.inner(self.depth);
        self.visitor
            .visit_some(Tracked::new(deserializer, tracker, depth))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        let (tracker, depth) = self.inner(self.depth);
        self.visitor
            .visit_newtype_struct(Tracked::new(deserializer, tracker, depth))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        if self.want == Want::Map {
            // serde reads a struct from a sequence by position; Kubernetes does not.
            return Err(de::Error::invalid_type(de::Unexpected::Seq, &self.visitor));
        }
        let depth = self.depth.saturating_add(1);
        self.tracker.enter(depth)?;
        self.visitor.visit_seq(Seq {
            seq,
            tracker: self.tracker,
            depth,
            index: 0,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        let depth = self.depth.saturating_add(1);
        self.tracker.enter(depth)?;
        self.visitor.visit_map(Map {
            map,
            tracker: self.tracker,
            depth,
        })
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.tracker.node()?;
        self.visitor.visit_enum(Enum { data })
    }
}

/// A seed wrapped for tracking.
struct Seed<'t, S> {
    seed: S,
    tracker: &'t Tracker,
    depth: usize,
    key: bool,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<'_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(Tracked {
            de: deserializer,
            tracker: self.tracker,
            depth: self.depth,
            key: self.key,
        })
    }
}

struct Seq<'t, A> {
    seq: A,
    tracker: &'t Tracker,
    depth: usize,
    index: usize,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Seq<'_, A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        let index = self.index;
        self.index = index.saturating_add(1);
        self.seq
            .next_element_seed(Seed {
                seed,
                tracker: self.tracker,
                depth: self.depth,
                key: false,
            })
            .inspect_err(|_| self.tracker.push_index(index))
    }

    fn size_hint(&self) -> Option<usize> {
        self.seq.size_hint()
    }
}

struct Map<'t, A> {
    map: A,
    tracker: &'t Tracker,
    depth: usize,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Map<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.tracker.set_key(self.depth, "");
        self.map.next_key_seed(Seed {
            seed,
            tracker: self.tracker,
            depth: self.depth,
            key: true,
        })
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.map
            .next_value_seed(Seed {
                seed,
                tracker: self.tracker,
                depth: self.depth,
                key: false,
            })
            .inspect_err(|_| self.tracker.push_key(self.depth))
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

struct Enum<A> {
    data: A,
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Enum<A> {
    type Error = A::Error;
    type Variant = Variant<'de, A::Variant>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), A::Error> {
        let (value, variant) = self.data.variant_seed(seed)?;
        Ok((
            value,
            Variant {
                variant,
                marker: std::marker::PhantomData,
            },
        ))
    }
}

/// An enum's variant, passed through (tags are rare in Kubernetes objects; their contents
/// are still counted by the nodes of the enclosing document).
struct Variant<'de, A> {
    variant: A,
    marker: std::marker::PhantomData<&'de ()>,
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Variant<'de, A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.variant.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.variant.newtype_variant_seed(seed)
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.variant.tuple_variant(len, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.variant.struct_variant(fields, visitor)
    }
}
