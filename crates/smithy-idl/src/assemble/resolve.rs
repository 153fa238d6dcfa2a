//! Name resolution: a shape id as written in a file to the absolute id it names (`use`, the
//! file's namespace in any file, the prelude), and the errors for references to shapes defined
//! nowhere, in Smithy's wording.

use serde_json::Value;

use super::json_ast::for_each_json_reference;
use super::{Assembler, Context};
use crate::error::{Error, ErrorKind};
use crate::parser::{File, Location, Reference, Shape};
use crate::prelude::{PRELUDE_NAMESPACE, prelude_type};

/// How a shape refers to another, named the way Smithy's target validator names it.
#[derive(Clone, Copy)]
pub(super) enum Relation<'a> {
    /// The target of the named member (of a structure, union, enum, list or map).
    Member(&'a str),
    /// A property of an operation, service or resource (`input`, `operation`, `identifier`,
    /// ...), or a mixin (`mixin`).
    Property(&'a str),
}

/// The error for a reference to a shape defined nowhere: Smithy's own wording, with the
/// referring shape (and member) first.
fn unresolved_message(shape_id: &str, kind: &str, relation: Relation<'_>, target: &str) -> String {
    match relation {
        Relation::Member(member) => {
            format!("{shape_id}${member}: member shape targets an unresolved shape `{target}`")
        }
        Relation::Property(name) => {
            let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            format!(
                "{shape_id}: {kind} shape has {article} `{name}` relationship to an unresolved \
                 shape `{target}`"
            )
        }
    }
}

/// The relation Smithy names for a service or resource property holding shape ids.
pub(super) fn property_relation(key: &str) -> &str {
    match key {
        "operations" => "operation",
        "resources" => "resource",
        "errors" => "error",
        "collectionOperations" => "collection_operation",
        "identifiers" => "identifier",
        "properties" => "property",
        other => other,
    }
}

impl Assembler<'_> {
    /// Refuses a reference from an IDL shape to a shape defined nowhere (neither in the
    /// inputs nor in the prelude), at the place the reference is written.
    pub(super) fn require_defined(
        &mut self,
        context: &Context<'_>,
        shape: &Shape,
        relation: Relation<'_>,
        target: &str,
        location: Location,
    ) {
        if !self.exists(target) {
            let message = unresolved_message(&shape.id, &shape.kind, relation, target);
            let kind = ErrorKind::UnresolvedShape {
                id: target.to_string(),
            };
            self.error_at(context.source, location, kind, message);
        }
    }

    /// Refuses the references of a JSON AST shape to shapes defined nowhere. A JSON AST file
    /// has no lines to point at, so the error names the file.
    pub(super) fn require_json_targets_defined(&mut self, source: usize, id: &str, shape: &Value) {
        let kind = shape.get("type").and_then(Value::as_str).unwrap_or("");
        let mut unresolved = Vec::new();
        for_each_json_reference(shape, |relation, target| {
            if !self.exists(target) {
                let message = unresolved_message(id, kind, relation, target);
                unresolved.push((target.to_string(), message));
            }
        });
        let name = self.sources.get(source).map(|s| s.name).unwrap_or("");
        for (target, message) in unresolved {
            let kind = ErrorKind::UnresolvedShape { id: target };
            self.errors.push(Error::model(kind, name, message));
        }
    }

    /// Resolves a shape id as the specification orders it: absolute ids stay, then `use`,
    /// then a shape of that name in the file's namespace in any file, then the prelude, and
    /// otherwise the file's namespace. Returns the id and whether a shape by that id exists.
    pub(super) fn resolve(&self, file: &File, text: &str) -> (String, bool) {
        let (root, member) = match text.split_once('$') {
            Some((root, member)) => (root, Some(member)),
            None => (text, None),
        };
        let used = file.uses.get(root).map(String::as_str).unwrap_or(root);
        let (id, found) = if used.contains('#') {
            (used.to_string(), self.exists(used))
        } else {
            let namespace = file.namespace.as_deref().unwrap_or(PRELUDE_NAMESPACE);
            let local = format!("{namespace}#{used}");
            if self.exists(&local) {
                (local, true)
            } else if prelude_type(used).is_some() {
                (format!("{PRELUDE_NAMESPACE}#{used}"), true)
            } else {
                (local, false)
            }
        };
        match member {
            Some(member) => (format!("{id}${member}"), found),
            None => (id, found),
        }
    }

    pub(super) fn exists(&self, id: &str) -> bool {
        self.kind_of(id).is_some()
    }

    pub(super) fn kind_of(&self, id: &str) -> Option<&str> {
        if let Some(defined) = self.defined.get(id) {
            return Some(&defined.kind);
        }
        id.strip_prefix("smithy.api#").and_then(prelude_type)
    }

    pub(super) fn resolve_reference(
        &mut self,
        context: &Context<'_>,
        reference: &Reference,
    ) -> String {
        self.resolve(context.file, &reference.text).0
    }
}
