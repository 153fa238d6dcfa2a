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

    fn mac(&self, scope: &Scope, listing: &str, key: &[u8]) -> [u8; MAC_BYTES] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(&[VERSION]);
        mac.update(scope.account.as_bytes());
        mac.update(&[0]);
        mac.update(scope.region.as_bytes());
        mac.update(&[0]);
        mac.update(listing.as_bytes());
        mac.update(&[0]);
        mac.update(key);
        let full = mac.finalize().into_bytes();
        let mut out = [0; MAC_BYTES];
        out.copy_from_slice(&full[..MAC_BYTES]);
        out
    }

    /// A token for "continue `listing` after `position`".
    pub fn issue(&self, scope: &Scope, listing: &str, position: i64) -> String {
        self.issue_after(scope, listing, &position.to_be_bytes())
    }

    /// The position a token continues `listing` after, if the token is genuine, the caller's and
    /// of that listing.
    pub fn check(&self, scope: &Scope, listing: &str, token: &str) -> Option<i64> {
        let key = self.check_after(scope, listing, token)?;
        Some(i64::from_be_bytes(key.try_into().ok()?))
    }

    /// A token for "continue `listing` after `key`", for listings ordered by a key rather than a
    /// position (faces by their id). Keys of up to 64 bytes keep the token under 120 characters.
    pub fn issue_after(&self, scope: &Scope, listing: &str, key: &[u8]) -> String {
        let mut bytes = Vec::with_capacity(1 + key.len() + MAC_BYTES);
        bytes.push(VERSION);
        bytes.extend_from_slice(key);
        bytes.extend_from_slice(&self.mac(scope, listing, key));
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The key a token of [`Self::issue_after`] continues `listing` after, if the token is
    /// genuine, the caller's and of that listing.
    pub fn check_after(&self, scope: &Scope, listing: &str, token: &str) -> Option<Vec<u8>> {
        if token.len() > 255 {
            return None;
        }
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(token)
            .ok()?;
        if bytes.len() < 1 + MAC_BYTES || bytes[0] != VERSION {
            return None;
        }
        let (key, mac) = bytes[1..].split_at(bytes.len() - 1 - MAC_BYTES);
        let expected = self.mac(scope, listing, key);
        // Constant-time comparison, so a forger learns nothing from timing.
        let difference = expected
            .iter()
            .zip(mac)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        (difference == 0).then(|| key.to_vec())
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

    #[test]
    fn key_tokens_round_trip_and_position_tokens_are_unchanged() {
        let tokens = Tokens::new([7; 32]);
        let mine = scope("111111111111", "us-east-1");
        let face = b"0b3b2a53-8a4f-4a4e-9b1c-1b5d1c0d6d10";
        let token = tokens.issue_after(&mine, "faces:c", face);
        assert_eq!(
            tokens.check_after(&mine, "faces:c", &token).as_deref(),
            Some(&face[..])
        );
        assert_eq!(tokens.check_after(&mine, "faces:d", &token), None);
        assert_eq!(tokens.check(&mine, "faces:c", &token), None);
        assert_eq!(
            tokens.issue(&mine, "collections", 42),
            tokens.issue_after(&mine, "collections", &42i64.to_be_bytes())
        );
    }
}
