//! Rendering for QBR Desk: charts drawn with plotters, the same drawing for the app (SVG) and, in
//! time, the PDF pack. It renders what it is given and computes no metric itself, so the app and
//! the pack cannot disagree about a number.

pub mod chart;
pub mod pack;
