//! `var:<name>`: a custom variable the agent reports (a number from the
//! user's own script) against `-w/-c`. API v3 only.

use super::{Apis, Argument, Context, Mode, Outcome, first_line_words, select};
use crate::failure::Failure;
use crate::output::{Perfdata, Unit};

pub const MODE: Mode = Mode {
    name: "var",
    argument: Argument::Required("name"),
    label: "VAR",
    api: Apis::V3Only,
    check,
    ..Mode::DEFAULT
};

fn check(ctx: &Context) -> Result<Outcome, Failure> {
    let variables = &ctx.snapshot.variables;
    if variables.is_empty() {
        return Err(Failure::new(
            "no custom variables reported by the agent: set them up on the agent (see HetrixTools' agent documentation)",
        ));
    }
    let name = ctx.argument.unwrap_or_default();
    let variable = select(variables, ctx.argument, "custom variable", |v| {
        v.name.clone()
    })?[0];
    let value = variable
        .value
        .ok_or_else(|| Failure::new(format!("custom variable '{name}' has no numeric value")))?;
    let summary = format!(
        "{} = {}",
        first_line_words(name),
        ctx.thresholds.shown(value)
    );
    Ok(ctx
        .thresholds
        .judge(Perfdata::new(name, value, Unit::None))
        .outcome(summary))
}
