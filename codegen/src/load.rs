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

fn simple(kind: &str, traits: Value) -> AstShape {
    let json = serde_json::json!({ "type": kind, "traits": traits });
    // The prelude is written here and is always well formed.
    serde_json::from_value(json).unwrap_or_default()
}

/// `smithy.api` prelude shapes, and the `smithy.framework` validation shapes.
fn prelude() -> Vec<(String, AstShape)> {
    let none = serde_json::json!({});
    let boxed = serde_json::json!({ "smithy.api#box": {} });
    let mut out = vec![
        ("String", simple("string", none.clone())),
        ("Blob", simple("blob", none.clone())),
        ("BigInteger", simple("bigInteger", none.clone())),
        ("BigDecimal", simple("bigDecimal", none.clone())),
        ("Timestamp", simple("timestamp", none.clone())),
        ("Document", simple("document", none.clone())),
        ("Boolean", simple("boolean", boxed.clone())),
        ("Byte", simple("byte", boxed.clone())),
        ("Short", simple("short", boxed.clone())),
        ("Integer", simple("integer", boxed.clone())),
        ("Long", simple("long", boxed.clone())),
        ("Float", simple("float", boxed.clone())),
        ("Double", simple("double", boxed)),
        (
            "PrimitiveBoolean",
            simple(
                "boolean",
                serde_json::json!({ "smithy.api#default": false }),
            ),
        ),
        (
            "Unit",
            simple(
                "structure",
                serde_json::json!({ "smithy.api#unitType": {} }),
            ),
        ),
    ];
    for (name, kind) in [
        ("PrimitiveByte", "byte"),
        ("PrimitiveShort", "short"),
        ("PrimitiveInteger", "integer"),
        ("PrimitiveLong", "long"),
        ("PrimitiveFloat", "float"),
        ("PrimitiveDouble", "double"),
    ] {
        out.push((
            name,
            simple(kind, serde_json::json!({ "smithy.api#default": 0 })),
        ));
    }
    let mut shapes: Vec<(String, AstShape)> = out
        .into_iter()
        .map(|(name, shape)| (format!("smithy.api#{name}"), shape))
        .collect();
    let framework: Value = serde_json::json!({
        "smithy.framework#ValidationException": {
            "type": "structure",
            "members": {
                "message": { "target": "smithy.api#String", "traits": { "smithy.api#required": {} } },
                "fieldList": { "target": "smithy.framework#ValidationExceptionFieldList" }
            },
            "traits": { "smithy.api#error": "client" }
        },
        "smithy.framework#ValidationExceptionFieldList": {
            "type": "list",
            "member": { "target": "smithy.framework#ValidationExceptionField" }
        },
        "smithy.framework#ValidationExceptionField": {
            "type": "structure",
            "members": {
                "path": { "target": "smithy.api#String", "traits": { "smithy.api#required": {} } },
                "message": { "target": "smithy.api#String", "traits": { "smithy.api#required": {} } }
            }
        }
    });
    if let Ok(framework) = serde_json::from_value::<BTreeMap<String, AstShape>>(framework) {
        shapes.extend(framework);
    }
    shapes
}
