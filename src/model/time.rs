//! RFC 3339 timestamps as Kubernetes writes them (`metav1.Time`).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An instant, as in `metadata.creationTimestamp` or a condition's `lastTransitionTime`.
///
/// Parsed from RFC 3339 with any offset (`2024-05-01T10:00:00Z`, `2024-05-01T12:00:00+02:00`) and
/// written back in UTC with second precision, as the API server does. Backed by
/// [`jiff::Timestamp`], the type k8s-openapi and kube use, so years 0001 to 9999 are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(pub jiff::Timestamp);

/// A timestamp that is not RFC 3339.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid RFC 3339 timestamp {text:?}: {reason}")]
pub struct TimeParseError {
    /// The text that was given.
    pub text: String,
    /// Why it was rejected.
    pub reason: String,
}

impl Time {
    /// The instant `seconds` after the Unix epoch; `None` outside years -9999 to 9999.
    pub fn from_unix_seconds(seconds: i64) -> Option<Self> {
        jiff::Timestamp::from_second(seconds).ok().map(Time)
    }

    /// Seconds since the Unix epoch (negative before 1970).
    pub fn unix_seconds(self) -> i64 {
        self.0.as_second()
    }

    /// Parses RFC 3339 text, for example `2024-05-01T10:00:00Z`.
    pub fn parse(text: &str) -> Result<Self, TimeParseError> {
        text.parse::<jiff::Timestamp>()
            .map(Time)
            .map_err(|err| TimeParseError {
                text: text.to_owned(),
                reason: err.to_string(),
            })
    }

    /// This instant plus `seconds`, or `None` when that leaves the representable range.
    pub fn checked_add_seconds(self, seconds: i64) -> Option<Self> {
        let span = jiff::SignedDuration::from_secs(seconds);
        self.0.checked_add(span).ok().map(Time)
    }

    /// Whole seconds from `earlier` to `self` (negative when `earlier` is later), saturating.
    pub fn seconds_since(self, earlier: Time) -> i64 {
        self.unix_seconds().saturating_sub(earlier.unix_seconds())
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
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
        serializer.collect_str(&self.0)
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
    fn rejects_garbage() {
        let err = Time::parse("yesterday").unwrap_err();
        assert_eq!(err.text, "yesterday");
    }
}
