//! The 1.0 upgrade: shapes of IDL 1.0 files (and of JSON AST files without a version) get the
//! `@default` traits that give them their 1.0 nullability, and lose `@box`.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use super::Assembler;

/// A `@default` the upgrade adds: to a shape, or to one of its members.
type AddedDefault = (String, Option<String>, Value);

impl Assembler<'_> {
    /// Gives the shapes of IDL 1.0 files the 2.0 meaning Smithy's loader gives them. In 1.0 a
    /// boolean or number shape not marked `@box` has a zero value, and so does a structure
    /// member targeting one (or a stream) unless the member is `@box`: such shapes and members
    /// get `@default` of that zero value, and a boxed member `@default(null)`. The 2.0 shapes
    /// a 1.0 member may target count as boxed unless their `@default` is the zero value (and
    /// shapes of JSON AST files without a version only when marked `@box`).
    /// `@box` itself is left out, as Smithy never writes it in a 2.0 model.
    pub(super) fn upgrade_v1(
        &self,
        shapes: &mut Map<String, Value>,
        v1_shapes: &HashSet<String>,
        unversioned: &HashSet<String>,
    ) {
        let versions = Versions {
            v1_shapes,
            unversioned,
        };
        let mut defaults: Vec<AddedDefault> = Vec::new();
        for id in v1_shapes {
            let Some(shape) = shapes.get(id) else {
                continue;
            };
            let kind = shape.get("type").and_then(Value::as_str).unwrap_or("");
            if HAD_ZERO_VALUE_IN_V1.contains(&kind) && !versions.boxed(id, shape) {
                defaults.push((id.clone(), None, zero_value(kind)));
            }
            if kind == "structure" {
                self.member_defaults(shapes, &versions, id, shape, &mut defaults);
            }
        }
        add_defaults(shapes, defaults);
        // Only 1.0 (and unversioned) shapes may carry `@box`: 2.0 files refuse it.
        for id in v1_shapes.iter().chain(unversioned) {
            let Some(shape) = shapes.get_mut(id) else {
                continue;
            };
            remove_box(shape);
            for name in ["member", "key", "value"] {
                if let Some(member) = shape.get_mut(name) {
                    remove_box(member);
                }
            }
            if let Some(members) = shape.get_mut("members").and_then(Value::as_object_mut) {
                members.values_mut().for_each(remove_box);
            }
        }
    }

    /// The `@default` each member of a 1.0 structure gets: the zero value of a target that
    /// had one, or `null` for a boxed member.
    fn member_defaults(
        &self,
        shapes: &Map<String, Value>,
        versions: &Versions<'_>,
        id: &str,
        shape: &Value,
        defaults: &mut Vec<AddedDefault>,
    ) {
        for (name, member) in shape
            .get("members")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let Some(target) = member.get("target").and_then(Value::as_str) else {
                continue;
            };
            let target_kind = self.kind_of(target).unwrap_or("");
            let target_shape = shapes.get(target);
            let target_boxed = match target_shape {
                Some(target_shape) => versions.boxed(target, target_shape),
                // The prelude's boolean and number shapes are nullable but for the
                // `Primitive` ones.
                None => !target
                    .strip_prefix("smithy.api#")
                    .is_some_and(|name| name.starts_with("Primitive")),
            };
            let stream = target_kind == "blob"
                && target_shape.is_some_and(|t| has_trait(t, "smithy.api#streaming"))
                && !has_trait(member, "smithy.api#required");
            let member_boxed = has_trait(member, "smithy.api#box");
            let value = if (HAD_ZERO_VALUE_IN_V1.contains(&target_kind) || stream)
                && !has_trait(member, "smithy.api#default")
                && !member_boxed
                && !target_boxed
            {
                zero_value(target_kind)
            } else if member_boxed {
                Value::Null
            } else {
                continue;
            };
            defaults.push((id.to_string(), Some(name.clone()), value));
        }
    }
}

/// Which shapes come from files of which version, to tell whether a shape is boxed.
struct Versions<'a> {
    v1_shapes: &'a HashSet<String>,
    unversioned: &'a HashSet<String>,
}

impl Versions<'_> {
    /// Whether a shape is boxed, i.e. nullable: marked `@box`, or a 2.0 boolean or number
    /// shape without the zero value as its default.
    fn boxed(&self, id: &str, shape: &Value) -> bool {
        let kind = shape.get("type").and_then(Value::as_str).unwrap_or("");
        if self.v1_shapes.contains(id)
            || self.unversioned.contains(id)
            || !HAD_ZERO_VALUE_IN_V1.contains(&kind)
        {
            has_trait(shape, "smithy.api#box")
        } else {
            let default = shape
                .get("traits")
                .and_then(|t| t.get("smithy.api#default"));
            !is_zero_value(default, kind)
        }
    }
}

fn has_trait(value: &Value, trait_id: &str) -> bool {
    value
        .get("traits")
        .and_then(|traits| traits.get(trait_id))
        .is_some()
}

/// Adds each `@default` to its shape or member.
fn add_defaults(shapes: &mut Map<String, Value>, defaults: Vec<AddedDefault>) {
    for (id, member, value) in defaults {
        let Some(shape) = shapes.get_mut(&id) else {
            continue;
        };
        let holder = match &member {
            None => Some(shape),
            Some(name) => shape
                .get_mut("members")
                .and_then(|members| members.get_mut(name.as_str())),
        };
        if let Some(traits) = holder
            .and_then(Value::as_object_mut)
            .map(|holder| holder.entry("traits").or_insert_with(|| json!({})))
            .and_then(Value::as_object_mut)
        {
            traits.insert("smithy.api#default".into(), value);
        }
    }
}

/// The shape types whose values were never null in Smithy 1.0 unless boxed (an `intEnum` was
/// an integer then).
const HAD_ZERO_VALUE_IN_V1: &[&str] = &[
    "boolean", "byte", "short", "integer", "long", "float", "double", "intEnum",
];

/// The zero value a 1.0 shape of the type had: `false`, `0`, or for a stream an empty blob.
fn zero_value(kind: &str) -> Value {
    match kind {
        "boolean" => Value::Bool(false),
        "blob" | "string" => Value::String(String::new()),
        _ => Value::from(0),
    }
}

/// Whether a `@default` value is the zero value a 1.0 shape of the type had.
fn is_zero_value(value: Option<&Value>, kind: &str) -> bool {
    match (value, kind) {
        (Some(Value::Bool(b)), "boolean") => !b,
        (Some(Value::Number(n)), _) if kind != "boolean" => n.as_f64() == Some(0.0),
        _ => false,
    }
}

/// Drops `@box` from a shape or member, leaving no empty `traits` behind.
fn remove_box(shape: &mut Value) {
    let Some(object) = shape.as_object_mut() else {
        return;
    };
    let Some(traits) = object.get_mut("traits").and_then(Value::as_object_mut) else {
        return;
    };
    if traits.remove("smithy.api#box").is_some() && traits.is_empty() {
        object.remove("traits");
    }
}
