//! Smithy's own loader tests, read from the shared corpus: every `valid` IDL file must load to
//! the model its `.json` twin describes, and every `invalid` file must be refused, syntax
//! errors at the line and column the file's first-line comment names.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/smithy-idl")
}

fn files_under(folder: &Path, extension: &str, out: &mut Vec<PathBuf>) {
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

fn read(path: &Path) -> (String, String) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    (path.display().to_string(), text)
}

/// Valid cases known not to load equal yet, each with the reason. Each must still differ.
const VALID_EXPECTED_TO_DIFFER: &[(&str, &str)] = &[];

/// Invalid cases known not to be refused yet, each with the reason. Each must still load.
const INVALID_EXPECTED_TO_LOAD: &[(&str, &str)] = &[];

/// Syntax-error cases whose error is at another place than Smithy's, each with the reason.
const POSITION_EXPECTED_TO_DIFFER: &[(&str, &str)] = &[];

fn relative(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn smithy_loader_corpus() {
    let base = corpus().join("loader");
    if !base.is_dir() {
        panic!("the shared IDL corpus is missing at {}", base.display());
    }
    let valid = base.join("valid");
    let shared = read(&valid.join("__shared.json"));
    let mut idl_files = Vec::new();
    files_under(&valid, "smithy", &mut idl_files);

    let mut equal = Vec::new();
    let mut differ: Vec<(String, String)> = Vec::new();
    for idl in &idl_files {
        let json = idl.with_extension("json");
        if !json.exists() {
            continue;
        }
        let name = relative(idl, &base);
        let actual = smithy_idl::load(&[read(idl), shared.clone()]);
        let expected = smithy_idl::load(&[read(&json), shared.clone()]);
        match (actual, expected) {
            (Ok(actual), Ok(expected)) => {
                let (actual, expected) = (canonical(&actual), canonical(&expected));
                if actual == expected {
                    equal.push(name);
                } else {
                    differ.push((name, first_difference(&actual, &expected)));
                }
            }
            (Err(errors), _) => differ.push((
                name,
                format!(
                    "refused: {}",
                    errors.first().map(|e| e.to_string()).unwrap_or_default()
                ),
            )),
            (_, Err(errors)) => differ.push((name, format!("expected JSON refused: {errors:?}"))),
        }
    }

    let invalid = base.join("invalid");
    let mut invalid_files = Vec::new();
    files_under(&invalid, "smithy", &mut invalid_files);
    let mut refused = 0;
    let mut loaded = Vec::new();
    let mut syntax_cases = 0;
    let mut position_equal = 0;
    let mut message_equal = 0;
    let mut other_message_equal = 0;
    let mut position_differ: Vec<(String, String)> = Vec::new();
    for file in &invalid_files {
        let name = relative(file, &base);
        let (file_name, text) = read(file);
        let expected = text
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches('/')
            .trim()
            .to_string();
        let expected = expected.split(" | ").next().unwrap_or("").to_string();
        match smithy_idl::load(&[(file_name, text)]) {
            Ok(_) => loaded.push(name),
            Err(errors) => {
                refused += 1;
                let Some(position) = syntax_position(&expected) else {
                    if errors.iter().any(|e| e.headline().contains(&expected)) {
                        other_message_equal += 1;
                    } else {
                        let got = errors.first().map(|e| e.headline()).unwrap_or_default();
                        println!("message differs: {name}: want `{expected}`, got `{got}`");
                    }
                    continue;
                };
                syntax_cases += 1;
                if errors.iter().any(|e| e.headline().contains(&position)) {
                    position_equal += 1;
                } else {
                    let got = errors.first().map(|e| e.headline()).unwrap_or_default();
                    position_differ.push((name.clone(), format!("want `{expected}`, got `{got}`")));
                }
                if errors.iter().any(|e| e.headline().contains(&expected)) {
                    message_equal += 1;
                } else {
                    let got = errors.first().map(|e| e.headline()).unwrap_or_default();
                    println!("message differs: {name}: want `{expected}`, got `{got}`");
                }
            }
        }
    }

    for (name, why) in &differ {
        println!("valid differs: {name}: {why}");
    }
    for name in &loaded {
        println!("invalid loaded: {name}");
    }
    for (name, why) in &position_differ {
        println!("syntax position differs: {name}: {why}");
    }
    let valid_total = equal.len() + differ.len();
    println!(
        "idl loader: {} valid equal of {valid_total}, {refused} invalid refused of {}, \
         {position_equal} of {syntax_cases} syntax errors at Smithy's line and column \
         ({message_equal} with Smithy's exact message), {other_message_equal} of {} other \
         refusals with Smithy's message",
        equal.len(),
        invalid_files.len(),
        refused - syntax_cases
    );

    let known = |list: &[(&str, &str)], name: &str| list.iter().any(|(n, _)| *n == name);
    for (name, _) in &differ {
        assert!(
            known(VALID_EXPECTED_TO_DIFFER, name),
            "{name} does not load to its JSON AST"
        );
    }
    for (name, _) in VALID_EXPECTED_TO_DIFFER {
        assert!(
            differ.iter().any(|(n, _)| n == name),
            "{name} now loads equal: take it off the list"
        );
    }
    for name in &loaded {
        assert!(
            known(INVALID_EXPECTED_TO_LOAD, name),
            "{name} was not refused"
        );
    }
    for (name, _) in INVALID_EXPECTED_TO_LOAD {
        assert!(
            loaded.contains(&name.to_string()),
            "{name} is now refused: take it off the list"
        );
    }
    for (name, _) in &position_differ {
        assert!(
            known(POSITION_EXPECTED_TO_DIFFER, name),
            "{name}: syntax error at another place than Smithy's"
        );
    }
    for (name, _) in POSITION_EXPECTED_TO_DIFFER {
        assert!(
            position_differ.iter().any(|(n, _)| n == name),
            "{name} now points where Smithy does: take it off the list"
        );
    }
    assert_eq!(
        valid_total, 62,
        "the corpus has 62 valid pairs (63 JSON files, one of them `__shared.json`)"
    );
}

/// `Syntax error at line L, column C` from an expected message, if it names a place.
fn syntax_position(expected: &str) -> Option<String> {
    let start = expected.find("Syntax error at line ")?;
    let rest = &expected[start..];
    let end = rest.find(':').unwrap_or(rest.len());
    Some(rest[..end].to_string())
}

fn first_difference(actual: &Value, expected: &Value) -> String {
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
fn canonical(model: &Value) -> Value {
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

#[test]
fn prelude_table_matches_the_prelude_file() {
    let path = corpus().join("prelude/prelude.smithy");
    let (name, text) = read(&path);
    let model = smithy_idl::load(&[(name, text)]).unwrap_or_else(|errors| {
        panic!("the prelude does not load: {}", errors[0]);
    });
    let names: Vec<String> = model["shapes"]
        .as_object()
        .map(|s| {
            s.iter()
                .filter(|(id, v)| !id.contains('$') && v["type"] != "apply")
                .map(|(id, v)| {
                    format!(
                        "{} {}",
                        id.trim_start_matches("smithy.api#"),
                        v["type"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let table = smithy_idl::prelude_shape_names();
    let mut table: Vec<String> = table.iter().map(|(n, k)| format!("{n} {k}")).collect();
    table.sort();
    let mut names = names;
    names.sort();
    assert_eq!(names, table);
}
