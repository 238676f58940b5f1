//! Request counters per route and outcome, served as JSON at `/_sandbox/stats` (the webhook
//! counters are added beside them by `Shared::stats_json`).

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// The kind of Graph request, as counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RouteKey {
    AddParticipants,
    RemoveParticipants,
    ListGroups,
    CreateGroup,
    GroupInfo,
    UpdateGroup,
    DeleteGroup,
    GetInviteLink,
    ResetInviteLink,
    DeleteInviteLink,
    ListJoinRequests,
    ApproveJoinRequests,
    RejectJoinRequests,
    Other,
}

impl RouteKey {
    pub const ALL: [RouteKey; 14] = [
        RouteKey::AddParticipants,
        RouteKey::RemoveParticipants,
        RouteKey::ListGroups,
        RouteKey::CreateGroup,
        RouteKey::GroupInfo,
        RouteKey::UpdateGroup,
        RouteKey::DeleteGroup,
        RouteKey::GetInviteLink,
        RouteKey::ResetInviteLink,
        RouteKey::DeleteInviteLink,
        RouteKey::ListJoinRequests,
        RouteKey::ApproveJoinRequests,
        RouteKey::RejectJoinRequests,
        RouteKey::Other,
    ];

    pub fn name(self) -> &'static str {
        match self {
            RouteKey::AddParticipants => "POST /participants",
            RouteKey::RemoveParticipants => "DELETE /participants",
            RouteKey::ListGroups => "GET /groups",
            RouteKey::CreateGroup => "POST /groups",
            RouteKey::GroupInfo => "GET /group",
            RouteKey::UpdateGroup => "POST /group",
            RouteKey::DeleteGroup => "DELETE /group",
            RouteKey::GetInviteLink => "GET /invite_link",
            RouteKey::ResetInviteLink => "POST /invite_link",
            RouteKey::DeleteInviteLink => "DELETE /invite_link",
            RouteKey::ListJoinRequests => "GET /join_requests",
            RouteKey::ApproveJoinRequests => "POST /join_requests",
            RouteKey::RejectJoinRequests => "DELETE /join_requests",
            RouteKey::Other => "other",
        }
    }
}

/// Counts of every Graph request (faulted ones included) and of writes that changed something.
#[derive(Debug, Default)]
pub struct Stats {
    total: u64,
    by_route: BTreeMap<RouteKey, BTreeMap<String, u64>>,
    applied_writes: u64,
    redundant_participants: u64,
    /// Test hook calls (`/_sandbox/...`, not Graph requests): route → status → count.
    hooks: BTreeMap<String, BTreeMap<String, u64>>,
}

impl Stats {
    /// One request answered with `status`.
    pub fn record_status(&mut self, route: RouteKey, status: u16) {
        self.record(route, status.to_string());
    }

    /// One request whose connection was closed without an answer.
    pub fn record_dropped(&mut self, route: RouteKey) {
        self.record(route, "dropped".to_owned());
    }

    fn record(&mut self, route: RouteKey, outcome: String) {
        self.total += 1;
        *self
            .by_route
            .entry(route)
            .or_default()
            .entry(outcome)
            .or_default() += 1;
    }

    /// Participants of writes that asked for what already held: an add of a member or a
    /// removal of a non-member. A client that never resends an applied change causes none.
    pub fn record_redundant(&mut self, n: usize) {
        self.redundant_participants += n as u64;
    }

    /// One test hook call answered with `status`.
    pub fn record_hook(&mut self, route: &str, status: u16) {
        *self
            .hooks
            .entry(route.to_owned())
            .or_default()
            .entry(status.to_string())
            .or_default() += 1;
    }

    /// One write request that changed the sandbox's state.
    pub fn record_applied_write(&mut self) {
        self.applied_writes += 1;
    }

    /// `{"total", "by_route": {"POST /participants": {"200", "206", "429", "dropped", ...}},
    /// "applied_writes", "redundant_participants", "hooks": {"POST /_sandbox/join": {"200"}}}`.
    pub fn to_json(&self) -> Value {
        let mut by_route = serde_json::Map::new();
        for route in RouteKey::ALL {
            let mut counts = serde_json::Map::new();
            for key in ["200", "206", "429", "dropped"] {
                counts.insert(key.to_owned(), json!(0));
            }
            if let Some(seen) = self.by_route.get(&route) {
                for (outcome, n) in seen {
                    counts.insert(outcome.clone(), json!(n));
                }
            }
            by_route.insert(route.name().to_owned(), Value::Object(counts));
        }
        json!({
            "total": self.total,
            "by_route": by_route,
            "applied_writes": self.applied_writes,
            "redundant_participants": self.redundant_participants,
            "hooks": self.hooks,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_show_with_zeros_for_common_outcomes() {
        let mut stats = Stats::default();
        stats.record_status(RouteKey::AddParticipants, 200);
        stats.record_status(RouteKey::AddParticipants, 400);
        stats.record_dropped(RouteKey::RemoveParticipants);
        stats.record_applied_write();
        let v = stats.to_json();
        assert_eq!(v["total"], 3);
        assert_eq!(v["applied_writes"], 1);
        assert_eq!(v["by_route"]["POST /participants"]["200"], 1);
        assert_eq!(v["by_route"]["POST /participants"]["400"], 1);
        assert_eq!(v["by_route"]["DELETE /participants"]["dropped"], 1);
        assert_eq!(v["by_route"]["GET /groups"]["429"], 0);
        assert_eq!(v["by_route"]["DELETE /join_requests"]["200"], 0);
        let mut stats = Stats::default();
        stats.record_hook("POST /_sandbox/join", 200);
        stats.record_hook("POST /_sandbox/join", 404);
        let v = stats.to_json();
        assert_eq!(v["hooks"]["POST /_sandbox/join"]["404"], 1);
        assert_eq!(v["total"], 0, "hooks are not Graph requests");
    }
}
