//! The join requests view: the selected group's settings (description, who may join),
//! invite link (copy, reset) and pending join requests, picked with Space and approved or
//! rejected (the picked, or all shown) after the one confirm. Drawn over the group pane while
//! it has the keys; `join_requests` opens and closes it.

mod draw;
mod update;

use std::collections::{BTreeMap, BTreeSet};

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::domain::text::sanitize;
use crate::domain::{JoinApprovalMode, OpId, OperationKind, OperationState};
use crate::store::{MirrorGroup, Operation, StoredJoinRequest, UnixMs};
use crate::tui::action::{Action, Hint};

use super::cursor::{Cursor, MOVES};
use super::{Ctx, Reply, View, ViewMsg};

/// What the view shows of a group, made safe for the screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestsDetail {
    pub id: String,
    pub subject: String,
    pub description: Option<String>,
    pub mode: Option<JoinApprovalMode>,
    pub suspended: bool,
    pub gone: bool,
    pub member_count: u32,
    /// The members as the mirror has them (the room approvals have).
    pub members: Vec<crate::domain::Person>,
    /// The link as last read, and when.
    pub invite_link: Option<String>,
    pub invite_link_read_at: Option<UnixMs>,
    pub requests: Vec<StoredJoinRequest>,
    /// Decisions still pending in the queue, by join request id: a second approve would
    /// queue nothing new, so they are marked and left out of the next one.
    pub queued: BTreeMap<String, QueuedDecision>,
}

/// A decision on a join request waiting in the queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedDecision {
    pub id: OpId,
    pub approve: bool,
    /// The warning stored with it when it was queued (`would be 9 of 8 members: …; held
    /// back until the group has room`), if any.
    pub flag: Option<String>,
}

impl RequestsDetail {
    /// From the mirror; every server string made safe here.
    pub fn new(group: MirrorGroup, requests: Vec<StoredJoinRequest>) -> RequestsDetail {
        RequestsDetail {
            subject: sanitize(&group.subject),
            description: group.about.description.as_deref().map(sanitize),
            mode: group.about.join_approval_mode,
            suspended: group.about.suspended,
            gone: group.gone_at.is_some(),
            member_count: group.member_count,
            members: group.members,
            invite_link: group.about.invite_link.as_deref().map(sanitize),
            invite_link_read_at: group.about.invite_link_read_at,
            id: group.id,
            requests,
            queued: BTreeMap::new(),
        }
    }

    /// With the group's pending operations: its queued approvals and rejections are marked.
    pub fn with_pending(mut self, pending: impl IntoIterator<Item = Operation>) -> RequestsDetail {
        for op in pending {
            let approve = match op.spec.kind() {
                OperationKind::Approve => true,
                OperationKind::Reject => false,
                _ => continue,
            };
            if op.state != OperationState::Pending || op.group() != Some(self.id.as_str()) {
                continue;
            }
            if let Some(request) = op.spec.join_request() {
                self.queued.insert(
                    request.id.clone(),
                    QueuedDecision {
                        id: op.id,
                        approve,
                        flag: op.flag.as_deref().map(sanitize),
                    },
                );
            }
        }
        self
    }
}

/// The view's state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestsView {
    /// The group shown, once read.
    pub detail: Option<RequestsDetail>,
    pub cursor: Cursor,
    /// Join request ids picked with Space.
    pub picked: BTreeSet<String>,
    /// The pane the view was opened from, where closing it goes back to.
    pub opened_from: super::Pane,
}

/// Rows of the list in `area`: inside the border, below the six lines of settings.
fn list_rows(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(8))
}

impl View for RequestsView {
    fn update(&mut self, ctx: &Ctx, msg: &ViewMsg) -> Vec<Reply> {
        update::update(self, ctx, msg)
    }

    fn draw(&self, ctx: &Ctx, buf: &mut Buffer) {
        draw::draw(self, ctx, buf);
    }

    fn commands(&self) -> Vec<Hint> {
        let mut hints: Vec<Hint> = MOVES.iter().map(|a| a.hint()).collect();
        hints.extend([
            Hint {
                text: "the whole of the invite link, the settings and the request under the cursor",
                ..Action::Open.hint()
            },
            Hint {
                text: "pick or unpick the join request, then move down",
                ..Action::Select.hint()
            },
            Action::Approve.hint(),
            Action::Reject.hint(),
            Hint {
                text: "close the view, back to the group",
                label: Some("close"),
                ..Action::Reset.hint()
            },
            Hint {
                text: "close the view, back to the group",
                ..Action::JoinRequests.hint()
            },
        ]);
        hints
    }

    fn withheld(&self) -> &'static [Action] {
        &[Action::Remove, Action::Undo]
    }

    fn group(&self, _ctx: &Ctx) -> Option<String> {
        self.detail.as_ref().map(|d| d.id.clone())
    }

    fn drawn(&self, has_keys: bool) -> bool {
        has_keys
    }

    fn tab_stop(&self) -> bool {
        false
    }
}
