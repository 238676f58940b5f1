//! One group as the sandbox keeps it: settings, members, invite link and join requests.

use std::collections::{BTreeMap, BTreeSet};

/// Who may come in through the invite link (`join_approval_mode`, §1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApprovalMode {
    /// `auto_approve`: a tap on the link joins.
    AutoApprove,
    /// `approval_required`: a tap on the link asks to join; the business approves.
    ApprovalRequired,
}

impl ApprovalMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalMode::AutoApprove => "auto_approve",
            ApprovalMode::ApprovalRequired => "approval_required",
        }
    }

    /// The two values the contract allows; `None` for anything else.
    pub fn parse(text: &str) -> Option<ApprovalMode> {
        match text {
            "auto_approve" => Some(ApprovalMode::AutoApprove),
            "approval_required" => Some(ApprovalMode::ApprovalRequired),
            _ => None,
        }
    }
}

/// A pending request to join an `approval_required` group.
#[derive(Clone, Debug)]
pub struct JoinRequest {
    /// Opaque, base64-like, as Meta's (`join_request_id`).
    pub id: String,
    /// Who asked (the sandbox always knows the phone; it may not be shown).
    pub wa_id: String,
    /// Unix seconds.
    pub created_at: u64,
}

/// One group the business is in.
#[derive(Clone, Debug)]
pub struct Group {
    pub id: String,
    pub subject: String,
    pub description: String,
    /// Unix seconds.
    pub created_at: u64,
    /// wa_ids (digits only), the business excluded.
    pub members: BTreeSet<String>,
    pub suspended: bool,
    pub join_approval_mode: ApprovalMode,
    /// Place in the list order; what paging cursors point at.
    pub position: u64,
    /// The live invite link, `https://chat.whatsapp.com/<code>`; `None` after a delete until one
    /// is asked for again.
    pub invite_link: Option<String>,
    /// Pending join requests by sequence number (the order they are listed and paged in).
    pub join_requests: BTreeMap<u64, JoinRequest>,
    /// Removed by the business: they can no longer come in by the link (R, §1.8).
    pub removed_by_business: BTreeSet<String>,
    /// SHA-256 (hex) of the current group photo, if one was uploaded.
    pub photo_sha256: Option<String>,
}

impl Group {
    /// A group with no link, no join requests and no photo yet.
    pub fn new(id: String, subject: String, description: String, created_at: u64) -> Self {
        Self {
            id,
            subject,
            description,
            created_at,
            members: BTreeSet::new(),
            suspended: false,
            join_approval_mode: ApprovalMode::AutoApprove,
            position: 0,
            invite_link: None,
            join_requests: BTreeMap::new(),
            removed_by_business: BTreeSet::new(),
            photo_sha256: None,
        }
    }

    /// The pending request of this wa_id, if any: its sequence number.
    pub fn request_of(&self, wa_id: &str) -> Option<u64> {
        self.join_requests
            .iter()
            .find(|(_, r)| r.wa_id == wa_id)
            .map(|(seq, _)| *seq)
    }

    /// The pending request with this id, if any: its sequence number.
    pub fn request_by_id(&self, id: &str) -> Option<u64> {
        self.join_requests
            .iter()
            .find(|(_, r)| r.id == id)
            .map(|(seq, _)| *seq)
    }
}
