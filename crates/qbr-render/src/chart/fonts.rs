//! The bundled chart typeface: Lato 2.0 (SIL Open Font License 1.1, see `fonts/OFL.txt`), embedded so
//! that text is measured with the same glyphs on every machine and no system font lookup happens.

use std::sync::OnceLock;

use plotters::style::{register_font, FontStyle};

use super::ChartError;

/// The family name the fonts are registered under, and the name the SVG asks for.
pub const FAMILY: &str = "Lato";

/// Lato Regular, TrueType. Public so the PDF pack can embed the very same bytes.
pub static REGULAR_TTF: &[u8] = include_bytes!("../../fonts/Lato-Regular.ttf");

/// Lato Bold, TrueType.
pub static BOLD_TTF: &[u8] = include_bytes!("../../fonts/Lato-Bold.ttf");

/// Registers both faces with plotters once per process; later calls only report the outcome.
pub(crate) fn ensure_registered() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        register_font(FAMILY, FontStyle::Normal, REGULAR_TTF).is_ok()
            && register_font(FAMILY, FontStyle::Bold, BOLD_TTF).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(ChartError::Font)
    }
}
