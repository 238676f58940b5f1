//! Groups named on the command line (`--group`, `groups show`): an id, or the subject of one
//! group of the mirror, found by `domain::GroupNames` like every other place a group is named.

use super::local::store_failure;
use crate::config::Settings;
use crate::domain::GroupNames;
use crate::exit::Failure;
use crate::store::AccountStore;

/// How the mirror names its groups (for labels and for subjects typed).
pub async fn names(store: &AccountStore) -> Result<GroupNames, Failure> {
    let groups = store.groups().await.map_err(store_failure)?;
    Ok(GroupNames::new(groups.iter().map(|g| {
        (g.id.clone(), g.subject.as_str(), g.gone_at.is_some())
    })))
}

/// How the local mirror of the configured account names its groups (no token needed): for a
/// command that resolves its groups before it knows whether it sends.
pub async fn local_names(settings: &Settings) -> Result<GroupNames, Failure> {
    names(&super::local::open(settings).await?).await
}

/// The group `text` names for the option `option` (`--group`): an input error (exit 2) when
/// the subject is ambiguous (every candidate listed) or the text is neither a subject nor an id.
/// A group id the mirror does not know (while it knows others) is taken, with a note on
/// stderr: a group made since the last `groups sync`, or a mistake the server will name.
pub fn resolve(names: &GroupNames, option: &str, text: &str) -> Result<String, Failure> {
    let id = names
        .resolve(text)
        .map_err(|e| Failure::input(format!("{option}: {e}")))?;
    if !names.knows(&id) && !names.is_empty() {
        say_err!(
            "note: {option}: no group of the mirror has the id or subject \"{}\"; it is taken as the id of a group not read yet (`groups sync` reads new groups)",
            crate::domain::text::sanitize(&id)
        );
    }
    Ok(id)
}

/// The group of an option that may be left out.
pub fn resolve_opt(
    names: &GroupNames,
    option: &str,
    text: Option<&String>,
) -> Result<Option<String>, Failure> {
    text.map(|t| resolve(names, option, t)).transpose()
}

/// Every group of a repeated option, each resolved.
pub fn resolve_all(
    names: &GroupNames,
    option: &str,
    texts: &[String],
) -> Result<Vec<String>, Failure> {
    texts.iter().map(|t| resolve(names, option, t)).collect()
}
