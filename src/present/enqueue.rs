//! What queueing did: rows stored, duplicates, changes that gave way to later ones, flags.

use super::{Line, Tone};
use crate::domain::text::sanitize;
use crate::store::EnqueueReport;

/// The lines of an enqueue report; `group` names a group for the operator (its subject, or
/// the id when the mirror does not know it).
pub fn enqueue_lines(report: &EnqueueReport, group: impl Fn(&str) -> String) -> Vec<Line> {
    let mut lines = vec![Line::new(
        Tone::Good,
        if report.duplicates > 0 {
            format!(
                "queued {} change(s), {} already pending (unchanged)",
                report.stored, report.duplicates
            )
        } else {
            format!("queued {} change(s)", report.stored)
        },
    )];
    for r in &report.replaced {
        let person = r.spec.person_label();
        let of = if person.is_empty() {
            String::new()
        } else {
            format!("of {person}")
        };
        lines.push(Line::new(
            Tone::Warn,
            format!(
                "replaced: {} ({}) gave way to the later {} ({})",
                super::words([
                    "the pending",
                    super::kind_words(r.replaced_kind),
                    &of,
                    "in",
                    &group(r.spec.group_text())
                ]),
                r.replaced,
                super::kind_words(r.spec.kind()),
                r.by
            ),
        ));
    }
    for c in &report.cancelled {
        let person = c.spec.person_label();
        lines.push(Line::new(
            Tone::Warn,
            format!(
                "withdrawn: {} ({}), and the {} not queued: {}",
                super::words([
                    "the pending",
                    super::kind_words(c.withdrawn_kind),
                    "of",
                    &person,
                    "in",
                    &group(c.spec.group_text())
                ]),
                c.withdrawn,
                super::kind_words(c.spec.kind()),
                match c.spec.kind() {
                    crate::domain::OperationKind::Add => "the mirror shows them a member already",
                    _ => "the mirror shows they are not a member",
                }
            ),
        ));
    }
    for f in &report.flagged {
        lines.push(Line::new(
            Tone::Warn,
            format!(
                "flagged {}: {}: {}",
                f.id,
                match f.spec.group() {
                    // A create has no group yet: its subject names it.
                    None => f.spec.describe(),
                    Some(g) => super::words([
                        super::kind_words(f.spec.kind()),
                        &f.spec.person_label(),
                        "in",
                        &group(g)
                    ]),
                },
                sanitize(&f.flag)
            ),
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{NewGroup, OpId, OpSpec, OperationKind};
    use crate::store::{Cancellation, Flagged, Replacement};
    use crate::testing::add;

    #[test]
    fn each_fact_is_one_line() {
        let report = EnqueueReport {
            stored: 2,
            duplicates: 1,
            replaced: vec![
                Replacement {
                    spec: add("G", 3),
                    replaced: OpId(6),
                    replaced_kind: OperationKind::Remove,
                    by: OpId(12),
                },
                Replacement {
                    spec: OpSpec::Subject {
                        group: "G".into(),
                        subject: "New".into(),
                    },
                    replaced: OpId(7),
                    replaced_kind: OperationKind::Subject,
                    by: OpId(14),
                },
            ],
            cancelled: vec![Cancellation {
                spec: crate::testing::remove("G", 5),
                withdrawn: OpId(8),
                withdrawn_kind: OperationKind::Add,
            }],
            flagged: vec![
                Flagged {
                    id: OpId(13),
                    spec: add("G", 4),
                    flag: "already a member\u{1b}[2J".into(),
                },
                Flagged {
                    id: OpId(15),
                    spec: OpSpec::Create {
                        group: None,
                        new: NewGroup {
                            subject: "Spring".into(),
                            description: None,
                            join_approval_mode: Default::default(),
                        },
                    },
                    flag: "a group has this subject".into(),
                },
            ],
            ids: vec![],
        };
        let text: Vec<String> = enqueue_lines(&report, |g| format!("«{g}»"))
            .into_iter()
            .map(|l| l.text)
            .collect();
        assert_eq!(
            text,
            [
                "queued 2 change(s), 1 already pending (unchanged)",
                "replaced: the pending remove of +12122000003 in «G» (#6) gave way to the later add (#12)",
                "replaced: the pending subject in «G» (#7) gave way to the later subject (#14)",
                "withdrawn: the pending add of +12122000005 in «G» (#8), and the remove not queued: the mirror shows they are not a member",
                "flagged #13: add +12122000004 in «G»: already a member^[[2J",
                "flagged #15: create \"Spring\": a group has this subject",
            ]
        );
    }
}
