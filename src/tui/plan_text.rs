//! A plan as the operator reads it: its requests line by line (the group, the method and path,
//! the participants), what is held back or skipped, and its counts. The preview and the submit
//! confirm show the same lines.

use std::collections::HashSet;

use crate::domain::plan::Plan;
use crate::domain::text::sanitize;

use super::text::{Line, Tone};

/// The lines of a plan, request by request, as preview and confirm show them.
pub fn plan_lines(plan: &Plan, api_version: &str, label: impl Fn(&str) -> String) -> Vec<Line> {
    let mut lines = Vec::new();
    for r in &plan.requests {
        lines.push(Line::new(
            Tone::Info,
            format!("{}: {} {}", label(r.group_id()), r.kind, r.ops.len()),
        ));
        // Method and path from the same code the client sends with: what is shown is what
        // would be sent, and an id the client would refuse is shown refused.
        lines.push(
            match crate::engine::preview::request_of(r).endpoint(api_version, "") {
                Ok(endpoint) => Line::new(
                    Tone::Plain,
                    format!("  {} {}", endpoint.method.as_str(), endpoint.path()),
                ),
                Err(e) => Line::new(Tone::Warn, format!("  refused: {e}")),
            },
        );
        let people: Vec<String> = r.participants().map(|p| p.label()).collect();
        lines.push(Line::new(Tone::Plain, format!("  {}", people.join(" "))));
    }
    if !plan.held.is_empty() {
        lines.push(Line::new(
            Tone::Warn,
            format!("held back (stay pending): {}", plan.held.len()),
        ));
        for (op, reason) in &plan.held {
            lines.push(Line::new(
                Tone::Warn,
                format!("    {op}: {}", sanitize(reason)),
            ));
        }
    }
    if !plan.skipped.is_empty() {
        lines.push(Line::new(
            Tone::Dim,
            format!("nothing to do (marked skipped): {}", plan.skipped.len()),
        ));
        for (op, reason) in &plan.skipped {
            lines.push(Line::new(
                Tone::Dim,
                format!("    {op}: {}", sanitize(reason)),
            ));
        }
    }
    lines
}

/// Requests, participants and groups of a plan.
pub fn plan_counts(plan: &Plan) -> (usize, usize, usize) {
    let participants = plan.requests.iter().map(|r| r.ops.len()).sum();
    let groups: HashSet<&str> = plan.requests.iter().map(|r| r.group_id()).collect();
    (plan.requests.len(), participants, groups.len())
}
