//! Snapshots of every pane, dialog and popup at 80x24 and 120x40, from fixed data (no clock).

mod tui_common;

use tui_common::screen::{T0, fresh, fresh_with, render, snap};
use tui_common::{counts, operation, person, press, summary};

use std::collections::BTreeMap;

use crossterm::event::KeyCode;
use wa_groups::domain::{OperationKind, OperationState};
use wa_groups::engine::{Event, Progress, RequestInfo, Summary};
use wa_groups::store::{GroupSummary, MirrorGroup, OpId, Operation};
use wa_groups::tui::model::GroupDetail;
use wa_groups::tui::msg::PlanFor;
use wa_groups::tui::overlays::{AddInput, Overlay};
use wa_groups::tui::shared::Work;
use wa_groups::tui::views::Pane;
use wa_groups::tui::{Keymap, Loaded, Msg, State, update};

fn groups() -> Vec<GroupSummary> {
    let mut list = vec![
        summary("G-BOOK", "Book Club", 8, 1, 1),
        summary(
            "G-HARBOR",
            "Harbor Volunteers 2025: weekend shifts, boats and the summer fair",
            2,
            0,
            0,
        ),
        summary(
            "Y2FwaV9ncm91cDoxOjQ0NTI3MQ",
            "Cedar Park Neighbours",
            6,
            0,
            0,
        ),
        summary(
            "Y2FwaV9ncm91cDoxOjgyNDY1NQ",
            "Cedar Park Neighbours",
            4,
            0,
            0,
        ),
        summary("G-RIVER", "Riverside Runners 🏃", 5, 3, 0),
    ];
    let mut gone = summary("G-OLD", "Old Committee", 3, 0, 0);
    gone.gone_at = Some(T0);
    list.push(gone);
    for n in 1..=30 {
        list.push(summary(
            &format!("G-TEAM{n:02}"),
            &format!("Team {n:02}"),
            (n % 9) as u32,
            0,
            0,
        ));
    }
    list
}

fn op(id: i64, n: u32, kind: OperationKind, state: OperationState) -> Operation {
    operation(id, "G-BOOK", n, kind, state)
}

fn book_club() -> GroupDetail {
    let mut failed = op(5, 21, OperationKind::Add, OperationState::Failed);
    failed.error_code = Some(131203);
    failed.error_message = Some("recipient has not accepted the current terms".into());
    let mut skipped = op(4, 22, OperationKind::Add, OperationState::Skipped);
    skipped.error_message = Some("already a member".into());
    let ops = vec![
        op(1, 30, OperationKind::Add, OperationState::Confirmed),
        op(2, 31, OperationKind::Add, OperationState::Accepted),
        op(3, 32, OperationKind::Remove, OperationState::Sending),
        skipped,
        failed,
        op(6, 3, OperationKind::Remove, OperationState::Pending),
    ];
    GroupDetail::new(
        MirrorGroup {
            id: "G-BOOK".into(),
            subject: "Book Club".into(),
            members: (1..=8).map(|n| person(n).into()).collect(),
            member_count: 8,
            read_at: T0,
            gone_at: None,
            about: Default::default(),
        },
        ops,
    )
}

fn at(ms: i64, event: Event) -> Msg {
    Msg::Engine { at: T0 + ms, event }
}

fn request(seq: u64, group: &str, n: usize) -> RequestInfo {
    RequestInfo {
        seq,
        method: "POST",
        group_id: group.into(),
        kind: Some(OperationKind::Add),
        participants: n,
        attempt: 1,
    }
}

/// The main screen: the mirror loaded, Book Club selected, a short log.
fn loaded(w: u16, h: u16) -> State {
    let mut s = fresh(w, h);
    update(&mut s, Msg::Loaded(Loaded::Groups(groups())));
    update(
        &mut s,
        Msg::Loaded(Loaded::Group("G-BOOK".into(), Some(book_club()))),
    );
    update(&mut s, counts(4, 1, 1, 12));
    update(&mut s, at(0, Event::SyncStarted));
    update(
        &mut s,
        at(
            900,
            Event::SyncFinished {
                listed: 34,
                read: 34,
                gone: 1,
                unread: 0,
                unread_groups: Vec::new(),
                error: None,
            },
        ),
    );
    s
}

/// `n` warnings in the log, 10 ms apart.
fn warnings(s: &mut State, n: i64) {
    for n in 0..n {
        update(
            s,
            at(
                2_000 + n * 10,
                Event::Warning {
                    message: format!("warning number {n}"),
                },
            ),
        );
    }
}
#[test]
fn empty_mirror() {
    snap!("empty", |w, h| {
        let mut s = fresh(w, h);
        update(&mut s, Msg::Loaded(Loaded::Groups(Vec::new())));
        update(&mut s, counts(0, 0, 0, 0));
        s
    });
}

#[test]
fn loading_while_the_first_sync_runs() {
    snap!("loading", |w, h| {
        let mut s = fresh(w, h);
        update(&mut s, Msg::Loaded(Loaded::Groups(Vec::new())));
        update(&mut s, at(0, Event::SyncStarted));
        update(
            &mut s,
            at(
                300,
                Event::SyncProgress {
                    done: 12,
                    total: 40,
                },
            ),
        );
        s
    });
}

#[test]
fn groups_group_and_log() {
    snap!("main", loaded);
}

#[test]
fn group_pane_focused_with_a_picked_member() {
    snap!("group_focus", |w, h| {
        let mut s = loaded(w, h);
        press(&mut s, KeyCode::Tab);
        press(&mut s, KeyCode::Down);
        press(&mut s, KeyCode::Char(' '));
        s
    });
}

#[test]
fn partial_failure_after_a_run() {
    snap!("partial_failure", |w, h| {
        let mut s = loaded(w, h);
        s.shared.work = Work::Submitting { groups: None };
        update(
            &mut s,
            at(
                1_000,
                Event::RunStarted {
                    operations: 3,
                    requests: 1,
                    failing: 0,
                },
            ),
        );
        update(
            &mut s,
            at(1_010, Event::RequestSent(request(1, "G-BOOK", 3))),
        );
        update(
            &mut s,
            at(
                1_100,
                Event::Answer {
                    request: request(1, "G-BOOK", 3),
                    status: Some(206),
                    code: Some(131201),
                    message: "some participant operations failed".into(),
                    duration_ms: 90,
                    request_id: Some("AbC123request".into()),
                    fbtrace_id: None,
                },
            ),
        );
        update(
            &mut s,
            at(
                1_200,
                Event::Outcome {
                    op: OpId(5),
                    group_id: "G-BOOK".into(),
                    participant: "+12122000021".into(),
                    detail: "+12122000021".into(),
                    kind: OperationKind::Add,
                    state: OperationState::Failed,
                    code: Some(131203),
                    message: Some("recipient has not accepted the current terms".into()),
                },
            ),
        );
        update(
            &mut s,
            at(
                1_600,
                Event::Outcome {
                    op: OpId(1),
                    group_id: "G-BOOK".into(),
                    participant: "+12122000030".into(),
                    detail: "+12122000030".into(),
                    kind: OperationKind::Add,
                    state: OperationState::Confirmed,
                    code: None,
                    message: None,
                },
            ),
        );
        let mut failed_by_reason = BTreeMap::new();
        failed_by_reason.insert(
            "131203 recipient has not accepted the current terms".into(),
            1,
        );
        update(
            &mut s,
            at(
                1_700,
                Event::RunFinished(Summary {
                    progress: Progress {
                        operations: 3,
                        confirmed: 2,
                        failed: 1,
                        requests_sent: 1,
                        ..Progress::default()
                    },
                    failed_by_reason,
                    elapsed_ms: 700,
                    ..Summary::default()
                }),
            ),
        );
        s
    });
}

#[test]
fn throttled_while_sending() {
    snap!("throttled", |w, h| {
        let mut s = loaded(w, h);
        s.shared.work = Work::Submitting { groups: None };
        update(
            &mut s,
            at(
                1_000,
                Event::RunStarted {
                    operations: 40,
                    requests: 5,
                    failing: 0,
                },
            ),
        );
        for n in 0..4 {
            update(
                &mut s,
                at(
                    1_000 + n * 100,
                    Event::RequestSent(request(n as u64, "G-RIVER", 8)),
                ),
            );
            // What is on the wire, as the engine counts it.
            update(
                &mut s,
                at(
                    1_000 + n * 100,
                    Event::Wire {
                        in_flight: n as usize + 1,
                        sent: n as usize + 1,
                    },
                ),
            );
        }
        update(
            &mut s,
            at(
                1_500,
                Event::RetryScheduled {
                    request: request(3, "G-RIVER", 8),
                    delay_ms: 2_000,
                    reason: "131208 group rate limit hit".into(),
                },
            ),
        );
        update(
            &mut s,
            at(
                1_500,
                Event::Throttled {
                    pause_ms: 2_000,
                    rate: Some(1.5),
                },
            ),
        );
        update(
            &mut s,
            at(
                1_600,
                Event::Progress(Progress {
                    operations: 40,
                    confirmed: 16,
                    in_flight_requests: 2,
                    requests_sent: 4,
                    throttled: 1,
                    ..Progress::default()
                }),
            ),
        );
        s
    });
}

#[test]
fn filter_by_subject_while_typing() {
    snap!("filter", |w, h| {
        let mut s = loaded(w, h);
        press(&mut s, KeyCode::Char('/'));
        for c in "team 1".chars() {
            press(&mut s, KeyCode::Char(c));
        }
        s
    });
}

/// Searches the test person 3 with `/` and answers the search: they are in `groups`.
fn search_person_3(s: &mut State, groups: &[&str]) {
    press(s, KeyCode::Char('/'));
    let effects = update(s, Msg::Paste("+1 212 200 0003".into()));
    assert!(
        !effects.is_empty(),
        "a number asks the store for the person's groups"
    );
    press(s, KeyCode::Enter);
    update(
        s,
        Msg::Loaded(Loaded::PersonGroups {
            query: "+1 212 200 0003".into(),
            person: wa_groups::domain::Query::Phone(person(3)),
            groups: groups
                .iter()
                .map(|g| ((*g).to_owned(), person(3).into()))
                .collect(),
            adding: Vec::new(),
        }),
    );
}

#[test]
fn participant_search_with_picked_groups() {
    snap!("person", |w, h| {
        let mut s = loaded(w, h);
        search_person_3(&mut s, &["G-BOOK", "G-RIVER", "G-TEAM05"]);
        press(&mut s, KeyCode::Char(' '));
        press(&mut s, KeyCode::Char(' '));
        s
    });
}

#[test]
fn help_popup() {
    snap!("help", |w, h| {
        let mut s = loaded(w, h);
        press(&mut s, KeyCode::Char('?'));
        s
    });
}

#[test]
fn add_dialog_checks_numbers() {
    snap!("add", |w, h| {
        let mut s = loaded(w, h);
        let mut input = AddInput::new(
            vec!["G-RIVER".into()],
            "Riverside Runners 🏃".into(),
            Default::default(),
        );
        input.insert(
            "+1 212 200 0101\n+12122000102, 12x, +5491123456789 +12122000102",
            None,
        );
        s.overlays.push(Overlay::Add(input));
        s
    });
}

/// `*` picks every live group, and a gone one is picked too (with Space, before it went);
/// `a` opens the add dialog on the others, and the dialog says which picked group it left out
/// and why, for as long as it is open (typing does not replace it); the log has it whole.
#[test]
fn adding_to_picked_groups_says_which_gone_group_is_left_out() {
    snap!("add_left_out", |w, h| {
        let mut s = loaded(w, h);
        press(&mut s, KeyCode::Char('*'));
        assert!(!s.views.groups.picked.contains("G-OLD"), "* leaves it out");
        s.views.groups.picked.insert("G-OLD".into());
        press(&mut s, KeyCode::Char('a'));
        let Some(Overlay::Add(input)) = s.overlay() else {
            panic!("the add dialog, not {:?}", s.overlay());
        };
        assert!(
            !input.groups.iter().any(|g| g == "G-OLD"),
            "{:?}",
            input.groups
        );
        let said = "1 picked group(s) left out, gone from the server: Old Committee";
        assert_eq!(input.left_out, said);
        for c in "+1 212 200 0101".chars() {
            press(&mut s, KeyCode::Char(c));
        }
        assert!(render(&s, w, h).contains(said), "{}", render(&s, w, h));
        let log: Vec<&str> = s.views.log.lines.iter().map(|l| l.text.as_str()).collect();
        assert!(log.iter().any(|l| l.ends_with(said)), "{log:?}");
        s
    });
}

fn plan_msg(purpose: PlanFor) -> Msg {
    use wa_groups::domain::plan::{Leftover, Plan};
    use wa_groups::engine::Scope;
    use wa_groups::testing::planned;
    let plan = Plan {
        requests: vec![
            planned(OperationKind::Remove, "G-BOOK", &[(6, 3)]),
            planned(
                OperationKind::Add,
                "G-RIVER",
                &[(7, 101), (8, 102), (9, 103)],
            ),
        ],
        held: vec![Leftover {
            id: OpId(10),
            spec: wa_groups::testing::add("G-RIVER", 104),
            reason: "would be 9 of 8 members: 5 now, 3 add(s) already planned".into(),
            cause: None,
        }],
        skipped: vec![Leftover {
            id: OpId(11),
            spec: wa_groups::testing::add("G-BOOK", 1),
            reason: "already a member".into(),
            cause: None,
        }],
        failing: Vec::new(),
        unsettled: Vec::new(),
    };
    Msg::Loaded(Loaded::Plan {
        purpose,
        scope: Scope::All,
        plan,
    })
}

/// A change queued for a group that is gone: the send confirm counts no request for it and
/// says it will fail, and why, as the run does (`domain::plan::fail_in_gone_groups`).
#[test]
fn the_send_confirm_says_a_change_to_a_gone_group_will_fail() {
    snap!("confirm_gone", |w, h| {
        use wa_groups::domain::plan::PendingOp;
        use wa_groups::engine::Scope;
        use wa_groups::engine::kinds::{Mirror, plan};
        let ops = vec![
            PendingOp {
                id: OpId(6),
                spec: wa_groups::testing::add("G-RIVER", 101),
            },
            PendingOp {
                id: OpId(7),
                spec: wa_groups::testing::add("G-OLD", 102),
            },
        ];
        let mut mirror = Mirror {
            gone: ["G-OLD".to_owned()].into(),
            ..Mirror::default()
        };
        let mut s = loaded(w, h);
        update(
            &mut s,
            Msg::Loaded(Loaded::Plan {
                purpose: PlanFor::Submit,
                scope: Scope::All,
                plan: plan(ops, &mut mirror),
            }),
        );
        let Some(Overlay::Confirm(confirm)) = s.overlay() else {
            panic!("a confirm");
        };
        assert_eq!(
            confirm.question.summary,
            "1 request(s) · 1 participant(s) · 1 group(s) · 1 will fail: group gone"
        );
        assert!(
            confirm.question.lines.iter().any(|l| l.text
                == "    #7 add +12122000102 to Old Committee: the group is gone from the server (deleted, or a wrong id)"),
            "{:?}",
            confirm.question.lines
        );
        s
    });
}

#[test]
fn confirm_dialog_shows_what_will_be_sent() {
    snap!("confirm", |w, h| {
        let mut s = loaded(w, h);
        update(&mut s, plan_msg(PlanFor::Submit));
        assert!(matches!(s.overlay(), Some(Overlay::Confirm(_))));
        s
    });
}

#[test]
fn preview_popup() {
    snap!("preview", |w, h| {
        let mut s = loaded(w, h);
        update(&mut s, plan_msg(PlanFor::Preview));
        s
    });
}

/// A plan longer than any screen: the 30 teams' adds (each line with the group's label and
/// the path, wrapped at 80 columns), then changes held back, whose last line must be reached.
fn long_plan_msg() -> Msg {
    long_plan(PlanFor::Preview)
}

/// [`long_plan_msg`] for `purpose`.
fn long_plan(purpose: PlanFor) -> Msg {
    use wa_groups::domain::plan::{Leftover, Plan};
    use wa_groups::engine::Scope;
    use wa_groups::testing::planned;
    let mut plan = Plan::default();
    for n in 1..=30u32 {
        let group = format!("G-TEAM{n:02}");
        let id = i64::from(n) * 10;
        plan.requests.push(planned(
            OperationKind::Add,
            &group,
            &[(id, 100 + n), (id + 1, 200 + n), (id + 2, 300 + n)],
        ));
    }
    for n in 1..=3u32 {
        plan.held.push(Leftover {
            id: OpId(1000 + i64::from(n)),
            spec: wa_groups::testing::add("G-TEAM08", 400 + n),
            reason: format!(
                "would be {} of 8 members: 8 now, 0 removal(s) pending",
                8 + n
            ),
            cause: None,
        });
    }
    Msg::Loaded(Loaded::Plan {
        purpose,
        scope: Scope::All,
        plan,
    })
}

/// The send confirm of a long plan says how to scroll through it (it shows every line), and
/// the page and end keys it names reach the last held-back change.
#[test]
fn a_long_send_confirm_says_how_to_scroll_to_its_end() {
    snap!("confirm_long", |w, h| {
        let mut s = loaded(w, h);
        update(&mut s, long_plan(PlanFor::Submit));
        assert!(matches!(s.overlay(), Some(Overlay::Confirm(_))));
        let screen = render(&s, w, h);
        assert!(screen.contains("pgup/pgdn page, G the end"), "{screen}");
        assert!(!screen.contains("previews them all"), "{screen}");
        let mut end = s.clone();
        press(&mut end, KeyCode::Char('G'));
        assert!(render(&end, w, h).contains("would be 11 of 8 members"));
        let mut paged = s.clone();
        for _ in 0..20 {
            press(&mut paged, KeyCode::PageDown);
            render(&paged, w, h);
        }
        assert!(render(&paged, w, h).contains("would be 11 of 8 members"));
        s
    });
}

/// The preview of a long plan scrolls to its very end (End), wrapped lines and all: the
/// held-back changes show, the last one whole; Up from there moves at once.
#[test]
fn preview_scrolls_to_its_last_line() {
    snap!("preview_end", |w, h| {
        let mut s = loaded(w, h);
        update(&mut s, long_plan_msg());
        assert!(matches!(s.overlay(), Some(Overlay::Text(_))));
        let first = render(&s, w, h);
        assert!(!first.contains("would be 11 of 8"), "{first}");
        press(&mut s, KeyCode::End);
        let end = render(&s, w, h);
        assert!(end.contains("would be 11 of 8 members"), "{end}");
        assert!(end.contains("held"), "{end}");
        // Down past the end stays; one Up shows one row less of the end at once.
        press(&mut s, KeyCode::Down);
        assert_eq!(render(&s, w, h), end);
        press(&mut s, KeyCode::Up);
        assert_ne!(render(&s, w, h), end);
        press(&mut s, KeyCode::Down);
        assert_eq!(render(&s, w, h), end);
        s
    });
}

/// The same by single steps and pages: Down and PgDn reach the end too.
#[test]
fn preview_reaches_its_end_by_steps() {
    let (w, h) = (80, 24);
    let mut s = loaded(w, h);
    update(&mut s, long_plan_msg());
    render(&s, w, h);
    for _ in 0..40 {
        press(&mut s, KeyCode::PageDown);
        render(&s, w, h);
    }
    assert!(render(&s, w, h).contains("would be 11 of 8 members"));
}

/// `i` shows the group under the cursor whole: a subject the list cuts, uncut, and its id.
#[test]
fn group_info_shows_the_whole_subject_and_id() {
    snap!("group_info", |w, h| {
        let mut s = loaded(w, h);
        press(&mut s, KeyCode::Down);
        assert_eq!(
            s.views.groups.current(&s.shared.mirror).map(|g| &*g.id),
            Some("G-HARBOR")
        );
        press(&mut s, KeyCode::Char('i'));
        let screen = render(&s, w, h);
        // Wrapped at 80 columns, but every word of it is there.
        for word in "Harbor Volunteers 2025: weekend shifts, boats and the summer fair".split(' ') {
            assert!(screen.contains(word), "{word}: {screen}");
        }
        assert!(screen.contains("G-HARBOR"), "{screen}");
        s
    });
    // From the group pane too; the help lists the key.
    let mut s = loaded(80, 24);
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Char('i'));
    assert!(matches!(s.overlay(), Some(Overlay::Text(t)) if t.title == "Group"));
    press(&mut s, KeyCode::Esc);
    // From the log, whose lines are about other groups, the title says which group it is.
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Char('i'));
    assert!(
        matches!(s.overlay(), Some(Overlay::Text(t)) if t.title == "Group under the groups pane's cursor")
    );
    press(&mut s, KeyCode::Esc);
    press(&mut s, KeyCode::Char('?'));
    let Some(Overlay::Help(help)) = s.overlay() else {
        panic!("help");
    };
    assert!(
        help.lines
            .iter()
            .any(|(k, t)| k == "i" && t.contains("subject and id uncut"))
    );
}

#[test]
fn queued_report() {
    snap!("queued", |w, h| {
        use wa_groups::store::{EnqueueReport, Flagged, Replacement};
        let mut s = loaded(w, h);
        let report = EnqueueReport {
            stored: 3,
            duplicates: 1,
            replaced: vec![Replacement {
                spec: wa_groups::testing::add("G-BOOK", 3),
                replaced: OpId(6),
                replaced_kind: OperationKind::Remove,
                by: OpId(12),
            }],
            flagged: vec![Flagged {
                id: OpId(13),
                spec: wa_groups::testing::add("G-BOOK", 4),
                flag: "already a member of the group".into(),
            }],
            ids: vec![OpId(12), OpId(13)],
            ..EnqueueReport::default()
        };
        update(
            &mut s,
            Msg::Loaded(Loaded::Enqueued {
                report,
                invalid: vec![
                    "\"(201) 629-6041\": no country code: write it with + and the country code"
                        .into(),
                ],
            }),
        );
        s
    });
}

#[test]
fn quit_while_sending_asks_first() {
    snap!("quit", |w, h| {
        let mut s = loaded(w, h);
        s.shared.work = Work::Submitting { groups: None };
        press(&mut s, KeyCode::Char('q'));
        assert!(matches!(s.overlay(), Some(Overlay::Quit)));
        s
    });
}

#[test]
fn log_pane_focused_and_scrolled() {
    snap!("log_scrolled", |w, h| {
        let mut s = loaded(w, h);
        warnings(&mut s, 40);
        press(&mut s, KeyCode::Tab);
        press(&mut s, KeyCode::Tab);
        assert_eq!(s.focus, Pane::Log);
        press(&mut s, KeyCode::Up);
        press(&mut s, KeyCode::Up);
        press(&mut s, KeyCode::Up);
        s
    });
}

#[test]
fn tiny_terminals_do_not_panic() {
    for (w, h) in [(1, 1), (10, 4), (30, 8), (200, 3)] {
        let mut s = loaded(w, h);
        press(&mut s, KeyCode::Char('?'));
        render(&s, w, h);
        press(&mut s, KeyCode::Esc);
        update(&mut s, plan_msg(PlanFor::Submit));
        render(&s, w, h);
    }
}

#[test]
fn dialog_hints_name_the_keys_in_force() {
    let keymap = Keymap::from_toml("yes = \"o\"\nback = \"ctrl-x\"\n", "k.toml").expect("valid");
    let mut s = fresh_with(120, 40, keymap);
    update(&mut s, Msg::Loaded(Loaded::Groups(groups())));
    update(&mut s, plan_msg(PlanFor::Submit));
    let screen = render(&s, 120, 40);
    assert!(
        screen.contains("enter/o send · ctrl-x/n cancel"),
        "{screen}"
    );
    press(&mut s, KeyCode::Char('n'));
    update(&mut s, plan_msg(PlanFor::Preview));
    let screen = render(&s, 120, 40);
    assert!(screen.contains("ctrl-x close"), "{screen}");
}

/// The failed change of Book Club, whole (Enter in the group pane).
#[test]
fn detail_of_a_failed_change() {
    snap!("change_detail", |w, h| {
        let mut s = loaded(w, h);
        let mut detail = book_club();
        if let Some(op) = detail.ops.iter_mut().find(|o| o.id == OpId(5)) {
            op.source.attempts = 1;
            op.source.request_id = Some("AbC123request".into());
            op.source.created_at = T0;
            op.source.updated_at = T0 + 1_200;
        }
        update(
            &mut s,
            Msg::Loaded(Loaded::Group("G-BOOK".into(), Some(detail))),
        );
        press(&mut s, KeyCode::Tab);
        // Members (8), then changes newest first: #6, #5.
        for _ in 0..9 {
            press(&mut s, KeyCode::Down);
        }
        press(&mut s, KeyCode::Enter);
        assert!(matches!(s.overlay(), Some(Overlay::Text(_))));
        s
    });
}

/// A line of the log whole, with the answer's ids (Enter in the log pane).
#[test]
fn detail_of_a_log_line() {
    snap!("log_detail", |w, h| {
        let mut s = loaded(w, h);
        update(
            &mut s,
            at(
                1_100,
                Event::Answer {
                    request: request(1, "G-BOOK", 3),
                    status: Some(206),
                    code: Some(131201),
                    message: "some participant operations failed: +12122000021 (131203 recipient has not accepted the current terms)".into(),
                    duration_ms: 90,
                    request_id: Some("AbC123request".into()),
                    fbtrace_id: Some("A7xQ1bZ".into()),
                },
            ),
        );
        press(&mut s, KeyCode::BackTab);
        assert_eq!(s.focus, Pane::Log);
        press(&mut s, KeyCode::Enter);
        s
    });
}

#[test]
fn the_log_enlarged() {
    snap!("zoom", |w, h| {
        let mut s = loaded(w, h);
        warnings(&mut s, 30);
        press(&mut s, KeyCode::Char('z'));
        s
    });
}

#[test]
fn a_refused_token_in_the_status_line() {
    snap!("token_refused", |w, h| {
        let mut s = loaded(w, h);
        update(
            &mut s,
            at(
                1_000,
                Event::Halted {
                    class: "auth",
                    message:
                        "the access token was refused: Graph error 190 (HTTP 401): Invalid OAuth access token"
                            .into(),
                },
            ),
        );
        s
    });
}

#[test]
fn a_group_that_could_not_be_read() {
    snap!("unread", |w, h| {
        let mut s = loaded(w, h);
        update(
            &mut s,
            at(
                1_000,
                Event::SyncFinished {
                    listed: 35,
                    read: 34,
                    gone: 1,
                    unread: 1,
                    unread_groups: vec![wa_groups::engine::sync::UnreadGroup {
                        id: "G-ANNEX".into(),
                        subject: "Annex Gardeners".into(),
                        why: "Graph error 131000 (HTTP 500): Something went wrong".into(),
                    }],
                    error: None,
                },
            ),
        );
        let mut list = groups();
        list.sort_by(|a, b| a.subject.cmp(&b.subject));
        update(&mut s, Msg::Loaded(Loaded::Groups(list)));
        // The cursor stays on the group it was on (Book Club); up to the unread one.
        press(&mut s, KeyCode::Char('g'));
        // The store has nothing of it: what the group pane shows instead.
        update(&mut s, Msg::Loaded(Loaded::Group("G-ANNEX".into(), None)));
        s
    });
}

#[test]
fn groups_sorted_and_picked() {
    snap!("sorted_picked", |w, h| {
        let mut s = loaded(w, h);
        press(&mut s, KeyCode::Char('o'));
        press(&mut s, KeyCode::Char('o'));
        press(&mut s, KeyCode::Char(' '));
        press(&mut s, KeyCode::Char(' '));
        s
    });
}

#[test]
fn removing_a_person_from_all_their_groups_asks_first() {
    snap!("remove_everywhere", |w, h| {
        let mut s = loaded(w, h);
        search_person_3(
            &mut s,
            &[
                "G-BOOK",
                "Y2FwaV9ncm91cDoxOjQ0NTI3MQ",
                "Y2FwaV9ncm91cDoxOjgyNDY1NQ",
            ],
        );
        press(&mut s, KeyCode::Char('*'));
        press(&mut s, KeyCode::Char('x'));
        assert!(matches!(s.overlay(), Some(Overlay::Confirm(_))));
        s
    });
}

#[test]
fn adding_to_the_picked_groups() {
    snap!("add_picked", |w, h| {
        let mut s = loaded(w, h);
        press(&mut s, KeyCode::Char(' '));
        press(&mut s, KeyCode::Char(' '));
        press(&mut s, KeyCode::Char(' '));
        press(&mut s, KeyCode::Char('a'));
        update(&mut s, Msg::Paste("+1 212 200 0101, 447911123456".into()));
        s
    });
}
