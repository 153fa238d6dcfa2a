//! Turns the parsed files into one JSON AST: resolves shape ids (namespace, `use`, other files,
//! the prelude, in the order the specification gives), applies traits and `apply` statements,
//! fills in elided member targets, merges metadata, and refuses what Smithy's loader refuses.
//! Mixins stay mixins: the JSON AST keeps `mixins` lists, and members inherited from a mixin
//! that get traits of their own become `apply` entries, as Smithy's serializer writes them.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Map, Value, json};

use crate::error::{Error, Warning};
use crate::parser::{self, File, Location, Node, Reference, Shape, TraitApplication, Version};
use crate::prelude::{PRELUDE_NAMESPACE, package_trait_type, prelude_type};

/// How deep mixins may chain before the loader gives up on a cycle.
const MAX_MIXIN_DEPTH: usize = 64;

/// One input file: its name (used in errors, and `.json` names mark JSON AST files) and text.
pub(crate) struct Source<'a> {
    pub(crate) name: &'a str,
    pub(crate) text: &'a str,
}

enum Parsed {
    Idl(File),
    Json(Value),
}

/// A trait waiting for every shape to exist before it is attached.
struct PendingTrait {
    target: String,
    trait_id: String,
    value: Value,
    source: usize,
    /// Where the trait's name is written.
    location: Location,
    /// Where the application starts (its `@`), as Smithy places errors about the trait itself.
    start: Location,
    /// The IDL version of the file that applies the trait, when it declares one.
    version: Option<Version>,
}

/// A trait applied somewhere in the model: the first place it is applied, and the kind of
/// value its definition's shape type takes.
struct AppliedTrait {
    source: usize,
    location: Location,
    value: Option<ValueShape>,
}

/// The shape type of a trait definition and the kind of node value it takes, for the types
/// that take one kind only (`document` and `timestamp` take any).
#[derive(Clone, Copy)]
struct ValueShape {
    kind: &'static str,
    node: &'static str,
}

impl ValueShape {
    fn of(kind: &str) -> Option<ValueShape> {
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
    fn accepts(self, value: &Value) -> bool {
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

/// Member names with their targets, in order; `None` for an elided member not yet resolved.
type MemberList = Vec<(String, Option<String>)>;

/// What mixin and elision handling need to know about any shape, IDL or JSON.
#[derive(Default, Clone)]
struct ShapeFacts {
    members: MemberList,
    mixins: Vec<String>,
    /// A resource's identifiers and properties.
    resource_members: BTreeMap<String, String>,
    is_mixin: bool,
}

/// How a shape refers to another, named the way Smithy's target validator names it.
#[derive(Clone, Copy)]
enum Relation<'a> {
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
fn property_relation(key: &str) -> &str {
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

struct Assembler<'a> {
    sources: &'a [Source<'a>],
    errors: Vec<Error>,
    /// Every shape defined by the inputs, with its type. Only looked up, never walked, so a
    /// hash map: shape ids share long namespace prefixes that make ordered lookups compare
    /// many bytes.
    defined: HashMap<String, String>,
    /// Every trait id applied that names a shape, with the first place it is applied, to
    /// check once the model is complete that each of them is a trait definition.
    applied_traits: HashMap<String, AppliedTrait>,
    /// What Smithy's loader warns about but accepts.
    warnings: Vec<Error>,
}

/// Loads the sources into one JSON AST value, with the warnings found on the way.
pub(crate) fn assemble(sources: &[Source<'_>]) -> Result<(Value, Vec<Warning>), Vec<Error>> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut parsed = Vec::new();
    let mut buffers = parser::Buffers::default();
    for source in sources {
        if source.name.ends_with(".json") {
            match serde_json::from_str::<Value>(source.text) {
                Ok(value) if value.is_object() => parsed.push(Parsed::Json(value)),
                Ok(_) => errors.push(Error::model(
                    source.name,
                    "a JSON AST file must hold an object".into(),
                )),
                Err(e) => errors.push(Error::at(
                    source.name,
                    source.text,
                    e.line(),
                    e.column(),
                    e.to_string(),
                )),
            }
        } else {
            let (file, syntax_errors) = parser::parse(source.text, &mut buffers);
            for w in &file.warnings {
                warnings.push(Error::at(
                    source.name,
                    source.text,
                    w.location.line,
                    w.location.column,
                    w.message.clone(),
                ));
            }
            for e in syntax_errors {
                errors.push(Error::at(
                    source.name,
                    source.text,
                    e.location.line,
                    e.location.column,
                    e.message,
                ));
            }
            parsed.push(Parsed::Idl(file));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut assembler = Assembler {
        sources,
        errors,
        defined: HashMap::new(),
        applied_traits: HashMap::new(),
        warnings,
    };
    let model = assembler.run(&mut parsed);
    if assembler.errors.is_empty() {
        let warnings = assembler.warnings.into_iter().map(Warning::from).collect();
        Ok((model, warnings))
    } else {
        Err(assembler.errors)
    }
}

impl Assembler<'_> {
    fn error_at(&mut self, source: usize, location: Location, message: String) {
        let (name, text) = self
            .sources
            .get(source)
            .map(|s| (s.name, s.text))
            .unwrap_or(("", ""));
        self.errors.push(Error::at(
            name,
            text,
            location.line,
            location.column,
            message,
        ));
    }

    fn warning_at(&mut self, source: usize, location: Location, message: String) {
        let (name, text) = self
            .sources
            .get(source)
            .map(|s| (s.name, s.text))
            .unwrap_or(("", ""));
        self.warnings.push(Error::at(
            name,
            text,
            location.line,
            location.column,
            message,
        ));
    }

    /// Refuses a reference from an IDL shape to a shape defined nowhere (neither in the
    /// inputs nor in the prelude), at the place the reference is written.
    fn require_defined(
        &mut self,
        context: &Context<'_>,
        shape: &Shape,
        relation: Relation<'_>,
        target: &str,
        location: Location,
    ) {
        if !self.exists(target) {
            let message = unresolved_message(&shape.id, &shape.kind, relation, target);
            self.error_at(context.source, location, message);
        }
    }

    /// Refuses the references of a JSON AST shape to shapes defined nowhere. A JSON AST file
    /// has no lines to point at, so the error names the file.
    fn require_json_targets_defined(&mut self, source: usize, id: &str, shape: &Value) {
        let kind = shape.get("type").and_then(Value::as_str).unwrap_or("");
        let mut messages = Vec::new();
        for_each_json_reference(shape, |relation, target| {
            if !self.exists(target) {
                messages.push(unresolved_message(id, kind, relation, target));
            }
        });
        let name = self.sources.get(source).map(|s| s.name).unwrap_or("");
        for message in messages {
            self.errors.push(Error::model(name, message));
        }
    }

    fn run(&mut self, parsed: &mut [Parsed]) -> Value {
        let mut shapes: Map<String, Value> = Map::new();
        let mut pending: Vec<PendingTrait> = Vec::new();
        let mut idl_ids: BTreeMap<String, (usize, Location)> = BTreeMap::new();
        let mut v1_shapes: HashSet<String> = HashSet::new();
        // Shapes of JSON AST files that declare no version, which Smithy neither upgrades nor
        // treats as 2.0 shapes.
        let mut unversioned: HashSet<String> = HashSet::new();

        // Every defined shape first, so references resolve whatever order files come in.
        for (index, file) in parsed.iter().enumerate() {
            match file {
                Parsed::Idl(file) => {
                    for shape in &file.shapes {
                        if let Some((_, first)) = idl_ids.get(&shape.id) {
                            let message = format!(
                                "Conflicting shape definition for `{}` (first defined at line {})",
                                shape.id, first.line
                            );
                            self.error_at(index, shape.location, message);
                            continue;
                        }
                        idl_ids.insert(shape.id.clone(), (index, shape.location));
                        if file.version == Version::V1 {
                            v1_shapes.insert(shape.id.clone());
                        }
                        self.defined.insert(shape.id.clone(), shape.kind.clone());
                    }
                }
                Parsed::Json(value) => {
                    if let Some(json_shapes) = value.get("shapes").and_then(Value::as_object) {
                        for (id, shape) in json_shapes {
                            let kind = shape.get("type").and_then(Value::as_str).unwrap_or("");
                            if kind != "apply" {
                                self.defined.insert(id.clone(), kind.to_string());
                            }
                        }
                    }
                }
            }
        }

        for (index, file) in parsed.iter().enumerate() {
            let Parsed::Idl(file) = file else { continue };
            for used in &file.use_statements {
                if !self.exists(&used.text) && package_trait_type(&used.text).is_none() {
                    let message = format!("Use statement refers to undefined shape: {}", used.text);
                    self.warning_at(index, used.location, message);
                }
            }
        }

        let mut metadata: Map<String, Value> = Map::new();
        let mut facts: BTreeMap<String, ShapeFacts> = BTreeMap::new();
        let mut elided: Vec<(usize, String, String, Location, Option<String>)> = Vec::new();
        for (index, file) in parsed.iter_mut().enumerate() {
            match file {
                Parsed::Idl(file) => {
                    // Node values move into the JSON AST rather than being copied: only the
                    // statements are taken out, the file's namespace and `use`s stay to
                    // resolve against, and the shapes go back for the checks that follow.
                    let mut file_metadata = std::mem::take(&mut file.metadata);
                    let mut file_shapes = std::mem::take(&mut file.shapes);
                    let mut file_applies = std::mem::take(&mut file.applies);
                    let context = Context {
                        file: &*file,
                        source: index,
                    };
                    for (key, node, location) in &mut file_metadata {
                        let value = self.node_value(&context, node, true);
                        self.merge_metadata(&mut metadata, key, value, index, *location);
                    }
                    for shape in &mut file_shapes {
                        if idl_ids.get(&shape.id).map(|(i, _)| *i) != Some(index) {
                            continue;
                        }
                        let (value, shape_facts) =
                            self.shape_value(&context, shape, &mut pending, &mut elided);
                        facts.insert(shape.id.clone(), shape_facts);
                        shapes.insert(shape.id.clone(), value);
                    }
                    for apply in &mut file_applies {
                        let target = self.resolve_reference(&context, &apply.target);
                        self.pending_traits(&context, &target, &mut apply.traits, &mut pending);
                    }
                    file.shapes = file_shapes;
                }
                Parsed::Json(value) => {
                    let file_version = json_version(value.get("smithy"));
                    if let Some(data) = value.get("metadata").and_then(Value::as_object) {
                        for (key, value) in data {
                            self.merge_metadata(
                                &mut metadata,
                                key,
                                value.clone(),
                                index,
                                Location::default(),
                            );
                        }
                    }
                    let Some(json_shapes) = value.get("shapes").and_then(Value::as_object) else {
                        continue;
                    };
                    for (id, shape) in json_shapes {
                        let kind = shape.get("type").and_then(Value::as_str).unwrap_or("");
                        if kind == "apply" {
                            for (trait_id, value) in shape
                                .get("traits")
                                .and_then(Value::as_object)
                                .into_iter()
                                .flatten()
                            {
                                pending.push(PendingTrait {
                                    target: id.clone(),
                                    trait_id: trait_id.clone(),
                                    value: value.clone(),
                                    source: index,
                                    location: Location::default(),
                                    start: Location::default(),
                                    version: file_version,
                                });
                            }
                            continue;
                        }
                        if shapes.contains_key(id) {
                            self.errors.push(Error::model(
                                self.sources.get(index).map(|s| s.name).unwrap_or(""),
                                format!("Conflicting shape definition for `{id}`"),
                            ));
                            continue;
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
                                v1_shapes.insert(id.clone());
                            }
                            None => {
                                unversioned.insert(id.clone());
                            }
                            Some(Version::V2) => {}
                        }
                        facts.insert(id.clone(), json_facts(shape));
                        shapes.insert(id.clone(), shape.clone());
                    }
                }
            }
        }

        self.resolve_elided(&mut shapes, &facts, &elided);
        self.check_mixin_members(parsed, &idl_ids, &facts);
        let mut applies: Map<String, Value> = Map::new();
        for item in pending {
            self.attach_trait(&mut shapes, &mut applies, &facts, item);
        }
        self.check_trait_definitions(&shapes, &idl_ids);
        self.finish_enums(parsed, &mut shapes, &idl_ids, &facts);
        self.validate(parsed, &idl_ids, &shapes, &facts);
        if !v1_shapes.is_empty() || !unversioned.is_empty() {
            self.upgrade_v1(&mut shapes, &v1_shapes, &unversioned);
        }
        for (id, value) in applies {
            shapes.insert(id, value);
        }

        let mut model = Map::new();
        // 1.0 shapes are upgraded as they load, so the model is always a 2.0 one.
        model.insert("smithy".into(), Value::String("2.0".into()));
        if !metadata.is_empty() {
            model.insert("metadata".into(), Value::Object(metadata));
        }
        model.insert("shapes".into(), Value::Object(shapes));
        Value::Object(model)
    }

    fn merge_metadata(
        &mut self,
        metadata: &mut Map<String, Value>,
        key: &str,
        value: Value,
        source: usize,
        location: Location,
    ) {
        match metadata.get_mut(key) {
            None => {
                metadata.insert(key.to_string(), value);
            }
            Some(Value::Array(previous)) if value.is_array() => {
                if let Value::Array(more) = value {
                    previous.extend(more);
                }
            }
            Some(previous) if *previous == value => {}
            Some(_) => {
                self.error_at(
                    source,
                    location,
                    format!("Metadata conflict for key `{key}`"),
                );
            }
        }
    }

    /// Resolves a shape id as the specification orders it: absolute ids stay, then `use`,
    /// then a shape of that name in the file's namespace in any file, then the prelude, and
    /// otherwise the file's namespace. Returns the id and whether a shape by that id exists.
    fn resolve(&self, file: &File, text: &str) -> (String, bool) {
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

    fn exists(&self, id: &str) -> bool {
        self.kind_of(id).is_some()
    }

    fn kind_of(&self, id: &str) -> Option<&str> {
        if let Some(kind) = self.defined.get(id) {
            return Some(kind);
        }
        id.strip_prefix("smithy.api#").and_then(prelude_type)
    }

    fn resolve_reference(&mut self, context: &Context<'_>, reference: &Reference) -> String {
        self.resolve(context.file, &reference.text).0
    }

    /// A node value as JSON. Unquoted shape ids become absolute id strings and must name a
    /// shape, as Smithy requires of syntactic shape ids.
    fn node_value(&mut self, context: &Context<'_>, node: &mut Node, in_metadata: bool) -> Value {
        match node {
            Node::String(s) => Value::String(std::mem::take(s)),
            Node::Number(n) => number_value(n),
            Node::Bool(b) => Value::Bool(*b),
            Node::Null => Value::Null,
            Node::Array(items) => Value::Array(
                items
                    .iter_mut()
                    .map(|item| self.node_value(context, item, in_metadata))
                    .collect(),
            ),
            Node::Object(entries) => {
                let mut map = Map::new();
                for (key, value) in entries {
                    let value = self.node_value(context, value, in_metadata);
                    map.insert(std::mem::take(key), value);
                }
                Value::Object(map)
            }
            Node::ShapeId(reference) => {
                let (id, found) = if in_metadata {
                    let id = if reference.text.contains('#') {
                        reference.text.clone()
                    } else {
                        format!("{PRELUDE_NAMESPACE}#{}", reference.text)
                    };
                    let found = self.exists(id.split('$').next().unwrap_or(""));
                    (id, found)
                } else {
                    self.resolve(context.file, &reference.text)
                };
                if !found {
                    self.error_at(
                        context.source,
                        reference.location,
                        format!(
                            "Syntactic shape ID `{}` does not resolve to a valid shape ID: `{id}`. \
                             Did you mean to quote this string? Are you missing a model file?",
                            reference.text
                        ),
                    );
                }
                Value::String(id)
            }
        }
    }

    fn pending_traits(
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

    fn shape_value(
        &mut self,
        context: &Context<'_>,
        shape: &mut Shape,
        pending: &mut Vec<PendingTrait>,
        elided: &mut Vec<(usize, String, String, Location, Option<String>)>,
    ) -> (Value, ShapeFacts) {
        let mut object = Map::new();
        object.insert("type".into(), Value::String(shape.kind.clone()));
        let mut facts = ShapeFacts::default();
        self.pending_traits(context, &shape.id, &mut shape.traits, pending);
        facts.is_mixin = shape
            .traits
            .iter()
            .any(|t| self.resolve(context.file, &t.name.text).0 == "smithy.api#mixin");

        let for_resource = shape.for_resource.as_ref().map(|reference| {
            let id = self.resolve_reference(context, reference);
            if !self.exists(&id) {
                let message = format!(
                    "{}: the target of the `for` production is an unresolved shape `{id}`",
                    shape.id
                );
                self.error_at(context.source, reference.location, message);
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
                    elided.push((
                        context.source,
                        shape.id.clone(),
                        member.name.clone(),
                        member.location,
                        for_resource.clone(),
                    ));
                }
            }
        }
        for member in &mut shape.members {
            let member_id = format!("{}${}", shape.id, member.name);
            self.pending_traits(context, &member_id, &mut member.traits, pending);
        }
        match shape.kind.as_str() {
            "structure" | "union" | "enum" | "intEnum" => {
                object.insert("members".into(), Value::Object(members));
            }
            "list" | "set" | "map" => {
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
                        self.error_at(context.source, place, message);
                    }
                }
            }
            "operation" => {
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

    /// The body of a service or resource: each known property to its JSON AST form.
    fn properties(
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
        // Smithy only warns about properties it does not know.
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
        self.error_at(context.source, shape.location, message);
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

    /// Every member a shape has through its mixins, with the mixin that declares it.
    fn inherited_members(
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
    fn in_mixin_cycle(facts: &BTreeMap<String, ShapeFacts>, id: &str) -> bool {
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

    fn resolve_elided(
        &mut self,
        shapes: &mut Map<String, Value>,
        facts: &BTreeMap<String, ShapeFacts>,
        elided: &[(usize, String, String, Location, Option<String>)],
    ) {
        for (source, shape_id, name, location, for_resource) in elided {
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
                            self.error_at(*source, *location, message);
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
                        self.error_at(*source, *location, message);
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
                    self.error_at(*source, *location, message);
                }
            }
        }
    }

    /// A member written again in a mixed shape must keep the target the mixin gave it.
    fn check_mixin_members(
        &mut self,
        parsed: &[Parsed],
        idl_ids: &BTreeMap<String, (usize, Location)>,
        facts: &BTreeMap<String, ShapeFacts>,
    ) {
        for (index, file) in parsed.iter().enumerate() {
            let Parsed::Idl(file) = file else { continue };
            for shape in &file.shapes {
                if shape.mixins.is_empty() || idl_ids.get(&shape.id).map(|(i, _)| *i) != Some(index)
                {
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
                            self.error_at(index, member.location, message);
                        }
                    }
                }
            }
        }
    }

    /// Each mixin of a shape with every member it has, its own and its mixins'.
    fn mixin_member_sets(
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

    /// Attaches a trait to a shape or member defined here, or records an `apply` entry for a
    /// member inherited from a mixin or a shape from elsewhere.
    fn attach_trait(
        &mut self,
        shapes: &mut Map<String, Value>,
        applies: &mut Map<String, Value>,
        facts: &BTreeMap<String, ShapeFacts>,
        item: PendingTrait,
    ) {
        self.check_trait(
            &item.target,
            &item.trait_id,
            &item.value,
            item.source,
            item.start,
            item.version,
        );
        let (root, member) = match item.target.split_once('$') {
            Some((root, member)) => (root.to_string(), Some(member.to_string())),
            None => (item.target.clone(), None),
        };
        if !shapes.contains_key(&root) {
            let message = if prelude_type(root.trim_start_matches("smithy.api#")).is_some()
                && root.starts_with("smithy.api#")
            {
                format!(
                    "Cannot apply `{}` to an immutable prelude shape defined in `smithy.api`.",
                    item.trait_id
                )
            } else {
                format!(
                    "Trait `{}` applied to unknown shape `{}`",
                    item.trait_id, item.target
                )
            };
            self.error_at(item.source, item.location, message);
            return;
        }
        let traits = shapes
            .get_mut(&root)
            .and_then(Value::as_object_mut)
            .and_then(|shape| match &member {
                None => Some(shape),
                Some(member) => {
                    let kind = shape.get("type").and_then(Value::as_str).unwrap_or("");
                    if matches!(kind, "list" | "set" | "map") {
                        shape
                            .get_mut(member.as_str())
                            .and_then(Value::as_object_mut)
                    } else {
                        shape
                            .get_mut("members")
                            .and_then(Value::as_object_mut)
                            .and_then(|m| m.get_mut(member.as_str()))
                            .and_then(Value::as_object_mut)
                    }
                }
            });
        let container = match traits {
            Some(object) => object,
            None => {
                // A member this shape inherits from a mixin, or one it does not have.
                let mut inherited = Vec::new();
                Self::inherited_members(facts, &root, 0, &mut inherited);
                let name = member.as_deref().unwrap_or("");
                if !inherited.iter().any(|(n, _, _)| n == name) {
                    let message = format!(
                        "Trait `{}` applied to unknown shape `{}`",
                        item.trait_id, item.target
                    );
                    self.error_at(item.source, item.location, message);
                    return;
                }
                let entry = applies
                    .entry(item.target.clone())
                    .or_insert_with(|| json!({ "type": "apply", "traits": {} }));
                match entry.as_object_mut() {
                    Some(object) => object,
                    None => return,
                }
            }
        };
        let traits = container
            .entry("traits")
            .or_insert_with(|| Value::Object(Map::new()));
        let Some(traits) = traits.as_object_mut() else {
            return;
        };
        match traits.get_mut(&item.trait_id) {
            None => {
                traits.insert(item.trait_id, item.value);
            }
            Some(Value::Array(previous)) if item.value.is_array() => {
                if let Value::Array(more) = item.value {
                    previous.extend(more);
                }
            }
            Some(previous) if *previous == item.value => {}
            Some(_) => {
                let message = format!(
                    "Conflicting `{}` trait found on shape `{}`",
                    item.trait_id, item.target
                );
                self.error_at(item.source, item.location, message);
            }
        }
    }

    /// Refuses an application of a trait that names no shape (of the inputs, the prelude, or
    /// Smithy's trait packages), with a value of another kind than its shape type takes, or
    /// that the applying file's IDL version does not allow; remembers the trait to check its
    /// definition later.
    fn check_trait(
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
                    self.error_at(source, location, message);
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
            self.error_at(source, location, message);
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
        self.error_at(source, location, format!("{target}: {message}"));
    }

    /// Refuses traits whose shape is not marked `@trait`, at the shape's definition when it is
    /// written in IDL, else where the trait is first applied.
    fn check_trait_definitions(
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
            self.error_at(source, location, message);
        }
    }

    /// Gives the shapes of IDL 1.0 files the 2.0 meaning Smithy's loader gives them. In 1.0 a
    /// boolean or number shape not marked `@box` has a zero value, and so does a structure
    /// member targeting one (or a stream) unless the member is `@box`: such shapes and members
    /// get `@default` of that zero value, and a boxed member `@default(null)`. The 2.0 shapes
    /// a 1.0 member may target count as boxed unless their `@default` is the zero value (and
    /// shapes of JSON AST files without a version only when marked `@box`).
    /// `@box` itself is left out, as Smithy never writes it in a 2.0 model.
    fn upgrade_v1(
        &self,
        shapes: &mut Map<String, Value>,
        v1_shapes: &HashSet<String>,
        unversioned: &HashSet<String>,
    ) {
        let has_trait = |value: &Value, trait_id: &str| {
            value
                .get("traits")
                .and_then(|traits| traits.get(trait_id))
                .is_some()
        };
        // Whether a shape is boxed, i.e. nullable: marked `@box`, or a 2.0 boolean or number
        // shape without the zero value as its default.
        let boxed = |id: &str, shape: &Value| {
            let kind = shape.get("type").and_then(Value::as_str).unwrap_or("");
            if v1_shapes.contains(id)
                || unversioned.contains(id)
                || !HAD_ZERO_VALUE_IN_V1.contains(&kind)
            {
                has_trait(shape, "smithy.api#box")
            } else {
                let default = shape
                    .get("traits")
                    .and_then(|t| t.get("smithy.api#default"));
                !is_zero_value(default, kind)
            }
        };
        let mut defaults: Vec<(String, Option<String>, Value)> = Vec::new();
        for id in v1_shapes {
            let Some(shape) = shapes.get(id) else {
                continue;
            };
            let kind = shape.get("type").and_then(Value::as_str).unwrap_or("");
            if HAD_ZERO_VALUE_IN_V1.contains(&kind) && !boxed(id, shape) {
                defaults.push((id.clone(), None, zero_value(kind)));
            }
            if kind != "structure" {
                continue;
            }
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
                    Some(target_shape) => boxed(target, target_shape),
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
                defaults.push((id.clone(), Some(name.clone()), value));
            }
        }
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

    /// Enum members without a value get their name as value, as Smithy's model does.
    fn finish_enums(
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
                self.error_at(*source, place, message);
            }
        }
    }

    /// The checks Smithy's loader makes that the grammar alone does not.
    fn validate(
        &mut self,
        parsed: &[Parsed],
        idl_ids: &BTreeMap<String, (usize, Location)>,
        shapes: &Map<String, Value>,
        facts: &BTreeMap<String, ShapeFacts>,
    ) {
        for (index, file) in parsed.iter().enumerate() {
            let Parsed::Idl(file) = file else { continue };
            for shape in &file.shapes {
                if idl_ids.get(&shape.id).map(|(i, _)| *i) != Some(index) {
                    continue;
                }
                let Some(value) = shapes.get(&shape.id) else {
                    continue;
                };
                let messages = self.shape_problems(file, shape, value, facts);
                for (location, message) in messages {
                    self.error_at(index, location, message);
                }
            }
        }
    }

    fn shape_problems(
        &self,
        file: &File,
        shape: &Shape,
        value: &Value,
        facts: &BTreeMap<String, ShapeFacts>,
    ) -> Vec<(Location, String)> {
        let mut problems = Vec::new();
        // Problems with one member, at the place that member (or its value) is written.
        let mut member_problems = Vec::new();
        let id = &shape.id;
        if Self::in_mixin_cycle(facts, id) {
            problems.push(format!("{id}: mixins form a cycle"));
        }
        let kind = shape.kind.as_str();
        let version = file.version;
        if version == Version::V1 && matches!(kind, "enum" | "intEnum") {
            problems.push(format!(
                "{kind} shapes cannot be used in Smithy version 1.0"
            ));
        }
        if version == Version::V2 && kind == "set" {
            problems.push("set shapes cannot be used in Smithy version 2.0".into());
        }
        let own_traits = value.get("traits").and_then(Value::as_object);
        let is_mixin = own_traits.is_some_and(|t| t.contains_key("smithy.api#mixin"));
        if version == Version::V1 && is_mixin {
            problems.push(format!(
                "Mixins can only be used in Smithy 2.0 or later. Attempted to apply a @mixin \
                 trait to `{id}` in a model file using version `1.0`."
            ));
        }
        let mut inherited = Vec::new();
        Self::inherited_members(facts, id, 0, &mut inherited);
        // Two mixins giving a member of the same name different targets, where the shape
        // does not define the member itself.
        let mut seen: Vec<(String, Option<String>)> = Vec::new();
        for (_, members) in Self::mixin_member_sets(facts, id) {
            for (name, target) in members {
                let own = shape.members.iter().any(|m| m.name == name);
                match seen.iter().find(|(n, _)| *n == name) {
                    Some((_, Some(first)))
                        if !own && target.as_ref().is_some_and(|t| t != first) =>
                    {
                        problems.push(format!(
                            "{id}${name}: Member conflicts with an inherited mixin member: \
                             `{id}${name}`"
                        ));
                    }
                    Some(_) => {}
                    None => seen.push((name, target)),
                }
            }
        }
        let has =
            |name: &str| value.get(name).is_some() || inherited.iter().any(|(n, _, _)| n == name);
        match kind {
            "list" | "set" if !has("member") => {
                problems.push(format!("Missing required member of shape `{id}`: member"));
            }
            "map" => {
                let missing: Vec<&str> = ["key", "value"]
                    .into_iter()
                    .filter(|name| !has(name))
                    .collect();
                match missing.as_slice() {
                    [] => {}
                    [one] => {
                        problems.push(format!("Missing required member of shape `{id}`: {one}"))
                    }
                    _ => problems.push(format!(
                        "Missing required members of shape `{id}`: {}",
                        missing.join(", ")
                    )),
                }
            }
            "enum" | "intEnum" => {
                let count = value
                    .get("members")
                    .and_then(Value::as_object)
                    .map_or(0, Map::len)
                    + inherited.len();
                if count == 0 {
                    problems.push(format!("{id}: {kind} must have at least one entry"));
                    problems.push(format!("{kind} shapes must have at least one member"));
                }
                if kind == "intEnum" {
                    for (name, member) in value
                        .get("members")
                        .and_then(Value::as_object)
                        .into_iter()
                        .flatten()
                    {
                        let enum_value = member
                            .get("traits")
                            .and_then(|t| t.get("smithy.api#enumValue"));
                        let inherits = inherited.iter().any(|(n, _, _)| n == name);
                        if inherits && enum_value.is_none() {
                            continue;
                        }
                        if let Some(problem) = int_enum_problem(enum_value) {
                            member_problems.push((
                                member_place(shape, name, "enumValue"),
                                format!("{id}${name}: {problem}"),
                            ));
                        }
                    }
                }
            }
            "operation" if is_mixin => {
                let unit = |key: &str| {
                    value
                        .get(key)
                        .and_then(|t| t.get("target"))
                        .and_then(Value::as_str)
                        .is_none_or(|t| t == "smithy.api#Unit")
                };
                if !unit("input") || !unit("output") {
                    problems.push(format!(
                        "Operation shapes with the mixin trait MUST target `smithy.api#Unit` for their \
                     input and output. Operation mixin shape `{id}` defines one or both of these \
                     properties."
                ));
                }
            }
            "resource"
                if is_mixin
                    && RESOURCE_PROPERTIES
                        .iter()
                        .any(|key| value.get(*key).is_some_and(|v| !is_empty_collection(v))) =>
            {
                problems.push(format!(
                    "Resource shapes with the mixin trait may not define any properties. Resource \
                     mixin shape `{id}` defines one or more properties."
                ));
            }
            _ => {}
        }
        let wrong: Vec<&String> = facts
            .get(id)
            .map(|f| f.mixins.iter())
            .into_iter()
            .flatten()
            .filter(|m| self.kind_of(m).is_some_and(|k| k != kind))
            .collect();
        if !wrong.is_empty() {
            let list: Vec<String> = wrong.iter().map(|m| format!("`{m}`")).collect();
            problems.push(format!(
                "Mixins may only be mixed into shapes of the same type. The following mixins \
                 were applied to the {kind} shape `{id}` which are not {kind} shapes: [{}]",
                list.join(", ")
            ));
        }
        for mixin in facts.get(id).map(|f| f.mixins.iter()).into_iter().flatten() {
            if let Some(mixin_facts) = facts.get(mixin)
                && !mixin_facts.is_mixin
                && self.kind_of(mixin) == Some(kind)
            {
                problems.push(format!(
                    "Attempted to use `{mixin}` as a mixin, but it is not marked with the mixin \
                     trait"
                ));
            }
        }
        problems
            .into_iter()
            .map(|message| (shape.location, message))
            .chain(member_problems)
            .collect()
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

fn is_empty_collection(value: &Value) -> bool {
    match value {
        Value::Object(o) => o.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

struct Context<'a> {
    file: &'a File,
    source: usize,
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

/// Calls `visit` with every shape id a JSON AST shape refers to, and how it refers to it.
fn for_each_json_reference<'a>(shape: &'a Value, mut visit: impl FnMut(Relation<'a>, &'a str)) {
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

/// The IDL shape a file defines under an id.
fn idl_shape<'a>(parsed: &'a [Parsed], source: usize, id: &str) -> Option<&'a Shape> {
    match parsed.get(source) {
        Some(Parsed::Idl(file)) => file.shapes.iter().find(|shape| shape.id == id),
        _ => None,
    }
}

/// Where a problem with a member of an IDL shape is shown: at its application of the named
/// prelude trait (`enumValue` covers `= value` too) when it has one, else at the member, else
/// (a member the shape does not write itself) at the shape.
fn member_place(shape: &Shape, member: &str, trait_name: &str) -> Location {
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
fn for_each_json_trait(id: &str, shape: &Value, mut visit: impl FnMut(&str, &str, &Value)) {
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

/// A number token as a JSON number with the digits as written; a form JSON cannot hold
/// (a leading zero, say) goes through a float.
fn number_value(lexeme: &str) -> Value {
    if let Ok(value @ Value::Number(_)) = serde_json::from_str::<Value>(lexeme) {
        return value;
    }
    let trimmed = lexeme.trim_start_matches('-').trim_start_matches('0');
    let sign = if lexeme.starts_with('-') { "-" } else { "" };
    let normalized = if trimmed.is_empty() || trimmed.starts_with(['.', 'e', 'E']) {
        format!("{sign}0{trimmed}")
    } else {
        format!("{sign}{trimmed}")
    };
    serde_json::from_str::<Value>(&normalized).unwrap_or(Value::Null)
}
