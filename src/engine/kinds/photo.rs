//! A group's photo: checked before it is queued (`domain::Photo`), sent as multipart, and
//! taken as done when the server takes it (no read shows a group's photo; the
//! `group_settings_update` webhook reports it, `profile_picture` of `groups-api-2026.md` §2.4,
//! but only after the answer settled it: that event is kept and shown by `events`, and settles
//! nothing). A lost answer sends it again: a photo set twice is the same photo.

use crate::api::{Answer, ApiError, Call};
use crate::domain::OpSpec;
use crate::domain::plan::{PendingOp, Plan, PlannedRequest};

use super::{Confirmation, Found, Kind, Mirror, Seen, Sent, Verdict, all_failed, one_each};

/// The photo kind.
pub struct PhotoKind;

impl Kind for PhotoKind {
    const BATCH: usize = 1;

    fn plan(ops: Vec<PendingOp>, _mirror: &Mirror) -> Plan {
        one_each(ops)
    }

    fn request(request: &PlannedRequest) -> Call {
        match request.ops.first().map(|op| &op.spec) {
            Some(OpSpec::Photo { group, photo }) => Call::UpdatePhoto {
                group: group.clone(),
                photo: photo.clone(),
            },
            // Without its photo, a request that the endpoint check refuses (never sent).
            _ => Call::DeleteInviteLink {
                group: String::new(),
            },
        }
    }

    fn settle(request: &PlannedRequest, answer: &Result<Answer, ApiError>) -> Vec<Verdict> {
        match answer {
            Ok(_) => request.ops.iter().map(|_| Verdict::Confirmed).collect(),
            Err(e) => all_failed(request, e),
        }
    }

    fn confirmation(_spec: &OpSpec) -> Confirmation {
        Confirmation::SendAgain
    }

    fn applied(ops: &[Sent], _seen: &Seen) -> Vec<Found> {
        ops.iter().map(|_| Found::No).collect()
    }
}
