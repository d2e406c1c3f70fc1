//! Workspace settings: who the client is, which clock and calendar their data lives in, and the
//! thresholds that turn raw waits into service-level measures. Validation lives here so that every
//! shell (CLI, app) refuses the same bad values with the same words.

use std::fmt;
use std::str::FromStr;

use chrono_tz::Tz;

use crate::error::{Error, Result};

/// Contact channels. The service threshold differs per channel (metrics.md, "Default service thresholds").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    Voice,
    Chat,
    Messaging,
    Email,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::Voice,
        Channel::Chat,
        Channel::Messaging,
        Channel::Email,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Voice => "voice",
            Channel::Chat => "chat",
            Channel::Messaging => "messaging",
            Channel::Email => "email",
        }
    }

    /// The catalog's default service threshold T, in seconds.
    pub fn default_threshold_s(self) -> u32 {
        match self {
            Channel::Voice => 20,
            Channel::Chat => 60,
            Channel::Messaging => 300,
            Channel::Email => 24 * 3600,
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Channel {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Channel::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| Error::InvalidSetting {
                field: "channel".into(),
                message: format!("unknown channel {s:?}; expected voice, chat, messaging or email"),
            })
    }
}

/// Service thresholds T per channel, in seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thresholds {
    pub voice_s: u32,
    pub chat_s: u32,
    pub messaging_s: u32,
    pub email_s: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            voice_s: Channel::Voice.default_threshold_s(),
            chat_s: Channel::Chat.default_threshold_s(),
            messaging_s: Channel::Messaging.default_threshold_s(),
            email_s: Channel::Email.default_threshold_s(),
        }
    }
}

impl Thresholds {
    pub fn get(&self, channel: Channel) -> u32 {
        match channel {
            Channel::Voice => self.voice_s,
            Channel::Chat => self.chat_s,
            Channel::Messaging => self.messaging_s,
            Channel::Email => self.email_s,
        }
    }

    pub fn set(&mut self, channel: Channel, seconds: u32) {
        match channel {
            Channel::Voice => self.voice_s = seconds,
            Channel::Chat => self.chat_s = seconds,
            Channel::Messaging => self.messaging_s = seconds,
            Channel::Email => self.email_s = seconds,
        }
    }
}

/// Everything a workspace stores about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub client_name: String,
    /// IANA time zone: day, week and quarter boundaries are cut in it.
    pub timezone: Tz,
    /// 1 = January (calendar quarters). Quarters follow this month.
    pub fiscal_year_start_month: u32,
    /// ISO 4217 code, upper case.
    pub currency: String,
    /// BCP 47 tag of how dates read (one of `qbr_format::LOCALES`), `en-GB`.
    pub locale: String,
    pub thresholds: Thresholds,
    /// Abandons within this many seconds are short abandons.
    pub short_abandon_s: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            client_name: "New client".into(),
            timezone: Tz::UTC,
            fiscal_year_start_month: 1,
            currency: "USD".into(),
            locale: qbr_format::DEFAULT_LOCALE.into(),
            thresholds: Thresholds::default(),
            short_abandon_s: 5,
        }
    }
}

impl Settings {
    /// Checks every field; the error names the field and what was expected.
    pub fn validate(&self) -> Result<()> {
        if self.client_name.trim().is_empty() {
            return Err(invalid("client_name", "the client name cannot be empty"));
        }
        if self.client_name.chars().count() > 200 {
            return Err(invalid(
                "client_name",
                "the client name is longer than 200 characters",
            ));
        }
        if !(1..=12).contains(&self.fiscal_year_start_month) {
            return Err(invalid(
                "fiscal_year_start_month",
                format!(
                    "{} is not a month; expected 1 (January) to 12 (December)",
                    self.fiscal_year_start_month
                ),
            ));
        }
        parse_currency(&self.currency)?;
        if parse_locale(&self.locale)? != self.locale {
            return Err(invalid(
                "locale",
                format!("{:?} is not written as the supported tag", self.locale),
            ));
        }
        for channel in Channel::ALL {
            if self.thresholds.get(channel) == 0 {
                return Err(invalid(
                    &format!("threshold_{channel}_s"),
                    "a service threshold must be at least 1 second",
                ));
            }
        }
        if self.short_abandon_s >= self.thresholds.voice_s {
            return Err(invalid(
                "short_abandon_s",
                format!(
                    "the short-abandon threshold ({} s) must be below the voice service threshold ({} s)",
                    self.short_abandon_s, self.thresholds.voice_s
                ),
            ));
        }
        Ok(())
    }
}

/// Parses an IANA time zone name such as `Europe/Dublin`.
pub fn parse_timezone(name: &str) -> Result<Tz> {
    name.trim().parse::<Tz>().map_err(|_| {
        invalid(
            "timezone",
            format!("{name:?} is not an IANA time zone; expected a name such as Europe/London or America/New_York"),
        )
    })
}

/// Parses a fiscal year start given as a number (1–12) or an English month name.
pub fn parse_month(text: &str) -> Result<u32> {
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let t = text.trim().to_ascii_lowercase();
    if let Ok(n) = t.parse::<u32>() {
        if (1..=12).contains(&n) {
            return Ok(n);
        }
    } else if t.len() >= 3 {
        if let Some(i) = NAMES.iter().position(|name| name.starts_with(&t)) {
            return Ok(i as u32 + 1);
        }
    }
    Err(invalid(
        "fiscal_year_start_month",
        format!("{text:?} is not a month; expected 1–12 or a month name such as April"),
    ))
}

/// Normalises an ISO 4217 code (three letters) to upper case.
pub fn parse_currency(code: &str) -> Result<String> {
    let c = code.trim();
    if c.len() == 3 && c.chars().all(|ch| ch.is_ascii_alphabetic()) {
        Ok(c.to_ascii_uppercase())
    } else {
        Err(invalid(
            "currency",
            format!("{code:?} is not a currency code; expected three letters such as EUR or USD"),
        ))
    }
}

/// A supported locale's tag (`en-us` → `en-US`); anything else is refused with the list.
pub fn parse_locale(tag: &str) -> Result<String> {
    qbr_format::parse_locale(tag)
        .map(str::to_string)
        .map_err(|m| invalid("locale", m))
}

fn invalid(field: &str, message: impl Into<String>) -> Error {
    Error::InvalidSetting {
        field: field.into(),
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_from_numbers_and_names() {
        // Users type either; both must land on the same month number.
        assert_eq!(parse_month("4").unwrap(), 4);
        assert_eq!(parse_month("April").unwrap(), 4);
        assert_eq!(parse_month("apr").unwrap(), 4);
        assert_eq!(parse_month(" 12 ").unwrap(), 12);
        assert!(parse_month("13").is_err(), "13 is not a month");
        assert!(
            parse_month("ju").is_err(),
            "'ju' is ambiguous and too short"
        );
    }

    #[test]
    fn currency_is_three_letters_upper_cased() {
        assert_eq!(parse_currency("eur").unwrap(), "EUR");
        assert!(parse_currency("EURO").is_err());
        assert!(parse_currency("€").is_err());
    }

    #[test]
    fn locale_must_be_a_supported_tag() {
        assert_eq!(parse_locale("en-us").unwrap(), "en-US");
        assert_eq!(Settings::default().locale, "en-GB");
        let err = parse_locale("klingon").unwrap_err().to_string();
        assert!(
            err.contains("locale") && err.contains("en-GB, en-US"),
            "names the field and the supported tags: {err}"
        );
        let s = Settings {
            locale: "xx".into(),
            ..Settings::default()
        };
        assert!(s.validate().is_err());
    }

    #[test]
    fn timezone_must_be_iana() {
        assert_eq!(parse_timezone("Europe/Dublin").unwrap(), Tz::Europe__Dublin);
        let err = parse_timezone("CEST-ish").unwrap_err().to_string();
        assert!(
            err.contains("IANA"),
            "message should say what was expected: {err}"
        );
    }

    #[test]
    fn validation_names_the_field() {
        let s = Settings {
            short_abandon_s: 30,
            ..Settings::default()
        };
        let err = s.validate().unwrap_err();
        assert!(
            matches!(&err, Error::InvalidSetting { field, .. } if field == "short_abandon_s"),
            "short abandon 30 s is above the 20 s voice threshold: {err:?}"
        );
        assert!(Settings::default().validate().is_ok());
    }
}
