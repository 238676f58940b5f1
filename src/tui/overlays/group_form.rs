//! The group dialog: a new group (subject, description, whether joining needs approval) or a
//! group's subject and description changed. Each field is checked as it is typed; the
//! keymap's confirm sends it at once (queued and submitted, like every change), `next_pane`
//! moves between fields, and on the approval field a space switches it.

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::style::Style;

use crate::domain::group::{check_description, check_subject};
use crate::domain::{JoinApprovalMode, NewGroup, OpSpec};
use crate::tui::action::Action;
use crate::tui::key::typed;
use crate::tui::model::Mirror;
use crate::tui::msg::Effect;
use crate::tui::text::Line;
use crate::tui::text::Tone;
use crate::tui::theme;
use crate::tui::views::{Ctx, ViewMsg};
use crate::tui::widgets::{fit_tail, frame, lines_in, put};

use super::Answer;

/// The field being typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Subject,
    Description,
    Approval,
}

/// A new group, or the group being changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupForm {
    /// `None` for a new group.
    pub group: Option<String>,
    pub subject: String,
    pub description: String,
    pub approval: bool,
    pub field: Field,
    /// What the fields held when the dialog opened (a change sends only what changed).
    initial: (String, String),
    /// Confirm was pressed with a field wrong: the dialog says why, even for an empty subject.
    pub tried: bool,
}

impl GroupForm {
    /// A dialog for a new group.
    pub fn create() -> GroupForm {
        GroupForm {
            group: None,
            subject: String::new(),
            description: String::new(),
            approval: false,
            field: Field::Subject,
            initial: (String::new(), String::new()),
            tried: false,
        }
    }

    /// A dialog to change `group`'s subject and description (as the mirror has them).
    pub fn edit(group: String, subject: String, description: Option<String>) -> GroupForm {
        let description = description.unwrap_or_default();
        GroupForm {
            group: Some(group),
            initial: (subject.clone(), description.clone()),
            subject,
            description,
            approval: false,
            field: Field::Subject,
            tried: false,
        }
    }

    fn fields(&self) -> &'static [Field] {
        if self.group.is_some() {
            &[Field::Subject, Field::Description]
        } else {
            &[Field::Subject, Field::Description, Field::Approval]
        }
    }

    fn text(&mut self) -> Option<&mut String> {
        match self.field {
            Field::Subject => Some(&mut self.subject),
            Field::Description => Some(&mut self.description),
            Field::Approval => None,
        }
    }

    /// What is wrong with the fields, if anything.
    pub fn problem(&self) -> Option<String> {
        if let Err(e) = check_subject(&self.subject) {
            return Some(e);
        }
        check_description(&self.description).err()
    }

    pub fn update(&mut self, msg: &ViewMsg) -> Vec<Answer> {
        let (action, key) = match msg {
            ViewMsg::Paste(text) => {
                // A description keeps its line breaks (WhatsApp shows them); a subject is one
                // line, so a break there becomes a space. Other control characters go.
                let keep_breaks = self.field == Field::Description;
                let text = text.replace("\r\n", "\n").replace('\r', "\n");
                let pasted: String = text
                    .chars()
                    .filter_map(|c| match c {
                        '\n' if keep_breaks => Some('\n'),
                        '\n' | '\t' => Some(' '),
                        c if c.is_control() => None,
                        c => Some(c),
                    })
                    .collect();
                if let Some(t) = self.text() {
                    t.push_str(&pasted);
                }
                return Vec::new();
            }
            ViewMsg::Key { action, key } => (*action, *key),
            _ => return Vec::new(),
        };
        if let Some(c) = typed(key) {
            match self.text() {
                Some(t) if t.chars().count() < 4096 => t.push(c),
                Some(_) => {}
                None if c == ' ' => self.approval = !self.approval,
                None => {}
            }
            return Vec::new();
        }
        if key.code == KeyCode::Backspace {
            if let Some(t) = self.text() {
                t.pop();
            }
            return Vec::new();
        }
        match action {
            Some(Action::Back | Action::Close) => {
                vec![Answer::Close, Answer::notice(Tone::Plain, "nothing sent")]
            }
            Some(Action::NextPane | Action::ScrollDown | Action::PrevPane | Action::ScrollUp) => {
                let fields = self.fields();
                let at = fields.iter().position(|f| *f == self.field).unwrap_or(0);
                let step = if matches!(action, Some(Action::NextPane | Action::ScrollDown)) {
                    1
                } else {
                    fields.len() - 1
                };
                self.field = fields[(at + step) % fields.len()];
                Vec::new()
            }
            Some(Action::Clear) => {
                if let Some(t) = self.text() {
                    t.clear();
                }
                Vec::new()
            }
            Some(Action::Confirm) => self.send(),
            _ => Vec::new(),
        }
    }

    /// The changes the dialog sends, or why it cannot.
    pub fn specs(&self) -> Result<Vec<OpSpec>, String> {
        if let Some(problem) = self.problem() {
            return Err(problem);
        }
        let subject = check_subject(&self.subject)?;
        let Some(group) = &self.group else {
            let description = Some(self.description.clone()).filter(|d| !d.is_empty());
            return Ok(vec![OpSpec::Create {
                group: None,
                new: NewGroup {
                    subject,
                    description,
                    join_approval_mode: if self.approval {
                        JoinApprovalMode::ApprovalRequired
                    } else {
                        JoinApprovalMode::AutoApprove
                    },
                },
            }]);
        };
        let mut specs = Vec::new();
        if subject != self.initial.0.trim() {
            specs.push(OpSpec::Subject {
                group: group.clone(),
                subject,
            });
        }
        if self.description != self.initial.1 {
            specs.push(OpSpec::Description {
                group: group.clone(),
                description: self.description.clone(),
            });
        }
        Ok(specs)
    }

    fn send(&mut self) -> Vec<Answer> {
        match self.specs() {
            // Said in the dialog, under the fields (see `notes`).
            Err(_) => {
                self.tried = true;
                Vec::new()
            }
            Ok(specs) if specs.is_empty() => {
                vec![
                    Answer::Close,
                    Answer::notice(Tone::Plain, "nothing changed"),
                ]
            }
            Ok(specs) => vec![Answer::Close, Answer::Effect(Effect::Send { ops: specs })],
        }
    }

    /// What the dialog says under its fields: what is wrong (once something is typed, or
    /// confirm was pressed), and the groups of the mirror that already have the subject typed
    /// (as `groups create` notes it): the subject alone would name none of them.
    pub fn notes(&self, mirror: &Mirror) -> Vec<Line> {
        let mut notes = Vec::new();
        if let Some(problem) = self
            .problem()
            .filter(|_| self.tried || !self.subject.is_empty())
        {
            let text = if self.tried {
                format!("not sent: {problem}")
            } else {
                problem
            };
            notes.push(Line::new(Tone::Bad, text));
        }
        let changed = self.subject.trim() != self.initial.0.trim();
        if changed && !self.subject.trim().is_empty() {
            let sharing: Vec<(String, String)> = mirror
                .names
                .sharing(&self.subject)
                .into_iter()
                .filter(|id| self.group.as_deref() != Some(*id))
                .map(|id| (mirror.label(id), id.to_owned()))
                .collect();
            if !sharing.is_empty() {
                notes.push(Line::new(
                    Tone::Warn,
                    crate::present::subject_shared(&self.subject, &sharing),
                ));
            }
        }
        notes
    }

    pub fn draw(&self, ctx: &Ctx, buf: &mut Buffer) {
        let title = match &self.group {
            None => " New group ".to_owned(),
            // The group by its label (the id's ending kept where its subject is shared).
            Some(id) => crate::tui::widgets::title(
                &format!("Change {}", ctx.mirror.label(id)),
                "",
                72.min(ctx.area.width.saturating_sub(2)),
            ),
        };
        let inner = frame(buf, ctx.area, 72, 12, &title);
        if inner.height < 7 {
            return;
        }
        let (x, w) = (inner.x + 1, inner.width.saturating_sub(2));
        let label = |f: Field| {
            if self.field == f {
                theme::key()
            } else {
                theme::tone(Tone::Dim)
            }
        };
        let caret = |f: Field| if self.field == f { "▏" } else { "" };
        put(
            buf,
            x,
            inner.y,
            "Subject (1 to 128 characters)",
            w,
            label(Field::Subject),
        );
        put(
            buf,
            x,
            inner.y + 1,
            &format!(
                "> {}",
                fit_tail(
                    &format!("{}{}", self.subject, caret(Field::Subject)),
                    usize::from(w.saturating_sub(2)),
                )
            ),
            w,
            Style::default(),
        );
        put(
            buf,
            x,
            inner.y + 2,
            "Description (at most 2048)",
            w,
            label(Field::Description),
        );
        put(
            buf,
            x,
            inner.y + 3,
            &format!(
                "> {}",
                fit_tail(
                    // Its line breaks shown, as the add dialog shows a pasted list's.
                    &format!(
                        "{}{}",
                        self.description.replace('\n', "⏎"),
                        caret(Field::Description)
                    ),
                    usize::from(w.saturating_sub(2)),
                )
            ),
            w,
            Style::default(),
        );
        let mut y = inner.y + 4;
        if self.group.is_none() {
            let mark = if self.approval { "[x]" } else { "[ ]" };
            put(
                buf,
                x,
                y,
                &format!("{mark} joining by the link needs approval (space switches)"),
                w,
                label(Field::Approval),
            );
            y += 1;
        }
        // Wrapped, in the rows left above the keys.
        let notes = self.notes(ctx.mirror);
        let room = (inner.y + inner.height).saturating_sub(y + 1);
        lines_in(buf, inner, y, &notes, room);
        let keys = format!(
            "{} send now · {} next field · {} cancel",
            ctx.keymap.hint(&[Action::Confirm], ""),
            ctx.keymap.hint(&[Action::NextPane], ""),
            ctx.keymap.hint(&[Action::Back], "")
        );
        put(
            buf,
            x,
            inner.y + inner.height - 1,
            &keys,
            w,
            theme::tone(Tone::Dim),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_sends_only_what_changed_and_a_bad_subject_nothing() {
        let mut form = GroupForm::edit("g".into(), "Old".into(), Some("About".into()));
        assert_eq!(form.specs(), Ok(Vec::new()));
        form.subject = "New".into();
        assert_eq!(form.specs().map(|s| s.len()), Ok(1));
        form.description.clear();
        assert_eq!(form.specs().map(|s| s.len()), Ok(2));
        form.subject = " ".into();
        assert!(form.specs().is_err());
        let mut new = GroupForm::create();
        new.subject = "Cohort".into();
        new.approval = true;
        let Ok(specs) = new.specs() else {
            panic!("valid")
        };
        assert!(
            matches!(&specs[0], OpSpec::Create { new, .. } if new.join_approval_mode == JoinApprovalMode::ApprovalRequired)
        );
    }

    /// A pasted description keeps its line breaks (as sent: WhatsApp shows them); a pasted
    /// subject, one line, gets a space for each.
    #[test]
    fn a_pasted_description_keeps_its_line_breaks() {
        let mut form = GroupForm::edit("g".into(), "Old".into(), None);
        form.subject.clear();
        form.update(&ViewMsg::Paste("Spring\r\nCohort"));
        assert_eq!(form.subject, "Spring Cohort");
        form.field = Field::Description;
        form.update(&ViewMsg::Paste(
            "Line one.\r\nLine two: be nice.\nLine three.\u{7}",
        ));
        assert_eq!(
            form.description,
            "Line one.\nLine two: be nice.\nLine three."
        );
        let specs = form.specs().expect("valid");
        assert!(
            specs
                .iter()
                .any(|s| matches!(s, OpSpec::Description { description, .. }
                if description == "Line one.\nLine two: be nice.\nLine three.")),
            "{specs:?}"
        );
    }
}
