//! The one confirm dialog of every destructive intent: its question, a count, exactly the
//! requests it sends; the keymap's confirm or yes answers `Confirmed(intent)`, no, back, close
//! or quit sends nothing.

use ratatui::buffer::Buffer;

use crate::tui::action::Action;
use crate::tui::intent::{Intent, Question};
use crate::tui::shared::Shared;
use crate::tui::text::{Line, Tone};
use crate::tui::theme;
use crate::tui::views::requests::RequestsDetail;
use crate::tui::views::{Ctx, ViewMsg};
use crate::tui::widgets::{frame, lines_in, put, rows_of, text_width, width_for, wrapped_rows};

use super::{Answer, Scroll, answers};

/// An intent and the question the dialog asks about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confirm {
    pub intent: Intent,
    pub question: Question,
    /// Rows scrolled past (the requests that do not fit are scrolled to, never cut off).
    pub scroll: Scroll,
}

impl Confirm {
    /// Asks about `intent`.
    pub fn new(intent: Intent, shared: &Shared) -> Confirm {
        Confirm {
            question: intent.question(shared),
            intent,
            scroll: Scroll::default(),
        }
    }

    /// Asks again about the group as the store has it now, when `detail` is the group an
    /// approval or rejection of join requests is about: its members (the room approvals have)
    /// and the requests still pending. `false` when none of the requests is pending any more
    /// (answered or withdrawn meanwhile): nothing is left to ask about.
    pub fn reread(&mut self, detail: &RequestsDetail, shared: &Shared) -> bool {
        let Intent::Decide {
            group,
            requests,
            members,
            ..
        } = &mut self.intent
        else {
            return true;
        };
        if *group != detail.id {
            return true;
        }
        requests.retain(|r| {
            detail
                .requests
                .iter()
                .any(|pending| pending.join_request_id == r.id)
        });
        if requests.is_empty() {
            return false;
        }
        members.clone_from(&detail.members);
        self.question = self.intent.question(shared);
        true
    }

    pub fn update(&mut self, msg: &ViewMsg) -> Vec<Answer> {
        let ViewMsg::Key { action, .. } = msg else {
            return Vec::new();
        };
        if self.scroll.key(msg) {
            return Vec::new();
        }
        match action {
            Some(Action::Confirm | Action::Yes) => {
                vec![Answer::Close, Answer::Confirmed(self.intent.clone())]
            }
            Some(Action::No | Action::Back | Action::Close | Action::Quit) => {
                vec![Answer::Close, Answer::notice(Tone::Plain, "nothing sent")]
            }
            _ => Vec::new(),
        }
    }

    pub fn draw(&self, ctx: &Ctx, buf: &mut Buffer) {
        let (area, keymap, q) = (ctx.area, ctx.keymap, &self.question);
        let title = format!(" {} ", q.title);
        let summary = [Line::new(Tone::Plain, q.summary.clone())];
        let w = width_for(&q.lines, &title).max(width_for(&summary, ""));
        let text_w = text_width(area, w);
        let head = wrapped_rows(&summary, text_w);
        let rows = wrapped_rows(&q.lines, text_w);
        let wanted = u16::try_from(head + rows + 5).unwrap_or(u16::MAX);
        let inner = frame(buf, area, w, wanted.max(9), &title);
        if inner.height < 4 {
            return;
        }
        let width = inner.width.saturating_sub(2);
        // The count, whole (wrapped), then the requests.
        let head = lines_in(
            buf,
            inner,
            inner.y,
            &summary,
            inner.height.saturating_sub(3),
        );
        for y in inner.y..head {
            buf.set_style(
                ratatui::layout::Rect::new(inner.x + 1, y, width, 1),
                theme::header(),
            );
        }
        let top = head + 1;
        let room = (inner.y + inner.height).saturating_sub(top + 2);
        let lines = rows_of(&q.lines, usize::from(width));
        let start = self.scroll.start(lines.len(), usize::from(room));
        lines_in(buf, inner, top, &lines[start..], room);
        let below = lines.len() > start + usize::from(room);
        if below || start > 0 {
            let scroll = keymap.hint(&[Action::ScrollUp, Action::ScrollDown], "");
            let at = format!(
                "({}-{}/{} rows)",
                start + 1,
                (start + usize::from(room)).min(lines.len()),
                lines.len()
            );
            let more = if q.more.is_empty() || !below {
                format!("{scroll} scroll {at}")
            } else {
                format!("{scroll} scroll {at} · {}", q.more)
            };
            put(
                buf,
                inner.x + 1,
                top + room,
                &more,
                width,
                theme::tone(Tone::Dim),
            );
        }
        let verb = format!(" {} · ", q.verb);
        answers(
            buf,
            inner.x + 1,
            inner.y + inner.height - 1,
            [
                (keymap.hint(&[Action::Confirm, Action::Yes], "/"), &verb),
                (keymap.hint(&[Action::Back, Action::No], "/"), " cancel"),
            ],
        );
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyEvent};

    use super::*;
    use crate::domain::OperationKind;
    use crate::domain::plan::Plan;
    use crate::engine::Scope;
    use crate::testing::planned;

    fn submit() -> Confirm {
        let plan = Plan {
            requests: vec![planned(OperationKind::Remove, "G1", &[(1, 1)])],
            ..Plan::default()
        };
        let intent = Intent::Submit {
            scope: Scope::Groups(vec!["G1".into()]),
            plan,
        };
        Confirm::new(intent, &Shared::new("1", "v23.0", None, Default::default()))
    }

    fn answer(confirm: &mut Confirm, action: Option<Action>) -> Vec<Answer> {
        let key = KeyEvent::from(KeyCode::Char('?'));
        confirm.update(&ViewMsg::Key { action, key: &key })
    }

    #[test]
    fn it_shows_exactly_the_requests_and_answers_yes_with_the_intent() {
        let mut confirm = submit();
        assert_eq!(confirm.question.title, "Send the changes of G1?");
        assert_eq!(
            confirm.question.summary,
            "1 request(s) · 1 participant(s) · 1 group(s)"
        );
        let texts: Vec<&str> = confirm
            .question
            .lines
            .iter()
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(
            texts,
            [
                "G1: remove 1",
                "  DELETE /v23.0/G1/participants  +12122000001"
            ]
        );
        for yes in [Action::Confirm, Action::Yes] {
            let answers = answer(&mut confirm, Some(yes));
            assert!(
                matches!(answers.as_slice(), [Answer::Close, Answer::Confirmed(i)] if *i == confirm.intent),
                "{answers:?}"
            );
        }
    }

    #[test]
    fn no_back_close_and_quit_send_nothing_and_other_keys_keep_asking() {
        let mut confirm = submit();
        for no in [Action::No, Action::Back, Action::Close, Action::Quit] {
            let answers = answer(&mut confirm, Some(no));
            assert!(
                matches!(answers.as_slice(), [Answer::Close, Answer::Notice(n)] if n.text == "nothing sent"),
                "{no}: {answers:?}"
            );
        }
        for other in [None, Some(Action::SubmitGroup), Some(Action::ScrollDown)] {
            assert!(answer(&mut confirm, other).is_empty());
        }
    }
}
