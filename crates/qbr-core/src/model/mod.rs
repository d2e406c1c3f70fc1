//! What import and the store both speak of: a contact as imported ([`Interaction`], its
//! [`Outcome`]), the measures it rolls up to per day ([`rollup`]), where a fact sits
//! ([`DayKey`], [`FactKey`]), a batch as it begins ([`NewBatch`]), and a new contact's stored
//! form, encoded where it is parsed ([`encoded`]). Import parses files into these and hands them
//! to a sink; the store keeps them. Neither names the other's modules for them.

pub(crate) mod encoded;
pub mod rollup;

use chrono::{DateTime, NaiveDate, Utc};

use crate::measure::Dimension;

pub use encoded::EncodedContact;
pub use rollup::{DayKey, Facts, Interaction, Outcome};

/// What is known about an import when it starts.
#[derive(Debug, Clone)]
pub struct NewBatch {
    pub kind: String,
    pub file_name: String,
    pub file_size: u64,
    pub sha256: String,
    pub preset: Option<String>,
    pub mapping: Option<String>,
    pub source_timezone: String,
    pub started_at: DateTime<Utc>,
    pub app_version: String,
}

#[cfg(test)]
impl NewBatch {
    /// A batch as tests begin one by hand: a file of `kind` named `file_name`, read in UTC,
    /// started at a fixed time.
    pub(crate) fn test(kind: &str, file_name: &str) -> NewBatch {
        NewBatch {
            kind: kind.into(),
            file_name: file_name.into(),
            file_size: 1,
            sha256: file_name.into(),
            preset: None,
            mapping: None,
            source_timezone: "UTC".into(),
            started_at: DateTime::parse_from_rfc3339("2026-11-24T09:30:00Z")
                .expect("a fixed time")
                .into(),
            app_version: "test".into(),
        }
    }
}

/// Where a fact row sits: its day (or month) and its dimension members.
#[derive(Debug, Clone, Default)]
pub struct FactKey {
    pub day: Option<NaiveDate>,
    /// True for a month-grain row (monthly finance or headcount); `day` is then the 1st.
    pub monthly: bool,
    pub members: Vec<(Dimension, String)>,
}

/// Whether `c` is one of Unicode's bidirectional embedding, override or isolate controls
/// (U+202A–U+202E, U+2066–U+2069): in a name they reorder the text around them when it is shown
/// (an agent called "\u{202e}nimda" reads "admin"), and no export means one.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A name without bidirectional controls ([`is_bidi_control`]), borrowed when it has none.
pub(crate) fn without_bidi_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() || !text.chars().any(is_bidi_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.chars().filter(|&c| !is_bidi_control(c)).collect())
}
