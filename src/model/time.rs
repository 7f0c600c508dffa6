//! RFC 3339 timestamps as Kubernetes writes them (`metav1.Time`).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An instant, as in `metadata.creationTimestamp` or a condition's `lastTransitionTime`.
///
/// Kubernetes' `metav1.Time` has second precision: this is whole seconds since the Unix epoch.
/// Parsed from RFC 3339 with any offset (`2024-05-01T10:00:00Z`, `2024-05-01T12:00:00+02:00`;
/// fractional seconds are dropped, as the API server drops them) and written back in UTC, as
/// the API server writes it. Years 0001 to 9999 are exact at either end, which
/// [`jiff::Timestamp`] alone cannot hold (it stops a day short of 9999-12-31 UTC), so jiff does
/// the civil calendar and this type keeps the seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time {
    seconds: i64,
}

/// A timestamp that is not RFC 3339.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid RFC 3339 timestamp {text:?}: {message}")]
#[non_exhaustive]
pub struct TimeParseError {
    /// The text that was given.
    pub text: String,
    /// Why it was rejected.
    pub message: String,
}

const EPOCH: jiff::civil::DateTime = jiff::civil::DateTime::constant(1970, 1, 1, 0, 0, 0, 0);
const MIN_SECONDS: i64 = -62_135_596_800; // 0001-01-01T00:00:00Z
const MAX_SECONDS: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z

impl Time {
    /// The instant `seconds` after the Unix epoch; `None` outside years 0001 to 9999.
    pub fn from_unix_seconds(seconds: i64) -> Option<Self> {
        (MIN_SECONDS..=MAX_SECONDS)
            .contains(&seconds)
            .then_some(Time { seconds })
    }

    /// Seconds since the Unix epoch (negative before 1970).
    pub fn unix_seconds(self) -> i64 {
        self.seconds
    }

    /// Parses RFC 3339 text, for example `2024-05-01T10:00:00Z` or `2024-05-01T12:00:00+02:00`.
    pub fn parse(text: &str) -> Result<Self, TimeParseError> {
        // What the API server writes, `2024-05-01T10:00:00Z`, is read without jiff: dumps hold
        // millions of these.
        if let Some(time) = parse_utc_seconds(text) {
            return Ok(time);
        }
        let fail = |reason: &str| TimeParseError {
            text: text.to_owned(),
            message: reason.to_owned(),
        };
        let (civil, offset_seconds) = split_offset(text)
            .ok_or_else(|| fail("it must end in Z or an offset such as +02:00"))?;
        if !civil.contains('T') && !civil.contains('t') {
            return Err(fail("date and time must be separated by T"));
        }
        let datetime: jiff::civil::DateTime = civil
            .parse()
            .map_err(|err: jiff::Error| fail(&err.to_string()))?;
        let local = datetime.duration_since(EPOCH).as_secs();
        local
            .checked_sub(offset_seconds)
            .and_then(Time::from_unix_seconds)
            .ok_or_else(|| fail("it falls outside years 0001 to 9999 in UTC"))
    }

    /// This instant plus `seconds`, or `None` when that leaves years 0001 to 9999.
    pub fn checked_add_seconds(self, seconds: i64) -> Option<Self> {
        self.seconds
            .checked_add(seconds)
            .and_then(Time::from_unix_seconds)
    }

    /// Whole seconds from `earlier` to `self` (negative when `earlier` is later).
    pub fn seconds_since(self, earlier: Time) -> i64 {
        // Both lie within 0001..=9999, so the difference cannot overflow.
        self.seconds.saturating_sub(earlier.seconds)
    }

    /// The same instant as a [`jiff::Timestamp`], where jiff can hold it.
    pub fn to_timestamp(self) -> Option<jiff::Timestamp> {
        jiff::Timestamp::from_second(self.seconds).ok()
    }
}

impl From<jiff::Timestamp> for Time {
    fn from(timestamp: jiff::Timestamp) -> Self {
        Time {
            seconds: timestamp.as_second().clamp(MIN_SECONDS, MAX_SECONDS),
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` exactly, with every field in range; `None` for anything else (which
/// [`Time::parse`] then reads with jiff).
fn parse_utc_seconds(text: &str) -> Option<Time> {
    let bytes: &[u8; 20] = text.as_bytes().try_into().ok()?;
    let [
        y1,
        y2,
        y3,
        y4,
        b'-',
        mo1,
        mo2,
        b'-',
        d1,
        d2,
        b'T',
        h1,
        h2,
        b':',
        mi1,
        mi2,
        b':',
        s1,
        s2,
        b'Z',
    ] = *bytes
    else {
        return None;
    };
    let digits = |ds: &[u8]| {
        ds.iter().try_fold(0i64, |n, &d| {
            d.is_ascii_digit().then(|| {
                n.saturating_mul(10)
                    .saturating_add(i64::from(d.wrapping_sub(b'0')))
            })
        })
    };
    let year = digits(&[y1, y2, y3, y4])?;
    let month = digits(&[mo1, mo2])?;
    let day = digits(&[d1, d2])?;
    let (hour, minute, second) = (digits(&[h1, h2])?, digits(&[mi1, mi2])?, digits(&[s1, s2])?);
    let divides = |n: i64, d: i64| n.checked_rem(d) == Some(0);
    let leap = divides(year, 4) && (!divides(year, 100) || divides(year, 400));
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if year < 1 || day < 1 || day > month_days || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // Days from 1970-01-01 to the date, in the proleptic Gregorian calendar, counted in eras
    // of 400 years that start on March 1st (years 0 to 9999 stay in eras 0 to 24).
    let (y, m) = if month <= 2 {
        (year.checked_sub(1)?, month.checked_add(9)?)
    } else {
        (year, month.checked_sub(3)?)
    };
    let era = y.checked_div(400)?;
    let year_of_era = y.checked_sub(era.checked_mul(400)?)?;
    let day_of_year = m
        .checked_mul(153)?
        .checked_add(2)?
        .checked_div(5)?
        .checked_add(day)?
        .checked_sub(1)?;
    let day_of_era = year_of_era
        .checked_mul(365)?
        .checked_add(year_of_era.checked_div(4)?)?
        .checked_sub(year_of_era.checked_div(100)?)?
        .checked_add(day_of_year)?;
    let days = era
        .checked_mul(146_097)?
        .checked_add(day_of_era)?
        .checked_sub(719_468)?;
    let seconds = days
        .checked_mul(86_400)?
        .checked_add(hour.checked_mul(3600)?)?
        .checked_add(minute.checked_mul(60)?)?
        .checked_add(second)?;
    Time::from_unix_seconds(seconds)
}

/// Splits `...Z` or `...+HH:MM` into the civil part and the offset in seconds east of UTC.
fn split_offset(text: &str) -> Option<(&str, i64)> {
    if let Some(civil) = text.strip_suffix('Z').or_else(|| text.strip_suffix('z')) {
        return Some((civil, 0));
    }
    let split = text.len().checked_sub(6)?;
    let (civil, offset) = (text.get(..split)?, text.get(split..)?.as_bytes());
    let [sign, h1, h2, b':', m1, m2] = *offset else {
        return None;
    };
    let digit = |b: u8| b.is_ascii_digit().then(|| i64::from(b.wrapping_sub(b'0')));
    let two_digits = |tens: u8, ones: u8| digit(tens)?.checked_mul(10)?.checked_add(digit(ones)?);
    let hours = two_digits(h1, h2)?;
    let minutes = two_digits(m1, m2)?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    let magnitude = hours
        .checked_mul(3600)?
        .checked_add(minutes.checked_mul(60)?)?;
    match sign {
        b'+' => Some((civil, magnitude)),
        b'-' => Some((civil, magnitude.checked_neg()?)),
        _ => None,
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let civil = EPOCH
            .checked_add(jiff::SignedDuration::from_secs(self.seconds))
            .map_err(|_| fmt::Error)?;
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            civil.year(),
            civil.month(),
            civil.day(),
            civil.hour(),
            civil.minute(),
            civil.second()
        )
    }
}

impl std::str::FromStr for Time {
    type Err = TimeParseError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Time::parse(text)
    }
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Time;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp such as 2024-05-01T10:00:00Z")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Time, E> {
                Time::parse(text).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_offsets_and_writes_utc() {
        let t = Time::parse("2024-05-01T12:00:00+02:00").unwrap();
        assert_eq!(t.to_string(), "2024-05-01T10:00:00Z");
    }

    #[test]
    fn covers_years_one_and_9999() {
        assert!(Time::parse("0001-01-01T00:00:00Z").is_ok());
        let end = Time::parse("9999-12-31T23:59:59Z").unwrap();
        assert_eq!(end.checked_add_seconds(1), None);
    }

    #[test]
    fn keeps_second_precision_and_offsets() {
        let t = Time::parse("0001-01-01T00:30:00+01:00");
        assert!(t.is_err(), "before year 1 in UTC");
        let t = Time::parse("2024-05-01T10:00:00.999Z").unwrap();
        assert_eq!(t.to_string(), "2024-05-01T10:00:00Z");
        assert_eq!(
            Time::parse("2024-05-01T10:00:00-00:30")
                .unwrap()
                .to_string(),
            "2024-05-01T10:30:00Z"
        );
        assert!(Time::parse("2024-05-01 10:00:00Z").is_err());
        assert!(Time::parse("2024-05-01T10:00:00+25:00").is_err());
        assert!(Time::parse("2024-05-01T10:00:00").is_err());
    }

    #[test]
    fn the_fast_path_agrees_with_jiff() {
        let mut checked = 0;
        for year in [
            1, 2, 3, 4, 99, 100, 400, 1600, 1900, 1969, 1970, 2000, 2024, 2100, 9999,
        ] {
            for month in 1..=12 {
                for day in [1, 15, 28, 29, 30, 31] {
                    for (hour, minute, second) in [(0, 0, 0), (23, 59, 59), (12, 34, 56)] {
                        let text = format!(
                            "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z"
                        );
                        let fast = parse_utc_seconds(&text);
                        let slow = text[..19]
                            .parse::<jiff::civil::DateTime>()
                            .ok()
                            .map(|civil| civil.duration_since(EPOCH).as_secs());
                        assert_eq!(fast.map(Time::unix_seconds), slow, "{text}");
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 15 * 12 * 6 * 3);
        for text in [
            "2024-02-30T00:00:00Z",
            "0000-01-01T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:60Z",
            "2024-01-01T00:00:00+00:00",
        ] {
            assert_eq!(parse_utc_seconds(text), None, "{text}");
        }
    }

    #[test]
    fn rejects_garbage() {
        let err = Time::parse("yesterday").unwrap_err();
        assert_eq!(err.text, "yesterday");
    }
}
