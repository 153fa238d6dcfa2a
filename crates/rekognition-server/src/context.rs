//! Who is calling, where, and whether they may: the gate every request passes before its body is
//! decoded. In strict mode the SigV4 signature is verified against the credentials file and the
//! operation checked against the key's allowed actions; in development mode any well-formed
//! signature (or none) is accepted and the account comes from an access-key mapping. Either way
//! the region comes from the credential scope, and a per-account rate limit applies.

use std::collections::BTreeMap;
use std::time::Instant;

use rekognition_server_sdk::error::{
    AccessDeniedException, ProvisionedThroughputExceededException,
};
use smithy_server_runtime::sigv4::{AuthError, SigningInput, Verifier, read_authorization};
use smithy_server_runtime::{
    ContextRequest, OperationId, Refusal, RequestContext, ResolveContext, Timestamp,
};

use crate::auth::{ACTION_PREFIX, Credentials};
use crate::throttle::Throttle;

/// How requests are authenticated.
#[derive(Debug, Clone)]
pub enum AuthMode {
    /// Signatures are read, not verified; unsigned requests are served too. The account is the
    /// access key's in this map, else the default one.
    Development {
        /// Access key id to account id.
        access_keys: BTreeMap<String, String>,
    },
    /// Every request must carry a valid signature of a key in the credentials, and may only
    /// call the actions that key allows.
    Strict(Credentials),
}

impl AuthMode {
    /// One line saying which mode runs, for the start-up banner.
    pub fn describe(&self) -> String {
        match self {
            AuthMode::Development { .. } => "development (signatures are not verified; any well-formed signature or none is accepted)".to_owned(),
            AuthMode::Strict(credentials) => format!(
                "strict (SigV4 verified for {} credential(s); actions limited per key)",
                credentials.credentials.len()
            ),
        }
    }
}

/// The request gate: authentication, authorization, rate limit.
#[derive(Debug)]
pub struct Gate {
    /// The authentication mode.
    pub mode: AuthMode,
    /// The account of unsigned requests and unmapped keys (development mode).
    pub default_account: String,
    /// The region of unsigned requests (development mode).
    pub default_region: String,
    /// The per-account rate limit, if any.
    pub throttle: Option<Throttle>,
    /// The SigV4 verifier (service `rekognition`, 15 minutes of clock skew).
    pub verifier: Verifier,
}

impl Gate {
    /// A gate without a rate limit.
    pub fn new(mode: AuthMode, default_account: String, default_region: String) -> Self {
        Self {
            mode,
            default_account,
            default_region,
            throttle: None,
            verifier: Verifier::new(ACTION_PREFIX),
        }
    }

    fn authenticate(
        &self,
        head: &http::request::Parts,
        body: &[u8],
        operation: Option<OperationId>,
    ) -> Result<(String, String, Option<String>), Refusal> {
        match &self.mode {
            AuthMode::Development { access_keys } => {
                let Some(header) = head.headers.get(http::header::AUTHORIZATION) else {
                    return Ok((
                        self.default_account.clone(),
                        self.default_region.clone(),
                        None,
                    ));
                };
                let authorization = read_authorization(header.to_str().unwrap_or(""))
                    .map_err(|error| error.refusal())?;
                let credential = authorization.credential;
                check_region(&credential.region)?;
                let account = access_keys
                    .get(&credential.access_key_id)
                    .unwrap_or(&self.default_account)
                    .clone();
                Ok((account, credential.region, Some(credential.access_key_id)))
            }
            AuthMode::Strict(credentials) => {
                let input = SigningInput::from_parts(head, body);
                let mut signer = None;
                let scope = self
                    .verifier
                    .verify(&input, Timestamp::now(), |key| {
                        signer = credentials.get(key);
                        signer.map(|credential| credential.secret_access_key.as_str())
                    })
                    .map_err(|error| error.refusal())?
                    .credential;
                // A verified signature was made with a known key.
                let Some(credential) = signer else {
                    return Err(AuthError::UnrecognizedClient.refusal());
                };
                if let Some(expected) = &credential.session_token {
                    let given = input.header_values("x-amz-security-token").next();
                    if given != Some(expected.as_str()) {
                        return Err(AuthError::UnrecognizedClient.refusal());
                    }
                }
                check_region(&scope.region)?;
                // A request naming no operation is answered so after authentication.
                if let Some(operation) = operation {
                    let action = format!("{ACTION_PREFIX}:{}", operation.name);
                    if !credential.allows(&action) {
                        let denied = AccessDeniedException {
                            message: Some(format!(
                                "User: {} is not authorized to perform: {action}",
                                credential.principal()
                            )),
                            code: None,
                            logref: None,
                        };
                        return Err(Refusal::modeled(denied));
                    }
                }
                Ok((
                    credential.account_id.clone(),
                    scope.region,
                    Some(scope.access_key_id),
                ))
            }
        }
    }
}

/// Regions name ARNs and scope data: lower-case letters, digits and dashes only.
fn check_region(region: &str) -> Result<(), Refusal> {
    let valid = !region.is_empty()
        && region.len() <= 32
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(AuthError::InvalidSignature(
            "Credential should be scoped to a valid region. ".to_owned(),
        )
        .refusal())
    }
}

impl ResolveContext for Gate {
    async fn resolve(&self, request: ContextRequest<'_>) -> Result<RequestContext, Refusal> {
        let (account_id, region, caller) =
            self.authenticate(request.head, request.body, request.operation)?;
        if let Some(throttle) = &self.throttle
            && !throttle.admit(&account_id, Instant::now())
        {
            let throttled = ProvisionedThroughputExceededException {
                message: Some(
                    "The number of requests exceeded your throughput limit. Slow down and retry."
                        .to_owned(),
                ),
                code: None,
                logref: None,
            };
            return Err(Refusal::modeled(throttled));
        }
        Ok(RequestContext {
            request_id: request.request_id.to_owned(),
            account_id,
            region,
            caller,
            extensions: http::Extensions::new(),
        })
    }
}
