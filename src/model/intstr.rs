//! `IntOrString`, as used by `maxUnavailable` and `maxSurge`, and upstream's percentage scaling.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An integer or a string, the way Kubernetes' `intstr.IntOrString` is written in a manifest:
/// `maxUnavailable: 1` or `maxUnavailable: "10%"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum IntOrString {
    /// A 32-bit integer, used as is.
    Int(i32),
    /// A string; only `N%` is meaningful to the rolling update.
    String(String),
}

impl Default for IntOrString {
    fn default() -> Self {
        IntOrString::Int(0)
    }
}

impl From<i32> for IntOrString {
    fn from(value: i32) -> Self {
        IntOrString::Int(value)
    }
}

impl From<&str> for IntOrString {
    fn from(value: &str) -> Self {
        IntOrString::String(value.to_owned())
    }
}

impl fmt::Display for IntOrString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrString::Int(value) => write!(f, "{value}"),
            IntOrString::String(text) => f.write_str(text),
        }
    }
}

/// Why an int-or-percent value could not be scaled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IntOrPercentError {
    /// The value is absent where upstream dereferences it.
    #[error("no value given (an int or a percentage such as \"10%\" is required)")]
    Missing,
    /// A string that does not end in `%`.
    #[error("{0:?} is not a percentage: write an integer, or a string such as \"10%\"")]
    NotPercentage(String),
    /// A string ending in `%` whose number is not a base-10 integer.
    #[error("{0:?} is not a valid percentage: the part before % must be a whole number")]
    InvalidPercentage(String),
    /// The number, or the scaled result, does not fit in 64 bits.
    #[error("{0:?} is out of range")]
    Overflow(String),
}

impl IntOrString {
    /// Scales the value against `total` exactly as upstream's `GetScaledValueFromIntOrPercent`:
    /// an integer is returned unchanged (no clamping, negatives pass through); a string must be
    /// `N%` with `N` a Go `Atoi` integer (optional sign, digits only) and gives `N * total / 100`
    /// rounded up or down. Upstream computes in float64; this computes exactly, which agrees for
    /// every value a real cluster can hold.
    ///
    /// ```
    /// use daemonset_planner::IntOrString;
    /// let ten_percent = IntOrString::from("10%");
    /// assert_eq!(ten_percent.scaled_value(15, true), Ok(2));
    /// assert_eq!(ten_percent.scaled_value(15, false), Ok(1));
    /// assert_eq!(IntOrString::Int(3).scaled_value(15, true), Ok(3));
    /// assert!(IntOrString::from("10.5%").scaled_value(15, true).is_err());
    /// ```
    pub fn scaled_value(&self, total: i64, round_up: bool) -> Result<i64, IntOrPercentError> {
        match self {
            IntOrString::Int(value) => Ok(i64::from(*value)),
            IntOrString::String(text) => {
                let percent = parse_percent(text)?;
                // Two i64 factors always fit in an i128; saturating keeps the lint honest.
                let product = i128::from(percent).saturating_mul(i128::from(total));
                let scaled = if round_up {
                    ceil_div(product, 100)
                } else {
                    product.div_euclid(100)
                };
                i64::try_from(scaled).map_err(|_| IntOrPercentError::Overflow(text.clone()))
            }
        }
    }

    /// The percentage, when this is a string of the form `N%` that upstream would scale.
    pub fn percent(&self) -> Option<i64> {
        match self {
            IntOrString::Int(_) => None,
            IntOrString::String(text) => parse_percent(text).ok(),
        }
    }
}

fn ceil_div(numerator: i128, denominator: i128) -> i128 {
    let quotient = numerator.div_euclid(denominator);
    if numerator.rem_euclid(denominator) == 0 {
        quotient
    } else {
        quotient.saturating_add(1)
    }
}

/// Go's `strconv.Atoi` on the part before one trailing `%`.
fn parse_percent(text: &str) -> Result<i64, IntOrPercentError> {
    let number = text
        .strip_suffix('%')
        .ok_or_else(|| IntOrPercentError::NotPercentage(text.to_owned()))?;
    parse_go_atoi(number).map_err(|overflow| {
        if overflow {
            IntOrPercentError::Overflow(text.to_owned())
        } else {
            IntOrPercentError::InvalidPercentage(text.to_owned())
        }
    })
}

/// Go's `strconv.Atoi`: an optional sign then at least one ASCII digit. `Err(true)` on overflow.
pub(crate) fn parse_go_atoi(text: &str) -> Result<i64, bool> {
    let digits = text
        .strip_prefix('+')
        .or_else(|| text.strip_prefix('-'))
        .unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(false);
    }
    text.parse::<i64>().map_err(|_| true)
}

/// Go's `strconv.ParseInt(text, 10, 64)`: optional sign, digits (leading zeros allowed).
pub(crate) fn parse_go_parse_int(text: &str) -> Option<i64> {
    parse_go_atoi(text).ok()
}

impl Serialize for IntOrString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            IntOrString::Int(value) => serializer.serialize_i32(*value),
            IntOrString::String(text) => serializer.serialize_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for IntOrString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = IntOrString;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a 32-bit integer or a percentage string such as \"10%\"")
            }
            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<IntOrString, E> {
                i32::try_from(value).map(IntOrString::Int).map_err(|_| {
                    E::custom(format!(
                        "{value} does not fit in a 32-bit integer (write a percentage instead)"
                    ))
                })
            }
            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<IntOrString, E> {
                i32::try_from(value).map(IntOrString::Int).map_err(|_| {
                    E::custom(format!(
                        "{value} does not fit in a 32-bit integer (write a percentage instead)"
                    ))
                })
            }
            fn visit_i128<E: serde::de::Error>(self, value: i128) -> Result<IntOrString, E> {
                Err(E::custom(format!(
                    "{value} does not fit in a 32-bit integer (write a percentage instead)"
                )))
            }
            fn visit_u128<E: serde::de::Error>(self, value: u128) -> Result<IntOrString, E> {
                Err(E::custom(format!(
                    "{value} does not fit in a 32-bit integer (write a percentage instead)"
                )))
            }
            fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<IntOrString, E> {
                Err(E::custom(format!(
                    "{value} is not a whole number: write an integer or a percentage such as \"10%\""
                )))
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<IntOrString, E> {
                Ok(IntOrString::String(text.to_owned()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> IntOrString {
        IntOrString::from(text)
    }

    #[test]
    fn percentages_round_as_asked() {
        assert_eq!(s("10%").scaled_value(15, true), Ok(2));
        assert_eq!(s("10%").scaled_value(15, false), Ok(1));
        assert_eq!(s("0%").scaled_value(15, true), Ok(0));
        assert_eq!(s("100%").scaled_value(7, true), Ok(7));
        assert_eq!(s("150%").scaled_value(4, true), Ok(6));
        assert_eq!(s("-10%").scaled_value(15, true), Ok(-1));
        assert_eq!(s("+10%").scaled_value(15, true), Ok(2));
        assert_eq!(s("010%").scaled_value(100, true), Ok(10));
        assert_eq!(s("1%").scaled_value(1, true), Ok(1));
    }

    #[test]
    fn integers_pass_through() {
        assert_eq!(IntOrString::Int(-3).scaled_value(10, true), Ok(-3));
        assert_eq!(IntOrString::Int(500).scaled_value(10, true), Ok(500));
    }

    #[test]
    fn malformed_strings_are_errors() {
        for text in ["5", "abc", ""] {
            assert_eq!(
                s(text).scaled_value(10, true),
                Err(IntOrPercentError::NotPercentage(text.into()))
            );
        }
        for text in ["10.5%", " 10%", "10%%", "%", "+%", "1 0%"] {
            assert_eq!(
                s(text).scaled_value(10, true),
                Err(IntOrPercentError::InvalidPercentage(text.into()))
            );
        }
        assert_eq!(
            s("99999999999999999999%").scaled_value(10, true),
            Err(IntOrPercentError::Overflow("99999999999999999999%".into()))
        );
        assert_eq!(
            s("9223372036854775807%").scaled_value(1000, true),
            Err(IntOrPercentError::Overflow("9223372036854775807%".into()))
        );
    }
}
