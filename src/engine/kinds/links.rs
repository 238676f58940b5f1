//! Invite links: a reset (the old link dies; the answer carries the new one) and a revoke
//! (`success` as the string "true", C). The answer is the proof; a lost answer sends it again,
//! which does no harm: the old link is dead either way. No webhook settles them: Meta sends
//! none for a reset or a revoke (`groups-api-2026.md` §1.6, none in W).

use crate::api::{Answer, ApiError, Call};
use crate::domain::OpSpec;
use crate::domain::plan::{PendingOp, Plan, PlannedRequest};
use crate::store::MirrorChange;

use super::{Confirmation, Found, Kind, Mirror, Seen, Sent, Verdict, all_failed, one_each};

/// The reset and revoke kinds.
pub struct Links;

impl Kind for Links {
    const BATCH: usize = 1;

    fn plan(ops: Vec<PendingOp>, _mirror: &Mirror) -> Plan {
        one_each(ops)
    }

    fn request(request: &PlannedRequest) -> Call {
        let group = request.group_id().to_owned();
        match request.ops.first().map(|op| &op.spec) {
            Some(OpSpec::RevokeLink { .. }) => Call::DeleteInviteLink { group },
            _ => Call::ResetInviteLink { group },
        }
    }

    fn settle(request: &PlannedRequest, answer: &Result<Answer, ApiError>) -> Vec<Verdict> {
        match answer {
            Ok(_) => request.ops.iter().map(|_| Verdict::Confirmed).collect(),
            // A reset the server took whose answer holds no usable link: the old link is dead
            // all the same; the next read of the link shows the new one.
            Err(ApiError::BadAnswer(_)) => request.ops.iter().map(|_| Verdict::Confirmed).collect(),
            Err(e) => all_failed(request, e),
        }
    }

    fn mirror(request: &PlannedRequest, answer: &Answer) -> Vec<MirrorChange> {
        let group = request.group_id().to_owned();
        match answer {
            Answer::Link { link, .. } => vec![MirrorChange::InviteLink {
                group,
                link: Some(link.invite_link.clone()),
            }],
            _ => vec![MirrorChange::InviteLink { group, link: None }],
        }
    }

    fn confirmation(_spec: &OpSpec) -> Confirmation {
        Confirmation::SendAgain
    }

    fn applied(ops: &[Sent], _seen: &Seen) -> Vec<Found> {
        ops.iter().map(|_| Found::No).collect()
    }
}
