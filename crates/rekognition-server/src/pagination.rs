//! Pagination tokens: opaque, tamper-evident, and bound to the caller's account and region and to
//! the listing they page (collections, projects, one dataset's entries or labels). A token names
//! a position in the listing order and carries an HMAC-SHA256 of it with the account, region and
//! listing, under a key the store keeps, so tokens survive restarts and a token from another
//! account, region, listing or server is refused.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::store::Scope;

const VERSION: u8 = 2;
const MAC_BYTES: usize = 16;

/// Signs and checks pagination tokens.
#[derive(Debug, Clone)]
pub struct Tokens {
    key: [u8; 32],
}

impl Tokens {
    /// Uses `key` (from the store).
    pub fn new(key: [u8; 32]) -> Self {
        Self { key }
    }

    fn mac(&self, scope: &Scope, listing: &str, position: i64) -> [u8; MAC_BYTES] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(&[VERSION]);
        mac.update(scope.account.as_bytes());
        mac.update(&[0]);
        mac.update(scope.region.as_bytes());
        mac.update(&[0]);
        mac.update(listing.as_bytes());
        mac.update(&[0]);
        mac.update(&position.to_be_bytes());
        let full = mac.finalize().into_bytes();
        let mut out = [0; MAC_BYTES];
        out.copy_from_slice(&full[..MAC_BYTES]);
        out
    }

    /// A token for "continue `listing` after `position`".
    pub fn issue(&self, scope: &Scope, listing: &str, position: i64) -> String {
        let mut bytes = Vec::with_capacity(1 + 8 + MAC_BYTES);
        bytes.push(VERSION);
        bytes.extend_from_slice(&position.to_be_bytes());
        bytes.extend_from_slice(&self.mac(scope, listing, position));
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The position a token continues `listing` after, if the token is genuine, the caller's and
    /// of that listing.
    pub fn check(&self, scope: &Scope, listing: &str, token: &str) -> Option<i64> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(token)
            .ok()?;
        if bytes.len() != 1 + 8 + MAC_BYTES || bytes[0] != VERSION {
            return None;
        }
        let position = i64::from_be_bytes(bytes[1..9].try_into().ok()?);
        let expected = self.mac(scope, listing, position);
        // Constant-time comparison, so a forger learns nothing from timing.
        let difference = expected
            .iter()
            .zip(&bytes[9..])
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        (difference == 0).then_some(position)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(account: &str, region: &str) -> Scope {
        Scope {
            account: account.into(),
            region: region.into(),
        }
    }

    #[test]
    fn tokens_round_trip_and_refuse_tampering_and_other_scopes() {
        let tokens = Tokens::new([7; 32]);
        let mine = scope("111111111111", "us-east-1");
        let token = tokens.issue(&mine, "collections", 42);
        assert!(token.len() < 64);
        assert_eq!(tokens.check(&mine, "collections", &token), Some(42));
        assert_eq!(tokens.check(&mine, "projects", &token), None);
        assert_eq!(
            tokens.check(&scope("222222222222", "us-east-1"), "collections", &token),
            None
        );
        assert_eq!(
            tokens.check(&scope("111111111111", "eu-west-1"), "collections", &token),
            None
        );
        assert_eq!(
            Tokens::new([8; 32]).check(&mine, "collections", &token),
            None
        );
        let mut altered = token.into_bytes();
        altered[3] = if altered[3] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            tokens.check(&mine, "collections", &String::from_utf8(altered).unwrap()),
            None
        );
        assert_eq!(tokens.check(&mine, "collections", "garbage"), None);
        assert_eq!(tokens.check(&mine, "collections", ""), None);
    }
}
