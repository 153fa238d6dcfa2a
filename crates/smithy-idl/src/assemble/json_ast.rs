//! JSON AST files loaded alongside IDL ones: the shape ids and traits their shapes refer to,
//! the facts mixin handling needs, and the version they declare.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::duplicates::Definition;
use super::mixins::ShapeFacts;
use super::resolve::{Relation, property_relation};
use super::traits::PendingTrait;
use super::{Assembler, Built, Defined};
use crate::error::ErrorKind;
use crate::parser::{Location, Version};

/// Calls `visit` with every shape id a JSON AST shape refers to, and how it refers to it.
pub(super) fn for_each_json_reference<'a>(
    shape: &'a Value,
    mut visit: impl FnMut(Relation<'a>, &'a str),
) {
    let target = |value: &'a Value| value.get("target").and_then(Value::as_str);
    for name in ["member", "key", "value"] {
        if let Some(t) = shape.get(name).and_then(target) {
            visit(Relation::Member(name), t);
        }
    }
    for (name, member) in shape
        .get("members")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Some(t) = target(member) {
            visit(Relation::Member(name), t);
        }
    }
    for key in [
        "input", "output", "put", "create", "read", "update", "delete", "list",
    ] {
        if let Some(t) = shape.get(key).and_then(target) {
            visit(Relation::Property(key), t);
        }
    }
    for key in [
        "errors",
        "operations",
        "resources",
        "collectionOperations",
        "mixins",
    ] {
        let relation = Relation::Property(if key == "mixins" {
            "mixin"
        } else {
            property_relation(key)
        });
        for t in shape
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(target)
        {
            visit(relation, t);
        }
    }
    for key in ["identifiers", "properties"] {
        for t in shape
            .get(key)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(_, v)| target(v))
        {
            visit(Relation::Property(property_relation(key)), t);
        }
    }
}

/// The facts mixin and elision handling need from a JSON AST shape.
fn json_facts(shape: &Value) -> ShapeFacts {
    let kind = shape
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let target = |v: &Value| v.get("target").and_then(Value::as_str).map(str::to_string);
    let mut members = Vec::new();
    for name in ["member", "key", "value"] {
        if let Some(member) = shape.get(name)
            && matches!(kind.as_str(), "list" | "set" | "map")
        {
            members.push((name.to_string(), target(member)));
        }
    }
    for (name, member) in shape
        .get("members")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        members.push((name.clone(), target(member)));
    }
    let mut resource_members = BTreeMap::new();
    for key in ["identifiers", "properties"] {
        for (name, value) in shape
            .get(key)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if let Some(t) = target(value) {
                resource_members.insert(name.clone(), t);
            }
        }
    }
    ShapeFacts {
        members,
        mixins: shape
            .get("mixins")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(target)
            .collect(),
        resource_members,
        is_mixin: shape
            .get("traits")
            .and_then(|t| t.get("smithy.api#mixin"))
            .is_some(),
    }
}

/// The IDL version a JSON AST file declares in its `smithy` property.
fn json_version(version: Option<&Value>) -> Option<Version> {
    match version.and_then(Value::as_str) {
        Some("1" | "1.0") => Some(Version::V1),
        Some("2" | "2.0") => Some(Version::V2),
        _ => None,
    }
}

/// Calls `visit` with the shape or member id and the trait id of every trait a JSON AST shape
/// applies, to its own traits and to its members'.
pub(super) fn for_each_json_trait(
    id: &str,
    shape: &Value,
    mut visit: impl FnMut(&str, &str, &Value),
) {
    fn traits(value: &Value) -> Option<&Map<String, Value>> {
        value.get("traits").and_then(Value::as_object)
    }
    for (trait_id, value) in traits(shape).into_iter().flatten() {
        visit(id, trait_id, value);
    }
    let named = ["member", "key", "value"]
        .into_iter()
        .filter_map(|name| shape.get(name).map(|member| (name, member)));
    let listed = shape
        .get("members")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, member)| (name.as_str(), member));
    for (name, member) in named.chain(listed) {
        let Some(member_traits) = traits(member).filter(|t| !t.is_empty()) else {
            continue;
        };
        let member_id = format!("{id}${name}");
        for (trait_id, value) in member_traits {
            visit(&member_id, trait_id, value);
        }
    }
}

impl Assembler<'_> {
    /// Records the shapes a JSON AST file defines (`apply` entries define none). A shape
    /// defined before is compared with its first definition once both are built.
    pub(super) fn define_json_shapes(&mut self, index: usize, value: &Value, built: &mut Built) {
        let Some(json_shapes) = value.get("shapes").and_then(Value::as_object) else {
            return;
        };
        for (id, shape) in json_shapes {
            let kind = shape.get("type").and_then(Value::as_str).unwrap_or("");
            if kind == "apply" {
                continue;
            }
            if self.defined.contains_key(id) {
                built.duplicated.insert(id.clone());
                continue;
            }
            let defined = Defined {
                kind: kind.to_string(),
                source: index,
                location: Location::default(),
            };
            self.defined.insert(id.clone(), defined);
        }
    }

    /// Takes a JSON AST file's metadata and shapes as they are, checking their references and
    /// traits; its `apply` entries are queued with the other traits.
    pub(super) fn load_json_file(&mut self, index: usize, value: &Value, built: &mut Built) {
        let file_version = json_version(value.get("smithy"));
        if let (None, Some(declared)) = (file_version, value.get("smithy")) {
            let shown = declared
                .as_str()
                .map_or_else(|| declared.to_string(), str::to_owned);
            let message = format!("Unsupported Smithy version number: {shown}");
            self.error_at(index, Location::default(), ErrorKind::Version, message);
            return;
        }
        if let Some(data) = value.get("metadata").and_then(Value::as_object) {
            for (key, value) in data {
                self.merge_metadata(
                    &mut built.metadata,
                    key,
                    value.clone(),
                    index,
                    Location::default(),
                );
            }
        }
        let Some(json_shapes) = value.get("shapes").and_then(Value::as_object) else {
            return;
        };
        for (id, shape) in json_shapes {
            let kind = shape.get("type").and_then(Value::as_str).unwrap_or("");
            if kind == "apply" {
                self.queue_json_apply(index, id, shape, file_version, &mut built.pending);
                continue;
            }
            if self
                .defined
                .get(id)
                .is_none_or(|first| first.source != index)
            {
                self.load_json_duplicate(index, id, shape, file_version, built);
                continue;
            }
            if built.duplicated.contains(id) {
                let definition = Definition::of_json(index, id, shape);
                built.first_definitions.insert(id.clone(), definition);
            }
            self.require_json_targets_defined(index, id, shape);
            for_each_json_trait(id, shape, |target, trait_id, value| {
                self.check_trait(
                    target,
                    trait_id,
                    value,
                    index,
                    Location::default(),
                    file_version,
                );
            });
            match file_version {
                Some(Version::V1) => {
                    built.v1_shapes.insert(id.clone());
                }
                None => {
                    built.unversioned.insert(id.clone());
                }
                Some(Version::V2) => {}
            }
            built.facts.insert(id.clone(), json_facts(shape));
            built.shapes.insert(id.clone(), shape.clone());
        }
    }

    /// Queues the traits of a JSON AST `apply` entry.
    fn queue_json_apply(
        &mut self,
        index: usize,
        id: &str,
        shape: &Value,
        file_version: Option<Version>,
        pending: &mut Vec<PendingTrait>,
    ) {
        for (trait_id, value) in shape
            .get("traits")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            pending.push(PendingTrait {
                target: id.to_string(),
                trait_id: trait_id.clone(),
                value: value.clone(),
                source: index,
                location: Location::default(),
                start: Location::default(),
                version: file_version,
            });
        }
    }
}
