//! Node values (trait values, metadata) to JSON: numbers keep the digits written, and
//! unquoted shape ids become absolute id strings that must name a shape.

use serde_json::{Map, Value};

use super::{Assembler, Context};
use crate::error::ErrorKind;
use crate::parser::Node;
use crate::prelude::PRELUDE_NAMESPACE;

impl Assembler<'_> {
    /// A node value as JSON. Unquoted shape ids become absolute id strings and must name a
    /// shape, as Smithy requires of syntactic shape ids.
    pub(super) fn node_value(
        &mut self,
        context: &Context<'_>,
        node: &mut Node,
        in_metadata: bool,
    ) -> Value {
        match node {
            Node::String(s) => Value::String(std::mem::take(s)),
            Node::Number(n) => number_value(n),
            Node::Bool(b) => Value::Bool(*b),
            Node::Null => Value::Null,
            Node::Array(items) => Value::Array(
                items
                    .iter_mut()
                    .map(|item| self.node_value(context, item, in_metadata))
                    .collect(),
            ),
            Node::Object(entries) => {
                let mut map = Map::new();
                for (key, value) in entries {
                    let value = self.node_value(context, value, in_metadata);
                    map.insert(std::mem::take(key), value);
                }
                Value::Object(map)
            }
            Node::ShapeId(reference) => {
                let (id, found) = if in_metadata {
                    let id = if reference.text.contains('#') {
                        reference.text.clone()
                    } else {
                        format!("{PRELUDE_NAMESPACE}#{}", reference.text)
                    };
                    let found = self.exists(id.split('$').next().unwrap_or(""));
                    (id, found)
                } else {
                    self.resolve(context.file, &reference.text)
                };
                if !found {
                    self.error_at(
                        context.source,
                        reference.location,
                        ErrorKind::UnresolvedShape { id: id.clone() },
                        format!(
                            "Syntactic shape ID `{}` does not resolve to a valid shape ID: `{id}`. \
                             Did you mean to quote this string? Are you missing a model file?",
                            reference.text
                        ),
                    );
                }
                Value::String(id)
            }
        }
    }
}

/// A number token as a JSON number with the digits as written; a form JSON cannot hold
/// (a leading zero, say) goes through a float.
fn number_value(lexeme: &str) -> Value {
    if let Ok(value @ Value::Number(_)) = serde_json::from_str::<Value>(lexeme) {
        return value;
    }
    let trimmed = lexeme.trim_start_matches('-').trim_start_matches('0');
    let sign = if lexeme.starts_with('-') { "-" } else { "" };
    let normalized = if trimmed.is_empty() || trimmed.starts_with(['.', 'e', 'E']) {
        format!("{sign}0{trimmed}")
    } else {
        format!("{sign}{trimmed}")
    };
    serde_json::from_str::<Value>(&normalized).unwrap_or(Value::Null)
}
