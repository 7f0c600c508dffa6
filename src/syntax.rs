//! Kubernetes name and label syntax (apimachinery's `IsQualifiedName`, `IsValidLabelValue`,
//! `IsDNS1123Subdomain`), shared by validation and by selector parsing.

/// Maximum length of a label value and of a qualified name's name part.
pub(crate) const MAX_NAME_LEN: usize = 63;
/// Maximum length of a DNS-1123 subdomain (label-key prefixes, object names).
pub(crate) const MAX_SUBDOMAIN_LEN: usize = 253;

/// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`, at most 63 characters, not empty.
fn is_label_name(text: &str) -> bool {
    let bytes = text.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            bytes.len() <= MAX_NAME_LEN
                && first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

/// A DNS-1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
pub(crate) fn is_dns1123_label(text: &str) -> bool {
    let bytes = text.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            bytes.len() <= MAX_NAME_LEN
                && (first.is_ascii_lowercase() || first.is_ascii_digit())
                && (last.is_ascii_lowercase() || last.is_ascii_digit())
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        }
        _ => false,
    }
}

/// A DNS-1123 subdomain: dot-separated parts of `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 253
/// characters in all. A part has no length limit of its own (only DNS labels stop at 63).
pub(crate) fn is_dns1123_subdomain(text: &str) -> bool {
    !text.is_empty() && text.len() <= MAX_SUBDOMAIN_LEN && text.split('.').all(is_subdomain_part)
}

/// One dot-separated part of a DNS-1123 subdomain: a DNS label without the length limit.
fn is_subdomain_part(part: &str) -> bool {
    let bytes = part.as_bytes();
    let lower_alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            lower_alnum(first)
                && lower_alnum(last)
                && bytes.iter().all(|b| lower_alnum(b) || *b == b'-')
        }
        _ => false,
    }
}

/// Why a label key is invalid, or `None` when it is valid.
pub(crate) fn label_key_error(key: &str) -> Option<String> {
    label_key_reason(key).map(|reason| format!("{key:?} is not a valid label key: {reason}"))
}

/// Why a label key (a "qualified name") is invalid, without repeating the key; `None` when valid.
pub(crate) fn label_key_reason(key: &str) -> Option<&'static str> {
    let mut parts = key.split('/');
    let (prefix, name) = match (parts.next(), parts.next(), parts.next()) {
        (Some(name), None, None) => (None, name),
        (Some(prefix), Some(name), None) => (Some(prefix), name),
        _ => return Some("it may contain at most one '/'"),
    };
    if let Some(prefix) = prefix {
        if prefix.is_empty() {
            return Some("the prefix before '/' must not be empty");
        }
        if prefix.len() > MAX_SUBDOMAIN_LEN {
            return Some("the prefix before '/' must be no more than 253 characters");
        }
        if !is_dns1123_subdomain(prefix) {
            return Some(
                "the prefix before '/' must be a lower-case DNS subdomain: parts of a-z, 0-9 and \
                 '-' separated by '.', each starting and ending with a letter or digit, such as \
                 example.com",
            );
        }
    }
    if name.is_empty() {
        return Some("the name part must not be empty");
    }
    if name.len() > MAX_NAME_LEN {
        return Some("the name part must be no more than 63 characters");
    }
    if !is_label_name(name) {
        return Some(
            "the name part must consist of letters, digits, '-', '_' or '.', starting and ending \
             with a letter or digit",
        );
    }
    None
}

/// Why a label value is invalid, or `None` when it is valid (the empty value is valid).
pub(crate) fn label_value_error(value: &str) -> Option<String> {
    label_value_reason(value)
        .map(|reason| format!("{value:?} is not a valid label value: {reason}"))
}

/// Why a label value is invalid, without repeating the value; `None` when valid.
pub(crate) fn label_value_reason(value: &str) -> Option<&'static str> {
    if value.is_empty() || is_label_name(value) {
        None
    } else if value.len() > MAX_NAME_LEN {
        Some("it must be no more than 63 characters")
    } else {
        Some(
            "it must be empty, or letters, digits, '-', '_' or '.', starting and ending with a \
             letter or digit",
        )
    }
}

/// Why an object name is not a DNS-1123 subdomain, without repeating the name; `None` when valid.
pub(crate) fn dns1123_subdomain_reason(text: &str) -> Option<&'static str> {
    if text.len() > MAX_SUBDOMAIN_LEN {
        Some("it must be no more than 253 characters")
    } else if is_dns1123_subdomain(text) {
        None
    } else {
        Some(
            "it must be a lower-case DNS subdomain: parts of a-z, 0-9 and '-' separated by '.', \
             each starting and ending with a letter or digit",
        )
    }
}

/// Why a namespace name is not a DNS-1123 label, without repeating it; `None` when valid.
pub(crate) fn dns1123_label_reason(text: &str) -> Option<&'static str> {
    if text.len() > MAX_NAME_LEN {
        Some("it must be no more than 63 characters")
    } else if is_dns1123_label(text) {
        None
    } else {
        Some(
            "it must be a lower-case DNS label: a-z, 0-9 and '-', starting and ending with a \
             letter or digit",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_keys() {
        for key in [
            "app",
            "kubernetes.io/hostname",
            "topology.kubernetes.io/zone",
            "A_b.c-D",
            "example.com/Name",
        ] {
            assert_eq!(label_key_error(key), None, "{key}");
        }
        for key in [
            "",
            "/a",
            "a/",
            "a/b/c",
            "Example.com/a",
            "-a",
            "a-",
            &"x".repeat(64),
        ] {
            assert!(label_key_error(key).is_some(), "{key}");
        }
    }

    #[test]
    fn messages_name_the_rule_broken() {
        assert_eq!(
            label_key_reason(&format!("{}/app", "p".repeat(64))),
            None,
            "a 64-character prefix is a valid subdomain"
        );
        assert_eq!(
            label_key_reason(&"x".repeat(64)),
            Some("the name part must be no more than 63 characters")
        );
        assert_eq!(
            label_key_reason(&format!("{}/app", "p".repeat(254))),
            Some("the prefix before '/' must be no more than 253 characters")
        );
        assert_eq!(
            label_value_reason(&"v".repeat(64)),
            Some("it must be no more than 63 characters")
        );
        assert_eq!(
            dns1123_subdomain_reason(&"n".repeat(64)),
            None,
            "a 64-character name is a valid subdomain"
        );
        assert_eq!(
            dns1123_label_reason(&"n".repeat(64)),
            Some("it must be no more than 63 characters")
        );
    }

    #[test]
    fn label_values() {
        assert_eq!(label_value_error(""), None);
        assert_eq!(label_value_error("logging-node"), None);
        assert!(label_value_error("-5").is_some());
        assert!(label_value_error("a b").is_some());
        assert!(label_value_error(&"v".repeat(64)).is_some());
    }

    #[test]
    fn subdomains() {
        assert!(is_dns1123_subdomain("node-1.example.com"));
        // A part may be longer than 63 characters: only the whole is limited, to 253.
        assert!(is_dns1123_subdomain(&"a".repeat(64)));
        assert!(is_dns1123_subdomain(&format!(
            "{}.example.com",
            "b".repeat(100)
        )));
        assert!(!is_dns1123_subdomain(&"a".repeat(254)));
        assert!(is_dns1123_subdomain(&"a".repeat(253)));
        assert!(!is_dns1123_subdomain("a-.b"));
        assert!(!is_dns1123_label(&"a".repeat(64)));
        assert!(!is_dns1123_subdomain("Node-1"));
        assert!(!is_dns1123_subdomain(""));
        assert!(!is_dns1123_subdomain("a..b"));
    }
}
