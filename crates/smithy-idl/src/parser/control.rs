//! The statements around the shapes: control statements (`$version: "2"`), metadata, the
//! namespace and `use` statements, and the loop over shape statements with its recovery.

use super::values::documentation;
use super::{Location, Node, Parse, Parser, Reference, SyntaxError, TraitApplication, Version};
use crate::lexer::Kind;

impl Parser<'_> {
    pub(super) fn parse_control_section(&mut self) {
        let mut defined: Vec<String> = Vec::new();
        while self.kind() == Kind::Dollar {
            let result = self.parse_control_statement(&mut defined);
            if let Err(error) = result
                && let Err(error) = self.recover(error)
            {
                self.errors.push(error);
                return;
            }
        }
    }

    fn parse_control_statement(&mut self, defined: &mut Vec<String>) -> Parse<()> {
        self.next();
        self.expect_one(&[Kind::Identifier, Kind::String])?;
        let key = self.string_or_identifier();
        self.next();
        self.skip_spaces();
        self.expect(Kind::Colon)?;
        self.next();
        self.skip_spaces();
        if defined.contains(&key) {
            return self.error(format!("Duplicate control statement `{key}`"));
        }
        defined.push(key.clone());
        let location = self.location();
        let value = self.parse_node()?;
        match key.as_str() {
            "version" => {
                let Node::String(version) = &value else {
                    return Err(SyntaxError {
                        location,
                        message: format!(
                            "The $version control statement must have a string value, but found {}",
                            node_debug(&value)
                        ),
                    });
                };
                self.file.version = match version.as_str() {
                    "1" | "1.0" => Version::V1,
                    "2" | "2.0" => Version::V2,
                    other => {
                        return self.error(format!("Unsupported Smithy version number: {other}"));
                    }
                };
            }
            "operationInputSuffix" | "operationOutputSuffix" => {
                let Node::String(suffix) = value else {
                    return Err(SyntaxError {
                        location,
                        message: format!("Expected a string value for `{key}`"),
                    });
                };
                if key == "operationInputSuffix" {
                    self.input_suffix = suffix;
                } else {
                    self.output_suffix = suffix;
                }
            }
            // Smithy only warns about unknown control statements.
            _ => self.file.warnings.push(SyntaxError {
                location,
                message: format!(
                    "Unknown control statement `{key}` with value `{}`",
                    node_json(&value)
                ),
            }),
        }
        self.expect_and_skip_br()
    }

    pub(super) fn parse_metadata_section(&mut self) {
        while self.is_lexeme("metadata") {
            if let Err(error) = self.parse_metadata_statement()
                && let Err(error) = self.recover(error)
            {
                self.errors.push(error);
                return;
            }
        }
    }

    fn parse_metadata_statement(&mut self) -> Parse<()> {
        self.next();
        self.expect_and_skip_spaces()?;
        self.expect_one(&[Kind::Identifier, Kind::String])?;
        let key = self.string_or_identifier();
        self.next();
        self.skip_spaces();
        self.expect(Kind::Equal)?;
        self.next();
        self.skip_spaces();
        let location = self.location();
        let value = self.parse_node()?;
        self.file.metadata.push((key, value, location));
        self.expect_and_skip_br()?;
        self.skip_ws_and_docs();
        Ok(())
    }

    pub(super) fn parse_shape_section(&mut self) -> Parse<()> {
        if self.is_lexeme("namespace") {
            self.next();
            self.expect_and_skip_spaces()?;
            let namespace = self.parse_namespace()?;
            self.file.namespace = Some(namespace);
            self.expect_and_skip_br()?;
            let doc_location = self.location();
            self.skip_ws_and_docs();
            if let Err(error) = self.parse_use_section() {
                self.recover(error)?;
            }
            self.parse_first_shape_statement(doc_location)?;
            while self.has_next() {
                let has_doc = self.kind() == Kind::DocComment;
                let result = self.parse_docs_and_traits(false).and_then(|traits| {
                    if self.should_parse_shape(&traits, has_doc) {
                        self.parse_shape_or_apply(traits)
                    } else {
                        Ok(())
                    }
                });
                if let Err(error) = result {
                    self.recover(error)?;
                }
            }
            Ok(())
        } else if self.has_next() {
            self.error(format!(
                "Expected a namespace definition but found {}",
                self.kind().debug_with(&self.lexeme())
            ))
        } else {
            Ok(())
        }
    }

    fn parse_use_section(&mut self) -> Parse<()> {
        while self.is_lexeme("use") {
            self.next();
            self.expect_and_skip_spaces()?;
            let location = self.location();
            let id = self.parse_absolute_shape_id()?;
            if id.contains('$') {
                return Err(SyntaxError {
                    location,
                    message: "Use statements cannot use members".into(),
                });
            }
            let name = id.rsplit('#').next().unwrap_or_default().to_string();
            if let Some(previous) = self.file.uses.get(&name) {
                return Err(SyntaxError {
                    location,
                    message: format!(
                        "Cannot use name `{id}` because it conflicts with `{previous}`"
                    ),
                });
            }
            self.file.use_statements.push(Reference {
                text: id.clone(),
                location,
            });
            self.file.uses.insert(name, id);
            self.expect_and_skip_br()?;
            self.skip_ws_and_docs();
        }
        Ok(())
    }

    fn parse_first_shape_statement(&mut self, doc_location: Location) -> Parse<()> {
        if self.kind() == Kind::Eof {
            return Ok(());
        }
        let result = (|| {
            self.skip_ws_and_docs();
            let docs = self.take_docs();
            let mut traits = self.parse_docs_and_traits(false)?;
            let has_doc = docs.is_some();
            if let Some(docs) = docs {
                traits.push(documentation(docs, doc_location));
            }
            if self.should_parse_shape(&traits, has_doc) {
                self.parse_shape_or_apply(traits)?;
            }
            Ok(())
        })();
        match result {
            Ok(()) => Ok(()),
            Err(error) => self.recover(error),
        }
    }

    fn should_parse_shape(&self, traits: &[TraitApplication], has_doc: bool) -> bool {
        if self.kind() != Kind::Eof {
            true
        } else if has_doc {
            traits.len() != 1
        } else {
            !traits.is_empty()
        }
    }
}

/// A node value written as compact JSON, shape ids as strings.
fn node_json(node: &Node) -> String {
    fn quoted(text: &str) -> String {
        serde_json::Value::String(text.to_string()).to_string()
    }
    match node {
        Node::String(s) => quoted(s),
        Node::Number(n) => n.clone(),
        Node::Bool(b) => b.to_string(),
        Node::Null => "null".into(),
        Node::Array(items) => {
            let items: Vec<String> = items.iter().map(node_json).collect();
            format!("[{}]", items.join(","))
        }
        Node::Object(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(key, value)| format!("{}:{}", quoted(key), node_json(value)))
                .collect();
            format!("{{{}}}", entries.join(","))
        }
        Node::ShapeId(reference) => quoted(&reference.text),
    }
}

fn node_debug(node: &Node) -> String {
    match node {
        Node::String(s) => format!("{s:?}"),
        Node::Number(n) => n.clone(),
        Node::Bool(b) => b.to_string(),
        Node::Null => "null".into(),
        Node::Array(_) => "[...]".into(),
        Node::Object(_) => "{...}".into(),
        Node::ShapeId(r) => format!("{:?}", r.text),
    }
}
