//! QBR Desk's core: the domain (settings, measures, dimensions), the workspace file, and the
//! deterministic demo data. It never touches a window or a terminal, never reads the clock or the
//! environment (callers pass `now`), and touches the filesystem only through paths it is given.

pub mod annotate;
pub mod atomic;
pub mod demo;
pub mod diagnose;
mod error;
pub mod import;
pub mod measure;
pub mod metrics;
pub mod model;
pub mod pack;
pub mod period;
pub mod settings;
pub mod store;

pub use error::{Error, Result};
pub use measure::{Dimension, Measure, Measures};
pub use settings::{Channel, Settings, Thresholds};
pub use store::Workspace;

/// The version written into import batches and snapshots.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");
