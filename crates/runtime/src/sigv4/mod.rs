//! AWS Signature Version 4 on the server side: reading the `Authorization` header ([`header`]),
//! rebuilding the canonical request and the signature from what arrived ([`canonical`]), and
//! deciding whether a request is authentic ([`verify`]), with the errors AWS services answer.

pub mod canonical;
pub mod header;
pub mod verify;

pub use canonical::{SigningInput, canonical_request, sign, signing_key, string_to_sign};
pub use header::{Authorization, Credential, MalformedAuthorization, parse_authorization};
pub use verify::{AuthError, Verifier, read_authorization};
