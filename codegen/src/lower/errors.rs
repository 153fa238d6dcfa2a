//! How errors are answered, settled once: each error structure's fault, status, query code,
//! message field and fill-ins; the service's internal error; and the fields of
//! `smithy.framework#ValidationException`.

use crate::smithy::{shapes, traits};
use std::collections::BTreeMap;

use serde_json::Value;

use super::{Lowering, VALIDATION_EXCEPTION};
use crate::Settings;
use crate::error::{Error, Result};
use crate::ir::{
    ErrorFill, ErrorInfo, Field, FieldList, InternalError, Kind, Member, MessageField, Shape,
    Simple, ValidationException,
};

/// Fills in [`Shape::error`] for every error structure.
pub(super) fn settle(
    lowering: &Lowering<'_>,
    shapes: &mut BTreeMap<String, Shape>,
    settings: &Settings,
    query_compatible: bool,
) -> Result<()> {
    let string_targets: Vec<String> = shapes
        .iter()
        .filter(|(_, s)| matches!(s.kind, Kind::Simple(Simple::String)))
        .map(|(id, _)| id.clone())
        .collect();
    let is_string = |member: &Member| string_targets.contains(&member.target);
    for (id, shape) in shapes.iter_mut() {
        let traits = &lowering.shapes[id].traits;
        let Some(fault) = traits.get(traits::ERROR) else {
            continue;
        };
        let server_fault = match fault.as_str() {
            Some("server") => true,
            Some("client") => false,
            _ => {
                return Err(Error::Unsupported {
                    shape: id.clone(),
                    reason: format!("@error must be \"client\" or \"server\", not {fault}"),
                });
            }
        };
        let status = match traits.get(traits::HTTP_ERROR) {
            None => {
                if server_fault {
                    500
                } else {
                    400
                }
            }
            Some(status) => status
                .as_u64()
                .and_then(|s| u16::try_from(s).ok())
                .filter(|s| (100..600).contains(s))
                .ok_or_else(|| Error::Unsupported {
                    shape: id.clone(),
                    reason: format!("@httpError {status} is not an HTTP status"),
                })?,
        };
        let query_error = query_compatible
            .then(|| traits.get(traits::AWS_QUERY_ERROR))
            .flatten()
            .and_then(|trait_value| trait_value.get("code"))
            .and_then(Value::as_str)
            .map(|code| {
                let party = if server_fault { "Receiver" } else { "Sender" };
                format!("{code};{party}")
            });
        let Kind::Structure(members) = &shape.kind else {
            return Err(Error::Unsupported {
                shape: id.clone(),
                reason: "@error applies to structures only".into(),
            });
        };
        let message = members
            .iter()
            .find(|m| m.name.eq_ignore_ascii_case("message") && is_string(m))
            .map(|message| MessageField {
                field: message.rust_name.clone(),
                optional: message.optional(),
                constructible: members
                    .iter()
                    .all(|m| m.name == message.name || m.optional()),
            });
        let fills = settings
            .error_fills
            .iter()
            .filter_map(|(name, value)| {
                let member = members
                    .iter()
                    .find(|m| &m.name == name && m.optional() && is_string(m))?;
                Some(ErrorFill {
                    field: member.rust_name.clone(),
                    key: member.key.clone(),
                    value: *value,
                })
            })
            .collect();
        shape.error = Some(ErrorInfo {
            server_fault,
            status,
            query_error,
            message,
            fills,
        });
    }
    Ok(())
}

/// The error answered when a handler panics: the first server-fault error structure named in
/// [`Settings::internal_errors`] whose fields are all optional.
pub(super) fn internal_error(
    shapes: &BTreeMap<String, Shape>,
    settings: &Settings,
) -> Option<InternalError> {
    settings.internal_errors.iter().find_map(|wanted| {
        shapes.values().find_map(|shape| {
            let info = shape.error.as_ref()?;
            let Kind::Structure(members) = &shape.kind else {
                return None;
            };
            let fits = info.server_fault
                && shape
                    .id
                    .rsplit_once('#')
                    .is_some_and(|(_, name)| name == wanted)
                && members.iter().all(Member::optional);
            fits.then(|| InternalError {
                shape: shape.id.clone(),
                message_field: info.message.as_ref().map(|m| m.field.clone()),
            })
        })
    })
}

/// The fields `smithy.framework#ValidationException` is built from: its `message` and optional
/// `fieldList`, whose entries have a `path` and a `message`, and nothing else.
pub(super) fn validation_exception(
    shapes: &BTreeMap<String, Shape>,
) -> Result<ValidationException> {
    const ENTRY: &str = shapes::VALIDATION_EXCEPTION_FIELD;
    let fields = |shape_id: &str, names: &[&str]| -> Result<Vec<Option<Field>>> {
        let unsupported = |reason: String| Error::Unsupported {
            shape: shape_id.to_owned(),
            reason,
        };
        let Some(Shape {
            kind: Kind::Structure(members),
            ..
        }) = shapes.get(shape_id)
        else {
            return Err(unsupported(
                "must be a structure to report constraint violations".into(),
            ));
        };
        if let Some(other) = members.iter().find(|m| !names.contains(&m.name.as_str())) {
            return Err(unsupported(format!(
                "member {} is not one the framework fills (only {})",
                other.name,
                names.join(", ")
            )));
        }
        Ok(names
            .iter()
            .map(|name| {
                members.iter().find(|m| m.name == *name).map(|m| Field {
                    name: m.rust_name.clone(),
                    optional: m.optional(),
                })
            })
            .collect())
    };
    let missing = |shape: &str, name: &str| Error::Unsupported {
        shape: shape.to_owned(),
        reason: format!("needs a member {name} to report constraint violations"),
    };
    let mut exception = fields(VALIDATION_EXCEPTION, &["message", "fieldList"])?.into_iter();
    let message = exception
        .next()
        .flatten()
        .ok_or_else(|| missing(VALIDATION_EXCEPTION, "message"))?;
    let field_list = match exception.next().flatten() {
        None => None,
        Some(list) => {
            let mut entry = fields(ENTRY, &["path", "message"])?.into_iter();
            Some(FieldList {
                field: list,
                entry: ENTRY.to_owned(),
                path: entry
                    .next()
                    .flatten()
                    .ok_or_else(|| missing(ENTRY, "path"))?,
                message: entry
                    .next()
                    .flatten()
                    .ok_or_else(|| missing(ENTRY, "message"))?,
            })
        }
    };
    Ok(ValidationException {
        shape: VALIDATION_EXCEPTION.to_owned(),
        message,
        field_list,
    })
}
