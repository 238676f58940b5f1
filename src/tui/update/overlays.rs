//! The overlay on top takes every key and paste; what it answers is carried out here (close
//! it, an effect, a notice, an intent confirmed, quitting).

use crossterm::event::KeyEvent;

use crate::engine::Command;
use crate::tui::action::Action;
use crate::tui::msg::Effect;
use crate::tui::overlays::Answer;
use crate::tui::shared::Work;
use crate::tui::state::State;
use crate::tui::views::{Ctx, ViewMsg};

use super::confirmed::confirmed;

/// A key for the overlay on top.
pub fn key(state: &mut State, action: Option<Action>, key: &KeyEvent) -> Vec<Effect> {
    let (mut effects, passed) = to_top(state, &ViewMsg::Key { action, key });
    if passed {
        // Resolved again now that no overlay is open: the panes' meaning of the key.
        if let crate::tui::msg::Msg::Key { action, .. } = state.key(*key) {
            effects.extend(super::key_press(state, action, key));
        }
    }
    effects
}

/// Pasted text for the overlay on top.
pub fn paste(state: &mut State, text: &str) -> Vec<Effect> {
    to_top(state, &ViewMsg::Paste(text)).0
}

/// What the overlay on top answered, carried out; and whether it handed the key on (it is
/// closed then).
fn to_top(state: &mut State, msg: &ViewMsg) -> (Vec<Effect>, bool) {
    let area = state.areas().screen;
    let Some(top) = state.overlays.last_mut() else {
        return (Vec::new(), false);
    };
    let answers = top.update(&Ctx::new(&state.shared, area, true), msg);
    let (mut effects, mut passed) = (Vec::new(), false);
    for answer in answers {
        match answer {
            Answer::Close => {
                state.overlays.pop();
            }
            Answer::Pass => {
                state.overlays.pop();
                passed = true;
            }
            Answer::Effect(effect) => effects.push(effect),
            Answer::Notice(line) => state.notice = Some(line),
            Answer::Confirmed(intent) => effects.extend(confirmed(state, intent)),
            // The work may have ended while the question was up: then nothing to cancel.
            Answer::Quit if !state.shared.work.is_busy() => {
                state.quit = true;
                effects.push(Effect::Quit);
            }
            Answer::Quit => {
                state.quit = true;
                state.shared.work = Work::Cancelling;
                effects.extend([Effect::Engine(Command::Cancel), Effect::Quit]);
            }
        }
    }
    (effects, passed)
}
