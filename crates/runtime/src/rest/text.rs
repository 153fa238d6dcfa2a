//! The text forms of restJson1 HTTP bindings: labels, query strings, headers, media types.
