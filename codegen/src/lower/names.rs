//! Every name the generated modules define, allocated in one pass with one [`Namespace`] per
//! module: model types, error structures and operation error enums, operation types and trait
//! methods, the server module's own items and the service trait, and the `json` module's
//! functions. Names from the model that collide are errors naming both shapes; names the
//! generator makes up yield to them.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Result};
use crate::ir::{Kind, Operation, Shape};
use crate::naming::{self, Collision, Namespace};

/// What the server module defines besides the service trait.
pub(crate) const SERVER_ITEMS: &[&str] = &[
    "SERVICE_NAME",
    "PROTOCOL",
    "TARGETS",
    "ROUTES",
    "OPERATIONS",
    "dispatch",
    "Router",
    "internal_error",
    "validation_exception",
    "rt",
];

/// Which shapes need which `json` functions.
pub(super) struct Functions<'a> {
    /// Shapes reached from an input: read.
    pub(super) in_input: &'a BTreeSet<String>,
    /// Structures whose members are written into an open object.
    pub(super) members_written: &'a BTreeSet<String>,
    /// Shapes written as whole values.
    pub(super) written: &'a BTreeSet<String>,
    /// restJson1 outputs and errors with members outside the body: their body written alone.
    pub(super) bodies: &'a BTreeSet<String>,
}

/// Names every type, function and method; returns the service trait's name and the server
/// type's.
pub(super) fn assign(
    shapes: &mut BTreeMap<String, Shape>,
    operations: &mut [Operation],
    functions: Functions<'_>,
    (service_id, service_name): (&str, &str),
) -> Result<(String, String)> {
    let collision = |c: Collision| Error::NameCollision {
        first: c.first,
        second: c.second,
        name: c.name,
    };
    let mut model = Namespace::with_reserved(&["rt"]);
    let mut errors = Namespace::with_reserved(&["rt"]);
    for shape in shapes.values() {
        let named = matches!(
            shape.kind,
            Kind::Structure(_) | Kind::Union(_) | Kind::Enum(_) | Kind::IntEnum(_)
        );
        if named {
            let module = if shape.error.is_some() {
                &mut errors
            } else {
                &mut model
            };
            module.claim(&shape.name, &shape.id).map_err(collision)?;
        }
    }
    let mut types = Namespace::with_reserved(&["rt"]);
    let mut methods = Namespace::default();
    for op in operations.iter() {
        types.claim(&op.type_name, &op.id).map_err(collision)?;
        methods.claim(&op.method, &op.id).map_err(collision)?;
    }
    for op in operations.iter_mut() {
        let wanted = [
            format!("{}Error", op.type_name),
            format!("{}OperationError", op.type_name),
        ];
        op.error_name = errors.allocate(&wanted, &op.id);
        let mut variants = Namespace::default();
        for error in &op.errors {
            variants
                .claim(&shapes[error].name, error)
                .map_err(collision)?;
        }
        let wanted = ["Unmodeled".to_owned(), "UnmodeledError".to_owned()];
        op.unmodeled_variant = variants.allocate(&wanted, &op.id);
    }
    let mut server = Namespace::with_reserved(SERVER_ITEMS);
    let type_name = naming::type_name(service_name);
    let trait_name = server.allocate(
        &[type_name.clone(), format!("{type_name}Service")],
        service_id,
    );
    let server_name = server.allocate(&[format!("{trait_name}Server")], service_id);

    let mut json = Namespace::with_reserved(&["rt"]);
    for shape in shapes.values_mut() {
        let aggregate = matches!(
            shape.kind,
            Kind::Structure(_) | Kind::Union(_) | Kind::List { .. } | Kind::Map { .. }
        );
        if !aggregate {
            continue;
        }
        let stem = naming::function_stem(&shape.name);
        let mut function = |prefix: &str| json.allocate(&[format!("{prefix}_{stem}")], &shape.id);
        if functions.in_input.contains(&shape.id) {
            shape.functions.read = Some(function("de"));
        }
        if functions.written.contains(&shape.id) {
            shape.functions.write = Some(function("ser"));
        }
        if functions.members_written.contains(&shape.id) {
            shape.functions.write_members = Some(function("ser_members"));
        }
        if functions.bodies.contains(&shape.id) {
            shape.functions.write_body = Some(function("ser_body"));
        }
    }
    Ok((trait_name, server_name))
}
