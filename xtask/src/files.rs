//! Writing generated files: each file is rewritten only when its contents change, or, in check
//! mode, left as it is and reported stale. Every generator of files goes through
//! [`ensure_file_contents`].

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

/// Whether generated files are written, or only compared with what they should hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Rewrite every file whose contents differ.
    Write,
    /// Write nothing; report every file whose contents differ.
    Check,
}

/// What [`ensure_file_contents`] found, and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The file already held the contents.
    Unchanged,
    /// The file was missing or different, and now holds the contents.
    Written,
    /// The file is missing or different, and was left so (check mode).
    Stale,
}

/// Where generated files go, and how their headers say to regenerate them.
pub(crate) struct Destination<'a> {
    /// The folder the crate folders are relative to: the project root, or a scratch workspace.
    pub(crate) root: PathBuf,
    pub(crate) command: &'a str,
    pub(crate) mode: Mode,
}

/// Makes `path` hold `contents`: writes it (creating its folder) if it differs, or in check mode
/// only says it is stale.
pub(crate) fn ensure_file_contents(path: &Path, contents: &str, mode: Mode) -> Result<Outcome> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(Outcome::Unchanged);
    }
    if mode == Mode::Check {
        return Ok(Outcome::Stale);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, contents).with_context(|| format!("writing {}", path.display()))?;
    eprintln!("updated {}", path.display());
    Ok(Outcome::Written)
}

#[cfg(test)]
mod tests {
    use super::{Mode, Outcome, ensure_file_contents};

    #[test]
    fn check_mode_reports_stale_files_and_write_mode_rewrites_them() {
        let dir = std::env::temp_dir().join(format!("xtask-files-{}", std::process::id()));
        let path = dir.join("nested").join("generated.rs");
        let outcome = |contents, mode| ensure_file_contents(&path, contents, mode).unwrap();

        assert_eq!(outcome("one", Mode::Check), Outcome::Stale);
        assert!(!path.exists(), "check mode wrote {}", path.display());
        assert_eq!(outcome("one", Mode::Write), Outcome::Written);
        assert_eq!(outcome("one", Mode::Write), Outcome::Unchanged);
        assert_eq!(outcome("one", Mode::Check), Outcome::Unchanged);
        assert_eq!(outcome("two", Mode::Check), Outcome::Stale);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one");
        assert_eq!(outcome("two", Mode::Write), Outcome::Written);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");

        std::fs::remove_dir_all(&dir).unwrap();
    }
}
