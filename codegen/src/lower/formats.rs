//! What each wire format can carry, checked once the shapes are lowered: rpcv2Cbor has no
//! documents, RPC v2 has no HTTP bindings, and a service answering both awsJson and rpcv2Json
//! shares one JSON reader and writer per shape only where the two dialects agree.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Result};
use crate::ir::{JsonDialect, Kind, Member, Protocol, Shape, Simple, TimestampFormat};
use crate::load::AstShape;
use crate::smithy::traits;

/// The members of a shape: a structure's or union's, a list's member, a map's key and value.
fn members(kind: &Kind) -> Vec<&Member> {
    match kind {
        Kind::Structure(members) | Kind::Union(members) => members.iter().collect(),
        Kind::List { member, .. } => vec![member],
        Kind::Map { key, value, .. } => vec![key, value],
        _ => Vec::new(),
    }
}

/// The refusal of a document among `reached` (rpcv2Cbor does not support documents), naming
/// the first member that targets one.
pub(super) fn document_in(
    shapes: &BTreeMap<String, Shape>,
    reached: &BTreeSet<String>,
) -> Option<Error> {
    for (id, shape) in shapes.iter().filter(|(id, _)| reached.contains(*id)) {
        for member in members(&shape.kind) {
            let target = shapes.get(&member.target).map(|t| &t.kind);
            if matches!(target, Some(Kind::Simple(Simple::Document))) {
                return Some(Error::Unsupported {
                    shape: format!("{id}${}", member.name),
                    reason: format!(
                        "targets the document {}, which rpcv2Cbor cannot carry",
                        member.target
                    ),
                });
            }
        }
    }
    None
}

/// The HTTP binding traits, which RPC v2 has no place for: its operations are all `POST` to a
/// fixed path, and every member travels in the body.
const HTTP_BINDINGS: [&str; 8] = [
    traits::HTTP,
    traits::HTTP_HEADER,
    traits::HTTP_LABEL,
    traits::HTTP_PAYLOAD,
    traits::HTTP_PREFIX_HEADERS,
    traits::HTTP_QUERY,
    traits::HTTP_QUERY_PARAMS,
    traits::HTTP_RESPONSE_CODE,
];

/// Refuses an HTTP binding trait in a service served only in RPC v2, naming the operation or
/// member that carries it (a service that also serves awsJson keeps its bindings unread, as
/// awsJson does).
pub(super) fn refuse_http_bindings(
    operations: &[crate::ir::Operation],
    reached: &BTreeSet<String>,
    raw: &BTreeMap<String, AstShape>,
) -> Result<()> {
    let refused = |shape: String, binding: &str| Error::Unsupported {
        shape,
        reason: format!("carries {binding}, an HTTP binding, which RPC v2 protocols do not have"),
    };
    for operation in operations {
        if raw
            .get(&operation.id)
            .is_some_and(|op| op.traits.contains_key(traits::HTTP))
        {
            return Err(refused(operation.id.clone(), traits::HTTP));
        }
    }
    for id in reached {
        let Some(shape) = raw.get(id) else { continue };
        for (name, member) in &shape.members {
            if let Some(binding) = HTTP_BINDINGS
                .iter()
                .find(|b| member.traits.contains_key(**b))
            {
                return Err(refused(format!("{id}${name}"), binding));
            }
        }
    }
    Ok(())
}

/// How the service's JSON is written: rpcv2Json's dialect when it is the only JSON protocol,
/// awsJson's when there is another. Where both are served, the dialects must agree on every
/// shape the service reaches: no timestamp in another format than epoch seconds, no big number.
pub(super) fn json_dialect(
    service: &str,
    protocols: &[Protocol],
    shapes: &BTreeMap<String, Shape>,
) -> Result<Option<JsonDialect>> {
    let rpc_v2 = protocols.contains(&Protocol::RpcV2Json);
    let aws = protocols.iter().any(|p| {
        matches!(
            p,
            Protocol::AwsJson1_0 | Protocol::AwsJson1_1 | Protocol::RestJson1
        )
    });
    match (aws, rpc_v2) {
        (false, false) => Ok(None),
        (false, true) => Ok(Some(JsonDialect::RpcV2)),
        (true, false) => Ok(Some(JsonDialect::Aws)),
        (true, true) => match disagreement(shapes) {
            None => Ok(Some(JsonDialect::Aws)),
            Some(reason) => Err(Error::Unsupported {
                shape: service.to_owned(),
                reason: format!(
                    "it is served in awsJson and rpcv2Json, whose JSON differs here: {reason}"
                ),
            }),
        },
    }
}

/// The first thing the two JSON dialects write differently, if any.
fn disagreement(shapes: &BTreeMap<String, Shape>) -> Option<String> {
    shapes.iter().find_map(|(id, shape)| match &shape.kind {
        Kind::Simple(Simple::BigInteger | Simple::BigDecimal) => Some(format!(
            "{id} is a big number (a JSON number in awsJson, a string in rpcv2Json)"
        )),
        kind => members(kind).into_iter().find_map(|member| {
            let timestamp = matches!(
                shapes.get(&member.target).map(|t| &t.kind),
                Some(Kind::Simple(Simple::Timestamp))
            );
            (timestamp && member.timestamp_format != TimestampFormat::EpochSeconds).then(|| {
                format!(
                    "{id}${} has a @timestampFormat, which rpcv2Json ignores",
                    member.name
                )
            })
        }),
    })
}
