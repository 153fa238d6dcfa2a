//! Stage 2, lower: resolves a loaded model into the IR for one service. Applies `apply`
//! statements and mixins ([`resolve`]), finds the operations and what they reach (here), lowers
//! each shape with its members' effective traits ([`shapes`]), types every default and constraint
//! ([`values`]), settles how errors are answered ([`errors`]), checks what each wire format can
//! carry ([`formats`]), and decides every Rust name ([`names`]). Whatever the generator cannot
//! support is an error naming the shape.

mod errors;
mod formats;
mod http;
mod names;
mod resolve;
mod shapes;
mod values;

use crate::smithy::{ShapeType, traits};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::Settings;
use crate::docs::html_to_markdown;
use crate::error::{Error, Result};
use crate::ir::{Dialect, Kind, Location, MessageBindings, Operation, Protocol, Service, Shape};
use crate::load::AstShape;
use crate::naming;
use crate::pattern::Translated;

use crate::smithy::shapes::{UNIT, VALIDATION_EXCEPTION};

type Shapes = BTreeMap<String, AstShape>;

/// Lowers a loaded model's service (`settings.service`, or its only service).
pub fn lower(mut shapes: Shapes, settings: &Settings) -> Result<Service> {
    let inherited = resolve::apply_statements(&mut shapes)?;
    resolve::flatten_mixins(&mut shapes, &inherited)?;
    let service_id = resolve::pick_service(&shapes, settings)?;
    let protocols = protocols(&service_id, &shapes[&service_id], settings)?;
    Lowering {
        protocol: protocols[0],
        protocols,
        shapes: &shapes,
        renames: &shapes[&service_id].rename,
        patterns: RefCell::default(),
    }
    .service(&service_id, settings)
}

/// A service's operations, as lowering finds them.
struct Operations {
    /// The operations served, sorted by name.
    served: Vec<Operation>,
    /// Those left out, each with the reason.
    skipped: Vec<String>,
    /// In restJson1, where each output's members travel, by output id.
    output_bindings: BTreeMap<String, MessageBindings>,
}

struct Lowering<'a> {
    /// The first of `protocols`; restJson1 is never served beside another, so whether it is
    /// restJson1 says how HTTP bindings are treated.
    protocol: Protocol,
    protocols: Vec<Protocol>,
    shapes: &'a Shapes,
    renames: &'a BTreeMap<String, String>,
    /// Every pattern an input checks, in the order first met; members hold their index.
    patterns: RefCell<Vec<Translated>>,
}

impl Lowering<'_> {
    fn get(&self, from: &str, id: &str) -> Result<&AstShape> {
        self.shapes.get(id).ok_or_else(|| Error::MissingShape {
            shape: from.to_owned(),
            target: id.to_owned(),
        })
    }

    /// The shape's name in this service (after its `rename`s).
    fn shape_name(&self, id: &str) -> String {
        self.renames
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.rsplit_once('#').map_or(id, |(_, name)| name).to_owned())
    }

    fn service(&self, id: &str, settings: &Settings) -> Result<Service> {
        let service = &self.shapes[id];
        let protocol = self.protocol;
        let Operations {
            served: mut operations,
            mut skipped,
            output_bindings,
        } = self.operations(id, protocol)?;
        let (in_input, in_output) = self.reachable(&operations)?;
        let mut shapes = BTreeMap::new();
        for shape_id in in_input.union(&in_output) {
            let shape = self.shape(shape_id, in_input.contains(shape_id))?;
            shapes.insert(shape_id.clone(), shape);
        }
        shapes::mark_boxes(&mut shapes);
        shapes::mark_shown_in_messages(&mut shapes);
        let query_compatible = service.traits.contains_key(traits::AWS_QUERY_COMPATIBLE);
        errors::settle(self, &mut shapes, settings, query_compatible)?;
        if protocol == Protocol::RestJson1 {
            http::check_routes(&operations)?;
            for (error_id, shape) in &mut shapes {
                if shape.error.is_some() {
                    shape.http = Some(self.error_bindings(error_id)?);
                }
            }
            for (output_id, bindings) in output_bindings {
                if let Some(shape) = shapes.get_mut(&output_id) {
                    shape.http = Some(bindings);
                }
            }
        }
        let bodies = http::split_bodies(&shapes);
        let written = self.written_as_values(&operations, &shapes);
        let members_written = self.members_written(&shapes, &in_output, &written, &bodies);
        let name = self.shape_name(id);
        let (trait_name, server_name) = names::assign(
            &mut shapes,
            &mut operations,
            names::Functions {
                in_input: &in_input,
                members_written: &members_written,
                written: &written,
                bodies: &bodies,
            },
            (id, &name),
        )?;
        let internal_error = errors::internal_error(&shapes, settings);
        let big_numbers = shapes.values().any(|shape| {
            matches!(
                shape.kind,
                Kind::Simple(crate::ir::Simple::BigInteger | crate::ir::Simple::BigDecimal)
            )
        });
        let validation_exception = if operations.iter().any(|op| op.dialect == Dialect::Smithy) {
            Some(errors::validation_exception(&shapes)?)
        } else {
            None
        };
        let cbor = self.protocols.contains(&Protocol::RpcV2Cbor);
        let (cbor_read, cbor_written) = if cbor {
            self.cbor_operations(&mut operations, &shapes, &mut skipped)?
        } else {
            (BTreeSet::new(), BTreeSet::new())
        };
        let rpc_v2_only = self
            .protocols
            .iter()
            .all(|p| matches!(p, Protocol::RpcV2Cbor | Protocol::RpcV2Json));
        if rpc_v2_only {
            let reached: BTreeSet<String> = in_input.union(&in_output).cloned().collect();
            formats::refuse_http_bindings(&operations, &reached, self.shapes)?;
        }
        let json = formats::json_dialect(id, &self.protocols, &shapes)?;
        Ok(Service {
            id: id.to_owned(),
            trait_name,
            server_name,
            name,
            protocol,
            protocols: self.protocols.clone(),
            json,
            cbor,
            cbor_read,
            cbor_written,
            docs: docs(&service.traits),
            operations,
            shapes,
            patterns: self.patterns.take(),
            big_numbers,
            skipped,
            internal_error,
            validation_exception,
        })
    }

    /// Marks the operations served in rpcv2Cbor (those that reach no document; in a service
    /// served only in rpcv2Cbor, a document is refused) and reports the others as left out of
    /// it; returns what their inputs reach and what their outputs and errors reach.
    fn cbor_operations(
        &self,
        operations: &mut [Operation],
        shapes: &BTreeMap<String, Shape>,
        skipped: &mut Vec<String>,
    ) -> Result<(BTreeSet<String>, BTreeSet<String>)> {
        let (mut cbor_read, mut cbor_written) = (BTreeSet::new(), BTreeSet::new());
        let only_cbor = self.protocols == [Protocol::RpcV2Cbor];
        for op in operations.iter_mut() {
            let read = self.closure(op.input.iter().cloned())?;
            let written = self.closure(op.output.iter().chain(&op.errors).cloned())?;
            let reached: BTreeSet<String> = read.union(&written).cloned().collect();
            match formats::document_in(shapes, &reached) {
                Some(refusal) if only_cbor => return Err(refusal),
                Some(refusal) => skipped.push(format!(
                    "{}: served in its other protocols but not in rpcv2Cbor: {refusal}",
                    op.id
                )),
                None => {
                    op.cbor = true;
                    cbor_read.extend(read);
                    cbor_written.extend(written);
                }
            }
        }
        Ok((cbor_read, cbor_written))
    }

    /// The service's operations (its own, and its resources'), sorted by name; those left out
    /// with the reason; and in restJson1, where each output's members travel, by output id.
    fn operations(&self, service_id: &str, protocol: Protocol) -> Result<Operations> {
        let service = &self.shapes[service_id];
        let mut operations = Vec::new();
        let mut skipped = Vec::new();
        let mut output_bindings = BTreeMap::new();
        for op_id in &self.operation_ids(service_id)? {
            let op = self.get(service_id, op_id)?;
            if op.kind != ShapeType::Operation {
                return Err(Error::Unsupported {
                    shape: op_id.clone(),
                    reason: format!("listed as an operation but is a {}", op.kind),
                });
            }
            let io = |target: &Option<crate::load::Target>| {
                target
                    .as_ref()
                    .map(|t| t.target.clone())
                    .filter(|t| t != UNIT)
            };
            let (input, output) = (io(&op.input), io(&op.output));
            if let Some(reason) = [&input, &output]
                .into_iter()
                .flatten()
                .find_map(|s| self.streaming_reason(s, protocol))
            {
                skipped.push(format!("{op_id}: {reason}"));
                continue;
            }
            let mut errors: BTreeSet<String> = op.errors.iter().map(|e| e.target.clone()).collect();
            errors.extend(service.errors.iter().map(|e| e.target.clone()));
            let name = self.shape_name(op_id);
            let http = match protocol {
                Protocol::RestJson1 => {
                    let (http, bindings) =
                        self.http_operation(op_id, op, input.as_deref(), output.as_deref())?;
                    if let (Some(output), Some(bindings)) = (&output, bindings) {
                        output_bindings.insert(output.clone(), bindings);
                    }
                    Some(http)
                }
                Protocol::AwsJson1_0
                | Protocol::AwsJson1_1
                | Protocol::RpcV2Cbor
                | Protocol::RpcV2Json => None,
            };
            operations.push(Operation {
                id: op_id.clone(),
                type_name: naming::type_name(&name),
                method: naming::field_name(&name),
                // Allocated with every other name (see `names`).
                error_name: String::new(),
                unmodeled_variant: String::new(),
                name,
                dialect: if errors.contains(VALIDATION_EXCEPTION) {
                    Dialect::Smithy
                } else {
                    Dialect::Aws
                },
                input,
                output,
                errors: errors.into_iter().collect(),
                http,
                cbor: false,
                docs: docs(&op.traits),
            });
        }
        operations.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Operations {
            served: operations,
            skipped,
            output_bindings,
        })
    }

    /// The operations a service binds, directly or through its resources (and theirs).
    fn operation_ids(&self, service_id: &str) -> Result<BTreeSet<String>> {
        let service = &self.shapes[service_id];
        let mut operation_ids: BTreeSet<String> = service
            .operations
            .iter()
            .map(|op| op.target.clone())
            .collect();
        let mut resources: VecDeque<String> =
            service.resources.iter().map(|r| r.target.clone()).collect();
        let mut seen = BTreeSet::new();
        while let Some(resource_id) = resources.pop_front() {
            if !seen.insert(resource_id.clone()) {
                continue;
            }
            let resource = self.get(service_id, &resource_id)?;
            let lifecycle = [
                &resource.create,
                &resource.put,
                &resource.read,
                &resource.update,
                &resource.delete,
                &resource.list,
            ];
            let bound = lifecycle
                .into_iter()
                .flatten()
                .chain(&resource.operations)
                .chain(&resource.collection_operations);
            operation_ids.extend(bound.map(|target| target.target.clone()));
            resources.extend(resource.resources.iter().map(|r| r.target.clone()));
        }
        Ok(operation_ids)
    }

    /// Why a structure cannot be served, if it cannot: event streams, and over awsJson any
    /// stream (restJson1 carries a streaming blob as the payload).
    fn streaming_reason(&self, structure: &str, protocol: Protocol) -> Option<String> {
        let shape = self.shapes.get(structure)?;
        shape.members.iter().find_map(|(name, member)| {
            let target = self.shapes.get(&member.target)?;
            let blob_payload = protocol == Protocol::RestJson1 && target.kind == ShapeType::Blob;
            (target.traits.contains_key(traits::STREAMING) && !blob_payload).then(|| {
                let what = if target.kind == ShapeType::Union {
                    "an event stream"
                } else {
                    "a data stream"
                };
                format!(
                    "member {name} is {what} ({}), which servers generated here do not support",
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
            if !seen.insert(id.clone()) {
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
                if shape.kind != ShapeType::Enum && shape.kind != ShapeType::IntEnum {
                    queue.push_back(member.target.clone());
                }
            }
        }
        Ok(seen)
    }

    /// Shapes written as a whole value, and what they contain. In awsJson: outputs, and the
    /// targets of the members of errors (an error structure that is only an error has its
    /// members written, not itself). In restJson1: the targets of the output and error members
    /// that the JSON body or the payload carries (members bound to headers or the status are
    /// written as text).
    fn written_as_values(
        &self,
        operations: &[Operation],
        shapes: &BTreeMap<String, Shape>,
    ) -> BTreeSet<String> {
        let mut queue: VecDeque<String> = VecDeque::new();
        let errors = shapes.iter().filter(|(_, shape)| shape.error.is_some());
        match self.protocol {
            Protocol::AwsJson1_0
            | Protocol::AwsJson1_1
            | Protocol::RpcV2Cbor
            | Protocol::RpcV2Json => {
                queue.extend(operations.iter().filter_map(|op| op.output.clone()));
                for (id, _) in errors {
                    queue.extend(self.member_targets(id));
                }
            }
            Protocol::RestJson1 => {
                let messages = shapes
                    .iter()
                    .filter_map(|(id, shape)| Some((id, shape.http.as_ref()?)));
                for (id, bindings) in messages {
                    let carried = bindings.members.iter().filter(|b| {
                        matches!(b.location, Location::Body { .. } | Location::Payload { .. })
                    });
                    let members = &self.shapes[id].members;
                    for binding in carried {
                        if let Some((_, member)) = members.get_index(binding.member) {
                            queue.push_back(member.target.clone());
                        }
                    }
                }
            }
        }
        let mut out = BTreeSet::new();
        while let Some(id) = queue.pop_front() {
            if out.insert(id.clone()) {
                queue.extend(self.member_targets(&id));
            }
        }
        out
    }

    /// The targets of a shape's members (none for enums, whose members are values).
    fn member_targets(&self, id: &str) -> Vec<String> {
        let Some(shape) = self.shapes.get(id) else {
            return Vec::new();
        };
        if shape.kind == ShapeType::Enum || shape.kind == ShapeType::IntEnum {
            return Vec::new();
        }
        shape
            .members
            .values()
            .chain(&shape.member)
            .chain(&shape.key)
            .chain(&shape.value)
            .map(|member| member.target.clone())
            .collect()
    }

    /// Structures whose members are written into an open object: in awsJson every structure an
    /// output or error reaches; in restJson1 those written as values, and the outputs and errors
    /// whose whole body is their members.
    fn members_written(
        &self,
        shapes: &BTreeMap<String, Shape>,
        in_output: &BTreeSet<String>,
        written: &BTreeSet<String>,
        bodies: &BTreeSet<String>,
    ) -> BTreeSet<String> {
        let structures = in_output
            .iter()
            .filter(|id| matches!(shapes.get(*id).map(|s| &s.kind), Some(Kind::Structure(_))));
        match self.protocol {
            Protocol::AwsJson1_0
            | Protocol::AwsJson1_1
            | Protocol::RpcV2Cbor
            | Protocol::RpcV2Json => structures.cloned().collect(),
            Protocol::RestJson1 => {
                let whole_bodies: BTreeSet<&String> = shapes
                    .iter()
                    .filter(|(_, shape)| {
                        shape.error.is_some()
                            || shape.http.as_ref().is_some_and(|b| b.payload().is_none())
                    })
                    .map(|(id, _)| id)
                    .filter(|id| !bodies.contains(*id))
                    .collect();
                structures
                    .filter(|id| written.contains(*id) || whole_bodies.contains(id))
                    .cloned()
                    .collect()
            }
        }
    }
}

/// The protocols a service is served in, the one that answers unclaimed requests first: the
/// override, else each of its protocol traits the generator supports, in the order of
/// [`SERVED_ORDER`]. restJson1 routes on method and URI, which the other protocols' requests
/// would collide with, so it is served alone.
fn protocols(id: &str, service: &AstShape, settings: &Settings) -> Result<Vec<Protocol>> {
    if let Some(protocol) = settings.protocol_override {
        return Ok(vec![protocol]);
    }
    let declared: Vec<Protocol> = SERVED_ORDER
        .into_iter()
        .filter(|protocol| service.traits.contains_key(protocol.trait_id()))
        .collect();
    if declared.is_empty() {
        return Err(Error::Unsupported {
            shape: id.to_owned(),
            reason: "the service speaks none of rpcv2Cbor, rpcv2Json, awsJson1_0, awsJson1_1 and restJson1".into(),
        });
    }
    if declared.len() > 1 && declared.contains(&Protocol::RestJson1) {
        let names: Vec<&str> = declared.iter().map(|p| p.trait_id()).collect();
        return Err(Error::Unsupported {
            shape: id.to_owned(),
            reason: format!(
                "it declares {}: restJson1 is served only on its own, since its routes would take the other protocols' requests",
                names.join(", ")
            ),
        });
    }
    Ok(declared)
}

/// The order in which a service's protocols are listed; the first one declared answers
/// requests that no protocol claims. AWS's SDKs prefer rpcv2Cbor where a service offers it.
const SERVED_ORDER: [Protocol; 5] = [
    Protocol::RpcV2Cbor,
    Protocol::RpcV2Json,
    Protocol::AwsJson1_0,
    Protocol::AwsJson1_1,
    Protocol::RestJson1,
];

fn docs(traits: &BTreeMap<String, serde_json::Value>) -> Vec<String> {
    traits
        .get(traits::DOCUMENTATION)
        .and_then(serde_json::Value::as_str)
        .map(html_to_markdown)
        .unwrap_or_default()
}
