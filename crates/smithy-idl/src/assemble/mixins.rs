//! Mixins: the members a shape inherits through its mixins, cycles, elided member targets
//! filled in from a mixin or the bound resource, and members that redefine an inherited one.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{Assembler, Parsed, is_first_definition};
use crate::error::ErrorKind;
use crate::parser::Location;

/// How deep mixins may chain before the loader gives up on a cycle.
const MAX_MIXIN_DEPTH: usize = 64;

/// Member names with their targets, in order; `None` for an elided member not yet resolved.
pub(super) type MemberList = Vec<(String, Option<String>)>;

/// What mixin and elision handling need to know about any shape, IDL or JSON.
#[derive(Default, Clone)]
pub(super) struct ShapeFacts {
    pub(super) members: MemberList,
    pub(super) mixins: Vec<String>,
    /// A resource's identifiers and properties.
    pub(super) resource_members: BTreeMap<String, String>,
    pub(super) is_mixin: bool,
}

/// A member written `$name`, whose target a mixin or the bound resource gives.
pub(super) struct ElidedMember {
    pub(super) source: usize,
    pub(super) shape_id: String,
    pub(super) name: String,
    pub(super) location: Location,
    /// The resource the shape is bound to with `for`.
    pub(super) for_resource: Option<String>,
}

impl Assembler<'_> {
    /// Every member a shape has through its mixins, with the mixin that declares it.
    pub(super) fn inherited_members(
        facts: &BTreeMap<String, ShapeFacts>,
        id: &str,
        depth: usize,
        out: &mut Vec<(String, Option<String>, String)>,
    ) {
        let mut visited = Vec::new();
        Self::walk_mixins(facts, id, depth, out, &mut visited);
    }

    /// Visits each mixin once, so a diamond of mixins costs no more than a chain and a cycle
    /// cannot loop.
    fn walk_mixins(
        facts: &BTreeMap<String, ShapeFacts>,
        id: &str,
        depth: usize,
        out: &mut Vec<(String, Option<String>, String)>,
        visited: &mut Vec<String>,
    ) {
        if depth > MAX_MIXIN_DEPTH {
            return;
        }
        let Some(shape) = facts.get(id) else {
            return;
        };
        for mixin in &shape.mixins {
            if visited.contains(mixin) {
                continue;
            }
            visited.push(mixin.clone());
            Self::walk_mixins(facts, mixin, depth + 1, out, visited);
            if let Some(mixin_facts) = facts.get(mixin) {
                for (name, target) in &mixin_facts.members {
                    if !out.iter().any(|(n, _, _)| n == name) {
                        out.push((name.clone(), target.clone(), mixin.clone()));
                    }
                }
            }
        }
    }

    /// Whether a shape reaches itself through its mixins.
    pub(super) fn in_mixin_cycle(facts: &BTreeMap<String, ShapeFacts>, id: &str) -> bool {
        let mut stack: Vec<&str> = vec![id];
        let mut seen: Vec<&str> = Vec::new();
        while let Some(current) = stack.pop() {
            for mixin in facts
                .get(current)
                .map(|f| f.mixins.iter())
                .into_iter()
                .flatten()
            {
                if mixin == id {
                    return true;
                }
                if !seen.contains(&mixin.as_str()) {
                    seen.push(mixin);
                    stack.push(mixin);
                }
            }
        }
        false
    }

    pub(super) fn resolve_elided(
        &mut self,
        shapes: &mut Map<String, Value>,
        facts: &BTreeMap<String, ShapeFacts>,
        elided: &[ElidedMember],
    ) {
        for ElidedMember {
            source,
            shape_id,
            name,
            location,
            for_resource,
        } in elided
        {
            let mut inherited = Vec::new();
            Self::inherited_members(facts, shape_id, 0, &mut inherited);
            let from_mixin = inherited.iter().find(|(n, _, _)| n == name);
            let resource_target = match for_resource {
                Some(resource) => {
                    match self.kind_of(resource) {
                        Some("resource") | None => {}
                        Some(kind) => {
                            let message = format!(
                                "The target of the `for` production must be a resource shape, \
                                 but found a {kind} shape: {resource}"
                            );
                            self.error_at(*source, *location, ErrorKind::InvalidShape, message);
                            continue;
                        }
                    }
                    facts
                        .get(resource)
                        .and_then(|r| r.resource_members.get(name))
                        .cloned()
                }
                None => None,
            };
            let member_id = format!("{shape_id}${name}");
            match (from_mixin, resource_target) {
                (Some((_, mixin_target, mixin)), resource_target) => {
                    if let (Some(resource_target), Some(mixin_target)) =
                        (&resource_target, mixin_target)
                        && resource_target != mixin_target
                    {
                        let message = format!(
                            "{member_id}: Member conflicts with an inherited mixin member: \
                             `{mixin}${name}`"
                        );
                        self.error_at(*source, *location, ErrorKind::Mixin, message);
                    }
                    // Inherited: any traits it has become an `apply` entry.
                }
                (None, Some(target)) => {
                    if let Some(object) = shapes.get_mut(shape_id).and_then(Value::as_object_mut) {
                        let kind = object
                            .get("type")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string();
                        let member = json!({ "target": target });
                        match kind.as_str() {
                            "list" | "set" | "map" => {
                                object.insert(name.clone(), member);
                            }
                            _ => {
                                if let Some(members) =
                                    object.get_mut("members").and_then(Value::as_object_mut)
                                {
                                    members.insert(name.clone(), member);
                                }
                            }
                        }
                    }
                }
                (None, None) => {
                    let message = format!(
                        "{member_id}: Member target was elided, but no bound resource or mixin \
                         contained a matching identifier or member name."
                    );
                    self.error_at(*source, *location, ErrorKind::InvalidShape, message);
                }
            }
        }
    }

    /// A member written again in a mixed shape must keep the target the mixin gave it.
    pub(super) fn check_mixin_members(
        &mut self,
        parsed: &[Parsed],
        idl_ids: &BTreeMap<String, (usize, Location)>,
        facts: &BTreeMap<String, ShapeFacts>,
    ) {
        for (index, file) in parsed.iter().enumerate() {
            let Parsed::Idl(file) = file else { continue };
            for shape in &file.shapes {
                if shape.mixins.is_empty() || !is_first_definition(idl_ids, index, shape) {
                    continue;
                }
                let sets = Self::mixin_member_sets(facts, &shape.id);
                for member in &shape.members {
                    let Some(target) = &member.target else {
                        continue;
                    };
                    let target = self.resolve(file, &target.text).0;
                    for (mixin, members) in &sets {
                        if members.iter().any(|(n, t)| {
                            *n == member.name && t.as_ref().is_some_and(|t| *t != target)
                        }) {
                            let message = format!(
                                "{}${}: Member conflicts with an inherited mixin member: `{mixin}${}`",
                                shape.id, member.name, member.name
                            );
                            self.error_at(index, member.location, ErrorKind::Mixin, message);
                        }
                    }
                }
            }
        }
    }

    /// Each mixin of a shape with every member it has, its own and its mixins'.
    pub(super) fn mixin_member_sets(
        facts: &BTreeMap<String, ShapeFacts>,
        id: &str,
    ) -> Vec<(String, MemberList)> {
        let mut sets = Vec::new();
        for mixin in facts.get(id).map(|f| f.mixins.iter()).into_iter().flatten() {
            let mut members: MemberList = Vec::new();
            let mut inherited = Vec::new();
            Self::inherited_members(facts, mixin, 1, &mut inherited);
            members.extend(inherited.into_iter().map(|(n, t, _)| (n, t)));
            for (name, target) in facts
                .get(mixin)
                .map(|f| f.members.clone())
                .unwrap_or_default()
            {
                members.retain(|(n, _)| *n != name);
                members.push((name, target));
            }
            sets.push((mixin.clone(), members));
        }
        sets
    }
}
