//! Trait applications, node values and shape ids: documentation comments and `@trait(...)`
//! before a shape or member, objects, arrays and scalars, and ids as written.

use super::{Location, Node, Parse, Parser, Reference, SyntaxError, TraitApplication};
use crate::lexer::Kind;

impl Parser<'_> {
    /// Documentation comments and traits before a shape or member.
    pub(super) fn parse_docs_and_traits(&mut self, member: bool) -> Parse<Vec<TraitApplication>> {
        self.skip_ws();
        let mut doc = None;
        if self.kind() == Kind::DocComment {
            let location = self.location();
            self.skip_ws_and_docs();
            doc = self.take_docs().map(|text| documentation(text, location));
        } else {
            self.skip_ws_and_docs();
        }
        self.skip_ws_and_docs();
        let mut traits = self.parse_traits()?;
        if let Some(doc) = doc {
            traits.push(doc);
        }
        self.skip_ws_and_docs();
        if member {
            self.docs.clear();
        }
        Ok(traits)
    }

    pub(super) fn parse_traits(&mut self) -> Parse<Vec<TraitApplication>> {
        let mut traits = Vec::new();
        while self.kind() == Kind::At {
            traits.push(self.parse_trait()?);
            self.skip_ws_and_docs();
        }
        Ok(traits)
    }

    pub(super) fn parse_trait(&mut self) -> Parse<TraitApplication> {
        let location = self.location();
        self.expect(Kind::At)?;
        self.next();
        let name_location = self.location();
        let name = Reference {
            text: self.parse_shape_id()?,
            location: name_location,
        };
        if self.kind() != Kind::LParen {
            return Ok(TraitApplication {
                name,
                location,
                value: Node::Null,
                annotation: true,
                doc_comment: false,
            });
        }
        self.next();
        self.skip_ws_and_docs();
        if self.kind() == Kind::RParen {
            self.next();
            return Ok(TraitApplication {
                name,
                location,
                value: Node::Null,
                annotation: true,
                doc_comment: false,
            });
        }
        let value = self.parse_trait_body()?;
        self.skip_ws_and_docs();
        self.expect(Kind::RParen)?;
        self.next();
        Ok(TraitApplication {
            name,
            location,
            value,
            annotation: false,
            doc_comment: false,
        })
    }

    fn parse_trait_body(&mut self) -> Parse<Node> {
        let kind = self.expect_one(&[
            Kind::LBrace,
            Kind::LBracket,
            Kind::TextBlock,
            Kind::String,
            Kind::Number,
            Kind::Identifier,
        ])?;
        match kind {
            Kind::LBrace | Kind::LBracket => {
                let node = self.parse_node()?;
                self.skip_ws_and_docs();
                Ok(node)
            }
            Kind::TextBlock => {
                let node = Node::String(self.take_value());
                self.next();
                self.skip_ws_and_docs();
                Ok(node)
            }
            Kind::Number => {
                let node = Node::Number(self.lexeme());
                self.next();
                self.skip_ws_and_docs();
                Ok(node)
            }
            Kind::String => {
                let key = self.take_value();
                self.next();
                self.skip_ws_and_docs();
                if self.kind() == Kind::Colon {
                    self.next();
                    self.skip_ws_and_docs();
                    self.parse_structured_trait(key)
                } else {
                    Ok(Node::String(key))
                }
            }
            _ => {
                let location = self.location();
                let identifier = self.parse_shape_id()?;
                self.skip_ws_and_docs();
                if self.kind() == Kind::RParen || identifier.contains(['.', '$', '#']) {
                    Ok(identifier_node(identifier, location))
                } else {
                    self.expect(Kind::Colon)?;
                    self.next();
                    self.skip_ws_and_docs();
                    self.parse_structured_trait(identifier)
                }
            }
        }
    }

    fn parse_structured_trait(&mut self, first_key: String) -> Parse<Node> {
        self.deeper()?;
        let first = self.parse_node()?;
        let mut entries = vec![(first_key, first)];
        self.skip_ws_and_docs();
        while self.kind() != Kind::RParen {
            self.expect_one(&[Kind::Identifier, Kind::String])?;
            let key = self.string_or_identifier();
            let key_location = self.location();
            self.next();
            self.skip_ws_and_docs();
            self.expect(Kind::Colon)?;
            self.next();
            self.skip_ws_and_docs();
            let value = self.parse_node()?;
            if entries.iter().any(|(k, _)| *k == key) {
                return Err(SyntaxError {
                    location: key_location,
                    message: format!("Duplicate member of trait: '{key}'"),
                });
            }
            entries.push((key, value));
            self.skip_ws_and_docs();
        }
        self.nesting = self.nesting.saturating_sub(1);
        Ok(Node::Object(entries))
    }

    pub(super) fn parse_node(&mut self) -> Parse<Node> {
        let kind = self.expect_one(&[
            Kind::String,
            Kind::TextBlock,
            Kind::Number,
            Kind::Identifier,
            Kind::LBrace,
            Kind::LBracket,
        ])?;
        match kind {
            Kind::String | Kind::TextBlock => {
                let node = Node::String(self.take_value());
                self.next();
                Ok(node)
            }
            Kind::Identifier => {
                let location = self.location();
                let id = self.parse_shape_id()?;
                Ok(identifier_node(id, location))
            }
            Kind::Number => {
                let node = Node::Number(self.lexeme());
                self.next();
                Ok(node)
            }
            Kind::LBrace => self.parse_object(),
            _ => self.parse_array(),
        }
    }

    fn parse_array(&mut self) -> Parse<Node> {
        self.deeper()?;
        self.expect(Kind::LBracket)?;
        self.next();
        self.skip_ws_and_docs();
        let mut values = Vec::new();
        while self.kind() != Kind::RBracket {
            values.push(self.parse_node()?);
            self.skip_ws_and_docs();
        }
        self.next();
        self.nesting = self.nesting.saturating_sub(1);
        Ok(Node::Array(values))
    }

    fn parse_object(&mut self) -> Parse<Node> {
        self.expect(Kind::LBrace)?;
        self.next();
        self.skip_ws_and_docs();
        self.deeper()?;
        let mut entries: Vec<(String, Node)> = Vec::new();
        while self.has_next() {
            if self.expect_one(&[Kind::RBrace, Kind::String, Kind::Identifier])? == Kind::RBrace {
                break;
            }
            let key = self.string_or_identifier();
            let key_location = self.location();
            self.next();
            self.skip_ws_and_docs();
            self.expect(Kind::Colon)?;
            self.next();
            self.skip_ws_and_docs();
            let value = self.parse_node()?;
            if entries.iter().any(|(k, _)| *k == key) {
                return Err(SyntaxError {
                    location: key_location,
                    message: format!("Duplicate member: '{key}'"),
                });
            }
            entries.push((key, value));
            self.skip_ws_and_docs();
        }
        self.expect(Kind::RBrace)?;
        self.next();
        self.nesting = self.nesting.saturating_sub(1);
        Ok(Node::Object(entries))
    }

    /// `a.b.c`: identifiers joined by dots, returned as written.
    pub(super) fn parse_namespace(&mut self) -> Parse<String> {
        let start = self.token().start;
        let end = self.skip_namespace()?;
        Ok(self.text(start, end))
    }

    /// Skips a namespace and returns where it ends.
    fn skip_namespace(&mut self) -> Parse<usize> {
        self.expect(Kind::Identifier)?;
        let mut end = self.token().end;
        self.next();
        while self.kind() == Kind::Dot {
            self.next();
            self.expect(Kind::Identifier)?;
            end = self.token().end;
            self.next();
        }
        Ok(end)
    }

    fn skip_relative_root_id(&mut self) -> Parse<usize> {
        self.expect(Kind::Identifier)?;
        let mut end = self.token().end;
        self.next();
        if self.kind() == Kind::Dollar {
            self.next();
            self.expect(Kind::Identifier)?;
            end = self.token().end;
            self.next();
        }
        Ok(end)
    }

    pub(super) fn parse_absolute_shape_id(&mut self) -> Parse<String> {
        let start = self.token().start;
        self.skip_namespace()?;
        self.expect(Kind::Pound)?;
        self.next();
        let end = self.skip_relative_root_id()?;
        Ok(self.text(start, end))
    }

    /// A relative or absolute shape id, member included, as written.
    pub(super) fn parse_shape_id(&mut self) -> Parse<String> {
        let start = self.token().start;
        let end = self.skip_namespace()?;
        if !matches!(self.kind(), Kind::Dollar | Kind::Pound) {
            return Ok(self.text(start, end));
        }
        self.next();
        let end = self.skip_relative_root_id()?;
        Ok(self.text(start, end))
    }
}

pub(super) fn documentation(text: String, location: Location) -> TraitApplication {
    TraitApplication {
        name: Reference {
            text: "smithy.api#documentation".into(),
            location,
        },
        location,
        value: Node::String(text),
        annotation: false,
        doc_comment: true,
    }
}

pub(super) fn is_doc(application: &TraitApplication) -> bool {
    application.doc_comment
}

fn identifier_node(identifier: String, location: Location) -> Node {
    match identifier.as_str() {
        "true" => Node::Bool(true),
        "false" => Node::Bool(false),
        "null" => Node::Null,
        _ => Node::ShapeId(Reference {
            text: identifier,
            location,
        }),
    }
}
