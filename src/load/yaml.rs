//! Reading one YAML document into a [`serde_yaml::Value`], with a budget on alias expansion.
//!
//! serde_yaml stops nesting at 128 levels and stops following aliases after 100 alias jumps
//! per event of the document, which defeats the classic "billion laughs". It does not bound
//! how much each jump copies: one anchored list of N scalars referenced N times expands to N²
//! nodes from about 4N bytes of text. So the value is built here, counting every node (keys
//! included) against a budget for the whole stream: its length in bytes plus
//! [`NODE_ALLOWANCE`]. Without aliases a YAML node takes at least about one byte of text, so
//! only alias expansion (or pathological flow syntax) reaches it.

use std::cell::{Cell, RefCell};
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};
use serde_yaml::value::{Tag, TaggedValue};
use serde_yaml::{Mapping, Number, Value};

/// Nodes a stream may hold beyond one per byte of input.
pub(super) const NODE_ALLOWANCE: usize = 100_000;

/// How many more nodes the stream may build.
pub(super) struct Budget {
    left: Cell<usize>,
}

impl Budget {
    /// The budget for an input of `len` bytes.
    pub(super) fn for_input(len: usize) -> Self {
        Budget {
            left: Cell::new(len.saturating_add(NODE_ALLOWANCE)),
        }
    }

    fn spend<E: de::Error>(&self) -> Result<(), E> {
        match self.left.get().checked_sub(1) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => Err(E::custom(
                "the document expands to too many YAML nodes (aliases referring to large \
                 anchored values?)",
            )),
        }
    }
}

/// One document, read: its value and, when its top level is a mapping whose `items` is a
/// sequence, those items apart from it, each compacted as it is read.
///
/// serde_yaml keeps every parse event of a document until the document is read, and a tree
/// of [`Value`]s takes about as much memory again: a large `List` peaked at about 30 times its
/// size. Items kept as compact JSON text instead take about their size in YAML, and become
/// values one at a time when they are loaded.
pub(super) struct Document {
    /// The document, without the `items` kept apart.
    pub(super) value: Value,
    /// The top-level `items`, when it is a sequence.
    pub(super) items: Option<Vec<Item>>,
}

/// One item of a top-level `items` sequence.
pub(super) enum Item {
    /// As JSON text, when that holds it exactly.
    Json(Box<str>),
    /// As a value: tags, keys that are not strings, or floats JSON cannot write.
    Value(Value),
}

impl Item {
    fn compact(value: Value) -> Item {
        if !json_exact(&value) {
            return Item::Value(value);
        }
        match serde_json::to_string(&value) {
            Ok(json) => Item::Json(json.into_boxed_str()),
            Err(_) => Item::Value(value),
        }
    }

    /// The item as a value again.
    pub(super) fn into_value(self) -> Value {
        match self {
            Item::Value(value) => value,
            // The text was written from a value JSON holds exactly, so it reads back.
            Item::Json(json) => serde_json::from_str(&json).unwrap_or(Value::Null),
        }
    }
}

/// Whether JSON text holds `value` exactly: no tags, string keys only, finite numbers.
fn json_exact(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(_) | Value::String(_) => true,
        Value::Number(number) => number.as_f64().is_none_or(f64::is_finite),
        Value::Sequence(items) => items.iter().all(json_exact),
        Value::Mapping(mapping) => mapping
            .iter()
            .all(|(key, value)| key.is_string() && json_exact(value)),
        Value::Tagged(_) => false,
    }
}

/// Reads one document of a stream.
pub(super) fn read_document<'de>(
    document: serde_yaml::Deserializer<'de>,
    budget: &Budget,
) -> Result<Document, serde_yaml::Error> {
    let items = RefCell::new(None);
    let mut value = Builder {
        budget,
        items: Some(&items),
    }
    .deserialize(document)?;
    // Merge keys (`<<: *defaults`) as Kubernetes' YAML decoder applies them (the items' own
    // were applied as each was read).
    value.apply_merge()?;
    let items = items.into_inner();
    if items.is_some()
        && let Some(mapping) = value.as_mapping_mut()
    {
        // `items` written out wins over one merged in.
        mapping.remove("items");
    }
    Ok(Document { value, items })
}

/// Builds a [`Value`] node by node, spending the budget.
#[derive(Clone, Copy)]
struct Builder<'b> {
    budget: &'b Budget,
    /// At the top level of a document: where a sequence under `items` goes, compacted.
    items: Option<&'b RefCell<Option<Vec<Item>>>>,
}

impl<'b> Builder<'b> {
    /// A builder for the nodes inside this one.
    fn inner(self) -> Builder<'b> {
        Builder {
            budget: self.budget,
            items: None,
        }
    }
}

/// Reads the value of a top-level `items`: a sequence is compacted item by item into `out`.
struct ItemsSeed<'b> {
    builder: Builder<'b>,
    out: &'b RefCell<Option<Vec<Item>>>,
}

impl<'de> DeserializeSeed<'de> for ItemsSeed<'_> {
    /// `None` when the items went to `out`.
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<Value>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemsSeed<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Value>, A::Error> {
        self.builder.budget.spend()?;
        let mut items = Vec::new();
        while let Some(mut item) = seq.next_element_seed(self.builder)? {
            item.apply_merge().map_err(de::Error::custom)?;
            items.push(Item::compact(item));
        }
        *self.out.borrow_mut() = Some(items);
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Option<Value>, E> {
        self.builder.visit_bool(value).map(Some)
    }
    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Option<Value>, E> {
        self.builder.visit_i64(value).map(Some)
    }
    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Option<Value>, E> {
        self.builder.visit_u64(value).map(Some)
    }
    fn visit_i128<E: de::Error>(self, value: i128) -> Result<Option<Value>, E> {
        self.builder.visit_i128(value).map(Some)
    }
    fn visit_u128<E: de::Error>(self, value: u128) -> Result<Option<Value>, E> {
        self.builder.visit_u128(value).map(Some)
    }
    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Option<Value>, E> {
        self.builder.visit_f64(value).map(Some)
    }
    fn visit_str<E: de::Error>(self, value: &str) -> Result<Option<Value>, E> {
        self.builder.visit_str(value).map(Some)
    }
    fn visit_string<E: de::Error>(self, value: String) -> Result<Option<Value>, E> {
        self.builder.visit_string(value).map(Some)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<Value>, E> {
        self.builder.visit_unit().map(Some)
    }
    fn visit_none<E: de::Error>(self) -> Result<Option<Value>, E> {
        self.builder.visit_none().map(Some)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<Value>, D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<Value>, A::Error> {
        self.builder.visit_map(map).map(Some)
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Option<Value>, A::Error> {
        self.builder.visit_enum(data).map(Some)
    }
}

impl<'de> DeserializeSeed<'de> for Builder<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

fn out_of_range<E: de::Error>(text: impl fmt::Display) -> E {
    E::custom(format!("integer {text} is out of range (at most 64 bits)"))
}

impl<'de> Visitor<'de> for Builder<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Value, E> {
        self.budget.spend()?;
        Ok(Value::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Value, E> {
        self.budget.spend()?;
        Ok(Value::Number(Number::from(value)))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Value, E> {
        self.budget.spend()?;
        Ok(Value::Number(Number::from(value)))
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<Value, E> {
        Err(out_of_range(value))
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<Value, E> {
        Err(out_of_range(value))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Value, E> {
        self.budget.spend()?;
        Ok(Value::Number(Number::from(value)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Value, E> {
        self.budget.spend()?;
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Value, E> {
        self.budget.spend()?;
        Ok(Value::String(value))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.budget.spend()?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.budget.spend()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self.inner())? {
            items.push(item);
        }
        Ok(Value::Sequence(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.budget.spend()?;
        let mut mapping = Mapping::new();
        let inner = self.inner();
        let mut items_apart = false;
        while let Some(key) = map.next_key_seed(inner)? {
            if mapping.contains_key(&key) || (items_apart && key.as_str() == Some("items")) {
                return Err(de::Error::custom(format!(
                    "duplicate key {}",
                    describe_key(&key)
                )));
            }
            let value = match self.items {
                Some(out) if key.as_str() == Some("items") => {
                    let value = map.next_value_seed(ItemsSeed {
                        builder: inner,
                        out,
                    })?;
                    items_apart = value.is_none();
                    value
                }
                _ => Some(map.next_value_seed(inner)?),
            };
            if let Some(value) = value {
                mapping.insert(key, value);
            }
        }
        Ok(Value::Mapping(mapping))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // serde_yaml hands a node with a custom tag (`!name value`) over as an enum.
        let (tag, contents) = data.variant::<String>()?;
        if tag.is_empty() {
            return Err(de::Error::custom("empty YAML tag"));
        }
        let value = de::VariantAccess::newtype_variant_seed(contents, self.inner())?;
        Ok(Value::Tagged(Box::new(TaggedValue {
            tag: Tag::new(tag),
            value,
        })))
    }
}

/// A mapping key for a message: `name` for strings, a type for anything else.
fn describe_key(key: &Value) -> String {
    match key {
        Value::String(text) => format!("`{text}`"),
        Value::Null => "null".to_owned(),
        Value::Bool(value) => value.to_string(),
        Value::Number(number) => number.to_string(),
        Value::Sequence(_) => "(a sequence)".to_owned(),
        Value::Mapping(_) => "(a mapping)".to_owned(),
        Value::Tagged(_) => "(a tagged value)".to_owned(),
    }
}

/// How deep flow collections (`[...]`, `{...}`) may nest, as far as [`flow_depth_exceeded`]
/// can tell. serde_yaml refuses more than 128 levels of any nesting, but only after its parser
/// has read the whole document, and that parser (libyaml) spends time proportional to the
/// flow depth on every token: 100,000 nested `{a: ` take minutes. Refusing beyond this depth
/// before parsing keeps the cost linear in the input.
pub(super) const MAX_FLOW_DEPTH: usize = 1000;

/// The byte offset where flow collections seem to nest deeper than [`MAX_FLOW_DEPTH`], if
/// they do.
///
/// A single pass that reads brackets and braces the way YAML does, as far as a few states
/// can: it skips quoted scalars that start where a token may start, comments, block scalars
/// (`|`, `>`) and the text of plain scalars, including their continuation lines. Outside flow
/// collections it does not know every rule of block context, so brackets there may count too:
/// a real manifest would need a thousand unbalanced `[` or `{` to be refused, and one that
/// serde_yaml accepts nests at most 128 levels. This is a guard against cost, not a YAML
/// parser: text crafted to look quoted to it but not to libyaml could hide nesting from it.
pub(super) fn flow_depth_exceeded(text: &str) -> Option<usize> {
    let mut scan = FlowScan {
        state: State::TokenStart,
        depth: 0,
        previous: b'\n',
        line_indent: 0,
        in_indent: true,
        column: 0,
        key_column: None,
    };
    for (offset, byte) in text.bytes().enumerate() {
        if scan.step(byte) {
            return Some(offset);
        }
    }
    None
}

/// Where [`flow_depth_exceeded`] is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Where a token may start.
    TokenStart,
    /// Inside a plain scalar, an anchor, an alias or a tag; `indent` is that of the line it
    /// started on, for continuation lines in block context.
    Plain { indent: usize },
    /// After the line break of a plain scalar in block context: a more indented line goes on
    /// with it.
    PlainBreak { indent: usize },
    /// Inside a single-quoted scalar.
    Single,
    /// Inside a double-quoted scalar; `escaped` after a backslash.
    Double { escaped: bool },
    /// Inside a comment.
    Comment,
    /// After a block scalar indicator, to the end of its line; `parent` is the indentation of
    /// that line.
    BlockHeader { parent: usize },
    /// The lines of a block scalar: more indented than `parent`, and at least as indented as
    /// the first (`content`).
    BlockBody {
        parent: usize,
        content: Option<usize>,
    },
}

struct FlowScan {
    state: State,
    depth: usize,
    previous: u8,
    /// Spaces at the start of the current line, so far.
    line_indent: usize,
    /// Whether only spaces came so far on the current line.
    in_indent: bool,
    /// The column of the byte being read.
    column: usize,
    /// The column of the last token that began on this line (a key, a scalar, a `-`): the
    /// indentation of the block collection a block scalar indicator after it belongs to.
    key_column: Option<usize>,
}

impl FlowScan {
    /// Reads one byte; `true` when the flow depth goes over [`MAX_FLOW_DEPTH`].
    fn step(&mut self, byte: u8) -> bool {
        let first_on_line = self.in_indent && byte != b' ';
        if byte == b'\n' {
            self.line_indent = 0;
            self.in_indent = true;
        } else if self.in_indent {
            if byte == b' ' {
                self.line_indent = self.line_indent.saturating_add(1);
            } else {
                self.in_indent = false;
            }
        }
        let exceeded = self.dispatch(byte, first_on_line);
        self.previous = byte;
        if byte == b'\n' {
            self.column = 0;
            self.key_column = None;
        } else {
            self.column = self.column.saturating_add(1);
        }
        exceeded
    }

    fn dispatch(&mut self, byte: u8, first_on_line: bool) -> bool {
        let indent = self.line_indent;
        match self.state {
            State::Comment => {
                if byte == b'\n' {
                    self.state = State::TokenStart;
                }
            }
            State::Single => {
                // `''` is an escaped quote: leaving and re-entering gives the same result.
                if byte == b'\'' {
                    self.state = State::Plain { indent };
                }
            }
            State::Double { escaped } => {
                self.state = match byte {
                    _ if escaped => State::Double { escaped: false },
                    b'\\' => State::Double { escaped: true },
                    b'"' => State::Plain { indent },
                    _ => State::Double { escaped: false },
                };
            }
            State::BlockHeader { parent } => {
                if byte == b'\n' {
                    self.state = State::BlockBody {
                        parent,
                        content: None,
                    };
                }
            }
            State::BlockBody { parent, content } => {
                if first_on_line && !matches!(byte, b'\n' | b'\r') {
                    match content {
                        None if indent > parent => {
                            self.state = State::BlockBody {
                                parent,
                                content: Some(indent),
                            };
                        }
                        Some(content) if indent >= content => {}
                        // The block scalar ended before this line.
                        _ => {
                            self.state = State::TokenStart;
                            return self.token(byte);
                        }
                    }
                }
            }
            State::PlainBreak { indent: plain } => {
                if first_on_line && !matches!(byte, b'\n' | b'\r') {
                    if indent > plain && byte != b'#' {
                        self.state = State::Plain { indent: plain };
                    } else {
                        self.state = State::TokenStart;
                        return self.token(byte);
                    }
                }
            }
            State::TokenStart | State::Plain { .. } => return self.token(byte),
        }
        false
    }

    /// A byte where a token may start, or in a plain scalar.
    fn token(&mut self, byte: u8) -> bool {
        let indent = self.line_indent;
        let token_start = self.state == State::TokenStart;
        let key_column = self.key_column;
        if token_start && !matches!(byte, b' ' | b'\t' | b'\r' | b'\n' | b'|' | b'>' | b':') {
            self.key_column = Some(self.column);
        }
        self.state = match byte {
            b'[' | b'{' => {
                self.depth = self.depth.saturating_add(1);
                if self.depth > MAX_FLOW_DEPTH {
                    return true;
                }
                State::TokenStart
            }
            b']' | b'}' => {
                self.depth = self.depth.saturating_sub(1);
                State::Plain { indent }
            }
            b',' => State::TokenStart,
            b'#' if matches!(self.previous, b' ' | b'\t' | b'\r' | b'\n') => State::Comment,
            b'\'' if token_start => State::Single,
            b'"' if token_start => State::Double { escaped: false },
            // A block scalar after a key or `-` on its line: its content is more indented than
            // that key. (One alone on its line is read as plain text, which counts more.)
            b'|' | b'>' if token_start && self.depth == 0 && key_column.is_some() => {
                State::BlockHeader {
                    parent: key_column.unwrap_or(indent),
                }
            }
            // `key: value`, `- item`, `? key`: what follows starts a token.
            b':' | b'-' | b'?' => State::TokenStart,
            b'\n' => match self.state {
                // A plain scalar in block context may go on on more indented lines.
                State::Plain { indent } if self.depth == 0 => State::PlainBreak { indent },
                State::Plain { .. } => self.state,
                _ => State::TokenStart,
            },
            b' ' | b'\t' | b'\r' => self.state,
            _ if token_start => State::Plain { indent },
            _ => self.state,
        };
        // A quote that re-enters a quoted scalar (`'it''s'`) must see the quote before it.
        if matches!(self.state, State::Plain { .. }) && byte == b'\'' && self.previous == b'\'' {
            self.state = State::Single;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_flow_nesting_is_found_and_ordinary_text_is_not() {
        let deep = "{a: ".repeat(MAX_FLOW_DEPTH + 1);
        assert_eq!(flow_depth_exceeded(&deep), Some(4 * MAX_FLOW_DEPTH));
        let brackets = "[".repeat(MAX_FLOW_DEPTH + 1);
        assert_eq!(flow_depth_exceeded(&brackets), Some(MAX_FLOW_DEPTH));
        // Balanced nesting of any total size is fine.
        let many = "[[a], {b: c}], ".repeat(100_000);
        assert_eq!(flow_depth_exceeded(&many), None);
        // Brackets in quoted scalars and comments do not count.
        let quoted = format!(
            "a: '{}'\nb: \"{}\"\n# {}\nc: 'it''s [ here'\n",
            "[".repeat(5000),
            "{\\\"".repeat(5000),
            "[".repeat(5000)
        );
        assert_eq!(flow_depth_exceeded(&quoted), None);
        // Closing brackets in quoted scalars do not hide nesting.
        let hidden = "{\"]]\": ".repeat(MAX_FLOW_DEPTH + 1);
        assert!(flow_depth_exceeded(&hidden).is_some());
        let hidden = "['}}', ".repeat(MAX_FLOW_DEPTH + 1);
        assert!(flow_depth_exceeded(&hidden).is_some());
        // A quote inside a plain scalar does not start a quoted scalar, on its first line or
        // on a continuation line.
        let deep = "{c: ".repeat(MAX_FLOW_DEPTH + 1);
        let plain = format!("[a 'b, {deep}");
        assert!(flow_depth_exceeded(&plain).is_some());
        let continued = format!("key: a\n  'b\nz: {deep}\ny: '\n");
        assert!(flow_depth_exceeded(&continued).is_some());
        // Nor inside a block scalar, whose brackets do not count either.
        let block = format!("a: |\n  {{ 'x\n  [[[\n   more\nb: {deep}\nc: '\n");
        assert!(flow_depth_exceeded(&block).is_some());
        // A block scalar's content is more indented than its key, not than its line.
        let empty = format!("  - key: |\n    x: {deep}\n");
        assert!(flow_depth_exceeded(&empty).is_some());
        let nested = format!("- - k: >\n      {{ 'x\n    y: {deep}\n    z: '\n");
        assert!(flow_depth_exceeded(&nested).is_some());
        let scripts = format!(
            "a: >-\n{}\nb: c\n",
            "  if [ \"$x\" ]; then echo '{'; fi\n".repeat(2000)
        );
        assert_eq!(flow_depth_exceeded(&scripts), None);
        let lines = "- a\n  b [\n".repeat(2000);
        assert!(
            flow_depth_exceeded(&lines).is_some(),
            "brackets in plain text count"
        );
    }
}
