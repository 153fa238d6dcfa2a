//! `cargo xtask model import`: copies operations, with every shape they reach, from a Smithy
//! JSON AST model (AWS's, say) into ours, binding them to our service; a shape we already have
//! must match the source's, and upstream documentation stays behind unless asked for.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::diff::{DiffOptions, shape_differences};
use super::{
    Model, Node, Reach, is_prelude, namespace, references, shape_kind, shape_name, strip_prose,
    targets_of,
};
use crate::project_root;

/// `cargo xtask model import`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The model to copy from (Smithy 2.0 JSON AST).
    #[arg(long, value_name = "FILE")]
    from: PathBuf,
    /// The operations to copy: shape names in the namespace of the source's service
    /// (DescribeCollection), or absolute shape ids.
    #[arg(long = "operation", value_name = "NAME", required = true, num_args = 1..)]
    operations: Vec<String>,
    /// The model to add to [default: model/rekognition.json of this repository].
    #[arg(long, value_name = "FILE")]
    into: Option<PathBuf>,
    /// Also copy documentation (`@documentation`, `@examples`, `@externalDocumentation`).
    #[arg(long)]
    with_docs: bool,
}

/// Runs `cargo xtask model import`.
pub(super) fn run(args: &Args) -> Result<()> {
    let into = args
        .into
        .clone()
        .unwrap_or_else(|| project_root().join("model").join("rekognition.json"));
    let request = ImportRequest {
        operations: &args.operations,
        with_docs: args.with_docs,
    };
    let report = import_file(&args.from, &into, &request)?;
    print!("{}", report.summary(&args.from, &into));
    Ok(())
}

/// What to import.
#[derive(Debug)]
struct ImportRequest<'a> {
    /// Operation names (in the namespace of the source's service) or absolute ids.
    operations: &'a [String],
    /// Copy the prose traits too.
    with_docs: bool,
}

/// What an import added.
#[derive(Debug, Default, PartialEq, Eq)]
struct ImportReport {
    /// The target's service, which the operations were bound to.
    service: String,
    /// The operations the import reached, sorted.
    operations: Vec<String>,
    /// The operations newly bound to the service, sorted.
    operations_added: Vec<String>,
    /// The shapes copied into the target, sorted.
    shapes_added: Vec<String>,
}

impl ImportReport {
    /// Whether the import left the target as it was.
    fn is_empty(&self) -> bool {
        self.operations_added.is_empty() && self.shapes_added.is_empty()
    }

    /// An operation's name as the target's service sees it.
    fn operation_name<'a>(&self, id: &'a str) -> &'a str {
        if namespace(id) == namespace(&self.service) {
            shape_name(id)
        } else {
            id
        }
    }

    /// What to print.
    fn summary(&self, from: &Path, into: &Path) -> String {
        let names = |ids: &[String]| {
            ids.iter()
                .map(|id| self.operation_name(id))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if self.is_empty() {
            return format!(
                "nothing to add: {} already has {} and every shape reached from it in {}\n",
                into.display(),
                names(&self.operations),
                from.display()
            );
        }
        let mut summary = format!("{}: imported from {}\n", into.display(), from.display());
        summary.push_str(&format!(
            "operations added ({}): {}\n",
            self.operations_added.len(),
            names(&self.operations_added)
        ));
        summary.push_str(&format!("shapes added ({}):\n", self.shapes_added.len()));
        for id in &self.shapes_added {
            summary.push_str(&format!("  {id}\n"));
        }
        summary
    }
}

/// Imports from one file into another, writing the target only when something was added and
/// nothing refused.
fn import_file(from: &Path, into: &Path, request: &ImportRequest<'_>) -> Result<ImportReport> {
    let source = Model::load(from)?;
    let mut target = Model::load(into)?;
    let report = import(&source, &mut target, request).with_context(|| {
        format!(
            "could not import {} from {} into {}; nothing was written",
            request.operations.join(", "),
            from.display(),
            into.display()
        )
    })?;
    if !report.is_empty() {
        target.write(into)?;
    }
    Ok(report)
}

/// Copies the requested operations and every shape they reach from `source` into `target`, and
/// binds the operations to `target`'s service. Shapes `target` already has are left alone, but
/// must equal the source's apart from documentation; otherwise nothing changes and the error
/// lists every such shape with what differs.
fn import(source: &Model, target: &mut Model, request: &ImportRequest<'_>) -> Result<ImportReport> {
    let service = single_service(target)?;
    let operations: BTreeSet<String> = request
        .operations
        .iter()
        .map(|name| resolve_operation(source, name))
        .collect::<Result<_>>()?;
    let reached = closure(source, &operations)?;

    let mut additions = Vec::new();
    let mut conflicts = Vec::new();
    for id in &reached {
        let Some(mut shape) = source.shape(id).cloned() else {
            continue;
        };
        if !request.with_docs {
            strip_prose(&mut shape);
        }
        match target.shape(id) {
            None => additions.push((id.clone(), shape)),
            Some(existing) => {
                // Documentation never conflicts: ours is in our own words, and stays.
                let differences = shape_differences(id, existing, &shape, &DiffOptions::default());
                if !differences.is_empty() {
                    conflicts.push((id, differences));
                }
            }
        }
    }
    if !conflicts.is_empty() {
        let mut message = format!(
            "{} shape(s) reached are already in the target and differ from the source's \
             (target -> source):",
            conflicts.len()
        );
        for (_, differences) in &conflicts {
            for difference in differences {
                message.push_str(&format!("\n  {difference}"));
            }
        }
        bail!(message);
    }

    let bound: BTreeSet<&str> = target
        .shape(&service)
        .map(|shape| targets_of(shape, "operations"))
        .unwrap_or_default()
        .into_iter()
        .collect();
    let operations_added: Vec<String> = operations
        .iter()
        .filter(|id| !bound.contains(id.as_str()))
        .cloned()
        .collect();
    let report = ImportReport {
        operations: operations.into_iter().collect(),
        operations_added,
        shapes_added: additions.iter().map(|(id, _)| id.clone()).collect(),
        service,
    };
    if report.is_empty() {
        return Ok(report);
    }

    bind_operations(target, &report.service, &report.operations_added)?;
    target.shapes.extend(additions);
    target.shapes.sort_keys();
    Ok(report)
}

/// The one service of the target, which imported operations are bound to.
fn single_service(target: &Model) -> Result<String> {
    match target.services().as_slice() {
        [service] => Ok((*service).to_owned()),
        services => bail!(
            "the target has {} service shapes ({}); import binds operations to exactly one",
            services.len(),
            services.join(", ")
        ),
    }
}

/// The absolute id of a requested operation: as given when absolute, else the name in the
/// namespace of the source's service.
fn resolve_operation(source: &Model, name: &str) -> Result<String> {
    let id = if name.contains('#') {
        name.to_owned()
    } else {
        let namespaces: BTreeSet<&str> = source.services().into_iter().map(namespace).collect();
        let candidates: Vec<String> = namespaces
            .iter()
            .map(|namespace| format!("{namespace}#{name}"))
            .filter(|id| source.shape(id).is_some())
            .collect();
        match (candidates.as_slice(), namespaces.len()) {
            ([id], _) => id.clone(),
            (_, 0) => bail!(
                "the source has no service to take a namespace from: give {name} as an \
                 absolute shape id"
            ),
            ([], _) => bail!(
                "the source has no shape {name} in its service namespace ({})",
                namespaces.into_iter().collect::<Vec<_>>().join(", ")
            ),
            (_, _) => bail!(
                "{name} is ambiguous: give one of {} as an absolute shape id",
                candidates.join(", ")
            ),
        }
    };
    match source.shape(&id).map(shape_kind) {
        Some("operation") => Ok(id),
        Some(kind) => bail!("{id} is a {kind} shape, not an operation"),
        None => bail!("the source has no shape {id}"),
    }
}

/// Every shape of `source` reached from `roots`, roots included: through targets, input,
/// output, errors, mixins, resources and their operations, identifiers and properties, the
/// traits applied (where `source` defines them) and ids inside trait values; with any `apply`
/// entry of a reached shape or member. Prelude shapes are left out.
fn closure(source: &Model, roots: &BTreeSet<String>) -> Result<BTreeSet<String>> {
    let mut applied: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (id, shape) in source.shapes() {
        if shape_kind(shape) == "apply" {
            let root = id.split_once('$').map_or(id, |(root, _)| root);
            applied.entry(root).or_default().push(id);
        }
    }
    let mut reached = BTreeSet::new();
    let mut pending: Vec<&str> = roots.iter().map(String::as_str).collect();
    while let Some(id) = pending.pop() {
        if !reached.insert(id.to_owned()) {
            continue;
        }
        pending.extend(applied.get(id).into_iter().flatten());
        let Some(shape) = source.shape(id) else {
            continue;
        };
        for reference in references(source, shape) {
            let target = reference.target;
            if is_prelude(target) || reached.contains(target) {
                continue;
            }
            if source.shape(target).is_some() {
                pending.push(target);
            } else if reference.reach == Reach::Required {
                bail!(
                    "{id} refers to {target} ({}), which the source does not define",
                    reference.via
                );
            }
        }
    }
    Ok(reached)
}

/// Adds operations to the service's `operations`: kept sorted when they were, else appended in
/// sorted order.
fn bind_operations(target: &mut Model, service: &str, operations: &[String]) -> Result<()> {
    if operations.is_empty() {
        return Ok(());
    }
    let shape = target
        .shapes
        .get_mut(service)
        .and_then(Node::as_object_mut)
        .with_context(|| format!("the service {service} is not a shape of the target"))?;
    let list = shape
        .entry("operations".to_owned())
        .or_insert_with(|| Node::Array(Vec::new()));
    let Node::Array(items) = list else {
        bail!("{service}: \"operations\" is not an array");
    };
    let was_sorted = items
        .windows(2)
        .all(|pair| pair[0].target() <= pair[1].target());
    items.extend(operations.iter().map(|id| {
        Node::Object(
            [("target".to_owned(), Node::String(id.clone()))]
                .into_iter()
                .collect(),
        )
    }));
    if was_sorted {
        items.sort_by(|a, b| a.target().cmp(&b.target()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::{ImportReport, ImportRequest, import, import_file};
    use crate::model::diff::{DiffOptions, diff};
    use crate::model::{Model, targets_of};
    use crate::{project_root, shared_dir};

    /// A source with one operation reaching every kind of reference, and shapes it does not
    /// reach.
    const SOURCE: &str = r#"{
        "smithy": "2.0",
        "shapes": {
            "ex#Service": {"type": "service", "version": "1", "operations": [{"target": "ex#GetThing"}, {"target": "ex#PutThing"}]},
            "ex#GetThing": {
                "type": "operation",
                "input": {"target": "ex#GetThingInput"},
                "output": {"target": "ex#GetThingOutput"},
                "errors": [{"target": "ex#NotFound"}],
                "traits": {"smithy.api#readonly": {}, "smithy.api#documentation": "Gets a thing.", "ex#seeAlso": "ex#Related"}
            },
            "ex#GetThingInput": {
                "type": "structure",
                "mixins": [{"target": "ex#Owned"}],
                "members": {
                    "Id": {"target": "ex#ThingId", "traits": {"smithy.api#required": {}, "smithy.api#documentation": "The thing."}},
                    "Tags": {"target": "ex#TagList"},
                    "Owner": {"target": "smithy.api#String"}
                },
                "traits": {"smithy.api#input": {}, "smithy.api#examples": [{"title": "An example"}]}
            },
            "ex#Owned": {"type": "structure", "members": {"Owner": {"target": "smithy.api#String"}}, "traits": {"smithy.api#mixin": {}}},
            "ex#ThingId": {"type": "string", "traits": {"smithy.api#length": {"min": 1, "max": 64}, "ex#note": "internal"}},
            "ex#note": {"type": "string", "traits": {"smithy.api#trait": {}}},
            "ex#seeAlso": {"type": "string", "traits": {"smithy.api#trait": {}, "smithy.api#idRef": {}}},
            "ex#Related": {"type": "string"},
            "ex#TagList": {"type": "list", "member": {"target": "ex#Tag"}},
            "ex#Tag": {"type": "structure", "members": {"Key": {"target": "smithy.api#String"}}},
            "ex#GetThingOutput": {
                "type": "structure",
                "members": {"Attributes": {"target": "ex#Attributes"}, "Kind": {"target": "ex#Kind"}},
                "traits": {"smithy.api#output": {}}
            },
            "ex#Attributes": {"type": "map", "key": {"target": "ex#AttributeName"}, "value": {"target": "ex#AttributeValue"}},
            "ex#AttributeName": {"type": "string"},
            "ex#AttributeValue": {"type": "integer", "traits": {"smithy.api#range": {"min": 0}}},
            "ex#Kind": {"type": "enum", "members": {"BIG": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": "big", "smithy.api#documentation": "Big."}}}},
            "ex#NotFound": {"type": "structure", "members": {"Message": {"target": "smithy.api#String"}}, "traits": {"smithy.api#error": "client"}},
            "ex#PutThing": {"type": "operation", "input": {"target": "ex#PutThingInput"}},
            "ex#PutThingInput": {"type": "structure", "members": {}},
            "ex#Unrelated": {"type": "string"}
        }
    }"#;

    /// A target with a service, an operation of its own, and one of the shapes the import
    /// reaches, documented in its own words.
    const TARGET: &str = r#"{
    "smithy": "2.0",
    "shapes": {
        "ex#NotFound": {
            "type": "structure",
            "members": {
                "Message": {
                    "target": "smithy.api#String"
                }
            },
            "traits": {
                "smithy.api#error": "client",
                "smithy.api#documentation": "Our own words."
            }
        },
        "ex#Other": {
            "type": "operation"
        },
        "ex#Service": {
            "type": "service",
            "version": "1",
            "operations": [
                {
                    "target": "ex#Other"
                }
            ]
        }
    }
}
"#;

    fn request(operations: &[String]) -> ImportRequest<'_> {
        ImportRequest {
            operations,
            with_docs: false,
        }
    }

    fn get_thing() -> Vec<String> {
        vec!["GetThing".to_owned()]
    }

    #[test]
    fn an_operation_comes_with_every_shape_it_reaches() {
        let source = Model::parse(SOURCE).expect("source");
        let mut target = Model::parse(TARGET).expect("target");
        let report = import(&source, &mut target, &request(&get_thing())).expect("imports");
        assert_eq!(
            report,
            ImportReport {
                service: "ex#Service".to_owned(),
                operations: vec!["ex#GetThing".to_owned()],
                operations_added: vec!["ex#GetThing".to_owned()],
                shapes_added: [
                    "ex#AttributeName",
                    "ex#AttributeValue",
                    "ex#Attributes",
                    "ex#GetThing",
                    "ex#GetThingInput",
                    "ex#GetThingOutput",
                    "ex#Kind",
                    "ex#Owned",
                    "ex#Related",
                    "ex#Tag",
                    "ex#TagList",
                    "ex#ThingId",
                    "ex#note",
                    "ex#seeAlso",
                ]
                .map(str::to_owned)
                .to_vec(),
            }
        );
        let ids: Vec<&str> = target.shapes().map(|(id, _)| id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        assert_eq!(ids, sorted, "shapes are written sorted by id");
        let service = target.shape("ex#Service").expect("the service");
        assert_eq!(
            targets_of(service, "operations"),
            ["ex#GetThing", "ex#Other"],
            "a sorted operations list stays sorted"
        );
        // The existing shape keeps its own documentation.
        let not_found = target.shape("ex#NotFound").expect("kept");
        assert_eq!(
            not_found.to_string(),
            r#"{"type":"structure","members":{"Message":{"target":"smithy.api#String"}},"traits":{"smithy.api#error":"client","smithy.api#documentation":"Our own words."}}"#
        );
    }

    #[test]
    fn documentation_stays_behind_unless_asked_for() {
        let source = Model::parse(SOURCE).expect("source");
        let mut target = Model::parse(TARGET).expect("target");
        import(&source, &mut target, &request(&get_thing())).expect("imports");
        let text = target.to_text().expect("serializes");
        assert!(!text.contains("Gets a thing."), "{text}");
        assert!(!text.contains("smithy.api#examples"), "{text}");
        assert!(!text.contains("Big."), "{text}");
        assert!(text.contains("Our own words."), "{text}");
        assert_eq!(
            target.shape("ex#GetThingInput").expect("added").to_string(),
            r#"{"type":"structure","mixins":[{"target":"ex#Owned"}],"members":{"Id":{"target":"ex#ThingId","traits":{"smithy.api#required":{}}},"Tags":{"target":"ex#TagList"},"Owner":{"target":"smithy.api#String"}},"traits":{"smithy.api#input":{}}}"#
        );

        let mut documented = Model::parse(TARGET).expect("target");
        let operations = get_thing();
        let with_docs = ImportRequest {
            operations: &operations,
            with_docs: true,
        };
        import(&source, &mut documented, &with_docs).expect("imports");
        assert_eq!(
            documented.shape("ex#GetThing"),
            Model::parse(SOURCE).expect("source").shape("ex#GetThing")
        );
        let text = documented.to_text().expect("serializes");
        assert!(text.contains("Gets a thing.") && text.contains("Big."));
        assert!(
            text.contains("Our own words."),
            "existing documentation is kept"
        );
    }

    #[test]
    fn a_second_import_adds_nothing_and_changes_nothing() {
        let source = Model::parse(SOURCE).expect("source");
        let mut target = Model::parse(TARGET).expect("target");
        import(&source, &mut target, &request(&get_thing())).expect("first import");
        let after_first = target.to_text().expect("serializes");
        let report = import(&source, &mut target, &request(&get_thing())).expect("second import");
        assert!(report.is_empty(), "{report:?}");
        assert_eq!(target.to_text().expect("serializes"), after_first);
        assert_eq!(
            report.summary(&PathBuf::from("from.json"), &PathBuf::from("into.json")),
            "nothing to add: into.json already has GetThing and every shape reached from it in \
             from.json\n"
        );
    }

    #[test]
    fn a_shape_that_differs_is_refused_by_name_and_nothing_changes() {
        let source = Model::parse(SOURCE).expect("source");
        let conflicting = TARGET.replace(
            r#"        "ex#Other": {"#,
            r#"        "ex#ThingId": {"type": "string", "traits": {"smithy.api#length": {"min": 1, "max": 128}, "ex#note": "internal"}},
        "ex#Tag": {"type": "structure", "members": {"Key": {"target": "smithy.api#String"}, "Value": {"target": "smithy.api#String"}}},
        "ex#Other": {"#,
        );
        let mut target = Model::parse(&conflicting).expect("target");
        let before = target.to_text().expect("serializes");
        let error = import(&source, &mut target, &request(&get_thing())).expect_err("refused");
        assert_eq!(
            format!("{error:#}"),
            "2 shape(s) reached are already in the target and differ from the source's \
             (target -> source):\n  \
             - member ex#Tag$Value (smithy.api#String)\n  \
             ~ shape ex#ThingId: trait smithy.api#length {\"min\":1,\"max\":128} -> {\"min\":1,\"max\":64}"
        );
        assert_eq!(target.to_text().expect("serializes"), before);
    }

    #[test]
    fn names_that_are_not_operations_of_the_source_are_refused() {
        let source = Model::parse(SOURCE).expect("source");
        let cases = [
            (
                "NoSuchThing",
                "the source has no shape NoSuchThing in its service namespace (ex)",
            ),
            (
                "Unrelated",
                "ex#Unrelated is a string shape, not an operation",
            ),
            ("other#GetThing", "the source has no shape other#GetThing"),
        ];
        for (name, expected) in cases {
            let mut target = Model::parse(TARGET).expect("target");
            let operations = vec![name.to_owned()];
            let error = import(&source, &mut target, &request(&operations)).expect_err(name);
            assert_eq!(format!("{error:#}"), expected);
        }
    }

    #[test]
    fn a_missing_target_in_the_source_is_an_error_naming_it() {
        let broken = SOURCE.replace(
            r#""ex#Tag": {"type": "structure""#,
            r#""ex#Gat": {"type": "structure""#,
        );
        let source = Model::parse(&broken).expect("source");
        let mut target = Model::parse(TARGET).expect("target");
        let error = import(&source, &mut target, &request(&get_thing())).expect_err("broken");
        assert_eq!(
            format!("{error:#}"),
            "ex#TagList refers to ex#Tag (member member), which the source does not define"
        );
    }

    #[test]
    fn describe_collection_imports_from_the_official_model_into_a_copy_of_our_first_model() {
        let official = shared_dir()
            .join("models")
            .join("rekognition-2016-06-27.shapes.json");
        // The model as it was before it grew: four operations, DescribeCollection not among them.
        let ours = project_root()
            .join("xtask/tests/fixtures")
            .join("rekognition-four-operations.json");
        let dir = std::env::temp_dir().join(format!("xtask-model-import-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let copy = dir.join("rekognition.json");
        std::fs::copy(&ours, &copy).expect("copy of the four-operation model");

        let operations = vec!["DescribeCollection".to_owned()];
        let report = import_file(&official, &copy, &request(&operations)).expect("imports");
        let rekognition = |name: &str| format!("com.amazonaws.rekognition#{name}");
        assert_eq!(report.operations_added, [rekognition("DescribeCollection")]);
        assert_eq!(
            report.shapes_added,
            [
                "DateTime",
                "DescribeCollection",
                "DescribeCollectionRequest",
                "DescribeCollectionResponse",
                "ULong"
            ]
            .map(rekognition)
        );
        let summary = report.summary(&official, &copy);
        assert!(
            summary.contains("operations added (1): DescribeCollection\n"),
            "{summary}"
        );
        assert!(summary.contains("shapes added (5):\n"), "{summary}");

        // Against the original, the written model differs by exactly what was reported, and
        // every shape it had is unchanged, documentation included.
        let before = Model::load(&ours).expect("the four-operation model");
        let after = Model::load(&copy).expect("the written copy");
        let lines: Vec<String> = diff(&before, &after, &DiffOptions { docs: true })
            .into_iter()
            .map(|difference| difference.line)
            .collect();
        let mut expected = vec!["+ operation DescribeCollection".to_owned()];
        expected.extend(report.shapes_added.iter().map(|id| {
            let kind = super::shape_kind(after.shape(id).expect("added"));
            format!("+ shape {id} ({kind})")
        }));
        assert_eq!(lines, expected);
        let written = std::fs::read_to_string(&copy).expect("written");
        assert!(written.ends_with("}\n"));
        assert_eq!(after.to_text().expect("serializes"), written);

        let again = import_file(&official, &copy, &request(&operations)).expect("imports");
        assert!(again.is_empty(), "{again:?}");
        assert_eq!(std::fs::read_to_string(&copy).expect("unchanged"), written);
        std::fs::remove_dir_all(&dir).expect("temp dir removed");
    }
}
