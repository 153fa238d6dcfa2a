//! The checks Smithy's loader makes once the model is assembled that the grammar alone does
//! not: shape types the file's version allows, required and conflicting members, enum and
//! intEnum values, mixins of the right type and marked `@mixin`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::mixins::ShapeFacts;
use super::shapes::member_place;
use super::{Assembler, Parsed, idl_shape, is_first_definition};
use crate::error::ErrorKind;
use crate::parser::{File, Location, Shape, Version};

impl Assembler<'_> {
    /// Enum members without a value get their name as value, as Smithy's model does.
    pub(super) fn finish_enums(
        &mut self,
        parsed: &[Parsed],
        shapes: &mut Map<String, Value>,
        idl_ids: &BTreeMap<String, (usize, Location)>,
        facts: &BTreeMap<String, ShapeFacts>,
    ) {
        for (id, (source, location)) in idl_ids {
            let Some(shape) = shapes.get_mut(id).and_then(Value::as_object_mut) else {
                continue;
            };
            if shape.get("type").and_then(Value::as_str) != Some("enum") {
                continue;
            }
            let mut inherited = Vec::new();
            Self::inherited_members(facts, id, 0, &mut inherited);
            let Some(members) = shape.get_mut("members").and_then(Value::as_object_mut) else {
                continue;
            };
            let mut bad = Vec::new();
            for (name, member) in members.iter_mut() {
                let Some(member) = member.as_object_mut() else {
                    continue;
                };
                let has_value = member
                    .get("traits")
                    .and_then(|t| t.get("smithy.api#enumValue"))
                    .is_some();
                // A member written again in a mixed enum keeps the mixin's value.
                if !has_value && inherited.iter().any(|(n, _, _)| n == name) {
                    continue;
                }
                let traits = member
                    .entry("traits")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Some(traits) = traits.as_object_mut() {
                    match traits.get("smithy.api#enumValue") {
                        None => {
                            traits
                                .insert("smithy.api#enumValue".into(), Value::String(name.clone()));
                        }
                        Some(Value::String(_)) => {}
                        Some(other) => bad.push((
                            name.clone(),
                            format!(
                                "{id}${name}: enum members can only be assigned string values, \
                                 but found: {other}"
                            ),
                        )),
                    }
                }
            }
            for (name, message) in bad {
                let place = idl_shape(parsed, *source, id)
                    .map_or(*location, |shape| member_place(shape, &name, "enumValue"));
                self.error_at(*source, place, ErrorKind::InvalidTraitValue, message);
            }
        }
    }

    /// The checks Smithy's loader makes that the grammar alone does not.
    pub(super) fn validate(
        &mut self,
        parsed: &[Parsed],
        idl_ids: &BTreeMap<String, (usize, Location)>,
        shapes: &Map<String, Value>,
        facts: &BTreeMap<String, ShapeFacts>,
    ) {
        for (index, file) in parsed.iter().enumerate() {
            let Parsed::Idl(file) = file else { continue };
            for shape in &file.shapes {
                if !is_first_definition(idl_ids, index, shape) {
                    continue;
                }
                let Some(value) = shapes.get(&shape.id) else {
                    continue;
                };
                let messages = self.shape_problems(file, shape, value, facts);
                for (location, kind, message) in messages {
                    self.error_at(index, location, kind, message);
                }
            }
        }
    }

    /// Everything wrong with one IDL shape: problems with the shape at the shape, problems
    /// with one member at the place that member (or its value) is written.
    fn shape_problems(
        &self,
        file: &File,
        shape: &Shape,
        value: &Value,
        facts: &BTreeMap<String, ShapeFacts>,
    ) -> Vec<(Location, ErrorKind, String)> {
        let mut problems = Vec::new();
        let mut member_problems = Vec::new();
        let id = &shape.id;
        if Self::in_mixin_cycle(facts, id) {
            problems.push((ErrorKind::Mixin, format!("{id}: mixins form a cycle")));
        }
        let is_mixin = value
            .get("traits")
            .and_then(Value::as_object)
            .is_some_and(|t| t.contains_key("smithy.api#mixin"));
        version_problems(file.version, shape, is_mixin, &mut problems);
        let mut inherited = Vec::new();
        Self::inherited_members(facts, id, 0, &mut inherited);
        mixin_member_conflicts(shape, facts, &mut problems);
        let has =
            |name: &str| value.get(name).is_some() || inherited.iter().any(|(n, _, _)| n == name);
        let kind = shape.kind.as_str();
        match kind {
            "list" | "set" if !has("member") => {
                problems.push((
                    ErrorKind::InvalidShape,
                    format!("Missing required member of shape `{id}`: member"),
                ));
            }
            "map" => {
                let missing: Vec<&str> = ["key", "value"]
                    .into_iter()
                    .filter(|name| !has(name))
                    .collect();
                match missing.as_slice() {
                    [] => {}
                    [one] => problems.push((
                        ErrorKind::InvalidShape,
                        format!("Missing required member of shape `{id}`: {one}"),
                    )),
                    _ => problems.push((
                        ErrorKind::InvalidShape,
                        format!(
                            "Missing required members of shape `{id}`: {}",
                            missing.join(", ")
                        ),
                    )),
                }
            }
            "enum" | "intEnum" => {
                let inherited: Vec<&str> = inherited.iter().map(|(n, _, _)| n.as_str()).collect();
                enum_problems(
                    shape,
                    value,
                    &inherited,
                    &mut problems,
                    &mut member_problems,
                );
            }
            "operation" | "resource" if is_mixin => {
                mixin_property_problems(shape, value, &mut problems);
            }
            _ => {}
        }
        self.mixin_problems(shape, facts, &mut problems);
        problems
            .into_iter()
            .map(|(kind, message)| (shape.location, kind, message))
            .chain(member_problems)
            .collect()
    }

    /// Mixins of another shape type, and shapes used as mixins without being marked `@mixin`.
    fn mixin_problems(
        &self,
        shape: &Shape,
        facts: &BTreeMap<String, ShapeFacts>,
        problems: &mut Vec<(ErrorKind, String)>,
    ) {
        let (id, kind) = (&shape.id, shape.kind.as_str());
        let wrong: Vec<&String> = facts
            .get(id)
            .map(|f| f.mixins.iter())
            .into_iter()
            .flatten()
            .filter(|m| self.kind_of(m).is_some_and(|k| k != kind))
            .collect();
        if !wrong.is_empty() {
            let list: Vec<String> = wrong.iter().map(|m| format!("`{m}`")).collect();
            problems.push((
                ErrorKind::Mixin,
                format!(
                    "Mixins may only be mixed into shapes of the same type. The following mixins \
                 were applied to the {kind} shape `{id}` which are not {kind} shapes: [{}]",
                    list.join(", ")
                ),
            ));
        }
        for mixin in facts.get(id).map(|f| f.mixins.iter()).into_iter().flatten() {
            if let Some(mixin_facts) = facts.get(mixin)
                && !mixin_facts.is_mixin
                && self.kind_of(mixin) == Some(kind)
            {
                problems.push((ErrorKind::Mixin, format!(
                    "Attempted to use `{mixin}` as a mixin, but it is not marked with the mixin \
                     trait"
                )));
            }
        }
    }
}

/// Shape types and traits the file's IDL version does not have.
fn version_problems(
    version: Version,
    shape: &Shape,
    is_mixin: bool,
    problems: &mut Vec<(ErrorKind, String)>,
) {
    let (id, kind) = (&shape.id, shape.kind.as_str());
    if version == Version::V1 && matches!(kind, "enum" | "intEnum") {
        problems.push((
            ErrorKind::Version,
            format!("{kind} shapes cannot be used in Smithy version 1.0"),
        ));
    }
    if version == Version::V2 && kind == "set" {
        problems.push((
            ErrorKind::Version,
            "set shapes cannot be used in Smithy version 2.0".into(),
        ));
    }
    if version == Version::V1 && is_mixin {
        problems.push((
            ErrorKind::Version,
            format!(
                "Mixins can only be used in Smithy 2.0 or later. Attempted to apply a @mixin \
             trait to `{id}` in a model file using version `1.0`."
            ),
        ));
    }
}

/// Two mixins giving a member of the same name different targets, where the shape does not
/// define the member itself.
fn mixin_member_conflicts(
    shape: &Shape,
    facts: &BTreeMap<String, ShapeFacts>,
    problems: &mut Vec<(ErrorKind, String)>,
) {
    let id = &shape.id;
    let mut seen: Vec<(String, Option<String>)> = Vec::new();
    for (_, members) in Assembler::mixin_member_sets(facts, id) {
        for (name, target) in members {
            let own = shape.members.iter().any(|m| m.name == name);
            match seen.iter().find(|(n, _)| *n == name) {
                Some((_, Some(first))) if !own && target.as_ref().is_some_and(|t| t != first) => {
                    problems.push((
                        ErrorKind::Mixin,
                        format!(
                            "{id}${name}: Member conflicts with an inherited mixin member: \
                         `{id}${name}`"
                        ),
                    ));
                }
                Some(_) => {}
                None => seen.push((name, target)),
            }
        }
    }
}

/// An enum or intEnum without members, and intEnum members without an integer value.
fn enum_problems(
    shape: &Shape,
    value: &Value,
    inherited: &[&str],
    problems: &mut Vec<(ErrorKind, String)>,
    member_problems: &mut Vec<(Location, ErrorKind, String)>,
) {
    let (id, kind) = (&shape.id, shape.kind.as_str());
    let members = value.get("members").and_then(Value::as_object);
    if members.map_or(0, Map::len) + inherited.len() == 0 {
        problems.push((
            ErrorKind::InvalidShape,
            format!("{id}: {kind} must have at least one entry"),
        ));
        problems.push((
            ErrorKind::InvalidShape,
            format!("{kind} shapes must have at least one member"),
        ));
    }
    if kind != "intEnum" {
        return;
    }
    for (name, member) in members.into_iter().flatten() {
        let enum_value = member
            .get("traits")
            .and_then(|t| t.get("smithy.api#enumValue"));
        if enum_value.is_none() && inherited.contains(&name.as_str()) {
            continue;
        }
        if let Some(problem) = int_enum_problem(enum_value) {
            member_problems.push((
                member_place(shape, name, "enumValue"),
                ErrorKind::InvalidTraitValue,
                format!("{id}${name}: {problem}"),
            ));
        }
    }
}

/// Operation mixins must have Unit input and output; resource mixins may define no property.
fn mixin_property_problems(shape: &Shape, value: &Value, problems: &mut Vec<(ErrorKind, String)>) {
    let id = &shape.id;
    if shape.kind == "operation" {
        let unit = |key: &str| {
            value
                .get(key)
                .and_then(|t| t.get("target"))
                .and_then(Value::as_str)
                .is_none_or(|t| t == "smithy.api#Unit")
        };
        if !unit("input") || !unit("output") {
            problems.push((
                ErrorKind::Mixin,
                format!(
                    "Operation shapes with the mixin trait MUST target `smithy.api#Unit` for their \
                 input and output. Operation mixin shape `{id}` defines one or both of these \
                 properties."
                ),
            ));
        }
    } else if RESOURCE_PROPERTIES
        .iter()
        .any(|key| value.get(*key).is_some_and(|v| !is_empty_collection(v)))
    {
        problems.push((
            ErrorKind::Mixin,
            format!(
                "Resource shapes with the mixin trait may not define any properties. Resource \
             mixin shape `{id}` defines one or more properties."
            ),
        ));
    }
}

/// What a resource may define; a resource mixin may define none of them.
const RESOURCE_PROPERTIES: &[&str] = &[
    "identifiers",
    "properties",
    "put",
    "create",
    "read",
    "update",
    "delete",
    "list",
    "operations",
    "collectionOperations",
    "resources",
];

pub(super) fn is_empty_collection(value: &Value) -> bool {
    match value {
        Value::Object(o) => o.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn int_enum_problem(value: Option<&Value>) -> Option<String> {
    let Some(value) = value else {
        return Some("intEnum members must have a value".into());
    };
    let Value::Number(number) = value else {
        return Some(format!(
            "intEnum members require integer values, but found: {value}"
        ));
    };
    let text = number.to_string();
    if text.contains(['.', 'e', 'E']) {
        return Some("intEnum members do not support floating point values".into());
    }
    match text.parse::<i64>() {
        Ok(n) if i32::try_from(n).is_ok() => None,
        _ => Some(format!(
            "intEnum members must fit within an integer, but found: {text}"
        )),
    }
}
