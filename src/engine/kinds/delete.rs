//! Deleting groups: one a request; the answer may be `{"success":true}` (C), a `request_id`
//! (pywa) or nothing (R), all taken; confirmed by reading the group (131041: it is gone).

use crate::api::{Answer, ApiError, Call};
use crate::domain::OpSpec;
use crate::domain::plan::{PendingOp, Plan, PlannedRequest};

use super::{
    Confirmation, Found, Kind, Mirror, OutsideEvent, Seen, Sent, UNKNOWN_GROUP, Verdict,
    all_failed, one_each,
};

/// The delete kind.
pub struct Delete;

impl Kind for Delete {
    const BATCH: usize = 1;

    fn plan(ops: &[&PendingOp], _mirror: &Mirror) -> Plan {
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

    fn outside(_spec: &OpSpec, event: &OutsideEvent) -> Option<Verdict> {
        match event {
            OutsideEvent::GroupDeleted => Some(Verdict::Confirmed),
            OutsideEvent::Failed { code, message } => Some(Verdict::Failed {
                code: *code,
                message: message.clone(),
            }),
            _ => None,
        }
    }
}
