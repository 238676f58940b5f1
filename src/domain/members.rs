//! Who is in a group: the one answer to "is this person a member", used by planning, the queue
//! rules, settling and the app.

use std::collections::HashSet;

use super::Participant;

/// The members of one group as last read, keyed by who they are (today the wa_id).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Members {
    keys: HashSet<String>,
}

impl Members {
    /// Members from the participants the server listed.
    pub fn of<'a>(people: impl IntoIterator<Item = &'a Participant>) -> Members {
        Members {
            keys: people.into_iter().map(|p| key(p).to_owned()).collect(),
        }
    }

    /// Members from wa_ids as the server lists them (`15551234567`, with or without `+`).
    pub fn of_wa_ids<'a>(wa_ids: impl IntoIterator<Item = &'a str>) -> Members {
        Members {
            keys: wa_ids
                .into_iter()
                .map(|w| w.trim().trim_start_matches('+').to_owned())
                .collect(),
        }
    }

    /// Whether `p` is one of them.
    pub fn contains(&self, p: &Participant) -> bool {
        self.keys.contains(key(p))
    }

    /// How many members.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

fn key(p: &Participant) -> &str {
    p.wa_id()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_found_whatever_form_the_server_used() {
        let p = Participant::from_wa_id("12025550143").expect("wa_id");
        assert!(Members::of_wa_ids(["+12025550143"]).contains(&p));
        assert!(Members::of_wa_ids(["12025550143"]).contains(&p));
        assert!(Members::of([&p]).contains(&p));
        assert!(!Members::of_wa_ids(["12025550144"]).contains(&p));
    }
}
