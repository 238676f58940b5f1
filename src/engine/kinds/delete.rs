//! Deleting groups: one a request; the answer may be `{"success":true}` (C), a `request_id`
//! (pywa) or nothing (R), all taken; confirmed by reading the group (131041: it is gone).

use crate::api::{Answer, ApiError, Call};
use crate::domain::plan::{PendingOp, Plan, PlannedRequest};
use crate::domain::{EventType, GroupEvent, OpSpec};

use super::{
    Confirmation, EventMatch, Found, Kind, Mirror, Seen, Sent, UNKNOWN_GROUP, Verdict, all_failed,
    event_failure, one_each,
};

/// The delete kind.
pub struct Delete;

impl Kind for Delete {
    const BATCH: usize = 1;

    fn plan(ops: Vec<PendingOp>, _mirror: &Mirror) -> Plan {
        one_each(ops)
    }

    fn request(request: &PlannedRequest) -> Call {
        Call::DeleteGroup {
            group: request.group_id().to_owned(),
        }
    }

    fn settle(request: &PlannedRequest, answer: &Result<Answer, ApiError>) -> Vec<Verdict> {
        match answer {
            Ok(_) => request.ops.iter().map(|_| Verdict::Accepted).collect(),
            Err(e) if e.code() == Some(UNKNOWN_GROUP) => request
                .ops
                .iter()
                .map(|_| Verdict::Skipped("the group does not exist (any more)".into()))
                .collect(),
            Err(e) => all_failed(request, e),
        }
    }

    fn confirmation(spec: &OpSpec) -> Confirmation {
        Confirmation::ReadGroup(spec.group().unwrap_or_default().to_owned())
    }

    fn applied(ops: &[Sent], seen: &Seen) -> Vec<Found> {
        let gone = matches!(seen, Seen::Gone { .. });
        ops.iter()
            .map(|_| if gone { Found::Yes } else { Found::No })
            .collect()
    }

    /// `group_lifecycle_update` of type `group_delete` (`groups-api-2026.md` §2.2, W): without
    /// `errors` the group is deleted; with them the deletion failed with the first one's code.
    /// Matched by the delete's `request_id`, or, when its answer carried none (C answers a
    /// delete `{"success":true}`), by the group the event names.
    fn settle_by_event(spec: &OpSpec, event: &GroupEvent, how: EventMatch) -> Option<Verdict> {
        let ours = match how {
            EventMatch::Request => true,
            EventMatch::Group => event.group_id.as_deref() == spec.group(),
            EventMatch::Member => false,
        };
        if !ours || event.kind != EventType::GroupDelete {
            return None;
        }
        Some(event_failure(&event.errors).unwrap_or(Verdict::Confirmed))
    }
}
