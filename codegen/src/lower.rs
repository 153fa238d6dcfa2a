//! Stage 2, lower: resolves a loaded model into the IR for one service. Applies `apply`
//! statements and mixins, merges member traits over target traits, finds what each operation
//! reaches, breaks cycles with boxes, translates patterns, decides every Rust name, and rejects
//! what the generator cannot support, naming the shape.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde_json::Value;

use crate::docs::html_to_markdown;
use crate::error::{Error, Result};
use crate::ir::{
    Dialect, EnumValue, ErrorInfo, IntEnumValue, Kind, Member, Operation, Protocol, Service, Shape,
    Simple, TimestampFormat,
};
use crate::load::{AstMember, AstShape, SmithyVersion};
use crate::naming;
use crate::pattern;

const VALIDATION_EXCEPTION: &str = "smithy.framework#ValidationException";
const UNIT: &str = "smithy.api#Unit";

/// What to lower.
#[derive(Debug, Clone, Default)]
pub struct LowerOptions {
    /// The service shape id; `None` picks the model's only awsJson service.
    pub service: Option<String>,
    /// Treat the service as speaking this protocol whatever its traits say (for test suites
    /// whose validation cases are written for another protocol).
    pub protocol_override: Option<Protocol>,
}

type Shapes = BTreeMap<String, AstShape>;

/// Lowers a loaded model.
pub fn lower(
    version: SmithyVersion,
    mut shapes: Shapes,
    options: &LowerOptions,
) -> Result<Service> {
    apply_statements(&mut shapes)?;
    flatten_mixins(&mut shapes)?;
    let service_id = pick_service(&shapes, options)?;
    Lowering {
        version,
        shapes: &shapes,
        renames: &shapes[&service_id].rename,
    }
    .service(&service_id, options)
}

fn apply_statements(shapes: &mut Shapes) -> Result<()> {
    let applies: Vec<(String, AstShape)> = shapes
        .iter()
        .filter(|(_, shape)| shape.kind == "apply")
        .map(|(id, shape)| (id.clone(), shape.clone()))
        .collect();
    for (id, apply) in applies {
        shapes.remove(&id);
        let (shape_id, member) = match id.split_once('$') {
            Some((shape, member)) => (shape.to_owned(), Some(member.to_owned())),
            None => (id.clone(), None),
        };
        let Some(shape) = shapes.get_mut(&shape_id) else {
            // Applying traits to a shape that is not in this model (a prelude shape, say)
            // changes nothing the generator emits.
            continue;
        };
        let traits = match member {
            None => &mut shape.traits,
            Some(member) => match find_member_mut(shape, &member) {
                Some(found) => &mut found.traits,
                None => continue,
            },
        };
        traits.extend(apply.traits);
    }
    Ok(())
}

fn find_member_mut<'a>(shape: &'a mut AstShape, name: &str) -> Option<&'a mut AstMember> {
    match name {
        "member" if shape.member.is_some() => shape.member.as_mut(),
        "key" if shape.key.is_some() => shape.key.as_mut(),
        "value" if shape.value.is_some() => shape.value.as_mut(),
        _ => shape.members.get_mut(name),
    }
}

fn flatten_mixins(shapes: &mut Shapes) -> Result<()> {
    let ids: Vec<String> = shapes
        .iter()
        .filter(|(_, s)| !s.mixins.is_empty())
        .map(|(id, _)| id.clone())
        .collect();
    let mut done = BTreeSet::new();
    for id in ids {
        flatten_one(shapes, &id, &mut done, &mut Vec::new())?;
    }
    Ok(())
}

fn flatten_one(
    shapes: &mut Shapes,
    id: &str,
    done: &mut BTreeSet<String>,
    stack: &mut Vec<String>,
) -> Result<()> {
    if done.contains(id) {
        return Ok(());
    }
    if stack.iter().any(|s| s == id) {
        return Err(Error::Unsupported {
            shape: id.to_owned(),
            reason: "mixins form a cycle".into(),
        });
    }
    stack.push(id.to_owned());
    let mixins: Vec<String> = shapes
        .get(id)
        .map(|s| s.mixins.iter().map(|m| m.target.clone()).collect())
        .unwrap_or_default();
    for mixin in &mixins {
        if !shapes.contains_key(mixin) {
            return Err(Error::MissingShape {
                shape: id.to_owned(),
                target: mixin.clone(),
            });
        }
        flatten_one(shapes, mixin, done, stack)?;
    }
    stack.pop();
    let mut members = indexmap::IndexMap::new();
    let mut traits = BTreeMap::new();
    for mixin in &mixins {
        let source = &shapes[mixin];
        for (name, member) in &source.members {
            members.insert(name.clone(), member.clone());
        }
        for (name, value) in &source.traits {
            if name != "smithy.api#mixin" {
                traits.insert(name.clone(), value.clone());
            }
        }
    }
    if let Some(shape) = shapes.get_mut(id) {
        for (name, member) in std::mem::take(&mut shape.members) {
            match members.get_mut(&name) {
                // A redeclared mixin member keeps its place and adds its traits.
                Some(existing) => existing.traits.extend(member.traits),
                None => {
                    members.insert(name, member);
                }
            }
        }
        traits.extend(std::mem::take(&mut shape.traits));
        shape.members = members;
        shape.traits = traits;
        shape.mixins.clear();
    }
    done.insert(id.to_owned());
    Ok(())
}

fn pick_service(shapes: &Shapes, options: &LowerOptions) -> Result<String> {
    if let Some(id) = &options.service {
        return match shapes.get(id) {
            Some(shape) if shape.kind == "service" => Ok(id.clone()),
            Some(_) => Err(Error::Service(format!("{id} is not a service shape"))),
            None => Err(Error::Service(format!("the model has no shape {id}"))),
        };
    }
    let services: Vec<&String> = shapes
        .iter()
        .filter(|(_, s)| s.kind == "service")
        .map(|(id, _)| id)
        .collect();
    match services.as_slice() {
        [only] => Ok((*only).clone()),
        [] => Err(Error::Service("the model has no service shape".into())),
        many => Err(Error::Service(format!(
            "the model has {} services; name one of: {}",
            many.len(),
            many.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

struct Lowering<'a> {
    version: SmithyVersion,
    shapes: &'a Shapes,
    renames: &'a BTreeMap<String, String>,
}

impl Lowering<'_> {
    fn get(&self, from: &str, id: &str) -> Result<&AstShape> {
        self.shapes.get(id).ok_or_else(|| Error::MissingShape {
            shape: from.to_owned(),
            target: id.to_owned(),
        })
    }

    fn shape_name(&self, id: &str) -> String {
        self.renames
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.rsplit_once('#').map_or(id, |(_, name)| name).to_owned())
    }

    fn service(&self, id: &str, options: &LowerOptions) -> Result<Service> {
        let service = &self.shapes[id];
        let protocol = match options.protocol_override {
            Some(protocol) => protocol,
            None if service.traits.contains_key("aws.protocols#awsJson1_1") => Protocol::AwsJson1_1,
            None if service.traits.contains_key("aws.protocols#awsJson1_0") => Protocol::AwsJson1_0,
            None => {
                return Err(Error::Unsupported {
                    shape: id.to_owned(),
                    reason: "the service speaks neither awsJson1_0 nor awsJson1_1".into(),
                });
            }
        };
        let mut operation_ids = BTreeSet::new();
        for op in &service.operations {
            operation_ids.insert(op.target.clone());
        }
        let mut resources: VecDeque<String> =
            service.resources.iter().map(|r| r.target.clone()).collect();
        let mut seen_resources = BTreeSet::new();
        while let Some(resource_id) = resources.pop_front() {
            if !seen_resources.insert(resource_id.clone()) {
                continue;
            }
            let resource = self.get(id, &resource_id)?;
            let lifecycle = [
                &resource.create,
                &resource.put,
                &resource.read,
                &resource.update,
                &resource.delete,
                &resource.list,
            ];
            for target in lifecycle.into_iter().flatten() {
                operation_ids.insert(target.target.clone());
            }
            for target in resource
                .operations
                .iter()
                .chain(&resource.collection_operations)
            {
                operation_ids.insert(target.target.clone());
            }
            resources.extend(resource.resources.iter().map(|r| r.target.clone()));
        }

        let mut operations = Vec::new();
        let mut skipped = Vec::new();
        for op_id in &operation_ids {
            let op = self.get(id, op_id)?;
            if op.kind != "operation" {
                return Err(Error::Unsupported {
                    shape: op_id.clone(),
                    reason: format!("listed as an operation but is a {}", op.kind),
                });
            }
            let input = op
                .input
                .as_ref()
                .map(|t| t.target.clone())
                .filter(|t| t != UNIT);
            let output = op
                .output
                .as_ref()
                .map(|t| t.target.clone())
                .filter(|t| t != UNIT);
            if let Some(reason) = [&input, &output]
                .into_iter()
                .flatten()
                .find_map(|s| self.streaming_reason(s))
            {
                skipped.push(format!("{op_id}: {reason}"));
                continue;
            }
            let mut errors: BTreeSet<String> = op.errors.iter().map(|e| e.target.clone()).collect();
            errors.extend(service.errors.iter().map(|e| e.target.clone()));
            let name = self.shape_name(op_id);
            let type_name = naming::type_name(&name);
            operations.push(Operation {
                id: op_id.clone(),
                method: naming::field_name(&name),
                error_name: format!("{type_name}Error"),
                type_name,
                name,
                dialect: if errors.contains(VALIDATION_EXCEPTION) {
                    Dialect::Smithy
                } else {
                    Dialect::Aws
                },
                input,
                output,
                errors: errors.into_iter().collect(),
                docs: docs(&op.traits),
            });
        }
        operations.sort_by(|a, b| a.name.cmp(&b.name));

        let (in_input, in_output) = self.reachable(&operations)?;
        let all: BTreeSet<&String> = in_input.iter().chain(&in_output).collect();
        let mut shapes = BTreeMap::new();
        for shape_id in all {
            let shape = self.shape(
                shape_id,
                in_input.contains(shape_id),
                in_output.contains(shape_id),
            )?;
            shapes.insert(shape_id.clone(), shape);
        }
        self.mark_boxes(&mut shapes);
        check_names(&shapes, &operations)?;
        assign_function_stems(&mut shapes);
        let mut patterns: Vec<pattern::Translated> = shapes
            .values()
            .filter(|s| s.in_input)
            .flat_map(|s| members(&s.kind))
            .filter_map(|m| m.pattern.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        patterns.dedup_by(|a, b| a.source == b.source);

        let name = self.shape_name(id);
        Ok(Service {
            id: id.to_owned(),
            trait_name: naming::type_name(&name),
            name,
            protocol,
            docs: docs(&service.traits),
            operations,
            shapes,
            patterns,
            skipped,
            query_compatible: service
                .traits
                .contains_key("aws.protocols#awsQueryCompatible"),
        })
    }

    /// Why a structure cannot be served over awsJson, if it cannot (event streams).
    fn streaming_reason(&self, structure: &str) -> Option<String> {
        let shape = self.shapes.get(structure)?;
        shape.members.iter().find_map(|(name, member)| {
            let target = self.shapes.get(&member.target)?;
            target.traits.contains_key("smithy.api#streaming").then(|| {
                format!(
                    "member {name} is a stream ({}), which awsJson servers here do not support",
                    member.target
                )
            })
        })
    }

    /// The shapes reached from inputs, and from outputs and errors.
    fn reachable(&self, operations: &[Operation]) -> Result<(BTreeSet<String>, BTreeSet<String>)> {
        let inputs = operations.iter().filter_map(|op| op.input.clone());
        let outputs = operations
            .iter()
            .flat_map(|op| op.output.iter().chain(&op.errors).cloned());
        Ok((self.closure(inputs)?, self.closure(outputs)?))
    }

    fn closure(&self, roots: impl Iterator<Item = String>) -> Result<BTreeSet<String>> {
        let mut seen = BTreeSet::new();
        let mut queue: VecDeque<String> = roots.collect();
        while let Some(id) = queue.pop_front() {
            if id == UNIT || !seen.insert(id.clone()) {
                continue;
            }
            let shape = self.get(&id, &id)?;
            for member in shape
                .members
                .values()
                .chain(&shape.member)
                .chain(&shape.key)
                .chain(&shape.value)
            {
                if !self.shapes.contains_key(&member.target) {
                    return Err(Error::MissingShape {
                        shape: id.clone(),
                        target: member.target.clone(),
                    });
                }
                if shape.kind != "enum" && shape.kind != "intEnum" {
                    queue.push_back(member.target.clone());
                }
            }
        }
        Ok(seen)
    }

    fn shape(&self, id: &str, in_input: bool, in_output: bool) -> Result<Shape> {
        let ast = &self.shapes[id];
        let unsupported = |reason: &str| Error::Unsupported {
            shape: id.to_owned(),
            reason: reason.to_owned(),
        };
        let kind = match ast.kind.as_str() {
            "blob" => Kind::Simple(Simple::Blob),
            "boolean" => Kind::Simple(Simple::Boolean),
            "string" if ast.traits.contains_key("smithy.api#enum") => {
                Kind::Enum(legacy_enum(id, &ast.traits)?)
            }
            "string" => Kind::Simple(Simple::String),
            "byte" => Kind::Simple(Simple::Byte),
            "short" => Kind::Simple(Simple::Short),
            "integer" => Kind::Simple(Simple::Integer),
            "long" => Kind::Simple(Simple::Long),
            "float" => Kind::Simple(Simple::Float),
            "double" => Kind::Simple(Simple::Double),
            "bigInteger" => Kind::Simple(Simple::BigInteger),
            "bigDecimal" => Kind::Simple(Simple::BigDecimal),
            "timestamp" => Kind::Simple(Simple::Timestamp),
            "document" => Kind::Simple(Simple::Document),
            "enum" => Kind::Enum(self.enum_values(id, ast)?),
            "intEnum" => Kind::IntEnum(self.int_enum_values(id, ast)?),
            "list" | "set" => {
                let member = ast
                    .member
                    .as_ref()
                    .ok_or_else(|| unsupported("a list without a member"))?;
                Kind::List {
                    member: Box::new(self.member(id, "member", member, in_input)?),
                    sparse: ast.traits.contains_key("smithy.api#sparse"),
                    unique: ast.kind == "set" || ast.traits.contains_key("smithy.api#uniqueItems"),
                }
            }
            "map" => {
                let key = ast
                    .key
                    .as_ref()
                    .ok_or_else(|| unsupported("a map without a key"))?;
                let value = ast
                    .value
                    .as_ref()
                    .ok_or_else(|| unsupported("a map without a value"))?;
                let key = self.member(id, "key", key, in_input)?;
                let key_kind = &self.shapes[&key.target].kind;
                if key_kind != "string" && key_kind != "enum" {
                    return Err(unsupported(&format!(
                        "map keys must be strings, not {key_kind}"
                    )));
                }
                Kind::Map {
                    key: Box::new(key),
                    value: Box::new(self.member(id, "value", value, in_input)?),
                    sparse: ast.traits.contains_key("smithy.api#sparse"),
                }
            }
            "structure" | "union" => {
                let mut members = Vec::new();
                for (name, member) in &ast.members {
                    members.push(self.member(id, name, member, in_input)?);
                }
                let is_union = ast.kind == "union";
                dedupe_names(&mut members, is_union);
                if is_union {
                    if members.is_empty() {
                        return Err(unsupported("a union needs at least one member"));
                    }
                    Kind::Union(members)
                } else {
                    Kind::Structure(members)
                }
            }
            other => {
                return Err(unsupported(&format!(
                    "a {other} cannot be a member's target"
                )));
            }
        };
        let unit_member = match &kind {
            Kind::Structure(members) => members.iter().find(|m| m.target == UNIT),
            Kind::List { member, .. } => Some(member.as_ref()).filter(|m| m.target == UNIT),
            Kind::Map { key, value, .. } => [key.as_ref(), value.as_ref()]
                .into_iter()
                .find(|m| m.target == UNIT),
            _ => None,
        };
        if let Some(member) = unit_member {
            return Err(unsupported(&format!(
                "member {} targets smithy.api#Unit, which only unions allow",
                member.name
            )));
        }
        let error = match ast.traits.get("smithy.api#error").and_then(Value::as_str) {
            Some(fault) => {
                let server_fault = fault == "server";
                let status = ast
                    .traits
                    .get("smithy.api#httpError")
                    .and_then(Value::as_u64)
                    .and_then(|s| u16::try_from(s).ok())
                    .unwrap_or(if server_fault { 500 } else { 400 });
                Some(ErrorInfo {
                    server_fault,
                    status,
                })
            }
            None => None,
        };
        let name = naming::type_name(&self.shape_name(id));
        Ok(Shape {
            id: id.to_owned(),
            function_stem: naming::function_stem(&name),
            name,
            docs: docs(&ast.traits),
            kind,
            sensitive: ast.traits.contains_key("smithy.api#sensitive"),
            in_input,
            in_output,
            error,
            query_error: ast
                .traits
                .get("aws.protocols#awsQueryError")
                .and_then(|v| v.get("code"))
                .and_then(Value::as_str)
                .map(str::to_owned),
        })
    }

    fn enum_values(&self, id: &str, ast: &AstShape) -> Result<Vec<EnumValue>> {
        let mut values = Vec::new();
        for (name, member) in &ast.members {
            let value = match member.traits.get("smithy.api#enumValue") {
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
                variant: naming::variant_name(name),
                value,
                internal: member.traits.contains_key("smithy.api#internal"),
                docs: docs(&member.traits),
            });
        }
        dedupe_variants(values.iter_mut().map(|v| &mut v.variant));
        Ok(values)
    }

    fn int_enum_values(&self, id: &str, ast: &AstShape) -> Result<Vec<IntEnumValue>> {
        let mut values = Vec::new();
        for (name, member) in &ast.members {
            let value = member
                .traits
                .get("smithy.api#enumValue")
                .and_then(Value::as_i64)
                .and_then(|v| i32::try_from(v).ok())
                .ok_or_else(|| Error::Unsupported {
                    shape: format!("{id}${name}"),
                    reason: "an intEnum value must be a 32-bit integer".into(),
                })?;
            values.push(IntEnumValue {
                variant: naming::variant_name(name),
                value,
                docs: docs(&member.traits),
            });
        }
        dedupe_variants(values.iter_mut().map(|v| &mut v.variant));
        Ok(values)
    }

    fn member(
        &self,
        owner: &str,
        name: &str,
        member: &AstMember,
        in_input: bool,
    ) -> Result<Member> {
        let member_id = format!("{owner}${name}");
        let target = if member.target == UNIT {
            None
        } else {
            Some(self.get(&member_id, &member.target)?)
        };
        let empty = BTreeMap::new();
        let target_traits = target.map_or(&empty, |t| &t.traits);
        let effective = |trait_id: &str| {
            member
                .traits
                .get(trait_id)
                .or_else(|| target_traits.get(trait_id))
        };
        let length =
            effective("smithy.api#length").map(|v| (bound_u64(v, "min"), bound_u64(v, "max")));
        let range =
            effective("smithy.api#range").map(|v| (bound_text(v, "min"), bound_text(v, "max")));
        let pattern = match effective("smithy.api#pattern").and_then(Value::as_str) {
            Some(source) if in_input => {
                Some(pattern::translate(source).map_err(|reason| Error::Pattern {
                    shape: member_id.clone(),
                    pattern: source.to_owned(),
                    reason,
                })?)
            }
            _ => None,
        };
        let timestamp_format = match effective("smithy.api#timestampFormat").and_then(Value::as_str)
        {
            Some("date-time") => TimestampFormat::DateTime,
            Some("http-date") => TimestampFormat::HttpDate,
            _ => TimestampFormat::EpochSeconds,
        };
        let default = match member.traits.get("smithy.api#default") {
            Some(Value::Null) => None,
            Some(value) => Some(value.clone()),
            None => self.implicit_default(member, target),
        };
        let is_unit = member.target == UNIT;
        Ok(Member {
            name: name.to_owned(),
            rust_name: naming::field_name(name),
            target: member.target.clone(),
            required: member.traits.contains_key("smithy.api#required") && !is_unit,
            default: if is_unit { None } else { default },
            length,
            range,
            pattern,
            timestamp_format,
            sensitive: member.traits.contains_key("smithy.api#sensitive")
                || target_traits.contains_key("smithy.api#sensitive"),
            boxed: false,
            docs: docs(&member.traits),
        })
    }

    /// Smithy 1.0: numbers and booleans are non-null (zero, false) unless boxed.
    fn implicit_default(&self, member: &AstMember, target: Option<&AstShape>) -> Option<Value> {
        let target = target?;
        if self.version != SmithyVersion::V1
            || member.traits.contains_key("smithy.api#box")
            || target.traits.contains_key("smithy.api#box")
        {
            return None;
        }
        match target.kind.as_str() {
            "boolean" => Some(Value::Bool(false)),
            "byte" | "short" | "integer" | "long" | "float" | "double" => Some(Value::from(0)),
            _ => None,
        }
    }

    /// Boxes every structure or union member whose target can reach back to its owner without
    /// passing through a list or map (which already give indirection).
    fn mark_boxes(&self, shapes: &mut BTreeMap<String, Shape>) {
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
            let targets = direct(shapes, &id);
            let mut cyclic = BTreeSet::new();
            for target in targets {
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
}

/// The members a shape kind holds.
pub fn members(kind: &Kind) -> Vec<&Member> {
    match kind {
        Kind::Structure(members) | Kind::Union(members) => members.iter().collect(),
        Kind::List { member, .. } => vec![member],
        Kind::Map { key, value, .. } => vec![key, value],
        _ => Vec::new(),
    }
}

fn legacy_enum(id: &str, traits: &BTreeMap<String, Value>) -> Result<Vec<EnumValue>> {
    let entries = traits
        .get("smithy.api#enum")
        .and_then(Value::as_array)
        .ok_or_else(|| Error::Unsupported {
            shape: id.to_owned(),
            reason: "the @enum trait must be a list".into(),
        })?;
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
            variant: naming::variant_name(name),
            value: value.to_owned(),
            internal: tags.is_some_and(|tags| tags.iter().any(|t| t == "internal")),
            docs: entry
                .get("documentation")
                .and_then(Value::as_str)
                .map(html_to_markdown)
                .unwrap_or_default(),
        });
    }
    dedupe_variants(values.iter_mut().map(|v| &mut v.variant));
    Ok(values)
}

fn dedupe_variants<'a>(names: impl Iterator<Item = &'a mut String>) {
    let mut seen = BTreeSet::new();
    for name in names {
        let mut candidate = name.clone();
        let mut n = 2;
        while !seen.insert(candidate.clone()) {
            candidate = format!("{name}{n}");
            n += 1;
        }
        *name = candidate;
    }
}

fn dedupe_names(members: &mut [Member], variants: bool) {
    if variants {
        for member in members.iter_mut() {
            member.rust_name = naming::variant_name(&member.name);
        }
        dedupe_variants(members.iter_mut().map(|m| &mut m.rust_name));
    } else {
        let mut seen = BTreeSet::new();
        for member in members.iter_mut() {
            let mut candidate = member.rust_name.clone();
            let mut n = 2;
            while !seen.insert(candidate.clone()) {
                candidate = format!("{}_{n}", member.rust_name.trim_start_matches("r#"));
                n += 1;
            }
            member.rust_name = candidate;
        }
    }
}

/// Type names must be unique within their module (`model` or `error`), and operation marker
/// types and error enums must not clash either.
fn check_names(shapes: &BTreeMap<String, Shape>, operations: &[Operation]) -> Result<()> {
    let mut model: BTreeMap<String, String> = BTreeMap::new();
    let mut errors: BTreeMap<String, String> = BTreeMap::new();
    for shape in shapes.values() {
        let named = matches!(
            shape.kind,
            Kind::Structure(_) | Kind::Union(_) | Kind::Enum(_) | Kind::IntEnum(_)
        );
        if !named {
            continue;
        }
        let module = if shape.error.is_some() {
            &mut errors
        } else {
            &mut model
        };
        if let Some(first) = module.insert(shape.name.clone(), shape.id.clone()) {
            return Err(Error::NameCollision {
                first,
                second: shape.id.clone(),
                name: shape.name.clone(),
            });
        }
    }
    let mut types = BTreeMap::new();
    for op in operations {
        for (name, id) in [(&op.type_name, &op.id), (&op.error_name, &op.id)] {
            if let Some(first) = types.insert(name.clone(), id.clone()) {
                return Err(Error::NameCollision {
                    first,
                    second: id.clone(),
                    name: name.clone(),
                });
            }
        }
        if let Some(first) = errors.get(&op.error_name) {
            return Err(Error::NameCollision {
                first: first.clone(),
                second: op.id.clone(),
                name: op.error_name.clone(),
            });
        }
    }
    Ok(())
}

/// Function stems must be unique across all shapes (they share the serializer module).
fn assign_function_stems(shapes: &mut BTreeMap<String, Shape>) {
    let mut seen = BTreeSet::new();
    for shape in shapes.values_mut() {
        let mut candidate = shape.function_stem.clone();
        let mut n = 2;
        while !seen.insert(candidate.clone()) {
            candidate = format!("{}_{n}", shape.function_stem);
            n += 1;
        }
        shape.function_stem = candidate;
    }
}

fn docs(traits: &BTreeMap<String, Value>) -> Vec<String> {
    traits
        .get("smithy.api#documentation")
        .and_then(Value::as_str)
        .map(html_to_markdown)
        .unwrap_or_default()
}

fn bound_u64(value: &Value, key: &str) -> Option<u64> {
    value
        .get(key)
        .and_then(|v| v.as_u64().or_else(|| v.as_f64().map(|f| f.max(0.0) as u64)))
}

fn bound_text(value: &Value, key: &str) -> Option<String> {
    value
        .get(key)
        .filter(|v| v.is_number())
        .map(ToString::to_string)
}
