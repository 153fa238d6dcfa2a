//! Routes restJson1 requests to operations by method, path segments and query literals.
