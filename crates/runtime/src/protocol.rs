//! What a wire protocol does for the service shell ([`crate::server`]): route a request head to
//! an operation, and write a refusal in its own form; and [`Protocols`], the protocols of a
//! service that speaks several, which picks the one each request is in. Decoding inputs and
//! encoding outputs is the protocol's too, in the generic body each generated operation calls
//! ([`crate::aws_json::serve`], [`crate::rest_json::serve`], [`crate::rpc_v2::serve_cbor`],
//! [`crate::rpc_v2::serve_json`]).

use std::sync::Arc;

use crate::operation::Protocol;
use crate::refusal::Refusal;
use crate::response::Response;

/// A wire protocol, as the service shell uses it.
pub trait ServiceProtocol: Send + Sync + 'static {
    /// The protocol's name, for logs (`awsJson1_1`, `restJson1`, ...).
    fn name(&self) -> &'static str;
    /// Which wire protocol this is: what a generated operation of a service that speaks several
    /// dispatches on ([`crate::OperationRequest::wire`]).
    fn wire(&self) -> Protocol;
    /// Which operation a request is for, from its head alone (its body is read after).
    fn route(&self, head: &http::request::Parts) -> Route;
    /// The refusal, written in the protocol's form (a modeled error's members may name the
    /// request id).
    fn refuse(&self, refusal: &Refusal, request_id: &str) -> Response;
}

/// Where a request goes.
#[derive(Debug)]
pub enum Route {
    /// To the operation at this index of the service's operations, with the URI's labels (in
    /// the route's order, still percent-encoded; none in protocols without labels).
    Operation {
        /// The operation's index.
        index: usize,
        /// The labels.
        labels: Vec<String>,
    },
    /// No operation's route matches the request (a 404): the health route may answer it.
    NoRoute(Refusal),
    /// Refused now: a route matches, but not this way (a 405, a 415).
    Refused(Refusal),
    /// It names no operation of the service, and is answered so once its body has arrived and
    /// the context resolver has let it through (awsJson's unknown `X-Amz-Target`): a caller
    /// learns nothing of the service before it is authenticated.
    Unknown(Refusal),
}

/// The protocols a service speaks, in the model's order, and the rule that picks the one a
/// request is in.
///
/// Every protocol must number the service's operations alike: the index a route gives is the
/// same operation whichever protocol routed it.
///
/// A request goes to:
///
/// 1. the rpcv2 protocol its `smithy-protocol` header names (`rpc-v2-cbor` for rpcv2Cbor,
///    `rpc-v2-json` for rpcv2Json), when the service speaks it;
/// 2. else, when it carries `X-Amz-Target`, the service's awsJson protocol (1.0 or 1.1), if it
///    has one;
/// 3. else restJson1, if the service speaks it;
/// 4. else the first protocol, which refuses what is not in its form in that form.
///
/// A request that names rpcv2 and carries `X-Amz-Target` goes to rpcv2 by rule 1, which refuses
/// it, as the protocol requires. A `smithy-protocol` header naming a protocol the service does
/// not speak is passed over, and the request goes on down the list.
#[derive(Clone)]
pub struct Protocols {
    all: Vec<Arc<dyn ServiceProtocol>>,
    rpc_v2_cbor: Option<usize>,
    rpc_v2_json: Option<usize>,
    aws_json: Option<usize>,
    rest_json: Option<usize>,
}

impl Protocols {
    /// The protocols, the model's first-listed first.
    ///
    /// # Panics
    ///
    /// If there are none: a service speaks at least one protocol.
    pub fn new(protocols: Vec<Arc<dyn ServiceProtocol>>) -> Self {
        assert!(
            !protocols.is_empty(),
            "a service speaks at least one protocol"
        );
        let find = |wanted: &[Protocol]| {
            protocols
                .iter()
                .position(|protocol| wanted.contains(&protocol.wire()))
        };
        Self {
            rpc_v2_cbor: find(&[Protocol::RpcV2Cbor]),
            rpc_v2_json: find(&[Protocol::RpcV2Json]),
            aws_json: find(&[Protocol::AwsJson1_0, Protocol::AwsJson1_1]),
            rest_json: find(&[Protocol::RestJson1]),
            all: protocols,
        }
    }

    /// A service of one protocol.
    pub fn single(protocol: impl ServiceProtocol) -> Self {
        Self::new(vec![Arc::new(protocol)])
    }

    /// The protocol a request is in (see the rules above).
    pub fn select(&self, head: &http::request::Parts) -> &Arc<dyn ServiceProtocol> {
        let named = head
            .headers
            .get("smithy-protocol")
            .and_then(|value| match value.as_bytes() {
                b"rpc-v2-cbor" => self.rpc_v2_cbor,
                b"rpc-v2-json" => self.rpc_v2_json,
                _ => None,
            });
        let chosen = named
            .or_else(|| {
                self.aws_json
                    .filter(|_| head.headers.contains_key("x-amz-target"))
            })
            .or(self.rest_json)
            .unwrap_or(0);
        &self.all[chosen]
    }

    /// The first protocol: the model's first-listed.
    pub fn first(&self) -> &Arc<dyn ServiceProtocol> {
        &self.all[0]
    }

    /// Every protocol, in the model's order.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<dyn ServiceProtocol>> {
        self.all.iter()
    }
}

impl std::fmt::Debug for Protocols {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.all.iter().map(|protocol| protocol.name()))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws_json::AwsJson;
    use crate::rest_json::RestJson;
    use crate::rpc_v2::RpcV2;

    static OPERATIONS: &[&str] = &["Greet"];

    fn rpc_v2(protocol: Protocol) -> Arc<dyn ServiceProtocol> {
        Arc::new(RpcV2::new(
            protocol,
            "Greeter",
            "com.example#Greeter",
            OPERATIONS,
        ))
    }

    fn aws_json() -> Arc<dyn ServiceProtocol> {
        Arc::new(AwsJson::new(Protocol::AwsJson1_1, &["Greeter.Greet"]))
    }

    fn rest_json() -> Arc<dyn ServiceProtocol> {
        Arc::new(RestJson::new(&[("POST", "/greet")]))
    }

    /// The protocol picked for a request with these headers.
    fn picked(protocols: &Protocols, headers: &[(&str, &str)]) -> &'static str {
        let mut request = http::Request::builder().method("POST").uri("/");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let head = request.body(()).unwrap().into_parts().0;
        protocols.select(&head).name()
    }

    const CBOR: (&str, &str) = ("smithy-protocol", "rpc-v2-cbor");
    const JSON: (&str, &str) = ("smithy-protocol", "rpc-v2-json");
    const TARGET: (&str, &str) = ("x-amz-target", "Greeter.Greet");

    #[test]
    fn the_smithy_protocol_header_picks_the_rpc_v2_protocol_it_names() {
        let all = Protocols::new(vec![
            aws_json(),
            rpc_v2(Protocol::RpcV2Cbor),
            rpc_v2(Protocol::RpcV2Json),
            rest_json(),
        ]);
        assert_eq!(picked(&all, &[CBOR]), "rpcv2Cbor");
        assert_eq!(picked(&all, &[JSON]), "rpcv2Json");
        // The header wins over X-Amz-Target: rpcv2 then refuses the request.
        assert_eq!(picked(&all, &[CBOR, TARGET]), "rpcv2Cbor");
        // A format the service does not speak, or no header: the next rules.
        assert_eq!(
            picked(&all, &[("smithy-protocol", "rpc-v2-xml"), TARGET]),
            "awsJson1_1"
        );
        assert_eq!(picked(&all, &[TARGET]), "awsJson1_1");
        assert_eq!(picked(&all, &[]), "restJson1");
        assert_eq!(
            picked(&all, &[("smithy-protocol", "rpc-v2-xml")]),
            "restJson1"
        );
    }

    #[test]
    fn without_a_match_the_first_protocol_answers() {
        let cbor_first = Protocols::new(vec![rpc_v2(Protocol::RpcV2Cbor), aws_json()]);
        assert_eq!(picked(&cbor_first, &[]), "rpcv2Cbor");
        assert_eq!(picked(&cbor_first, &[JSON]), "rpcv2Cbor");
        assert_eq!(picked(&cbor_first, &[TARGET]), "awsJson1_1");
        let json_first = Protocols::new(vec![aws_json(), rpc_v2(Protocol::RpcV2Cbor)]);
        assert_eq!(picked(&json_first, &[]), "awsJson1_1");
        assert_eq!(picked(&json_first, &[CBOR]), "rpcv2Cbor");
        let rest_last = Protocols::new(vec![rpc_v2(Protocol::RpcV2Json), rest_json()]);
        assert_eq!(picked(&rest_last, &[TARGET]), "restJson1");
        assert_eq!(picked(&rest_last, &[CBOR]), "restJson1");
        let single = Protocols::single(AwsJson::new(Protocol::AwsJson1_0, &["Greeter.Greet"]));
        assert_eq!(picked(&single, &[CBOR]), "awsJson1_0");
        assert_eq!(format!("{rest_last:?}"), r#"["rpcv2Json", "restJson1"]"#);
        assert_eq!(rest_last.first().wire(), Protocol::RpcV2Json);
        assert_eq!(rest_last.iter().count(), 2);
    }

    #[test]
    #[should_panic(expected = "a service speaks at least one protocol")]
    fn a_service_speaks_a_protocol() {
        let _ = Protocols::new(Vec::new());
    }
}
