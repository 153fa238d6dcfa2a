//! Stage 1, load: serde types mirroring the Smithy JSON AST, plus the prelude shapes models
//! refer to without defining.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result};

/// A whole model file.
#[derive(Debug, Deserialize)]
pub struct Ast {
    /// The Smithy version: `1.0`, `2`, or `2.0`.
    pub smithy: String,
    /// Shapes by absolute id.
    #[serde(default)]
    pub shapes: BTreeMap<String, AstShape>,
}

/// A shape reference: `{"target": "ns#Name"}`.
#[derive(Debug, Clone, Deserialize)]
pub struct Target {
    /// The absolute shape id.
    pub target: String,
}

/// A member of a structure, union, enum, list or map.
#[derive(Debug, Clone, Deserialize)]
pub struct AstMember {
    /// The shape it targets.
    pub target: String,
    /// Traits applied to the member.
    #[serde(default)]
    pub traits: BTreeMap<String, Value>,
}

/// One shape, of any type; fields a type does not use stay empty.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AstShape {
    /// The shape type (`structure`, `string`, `apply`, ...).
    #[serde(rename = "type")]
    pub kind: String,
    /// Traits by absolute id.
    #[serde(default)]
    pub traits: BTreeMap<String, Value>,
    /// Members, in model order.
    #[serde(default)]
    pub members: IndexMap<String, AstMember>,
    /// A list's or set's member.
    pub member: Option<AstMember>,
    /// A map's key.
    pub key: Option<AstMember>,
    /// A map's value.
    pub value: Option<AstMember>,
    /// Mixins, in order.
    #[serde(default)]
    pub mixins: Vec<Target>,
    /// An operation's input.
    pub input: Option<Target>,
    /// An operation's output.
    pub output: Option<Target>,
    /// An operation's or service's errors.
    #[serde(default)]
    pub errors: Vec<Target>,
    /// A service's or resource's operations.
    #[serde(default)]
    pub operations: Vec<Target>,
    /// A resource's collection operations.
    #[serde(default)]
    pub collection_operations: Vec<Target>,
    /// A service's or resource's resources.
    #[serde(default)]
    pub resources: Vec<Target>,
    /// A resource's lifecycle operations.
    pub create: Option<Target>,
    /// A resource's lifecycle operations.
    pub put: Option<Target>,
    /// A resource's lifecycle operations.
    pub read: Option<Target>,
    /// A resource's lifecycle operations.
    pub update: Option<Target>,
    /// A resource's lifecycle operations.
    pub delete: Option<Target>,
    /// A resource's lifecycle operations.
    pub list: Option<Target>,
    /// A service's version.
    pub version: Option<String>,
    /// A service's renames: shape id to the name it takes in this service.
    #[serde(default)]
    pub rename: BTreeMap<String, String>,
}

/// The Smithy version a model is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmithyVersion {
    /// 1.0: primitives are non-null unless `@box`.
    V1,
    /// 2.0: `@default` decides.
    V2,
}

/// Parses a model and adds the prelude shapes it does not define itself.
pub fn load(json: &str) -> Result<(SmithyVersion, BTreeMap<String, AstShape>)> {
    let ast: Ast = serde_json::from_str(json)?;
    let version = match ast.smithy.as_str() {
        "1" | "1.0" => SmithyVersion::V1,
        "2" | "2.0" => SmithyVersion::V2,
        other => return Err(Error::Version(other.to_owned())),
    };
    let mut shapes = ast.shapes;
    for (id, shape) in prelude() {
        shapes.entry(id).or_insert(shape);
    }
    Ok((version, shapes))
}

fn simple(kind: &str, traits: &[(&str, Value)]) -> AstShape {
    AstShape {
        kind: kind.to_owned(),
        traits: traits
            .iter()
            .map(|(id, value)| ((*id).to_owned(), value.clone()))
            .collect(),
        ..AstShape::default()
    }
}

fn member(target: &str, required: bool) -> AstMember {
    let mut traits = BTreeMap::new();
    if required {
        traits.insert(
            "smithy.api#required".to_owned(),
            Value::Object(Default::default()),
        );
    }
    AstMember {
        target: target.to_owned(),
        traits,
    }
}

fn structure(members: &[(&str, AstMember)], traits: &[(&str, Value)]) -> AstShape {
    AstShape {
        members: members
            .iter()
            .map(|(name, member)| ((*name).to_owned(), member.clone()))
            .collect(),
        ..simple("structure", traits)
    }
}

/// `smithy.api` prelude shapes, and the `smithy.framework` validation shapes.
fn prelude() -> Vec<(String, AstShape)> {
    let boxed = [("smithy.api#box", Value::Object(Default::default()))];
    let mut shapes: Vec<(String, AstShape)> = [
        ("String", simple("string", &[])),
        ("Blob", simple("blob", &[])),
        ("BigInteger", simple("bigInteger", &[])),
        ("BigDecimal", simple("bigDecimal", &[])),
        ("Timestamp", simple("timestamp", &[])),
        ("Document", simple("document", &[])),
        ("Boolean", simple("boolean", &boxed)),
        ("Byte", simple("byte", &boxed)),
        ("Short", simple("short", &boxed)),
        ("Integer", simple("integer", &boxed)),
        ("Long", simple("long", &boxed)),
        ("Float", simple("float", &boxed)),
        ("Double", simple("double", &boxed)),
        (
            "PrimitiveBoolean",
            simple("boolean", &[("smithy.api#default", Value::Bool(false))]),
        ),
        (
            "Unit",
            structure(
                &[],
                &[("smithy.api#unitType", Value::Object(Default::default()))],
            ),
        ),
        (
            "PrimitiveByte",
            simple("byte", &[("smithy.api#default", Value::from(0))]),
        ),
        (
            "PrimitiveShort",
            simple("short", &[("smithy.api#default", Value::from(0))]),
        ),
        (
            "PrimitiveInteger",
            simple("integer", &[("smithy.api#default", Value::from(0))]),
        ),
        (
            "PrimitiveLong",
            simple("long", &[("smithy.api#default", Value::from(0))]),
        ),
        (
            "PrimitiveFloat",
            simple("float", &[("smithy.api#default", Value::from(0))]),
        ),
        (
            "PrimitiveDouble",
            simple("double", &[("smithy.api#default", Value::from(0))]),
        ),
    ]
    .into_iter()
    .map(|(name, shape)| (format!("smithy.api#{name}"), shape))
    .collect();
    let field_list = AstShape {
        member: Some(member("smithy.framework#ValidationExceptionField", false)),
        ..simple("list", &[])
    };
    shapes.extend([
        (
            "smithy.framework#ValidationException".to_owned(),
            structure(
                &[
                    ("message", member("smithy.api#String", true)),
                    (
                        "fieldList",
                        member("smithy.framework#ValidationExceptionFieldList", false),
                    ),
                ],
                &[("smithy.api#error", Value::from("client"))],
            ),
        ),
        (
            "smithy.framework#ValidationExceptionFieldList".to_owned(),
            field_list,
        ),
        (
            "smithy.framework#ValidationExceptionField".to_owned(),
            structure(
                &[
                    ("path", member("smithy.api#String", true)),
                    ("message", member("smithy.api#String", true)),
                ],
                &[],
            ),
        ),
    ]);
    shapes
}
