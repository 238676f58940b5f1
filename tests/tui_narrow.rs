//! What a new operator meets at 80x24: each line says whom it is about before it is cut, a cut
//! says so with `…` and falls on what matters least, the log reads in time order, the counts
//! follow the store, and the header keeps the account.

mod tui_common;

use tui_common::screen::{T0, fresh, render};
use tui_common::{counts, operation, person, press, summary};

use crossterm::event::KeyCode;
use wa_groups::domain::{GroupEvent, OpSpec, OperationKind, OperationState, Person};
use wa_groups::engine::retry::Retried;
use wa_groups::engine::{Event, RequestInfo};
use wa_groups::store::{EnqueueReport, EventEffects, EventRecord, GroupSummary, MirrorGroup, OpId};
use wa_groups::testing::hidden;
use wa_groups::tui::model::GroupDetail;
use wa_groups::tui::overlays::Overlay;
use wa_groups::tui::shared::Work;
use wa_groups::tui::views::Pane;
use wa_groups::tui::{Effect, Loaded, Msg, State, update};

/// A person as Meta shows one with a username and no phone: a long BSUID and a username.
fn long_person() -> Person {
    let id = wa_groups::domain::UserId::parse("US.13491208655302741918").expect("a BSUID");
    Person::by_user_id(id).with_username(Some("ana.k42".into()))
}

/// Book Club with two members (one by BSUID and username) and a pending removal of that one.
fn book_club() -> GroupDetail {
    let remove = wa_groups::testing::operation(
        3,
        OpSpec::for_person(OperationKind::Remove, "G-BOOK", long_person()).expect("ok"),
        OperationState::Pending,
    );
    GroupDetail::new(
        MirrorGroup {
            id: "G-BOOK".into(),
            subject: "Book Club".into(),
            members: vec![person(1).into(), long_person()],
            member_count: 2,
            read_at: T0,
            gone_at: None,
            about: Default::default(),
        },
        vec![remove],
    )
}

fn loaded(groups: Vec<GroupSummary>) -> State {
    let mut s = fresh(80, 24);
    update(&mut s, Msg::Loaded(Loaded::Groups(groups)));
    update(
        &mut s,
        Msg::Loaded(Loaded::Group("G-BOOK".into(), Some(book_club()))),
    );
    s
}

fn book() -> State {
    loaded(vec![summary("G-BOOK", "Book Club", 2, 1, 0)])
}

/// The screen's rows.
fn rows(s: &State) -> Vec<String> {
    render(s, 80, 24)
        .lines()
        .map(|l| l.trim_matches('"').to_owned())
        .collect()
}

fn row_with(s: &State, part: &str) -> String {
    rows(s)
        .into_iter()
        .find(|r| r.contains(part))
        .unwrap_or_else(|| panic!("no row with {part:?}:\n{}", render(s, 80, 24)))
}

fn texts(s: &State) -> Vec<String> {
    s.views.log.lines.iter().map(|l| l.text.clone()).collect()
}

fn webhook(at: i64, text_of: &str) -> EventRecord {
    let mut event = GroupEvent::new(
        wa_groups::domain::EventField::Participants,
        wa_groups::domain::EventType::ParticipantsRemove,
    );
    event.group_id = Some("G-BOOK".into());
    event.at = Some(at);
    event.people = vec![wa_groups::domain::event::EventPerson {
        wa_id: Some(text_of.into()),
        ..Default::default()
    }];
    EventRecord {
        id: 1,
        received_at: at + 3_000,
        deliveries: 1,
        event,
        seq: Some(1),
        processed_at: Some(at + 3_000),
        effects: EventEffects::default(),
    }
}

#[test]
fn a_long_member_keeps_the_state_word_and_is_cut_with_an_ellipsis() {
    let s = book();
    let member = row_with(&s, "removal queued");
    // Known only by BSUID: the username first, so that a cut keeps the readable name.
    assert!(
        member.contains("@ana.k42 US.1349"),
        "who it is starts the row: {member}"
    );
    assert!(
        member.contains('…'),
        "the name is cut, and says so: {member}"
    );
    assert!(member.contains("− removal queued"), "{member}");
    let change = row_with(&s, "− @ana.k42 US.1349");
    assert!(
        change.contains("pending") && change.contains('…'),
        "{change}"
    );
    // Wider, nothing is cut.
    let wide = render(&s, 160, 30);
    assert!(wide.contains("@ana.k42 US.13491208655302741918  − removal queued"));
}

#[test]
fn every_cut_of_the_screen_ends_with_an_ellipsis() {
    // A subject too long for any pane or title, a long filter, a long notice.
    let long = "Harbor Volunteers 2025: weekend shifts, boats and the summer fair";
    let mut s = loaded(vec![summary("G-BOOK", long, 2, 1, 0)]);
    press(&mut s, KeyCode::Tab);
    let screen = rows(&s);
    let title = &screen[2];
    assert!(
        title.contains("Harbor Volunteers") && title.contains('…'),
        "{title}"
    );
    assert!(
        title.contains("… · 2/8"),
        "the count after the cut name: {title}"
    );
    let listed = screen
        .iter()
        .find(|r| r.contains("Harbor Volunteers 2025"))
        .expect("listed");
    assert!(listed.contains('…'), "{listed}");
}

#[test]
fn a_long_filter_stays_in_the_pane_title_shortened() {
    let mut s = book();
    press(&mut s, KeyCode::Char('/'));
    for c in "the volunteers of the harbour and the summer fair".chars() {
        press(&mut s, KeyCode::Char(c));
    }
    press(&mut s, KeyCode::Enter);
    let title = rows(&s)[2].clone();
    assert!(
        title.contains("\"the volunteers") && title.contains("…\""),
        "the filter shows, cut with …: {title}"
    );
}

#[test]
fn the_join_request_tag_gives_way_to_the_subject() {
    let asking = |id: &str, subject: &str, n: usize| GroupSummary {
        join_requests: n,
        ..summary(id, subject, 1, 0, 0)
    };
    let s = loaded(vec![
        asking("G-BOOK", "Book Club", 2),
        asking("G-DOWN", "Downtown Volunteers", 3),
        asking("G-EVENT", "Events Club 25", 4),
        asking("G-NEIGH", "Neighbourhood Watch Committee North", 12),
    ]);
    let book = row_with(&s, "  Book Club");
    assert!(
        book.contains("Book Club (2 asking)"),
        "room for all: {book}"
    );
    let down = row_with(&s, "Downtown");
    assert!(
        down.contains("Downtown Volunteers +3"),
        "subject whole: {down}"
    );
    let events = row_with(&s, "Events Club");
    assert!(events.contains("Events Club 25 4 ask"), "{events}");
    let neigh = row_with(&s, "Neighbourhood");
    assert!(
        neigh.contains("… +12"),
        "a subject too long anyway is cut with …: {neigh}"
    );
}

#[test]
fn log_lines_read_in_the_order_things_happened() {
    let mut s = book();
    update(
        &mut s,
        Msg::Engine {
            at: T0 + 5_000,
            event: Event::Warning {
                message: "later".into(),
            },
        },
    );
    // A webhook event that happened before, read after.
    update(
        &mut s,
        Msg::Loaded(Loaded::Events {
            records: vec![webhook(T0 + 1_000, "15550100003")],
            latest: Some(1),
        }),
    );
    update(
        &mut s,
        Msg::Engine {
            at: T0 + 9_000,
            event: Event::Warning {
                message: "last".into(),
            },
        },
    );
    assert_eq!(
        texts(&s),
        ["+15550100003 left Book Club", "later", "last"],
        "in time order"
    );
    let times: Vec<i64> = s.views.log.lines.iter().map(|l| l.at).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");

    // The cursor stays on its line when an older one comes in.
    s.focus = Pane::Log;
    press(&mut s, KeyCode::Up);
    assert_eq!(
        s.views.log.current().map(|l| l.text.as_str()),
        Some("later")
    );
    update(
        &mut s,
        Msg::Loaded(Loaded::Events {
            records: vec![webhook(T0 + 500, "15550100004")],
            latest: Some(2),
        }),
    );
    assert_eq!(texts(&s)[0], "+15550100004 left Book Club");
    assert_eq!(
        s.views.log.current().map(|l| l.text.as_str()),
        Some("later")
    );
    // Enter on a webhook's line: the whole line, its group's id, when it came.
    press(&mut s, KeyCode::Up);
    press(&mut s, KeyCode::Enter);
    let Some(Overlay::Text(popup)) = s.overlays.last() else {
        panic!("a popup: {:?}", s.overlays)
    };
    let all: Vec<&str> = popup.lines.iter().map(|l| l.text.as_str()).collect();
    assert!(all.contains(&"+15550100003 left Book Club"), "{all:?}");
    assert!(all.iter().any(|l| l.contains("(G-BOOK)")), "{all:?}");
}

#[test]
fn a_log_line_names_who_and_the_group_before_the_message_and_enter_shows_it_whole() {
    let mut s = book();
    let message = "recipient has not accepted the current terms of service, \
                   and will not be added until they do";
    update(
        &mut s,
        Msg::Engine {
            at: T0,
            event: Event::Answer {
                request: RequestInfo {
                    seq: 1,
                    method: "POST",
                    group_id: "G-BOOK".into(),
                    kind: Some(OperationKind::Add),
                    participants: 1,
                    attempt: 1,
                },
                status: Some(400),
                code: Some(131203),
                message: message.into(),
                duration_ms: 80,
                request_id: Some("RQ-77".into()),
                fbtrace_id: Some("FB-trace-9".into()),
            },
        },
    );
    update(
        &mut s,
        Msg::Engine {
            at: T0 + 10,
            event: Event::Outcome {
                op: OpId(5),
                group_id: "G-BOOK".into(),
                participant: long_person().label(),
                detail: long_person().label(),
                kind: OperationKind::Add,
                state: OperationState::Failed,
                code: Some(131203),
                message: Some(message.into()),
            },
        },
    );
    let line = row_with(&s, "failed #5");
    assert!(
        line.contains("failed #5 add US.13491208655302741918 @ana.k42 in Book Club: 131203"),
        "who and where before why: {line}"
    );
    assert!(
        line.trim_end_matches('│').trim_end().ends_with('…'),
        "{line}"
    );
    s.focus = Pane::Log;
    press(&mut s, KeyCode::Up);
    press(&mut s, KeyCode::Enter);
    let Some(Overlay::Text(popup)) = s.overlays.last() else {
        panic!("a popup: {:?}", s.overlays)
    };
    let all = popup
        .lines
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    for part in [
        message,
        "RQ-77",
        "FB-trace-9",
        "131203",
        "2025-11-25T03:10:34.000Z",
    ] {
        assert!(all.contains(part), "{part} in:\n{all}");
    }
}

#[test]
fn a_create_is_named_by_the_subject_it_carries() {
    let mut s = book();
    let made = "Y2FwaV9ncm91cDoxOjk5OTk5OQ";
    update(
        &mut s,
        Msg::Engine {
            at: T0,
            event: Event::Outcome {
                op: OpId(12),
                group_id: made.into(),
                participant: String::new(),
                detail: "\"Spring cohort\" (approval required)".into(),
                kind: OperationKind::Create,
                state: OperationState::Confirmed,
                code: None,
                message: None,
            },
        },
    );
    let lines = texts(&s);
    assert_eq!(
        lines.last().map(String::as_str),
        Some("confirmed #12 create \"Spring cohort\" (approval required)")
    );
    assert!(!lines.iter().any(|l| l.contains(made)), "no base64 id");
}

#[test]
fn the_header_keeps_the_account_while_a_submit_sends() {
    let mut s = book();
    update(&mut s, counts(12, 8, 3, 140));
    s.shared.work = Work::Submitting { groups: None };
    let header = rows(&s)[0].clone();
    assert!(header.contains("100000000000001"), "{header}");
    assert!(
        header.contains("12 pending") && header.contains("3 failed"),
        "{header}"
    );
    // With the demo's account name too.
    let mut demo = State::new(
        "100000000000001 (demo)",
        "v23.0",
        None,
        wa_groups::tui::Keymap::defaults(),
    );
    update(
        &mut demo,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    update(&mut demo, counts(12, 8, 3, 140));
    demo.shared.work = Work::Submitting { groups: None };
    let header = rows(&demo)[0].clone();
    assert!(header.contains("100000000000001 (demo)"), "{header}");
}

/// Skipped changes (finished, nothing to do) are counted in the header beside those done, so
/// its parts add up to what was queued: 4 pending, 6 done and 1 skipped of 11.
#[test]
fn the_header_counts_skipped_changes() {
    let mut s = book();
    let mut c = std::collections::BTreeMap::new();
    c.insert(wa_groups::domain::OperationState::Pending, 4);
    c.insert(wa_groups::domain::OperationState::Confirmed, 6);
    c.insert(wa_groups::domain::OperationState::Skipped, 1);
    update(&mut s, Msg::Loaded(wa_groups::tui::Loaded::Counts(c)));
    let header = rows(&s)[0].clone();
    assert!(
        header.contains("queue 4 pending · 6 done · 1 skipped"),
        "{header}"
    );
}

/// Changes an earlier run left `sending` are no run of this app's: idle, the header calls
/// them unsettled, and the send confirm counts them (a send reads their groups first) rather
/// than saying there is nothing to send.
#[test]
fn changes_left_in_flight_by_an_earlier_run_are_unsettled_and_in_the_confirm() {
    use wa_groups::domain::plan::{Leftover, Plan, UNSETTLED_SENDING};
    let mut s = book();
    update(&mut s, counts(0, 2, 0, 0));
    let header = rows(&s)[0].clone();
    assert!(header.contains("2 unsettled"), "{header}");
    assert!(!header.contains("sending"), "idle: {header}");

    let plan = Plan {
        unsettled: (1..=2)
            .map(|i| Leftover {
                id: OpId(i),
                spec: wa_groups::testing::add("G-BOOK", 20 + i as u32),
                reason: UNSETTLED_SENDING.into(),
                cause: None,
            })
            .collect(),
        ..Plan::default()
    };
    update(
        &mut s,
        Msg::Loaded(Loaded::Plan {
            purpose: wa_groups::tui::msg::PlanFor::Submit,
            scope: wa_groups::engine::Scope::All,
            plan,
        }),
    );
    assert!(
        matches!(s.overlays.last(), Some(Overlay::Confirm(_))),
        "a confirm, not \"nothing pending\": {:?}",
        s.notice
    );
    let screen = rows(&s).join("\n");
    assert!(screen.contains("· 2 left in flight by an"), "{screen}");
    assert!(
        screen.contains("left in flight by an earlier run (read first;"),
        "{screen}"
    );

    // While this app's run sends them, they are sending.
    s.overlays.clear();
    s.shared.work = Work::Submitting { groups: None };
    let header = rows(&s)[0].clone();
    assert!(header.contains("2 sending"), "{header}");
}

/// A mirror another process synced (`groups sync`, an earlier session) is not "not synced
/// yet": the header says how fresh it is, by its least recently read group; a day old, how
/// old; only an empty mirror is not synced.
#[test]
fn the_header_says_how_fresh_a_mirror_synced_elsewhere_is() {
    let read = |at: i64| {
        let mut g = summary("G-BOOK", "Book Club", 2, 1, 0);
        g.read_at = at;
        let mut h = summary("G-RIVER", "Riverside", 3, 0, 0);
        h.read_at = at - 60_000;
        vec![g, h]
    };
    let s = loaded(read(T0 - 600_000));
    let status = rows(&s)[1].clone();
    // The older of the two reads: 03:10:34 less 11 minutes.
    assert!(status.contains("synced 02:59:34 UTC"), "{status}");
    let s = loaded(read(T0 - 2 * 86_400_000));
    let status = rows(&s)[1].clone();
    assert!(status.contains("synced 2 days ago"), "{status}");
    let s = loaded(Vec::new());
    assert!(rows(&s)[1].contains("not synced yet"));
}

/// `e` opens the group dialog with the description the group pane read, before the join
/// requests view was ever opened.
#[test]
fn e_edits_the_description_the_group_pane_read() {
    let mut s = book();
    let mut group = book_club();
    group.description = Some("Monthly, first Tuesday".into());
    update(
        &mut s,
        Msg::Loaded(Loaded::Group("G-BOOK".into(), Some(group))),
    );
    press(&mut s, KeyCode::Char('e'));
    let Some(Overlay::GroupForm(form)) = s.overlay() else {
        panic!("the group dialog");
    };
    assert_eq!(form.description, "Monthly, first Tuesday");
    assert_eq!(form.subject, "Book Club");
}

#[test]
fn a_retry_reloads_the_counts_at_once() {
    let mut s = book();
    update(&mut s, counts(0, 0, 1, 0));
    let effects = update(
        &mut s,
        Msg::Loaded(Loaded::Retried(Retried {
            report: Some(EnqueueReport {
                stored: 1,
                ids: vec![OpId(9)],
                ..EnqueueReport::default()
            }),
            ..Retried::default()
        })),
    );
    assert!(
        effects.iter().any(|e| matches!(e, Effect::LoadCounts)),
        "{effects:?}"
    );
    // The store counts a failure queued again as history (the store's contract): the line
    // shows what it answers.
    update(&mut s, counts(1, 0, 0, 0));
    let header = rows(&s)[0].clone();
    assert!(!header.contains("failed"), "{header}");
    assert!(header.contains("1 pending"), "{header}");
}

#[test]
fn a_hidden_member_row_in_a_person_search_keeps_who_and_the_state() {
    let mut s = book();
    let detail = GroupDetail::new(
        MirrorGroup {
            id: "G-BOOK".into(),
            subject: "Book Club".into(),
            members: vec![hidden(42)],
            member_count: 1,
            read_at: T0,
            gone_at: None,
            about: Default::default(),
        },
        vec![operation(
            1,
            "G-BOOK",
            3,
            OperationKind::Add,
            OperationState::Failed,
        )],
    );
    update(
        &mut s,
        Msg::Loaded(Loaded::Group("G-BOOK".into(), Some(detail))),
    );
    let failed = row_with(&s, "failed");
    assert!(failed.contains("+ +12122000003"), "{failed}");
}

#[test]
fn typed_text_longer_than_its_field_shows_its_end_after_an_ellipsis() {
    // The add dialog: a long paste shows its end (where typing goes on), `…` before it.
    let mut s = book();
    press(&mut s, KeyCode::Char('a'));
    let many: Vec<String> = (1..=30).map(|n| person(n).e164().to_string()).collect();
    update(&mut s, Msg::Paste(many.join(", ")));
    let input = row_with(&s, "> ");
    assert!(input.contains("> …"), "{input}");
    let screen = render(&s, 80, 24);
    assert!(screen.contains("+12122000030▏"), "the end shows:\n{screen}");
    // The group dialog: a long subject shows its end and the caret.
    let mut s = book();
    press(&mut s, KeyCode::Char('n'));
    for c in "Neighbourhood watch of the harbour, the docks and the old town square".chars() {
        press(&mut s, KeyCode::Char(c));
    }
    let subject = row_with(&s, "square▏");
    assert!(
        subject.contains("> …"),
        "the prompt stays, then …: {subject}"
    );
}
