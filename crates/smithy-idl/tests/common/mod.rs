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
    let mut late = Vec::new();
    for (target, traits) in applies {
        if !merge_traits_into(&mut raw, &target, &traits) {
            late.push((target, traits));
        }
    }
    let mut flat: BTreeMap<String, Value> = BTreeMap::new();
    let ids: Vec<String> = raw.keys().cloned().collect();
    for id in ids {
        flatten(&raw, &id, &mut flat, 0);
    }
    for (target, traits) in late {
        merge_traits_into(&mut flat, &target, &traits);
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
    let existing = slot
        .entry("traits")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(existing) = existing {
        for (k, v) in traits {
            match (existing.get_mut(k), v) {
                (Some(Value::Array(a)), Value::Array(b)) => a.extend(b.iter().cloned()),
                _ => {
                    existing.insert(k.clone(), v.clone());
                }
            }
        }
    }
    true
}

fn flatten(
    raw: &BTreeMap<String, Value>,
    id: &str,
    flat: &mut BTreeMap<String, Value>,
    depth: usize,
) {
    if flat.contains_key(id) || depth > 64 {
        return;
    }
    let Some(shape) = raw.get(id) else { return };
    let mixins: Vec<String> = shape
        .get("mixins")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| m.get("target").and_then(Value::as_str).map(str::to_string))
        .collect();
    if mixins.is_empty() {
        flat.insert(id.to_string(), shape.clone());
        return;
    }
    let mut result = Map::new();
    let mut traits = Map::new();
    let mut members = Map::new();
    let kind = shape.get("type").cloned().unwrap_or(Value::Null);
    let single_members = ["member", "key", "value"];
    for mixin in &mixins {
        flatten(raw, mixin, flat, depth + 1);
        let Some(mixin_shape) = flat.get(mixin) else {
            continue;
        };
        let mixin_traits = mixin_shape.get("traits").and_then(Value::as_object);
        let local: Vec<String> = mixin_traits
            .and_then(|t| t.get("smithy.api#mixin"))
            .and_then(|m| m.get("localTraits"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        for (k, v) in mixin_traits.into_iter().flatten() {
            if k != "smithy.api#mixin" && !local.contains(k) {
                traits.insert(k.clone(), v.clone());
            }
        }
        for (name, member) in mixin_shape
            .get("members")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            members.insert(name.clone(), member.clone());
        }
        for name in single_members {
            if let Some(member) = mixin_shape.get(name) {
                result.insert(name.to_string(), member.clone());
            }
        }
        // Service and resource properties are inherited too.
        if let Some(object) = mixin_shape.as_object() {
            for (k, v) in object {
                if !matches!(
                    k.as_str(),
                    "type" | "traits" | "members" | "mixins" | "member" | "key" | "value"
                ) {
                    result.insert(k.clone(), v.clone());
                }
            }
        }
    }
    for (k, v) in shape
        .get("traits")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        traits.insert(k.clone(), v.clone());
    }
    let merge_member = |inherited: Option<&Value>, own: &Value| -> Value {
        let mut merged = inherited.cloned().unwrap_or(Value::Object(Map::new()));
        if let (Value::Object(m), Some(own)) = (&mut merged, own.as_object()) {
            for (k, v) in own {
                if k == "traits" {
                    let t = m
                        .entry("traits")
                        .or_insert_with(|| Value::Object(Map::new()));
                    if let (Value::Object(t), Some(v)) = (t, v.as_object()) {
                        for (tk, tv) in v {
                            t.insert(tk.clone(), tv.clone());
                        }
                    }
                } else {
                    m.insert(k.clone(), v.clone());
                }
            }
        }
        merged
    };
    for (name, member) in shape
        .get("members")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let merged = merge_member(members.get(name), member);
        members.insert(name.clone(), merged);
    }
    if let Some(object) = shape.as_object() {
        for (k, v) in object {
            if single_members.contains(&k.as_str()) {
                let merged = merge_member(result.get(k), v);
                result.insert(k.clone(), merged);
            } else if !matches!(k.as_str(), "traits" | "members") {
                result.insert(k.clone(), v.clone());
            }
        }
    }
    result.insert("type".into(), kind);
    result.insert("traits".into(), Value::Object(traits));
    result.insert("members".into(), Value::Object(members));
    flat.insert(id.to_string(), Value::Object(result));
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
