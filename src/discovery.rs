//! `--list-monitors`: the account's monitors that have a server agent, as
//! a table or as ready-to-paste Icinga 2 or Nagios definitions. Uses API v3,
//! the only one that lists monitors with their agent.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use crate::api::v3::{self, Monitor};
use crate::api::{self, Version};
use crate::failure::Failure;
use crate::fetch::{Client, Trust};

/// `--list-monitors`: what the discovery needs.
pub struct Listing {
    pub trust: Trust,
    pub base_url: String,
    pub token: String,
    pub format: Format,
    pub timeout: Duration,
    /// `-v` count: `-vv` logs each page's HTTP status, `-vvv` its URL.
    pub verbose: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Icinga2,
    Nagios,
}

/// A guard against an API that keeps pointing to a next page; 200 per
/// page, so this allows 100,000 monitors.
const MAX_PAGES: u64 = 500;

/// The services every listed server gets in the Nagios format; the host
/// check is the `hetrix-host` template's.
const NAGIOS_SERVICES: [&str; 3] = ["cpu", "ram", "disk"];

/// The listing's text, ending with a newline.
/// `log` gets the `-v` lines.
pub fn list(
    listing: &Listing,
    client: &Client,
    started: Instant,
    now: i64,
    log: &mut Vec<String>,
) -> Result<String, Failure> {
    let all = fetch_all(listing, client, started, now, log)?;
    let servers: Vec<&Monitor> = all.iter().filter(|m| m.has_agent).collect();
    if servers.is_empty() {
        return Err(Failure::new(format!(
            "none of the account's {} monitors has a server agent attached: install the HetrixTools agent and link it to a monitor",
            all.len()
        )));
    }
    Ok(match listing.format {
        Format::Table => table(&servers, all.len()),
        Format::Icinga2 => icinga2(&servers),
        Format::Nagios => nagios(&servers),
    })
}

fn fetch_all(
    listing: &Listing,
    client: &Client,
    started: Instant,
    now: i64,
    log: &mut Vec<String>,
) -> Result<Vec<Monitor>, Failure> {
    let auth = v3::authorization(&listing.token);
    let headers = [(auth.0, auth.1.as_str())];
    let mut monitors = Vec::new();
    let mut page = 1;
    loop {
        let url = v3::monitors_url(&listing.base_url, page);
        if listing.verbose >= 3 {
            log.push(format!("GET {url}"));
        }
        let response = api::get(
            client,
            Version::V3,
            &url,
            &listing.base_url,
            &headers,
            |_, _| {},
        )?;
        if listing.verbose >= 2 {
            log.push(response.verbose_line(started));
        }
        let parsed = v3::parse_monitors(&response, now)?;
        monitors.extend(parsed.monitors);
        match parsed.next {
            None => return Ok(monitors),
            Some(next) if next > page && next <= MAX_PAGES => page = next,
            Some(next) => {
                return Err(Failure::new(format!(
                    "the monitor list's page {page} names page {next} as the next one; stopping there (check --api-url)"
                )));
            }
        }
    }
}

fn table(servers: &[&Monitor], total: usize) -> String {
    let rows: Vec<[String; 3]> = servers
        .iter()
        .map(|m| [plain(&m.id), plain(&m.name), status(m)])
        .collect();
    let header = ["ID".to_string(), "NAME".to_string(), "STATUS".to_string()];
    let width = |column: usize| {
        std::iter::once(&header)
            .chain(&rows)
            .map(|row| row[column].chars().count())
            .max()
            .unwrap_or(0)
    };
    let (id_width, name_width) = (width(0), width(1));
    let mut out = String::new();
    for [id, name, status] in std::iter::once(header).chain(rows) {
        let line = format!("{id:<id_width$}  {name:<name_width$}  {status}");
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str(&format!(
        "{} of {total} monitors have a server agent.\n",
        servers.len()
    ));
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

fn icinga2(servers: &[&Monitor]) -> String {
    let mut out = format!(
        "// check_hetrix --list-monitors --format icinga2: {} servers with a HetrixTools agent.\n\
         // The template \"hetrix-host\" (installed with the CheckCommand \"hetrix\") sets the\n\
         // host check and reads the token from the file the constant HetrixTokenFile names;\n\
         // apply Service rules (README) add the checks to every host with vars.hetrix_monitor.\n",
        servers.len()
    );
    for (monitor, host) in servers.iter().zip(host_names(servers)) {
        out.push('\n');
        if let Some(maintenance) = monitor.maintenance() {
            out.push_str(&format!("// {maintenance} at HetrixTools\n"));
        }
        out.push_str(&format!("object Host \"{host}\" {{\n"));
        out.push_str("  import \"hetrix-host\"\n");
        out.push_str(&format!(
            "  display_name = \"{}\"\n",
            icinga_string(&monitor.name)
        ));
        if let Some(address) = address(monitor) {
            out.push_str(&format!("  address = \"{address}\"\n"));
        }
        out.push_str(&format!("  vars.hetrix_monitor = \"{}\"\n", monitor.id));
        if let (Some(status), Some(_)) = (&monitor.status, monitor.maintenance()) {
            out.push_str(&format!(
                "  vars.hetrix_maintenance = \"{}\"\n",
                icinga_string(status)
            ));
        }
        out.push_str("}\n");
    }
    out
}

fn nagios(servers: &[&Monitor]) -> String {
    let mut out = format!(
        "# check_hetrix --list-monitors --format nagios: {} servers with a HetrixTools agent.\n\
         # Uses the templates hetrix-host and hetrix-service and the commands of\n\
         # check_hetrix.cfg (installed with the package); the token file is $USER32$ in\n\
         # resource.cfg.\n",
        servers.len()
    );
    for (monitor, host) in servers.iter().zip(host_names(servers)) {
        out.push('\n');
        if let Some(maintenance) = monitor.maintenance() {
            out.push_str(&format!("# {maintenance} at HetrixTools\n"));
        }
        out.push_str(&format!(
            "define host {{\n  use                  hetrix-host\n  host_name            {host}\n  alias                {}\n  address              {}\n  _HETRIX_MONITOR      {}\n}}\n",
            nagios_value(&monitor.name),
            address(monitor).unwrap_or(&host),
            monitor.id
        ));
        for mode in NAGIOS_SERVICES {
            out.push_str(&format!(
                "define service {{\n  use                  hetrix-service\n  host_name            {host}\n  service_description  HetrixTools {mode}\n  check_command        check_hetrix!{mode}\n}}\n"
            ));
        }
    }
    out
}

/// The monitor's resolved address when it is a plain host name or IP
/// address, which both config languages take as it is.
fn address(monitor: &Monitor) -> Option<&str> {
    monitor.address.as_deref().filter(|address| {
        !address.is_empty()
            && address
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b':' | b'-'))
    })
}

/// Object names both Icinga 2 and Nagios accept: the monitor's name with
/// anything but letters, digits, `.`, `-` and `_` turned into `_`, made
/// unique with the monitor ID where two names collide.
fn host_names(servers: &[&Monitor]) -> Vec<String> {
    let mut seen = HashSet::new();
    servers
        .iter()
        .map(|monitor| {
            let safe: String = monitor
                .name
                .trim()
                .chars()
                .map(|c| match c {
                    c if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') => c,
                    _ => '_',
                })
                .collect();
            let mut name = match safe.trim_matches('_') {
                "" => format!("hetrix-{}", monitor.id),
                trimmed => trimmed.to_string(),
            };
            if !seen.insert(name.clone()) {
                name = format!("{name}-{}", monitor.id);
                seen.insert(name.clone());
            }
            name
        })
        .collect()
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

/// Nagios ends a value at a `;` (a comment) unless it is escaped.
fn nagios_value(text: &str) -> String {
    plain(text).replace(';', "\\;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn monitor(id: &str, name: &str) -> Monitor {
        Monitor {
            id: id.into(),
            name: name.into(),
            uptime: Some("up".into()),
            status: Some("active".into()),
            has_agent: true,
            address: Some("192.0.2.7".into()),
        }
    }

    #[test]
    fn host_names_are_safe_and_unique() {
        let a = monitor("a1", "web 1 \"prod\"");
        let b = monitor("b2", "web 1 \"prod\"");
        let c = monitor("c3", "!!!");
        assert_eq!(
            host_names(&[&a, &b, &c]),
            ["web_1__prod", "web_1__prod-b2", "hetrix-c3"]
        );
    }

    #[test]
    fn hostile_names_stay_inside_their_strings() {
        let m = monitor("a1", "x\"; }\nobject Host \"evil\" {;");
        let icinga = icinga2(&[&m]);
        assert!(icinga.contains("display_name = \"x\\\"; } object Host \\\"evil\\\" {;\""));
        assert_eq!(icinga.matches("object Host").count(), 2, "{icinga}");
        let nagios = nagios(&[&m]);
        assert!(nagios.contains("alias                x\"\\; } object Host \"evil\" {\\;\n"));
    }

    #[test]
    fn hosts_get_the_resolved_address_or_their_name() {
        let a = monitor("a1", "web1");
        let b = Monitor {
            address: Some("1.2.3.4\n}".into()),
            ..monitor("b2", "web2")
        };
        let nagios = nagios(&[&a, &b]);
        assert!(
            nagios.contains("  address              192.0.2.7\n"),
            "{nagios}"
        );
        assert!(nagios.contains("  address              web2\n"), "{nagios}");
        let icinga = icinga2(&[&a, &b]);
        assert!(icinga.contains("  address = \"192.0.2.7\"\n"), "{icinga}");
        assert_eq!(icinga.matches("address").count(), 1, "{icinga}");
    }
}
