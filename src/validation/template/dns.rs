//! DNS: the DNS policy, the custom DNS configuration, host aliases, and the pod's host name.

use std::net::IpAddr;

use serde_json::{Map, Value};

use super::json::{entry, list, object, text};
use crate::syntax::{dns1123_label_reason, dns1123_subdomain_reason};
use crate::validation::collector::Collector;

/// The DNS policies.
const DNS_POLICIES: &[&str] = &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];

/// The most nameservers a pod may list.
const MAX_NAMESERVERS: usize = 3;

/// The most search domains a pod may list.
const MAX_SEARCHES: usize = 32;

/// The longest search list, counting one space between domains.
const MAX_SEARCH_CHARS: usize = 2048;

/// `dnsPolicy`, `dnsConfig`, `hostAliases`, `hostname` and `subdomain` of a pod spec.
pub(crate) fn validate_dns(spec: &Map<String, Value>, spec_path: &str, out: &mut Collector) {
    let policy = text(spec, "dnsPolicy");
    // An empty policy is defaulted to ClusterFirst.
    if !policy.is_empty() && !DNS_POLICIES.contains(&policy) {
        out.not_supported(
            format!("{spec_path}.dnsPolicy"),
            policy,
            DNS_POLICIES,
            "host-network daemons usually want ClusterFirstWithHostNet; the values are \
             case-sensitive",
        );
    }
    let config_path = format!("{spec_path}.dnsConfig");
    let config = object(spec, "dnsConfig", &config_path, out);
    if policy == "None" && config.is_none() {
        out.required(
            config_path.clone(),
            "must provide `dnsConfig` when `dnsPolicy` is None",
            "with dnsPolicy None the pod gets only the DNS settings of dnsConfig: add \
             `dnsConfig: {nameservers: [...]}`",
        );
    }
    if let Some(config) = config {
        validate_dns_config(config, &config_path, policy == "None", out);
    }
    for (field, what) in [("hostname", "host name"), ("subdomain", "subdomain")] {
        let value = text(spec, field);
        if !value.is_empty()
            && let Some(reason) = dns1123_label_reason(value)
        {
            out.invalid(
                format!("{spec_path}.{field}"),
                value,
                format!("not a valid {what}: {reason}"),
                "use a lower-case DNS label such as `collector`",
            );
        }
    }
    let aliases_path = format!("{spec_path}.hostAliases");
    for (i, alias) in list(spec, "hostAliases", &aliases_path, out)
        .iter()
        .enumerate()
    {
        let path = format!("{aliases_path}[{i}]");
        let Some(alias) = entry(alias, &path, out) else {
            continue;
        };
        let ip = text(alias, "ip");
        if ip.parse::<IpAddr>().is_err() {
            out.invalid(
                format!("{path}.ip"),
                ip,
                "must be a valid IP address",
                "give an IPv4 or IPv6 address such as `10.0.0.1`",
            );
        }
        let names_path = format!("{path}.hostnames");
        for (j, name) in list(alias, "hostnames", &names_path, out)
            .iter()
            .enumerate()
        {
            let name = name.as_str().unwrap_or_default();
            if let Some(reason) = dns1123_subdomain_reason(name) {
                out.invalid(
                    format!("{names_path}[{j}]"),
                    name,
                    format!("not a valid host name: {reason}"),
                    "give a lower-case host name such as `db.internal`",
                );
            }
        }
    }
}

fn validate_dns_config(
    config: &Map<String, Value>,
    path: &str,
    policy_none: bool,
    out: &mut Collector,
) {
    let servers_path = format!("{path}.nameservers");
    let servers = list(config, "nameservers", &servers_path, out);
    if policy_none && servers.is_empty() {
        out.required(
            servers_path.clone(),
            "must provide at least one DNS nameserver when `dnsPolicy` is None",
            "list the nameserver addresses, e.g. `nameservers: [10.96.0.10]`",
        );
    }
    if servers.len() > MAX_NAMESERVERS {
        out.invalid(
            servers_path.clone(),
            servers.len(),
            format!("must not have more than {MAX_NAMESERVERS} nameservers"),
            "the resolver reads at most three nameservers",
        );
    }
    for (i, server) in servers.iter().enumerate() {
        let server = server.as_str().unwrap_or_default();
        if server.parse::<IpAddr>().is_err() {
            out.invalid(
                format!("{servers_path}[{i}]"),
                server,
                "must be a valid IP address",
                "give the nameserver's IPv4 or IPv6 address",
            );
        }
    }
    let searches_path = format!("{path}.searches");
    let searches = list(config, "searches", &searches_path, out);
    if searches.len() > MAX_SEARCHES {
        out.invalid(
            searches_path.clone(),
            searches.len(),
            format!("must not have more than {MAX_SEARCHES} search paths"),
            "shorten the search list",
        );
    }
    let mut total = 0usize;
    for (i, search) in searches.iter().enumerate() {
        let search = search.as_str().unwrap_or_default();
        total = total.saturating_add(search.len()).saturating_add(1);
        if !is_search_domain(search) {
            out.invalid(
                format!("{searches_path}[{i}]"),
                search,
                "must be a DNS search domain: lower-case parts of letters, digits, '-' and '_' \
                 separated by '.', or a single '.'",
                "give a domain such as `svc.cluster.local`",
            );
        }
    }
    if total.saturating_sub(1) > MAX_SEARCH_CHARS {
        out.invalid(
            searches_path,
            total.saturating_sub(1),
            format!(
                "must not have more than {MAX_SEARCH_CHARS} characters (including spaces) in the \
                 search list"
            ),
            "shorten the search list",
        );
    }
    let options_path = format!("{path}.options");
    for (i, option) in list(config, "options", &options_path, out)
        .iter()
        .enumerate()
    {
        let at = format!("{options_path}[{i}]");
        let Some(option) = entry(option, &at, out) else {
            continue;
        };
        if text(option, "name").is_empty() {
            out.required(
                format!("{at}.name"),
                "an option name is required",
                "give the resolver option, e.g. `name: ndots`",
            );
        }
    }
}

/// A search domain under the relaxed rule of Kubernetes 1.34: `.` alone, or a DNS subdomain
/// (an optional trailing dot) whose parts may also hold and start or end with '_'.
fn is_search_domain(search: &str) -> bool {
    if search == "." {
        return true;
    }
    let search = search.strip_suffix('.').unwrap_or(search);
    let part = |part: &str| {
        let bytes = part.as_bytes();
        let edge = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_';
        match (bytes.first(), bytes.last()) {
            (Some(first), Some(last)) => {
                edge(first) && edge(last) && bytes.iter().all(|b| edge(b) || *b == b'-')
            }
            _ => false,
        }
    };
    !search.is_empty() && search.len() <= 253 && search.split('.').all(part)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_domains() {
        assert!(is_search_domain("svc.cluster.local"));
        assert!(is_search_domain("svc.cluster.local."));
        assert!(is_search_domain("_sip._tcp.example.com"));
        assert!(is_search_domain("."));
        assert!(!is_search_domain("Example.com"));
        assert!(!is_search_domain("a..b"));
    }
}
