//! Resource quantities (`resource.Quantity`): `<sign><digits>[.<digits>]<suffix>`, where the
//! suffix is a binary SI suffix (`Ki` .. `Ei`), a decimal SI suffix (`n`, `u`, `m`, `k`, `M` ..
//! `E`), or a decimal exponent (`e3`, `E-2`).

use std::cmp::Ordering;

/// A parsed quantity, held in billionths (the smallest unit Kubernetes keeps), saturating at the
/// bounds of `i128`; finer fractions round away from zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Quantity {
    nanos: i128,
}

/// The form every quantity must have, as the API server states it.
pub(crate) const QUANTITY_FORM: &str =
    "must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

impl Quantity {
    /// Whether the quantity is below zero.
    pub(crate) fn is_negative(self) -> bool {
        self.nanos < 0
    }

    /// Whether the quantity is a whole number.
    pub(crate) fn is_integer(self) -> bool {
        self.nanos % NANOS_PER_UNIT == 0
    }

    /// Compares two quantities by value (`1Gi` equals `1073741824`).
    pub(crate) fn compare(self, other: Self) -> Ordering {
        self.nanos.cmp(&other.nanos)
    }
}

const NANOS_PER_UNIT: i128 = 1_000_000_000;

/// Parses a quantity; `None` when the text is not one.
pub(crate) fn parse_quantity(text: &str) -> Option<Quantity> {
    let (negative, rest) = match text.as_bytes().first()? {
        b'+' => (false, text.get(1..)?),
        b'-' => (true, text.get(1..)?),
        _ => (false, text),
    };
    let number_len = rest
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .count();
    let (number, suffix) = rest.split_at_checked(number_len)?;
    let (whole, fraction) = match number.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (number, ""),
    };
    if (whole.is_empty() && fraction.is_empty()) || fraction.contains('.') {
        return None;
    }
    let (decimal_exponent, binary_exponent) = suffix_scale(suffix)?;
    // value = digits * 10^(decimal_exponent - fraction.len()) * 2^binary_exponent, in nanos.
    let mut digits: i128 = 0;
    let mut saturated = false;
    for byte in whole.bytes().chain(fraction.bytes()) {
        let digit = i128::from(byte.wrapping_sub(b'0'));
        match digits.checked_mul(10).and_then(|d| d.checked_add(digit)) {
            Some(next) => digits = next,
            None => {
                saturated = true;
                break;
            }
        }
    }
    let fraction_len = i64::try_from(fraction.len()).unwrap_or(i64::MAX);
    let exponent = decimal_exponent
        .saturating_add(9)
        .saturating_sub(fraction_len);
    let mut nanos = if saturated {
        i128::MAX
    } else {
        scale_by_ten(digits, exponent)
    };
    for _ in 0..binary_exponent {
        nanos = nanos.saturating_mul(1024);
    }
    Some(Quantity {
        nanos: if negative {
            nanos.saturating_neg()
        } else {
            nanos
        },
    })
}

/// The decimal exponent and the power of 1024 a suffix stands for; `None` for an unknown one.
fn suffix_scale(suffix: &str) -> Option<(i64, u32)> {
    let scale = match suffix {
        "" => (0, 0),
        "n" => (-9, 0),
        "u" => (-6, 0),
        "m" => (-3, 0),
        "k" => (3, 0),
        "M" => (6, 0),
        "G" => (9, 0),
        "T" => (12, 0),
        "P" => (15, 0),
        "E" => (18, 0),
        "Ki" => (0, 1),
        "Mi" => (0, 2),
        "Gi" => (0, 3),
        "Ti" => (0, 4),
        "Pi" => (0, 5),
        "Ei" => (0, 6),
        _ => {
            let exponent = suffix
                .strip_prefix('e')
                .or_else(|| suffix.strip_prefix('E'))?;
            let digits = exponent
                .strip_prefix('-')
                .or_else(|| exponent.strip_prefix('+'))
                .unwrap_or(exponent);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let saturated = if exponent.starts_with('-') {
                i64::MIN
            } else {
                i64::MAX
            };
            (exponent.parse::<i64>().unwrap_or(saturated), 0)
        }
    };
    Some(scale)
}

/// `digits * 10^exponent`, saturating; a negative exponent rounds a remainder up.
fn scale_by_ten(digits: i128, exponent: i64) -> i128 {
    if exponent >= 0 {
        let mut value = digits;
        for _ in 0..exponent.min(40) {
            value = value.saturating_mul(10);
        }
        if exponent > 40 && value != 0 {
            return i128::MAX;
        }
        value
    } else {
        let mut value = digits;
        for _ in 0..exponent.unsigned_abs().min(40) {
            let rounded_up = value % 10 != 0;
            value = (value / 10).saturating_add(i128::from(rounded_up));
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Quantity {
        parse_quantity(text).unwrap_or_else(|| panic!("{text:?} should parse"))
    }

    #[test]
    fn accepts_the_forms_kubernetes_accepts() {
        for text in [
            "1", "0", "100m", "0.5", ".5", "1.", "1Gi", "512Mi", "1e3", "1E-3", "+1", "-1", "2k",
            "1.5Gi", "0.1m",
        ] {
            assert!(parse_quantity(text).is_some(), "{text}");
        }
    }

    #[test]
    fn refuses_what_kubernetes_refuses() {
        for text in [
            "", "abc", "1 Gi", "1GB", "1gi", "1..5", ".", "1Ki2", "e3", "1e", "1e+", "--1", " 1",
        ] {
            assert!(parse_quantity(text).is_none(), "{text}");
        }
    }

    #[test]
    fn compares_by_value_across_suffixes() {
        assert_eq!(q("1Gi").compare(q("1073741824")), Ordering::Equal);
        assert_eq!(q("500m").compare(q("0.5")), Ordering::Equal);
        assert_eq!(q("1e3").compare(q("1k")), Ordering::Equal);
        assert_eq!(q("2").compare(q("1500m")), Ordering::Greater);
        assert_eq!(q("128Mi").compare(q("1Gi")), Ordering::Less);
        assert!(q("-1").is_negative());
        assert!(q("2").is_integer());
        assert!(!q("1500m").is_integer());
        assert_eq!(q("1e400").compare(q("1E")), Ordering::Greater);
        assert_eq!(
            q("1e-99999999999999999999").compare(q("1n")),
            Ordering::Equal,
            "a vanishing fraction rounds up to the smallest unit"
        );
    }
}
