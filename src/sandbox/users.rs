//! What simulated WhatsApp users do to groups, and what WhatsApp itself does to them
//! (suspensions), with the webhooks each causes: one path for the test hooks and for the
//! in-process API of `Sandbox`.

use super::people::{Person, UserRef, is_username, normalise_phone};
use super::shared::Shared;
use super::state::{UserError, now};
use super::webhook::{Field, events};

/// A user as a hook or test names them: a phone number, and optionally how they appear.
#[derive(Clone, Debug, Default)]
pub struct User<'a> {
    /// `+digits` or digits (a wa_id).
    pub phone: &'a str,
    /// Their WhatsApp username (3 to 30 of `a-z 0-9 . _`); kept from now on.
    pub username: Option<&'a str>,
    /// Hide their phone number from the business (needs a username); `None` keeps what the
    /// sandbox decided (`--hidden-phone-rate`).
    pub hide_phone: Option<bool>,
}

/// Checks the user and records what they said of themselves; returns their wa_id.
fn register(shared: &Shared, user: &User<'_>) -> Result<String, UserError> {
    let wa_id = normalise_phone(user.phone.trim()).ok_or_else(|| {
        UserError::Invalid(format!(
            "user `{}` is not a phone number (+ and 7 to 15 digits)",
            user.phone
        ))
    })?;
    if let Some(name) = user.username
        && !is_username(name)
    {
        return Err(UserError::Invalid(format!(
            "username `{name}` is not 3 to 30 of a-z, 0-9, . and _ starting with a letter"
        )));
    }
    let mut groups = shared.groups();
    if user.hide_phone == Some(true)
        && user.username.is_none()
        && groups.people.person(&wa_id).username.is_none()
    {
        return Err(UserError::Invalid(
            "a phone number is hidden only for users with a username".to_owned(),
        ));
    }
    groups
        .people
        .set_profile(&wa_id, user.username, user.hide_phone);
    Ok(wa_id)
}

/// The wa_id of a member named by phone or BSUID.
fn member(shared: &Shared, group_id: &str, user: &str) -> Result<String, UserError> {
    let user = UserRef::parse(user.trim()).ok_or_else(|| {
        UserError::Invalid(format!("user `{user}` is not a phone number or a BSUID"))
    })?;
    let mut groups = shared.groups();
    let members = groups
        .get(group_id)
        .map(|g| g.members.clone())
        .ok_or(UserError::UnknownGroup)?;
    match groups.people.find_member(&user, &members) {
        Some(wa_id) => Ok(wa_id),
        None => match user {
            UserRef::Phone(wa_id) => Ok(wa_id),
            UserRef::Bsuid(_) => Err(UserError::NotAMember),
        },
    }
}

/// The user taps a live invite link of an `auto_approve` group and is in
/// (`group_participants_add`, reason `invite_link`). Returns the group id and who joined.
pub fn join_by_link(
    shared: &Shared,
    link: &str,
    user: &User<'_>,
) -> Result<(String, Person), UserError> {
    let wa_id = register(shared, user)?;
    let (group_id, person) = {
        let mut groups = shared.groups();
        let group_id = groups.join_by_link(link, &wa_id)?;
        (group_id, groups.people.person(&wa_id))
    };
    let item = events::joined(now(), &group_id, std::slice::from_ref(&person));
    shared.emit(Field::Participants, item);
    Ok((group_id, person))
}

/// The user taps a live link of an `approval_required` group: a join request
/// (`group_join_request_created` when it is new). Returns the group id and the request id.
pub fn ask_to_join(
    shared: &Shared,
    link: &str,
    user: &User<'_>,
) -> Result<(String, String), UserError> {
    let wa_id = register(shared, user)?;
    let at = now();
    let (group_id, request_id, new, person) = {
        let mut groups = shared.groups();
        let (group_id, request_id, new) = groups.ask_to_join(link, &wa_id, at)?;
        (group_id, request_id, new, groups.people.person(&wa_id))
    };
    if new {
        let item = events::join_request(at, &group_id, &request_id, &person, true);
        shared.emit(Field::Participants, item);
    }
    Ok((group_id, request_id))
}

/// The user withdraws their pending request (`group_join_request_revoked`). Returns its id.
pub fn withdraw_request(shared: &Shared, group_id: &str, user: &str) -> Result<String, UserError> {
    let wa_id = normalise_phone(user.trim())
        .ok_or_else(|| UserError::Invalid(format!("user `{user}` is not a phone number")))?;
    let (request_id, person) = {
        let mut groups = shared.groups();
        let request_id = groups.withdraw_request(group_id, &wa_id)?;
        (request_id, groups.people.person(&wa_id))
    };
    let item = events::join_request(now(), group_id, &request_id, &person, false);
    shared.emit(Field::Participants, item);
    Ok(request_id)
}

/// A member (by phone or BSUID) leaves (`group_participants_remove`, initiated by the
/// participant). Returns who left.
pub fn leave(shared: &Shared, group_id: &str, user: &str) -> Result<Person, UserError> {
    let wa_id = member(shared, group_id, user)?;
    let person = {
        let mut groups = shared.groups();
        groups.leave(group_id, &wa_id)?;
        groups.people.person(&wa_id)
    };
    shared.emit(Field::Participants, events::left(now(), group_id, &person));
    Ok(person)
}

/// WhatsApp suspends a group or lifts it (`group_suspend` / `group_suspend_cleared` when it
/// changes). Returns whether it changed.
pub fn set_suspended(shared: &Shared, group_id: &str, suspended: bool) -> Result<bool, UserError> {
    let changed = shared
        .groups()
        .set_suspended(group_id, suspended)
        .ok_or(UserError::UnknownGroup)?;
    if changed {
        let item = events::suspension(now(), group_id, suspended);
        shared.emit(Field::Status, item);
    }
    Ok(changed)
}
