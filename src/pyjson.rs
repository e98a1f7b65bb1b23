//! JSON written as Python's `json.dumps` writes it with its defaults (separators
//! `", "` and `": "`, `ensure_ascii`), keys sorted by code point where asked: the
//! bytes botocore hashes for a cache key and writes to a cache file.

#[cfg(feature = "client")]
use serde_json::Value;

/// Appends `s` as a JSON string, escaped as Python escapes it with `ensure_ascii`:
/// `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, and every other character outside space
/// to `~` as `\uXXXX` (lower-case hex; surrogate pairs above U+FFFF).
pub(crate) fn string(out: &mut String, s: &str) {
    use std::fmt::Write;
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

#[cfg(feature = "client")]
/// Appends `v`, objects with their keys sorted by code point at every level (as
/// `sort_keys=True`).
pub(crate) fn sorted(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => number(out, n),
        Value::String(s) => string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                sorted(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => sorted_object(out, map),
    }
}

#[cfg(feature = "client")]
/// Appends the object `map` with its keys sorted by code point at every level.
pub(crate) fn sorted_object(out: &mut String, map: &serde_json::Map<String, Value>) {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    // Python compares str by code point; UTF-8 byte order is the same order.
    entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    out.push('{');
    for (i, (k, item)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        string(out, k);
        out.push_str(": ");
        sorted(out, item);
    }
    out.push('}');
}

#[cfg(feature = "client")]
/// Overwrites every string of `v` (at every level) with zeros before it is dropped.
pub(crate) fn zeroize_value(v: &mut Value) {
    use zeroize::Zeroize;
    match v {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(zeroize_value),
        Value::Object(map) => map.values_mut().for_each(zeroize_value),
        _ => {}
    }
}

#[cfg(feature = "client")]
/// Integers as digits; other numbers as Python's `repr` of a float writes the common
/// ones (`1.5`, `2.0`).
fn number(out: &mut String, n: &serde_json::Number) {
    if n.is_i64() || n.is_u64() {
        out.push_str(&n.to_string());
        return;
    }
    let f = n.as_f64().unwrap_or(0.0);
    let text = f.to_string();
    out.push_str(&text);
    if f.is_finite() && !text.contains(['.', 'e', 'E']) {
        out.push_str(".0");
    }
}

/// An object written field by field in the order given (as `json.dumps` writes a
/// dict in insertion order).
#[derive(Debug, Default)]
pub(crate) struct Object {
    out: String,
    first: bool,
}

impl Object {
    pub(crate) fn new() -> Self {
        Object {
            out: String::from("{"),
            first: true,
        }
    }

    fn key(&mut self, key: &str) {
        if !self.first {
            self.out.push_str(", ");
        }
        self.first = false;
        string(&mut self.out, key);
        self.out.push_str(": ");
    }

    pub(crate) fn str(&mut self, key: &str, value: &str) -> &mut Self {
        self.key(key);
        string(&mut self.out, value);
        self
    }

    pub(crate) fn object(&mut self, key: &str, value: Object) -> &mut Self {
        self.key(key);
        self.out.push_str(&value.finish());
        self
    }

    pub(crate) fn raw(&mut self, key: &str, json: &str) -> &mut Self {
        self.key(key);
        self.out.push_str(json);
        self
    }

    pub(crate) fn finish(mut self) -> String {
        self.out.push('}');
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> String {
        let mut out = String::new();
        string(&mut out, text);
        out
    }

    #[test]
    fn strings_are_escaped_as_python_ensure_ascii_does() {
        assert_eq!(s("café"), r#""caf\u00e9""#);
        assert_eq!(s("a/b\"c\\"), r#""a/b\"c\\""#);
        assert_eq!(
            s("\n\r\t\u{8}\u{c}\u{1}\u{7f}"),
            r#""\n\r\t\b\f\u0001\u007f""#
        );
        assert_eq!(s("😀"), r#""\ud83d\ude00""#);
    }

    #[test]
    #[cfg(feature = "client")]
    fn values_are_sorted_at_every_level_with_python_separators() {
        let v: Value =
            serde_json::from_str(r#"{"b":[1,{"z":true,"a":null}],"a":"x","é":2.5,"c":3.0}"#)
                .unwrap();
        let mut out = String::new();
        sorted(&mut out, &v);
        assert_eq!(
            out,
            r#"{"a": "x", "b": [1, {"a": null, "z": true}], "c": 3.0, "\u00e9": 2.5}"#
        );
    }
}
