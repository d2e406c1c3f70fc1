//! Arguments as the user typed them (`program`, `queue=Payments`, `2026-09-30`), parsed once here
//! so that both shells accept and refuse exactly the same input.

use chrono::NaiveDate;
use qbr_core::{Dimension, Error};

use crate::wire::ErrorView;
use crate::ApiResult;

pub(crate) fn invalid(field: &str, message: impl Into<String>) -> ErrorView {
    Error::InvalidSetting {
        field: field.into(),
        message: message.into(),
    }
    .into()
}

/// Parses `program`, `queue`, … as typed on a command line or chosen in a picker.
pub fn parse_dimension(text: &str) -> ApiResult<Dimension> {
    text.parse::<Dimension>()
        .map_err(|m| invalid("dimension", m))
}

/// Parses `DIM=VALUE` filters.
pub fn parse_filter(text: &str) -> ApiResult<(Dimension, String)> {
    let (dim, value) = text.split_once('=').ok_or_else(|| {
        invalid(
            "filter",
            format!("{text:?} is not a filter; expected DIMENSION=VALUE such as program=Billing"),
        )
    })?;
    if value.trim().is_empty() {
        return Err(invalid(
            "filter",
            format!("{text:?} names no value after '='"),
        ));
    }
    Ok((parse_dimension(dim)?, value.trim().to_string()))
}

pub(crate) fn parse_date(text: &str, field: &str) -> ApiResult<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        invalid(
            field,
            format!("{text:?} is not a date; expected YYYY-MM-DD"),
        )
    })
}
