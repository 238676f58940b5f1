//! The mirror's row for a group as the server just described it, and keeping it.

use super::call::Caller;
use crate::api::GroupInfo;
use crate::store::{GroupAbout, MirrorGroup, now_ms};

/// Keeps a group just read in the mirror; a store that cannot take it is reported through the
/// call policy (which stops what is running).
pub(crate) async fn keep_group(caller: &Caller, info: &GroupInfo) {
    if let Err(e) = caller.store().upsert_groups(vec![mirror_of(info)]).await {
        caller.store_failed(&e);
    }
}

/// The mirror's row for a group read now, every member with every key the server gave (those
/// it named by no valid wa_id nor BSUID were left out where the answer was read).
pub fn mirror_of(info: &GroupInfo) -> MirrorGroup {
    let members = info.participants.clone();
    MirrorGroup {
        id: info.id.clone(),
        subject: info.subject.clone(),
        member_count: info
            .total_participant_count
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(members.len() as u32),
        members,
        read_at: now_ms(),
        gone_at: None,
        about: GroupAbout {
            description: info.description.clone(),
            join_approval_mode: info.join_approval_mode,
            suspended: info.suspended == Some(true),
            created_at: info.creation_timestamp.map(|s| s.saturating_mul(1000)),
            invite_link: None,
            invite_link_read_at: None,
        },
    }
}
