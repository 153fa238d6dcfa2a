//! Amazon Resource Names of the resources the server keeps: how each is written (in the
//! partition of its region) and how a caller's ARN is read back into the resource it names.

use crate::store::Scope;

/// The partition of a region: `aws-cn` for China, `aws-us-gov` for GovCloud (US), the isolated
/// partitions for theirs, `aws` everywhere else.
pub fn partition(region: &str) -> &'static str {
    const PARTITIONS: [(&str, &str); 6] = [
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-isob-", "aws-iso-b"),
        ("us-isof-", "aws-iso-f"),
        ("us-iso-", "aws-iso"),
        ("eu-isoe-", "aws-iso-e"),
    ];
    PARTITIONS
        .iter()
        .find(|(prefix, _)| region.starts_with(prefix))
        .map_or("aws", |(_, partition)| partition)
}

/// The ARN prefix of every resource of `scope`: `arn:<partition>:rekognition:<region>:<account>:`.
fn prefix(scope: &Scope) -> String {
    format!(
        "arn:{}:rekognition:{}:{}:",
        partition(&scope.region),
        scope.region,
        scope.account
    )
}

/// A collection's ARN, as `DescribeCollection` and the tagging operations write it.
pub fn collection(scope: &Scope, id: &str) -> String {
    format!("{}collection/{id}", prefix(scope))
}

/// A collection's ARN as `CreateCollection` answers it: without the leading `arn:`, a
/// long-standing quirk of the real service.
pub fn collection_as_created(scope: &Scope, id: &str) -> String {
    let full = collection(scope, id);
    full.strip_prefix("arn:").unwrap_or(&full).to_owned()
}

/// A project's ARN: its name and creation time in milliseconds.
pub fn project(scope: &Scope, name: &str, created_millis: i64) -> String {
    format!("{}project/{name}/{created_millis}", prefix(scope))
}

/// A dataset's ARN: its project's name, its type (`train` or `test`) and creation time.
pub fn dataset(scope: &Scope, project_name: &str, kind: &str, created_millis: i64) -> String {
    format!(
        "{}project/{project_name}/dataset/{kind}/{created_millis}",
        prefix(scope)
    )
}

/// What a caller's ARN names, when it names a resource of this service in the caller's own
/// account and region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    /// A face collection, by id.
    Collection(String),
    /// A Custom Labels project, by ARN.
    Project(String),
    /// A dataset, by ARN.
    Dataset(String),
}

/// Reads `arn` as a resource of `scope`: `None` when it is not a well-formed ARN of this
/// service's collections, projects or datasets in the caller's partition, region and account.
pub fn resource(scope: &Scope, arn: &str) -> Option<Resource> {
    let rest = arn.strip_prefix(&prefix(scope))?;
    if let Some(id) = rest.strip_prefix("collection/") {
        let valid = !id.is_empty()
            && id.len() <= 255
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
        return valid.then(|| Resource::Collection(id.to_owned()));
    }
    let project = rest.strip_prefix("project/")?;
    let parts: Vec<&str> = project.split('/').collect();
    let name_ok = |name: &str| {
        !name.is_empty()
            && name.len() <= 255
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    };
    let millis_ok = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [name, millis] if name_ok(name) && millis_ok(millis) => {
            Some(Resource::Project(arn.to_owned()))
        }
        [name, "dataset", "train" | "test", millis] if name_ok(name) && millis_ok(millis) => {
            Some(Resource::Dataset(arn.to_owned()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(region: &str) -> Scope {
        Scope {
            account: "123456789012".into(),
            region: region.into(),
        }
    }

    #[test]
    fn arns_use_the_partition_of_their_region() {
        assert_eq!(
            project(&scope("us-east-1"), "p", 5),
            "arn:aws:rekognition:us-east-1:123456789012:project/p/5"
        );
        assert_eq!(
            project(&scope("cn-north-1"), "p", 5),
            "arn:aws-cn:rekognition:cn-north-1:123456789012:project/p/5"
        );
        assert_eq!(
            dataset(&scope("us-gov-west-1"), "p", "test", 7),
            "arn:aws-us-gov:rekognition:us-gov-west-1:123456789012:project/p/dataset/test/7"
        );
        assert_eq!(
            collection_as_created(&scope("cn-northwest-1"), "c"),
            "aws-cn:rekognition:cn-northwest-1:123456789012:collection/c"
        );
        assert_eq!(partition("us-isob-east-1"), "aws-iso-b");
        assert_eq!(partition("us-iso-east-1"), "aws-iso");
        assert_eq!(partition("eu-west-1"), "aws");
    }

    #[test]
    fn reads_resource_arns_of_the_callers_scope_only() {
        let mine = scope("eu-west-1");
        let c = collection(&mine, "faces");
        assert_eq!(
            resource(&mine, &c),
            Some(Resource::Collection("faces".into()))
        );
        let p = project(&mine, "p", 17);
        assert_eq!(resource(&mine, &p), Some(Resource::Project(p.clone())));
        let d = dataset(&mine, "p", "train", 18);
        assert_eq!(resource(&mine, &d), Some(Resource::Dataset(d.clone())));
        assert_eq!(resource(&scope("us-east-1"), &p), None);
        for bad in [
            "arn:aws:rekognition:eu-west-1:123456789012:collection/",
            "arn:aws:rekognition:eu-west-1:123456789012:collection/a b",
            "arn:aws:rekognition:eu-west-1:123456789012:project/p",
            "arn:aws:rekognition:eu-west-1:123456789012:project/p/x",
            "arn:aws:rekognition:eu-west-1:123456789012:project/p/dataset/valid/1",
            "arn:aws:rekognition:eu-west-1:123456789012:project/p/version/v/1",
            "aws:rekognition:eu-west-1:123456789012:collection/faces",
            "arn:aws:rekognition:eu-west-1:210987654321:collection/faces",
        ] {
            assert_eq!(resource(&mine, bad), None, "{bad}");
        }
    }
}
