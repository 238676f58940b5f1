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

/// How a column of a [`table`] gives up room when the table is wider than its room.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    /// Never cut (an id the operator types back).
    Whole,
    /// Cut at its end with `…`, down to the column's least width.
    Cut,
    /// Cut in its middle ([`fit_keeping_end`]), down to the column's least width: a group's
    /// label.
    CutKeepingEnd,
}

/// A column of a [`table`]: its header, its least and most widths, how it gives up room, and
/// whether it is aligned to the right (a number).
#[derive(Clone, Copy, Debug)]
pub struct Column<'a> {
    pub header: &'a str,
    pub min: usize,
    pub max: usize,
    pub fit: Fit,
    pub right: bool,
}

impl<'a> Column<'a> {
    /// A column `header` that gives up room by `fit`, within `min..=max` characters.
    pub fn new(header: &'a str, fit: Fit, min: usize, max: usize) -> Column<'a> {
        Column {
            header,
            min,
            max,
            fit,
            right: false,
        }
    }

    /// The column aligned to the right.
    pub fn right(self) -> Column<'a> {
        Column {
            right: true,
            ..self
        }
    }
}

/// The least room the last column takes beside the others; with less, it goes under its row.
pub const LAST_MIN: usize = 16;

/// The columns of a table are parted by this.
const GAP: &str = "  ";

/// A table in at most `room` characters a line where its cells allow it: the header, then a
/// line per row. Each column of `columns` is as wide as its widest cell within its bounds;
/// when the line is wider than `room`, the columns that may be cut give up room, the widest
/// first, down to their least width. The last column is not padded: free text (any [`Fit`]
/// but `Whole`) is wrapped at its place in what room is left, an id (`Whole`) is never
/// broken; when the others leave it too little room ([`LAST_MIN`] for text, all of it for an
/// id), it goes on lines of its own under its row (and its header under the header),
/// indented. Columns that are never cut may still make a line wider than `room` (then the
/// others are not cut either: it would gain nothing).
pub fn table(columns: &[Column], rows: &[Vec<String>], room: usize) -> Vec<String> {
    let Some((last, before)) = columns.split_last() else {
        return Vec::new();
    };
    let mut widths: Vec<usize> = before
        .iter()
        .enumerate()
        .map(|(i, c)| width(c.header, rows.iter().map(|r| cell(r, i)), c.min, c.max))
        .collect();
    let used = |widths: &[usize]| widths.iter().map(|w| w + GAP.len()).sum::<usize>();
    let last_wants = width(
        last.header,
        rows.iter().map(|r| cell(r, before.len())),
        last.min,
        last.max,
    );
    // What the last column needs beside the others: nothing when no row has anything in it
    // (its header then shows only where there is room), all of it when it is never cut (an
    // id), else the least a wrapped text reads well in.
    let empty = rows.iter().all(|r| cell(r, before.len()).is_empty());
    let beside = if empty {
        0
    } else if last.fit == Fit::Whole {
        last_wants
    } else {
        last_wants.min(LAST_MIN.max(last.min))
    };
    let least: Vec<usize> = before
        .iter()
        .zip(&widths)
        .map(|(c, w)| match c.fit {
            Fit::Whole => *w,
            Fit::Cut | Fit::CutKeepingEnd => (*w).min(c.min.max(c.header.chars().count())),
        })
        .collect();
    let under = used(&least) + beside > room;
    // When even the least is too wide (a long id), cutting the others gains nothing.
    let goal = match (under, used(&least) > room) {
        (_, true) => usize::MAX,
        (true, false) => room,
        (false, false) => room - beside,
    };
    // The widest column that may be cut gives up a character at a time, down to its least.
    while used(&widths) > goal {
        let widest = widths
            .iter()
            .zip(&least)
            .enumerate()
            .filter(|(_, (w, least))| w > least)
            .max_by_key(|(_, (w, _))| **w)
            .map(|(i, _)| i);
        match widest {
            Some(i) => widths[i] -= 1,
            None => break,
        }
    }
    let indent = 4;
    let last_room = match (last.fit, under) {
        (Fit::Whole, _) => usize::MAX,
        (_, true) => room.saturating_sub(indent).max(LAST_MIN),
        (_, false) => room.saturating_sub(used(&widths)),
    };
    let line = |cells: &[String], last_text: &str| -> Vec<String> {
        let mut head = String::new();
        for ((c, w), text) in before.iter().zip(&widths).zip(cells) {
            let text = match c.fit {
                Fit::Whole => text.clone(),
                Fit::Cut => fit(text, *w),
                Fit::CutKeepingEnd => fit_keeping_end(text, *w),
            };
            if c.right {
                head.push_str(&format!("{text:>w$}{GAP}"));
            } else {
                head.push_str(&format!("{text:<w$}{GAP}"));
            }
        }
        let wrapped = wrap_words(last_text, last_room);
        if under {
            let mut out = vec![head.trim_end().to_owned()];
            out.extend(
                wrapped
                    .iter()
                    .filter(|l| !l.is_empty())
                    .map(|l| format!("{:indent$}{l}", "")),
            );
            out
        } else {
            let pad = head.chars().count();
            let mut out = Vec::new();
            for (n, l) in wrapped.iter().enumerate() {
                if n == 0 {
                    out.push(format!("{head}{l}").trim_end().to_owned());
                } else {
                    out.push(format!("{:pad$}{l}", ""));
                }
            }
            out
        }
    };
    let headers: Vec<String> = before.iter().map(|c| c.header.to_owned()).collect();
    let last_header = if empty && used(&widths) + last.header.chars().count() > room {
        ""
    } else {
        last.header
    };
    let mut out = line(&headers, last_header);
    for row in rows {
        let cells: Vec<String> = (0..before.len()).map(|i| cell(row, i).to_owned()).collect();
        out.extend(line(&cells, cell(row, before.len())));
    }
    out
}

/// A [`table`] with every cell whole, on one line a row: for a pipe or a file, which `grep`,
/// `cut` and `awk` read a line at a time (nothing is cut or wrapped; columns stay aligned).
pub fn whole_table(columns: &[Column], rows: &[Vec<String>]) -> Vec<String> {
    let whole: Vec<Column> = columns
        .iter()
        .map(|c| Column {
            max: usize::MAX,
            ..*c
        })
        .collect();
    table(&whole, rows, usize::MAX)
}

fn cell(row: &[String], i: usize) -> &str {
    row.get(i).map_or("", String::as_str)
}

/// `text` in lines of at most `width` characters, broken between words where it can be, else
/// within a word; one empty line for no text.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut word: Vec<char> = word.chars().collect();
        let len = line.chars().count();
        if len > 0 && len + 1 + word.len() <= width {
            line.push(' ');
            line.extend(&word);
            continue;
        }
        if len > 0 {
            out.push(std::mem::take(&mut line));
        }
        // A word wider than the line (a request path, a URL) is cut before its last `/`
        // that fits, so an id and the words of a path stay whole; else at the width.
        while word.len() > width {
            let cut = word[..width]
                .iter()
                .rposition(|c| *c == '/')
                .filter(|&i| i > 0)
                .unwrap_or(width);
            out.push(word.drain(..cut).collect());
        }
        line = word.into_iter().collect();
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request path wider than the line is cut before a `/`: the group id and
    /// `participants` stay whole (a dry run at 80 columns cut inside `participants`).
    #[test]
    fn a_long_path_is_cut_at_a_slash() {
        let id = "Y2FwaV9ncm91cDoxMDAwMDAwMDAwMDAwMDE6NjYyNjQwOTY4NjU2MjU4NTMx";
        let path = format!("/v23.0/{id}/participants");
        let lines = wrap_words(&format!("POST {path} +5511987654321"), 72);
        assert_eq!(
            lines,
            [
                "POST".to_owned(),
                format!("/v23.0/{id}"),
                "/participants +5511987654321".to_owned()
            ]
        );
        // No `/` to cut at: cut at the width.
        assert_eq!(wrap_words("abcdefgh", 3), ["abc", "def", "gh"]);
    }

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| (*c).to_owned()).collect()
    }

    /// Into a pipe: the same table with nothing cut or wrapped, a row a line, still aligned.
    #[test]
    fn a_whole_table_keeps_every_cell_on_its_rows_line() {
        let columns = [
            Column::new("ID", Fit::Whole, 0, usize::MAX),
            Column::new("SUBJECT", Fit::CutKeepingEnd, 8, 30),
        ];
        let long = "Cedar Park Neighbours of the North Side and the Riverside Walk";
        let rows = [
            row(&["Y2FwaV9ncm91cDox", long]),
            row(&["Y2FwaV9ncm91cDoy", "Choir"]),
        ];
        let lines = whole_table(&columns, &rows);
        assert_eq!(lines.len(), 3, "{lines:#?}");
        assert_eq!(lines[1], format!("Y2FwaV9ncm91cDox  {long}"));
        assert_eq!(lines[2], "Y2FwaV9ncm91cDoy  Choir");
        // Fitted to 40 columns, the same subject is wrapped or cut.
        assert!(table(&columns, &rows, 40).iter().all(|l| !l.contains(long)));
    }

    #[test]
    fn a_wide_table_cuts_what_may_be_cut_and_wraps_its_last_column_in_its_room() {
        let columns = [
            Column::new("ID", Fit::Whole, 0, usize::MAX).right(),
            Column::new("GROUP", Fit::CutKeepingEnd, 8, 40),
            Column::new("WHO", Fit::Cut, 12, 48),
            Column::new("NOTE", Fit::Cut, 0, usize::MAX),
        ];
        let rows = [row(&[
            "12",
            "Cedar Park Neighbours of the North Side …Xk3Q",
            "US.13491208655302741918 @nora_b7",
            "would be 9 of 8 members: 8 now, 3 add(s) already pending; held back until the group has room",
        ])];
        let lines = table(&columns, &rows, 80);
        for l in &lines {
            assert!(l.chars().count() <= 80, "{l}");
        }
        assert!(lines[1].starts_with("12  Cedar Park"), "{lines:?}");
        assert!(
            lines[1].contains("…Xk3Q  US.1349"),
            "the ending stays: {lines:?}"
        );
        let note_at = lines[0].find("NOTE").expect("header");
        assert!(lines.len() > 2, "the note wraps: {lines:?}");
        assert!(
            lines[2].chars().take(note_at).all(|c| c == ' '),
            "{lines:?}"
        );
        let note: Vec<String> = lines[1..]
            .iter()
            .map(|l| {
                l.chars()
                    .skip(note_at)
                    .collect::<String>()
                    .trim()
                    .to_owned()
            })
            .collect();
        assert_eq!(
            note.join(" "),
            "would be 9 of 8 members: 8 now, 3 add(s) already pending; held back until the group has room"
        );
    }

    #[test]
    fn a_last_column_with_no_room_beside_goes_under_its_row_whole() {
        let id = "MTAwMDAwMDAwMDAwMDAxOjk0NTY3NjU4OTc2MDQ0MDg0NA";
        let columns = [
            Column::new("GROUP", Fit::Whole, 0, usize::MAX),
            Column::new("JOIN REQUEST", Fit::Whole, 0, usize::MAX),
        ];
        let rows = [row(&[&"G".repeat(70), id])];
        let lines = table(&columns, &rows, 80);
        assert_eq!(lines[1], "    JOIN REQUEST");
        assert_eq!(lines[3], format!("    {id}"));
        // Narrow enough: beside, as usual.
        let rows = [row(&["Book Club", id])];
        let lines = table(&columns, &rows, 80);
        assert_eq!(
            lines,
            ["GROUP      JOIN REQUEST", &format!("Book Club  {id}")]
        );
    }

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
