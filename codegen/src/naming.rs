//! The one place Rust names are decided: case conversion, keyword escaping and the fallbacks for
//! names that are not identifiers at all.

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
}
