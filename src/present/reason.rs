//! The server's reason for a failure in a line the operator reads: its code and message, with
//! the group's id (Meta's messages name groups by id) replaced by the label the line already
//! names it by.

use crate::domain::text::sanitize;

/// `131207 Group is suspended: Group Book Club (Q4) is suspended and cannot be changed`: the
/// code and the message, where the message names `group_id` by `label` instead; `None` when
/// the server gave neither. The detail views keep the message as it came. Made safe for a
/// terminal.
pub fn server_reason(
    code: Option<i64>,
    message: Option<&str>,
    group_id: &str,
    label: &str,
) -> Option<String> {
    let message = message.map(|m| {
        let m = sanitize(m);
        if group_id.is_empty() || label.is_empty() || label == group_id {
            m
        } else {
            m.replace(&sanitize(group_id), label)
        }
    });
    match (code, message) {
        (Some(c), Some(m)) if !m.is_empty() => Some(format!("{c} {m}")),
        (Some(c), _) => Some(c.to_string()),
        (None, Some(m)) => Some(m),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_group_id_in_a_message_reads_as_its_label() {
        let id = "Y2FwaV9ncm91cDoxMDAwMDAwMDAwMDAwMDE6MTIz";
        assert_eq!(
            server_reason(
                Some(131207),
                Some(&format!("Group is suspended: Group {id} is suspended")),
                id,
                "Book Club (Q4)"
            )
            .as_deref(),
            Some("131207 Group is suspended: Group Book Club (Q4) is suspended")
        );
        assert_eq!(
            server_reason(Some(131203), None, id, "Book Club").as_deref(),
            Some("131203")
        );
        assert_eq!(
            server_reason(None, Some("terms\u{1b}[2J"), "", "").as_deref(),
            Some("terms^[[2J")
        );
        assert_eq!(server_reason(None, None, id, "Book Club"), None);
    }
}
