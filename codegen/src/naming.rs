//! The one place Rust names are decided: case conversion, keyword escaping, the fallbacks for
//! names that are not identifiers at all, and [`Namespace`], the allocator that keeps every name a
//! generated scope defines unique.

use std::collections::BTreeMap;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words Rust reserves; a field or method with one of these names becomes a raw identifier.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield", "union",
];

/// Keywords that cannot even be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// A type name (structure, enum, union, operation): `UpperCamelCase`.
pub fn type_name(name: &str) -> String {
    let converted = identifier_text(name).to_upper_camel_case();
    let converted = if converted.is_empty() {
        "Shape".to_owned()
    } else {
        converted
    };
    let converted = prefix_digit(converted, "Shape");
    if NOT_RAW.contains(&converted.as_str()) {
        format!("{converted}Shape")
    } else {
        converted
    }
}

/// An enum variant: `UpperCamelCase`, with a `V` before a leading digit (`t2.micro` is
/// `T2Micro`, `1` is `V1`).
pub fn variant_name(name: &str) -> String {
    let converted = identifier_text(name).to_upper_camel_case();
    let converted = if converted.is_empty() {
        "Value".to_owned()
    } else {
        converted
    };
    let converted = prefix_digit(converted, "V");
    if NOT_RAW.contains(&converted.as_str()) {
        format!("{converted}Value")
    } else {
        converted
    }
}

/// A field or method name: `snake_case`, a raw identifier for keywords.
pub fn field_name(name: &str) -> String {
    let converted = identifier_text(name).to_snake_case();
    let converted = if converted.is_empty() {
        "value".to_owned()
    } else {
        converted
    };
    let converted = prefix_digit(converted, "n");
    if NOT_RAW.contains(&converted.as_str()) {
        format!("{converted}_")
    } else if KEYWORDS.contains(&converted.as_str()) {
        format!("r#{converted}")
    } else {
        converted
    }
}

/// A `snake_case` stem for function names built from it (never a keyword on its own).
pub fn function_stem(name: &str) -> String {
    let stem = identifier_text(name).to_snake_case();
    if stem.is_empty() {
        "shape".to_owned()
    } else {
        stem
    }
}

/// Keeps letters, digits and `_`; everything else separates words.
fn identifier_text(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("_")
}

fn prefix_digit(name: String, prefix: &str) -> String {
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{prefix}{name}")
    } else {
        name
    }
}

/// The names one generated scope defines (a module, a structure's fields, an enum's variants),
/// each with who claimed it.
///
/// A name the model gives (a shape's or an operation's) is [`claimed`](Self::claim): if another
/// owner holds it, that is a collision the user resolves with a `rename`. A name the generator
/// makes up (an operation's error enum, a function, a field) is [`allocated`](Self::allocate):
/// it yields, taking the first free alternative, then a number.
#[derive(Debug, Default)]
pub struct Namespace {
    taken: BTreeMap<String, String>,
}

/// Two owners want one name in one scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collision {
    /// Who holds the name.
    pub first: String,
    /// Who wanted it too.
    pub second: String,
    /// The name.
    pub name: String,
}

impl Namespace {
    /// A scope that already defines `names` (the generator's own items).
    pub fn with_reserved(names: &[&str]) -> Self {
        let mut namespace = Self::default();
        for name in names {
            namespace
                .taken
                .insert((*name).to_owned(), "the generated code".to_owned());
        }
        namespace
    }

    /// Whether a name is taken; `r#type` and `type` are one name.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains_key(unraw(name))
    }

    /// Claims a name the model gives; fails if another owner holds it.
    pub fn claim(&mut self, name: &str, owner: &str) -> Result<(), Collision> {
        match self.taken.get(unraw(name)) {
            Some(first) if first != owner => Err(Collision {
                first: first.clone(),
                second: owner.to_owned(),
                name: name.to_owned(),
            }),
            _ => {
                self.taken.insert(unraw(name).to_owned(), owner.to_owned());
                Ok(())
            }
        }
    }

    /// Allocates the first free name of `candidates`, else the first numbered from 2
    /// (`Name2`, or `name_2` for `snake_case` names).
    pub fn allocate(&mut self, candidates: &[String], owner: &str) -> String {
        let free = candidates.iter().find(|name| !self.contains(name));
        let name = match free {
            Some(name) => name.clone(),
            None => {
                let first = candidates.first().map_or("value", String::as_str);
                let stem = unraw(first);
                let separator = if stem.contains(|c: char| c.is_ascii_uppercase()) {
                    ""
                } else {
                    "_"
                };
                (2..)
                    .map(|n| format!("{stem}{separator}{n}"))
                    .find(|name| !self.contains(name))
                    .unwrap_or_else(|| unreachable!("some number is free"))
            }
        };
        self.taken.insert(unraw(&name).to_owned(), owner.to_owned());
        name
    }
}

fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_table() {
        let table = [
            // (model name, type, variant, field)
            (
                "CollectionId",
                "CollectionId",
                "CollectionId",
                "collection_id",
            ),
            ("S3Object", "S3Object", "S3Object", "s3_object"),
            ("type", "Type", "Type", "r#type"),
            ("self", "SelfShape", "SelfValue", "self_"),
            ("Self", "SelfShape", "SelfValue", "self_"),
            ("t2.micro", "T2Micro", "T2Micro", "t2_micro"),
            ("1", "Shape1", "V1", "n1"),
            ("*", "Shape", "Value", "value"),
            ("TRAIN", "Train", "Train", "train"),
            ("async", "Async", "Async", "r#async"),
            ("Result", "Result", "Result", "result"),
            ("fooBar_baz", "FooBarBaz", "FooBarBaz", "foo_bar_baz"),
        ];
        for (model, ty, variant, field) in table {
            assert_eq!(type_name(model), ty, "type name of {model}");
            assert_eq!(variant_name(model), variant, "variant name of {model}");
            assert_eq!(field_name(model), field, "field name of {model}");
        }
    }

    #[test]
    fn namespace_claims_and_allocates() {
        let mut names = Namespace::with_reserved(&["Router", "dispatch"]);
        assert!(names.claim("Foo", "a#Foo").is_ok());
        assert!(
            names.claim("Foo", "a#Foo").is_ok(),
            "the same owner may claim again"
        );
        let collision = names.claim("Foo", "b#Foo").unwrap_err();
        assert_eq!(
            (collision.first.as_str(), collision.second.as_str()),
            ("a#Foo", "b#Foo")
        );
        assert!(names.claim("Router", "a#Router").is_err());
        let router = names.allocate(&["Router".into(), "RouterService".into()], "trait");
        assert_eq!(router, "RouterService");
        assert_eq!(names.allocate(&["Router".into()], "x"), "Router2");
        assert_eq!(names.allocate(&["dispatch".into()], "x"), "dispatch_2");
        assert_eq!(names.allocate(&["r#type".into()], "x"), "r#type");
        assert_eq!(names.allocate(&["r#type".into()], "y"), "type_2");
    }
}
