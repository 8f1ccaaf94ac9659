//! check_hetrix(1) is generated from `--help`, so the manual cannot drift
//! from the binary: this test renders packaging/check_hetrix.1.in with the
//! current help text and fails when the committed page differs. After a
//! change to the options or modes, regenerate it with
//!     UPDATE_MANPAGE=1 cargo test --test it manpage::

use std::path::Path;
use std::process::Command;

const TEMPLATE: &str = "packaging/check_hetrix.1.in";
const PAGE: &str = "packaging/check_hetrix.1";

fn help() -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_check_hetrix"))
        .arg("--help")
        .output()
        .expect("run check_hetrix --help");
    assert!(output.status.success(), "--help should exit 0");
    String::from_utf8(output.stdout).expect("help is UTF-8")
}

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Escapes text for roff: hyphens are minus signs (options must be
/// copy-pasteable), backslashes are literal, and a line must not start
/// with a control character.
fn roff(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

/// Blank-line separated blocks of the help text.
fn blocks(help: &str) -> Vec<Vec<&str>> {
    let mut blocks = vec![Vec::new()];
    for line in help.lines() {
        if line.trim().is_empty() {
            blocks.push(Vec::new());
        } else {
            blocks.last_mut().unwrap().push(line);
        }
    }
    blocks.retain(|b| !b.is_empty());
    blocks
}

/// The entries of an indented list: `  name   text` with continuation
/// lines indented further.
fn entries<'a>(lines: &[&'a str]) -> Vec<(&'a str, String)> {
    let mut entries: Vec<(&str, String)> = Vec::new();
    for line in lines {
        let body = line.trim_start();
        let indent = line.len() - body.len();
        match (indent > 2, entries.last_mut()) {
            (true, Some((_, text))) => {
                // A long name stands alone; its text starts on the next line.
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(body);
            }
            _ => {
                // A long name has its text on the next lines.
                let (name, text) = body.split_once("  ").unwrap_or((body, ""));
                entries.push((name, text.trim().to_string()));
            }
        }
    }
    for (_, text) in &mut entries {
        *text = text.trim().to_string();
    }
    entries
}

/// `-w, --warning=RANGE` → the flags in bold, the value name in italics.
fn bold_flags(flags: &str) -> String {
    let (names, value) = match flags.split_once('=') {
        Some((names, value)) => (names, format!("=\\fI{}\\fR", roff(value))),
        None => (flags, String::new()),
    };
    let names: Vec<String> = names
        .split(", ")
        .map(|flag| format!("\\fB{}\\fR", roff(flag)))
        .collect();
    format!("{}{value}", names.join(", "))
}

/// A list block's heading and whether it lists options (`-x` entries).
fn is_option_list(block: &[&str]) -> bool {
    block
        .get(1)
        .is_some_and(|line| line.trim_start().starts_with('-'))
}

/// The sections made from the help text: SYNOPSIS, DESCRIPTION, OPTIONS
/// (a subsection per group), one section per other list (e.g. MODES), and
/// NOTES for the rest.
fn sections(help: &str) -> String {
    let blocks = blocks(help);
    let mut out = String::new();
    out.push_str(".SH SYNOPSIS\n");
    for (index, line) in blocks[0].iter().enumerate() {
        let line = line.trim_start().trim_start_matches("Usage:").trim_start();
        let arguments = line
            .strip_prefix("check_hetrix")
            .expect("usage lines start with the program");
        if index > 0 {
            out.push_str(".br\n");
        }
        out.push_str(&format!(".B check_hetrix\n{}\n", roff(arguments.trim())));
    }
    out.push_str(".SH DESCRIPTION\n");
    out.push_str(&roff(&blocks[1].join(" ")));
    out.push('\n');
    let mut notes = Vec::new();
    let mut options_started = false;
    for block in &blocks[2..] {
        let heading = block[0];
        let is_list = heading.ends_with(':') && block[1..].iter().all(|l| l.starts_with("  "));
        if !is_list {
            notes.push(block);
            continue;
        }
        let title = heading.trim_end_matches(':');
        let options = is_option_list(block);
        if options && !options_started {
            out.push_str(".SH OPTIONS\n");
            options_started = true;
        }
        if options {
            out.push_str(&format!(".SS {}\n", roff(title)));
        } else {
            let name = title.split(" (").next().unwrap().to_uppercase();
            out.push_str(&format!(".SH {name}\n{}:\n", roff(title)));
        }
        for (item, text) in entries(&block[1..]) {
            let label = if options {
                bold_flags(item)
            } else {
                format!("\\fB{}\\fR", roff(item))
            };
            out.push_str(&format!(".TP\n{label}\n{}\n", roff(&text)));
        }
    }
    if !notes.is_empty() {
        out.push_str(".SH NOTES\n");
        for block in notes {
            for line in block.iter() {
                match line.strip_prefix("Example: ") {
                    Some(example) => out.push_str(&format!(
                        ".PP\nExample:\n.RS\n.nf\n{}\n.fi\n.RE\n",
                        roff(example)
                    )),
                    None => out.push_str(&format!("{}\n", roff(line))),
                }
            }
        }
    }
    out
}

fn render(help: &str) -> String {
    read(TEMPLATE)
        .replace("@VERSION@", env!("CARGO_PKG_VERSION"))
        .replace("@FROM_HELP@\n", &sections(help))
}

#[test]
fn man_page_matches_help() {
    let expected = render(&help());
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(PAGE);
    if std::env::var_os("UPDATE_MANPAGE").is_some() {
        std::fs::write(&path, &expected).expect("write the man page");
        return;
    }
    let committed = read(PAGE);
    assert!(
        committed == expected,
        "{PAGE} is out of date with --help; regenerate it with \
         `UPDATE_MANPAGE=1 cargo test --test it manpage::` and commit it"
    );
}

#[test]
fn man_page_documents_every_option_and_mode() {
    let help = help();
    let page = render(&help);
    let listed: Vec<(&str, String)> = blocks(&help)
        .iter()
        .filter(|b| is_option_list(b))
        .flat_map(|b| entries(&b[1..]))
        .collect();
    assert!(listed.len() >= 10, "parsed only {} options", listed.len());
    for (flags, text) in listed {
        assert!(!text.is_empty(), "{flags} lost its description");
        for flag in flags.split('=').next().unwrap().split(", ") {
            assert!(
                page.contains(&format!("\\fB{}\\fR", roff(flag))),
                "the man page lacks {flag}"
            );
        }
    }
    for mode in ["cpu", "disk[:<mount>]", "service:<name>", "freshness"] {
        assert!(page.contains(&format!("\\fB{}\\fR", roff(mode))), "{mode}");
    }
    assert!(page.contains("\\fB\\-\\-token\\-file\\fR=\\fIPATH\\fR"));
    assert!(page.contains("\\fB\\-w\\fR, \\fB\\-\\-warning\\fR=\\fIRANGE\\fR"));
}

#[test]
fn roff_escapes_control_characters() {
    assert_eq!(roff(".x -y \\z"), "\\&.x \\-y \\ez");
    assert_eq!(roff("'quoted"), "\\&'quoted");
}
