//! IDL shape statements to JSON AST shapes: members with resolved targets, operation input,
//! output and errors, service and resource properties, mixin lists.

use serde_json::{Map, Value, json};

use super::mixins::{ElidedMember, ShapeFacts};
use super::resolve::{Relation, property_relation};
use super::traits::PendingTrait;
use super::{Assembler, Context};
use crate::error::ErrorKind;
use crate::parser::{Location, Node, Reference, Shape};
use crate::prelude::PRELUDE_NAMESPACE;

impl Assembler<'_> {
    /// `{"target": id}` for a reference from a shape property, refused if it names no shape.
    fn target_value(
        &mut self,
        context: &Context<'_>,
        shape: &Shape,
        relation: &str,
        reference: &Reference,
    ) -> Value {
        let id = self.resolve_reference(context, reference);
        let relation = Relation::Property(relation);
        self.require_defined(context, shape, relation, &id, reference.location);
        json!({ "target": id })
    }

    /// An IDL shape as a JSON AST shape without its traits, which are queued, and the facts
    /// mixin handling needs; elided members are left for when every shape is known.
    pub(super) fn shape_value(
        &mut self,
        context: &Context<'_>,
        shape: &mut Shape,
        pending: &mut Vec<PendingTrait>,
        elided: &mut Vec<ElidedMember>,
    ) -> (Value, ShapeFacts) {
        let mut object = Map::new();
        object.insert("type".into(), Value::String(shape.kind.clone()));
        let mut facts = ShapeFacts::default();
        self.pending_traits(context, &shape.id, &mut shape.traits, pending);
        facts.is_mixin = shape
            .traits
            .iter()
            .any(|t| self.resolve(context.file, &t.name.text).0 == "smithy.api#mixin");
        let members = self.member_targets(context, shape, &mut facts, elided);
        for member in &mut shape.members {
            let member_id = format!("{}${}", shape.id, member.name);
            self.pending_traits(context, &member_id, &mut member.traits, pending);
        }
        match shape.kind.as_str() {
            "structure" | "union" | "enum" | "intEnum" => {
                object.insert("members".into(), Value::Object(members));
            }
            "list" | "set" | "map" => self.named_members(context, shape, members, &mut object),
            "operation" => self.operation_properties(context, shape, &mut object),
            "service" | "resource" => {
                self.properties(context, shape, &mut object, &mut facts);
            }
            _ => {}
        }
        if !shape.mixins.is_empty() {
            let mut list = Vec::new();
            for mixin in &shape.mixins {
                let id = self.resolve_reference(context, mixin);
                let relation = Relation::Property("mixin");
                self.require_defined(context, shape, relation, &id, mixin.location);
                facts.mixins.push(id.clone());
                list.push(json!({ "target": id }));
            }
            object.insert("mixins".into(), Value::Array(list));
        }
        (Value::Object(object), facts)
    }

    /// The members written with a target, each `{"target": id}`, refused if the target names
    /// no shape; elided members are recorded to be resolved later.
    fn member_targets(
        &mut self,
        context: &Context<'_>,
        shape: &Shape,
        facts: &mut ShapeFacts,
        elided: &mut Vec<ElidedMember>,
    ) -> Map<String, Value> {
        let for_resource = shape.for_resource.as_ref().map(|reference| {
            let id = self.resolve_reference(context, reference);
            if !self.exists(&id) {
                let message = format!(
                    "{}: the target of the `for` production is an unresolved shape `{id}`",
                    shape.id
                );
                let kind = ErrorKind::UnresolvedShape { id: id.clone() };
                self.error_at(context.source, reference.location, kind, message);
            }
            id
        });
        let mut members = Map::new();
        for member in &shape.members {
            match &member.target {
                Some(reference) => {
                    let target = self.resolve_reference(context, reference);
                    let relation = Relation::Member(&member.name);
                    self.require_defined(context, shape, relation, &target, reference.location);
                    facts
                        .members
                        .push((member.name.clone(), Some(target.clone())));
                    members.insert(member.name.clone(), json!({ "target": target }));
                }
                None => {
                    facts.members.push((member.name.clone(), None));
                    elided.push(ElidedMember {
                        source: context.source,
                        shape_id: shape.id.clone(),
                        name: member.name.clone(),
                        location: member.location,
                        for_resource: for_resource.clone(),
                    });
                }
            }
        }
        members
    }

    /// The members of a list, set or map, which sit in the shape under their own names; any
    /// other name is refused.
    fn named_members(
        &mut self,
        context: &Context<'_>,
        shape: &Shape,
        members: Map<String, Value>,
        object: &mut Map<String, Value>,
    ) {
        let allowed: &[&str] = if shape.kind == "map" {
            &["key", "value"]
        } else {
            &["member"]
        };
        for (name, value) in members {
            if allowed.contains(&name.as_str()) {
                object.insert(name, value);
            } else {
                let message = format!(
                    "{}: {} shapes cannot have a member named `{name}`",
                    shape.id, shape.kind
                );
                let place = member_place(shape, &name, "");
                self.error_at(context.source, place, ErrorKind::InvalidShape, message);
            }
        }
    }

    /// An operation's input, output and errors.
    fn operation_properties(
        &mut self,
        context: &Context<'_>,
        shape: &Shape,
        object: &mut Map<String, Value>,
    ) {
        if let Some(input) = &shape.input {
            let value = self.target_value(context, shape, "input", input);
            object.insert("input".into(), value);
        }
        if let Some(output) = &shape.output {
            let value = self.target_value(context, shape, "output", output);
            object.insert("output".into(), value);
        }
        if let Some(errors) = &shape.errors {
            let list = errors
                .iter()
                .map(|e| self.target_value(context, shape, "error", e))
                .collect();
            object.insert("errors".into(), Value::Array(list));
        }
    }

    /// The body of a service or resource: each known property to its JSON AST form.
    pub(super) fn properties(
        &mut self,
        context: &Context<'_>,
        shape: &Shape,
        object: &mut Map<String, Value>,
        facts: &mut ShapeFacts,
    ) {
        for (key, node) in &shape.properties {
            match (shape.kind.as_str(), key.as_str()) {
                ("service", "version") => {
                    if let Node::String(version) = node {
                        object.insert("version".into(), Value::String(version.clone()));
                    }
                }
                ("service", "operations" | "resources" | "errors")
                | ("resource", "operations" | "resources" | "collectionOperations") => {
                    let Node::Array(items) = node else {
                        self.expect_error(context, shape, key, "an array of shape ids");
                        continue;
                    };
                    let mut list = Vec::new();
                    for item in items {
                        if let Some(id) = self.id_in_node(context, shape, key, item) {
                            // Smithy holds these as sets: an id listed twice is there once.
                            let entry = json!({ "target": id });
                            if !list.contains(&entry) {
                                list.push(entry);
                            }
                        } else {
                            self.expect_error(context, shape, key, "shape ids");
                        }
                    }
                    object.insert(key.clone(), Value::Array(list));
                }
                ("service", "rename") => {
                    let Node::Object(entries) = node else {
                        self.expect_error(context, shape, key, "an object");
                        continue;
                    };
                    let mut map = Map::new();
                    for (from, to) in entries {
                        if let Node::String(to) = to {
                            map.insert(from.clone(), Value::String(to.clone()));
                        } else {
                            self.expect_error(context, shape, key, "string values");
                        }
                    }
                    object.insert("rename".into(), Value::Object(map));
                }
                ("resource", "put" | "create" | "read" | "update" | "delete" | "list") => {
                    if let Some(id) = self.id_in_node(context, shape, key, node) {
                        object.insert(key.clone(), json!({ "target": id }));
                    } else {
                        self.expect_error(context, shape, key, "a shape id");
                    }
                }
                ("resource", "identifiers" | "properties") => {
                    let Node::Object(entries) = node else {
                        self.expect_error(context, shape, key, "an object");
                        continue;
                    };
                    let mut map = Map::new();
                    for (name, target) in entries {
                        if let Some(id) = self.id_in_node(context, shape, key, target) {
                            facts.resource_members.insert(name.clone(), id.clone());
                            map.insert(name.clone(), json!({ "target": id }));
                        } else {
                            self.expect_error(context, shape, key, "shape id values");
                        }
                    }
                    object.insert(key.clone(), Value::Object(map));
                }
                _ => {}
            }
        }
        self.warn_about_unknown_properties(context, shape);
    }

    /// Smithy only warns about service and resource properties it does not know.
    fn warn_about_unknown_properties(&mut self, context: &Context<'_>, shape: &Shape) {
        let allowed: &[&str] = if shape.kind == "service" {
            SERVICE_PROPERTIES
        } else {
            &RESOURCE_PROPERTIES_AND_TYPE
        };
        let mut unknown: Vec<&str> = shape
            .properties
            .iter()
            .map(|(key, _)| key.as_str())
            .filter(|key| !allowed.contains(key))
            .collect();
        if !unknown.is_empty() {
            unknown.sort_unstable();
            let mut allowed = allowed.to_vec();
            allowed.sort_unstable();
            let message = format!(
                "{}: Expected an object with possible properties of {}, but found additional \
                 properties: {}",
                shape.id,
                ticked(&allowed),
                ticked(&unknown)
            );
            self.warning_at(context.source, shape.location, message);
        }
    }

    fn expect_error(&mut self, context: &Context<'_>, shape: &Shape, key: &str, what: &str) {
        let message = format!("{}: the `{key}` property expects {what}", shape.id);
        self.error_at(
            context.source,
            shape.location,
            ErrorKind::InvalidShape,
            message,
        );
    }

    /// A shape id written in a service or resource body, quoted or not, refused if it names
    /// no shape (at the id when it is unquoted; a quoted one has no place of its own).
    fn id_in_node(
        &mut self,
        context: &Context<'_>,
        shape: &Shape,
        key: &str,
        node: &Node,
    ) -> Option<String> {
        let (text, location) = match node {
            Node::String(text) => (text, shape.location),
            Node::ShapeId(reference) => (&reference.text, reference.location),
            _ => return None,
        };
        let id = self.resolve(context.file, text).0;
        let relation = Relation::Property(property_relation(key));
        self.require_defined(context, shape, relation, &id, location);
        Some(id)
    }
}

/// The properties a service body may have.
const SERVICE_PROPERTIES: &[&str] = &[
    "type",
    "version",
    "operations",
    "resources",
    "rename",
    "errors",
];

/// The properties a resource body may have.
const RESOURCE_PROPERTIES_AND_TYPE: [&str; 12] = [
    "type",
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

/// Names in backticks, separated by commas.
fn ticked(names: &[&str]) -> String {
    let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    names.join(", ")
}

/// Where a problem with a member of an IDL shape is shown: at its application of the named
/// prelude trait (`enumValue` covers `= value` too) when it has one, else at the member, else
/// (a member the shape does not write itself) at the shape.
pub(super) fn member_place(shape: &Shape, member: &str, trait_name: &str) -> Location {
    let Some(member) = shape.members.iter().find(|m| m.name == member) else {
        return shape.location;
    };
    let names_trait = |text: &str| {
        !trait_name.is_empty()
            && (text == trait_name
                || text
                    .strip_prefix(PRELUDE_NAMESPACE)
                    .and_then(|rest| rest.strip_prefix('#'))
                    == Some(trait_name))
    };
    member
        .traits
        .iter()
        .find(|t| names_trait(&t.name.text))
        .map_or(member.location, |t| t.location)
}
