//! `update` alone: keys to effects, the double-submit guard, filters, dialogs, the bounded log.

mod tui_common;

use tui_common::{operation, person, press, summary};

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use wa_groups::domain::plan::Plan;
use wa_groups::domain::{OperationKind, OperationState, Person, Query, UserId};
use wa_groups::engine::{Command, Event, Scope};
use wa_groups::store::{GroupSummary, MirrorGroup, OpId};
use wa_groups::testing::hidden;
use wa_groups::tui::action::Action;
use wa_groups::tui::keymap::Key;
use wa_groups::tui::model::GroupDetail;
use wa_groups::tui::msg::PlanFor;
use wa_groups::tui::overlays::Overlay;
use wa_groups::tui::shared::Work;
use wa_groups::tui::views::log::LOG_CAPACITY;
use wa_groups::tui::views::{Pane, Views};
use wa_groups::tui::{Effect, Keymap, Loaded, Msg, State, update};

fn key(s: &mut State, c: char) -> Vec<Effect> {
    press(s, KeyCode::Char(c))
}

fn code(s: &mut State, code: KeyCode) -> Vec<Effect> {
    press(s, code)
}

fn group(id: &str, pending: usize) -> GroupSummary {
    summary(id, &format!("Subject {id}"), 2, pending, 0)
}

fn detail(id: &str) -> GroupDetail {
    let op = operation(7, id, 9, OperationKind::Add, OperationState::Pending);
    GroupDetail::new(
        MirrorGroup {
            id: id.into(),
            subject: format!("Subject {id}"),
            members: vec![person(1).into(), person(2).into()],
            member_count: 2,
            read_at: 0,
            gone_at: None,
            about: Default::default(),
        },
        vec![op],
    )
}

fn state_with(keymap: Keymap) -> State {
    let mut s = State::new("1", "v23.0", None, keymap);
    update(
        &mut s,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    let effects = update(
        &mut s,
        Msg::Loaded(Loaded::Groups(vec![
            group("A", 1),
            group("B", 0),
            group("C", 2),
        ])),
    );
    assert!(matches!(effects.as_slice(), [Effect::LoadGroup(id)] if id == "A"));
    update(
        &mut s,
        Msg::Loaded(Loaded::Group("A".into(), Some(detail("A")))),
    );
    s
}

fn state() -> State {
    state_with(Keymap::defaults())
}

/// [`state`] with test person 1 searched: found in group A.
fn searching() -> State {
    let mut s = state();
    update(
        &mut s,
        Msg::Loaded(Loaded::PersonGroups {
            query: String::new(),
            person: Query::Phone(person(1)),
            groups: vec![("A".into(), person(1).into())],
            adding: Vec::new(),
        }),
    );
    s
}

fn plan(group: &str) -> Plan {
    Plan {
        requests: vec![wa_groups::testing::planned(
            OperationKind::Add,
            group,
            &[(7, 9)],
        )],
        ..Plan::default()
    }
}

fn submit_plan(scope: Scope, group: &str) -> Msg {
    Msg::Loaded(Loaded::Plan {
        purpose: PlanFor::Submit,
        scope,
        plan: plan(group),
    })
}

fn submits(effects: &[Effect]) -> usize {
    effects
        .iter()
        .filter(|e| matches!(e, Effect::Engine(Command::Submit(_))))
        .count()
}

#[test]
fn submit_goes_through_a_confirm_and_a_double_s_never_sends_twice() {
    let mut s = state();
    let effects = key(&mut s, 's');
    assert!(matches!(
        effects.as_slice(),
        [Effect::Plan { purpose: PlanFor::Submit, scope: Scope::Groups(g) }] if g == &["A".to_string()]
    ));
    update(&mut s, submit_plan(Scope::Groups(vec!["A".into()]), "A"));
    assert!(matches!(s.overlay(), Some(Overlay::Confirm(_))));
    // `s` in the dialog sends nothing and keeps it open.
    assert_eq!(submits(&key(&mut s, 's')), 0);
    assert!(matches!(s.overlay(), Some(Overlay::Confirm(_))));
    let sent = code(&mut s, KeyCode::Enter);
    assert_eq!(submits(&sent), 1);
    assert!(
        s.shared.work.is_submitting("A"),
        "marked before the engine hears of it"
    );
    // Again: refused in update, before any effect.
    assert!(key(&mut s, 's').is_empty());
    assert!(key(&mut s, 'S').is_empty());
    assert!(
        s.notice
            .as_ref()
            .is_some_and(|n| n.text.contains("submit is running"))
    );
    // A plan that arrives late opens no second confirm.
    update(&mut s, submit_plan(Scope::Groups(vec!["A".into()]), "A"));
    assert!(s.overlays.is_empty());
    assert_eq!(submits(&code(&mut s, KeyCode::Enter)), 0);
    // The run ends: submitting is possible again.
    update(
        &mut s,
        Msg::Engine {
            at: 0,
            event: Event::RunFinished(Default::default()),
        },
    );
    assert_eq!(s.shared.work, Work::Idle);
    assert_eq!(key(&mut s, 'S').len(), 1);
}

#[test]
fn escape_in_the_confirm_sends_nothing() {
    let mut s = state();
    key(&mut s, 'S');
    update(&mut s, submit_plan(Scope::All, "A"));
    assert!(code(&mut s, KeyCode::Esc).is_empty());
    assert!(s.overlays.is_empty());
    assert_eq!(s.shared.work, Work::Idle);
}

#[test]
fn sync_cancel_and_quit() {
    let mut s = state();
    assert!(matches!(
        key(&mut s, 'r').as_slice(),
        [Effect::Engine(Command::Sync)]
    ));
    assert!(key(&mut s, 'r').is_empty(), "one sync at a time");
    assert!(matches!(
        key(&mut s, 'c').as_slice(),
        [Effect::Engine(Command::Cancel)]
    ));
    // Quitting while busy asks first; `y` cancels and quits.
    assert!(key(&mut s, 'q').is_empty());
    assert!(matches!(s.overlay(), Some(Overlay::Quit)));
    let effects = key(&mut s, 'y');
    assert!(matches!(
        effects.as_slice(),
        [Effect::Engine(Command::Cancel), Effect::Quit]
    ));
    assert!(s.quit);
    // Idle: quits at once.
    let mut idle = state();
    assert!(matches!(key(&mut idle, 'q').as_slice(), [Effect::Quit]));
}

#[test]
fn moving_loads_the_group_under_the_cursor() {
    let mut s = state();
    assert!(matches!(key(&mut s, 'j').as_slice(), [Effect::LoadGroup(id)] if id == "B"));
    assert!(matches!(key(&mut s, 'G').as_slice(), [Effect::LoadGroup(id)] if id == "C"));
    update(
        &mut s,
        Msg::Loaded(Loaded::Group("C".into(), Some(detail("C")))),
    );
    assert!(key(&mut s, 'G').is_empty(), "already at the bottom");
    assert!(matches!(key(&mut s, 'g').as_slice(), [Effect::LoadGroup(id)] if id == "A"));
    code(&mut s, KeyCode::Tab);
    assert_eq!(s.focus, Pane::Group);
    code(&mut s, KeyCode::Tab);
    assert_eq!(s.focus, Pane::Log);
    code(&mut s, KeyCode::BackTab);
    assert_eq!(s.focus, Pane::Group);
}

#[test]
fn the_add_dialog_queues_the_valid_numbers_typed_or_pasted() {
    let mut s = state();
    assert!(key(&mut s, 'a').is_empty());
    assert!(matches!(s.overlay(), Some(Overlay::Add(_))));
    for c in "+12122000101 ".chars() {
        key(&mut s, c);
    }
    update(
        &mut s,
        Msg::Paste("+12122000102\nnope, +12122000001".into()),
    );
    let Some(Overlay::Add(input)) = s.overlay() else {
        panic!("the dialog stays open while typing");
    };
    assert_eq!(input.valid().len(), 3, "{:?}", input.pieces);
    assert_eq!(input.invalid_count(), 1);
    let effects = code(&mut s, KeyCode::Enter);
    let [Effect::Enqueue { ops, invalid }] = effects.as_slice() else {
        panic!("enter queues: {effects:?}");
    };
    assert_eq!(invalid.len(), 1, "{invalid:?}");
    assert!(
        invalid[0].starts_with("\"nope\": "),
        "the piece and why: {invalid:?}"
    );
    assert_eq!(ops.len(), 3);
    assert!(
        ops.iter()
            .all(|o| o.group() == Some("A") && o.kind() == OperationKind::Add)
    );
    assert!(s.overlays.is_empty());
}

#[test]
fn enter_with_nothing_valid_keeps_the_dialog() {
    let mut s = state();
    key(&mut s, 'a');
    key(&mut s, 'x');
    assert!(code(&mut s, KeyCode::Enter).is_empty());
    assert!(matches!(s.overlay(), Some(Overlay::Add(_))));
    assert!(code(&mut s, KeyCode::Esc).is_empty());
    assert!(s.overlays.is_empty());
}

#[test]
fn a_number_in_the_filter_finds_the_person_and_x_removes_them_from_picked_groups() {
    let mut s = state();
    key(&mut s, '/');
    let mut last = Vec::new();
    for c in "+1 212 200 0001".chars() {
        last = key(&mut s, c);
    }
    let [Effect::FindPerson { query, person: p }] = last.as_slice() else {
        panic!("a whole number asks for the person's groups: {last:?}");
    };
    assert_eq!(p, &Query::Phone(person(1)));
    let query = query.clone();
    code(&mut s, KeyCode::Enter);
    update(
        &mut s,
        Msg::Loaded(Loaded::PersonGroups {
            query,
            person: Query::Phone(person(1)),
            groups: vec![
                ("A".into(), person(1).into()),
                ("C".into(), person(1).into()),
            ],
            adding: Vec::new(),
        }),
    );
    assert_eq!(s.views.groups.visible.len(), 2);
    key(&mut s, ' ');
    key(&mut s, ' ');
    assert_eq!(s.views.groups.picked.len(), 2);
    // From more than one group: asked first.
    assert!(key(&mut s, 'x').is_empty());
    assert!(matches!(s.overlay(), Some(Overlay::Confirm(_))));
    let effects = key(&mut s, 'y');
    let [Effect::Enqueue { ops, .. }] = effects.as_slice() else {
        panic!("y queues removals: {effects:?}");
    };
    let mut groups: Vec<&str> = ops.iter().filter_map(|o| o.group()).collect();
    groups.sort();
    assert_eq!(groups, ["A", "C"]);
    assert!(
        ops.iter()
            .all(|o| o.kind() == OperationKind::Remove && o.person() == Some(&person(1).into()))
    );
    // The picks stay, for `s` to send those groups' changes.
    assert_eq!(s.views.groups.picked.len(), 2);
}

/// Typed `text` into the groups filter; the person search it asked for, if any.
fn filter_for(s: &mut State, text: &str) -> Option<(String, Query)> {
    key(s, '/');
    let mut asked = None;
    for c in text.chars() {
        for effect in key(s, c) {
            if let Effect::FindPerson { query, person } = effect {
                asked = Some((query, person));
            }
        }
    }
    asked
}

#[test]
fn a_username_finds_the_member_and_x_removes_them_as_each_group_lists_them() {
    let mut s = state();
    let (query, asked) = filter_for(&mut s, "@user.7").expect("a username asks the store");
    assert_eq!(asked, Query::Username("user.7".into()));
    code(&mut s, KeyCode::Enter);
    // Known by BSUID alone in one group, with the phone in the other.
    let shown_phone = Person::known(Some(person(7)), hidden(7).user_id().cloned())
        .expect("known")
        .with_username(Some("user.7".into()));
    update(
        &mut s,
        Msg::Loaded(Loaded::PersonGroups {
            query: query.clone(),
            person: asked.clone(),
            groups: vec![("A".into(), hidden(7)), ("C".into(), shown_phone.clone())],
            adding: Vec::new(),
        }),
    );
    assert_eq!(s.views.groups.visible.len(), 2);
    key(&mut s, ' ');
    key(&mut s, ' ');
    // From two groups: asked first, then queued as each group lists them.
    assert!(key(&mut s, 'x').is_empty());
    let effects = key(&mut s, 'y');
    let [Effect::Enqueue { ops, .. }] = effects.as_slice() else {
        panic!("y queues removals: {effects:?}");
    };
    let sent: Vec<(&str, &str)> = ops
        .iter()
        .map(|o| (o.group_text(), o.person_ref()))
        .collect();
    assert_eq!(sent, [("A", "US.7"), ("C", "+12122000007")]);
    // Removed everywhere, the search read again finds them in no group.
    update(
        &mut s,
        Msg::Loaded(Loaded::PersonGroups {
            query,
            person: asked,
            groups: Vec::new(),
            adding: Vec::new(),
        }),
    );
    assert!(s.views.groups.filter.person.is_some());
    assert!(s.views.groups.visible.is_empty());
}

#[test]
fn a_bsuid_finds_the_person_and_a_username_no_one_has_filters_subjects() {
    let mut s = state();
    let (_, asked) = filter_for(&mut s, "US.13491208655302741918").expect("a BSUID");
    assert_eq!(
        asked,
        Query::User(UserId::parse("US.13491208655302741918").expect("bsuid"))
    );
    code(&mut s, KeyCode::Esc);
    let (query, asked) = filter_for(&mut s, "subject").expect("username-like text asks too");
    update(
        &mut s,
        Msg::Loaded(Loaded::PersonGroups {
            query,
            person: asked,
            groups: Vec::new(),
            adding: Vec::new(),
        }),
    );
    assert!(
        s.views.groups.filter.person.is_none(),
        "no one: subjects are filtered"
    );
    assert_eq!(s.views.groups.visible.len(), 3);
}

#[test]
fn text_in_the_filter_narrows_by_subject_and_escape_clears_it() {
    let mut s = state();
    key(&mut s, '/');
    for c in "subject c".chars() {
        key(&mut s, c);
    }
    assert_eq!(s.views.groups.visible.len(), 1);
    assert_eq!(s.current_group().map(|g| &*g.id), Some("C"));
    code(&mut s, KeyCode::Esc);
    assert_eq!(s.views.groups.visible.len(), 3);
    assert!(s.views.groups.filter.text.is_empty() && !s.views.groups.filter.editing);
}

#[test]
fn in_the_group_pane_x_removes_the_member_and_u_undoes_the_change() {
    let mut s = state();
    code(&mut s, KeyCode::Enter);
    assert_eq!(s.focus, Pane::Group);
    let effects = key(&mut s, 'x');
    let [Effect::Enqueue { ops, .. }] = effects.as_slice() else {
        panic!("x on a member queues its removal: {effects:?}");
    };
    assert_eq!(ops[0].person(), Some(&person(1).into()));
    assert_eq!(ops[0].kind(), OperationKind::Remove);
    // Rows: two members, then the change #7.
    key(&mut s, 'G');
    assert!(matches!(
        key(&mut s, 'u').as_slice(),
        [Effect::Undo(ids)] if ids == &[OpId(7)]
    ));
    // On a member with nothing pending, nothing to undo.
    key(&mut s, 'g');
    assert!(key(&mut s, 'u').is_empty());
    assert!(s.notice.is_some());
}

#[test]
fn preview_asks_for_every_pending_change() {
    let mut s = state();
    assert!(matches!(
        key(&mut s, 'p').as_slice(),
        [Effect::Plan {
            purpose: PlanFor::Preview,
            scope: Scope::All
        }]
    ));
}

#[test]
fn the_log_is_bounded() {
    let mut s = state();
    for n in 0..(LOG_CAPACITY + 50) {
        update(
            &mut s,
            Msg::Engine {
                at: n as i64,
                event: Event::Warning {
                    message: format!("w{n}"),
                },
            },
        );
    }
    assert_eq!(s.views.log.lines.len(), LOG_CAPACITY);
    assert_eq!(
        s.views.log.lines.back().map(|l| l.text.as_str()),
        Some("w2049")
    );
}

#[test]
fn server_text_in_events_is_neutralised() {
    let mut s = state();
    update(
        &mut s,
        Msg::Engine {
            at: 0,
            event: Event::Warning {
                message: "x\u{1b}]52;c;ZXZpbA==\u{7}".into(),
            },
        },
    );
    let line = &s.views.log.lines.back().expect("a line").text;
    assert!(!line.contains('\u{1b}') && !line.contains('\u{7}'));
}

#[test]
fn a_rebound_key_drives_its_action_and_the_old_key_does_not() {
    let keymap = Keymap::from_toml("sync = \"Z\"\n", "k.toml").expect("valid");
    let mut s = state_with(keymap);
    assert!(key(&mut s, 'r').is_empty());
    assert!(matches!(
        key(&mut s, 'Z').as_slice(),
        [Effect::Engine(Command::Sync)]
    ));
}

#[test]
fn dialog_keys_come_from_the_keymap() {
    let keymap = Keymap::from_toml("yes = \"o\"\nback = \"backspace\"\n", "k.toml").expect("valid");
    let mut s = state_with(keymap);
    key(&mut s, 's');
    update(&mut s, submit_plan(Scope::Groups(vec!["A".into()]), "A"));
    // `y` no longer answers; Esc is no longer "back" (nor any other key the confirm knows).
    assert_eq!(submits(&key(&mut s, 'y')), 0);
    assert_eq!(submits(&code(&mut s, KeyCode::Esc)), 0);
    assert!(
        matches!(s.overlay(), Some(Overlay::Confirm(_))),
        "still asking"
    );
    assert_eq!(submits(&key(&mut s, 'o')), 1);
    // In the filter, the rebound back key clears it and `o` is typed as text.
    let mut s = state_with(Keymap::from_toml("back = \"ctrl-x\"\n", "k.toml").expect("valid"));
    key(&mut s, '/');
    for c in "subject co".chars() {
        key(&mut s, c);
    }
    assert_eq!(s.views.groups.filter.text, "subject co");
    let msg = s.key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::CONTROL));
    update(&mut s, msg);
    assert!(s.views.groups.filter.text.is_empty() && !s.views.groups.filter.editing);
}

/// The help lines of the pane that has the keys.
fn help_texts(s: &mut State) -> Vec<&'static str> {
    key(s, '?');
    let Some(Overlay::Help(help)) = s.overlay() else {
        panic!("? opens the help");
    };
    let texts = help.lines.iter().map(|(_, text)| *text).collect();
    code(s, KeyCode::Esc);
    texts
}

/// The footer's words, in order.
fn footer(s: &State) -> Vec<&'static str> {
    let mut hints: Vec<_> = s
        .commands()
        .into_iter()
        .filter_map(|h| Some((h.action.footer()?.0, h.label?)))
        .collect();
    hints.sort();
    hints.into_iter().map(|(_, label)| label).collect()
}

#[test]
fn help_follows_the_pane_that_has_the_keys_and_the_footer_stays_the_same() {
    let mut s = state();
    let open = "open: the group under the cursor; the whole of a change, member or log line";
    let groups = help_texts(&mut s);
    assert!(groups.contains(&open), "{groups:?}");
    // The pane's moves, open, select, pick all, sort, remove, and the app's global actions
    // (the lifecycle's among them); then what the rows' marks say.
    assert_eq!(groups.len(), 33 + 9);
    assert_eq!(groups[33], "Marks on the rows:");
    assert!(groups.contains(
        &"people asking to join (also `3 ask`, `(3 asking)`): the join requests view shows them"
    ));
    let words = footer(&s);
    assert_eq!(
        words,
        [
            "help", "add", "remove", "submit", "all", "preview", "filter", "select", "undo",
            "sync", "quit"
        ]
    );
    code(&mut s, KeyCode::Tab);
    let group = help_texts(&mut s);
    assert!(
        !group.contains(&open),
        "the group pane opens rows, not groups"
    );
    assert!(group.contains(&"the whole of the member or change under the cursor"));
    assert!(group.iter().any(|t| t.starts_with("undo")));
    assert_eq!(footer(&s), words);
    code(&mut s, KeyCode::Tab);
    assert_eq!(s.focus, Pane::Log);
    assert!(!help_texts(&mut s).contains(&open));
    // The log leaves out the keys that mean nothing there (pick, remove, undo).
    assert_eq!(
        footer(&s),
        [
            "help", "add", "submit", "all", "preview", "filter", "sync", "quit"
        ]
    );
    // With a person searched, the groups pane says what its remove does.
    let mut s = searching();
    assert!(
        help_texts(&mut s)
            .iter()
            .any(|t| t.contains("the searched person out of the picked groups"))
    );
}

/// The key press a keymap key stands for, as a terminal reports it.
fn event_of(k: Key) -> KeyEvent {
    let mut modifiers = KeyModifiers::NONE;
    if k.ctrl {
        modifiers |= KeyModifiers::CONTROL;
    }
    if k.alt {
        modifiers |= KeyModifiers::ALT;
    }
    if matches!(k.code, KeyCode::Char(c) if c.is_ascii_uppercase()) {
        modifiers |= KeyModifiers::SHIFT;
    }
    KeyEvent::new(k.code, modifiers)
}

#[test]
fn no_view_binds_one_key_twice_and_every_key_listed_does_what_its_line_says() {
    // Every pane (the join requests view among them), and the groups pane in a person search:
    // the commands the help and the footer list there.
    let mut cases: Vec<(String, State)> = vec![("groups, person search".into(), searching())];
    for pane in Views::PANES {
        let mut s = state();
        s.focus = *pane;
        cases.push((format!("{pane:?}"), s));
    }
    for (view, s) in &cases {
        let mut seen: HashMap<Key, Action> = HashMap::new();
        for hint in s.commands() {
            for k in s.keymap().keys(hint.action) {
                if let Some(other) = seen.insert(*k, hint.action) {
                    panic!("{view}: `{k}` listed for both {other} and {}", hint.action);
                }
                let Msg::Key { action, .. } = s.key(event_of(*k)) else {
                    unreachable!("a key press is a key message");
                };
                assert_eq!(
                    action,
                    Some(hint.action),
                    "{view}: `{k}` is listed for {} but does something else",
                    hint.action
                );
            }
        }
    }
    // Retry and a new invite link, once both on `R`, are apart.
    let keymap = Keymap::defaults();
    assert_eq!(keymap.keys_text(Action::Retry), "R");
    assert_eq!(keymap.keys_text(Action::ResetLink), "L");
}

#[test]
fn in_the_log_pane_picking_and_removing_do_nothing_and_say_where_they_work() {
    let mut s = state();
    code(&mut s, KeyCode::BackTab);
    assert_eq!(s.focus, Pane::Log);
    assert!(key(&mut s, ' ').is_empty());
    assert!(key(&mut s, 'x').is_empty());
    assert!(s.notice.as_ref().is_some_and(|n| {
        n.text
            .starts_with("nothing to remove here: x works in the group pane")
    }));
    assert!(key(&mut s, 'u').is_empty());
    assert!(
        s.notice
            .as_ref()
            .is_some_and(|n| n.text.starts_with("to undo: open the group"))
    );
    // `a` adds to the group under the groups cursor.
    key(&mut s, 'a');
    assert!(matches!(s.overlay(), Some(Overlay::Add(input)) if input.groups == ["A"]));
}

fn loads(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .map(|e| match e {
            Effect::LoadGroups => "groups".to_string(),
            Effect::LoadGroup(id) => format!("group {id}"),
            Effect::LoadCounts => "counts".to_string(),
            other => format!("{other:?}"),
        })
        .collect()
}

#[test]
fn views_reload_what_they_show_when_an_operation_settles_or_the_store_changes() {
    let mut s = state();
    let outcome = |group: &str| Msg::Engine {
        at: 0,
        event: Event::Outcome {
            op: OpId(1),
            group_id: group.into(),
            participant: "+12122000009".into(),
            detail: "+12122000009".into(),
            kind: OperationKind::Add,
            state: OperationState::Confirmed,
            code: None,
            message: None,
        },
    };
    // The group pane shows A: an outcome in A reloads it and the counts; in B, the counts.
    assert_eq!(loads(&update(&mut s, outcome("A"))), ["group A", "counts"]);
    assert_eq!(loads(&update(&mut s, outcome("B"))), ["counts"]);
    let everything = ["groups", "group A", "counts"];
    let run_end = Msg::Engine {
        at: 0,
        event: Event::RunFinished(Default::default()),
    };
    assert_eq!(loads(&update(&mut s, run_end)), everything);
    let sync_end = Msg::Engine {
        at: 0,
        event: Event::SyncFinished {
            unread_groups: Vec::new(),
            listed: 3,
            read: 3,
            gone: 0,
            unread: 0,
            error: None,
        },
    };
    assert_eq!(loads(&update(&mut s, sync_end)), everything);
    let queued = Msg::Loaded(Loaded::Enqueued {
        report: Default::default(),
        invalid: Vec::new(),
    });
    assert_eq!(loads(&update(&mut s, queued)), everything);
    // The groups read again, the cursor still on A: nothing more to load.
    let reread = Msg::Loaded(Loaded::Groups(vec![group("A", 0), group("B", 0)]));
    assert!(update(&mut s, reread).is_empty());
}

#[test]
fn the_lifecycle_confirms_name_a_group_shared_by_subject_with_its_ending() {
    let mut s = state();
    update(
        &mut s,
        Msg::Loaded(Loaded::Groups(vec![
            summary("Y2FwaV9ncm91cDoxOjExMTExMQ", "Choir", 3, 0, 0),
            summary("Y2FwaV9ncm91cDoxOjIyMjIyMQ", "Choir", 5, 0, 0),
        ])),
    );
    for (k, title) in [
        ('D', "Delete the group Choir …ExMQ?"),
        ('L', "Reset the invite link of Choir …ExMQ?"),
    ] {
        key(&mut s, k);
        let Some(Overlay::Confirm(confirm)) = s.overlay() else {
            panic!("{k} asks first");
        };
        assert_eq!(confirm.question.title, title);
        code(&mut s, KeyCode::Esc);
        assert!(s.overlay().is_none(), "Esc leaves the confirm");
    }
}

#[test]
fn a_number_the_filter_cannot_read_says_why_not_that_no_group_matches() {
    let mut s = state();
    assert!(
        filter_for(&mut s, "(201) 629-6041").is_none(),
        "nothing to search for"
    );
    let why = s.views.groups.filter.unreadable.clone().expect("why");
    assert!(
        why.starts_with("\"(201) 629-6041\": ") && why.contains("country code"),
        "{why}"
    );
    code(&mut s, KeyCode::Esc);
    code(&mut s, KeyCode::Esc);
    assert_eq!(s.views.groups.filter.unreadable, None);
    assert!(filter_for(&mut s, "+1 201 629 6041").is_some());
    assert_eq!(s.views.groups.filter.unreadable, None);
}

/// At 80x24 the help does not fit: End shows its last command whole, Down past the end does
/// nothing, and one Up moves at once; Home goes back to the first.
#[test]
fn at_80x24_the_help_reaches_its_last_command_and_comes_back_at_once() {
    use tui_common::screen::{fresh, render};
    let mut s = fresh(80, 24);
    key(&mut s, '?');
    let first = render(&s, 80, 24);
    assert!(first.contains("move up"), "{first}");
    assert!(
        !first.contains("quit (asks first"),
        "it does not fit: {first}"
    );
    code(&mut s, KeyCode::End);
    let end = render(&s, 80, 24);
    assert!(
        end.contains("q, ctrl-c") && end.contains("quit (asks first"),
        "{end}"
    );
    for _ in 0..40 {
        code(&mut s, KeyCode::Down);
    }
    assert_eq!(render(&s, 80, 24), end, "no further than the end");
    code(&mut s, KeyCode::Up);
    assert_ne!(render(&s, 80, 24), end, "one Up moves");
    code(&mut s, KeyCode::Home);
    assert_eq!(render(&s, 80, 24), first);
    assert!(matches!(s.overlay(), Some(Overlay::Help(_))), "still open");
}

/// The log starts with what earlier runs settled, in time order before this run's lines, each
/// naming its change, person and group, with the whole of it behind Enter.
#[test]
fn the_log_starts_with_the_outcomes_of_earlier_runs() {
    use wa_groups::store::Outcome;
    let mut s = state();
    let now = s.shared.now;
    let earlier = |n: i64, result: OperationState| Outcome {
        at: now - 60_000 + n,
        group_id: "A".into(),
        participant: format!("+1212200000{n}"),
        username: None,
        action: OperationKind::Add,
        result,
        code: (result == OperationState::Failed).then_some(131203),
        message: None,
        request_id: Some("req-9".into()),
        operation_id: Some(OpId(n)),
    };
    update(
        &mut s,
        Msg::Loaded(Loaded::History(vec![
            (earlier(1, OperationState::Confirmed), None),
            (earlier(2, OperationState::Failed), None),
        ])),
    );
    let texts: Vec<&str> = s.views.log.lines.iter().map(|l| l.text.as_str()).collect();
    let first = texts
        .iter()
        .position(|t| t.starts_with("confirmed #1 add +12122000001 to "))
        .expect("the earlier confirmed add");
    let second = texts
        .iter()
        .position(|t| t.starts_with("failed #2 add +12122000002 to ") && t.ends_with(": 131203"))
        .expect("the earlier failure");
    assert!(first < second, "{texts:?}");
    assert!(
        texts[second + 1..]
            .iter()
            .all(|t| !t.starts_with("confirmed #")),
        "{texts:?}"
    );
}
