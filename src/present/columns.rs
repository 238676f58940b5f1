//! Columns of the plain text tables the commands print (and the app's lists): each as wide as
//! its widest cell, so a long group id, join request id, BSUID or username never pushes a row
//! out of line; a cell wider than its column's bound is cut with `…`. Widths count characters
//! (ids, phone numbers, BSUIDs and usernames are ASCII).

/// How wide a column shows `cells` under `header`: its widest cell, at least the header and
/// `min` characters, at most `max` (for a column that may be cut; `usize::MAX` for one that
/// never is, such as an id the operator types back).
pub fn width<'a>(
    header: &str,
    cells: impl IntoIterator<Item = &'a str>,
    min: usize,
    max: usize,
) -> usize {
    cells
        .into_iter()
        .map(|c| c.chars().count())
        .chain([header.chars().count(), min])
        .max()
        .unwrap_or(0)
        .min(max.max(1))
}

/// `text` in at most `width` characters: whole when it fits, else cut with `…` at the end.
pub fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_is_as_wide_as_its_widest_cell_within_its_bounds() {
        let cells = ["SlJRXzAwMQ", "SlJRXzAwMTIzNDU2Nzg5MDEyMzQ1Njc4OTA"];
        assert_eq!(width("JOIN REQUEST", cells, 0, usize::MAX), 35);
        assert_eq!(
            width("JOIN REQUEST", ["a"], 0, usize::MAX),
            12,
            "the header"
        );
        assert_eq!(width("WHO", ["+15550100002"], 16, 48), 16, "the least");
        assert_eq!(width("WHO", [&*"x".repeat(90)], 16, 48), 48, "the most");
        assert_eq!(width("", std::iter::empty(), 0, 0), 0);
    }

    #[test]
    fn a_cell_too_wide_is_cut_with_an_ellipsis_and_others_are_whole() {
        assert_eq!(
            fit("US.13491208655302741918 @nora_b7", 16),
            "US.134912086553…"
        );
        assert_eq!(
            fit("US.13491208655302741918 @nora_b7", 16).chars().count(),
            16
        );
        assert_eq!(fit("+15550100002", 16), "+15550100002");
        assert_eq!(fit("Büro ☕", 6), "Büro ☕");
        assert_eq!(fit("Büro ☕ und mehr", 6), "Büro …");
    }
}
