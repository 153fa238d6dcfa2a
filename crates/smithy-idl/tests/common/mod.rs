//! Model comparison for the corpus tests: two JSON ASTs reduced to what Smithy's model
//! equality looks at, and the first place two such values differ; and how one case of Smithy's
//! loader corpus is run (`loader`).

// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

pub(crate) mod loader;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// The shared IDL corpus, beside the repository.
pub(crate) fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/smithy-idl")
}

/// Every file with the extension under a folder, sorted.
pub(crate) fn files_under(folder: &Path, extension: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, extension, out);
        } else if path.extension().is_some_and(|e| e == extension) {
            out.push(path);
        }
    }
    out.sort();
}

/// A file as the (name, text) pair the loader takes.
pub(crate) fn read(path: &Path) -> (String, String) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    (path.display().to_string(), text)
}

/// Where two canonical values first differ, for the report.
pub(crate) fn first_difference(actual: &Value, expected: &Value) -> String {
    let (Some(actual), Some(expected)) = (actual.as_object(), expected.as_object()) else {
        return "not objects".into();
    };
    for (key, want) in expected {
        match actual.get(key) {
            None => return format!("missing {key}: {want}"),
            Some(got) if got != want => {
                if let (Some(_), Some(_)) = (got.as_object(), want.as_object()) {
                    return format!("{key}: {}", first_difference(got, want));
                }
                return format!("{key}: got {got}, want {want}");
            }
            _ => {}
        }
    }
    for key in actual.keys() {
        if !expected.contains_key(key) {
            return format!("unexpected {key}: {}", actual[key]);
        }
    }
    "equal".into()
}

/// The model as Smithy compares models: mixins flattened into the shapes that use them (the
/// `mixins` lists kept), `apply` entries merged, enum values filled in, empty collections and
/// Unit input/output dropped, numbers compared by value, the version ignored.
pub(crate) fn canonical(model: &Value) -> Value {
    let empty = Map::new();
    let shapes = model
        .get("shapes")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut raw: BTreeMap<String, Value> = BTreeMap::new();
    let mut applies: Vec<(String, Map<String, Value>)> = Vec::new();
    for (id, shape) in shapes {
        if shape.get("type").and_then(Value::as_str) == Some("apply") {
            let traits = shape
                .get("traits")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            applies.push((id.clone(), traits));
        } else {
            raw.insert(id.clone(), shape.clone());
        }
    }
    // Traits applied to a shape or to a member it defines merge with the traits written on
    // it; those applied to a member it inherits wait until its mixins are flattened.
    let mut inherited_applies = InheritedApplies::new();
    for (target, traits) in applies {
        if !merge_traits_into(&mut raw, &target, &traits) {
            let root = target.split('$').next().unwrap_or("").to_string();
            let pending = inherited_applies.entry(root).or_default();
            match pending.iter_mut().find(|(t, _)| *t == target) {
                Some((_, earlier)) => merge_traits(earlier, &traits),
                None => pending.push((target, traits)),
            }
        }
    }
    let mut flat: BTreeMap<String, Value> = BTreeMap::new();
    let ids: Vec<String> = raw.keys().cloned().collect();
    for id in ids {
        flatten(&raw, &inherited_applies, &id, &mut flat, 0);
    }
    let mut out = Map::new();
    for (id, mut shape) in flat {
        tidy_shape(&mut shape);
        out.insert(id, shape);
    }
    let metadata = model
        .get("metadata")
        .cloned()
        .unwrap_or(Value::Object(Map::new()));
    let mut result = Map::new();
    result.insert("metadata".into(), normalize_numbers(&metadata));
    result.insert("shapes".into(), Value::Object(out));
    Value::Object(result)
}

/// Traits applied to members a shape inherits from its mixins, by the shape's id.
type InheritedApplies = BTreeMap<String, Vec<(String, Map<String, Value>)>>;

fn member_slot<'a>(shape: &'a mut Value, member: &str) -> Option<&'a mut Value> {
    let kind = shape
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if matches!(kind.as_str(), "list" | "set" | "map") {
        shape.get_mut(member)
    } else {
        shape.get_mut("members").and_then(|m| m.get_mut(member))
    }
}

/// The `traits` object of a shape or member, made if missing.
fn traits_of(slot: &mut Map<String, Value>) -> Option<&mut Map<String, Value>> {
    slot.entry("traits")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
}

/// Merges traits applied to the same shape, as Smithy's loader does: list values are joined,
/// others replaced.
fn merge_traits(existing: &mut Map<String, Value>, traits: &Map<String, Value>) {
    for (k, v) in traits {
        match (existing.get_mut(k), v) {
            (Some(Value::Array(a)), Value::Array(b)) => a.extend(b.iter().cloned()),
            _ => {
                existing.insert(k.clone(), v.clone());
            }
        }
    }
}

fn merge_traits_into(
    shapes: &mut BTreeMap<String, Value>,
    target: &str,
    traits: &Map<String, Value>,
) -> bool {
    let (root, member) = match target.split_once('$') {
        Some((r, m)) => (r, Some(m)),
        None => (target, None),
    };
    let Some(shape) = shapes.get_mut(root) else {
        return false;
    };
    let slot = match member {
        None => Some(shape),
        Some(member) => member_slot(shape, member),
    };
    let Some(Value::Object(slot)) = slot else {
        return false;
    };
    if let Some(existing) = traits_of(slot) {
        merge_traits(existing, traits);
    }
    true
}

/// The mixins a shape lists.
fn mixin_ids(shape: &Value) -> Vec<String> {
    shape
        .get("mixins")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| m.get("target").and_then(Value::as_str).map(str::to_string))
        .collect()
}

/// Flattens a shape's mixins into it (its mixins first), as Smithy's `flattenMixins` does,
/// then gives the members it inherits the traits applied to them.
fn flatten(
    raw: &BTreeMap<String, Value>,
    inherited_applies: &InheritedApplies,
    id: &str,
    flat: &mut BTreeMap<String, Value>,
    depth: usize,
) {
    if flat.contains_key(id) || depth > 64 {
        return;
    }
    let Some(shape) = raw.get(id) else { return };
    let mixins = mixin_ids(shape);
    let mut result = if mixins.is_empty() {
        shape.clone()
    } else {
        for mixin in &mixins {
            flatten(raw, inherited_applies, mixin, flat, depth + 1);
        }
        let mixin_shapes: Vec<&Value> = mixins.iter().filter_map(|m| flat.get(m)).collect();
        mixed(shape, &mixin_shapes)
    };
    for (target, traits) in inherited_applies.get(id).into_iter().flatten() {
        let member = target.split_once('$').map(|(_, m)| m);
        let slot = member.and_then(|m| member_slot(&mut result, m));
        if let Some(existing) = slot.and_then(Value::as_object_mut).and_then(traits_of) {
            // Traits applied to an inherited member replace the ones it inherits.
            for (k, v) in traits {
                existing.insert(k.clone(), v.clone());
            }
        }
    }
    flat.insert(id.to_string(), result);
}

/// The shape with its (flattened) mixins applied: their non-local traits, members and
/// properties, with what the shape writes itself winning.
fn mixed(shape: &Value, mixins: &[&Value]) -> Value {
    const SINGLE_MEMBERS: [&str; 3] = ["member", "key", "value"];
    let mut result = Map::new();
    let mut traits = Map::new();
    let mut members = Map::new();
    let empty = Map::new();
    for mixin in mixins {
        inherit_traits(&mut traits, mixin);
        for (name, member) in mixin
            .get("members")
            .and_then(Value::as_object)
            .unwrap_or(&empty)
        {
            let merged = merge_member(members.get(name), member);
            members.insert(name.clone(), merged);
        }
        for (k, v) in mixin.as_object().unwrap_or(&empty) {
            if SINGLE_MEMBERS.contains(&k.as_str()) {
                let merged = merge_member(result.get(k), v);
                result.insert(k.clone(), merged);
            } else if !matches!(k.as_str(), "type" | "traits" | "members" | "mixins") {
                merge_property(&mut result, k, v);
            }
        }
    }
    for (k, v) in shape
        .get("traits")
        .and_then(Value::as_object)
        .unwrap_or(&empty)
    {
        traits.insert(k.clone(), v.clone());
    }
    for (name, member) in shape
        .get("members")
        .and_then(Value::as_object)
        .unwrap_or(&empty)
    {
        let merged = merge_member(members.get(name), member);
        members.insert(name.clone(), merged);
    }
    for (k, v) in shape.as_object().unwrap_or(&empty) {
        if SINGLE_MEMBERS.contains(&k.as_str()) {
            let merged = merge_member(result.get(k), v);
            result.insert(k.clone(), merged);
        } else if !matches!(k.as_str(), "traits" | "members") {
            merge_property(&mut result, k, v);
        }
    }
    result.insert("traits".into(), Value::Object(traits));
    result.insert("members".into(), Value::Object(members));
    Value::Object(result)
}

/// A mixin's traits a shape inherits: all but `@mixin` and the ones it lists as local.
fn inherit_traits(traits: &mut Map<String, Value>, mixin: &Value) {
    let Some(mixin_traits) = mixin.get("traits").and_then(Value::as_object) else {
        return;
    };
    let local: Vec<&str> = mixin_traits
        .get("smithy.api#mixin")
        .and_then(|m| m.get("localTraits"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for (k, v) in mixin_traits {
        if k != "smithy.api#mixin" && !local.contains(&k.as_str()) {
            traits.insert(k.clone(), v.clone());
        }
    }
}

/// A member over the one it inherits: its target, and its traits over the inherited ones.
fn merge_member(inherited: Option<&Value>, own: &Value) -> Value {
    let mut merged = inherited.cloned().unwrap_or(Value::Object(Map::new()));
    if let (Value::Object(m), Some(own)) = (&mut merged, own.as_object()) {
        for (k, v) in own {
            match (k.as_str(), v.as_object()) {
                ("traits", Some(v)) => {
                    if let Some(t) = traits_of(m) {
                        for (tk, tv) in v {
                            t.insert(tk.clone(), tv.clone());
                        }
                    }
                }
                _ => {
                    m.insert(k.clone(), v.clone());
                }
            }
        }
    }
    merged
}

/// A property (operation errors, service operations, rename, ...) over the inherited one:
/// lists are joined without repeats and maps merged, as Smithy's builders add a mixin's
/// properties; anything else is replaced.
fn merge_property(result: &mut Map<String, Value>, key: &str, value: &Value) {
    match (result.get_mut(key), value) {
        (Some(Value::Array(inherited)), Value::Array(own)) => {
            for item in own {
                if !inherited.contains(item) {
                    inherited.push(item.clone());
                }
            }
        }
        (Some(Value::Object(inherited)), Value::Object(own)) => {
            for (k, v) in own {
                inherited.insert(k.clone(), v.clone());
            }
        }
        _ => {
            result.insert(key.to_string(), value.clone());
        }
    }
}

fn tidy_shape(shape: &mut Value) {
    let kind = shape
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let Some(object) = shape.as_object_mut() else {
        return;
    };
    // Smithy holds these as sets, so their order is not part of the model; the published
    // JSON AST lists operation errors sorted, so they are compared as sets too.
    for key in ["operations", "resources", "errors", "collectionOperations"] {
        if let Some(Value::Array(items)) = object.get_mut(key) {
            items.sort_by_key(|item| item.to_string());
        }
    }
    for key in ["input", "output"] {
        if object
            .get(key)
            .and_then(|t| t.get("target"))
            .and_then(Value::as_str)
            == Some("smithy.api#Unit")
        {
            object.remove(key);
        }
    }
    if let Some(Value::Object(members)) = object.get_mut("members") {
        for (name, member) in members.iter_mut() {
            if kind == "enum" {
                let traits = member.as_object_mut().map(|m| {
                    m.entry("traits")
                        .or_insert_with(|| Value::Object(Map::new()))
                });
                if let Some(Value::Object(traits)) = traits {
                    traits
                        .entry("smithy.api#enumValue")
                        .or_insert_with(|| Value::String(name.clone()));
                }
            }
            tidy_member(member);
        }
    }
    for key in ["member", "key", "value"] {
        if let Some(member) = object.get_mut(key) {
            tidy_member(member);
        }
    }
    if let Some(traits) = object.get_mut("traits") {
        *traits = normalize_numbers(traits);
    }
    object.retain(|_, v| !is_empty_collection(v));
}

fn tidy_member(member: &mut Value) {
    if let Some(object) = member.as_object_mut() {
        if let Some(traits) = object.get_mut("traits") {
            *traits = normalize_numbers(traits);
        }
        object.retain(|_, v| !is_empty_collection(v));
    }
}

fn is_empty_collection(value: &Value) -> bool {
    match value {
        Value::Object(o) => o.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn normalize_numbers(value: &Value) -> Value {
    match value {
        Value::Number(n) => {
            let f: f64 = n.to_string().parse().unwrap_or(f64::NAN);
            Value::String(format!("number {f:?}"))
        }
        Value::Array(items) => Value::Array(items.iter().map(normalize_numbers).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), normalize_numbers(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}
