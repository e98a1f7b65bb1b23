//! The properties of one section, compact: every key and value in one text buffer,
//! with their places in a list (two allocations a section instead of two a property).

use std::collections::HashMap;
use std::fmt;

/// Past this many keys a section gets a hash index, so reading a section is linear in
/// its size; below it (every real section) a scan is faster than hashing.
const INDEXED: usize = 16;

/// The properties of one section: keys lower-cased, the last value of a repeated key
/// wins, insertion order kept. A property with sub-properties keeps them raw
/// (`"\nname = value"`), as the format defines; see [`super::sub_properties`].
#[derive(Clone, Default)]
pub struct Properties {
    text: String,
    /// (key start, key end, value start, value end) in `text`.
    entries: Vec<(usize, usize, usize, usize)>,
    /// Key -> entry, once there are more than [`INDEXED`] entries.
    index: Option<HashMap<Box<str>, usize>>,
}

impl Properties {
    /// No properties.
    pub fn new() -> Self {
        Properties::default()
    }

    /// Room for a typical section, so one grows without reallocating.
    pub(crate) fn with_capacity() -> Self {
        Properties {
            text: String::with_capacity(192),
            entries: Vec::with_capacity(8),
            index: None,
        }
    }

    fn find(&self, key: &str) -> Option<usize> {
        if let Some(index) = &self.index {
            return index.get(key).copied();
        }
        self.entries
            .iter()
            .position(|&(ks, ke, _, _)| &self.text[ks..ke] == key)
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.find(key).map(|i| {
            let (_, _, vs, ve) = self.entries[i];
            &self.text[vs..ve]
        })
    }

    /// Sets `key` to `value` (replacing an earlier value).
    pub fn insert(&mut self, key: &str, value: &str) {
        match self.find(key) {
            Some(i) => {
                let vs = self.text.len();
                self.text.push_str(value);
                self.entries[i].2 = vs;
                self.entries[i].3 = self.text.len();
            }
            None => {
                let ks = self.text.len();
                self.text.push_str(key);
                let ke = self.text.len();
                self.text.push_str(value);
                self.entries.push((ks, ke, ke, self.text.len()));
                let at = self.entries.len() - 1;
                match &mut self.index {
                    Some(index) => {
                        index.insert(key.into(), at);
                    }
                    None if self.entries.len() > INDEXED => {
                        let text = &self.text;
                        self.index = Some(
                            self.entries
                                .iter()
                                .enumerate()
                                .map(|(i, &(ks, ke, _, _))| (text[ks..ke].into(), i))
                                .collect(),
                        );
                    }
                    None => {}
                }
            }
        }
    }

    /// Appends `"\n" + piece` to the value of `key` (a continuation line).
    pub(crate) fn continue_value(&mut self, key: &str, piece: &str) {
        let Some(i) = self.find(key) else { return };
        let (_, _, vs, ve) = self.entries[i];
        if ve != self.text.len() {
            // Not the last value written: move it to the end first.
            let value = self.text[vs..ve].to_owned();
            self.entries[i].2 = self.text.len();
            self.text.push_str(&value);
        }
        self.text.push('\n');
        self.text.push_str(piece);
        self.entries[i].3 = self.text.len();
    }

    /// Sets every property of `other` here (its values win).
    pub fn extend(&mut self, other: Properties) {
        if self.entries.is_empty() {
            *self = other;
            return;
        }
        for (k, v) in other.iter() {
            self.insert(k, v);
        }
    }

    /// The properties, in the order they were first set.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries
            .iter()
            .map(|&(ks, ke, vs, ve)| (&self.text[ks..ke], &self.text[vs..ve]))
    }

    /// The keys.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.iter().map(|(k, _)| k)
    }

    /// How many properties.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl<K: AsRef<str>, V: AsRef<str>> FromIterator<(K, V)> for Properties {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut p = Properties::new();
        for (k, v) in iter {
            p.insert(k.as_ref(), v.as_ref());
        }
        p
    }
}

impl PartialEq for Properties {
    /// Equal when they hold the same keys with the same values, in any order.
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl Eq for Properties {}

/// The keys only: values may be secrets.
impl fmt::Debug for Properties {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.keys()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_of_a_hundred_thousand_keys_reads_like_a_small_one() {
        let mut p = Properties::new();
        for i in 0..100_000 {
            p.insert(&format!("key{i}"), &format!("v{i}"));
        }
        p.insert("key7", "again");
        p.continue_value("key99999", "more");
        assert_eq!(p.len(), 100_000);
        assert_eq!(p.get("key7"), Some("again"), "the last value wins");
        assert_eq!(p.get("key99999"), Some("v99999\nmore"));
        assert_eq!(p.get("key100000"), None);
        assert_eq!(p.keys().nth(7), Some("key7"), "insertion order kept");
        let small: Properties = [("a", "1"), ("b", "2")].into_iter().collect();
        let mut merged = p.clone();
        merged.extend(small);
        assert_eq!((merged.len(), merged.get("b")), (100_002, Some("2")));
        assert_eq!(merged, merged.clone());
    }
}
