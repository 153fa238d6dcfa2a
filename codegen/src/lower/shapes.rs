//! Lowers one shape and its members: the shape's kind, each member's effective traits (the
//! member's own over its target's), field and variant names, and the boxes that break cycles.

use crate::smithy::{ShapeType, traits};
use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{Lowering, UNIT, docs};
use crate::docs::html_to_markdown;
use crate::error::{Error, Result};
use crate::ir::{EnumValue, IntEnumValue, Kind, Member, Protocol, Shape, Simple, TimestampFormat};
use crate::load::{AstMember, AstShape};
use crate::naming::{self, Namespace};

/// A member's traits: its own, falling back to its target's.
pub(super) struct Effective<'a> {
    member: &'a BTreeMap<String, Value>,
    target: &'a BTreeMap<String, Value>,
}

impl Effective<'_> {
    pub(super) fn get(&self, trait_id: &str) -> Option<&Value> {
        self.member
            .get(trait_id)
            .or_else(|| self.target.get(trait_id))
    }
}

impl Lowering<'_> {
    pub(super) fn shape(&self, id: &str, in_input: bool) -> Result<Shape> {
        let ast = &self.shapes[id];
        let unsupported = |reason: &str| Error::Unsupported {
            shape: id.to_owned(),
            reason: reason.to_owned(),
        };
        let kind = match ast.kind {
            ShapeType::Structure if ast.traits.contains_key(traits::UNIT_TYPE) => Kind::Unit,
            ShapeType::String if ast.traits.contains_key(traits::ENUM) => {
                Kind::Enum(legacy_enum(id, &ast.traits)?)
            }
            ShapeType::Enum => Kind::Enum(self.enum_values(id, ast)?),
            ShapeType::IntEnum => Kind::IntEnum(self.int_enum_values(id, ast)?),
            ShapeType::List | ShapeType::Set => {
                let member = ast
                    .member
                    .as_ref()
                    .ok_or_else(|| unsupported("a list without a member"))?;
                Kind::List {
                    member: Box::new(self.member(id, "member", member, in_input)?),
                    sparse: ast.traits.contains_key(traits::SPARSE),
                    unique: ast.kind == ShapeType::Set
                        || ast.traits.contains_key(traits::UNIQUE_ITEMS),
                }
            }
            ShapeType::Map => {
                let (Some(key), Some(value)) = (&ast.key, &ast.value) else {
                    return Err(unsupported("a map needs a key and a value"));
                };
                let key = self.member(id, "key", key, in_input)?;
                let key_kind = &self.shapes[&key.target];
                let string_key =
                    key_kind.kind == ShapeType::String || key_kind.kind == ShapeType::Enum;
                if !string_key {
                    return Err(unsupported(&format!(
                        "map keys must be strings, not {}",
                        key_kind.kind
                    )));
                }
                Kind::Map {
                    key: Box::new(key),
                    value: Box::new(self.member(id, "value", value, in_input)?),
                    sparse: ast.traits.contains_key(traits::SPARSE),
                }
            }
            ShapeType::Structure | ShapeType::Union => self.aggregate(id, ast, in_input)?,
            other => match simple(other) {
                Some(simple) => Kind::Simple(simple),
                None => {
                    return Err(unsupported(&format!(
                        "a {other} cannot be a member's target"
                    )));
                }
            },
        };
        let collection = matches!(kind, Kind::List { .. } | Kind::Map { .. });
        if let Some(unit) = kind
            .members()
            .into_iter()
            .find(|m| collection && m.target == UNIT)
        {
            return Err(unsupported(&format!(
                "member {} targets smithy.api#Unit, which only unions allow",
                unit.name
            )));
        }
        Ok(Shape {
            id: id.to_owned(),
            name: naming::type_name(&self.shape_name(id)),
            functions: Default::default(),
            docs: docs(&ast.traits),
            kind,
            sensitive: ast.traits.contains_key(traits::SENSITIVE),
            error: None,
            http: None,
        })
    }

    fn aggregate(&self, id: &str, ast: &AstShape, in_input: bool) -> Result<Kind> {
        let is_union = ast.kind == ShapeType::Union;
        let mut names = Namespace::default();
        let mut members = Vec::new();
        for (name, member) in &ast.members {
            let mut lowered = self.member(id, name, member, in_input)?;
            if lowered.target == UNIT && !is_union {
                return Err(Error::Unsupported {
                    shape: id.to_owned(),
                    reason: format!(
                        "member {name} targets smithy.api#Unit, which only unions allow"
                    ),
                });
            }
            let wanted = if is_union {
                naming::variant_name(name)
            } else {
                lowered.rust_name.clone()
            };
            lowered.rust_name = names.allocate(&[wanted], name);
            members.push(lowered);
        }
        if !is_union {
            return Ok(Kind::Structure(members));
        }
        if members.is_empty() {
            return Err(Error::Unsupported {
                shape: id.to_owned(),
                reason: "a union needs at least one member".into(),
            });
        }
        Ok(Kind::Union(members))
    }

    pub(super) fn enum_values(&self, id: &str, ast: &AstShape) -> Result<Vec<EnumValue>> {
        let mut names = Namespace::default();
        let mut values = Vec::new();
        for (name, member) in &ast.members {
            let value = match member.traits.get(traits::ENUM_VALUE) {
                Some(Value::String(value)) => value.clone(),
                Some(_) => {
                    return Err(Error::Unsupported {
                        shape: format!("{id}${name}"),
                        reason: "an enum value must be a string".into(),
                    });
                }
                None => name.clone(),
            };
            values.push(EnumValue {
                variant: names.allocate(&[naming::variant_name(name)], name),
                value,
                internal: member.traits.contains_key(traits::INTERNAL),
                docs: docs(&member.traits),
            });
        }
        Ok(values)
    }

    pub(super) fn int_enum_values(&self, id: &str, ast: &AstShape) -> Result<Vec<IntEnumValue>> {
        let mut names = Namespace::default();
        let mut values = Vec::new();
        for (name, member) in &ast.members {
            let value = member
                .traits
                .get(traits::ENUM_VALUE)
                .and_then(Value::as_i64)
                .and_then(|v| i32::try_from(v).ok())
                .ok_or_else(|| Error::Unsupported {
                    shape: format!("{id}${name}"),
                    reason: "an intEnum value must be a 32-bit integer".into(),
                })?;
            values.push(IntEnumValue {
                variant: names.allocate(&[naming::variant_name(name)], name),
                value,
                docs: docs(&member.traits),
            });
        }
        Ok(values)
    }

    pub(super) fn member(
        &self,
        owner: &str,
        name: &str,
        member: &AstMember,
        in_input: bool,
    ) -> Result<Member> {
        let member_id = format!("{owner}${name}");
        let target = self.get(&member_id, &member.target)?;
        let effective = Effective {
            member: &member.traits,
            target: &target.traits,
        };
        let is_unit = member.target == UNIT;
        let required = member.traits.contains_key(traits::REQUIRED) && !is_unit;
        let timestamp_format = match effective.get(traits::TIMESTAMP_FORMAT) {
            None => TimestampFormat::EpochSeconds,
            Some(format) => timestamp_format(&member_id, format)?,
        };
        let default = match member.traits.get(traits::DEFAULT) {
            Some(Value::Null) => None,
            _ if is_unit => None,
            Some(value) => Some(self.default_value(&member_id, &member.target, target, value)?),
            None => None,
        };
        let constraints = if in_input {
            self.constraints(&member_id, target, &effective)?
        } else {
            Default::default()
        };
        let mut member_docs = docs(&member.traits);
        let constraint_docs = self.constraint_docs(&member.target, target, &effective, required)?;
        if !constraint_docs.is_empty() {
            if !member_docs.is_empty() {
                member_docs.push(String::new());
            }
            member_docs.push(constraint_docs);
        }
        let key = match (self.protocol, member.traits.get(traits::JSON_NAME)) {
            (Protocol::RestJson1, Some(Value::String(json_name))) => json_name.clone(),
            _ => name.to_owned(),
        };
        Ok(Member {
            name: name.to_owned(),
            key,
            rust_name: naming::field_name(name),
            target: member.target.clone(),
            required,
            default,
            constraints,
            timestamp_format,
            sensitive: member.traits.contains_key(traits::SENSITIVE)
                || target.traits.contains_key(traits::SENSITIVE),
            boxed: false,
            shown_in_messages: false,
            docs: member_docs,
        })
    }
}

/// The format a `@timestampFormat` value names.
pub(super) fn timestamp_format(member_id: &str, value: &Value) -> Result<TimestampFormat> {
    match value.as_str() {
        Some("epoch-seconds") => Ok(TimestampFormat::EpochSeconds),
        Some("date-time") => Ok(TimestampFormat::DateTime),
        Some("http-date") => Ok(TimestampFormat::HttpDate),
        _ => Err(Error::Unsupported {
            shape: member_id.to_owned(),
            reason: format!("unknown @timestampFormat {value}"),
        }),
    }
}

/// The type of a shape without members.
pub(super) fn simple(kind: ShapeType) -> Option<Simple> {
    Some(match kind {
        ShapeType::Blob => Simple::Blob,
        ShapeType::Boolean => Simple::Boolean,
        ShapeType::String => Simple::String,
        ShapeType::Byte => Simple::Byte,
        ShapeType::Short => Simple::Short,
        ShapeType::Integer => Simple::Integer,
        ShapeType::Long => Simple::Long,
        ShapeType::Float => Simple::Float,
        ShapeType::Double => Simple::Double,
        ShapeType::BigInteger => Simple::BigInteger,
        ShapeType::BigDecimal => Simple::BigDecimal,
        ShapeType::Timestamp => Simple::Timestamp,
        ShapeType::Document => Simple::Document,
        _ => return None,
    })
}

/// A Smithy 1.0 string with the `@enum` trait.
pub(super) fn legacy_enum(id: &str, traits: &BTreeMap<String, Value>) -> Result<Vec<EnumValue>> {
    let entries = traits
        .get(traits::ENUM)
        .and_then(Value::as_array)
        .ok_or_else(|| Error::Unsupported {
            shape: id.to_owned(),
            reason: "the @enum trait must be a list".into(),
        })?;
    let mut names = Namespace::default();
    let mut values = Vec::new();
    for entry in entries {
        let value =
            entry
                .get("value")
                .and_then(Value::as_str)
                .ok_or_else(|| Error::Unsupported {
                    shape: id.to_owned(),
                    reason: "an @enum entry needs a string value".into(),
                })?;
        let name = entry.get("name").and_then(Value::as_str).unwrap_or(value);
        let tags = entry.get("tags").and_then(Value::as_array);
        values.push(EnumValue {
            variant: names.allocate(&[naming::variant_name(name)], value),
            value: value.to_owned(),
            internal: tags.is_some_and(|tags| tags.iter().any(|t| t == "internal")),
            docs: entry
                .get("documentation")
                .and_then(Value::as_str)
                .map(html_to_markdown)
                .unwrap_or_default(),
        });
    }
    Ok(values)
}

/// Boxes every structure or union member whose target can reach back to its owner without
/// passing through a list or map (which already give indirection).
pub(super) fn mark_boxes(shapes: &mut BTreeMap<String, Shape>) {
    let direct = |shapes: &BTreeMap<String, Shape>, id: &str| -> Vec<String> {
        match shapes.get(id).map(|s| &s.kind) {
            Some(Kind::Structure(members) | Kind::Union(members)) => members
                .iter()
                .filter(|m| {
                    matches!(
                        shapes.get(&m.target).map(|s| &s.kind),
                        Some(Kind::Structure(_) | Kind::Union(_))
                    )
                })
                .map(|m| m.target.clone())
                .collect(),
            _ => Vec::new(),
        }
    };
    let ids: Vec<String> = shapes.keys().cloned().collect();
    for id in ids {
        let mut cyclic = BTreeSet::new();
        for target in direct(shapes, &id) {
            let mut seen = BTreeSet::new();
            let mut stack = vec![target.clone()];
            while let Some(next) = stack.pop() {
                if next == id {
                    cyclic.insert(target.clone());
                    break;
                }
                if seen.insert(next.clone()) {
                    stack.extend(direct(shapes, &next));
                }
            }
        }
        if let Some(Kind::Structure(members) | Kind::Union(members)) =
            shapes.get_mut(&id).map(|s| &mut s.kind)
        {
            for member in members {
                member.boxed = cyclic.contains(&member.target);
            }
        }
    }
}

/// Marks the members whose values an AWS-dialect message can print: scalars, enums, and lists
/// and maps of them.
pub(super) fn mark_shown_in_messages(shapes: &mut BTreeMap<String, Shape>) {
    fn printable(shapes: &BTreeMap<String, Shape>, id: &str) -> bool {
        match shapes.get(id).map(|s| &s.kind) {
            Some(Kind::Simple(_) | Kind::Enum(_) | Kind::IntEnum(_)) => true,
            Some(Kind::List { member, .. }) => printable(shapes, &member.target),
            Some(Kind::Map { value, .. }) => printable(shapes, &value.target),
            Some(Kind::Structure(_) | Kind::Union(_) | Kind::Unit) | None => false,
        }
    }
    let shown: BTreeSet<String> = shapes
        .keys()
        .filter(|id| printable(shapes, id))
        .cloned()
        .collect();
    for shape in shapes.values_mut() {
        let members: Vec<&mut Member> = match &mut shape.kind {
            Kind::Structure(members) | Kind::Union(members) => members.iter_mut().collect(),
            Kind::List { member, .. } => vec![member.as_mut()],
            Kind::Map { key, value, .. } => vec![key.as_mut(), value.as_mut()],
            Kind::Simple(_) | Kind::Enum(_) | Kind::IntEnum(_) | Kind::Unit => Vec::new(),
        };
        for member in members {
            member.shown_in_messages = shown.contains(&member.target);
        }
    }
}
