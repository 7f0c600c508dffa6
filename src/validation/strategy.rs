//! The apps/v1 update strategy, and the int-or-percent rules Kruise shares.

use crate::model::{
    DaemonSetUpdateStrategy, IntOrString, RollingUpdateDaemonSet, UpdateStrategyType,
};

use super::collector::Collector;

pub(crate) fn validate_update_strategy(strategy: &DaemonSetUpdateStrategy, out: &mut Collector) {
    validate_strategy_type(strategy, out, validate_rolling_update);
}

/// The strategy's type and, for RollingUpdate, that `rollingUpdate` is set; `rolling_rules`
/// checks it (apps/v1's rules or Kruise's), given its path.
pub(crate) fn validate_strategy_type(
    strategy: &DaemonSetUpdateStrategy,
    out: &mut Collector,
    rolling_rules: impl FnOnce(&RollingUpdateDaemonSet, &str, &mut Collector),
) {
    const PATH: &str = "spec.updateStrategy";
    match &strategy.type_ {
        Some(UpdateStrategyType::OnDelete) => {}
        Some(UpdateStrategyType::RollingUpdate) => match &strategy.rolling_update {
            None => out.required(
                format!("{PATH}.rollingUpdate"),
                "must be set when type is RollingUpdate",
                "add `rollingUpdate: {maxUnavailable: 1}`, or apply the defaults before \
                 validating",
            ),
            Some(rolling) => rolling_rules(rolling, &format!("{PATH}.rollingUpdate"), out),
        },
        other => {
            let text = other.as_ref().map_or("", UpdateStrategyType::as_str);
            out.not_supported(
                PATH,
                text,
                UpdateStrategyType::KNOWN,
                "set spec.updateStrategy.type to RollingUpdate or OnDelete (case-sensitive)",
            );
        }
    }
}

pub(crate) fn validate_rolling_update(
    rolling: &RollingUpdateDaemonSet,
    path: &str,
    out: &mut Collector,
) {
    // An absent value reaches the API server's internal type as the integer 0.
    let zero = IntOrString::Int(0);
    let max_unavailable = rolling.max_unavailable.as_ref().unwrap_or(&zero);
    let max_surge = rolling.max_surge.as_ref().unwrap_or(&zero);
    let unavailable_path = format!("{path}.maxUnavailable");
    let surge_path = format!("{path}.maxSurge");

    check_non_negative_int_or_percent(max_unavailable, &unavailable_path, out);
    check_non_negative_int_or_percent(max_surge, &surge_path, out);
    check_at_most_100_percent(max_unavailable, &unavailable_path, out);
    check_at_most_100_percent(max_surge, &surge_path, out);

    let unavailable = numeric_value(max_unavailable) != 0;
    let surge = numeric_value(max_surge) != 0;
    if unavailable && surge {
        out.invalid(
            surge_path,
            max_surge,
            "may not be set when maxUnavailable is non-zero",
            "choose one mode: to surge, also write `maxUnavailable: 0` (its default is 1); \
             otherwise remove maxSurge",
        );
    } else if !unavailable && !surge {
        out.required(
            unavailable_path,
            "cannot be 0 when maxSurge is 0",
            "let at least one node be updated at a time: set maxUnavailable (e.g. 1) or \
             maxSurge (e.g. 1) above zero",
        );
    }
}

pub(crate) fn check_non_negative_int_or_percent(
    value: &IntOrString,
    path: &str,
    out: &mut Collector,
) {
    match value {
        IntOrString::Int(number) if *number < 0 => out.invalid(
            path,
            number,
            "must be greater than or equal to 0",
            "use 0 or a positive number of nodes, or a percentage such as \"10%\"",
        ),
        IntOrString::Int(_) => {}
        IntOrString::String(text) => {
            if strict_percent(value).is_none() {
                out.invalid(
                    path,
                    text,
                    "must be an integer, or digits followed by '%' such as \"10%\"",
                    "write a number of nodes without quotes (`1`), or a percentage in quotes \
                     (`\"10%\"`)",
                );
            }
        }
    }
}

pub(crate) fn check_at_most_100_percent(value: &IntOrString, path: &str, out: &mut Collector) {
    if strict_percent(value).is_some_and(|percent| percent > 100) {
        out.invalid(
            path,
            value,
            "must not be greater than 100%",
            "use a percentage from 0% to 100%, or a number of nodes",
        );
    }
}

/// The percentage of a string made of digits then one `%` (no sign, no spaces); a digit run too
/// large for 64 bits reads as the largest value. `None` for anything else, integers included.
pub(crate) fn strict_percent(value: &IntOrString) -> Option<i64> {
    let IntOrString::String(text) = value else {
        return None;
    };
    let digits = text.strip_suffix('%')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(digits.parse::<i64>().unwrap_or(i64::MAX))
}

/// The number the API server compares with zero: the percentage if [`strict_percent`] reads
/// one; otherwise, for a string, Go's `Atoi` of the whole string (0 when it is not an integer,
/// the nearest 64-bit bound when it overflows); otherwise the integer.
pub(crate) fn numeric_value(value: &IntOrString) -> i64 {
    if let Some(percent) = strict_percent(value) {
        return percent;
    }
    match value {
        IntOrString::Int(number) => i64::from(*number),
        IntOrString::String(text) => match crate::model::intstr::parse_go_atoi(text) {
            Ok(number) => number,
            Err(true) if text.starts_with('-') => i64::MIN,
            Err(true) => i64::MAX,
            Err(false) => 0,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::FieldErrorKind::{self, Invalid, Required};

    fn s(text: &str) -> IntOrString {
        IntOrString::from(text)
    }

    #[test]
    fn strict_percent_accepts_only_digits_then_percent() {
        assert_eq!(strict_percent(&s("10%")), Some(10));
        assert_eq!(strict_percent(&s("007%")), Some(7));
        assert_eq!(strict_percent(&s("0%")), Some(0));
        assert_eq!(
            strict_percent(&s("99999999999999999999999%")),
            Some(i64::MAX)
        );
        for text in ["-5%", "+5%", "5", "5.5%", " 5%", "5%%", "%", "", "abc"] {
            assert_eq!(strict_percent(&s(text)), None, "{text:?}");
        }
        assert_eq!(strict_percent(&IntOrString::Int(5)), None);
    }

    #[test]
    fn numeric_value_falls_back_to_atoi_then_zero() {
        assert_eq!(numeric_value(&s("25%")), 25);
        assert_eq!(numeric_value(&s("5")), 5);
        assert_eq!(numeric_value(&s("-3")), -3);
        assert_eq!(numeric_value(&s("+3")), 3);
        assert_eq!(numeric_value(&s("abc")), 0);
        assert_eq!(numeric_value(&s("-5%")), 0);
        assert_eq!(numeric_value(&s("")), 0);
        assert_eq!(numeric_value(&s("99999999999999999999")), i64::MAX);
        assert_eq!(numeric_value(&s("-99999999999999999999")), i64::MIN);
        assert_eq!(numeric_value(&IntOrString::Int(-1)), -1);
        assert_eq!(numeric_value(&IntOrString::Int(0)), 0);
    }

    fn rolling_errors(
        max_unavailable: IntOrString,
        max_surge: IntOrString,
    ) -> Vec<(String, FieldErrorKind)> {
        let mut out = Collector::default();
        let rolling = RollingUpdateDaemonSet {
            max_unavailable: Some(max_unavailable),
            max_surge: Some(max_surge),
            ..RollingUpdateDaemonSet::default()
        };
        validate_rolling_update(&rolling, "r", &mut out);
        out.errors
            .into_iter()
            .map(|error| (error.path, error.kind))
            .collect()
    }

    /// The worked examples of spec section 6.2 (values after defaulting).
    #[test]
    fn rolling_update_worked_examples() {
        use IntOrString::Int;
        let mu = || ("r.maxUnavailable".to_owned(), Invalid);
        let mu_required = || ("r.maxUnavailable".to_owned(), Required);
        let ms = || ("r.maxSurge".to_owned(), Invalid);
        type Case = (IntOrString, IntOrString, Vec<(String, FieldErrorKind)>);
        let cases: Vec<Case> = vec![
            (Int(1), Int(0), vec![]),
            (Int(0), Int(1), vec![]),
            (Int(0), Int(0), vec![mu_required()]),
            (Int(1), Int(1), vec![ms()]),
            (s("0%"), s("0%"), vec![mu_required()]),
            (s("100%"), Int(0), vec![]),
            (s("101%"), Int(0), vec![mu()]),
            (Int(150), Int(0), vec![]),
            (Int(-1), Int(0), vec![mu()]),
            (Int(-1), Int(1), vec![mu(), ms()]),
            (s("5"), Int(0), vec![mu()]),
            (s("abc"), Int(0), vec![mu(), mu_required()]),
            (s("-5%"), Int(0), vec![mu(), mu_required()]),
            (Int(0), s("25%"), vec![]),
        ];
        for (max_unavailable, max_surge, expected) in cases {
            let label = format!("maxUnavailable {max_unavailable}, maxSurge {max_surge}");
            assert_eq!(
                rolling_errors(max_unavailable, max_surge),
                expected,
                "{label}"
            );
        }
    }

    #[test]
    fn a_percentage_over_100_on_both_fields_reports_both() {
        assert_eq!(
            rolling_errors(s("200%"), s("300%")),
            vec![
                ("r.maxUnavailable".to_owned(), Invalid),
                ("r.maxSurge".to_owned(), Invalid),
                ("r.maxSurge".to_owned(), Invalid),
            ]
        );
    }
}
