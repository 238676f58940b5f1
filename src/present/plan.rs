//! A plan as the operator reads it: each request (the group, the method and path the client
//! sends to, the participants), what is held back or has nothing to do, and its counts. The
//! dry run, the app's preview and the submit confirm say the same.

use std::collections::HashSet;

use super::{Line, Tone};
use crate::domain::plan::{Leftover, Plan, PlannedRequest};
use crate::domain::text::sanitize;
use crate::domain::{OpSpec, OperationKind};
use crate::engine::preview::request_of;

/// Requests, participants, groups and requests refused (an id that is not a group id) of a
/// plan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlanCounts {
    pub requests: usize,
    pub participants: usize,
    pub groups: usize,
    pub refused: usize,
}

/// What a plan would send.
pub fn plan_counts(plan: &Plan, api_version: &str, phone_number_id: &str) -> PlanCounts {
    let groups: HashSet<&str> = plan.requests.iter().map(|r| r.group_id()).collect();
    PlanCounts {
        requests: plan.requests.len(),
        participants: plan.requests.iter().map(|r| r.ops.len()).sum(),
        groups: groups.len(),
        refused: plan
            .requests
            .iter()
            .filter(|r| {
                request_of(r)
                    .endpoint(api_version, phone_number_id)
                    .is_err()
            })
            .count(),
    }
}

/// One request as one line: `POST   /v23.0/<group>/participants  +1…, +44…`, or why it is
/// refused. Method, path and the refusal come from the code the client sends with.
pub fn request_line(r: &PlannedRequest, api_version: &str, phone_number_id: &str) -> Line {
    // Participants as people are shown; the other kinds by what they change
    // (`create "Cohort A"`, `approve US.13491208655302741918 @nora_b7`).
    let people: Vec<String> = if r.kind.is_participant_change() {
        r.participants().map(|p| p.label()).collect()
    } else {
        r.ops.iter().map(|op| op.spec.describe()).collect()
    };
    match request_of(r).endpoint(api_version, phone_number_id) {
        Ok(endpoint) => Line::new(
            Tone::Plain,
            format!(
                "{:<6} {}  {}",
                endpoint.method.as_str(),
                sanitize(&endpoint.path()),
                people.join(", ")
            ),
        ),
        Err(e) => Line::new(
            Tone::Warn,
            format!(
                "refused  {}: {}",
                people.join(", "),
                sanitize(&e.to_string())
            ),
        ),
    }
}

/// The lines of a plan: per request its group (`label` names it) and kind, then its request
/// line; then what is held back and what has nothing to do, each with its reason.
pub fn plan_lines(
    plan: &Plan,
    api_version: &str,
    phone_number_id: &str,
    label: impl Fn(&str) -> String,
) -> Vec<Line> {
    let mut lines = Vec::new();
    for r in &plan.requests {
        // A create has no group yet: it is named by the subject it asks for.
        let group = match (&r.group, r.ops.first().map(|op| &op.spec)) {
            (Some(g), _) => label(g),
            (None, Some(OpSpec::Create { new, .. })) => {
                format!("new group \"{}\"", sanitize(&new.subject))
            }
            (None, _) => "new group".to_owned(),
        };
        lines.push(Line::new(
            Tone::Info,
            format!("{group}: {} {}", super::kind_words(r.kind), r.ops.len()),
        ));
        let mut request = request_line(r, api_version, phone_number_id);
        request.text.insert_str(0, "  ");
        lines.push(request);
    }
    lines.extend(leftover_lines(plan, label));
    lines
}

/// One change as a sentence: `add +1212… to Book Club`, `remove US.1349… @nora_b7 from Book
/// Club`; a subject change as a rename (`rename Book Club to "Readers"`); the other kinds by
/// what they change, then the group (`description "…" in Book Club`), a create alone
/// (`create "Spring cohort"`).
pub fn change_text(spec: &OpSpec, label: impl Fn(&str) -> String) -> String {
    match spec.group() {
        None => spec.describe(),
        Some(group) if spec.kind() == OperationKind::Subject => {
            super::change_phrase(spec.kind(), &spec.detail(), "in", &label(group))
        }
        Some(group) => {
            let to = match spec.kind() {
                OperationKind::Add => "to",
                OperationKind::Remove => "from",
                _ => "in",
            };
            format!("{} {to} {}", spec.describe(), label(group))
        }
    }
}

/// What a plan fails unsent (its group is gone), holds back and has nothing to do: each change
/// by name (who, which group) with its reason.
pub fn leftover_lines(plan: &Plan, label: impl Fn(&str) -> String) -> Vec<Line> {
    leftovers(plan, label, true)
}

/// [`leftover_lines`] for changes not queued yet (a confirm before they are): they have no
/// number of their own, so none is shown.
pub fn unqueued_leftover_lines(plan: &Plan, label: impl Fn(&str) -> String) -> Vec<Line> {
    leftovers(plan, label, false)
}

fn leftovers(plan: &Plan, label: impl Fn(&str) -> String, numbered: bool) -> Vec<Line> {
    let mut lines = Vec::new();
    let sections = [
        (UNSETTLED_TITLE, Tone::Info, &plan.unsettled),
        ("will fail, nothing sent", Tone::Bad, &plan.failing),
        ("held back (stay pending)", Tone::Warn, &plan.held),
        (
            "nothing to do (will be marked skipped)",
            Tone::Dim,
            &plan.skipped,
        ),
    ];
    for (title, tone, list) in sections {
        lines.extend(section(title, tone, list, &label, numbered));
    }
    lines
}

/// The failed changes a retry leaves failed (their group is gone), each by name (who, which
/// group) with why: `left failed, not queued again: 1`, then `    #12 add +1212… to Old
/// Committee: the group is gone from the server (deleted, or a wrong id)`.
pub fn kept_failed_lines(kept: &[Leftover], label: impl Fn(&str) -> String) -> Vec<Line> {
    section(
        "left failed, not queued again",
        Tone::Bad,
        kept,
        &label,
        true,
    )
}

/// The changes a retry queued again although the server had refused them, each with the
/// refusal: they fail again unless its cause has gone (the person accepted the terms, say).
pub fn refused_before_lines(refused: &[Leftover], label: impl Fn(&str) -> String) -> Vec<Line> {
    section(
        "queued again, but the server refused them before (they fail again unless that has changed)",
        Tone::Warn,
        refused,
        &label,
        true,
    )
}

/// The failed changes a retry did not queue again because a later change followed them (their
/// retry, or another change of the same person), each with the one that stands.
pub fn followed_lines(followed: &[Leftover], label: impl Fn(&str) -> String) -> Vec<Line> {
    section(
        "not queued again, already followed by a later change",
        Tone::Dim,
        followed,
        &label,
        true,
    )
}

/// A titled list of leftovers with its count; nothing when it is empty.
fn section(
    title: &str,
    tone: Tone,
    list: &[Leftover],
    label: &impl Fn(&str) -> String,
    numbered: bool,
) -> Vec<Line> {
    if list.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![Line::new(tone, format!("{title}: {}", list.len()))];
    for left in list {
        let number = if numbered {
            left.id.to_string()
        } else {
            "-".to_owned()
        };
        lines.push(Line::new(
            tone,
            format!(
                "    {number} {}: {}",
                change_text(&left.spec, label),
                sanitize(&left.reason)
            ),
        ));
    }
    lines
}

/// What a submit would send, as its question and its refusal without a terminal say it:
/// `6 change(s) in 6 group(s) as 6 request(s)`.
pub fn send_counts(plan: &Plan) -> String {
    let groups: HashSet<&str> = plan.requests.iter().map(|r| r.group_id()).collect();
    format!(
        "{} change(s) in {} group(s) as {} request(s)",
        plan.requests.iter().map(|r| r.ops.len()).sum::<usize>(),
        groups.len(),
        plan.requests.len()
    )
}

/// A submit's question (`Send 6 change(s) in 6 group(s) as 6 request(s)? [y/N] `): within
/// 80 columns for up to 10,000 groups; what is held back is said on the line before it
/// ([`held_note`]).
pub fn send_question(plan: &Plan) -> String {
    format!("Send {}? [y/N] ", send_counts(plan))
}

/// The changes a submit would hold back, when it holds some: `1 change(s) held back (they
/// stay pending)`, the words of the dry run's `held back (stay pending)`.
pub fn held_note(plan: &Plan) -> Option<String> {
    (!plan.held.is_empty()).then(|| {
        format!(
            "{} change(s) held back (they stay pending)",
            plan.held.len()
        )
    })
}

/// The title over what an earlier run left in flight, in a plan's lines.
const UNSETTLED_TITLE: &str =
    "left in flight by an earlier run (read first; sent again only if not applied)";

/// What an earlier run left in flight, when it left some: `2 change(s) left in flight by an
/// earlier run: their groups are read first, and each is sent again only if not applied`.
pub fn unsettled_note(plan: &Plan) -> Option<String> {
    (!plan.unsettled.is_empty()).then(|| {
        format!(
            "{} change(s) left in flight by an earlier run: read first, sent again only if not applied",
            plan.unsettled.len()
        )
    })
}

/// The changes a submit would fail without sending, when there are some: `1 change(s) will
/// fail: their group is gone from the server (deleted, or a wrong id)`.
pub fn failing_note(plan: &Plan) -> Option<String> {
    (!plan.failing.is_empty()).then(|| {
        format!(
            "{} change(s) will fail: their group is gone from the server (deleted, or a wrong id)",
            plan.failing.len()
        )
    })
}

/// What a run's first line adds when changes fail unsent: `; 1 fail unsent: group gone
/// (deleted)`; nothing when none does.
pub fn failing_unsent(failing: usize) -> String {
    match failing {
        0 => String::new(),
        n => format!("; {n} fail unsent: group gone (deleted, or a wrong id)"),
    }
}

/// The last line of a dry run.
pub fn plan_footer(plan: &Plan, counts: PlanCounts) -> String {
    format!(
        "{} request(s) would be sent; {} held back; {} with nothing to do{}{}{}. Nothing was sent.",
        counts.requests - counts.refused,
        plan.held.len(),
        plan.skipped.len(),
        match plan.unsettled.len() {
            0 => String::new(),
            n => format!("; {n} left in flight (read first)"),
        },
        match plan.failing.len() {
            0 => String::new(),
            n => format!("; {n} will fail (group gone)"),
        },
        if counts.refused > 0 {
            format!(
                "; {} refused (not a group id: they fail at submit)",
                counts.refused
            )
        } else {
            String::new()
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::OpId;
    use crate::testing::planned;

    #[test]
    fn the_question_fits_80_columns_and_the_held_are_said_apart() {
        let ops = |n: i64| -> Vec<_> {
            (0..n)
                .map(|i| crate::domain::plan::PendingOp {
                    id: OpId(i),
                    spec: crate::testing::add(&format!("group-{i}"), 1),
                })
                .collect()
        };
        let wide = Plan {
            requests: ops(10_000)
                .into_iter()
                .map(|op| {
                    crate::domain::plan::PlannedRequest::of(
                        crate::domain::OperationKind::Add,
                        op.spec.group().map(str::to_owned),
                        vec![op],
                    )
                })
                .collect(),
            held: ops(3).iter().map(|op| Leftover::of(op, "full")).collect(),
            ..Plan::default()
        };
        let question = send_question(&wide);
        assert_eq!(
            question,
            "Send 10000 change(s) in 10000 group(s) as 10000 request(s)? [y/N] "
        );
        assert!(question.chars().count() <= 80);
        assert_eq!(
            held_note(&wide).as_deref(),
            Some("3 change(s) held back (they stay pending)")
        );
        assert_eq!(held_note(&Plan::default()), None);
    }

    #[test]
    fn requests_show_what_the_client_sends_and_refuse_what_it_would() {
        let plan = Plan {
            requests: vec![
                planned(OperationKind::Remove, "G1", &[(1, 3)]),
                planned(OperationKind::Add, "..", &[(2, 4)]),
            ],
            held: vec![Leftover {
                id: OpId(7),
                spec: crate::testing::add("G1", 9),
                reason: "would be 9 of 8 members: 8 now".into(),
                cause: None,
            }],
            ..Plan::default()
        };
        let lines: Vec<String> = plan_lines(&plan, "v23.0", "1", str::to_owned)
            .into_iter()
            .map(|l| l.text)
            .collect();
        assert_eq!(lines[1], "  DELETE /v23.0/G1/participants  +12122000003");
        assert!(
            lines[3].starts_with("  refused  +12122000004: "),
            "{lines:?}"
        );
        assert_eq!(
            lines[5],
            "    #7 add +12122000009 to G1: would be 9 of 8 members: 8 now"
        );
        let counts = plan_counts(&plan, "v23.0", "1");
        assert_eq!(
            (
                counts.requests,
                counts.participants,
                counts.groups,
                counts.refused
            ),
            (2, 2, 2, 1)
        );
        assert!(plan_footer(&plan, counts).starts_with("1 request(s) would be sent; 1 held"));
    }
}
