//! Shapes defined more than once, as Smithy's loader takes them (`LoaderShapeMap`): a shape
//! may be defined again, in the same file or another, if the definitions build the same shape.
//! An identical definition, traits included, is ignored, so a file loaded twice loads once. One
//! that builds the same shape with other traits adds its traits, which merge with the first's
//! as `apply` statements would (Smithy keeps traits by shape, not by definition). Any other is
//! refused, naming both definitions.

use serde_json::{Map, Value};

use super::json_ast::for_each_json_trait;
use super::mixins::ElidedMember;
use super::traits::PendingTrait;
use super::validate::is_empty_collection;
use super::{Assembler, Built, Context};
use crate::error::{Error, ErrorKind};
use crate::parser::{Location, Shape, Version};

/// One definition of a shape, reduced to what two definitions are compared on.
pub(super) struct Definition {
    source: usize,
    /// Where the definition starts; a JSON AST definition has no place in its file.
    location: Location,
    /// The shape without traits (its members' included), in a form that does not depend on
    /// how it was written: no empty collections, no Unit input or output, sets sorted. An IDL
    /// definition lists its elided members under `$elided`, so a member elided in one
    /// definition and written out in the other counts as a difference.
    body: Value,
    /// Every trait the definition applies, to the shape and to its members, as (shape or
    /// member id, trait id, value), sorted by the ids.
    traits: Vec<(String, String, Value)>,
}

impl Definition {
    /// An IDL definition: the shape as built, and the traits and elided members building it
    /// queued.
    pub(super) fn of_idl(
        (source, location): (usize, Location),
        value: &Value,
        traits: &[PendingTrait],
        elided: &[ElidedMember],
    ) -> Self {
        let mut body = body_of(value);
        if !elided.is_empty()
            && let Some(object) = body.as_object_mut()
        {
            let names = elided.iter().map(|m| Value::String(m.name.clone()));
            object.insert("$elided".into(), Value::Array(names.collect()));
        }
        let traits = traits
            .iter()
            .map(|t| (t.target.clone(), t.trait_id.clone(), t.value.clone()))
            .collect();
        Self::new(source, location, body, traits)
    }

    /// A JSON AST definition.
    pub(super) fn of_json(source: usize, id: &str, shape: &Value) -> Self {
        let mut traits = Vec::new();
        for_each_json_trait(id, shape, |target, trait_id, value| {
            traits.push((target.to_string(), trait_id.to_string(), value.clone()));
        });
        Self::new(source, Location::default(), body_of(shape), traits)
    }

    fn new(
        source: usize,
        location: Location,
        body: Value,
        mut traits: Vec<(String, String, Value)>,
    ) -> Self {
        // Stable, so the values of a trait applied twice keep their order.
        traits.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        Definition {
            source,
            location,
            body,
            traits,
        }
    }
}

/// How a later definition of a shape compares with the first.
enum Agreement {
    /// The same shape with the same traits: nothing to add.
    Identical,
    /// The same shape with other traits, which are added to the first's.
    OtherTraits,
    /// Another shape: refused.
    Conflict,
}

impl Assembler<'_> {
    /// Builds a later IDL definition of a shape and compares it with the first.
    pub(super) fn load_idl_duplicate(
        &mut self,
        context: &Context<'_>,
        shape: &mut Shape,
        built: &mut Built,
    ) {
        // What building an identical definition reports, building the first reported too.
        let (errors, warnings) = (self.errors.len(), self.warnings.len());
        let mut pending = Vec::new();
        let mut elided = Vec::new();
        let (value, _) = self.shape_value(context, shape, &mut pending, &mut elided);
        let place = (context.source, shape.location);
        let definition = Definition::of_idl(place, &value, &pending, &elided);
        match self.compare_with_first(&shape.id, &definition, built) {
            Agreement::Identical => {
                self.errors.truncate(errors);
                self.warnings.truncate(warnings);
            }
            Agreement::OtherTraits => built.pending.append(&mut pending),
            Agreement::Conflict => {}
        }
    }

    /// Compares a later JSON AST definition of a shape with the first.
    pub(super) fn load_json_duplicate(
        &mut self,
        index: usize,
        id: &str,
        shape: &Value,
        file_version: Option<Version>,
        built: &mut Built,
    ) {
        let definition = Definition::of_json(index, id, shape);
        if let Agreement::OtherTraits = self.compare_with_first(id, &definition, built) {
            // Queued as the traits of `apply` entries are, to be checked and merged alike.
            for (target, trait_id, value) in definition.traits {
                built.pending.push(PendingTrait {
                    target,
                    trait_id,
                    value,
                    source: index,
                    location: Location::default(),
                    start: Location::default(),
                    version: file_version,
                });
            }
        }
    }

    /// Compares a later definition of a shape with the first, refusing it (at the later one,
    /// naming both) if it builds another shape.
    fn compare_with_first(&mut self, id: &str, second: &Definition, built: &Built) -> Agreement {
        let Some(first) = built.first_definitions.get(id) else {
            return Agreement::Identical;
        };
        let Some(difference) = body_difference(&first.body, &second.body) else {
            return if first.traits == second.traits {
                Agreement::Identical
            } else {
                Agreement::OtherTraits
            };
        };
        // Smithy's wording and order: this definition, then the first.
        let message = format!(
            "Conflicting shape definition for `{id}` found at `{}` and `{}`. {difference}",
            self.place(second.source, second.location),
            self.place(first.source, first.location)
        );
        let kind = ErrorKind::ShapeConflict { id: id.to_string() };
        if second.location.line == 0 {
            let name = self.sources.get(second.source).map_or("", |s| s.name);
            self.errors.push(Error::model(kind, name, message));
        } else {
            self.error_at(second.source, second.location, kind, message);
        }
        Agreement::Conflict
    }
}

/// A shape without traits, in the form definitions are compared in.
fn body_of(shape: &Value) -> Value {
    let mut body = shape.clone();
    let Some(object) = body.as_object_mut() else {
        return body;
    };
    object.remove("traits");
    let named = ["member", "key", "value"]
        .into_iter()
        .filter_map(|name| object.get(name).map(|_| name.to_string()))
        .collect::<Vec<_>>();
    for name in named {
        if let Some(member) = object.get_mut(&name).and_then(Value::as_object_mut) {
            member.remove("traits");
        }
    }
    if let Some(members) = object.get_mut("members").and_then(Value::as_object_mut) {
        for member in members.values_mut().filter_map(Value::as_object_mut) {
            member.remove("traits");
        }
    }
    for key in ["input", "output"] {
        let target = object.get(key).and_then(|t| t.get("target"));
        if target.and_then(Value::as_str) == Some("smithy.api#Unit") {
            object.remove(key);
        }
    }
    // Smithy holds these as sets.
    for key in ["operations", "resources", "collectionOperations"] {
        if let Some(Value::Array(items)) = object.get_mut(key) {
            items.sort_by_key(ToString::to_string);
        }
    }
    object.retain(|_, value| !is_empty_collection(value));
    body
}

/// What differs between the first definition's body and a later one's, in the words of
/// Smithy's conflict message (left is the later definition, right the first), or `None` if
/// nothing does.
fn body_difference(first: &Value, second: &Value) -> Option<String> {
    if first == second {
        return None;
    }
    let mut parts = Vec::new();
    let kind = |body: &Value| {
        body.get("type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    if kind(first) != kind(second) {
        parts.push(format!(
            "Left is {}, right is {}",
            kind(second),
            kind(first)
        ));
    }
    if first.get("mixins") != second.get("mixins") {
        parts.push(format!(
            "Left mixins: [{}], right mixins: [{}]",
            targets(second.get("mixins")),
            targets(first.get("mixins"))
        ));
    }
    if MEMBER_KEYS
        .iter()
        .any(|key| first.get(key) != second.get(key))
    {
        parts.push(format!(
            "Members differ: [{}] vs [{}]",
            member_names(second).join(", "),
            member_names(first).join(", ")
        ));
    }
    let mut properties: Vec<&str> = Vec::new();
    for body in [first, second] {
        for key in body.as_object().into_iter().flat_map(Map::keys) {
            let compared = key == "type" || key == "mixins" || MEMBER_KEYS.contains(&key.as_str());
            if !compared && first.get(key) != second.get(key) && !properties.contains(&key.as_str())
            {
                properties.push(key);
            }
        }
    }
    if !properties.is_empty() {
        parts.push(format!("Properties differ: [{}]", properties.join(", ")));
    }
    Some(parts.join("; "))
}

/// Where a body holds its members.
const MEMBER_KEYS: [&str; 5] = ["members", "member", "key", "value", "$elided"];

/// The member names of a body, elided ones included.
fn member_names(body: &Value) -> Vec<String> {
    let mut names: Vec<String> = body
        .get("members")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|members| members.keys().cloned())
        .collect();
    for name in ["member", "key", "value"] {
        if body.get(name).is_some() {
            names.push(name.to_string());
        }
    }
    for elided in body
        .get("$elided")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        names.push(elided.to_string());
    }
    names
}

/// The shape ids of a list of `{"target": id}` values, separated by commas.
fn targets(list: Option<&Value>) -> String {
    let ids: Vec<&str> = list
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| t.get("target").and_then(Value::as_str))
        .collect();
    ids.join(", ")
}
