//! Dataset entries from SageMaker Ground Truth manifests, analysed the way Rekognition Custom
//! Labels does when a dataset is created, updated or copied.
//!
//! A manifest is JSON Lines, one image per line. A line is either dropped (a terminal content
//! error: blank, too long, not a JSON object, a missing, malformed or repeated `source-ref`) or
//! kept as an [`Entry`]. The stored line is the input object with its key order and number text
//! intact, written compactly, with the service's own keys appended: `cl-errors` lists where a
//! label attribute or the whole line is wrong, and `cl-metadata` says whether the image is
//! labeled. Service keys found in the input are removed first, so a stored line sent back
//! unchanged gives the same entry again.
//!
//! A label attribute is a key `K` with a `K-metadata` object beside it; the metadata's `type`
//! says how to read it (single-label classification, SageMaker multi-label classification, object
//! detection). A problem with one attribute goes into its metadata's `cl-errors` and costs only
//! that attribute's labels (or one box); a problem with the line as a whole goes into the
//! top-level `cl-errors`. Neither drops the line.
//!
//! Problems of the manifest as a whole (not UTF-8, empty, too many lines, too many dropped lines,
//! images in more than one bucket, too many labels) are a [`Terminal`] error: the dataset cannot
//! be created or updated from it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

/// The longest line, in characters, before or after the service keys are added.
pub const MAX_LINE_CHARS: usize = 100_000;

/// The most lines (blank ones included) a manifest may have.
pub const MAX_LINES: usize = 250_000;

/// The most distinct labels the entries of one dataset may use.
pub const MAX_LABELS: usize = 250;

/// The most bounding boxes one object-detection label attribute may hold.
pub const MAX_BOXES_PER_IMAGE: usize = 50;

/// The longest label name, in characters (a `DatasetLabel` name is 1 to 255 characters).
const MAX_LABEL_NAME_CHARS: usize = 255;

/// The key that names an entry's image.
const SOURCE_REF: &str = "source-ref";

/// The suffix that makes a key the metadata of the label attribute named by the rest.
const METADATA_SUFFIX: &str = "-metadata";

/// The service-owned key holding error lists, at the top level and inside label metadata.
const ERRORS_KEY: &str = "cl-errors";

/// The service-owned top-level key holding `is_labeled`.
const SERVICE_METADATA_KEY: &str = "cl-metadata";

const IMAGE_CLASSIFICATION: &str = "groundtruth/image-classification";
const MULTILABEL_CLASSIFICATION: &str = "groundtruth/image-classification-multilabel";
const OBJECT_DETECTION: &str = "groundtruth/object-detection";

/// One image of a dataset, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The image's `s3://BUCKET/KEY` URI.
    pub source_ref: String,
    /// The JSON line as stored and as ListDatasetEntries returns it: the input object, compact,
    /// with `cl-errors` lists where needed and a final `cl-metadata`.
    pub line: String,
    /// Whether at least one label attribute gave a valid label.
    pub labeled: bool,
    /// Whether the line carries any `cl-errors` list, at the top level or in label metadata.
    pub has_errors: bool,
    /// The entry's distinct labels, sorted by name.
    pub labels: Vec<EntryLabel>,
}

/// A label used by one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryLabel {
    /// The label name.
    pub name: String,
    /// How many bounding boxes of this label the entry has; 0 for an image-level label.
    pub bounding_boxes: u32,
}

/// Why a manifest or an update cannot be applied (the dataset becomes CREATE_FAILED or
/// UPDATE_FAILED).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terminal {
    /// The service's error code, such as `ERROR_EMPTY_MANIFEST`.
    pub code: &'static str,
    /// The service's message for that code.
    pub message: &'static str,
}

impl Terminal {
    /// The manifest is not UTF-8 text (also fits a manifest that cannot be read at all).
    pub const UNSUPPORTED_FORMAT: Self = Self {
        code: "ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT",
        message: "The manifest file extension or contents are invalid.",
    };
    /// The manifest has no lines, or only whitespace.
    pub const EMPTY_MANIFEST: Self = Self {
        code: "ERROR_EMPTY_MANIFEST",
        message: "The manifest file is empty.",
    };
    /// The manifest has more than [`MAX_LINES`] lines.
    pub const TOO_MANY_ROWS: Self = Self {
        code: "ERROR_MANIFEST_ROWS_EXCEEDS_MAXIMUM",
        message: "The manifest file has too many rows.",
    };
    /// More than a fifth of the lines were dropped.
    pub const TOO_MANY_RECORDS_IN_ERROR: Self = Self {
        code: "ERROR_TOO_MANY_RECORDS_IN_ERROR",
        message: "The manifest file has too many terminal errors.",
    };
    /// The images are not all in one bucket.
    pub const MULTIPLE_BUCKETS: Self = Self {
        code: "ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS",
        message: "The manifest file contains images from multiple S3 buckets.",
    };
    /// The entries use more than [`MAX_LABELS`] distinct labels.
    pub const TOO_MANY_LABELS: Self = Self {
        code: "ERROR_MANIFEST_TOO_MANY_LABELS",
        message: "The manifest file has too many labels.",
    };
}

impl fmt::Display for Terminal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Terminal {}

/// What analysing JSON Lines gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    /// The kept lines, in input order.
    pub entries: Vec<Entry>,
    /// How many lines were dropped as terminal content errors.
    pub dropped: usize,
    /// How many lines the text has, blank ones included.
    pub lines: usize,
}

/// Analyses manifest text: every line becomes an entry or is dropped, then the whole is checked.
pub fn analyze(text: &[u8]) -> Result<Analysis, Terminal> {
    let text = std::str::from_utf8(text).map_err(|_| Terminal::UNSUPPORTED_FORMAT)?;
    if text.trim().is_empty() {
        return Err(Terminal::EMPTY_MANIFEST);
    }
    let lines = text.lines().count();
    if lines > MAX_LINES {
        return Err(Terminal::TOO_MANY_ROWS);
    }
    let mut collector = Collector::default();
    for line in text.lines() {
        collector.add(line);
    }
    collector.finish(lines)
}

/// Applies `changes` to `existing`: a change replaces, in place, the entry with the same
/// `source-ref`; other changes are appended in their order. The result is checked as a whole
/// (one bucket, at most [`MAX_LABELS`] labels).
pub fn merge(existing: Vec<Entry>, changes: Vec<Entry>) -> Result<Vec<Entry>, Terminal> {
    let mut merged = existing;
    let mut positions: HashMap<String, usize> = merged
        .iter()
        .enumerate()
        .map(|(position, entry)| (entry.source_ref.clone(), position))
        .collect();
    for change in changes {
        match positions.get(&change.source_ref).copied() {
            Some(position) => {
                if let Some(slot) = merged.get_mut(position) {
                    *slot = change;
                }
            }
            None => {
                positions.insert(change.source_ref.clone(), merged.len());
                merged.push(change);
            }
        }
    }
    check_whole(&merged)?;
    Ok(merged)
}

/// Re-reads stored lines (copying a dataset, say) with the rules of [`analyze`], each string
/// taken as one line. No lines at all is an empty dataset, not an error.
pub fn reanalyze(lines: &[String]) -> Result<Vec<Entry>, Terminal> {
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    if lines.len() > MAX_LINES {
        return Err(Terminal::TOO_MANY_ROWS);
    }
    let mut collector = Collector::default();
    for line in lines {
        collector.add(line);
    }
    Ok(collector.finish(lines.len())?.entries)
}

/// Gathers the entries of one manifest, dropping lines that cannot be entries.
#[derive(Default)]
struct Collector {
    entries: Vec<Entry>,
    source_refs: HashSet<String>,
    dropped: usize,
}

impl Collector {
    fn add(&mut self, line: &str) {
        match read_line(line) {
            // The first line naming an image wins; later ones are duplicates.
            Some(entry) if self.source_refs.insert(entry.source_ref.clone()) => {
                self.entries.push(entry);
            }
            _ => self.dropped += 1,
        }
    }

    fn finish(self, lines: usize) -> Result<Analysis, Terminal> {
        // Exactly a fifth dropped is still acceptable; more is not.
        if self.dropped.saturating_mul(5) > lines {
            return Err(Terminal::TOO_MANY_RECORDS_IN_ERROR);
        }
        check_whole(&self.entries)?;
        Ok(Analysis {
            entries: self.entries,
            dropped: self.dropped,
            lines,
        })
    }
}

/// The checks that span entries: one bucket, and not too many labels.
fn check_whole(entries: &[Entry]) -> Result<(), Terminal> {
    let mut buckets = entries
        .iter()
        .filter_map(|entry| bucket_of(&entry.source_ref));
    if let Some(first) = buckets.next()
        && buckets.any(|bucket| bucket != first)
    {
        return Err(Terminal::MULTIPLE_BUCKETS);
    }
    let names: HashSet<&str> = entries
        .iter()
        .flat_map(|entry| entry.labels.iter().map(|label| label.name.as_str()))
        .collect();
    if names.len() > MAX_LABELS {
        return Err(Terminal::TOO_MANY_LABELS);
    }
    Ok(())
}

/// The bucket of an `s3://BUCKET/KEY` URI whose bucket and key are both non-empty.
fn bucket_of(source_ref: &str) -> Option<&str> {
    let (bucket, key) = source_ref.strip_prefix("s3://")?.split_once('/')?;
    (!bucket.is_empty() && !key.is_empty()).then_some(bucket)
}

fn too_long(text: &str) -> bool {
    // Characters never outnumber bytes, so the byte length settles most lines cheaply.
    text.len() > MAX_LINE_CHARS && text.chars().count() > MAX_LINE_CHARS
}

/// One error in a `cl-errors` list.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Issue {
    code: &'static str,
    message: String,
}

impl Issue {
    fn new(code: &'static str, message: &str) -> Self {
        Self {
            code,
            message: message.to_owned(),
        }
    }

    fn no_label_attributes() -> Self {
        Self::new("ERROR_NO_LABEL_ATTRIBUTES", "No label attributes found.")
    }

    fn no_valid_label_attributes() -> Self {
        Self::new(
            "ERROR_NO_VALID_LABEL_ATTRIBUTES",
            "No valid label attributes found.",
        )
    }

    fn invalid_metadata() -> Self {
        Self::new(
            "ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT",
            "The format of the label attribute metadata is invalid.",
        )
    }

    fn invalid_attribute(attribute: &str) -> Self {
        Self {
            code: "ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT",
            message: format!("The format of the label attribute {attribute} is invalid."),
        }
    }

    fn missing_class_map_id() -> Self {
        Self::new(
            "ERROR_MISSING_CLASS_MAP_ID",
            "One of more class ids is missing from the class map.",
        )
    }

    fn too_many_bounding_boxes() -> Self {
        Self::new(
            "ERROR_TOO_MANY_BOUNDING_BOXES",
            "There are more bounding boxes than the allowed maximum.",
        )
    }

    fn unsupported_use_case(attribute: &str) -> Self {
        Self {
            code: "ERROR_UNSUPPORTED_USE_CASE_TYPE",
            message: format!(
                "The use case type of the {attribute}{METADATA_SUFFIX} label attribute metadata \
                 is unsupported. Check the type field."
            ),
        }
    }
}

/// A top-level member of a line, its value already compact.
struct Member {
    key: String,
    text: String,
    /// The members of a `-metadata` object, without any `cl-errors`; `None` for other values.
    metadata: Option<Vec<(String, String)>>,
    /// Errors to append inside the metadata object.
    issues: Vec<Issue>,
}

/// What one label attribute gave: label names with box counts, and errors for its metadata.
#[derive(Default)]
struct Outcome {
    labels: Vec<(String, u32)>,
    issues: Vec<Issue>,
}

impl Outcome {
    fn failed(issue: Issue) -> Self {
        Self {
            labels: Vec::new(),
            issues: vec![issue],
        }
    }
}

/// Reads one line into an entry, or `None` when the line is a terminal content error.
fn read_line(line: &str) -> Option<Entry> {
    if line.trim().is_empty() || too_long(line) {
        return None;
    }
    let OrderedObject(raw_members) = serde_json::from_str(line).ok()?;
    let mut members = Vec::with_capacity(raw_members.len());
    for (key, raw) in raw_members {
        if key == ERRORS_KEY || key == SERVICE_METADATA_KEY {
            continue;
        }
        let text = compact(raw.get())?;
        let metadata = if key.ends_with(METADATA_SUFFIX) && text.starts_with('{') {
            let OrderedObject(fields) = serde_json::from_str(&text).ok()?;
            Some(
                fields
                    .into_iter()
                    .filter(|(field, _)| field != ERRORS_KEY)
                    .map(|(field, value)| (field, value.get().to_owned()))
                    .collect(),
            )
        } else {
            None
        };
        members.push(Member {
            key,
            text,
            metadata,
            issues: Vec::new(),
        });
    }
    let source_ref: String = members
        .iter()
        .find(|member| member.key == SOURCE_REF)
        .and_then(|member| serde_json::from_str(&member.text).ok())?;
    bucket_of(&source_ref)?;

    let (labels, line_issues) = label(&mut members);
    let labeled = !labels.is_empty();
    let has_errors = !line_issues.is_empty() || members.iter().any(|m| !m.issues.is_empty());
    let stored = write_line(&members, &line_issues, labeled);
    if too_long(&stored) {
        return None;
    }
    Some(Entry {
        source_ref,
        line: stored,
        labeled,
        has_errors,
        labels,
    })
}

/// Finds the label attribute pairs of a line, analyses each (recording errors in its metadata
/// member) and returns the entry's labels and the line-level errors.
fn label(members: &mut [Member]) -> (Vec<EntryLabel>, Vec<Issue>) {
    let positions: HashMap<&str, usize> = members
        .iter()
        .enumerate()
        .map(|(position, member)| (member.key.as_str(), position))
        .collect();
    let mut pairs = Vec::new();
    let mut any_metadata = false;
    let mut broken_metadata = false;
    for (metadata_position, member) in members.iter().enumerate() {
        let Some(attribute) = member.key.strip_suffix(METADATA_SUFFIX) else {
            continue;
        };
        any_metadata = true;
        match positions.get(attribute) {
            Some(&attribute_position) if is_label_attribute(attribute) => {
                pairs.push((attribute_position, metadata_position));
            }
            _ => broken_metadata = true,
        }
    }

    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    // Attributes that gave a label or were read without an error: a bounding-box attribute with
    // no boxes is one (an image with no objects, which Custom Labels only warns about), though
    // it gives no label.
    let mut sound_attributes = 0;
    for &(attribute_position, metadata_position) in &pairs {
        let (Some(attribute), Some(metadata)) = (
            members.get(attribute_position),
            members.get(metadata_position),
        ) else {
            continue;
        };
        let Some(fields) = &metadata.metadata else {
            broken_metadata = true;
            continue;
        };
        let outcome = analyse_attribute(&attribute.key, &attribute.text, fields);
        if outcome.issues.is_empty() || !outcome.labels.is_empty() {
            sound_attributes += 1;
        }
        for (name, boxes) in outcome.labels {
            let count = counts.entry(name).or_insert(0);
            *count = count.saturating_add(boxes);
        }
        if let Some(metadata) = members.get_mut(metadata_position) {
            metadata.issues = outcome.issues;
        }
    }

    let mut line_issues = Vec::new();
    if pairs.is_empty() {
        if any_metadata {
            line_issues.push(Issue::no_label_attributes());
        }
    } else {
        if broken_metadata {
            line_issues.push(Issue::invalid_metadata());
        }
        if sound_attributes == 0 {
            line_issues.push(Issue::no_valid_label_attributes());
        }
    }
    let labels = counts
        .into_iter()
        .map(|(name, bounding_boxes)| EntryLabel {
            name,
            bounding_boxes,
        })
        .collect();
    (labels, line_issues)
}

fn is_label_attribute(key: &str) -> bool {
    key != SOURCE_REF && !key.ends_with(METADATA_SUFFIX)
}

/// Analyses one label attribute (`attribute` with the compact JSON `value`) by the `type` of its
/// metadata `fields`.
fn analyse_attribute(attribute: &str, value: &str, fields: &[(String, String)]) -> Outcome {
    let kind: Option<String> =
        field(fields, "type").and_then(|text| serde_json::from_str(text).ok());
    match kind.as_deref() {
        Some(IMAGE_CLASSIFICATION) => image_classification(fields),
        Some(MULTILABEL_CLASSIFICATION) => multilabel_classification(attribute, value, fields),
        Some(OBJECT_DETECTION) => object_detection(attribute, value, fields),
        _ => Outcome::failed(Issue::unsupported_use_case(attribute)),
    }
}

/// One image-level label from `class-name`; the attribute's own value does not matter.
fn image_classification(fields: &[(String, String)]) -> Outcome {
    let name: Option<String> =
        field(fields, "class-name").and_then(|text| serde_json::from_str(text).ok());
    match name {
        Some(name) if is_label_name(&name) => Outcome {
            labels: vec![(name, 0)],
            issues: Vec::new(),
        },
        _ => Outcome::failed(Issue::invalid_metadata()),
    }
}

/// Image-level labels from an array of class ids named by `class-map`.
fn multilabel_classification(attribute: &str, value: &str, fields: &[(String, String)]) -> Outcome {
    let ids: Option<Vec<String>> = serde_json::from_str::<Value>(value)
        .ok()
        .and_then(|value| value.as_array()?.iter().map(class_id).collect());
    let Some(ids) = ids else {
        return Outcome::failed(Issue::invalid_attribute(attribute));
    };
    let Some(class_map) = class_map(fields) else {
        return Outcome::failed(Issue::invalid_metadata());
    };
    let mut outcome = Outcome::default();
    for id in ids {
        match class_map.get(&id) {
            Some(name) => outcome.labels.push((name.clone(), 0)),
            None => push_once(&mut outcome.issues, Issue::missing_class_map_id()),
        }
    }
    outcome
}

/// One bounding box per annotation, labeled through `class-map`.
fn object_detection(attribute: &str, value: &str, fields: &[(String, String)]) -> Outcome {
    let Some(class_ids) = annotation_class_ids(value) else {
        return Outcome::failed(Issue::invalid_attribute(attribute));
    };
    let Some(class_map) = class_map(fields) else {
        return Outcome::failed(Issue::invalid_metadata());
    };
    if class_ids.len() > MAX_BOXES_PER_IMAGE {
        return Outcome::failed(Issue::too_many_bounding_boxes());
    }
    let mut outcome = Outcome::default();
    for id in class_ids {
        match class_map.get(&id) {
            Some(name) => outcome.labels.push((name.clone(), 1)),
            // Only this box is lost; the others still count.
            None => push_once(&mut outcome.issues, Issue::missing_class_map_id()),
        }
    }
    outcome
}

/// The class ids of an object-detection attribute value, or `None` when it is malformed: it
/// must be an object whose `annotations` is an array of objects with an integer `class_id` and
/// numeric `left`, `top`, `width` and `height`.
fn annotation_class_ids(value: &str) -> Option<Vec<String>> {
    let value: Value = serde_json::from_str(value).ok()?;
    let annotations = value.as_object()?.get("annotations")?.as_array()?;
    annotations
        .iter()
        .map(|annotation| {
            let annotation = annotation.as_object()?;
            let numeric = ["left", "top", "width", "height"]
                .iter()
                .all(|key| annotation.get(*key).is_some_and(Value::is_number));
            if !numeric {
                return None;
            }
            class_id(annotation.get("class_id")?)
        })
        .collect()
}

/// An integer class id as a `class-map` key.
fn class_id(value: &Value) -> Option<String> {
    let number = value.as_number()?;
    number
        .as_i64()
        .map(|id| id.to_string())
        .or_else(|| number.as_u64().map(|id| id.to_string()))
}

/// The `class-map` field: an object from class id to label name, every name valid.
fn class_map(fields: &[(String, String)]) -> Option<HashMap<String, String>> {
    let value: Value = serde_json::from_str(field(fields, "class-map")?).ok()?;
    value
        .as_object()?
        .iter()
        .map(|(id, name)| {
            let name = name.as_str().filter(|name| is_label_name(name))?;
            Some((id.clone(), name.to_owned()))
        })
        .collect()
}

fn is_label_name(name: &str) -> bool {
    !name.is_empty() && name.chars().count() <= MAX_LABEL_NAME_CHARS
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

fn push_once(issues: &mut Vec<Issue>, issue: Issue) {
    if !issues.contains(&issue) {
        issues.push(issue);
    }
}

/// Writes the stored form of a line: the members in input order, error lists where needed and
/// `cl-metadata` last, without insignificant whitespace.
fn write_line(members: &[Member], line_issues: &[Issue], labeled: bool) -> String {
    let capacity = members
        .iter()
        .map(|m| m.key.len() + m.text.len() + 4)
        .sum::<usize>()
        + 64;
    let mut out = String::with_capacity(capacity);
    out.push('{');
    for member in members {
        push_key(&mut out, &member.key);
        match &member.metadata {
            Some(fields) => {
                out.push('{');
                for (key, value) in fields {
                    push_key(&mut out, key);
                    out.push_str(value);
                }
                push_issues(&mut out, &member.issues);
                out.push('}');
            }
            None => out.push_str(&member.text),
        }
    }
    push_issues(&mut out, line_issues);
    push_key(&mut out, SERVICE_METADATA_KEY);
    out.push_str(if labeled {
        r#"{"is_labeled":true}"#
    } else {
        r#"{"is_labeled":false}"#
    });
    out.push('}');
    out
}

/// Starts an object member: a comma unless it is the object's first, then the quoted key.
fn push_key(out: &mut String, key: &str) {
    // A complete value never ends with `{`, so `{` last means the object has no member yet.
    if !out.ends_with('{') {
        out.push(',');
    }
    out.push_str(&quote(key));
    out.push(':');
}

fn push_issues(out: &mut String, issues: &[Issue]) {
    if issues.is_empty() {
        return;
    }
    push_key(out, ERRORS_KEY);
    out.push('[');
    for (index, issue) in issues.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        out.push_str(r#"{"code":"#);
        out.push_str(&quote(issue.code));
        out.push_str(r#","message":"#);
        out.push_str(&quote(&issue.message));
        out.push('}');
    }
    out.push(']');
}

fn quote(text: &str) -> String {
    Value::String(text.to_owned()).to_string()
}

/// Copies valid JSON text without insignificant whitespace, keeping everything else (number
/// text, string escapes, key order) as written. `None` when an object repeats a key, which makes
/// the line invalid, or when the text turns out not to be JSON after all.
///
/// Iterative, so nesting depth is bounded only by the line length.
fn compact(text: &str) -> Option<String> {
    enum Frame {
        Object {
            keys: HashSet<String>,
            expecting_key: bool,
        },
        Array,
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        match byte {
            b' ' | b'\t' | b'\n' | b'\r' => index += 1,
            b'"' => {
                let start = index;
                index += 1;
                loop {
                    match bytes.get(index)? {
                        b'\\' => index += 2,
                        b'"' => break,
                        _ => index += 1,
                    }
                }
                index += 1;
                let token = text.get(start..index)?;
                if let Some(Frame::Object {
                    keys,
                    expecting_key,
                }) = stack.last_mut()
                    && *expecting_key
                {
                    if !keys.insert(decode_string(token)?) {
                        return None;
                    }
                    *expecting_key = false;
                }
                out.push_str(token);
            }
            b'{' | b'[' => {
                stack.push(if byte == b'{' {
                    Frame::Object {
                        keys: HashSet::new(),
                        expecting_key: true,
                    }
                } else {
                    Frame::Array
                });
                out.push(char::from(byte));
                index += 1;
            }
            b'}' | b']' => {
                stack.pop()?;
                out.push(char::from(byte));
                index += 1;
            }
            b',' => {
                if let Some(Frame::Object { expecting_key, .. }) = stack.last_mut() {
                    *expecting_key = true;
                }
                out.push(',');
                index += 1;
            }
            // Outside strings, valid JSON is ASCII: digits, signs, literals, colons.
            _ if byte.is_ascii() => {
                out.push(char::from(byte));
                index += 1;
            }
            _ => return None,
        }
    }
    Some(out)
}

/// The text of a JSON string token (quotes included).
fn decode_string(token: &str) -> Option<String> {
    if token.contains('\\') {
        serde_json::from_str(token).ok()
    } else {
        token
            .strip_prefix('"')?
            .strip_suffix('"')
            .map(str::to_owned)
    }
}

/// A JSON object's members in input order, values as raw JSON text. Repeated keys are an error.
struct OrderedObject(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for OrderedObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(OrderedObjectVisitor)
    }
}

struct OrderedObjectVisitor;

impl<'de> Visitor<'de> for OrderedObjectVisitor {
    type Value = OrderedObject;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedObject, A::Error> {
        let mut members: Vec<(String, Box<RawValue>)> = Vec::new();
        let mut keys = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !keys.insert(key.clone()) {
                return Err(A::Error::custom(format_args!(
                    "the key {key:?} is repeated"
                )));
            }
            let value: Box<RawValue> = map.next_value()?;
            members.push((key, value));
        }
        Ok(OrderedObject(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLASSIFICATION_METADATA: &str = r#""confidence":0.95,"job-name":"labeling-job/flowers","type":"groundtruth/image-classification","human-annotated":"yes","creation-date":"2024-03-01T10:00:00.000"}"#;

    fn classification(attribute: &str, name: &str) -> String {
        format!(
            r#""{attribute}":1,"{attribute}-metadata":{{"class-name":"{name}",{CLASSIFICATION_METADATA}"#
        )
    }

    fn detection(attribute: &str, class_ids: &[i64], class_map: &str) -> String {
        let annotations: Vec<String> = class_ids
            .iter()
            .map(|id| format!(r#"{{"class_id":{id},"top":10,"left":20,"width":30,"height":40}}"#))
            .collect();
        format!(
            r#""{attribute}":{{"image_size":[{{"width":640,"height":480,"depth":3}}],"annotations":[{}]}},"{attribute}-metadata":{{"objects":[],"class-map":{class_map},"type":"groundtruth/object-detection","human-annotated":"yes","creation-date":"2024-03-01T10:00:00.000"}}"#,
            annotations.join(",")
        )
    }

    fn line(image: &str, attributes: &[String]) -> String {
        let mut line = format!(r#"{{"source-ref":"s3://bucket/{image}""#);
        for attribute in attributes {
            line.push(',');
            line.push_str(attribute);
        }
        line.push('}');
        line
    }

    fn one(line: &str) -> Entry {
        let analysis = analyze(line.as_bytes()).expect("the line is analysed");
        assert_eq!(analysis.dropped, 0, "the line is kept: {line}");
        assert_eq!(analysis.entries.len(), 1);
        analysis.entries.into_iter().next().expect("one entry")
    }

    fn dropped(line: &str) -> bool {
        read_line(line).is_none()
    }

    fn labels(entry: &Entry) -> Vec<(&str, u32)> {
        entry
            .labels
            .iter()
            .map(|label| (label.name.as_str(), label.bounding_boxes))
            .collect()
    }

    fn stored(entry: &Entry) -> Value {
        serde_json::from_str(&entry.line).expect("the stored line is JSON")
    }

    fn codes(errors: &Value) -> Vec<&str> {
        errors
            .as_array()
            .map(|errors| errors.iter().filter_map(|e| e["code"].as_str()).collect())
            .unwrap_or_default()
    }

    fn assert_idempotent(entry: &Entry) {
        let again = one(&entry.line);
        assert_eq!(&again, entry, "re-reading the stored line changes nothing");
    }

    #[test]
    fn an_image_level_line_keeps_its_text_and_gains_cl_metadata() {
        let input = line("a.jpg", &[classification("flower", "camellia")]);
        let entry = one(&input);
        assert_eq!(entry.source_ref, "s3://bucket/a.jpg");
        assert!(entry.labeled);
        assert!(!entry.has_errors);
        assert_eq!(labels(&entry), [("camellia", 0)]);
        let expected = format!(
            "{},\"cl-metadata\":{{\"is_labeled\":true}}}}",
            &input[..input.len() - 1]
        );
        assert_eq!(entry.line, expected);
        assert_idempotent(&entry);
    }

    #[test]
    fn several_image_level_attributes_give_several_sorted_labels() {
        let input = line(
            "a.jpg",
            &[
                classification("plant", "with_leaves"),
                classification("flower", "camellia"),
                classification("again", "camellia"),
            ],
        );
        let entry = one(&input);
        assert_eq!(labels(&entry), [("camellia", 0), ("with_leaves", 0)]);
        assert_idempotent(&entry);
    }

    #[test]
    fn a_multilabel_attribute_names_labels_through_its_class_map() {
        let input = line(
            "a.jpg",
            &[r#""tags":[0,2,2],"tags-metadata":{"class-map":{"0":"cat","1":"dog","2":"bird"},"confidence-map":{"0":0.9,"2":0.8},"type":"groundtruth/image-classification-multilabel","human-annotated":"yes","creation-date":"2024-03-01T10:00:00"}"#.to_owned()],
        );
        let entry = one(&input);
        assert!(entry.labeled);
        assert!(!entry.has_errors);
        assert_eq!(labels(&entry), [("bird", 0), ("cat", 0)]);
        assert_idempotent(&entry);
    }

    #[test]
    fn a_multilabel_id_missing_from_the_class_map_is_reported_and_skipped() {
        let input = line(
            "a.jpg",
            &[r#""tags":[0,7],"tags-metadata":{"class-map":{"0":"cat"},"type":"groundtruth/image-classification-multilabel"}"#.to_owned()],
        );
        let entry = one(&input);
        assert_eq!(labels(&entry), [("cat", 0)]);
        assert!(entry.has_errors);
        assert_eq!(
            codes(&stored(&entry)["tags-metadata"]["cl-errors"]),
            ["ERROR_MISSING_CLASS_MAP_ID"]
        );
        assert_idempotent(&entry);
    }

    #[test]
    fn a_multilabel_value_that_is_not_an_array_of_integers_is_invalid() {
        for value in [r#""0""#, "[0.5]", r#"["0"]"#, "{}"] {
            let input = line(
                "a.jpg",
                &[format!(
                    r#""tags":{value},"tags-metadata":{{"class-map":{{"0":"cat"}},"type":"groundtruth/image-classification-multilabel"}}"#
                )],
            );
            let entry = one(&input);
            assert!(!entry.labeled, "{value}");
            let line = stored(&entry);
            assert_eq!(
                line["tags-metadata"]["cl-errors"][0]["message"],
                "The format of the label attribute tags is invalid."
            );
            assert_eq!(
                codes(&line["cl-errors"]),
                ["ERROR_NO_VALID_LABEL_ATTRIBUTES"]
            );
        }
    }

    #[test]
    fn bounding_boxes_are_counted_per_label() {
        let input = line(
            "a.jpg",
            &[detection(
                "boxes",
                &[0, 1, 0],
                r#"{"0":"dog","1":"cat","2":"unused"}"#,
            )],
        );
        let entry = one(&input);
        assert!(entry.labeled);
        assert!(!entry.has_errors);
        assert_eq!(labels(&entry), [("cat", 1), ("dog", 2)]);
        assert_idempotent(&entry);
    }

    #[test]
    fn image_level_and_box_labels_mix_in_one_line() {
        let input = line(
            "a.jpg",
            &[
                classification("kind", "dog"),
                detection("boxes", &[0, 0, 1], r#"{"0":"dog","1":"ball"}"#),
            ],
        );
        let entry = one(&input);
        assert_eq!(labels(&entry), [("ball", 1), ("dog", 2)]);
        assert_idempotent(&entry);
    }

    #[test]
    fn a_line_without_label_attributes_is_an_unlabeled_entry() {
        let entry = one(r#"{"source-ref":"s3://bucket/a.jpg","note":"x"}"#);
        assert!(!entry.labeled);
        assert!(!entry.has_errors);
        assert!(entry.labels.is_empty());
        assert_eq!(
            entry.line,
            r#"{"source-ref":"s3://bucket/a.jpg","note":"x","cl-metadata":{"is_labeled":false}}"#
        );
        assert_idempotent(&entry);
    }

    #[test]
    fn metadata_without_its_attribute_means_no_label_attributes() {
        let input = format!(
            r#"{{"source-ref":"s3://bucket/a.jpg","flower-metadata":{{"class-name":"rose",{CLASSIFICATION_METADATA}}}"#
        );
        let entry = one(&input);
        assert!(!entry.labeled);
        assert!(entry.has_errors);
        assert_eq!(
            stored(&entry)["cl-errors"],
            serde_json::json!([{"code":"ERROR_NO_LABEL_ATTRIBUTES","message":"No label attributes found."}])
        );
        assert_idempotent(&entry);
    }

    #[test]
    fn stray_or_non_object_metadata_beside_a_good_pair_is_a_metadata_format_error() {
        let stray = line(
            "a.jpg",
            &[
                classification("flower", "rose"),
                r#""ghost-metadata":{"type":"groundtruth/image-classification"}"#.to_owned(),
            ],
        );
        let not_object = line(
            "b.jpg",
            &[
                classification("flower", "rose"),
                r#""leaf":1,"leaf-metadata":"yes""#.to_owned(),
            ],
        );
        for input in [stray, not_object] {
            let entry = one(&input);
            assert!(entry.labeled, "the good pair still counts");
            assert!(entry.has_errors);
            assert_eq!(
                stored(&entry)["cl-errors"],
                serde_json::json!([{"code":"ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT","message":"The format of the label attribute metadata is invalid."}])
            );
            assert_idempotent(&entry);
        }
    }

    #[test]
    fn a_bad_class_name_is_a_metadata_format_error() {
        let too_long = "x".repeat(256);
        for class_name in [
            r#""""#.to_owned(),
            "7".to_owned(),
            format!("\"{too_long}\""),
        ] {
            let input = format!(
                r#"{{"source-ref":"s3://bucket/a.jpg","flower":1,"flower-metadata":{{"class-name":{class_name},{CLASSIFICATION_METADATA}}}"#
            );
            let entry = one(&input);
            assert!(!entry.labeled);
            let line = stored(&entry);
            assert_eq!(
                codes(&line["flower-metadata"]["cl-errors"]),
                ["ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT"]
            );
            assert_eq!(
                line["cl-errors"],
                serde_json::json!([{"code":"ERROR_NO_VALID_LABEL_ATTRIBUTES","message":"No valid label attributes found."}])
            );
            assert_eq!(line["cl-metadata"]["is_labeled"], false);
            assert_idempotent(&entry);
        }
        let longest = "é".repeat(255);
        let entry = one(&line("b.jpg", &[classification("flower", &longest)]));
        assert_eq!(labels(&entry), [(longest.as_str(), 0)]);
    }

    #[test]
    fn a_box_whose_class_is_missing_from_the_class_map_is_reported_and_not_counted() {
        let input = line("a.jpg", &[detection("boxes", &[0, 5, 0], r#"{"0":"dog"}"#)]);
        let entry = one(&input);
        assert_eq!(labels(&entry), [("dog", 2)]);
        assert!(entry.has_errors);
        let line = stored(&entry);
        assert_eq!(
            line["boxes-metadata"]["cl-errors"],
            serde_json::json!([{"code":"ERROR_MISSING_CLASS_MAP_ID","message":"One of more class ids is missing from the class map."}])
        );
        assert!(line.get("cl-errors").is_none(), "the line itself is fine");
        assert_idempotent(&entry);
    }

    #[test]
    fn more_than_fifty_boxes_make_the_attribute_give_nothing() {
        let fifty = one(&line(
            "a.jpg",
            &[detection("boxes", &[0; 50], r#"{"0":"dog"}"#)],
        ));
        assert_eq!(labels(&fifty), [("dog", 50)]);
        assert!(!fifty.has_errors);

        let entry = one(&line(
            "b.jpg",
            &[detection("boxes", &[0; 51], r#"{"0":"dog"}"#)],
        ));
        assert!(!entry.labeled);
        let line = stored(&entry);
        assert_eq!(
            line["boxes-metadata"]["cl-errors"],
            serde_json::json!([{"code":"ERROR_TOO_MANY_BOUNDING_BOXES","message":"There are more bounding boxes than the allowed maximum."}])
        );
        assert_eq!(
            codes(&line["cl-errors"]),
            ["ERROR_NO_VALID_LABEL_ATTRIBUTES"]
        );
        assert_idempotent(&entry);
    }

    #[test]
    fn a_malformed_detection_attribute_names_itself_in_the_error() {
        let metadata = r#""my boxes-metadata":{"class-map":{"0":"dog"},"type":"groundtruth/object-detection"}"#;
        for value in [
            "1",
            "{}",
            r#"{"annotations":{}}"#,
            r#"{"annotations":[1]}"#,
            r#"{"annotations":[{"class_id":1.5,"top":0,"left":0,"width":1,"height":1}]}"#,
            r#"{"annotations":[{"class_id":"0","top":0,"left":0,"width":1,"height":1}]}"#,
            r#"{"annotations":[{"class_id":0,"left":0,"width":1,"height":1}]}"#,
            r#"{"annotations":[{"class_id":0,"top":"0","left":0,"width":1,"height":1}]}"#,
            r#"{"annotations":[{"class_id":123456789012345678901234567890,"top":0,"left":0,"width":1,"height":1}]}"#,
        ] {
            let input = line("a.jpg", &[format!(r#""my boxes":{value},{metadata}"#)]);
            let entry = one(&input);
            assert!(!entry.labeled, "{value}");
            assert_eq!(
                stored(&entry)["my boxes-metadata"]["cl-errors"],
                serde_json::json!([{"code":"ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT","message":"The format of the label attribute my boxes is invalid."}]),
                "{value}"
            );
            assert_idempotent(&entry);
        }
    }

    #[test]
    fn a_detection_without_a_usable_class_map_is_a_metadata_format_error() {
        for class_map in ["[]", r#"{"0":""}"#, r#"{"0":1}"#, "null"] {
            let entry = one(&line("a.jpg", &[detection("boxes", &[0], class_map)]));
            assert_eq!(
                codes(&stored(&entry)["boxes-metadata"]["cl-errors"]),
                ["ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT"],
                "{class_map}"
            );
        }
    }

    #[test]
    fn a_detection_without_boxes_is_an_unlabeled_image_without_errors() {
        let entry = one(&line("a.jpg", &[detection("boxes", &[], r#"{"0":"dog"}"#)]));
        assert!(!entry.labeled);
        assert!(!entry.has_errors);
        assert!(stored(&entry).get("cl-errors").is_none());
        assert_idempotent(&entry);
    }

    #[test]
    fn an_unknown_or_missing_type_is_an_unsupported_use_case() {
        for metadata in [
            r#"{"type":"groundtruth/semantic-segmentation","class-name":"x"}"#,
            r#"{"class-name":"x"}"#,
            r#"{"type":7}"#,
        ] {
            let input =
                format!(r#"{{"source-ref":"s3://bucket/a.jpg","BB":1,"BB-metadata":{metadata}}}"#);
            let entry = one(&input);
            let line = stored(&entry);
            assert_eq!(
                line["BB-metadata"]["cl-errors"],
                serde_json::json!([{"code":"ERROR_UNSUPPORTED_USE_CASE_TYPE","message":"The use case type of the BB-metadata label attribute metadata is unsupported. Check the type field."}])
            );
            assert_eq!(
                codes(&line["cl-errors"]),
                ["ERROR_NO_VALID_LABEL_ATTRIBUTES"]
            );
            assert_idempotent(&entry);
        }
    }

    #[test]
    fn errors_are_appended_inside_metadata_after_its_own_keys() {
        let input = r#"{"source-ref":"s3://bucket/a.jpg","BB":1,"BB-metadata":{"type":"x","job-name":"j"}}"#;
        assert_eq!(
            one(input).line,
            r#"{"source-ref":"s3://bucket/a.jpg","BB":1,"BB-metadata":{"type":"x","job-name":"j","cl-errors":[{"code":"ERROR_UNSUPPORTED_USE_CASE_TYPE","message":"The use case type of the BB-metadata label attribute metadata is unsupported. Check the type field."}]},"cl-errors":[{"code":"ERROR_NO_VALID_LABEL_ATTRIBUTES","message":"No valid label attributes found."}],"cl-metadata":{"is_labeled":false}}"#
        );
    }

    #[test]
    fn service_keys_in_the_input_are_replaced() {
        let input = r#"{"cl-metadata":{"is_labeled":true},"source-ref":"s3://bucket/a.jpg","flower":1,"flower-metadata":{"cl-errors":[{"code":"OLD","message":"old"}],"class-name":"rose","type":"groundtruth/image-classification"},"cl-errors":[{"code":"OLD","message":"old"}]}"#;
        let entry = one(input);
        assert!(!entry.has_errors);
        assert_eq!(
            entry.line,
            r#"{"source-ref":"s3://bucket/a.jpg","flower":1,"flower-metadata":{"class-name":"rose","type":"groundtruth/image-classification"},"cl-metadata":{"is_labeled":true}}"#
        );
        let unlabeled =
            one(r#"{"source-ref":"s3://bucket/b.jpg","cl-metadata":{"is_labeled":true}}"#);
        assert!(!unlabeled.labeled);
        assert_eq!(
            unlabeled.line,
            r#"{"source-ref":"s3://bucket/b.jpg","cl-metadata":{"is_labeled":false}}"#
        );
    }

    #[test]
    fn key_order_numbers_and_strings_survive_while_whitespace_goes() {
        let input = "{ \"zeta\" : 1.0000000000000000001 , \"source-ref\":\"s3://bucket/a.jpg\",\t\r\"alpha\": [ 1e400, -0.0, 123456789012345678901234567890, { \"z\": 1, \"a\": \"two  words\\u00e9\\n\" } ], \"mid\" : { \"y\" : true , \"x\" : null } }";
        let entry = one(input);
        assert_eq!(
            entry.line,
            r#"{"zeta":1.0000000000000000001,"source-ref":"s3://bucket/a.jpg","alpha":[1e400,-0.0,123456789012345678901234567890,{"z":1,"a":"two  words\u00e9\n"}],"mid":{"y":true,"x":null},"cl-metadata":{"is_labeled":false}}"#
        );
        assert_idempotent(&entry);
    }

    #[test]
    fn escaped_keys_are_the_keys_they_spell() {
        let input = r#"{"source-ref":"s3://bucket/a.jpg","\u0066lower":1,"flower-metadata":{"class-name":"rose","type":"groundtruth/image-classification"}}"#;
        let entry = one(input);
        assert_eq!(labels(&entry), [("rose", 0)]);
        assert!(entry.line.contains(r#""flower":1"#));
        assert_idempotent(&entry);
    }

    #[test]
    fn terminal_content_errors_drop_the_line() {
        let long = format!(
            r#"{{"source-ref":"s3://bucket/a.jpg","pad":"{}"}}"#,
            "x".repeat(MAX_LINE_CHARS)
        );
        for line in [
            "",
            "   \t",
            long.as_str(),
            "not json",
            "[1,2]",
            "42",
            r#""s3://bucket/a.jpg""#,
            r#"{"source-ref":"s3://bucket/a.jpg"} trailing"#,
            r#"{"source-ref":"s3://bucket/a.jpg""#,
            r#"{"image":"s3://bucket/a.jpg"}"#,
            r#"{"source-ref":null}"#,
            r#"{"source-ref":["s3://bucket/a.jpg"]}"#,
            r#"{"source-ref":"https://bucket.s3.amazonaws.com/a.jpg"}"#,
            r#"{"source-ref":"s3://bucket"}"#,
            r#"{"source-ref":"s3://bucket/"}"#,
            r#"{"source-ref":"s3:///a.jpg"}"#,
            r#"{"source-ref":"S3://bucket/a.jpg"}"#,
            r#"{"source-ref":"s3://bucket/a.jpg","a":1,"a":2}"#,
            r#"{"source-ref":"s3://bucket/a.jpg","source-ref":"s3://bucket/b.jpg"}"#,
            r#"{"source-ref":"s3://bucket/a.jpg","a":1,"\u0061":2}"#,
            r#"{"source-ref":"s3://bucket/a.jpg","a":{"b":[{"c":1,"c":2}]}}"#,
            r#"{"source-ref":"s3://bucket/a.jpg","a":{"b":1,"\u0062":2}}"#,
            r#"{"source-ref":"s3://bucket/\ud800.jpg"}"#,
            "{\"source-ref\":\"s3://bucket/a\u{1}.jpg\"}",
        ] {
            assert!(dropped(line), "{line}");
        }
    }

    #[test]
    fn the_line_limit_counts_characters_and_includes_the_service_keys() {
        let suffix = r#","cl-metadata":{"is_labeled":false}"#;
        let make = |total: usize, fill: char| {
            let head = r#"{"source-ref":"s3://bucket/a.jpg","pad":""#;
            let tail = r#""}"#;
            let pad = total - head.len() - tail.len();
            format!("{head}{}{tail}", fill.to_string().repeat(pad))
        };
        let fits = make(MAX_LINE_CHARS - suffix.len(), 'x');
        let entry = read_line(&fits).expect("fits after annotation");
        assert_eq!(entry.line.chars().count(), MAX_LINE_CHARS);
        assert!(dropped(&make(MAX_LINE_CHARS - suffix.len() + 1, 'x')));
        assert!(dropped(&make(MAX_LINE_CHARS, 'x')));
        // Two-byte characters: more bytes than the limit, but not more characters.
        let wide = make(MAX_LINE_CHARS - suffix.len(), 'é');
        assert!(wide.len() > MAX_LINE_CHARS);
        assert!(read_line(&wide).is_some());
    }

    #[test]
    fn a_repeated_source_ref_keeps_the_first_line() {
        let text = format!(
            "{}\n{}\n{}\n{}\n{}\n",
            line("a.jpg", &[classification("f", "rose")]),
            line("b.jpg", &[]),
            line("c.jpg", &[]),
            line("d.jpg", &[]),
            line("a.jpg", &[classification("f", "tulip")]),
        );
        let analysis = analyze(text.as_bytes()).expect("one in five dropped is fine");
        assert_eq!(analysis.lines, 5);
        assert_eq!(analysis.dropped, 1);
        assert_eq!(analysis.entries.len(), 4);
        assert_eq!(labels(&analysis.entries[0]), [("rose", 0)]);
    }

    #[test]
    fn exactly_a_fifth_dropped_passes_and_more_fails() {
        let good: Vec<String> = (0..8).map(|i| line(&format!("{i}.jpg"), &[])).collect();
        let fifth = format!("{}\n{}\n\nbad", good[..4].join("\n"), good[4..].join("\n"));
        let analysis = analyze(fifth.as_bytes()).expect("2 of 10 dropped");
        assert_eq!(
            (analysis.lines, analysis.dropped, analysis.entries.len()),
            (10, 2, 8)
        );

        let more = format!("{}\n\nbad", good[..7].join("\n"));
        assert_eq!(
            analyze(more.as_bytes()),
            Err(Terminal::TOO_MANY_RECORDS_IN_ERROR),
            "2 of 9 dropped"
        );
    }

    #[test]
    fn a_manifest_of_only_bad_lines_has_too_many_terminal_errors() {
        for text in ["garbage", "{}\n[]\n", "\n\nx\n"] {
            assert_eq!(
                analyze(text.as_bytes()),
                Err(Terminal::TOO_MANY_RECORDS_IN_ERROR),
                "{text:?}"
            );
        }
    }

    #[test]
    fn file_level_terminal_errors() {
        assert_eq!(
            analyze(&[0xff, 0xfe, b'{']),
            Err(Terminal::UNSUPPORTED_FORMAT)
        );
        assert_eq!(
            Terminal::UNSUPPORTED_FORMAT.message,
            "The manifest file extension or contents are invalid."
        );
        for text in ["", "\n", " \r\n\t\n"] {
            assert_eq!(analyze(text.as_bytes()), Err(Terminal::EMPTY_MANIFEST));
        }
        assert_eq!(
            Terminal::EMPTY_MANIFEST.message,
            "The manifest file is empty."
        );

        let too_many = "x\n".repeat(MAX_LINES + 1);
        assert_eq!(analyze(too_many.as_bytes()), Err(Terminal::TOO_MANY_ROWS));
        // The row limit itself is allowed: these lines fail later, for another reason.
        let at_limit = "x\n".repeat(MAX_LINES);
        assert_eq!(
            analyze(at_limit.as_bytes()),
            Err(Terminal::TOO_MANY_RECORDS_IN_ERROR)
        );
    }

    #[test]
    fn images_must_share_one_bucket() {
        let text = "{\"source-ref\":\"s3://one/a.jpg\"}\n{\"source-ref\":\"s3://two/a.jpg\"}";
        assert_eq!(analyze(text.as_bytes()), Err(Terminal::MULTIPLE_BUCKETS));
        assert_eq!(
            Terminal::MULTIPLE_BUCKETS.message,
            "The manifest file contains images from multiple S3 buckets."
        );
    }

    fn labeled_lines(count: usize) -> String {
        (0..count)
            .map(|i| {
                line(
                    &format!("{i}.jpg"),
                    &[classification("f", &format!("label{i}"))],
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn at_most_two_hundred_fifty_labels() {
        let analysis = analyze(labeled_lines(MAX_LABELS).as_bytes()).expect("250 labels");
        assert_eq!(analysis.entries.len(), MAX_LABELS);
        assert_eq!(
            analyze(labeled_lines(MAX_LABELS + 1).as_bytes()),
            Err(Terminal::TOO_MANY_LABELS)
        );
    }

    fn entries(text: &str) -> Vec<Entry> {
        analyze(text.as_bytes()).expect("analysed").entries
    }

    #[test]
    fn merge_replaces_in_place_and_appends() {
        let existing = entries(&format!(
            "{}\n{}\n{}",
            line("a.jpg", &[classification("f", "rose")]),
            line("b.jpg", &[]),
            line("c.jpg", &[]),
        ));
        let changes = entries(&format!(
            "{}\n{}",
            line("d.jpg", &[]),
            line("a.jpg", &[classification("f", "tulip")]),
        ));
        let merged = merge(existing, changes).expect("merged");
        let refs: Vec<&str> = merged.iter().map(|e| e.source_ref.as_str()).collect();
        assert_eq!(
            refs,
            [
                "s3://bucket/a.jpg",
                "s3://bucket/b.jpg",
                "s3://bucket/c.jpg",
                "s3://bucket/d.jpg"
            ]
        );
        assert_eq!(labels(&merged[0]), [("tulip", 0)]);
    }

    #[test]
    fn merge_checks_the_result_as_a_whole() {
        let existing = entries(r#"{"source-ref":"s3://bucket/a.jpg"}"#);
        let elsewhere = entries(r#"{"source-ref":"s3://other/a.jpg"}"#);
        assert_eq!(
            merge(existing.clone(), elsewhere),
            Err(Terminal::MULTIPLE_BUCKETS)
        );
        // Replacing the only image with one in another bucket leaves one bucket.
        let moved = entries(r#"{"source-ref":"s3://bucket/a.jpg"}"#);
        assert!(merge(existing, moved).is_ok());

        let many = entries(&labeled_lines(MAX_LABELS));
        let one_more = entries(&line("new.jpg", &[classification("f", "label-new")]));
        assert_eq!(merge(many, one_more), Err(Terminal::TOO_MANY_LABELS));
    }

    #[test]
    fn reanalyzing_stored_lines_gives_the_same_entries() {
        let first = entries(&format!(
            "{}\n{}\n{}",
            line("a.jpg", &[classification("f", "rose")]),
            line("b.jpg", &[detection("boxes", &[0, 9], r#"{"0":"dog"}"#)]),
            r#"{"source-ref":"s3://bucket/c.jpg","x-metadata":{}}"#,
        ));
        let stored: Vec<String> = first.iter().map(|entry| entry.line.clone()).collect();
        assert_eq!(reanalyze(&stored), Ok(first));
        assert_eq!(reanalyze(&[]), Ok(Vec::new()));
    }

    #[test]
    fn deep_nesting_and_odd_values_never_panic() {
        let depth = 40_000;
        let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let deep = format!(r#"{{"source-ref":"s3://bucket/a.jpg","deep":{nested}}}"#);
        let entry = read_line(&deep).expect("nesting inside a value is kept");
        assert!(entry.line.contains(&nested));

        let objects = format!("{}0{}", r#"{"a":"#.repeat(depth / 8), "}".repeat(depth / 8));
        let deep_metadata = format!(
            r#"{{"source-ref":"s3://bucket/a.jpg","boxes":{objects},"boxes-metadata":{{"type":"groundtruth/object-detection","class-map":{objects}}}}}"#
        );
        let entry = read_line(&deep_metadata).expect("kept");
        assert!(!entry.labeled);

        assert!(dropped(&nested));
        assert!(dropped(&"{".repeat(depth)));
        assert!(dropped(&"\"".repeat(depth)));
        assert!(dropped("{\"source-ref\":\"s3://bucket/a.jpg\",\"x\":\"\\"));
        for odd in [
            r#"{"source-ref":"s3://bucket/a.jpg","n":1e999999999999999999999999}"#,
            r#"{"source-ref":"s3://bucket/a.jpg","":1,"-metadata":{"type":"groundtruth/image-classification","class-name":"empty"}}"#,
            r#"{"source-ref":"s3://bucket/a.jpg","source-ref-metadata":{}}"#,
            r#"{"source-ref":"s3://bucket/a.jpg","x-metadata":{},"x-metadata-metadata":{}}"#,
            r#"{"source-ref":"s3://bucket/a.jpg","cl":1,"cl-metadata":{"type":"groundtruth/image-classification","class-name":"c"}}"#,
            r#"{"source-ref":"s3://bucket/é\u2028.jpg","t":"\u0000\"\\"}"#,
        ] {
            let entry = one(odd);
            assert_idempotent(&entry);
        }
    }

    /// A small deterministic pseudo-random source (xorshift), so failures reproduce.
    struct Noise(u64);

    impl Noise {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn pick<'a>(&mut self, choices: &[&'a str]) -> &'a str {
            let index = usize::try_from(self.next() % choices.len() as u64).unwrap_or(0);
            choices[index]
        }

        fn below(&mut self, bound: u64) -> u64 {
            self.next() % bound
        }
    }

    const KEYS: &[&str] = &[
        "\"boxes\"",
        "\"boxes-metadata\"",
        "\"tags\"",
        "\"tags-metadata\"",
        "\"type\"",
        "\"class-name\"",
        "\"class-map\"",
        "\"annotations\"",
        "\"class_id\"",
        "\"left\"",
        "\"top\"",
        "\"width\"",
        "\"height\"",
        "\"0\"",
        "\"1\"",
        "\"cl-errors\"",
        "\"cl-metadata\"",
        "\"source-ref\"",
        "\"\\u0030\"",
    ];

    const SCALARS: &[&str] = &[
        "0",
        "1",
        "-1",
        "1.0000000000000000001",
        "1e400",
        "-0",
        "99999999999999999999999",
        "null",
        "true",
        "\"groundtruth/object-detection\"",
        "\"groundtruth/image-classification\"",
        "\"groundtruth/image-classification-multilabel\"",
        "\"dog\"",
        "\"\"",
        "\"s3://bucket/y.jpg\"",
        "\"s3://other/y.jpg\"",
        "\"\\ud83d\\ude00 \\\"q\\\"\"",
        "\"é\"",
    ];

    /// Valid JSON built from the keys and values the analysis looks at.
    fn random_value(noise: &mut Noise, depth: u32, out: &mut String) {
        let kind = if depth == 0 { 0 } else { noise.below(4) };
        match kind {
            0 | 1 => out.push_str(noise.pick(SCALARS)),
            2 => {
                out.push('[');
                for index in 0..noise.below(4) {
                    if index > 0 {
                        out.push_str(" , ");
                    }
                    random_value(noise, depth - 1, out);
                }
                out.push(']');
            }
            _ => {
                out.push('{');
                for index in 0..noise.below(5) {
                    if index > 0 {
                        out.push(',');
                    }
                    out.push_str(noise.pick(KEYS));
                    out.push_str(": ");
                    random_value(noise, depth - 1, out);
                }
                out.push('}');
            }
        }
    }

    #[test]
    fn random_json_lines_are_fixed_points_once_stored() {
        let mut noise = Noise(0x2545_f491_4f6c_dd1d);
        let pairs = [
            classification("flower", "rose"),
            detection("boxes", &[0, 1, 0], r#"{"0":"dog","1":"cat"}"#),
            r#""tags":[1],"tags-metadata":{"class-map":{"1":"bird"},"type":"groundtruth/image-classification-multilabel"}"#.to_owned(),
        ];
        let (mut kept, mut labeled) = (0, 0);
        for _ in 0..20_000 {
            let mut text = String::from(r#"{"source-ref":"s3://bucket/x.jpg""#);
            for _ in 0..noise.below(6) {
                text.push(',');
                if noise.below(3) == 0 {
                    text.push_str(&pairs[usize::try_from(noise.below(3)).unwrap_or(0)]);
                } else {
                    text.push_str(noise.pick(KEYS));
                    text.push(':');
                    random_value(&mut noise, 4, &mut text);
                }
            }
            text.push('}');
            if let Some(entry) = read_line(&text) {
                kept += 1;
                labeled += usize::from(entry.labeled);
                assert_eq!(entry.labeled, !entry.labels.is_empty(), "{text}");
                assert_eq!(read_line(&entry.line), Some(entry.clone()), "{text}");
            }
        }
        assert!(kept > 5_000, "many generated lines are entries ({kept})");
        assert!(labeled > 1_000, "many entries are labeled ({labeled})");
    }

    #[test]
    fn random_fragments_never_panic() {
        const PIECES: &[&str] = &[
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            " ",
            "\"",
            "\\",
            "\\u",
            "1",
            "-0.5e3",
            "null",
            "\"source-ref\"",
            "\"s3://bucket/a.jpg\"",
            "\"boxes\"",
            "\"boxes-metadata\"",
            "\"type\"",
            "\"groundtruth/object-detection\"",
            "\"class-map\"",
            "\"annotations\"",
            "\"cl-errors\"",
            "é",
            "\u{0}",
            "\u{feff}",
        ];
        let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let mut text = String::from(r#"{"source-ref":"s3://bucket/x.jpg","#);
            for _ in 0..noise.below(40) {
                text.push_str(noise.pick(PIECES));
            }
            if let Some(entry) = read_line(&text) {
                assert_eq!(read_line(&entry.line), Some(entry.clone()), "{text}");
            }
            let _ = analyze(text.as_bytes());
            let _ = analyze(&text.as_bytes()[..text.len() / 2]);
        }
    }
}
