//! Stage 1, load: serde types mirroring the Smithy JSON AST of a model the IDL loader has read,
//! plus the prelude's value shapes that models target without defining.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use crate::error::Result;
use crate::smithy::ShapeType;

/// A whole model.
#[derive(Debug, Deserialize)]
pub struct Ast {
    /// Shapes by absolute id.
    #[serde(default)]
    pub shapes: BTreeMap<String, AstShape>,
}

/// A shape reference: `{"target": "ns#Name"}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Target {
    /// The absolute shape id.
    pub target: String,
}

/// A member of a structure, union, enum, list or map.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AstMember {
    /// The shape it targets.
    pub target: String,
    /// Traits applied to the member.
    #[serde(default)]
    pub traits: BTreeMap<String, Value>,
}

/// One shape, of any type; fields a type does not use stay empty.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AstShape {
    /// The shape type.
    #[serde(rename = "type")]
    pub kind: ShapeType,
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

impl AstShape {
    /// A shape of no type's fields: no traits, members or properties (of type `apply`).
    pub fn empty() -> Self {
        Self {
            kind: ShapeType::Apply,
            traits: BTreeMap::new(),
            members: IndexMap::new(),
            member: None,
            key: None,
            value: None,
            mixins: Vec::new(),
            input: None,
            output: None,
            errors: Vec::new(),
            operations: Vec::new(),
            collection_operations: Vec::new(),
            resources: Vec::new(),
            create: None,
            put: None,
            read: None,
            update: None,
            delete: None,
            list: None,
            version: None,
            rename: BTreeMap::new(),
        }
    }
}

/// The shapes of a model loaded by the IDL loader (`smithy-idl`, which reads IDL and JSON AST
/// files alike and upgrades Smithy 1.0 to 2.0), with the prelude's value shapes it leaves out.
pub fn load(model: &serde_json::Value) -> Result<BTreeMap<String, AstShape>> {
    let ast = Ast::deserialize(model)?;
    let mut shapes = ast.shapes;
    for (id, shape) in smithy_idl::prelude_value_shapes() {
        if let Entry::Vacant(entry) = shapes.entry(id) {
            entry.insert(serde_json::from_value(shape)?);
        }
    }
    Ok(shapes)
}
