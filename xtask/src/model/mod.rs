//! `cargo xtask model`: grows the project's Smithy model from an upstream one (`import`) and
//! shows how two models differ (`diff`), both working on the Smithy 2.0 JSON AST.

mod diff;
mod import;

use std::fmt;
use std::path::Path;

use anyhow::{Context, Result, bail};
use indexmap::IndexMap;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap as _, Serializer};

/// `cargo xtask model import|diff`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: ModelCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ModelCommand {
    /// Copy operations, and every shape they reach, from a Smithy JSON AST model into ours;
    /// shapes already present must match, documentation is left behind unless --with-docs.
    Import(import::Args),
    /// Print how two Smithy JSON AST models differ: operations, shapes, members, traits.
    Diff(diff::Args),
}

/// Runs `cargo xtask model`.
pub(crate) fn run(args: &Args) -> Result<()> {
    match &args.command {
        ModelCommand::Import(args) => import::run(args),
        ModelCommand::Diff(args) => diff::run(args),
    }
}

/// The namespace of the prelude, whose shapes every model has and none defines.
const PRELUDE_NAMESPACE: &str = "smithy.api";

/// Traits that hold prose rather than facts: never copied by `import` unless asked, and left out
/// of comparisons (and of `diff` unless `--docs`). Our model's documentation is written in our own
/// words, so upstream prose is never a reason to refuse an import.
const PROSE_TRAITS: [&str; 3] = [
    "smithy.api#documentation",
    "smithy.api#examples",
    "smithy.api#externalDocumentation",
];

/// Shape properties that hold one `{"target": ...}`.
const SINGLE_REFERENCES: [&str; 8] = [
    "input", "output", "create", "put", "read", "update", "delete", "list",
];

/// Shape properties that hold a list of `{"target": ...}`.
const LIST_REFERENCES: [&str; 5] = [
    "errors",
    "mixins",
    "operations",
    "collectionOperations",
    "resources",
];

/// Shape properties that map names to `{"target": ...}`: a resource's identifiers and
/// properties.
const MAP_REFERENCES: [&str; 2] = ["identifiers", "properties"];

/// Shape properties that hold one member: a list's `member`, a map's `key` and `value`.
const SINGLE_MEMBERS: [&str; 3] = ["member", "key", "value"];

/// Whether a shape id names a prelude shape (`smithy.api#String`), which is never copied.
fn is_prelude(id: &str) -> bool {
    namespace(id) == PRELUDE_NAMESPACE
}

/// The namespace of an absolute shape id: `com.example` of `com.example#Shape$member`.
fn namespace(id: &str) -> &str {
    id.split_once('#').map_or("", |(namespace, _)| namespace)
}

/// The shape name of an absolute shape id: `Shape` of `com.example#Shape`.
fn shape_name(id: &str) -> &str {
    id.split_once('#').map_or(id, |(_, name)| name)
}

/// A JSON value whose objects keep their keys in file order, so that a model written back
/// differs from the file read only where something was added. (`serde_json::Value` sorts keys
/// unless its `preserve_order` feature is on, and turning that on would change it for every crate
/// of the workspace.) Equality ignores the order of object keys, as JSON does.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, with the digits the file gave.
    Number(serde_json::Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Node>),
    /// An object, in file order.
    Object(IndexMap<String, Node>),
}

impl Node {
    /// The object's value at `key`, if this is an object that has it.
    fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Object(object) => object.get(key),
            _ => None,
        }
    }

    /// The string, if this is one.
    fn as_str(&self) -> Option<&str> {
        match self {
            Node::String(string) => Some(string),
            _ => None,
        }
    }

    /// The entries, if this is an object.
    fn as_object(&self) -> Option<&IndexMap<String, Node>> {
        match self {
            Node::Object(object) => Some(object),
            _ => None,
        }
    }

    /// The entries, if this is an object.
    fn as_object_mut(&mut self) -> Option<&mut IndexMap<String, Node>> {
        match self {
            Node::Object(object) => Some(object),
            _ => None,
        }
    }

    /// The items, if this is an array.
    fn as_array(&self) -> Option<&[Node]> {
        match self {
            Node::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The shape id of a `{"target": ...}` reference.
    fn target(&self) -> Option<&str> {
        self.get("target").and_then(Node::as_str)
    }
}

/// Compact JSON, as `diff` and error messages show values.
impl fmt::Display for Node {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = serde_json::to_string(self).map_err(|_| fmt::Error)?;
        formatter.write_str(&text)
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Null => serializer.serialize_unit(),
            Node::Bool(value) => serializer.serialize_bool(*value),
            Node::Number(number) => number.serialize(serializer),
            Node::String(string) => serializer.serialize_str(string),
            Node::Array(items) => items.serialize(serializer),
            Node::Object(object) => object.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

/// With `arbitrary_precision` (on in this workspace, so range bounds keep their digits),
/// serde_json hands a number to `visit_map` as a one-entry map under this key, the digits as a
/// string; `serde_json::Value` recognises it the same way. The round-trip test of
/// `model/rekognition.json` would catch a change.
const SERDE_JSON_NUMBER_TOKEN: &str = "$serde_json::private::Number";

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Node, E> {
        Ok(Node::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Node, E> {
        Ok(Node::Number(value.into()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Node, E> {
        Ok(Node::Number(value.into()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Node, E> {
        serde_json::Number::from_f64(value)
            .map(Node::Number)
            .ok_or_else(|| E::custom("a number that is not finite"))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Node, E> {
        Ok(Node::String(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Node, E> {
        Ok(Node::String(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut sequence: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = sequence.next_element()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut object = IndexMap::new();
        while let Some((key, value)) = map.next_entry::<String, Node>()? {
            if key == SERDE_JSON_NUMBER_TOKEN && object.is_empty() {
                let Node::String(digits) = value else {
                    return Err(de::Error::custom("a number without its digits"));
                };
                return digits.parse().map(Node::Number).map_err(de::Error::custom);
            }
            object.insert(key, value);
        }
        Ok(Node::Object(object))
    }
}

/// A Smithy 2.0 JSON AST model, kept in file order so it can be written back unchanged.
#[derive(Debug, Clone)]
struct Model {
    /// The document's top-level entries (`smithy`, `metadata`, ...); `shapes` keeps its place
    /// here but its value lives in `shapes`.
    root: IndexMap<String, Node>,
    /// The shapes by absolute id, in file order.
    shapes: IndexMap<String, Node>,
}

impl Model {
    /// Reads and checks a model file.
    fn load(path: &Path) -> Result<Model> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("could not read {}", path.display()))?;
        Model::parse(&text).with_context(|| format!("could not load {}", path.display()))
    }

    /// Parses a model and checks the parts `import` and `diff` rely on: every shape an object
    /// with a `type`, every reference and member an object with a string `target`.
    fn parse(text: &str) -> Result<Model> {
        let root: Node = serde_json::from_str(text).context("not valid JSON")?;
        let Node::Object(mut root) = root else {
            bail!("not a Smithy JSON AST model: the document is not a JSON object");
        };
        match root.get("smithy") {
            Some(Node::String(version)) if version == "2.0" || version == "2" => {}
            Some(version) => {
                bail!("Smithy version {version}: only Smithy 2.0 JSON AST models are supported")
            }
            None => bail!("not a Smithy JSON AST model: no \"smithy\" version"),
        }
        let shapes = match root
            .get_mut("shapes")
            .map(|shapes| std::mem::replace(shapes, Node::Null))
        {
            None => IndexMap::new(),
            Some(Node::Object(shapes)) => shapes,
            Some(_) => bail!("\"shapes\" is not an object"),
        };
        for (id, shape) in &shapes {
            check_shape(id, shape).with_context(|| format!("shape {id}"))?;
        }
        Ok(Model { root, shapes })
    }

    /// Every shape, in file order.
    fn shapes(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.shapes.iter().map(|(id, shape)| (id.as_str(), shape))
    }

    /// The shape with this absolute id.
    fn shape(&self, id: &str) -> Option<&Node> {
        self.shapes.get(id)
    }

    /// The ids of the service shapes, sorted.
    fn services(&self) -> Vec<&str> {
        let mut services: Vec<&str> = self
            .shapes()
            .filter(|(_, shape)| shape_kind(shape) == "service")
            .map(|(id, _)| id)
            .collect();
        services.sort_unstable();
        services
    }

    /// The model as the project writes JSON: four-space indentation, a final newline.
    fn to_text(&self) -> Result<String> {
        let mut bytes = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
        let mut serializer = serde_json::Serializer::with_formatter(&mut bytes, formatter);
        self.serialize(&mut serializer)
            .context("could not serialize the model")?;
        let mut text = String::from_utf8(bytes).context("serialized JSON is not UTF-8")?;
        text.push('\n');
        Ok(text)
    }

    /// Writes the model through a temporary file beside `path`, so a failure leaves the old
    /// file whole.
    fn write(&self, path: &Path) -> Result<()> {
        let text = self.to_text()?;
        let mut temporary = path.as_os_str().to_owned();
        temporary.push(".tmp");
        let temporary = Path::new(&temporary);
        std::fs::write(temporary, text)
            .with_context(|| format!("could not write {}", temporary.display()))?;
        std::fs::rename(temporary, path).with_context(|| {
            format!(
                "could not rename {} to {}",
                temporary.display(),
                path.display()
            )
        })
    }
}

/// The document with `shapes` in its place (at the end when the file had none).
impl Serialize for Model {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let has_shapes = self.root.contains_key("shapes");
        let length = self.root.len() + usize::from(!has_shapes);
        let mut map = serializer.serialize_map(Some(length))?;
        for (key, value) in &self.root {
            if key == "shapes" {
                map.serialize_entry(key, &self.shapes)?;
            } else {
                map.serialize_entry(key, value)?;
            }
        }
        if !has_shapes {
            map.serialize_entry("shapes", &self.shapes)?;
        }
        map.end()
    }
}

/// Checks one shape's structure (not its meaning: that is the generator's job).
fn check_shape(id: &str, shape: &Node) -> Result<()> {
    if !id.contains('#') {
        bail!("not an absolute shape id");
    }
    if shape.get("type").and_then(Node::as_str).is_none() {
        bail!("no \"type\"");
    }
    let check_target = |property: &str, node: &Node| -> Result<()> {
        match node.target() {
            Some(_) => Ok(()),
            None => bail!("{property} has no \"target\" string"),
        }
    };
    for property in SINGLE_REFERENCES.iter().chain(&SINGLE_MEMBERS) {
        if let Some(node) = shape.get(property) {
            check_target(property, node)?;
        }
    }
    for property in LIST_REFERENCES {
        if let Some(node) = shape.get(property) {
            let items = node
                .as_array()
                .with_context(|| format!("{property} is not an array"))?;
            for item in items {
                check_target(property, item)?;
            }
        }
    }
    for property in MAP_REFERENCES.iter().chain(&["members"]) {
        if let Some(node) = shape.get(property) {
            let entries = node
                .as_object()
                .with_context(|| format!("{property} is not an object"))?;
            for (name, entry) in entries {
                check_target(&format!("{property} {name}"), entry)?;
            }
        }
    }
    for (name, member) in shape_members(shape) {
        if member
            .get("traits")
            .is_some_and(|traits| traits.as_object().is_none())
        {
            bail!("member {name}: \"traits\" is not an object");
        }
    }
    if shape
        .get("traits")
        .is_some_and(|traits| traits.as_object().is_none())
    {
        bail!("\"traits\" is not an object");
    }
    Ok(())
}

/// A shape's `type`.
fn shape_kind(shape: &Node) -> &str {
    shape.get("type").and_then(Node::as_str).unwrap_or_default()
}

/// The traits of a shape or member, in file order.
fn traits_of(node: &Node) -> impl Iterator<Item = (&str, &Node)> {
    node.get("traits")
        .and_then(Node::as_object)
        .into_iter()
        .flatten()
        .map(|(id, value)| (id.as_str(), value))
}

/// A shape's members by name: the entries of `members`, and a list's `member` or a map's `key`
/// and `value` under those names.
fn shape_members(shape: &Node) -> Vec<(&str, &Node)> {
    let mut members: Vec<(&str, &Node)> = shape
        .get("members")
        .and_then(Node::as_object)
        .into_iter()
        .flatten()
        .map(|(name, member)| (name.as_str(), member))
        .collect();
    for name in SINGLE_MEMBERS {
        if let Some(member) = shape.get(name) {
            members.push((name, member));
        }
    }
    members
}

/// The targets of a list-of-references property (`errors`, `mixins`, ...).
fn targets_of<'a>(shape: &'a Node, property: &str) -> Vec<&'a str> {
    shape
        .get(property)
        .and_then(Node::as_array)
        .into_iter()
        .flatten()
        .filter_map(Node::target)
        .collect()
}

/// Whether a missing referenced shape is an error in the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// A structural reference (a target, input, error, mixin): the shape must exist.
    Required,
    /// A trait's own shape or an id inside a trait value: defined elsewhere (in a trait package
    /// such as `aws.api`) when not in the model.
    IfDefined,
}

/// A shape id that a shape refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Reference<'a> {
    /// The shape referred to.
    target: &'a str,
    /// Where the reference is, for messages: `input`, `member Name`, `trait ns#t`.
    via: String,
    /// Whether the target must exist.
    reach: Reach,
}

/// Every shape id `shape` refers to: its structural references, the traits applied to it and to
/// its members, and ids inside trait values (`@references` resources, and values the trait's own
/// definition in `model` marks `@idRef`).
fn references<'a>(model: &'a Model, shape: &'a Node) -> Vec<Reference<'a>> {
    let mut found = Vec::new();
    let structural = |target: &'a str, via: String| Reference {
        target,
        via,
        reach: Reach::Required,
    };
    for property in SINGLE_REFERENCES {
        if let Some(target) = shape.get(property).and_then(Node::target) {
            found.push(structural(target, property.to_owned()));
        }
    }
    for property in LIST_REFERENCES {
        for target in targets_of(shape, property) {
            found.push(structural(target, property.to_owned()));
        }
    }
    for property in MAP_REFERENCES {
        for (name, entry) in shape
            .get(property)
            .and_then(Node::as_object)
            .into_iter()
            .flatten()
        {
            if let Some(target) = entry.target() {
                found.push(structural(target, format!("{property} {name}")));
            }
        }
    }
    for (name, member) in shape_members(shape) {
        if let Some(target) = member.target() {
            found.push(structural(target, format!("member {name}")));
        }
        trait_references(model, member, &format!("member {name} "), &mut found);
    }
    trait_references(model, shape, "", &mut found);
    found
}

/// The traits applied to a shape or member, and the ids inside their values.
fn trait_references<'a>(
    model: &'a Model,
    node: &'a Node,
    via_prefix: &str,
    found: &mut Vec<Reference<'a>>,
) {
    for (trait_id, value) in traits_of(node) {
        let via = format!("{via_prefix}trait {trait_id}");
        found.push(Reference {
            target: trait_id,
            via: via.clone(),
            reach: Reach::IfDefined,
        });
        let mut ids = Vec::new();
        if trait_id == "smithy.api#references" {
            // The prelude's `@references` is not in any model file; its `resource` is an idRef.
            ids.extend(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|reference| reference.get("resource")?.as_str()),
            );
        } else {
            id_refs_in_value(model, value, trait_id, &mut ids);
        }
        found.extend(ids.into_iter().map(|target| Reference {
            target,
            via: via.clone(),
            reach: Reach::IfDefined,
        }));
    }
}

/// The strings in `value` that its schema (the shape `schema` of `model`, walked along the
/// value) marks `@idRef`. A schema outside `model` (the prelude, a trait package) has none that
/// this can see.
fn id_refs_in_value<'a>(model: &'a Model, value: &'a Node, schema: &str, ids: &mut Vec<&'a str>) {
    let Some(shape) = model.shape(schema) else {
        return;
    };
    if has_id_ref(shape) {
        ids.extend(value.as_str());
        return;
    }
    let member_value = |member: &'a Node, value: &'a Node, ids: &mut Vec<&'a str>| {
        if has_id_ref(member) {
            ids.extend(value.as_str());
        } else if let Some(target) = member.target() {
            id_refs_in_value(model, value, target, ids);
        }
    };
    match shape_kind(shape) {
        "structure" | "union" => {
            let members = shape.get("members");
            for (name, field) in value.as_object().into_iter().flatten() {
                if let Some(member) = members.and_then(|members| members.get(name)) {
                    member_value(member, field, ids);
                }
            }
        }
        "list" | "set" => {
            if let Some(member) = shape.get("member") {
                for item in value.as_array().into_iter().flatten() {
                    member_value(member, item, ids);
                }
            }
        }
        "map" => {
            for (key, entry) in value.as_object().into_iter().flatten() {
                if shape.get("key").is_some_and(has_id_ref) {
                    ids.push(key);
                }
                if let Some(member) = shape.get("value") {
                    member_value(member, entry, ids);
                }
            }
        }
        _ => {}
    }
}

/// Whether a shape or member carries `@idRef`.
fn has_id_ref(node: &Node) -> bool {
    node.get("traits")
        .is_some_and(|traits| traits.get("smithy.api#idRef").is_some())
}

/// Removes the prose traits from a shape and its members. A `traits` object left empty by that
/// is removed too, as the model would have been written without it.
fn strip_prose(shape: &mut Node) {
    strip_prose_traits(shape);
    let Some(object) = shape.as_object_mut() else {
        return;
    };
    if let Some(members) = object.get_mut("members").and_then(Node::as_object_mut) {
        members.values_mut().for_each(strip_prose_traits);
    }
    for name in SINGLE_MEMBERS {
        if let Some(member) = object.get_mut(name) {
            strip_prose_traits(member);
        }
    }
}

/// Removes the prose traits of one shape or member (not of its members).
fn strip_prose_traits(node: &mut Node) {
    let Some(object) = node.as_object_mut() else {
        return;
    };
    let Some(traits) = object.get_mut("traits").and_then(Node::as_object_mut) else {
        return;
    };
    let before = traits.len();
    traits.retain(|id, _| !PROSE_TRAITS.contains(&id.as_str()));
    if traits.is_empty() && before > 0 {
        object.shift_remove("traits");
    }
}

#[cfg(test)]
mod tests {
    use super::{Model, Node, strip_prose};
    use crate::project_root;

    #[test]
    fn the_project_model_is_written_back_byte_for_byte() {
        let path = project_root().join("model").join("rekognition.json");
        let text = std::fs::read_to_string(&path).expect("model/rekognition.json");
        let model = Model::parse(&text).expect("the model loads");
        assert_eq!(model.to_text().expect("serializes"), text);
    }

    #[test]
    fn numbers_keep_their_digits_and_keys_their_order() {
        let text = r#"{"smithy": "2.0", "shapes": {"a#B": {"type": "long", "traits": {"z#t": {"max": 12345678901234567890123, "min": -0.50}, "a#t": 100.000}}}}"#;
        let model = Model::parse(text).expect("parses");
        let shape = model.shape("a#B").expect("the shape");
        assert_eq!(
            shape.to_string(),
            r#"{"type":"long","traits":{"z#t":{"max":12345678901234567890123,"min":-0.50},"a#t":100.000}}"#
        );
    }

    #[test]
    fn object_equality_ignores_key_order() {
        let a: Node = serde_json::from_str(r#"{"min": 1, "max": 2}"#).expect("JSON");
        let b: Node = serde_json::from_str(r#"{"max": 2, "min": 1}"#).expect("JSON");
        assert_eq!(a, b);
    }

    #[test]
    fn models_that_are_not_smithy_2_json_ast_are_refused() {
        let refused = [
            ("[]", "not a JSON object"),
            (r#"{"shapes": {}}"#, "no \"smithy\" version"),
            (
                r#"{"smithy": "1.0", "shapes": {}}"#,
                "Smithy version \"1.0\"",
            ),
            (
                r#"{"smithy": "2.0", "shapes": {"a#B": {"type": "list", "member": {}}}}"#,
                "shape a#B: member has no \"target\" string",
            ),
            (
                r#"{"smithy": "2.0", "shapes": {"B": {"type": "string"}}}"#,
                "not an absolute",
            ),
        ];
        for (text, expected) in refused {
            let error = format!("{:#}", Model::parse(text).expect_err(text));
            assert!(error.contains(expected), "{text}: {error}");
        }
    }

    #[test]
    fn prose_traits_go_from_the_shape_and_its_members() {
        let mut shape: Node = serde_json::from_str(
            r#"{"type": "structure", "members": {"A": {"target": "a#T", "traits": {"smithy.api#documentation": "x"}}, "B": {"target": "a#T", "traits": {"smithy.api#required": {}, "smithy.api#documentation": "y"}}}, "traits": {"smithy.api#examples": [], "smithy.api#externalDocumentation": {}}}"#,
        )
        .expect("JSON");
        strip_prose(&mut shape);
        assert_eq!(
            shape.to_string(),
            r#"{"type":"structure","members":{"A":{"target":"a#T"},"B":{"target":"a#T","traits":{"smithy.api#required":{}}}}}"#
        );
    }
}
