//! The CBOR readers of lists and maps, as [`crate::json`]'s: items and entries read one by one
//! at their paths, `null` refused or kept by sparseness, `@uniqueItems` checked, and for the
//! described forms the whole list or map quoted in their items' violations.

use std::collections::HashMap;
use std::hash::Hash;

use super::CborValue as Value;
use super::read::{array, not_null, object};
use super::text::{has_duplicates, map_text};
use crate::json::Items;
use crate::validation::{Path, ValueText, Violations};

/// A list as read: the items that could be read, the indices of those that could not, and
/// where the list's violations begin.
struct ReadItems<T> {
    mark: usize,
    list: Vec<T>,
    dropped: Vec<usize>,
}

fn read_items<T>(
    value: Value,
    path: &Path<'_>,
    v: &mut Violations,
    items: Items,
    mut read: impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<Option<T>>,
) -> Option<ReadItems<T>> {
    let values = array(value, path, v)?;
    if items.is_unique() && has_duplicates(&values) {
        v.unique_items(path, Some(&values));
    }
    let mark = v.mark();
    let mut list = Vec::with_capacity(values.len());
    let mut dropped = Vec::new();
    for (index, value) in values.into_iter().enumerate() {
        match read(value, &items.item_path(path, index), v) {
            Some(Some(item)) => list.push(item),
            _ => dropped.push(index),
        }
    }
    Some(ReadItems {
        mark,
        list,
        dropped,
    })
}

fn dense<T>(
    mut read: impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<T>,
) -> impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<Option<T>> {
    move |value, path, v| {
        let value = not_null(value, path, v)?;
        Some(read(value, path, v))
    }
}

fn sparse<T>(
    mut read: impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<T>,
) -> impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<Option<Option<T>>> {
    move |value, path, v| {
        if value.is_null() {
            return Some(Some(None));
        }
        Some(read(value, path, v).map(Some))
    }
}

/// A list (`null` items are violations).
pub fn list<T>(
    value: Value,
    path: &Path<'_>,
    v: &mut Violations,
    items: Items,
    read: impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<T>,
) -> Option<Vec<T>> {
    read_items(value, path, v, items, dense(read)).map(|read| read.list)
}

/// A `@sparse` list (`null` items are `None`).
pub fn sparse_list<T>(
    value: Value,
    path: &Path<'_>,
    v: &mut Violations,
    items: Items,
    read: impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<T>,
) -> Option<Vec<Option<T>>> {
    read_items(value, path, v, items, sparse(read)).map(|read| read.list)
}

/// A list whose items' violations show the whole list as their value (AWS's dialect does,
/// for lists of scalars).
pub fn described_list<T: ValueText>(
    value: Value,
    path: &Path<'_>,
    v: &mut Violations,
    items: Items,
    read: impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<T>,
) -> Option<Vec<T>> {
    let read = read_items(value, path, v, items, dense(read))?;
    v.describe_list(read.mark, &read.list, &read.dropped);
    Some(read.list)
}

/// A `@sparse` list whose items' violations show the whole list.
pub fn described_sparse_list<T: ValueText>(
    value: Value,
    path: &Path<'_>,
    v: &mut Violations,
    items: Items,
    read: impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<T>,
) -> Option<Vec<Option<T>>> {
    let read = read_items(value, path, v, items, sparse(read))?;
    v.describe_list(read.mark, &read.list, &read.dropped);
    Some(read.list)
}

fn read_entries<K: Eq + Hash, T>(
    value: Value,
    path: &Path<'_>,
    v: &mut Violations,
    items: Items,
    mut read_key: impl FnMut(String, &Path<'_>, &mut Violations) -> Option<K>,
    mut read: impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<Option<T>>,
) -> Option<(usize, HashMap<K, T>)> {
    let entries = object(value, path, v)?;
    let mut map = HashMap::with_capacity(entries.len());
    let mark = v.mark();
    for (key, value) in entries {
        let parsed_key = read_key(key.clone(), &items.key_path(path, &key), v);
        let parsed_value = read(value, &items.value_path(path, &key), v).flatten();
        if let (Some(key), Some(value)) = (parsed_key, parsed_value) {
            map.insert(key, value);
        }
    }
    Some((mark, map))
}

/// A map (`null` values are violations).
pub fn map<K: Eq + Hash, T>(
    value: Value,
    path: &Path<'_>,
    v: &mut Violations,
    items: Items,
    read_key: impl FnMut(String, &Path<'_>, &mut Violations) -> Option<K>,
    read: impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<T>,
) -> Option<HashMap<K, T>> {
    read_entries(value, path, v, items, read_key, dense(read)).map(|(_, map)| map)
}

/// A `@sparse` map (`null` values are `None`).
pub fn sparse_map<K: Eq + Hash, T>(
    value: Value,
    path: &Path<'_>,
    v: &mut Violations,
    items: Items,
    read_key: impl FnMut(String, &Path<'_>, &mut Violations) -> Option<K>,
    read: impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<T>,
) -> Option<HashMap<K, Option<T>>> {
    read_entries(value, path, v, items, read_key, sparse(read)).map(|(_, map)| map)
}

/// A map whose keys' and values' violations show the whole map as their value.
pub fn described_map<K: Eq + Hash + ValueText, T: ValueText>(
    value: Value,
    path: &Path<'_>,
    v: &mut Violations,
    items: Items,
    read_key: impl FnMut(String, &Path<'_>, &mut Violations) -> Option<K>,
    read: impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<T>,
) -> Option<HashMap<K, T>> {
    let sent = map_text(&value);
    let (mark, map) = read_entries(value, path, v, items, read_key, dense(read))?;
    v.describe_container(mark, &sent);
    Some(map)
}

/// A `@sparse` map whose keys' and values' violations show the whole map.
pub fn described_sparse_map<K: Eq + Hash + ValueText, T: ValueText>(
    value: Value,
    path: &Path<'_>,
    v: &mut Violations,
    items: Items,
    read_key: impl FnMut(String, &Path<'_>, &mut Violations) -> Option<K>,
    read: impl FnMut(Value, &Path<'_>, &mut Violations) -> Option<T>,
) -> Option<HashMap<K, Option<T>>> {
    let sent = map_text(&value);
    let (mark, map) = read_entries(value, path, v, items, read_key, sparse(read))?;
    v.describe_container(mark, &sent);
    Some(map)
}
