//! What confirming each destructive intent does. A new kind of intent gets its arm here.

use std::collections::BTreeSet;

use crate::engine::{Command, Scope};
use crate::present::plan_counts;
use crate::tui::intent::Intent;
use crate::tui::msg::Effect;
use crate::tui::shared::Work;
use crate::tui::state::State;
use crate::tui::text::Tone;

use super::global::busy;
use super::{log, notice};

/// Carries out an intent the operator said yes to.
pub fn confirmed(state: &mut State, intent: Intent) -> Vec<Effect> {
    match intent {
        Intent::Submit { scope, plan } => {
            if let Some(why) = busy(state) {
                return notice(state, Tone::Warn, why);
            }
            let groups = match &scope {
                Scope::Groups(ids) => Some(ids.iter().cloned().collect::<BTreeSet<_>>()),
                _ => None,
            };
            state.shared.work = Work::Submitting { groups };
            state.views.groups.picked.clear();
            let counts = plan_counts(&plan, &state.shared.api_version, "");
            let (requests, participants, groups) =
                (counts.requests, counts.participants, counts.groups);
            log(
                state,
                Tone::Info,
                format!(
                    "submit: {requests} request(s), {participants} participant(s), {groups} group(s)"
                ),
            );
            vec![Effect::Engine(Command::Submit(scope))]
        }
        Intent::Undo { ids, .. } => vec![Effect::Undo(ids)],
        Intent::QueueRemoval {
            ref removals,
            ref withdrawals,
            ..
        } => {
            let mut effects = Vec::new();
            if !removals.is_empty() {
                effects.push(Effect::Enqueue {
                    ops: intent.specs(),
                    invalid: Vec::new(),
                });
            }
            if !withdrawals.is_empty() {
                effects.push(Effect::Undo(
                    withdrawals.iter().map(|(_, id)| *id).collect(),
                ));
            }
            effects
        }
        intent => {
            if let Some(why) = busy(state) {
                return notice(state, Tone::Warn, why);
            }
            // Only the groups these changes are for are being sent (a create's: none yet).
            let ops = intent.specs();
            let groups = ops
                .iter()
                .filter_map(|op| op.group())
                .map(str::to_owned)
                .collect::<BTreeSet<_>>();
            state.shared.work = Work::Submitting {
                groups: Some(groups),
            };
            vec![Effect::Send { ops }]
        }
    }
}
