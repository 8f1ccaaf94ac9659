//! `--list-monitors`: the account's uptime monitors (or, with
//! `--blacklists`, its blacklist monitors) as a table or as ready-to-paste
//! Icinga 2 or Nagios definitions: a host per monitor with the services
//! HetrixTools has data for. Uses API v3, the only one that lists them.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use crate::api::blacklist_monitors::{self, BlacklistMonitor};
use crate::api::v3::{self, Monitor};
use crate::api::{self, Version};
use crate::failure::Failure;
use crate::fetch::{Client, Response, Trust};

/// `--list-monitors`: what the discovery needs.
pub struct Listing {
    pub trust: Trust,
    pub base_url: String,
    pub token: String,
    pub format: Format,
    /// `--blacklists`: the blacklist monitors instead of the uptime ones.
    pub blacklists: bool,
    pub timeout: Duration,
    /// `-v` count: the API calls' `-v` lines (`api::send`), one set a page.
    pub verbose: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Icinga2,
    Nagios,
}

/// A guard against an API that keeps pointing to a next page: 200 uptime
/// or 1024 blacklist monitors a page, so at least 100,000 monitors.
const MAX_PAGES: u64 = 500;

/// The agent services every server gets in the Nagios format. In Icinga 2
/// the README's apply rules add them to hosts that import `hetrix-host`.
const NAGIOS_AGENT_SERVICES: [&str; 3] = ["cpu", "ram", "disk"];

/// Which listing a generated file holds, for its header.
struct Listed {
    /// The options that print it.
    options: &'static str,
    /// What it counts.
    noun: &'static str,
}

const UPTIME: Listed = Listed {
    options: "--list-monitors",
    noun: "uptime monitor",
};

const BLACKLISTS: Listed = Listed {
    options: "--list-monitors --blacklists",
    noun: "blacklist monitor",
};

/// The listing's text, ending with a newline.
/// `log` gets the `-v` lines.
pub fn list(
    listing: &Listing,
    client: &Client,
    started: Instant,
    now: i64,
    log: &mut Vec<String>,
) -> Result<String, Failure> {
    let mut pages = Pages {
        listing,
        client,
        verbose: api::Verbose {
            level: listing.verbose,
            started,
            now,
        },
        log,
    };
    let base = &listing.base_url;
    if listing.blacklists {
        let all = pages.all(
            "blacklist monitors",
            |page| blacklist_monitors::url(base, page),
            |response| blacklist_monitors::parse(response, now).map(|p| (p.monitors, p.next)),
        )?;
        return Ok(match listing.format {
            Format::Table => blacklist_table(&all),
            Format::Icinga2 => icinga2(&blacklist_hosts(&all), &BLACKLISTS),
            Format::Nagios => nagios(&blacklist_hosts(&all), &BLACKLISTS),
        });
    }
    let all = pages.all(
        "uptime monitors",
        |page| v3::monitors_url(base, page),
        |response| v3::parse_monitors(response, now).map(|p| (p.monitors, p.next)),
    )?;
    Ok(match listing.format {
        Format::Table => uptime_table(&all),
        Format::Icinga2 => icinga2(&uptime_hosts(&all), &UPTIME),
        Format::Nagios => nagios(&uptime_hosts(&all), &UPTIME),
    })
}

/// What reading a paged list needs, and where its `-v` lines go.
struct Pages<'a> {
    listing: &'a Listing,
    client: &'a Client,
    verbose: api::Verbose,
    log: &'a mut Vec<String>,
}

impl Pages<'_> {
    /// Every page of a list of `what`, following `next` from page 1; an
    /// empty list is a failure, most often a key whose scope hides them.
    fn all<T>(
        &mut self,
        what: &str,
        url: impl Fn(u64) -> String,
        parse: impl Fn(&Response) -> Result<(Vec<T>, Option<u64>), Failure>,
    ) -> Result<Vec<T>, Failure> {
        let listing = self.listing;
        let auth = v3::authorization(&listing.token);
        let headers = [(auth.0, auth.1.as_str())];
        let mut items = Vec::new();
        let mut page = 1;
        loop {
            let get = api::Get {
                api: Version::V3,
                url: &url(page),
                base_url: &listing.base_url,
                headers: &headers,
            };
            let response = api::send(self.client, &get, self.verbose, self.log)?;
            let (found, next) = parse(&response)?;
            items.extend(found);
            match next {
                None if items.is_empty() => {
                    return Err(Failure::new(format!(
                        "the account has no {what} that this API key may see"
                    )));
                }
                None => return Ok(items),
                Some(next) if next > page && next <= MAX_PAGES => page = next,
                Some(next) => {
                    return Err(Failure::new(format!(
                        "the monitor list's page {page} names page {next} as the next one, so the listing stops there (check --api-url)"
                    )));
                }
            }
        }
    }
}

fn uptime_table(monitors: &[Monitor]) -> String {
    let rows = monitors.iter().map(|m| {
        vec![
            plain(&m.id),
            plain(&m.name),
            m.kind.as_deref().map_or("?".to_string(), plain),
            if m.has_agent { "yes" } else { "no" }.to_string(),
            status(m),
        ]
    });
    let agents = monitors.iter().filter(|m| m.has_agent).count();
    table(&["ID", "NAME", "TYPE", "AGENT", "STATUS"], rows)
        + &format!(
            "{}, {agents} with a server agent.\n",
            counted(monitors.len(), "monitor")
        )
}

fn blacklist_table(monitors: &[BlacklistMonitor]) -> String {
    let text = |field: &Option<String>| field.as_deref().map_or("?".to_string(), plain);
    let rows = monitors.iter().map(|m| {
        vec![
            plain(&m.id),
            plain(&m.name),
            text(&m.kind),
            text(&m.target),
            text(&m.status),
        ]
    });
    table(&["ID", "NAME", "TYPE", "TARGET", "STATUS"], rows)
        + &format!("{}.\n", counted(monitors.len(), BLACKLISTS.noun))
}

/// Columns padded to their widest cell, the last one as it is.
fn table(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let rows: Vec<Vec<String>> = std::iter::once(header).chain(rows).collect();
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|column| {
            rows.iter()
                .map(|row| row[column].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (cell, width) in row.iter().zip(&widths) {
            line.push_str(&format!("{cell:<width$}  "));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `up, active`, with maintenance spelled out.
fn status(monitor: &Monitor) -> String {
    let mut text = format!(
        "{}, {}",
        monitor.uptime.as_deref().map_or("?".to_string(), plain),
        monitor.status.as_deref().map_or("?".to_string(), plain)
    );
    if let Some(maintenance) = monitor.maintenance() {
        text.push_str(&format!(" (MAINTENANCE: {maintenance})"));
    }
    text
}

/// One host of the icinga2 and nagios formats, whatever it was made from.
struct Host {
    /// The object name: unique, and safe in both config languages.
    name: String,
    /// The monitor's own name, for `display_name` / `alias`.
    display: String,
    address: Option<String>,
    /// The monitor (or blacklist monitor) ID the checks take as `-i`.
    monitor: String,
    /// The shipped host template: `hetrix-host` (a server agent, checked by
    /// its freshness), `hetrix-uptime-host` (HetrixTools' own up/down) or
    /// `hetrix-blacklist-host`.
    template: &'static str,
    /// `website`, `ping`, ... when it is a plain word.
    kind: Option<String>,
    /// Why HetrixTools does not alert on it now (maintenance, disabled).
    note: Option<String>,
    /// `maint` / `maint_dnd`, for `vars.hetrix_maintenance`.
    maintenance: Option<String>,
    /// Modes of the services both formats write.
    services: Vec<&'static str>,
    has_agent: bool,
}

impl Host {
    /// A blank name would leave `alias` without a value, which Nagios refuses.
    fn display_or_name(&self) -> &str {
        match self.display.trim() {
            "" => &self.name,
            display => display,
        }
    }
}

fn uptime_hosts(monitors: &[Monitor]) -> Vec<Host> {
    let names = host_names(
        monitors.iter().map(|m| (m.name.as_str(), m.id.as_str())),
        "",
    );
    monitors
        .iter()
        .zip(names)
        .map(|(m, name)| {
            let mut services = vec!["status"];
            if m.tracks_ssl {
                services.push("ssl");
            }
            if m.tracks_domain {
                services.push("domain");
            }
            Host {
                name,
                display: plain(&m.name),
                address: m
                    .target
                    .as_deref()
                    .and_then(target_host)
                    .or(m.address.as_deref().filter(|a| is_plain_address(a)))
                    .map(str::to_string),
                monitor: m.id.clone(),
                template: match m.has_agent {
                    true => "hetrix-host",
                    false => "hetrix-uptime-host",
                },
                kind: m.kind.as_deref().and_then(word),
                note: m.maintenance().map(|what| format!("{what} at HetrixTools")),
                maintenance: m.maintenance().and(m.status.as_deref()).map(str::to_string),
                services,
                has_agent: m.has_agent,
            }
        })
        .collect()
}

fn blacklist_hosts(monitors: &[BlacklistMonitor]) -> Vec<Host> {
    let named = monitors.iter().map(|m| {
        let name = match m.name.trim() {
            "" => m.target.as_deref().unwrap_or_default(),
            name => name,
        };
        (name, m.id.as_str())
    });
    monitors
        .iter()
        .zip(host_names(named, "blacklist-"))
        .map(|(m, name)| Host {
            name,
            display: plain(m.name.trim())
                + &m.target
                    .as_deref()
                    .map(|t| format!(" ({})", plain(t)))
                    .unwrap_or_default(),
            address: m
                .target
                .as_deref()
                .filter(|t| is_plain_address(t))
                .map(str::to_string),
            monitor: m.id.clone(),
            template: "hetrix-blacklist-host",
            kind: m.kind.as_deref().and_then(word),
            note: m
                .status
                .as_deref()
                .filter(|s| *s != "active")
                .map(|s| format!("{} at HetrixTools", plain(s))),
            maintenance: None,
            services: vec!["blacklist"],
            has_agent: false,
        })
        .collect()
}

fn icinga2(hosts: &[Host], listed: &Listed) -> String {
    let mut out = format!(
        "// check_hetrix {} --format icinga2: {}.\n\
         // The templates hetrix-host (servers with an agent), hetrix-uptime-host and\n\
         // hetrix-blacklist-host (installed with the CheckCommand \"hetrix\") set the\n\
         // host check and read the token from the file the constant HetrixTokenFile\n\
         // names. The services of each monitor follow its host; the README's apply\n\
         // rules add the agent checks to hosts that import hetrix-host.\n",
        listed.options,
        counted(hosts.len(), listed.noun)
    );
    for host in hosts {
        let name = &host.name;
        let display = host.display_or_name();
        out.push('\n');
        if let Some(note) = &host.note {
            out.push_str(&format!("// {note}\n"));
        }
        out.push_str(&format!("object Host \"{name}\" {{\n"));
        out.push_str(&format!("  import \"{}\"\n", host.template));
        out.push_str(&format!(
            "  display_name = \"{}\"\n",
            icinga_string(display)
        ));
        if let Some(address) = &host.address {
            out.push_str(&format!("  address = \"{address}\"\n"));
        }
        out.push_str(&format!("  vars.hetrix_monitor = \"{}\"\n", host.monitor));
        if let Some(kind) = &host.kind {
            out.push_str(&format!("  vars.hetrix_type = \"{kind}\"\n"));
        }
        if let Some(maintenance) = &host.maintenance {
            out.push_str(&format!(
                "  vars.hetrix_maintenance = \"{}\"\n",
                icinga_string(maintenance)
            ));
        }
        out.push_str("}\n");
        for mode in &host.services {
            out.push_str(&format!(
                "object Service \"hetrix-{mode}\" {{\n  host_name = \"{name}\"\n  check_command = \"hetrix\"\n  vars.hetrix_mode = \"{mode}\"\n}}\n"
            ));
        }
    }
    out
}

fn nagios(hosts: &[Host], listed: &Listed) -> String {
    let mut out = format!(
        "# check_hetrix {} --format nagios: {}.\n\
         # Uses the templates hetrix-host, hetrix-uptime-host, hetrix-blacklist-host and\n\
         # hetrix-service and the commands of check_hetrix.cfg (installed with the\n\
         # package); the token file is $USER32$ in resource.cfg.\n",
        listed.options,
        counted(hosts.len(), listed.noun)
    );
    for host in hosts {
        let name = &host.name;
        let display = host.display_or_name();
        out.push('\n');
        if let Some(note) = &host.note {
            out.push_str(&format!("# {note}\n"));
        }
        out.push_str(&format!(
            "define host {{\n  use                  {}\n  host_name            {name}\n  alias                {}\n  address              {}\n  _HETRIX_MONITOR      {}\n",
            host.template,
            nagios_value(display),
            host.address.as_deref().unwrap_or(name),
            host.monitor
        ));
        if let Some(kind) = &host.kind {
            out.push_str(&format!("  _HETRIX_TYPE         {kind}\n"));
        }
        out.push_str("}\n");
        let agent = match host.has_agent {
            true => &NAGIOS_AGENT_SERVICES[..],
            false => &[],
        };
        for mode in agent.iter().chain(&host.services) {
            out.push_str(&format!(
                "define service {{\n  use                  hetrix-service\n  host_name            {name}\n  service_description  HetrixTools {mode}\n  check_command        check_hetrix!{mode}\n}}\n"
            ));
        }
    }
    out
}

/// A host name or IP address both config languages take as it is.
fn is_plain_address(address: &str) -> bool {
    !address.is_empty()
        && address.len() <= 253
        && address
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b':' | b'-'))
}

/// The host a monitor's target names: `https://user@www.example.com:8443/x`
/// → `www.example.com`, `[2001:db8::1]:25` → `2001:db8::1`, a bare host or
/// IP as it is; `None` when what is left is not a plain host.
fn target_host(target: &str) -> Option<&str> {
    let rest = target.trim();
    let rest = rest.split_once("://").map_or(rest, |(_, rest)| rest);
    let rest = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    let host = match rest.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        // One colon is a port; more are an IPv6 address.
        None if rest.matches(':').count() == 1 => rest.split(':').next().unwrap_or_default(),
        None => rest,
    };
    Some(host).filter(|h| is_plain_address(h))
}

/// A type as the API names it (`website`), if it is a short plain word.
fn word(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()
        && text.len() <= 32
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
    .then(|| text.to_ascii_lowercase())
}

/// Object names both Icinga 2 and Nagios accept: `prefix` and the name
/// with anything but letters, digits, `.`, `-` and `_` turned into `_`,
/// made unique with the ID where two names collide.
fn host_names<'a>(named: impl Iterator<Item = (&'a str, &'a str)>, prefix: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    named
        .map(|(name, id)| {
            let safe: String = name
                .trim()
                .chars()
                .map(|c| match c {
                    c if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') => c,
                    _ => '_',
                })
                .collect();
            let mut name = match safe.trim_matches('_') {
                "" if prefix.is_empty() => format!("hetrix-{id}"),
                "" => format!("{prefix}{id}"),
                trimmed => format!("{prefix}{trimmed}"),
            };
            if !seen.insert(name.clone()) {
                name = format!("{name}-{id}");
                seen.insert(name.clone());
            }
            name
        })
        .collect()
}

/// `1 monitor`, `2 monitors`.
fn counted(n: usize, what: &str) -> String {
    match n {
        1 => format!("1 {what}"),
        n => format!("{n} {what}s"),
    }
}

/// Text from the API on one line: control characters become spaces.
fn plain(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn icinga_string(text: &str) -> String {
    plain(text).replace('\\', "\\\\").replace('"', "\\\"")
}

/// Nagios ends a value at a `;` (a comment) unless it is escaped, and
/// joins a line that ends with a backslash to the next one: backslashes
/// become `/`.
fn nagios_value(text: &str) -> String {
    plain(text).replace('\\', "/").replace(';', "\\;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn monitor(id: &str, name: &str) -> Monitor {
        Monitor {
            id: id.into(),
            name: name.into(),
            uptime: Some("up".into()),
            status: Some("active".into()),
            has_agent: true,
            address: Some("192.0.2.7".into()),
            kind: Some("heartbeat".into()),
            target: None,
            tracks_ssl: false,
            tracks_domain: false,
        }
    }

    fn website(id: &str, name: &str, target: &str) -> Monitor {
        Monitor {
            has_agent: false,
            kind: Some("website".into()),
            target: Some(target.into()),
            tracks_ssl: true,
            tracks_domain: true,
            ..monitor(id, name)
        }
    }

    #[test]
    fn counts_agree_with_their_noun() {
        assert_eq!(counted(1, "monitor"), "1 monitor");
        assert_eq!(counted(0, "blacklist monitor"), "0 blacklist monitors");
        let one = uptime_table(&[monitor("a1", "web")]);
        assert!(
            one.ends_with("\n1 monitor, 1 with a server agent.\n"),
            "{one}"
        );
    }

    #[test]
    fn host_names_are_safe_and_unique() {
        let named = [
            ("web 1 \"prod\"", "a1"),
            ("web 1 \"prod\"", "b2"),
            ("!!!", "c3"),
        ];
        assert_eq!(
            host_names(named.into_iter(), ""),
            ["web_1__prod", "web_1__prod-b2", "hetrix-c3"]
        );
        assert_eq!(
            host_names([("mail", "x1"), ("", "y2")].into_iter(), "blacklist-"),
            ["blacklist-mail", "blacklist-y2"]
        );
    }

    #[test]
    fn hostile_names_stay_inside_their_strings() {
        let m = monitor("a1", "x\"; }\nobject Host \"evil\" {; $USER1$ \\");
        let hosts = uptime_hosts(&[m]);
        let icinga = icinga2(&hosts, &UPTIME);
        assert!(
            icinga
                .contains("display_name = \"x\\\"; } object Host \\\"evil\\\" {; $USER1$ \\\\\"\n"),
            "{icinga}"
        );
        assert_eq!(icinga.matches("object Host").count(), 2, "{icinga}");
        let nagios = nagios(&hosts, &UPTIME);
        assert!(
            nagios.contains("alias                x\"\\; } object Host \"evil\" {\\; $USER1$ /\n"),
            "{nagios}"
        );
    }

    #[rstest]
    #[case("https://www.example.com/shop?x=1", Some("www.example.com"))]
    #[case("http://user:pw@example.com:8080", Some("example.com"))]
    #[case("192.0.2.5", Some("192.0.2.5"))]
    #[case("mail.example.com:25", Some("mail.example.com"))]
    #[case("[2001:db8::1]:443", Some("2001:db8::1"))]
    #[case("2001:db8::1", Some("2001:db8::1"))]
    #[case("https://ex\"ample.com/", None)]
    #[case("https://exa mple.com/", None)]
    #[case("", None)]
    fn a_target_names_its_host(#[case] target: &str, #[case] host: Option<&str>) {
        assert_eq!(target_host(target), host);
    }

    #[test]
    fn hosts_get_the_target_host_or_the_resolved_address_or_their_name() {
        let a = monitor("a1", "web1");
        let b = Monitor {
            address: Some("1.2.3.4\n}".into()),
            ..monitor("b2", "web2")
        };
        let c = website("c3", "shop", "https://shop.example.com/health");
        let hosts = uptime_hosts(&[a, b, c]);
        let nagios = nagios(&hosts, &UPTIME);
        assert!(
            nagios.contains("  address              192.0.2.7\n"),
            "{nagios}"
        );
        assert!(nagios.contains("  address              web2\n"), "{nagios}");
        assert!(
            nagios.contains("  address              shop.example.com\n"),
            "{nagios}"
        );
        let icinga = icinga2(&hosts, &UPTIME);
        assert!(icinga.contains("  address = \"192.0.2.7\"\n"), "{icinga}");
        assert!(
            icinga.contains("  address = \"shop.example.com\"\n"),
            "{icinga}"
        );
        assert_eq!(icinga.matches("address").count(), 2, "{icinga}");
    }

    #[test]
    fn services_follow_what_hetrixtools_tracks() {
        let ping = Monitor {
            has_agent: false,
            kind: Some("ping".into()),
            ..monitor("p1", "router")
        };
        let hosts = uptime_hosts(&[
            monitor("a1", "server"),
            website("w1", "site", "https://example.com"),
            ping,
        ]);
        let modes: Vec<(&str, &str, Vec<&str>)> = hosts
            .iter()
            .map(|h| (h.name.as_str(), h.template, h.services.clone()))
            .collect();
        assert_eq!(
            modes,
            [
                ("server", "hetrix-host", vec!["status"]),
                (
                    "site",
                    "hetrix-uptime-host",
                    vec!["status", "ssl", "domain"]
                ),
                ("router", "hetrix-uptime-host", vec!["status"]),
            ]
        );
        let nagios = nagios(&hosts, &UPTIME);
        let described: Vec<&str> = nagios
            .lines()
            .filter_map(|l| l.strip_prefix("  service_description  HetrixTools "))
            .collect();
        assert_eq!(
            described,
            [
                "cpu", "ram", "disk", "status", "status", "ssl", "domain", "status"
            ]
        );
        let icinga = icinga2(&hosts, &UPTIME);
        assert_eq!(icinga.matches("object Service \"hetrix-").count(), 5);
        assert!(!icinga.contains("\"hetrix-cpu\""), "{icinga}");
    }

    #[test]
    fn blacklist_hosts_check_by_id_and_keep_odd_targets_out_of_the_address() {
        let monitors = [
            BlacklistMonitor {
                id: "b1".into(),
                name: "mail".into(),
                kind: Some("ipv4".into()),
                target: Some("192.0.2.25".into()),
                status: Some("active".into()),
            },
            BlacklistMonitor {
                id: "b2".into(),
                name: " ".into(),
                kind: Some("odd type!".into()),
                target: Some("example.com\n}".into()),
                status: Some("disabled".into()),
            },
        ];
        let icinga = icinga2(&blacklist_hosts(&monitors), &BLACKLISTS);
        assert!(
            icinga.contains(
                "object Host \"blacklist-mail\" {\n  import \"hetrix-blacklist-host\"\n  \
                 display_name = \"mail (192.0.2.25)\"\n  address = \"192.0.2.25\"\n  \
                 vars.hetrix_monitor = \"b1\"\n  vars.hetrix_type = \"ipv4\"\n}\n\
                 object Service \"hetrix-blacklist\" {\n  host_name = \"blacklist-mail\"\n"
            ),
            "{icinga}"
        );
        assert!(
            icinga.contains("// disabled at HetrixTools\nobject Host \"blacklist-example.com\" {\n  import \"hetrix-blacklist-host\"\n  display_name = \"(example.com })\"\n  vars.hetrix_monitor = \"b2\"\n}\n"),
            "{icinga}"
        );
        let table = blacklist_table(&monitors);
        assert!(
            table.starts_with("ID  NAME  TYPE       TARGET         STATUS\n"),
            "{table}"
        );
        assert!(table.ends_with("2 blacklist monitors.\n"), "{table}");
    }
}
