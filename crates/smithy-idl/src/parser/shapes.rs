//! Shape statements and `apply`: the shape type and name, `for` and `with` clauses, members
//! (with elided targets and `= default`), enum members, operation bodies with inline input and
//! output, and service and resource bodies.

use super::values::is_doc;
use super::{
    Apply, Member, Node, Parse, Parser, Reference, Shape, SyntaxError, TraitApplication, Version,
};
use crate::lexer::Kind;

impl Parser<'_> {
    pub(super) fn parse_shape_or_apply(&mut self, traits: Vec<TraitApplication>) -> Parse<()> {
        let location = self.location();
        self.expect(Kind::Identifier)?;
        let kind = self.lexeme();
        if kind == "apply" {
            return self.parse_apply(traits);
        }
        if !SHAPE_TYPES.contains(&kind.as_str()) {
            return self.error(format!("Unknown shape type: {kind}"));
        }
        self.next();
        self.expect_and_skip_spaces()?;
        let id = self.parse_shape_name()?;
        let mut shape = Shape {
            id,
            kind: kind.clone(),
            location,
            traits,
            mixins: Vec::new(),
            for_resource: None,
            members: Vec::new(),
            properties: Vec::new(),
            input: None,
            output: None,
            errors: None,
        };
        match kind.as_str() {
            "list" | "set" | "map" | "union" | "structure" => {
                self.parse_aggregate(&mut shape)?;
            }
            "enum" | "intEnum" => self.parse_enum(&mut shape)?,
            "service" | "resource" => {
                self.parse_mixins().map(|mixins| shape.mixins = mixins)?;
                self.skip_ws_and_docs();
                self.expect(Kind::LBrace)?;
                let body_location = self.location();
                if let Node::Object(entries) = self.parse_node()? {
                    shape.properties = entries;
                }
                if kind == "resource"
                    && self.file.version == Version::V1
                    && shape.properties.iter().any(|(k, _)| k == "properties")
                {
                    return Err(SyntaxError {
                        location: body_location,
                        message: format!(
                            "Resource properties can only be used with Smithy version 2 or later. \
                             Attempted to use resource properties with version `{}`.",
                            self.file.version.label()
                        ),
                    });
                }
            }
            "operation" => self.parse_operation(&mut shape)?,
            _ => {
                shape.mixins = self.parse_mixins()?;
            }
        }
        self.file.shapes.push(shape);
        self.expect_and_skip_br()
    }

    fn parse_shape_name(&mut self) -> Parse<String> {
        let location = self.location();
        self.expect(Kind::Identifier)?;
        let name = self.lexeme();
        if let Some(previous) = self.file.uses.get(&name) {
            return Err(SyntaxError {
                location,
                message: format!("Shape name `{name}` conflicts with imported shape `{previous}`"),
            });
        }
        self.next();
        Ok(format!("{}#{}", self.namespace(), name))
    }

    fn parse_apply(&mut self, traits: Vec<TraitApplication>) -> Parse<()> {
        if traits.iter().any(|t| !is_doc(t)) {
            return self.error("Traits applied to apply statement".into());
        }
        self.next();
        self.expect_and_skip_whitespace()?;
        let location = self.location();
        let target = Reference {
            text: self.parse_shape_id()?,
            location,
        };
        self.expect_and_skip_whitespace()?;
        let traits = if self.expect_one(&[Kind::At, Kind::LBrace])? == Kind::At {
            vec![self.parse_trait()?]
        } else {
            self.next();
            self.skip_ws_and_docs();
            let traits = self.parse_traits()?;
            self.skip_ws_and_docs();
            self.expect(Kind::RBrace)?;
            self.next();
            traits
        };
        self.file.applies.push(Apply { target, traits });
        self.expect_and_skip_br()
    }

    fn parse_mixins(&mut self) -> Parse<Vec<Reference>> {
        self.skip_spaces();
        if !self.is_lexeme("with") {
            return Ok(Vec::new());
        }
        if self.file.version == Version::V1 {
            return self.error(format!(
                "Mixins can only be used with Smithy version 2 or later. Attempted to use mixins \
                 with version `{}`.",
                self.file.version.label()
            ));
        }
        self.next();
        self.skip_ws_and_docs();
        self.expect(Kind::LBracket)?;
        self.next();
        self.skip_ws_and_docs();
        let mut mixins = Vec::new();
        loop {
            let location = self.location();
            mixins.push(Reference {
                text: self.parse_shape_id()?,
                location,
            });
            self.skip_ws_and_docs();
            if self.kind() == Kind::RBracket {
                break;
            }
        }
        self.next();
        Ok(mixins)
    }

    fn parse_for_resource(&mut self, shape: &mut Shape) -> Parse<()> {
        self.skip_spaces();
        if !self.is_lexeme("for") {
            return Ok(());
        }
        if self.file.version == Version::V1 {
            return self.error(format!(
                "Structures can only be bound to resources with Smithy version 2 or later. \
                 Attempted to bind a structure to a resource with version `{}`.",
                self.file.version.label()
            ));
        }
        self.next();
        self.expect_and_skip_spaces()?;
        let location = self.location();
        shape.for_resource = Some(Reference {
            text: self.parse_shape_id()?,
            location,
        });
        Ok(())
    }

    fn parse_aggregate(&mut self, shape: &mut Shape) -> Parse<()> {
        self.parse_for_resource(shape)?;
        shape.mixins = self.parse_mixins()?;
        self.parse_members(shape)
    }

    fn parse_members(&mut self, shape: &mut Shape) -> Parse<()> {
        self.skip_ws_and_docs();
        self.docs.clear();
        self.expect(Kind::LBrace)?;
        self.next();
        self.skip_ws();
        while self.has_next() && self.kind() != Kind::RBrace {
            self.parse_member(shape)?;
            self.skip_ws();
        }
        self.expect(Kind::RBrace)?;
        self.next();
        Ok(())
    }

    fn parse_member(&mut self, shape: &mut Shape) -> Parse<()> {
        let mut traits = self.parse_docs_and_traits(true)?;
        let location = self.location();
        if self.kind() == Kind::RBrace && traits.len() == 1 && traits.iter().all(is_doc) {
            return Ok(());
        }
        let elided = self.kind() == Kind::Dollar;
        if elided {
            self.next();
        }
        self.expect(Kind::Identifier)?;
        let name = self.lexeme();
        if shape.members.iter().any(|m| m.name == name) {
            return self.error(format!("Duplicate member of `{}`: '{name}'", shape.id));
        }
        if elided && self.file.version == Version::V1 {
            return self.error("Members can only elide targets in IDL version 2 or later".into());
        }
        self.next();
        let mut target = None;
        if !elided {
            self.skip_spaces();
            self.expect(Kind::Colon)?;
            self.next();
            self.skip_spaces();
            let target_location = self.location();
            target = Some(Reference {
                text: self.parse_shape_id()?,
                location: target_location,
            });
        }
        self.skip_spaces();
        if self.kind() == Kind::Equal {
            if self.file.version == Version::V1 {
                return self.error(
                    "@default assignment is only supported in IDL version 2 or later".into(),
                );
            }
            self.next();
            self.skip_spaces();
            let default_location = self.location();
            let value = self.parse_node()?;
            traits.push(TraitApplication {
                name: Reference {
                    text: "smithy.api#default".into(),
                    location: default_location,
                },
                location: default_location,
                value,
                annotation: false,
                doc_comment: false,
            });
            self.skip_spaces();
            if self.kind() == Kind::Comma {
                self.next();
            }
            self.expect_and_skip_br()?;
        }
        shape.members.push(Member {
            name,
            target,
            traits,
            location,
        });
        Ok(())
    }

    fn parse_enum(&mut self, shape: &mut Shape) -> Parse<()> {
        shape.mixins = self.parse_mixins()?;
        self.skip_ws_and_docs();
        self.expect(Kind::LBrace)?;
        self.next();
        self.skip_ws();
        while !matches!(self.kind(), Kind::Eof | Kind::RBrace) {
            let mut traits = self.parse_docs_and_traits(true)?;
            let location = self.location();
            self.expect(Kind::Identifier)?;
            let name = self.lexeme();
            if shape.members.iter().any(|m| m.name == name) {
                return self.error(format!("Found conflicting member name, `{name}`"));
            }
            self.next();
            self.skip_spaces();
            if self.kind() == Kind::Equal {
                self.next();
                self.skip_spaces();
                let value_location = self.location();
                let value = self.parse_node()?;
                traits.push(TraitApplication {
                    name: Reference {
                        text: "smithy.api#enumValue".into(),
                        location: value_location,
                    },
                    location: value_location,
                    value,
                    annotation: false,
                    doc_comment: false,
                });
                self.skip_spaces();
                if self.kind() == Kind::Comma {
                    self.next();
                }
                self.expect_and_skip_br()?;
            } else {
                self.skip_ws();
            }
            shape.members.push(Member {
                name,
                target: Some(Reference {
                    text: "smithy.api#Unit".into(),
                    location,
                }),
                traits,
                location,
            });
        }
        self.expect(Kind::RBrace)?;
        self.next();
        Ok(())
    }

    fn parse_operation(&mut self, shape: &mut Shape) -> Parse<()> {
        shape.mixins = self.parse_mixins()?;
        self.skip_ws_and_docs();
        self.expect(Kind::LBrace)?;
        self.next();
        self.skip_ws_and_docs();
        let mut defined: Vec<String> = Vec::new();
        while self.has_next() && self.kind() != Kind::RBrace {
            self.expect(Kind::Identifier)?;
            let key = self.lexeme();
            if defined.contains(&key) {
                return self.error(format!(
                    "Duplicate operation {key} property for `{}`",
                    shape.id
                ));
            }
            defined.push(key.clone());
            self.next();
            self.skip_ws_and_docs();
            match key.as_str() {
                "input" | "output" => {
                    let how = self.expect_one(&[Kind::Colon, Kind::Walrus])?;
                    self.next();
                    let target = self.parse_operation_io(shape, &key, how)?;
                    if key == "input" {
                        shape.input = Some(target);
                    } else {
                        shape.output = Some(target);
                    }
                }
                "errors" => {
                    self.expect(Kind::Colon)?;
                    self.next();
                    shape.errors = Some(self.parse_id_list()?);
                }
                _ => {
                    return self.error(format!("Unknown property {key} for {}", shape.id));
                }
            }
            self.expect_and_skip_whitespace()?;
            self.skip_ws_and_docs();
        }
        self.expect(Kind::RBrace)?;
        self.next();
        Ok(())
    }

    fn parse_operation_io(&mut self, operation: &Shape, key: &str, how: Kind) -> Parse<Reference> {
        if how != Kind::Walrus {
            self.skip_ws_and_docs();
            let location = self.location();
            return Ok(Reference {
                text: self.parse_shape_id()?,
                location,
            });
        }
        if self.file.version == Version::V1 {
            return self.error(format!(
                "Inlined operation inputs and outputs can only be used with Smithy version 2 or \
                 later. Attempted to use inlined IO with version `{}`.",
                self.file.version.label()
            ));
        }
        self.docs.clear();
        self.skip_ws();
        let (suffix, marker) = if key == "input" {
            (self.input_suffix.clone(), "smithy.api#input")
        } else {
            (self.output_suffix.clone(), "smithy.api#output")
        };
        let mut traits = self.parse_docs_and_traits(true)?;
        let location = self.location();
        traits.push(TraitApplication {
            name: Reference {
                text: marker.into(),
                location,
            },
            location,
            value: Node::Null,
            annotation: true,
            doc_comment: false,
        });
        let name = operation.id.rsplit('#').next().unwrap_or_default();
        let id = format!("{}#{}{}", self.namespace(), name, suffix);
        let mut shape = Shape {
            id: id.clone(),
            kind: "structure".into(),
            location,
            traits,
            mixins: Vec::new(),
            for_resource: None,
            members: Vec::new(),
            properties: Vec::new(),
            input: None,
            output: None,
            errors: None,
        };
        self.parse_aggregate(&mut shape)?;
        self.file.shapes.push(shape);
        Ok(Reference { text: id, location })
    }

    fn parse_id_list(&mut self) -> Parse<Vec<Reference>> {
        self.deeper()?;
        self.skip_ws_and_docs();
        self.expect(Kind::LBracket)?;
        self.next();
        self.skip_ws_and_docs();
        let mut ids = Vec::new();
        while self.has_next() && self.kind() != Kind::RBracket {
            self.expect(Kind::Identifier)?;
            let location = self.location();
            ids.push(Reference {
                text: self.parse_shape_id()?,
                location,
            });
            self.skip_ws_and_docs();
        }
        self.expect(Kind::RBracket)?;
        self.next();
        self.nesting = self.nesting.saturating_sub(1);
        Ok(ids)
    }
}

/// The shape types a shape statement may name.
const SHAPE_TYPES: &[&str] = &[
    "blob",
    "boolean",
    "string",
    "byte",
    "short",
    "integer",
    "long",
    "float",
    "double",
    "bigInteger",
    "bigDecimal",
    "timestamp",
    "document",
    "list",
    "set",
    "map",
    "structure",
    "union",
    "enum",
    "intEnum",
    "service",
    "resource",
    "operation",
];
