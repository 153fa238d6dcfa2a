//! The S3 stand-in, where Ground Truth manifests and the images of face operations are read
//! from: an object store rooted at `--s3-root`, one folder per bucket (the `entries` module
//! reads what manifests hold).
//!
//! `s3://Bucket/Name` is the file `<s3-root>/Bucket/Name`; version `V` of it is the file
//! `<s3-root>/Bucket/Name.versions/V`.

use std::path::Path;
use std::sync::Arc;

use object_store::ObjectStore;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;

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

/// Why an object could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectError {
    /// There is no such object (or version), or it cannot be read.
    Missing,
    /// It is larger than allowed: its size in bytes.
    TooLarge(u64),
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

    /// The object's bytes, unless it is larger than `max` bytes (checked before it is read).
    pub async fn read_at_most(
        &self,
        location: &Location,
        max: u64,
    ) -> Result<Vec<u8>, ObjectError> {
        let path = location.object_path().ok_or(ObjectError::Missing)?;
        let meta = self
            .store
            .head(&path)
            .await
            .map_err(|_| ObjectError::Missing)?;
        if meta.size > max {
            return Err(ObjectError::TooLarge(meta.size));
        }
        let result = self
            .store
            .get(&path)
            .await
            .map_err(|_| ObjectError::Missing)?;
        let bytes = result.bytes().await.map_err(|_| ObjectError::Missing)?;
        if bytes.len() as u64 > max {
            return Err(ObjectError::TooLarge(bytes.len() as u64));
        }
        Ok(bytes.to_vec())
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

#[cfg(test)]
mod tests {
    use super::*;

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
