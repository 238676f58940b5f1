//! A group's life as the business runs it: create, settings, invite links, delete, and the
//! suspensions WhatsApp imposes.

use super::{ApprovalMode, Group, Groups};
use crate::sandbox::ids;

/// Why a call on one group cannot be served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupError {
    /// 131041.
    Unknown,
    /// 131207.
    Suspended,
}

/// Why a create is refused (at once) or fails (in its webhook).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CreateError {
    /// 131211: the number has as many groups as it may have.
    LimitReached,
    /// 131214: creation is temporarily disabled for the number.
    CreationDisabled,
}

/// What a create asks for, already checked.
#[derive(Clone, Debug)]
pub struct NewGroup {
    pub subject: String,
    pub description: String,
    pub mode: ApprovalMode,
}

/// How a create ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CreateOutcome {
    Created {
        group_id: String,
        invite_link: String,
    },
    Failed(CreateError),
}

/// The outcome of one field of a settings update: the text asked for and, when it was not
/// applied, why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldUpdate {
    pub text: String,
    pub error: Option<String>,
}

/// What a settings update did, field by field (only the fields sent).
#[derive(Clone, Debug, Default)]
pub struct SettingsOutcome {
    pub subject: Option<FieldUpdate>,
    pub description: Option<FieldUpdate>,
    /// SHA-256 (hex) of the photo applied.
    pub photo_sha256: Option<String>,
}

/// Longest subject and description, in characters (R, C).
pub const MAX_SUBJECT: usize = 128;
pub const MAX_DESCRIPTION: usize = 2048;

/// A subject as Meta keeps it (trimmed), or why it cannot be one.
pub fn check_subject(text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    let chars = trimmed.chars().count();
    if chars == 0 {
        Err("subject must not be empty".to_owned())
    } else if chars > MAX_SUBJECT {
        Err(format!(
            "subject has {chars} characters; at most {MAX_SUBJECT} are allowed"
        ))
    } else {
        Ok(trimmed.to_owned())
    }
}

/// A description, or why it cannot be one.
pub fn check_description(text: &str) -> Result<String, String> {
    let chars = text.chars().count();
    if chars > MAX_DESCRIPTION {
        Err(format!(
            "description has {chars} characters; at most {MAX_DESCRIPTION} are allowed"
        ))
    } else {
        Ok(text.to_owned())
    }
}

/// Checks one field and, when it passes, sets it.
fn apply(text: &str, check: fn(&str) -> Result<String, String>, slot: &mut String) -> FieldUpdate {
    match check(text) {
        Ok(value) => {
            slot.clone_from(&value);
            FieldUpdate {
                text: value,
                error: None,
            }
        }
        Err(why) => FieldUpdate {
            text: text.to_owned(),
            error: Some(why),
        },
    }
}

impl Groups {
    /// The group, if it exists and is not suspended.
    pub fn open_group(&self, group_id: &str) -> Result<&Group, GroupError> {
        match self.get(group_id) {
            None => Err(GroupError::Unknown),
            Some(g) if g.suspended => Err(GroupError::Suspended),
            Some(g) => Ok(g),
        }
    }

    /// Whether a create may be accepted now (checked when it is asked for).
    pub fn may_create(&self) -> Result<(), CreateError> {
        if !self.account.creation_enabled {
            return Err(CreateError::CreationDisabled);
        }
        if self.len() >= self.group_limit {
            return Err(CreateError::LimitReached);
        }
        Ok(())
    }

    /// Makes the group a create asked for (a moment after it was accepted): at the end of the
    /// list, the business its only member, with a fresh invite link. Fails when the limit was
    /// reached meanwhile.
    pub fn complete_create(&mut self, request_id: &str, new: NewGroup, at: u64) -> CreateOutcome {
        if let Err(e) = self.may_create() {
            return CreateOutcome::Failed(e);
        }
        let id = Self::fresh_id(&self.by_id, &self.phone_number_id, &mut self.rng);
        let mut group = Group::new(id.clone(), new.subject, new.description, at);
        group.join_approval_mode = new.mode;
        self.add(group);
        self.created_by_request
            .insert(request_id.to_owned(), id.clone());
        let invite_link = self.reset_invite_link(&id).unwrap_or_default();
        CreateOutcome::Created {
            group_id: id,
            invite_link,
        }
    }

    /// Applies the fields sent (each checked on its own) and the photo.
    pub fn update_settings(
        &mut self,
        group_id: &str,
        subject: Option<&str>,
        description: Option<&str>,
        photo_sha256: Option<String>,
    ) -> Result<SettingsOutcome, GroupError> {
        self.open_group(group_id)?;
        let group = self.get_mut(group_id).ok_or(GroupError::Unknown)?;
        let subject = subject.map(|text| apply(text, check_subject, &mut group.subject));
        let description =
            description.map(|text| apply(text, check_description, &mut group.description));
        if let Some(sha) = &photo_sha256 {
            group.photo_sha256 = Some(sha.clone());
        }
        Ok(SettingsOutcome {
            subject,
            description,
            photo_sha256,
        })
    }

    /// Deletes an open group (members, link and join requests with it).
    pub fn delete_group(&mut self, group_id: &str) -> Result<(), GroupError> {
        self.open_group(group_id)?;
        self.remove(group_id);
        Ok(())
    }

    /// The live invite link, issuing one when the group has none (after a delete).
    pub fn invite_link(&mut self, group_id: &str) -> Result<String, GroupError> {
        match &self.open_group(group_id)?.invite_link {
            Some(link) => Ok(link.clone()),
            None => self.reset_invite_link(group_id),
        }
    }

    /// A new invite link; every earlier one stops working (R, §1.6).
    pub fn reset_invite_link(&mut self, group_id: &str) -> Result<String, GroupError> {
        self.open_group(group_id)?;
        let link = loop {
            let link = ids::invite_link(&mut self.rng);
            if !self.links.contains_key(&link) {
                break link;
            }
        };
        let group = self.by_id.get_mut(group_id).ok_or(GroupError::Unknown)?;
        if let Some(old) = group.invite_link.replace(link.clone()) {
            self.links.remove(&old);
        }
        self.links.insert(link.clone(), group_id.to_owned());
        Ok(link)
    }

    /// Revokes the live link; the group has none until one is asked for.
    pub fn delete_invite_link(&mut self, group_id: &str) -> Result<(), GroupError> {
        self.open_group(group_id)?;
        let group = self.by_id.get_mut(group_id).ok_or(GroupError::Unknown)?;
        if let Some(old) = group.invite_link.take() {
            self.links.remove(&old);
        }
        Ok(())
    }

    /// Suspends a group or lifts its suspension; `None` for an unknown group, else whether
    /// anything changed.
    pub fn set_suspended(&mut self, group_id: &str, suspended: bool) -> Option<bool> {
        let group = self.by_id.get_mut(group_id)?;
        let changed = group.suspended != suspended;
        group.suspended = suspended;
        Some(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_group(subject: &str) -> NewGroup {
        NewGroup {
            subject: subject.to_owned(),
            description: String::new(),
            mode: ApprovalMode::ApprovalRequired,
        }
    }

    #[test]
    fn creates_count_against_the_limit_when_asked_and_when_done() {
        let mut groups = Groups::seeded("1", 2, 1);
        groups.group_limit = 3;
        assert_eq!(groups.may_create(), Ok(()));
        let made = groups.complete_create("r1", new_group("A"), 5);
        let CreateOutcome::Created {
            group_id,
            invite_link,
        } = made
        else {
            panic!("{made:?}");
        };
        assert!(invite_link.starts_with("https://chat.whatsapp.com/"));
        assert_eq!(groups.created_by("r1"), Some(group_id.as_str()));
        assert_eq!(groups.group_of_link(&invite_link), Some(group_id.as_str()));
        assert_eq!(groups.may_create(), Err(CreateError::LimitReached));
        assert_eq!(
            groups.complete_create("r2", new_group("B"), 6),
            CreateOutcome::Failed(CreateError::LimitReached)
        );
        groups.group_limit = 10;
        groups.account.creation_enabled = false;
        assert_eq!(groups.may_create(), Err(CreateError::CreationDisabled));
    }

    #[test]
    fn settings_apply_field_by_field_and_suspension_closes_the_group() {
        let mut groups = Groups::seeded("1", 0, 1);
        let id = groups.insert("Old", &[], 0);
        let long = "x".repeat(MAX_DESCRIPTION + 1);
        let outcome = groups
            .update_settings(&id, Some("  New name  "), Some(&long), None)
            .expect("open");
        assert_eq!(outcome.subject.map(|f| f.error), Some(None));
        assert!(outcome.description.is_some_and(|f| f.error.is_some()));
        assert_eq!(
            groups.get(&id).map(|g| g.subject.as_str()),
            Some("New name")
        );
        assert!(check_subject(&"é".repeat(MAX_SUBJECT)).is_ok());
        assert!(check_subject(&"é".repeat(MAX_SUBJECT + 1)).is_err());
        assert!(check_subject("   ").is_err());
        assert_eq!(groups.set_suspended(&id, true), Some(true));
        assert_eq!(groups.invite_link(&id), Err(GroupError::Suspended));
        assert_eq!(groups.delete_group(&id), Err(GroupError::Suspended));
        assert_eq!(groups.set_suspended(&id, false), Some(true));
        let link = groups.invite_link(&id).expect("open");
        assert_eq!(groups.invite_link(&id).as_deref(), Ok(link.as_str()));
        assert_eq!(groups.delete_invite_link(&id), Ok(()));
        assert_eq!(groups.group_of_link(&link), None);
        assert_ne!(groups.invite_link(&id).as_deref(), Ok(link.as_str()));
        assert_eq!(groups.delete_group(&id), Ok(()));
        assert_eq!(groups.delete_group(&id), Err(GroupError::Unknown));
    }
}
