//! Why an import stopped. Every message names the file and reads as a sentence the user can act
//! on; an import that returns one of these has changed nothing in the workspace.

/// A refused import. Row-level problems are not errors: they are [`super::Refusal`]s in the report.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: {message}")]
    Unreadable { file: String, message: String },

    #[error("{file}: {message}; nothing was imported")]
    Mapping { file: String, message: String },

    #[error(
        "{file}: column {column:?} has dates such as {example:?} that read the same month-first and day-first; choose the date order and import again"
    )]
    AmbiguousDates {
        file: String,
        column: String,
        example: String,
    },

    #[error(
        "{file}: column {column:?} has numbers such as {example:?} that read as thousands or as decimals; choose the decimal mark (point: 1,234.5; comma: 1.234,5) and import again; nothing was imported"
    )]
    AmbiguousNumbers {
        file: String,
        column: String,
        example: String,
        /// The whole column was read and still cannot tell (else `run` reads it first).
        whole_column: bool,
    },

    #[error(
        "{file}: strict mode refused the file at row {row}, column {column:?}: {value:?} is not {expected}; nothing was imported"
    )]
    Strict {
        file: String,
        row: u64,
        column: String,
        value: String,
        expected: String,
    },

    #[error(
        "{file}: {refused} of the first {read} rows could not be read, so the column mapping is probably wrong (row {row}, column {column:?}: {value:?} is not {expected}); nothing was imported"
    )]
    MappingProbablyWrong {
        file: String,
        read: u64,
        refused: u64,
        row: u64,
        column: String,
        value: String,
        expected: String,
    },

    #[error(
        "{file}: it is not clear which question is the {what} question: {candidates} could be; choose one (or none) and import again; nothing was imported"
    )]
    UnclearQuestion {
        file: String,
        /// `csat` or `ces`.
        field: String,
        /// CSAT or CES, as people say it.
        what: String,
        /// The candidate columns with their question text, as listed in the message.
        candidates: String,
    },

    #[error("{file}: the import was cancelled; nothing was imported")]
    Cancelled { file: String },

    #[error(transparent)]
    Workspace(#[from] crate::Error),
}

impl ImportError {
    /// A short stable code for shells that branch on the case (the app asks for a date order on
    /// `ambiguous_dates`, offers the mapping screen on `mapping`).
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::Unreadable { .. } => "unreadable",
            ImportError::Mapping { .. } => "mapping",
            ImportError::AmbiguousDates { .. } => "ambiguous_dates",
            ImportError::AmbiguousNumbers { .. } => "ambiguous_numbers",
            ImportError::UnclearQuestion { .. } => "unclear_question",
            ImportError::Strict { .. } => "strict",
            ImportError::MappingProbablyWrong { .. } => "mapping_probably_wrong",
            ImportError::Cancelled { .. } => "cancelled",
            ImportError::Workspace(_) => "workspace",
        }
    }

    pub(crate) fn unreadable(file: &str, message: impl Into<String>) -> Self {
        ImportError::Unreadable {
            file: file.into(),
            message: message.into(),
        }
    }

    pub(crate) fn mapping(file: &str, message: impl Into<String>) -> Self {
        ImportError::Mapping {
            file: file.into(),
            message: message.into(),
        }
    }
}

impl From<rusqlite::Error> for ImportError {
    fn from(e: rusqlite::Error) -> Self {
        ImportError::Workspace(crate::Error::from(e))
    }
}
