//! Trait applications: each one resolved and queued until every shape exists, then checked
//! against its definition (defined, `@trait`, a value of the kind its shape type takes, allowed in
//! the applying file's IDL version) and attached to its shape, member or an `apply` entry.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::mixins::ShapeFacts;
use super::{Assembler, Context};
use crate::error::ErrorKind;
use crate::parser::{Location, TraitApplication, Version};
use crate::prelude::{package_trait_type, prelude_type};

/// A trait waiting for every shape to exist before it is attached.
pub(super) struct PendingTrait {
    pub(super) target: String,
    pub(super) trait_id: String,
    pub(super) value: Value,
    pub(super) source: usize,
    /// Where the trait's name is written.
    pub(super) location: Location,
    /// Where the application starts (its `@`), as Smithy places errors about the trait itself.
    pub(super) start: Location,
    /// The IDL version of the file that applies the trait, when it declares one.
    pub(super) version: Option<Version>,
}

/// A trait applied somewhere in the model: the first place it is applied, and the kind of
/// value its definition's shape type takes.
pub(super) struct AppliedTrait {
    pub(super) source: usize,
    pub(super) location: Location,
    pub(super) value: Option<ValueShape>,
}

/// The shape type of a trait definition and the kind of node value it takes, for the types
/// that take one kind only (`document` and `timestamp` take any).
#[derive(Clone, Copy)]
pub(super) struct ValueShape {
    kind: &'static str,
    node: &'static str,
}

impl ValueShape {
    pub(super) fn of(kind: &str) -> Option<ValueShape> {
        let (kind, node) = match kind {
            "blob" => ("blob", "string"),
            "string" => ("string", "string"),
            "enum" => ("enum", "string"),
            "boolean" => ("boolean", "boolean"),
            "byte" => ("byte", "number"),
            "short" => ("short", "number"),
            "integer" => ("integer", "number"),
            "intEnum" => ("intEnum", "number"),
            "long" => ("long", "number"),
            "float" => ("float", "number"),
            "double" => ("double", "number"),
            "bigInteger" => ("bigInteger", "number"),
            "bigDecimal" => ("bigDecimal", "number"),
            "list" => ("list", "array"),
            "set" => ("set", "array"),
            "map" => ("map", "object"),
            "structure" => ("structure", "object"),
            "union" => ("union", "object"),
            _ => return None,
        };
        Some(ValueShape { kind, node })
    }

    /// Whether a value has the kind this type takes; `null` is left to Smithy's finer checks,
    /// and floats and doubles also take strings (`"NaN"`, `"Infinity"`).
    pub(super) fn accepts(self, value: &Value) -> bool {
        match value {
            Value::Null => true,
            Value::String(_) => self.node == "string" || matches!(self.kind, "float" | "double"),
            Value::Number(_) => self.node == "number",
            Value::Bool(_) => self.node == "boolean",
            Value::Array(_) => self.node == "array",
            Value::Object(_) => self.node == "object",
        }
    }
}

/// The JSON type of a value as Smithy names node types, with the value itself when it is a
/// scalar.
fn describe_value(value: &Value) -> String {
    match value {
        Value::Null => "null value".into(),
        Value::String(s) => format!("string value, `{s}`"),
        Value::Number(n) => format!("number value, `{n}`"),
        Value::Bool(b) => format!("boolean value, `{b}`"),
        Value::Array(_) => "array value".into(),
        Value::Object(_) => "object value".into(),
    }
}

impl Assembler<'_> {
    pub(super) fn pending_traits(
        &mut self,
        context: &Context<'_>,
        target: &str,
        traits: &mut [TraitApplication],
        pending: &mut Vec<PendingTrait>,
    ) {
        for application in traits {
            let trait_id = self.resolve_reference(context, &application.name);
            let value = if application.annotation {
                match self
                    .kind_of(&trait_id)
                    .or_else(|| package_trait_type(&trait_id))
                {
                    Some("list" | "set") => Value::Array(Vec::new()),
                    _ => Value::Object(Map::new()),
                }
            } else {
                self.node_value(context, &mut application.value, false)
            };
            pending.push(PendingTrait {
                target: target.to_string(),
                trait_id,
                value,
                source: context.source,
                location: application.name.location,
                start: application.location,
                version: Some(context.file.version),
            });
        }
    }

    /// Attaches a trait to a shape or member defined here, or records an `apply` entry for a
    /// member inherited from a mixin or a shape from elsewhere. `earlier` are the traits
    /// queued before it, where a trait it conflicts with may have been applied.
    pub(super) fn attach_trait(
        &mut self,
        shapes: &mut Map<String, Value>,
        applies: &mut Map<String, Value>,
        facts: &BTreeMap<String, ShapeFacts>,
        item: &mut PendingTrait,
        earlier: &[PendingTrait],
    ) {
        self.check_trait(
            &item.target,
            &item.trait_id,
            &item.value,
            item.source,
            item.start,
            item.version,
        );
        let Some(container) = self.trait_holder(shapes, applies, facts, item) else {
            return;
        };
        let traits = container
            .entry("traits")
            .or_insert_with(|| Value::Object(Map::new()));
        let Some(traits) = traits.as_object_mut() else {
            return;
        };
        match traits.get_mut(&item.trait_id) {
            None => {
                traits.insert(item.trait_id.clone(), std::mem::take(&mut item.value));
            }
            Some(Value::Array(previous)) if item.value.is_array() => {
                if let Value::Array(more) = std::mem::take(&mut item.value) {
                    previous.extend(more);
                }
            }
            Some(previous) if *previous == item.value => {}
            Some(_) => {
                let message = format!(
                    "Conflicting `{}` trait found on shape `{}`. The previous trait was defined \
                     at `{}`, and a conflicting trait was defined at `{}`.",
                    item.trait_id,
                    item.target,
                    self.previous_trait_place(item, earlier),
                    self.place(item.source, item.location)
                );
                let kind = ErrorKind::TraitConflict;
                self.error_at(item.source, item.location, kind, message);
            }
        }
    }

    /// Where the trait a queued trait conflicts with was applied: the first application of
    /// the same trait to the same target queued before it, else (a trait written in a JSON AST
    /// shape) the definition of the shape.
    fn previous_trait_place(&self, item: &PendingTrait, earlier: &[PendingTrait]) -> String {
        if let Some(previous) = earlier
            .iter()
            .find(|p| p.target == item.target && p.trait_id == item.trait_id)
        {
            return self.place(previous.source, previous.location);
        }
        let root = item.target.split('$').next().unwrap_or("");
        match self.defined.get(root) {
            Some(defined) => self.place(defined.source, defined.location),
            None => self.place(item.source, Location::default()),
        }
    }

    /// The object whose `traits` a trait goes into: the shape or member it targets, or for a
    /// member inherited from a mixin its `apply` entry. A target the model does not have is
    /// refused.
    fn trait_holder<'m>(
        &mut self,
        shapes: &'m mut Map<String, Value>,
        applies: &'m mut Map<String, Value>,
        facts: &BTreeMap<String, ShapeFacts>,
        item: &PendingTrait,
    ) -> Option<&'m mut Map<String, Value>> {
        let (root, member) = match item.target.split_once('$') {
            Some((root, member)) => (root, Some(member)),
            None => (item.target.as_str(), None),
        };
        let Some(shape) = shapes.get_mut(root).and_then(Value::as_object_mut) else {
            let (kind, message) = if prelude_type(root.trim_start_matches("smithy.api#")).is_some()
                && root.starts_with("smithy.api#")
            {
                let message = format!(
                    "Cannot apply `{}` to an immutable prelude shape defined in `smithy.api`.",
                    item.trait_id
                );
                (ErrorKind::ImmutablePrelude, message)
            } else {
                let message = format!(
                    "Trait `{}` applied to unknown shape `{}`",
                    item.trait_id, item.target
                );
                let kind = ErrorKind::UnresolvedShape {
                    id: item.target.clone(),
                };
                (kind, message)
            };
            self.error_at(item.source, item.location, kind, message);
            return None;
        };
        let Some(member) = member else {
            return Some(shape);
        };
        if let Some(object) = member_object(shape, member) {
            return Some(object);
        }
        // A member this shape inherits from a mixin, or one it does not have.
        let mut inherited = Vec::new();
        Self::inherited_members(facts, root, 0, &mut inherited);
        if !inherited.iter().any(|(n, _, _)| n == member) {
            let message = format!(
                "Trait `{}` applied to unknown shape `{}`",
                item.trait_id, item.target
            );
            let kind = ErrorKind::UnresolvedShape {
                id: item.target.clone(),
            };
            self.error_at(item.source, item.location, kind, message);
            return None;
        }
        applies
            .entry(item.target.clone())
            .or_insert_with(|| json!({ "type": "apply", "traits": {} }))
            .as_object_mut()
    }

    /// Refuses an application of a trait that names no shape (of the inputs, the prelude, or
    /// Smithy's trait packages), with a value of another kind than its shape type takes, or
    /// that the applying file's IDL version does not allow; remembers the trait to check its
    /// definition later.
    pub(super) fn check_trait(
        &mut self,
        target: &str,
        trait_id: &str,
        value: &Value,
        source: usize,
        location: Location,
        version: Option<Version>,
    ) {
        // A trait seen before is known to resolve: one lookup for the many applications of
        // the same few traits.
        let value_shape = match self.applied_traits.get(trait_id) {
            Some(applied) => applied.value,
            None => match self
                .kind_of(trait_id)
                .or_else(|| package_trait_type(trait_id))
            {
                Some(kind) => {
                    let value_shape = ValueShape::of(kind);
                    let applied = AppliedTrait {
                        source,
                        location,
                        value: value_shape,
                    };
                    self.applied_traits.insert(trait_id.to_string(), applied);
                    value_shape
                }
                None => {
                    let message = format!(
                        "{target}: Unable to resolve trait `{trait_id}`. If this is a custom \
                         trait, then it must be defined before it can be used in a model."
                    );
                    let kind = ErrorKind::UnknownTrait {
                        id: trait_id.to_string(),
                    };
                    self.error_at(source, location, kind, message);
                    None
                }
            },
        };
        if let Some(shape) = value_shape
            && !shape.accepts(value)
        {
            let name = trait_id.strip_prefix("smithy.api#").unwrap_or(trait_id);
            let message = format!(
                "{target}: Error validating trait `{name}`: Expected {} value for {} shape, \
                 `{trait_id}`; found {}",
                shape.node,
                shape.kind,
                describe_value(value)
            );
            self.error_at(source, location, ErrorKind::InvalidTraitValue, message);
        }
        let message = match (version, trait_id) {
            (Some(Version::V1), "smithy.api#default") => {
                "The @default trait can only be used in Smithy 2.0 or later"
            }
            (Some(Version::V2), "smithy.api#box") => "@box is not supported in Smithy IDL 2.0",
            (Some(Version::V2), "smithy.api#enum") => {
                let message = format!(
                    "{target}: The enum trait is deprecated. Smithy 2.0 models should use the \
                     enum shape."
                );
                self.warning_at(source, location, message);
                return;
            }
            _ => return,
        };
        let message = format!("{target}: {message}");
        self.error_at(source, location, ErrorKind::Version, message);
    }

    /// Refuses traits whose shape is not marked `@trait`, at the shape's definition when it is
    /// written in IDL, else where the trait is first applied.
    pub(super) fn check_trait_definitions(
        &mut self,
        shapes: &Map<String, Value>,
        idl_ids: &BTreeMap<String, (usize, Location)>,
    ) {
        let mut problems: Vec<(&String, usize, Location)> = Vec::new();
        for (trait_id, applied) in &self.applied_traits {
            let (source, location) = (&applied.source, &applied.location);
            let is_trait = match shapes.get(trait_id) {
                Some(shape) => shape
                    .get("traits")
                    .and_then(|traits| traits.get("smithy.api#trait"))
                    .is_some(),
                // The prelude names its traits, and only them, with a lower-case letter first.
                None => trait_id
                    .strip_prefix("smithy.api#")
                    .is_none_or(|name| name.starts_with(|c: char| c.is_ascii_lowercase())),
            };
            if !is_trait {
                let (source, location) = idl_ids
                    .get(trait_id)
                    .copied()
                    .unwrap_or((*source, *location));
                problems.push((trait_id, source, location));
            }
        }
        problems.sort_by(|a, b| a.0.cmp(b.0));
        let problems: Vec<(String, usize, Location)> = problems
            .into_iter()
            .map(|(id, source, location)| (id.clone(), source, location))
            .collect();
        for (trait_id, source, location) in problems {
            let message = format!(
                "Shape `{trait_id}` cannot be applied as a trait. If this is a custom trait, \
                 please add `@trait` to this shape."
            );
            let kind = ErrorKind::NotATrait { id: trait_id };
            self.error_at(source, location, kind, message);
        }
    }
}

/// A member of a JSON AST shape: under its own name in a list, set or map, else in `members`.
fn member_object<'m>(
    shape: &'m mut Map<String, Value>,
    member: &str,
) -> Option<&'m mut Map<String, Value>> {
    let kind = shape.get("type").and_then(Value::as_str).unwrap_or("");
    let slot = if matches!(kind, "list" | "set" | "map") {
        shape.get_mut(member)
    } else {
        shape
            .get_mut("members")
            .and_then(Value::as_object_mut)
            .and_then(|m| m.get_mut(member))
    };
    slot.and_then(Value::as_object_mut)
}
