//! Columns of the plain text tables the commands print (and the app's lists): each as wide as
//! its widest cell, so a long group id, join request id, BSUID or username never pushes a row
//! out of line; a cell wider than its column's bound is cut with `…`. Widths count characters
//! (ids, phone numbers, BSUIDs and usernames are ASCII). A group's label is cut in its middle, so
//! the ending that tells two groups apart stays.

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

/// `text` in at most `width` characters, cut in its middle with `…` when it does not fit: for
/// a group's label, whose end (the id's ending that tells two groups of one subject apart)
/// must stay.
pub fn fit_keeping_end(text: &str, width: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= width {
        return text.to_owned();
    }
    let tail = width / 3;
    let head = width.saturating_sub(tail + 1);
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[chars.len() - tail..]);
    out
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

    #[test]
    fn a_label_too_wide_keeps_its_ending() {
        let label = "Cedar Park Neighbours of the North Side …Xk3Q";
        let cut = fit_keeping_end(label, 24);
        assert_eq!(cut.chars().count(), 24);
        assert_eq!(cut, "Cedar Park Neig…de …Xk3Q");
        assert_eq!(fit_keeping_end("Büro ☕", 6), "Büro ☕");
    }
}
