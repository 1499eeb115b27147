//! The one place that reads and writes YAML. serde_yaml is deprecated upstream: to move
//! to a maintained fork, change the `use` below (and the dependency), nothing else.
//!
//! Reading refuses a mapping that has a key twice (a hand-kept file where the last value
//! would silently win), and [`line_of`] finds where a node of a document starts, so
//! errors found after reading can name the line.
//!
//! Writing gives the backend's text byte for byte, most of it written here ([`to_string`]:
//! the backend's general emitter was a tenth of a regenerate); the tests compare the
//! two on every kind of text, so a backend that writes otherwise shows there.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_yaml as backend;

/// A YAML text that could not be read, with the line and column when known.
#[derive(Debug)]
pub struct YamlError {
    /// 1-based line of the problem, when the parser knows it.
    pub line: Option<usize>,
    /// 1-based column of the problem, when the parser knows it.
    pub column: Option<usize>,
    /// What went wrong.
    pub message: String,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for YamlError {}

impl From<backend::Error> for YamlError {
    fn from(e: backend::Error) -> Self {
        let location = e.location();
        let mut message = e.to_string();
        // The backend appends the location; it is said once, first.
        if let Some(l) = &location {
            let suffix = format!(" at line {} column {}", l.line(), l.column());
            if let Some(stripped) = message.strip_suffix(&suffix) {
                message = stripped.to_string();
            }
        }
        YamlError { line: location.as_ref().map(|l| l.line()), column: location.as_ref().map(|l| l.column()), message }
    }
}

/// Parses YAML text into `T`. A mapping with a key written twice is an error.
pub fn from_str<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    // The backend's own values refuse duplicate keys, at every depth, with their line.
    backend::from_str::<backend::Value>(text)?;
    Ok(backend::from_str(text)?)
}

/// [`from_str`] into JSON's untyped values (the definition reader walks them), from one
/// parse of the text: the text is read straight into a `serde_json::Value`, refusing a key
/// written twice. A document this one pass does not take as is (a key twice, a key that is
/// not a string in YAML, such as `200:`, which stays as written in the text) is read the
/// long way, which says what it says for it: the backend's own value (which names the
/// line of a duplicate key) and then the text again when a key is not a string.
pub fn json_from_str(text: &str) -> Result<serde_json::Value, YamlError> {
    if let Ok(value) = backend::Deserializer::from_str(text).deserialize_any(Json) {
        return Ok(value);
    }
    let value = backend::from_str::<backend::Value>(text)?;
    backend::from_value(value).or_else(|_| Ok(backend::from_str(text)?))
}

/// Builds a `serde_json::Value` from the visits of YAML text, as serde_json's own visitor
/// does, but fails on a key that is not a string or is written twice (then the caller
/// reads the text the long way). Visits it has no arm for fail too.
struct Json;

impl<'de> Visitor<'de> for Json {
    type Value = serde_json::Value;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a YAML value with string keys, each once")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // serde_json's own rule: a number JSON cannot hold (NaN, infinity) is null.
        Ok(serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, serde_json::Value::Number))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(JsonSeed)? {
            items.push(item);
        }
        Ok(serde_json::Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key_seed(StringKey)? {
            let value = map.next_value_seed(JsonSeed)?;
            if object.insert(key, value).is_some() {
                return Err(de::Error::custom("a key written twice"));
            }
        }
        Ok(serde_json::Value::Object(object))
    }
}

/// [`Json`] as a seed, for the items of sequences and mappings.
struct JsonSeed;

impl<'de> DeserializeSeed<'de> for JsonSeed {
    type Value = serde_json::Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(Json)
    }
}

/// A mapping's key that is a string in YAML (any other key fails).
struct StringKey;

impl<'de> DeserializeSeed<'de> for StringKey {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StringKey {
    type Value = String;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
}

/// A step down into a YAML document: a mapping's key, or a sequence's item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The value under a key of a mapping.
    Key(String),
    /// An item of a sequence (0-based).
    Index(usize),
}

/// The 1-based line where the node at `path` starts: for a path ending in a key, the
/// line of the key; for one ending in an index, the line of the item. `None` when the
/// document has no such node (or does not parse).
pub fn line_of(text: &str, path: &[Step]) -> Option<usize> {
    // The backend knows positions only in its errors: walk down to the node and fail
    // there, on purpose.
    match Find(path).deserialize(backend::Deserializer::from_str(text)) {
        Err(e) if e.to_string().contains(FOUND) => e.location().map(|l| l.line()),
        _ => None,
    }
}

const FOUND: &str = "(node found)";

/// Walks down `path`; fails with [`FOUND`] inside the node it leads to.
struct Find<'a>(&'a [Step]);

impl<'de> DeserializeSeed<'de> for Find<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        match self.0.split_first() {
            None => d.deserialize_any(Fail),
            Some((Step::Key(key), rest)) => d.deserialize_map(InMap { key, rest }),
            Some((Step::Index(index), rest)) => d.deserialize_seq(InSeq { index: *index, rest }),
        }
    }
}

/// Fails on any node, inside it (so that the error carries the node's position).
struct Fail;

impl<'de> Visitor<'de> for Fail {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(FOUND)
    }
}

/// Fails inside the key `0` when it is met.
struct KeyIs<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        if v == self.0 {
            Err(E::custom(FOUND))
        } else {
            Ok(())
        }
    }
}

struct InMap<'a> {
    key: &'a str,
    rest: &'a [Step],
}

impl<'de> Visitor<'de> for InMap<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a mapping")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        loop {
            if self.rest.is_empty() {
                if map.next_key_seed(KeyIs(self.key))?.is_none() {
                    return Ok(());
                }
                map.next_value::<IgnoredAny>()?;
            } else {
                match map.next_key::<String>()? {
                    None => return Ok(()),
                    Some(k) if k == self.key => return map.next_value_seed(Find(self.rest)),
                    Some(_) => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
        }
    }
}

struct InSeq<'a> {
    index: usize,
    rest: &'a [Step],
}

impl<'de> Visitor<'de> for InSeq<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        for _ in 0..self.index {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(());
            }
        }
        seq.next_element_seed(Find(self.rest)).map(|_| ())
    }
}

/// Writes `value` as YAML text: the backend's text, byte for byte. Block mappings and
/// sequences, integers, booleans and strings are written here, each string in the style
/// the backend gives it (the rules of [`scalar_style`]); a value with anything else (a
/// float, a tagged enum, a string only the backend's double quotes can hold) is written
/// by the backend. The backend spends most of its time per event and per character in a
/// general emitter; a spec is thousands of short strings.
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, YamlError> {
    write(value).or_else(|_| {
        backend::to_string(value).map_err(|e| YamlError { line: None, column: None, message: e.to_string() })
    })
}

/// [`to_string`] without the backend: fails on what it leaves to it.
fn write<T: serde::Serialize>(value: &T) -> Result<String, WriteError> {
    let mut writer = Writer { out: String::with_capacity(1 << 16), scratch: String::new() };
    value.serialize(Node { w: &mut writer, at: At::Root })?;
    Ok(writer.out)
}

/// The text being written, and a buffer for values written through `Display`.
struct Writer {
    out: String,
    scratch: String,
}

/// Where a node is written: at the top of the document; as the value after `key:` of a
/// mapping whose keys start at column `.0`; as an item after `- ` whose dash is at
/// column `.0`.
#[derive(Clone, Copy)]
enum At {
    Root,
    Value(usize),
    Item(usize),
}

impl At {
    /// The column of a mapping's keys, or of a sequence's dashes, written here (a
    /// sequence under a key is not indented further: the backend's style).
    fn column(self, sequence: bool) -> usize {
        match self {
            At::Root => 0,
            At::Value(n) if sequence => n,
            At::Value(n) | At::Item(n) => n + 2,
        }
    }

    /// The column of the lines of a block scalar written here.
    fn block_indent(self) -> usize {
        match self {
            At::Root => 2,
            At::Value(n) | At::Item(n) => n + 2,
        }
    }
}

/// The style the backend writes a string in (as a value, or as a mapping's key).
#[derive(Debug, PartialEq, Eq)]
enum Style {
    Plain,
    SingleQuoted,
    /// A literal block: its header (`|`, `|-`, `|2-`, ...).
    Literal(&'static str),
    /// Anything else (double quotes, a block kept with `+`, a key that is not simple):
    /// only the backend writes it.
    Backend,
}

/// How the backend writes `s`. serde_yaml asks for a literal block when `s` has a line
/// break, single quotes when `s` would read back as something else than a string (null,
/// a boolean, a number, digits with a leading zero), and otherwise leaves the style to
/// libyaml, whose analysis of the characters settles it: plain unless an indicator,
/// surrounding spaces or breaks forbid it; single quotes unless a space meets a break
/// (which takes a break: such a text is a block already); a literal block unless a space
/// ends a line or the text. A character outside the
/// printable set this function knows (a tab, a carriage return, a control character,
/// U+0085, U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF) leaves it to the backend.
fn scalar_style(s: &str, key: bool) -> Style {
    let b = s.as_bytes();
    let n = b.len();
    if n == 0 {
        return Style::SingleQuoted;
    }
    // Indicators matter to a text without breaks only (one with a break is a block).
    let blank = |i: usize| i >= n || b[i] == b' ';
    let mut indicators = s.starts_with("---") || s.starts_with("...");
    match b[0] {
        b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\'' | b'"' | b'%' | b'@'
        | b'`' => indicators = true,
        b'?' | b':' | b'-' if blank(1) => indicators = true,
        _ => {}
    }
    let (mut breaks, mut space_break) = (false, false);
    for i in 0..n {
        match b[i] {
            b'\n' => {
                breaks = true;
                space_break |= i > 0 && b[i - 1] == b' ';
            }
            b':' if i > 0 && blank(i + 1) => indicators = true,
            b'#' if i > 0 && b[i - 1] == b' ' => indicators = true,
            0x20..=0x7e => {}
            0xc0.. => {
                let c = s[i..].chars().next().unwrap_or('\0');
                if c < '\u{a0}' || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}') {
                    return Style::Backend;
                }
            }
            0x80..=0xbf => {}
            _ => return Style::Backend,
        }
    }
    let (first, last) = (b[0], b[n - 1]);
    if breaks {
        if key || last == b' ' || space_break {
            return Style::Backend;
        }
        let hint = first == b' ' || first == b'\n';
        return match (last == b'\n', hint) {
            (false, false) => Style::Literal("|-"),
            (false, true) => Style::Literal("|2-"),
            // Kept (`+`) when it ends with two breaks or is one: the backend's.
            (true, _) if n == 1 || b[n - 2] == b'\n' => Style::Backend,
            (true, false) => Style::Literal("|"),
            (true, true) => Style::Literal("|2"),
        };
    }
    if indicators || first == b' ' || last == b' ' || reads_as_non_string(s) {
        return Style::SingleQuoted;
    }
    Style::Plain
}

/// Whether serde_yaml would read `s`, unquoted, as something else than a string: null,
/// a boolean, an integer (decimal, `0x`, `0o`, `0b`, signed), a finite float, or digits
/// with a leading zero (YAML 1.2 leaves them a string; serde_yaml quotes them).
fn reads_as_non_string(s: &str) -> bool {
    if matches!(s, "~" | "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE") {
        return true;
    }
    // Numbers start with a digit, a sign or a dot ("inf" and "nan" are not finite).
    if !s.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) {
        return false;
    }
    let leading_zero = {
        let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
        digits.len() > 1 && digits.starts_with('0') && digits[1..].bytes().all(|b| b.is_ascii_digit())
    };
    leading_zero || unsigned_int(s) || negative_int(s) || finite_float(s)
}

/// serde_yaml's unsigned integers: `+` allowed, `0x`/`0o`/`0b` prefixes, no second sign.
fn unsigned_int(s: &str) -> bool {
    let unsigned = s.strip_prefix('+').unwrap_or(s);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unsigned.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return false;
            }
            if u128::from_str_radix(rest, radix).is_ok() {
                return true;
            }
        }
    }
    !unsigned.starts_with(['+', '-']) && unsigned.parse::<u128>().is_ok()
}

/// serde_yaml's negative integers: `-`, then digits or a `0x`/`0o`/`0b` number.
fn negative_int(s: &str) -> bool {
    for (prefix, radix) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = s.strip_prefix(prefix) {
            if i128::from_str_radix(&format!("-{rest}"), radix).is_ok() {
                return true;
            }
        }
    }
    s.parse::<i128>().is_ok()
}

/// serde_yaml's floats: `.inf`, `.nan` (any case the YAML core schema allows), or what
/// Rust reads as a finite `f64`.
fn finite_float(s: &str) -> bool {
    let unsigned = match s.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return false,
        Some(rest) => rest,
        None => s,
    };
    matches!(unsigned, ".inf" | ".Inf" | ".INF")
        || matches!(s, "-.inf" | "-.Inf" | "-.INF" | ".nan" | ".NaN" | ".NAN")
        || unsigned.parse::<f64>().is_ok_and(f64::is_finite)
}

impl Writer {
    fn spaces(&mut self, n: usize) {
        self.out.extend(std::iter::repeat_n(' ', n));
    }

    /// Writes a scalar that is plain whatever its text (a number, a boolean, null).
    fn plain(&mut self, at: At, text: &str) {
        if let At::Value(_) = at {
            self.out.push(' ');
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// Writes a string, in the backend's style.
    fn string(&mut self, at: At, s: &str) -> Result<(), WriteError> {
        match scalar_style(s, false) {
            Style::Plain => self.plain(at, s),
            Style::SingleQuoted => {
                if let At::Value(_) = at {
                    self.out.push(' ');
                }
                single_quoted(&mut self.out, s);
                self.out.push('\n');
            }
            Style::Literal(header) => {
                if let At::Value(_) = at {
                    self.out.push(' ');
                }
                self.out.push_str(header);
                self.out.push('\n');
                let indent = at.block_indent();
                let mut lines = s.split('\n').peekable();
                while let Some(line) = lines.next() {
                    // A text ending with a break (`|`) has an empty last piece.
                    if line.is_empty() && lines.peek().is_none() {
                        break;
                    }
                    if !line.is_empty() {
                        self.spaces(indent);
                        self.out.push_str(line);
                    }
                    self.out.push('\n');
                }
            }
            Style::Backend => {
                // On one line (double quotes) it is the same text wherever it stands.
                let text = backend::to_string(s).map_err(|_| WriteError::Unsupported)?;
                let text = text.strip_suffix('\n').unwrap_or(&text);
                if text.contains('\n') {
                    return Err(WriteError::Unsupported);
                }
                self.plain(at, text);
            }
        }
        Ok(())
    }
}

/// `s` in single quotes (a quote inside is written twice).
fn single_quoted(out: &mut String, s: &str) {
    out.push('\'');
    for (i, part) in s.split('\'').enumerate() {
        if i > 0 {
            out.push_str("''");
        }
        out.push_str(part);
    }
    out.push('\'');
}

/// Why [`Writer`] stopped: a value it leaves to the backend, or the value's own error
/// (which the backend then reports in its words).
#[derive(Debug)]
enum WriteError {
    Unsupported,
    Custom,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            WriteError::Unsupported => "left to the backend",
            WriteError::Custom => "the value's own error",
        })
    }
}

impl std::error::Error for WriteError {}

impl serde::ser::Error for WriteError {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        WriteError::Custom
    }
}

/// A node of the document, written at `at`.
struct Node<'w> {
    w: &'w mut Writer,
    at: At,
}

/// The serializer methods a node or key leaves to the backend.
macro_rules! unsupported {
    ($($method:ident($($arg:ty),*) -> $ret:ty;)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$ret, WriteError> {
            Err(WriteError::Unsupported)
        })*
    };
}

/// A newtype struct is its value; a newtype variant is a tag to serde_yaml (the backend's).
macro_rules! newtypes {
    () => {
        fn serialize_newtype_struct<T: ?Sized + serde::Serialize>(
            self,
            _: &'static str,
            value: &T,
        ) -> Result<(), WriteError> {
            value.serialize(self)
        }
        fn serialize_newtype_variant<T: ?Sized + serde::Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<(), WriteError> {
            Err(WriteError::Unsupported)
        }
    };
}

/// Integers as `self.integer` writes them; floats (serde_yaml's own text), bytes and
/// characters (always quoted by serde_yaml) left to the backend.
macro_rules! numbers {
    () => {
        numbers!(@int serialize_i8(i8) serialize_i16(i16) serialize_i32(i32) serialize_i64(i64) serialize_i128(i128)
            serialize_u8(u8) serialize_u16(u16) serialize_u32(u32) serialize_u64(u64) serialize_u128(u128));
        unsupported! {
            serialize_f32(f32) -> ();
            serialize_f64(f64) -> ();
            serialize_bytes(&[u8]) -> ();
            serialize_char(char) -> ();
        }
    };
    (@int $($method:ident($ty:ty))*) => {
        $(fn $method(self, v: $ty) -> Result<(), WriteError> {
            self.integer(v)
        })*
    };
}

impl Node<'_> {
    fn integer(self, v: impl std::fmt::Display) -> Result<(), WriteError> {
        use std::fmt::Write;
        let mut text = std::mem::take(&mut self.w.scratch);
        text.clear();
        let _ = write!(text, "{v}");
        self.w.plain(self.at, &text);
        self.w.scratch = text;
        Ok(())
    }
}

impl<'w> serde::Serializer for Node<'w> {
    type Ok = ();
    type Error = WriteError;
    type SerializeSeq = Collection<'w>;
    type SerializeTuple = Collection<'w>;
    type SerializeTupleStruct = Collection<'w>;
    type SerializeTupleVariant = serde::ser::Impossible<(), WriteError>;
    type SerializeMap = Collection<'w>;
    type SerializeStruct = Collection<'w>;
    type SerializeStructVariant = serde::ser::Impossible<(), WriteError>;

    numbers!();

    unsupported! {
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }

    fn serialize_bool(self, v: bool) -> Result<(), WriteError> {
        self.w.plain(self.at, if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), WriteError> {
        self.w.string(self.at, v)
    }
    fn serialize_none(self) -> Result<(), WriteError> {
        self.serialize_unit()
    }
    fn serialize_some<T: ?Sized + serde::Serialize>(self, value: &T) -> Result<(), WriteError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), WriteError> {
        self.w.plain(self.at, "null");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), WriteError> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<(), WriteError> {
        self.serialize_str(variant)
    }
    newtypes!();
    fn serialize_seq(self, _: Option<usize>) -> Result<Collection<'w>, WriteError> {
        Ok(Collection::new(self, true, false))
    }
    fn serialize_tuple(self, _: usize) -> Result<Collection<'w>, WriteError> {
        Ok(Collection::new(self, true, false))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Collection<'w>, WriteError> {
        Ok(Collection::new(self, true, false))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Collection<'w>, WriteError> {
        // A mapping of one entry whose key is written through `Display` may be a tag to
        // serde_yaml: the collection refuses such a key.
        Ok(Collection::new(self, false, len == Some(1)))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Collection<'w>, WriteError> {
        Ok(Collection::new(self, false, false))
    }
    fn collect_str<T: ?Sized + std::fmt::Display>(self, value: &T) -> Result<(), WriteError> {
        use std::fmt::Write;
        let mut text = std::mem::take(&mut self.w.scratch);
        text.clear();
        let _ = write!(text, "{value}");
        let result = self.w.string(self.at, &text);
        self.w.scratch = text;
        result
    }
}

/// A block mapping or sequence being written: each entry or item on its lines, `{}` or
/// `[]` when it has none.
struct Collection<'w> {
    w: &'w mut Writer,
    at: At,
    sequence: bool,
    /// A mapping of one entry (see [`Node::serialize_map`]).
    single: bool,
    entries: usize,
}

impl<'w> Collection<'w> {
    fn new(node: Node<'w>, sequence: bool, single: bool) -> Collection<'w> {
        Collection { w: node.w, at: node.at, sequence, single, entries: 0 }
    }

    /// Starts the next entry's line: the first one goes on the line of the key or dash
    /// that holds the collection, or on a new line under a key.
    fn next_line(&mut self) {
        let column = self.at.column(self.sequence);
        match (self.entries, self.at) {
            (0, At::Root | At::Item(_)) => {}
            (0, At::Value(_)) => {
                self.w.out.push('\n');
                self.w.spaces(column);
            }
            _ => self.w.spaces(column),
        }
        self.entries += 1;
    }

    fn item<T: ?Sized + serde::Serialize>(&mut self, value: &T) -> Result<(), WriteError> {
        self.next_line();
        self.w.out.push_str("- ");
        value.serialize(Node { w: self.w, at: At::Item(self.at.column(true)) })
    }

    fn finish(self) -> Result<(), WriteError> {
        if self.entries == 0 {
            if let At::Value(_) = self.at {
                self.w.out.push(' ');
            }
            self.w.out.push_str(if self.sequence { "[]\n" } else { "{}\n" });
        }
        Ok(())
    }
}

/// The three kinds of sequences serde has, written alike.
macro_rules! sequences {
    ($($kind:ident::$method:ident),*) => {
        $(impl serde::ser::$kind for Collection<'_> {
            type Ok = ();
            type Error = WriteError;
            fn $method<T: ?Sized + serde::Serialize>(&mut self, value: &T) -> Result<(), WriteError> {
                self.item(value)
            }
            fn end(self) -> Result<(), WriteError> {
                self.finish()
            }
        })*
    };
}

sequences!(SerializeSeq::serialize_element, SerializeTuple::serialize_element, SerializeTupleStruct::serialize_field);

impl serde::ser::SerializeMap for Collection<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_key<T: ?Sized + serde::Serialize>(&mut self, key: &T) -> Result<(), WriteError> {
        self.next_line();
        key.serialize(Key { w: self.w, single: self.single })?;
        self.w.out.push(':');
        Ok(())
    }
    fn serialize_value<T: ?Sized + serde::Serialize>(&mut self, value: &T) -> Result<(), WriteError> {
        value.serialize(Node { w: self.w, at: At::Value(self.at.column(false)) })
    }
    fn end(self) -> Result<(), WriteError> {
        self.finish()
    }
}

impl serde::ser::SerializeStruct for Collection<'_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_field<T: ?Sized + serde::Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), WriteError> {
        serde::ser::SerializeMap::serialize_key(self, key)?;
        serde::ser::SerializeMap::serialize_value(self, value)
    }
    fn end(self) -> Result<(), WriteError> {
        self.finish()
    }
}

/// A mapping's key: a string the backend writes plain or in single quotes (and at most
/// 128 bytes long, past which libyaml writes a `?` key), an integer or a boolean.
struct Key<'w> {
    w: &'w mut Writer,
    /// In a mapping of one entry: a key written through `Display` may be a tag.
    single: bool,
}

impl Key<'_> {
    fn text(self, s: &str) -> Result<(), WriteError> {
        match scalar_style(s, true) {
            Style::Plain if s.len() <= 128 => self.w.out.push_str(s),
            Style::SingleQuoted if s.len() <= 128 => single_quoted(&mut self.w.out, s),
            _ => return Err(WriteError::Unsupported),
        }
        Ok(())
    }

    fn integer(self, v: impl std::fmt::Display) -> Result<(), WriteError> {
        use std::fmt::Write;
        let _ = write!(self.w.out, "{v}");
        Ok(())
    }
}

impl serde::Serializer for Key<'_> {
    type Ok = ();
    type Error = WriteError;
    type SerializeSeq = serde::ser::Impossible<(), WriteError>;
    type SerializeTuple = serde::ser::Impossible<(), WriteError>;
    type SerializeTupleStruct = serde::ser::Impossible<(), WriteError>;
    type SerializeTupleVariant = serde::ser::Impossible<(), WriteError>;
    type SerializeMap = serde::ser::Impossible<(), WriteError>;
    type SerializeStruct = serde::ser::Impossible<(), WriteError>;
    type SerializeStructVariant = serde::ser::Impossible<(), WriteError>;

    numbers!();

    unsupported! {
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }

    fn serialize_bool(self, v: bool) -> Result<(), WriteError> {
        self.w.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), WriteError> {
        self.text(v)
    }
    fn serialize_some<T: ?Sized + serde::Serialize>(self, _: &T) -> Result<(), WriteError> {
        Err(WriteError::Unsupported)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<(), WriteError> {
        self.text(variant)
    }
    newtypes!();
    fn collect_str<T: ?Sized + std::fmt::Display>(self, value: &T) -> Result<(), WriteError> {
        if self.single {
            return Err(WriteError::Unsupported);
        }
        let text = value.to_string();
        self.text(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# a comment\napi:\n  name: demo\n  rate_limit:\n    requests: 1\nlists:\n  - operation: a\n    items: x\n\n  - operation: b\n    items: y\n";

    #[test]
    fn nodes_are_found_by_their_path() {
        let key = |k: &str| Step::Key(k.into());
        assert_eq!(line_of(TEXT, &[key("api")]), Some(2));
        assert_eq!(line_of(TEXT, &[key("api"), key("rate_limit")]), Some(4));
        assert_eq!(line_of(TEXT, &[key("lists"), Step::Index(0)]), Some(7));
        assert_eq!(line_of(TEXT, &[key("lists"), Step::Index(1)]), Some(10));
        assert_eq!(line_of(TEXT, &[key("lists"), Step::Index(2)]), None);
        assert_eq!(line_of(TEXT, &[key("nothing")]), None);
        assert_eq!(line_of(TEXT, &[key("api"), Step::Index(0)]), None);
    }

    #[test]
    fn a_key_written_twice_is_an_error_naming_its_line() {
        let text = "lists:\n  - operation: a\n    items: x\n    operation: b\n";
        let err = from_str::<serde_yaml::Value>(text).unwrap_err();
        assert!(err.message.contains("duplicate entry") && err.message.contains("operation"), "{err}");
        assert_eq!(err.line, Some(2));
        // Typed reading refuses it too, not only untyped values.
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct File {
            lists: Vec<std::collections::BTreeMap<String, String>>,
        }
        assert!(from_str::<File>(text).is_err());
    }

    #[test]
    fn json_values_keep_keys_as_written_and_refuse_a_key_twice() {
        let value = json_from_str("a: 1\nresponses:\n  200: {x: [true, ~, 1.5, '7']}\n  0x10: b\n").unwrap();
        assert_eq!(value.to_string(), r#"{"a":1,"responses":{"200":{"x":[true,null,1.5,"7"]},"0x10":"b"}}"#);
        let text = "a: 1\nb:\n  c: 1\n  c: 2\n";
        let err = json_from_str(text).unwrap_err();
        let by_value = from_str::<serde_yaml::Value>(text).unwrap_err();
        assert_eq!((err.line, err.column, &err.message), (by_value.line, by_value.column, &by_value.message));
        assert!(err.message.contains("duplicate entry with key \"c\""), "{err}");
    }

    /// A string in every place a node can be: a key, a value at every depth, an item of
    /// sequences under a key and under a dash, the whole document.
    #[derive(serde::Serialize)]
    struct Places<'a> {
        value: &'a str,
        keyed: std::collections::BTreeMap<&'a str, u8>,
        items: Vec<Entry<'a>>,
        nested: Vec<Vec<&'a str>>,
    }

    #[derive(serde::Serialize)]
    struct Entry<'a> {
        first: &'a str,
        list: Vec<&'a str>,
        deeper: Option<Box<Entry<'a>>>,
    }

    fn places(s: &str) -> Places<'_> {
        let entry = |deeper| Entry { first: s, list: vec![s, "x"], deeper };
        Places {
            value: s,
            keyed: [(s, 1), ("k", 2)].into_iter().collect(),
            items: vec![entry(Some(Box::new(entry(None)))), entry(None)],
            nested: vec![vec![s, s], vec![]],
        }
    }

    /// Whether the writer writes `value` as the backend does, when it writes it at all.
    fn written_as_the_backend_does<T: serde::Serialize>(value: &T) -> bool {
        let expected = backend::to_string(value).unwrap();
        assert_eq!(to_string(value).unwrap(), expected);
        match write(value) {
            Ok(text) => {
                assert_eq!(text, expected, "written otherwise than the backend:\n{text}\nbackend:\n{expected}");
                true
            }
            Err(WriteError::Unsupported) => false,
            Err(WriteError::Custom) => panic!("an error of the value"),
        }
    }

    #[test]
    fn strings_are_written_in_the_backends_style_in_every_place() {
        // Every text of up to three pieces of these: indicators, spaces and breaks at the
        // start, in the middle, at the end; what reads as a number, a boolean or null.
        let pieces = [
            " ", "\n", ":", "#", "-", "?", "'", "\"", "a", "0", ".", "!", "é", "x y", "|", "~", "1", "e", "\t",
            "\u{2028}",
        ];
        let mut texts = vec![String::new()];
        for a in pieces {
            texts.push(a.to_string());
            for b in pieces {
                texts.push(format!("{a}{b}"));
                for c in pieces {
                    texts.push(format!("{a}{b}{c}"));
                }
            }
        }
        let mut by_writer = 0;
        for text in &texts {
            let handled = written_as_the_backend_does(&places(text));
            written_as_the_backend_does(&text.as_str());
            by_writer += usize::from(handled);
            // Left to the backend only for what the writer does not know: a tab, a
            // character that breaks lines other than `\n`, a key on several lines, a
            // block that keeps its last breaks.
            let known = !text.contains(['\t', '\u{2028}']) && !text.contains('\n') && text.len() <= 128;
            assert!(handled || !known, "left to the backend: {text:?}");
        }
        assert!(by_writer > texts.len() / 2, "{by_writer} of {}", texts.len());
    }

    #[test]
    fn numbers_booleans_and_null_in_text_are_quoted_as_the_backend_quotes_them() {
        let texts = [
            "0",
            "00",
            "007",
            "-007",
            "+1",
            "++1",
            "-1",
            "--1",
            "1_000",
            "1,000",
            "0x1F",
            "0x",
            "+0x1",
            "0x+1",
            "-0x1",
            "-0x-1",
            "0o17",
            "-0o7",
            "0o",
            "0b101",
            "0b2",
            "-0b1",
            "1e5",
            "1E5",
            "1.5",
            ".5",
            "5.",
            "-.5",
            "+.inf",
            ".INF",
            "-.Inf",
            ".nan",
            ".NaN",
            "NaN",
            "nan",
            "inf",
            "-inf",
            "infinity",
            "Infinity",
            "1e400",
            "-",
            "+",
            ".",
            "0.0",
            "-0",
            "+0",
            "00.5",
            "1:2",
            "12:30",
            "2019-08-24",
            "2019-08-24T14:15:22Z",
            "340282366920938463463374607431768211456",
            "-170141183460469231731687303715884105729",
            "18446744073709551616",
            "null",
            "Null",
            "NULL",
            "nULL",
            "~",
            "~a",
            "true",
            "True",
            "TRUE",
            "tRUE",
            "false",
            "False",
            "FALSE",
            "yes",
            "no",
            "on",
            "off",
            "y",
            "n",
            "1 2",
            "0 ",
            " 0",
            "0#",
            "0 #",
            "v1",
            "1v",
            "0e",
            "0e1",
            "1.2.3",
        ];
        for text in texts {
            assert!(written_as_the_backend_does(&places(text)), "left to the backend: {text:?}");
        }
    }

    #[test]
    fn block_texts_are_written_as_the_backend_writes_them() {
        let texts = [
            "a\nb",
            "a\nb\n",
            "a\n\nb",
            "\na",
            " a\nb",
            "  a\n  b\n",
            "a\n b\n",
            "a\n\n\nb\n",
            "{\n  \"a\": 1\n}",
            "- a\n- b",
            "a:\n  b",
            "# x\n",
            "é\nü",
            "a \nb",
            "a\nb ",
            "a\n\n",
            "\n",
            "\n\n",
            " \n",
        ];
        for text in texts {
            written_as_the_backend_does(&places(text));
            written_as_the_backend_does(&text);
        }
        // Kept breaks (`|+`) and spaces before a break are the backend's; the rest is the writer's.
        for text in ["a\nb", "a\nb\n", "\na", " a\nb", "{\n  \"a\": 1\n}", "é\nü"] {
            assert!(written_as_the_backend_does(&vec![text]), "left to the backend: {text:?}");
        }
    }

    #[test]
    fn values_the_writer_does_not_know_are_the_backends() {
        #[derive(serde::Serialize)]
        enum Tagged {
            Unit,
            Newtype(u8),
            Tuple(u8, u8),
            Struct { a: u8 },
        }
        #[derive(serde::Serialize)]
        #[serde(tag = "kind")]
        enum Internal {
            One { a: u8 },
        }
        /// Written through `Display`, in two pieces (serde_yaml takes `!` and then a
        /// piece, as a one-entry mapping's key, for a tag).
        #[derive(PartialEq, Eq, PartialOrd, Ord)]
        struct Shown(&'static str, &'static str);
        impl serde::Serialize for Shown {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(&format_args!("{}{}", self.0, self.1))
            }
        }
        use std::collections::BTreeMap;
        assert!(written_as_the_backend_does(&Tagged::Unit));
        assert!(written_as_the_backend_does(&vec![Internal::One { a: 1 }]));
        assert!(written_as_the_backend_does(&BTreeMap::from([(Shown("!", "a"), 1), (Shown("b", ""), 2)])));
        assert!(written_as_the_backend_does(&BTreeMap::from([(1u16, true), (2, false)])));
        assert!(written_as_the_backend_does(&BTreeMap::from([(true, -1i64)])));
        assert!(written_as_the_backend_does(&(i128::MIN, u128::MAX, None::<u8>, Some(()), ())));
        assert!(written_as_the_backend_does(&BTreeMap::from([("x".repeat(128), 1)])));
        assert!(written_as_the_backend_does(&BTreeMap::<u8, u8>::new()));
        assert!(written_as_the_backend_does(&Vec::<u8>::new()));
        assert!(written_as_the_backend_does(&vec![BTreeMap::<u8, u8>::new()]));
        assert!(written_as_the_backend_does(&vec![vec![vec![1]], vec![]]));
        for backends in [
            written_as_the_backend_does(&Tagged::Newtype(1)),
            written_as_the_backend_does(&vec![Tagged::Tuple(1, 2)]),
            written_as_the_backend_does(&BTreeMap::from([("a", Tagged::Struct { a: 1 })])),
            written_as_the_backend_does(&vec![1.5f64]),
            written_as_the_backend_does(&'c'),
            written_as_the_backend_does(&BTreeMap::from([(Shown("!", "tag"), 1)])),
            written_as_the_backend_does(&BTreeMap::from([("x".repeat(129), 1)])),
            written_as_the_backend_does(&BTreeMap::from([("a\tb", 1)])),
        ] {
            assert!(!backends);
        }
        // The value's own error is the backend's, in its words.
        struct Failing;
        impl serde::Serialize for Failing {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("no such value"))
            }
        }
        assert_eq!(to_string(&vec![Failing]).unwrap_err().message, "no such value");
    }

    #[test]
    fn the_committed_specs_are_written_by_the_writer_as_the_backend_writes_them() {
        for api in ["wealthbox", "activecampaign", "nimble"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../specs/{api}.yaml"));
            let text = std::fs::read_to_string(path).unwrap();
            let value: serde_yaml::Value = from_str(&text).unwrap();
            assert!(written_as_the_backend_does(&value), "{api}: left to the backend");
            // The file is that text after its two comment lines.
            let body = text.splitn(3, '\n').nth(2).unwrap();
            assert_eq!(write(&value).unwrap(), body, "{api}");
        }
    }
}
