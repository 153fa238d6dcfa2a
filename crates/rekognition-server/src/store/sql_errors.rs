//! How the SQLite engine's failures become [`StoreError`]s: every failure is internal, but for
//! the duplicate key of an insert, which means the thing it creates exists already.

use super::StoreError;

/// Any engine failure is internal, constraint violations included: only an insert knows which
/// of its keys means "already exists" (see [`insert_error`]).
impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        StoreError::Internal(error.to_string())
    }
}

/// The error of an insert whose UNIQUE and PRIMARY KEY constraints are the identity of what it
/// creates: a violation of one of those is `AlreadyExists`; anything else (a NOT NULL, CHECK or
/// foreign key violation, or any other failure) is `Internal`, so that a defect is not answered
/// as a client error.
pub(super) fn insert_error(error: rusqlite::Error) -> StoreError {
    match &error {
        rusqlite::Error::SqliteFailure(failure, _) if is_duplicate_key(failure) => {
            StoreError::AlreadyExists
        }
        _ => StoreError::from(error),
    }
}

fn is_duplicate_key(failure: &rusqlite::ffi::Error) -> bool {
    failure.code == rusqlite::ErrorCode::ConstraintViolation
        && matches!(
            failure.extended_code,
            rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
        )
}
