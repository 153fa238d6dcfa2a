//! Turns the parsed files into one JSON AST: resolves shape ids (namespace, `use`, other files,
//! the prelude, in the order the specification gives), applies traits and `apply` statements,
//! fills in elided member targets, merges metadata, and refuses what Smithy's loader refuses.
//! Mixins stay mixins: the JSON AST keeps `mixins` lists, and members inherited from a mixin
//! that get traits of their own become `apply` entries, as Smithy's serializer writes them.
//!
//! This module runs the stages in order; each stage lives in a module of its own.

mod duplicates;
mod json_ast;
mod mixins;
mod resolve;
mod shapes;
mod traits;
mod upgrade;
mod validate;
mod values;

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, Warning};
use crate::parser::{self, File, Location, Shape, Version};
use crate::prelude::package_trait_type;

use self::duplicates::Definition;
use self::mixins::{ElidedMember, ShapeFacts};
use self::traits::{AppliedTrait, PendingTrait};

/// One input file: its name (used in errors, and `.json` names mark JSON AST files) and text.
pub(crate) struct Source<'a> {
    pub(crate) name: &'a str,
    pub(crate) text: &'a str,
}

enum Parsed {
    Idl(File),
    Json(Value),
}

/// What the stages build up: the shapes and metadata so far, and what the stages that need
/// every shape take from the ones before.
#[derive(Default)]
struct Built {
    shapes: Map<String, Value>,
    metadata: Map<String, Value>,
    /// Traits to attach once every shape exists.
    pending: Vec<PendingTrait>,
    facts: BTreeMap<String, ShapeFacts>,
    /// Members whose target a mixin or the bound resource gives.
    elided: Vec<ElidedMember>,
    /// Where each IDL shape is defined.
    idl_ids: BTreeMap<String, (usize, Location)>,
    /// Shapes of IDL 1.0 files and of JSON AST files that declare version 1.
    v1_shapes: HashSet<String>,
    /// Shapes of JSON AST files that declare no version, which Smithy neither upgrades nor
    /// treats as 2.0 shapes.
    unversioned: HashSet<String>,
    /// Shapes defined more than once.
    duplicated: HashSet<String>,
    /// The first definition of each shape defined more than once, to compare the others with.
    first_definitions: HashMap<String, Definition>,
}

/// A shape the inputs define: its type, and where its first definition is.
struct Defined {
    kind: String,
    source: usize,
    /// Where an IDL definition starts; a JSON AST definition has no place in its file.
    location: Location,
}

struct Assembler<'a> {
    sources: &'a [Source<'a>],
    errors: Vec<Error>,
    /// Every shape defined by the inputs, with its type and first definition. Only looked
    /// up, never walked, so a hash map: shape ids share long namespace prefixes that make
    /// ordered lookups compare many bytes.
    defined: HashMap<String, Defined>,
    /// Every trait id applied that names a shape, with the first place it is applied, to
    /// check once the model is complete that each of them is a trait definition.
    applied_traits: HashMap<String, AppliedTrait>,
    /// What Smithy's loader warns about but accepts.
    warnings: Vec<Warning>,
}

/// Loads the sources into one JSON AST value, with the warnings found on the way.
pub(crate) fn assemble(sources: &[Source<'_>]) -> Result<(Value, Vec<Warning>), Vec<Error>> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut parsed = Vec::new();
    let mut buffers = parser::Buffers::default();
    for source in sources {
        if source.name.ends_with(".json") {
            match serde_json::from_str::<Value>(source.text) {
                Ok(value) if value.is_object() => parsed.push(Parsed::Json(value)),
                Ok(_) => errors.push(Error::model(
                    ErrorKind::Syntax,
                    source.name,
                    "a JSON AST file must hold an object".into(),
                )),
                Err(e) => errors.push(Error::at(
                    ErrorKind::Syntax,
                    source.name,
                    source.text,
                    e.line(),
                    e.column(),
                    e.to_string(),
                )),
            }
        } else {
            let (file, syntax_errors) = parser::parse(source.text, &mut buffers);
            for w in &file.warnings {
                warnings.push(Warning::at(
                    source.name,
                    source.text,
                    w.location.line,
                    w.location.column,
                    w.message.clone(),
                ));
            }
            for e in syntax_errors {
                errors.push(Error::at(
                    ErrorKind::Syntax,
                    source.name,
                    source.text,
                    e.location.line,
                    e.location.column,
                    e.message,
                ));
            }
            parsed.push(Parsed::Idl(file));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut assembler = Assembler {
        sources,
        errors,
        defined: HashMap::new(),
        applied_traits: HashMap::new(),
        warnings,
    };
    let model = assembler.run(&mut parsed);
    if assembler.errors.is_empty() {
        Ok((model, assembler.warnings))
    } else {
        Err(assembler.errors)
    }
}

impl Assembler<'_> {
    /// A place in an input as errors name it: `file:line:column`, or the file alone for a
    /// place without a line (in a JSON AST file).
    fn place(&self, source: usize, location: Location) -> String {
        let name = self.sources.get(source).map_or("", |s| s.name);
        if location.line == 0 {
            name.to_string()
        } else {
            format!("{name}:{}:{}", location.line, location.column)
        }
    }

    fn error_at(&mut self, source: usize, location: Location, kind: ErrorKind, message: String) {
        let (name, text) = self
            .sources
            .get(source)
            .map(|s| (s.name, s.text))
            .unwrap_or(("", ""));
        self.errors.push(Error::at(
            kind,
            name,
            text,
            location.line,
            location.column,
            message,
        ));
    }

    fn warning_at(&mut self, source: usize, location: Location, message: String) {
        let (name, text) = self
            .sources
            .get(source)
            .map(|s| (s.name, s.text))
            .unwrap_or(("", ""));
        self.warnings.push(Warning::at(
            name,
            text,
            location.line,
            location.column,
            message,
        ));
    }

    fn run(&mut self, parsed: &mut [Parsed]) -> Value {
        let mut built = Built::default();
        // Every defined shape first, so references resolve whatever order files come in.
        for (index, file) in parsed.iter().enumerate() {
            match file {
                Parsed::Idl(file) => self.define_idl_shapes(index, file, &mut built),
                Parsed::Json(value) => self.define_json_shapes(index, value, &mut built),
            }
        }
        self.warn_about_undefined_uses(parsed);
        for (index, file) in parsed.iter_mut().enumerate() {
            match file {
                Parsed::Idl(file) => self.load_idl_file(index, file, &mut built),
                Parsed::Json(value) => self.load_json_file(index, value, &mut built),
            }
        }
        self.finish(parsed, built)
    }

    /// Records the shapes an IDL file defines. A shape defined before is compared with its
    /// first definition once both are built.
    fn define_idl_shapes(&mut self, index: usize, file: &File, built: &mut Built) {
        for shape in &file.shapes {
            if self.defined.contains_key(&shape.id) {
                built.duplicated.insert(shape.id.clone());
                continue;
            }
            built
                .idl_ids
                .insert(shape.id.clone(), (index, shape.location));
            if file.version == Version::V1 {
                built.v1_shapes.insert(shape.id.clone());
            }
            let defined = Defined {
                kind: shape.kind.clone(),
                source: index,
                location: shape.location,
            };
            self.defined.insert(shape.id.clone(), defined);
        }
    }

    /// Smithy warns about a `use` of a shape defined nowhere, and loads the file all the same.
    fn warn_about_undefined_uses(&mut self, parsed: &[Parsed]) {
        for (index, file) in parsed.iter().enumerate() {
            let Parsed::Idl(file) = file else { continue };
            for used in &file.use_statements {
                if !self.exists(&used.text) && package_trait_type(&used.text).is_none() {
                    let message = format!("Use statement refers to undefined shape: {}", used.text);
                    self.warning_at(index, used.location, message);
                }
            }
        }
    }

    /// Turns an IDL file's metadata, shapes and `apply` statements into JSON AST values, the
    /// traits queued until every shape exists.
    fn load_idl_file(&mut self, index: usize, file: &mut File, built: &mut Built) {
        // Node values move into the JSON AST rather than being copied: only the statements
        // are taken out, the file's namespace and `use`s stay to resolve against, and the
        // shapes go back for the checks that follow.
        let mut file_metadata = std::mem::take(&mut file.metadata);
        let mut file_shapes = std::mem::take(&mut file.shapes);
        let mut file_applies = std::mem::take(&mut file.applies);
        let context = Context {
            file: &*file,
            source: index,
        };
        for (key, node, location) in &mut file_metadata {
            let value = self.node_value(&context, node, true);
            self.merge_metadata(&mut built.metadata, key, value, index, *location);
        }
        for shape in &mut file_shapes {
            if is_first_definition(&built.idl_ids, index, shape) {
                self.load_idl_shape(&context, shape, built);
            } else {
                self.load_idl_duplicate(&context, shape, built);
            }
        }
        for apply in &mut file_applies {
            let target = self.resolve_reference(&context, &apply.target);
            self.pending_traits(&context, &target, &mut apply.traits, &mut built.pending);
        }
        file.shapes = file_shapes;
    }

    /// Builds the first definition of an IDL shape, keeping it to compare with the others if
    /// there are others.
    fn load_idl_shape(&mut self, context: &Context<'_>, shape: &mut Shape, built: &mut Built) {
        let (traits_from, elided_from) = (built.pending.len(), built.elided.len());
        let (value, shape_facts) =
            self.shape_value(context, shape, &mut built.pending, &mut built.elided);
        if built.duplicated.contains(&shape.id) {
            let definition = Definition::of_idl(
                (context.source, shape.location),
                &value,
                &built.pending[traits_from..],
                &built.elided[elided_from..],
            );
            built.first_definitions.insert(shape.id.clone(), definition);
        }
        built.facts.insert(shape.id.clone(), shape_facts);
        built.shapes.insert(shape.id.clone(), value);
    }

    /// The stages that need every shape: elided targets, mixin members, traits, enum values,
    /// validation and the 1.0 upgrade; then the model as one JSON AST value.
    fn finish(&mut self, parsed: &[Parsed], built: Built) -> Value {
        let Built {
            mut shapes,
            metadata,
            mut pending,
            facts,
            elided,
            idl_ids,
            v1_shapes,
            unversioned,
            ..
        } = built;
        self.resolve_elided(&mut shapes, &facts, &elided);
        self.check_mixin_members(parsed, &idl_ids, &facts);
        let mut applies: Map<String, Value> = Map::new();
        for index in 0..pending.len() {
            let (earlier, rest) = pending.split_at_mut(index);
            if let Some(item) = rest.first_mut() {
                self.attach_trait(&mut shapes, &mut applies, &facts, item, earlier);
            }
        }
        self.check_trait_definitions(&shapes, &idl_ids);
        self.finish_enums(parsed, &mut shapes, &idl_ids, &facts);
        self.validate(parsed, &idl_ids, &shapes, &facts);
        if !v1_shapes.is_empty() || !unversioned.is_empty() {
            self.upgrade_v1(&mut shapes, &v1_shapes, &unversioned);
        }
        for (id, value) in applies {
            shapes.insert(id, value);
        }

        let mut model = Map::new();
        // 1.0 shapes are upgraded as they load, so the model is always a 2.0 one.
        model.insert("smithy".into(), Value::String("2.0".into()));
        if !metadata.is_empty() {
            model.insert("metadata".into(), Value::Object(metadata));
        }
        model.insert("shapes".into(), Value::Object(shapes));
        Value::Object(model)
    }

    fn merge_metadata(
        &mut self,
        metadata: &mut Map<String, Value>,
        key: &str,
        value: Value,
        source: usize,
        location: Location,
    ) {
        match metadata.get_mut(key) {
            None => {
                metadata.insert(key.to_string(), value);
            }
            Some(Value::Array(previous)) if value.is_array() => {
                if let Value::Array(more) = value {
                    previous.extend(more);
                }
            }
            Some(previous) if *previous == value => {}
            Some(_) => {
                self.error_at(
                    source,
                    location,
                    ErrorKind::MetadataConflict,
                    format!("Metadata conflict for key `{key}`"),
                );
            }
        }
    }
}

/// Whether an IDL shape statement is the shape's first definition rather than a later one.
fn is_first_definition(
    idl_ids: &BTreeMap<String, (usize, Location)>,
    source: usize,
    shape: &Shape,
) -> bool {
    idl_ids.get(&shape.id) == Some(&(source, shape.location))
}

struct Context<'a> {
    file: &'a File,
    source: usize,
}

/// The IDL shape a file defines under an id.
fn idl_shape<'a>(parsed: &'a [Parsed], source: usize, id: &str) -> Option<&'a Shape> {
    match parsed.get(source) {
        Some(Parsed::Idl(file)) => file.shapes.iter().find(|shape| shape.id == id),
        _ => None,
    }
}
