//! A new group's subject that groups of the mirror already have: said the same by the app's
//! dialog and `groups create`.

use crate::domain::text::sanitize;

/// The note on a new subject other groups already have (`groups`: each one's label and id):
/// they will be told apart by the end of their ids, and the subject alone names none of them.
pub fn subject_shared(subject: &str, groups: &[(String, String)]) -> String {
    let labels: Vec<String> = groups
        .iter()
        .map(|(label, id)| format!("{label} ({})", sanitize(id)))
        .collect();
    format!(
        "\"{}\" is already the subject of {}; the groups will be told apart by the end of their ids",
        sanitize(subject.trim()),
        labels.join(", ")
    )
}
