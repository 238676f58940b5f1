//! The add dialog: numbers typed or pasted for a group, or for each of the picked groups
//! (spaces, commas, new lines), each checked as it is typed, with the reason for a bad one
//! (wrapped, read whole); the keymap's confirm queues the valid ones.

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::style::Style;

use crate::domain::OpSpec;
use crate::domain::list::ReadCache;
use crate::domain::{Members, OperationKind, Participant, Region};
use crate::tui::action::Action;
use crate::tui::key::typed;
use crate::tui::msg::Effect;
use crate::tui::numbers::{self, Piece, PieceOutcome};
use crate::tui::text::Tone;
use crate::tui::theme;
use crate::tui::views::{Ctx, ViewMsg};
use crate::tui::widgets::{frame, put, wrap};

use super::Answer;

/// The text can not grow past this (a paste of a few thousand numbers).
pub const MAX_INPUT: usize = 100_000;

/// The add dialog: the groups, the text typed or pasted, and each number checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddInput {
    /// The groups the numbers are added to (the picked ones, or the selected one).
    pub groups: Vec<String>,
    /// How the title names them: a group's label, or `3 groups`.
    pub title: String,
    /// The groups' labels, in `groups`' order, shown under the text when there are several
    /// (`into: Brookfield Parents, Cedar Park Neighbours …NDUy and 3 more`); empty for one.
    pub labels: Vec<String>,
    /// Members of the group as the mirror knows them, when there is one group.
    pub members: Members,
    /// Those of `members` with a removal pending (an add of them withdraws it).
    pub leaving: Members,
    pub text: String,
    pub pieces: Vec<Piece>,
    pub scroll: usize,
    /// Why some picked groups are not among `groups` (`1 picked group left out, gone from the
    /// server: Old Committee`), shown in the dialog as long as it is open; empty when none is.
    pub left_out: String,
    /// The readings of the text's chunks, kept between keys.
    cache: ReadCache,
    /// Room left in the group (one group only): 8 less its members and the adds pending, plus
    /// the removals pending; `None` when not known (several groups).
    pub room: Option<usize>,
}

impl AddInput {
    pub fn new(groups: Vec<String>, title: String, members: Members) -> AddInput {
        AddInput {
            groups,
            title,
            labels: Vec::new(),
            members,
            leaving: Members::default(),
            text: String::new(),
            pieces: Vec::new(),
            scroll: 0,
            left_out: String::new(),
            cache: ReadCache::default(),
            room: None,
        }
    }

    /// The dialog, saying which picked groups it leaves out and why.
    pub fn leaving_out(self, left_out: String) -> AddInput {
        AddInput { left_out, ..self }
    }

    /// The dialog, knowing which members have a removal pending.
    pub fn with_leaving(self, leaving: Members) -> AddInput {
        AddInput { leaving, ..self }
    }

    /// The dialog, naming each of its groups by `labels` (in `groups`' order).
    pub fn naming(self, labels: Vec<String>) -> AddInput {
        AddInput { labels, ..self }
    }

    /// Takes a key or a paste: text is typed, the keymap's confirm queues the valid numbers,
    /// back or close leaves, clear empties, the scroll keys scroll the list.
    pub fn update(&mut self, ctx: &Ctx, msg: &ViewMsg) -> Vec<Answer> {
        let region = ctx.region;
        let (action, key) = match msg {
            ViewMsg::Paste(text) => {
                self.insert(text, region);
                return Vec::new();
            }
            ViewMsg::Key { action, key } => (*action, *key),
            _ => return Vec::new(),
        };
        if let Some(c) = typed(key) {
            self.insert(c.encode_utf8(&mut [0; 4]), region);
            return Vec::new();
        }
        if key.code == KeyCode::Backspace {
            self.backspace(region);
            return Vec::new();
        }
        match action {
            Some(Action::Back | Action::Close) => {
                vec![Answer::Close, Answer::notice(Tone::Plain, "nothing queued")]
            }
            Some(Action::Confirm) => self.queue(),
            Some(Action::Clear) => {
                self.clear();
                Vec::new()
            }
            Some(Action::ScrollDown) => {
                self.scroll = self.scroll.saturating_add(1).min(self.pieces.len());
                Vec::new()
            }
            Some(Action::ScrollUp) => {
                self.scroll = self.scroll.saturating_sub(1);
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// Queues the valid numbers, or says there is none.
    fn queue(&self) -> Vec<Answer> {
        let valid = self.valid();
        if valid.is_empty() {
            return vec![Answer::notice(Tone::Warn, "no valid number to queue")];
        }
        let ops = self
            .groups
            .iter()
            .flat_map(|group| {
                valid.iter().map(move |participant| {
                    OpSpec::for_participant(OperationKind::Add, group.clone(), participant.clone())
                })
            })
            .collect();
        vec![
            Answer::Close,
            Answer::Effect(Effect::Enqueue {
                ops,
                invalid: numbers::invalid(&self.pieces),
            }),
        ]
    }

    /// Appends typed or pasted text and checks it again.
    pub fn insert(&mut self, text: &str, region: Option<Region>) {
        let room = MAX_INPUT.saturating_sub(self.text.len());
        let mut end = text.len().min(room);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        // Line breaks of a paste become list separators; other control characters go.
        for c in text[..end].chars() {
            match c {
                '\r' | '\n' => {
                    if !self.text.ends_with('\n') {
                        self.text.push('\n');
                    }
                }
                '\t' => self.text.push(' '),
                c if c.is_control() => {}
                c => self.text.push(c),
            }
        }
        self.check(region);
    }

    pub fn backspace(&mut self, region: Option<Region>) {
        self.text.pop();
        self.check(region);
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.pieces.clear();
        self.scroll = 0;
    }

    /// Splits the text into numbers and checks each one.
    pub fn check(&mut self, region: Option<Region>) {
        self.pieces = numbers::check(
            &self.text,
            region,
            (&self.members, &self.leaving),
            &mut self.cache,
        );
    }

    /// The dialog, knowing how many more members its one group has room for.
    pub fn with_room(self, room: usize) -> AddInput {
        AddInput {
            room: Some(room),
            ..self
        }
    }

    /// Of `valid` (the numbers Enter queues), those that would take a place in the group: not
    /// members already, nor members whose pending removal the add withdraws.
    fn taking_room(&self, valid: Vec<Participant>) -> usize {
        valid
            .into_iter()
            .map(crate::domain::Person::from)
            .filter(|p| !self.members.contains(p) && !self.leaving.contains(p))
            .count()
    }

    /// The numbers Enter queues: valid ones (warned included), each once.
    pub fn valid(&self) -> Vec<Participant> {
        numbers::valid(&self.pieces)
    }

    pub fn invalid_count(&self) -> usize {
        numbers::invalid_count(&self.pieces)
    }

    pub fn draw(&self, ctx: &Ctx, buf: &mut Buffer) {
        let (area, keymap, input) = (ctx.area, ctx.keymap, self);
        let title = format!(" Add participants to {} ", input.title);
        let inner = frame(buf, area, 76, 20, &title);
        if inner.height < 6 {
            return;
        }
        let w = inner.width.saturating_sub(2);
        let x = inner.x + 1;
        put(
            buf,
            x,
            inner.y,
            "Type or paste numbers, separated by spaces, commas or lines:",
            w,
            theme::tone(Tone::Dim),
        );
        // The end of the text, on up to two lines.
        let flat: String = input
            .text
            .chars()
            .map(|c| if c == '\n' { '⏎' } else { c })
            .collect();
        let chars: Vec<char> = flat.chars().collect();
        let per_line = usize::from(w.saturating_sub(3)).max(1);
        let shown_from = chars.len().saturating_sub(per_line * 2 - 1);
        // Where the start is out of sight, the first shown character is `…`.
        let tail: String = if shown_from > 0 {
            std::iter::once('…')
                .chain(chars[shown_from + 1..].iter().copied())
                .collect()
        } else {
            chars[shown_from..].iter().collect()
        };
        let first: String = tail.chars().take(per_line).collect();
        let second: String = tail.chars().skip(per_line).collect();
        put(buf, x, inner.y + 1, "> ", 2, theme::key());
        let end = put(
            buf,
            x + 2,
            inner.y + 1,
            &first,
            w.saturating_sub(2),
            Style::default(),
        );
        if second.is_empty() && first.chars().count() < per_line {
            put(buf, end, inner.y + 1, "▏", 1, theme::key());
        } else {
            let end = put(
                buf,
                x + 2,
                inner.y + 2,
                &second,
                w.saturating_sub(2),
                Style::default(),
            );
            put(buf, end, inner.y + 2, "▏", 1, theme::key());
        }
        // The groups the numbers go to, then the picked groups left out, above the numbers.
        let mut list_top = inner.y + 3;
        if input.labels.len() > 1 {
            for row in into_rows(&input.labels, usize::from(w), INTO_ROWS) {
                put(buf, x, list_top, &row, w, Style::default());
                list_top += 1;
            }
        }
        if !input.left_out.is_empty() {
            put(
                buf,
                x,
                list_top,
                &input.left_out,
                w,
                theme::tone(Tone::Warn),
            );
            list_top += 1;
        }
        // A blank row between the text and the numbers when nothing is said there.
        let list_top = list_top
            .max(inner.y + 4)
            .min(inner.y + inner.height.saturating_sub(3));
        let list_end = list_top + inner.height.saturating_sub(6);
        let start = input.scroll.min(input.pieces.len().saturating_sub(1));
        let mut y = list_top;
        'pieces: for piece in input.pieces.iter().skip(start) {
            let (mark, tone, text) = match &piece.outcome {
                PieceOutcome::Valid(p) => ("✓", Tone::Good, p.e164().to_string()),
                PieceOutcome::Warned(p, why) => ("!", Tone::Warn, format!("{p}: {why}")),
                PieceOutcome::Repeated(p) => ("=", Tone::Dim, format!("{p}: already in this list")),
                PieceOutcome::Invalid(why) => {
                    ("✗", Tone::Bad, format!("\"{}\": {why}", piece.input))
                }
            };
            // A reason is read whole: wrapped over the rows it needs.
            for (n, row) in wrap(&text, usize::from(w.saturating_sub(2)))
                .iter()
                .enumerate()
            {
                if y >= list_end {
                    break 'pieces;
                }
                if n == 0 {
                    put(buf, x, y, mark, 1, theme::tone(tone));
                }
                put(buf, x + 2, y, row, w.saturating_sub(2), theme::tone(tone));
                y += 1;
            }
        }
        let numbers = input.valid();
        let valid = numbers.len();
        let invalid = input.invalid_count();
        // More adds than the group has room for: said before Enter, not as flags after.
        let over = input
            .room
            .map(|room| (room, input.taking_room(numbers)))
            .filter(|(room, adds)| adds > room);
        let summary = match over {
            _ if input.pieces.is_empty() => "no number yet".to_string(),
            Some((room, adds)) => format!(
                "{valid} valid · {invalid} invalid · room for {room}: {} held back",
                adds - room
            ),
            None => format!("{valid} valid · {invalid} invalid"),
        };
        let y = inner.y + inner.height - 2;
        put(
            buf,
            x,
            y,
            &summary,
            w,
            theme::tone(if invalid > 0 || over.is_some() {
                Tone::Warn
            } else {
                Tone::Plain
            }),
        );
        let each = match input.groups.len() {
            1 => String::new(),
            n => format!(" in each of {n} groups"),
        };
        // The keys that fit: queueing and leaving always, then clearing and scrolling.
        let parts = [
            format!(
                "{} queue {valid}{each}",
                keymap.hint(&[Action::Confirm], "")
            ),
            format!("{} cancel", keymap.hint(&[Action::Back], "")),
            format!("{} clear", keymap.hint(&[Action::Clear], "")),
            format!(
                "{} scroll",
                keymap.hint(&[Action::ScrollUp, Action::ScrollDown], "")
            ),
        ];
        let mut shown = parts.len();
        let mut keys = parts.join(" · ");
        while shown > 2 && keys.chars().count() > usize::from(w) {
            shown -= 1;
            keys = parts[..shown].join(" · ");
        }
        put(buf, x, y + 1, &keys, w, theme::tone(Tone::Dim));
    }
}

/// Rows the dialog gives the groups it adds into.
const INTO_ROWS: usize = 3;

/// `into: A, B and 3 more` on at most `rows` rows of `width` columns, broken only between
/// labels: every label when they fit, else as many as fit with the count of the others; a
/// label is never cut or split.
fn into_rows(labels: &[String], width: usize, rows: usize) -> Vec<String> {
    let fits = |lines: &Vec<String>| {
        lines.len() <= rows && lines.iter().all(|l| l.chars().count() <= width)
    };
    let whole = pack(labels, None, width);
    if fits(&whole) {
        return whole;
    }
    (1..labels.len())
        .rev()
        .map(|shown| pack(&labels[..shown], Some(labels.len() - shown), width))
        .find(fits)
        .unwrap_or_else(|| vec![format!("into: {} groups", labels.len())])
}

/// `into: ` and the labels, parted by `, `, then ` and N more`, in lines of `width` columns
/// broken only between labels.
fn pack(labels: &[String], more: Option<usize>, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::from("into:");
    let last = labels.len().saturating_sub(1);
    for (n, label) in labels.iter().enumerate() {
        let mut part = label.clone();
        if n < last {
            part.push(',');
        } else if let Some(more) = more {
            part.push_str(&format!(" and {more} more"));
        }
        let fits = line.chars().count() + 1 + part.chars().count() <= width;
        if fits || line.is_empty() || line == "into:" {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&part);
        } else {
            lines.push(std::mem::take(&mut line));
            line = part;
        }
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dialog() -> AddInput {
        AddInput::new(
            vec!["G1".into()],
            "Group".into(),
            Members::of(&[crate::testing::person(9).into()]),
        )
    }

    #[test]
    fn the_into_line_names_whole_labels_and_counts_the_rest() {
        let labels: Vec<String> = ["Brookfield Parents", "Cedar Park …NDUy", "Oak Street"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            into_rows(&labels, 80, 1),
            ["into: Brookfield Parents, Cedar Park …NDUy, Oak Street"]
        );
        // On more rows, every label.
        assert_eq!(
            into_rows(&labels, 40, 3),
            ["into: Brookfield Parents,", "Cedar Park …NDUy, Oak Street"]
        );
        assert_eq!(
            into_rows(&labels, 40, 1)[0],
            "into: Brookfield Parents and 2 more"
        );
        assert_eq!(into_rows(&labels, 10, 1), ["into: 3 groups"]);
    }

    #[test]
    fn numbers_are_checked_as_typed() {
        let mut d = dialog();
        d.insert("+1 212 200 0001", None);
        assert_eq!(d.valid().len(), 1);
        d.insert(", 12x", None);
        assert_eq!(d.valid().len(), 1);
        assert_eq!(d.invalid_count(), 1);
        assert!(matches!(&d.pieces[1].outcome, PieceOutcome::Invalid(r) if r.contains("letters")));
        d.backspace(None);
        d.backspace(None);
        assert_eq!(d.invalid_count(), 1, "`1` alone is still not a number");
    }

    #[test]
    fn a_paste_with_new_lines_commas_and_spaces_gives_each_number() {
        let mut d = dialog();
        d.insert(
            "+12122000001\r\n+12122000002, +12122000003 +12122000004\n\n",
            None,
        );
        let got: Vec<String> = d.valid().iter().map(|p| p.e164().to_owned()).collect();
        assert_eq!(
            got,
            [
                "+12122000001",
                "+12122000002",
                "+12122000003",
                "+12122000004"
            ]
        );
    }

    #[test]
    fn control_characters_are_dropped_and_input_is_bounded() {
        let mut d = dialog();
        d.insert("\u{1b}+12122000001\u{7}", None);
        assert!(!d.text.contains('\u{1b}'));
        assert_eq!(d.valid().len(), 1);
        d.insert(&"9".repeat(MAX_INPUT * 2), None);
        assert!(d.text.len() <= MAX_INPUT);
    }
}
