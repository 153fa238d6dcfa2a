//! Ground Truth manifests: where they are read from (an object store rooted at `--s3-root`, one
//! folder per bucket) and how their JSON Lines become dataset entries.
//!
//! `s3://Bucket/Name` is the file `<s3-root>/Bucket/Name`; version `V` of it is the file
//! `<s3-root>/Bucket/Name.versions/V`.

use std::path::Path;
use std::sync::Arc;

use object_store::ObjectStore;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;

use crate::store::EntryError;

/// An S3 object's location, as a dataset source records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The bucket.
    pub bucket: String,
    /// The object key.
    pub name: String,
    /// The version, if one was asked for.
    pub version: Option<String>,
}

impl Location {
    /// The text stored with a dataset, to resume its import after a restart.
    pub fn encode(&self) -> String {
        serde_json::json!({"Bucket": self.bucket, "Name": self.name, "Version": self.version})
            .to_string()
    }

    /// Reads [`Self::encode`]'s text back.
    pub fn decode(text: &str) -> Option<Self> {
        let value: serde_json::Value = serde_json::from_str(text).ok()?;
        Some(Self {
            bucket: value["Bucket"].as_str()?.to_owned(),
            name: value["Name"].as_str()?.to_owned(),
            version: value["Version"].as_str().map(str::to_owned),
        })
    }

    fn object_path(&self) -> Option<ObjectPath> {
        let key = match &self.version {
            Some(version) => format!("{}/{}.versions/{version}", self.bucket, self.name),
            None => format!("{}/{}", self.bucket, self.name),
        };
        ObjectPath::parse(key).ok()
    }
}

/// The S3 stand-in: a local folder through the `object_store` crate.
#[derive(Debug, Clone)]
pub struct Objects {
    store: Arc<dyn ObjectStore>,
}

impl Objects {
    /// Serves objects from `root` (created if missing).
    pub fn local(root: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(root)?;
        let store = LocalFileSystem::new_with_prefix(root).map_err(std::io::Error::other)?;
        Ok(Self {
            store: Arc::new(store),
        })
    }

    /// Whether the object exists.
    pub async fn exists(&self, location: &Location) -> bool {
        match location.object_path() {
            Some(path) => self.store.head(&path).await.is_ok(),
            None => false,
        }
    }

    /// The object's bytes.
    pub async fn read(&self, location: &Location) -> Result<Vec<u8>, String> {
        let path = location
            .object_path()
            .ok_or("the object key is not a valid path")?;
        let result = self.store.get(&path).await.map_err(|e| e.to_string())?;
        let bytes = result.bytes().await.map_err(|e| e.to_string())?;
        Ok(bytes.to_vec())
    }
}

/// What reading a manifest gave: the entries, the lines that were not entries, and whether the
/// dataset can be created from it (`Err` with the reason when it cannot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// Valid JSON Lines, as written.
    pub entries: Vec<String>,
    /// Lines that are not valid entries.
    pub errors: Vec<EntryError>,
}

/// Parses a manifest: one JSON object per line, each with an `s3://` `source-ref`.
pub fn parse(bytes: &[u8]) -> Result<Parsed, String> {
    let text =
        std::str::from_utf8(bytes).map_err(|_| "the manifest is not UTF-8 text".to_owned())?;
    let mut parsed = Parsed {
        entries: Vec::new(),
        errors: Vec::new(),
    };
    for (index, line) in text.lines().enumerate() {
        let line_number = index as i64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let problem = match serde_json::from_str::<serde_json::Value>(line) {
            Err(error) => Some(format!("not a JSON object: {error}")),
            Ok(serde_json::Value::Object(object)) => match object
                .get("source-ref")
                .and_then(|v| v.as_str())
            {
                None => Some("missing the source-ref field".to_owned()),
                Some(source) if !source.starts_with("s3://") || source.len() <= "s3://".len() => {
                    Some(format!("source-ref {source:?} is not an s3:// URI"))
                }
                Some(_) => None,
            },
            Ok(_) => Some("not a JSON object".to_owned()),
        };
        match problem {
            None => parsed.entries.push(line.trim().to_owned()),
            Some(message) => parsed.errors.push(EntryError {
                line: line_number,
                message,
            }),
        }
    }
    if parsed.entries.is_empty() {
        return Err("the manifest file contains no valid JSON Lines".to_owned());
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_good_lines_and_reports_bad_ones() {
        let manifest = b"{\"source-ref\":\"s3://b/1.jpg\",\"label\":1}\nnot json\n\n{\"other\":1}\n{\"source-ref\":\"http://x\"}\n{\"source-ref\":\"s3://b/2.jpg\"}\n";
        let parsed = parse(manifest).unwrap();
        assert_eq!(parsed.entries.len(), 2);
        let lines: Vec<i64> = parsed.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 4, 5]);
    }

    #[test]
    fn a_manifest_without_entries_fails() {
        assert!(parse(b"").is_err());
        assert!(parse(b"garbage\n").is_err());
        assert!(parse(&[0xff, 0xfe]).is_err());
    }

    #[test]
    fn locations_round_trip() {
        let location = Location {
            bucket: "b".into(),
            name: "dir/m.manifest".into(),
            version: Some("3".into()),
        };
        assert_eq!(Location::decode(&location.encode()), Some(location));
    }
}
