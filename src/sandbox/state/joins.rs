//! What WhatsApp users do to a group (join by link, ask to join, withdraw, leave) and how the
//! business answers join requests (list, approve, reject).

use std::fmt;

use super::{ApprovalMode, GroupError, Groups, JoinRequest, neighbours, page_keys};
use crate::sandbox::seed::GROUP_CAPACITY;

/// Why a simulated user's action was refused (the test hooks answer it as text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserError {
    /// The action itself is malformed (a bad phone number or username): what is wrong.
    Invalid(String),
    UnknownGroup,
    /// The link was never issued, or was reset or deleted since.
    DeadLink,
    Suspended,
    /// The group takes join requests, not joins (`approval_required`).
    ApprovalRequired,
    /// The group lets people in directly (`auto_approve`): there is nothing to ask.
    NoApprovalNeeded,
    AlreadyMember,
    Full,
    /// Removed by the business: no longer allowed in by link (R, §1.8).
    RemovedByBusiness,
    NotAMember,
    NoPendingRequest,
}

impl UserError {
    /// The HTTP status a hook answers with.
    pub fn status(&self) -> u16 {
        match self {
            UserError::Invalid(_) => 400,
            UserError::UnknownGroup | UserError::DeadLink | UserError::NoPendingRequest => 404,
            UserError::NotAMember => 404,
            _ => 409,
        }
    }
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let UserError::Invalid(why) = self {
            return f.write_str(why);
        }
        f.write_str(match self {
            UserError::Invalid(_) => "",
            UserError::UnknownGroup => "no such group",
            UserError::DeadLink => "this invite link is not (or no longer) valid",
            UserError::Suspended => "the group is suspended",
            UserError::ApprovalRequired => "the group needs approval to join: ask to join instead",
            UserError::NoApprovalNeeded => "the group needs no approval: join instead",
            UserError::AlreadyMember => "already a member of the group",
            UserError::Full => "the group is full (8 participants)",
            UserError::RemovedByBusiness => {
                "removed from the group by the business: cannot come back by link"
            }
            UserError::NotAMember => "not a member of the group",
            UserError::NoPendingRequest => "no pending join request in the group",
        })
    }
}

/// Why one id of an approve or reject call failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemFailure {
    /// 131213: no pending join request has this id.
    UnknownRequest,
    /// 131203: the user has not accepted the current terms (sandbox rule: ends in 0000).
    TermsNotAccepted,
    /// 131204: the group is full.
    GroupFull,
}

/// What an approve or reject call did: the ids done (with who asked), the ids that failed.
#[derive(Clone, Debug, Default)]
pub struct Approval {
    pub done: Vec<(String, String)>,
    pub failed: Vec<(String, ItemFailure)>,
}

/// One page of a group's pending join requests, with their sequence numbers (the cursors).
#[derive(Debug)]
pub struct JoinRequestPage {
    pub requests: Vec<(u64, JoinRequest)>,
    pub has_next: bool,
    pub has_previous: bool,
}

impl Groups {
    /// The open group behind a live link, checked for a user's action.
    fn linked_group(&self, link: &str, wa_id: &str) -> Result<String, UserError> {
        let group_id = self.group_of_link(link).ok_or(UserError::DeadLink)?;
        let group = self.get(group_id).ok_or(UserError::DeadLink)?;
        if group.suspended {
            return Err(UserError::Suspended);
        }
        if group.members.contains(wa_id) {
            return Err(UserError::AlreadyMember);
        }
        if group.removed_by_business.contains(wa_id) {
            return Err(UserError::RemovedByBusiness);
        }
        Ok(group.id.clone())
    }

    /// A user taps a live link of an `auto_approve` group and is in. Returns the group id.
    pub fn join_by_link(&mut self, link: &str, wa_id: &str) -> Result<String, UserError> {
        let group_id = self.linked_group(link, wa_id)?;
        let group = self.get_mut(&group_id).ok_or(UserError::DeadLink)?;
        if group.join_approval_mode == ApprovalMode::ApprovalRequired {
            return Err(UserError::ApprovalRequired);
        }
        if group.members.len() >= GROUP_CAPACITY {
            return Err(UserError::Full);
        }
        group.members.insert(wa_id.to_owned());
        Ok(group_id)
    }

    /// A user taps a live link of an `approval_required` group: a join request (the one already
    /// pending, if any). Returns the group id, the request id and whether it is new.
    pub fn ask_to_join(
        &mut self,
        link: &str,
        wa_id: &str,
        at: u64,
    ) -> Result<(String, String, bool), UserError> {
        let group_id = self.linked_group(link, wa_id)?;
        let group = self.get(&group_id).ok_or(UserError::DeadLink)?;
        if group.join_approval_mode == ApprovalMode::AutoApprove {
            return Err(UserError::NoApprovalNeeded);
        }
        if let Some(seq) = group.request_of(wa_id) {
            let id = group.join_requests.get(&seq).map(|r| r.id.clone());
            return Ok((group_id, id.unwrap_or_default(), false));
        }
        let (id, sequence) = self.new_request();
        let request = JoinRequest {
            id: id.clone(),
            wa_id: wa_id.to_owned(),
            created_at: at,
        };
        let group = self.get_mut(&group_id).ok_or(UserError::DeadLink)?;
        group.join_requests.insert(sequence, request);
        Ok((group_id, id, true))
    }

    /// A user withdraws their pending join request. Returns its id.
    pub fn withdraw_request(&mut self, group_id: &str, wa_id: &str) -> Result<String, UserError> {
        let group = self.get_mut(group_id).ok_or(UserError::UnknownGroup)?;
        let seq = group.request_of(wa_id).ok_or(UserError::NoPendingRequest)?;
        let request = group.join_requests.remove(&seq);
        Ok(request.map(|r| r.id).unwrap_or_default())
    }

    /// A member leaves the group (they may come back by link).
    pub fn leave(&mut self, group_id: &str, wa_id: &str) -> Result<(), UserError> {
        let group = self.get_mut(group_id).ok_or(UserError::UnknownGroup)?;
        if group.suspended {
            return Err(UserError::Suspended);
        }
        if !group.members.remove(wa_id) {
            return Err(UserError::NotAMember);
        }
        Ok(())
    }

    /// One page of a group's pending join requests, oldest first.
    pub fn join_requests_page(
        &self,
        group_id: &str,
        after: Option<u64>,
        before: Option<u64>,
        limit: usize,
    ) -> Result<JoinRequestPage, GroupError> {
        let group = self.open_group(group_id)?;
        let keys = page_keys(&group.join_requests, after, before, limit);
        let (has_next, has_previous) = neighbours(&group.join_requests, &keys);
        let requests = keys
            .iter()
            .filter_map(|k| group.join_requests.get(k).map(|r| (*k, r.clone())))
            .collect();
        Ok(JoinRequestPage {
            requests,
            has_next,
            has_previous,
        })
    }

    /// Approves (the users are in at once) or rejects (they may ask again) join requests, id
    /// by id in the order given.
    pub fn answer_join_requests(
        &mut self,
        group_id: &str,
        ids: &[String],
        approve: bool,
    ) -> Result<Approval, GroupError> {
        self.open_group(group_id)?;
        let group = self.get_mut(group_id).ok_or(GroupError::Unknown)?;
        let mut outcome = Approval::default();
        for id in ids {
            let Some(seq) = group.request_by_id(id) else {
                outcome
                    .failed
                    .push((id.clone(), ItemFailure::UnknownRequest));
                continue;
            };
            let wa_id = group
                .join_requests
                .get(&seq)
                .map(|r| r.wa_id.clone())
                .unwrap_or_default();
            if approve {
                if wa_id.ends_with("0000") {
                    let failure = ItemFailure::TermsNotAccepted;
                    outcome.failed.push((id.clone(), failure));
                    continue;
                }
                if group.members.len() >= GROUP_CAPACITY {
                    outcome.failed.push((id.clone(), ItemFailure::GroupFull));
                    continue;
                }
                group.members.insert(wa_id.clone());
            }
            group.join_requests.remove(&seq);
            outcome.done.push((id.clone(), wa_id));
        }
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world() -> (Groups, String, String) {
        let mut groups = Groups::seeded("1", 0, 1);
        let id = groups.insert("Cohort", &["15550001111"], 0);
        let link = groups.invite_link(&id).unwrap_or_default();
        (groups, id, link)
    }

    #[test]
    fn joins_need_a_live_link_and_room() {
        let (mut groups, id, link) = world();
        assert_eq!(groups.join_by_link(&link, "15550002222"), Ok(id.clone()));
        assert_eq!(
            groups.join_by_link(&link, "15550002222"),
            Err(UserError::AlreadyMember)
        );
        let new_link = groups.reset_invite_link(&id).unwrap_or_default();
        assert_ne!(new_link, link);
        assert_eq!(
            groups.join_by_link(&link, "15550003333"),
            Err(UserError::DeadLink)
        );
        for i in 0..6 {
            let user = format!("1555000400{i}");
            assert!(groups.join_by_link(&new_link, &user).is_ok());
        }
        assert_eq!(
            groups.join_by_link(&new_link, "15550005555"),
            Err(UserError::Full)
        );
        assert_eq!(groups.leave(&id, "15550002222"), Ok(()));
        assert_eq!(groups.leave(&id, "15550002222"), Err(UserError::NotAMember));
        assert_eq!(
            groups.ask_to_join(&new_link, "15550009999", 1),
            Err(UserError::NoApprovalNeeded)
        );
    }

    #[test]
    fn requests_are_asked_once_approved_or_rejected_and_withdrawn() {
        let (mut groups, id, link) = world();
        if let Some(g) = groups.get_mut(&id) {
            g.join_approval_mode = ApprovalMode::ApprovalRequired;
        }
        assert_eq!(
            groups.join_by_link(&link, "15550002222"),
            Err(UserError::ApprovalRequired)
        );
        let (_, first, new) = groups.ask_to_join(&link, "15550002222", 5).expect("asked");
        assert!(new);
        let again = groups.ask_to_join(&link, "15550002222", 6).expect("asked");
        assert_eq!((again.1.as_str(), again.2), (first.as_str(), false));
        let (_, terms, _) = groups.ask_to_join(&link, "15550000000", 7).expect("asked");
        let (_, third, _) = groups.ask_to_join(&link, "15550003333", 8).expect("asked");
        let ids = [first.clone(), terms.clone(), "bm9wZQ".to_owned()];
        let outcome = groups.answer_join_requests(&id, &ids, true).expect("group");
        assert_eq!(outcome.done, [(first.clone(), "15550002222".to_owned())]);
        assert_eq!(
            outcome.failed,
            [
                (terms.clone(), ItemFailure::TermsNotAccepted),
                ("bm9wZQ".to_owned(), ItemFailure::UnknownRequest)
            ]
        );
        let rejected = groups.answer_join_requests(&id, &[third], false);
        assert_eq!(rejected.map(|o| o.done.len()).ok(), Some(1));
        assert_eq!(
            groups.withdraw_request(&id, "15550000000"),
            Ok(terms.clone())
        );
        assert_eq!(
            groups.withdraw_request(&id, "15550000000"),
            Err(UserError::NoPendingRequest)
        );
        let page = groups
            .join_requests_page(&id, None, None, 10)
            .expect("page");
        assert!(page.requests.is_empty());
        let members = groups.get(&id).map(|g| g.members.len());
        assert_eq!(members, Some(2));
    }
}
