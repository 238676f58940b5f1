//! After a run the screen says what is true now, not what was true when the run started: a
//! change's capacity flag once the run made room, the quit question once the work ended, the
//! pace once nothing is in flight.

mod tui_common;

use tui_common::screen::{T0, fresh, render, snap};
use tui_common::{operation, person, press, summary};

use crossterm::event::KeyCode;
use wa_groups::domain::{OperationKind, OperationState};
use wa_groups::engine::{Event, Summary};
use wa_groups::store::{MirrorGroup, Operation};
use wa_groups::tui::model::GroupDetail;
use wa_groups::tui::overlays::Overlay;
use wa_groups::tui::shared::Work;
use wa_groups::tui::{Effect, Loaded, Msg, State, update};

const STALE: &str =
    "would be 9 of 8 members: 8 now, 1 removal(s) pending, 1 add(s) already pending";

/// Book Club with `members` members (persons 1..=members) and `ops` (oldest first).
fn club(members: u32, ops: Vec<Operation>) -> GroupDetail {
    GroupDetail::new(
        MirrorGroup {
            id: "G-BOOK".into(),
            subject: "Book Club".into(),
            members: (1..=members).map(|n| person(n).into()).collect(),
            member_count: members,
            read_at: T0,
            gone_at: None,
            about: Default::default(),
        },
        ops,
    )
}

/// A pending add of person `n` queued with the capacity flag of a full group.
fn flagged_add(id: i64, n: u32) -> Operation {
    let mut op = operation(id, "G-BOOK", n, OperationKind::Add, OperationState::Pending);
    op.flag = Some(STALE.into());
    op
}

fn note(detail: &GroupDetail, id: i64) -> Option<String> {
    detail
        .ops
        .iter()
        .find(|o| o.id.0 == id)
        .and_then(|o| o.note.clone())
}

#[test]
fn a_capacity_flag_shows_only_while_it_still_holds() {
    // The removal it counted is confirmed: 7 of 8, nothing else pending: room for it.
    let removed = operation(
        1,
        "G-BOOK",
        8,
        OperationKind::Remove,
        OperationState::Confirmed,
    );
    let made_room = club(7, vec![removed.clone(), flagged_add(2, 20)]);
    assert_eq!(note(&made_room, 2), None);
    assert_eq!(
        made_room.ops[0].source.flag, None,
        "its detail says no flag either"
    );
    // Still full (8 of 8, no removal pending): the reason now, with today's numbers.
    let full = club(8, vec![flagged_add(2, 20)]);
    assert_eq!(
        note(&full, 2).as_deref(),
        Some("would be 9 of 8 members: 8 now")
    );
    // 7 of 8 with another add before it: the second one does not fit, the first does.
    let two = club(7, vec![flagged_add(2, 20), flagged_add(3, 21)]);
    assert_eq!(note(&two, 2), None);
    assert_eq!(
        note(&two, 3).as_deref(),
        Some("would be 9 of 8 members: 7 now, 1 add(s) already pending")
    );
    // A removal pending now makes room for one.
    let pending_removal = operation(
        4,
        "G-BOOK",
        8,
        OperationKind::Remove,
        OperationState::Pending,
    );
    let room = club(8, vec![pending_removal, flagged_add(5, 20)]);
    assert_eq!(note(&room, 5), None);
    // A change that went through keeps no doubt of its queue time.
    let mut confirmed = flagged_add(7, 20);
    confirmed.state = OperationState::Confirmed;
    assert_eq!(note(&club(8, vec![confirmed]), 7), None);
    // An add of a member says so.
    let mut member = flagged_add(6, 3);
    member.flag = None;
    assert_eq!(
        note(&club(7, vec![member]), 6).as_deref(),
        Some("already a member")
    );
}

fn loaded(w: u16, h: u16) -> State {
    let mut s = fresh(w, h);
    update(
        &mut s,
        Msg::Loaded(Loaded::Groups(vec![summary(
            "G-BOOK",
            "Book Club",
            7,
            1,
            0,
        )])),
    );
    let removed = operation(
        1,
        "G-BOOK",
        8,
        OperationKind::Remove,
        OperationState::Confirmed,
    );
    update(
        &mut s,
        Msg::Loaded(Loaded::Group(
            "G-BOOK".into(),
            Some(club(7, vec![removed, flagged_add(2, 20)])),
        )),
    );
    s
}

#[test]
fn the_group_pane_drops_a_flag_the_run_made_untrue() {
    let s = loaded(80, 24);
    let screen = render(&s, 80, 24);
    assert!(!screen.contains("would be 9"), "{screen}");
    assert!(screen.contains("+12122000020"), "{screen}");
}

fn run_finished(s: &mut State, at: i64) {
    update(
        s,
        Msg::Engine {
            at,
            event: Event::RunFinished(Summary::default()),
        },
    );
}

/// The quit question asked during a submit, after the submit ended: it says so.
#[test]
fn the_quit_question_follows_the_work() {
    snap!("quit_after_the_run", |w, h| {
        let mut s = loaded(w, h);
        s.shared.work = Work::Submitting { groups: None };
        press(&mut s, KeyCode::Char('q'));
        assert!(matches!(s.overlay(), Some(Overlay::Quit)));
        assert!(render(&s, w, h).contains("A submit is running."));
        run_finished(&mut s, T0 + 1_000);
        assert_eq!(s.shared.work, Work::Idle);
        let screen = render(&s, w, h);
        assert!(!screen.contains("A submit is running."), "{screen}");
        assert!(!screen.contains("in flight?"), "{screen}");
        assert!(screen.contains("nothing is in flight"), "{screen}");
        s
    });
    // Yes now quits with nothing to cancel.
    let mut s = loaded(80, 24);
    s.shared.work = Work::Submitting { groups: None };
    press(&mut s, KeyCode::Char('q'));
    run_finished(&mut s, T0 + 1_000);
    let effects = press(&mut s, KeyCode::Char('y'));
    assert!(matches!(effects.as_slice(), [Effect::Quit]), "{effects:?}");
    // While the work runs, yes cancels it first.
    let mut s = loaded(80, 24);
    s.shared.work = Work::Submitting { groups: None };
    press(&mut s, KeyCode::Char('q'));
    let effects = press(&mut s, KeyCode::Char('y'));
    assert!(
        matches!(effects.as_slice(), [Effect::Engine(_), Effect::Quit]),
        "{effects:?}"
    );
}

fn status_line(s: &State) -> String {
    render(s, 80, 24)
        .lines()
        .nth(1)
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn the_pace_reads_zero_once_nothing_is_in_flight() {
    let mut s = loaded(80, 24);
    s.shared.work = Work::SyncAsked;
    let wire = |in_flight, sent| Event::Wire { in_flight, sent };
    update(
        &mut s,
        Msg::Engine {
            at: T0,
            event: wire(4, 40),
        },
    );
    update(
        &mut s,
        Msg::Engine {
            at: T0 + 500,
            event: wire(2, 49),
        },
    );
    let busy = status_line(&s);
    assert!(busy.contains("2 in flight"), "{busy}");
    assert!(!busy.contains(" 0.0 req/s"), "{busy}");
    // The sync ends; the last answers are in; 2 s later the pace is 0.
    update(
        &mut s,
        Msg::Engine {
            at: T0 + 600,
            event: wire(0, 49),
        },
    );
    update(
        &mut s,
        Msg::Engine {
            at: T0 + 700,
            event: Event::SyncFinished {
                listed: 1,
                read: 1,
                gone: 0,
                unread: 0,
                unread_groups: Vec::new(),
                error: None,
            },
        },
    );
    update(&mut s, Msg::Tick { at: T0 + 2_700 });
    assert_eq!(s.shared.work, Work::Idle);
    let idle = status_line(&s);
    assert!(idle.contains("idle"), "{idle}");
    assert!(idle.contains("0 in flight · 0.0 req/s"), "{idle}");
}
