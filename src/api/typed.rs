//! Reading a response body straight into the fields an adapter uses,
//! without first building a `serde_json::Value` tree of the whole body:
//! with 1,000 mounts that tree was most of a run's work.
//!
//! The leniency is the same as [`lenient`](super::lenient)'s, and shares its
//! rules through [`Scalar`]: every field type accepts any JSON value and
//! turns what it cannot read into "not reported", so only a body that is
//! not JSON fails. Unknown fields are skipped without being built.
//!
//! Objects are read by [`fields!`] rather than serde's derive, which refuses
//! a duplicate key: `serde_json::Value` keeps the last one, and so do we.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::lenient::{self, Scalar};
use crate::model::unnamed;

/// What a body is: an object read by `T`, or the kind of JSON it is
/// instead (`an array`, ...); `None` when it is not JSON at all.
pub fn read<T: Fields>(body: &[u8]) -> Option<Result<T::Target, &'static str>> {
    // Skipped strings are not checked for UTF-8 by serde_json, so the whole
    // body is, once: a body that is not UTF-8 is not JSON, as with `Value`.
    let text = std::str::from_utf8(body).ok()?;
    let parse = |text: &str| {
        serde_json::from_str::<Body<T>>(text)
            .ok()
            .map(|body| body.0)
    };
    // serde_json refuses the whole body for one number beyond f64 (`1e400`)
    // anywhere in it; read as "not reported", it fails only a mode that
    // needs it. Tried after a failure only: valid bodies pay nothing.
    parse(text).or_else(|| parse(&lenient::without_huge_numbers(text)?))
}

/// How one API names the fields of a JSON object that is read into a
/// `Target`: a struct of its own ([`fields!`]) or a model type
/// ([`model_fields!`]).
pub trait Fields {
    type Target;

    /// The object before any key is read: what an absent key leaves.
    fn start() -> Self::Target;

    /// Reads the value of `key` into its field, or skips it.
    fn read<'de, A: MapAccess<'de>>(
        target: &mut Self::Target,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error>;

    /// The object read, or `None` when it lacks what makes it one.
    fn finish(target: Self::Target) -> Option<Self::Target> {
        Some(target)
    }
}

/// A field type read from one JSON value: the value it gives its field,
/// and the value an absent key leaves.
pub trait Reader {
    type Value;

    fn value(self) -> Self::Value;

    fn absent() -> Option<Self::Value> {
        None
    }
}

/// A struct of lenient fields read from a JSON object by key:
/// `fields! { Name { "Key" => field: Type, ... } }`.
macro_rules! fields {
    ($($(#[$meta:meta])* $name:ident { $($key:literal => $field:ident: $type:ty,)* })*) => {$(
        $(#[$meta])*
        #[derive(Default)]
        pub struct $name {
            $(pub $field: $type,)*
        }

        impl $crate::api::typed::Fields for $name {
            type Target = $name;

            fn start() -> $name {
                $name::default()
            }

            #[allow(unused_variables)] // by a struct of no fields
            fn read<'de, A: ::serde::de::MapAccess<'de>>(
                target: &mut $name,
                key: &str,
                map: &mut A,
            ) -> Result<(), A::Error> {
                match key {
                    $($key => target.$field = map.next_value()?,)*
                    _ => {
                        map.next_value::<::serde::de::IgnoredAny>()?;
                    }
                }
                Ok(())
            }
        }
    )*};
}
pub(crate) use fields;

/// How an API names a model type's fields, read straight into it:
/// `model_fields! { Name => Model if keep { "Key" => field: Reader, ...
/// nested { "key" => OtherName, } } }`. `Reader` is a [`Reader`] whose
/// value the field holds; a `nested` object's keys (read by `OtherName`,
/// of the same model) fill this one's fields (its readers' `absent`
/// values are not applied); `if keep` drops an object for which
/// `keep(&object)` is false.
macro_rules! model_fields {
    ($(
        $(#[$meta:meta])* $name:ident => $target:ident $(if $keep:path)? {
            $($key:literal => $field:ident: $type:ty,)*
            $(nested { $($nested_key:literal => $nested:ty,)* })?
        }
    )*) => {$(
        $(#[$meta])*
        pub struct $name;

        impl $crate::api::typed::Fields for $name {
            type Target = $target;

            #[allow(unused_mut)]
            fn start() -> $target {
                let mut target = <$target>::default();
                $(if let Some(value) = <$type as $crate::api::typed::Reader>::absent() {
                    target.$field = value;
                })*
                target
            }

            fn read<'de, A: ::serde::de::MapAccess<'de>>(
                target: &mut $target,
                key: &str,
                map: &mut A,
            ) -> Result<(), A::Error> {
                match key {
                    $($key => {
                        target.$field =
                            $crate::api::typed::Reader::value(map.next_value::<$type>()?)
                    })*
                    $($($nested_key => {
                        map.next_value_seed($crate::api::typed::Nested::<$nested>::new(target))?
                    })*)?
                    _ => {
                        map.next_value::<::serde::de::IgnoredAny>()?;
                    }
                }
                Ok(())
            }

            $(fn finish(target: $target) -> Option<$target> {
                $keep(&target).then_some(target)
            })?
        }
    )*};
}
pub(crate) use model_fields;

/// The fields `T` reads, but the key `K` names is skipped unread: its
/// value stays what [`Fields::start`] left. Only that key's own value is
/// skipped: an object of the same name nested elsewhere is read as `T`
/// reads it. A skipped value must still be JSON, but serde_json does not
/// check the escapes it skips, so a lone surrogate (`"\udead"`) there
/// fails only the reader that reads it, like any field a mode does not use.
pub struct Without<T, K>(PhantomData<(T, K)>);

/// A key an adapter may leave unread (see [`Without`]).
pub trait SkippedKey {
    const NAME: &'static str;
}

impl<T: Fields, K: SkippedKey> Fields for Without<T, K> {
    type Target = T::Target;

    fn start() -> T::Target {
        T::start()
    }

    fn read<'de, A: MapAccess<'de>>(
        target: &mut T::Target,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error> {
        if key == K::NAME {
            map.next_value::<IgnoredAny>().map(drop)
        } else {
            T::read(target, key, map)
        }
    }

    fn finish(target: T::Target) -> Option<T::Target> {
        T::finish(target)
    }
}

/// How a container type takes each kind of JSON value; whatever it does
/// not read is skipped and becomes [`Shape::other`].
trait Shape: Sized {
    /// A value of a kind this shape does not read.
    fn other(kind: &'static str) -> Self;

    fn seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Self, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Self::other("an array"))
    }

    fn map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Self::other("an object"))
    }
}

struct ShapeVisitor<T>(PhantomData<T>);

impl<'de, T: Shape> Visitor<'de> for ShapeVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<T, E> {
        Ok(T::other("a boolean"))
    }

    fn visit_u64<E>(self, _: u64) -> Result<T, E> {
        Ok(T::other("a number"))
    }

    fn visit_i64<E>(self, _: i64) -> Result<T, E> {
        Ok(T::other("a number"))
    }

    fn visit_f64<E>(self, _: f64) -> Result<T, E> {
        Ok(T::other("a number"))
    }

    fn visit_str<E>(self, _: &str) -> Result<T, E> {
        Ok(T::other("a string"))
    }

    fn visit_unit<E>(self) -> Result<T, E> {
        Ok(T::other("null"))
    }

    fn visit_none<E>(self) -> Result<T, E> {
        Ok(T::other("null"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        T::seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::map(map)
    }
}

impl<'de, T: Fields> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ShapeVisitor(PhantomData))
    }
}

impl<'de, T: Fields> Deserialize<'de> for Section<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ShapeVisitor(PhantomData))
    }
}

impl<'de, T: Fields> Deserialize<'de> for Body<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ShapeVisitor(PhantomData))
    }
}

/// Any JSON value as a single field sees it: a [`Scalar`], or an array or
/// object it skips. One visitor for every field type keeps the binary
/// small: each visitor type gets its own copy of serde_json's parser.
enum Token<'de> {
    Scalar(Scalar<'static>),
    Text(Cow<'de, str>),
    Skipped,
}

impl<'de> Deserialize<'de> for Token<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TokenVisitor)
    }
}

struct TokenVisitor;

impl<'de> Visitor<'de> for TokenVisitor {
    type Value = Token<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Token<'de>, E> {
        Ok(Token::Scalar(Scalar::Bool(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Token<'de>, E> {
        Ok(Token::Scalar(Scalar::Unsigned(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Token<'de>, E> {
        Ok(Token::Scalar(Scalar::Signed(v)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Token<'de>, E> {
        Ok(Token::Scalar(Scalar::Float(v)))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Token<'de>, E> {
        Ok(Token::Text(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Token<'de>, E> {
        Ok(Token::Text(Cow::Owned(v.to_owned())))
    }

    fn visit_unit<E>(self) -> Result<Token<'de>, E> {
        Ok(Token::Scalar(Scalar::Null))
    }

    fn visit_none<E>(self) -> Result<Token<'de>, E> {
        Ok(Token::Scalar(Scalar::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Token<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Token::Skipped)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Token<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Token::Skipped)
    }
}

/// `Deserialize` for a field type through [`Token`] and a rule of
/// [`lenient`]: arrays and objects are never a readable field.
macro_rules! field_type {
    ($($name:ident($inner:ty): $rule:path,)*) => {$(
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok($name(match Token::deserialize(d)? {
                    Token::Scalar(scalar) => $rule(scalar),
                    Token::Text(text) => $rule(Scalar::Text(&text)),
                    Token::Skipped => None,
                }))
            }
        }

        impl Reader for $name {
            type Value = Option<$inner>;

            fn value(self) -> Self::Value {
                self.0
            }
        }
    )*};
}

field_type! {
    Number(f64): lenient::scalar_number,
    Count(u64): lenient::scalar_count,
    Timestamp(i64): lenient::scalar_timestamp,
    Text(String): lenient::scalar_text,
    Flag(bool): lenient::scalar_flag,
    Bool(bool): lenient::scalar_bool,
}

/// A name ([`Text`]); one the API did not send, or sent blank, reads as
/// [`unnamed`](crate::model::unnamed).
pub struct Name(pub String);

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Name(Text::deserialize(d)?.0.unwrap_or_else(unnamed)))
    }
}

impl Reader for Name {
    type Value = String;

    fn value(self) -> String {
        self.0
    }

    fn absent() -> Option<String> {
        Some(unnamed())
    }
}

/// A field whose JSON value `C::From` reads and `C` turns into the
/// field's value.
pub struct Converted<C: Convert>(C::Value);

pub trait Convert {
    type From: Reader + for<'de> Deserialize<'de>;
    type Value;

    fn convert(read: <Self::From as Reader>::Value) -> Self::Value;
}

impl<'de, C: Convert> Deserialize<'de> for Converted<C> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Converted(C::convert(C::From::deserialize(d)?.value())))
    }
}

impl<C: Convert> Reader for Converted<C> {
    type Value = C::Value;

    fn value(self) -> C::Value {
        self.0
    }
}

/// The agent's platform ([`Text`]), trimmed and lowercase.
pub struct AgentType;

impl Convert for AgentType {
    type From = Text;
    type Value = Option<String>;

    fn convert(text: Option<String>) -> Option<String> {
        text.map(|t| t.trim().to_ascii_lowercase())
    }
}

/// An object whose keys, read by `T`, fill the fields of the object that
/// holds it (v3 groups a server's fields in `system`, `disk`, ...); a
/// value that is not an object fills none.
pub struct Nested<'a, T: Fields>(&'a mut T::Target);

impl<'a, T: Fields> Nested<'a, T> {
    pub fn new(target: &'a mut T::Target) -> Self {
        Nested(target)
    }
}

impl<'de, T: Fields> serde::de::DeserializeSeed<'de> for Nested<'_, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: Fields> Visitor<'de> for Nested<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        read_keys::<T, A>(self.0, &mut map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// A number, or a string holding one ([`lenient::scalar_number`]).
#[derive(Debug, Default, PartialEq)]
pub struct Number(pub Option<f64>);

/// A non-negative integer, or a string holding one ([`lenient::scalar_count`]).
#[derive(Debug, Default, PartialEq)]
pub struct Count(pub Option<u64>);

/// Unix seconds ([`lenient::scalar_timestamp`]).
#[derive(Debug, Default, PartialEq)]
pub struct Timestamp(pub Option<i64>);

/// A string or a number's text, blank as missing ([`lenient::scalar_text`]).
#[derive(Debug, Default, PartialEq)]
pub struct Text(pub Option<String>);

/// A boolean, `0`/`1`, or a string holding one ([`lenient::scalar_flag`]).
#[derive(Debug, Default, PartialEq)]
pub struct Flag(pub Option<bool>);

/// A JSON boolean and nothing else ([`lenient::scalar_bool`]).
#[derive(Debug, Default, PartialEq)]
pub struct Bool(pub Option<bool>);

/// A nested object, `None` when the value is anything else.
pub struct Object<T: Fields>(pub Option<T::Target>);

/// The objects of an array; anything else is an empty section.
pub struct Section<T: Fields>(pub Vec<T::Target>);

impl<T: Fields> Reader for Object<T> {
    type Value = Option<T::Target>;

    fn value(self) -> Self::Value {
        self.0
    }
}

impl<T: Fields> Reader for Section<T> {
    type Value = Vec<T::Target>;

    fn value(self) -> Self::Value {
        self.0
    }
}

impl<T: Fields> Default for Object<T> {
    fn default() -> Self {
        Object(None)
    }
}

impl<T: Fields> Default for Section<T> {
    fn default() -> Self {
        Section(Vec::new())
    }
}

impl<T: Fields> Shape for Object<T> {
    fn other(_: &'static str) -> Self {
        Object(None)
    }

    fn map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut object = T::start();
        read_keys::<T, A>(&mut object, &mut map)?;
        Ok(Object(T::finish(object)))
    }
}

fn read_keys<'de, T: Fields, A: MapAccess<'de>>(
    target: &mut T::Target,
    map: &mut A,
) -> Result<(), A::Error> {
    while let Some(Key(key)) = map.next_key::<Key>()? {
        T::read(target, &key, map)?;
    }
    Ok(())
}

impl<T: Fields> Shape for Section<T> {
    fn other(_: &'static str) -> Self {
        Section(Vec::new())
    }

    fn seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Self, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(Object(item)) = seq.next_element::<Object<T>>()? {
            items.extend(item);
        }
        Ok(Section(items))
    }
}

/// A whole body: the object, or the kind of JSON it is instead.
struct Body<T: Fields>(Result<T::Target, &'static str>);

impl<T: Fields> Shape for Body<T> {
    fn other(kind: &'static str) -> Self {
        Body(Err(kind))
    }

    fn map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        let Object(object) = Object::<T>::map(map)?;
        Ok(Body(Ok(object.unwrap_or_else(T::start))))
    }
}

/// An object key, borrowed from the body unless it holds escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object key")
            }

            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }

            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Sample, Service, Snapshot};

    fields! {
        Probe {
            "n" => n: Number,
            "c" => c: Count,
            "t" => t: Text,
            "items" => items: Section<Probe>,
            "inner" => inner: Object<Inner>,
        }

        Inner {
            "c" => c: Count,
        }
    }

    model_fields! {
        Server => Snapshot {
            "services" => services: Section<Unit>,
            "stats" => stats: Section<Minute>,
            nested {
                "system" => System,
            }
        }

        System => Snapshot {
            "uptime" => uptime: Count,
        }

        Unit => Service {
            "name" => name: Name,
            "status" => status: Text,
        }

        Minute => Sample if Sample::is_timed {
            "t" => minute: Timestamp,
            "cpu" => cpu: Number,
        }
    }

    #[test]
    fn model_fields_fill_the_model_itself() {
        let read = |json: &str| read::<Server>(json.as_bytes()).unwrap().unwrap();
        let server = read(
            r#"{"system": {"uptime": "60", "x": [1]}, "services": [{"status": "online"},
                {"name": " ", "status": 1}, {"name": "ssh"}],
                "stats": [{"cpu": 5}, {"t": 120, "cpu": "7.5"}]}"#,
        );
        assert_eq!(server.uptime, Some(60));
        let names: Vec<&str> = server.services.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["(unnamed)", "(unnamed)", "ssh"]);
        assert_eq!(server.services[1].status.as_deref(), Some("1"));
        assert_eq!(server.stats.len(), 1, "a sample without its minute is none");
        assert_eq!(
            (server.stats[0].minute, server.stats[0].cpu),
            (Some(120), Some(7.5))
        );
        assert_eq!(read(r#"{"system": [{"uptime": 1}]}"#).uptime, None);
        assert_eq!(
            read(r#"{"system": null, "stats": {"t": 1}}"#),
            Snapshot::default()
        );
    }

    fn probe(json: &str) -> Probe {
        read::<Probe>(json.as_bytes()).unwrap().unwrap()
    }

    #[test]
    fn the_last_of_duplicate_keys_wins_as_with_value() {
        let p = probe(r#"{"n": 1, "t": "a", "n": "2", "t": " ", "items": [{}], "items": null}"#);
        assert_eq!(p.n, Number(Some(2.0)));
        assert_eq!(p.t, Text(None));
        assert!(p.items.0.is_empty());
    }

    #[test]
    fn wrong_kinds_are_not_reported_and_never_fail_the_body() {
        let p = probe(
            r#"{"n": [1, {"x": [2]}], "c": {"a": 1}, "t": true, "inner": [],
                "items": [1, null, "x", [], {"c": "7", "\u0074": 8080, "deep": {"a": [[{}]]}}]}"#,
        );
        assert_eq!((p.n, p.c), (Number(None), Count(None)));
        assert!(p.inner.0.is_none());
        assert_eq!(p.items.0.len(), 1);
        assert_eq!(p.items.0[0].c, Count(Some(7)));
        assert_eq!(p.items.0[0].t, Text(Some("8080".into())));
        assert!(
            probe(r#"{"items": {"c": 1}, "inner": "x"}"#)
                .items
                .0
                .is_empty()
        );
    }

    #[test]
    fn deep_nesting_is_skipped_without_recursion() {
        let deep = |n| format!("{}{}", "[".repeat(n), "]".repeat(n));
        let body = format!(r#"{{"x": {0}, "items": {0}, "c": 3}}"#, deep(100_000));
        let p = probe(&body);
        assert_eq!(p.c, Count(Some(3)));
        assert!(p.items.0.is_empty());
        let truncated = format!(r#"{{"x": {}"#, "[".repeat(100_000));
        assert!(read::<Probe>(truncated.as_bytes()).is_none());
    }

    #[test]
    fn bodies_that_are_not_objects_say_what_they_are() {
        let kind = |body: &str| read::<Probe>(body.as_bytes()).map(|r| r.err());
        assert_eq!(kind("[1, 2]"), Some(Some("an array")));
        assert_eq!(kind("\"x\""), Some(Some("a string")));
        assert_eq!(kind("1.5"), Some(Some("a number")));
        assert_eq!(kind("false"), Some(Some("a boolean")));
        assert_eq!(kind("null"), Some(Some("null")));
        assert_eq!(kind("{}"), Some(None));
        assert_eq!(kind("{\"n\": 1"), None);
        assert_eq!(kind("{} x"), None);
        assert!(read::<Probe>(b"{\"x\": \"\xff\"}").is_none());
    }
}
