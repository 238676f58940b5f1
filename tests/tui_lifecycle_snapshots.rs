//! Snapshots of the lifecycle's screens at 80x24 and 120x40, from fixed data (no clock): the
//! group dialog, the join requests view with its link, the delete confirm naming the group and
//! its members, and suspended groups and groups with requests marked in the list.

mod tui_common;

use crossterm::event::KeyCode;
use tui_common::screen::{T0, fresh, snap};
use tui_common::{person, press, summary};
use wa_groups::domain::{JoinApprovalMode, Participant, Person, UserId};
use wa_groups::store::{GroupAbout, GroupSummary, MirrorGroup, StoredJoinRequest};
use wa_groups::tui::intent::Intent;
use wa_groups::tui::model::GroupDetail;
use wa_groups::tui::views::Pane;
use wa_groups::tui::views::requests::RequestsDetail;
use wa_groups::tui::{Loaded, Msg, State, update};

fn groups() -> Vec<GroupSummary> {
    let mut cohort = summary("G-COHORT", "Spring cohort A", 2, 0, 0);
    cohort.join_requests = 2;
    cohort.invite_link = Some("https://chat.whatsapp.com/AbCdEf123456".into());
    let mut suspended = summary("G-SUSP", "Flea market", 5, 0, 0);
    suspended.suspended = true;
    vec![
        summary("G-BOOK", "Book Club", 8, 0, 0),
        suspended,
        cohort,
        summary("G-RIVER", "Riverside Runners", 5, 0, 0),
    ]
}

fn requests() -> RequestsDetail {
    // One asker with a phone shown, one with it hidden (BSUID and username only).
    let asked = |id: &str, wa_id: Option<&str>, username: Option<&str>, at: i64| {
        let phone = wa_id.map(|w| Participant::from_wa_id(w).expect("wa_id"));
        let user_id = UserId::parse("US.13491208655302741918").ok();
        StoredJoinRequest {
            group_id: "G-COHORT".into(),
            join_request_id: id.into(),
            person: Person::known(phone, user_id)
                .map(|p| p.with_username(username.map(str::to_owned))),
            created_at: Some(at),
            read_at: T0,
        }
    };
    RequestsDetail::new(
        MirrorGroup {
            id: "G-COHORT".into(),
            subject: "Spring cohort A".into(),
            members: vec![person(1).into(), person(2).into()],
            member_count: 2,
            read_at: T0,
            gone_at: None,
            about: GroupAbout {
                description: Some("Weekly check-ins, Mondays at 10".into()),
                join_approval_mode: Some(JoinApprovalMode::ApprovalRequired),
                suspended: false,
                created_at: Some(T0 - 86_400_000),
                invite_link: Some("https://chat.whatsapp.com/AbCdEf123456".into()),
                invite_link_read_at: Some(T0),
            },
        },
        vec![
            asked("SlJRXzAwMQ", Some("15550100002"), None, T0 - 3_600_000),
            asked("SlJRXzAwMg", None, Some("ana.k"), T0 - 60_000),
        ],
    )
}

fn state(w: u16, h: u16) -> State {
    let mut s = fresh(w, h);
    update(&mut s, Msg::Loaded(Loaded::Groups(groups())));
    s
}

/// The cursor on the cohort, the join requests view open on it.
fn on_requests(w: u16, h: u16) -> State {
    let mut s = state(w, h);
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Char('J'));
    update(
        &mut s,
        Msg::Loaded(Loaded::JoinRequests("G-COHORT".into(), Some(requests()))),
    );
    s
}

#[test]
fn new_group_dialog() {
    snap!("new_group", |w, h| {
        let mut s = state(w, h);
        press(&mut s, KeyCode::Char('n'));
        for c in "Spring cohort B".chars() {
            press(&mut s, KeyCode::Char(c));
        }
        press(&mut s, KeyCode::Tab);
        press(&mut s, KeyCode::Tab);
        press(&mut s, KeyCode::Char(' '));
        s
    });
}

#[test]
fn join_requests_view_with_the_link() {
    snap!("join_requests", |w, h| {
        let mut s = on_requests(w, h);
        assert_eq!(s.focus, Pane::Requests);
        press(&mut s, KeyCode::Char(' '));
        // When they asked stays whole; the asker gives up room.
        let screen = tui_common::screen::render(&s, w, h);
        assert!(screen.contains("asked 1 h ago"), "{screen}");
        assert!(screen.contains("asked 1 min ago"), "{screen}");
        s
    });
}

#[test]
fn approving_asks_with_the_requests() {
    snap!("approve_confirm", |w, h| {
        let mut s = on_requests(w, h);
        press(&mut s, KeyCode::Char('A'));
        s
    });
}

/// The cohort full (8 of 8): approving both requests holds them back, and the confirm says
/// so before yes.
#[test]
fn approving_into_a_full_group_says_they_are_held() {
    snap!("approve_full_confirm", |w, h| {
        let mut s = state(w, h);
        press(&mut s, KeyCode::Char('j'));
        press(&mut s, KeyCode::Char('j'));
        press(&mut s, KeyCode::Char('J'));
        let mut detail = requests();
        detail.members = (1..=8).map(|n| person(n).into()).collect();
        detail.member_count = 8;
        update(
            &mut s,
            Msg::Loaded(Loaded::JoinRequests("G-COHORT".into(), Some(detail))),
        );
        press(&mut s, KeyCode::Char('A'));
        let Some(wa_groups::tui::overlays::Overlay::Confirm(confirm)) = s.overlay() else {
            panic!("a confirm");
        };
        assert!(
            confirm.question.summary.contains(
                "none can join now: they are held back (stay pending): the group has 8 of 8 members"
            ),
            "{}",
            confirm.question.summary
        );
        assert!(
            confirm
                .question
                .lines
                .iter()
                .any(|l| l.text.contains("would be 9 of 8 members")),
            "{:?}",
            confirm.question.lines
        );
        s
    });
}

/// The confirm of approvals into a full group asks again when the group changes under it: a
/// member leaves, and one of the two can join; the other request answered elsewhere, and only
/// the one left is asked about; none left, and the confirm closes saying so.
#[test]
fn an_open_approve_confirm_follows_the_group_as_it_is_now() {
    let mut s = state(80, 24);
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Char('J'));
    let full = |members: u32| {
        let mut detail = requests();
        detail.members = (1..=members).map(|n| person(n).into()).collect();
        detail.member_count = members;
        detail
    };
    let read = |s: &mut State, detail: RequestsDetail| {
        update(
            s,
            Msg::Loaded(Loaded::JoinRequests("G-COHORT".into(), Some(detail))),
        );
    };
    let summary = |s: &State| match s.overlay() {
        Some(wa_groups::tui::overlays::Overlay::Confirm(c)) => c.question.summary.clone(),
        other => panic!("a confirm, not {other:?}"),
    };
    read(&mut s, full(8));
    press(&mut s, KeyCode::Char('A'));
    assert!(summary(&s).contains("none can join now"), "{}", summary(&s));
    // A member left: the store's read reaches the open confirm.
    read(&mut s, full(7));
    assert!(
        summary(&s)
            .contains("1 join; 1 are held back (stay pending): the group has 7 of 8 members"),
        "{}",
        summary(&s)
    );
    // One request answered elsewhere: the other alone is asked about, and it fits.
    let mut one_left = full(7);
    one_left.requests.remove(0);
    read(&mut s, one_left.clone());
    assert!(
        summary(&s).ends_with("; they join the group"),
        "{}",
        summary(&s)
    );
    assert!(!summary(&s).contains("15550100002"), "{}", summary(&s));
    // Yes sends the approval of the request still pending, no other.
    let effects = press(&mut s, KeyCode::Char('y'));
    let sent: Vec<String> = effects
        .iter()
        .filter_map(|e| match e {
            wa_groups::tui::Effect::Send { ops } => Some(ops.iter().map(|o| o.describe())),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].contains("ana.k"), "{sent:?}");
    // Only this group shows its changes being sent (`⇡`), not every group with some pending.
    match &s.shared.work {
        wa_groups::tui::shared::Work::Submitting {
            groups: Some(groups),
        } => {
            assert_eq!(groups.len(), 1, "{groups:?}")
        }
        other => panic!("{other:?}"),
    }

    // None left: the confirm closes and says why.
    let mut s = state(80, 24);
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Char('J'));
    read(&mut s, full(8));
    press(&mut s, KeyCode::Char('A'));
    let mut none_left = full(8);
    none_left.requests.clear();
    read(&mut s, none_left);
    assert!(s.overlay().is_none(), "{:?}", s.overlay());
    let notice = s
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert_eq!(
        notice,
        "the join requests of Spring cohort A were answered or withdrawn meanwhile: nothing sent"
    );
}

/// The group pane lists every change of its group: join decisions, its create, its
/// subject and link changes, beside adds and removals.
#[test]
fn the_group_pane_lists_every_kind_of_change() {
    snap!("group_every_change", |w, h| {
        use wa_groups::domain::{NewGroup, OpSpec, OperationState};
        let mut s = state(w, h);
        let asker = requests().requests[0].reference();
        let op = |id: i64, spec: OpSpec, state: OperationState| {
            wa_groups::testing::operation(id, spec, state)
        };
        let create = op(
            1,
            OpSpec::Create {
                new: NewGroup {
                    subject: "Book Club".into(),
                    description: None,
                    join_approval_mode: JoinApprovalMode::AutoApprove,
                },
                group: Some("G-BOOK".into()),
            },
            OperationState::Confirmed,
        );
        let ops = vec![
            create,
            op(
                2,
                wa_groups::testing::add("G-BOOK", 20),
                OperationState::Pending,
            ),
            op(
                3,
                OpSpec::Approve {
                    group: "G-BOOK".into(),
                    request: asker.clone(),
                },
                OperationState::Pending,
            ),
            op(
                4,
                OpSpec::ResetLink {
                    group: "G-BOOK".into(),
                },
                OperationState::Pending,
            ),
        ];
        let mut detail = book_club();
        detail = GroupDetail::new(
            MirrorGroup {
                id: "G-BOOK".into(),
                subject: "Book Club".into(),
                members: detail.members,
                member_count: 8,
                read_at: T0,
                gone_at: None,
                about: Default::default(),
            },
            ops,
        );
        assert_eq!(detail.ops.len(), 4);
        update(
            &mut s,
            Msg::Loaded(Loaded::Group("G-BOOK".into(), Some(detail))),
        );
        press(&mut s, KeyCode::Tab);
        press(&mut s, KeyCode::Char('G'));
        let screen = tui_common::screen::render(&s, w, h);
        assert!(screen.contains("Changes (4 · 3 pending)"), "{screen}");
        assert!(screen.contains("approve +15550100002"), "{screen}");
        assert!(screen.contains("reset invite link"), "{screen}");
        assert!(screen.contains("create"), "{screen}");
        s
    });
}

/// Book Club as the group pane reads it: eight members, one known by BSUID and username.
fn book_club() -> GroupDetail {
    let mut members: Vec<Person> = (1..=7).map(|n| person(n).into()).collect();
    members.push(wa_groups::testing::hidden(13491208));
    GroupDetail::new(
        MirrorGroup {
            id: "G-BOOK".into(),
            subject: "Book Club".into(),
            members,
            member_count: 8,
            read_at: T0,
            gone_at: None,
            about: Default::default(),
        },
        Vec::new(),
    )
}

#[test]
fn delete_confirm_names_the_group_and_its_members() {
    snap!("delete_confirm", |w, h| {
        let mut s = state(w, h);
        update(
            &mut s,
            Msg::Loaded(Loaded::Group("G-BOOK".into(), Some(book_club()))),
        );
        press(&mut s, KeyCode::Char('D'));
        s
    });
}

#[test]
fn reset_link_confirm_says_it_in_the_operators_words() {
    snap!("reset_link_confirm", |w, h| {
        let mut s = state(w, h);
        press(&mut s, KeyCode::Char('L'));
        s
    });
}

#[test]
fn enter_in_the_join_requests_view_shows_the_whole_link() {
    snap!("join_requests_detail", |w, h| {
        let mut s = on_requests(w, h);
        press(&mut s, KeyCode::Down);
        press(&mut s, KeyCode::Enter);
        s
    });
}

#[test]
fn the_new_group_dialog_notes_a_subject_in_use_and_says_why_enter_did_nothing() {
    snap!("new_group_subject_in_use", |w, h| {
        let mut s = state(w, h);
        press(&mut s, KeyCode::Char('n'));
        for c in "book club".chars() {
            press(&mut s, KeyCode::Char(c));
        }
        s
    });
    snap!("new_group_empty_enter", |w, h| {
        let mut s = state(w, h);
        press(&mut s, KeyCode::Char('n'));
        let effects = press(&mut s, KeyCode::Enter);
        assert!(effects.is_empty(), "nothing sent: {effects:?}");
        assert_eq!(s.overlays.len(), 1, "the dialog stays open");
        s
    });
}

/// An approval already queued (held: the group was full) is marked on its row and left out
/// of the next `A`; with every request queued, `A` says so instead of starting an empty run,
/// and `X` asks to reject them in its place.
#[test]
fn a_queued_approval_is_marked_and_not_asked_again() {
    use wa_groups::domain::{JoinRequestRef, OpSpec, OperationState};
    use wa_groups::store::OpId;
    let mut s = state(80, 24);
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Char('J'));
    let mut queued = wa_groups::testing::operation(
        12,
        OpSpec::Approve {
            group: "G-COHORT".into(),
            request: JoinRequestRef {
                id: "SlJRXzAwMQ".into(),
                person: None,
            },
        },
        OperationState::Pending,
    );
    queued.flag = Some("would be 9 of 8 members: 8 now; held back until the group has room".into());
    let detail = requests().with_pending([queued]);
    assert_eq!(
        detail.queued.get("SlJRXzAwMQ").map(|q| q.id),
        Some(OpId(12))
    );
    update(
        &mut s,
        Msg::Loaded(Loaded::JoinRequests(
            "G-COHORT".into(),
            Some(detail.clone()),
        )),
    );
    let screen = tui_common::screen::render(&s, 80, 24);
    assert!(screen.contains("approve queued (!)"), "{screen}");
    press(&mut s, KeyCode::Char('A'));
    let Some(wa_groups::tui::overlays::Overlay::Confirm(confirm)) = s.overlay() else {
        panic!("a confirm for the other request");
    };
    let Intent::Decide { requests, .. } = &confirm.intent else {
        panic!("a decision");
    };
    let ids: Vec<&str> = requests.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["SlJRXzAwMg"], "the queued one left out");
    assert!(
        s.notice
            .as_ref()
            .is_some_and(|n| n.text == "1 request(s) with a decision already queued left out"),
        "{:?}",
        s.notice
    );
    press(&mut s, KeyCode::Esc);

    // Both queued: A asks nothing and says why.
    let mut second = wa_groups::testing::operation(
        13,
        OpSpec::Approve {
            group: "G-COHORT".into(),
            request: JoinRequestRef {
                id: "SlJRXzAwMg".into(),
                person: None,
            },
        },
        OperationState::Pending,
    );
    second.flag = None;
    let both = detail.with_pending([second]);
    update(
        &mut s,
        Msg::Loaded(Loaded::JoinRequests("G-COHORT".into(), Some(both))),
    );
    press(&mut s, KeyCode::Char('A'));
    assert!(s.overlay().is_none(), "nothing to ask");
    let notice = s
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert_eq!(
        notice,
        "already queued to approve: s sends it; X decides the other way instead"
    );
    // The other way is asked: a reject takes the held approval's place.
    press(&mut s, KeyCode::Char('X'));
    let Some(wa_groups::tui::overlays::Overlay::Confirm(confirm)) = s.overlay() else {
        panic!("a reject confirm");
    };
    let Intent::Decide {
        approve, requests, ..
    } = &confirm.intent
    else {
        panic!("a decision");
    };
    assert!(!approve);
    assert_eq!(requests.len(), 2);
}

/// The delete confirm says that the group's queued changes fail once it is gone.
#[test]
fn delete_confirm_warns_of_the_queued_changes_that_will_fail() {
    let mut s = state(80, 24);
    let mut listed = groups();
    listed[0].pending = 2;
    update(&mut s, Msg::Loaded(Loaded::Groups(listed)));
    press(&mut s, KeyCode::Char('D'));
    let screen = tui_common::screen::render(&s, 80, 24);
    assert!(
        screen.contains("its 2 queued change(s) fail once it is gone"),
        "{screen}"
    );
}
