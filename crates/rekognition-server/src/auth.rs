//! Who may call: the credentials file of strict mode (access key, secret, account, allowed
//! actions) and IAM-style action patterns (`rekognition:Create*`, `rekognition:*`, `*`).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use serde::Deserialize;

/// The prefix of every action of this service.
pub const ACTION_PREFIX: &str = "rekognition";

/// The services whose actions a credential may be allowed: this one, and S3, whose
/// `s3:GetObject` the face operations also ask for when an image is an S3 object.
const SERVICES: [&str; 2] = [ACTION_PREFIX, "s3"];

/// One issued credential.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Credential {
    /// The access key id, e.g. `AKIAIOSFODNN7EXAMPLE`.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
    /// The account the key belongs to (12 digits).
    pub account_id: String,
    /// The IAM user name shown in access-denied messages [default: the access key id].
    #[serde(default)]
    pub user: Option<String>,
    /// A session token the requests must carry (`X-Amz-Security-Token`), for temporary
    /// credentials.
    #[serde(default)]
    pub session_token: Option<String>,
    /// Actions the key may call: `rekognition:CreateCollection`, with `*` and `?` wildcards.
    pub allowed_actions: Vec<String>,
}

impl Credential {
    /// The caller's ARN, as access-denied messages name it.
    pub fn principal(&self) -> String {
        format!(
            "arn:aws:iam::{}:user/{}",
            self.account_id,
            self.user.as_deref().unwrap_or(&self.access_key_id)
        )
    }

    /// Whether the key may call `action` (e.g. `rekognition:ListCollections`).
    pub fn allows(&self, action: &str) -> bool {
        self.allowed_actions
            .iter()
            .any(|pattern| action_matches(pattern, action))
    }
}

/// The credentials file of strict mode, TOML:
///
/// ```toml
/// [[credential]]
/// access_key_id = "AKIAALICEEXAMPLE"
/// secret_access_key = "alice-secret"
/// account_id = "111122223333"
/// user = "alice"
/// allowed_actions = ["rekognition:*"]
/// ```
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    /// The issued credentials.
    #[serde(default, rename = "credential")]
    pub credentials: Vec<Credential>,
}

impl Credentials {
    /// Reads and checks a credentials file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the credentials file {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("in the credentials file {}", path.display()))
    }

    /// Parses and checks credentials: every key once, accounts of 12 digits, actions of this
    /// service or S3.
    pub fn parse(text: &str) -> Result<Self> {
        let credentials: Credentials = toml::from_str(text)?;
        if credentials.credentials.is_empty() {
            bail!("no [[credential]] entries: strict mode would refuse every request");
        }
        let mut seen = BTreeMap::new();
        for credential in &credentials.credentials {
            if credential.access_key_id.is_empty() || credential.secret_access_key.is_empty() {
                bail!("every credential needs an access_key_id and a secret_access_key");
            }
            if seen.insert(credential.access_key_id.as_str(), ()).is_some() {
                bail!("access key {} is listed twice", credential.access_key_id);
            }
            if credential.account_id.len() != 12
                || !credential.account_id.bytes().all(|b| b.is_ascii_digit())
            {
                bail!(
                    "access key {}: account_id must be 12 digits, not {:?}",
                    credential.access_key_id,
                    credential.account_id
                );
            }
            for pattern in &credential.allowed_actions {
                let service = pattern.split_once(':').map_or(pattern.as_str(), |(s, _)| s);
                if pattern != "*" && !SERVICES.iter().any(|s| action_matches(service, s)) {
                    bail!(
                        "access key {}: {pattern:?} is not an action this server checks (rekognition:<Operation>, or s3:GetObject for images in S3, with * and ? wildcards)",
                        credential.access_key_id
                    );
                }
            }
        }
        Ok(credentials)
    }

    /// The credential of an access key id.
    pub fn get(&self, access_key_id: &str) -> Option<&Credential> {
        self.credentials
            .iter()
            .find(|c| c.access_key_id == access_key_id)
    }
}

/// IAM action matching: case-insensitive, `*` any run of characters, `?` any one.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
    let action: Vec<char> = action.chars().flat_map(char::to_lowercase).collect();
    // Greedy glob matching with one backtrack point: linear in practice, never exponential.
    let (mut p, mut a) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while a < action.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == action[a]) {
            p += 1;
            a += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, a));
            p += 1;
        } else if let Some((star_p, star_a)) = star {
            p = star_p + 1;
            a = star_a + 1;
            star = Some((star_p, star_a + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_actions_like_iam() {
        for (pattern, action, expected) in [
            (
                "rekognition:CreateCollection",
                "rekognition:CreateCollection",
                true,
            ),
            (
                "rekognition:createcollection",
                "rekognition:CreateCollection",
                true,
            ),
            ("rekognition:*", "rekognition:ListCollections", true),
            ("*", "rekognition:ListCollections", true),
            ("rekognition:Create*", "rekognition:CreateDataset", true),
            ("rekognition:Create*", "rekognition:DeleteCollection", false),
            (
                "rekognition:*Collection",
                "rekognition:DeleteCollection",
                true,
            ),
            (
                "rekognition:*Collection",
                "rekognition:ListCollections",
                false,
            ),
            (
                "rekognition:?istCollections",
                "rekognition:ListCollections",
                true,
            ),
            ("rekognition:List", "rekognition:ListCollections", false),
            ("s3:*", "rekognition:ListCollections", false),
        ] {
            assert_eq!(
                action_matches(pattern, action),
                expected,
                "{pattern} {action}"
            );
        }
    }

    #[test]
    fn reads_and_checks_credentials_files() {
        let credentials = Credentials::parse(
            r#"
            [[credential]]
            access_key_id = "AKIDALICE"
            secret_access_key = "secret"
            account_id = "111122223333"
            user = "alice"
            allowed_actions = ["rekognition:List*"]
            "#,
        )
        .unwrap();
        let alice = credentials.get("AKIDALICE").unwrap();
        assert_eq!(alice.principal(), "arn:aws:iam::111122223333:user/alice");
        assert!(alice.allows("rekognition:ListCollections"));
        assert!(!alice.allows("rekognition:DeleteCollection"));
        assert!(!alice.allows("s3:GetObject"));
        // S3 images need s3:GetObject, which a credential may be given.
        let reader = Credentials::parse(
            r#"
            [[credential]]
            access_key_id = "AKIDREADER"
            secret_access_key = "secret"
            account_id = "111122223333"
            allowed_actions = ["rekognition:DetectFaces", "s3:GetObject"]
            "#,
        )
        .unwrap();
        assert!(reader.get("AKIDREADER").unwrap().allows("s3:GetObject"));
        for bad in [
            "",
            "[[credential]]\naccess_key_id = \"A\"\nsecret_access_key = \"s\"\naccount_id = \"1\"\nallowed_actions = []",
            "[[credential]]\naccess_key_id = \"A\"\nsecret_access_key = \"s\"\naccount_id = \"111122223333\"\nallowed_actions = [\"ec2:*\"]",
            "[[credential]]\naccess_key_id = \"A\"\nsecret_access_key = \"s\"\naccount_id = \"111122223333\"",
            "[[credential]]\naccess_key_id = \"A\"\nsecret_access_key = \"s\"\naccount_id = \"111122223333\"\nallowed_actions = []\nsecret = 1",
        ] {
            assert!(Credentials::parse(bad).is_err(), "{bad}");
        }
    }
}
