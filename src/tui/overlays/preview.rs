//! The preview: every pending change as the requests a submit would send, counted, in a text
//! popup; nothing is sent.

use crate::domain::plan::Plan;
use crate::present::{plan_counts, plan_lines};
use crate::tui::model::Mirror;
use crate::tui::text::{Line, Tone};

use super::TextPopup;

/// The preview popup of `plan`, its paths in `api_version`.
pub fn preview(plan: &Plan, mirror: &Mirror, api_version: &str) -> TextPopup {
    // A plan holds group calls only: no path needs the account's phone number id.
    let counts = plan_counts(plan, api_version, "");
    let (requests, participants, groups) = (counts.requests, counts.participants, counts.groups);
    let mut lines = vec![Line::new(
        Tone::Plain,
        format!(
            "{requests} request(s), {participants} participant(s), {groups} group(s); {} held, {} skipped",
            plan.held.len(),
            plan.skipped.len()
        ),
    )];
    if plan.operation_count() == 0 {
        lines.push(Line::new(Tone::Dim, "nothing pending"));
    }
    lines.extend(plan_lines(plan, api_version, "", |g| mirror.label(g)));
    TextPopup::new("Preview: every pending change (nothing is sent)", lines)
}
