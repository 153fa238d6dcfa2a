//! Who is calling and where: the account comes from the SigV4 credential's access key (mapped by
//! configuration; unknown keys act in the default account), the region from its credential scope;
//! unsigned requests act in the default account and region. Signatures are not verified here.

use std::collections::BTreeMap;

use smithy_server_runtime::http::ResolveContext;
use smithy_server_runtime::sigv4::parse_authorization;
use smithy_server_runtime::{Reply, RequestContext};

/// Resolves account and region from the `Authorization` header.
#[derive(Debug, Clone)]
pub struct SigV4Context {
    /// Access key id to account id.
    pub access_keys: BTreeMap<String, String>,
    /// The account of unsigned requests and unknown keys.
    pub default_account: String,
    /// The region of unsigned requests.
    pub default_region: String,
}

impl ResolveContext for SigV4Context {
    fn resolve(
        &self,
        head: &http::request::Parts,
        request_id: String,
    ) -> Result<RequestContext, Reply> {
        let authorization = head
            .headers
            .get("authorization")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| parse_authorization(value).ok());
        Ok(match authorization {
            Some(authorization) => RequestContext {
                request_id,
                account_id: self
                    .access_keys
                    .get(&authorization.credential.access_key_id)
                    .unwrap_or(&self.default_account)
                    .clone(),
                region: authorization.credential.region,
                caller: Some(authorization.credential.access_key_id),
            },
            None => RequestContext {
                request_id,
                account_id: self.default_account.clone(),
                region: self.default_region.clone(),
                caller: None,
            },
        })
    }
}
