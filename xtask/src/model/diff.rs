//! `cargo xtask model diff OLD NEW`: how two Smithy JSON AST models differ, one sorted line per
//! difference: operations bound to the service, shapes, members, targets and traits.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result};

use super::{
    LIST_REFERENCES, Model, Node, PROSE_TRAITS, SINGLE_MEMBERS, SINGLE_REFERENCES, namespace,
    shape_kind, shape_members, shape_name, targets_of, traits_of,
};

/// `cargo xtask model diff`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The old model (Smithy 2.0 JSON AST).
    old: PathBuf,
    /// The new model (Smithy 2.0 JSON AST).
    new: PathBuf,
    /// Also report changes to documentation (`@documentation`, `@examples`,
    /// `@externalDocumentation`), which are otherwise ignored.
    #[arg(long)]
    docs: bool,
    /// Exit with status 1 when the models differ.
    #[arg(long)]
    exit_code: bool,
}

/// Runs `cargo xtask model diff`.
pub(super) fn run(args: &Args) -> Result<()> {
    let old = Model::load(&args.old)?;
    let new = Model::load(&args.new)?;
    let differences = diff(&old, &new, &DiffOptions { docs: args.docs });
    let mut text = String::new();
    for difference in &differences {
        text.push_str(&difference.line);
        text.push('\n');
    }
    if differences.is_empty() {
        text.push_str("no differences\n");
    }
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        // A reader that has seen enough (`| head`) is not a failure.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
        result => result.context("could not write to stdout")?,
    }
    if args.exit_code && !differences.is_empty() {
        std::process::exit(1);
    }
    Ok(())
}

/// What a comparison looks at.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct DiffOptions {
    /// Compare the prose traits too.
    pub(super) docs: bool,
}

/// One difference between two models, printed as one line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Difference {
    /// Where the line sorts: bindings, then whole shapes, then changes inside shapes.
    section: Section,
    /// What the line is about (a shape or member id), so a shape's lines stay together.
    subject: String,
    /// The line itself.
    pub(super) line: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.line)
    }
}

/// The groups of a diff, in printing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    /// Operations and resources bound to, or unbound from, a service.
    Bindings,
    /// Shapes added or removed.
    Shapes,
    /// Changes inside a shape present in both models.
    Changes,
}

/// Every difference from `old` to `new`, sorted.
pub(super) fn diff(old: &Model, new: &Model, options: &DiffOptions) -> Vec<Difference> {
    let mut differences = binding_differences(old, new);
    for (id, shape) in new.shapes() {
        if old.shape(id).is_none() {
            differences.push(Difference {
                section: Section::Shapes,
                subject: id.to_owned(),
                line: format!("+ shape {id} ({})", shape_kind(shape)),
            });
        }
    }
    for (id, old_shape) in old.shapes() {
        match new.shape(id) {
            None => differences.push(Difference {
                section: Section::Shapes,
                subject: id.to_owned(),
                line: format!("- shape {id} ({})", shape_kind(old_shape)),
            }),
            Some(new_shape) => {
                differences.extend(shape_differences(id, old_shape, new_shape, options));
            }
        }
    }
    differences.sort();
    differences
}

/// Operations and resources bound to each service present on both sides (paired by id, or the
/// only service of each model when both have exactly one).
fn binding_differences(old: &Model, new: &Model) -> Vec<Difference> {
    let old_services = old.services();
    let new_services = new.services();
    let pairs: Vec<(&str, &str)> = match (old_services.as_slice(), new_services.as_slice()) {
        ([old_service], [new_service]) => vec![(*old_service, *new_service)],
        _ => old_services
            .iter()
            .filter(|id| new_services.contains(id))
            .map(|id| (*id, *id))
            .collect(),
    };
    let name_the_service = pairs.len() > 1;
    let mut differences = Vec::new();
    for (old_service, new_service) in pairs {
        let (Some(old_shape), Some(new_shape)) = (old.shape(old_service), new.shape(new_service))
        else {
            continue;
        };
        let suffix = if name_the_service {
            format!(" (service {new_service})")
        } else {
            String::new()
        };
        for (property, noun) in [("operations", "operation"), ("resources", "resource")] {
            let before: BTreeSet<&str> = targets_of(old_shape, property).into_iter().collect();
            let after: BTreeSet<&str> = targets_of(new_shape, property).into_iter().collect();
            let changes = after
                .difference(&before)
                .map(|id| ('+', *id, new_service))
                .chain(before.difference(&after).map(|id| ('-', *id, old_service)));
            for (sign, id, service) in changes {
                let name = if namespace(id) == namespace(service) {
                    shape_name(id)
                } else {
                    id
                };
                differences.push(Difference {
                    section: Section::Bindings,
                    subject: format!("{new_service} {id}"),
                    line: format!("{sign} {noun} {name}{suffix}"),
                });
            }
        }
    }
    differences
}

/// How one shape differs between two models: its type, references (input, output, errors,
/// mixins...), members and their targets and traits, its own traits, and any other property.
/// Empty exactly when the two are the same apart from what `options` leaves out, the order of
/// object keys and the order of reference lists; a service's operations and resources are left
/// to the binding lines.
pub(super) fn shape_differences(
    id: &str,
    old: &Node,
    new: &Node,
    options: &DiffOptions,
) -> Vec<Difference> {
    let mut details = type_and_reference_differences(old, new);
    details.extend(trait_differences(old, new, options));
    let handled: BTreeSet<&str> = ["type", "traits", "members"]
        .into_iter()
        .chain(SINGLE_MEMBERS)
        .chain(SINGLE_REFERENCES)
        .chain(LIST_REFERENCES)
        .collect();
    details.extend(property_differences(old, new, &handled));
    details.extend(member_order_difference(old, new));

    let mut differences = member_changes(id, old, new, options);
    differences.extend(details.into_iter().map(|detail| Difference {
        section: Section::Changes,
        subject: id.to_owned(),
        line: format!("~ shape {id}: {detail}"),
    }));
    differences.sort();
    differences
}

/// How a shape's type and its references (input, output, errors, mixins...) differ; a
/// service's operations and resources are left to the binding lines.
fn type_and_reference_differences(old: &Node, new: &Node) -> Vec<String> {
    let mut details = Vec::new();
    let (old_kind, new_kind) = (shape_kind(old), shape_kind(new));
    if old_kind != new_kind {
        details.push(format!("type {old_kind} -> {new_kind}"));
    }
    for property in SINGLE_REFERENCES {
        let before = old.get(property).and_then(Node::target);
        let after = new.get(property).and_then(Node::target);
        if before != after {
            let shown = |target: Option<&str>| target.unwrap_or("(none)").to_owned();
            details.push(format!("{property} {} -> {}", shown(before), shown(after)));
        }
    }
    let is_service = old_kind == "service" && new_kind == "service";
    for property in LIST_REFERENCES {
        if is_service && matches!(property, "operations" | "resources") {
            continue;
        }
        let noun = match property {
            "errors" => "error",
            "mixins" => "mixin",
            "operations" => "operation",
            "collectionOperations" => "collection operation",
            _ => "resource",
        };
        let before: BTreeSet<&str> = targets_of(old, property).into_iter().collect();
        let after: BTreeSet<&str> = targets_of(new, property).into_iter().collect();
        for added in after.difference(&before) {
            details.push(format!("+ {noun} {added}"));
        }
        for removed in before.difference(&after) {
            details.push(format!("- {noun} {removed}"));
        }
    }
    details
}

/// The order of the members both sides have, where it differs.
fn member_order_difference(old: &Node, new: &Node) -> Option<String> {
    let old_members = shape_members(old);
    let new_members = shape_members(new);
    let old_by_name: BTreeMap<&str, &Node> = old_members.iter().copied().collect();
    let new_by_name: BTreeMap<&str, &Node> = new_members.iter().copied().collect();
    let old_order = common_order(&old_members, &new_by_name);
    let new_order = common_order(&new_members, &old_by_name);
    (old_order != new_order).then(|| {
        format!(
            "member order {} -> {}",
            old_order.join(", "),
            new_order.join(", ")
        )
    })
}

/// The members of shape `id` added, removed, or present on both sides and changed.
fn member_changes(id: &str, old: &Node, new: &Node, options: &DiffOptions) -> Vec<Difference> {
    let mut differences: Vec<Difference> = Vec::new();
    let old_by_name: BTreeMap<&str, &Node> = shape_members(old).into_iter().collect();
    let new_by_name: BTreeMap<&str, &Node> = shape_members(new).into_iter().collect();
    for (name, member) in &new_by_name {
        let member_id = format!("{id}${name}");
        let line = match old_by_name.get(name) {
            None => format!(
                "+ member {member_id} ({})",
                member.target().unwrap_or_default()
            ),
            Some(old_member) => {
                for detail in member_differences(old_member, member, options) {
                    differences.push(Difference {
                        section: Section::Changes,
                        subject: member_id.clone(),
                        line: format!("~ member {member_id}: {detail}"),
                    });
                }
                continue;
            }
        };
        differences.push(Difference {
            section: Section::Changes,
            subject: member_id,
            line,
        });
    }
    for (name, member) in &old_by_name {
        if !new_by_name.contains_key(name) {
            let member_id = format!("{id}${name}");
            differences.push(Difference {
                section: Section::Changes,
                line: format!(
                    "- member {member_id} ({})",
                    member.target().unwrap_or_default()
                ),
                subject: member_id,
            });
        }
    }
    differences
}

/// The names of `members` that `other` has too, in `members`' order.
fn common_order<'a>(members: &[(&'a str, &Node)], other: &BTreeMap<&str, &Node>) -> Vec<&'a str> {
    members
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| other.contains_key(name))
        .collect()
}

/// How a member present on both sides differs: its target, its traits, anything else.
fn member_differences(old: &Node, new: &Node, options: &DiffOptions) -> Vec<String> {
    let mut details = Vec::new();
    let (before, after) = (
        old.target().unwrap_or_default(),
        new.target().unwrap_or_default(),
    );
    if before != after {
        details.push(format!("target {before} -> {after}"));
    }
    details.extend(trait_differences(old, new, options));
    details.extend(property_differences(
        old,
        new,
        &BTreeSet::from(["target", "traits"]),
    ));
    details
}

/// Traits added, removed or changed on a shape or member, by trait id; the prose traits only
/// when `options` asks.
fn trait_differences(old: &Node, new: &Node, options: &DiffOptions) -> Vec<String> {
    keyed_differences(
        "trait ",
        &compared_traits(old, options),
        &compared_traits(new, options),
    )
}

/// The traits of a shape or member that `options` compares.
fn compared_traits<'a>(node: &'a Node, options: &DiffOptions) -> BTreeMap<&'a str, &'a Node> {
    traits_of(node)
        .filter(|(id, _)| options.docs || !PROSE_TRAITS.contains(id))
        .collect()
}

/// Any other property (a resource's identifiers, a service's version...) that differs.
fn property_differences(old: &Node, new: &Node, handled: &BTreeSet<&str>) -> Vec<String> {
    keyed_differences(
        "",
        &other_properties(old, handled),
        &other_properties(new, handled),
    )
}

/// The properties of a shape or member that are not in `handled`.
fn other_properties<'a>(node: &'a Node, handled: &BTreeSet<&str>) -> BTreeMap<&'a str, &'a Node> {
    node.as_object()
        .into_iter()
        .flatten()
        .map(|(key, value)| (key.as_str(), value))
        .filter(|(key, _)| !handled.contains(key))
        .collect()
}

/// `+ KEY VALUE`, `- KEY VALUE` and `KEY OLD -> NEW` lines, by key, each prefixed by `label`.
fn keyed_differences(
    label: &str,
    old: &BTreeMap<&str, &Node>,
    new: &BTreeMap<&str, &Node>,
) -> Vec<String> {
    let keys: BTreeSet<&str> = old.keys().chain(new.keys()).copied().collect();
    keys.into_iter()
        .filter_map(|key| match (old.get(key), new.get(key)) {
            (None, Some(value)) => Some(format!("+ {label}{key} {value}")),
            (Some(value), None) => Some(format!("- {label}{key} {value}")),
            (Some(before), Some(after)) if before != after => {
                Some(format!("{label}{key} {before} -> {after}"))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::{DiffOptions, diff};
    use crate::model::{Model, PROSE_TRAITS, namespace, shape_name, targets_of};
    use crate::{project_root, shared_dir};

    const OLD: &str = r#"{
        "smithy": "2.0",
        "shapes": {
            "ex#Service": {"type": "service", "version": "1", "operations": [{"target": "ex#GetThing"}, {"target": "ex#DropThing"}]},
            "ex#GetThing": {"type": "operation", "input": {"target": "ex#GetThingInput"}, "errors": [{"target": "ex#NotFound"}]},
            "ex#DropThing": {"type": "operation"},
            "ex#GetThingInput": {"type": "structure", "members": {
                "Id": {"target": "ex#ThingId"},
                "Size": {"target": "smithy.api#Integer"},
                "Gone": {"target": "smithy.api#String"}
            }},
            "ex#ThingId": {"type": "string", "traits": {"smithy.api#length": {"min": 1, "max": 64}, "smithy.api#documentation": "Old words."}},
            "ex#Kind": {"type": "enum", "members": {
                "A": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": "a"}},
                "B": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": "b"}}
            }},
            "ex#Flag": {"type": "string"},
            "ex#NotFound": {"type": "structure", "members": {}, "traits": {"smithy.api#error": "client"}},
            "ex#Old": {"type": "blob"}
        }
    }"#;

    const NEW: &str = r#"{
        "smithy": "2.0",
        "shapes": {
            "ex#Service": {"type": "service", "version": "2", "operations": [{"target": "ex#GetThing"}, {"target": "ex#PutThing"}]},
            "ex#GetThing": {"type": "operation", "input": {"target": "ex#GetThingRequest"}, "errors": [{"target": "ex#Throttled"}]},
            "ex#DropThing": {"type": "operation"},
            "ex#PutThing": {"type": "operation"},
            "ex#GetThingInput": {"type": "structure", "members": {
                "Id": {"target": "ex#ThingId", "traits": {"smithy.api#required": {}}},
                "Size": {"target": "smithy.api#Long"},
                "Added": {"target": "smithy.api#String"}
            }},
            "ex#GetThingRequest": {"type": "structure", "members": {}},
            "ex#ThingId": {"type": "string", "traits": {"smithy.api#length": {"max": 128, "min": 1}, "smithy.api#sensitive": {}, "smithy.api#documentation": "New words."}},
            "ex#Kind": {"type": "enum", "members": {
                "A": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": "a"}},
                "B": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": "bee"}}
            }},
            "ex#Flag": {"type": "enum", "members": {}},
            "ex#NotFound": {"type": "structure", "members": {}, "traits": {"smithy.api#error": "client"}},
            "ex#Throttled": {"type": "structure", "members": {}, "traits": {"smithy.api#error": "server"}}
        }
    }"#;

    fn lines(old: &str, new: &str, options: &DiffOptions) -> Vec<String> {
        let old = Model::parse(old).expect("old model");
        let new = Model::parse(new).expect("new model");
        diff(&old, &new, options)
            .into_iter()
            .map(|difference| difference.line)
            .collect()
    }

    #[test]
    fn every_kind_of_difference_gets_a_line() {
        assert_eq!(
            lines(OLD, NEW, &DiffOptions::default()),
            [
                "- operation DropThing",
                "+ operation PutThing",
                "+ shape ex#GetThingRequest (structure)",
                "- shape ex#Old (blob)",
                "+ shape ex#PutThing (operation)",
                "+ shape ex#Throttled (structure)",
                "~ shape ex#Flag: type string -> enum",
                "~ shape ex#GetThing: + error ex#Throttled",
                "~ shape ex#GetThing: - error ex#NotFound",
                "~ shape ex#GetThing: input ex#GetThingInput -> ex#GetThingRequest",
                "+ member ex#GetThingInput$Added (smithy.api#String)",
                "- member ex#GetThingInput$Gone (smithy.api#String)",
                "~ member ex#GetThingInput$Id: + trait smithy.api#required {}",
                "~ member ex#GetThingInput$Size: target smithy.api#Integer -> smithy.api#Long",
                "~ member ex#Kind$B: trait smithy.api#enumValue \"b\" -> \"bee\"",
                "~ shape ex#Service: version \"1\" -> \"2\"",
                "~ shape ex#ThingId: + trait smithy.api#sensitive {}",
                "~ shape ex#ThingId: trait smithy.api#length {\"min\":1,\"max\":64} -> {\"max\":128,\"min\":1}",
            ]
        );
    }

    #[test]
    fn documentation_is_compared_only_when_asked() {
        let with_docs = lines(OLD, NEW, &DiffOptions { docs: true });
        let documentation: Vec<&String> = with_docs
            .iter()
            .filter(|line| line.contains("documentation"))
            .collect();
        assert_eq!(
            documentation,
            ["~ shape ex#ThingId: trait smithy.api#documentation \"Old words.\" -> \"New words.\""]
        );
        assert_eq!(with_docs.len(), 19);
    }

    #[test]
    fn members_in_another_order_get_one_line_naming_both_orders() {
        let old = r#"{"smithy": "2.0", "shapes": {"a#S": {"type": "structure", "members": {
            "A": {"target": "smithy.api#String"}, "B": {"target": "smithy.api#String"},
            "C": {"target": "smithy.api#String"}}}}}"#;
        let new = r#"{"smithy": "2.0", "shapes": {"a#S": {"type": "structure", "members": {
            "C": {"target": "smithy.api#String"}, "D": {"target": "smithy.api#String"},
            "A": {"target": "smithy.api#String"}}}}}"#;
        assert_eq!(
            lines(old, new, &DiffOptions::default()),
            [
                "~ shape a#S: member order A, C -> C, A",
                "- member a#S$B (smithy.api#String)",
                "+ member a#S$D (smithy.api#String)",
            ]
        );
    }

    #[test]
    fn a_model_does_not_differ_from_itself_nor_from_a_reordered_copy() {
        let reordered = r#"{"shapes": {"a#B": {"traits": {"x#y": {"b": 2, "a": 1}}, "type": "string"}}, "smithy": "2.0"}"#;
        let original = r#"{"smithy": "2.0", "shapes": {"a#B": {"type": "string", "traits": {"x#y": {"a": 1, "b": 2}}}}}"#;
        assert!(lines(original, reordered, &DiffOptions::default()).is_empty());
        assert!(lines(NEW, NEW, &DiffOptions { docs: true }).is_empty());
    }

    #[test]
    fn the_model_grew_from_its_first_four_operations_by_additions_only() {
        let first = Model::load(
            &project_root()
                .join("xtask/tests/fixtures")
                .join("rekognition-four-operations.json"),
        )
        .expect("the four-operation model");
        let ours = Model::load(&project_root().join("model").join("rekognition.json"))
            .expect("model/rekognition.json");
        let lines: Vec<String> = diff(&first, &ours, &DiffOptions::default())
            .into_iter()
            .map(|difference| difference.line)
            .collect();
        let added: BTreeSet<&str> = lines
            .iter()
            .filter_map(|line| line.strip_prefix("+ operation "))
            .collect();
        for operation in [
            "CreateProject",
            "DeleteDataset",
            "DeleteProject",
            "DescribeCollection",
            "DescribeDataset",
            "DescribeProjects",
            "DistributeDatasetEntries",
            "ListDatasetEntries",
            "ListDatasetLabels",
            "ListTagsForResource",
            "TagResource",
            "UntagResource",
            "UpdateDatasetEntries",
        ] {
            assert!(added.contains(operation), "{operation} in {lines:#?}");
        }
        // Growing the model changed nothing the first four operations use.
        let changed: Vec<&String> = lines.iter().filter(|line| !line.starts_with('+')).collect();
        assert!(changed.is_empty(), "{changed:#?}");
        // With documentation compared, the only change to an existing shape is the service's
        // own description.
        let documented: Vec<String> = diff(&first, &ours, &DiffOptions { docs: true })
            .into_iter()
            .map(|difference| difference.line)
            .filter(|line| !line.starts_with('+'))
            .collect();
        assert!(
            documented
                .iter()
                .all(|line| line.contains("com.amazonaws.rekognition#RekognitionService")),
            "{documented:#?}"
        );
    }

    #[test]
    fn our_model_against_the_official_one_adds_operations_and_changes_nothing_we_have() {
        let ours_path = project_root().join("model").join("rekognition.json");
        let official_path = shared_dir()
            .join("models")
            .join("rekognition-2016-06-27.shapes.json");
        let ours = Model::load(&ours_path).expect("model/rekognition.json");
        let official = Model::load(&official_path).expect("the official Rekognition model");
        let lines: Vec<String> = diff(&ours, &official, &DiffOptions::default())
            .into_iter()
            .map(|difference| difference.line)
            .collect();

        let service = "com.amazonaws.rekognition#RekognitionService";
        let bound = |model: &Model| -> BTreeSet<String> {
            let shape = model.shape(service).expect("the service");
            targets_of(shape, "operations")
                .into_iter()
                .map(|id| shape_name(id).to_owned())
                .collect()
        };
        let (our_operations, official_operations) = (bound(&ours), bound(&official));
        assert!(our_operations.is_subset(&official_operations));
        let added: BTreeSet<String> = lines
            .iter()
            .filter_map(|line| line.strip_prefix("+ operation "))
            .map(str::to_owned)
            .collect();
        let expected: BTreeSet<String> = official_operations
            .difference(&our_operations)
            .cloned()
            .collect();
        assert_eq!(added, expected);
        assert_eq!(
            added.len(),
            official_operations.len() - our_operations.len()
        );
        assert!(added.contains("DetectLabels"));

        // Every shape of ours is in the official model with the same type, members, targets
        // and constraints: our model differs only in its documentation.
        let unexpected: Vec<&String> = lines
            .iter()
            .filter(|line| !line.starts_with("+ operation ") && !line.starts_with("+ shape "))
            .collect();
        assert!(unexpected.is_empty(), "{unexpected:#?}");
        let added_shapes = lines
            .iter()
            .filter(|line| line.starts_with("+ shape "))
            .count();
        assert_eq!(
            added_shapes,
            official.shapes().count() - ours.shapes().count()
        );
        assert!(
            ours.shapes()
                .all(|(id, _)| namespace(id) == "com.amazonaws.rekognition")
        );

        // The official model is stripped of prose, so with --docs every documentation trait
        // of ours shows as removed, and nothing else changes.
        let with_docs: Vec<String> = diff(&ours, &official, &DiffOptions { docs: true })
            .into_iter()
            .map(|difference| difference.line)
            .filter(|line| line.starts_with('~'))
            .collect();
        assert!(!with_docs.is_empty());
        for line in &with_docs {
            assert!(
                PROSE_TRAITS
                    .iter()
                    .any(|prose| line.contains(&format!(": - trait {prose} "))),
                "{line}"
            );
        }
    }
}
