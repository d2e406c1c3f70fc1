//! The QBR pack's stored side: named templates, export snapshots and the fingerprint that ties a
//! snapshot to the data it was built from. The pack's content and layout are built elsewhere
//! (qbr-api builds the document, qbr-render draws it); the core only keeps what was exported and
//! can tell which of its inputs changed since.
//!
//! Promises:
//! - A fingerprint is split in parts (facts of the days the pack reads, annotations, definitions,
//!   app version), so [`Fingerprint::changed_since`] names WHICH part moved, not just that one did.
//! - A snapshot stores the exact document it rendered (as JSON text chosen by the caller), so a
//!   re-export renders the same bytes with the same version.
//! - Agent pseudonyms are stored in the workspace, so "Agent 07" is the same person in every pack.
//!
//! The SQL is in `store/pack.rs`.

use chrono::NaiveDate;

/// Who a pack is for: the client (internal-only notes left out, agents pseudonymised) or the
/// account team (everything).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Client,
    Internal,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Client => "client",
            Audience::Internal => "internal",
        }
    }
}

impl std::str::FromStr for Audience {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s.trim().to_ascii_lowercase().as_str() {
            "client" => Ok(Audience::Client),
            "internal" => Ok(Audience::Internal),
            _ => Err(()),
        }
    }
}

/// A logo's image format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoFormat {
    Png,
    Jpeg,
}

impl LogoFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            LogoFormat::Png => "png",
            LogoFormat::Jpeg => "jpeg",
        }
    }

    /// The format of an image from its first bytes, or `None` when it is neither PNG nor JPEG.
    pub fn sniff(bytes: &[u8]) -> Option<LogoFormat> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(LogoFormat::Png)
        } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
            Some(LogoFormat::Jpeg)
        } else {
            None
        }
    }
}

impl std::str::FromStr for LogoFormat {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "png" => Ok(LogoFormat::Png),
            "jpeg" | "jpg" => Ok(LogoFormat::Jpeg),
            _ => Err(()),
        }
    }
}

/// A named pack template. `definition` is opaque JSON owned by the caller (sections, metrics,
/// dimensions, audience, paper, branding other than the logo).
#[derive(Debug, Clone, PartialEq)]
pub struct PackTemplate {
    pub name: String,
    pub definition: String,
    pub logo: Option<(Vec<u8>, LogoFormat)>,
    pub created_at: String,
    pub updated_at: String,
}

/// Which input of a pack changed since it was exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FingerprintPart {
    /// Facts of the days the pack reads (imports added or undone there).
    Data,
    /// Root causes and actions (added, edited, deleted, restored; action notes).
    Annotations,
    /// Targets, metric variants, settings and custom metric definitions.
    Definitions,
    /// The app that would render it is another version.
    AppVersion,
}

impl FingerprintPart {
    pub fn as_str(self) -> &'static str {
        match self {
            FingerprintPart::Data => "data",
            FingerprintPart::Annotations => "annotations",
            FingerprintPart::Definitions => "definitions",
            FingerprintPart::AppVersion => "app_version",
        }
    }
}

/// A fingerprint of everything a pack was built from, one hash per part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// The days whose facts are hashed (the period, its comparisons and the trend weeks).
    pub facts_from: NaiveDate,
    pub facts_to: NaiveDate,
    pub facts: String,
    pub annotations: String,
    pub definitions: String,
    pub app_version: String,
}

impl Fingerprint {
    /// The parts of `now` that differ from `self` (the fingerprint stored at export), in a fixed
    /// order; empty when the pack would be built from the same inputs.
    pub fn changed_since(&self, now: &Fingerprint) -> Vec<FingerprintPart> {
        let mut parts = Vec::new();
        if self.facts != now.facts
            || (self.facts_from, self.facts_to) != (now.facts_from, now.facts_to)
        {
            parts.push(FingerprintPart::Data);
        }
        if self.annotations != now.annotations {
            parts.push(FingerprintPart::Annotations);
        }
        if self.definitions != now.definitions {
            parts.push(FingerprintPart::Definitions);
        }
        if self.app_version != now.app_version {
            parts.push(FingerprintPart::AppVersion);
        }
        parts
    }
}

/// A snapshot to store after a successful export.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSnapshot {
    pub period_label: String,
    pub audience: Audience,
    pub template_name: Option<String>,
    /// JSON: what the user asked for.
    pub definition: String,
    /// JSON: the exact document rendered.
    pub document: String,
    pub fingerprint: Fingerprint,
    pub file_name: String,
    pub pdf_sha256: String,
    pub pages: u32,
}

/// A stored snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub id: i64,
    pub created_at: String,
    pub snapshot: NewSnapshot,
}
