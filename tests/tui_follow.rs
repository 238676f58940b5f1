//! The cursor follows what it is on: a group by its id when the list is read again and
//! re-sorted (a rename), and the dialogs name that group by its label.

mod tui_common;

use tui_common::press;
use tui_common::screen::{fresh, render, snap};

use crossterm::event::KeyCode;
use wa_groups::store::GroupSummary;
use wa_groups::tui::{Loaded, Msg, State, update};

const X: &str = "Y2FwaV9ncm91cDoxOjQ0NTI3MQ";
const Y: &str = "Y2FwaV9ncm91cDoxOjgyNDY1NQ";

fn list(second: &str) -> Vec<GroupSummary> {
    let mut groups = vec![
        wa_groups::testing::group_summary("G-BOOK", "Book Club", 3),
        wa_groups::testing::group_summary(X, "Cedar Park Neighbours", 6),
        wa_groups::testing::group_summary(Y, second, 4),
        wa_groups::testing::group_summary("G-RIVER", "Riverside Runners", 5),
    ];
    // In the store's order: by subject, then id.
    groups
        .sort_by(|a, b| (a.subject.to_lowercase(), &a.id).cmp(&(b.subject.to_lowercase(), &b.id)));
    groups
}

fn on_y(w: u16, h: u16) -> State {
    let mut s = fresh(w, h);
    update(
        &mut s,
        Msg::Loaded(Loaded::Groups(list("Cedar Park Neighbours"))),
    );
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Char('j'));
    s
}

fn current(s: &State) -> String {
    s.views
        .groups
        .current(&s.shared.mirror)
        .map(|g| g.id.to_string())
        .unwrap_or_default()
}

#[test]
fn a_rename_that_resorts_the_list_keeps_the_cursor_on_the_group() {
    let mut s = on_y(80, 24);
    assert_eq!(current(&s), Y);
    // Renamed: it sorts last now; the row it was on is Riverside's.
    update(&mut s, Msg::Loaded(Loaded::Groups(list("Zinnia Street"))));
    assert_eq!(current(&s), Y);
    // Renamed back to the shared subject: still on it, not on the other Cedar Park.
    update(
        &mut s,
        Msg::Loaded(Loaded::Groups(list("Cedar Park Neighbours"))),
    );
    assert_eq!(current(&s), Y);
    // A group before it made: still on it.
    let mut more = list("Cedar Park Neighbours");
    more.insert(0, wa_groups::testing::group_summary("G-ALPHA", "Alpha", 1));
    update(&mut s, Msg::Loaded(Loaded::Groups(more)));
    assert_eq!(current(&s), Y);
}

/// `e` names the group by its label: the id's ending where the subject is shared.
#[test]
fn the_change_dialog_names_the_group_by_its_label() {
    snap!("edit_shared_subject", |w, h| {
        let mut s = on_y(w, h);
        press(&mut s, KeyCode::Char('e'));
        let screen = render(&s, w, h);
        let label = s.shared.mirror.label(Y);
        assert!(label.starts_with("Cedar Park Neighbours …"), "{label}");
        assert!(screen.contains(&format!("Change {label}")), "{screen}");
        s
    });
    let mut s = fresh(80, 24);
    update(
        &mut s,
        Msg::Loaded(Loaded::Groups(list("Cedar Park Neighbours"))),
    );
    press(&mut s, KeyCode::Char('e'));
    assert!(render(&s, 80, 24).contains(" Change Book Club "));
}

fn texts(s: &State) -> Vec<String> {
    s.views.log.lines.iter().map(|l| l.text.clone()).collect()
}

fn engine(s: &mut State, at: i64, message: &str) {
    update(
        s,
        Msg::Engine {
            at,
            event: wa_groups::engine::Event::Warning {
                message: message.into(),
            },
        },
    );
}

/// A webhook event of Book Club that happened at `at` (whole seconds, as Meta stamps them),
/// received at `received`.
fn webhook(at: i64, received: i64) -> wa_groups::store::EventRecord {
    let mut event = wa_groups::domain::GroupEvent::new(
        wa_groups::domain::EventField::Participants,
        wa_groups::domain::EventType::ParticipantsRemove,
    );
    event.group_id = Some("G-BOOK".into());
    event.at = Some(at);
    event.people = vec![wa_groups::domain::event::EventPerson {
        wa_id: Some("15550100003".into()),
        ..Default::default()
    }];
    wa_groups::store::EventRecord {
        id: 1,
        received_at: received,
        deliveries: 1,
        event,
        seq: Some(1),
        processed_at: Some(received),
        effects: Default::default(),
    }
}

#[test]
fn engine_lines_keep_the_order_they_came_in() {
    let mut s = fresh(80, 24);
    update(
        &mut s,
        Msg::Loaded(Loaded::Groups(list("Cedar Park Neighbours"))),
    );
    s.views.log.lines.clear();
    let t = tui_common::screen::T0;
    engine(&mut s, t + 2_000, "first");
    // Stamped earlier (a clock set back, a batch stamped before): still after.
    engine(&mut s, t + 1_500, "second");
    engine(&mut s, t + 2_000, "third");
    assert_eq!(texts(&s), ["first", "second", "third"]);
    // A webhook event of an earlier time goes before; one of the same second as lines that
    // came before it was received goes after them.
    update(
        &mut s,
        Msg::Loaded(Loaded::Events {
            records: vec![webhook(t, t + 900)],
            latest: Some(1),
        }),
    );
    assert_eq!(texts(&s)[0], "+15550100003 left Book Club");
    update(
        &mut s,
        Msg::Loaded(Loaded::Events {
            records: vec![webhook(t + 2_000, t + 2_600)],
            latest: Some(2),
        }),
    );
    assert_eq!(
        texts(&s)[1..],
        ["first", "second", "third", "+15550100003 left Book Club"]
    );
}

/// A change sent at once (a new group, `n`) is logged as it leaves: before the engine's
/// lines about it and before its webhook event stamped in the same second; and the log shows
/// it even when it was scrolled up.
#[test]
fn sending_now_comes_first_and_the_log_follows_the_operators_action() {
    let mut s = fresh(80, 24);
    update(
        &mut s,
        Msg::Loaded(Loaded::Groups(list("Cedar Park Neighbours"))),
    );
    let t = tui_common::screen::T0 + 700;
    s.shared.now = t;
    for n in 0..30 {
        engine(&mut s, t, &format!("earlier {n}"));
    }
    // The log scrolled up, its cursor away from the newest line.
    s.focus = wa_groups::tui::views::Pane::Log;
    for _ in 0..25 {
        press(&mut s, KeyCode::Up);
    }
    assert!(s.views.log.scroll > 0);
    press(&mut s, KeyCode::Char('n'));
    for c in "Spring cohort B".chars() {
        press(&mut s, KeyCode::Char(c));
    }
    let effects = press(&mut s, KeyCode::Enter);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, wa_groups::tui::Effect::Send { .. })),
        "{effects:?}"
    );
    let last = texts(&s).last().cloned().unwrap_or_default();
    assert!(last.starts_with("sending now: create"), "{last}");
    assert_eq!((s.views.log.scroll, s.views.log.cursor), (0, 0));
    assert!(render(&s, 80, 24).contains("sending now: create"));
    // The engine's word and the group's webhook (stamped in the whole second before) follow.
    engine(&mut s, t + 400, "run finished");
    update(
        &mut s,
        Msg::Loaded(Loaded::Events {
            records: vec![webhook(tui_common::screen::T0, t + 600)],
            latest: Some(1),
        }),
    );
    let all = texts(&s);
    let at = |p: &str| {
        all.iter()
            .position(|l| l.starts_with(p))
            .unwrap_or(usize::MAX)
    };
    assert!(at("sending now: create") < at("run finished"), "{all:?}");
    assert!(
        at("sending now: create") < at("+15550100003 left"),
        "{all:?}"
    );
}

/// A group's id ending has one form: the dialogs that cannot be taken back name a group as
/// the list does, with no ending where its subject is its own.
#[test]
fn irreversible_questions_name_the_group_as_the_list_does() {
    let mut s = on_y(80, 24);
    let label = s.shared.mirror.label(Y);
    let ending = label
        .rsplit_once(" …")
        .map(|(_, e)| e.to_owned())
        .unwrap_or_default();
    assert!(render(&s, 80, 24).contains(&format!("…{ending} ")));
    press(&mut s, KeyCode::Char('D'));
    let Some(wa_groups::tui::overlays::Overlay::Confirm(confirm)) = s.overlay() else {
        panic!("a confirm");
    };
    assert_eq!(confirm.question.title, format!("Delete the group {label}?"));
    // Book Club's subject is its own: no ending.
    let mut s = fresh(80, 24);
    update(
        &mut s,
        Msg::Loaded(Loaded::Groups(list("Cedar Park Neighbours"))),
    );
    press(&mut s, KeyCode::Char('L'));
    let Some(wa_groups::tui::overlays::Overlay::Confirm(confirm)) = s.overlay() else {
        panic!("a confirm");
    };
    assert_eq!(
        confirm.question.title,
        "Reset the invite link of Book Club?"
    );
}

/// A change of another kind than add or remove is named in words in the log.
#[test]
fn the_log_names_every_kind_in_words() {
    let mut s = fresh(80, 24);
    update(
        &mut s,
        Msg::Loaded(Loaded::Groups(list("Cedar Park Neighbours"))),
    );
    let t = tui_common::screen::T0;
    update(
        &mut s,
        Msg::Engine {
            at: t,
            event: wa_groups::engine::Event::BatchPlanned {
                group_id: "G-BOOK".into(),
                kind: wa_groups::domain::OperationKind::ResetLink,
                participants: Vec::new(),
            },
        },
    );
    let all = texts(&s);
    assert!(
        all.iter()
            .any(|l| l == "planned reset invite link Book Club"),
        "{all:?}"
    );
    assert!(all.iter().all(|l| !l.contains("reset_link")), "{all:?}");
}

/// Two long subjects that differ only at their end: where the list cuts them, each keeps the
/// end of its id, so that they never look the same (at 120 columns the id column does it).
#[test]
fn look_alike_subjects_keep_their_id_endings_where_cut() {
    snap!("look_alike", |w, h| {
        let mut s = fresh(w, h);
        let mut groups = list("Cedar Park Neighbours");
        for (id, end) in [("Z3JvdXA6MTIzNDEx", "A"), ("Z3JvdXA6NTY3ODIy", "B")] {
            groups.push(wa_groups::testing::group_summary(
                id,
                &format!("Harbor Volunteers 2025: weekend shifts, team {end}"),
                3,
            ));
        }
        groups.sort_by(|a, b| {
            (a.subject.to_lowercase(), &a.id).cmp(&(b.subject.to_lowercase(), &b.id))
        });
        update(&mut s, Msg::Loaded(Loaded::Groups(groups)));
        let screen = render(&s, w, h);
        let rows: Vec<&str> = screen.lines().filter(|l| l.contains("Harbor")).collect();
        assert_eq!(rows.len(), 2, "{screen}");
        let name = |row: &str| row.split("  ").nth(1).unwrap_or_default().trim().to_owned();
        assert_ne!(name(rows[0]), name(rows[1]), "{screen}");
        if w == 80 {
            assert!(rows[0].contains("…NDEx"), "{screen}");
            assert!(rows[1].contains("…ODIy"), "{screen}");
            // A subject of its own that is not cut gets no ending.
            assert!(screen.contains("Book Club  "), "{screen}");
        }
        // The group pane's title, where it cuts the subject, keeps the ending too.
        for _ in 0..3 {
            press(&mut s, KeyCode::Char('j'));
        }
        let id = "Z3JvdXA6MTIzNDEx";
        let detail = wa_groups::tui::model::GroupDetail::new(
            wa_groups::store::MirrorGroup {
                id: id.into(),
                subject: "Harbor Volunteers 2025: weekend shifts, team A".into(),
                members: Vec::new(),
                member_count: 3,
                read_at: 0,
                gone_at: None,
                about: Default::default(),
            },
            Vec::new(),
        );
        update(&mut s, Msg::Loaded(Loaded::Group(id.into(), Some(detail))));
        let screen = render(&s, w, h);
        let top = screen.lines().nth(2).unwrap_or_default().to_owned();
        if w == 80 {
            assert!(top.contains("…NDEx · 3/8"), "{screen}");
        } else {
            assert!(top.contains("team A · 3/8"), "{screen}");
        }
        s
    });
}
