//! `update` alone, for the keys an operator of lazygit or k9s expects: the person search
//! removes the person from all their groups, `*` picks all, picks survive the filter and are
//! counted, `a` adds to every picked group, Esc clears picks then the filter, `/` starts a new
//! search, Ctrl-C twice quits, Enter shows a row whole, `R` retries, `o` sorts, `z` enlarges
//! the log, and every key that cannot act says why. Also the honest status: a refused token in
//! the status line, unread groups kept, long notices kept in the log.

mod tui_common;

use tui_common::{operation, person, press, summary};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use wa_groups::domain::{OperationKind, OperationState, Query};
use wa_groups::engine::retry::Retried;
use wa_groups::engine::sync::UnreadGroup;
use wa_groups::engine::{Command, Event, RequestInfo};
use wa_groups::store::{GroupSummary, MirrorGroup, OpId};
use wa_groups::tui::model::{GroupDetail, RowKey};
use wa_groups::tui::msg::RetryOf;
use wa_groups::tui::overlays::Overlay;
use wa_groups::tui::shared::Work;
use wa_groups::tui::views::Pane;
use wa_groups::tui::views::groups::SortBy;
use wa_groups::tui::{Effect, Keymap, Loaded, Msg, State, draw, update};

fn key(s: &mut State, c: char) -> Vec<Effect> {
    press(s, KeyCode::Char(c))
}

fn groups() -> Vec<GroupSummary> {
    let mut b = summary("B", "Brookfield Parents", 7, 0, 2);
    b.last_change = Some(300);
    let mut c = summary("C", "Cedar Park", 3, 5, 0);
    c.last_change = Some(100);
    vec![summary("A", "Alpha Runners", 5, 1, 0), b, c]
}

fn detail(id: &str) -> GroupDetail {
    let mut failed = operation(8, id, 21, OperationKind::Add, OperationState::Failed);
    failed.error_code = Some(131203);
    failed.error_message = Some("recipient has not accepted the current terms".into());
    failed.request_id = Some("RQ-8".into());
    let confirmed = operation(6, id, 2, OperationKind::Add, OperationState::Confirmed);
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
        vec![confirmed, failed],
    )
}

/// Group A of [`state`] as the mirror has it: two members.
fn group_a() -> MirrorGroup {
    MirrorGroup {
        id: "A".into(),
        subject: "Subject A".into(),
        members: vec![person(1).into(), person(2).into()],
        member_count: 2,
        read_at: 0,
        gone_at: None,
        about: Default::default(),
    }
}

/// A fresh app at 80x24, nothing loaded.
fn empty() -> State {
    let mut s = State::new("1", "v23.0", None, Keymap::defaults());
    update(
        &mut s,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    s
}

fn state() -> State {
    let mut s = empty();
    update(&mut s, Msg::Loaded(Loaded::Groups(groups())));
    update(
        &mut s,
        Msg::Loaded(Loaded::Group("A".into(), Some(detail("A")))),
    );
    s
}

/// Types a phone number in the filter and answers the search with `groups`.
fn search(s: &mut State, groups: &[&str]) {
    search_with(s, groups, &[]);
}

/// [`search`], with adds of the person pending to the groups of `adding`.
fn search_with(s: &mut State, groups: &[&str], adding: &[(&str, i64)]) {
    key(s, '/');
    update(s, Msg::Paste("+1 212 200 0001".into()));
    press(s, KeyCode::Enter);
    update(
        s,
        Msg::Loaded(Loaded::PersonGroups {
            query: "+1 212 200 0001".into(),
            person: Query::Phone(person(1)),
            groups: groups
                .iter()
                .map(|g| (g.to_string(), person(1).into()))
                .collect(),
            adding: adding
                .iter()
                .map(|(g, id)| (g.to_string(), OpId(*id)))
                .collect(),
        }),
    );
}

/// The title, the lines and the summary of the confirm on top.
fn asked(s: &State) -> (String, Vec<String>, String) {
    let Some(Overlay::Confirm(confirm)) = s.overlay() else {
        panic!("a confirm");
    };
    let q = &confirm.question;
    let lines = q.lines.iter().map(|l| l.text.clone()).collect();
    (q.title.clone(), lines, q.summary.clone())
}

fn shown(s: &State) -> Vec<String> {
    s.views
        .groups
        .shown(&s.shared.mirror)
        .map(str::to_owned)
        .collect()
}

fn enqueued(effects: &[Effect]) -> Vec<(String, OperationKind)> {
    effects
        .iter()
        .flat_map(|e| match e {
            Effect::Enqueue { ops, .. } => ops
                .iter()
                .map(|o| (o.group().unwrap_or("").to_owned(), o.kind()))
                .collect(),
            _ => Vec::new(),
        })
        .collect()
}

fn notice(s: &State) -> String {
    s.notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

fn render(s: &State) -> String {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    terminal.draw(|f| draw(f, s)).expect("draw");
    terminal.backend().to_string()
}

#[test]
fn x_in_a_person_search_with_nothing_picked_removes_them_from_all_their_groups() {
    let mut s = state();
    search(&mut s, &["A", "C"]);
    assert!(key(&mut s, 'x').is_empty(), "asked first");
    let (title, lines, _) = asked(&s);
    assert_eq!(title, "Remove +12122000001 from 2 groups?");
    assert_eq!(
        lines,
        [
            "− +12122000001 from Alpha Runners",
            "− +12122000001 from Cedar Park"
        ]
    );
    // No: nothing queued.
    assert!(key(&mut s, 'n').is_empty());
    assert!(s.overlays.is_empty());
    key(&mut s, 'x');
    let effects = key(&mut s, 'y');
    assert_eq!(
        enqueued(&effects),
        [
            ("A".to_owned(), OperationKind::Remove),
            ("C".to_owned(), OperationKind::Remove)
        ]
    );
    // The answer says what s sends: every group found.
    update(
        &mut s,
        Msg::Loaded(Loaded::Enqueued {
            report: wa_groups::store::EnqueueReport {
                stored: 2,
                ids: vec![OpId(1), OpId(2)],
                ..Default::default()
            },
            invalid: Vec::new(),
        }),
    );
    assert!(
        notice(&s).ends_with("s sends the 2 groups found, S everything"),
        "{}",
        notice(&s)
    );
    // Then s sends the changes of every group found, not only the cursor's.
    assert!(matches!(
        key(&mut s, 's').as_slice(),
        [Effect::Plan { scope: wa_groups::engine::Scope::Groups(g), .. }]
            if g == &["A".to_string(), "C".to_string()]
    ));
    // Picked groups still come first.
    key(&mut s, ' ');
    assert!(matches!(
        key(&mut s, 's').as_slice(),
        [Effect::Plan { scope: wa_groups::engine::Scope::Groups(g), .. }] if g == &["A".to_string()]
    ));
    // In a single group: queued at once.
    let mut s = state();
    search(&mut s, &["C"]);
    assert_eq!(
        enqueued(&key(&mut s, 'x')),
        [("C".to_owned(), OperationKind::Remove)]
    );
}

/// A person with a member's place in A and an add still pending to C: the search lists both,
/// and removing them from all their groups queues the removal from A and withdraws the add to
/// C, so that a later send does not add them back.
#[test]
fn x_in_a_person_search_withdraws_their_pending_adds_too() {
    let mut s = state();
    search_with(&mut s, &["A"], &[("C", 41)]);
    assert_eq!(
        shown(&s),
        ["A", "C"],
        "the group they are being added to is listed"
    );
    assert!(key(&mut s, 'x').is_empty(), "asked first: two groups");
    let (title, lines, _) = asked(&s);
    assert_eq!(title, "Remove +12122000001 from 2 groups?");
    assert_eq!(
        lines,
        [
            "− +12122000001 from Alpha Runners",
            "↶ withdraw #41, the pending add to Cedar Park",
        ]
    );
    let (_, _, summary) = asked(&s);
    assert!(
        summary.contains("queues 1 removal(s) and withdraws 1 pending add(s)"),
        "{summary}"
    );
    let effects = key(&mut s, 'y');
    assert_eq!(
        enqueued(&effects),
        [("A".to_owned(), OperationKind::Remove)]
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Undo(ids) if ids == &[OpId(41)])),
        "{effects:?}"
    );

    // Only a pending add: withdrawn at once, as one removal is queued at once.
    let mut s = state();
    search_with(&mut s, &[], &[("B", 7)]);
    assert_eq!(shown(&s), ["B"]);
    let effects = key(&mut s, 'x');
    assert!(
        matches!(effects.as_slice(), [Effect::Undo(ids)] if ids == &[OpId(7)]),
        "{effects:?}"
    );
}

#[test]
fn star_picks_every_group_shown_and_again_none_and_the_title_counts_them() {
    let mut s = state();
    search(&mut s, &["A", "B", "C"]);
    key(&mut s, '*');
    assert_eq!(s.views.groups.picked.len(), 3);
    assert_eq!(notice(&s), "3 group(s) picked (3 in all)");
    assert!(render(&s).contains("· 3 picked") || render(&s).contains("· •3"));
    key(&mut s, '*');
    assert!(s.views.groups.picked.is_empty());
    // Pick all, then x: removed from all, after a confirm; s then sends those groups.
    key(&mut s, '*');
    key(&mut s, 'x');
    assert_eq!(enqueued(&key(&mut s, 'y')).len(), 3);
    assert!(matches!(
        key(&mut s, 's').as_slice(),
        [Effect::Plan { scope: wa_groups::engine::Scope::Groups(g), .. }] if g.len() == 3
    ));
}

#[test]
fn picks_survive_the_filter_and_a_search_removes_only_where_the_person_is() {
    let mut s = state();
    key(&mut s, ' ');
    key(&mut s, ' ');
    assert_eq!(s.views.groups.picked.len(), 2);
    key(&mut s, '/');
    for c in "cedar".chars() {
        key(&mut s, c);
    }
    press(&mut s, KeyCode::Enter);
    assert_eq!(shown(&s), ["C"]);
    assert_eq!(s.views.groups.picked.len(), 2, "picks stay while filtering");
    // A person in A and C: of the picks A and B, only A is theirs. The picks narrow x to
    // one of their two groups: it asks, and says so, whole at 80 columns.
    search(&mut s, &["A", "C"]);
    assert_eq!(s.views.groups.picked.len(), 2);
    assert!(
        key(&mut s, 'x').is_empty(),
        "asked first: the picks narrow it"
    );
    let (title, lines, _) = asked(&s);
    assert_eq!(title, "Remove +12122000001 from 1 group?");
    assert_eq!(
        lines,
        [
            "only the 1 picked of their 2 groups (esc clears picks)",
            "1 picked group(s) without +12122000001 left out",
            "− +12122000001 from Alpha Runners",
        ]
    );
    let screen = render(&s);
    assert!(
        screen.contains("only the 1 picked of their 2 groups (esc clears picks)"),
        "{screen}"
    );
    let effects = key(&mut s, 'y');
    assert_eq!(
        enqueued(&effects),
        [("A".to_owned(), OperationKind::Remove)]
    );
}

/// Picks from an earlier filter, none of which has the person searched now: x falls back to
/// all the person's groups and says so (the help says it too).
#[test]
fn x_with_picks_without_the_person_removes_them_from_all_their_groups_and_says_so() {
    let mut s = state();
    // Pick B (Brookfield) by a subject filter, then search a person in A and C.
    key(&mut s, '/');
    for c in "brook".chars() {
        key(&mut s, c);
    }
    press(&mut s, KeyCode::Enter);
    key(&mut s, '*');
    assert_eq!(s.views.groups.picked.len(), 1);
    search(&mut s, &["A", "C"]);
    assert!(key(&mut s, 'x').is_empty(), "asked first: two groups");
    let Some(Overlay::Confirm(confirm)) = s.overlay() else {
        panic!("a confirm");
    };
    assert_eq!(confirm.question.title, "Remove +12122000001 from 2 groups?");
    assert_eq!(
        confirm.question.lines[0].text,
        "none of the 1 picked group(s) has +12122000001: all their groups"
    );
    assert_eq!(
        enqueued(&key(&mut s, 'y')),
        [
            ("A".to_owned(), OperationKind::Remove),
            ("C".to_owned(), OperationKind::Remove)
        ]
    );
    // In one group of theirs: queued at once, with the same word.
    let mut s = state();
    key(&mut s, ' ');
    key(&mut s, 'j');
    search(&mut s, &["C"]);
    assert!(key(&mut s, 'x').is_empty(), "asked: picks were passed over");
    let Some(Overlay::Confirm(confirm)) = s.overlay() else {
        panic!("a confirm");
    };
    assert!(confirm.question.lines[0].text.contains("all their groups"));
    assert_eq!(
        enqueued(&key(&mut s, 'y')),
        [("C".to_owned(), OperationKind::Remove)]
    );
    // The help says what x does with such picks.
    key(&mut s, '?');
    let Some(Overlay::Help(help)) = s.overlay() else {
        panic!("help");
    };
    assert!(
        help.lines
            .iter()
            .any(|(_, text)| text.contains("none of the picked has them: from all their groups")),
        "{:?}",
        help.lines
    );
}

/// The word after queueing says what s sends now: the picked groups when there are picks.
#[test]
fn the_queued_word_says_what_s_sends() {
    use wa_groups::store::{EnqueueReport, Flagged, OpId};
    let mut s = state();
    key(&mut s, '*');
    assert_eq!(s.views.groups.picked.len(), 3);
    let report = |flagged: Vec<Flagged>| EnqueueReport {
        stored: 3,
        ids: vec![OpId(1), OpId(2), OpId(3)],
        flagged,
        ..EnqueueReport::default()
    };
    update(
        &mut s,
        Msg::Loaded(Loaded::Enqueued {
            report: report(Vec::new()),
            invalid: Vec::new(),
        }),
    );
    assert_eq!(
        notice(&s),
        "3 change(s) queued, not sent yet: s sends the 3 picked groups, S everything"
    );
    update(
        &mut s,
        Msg::Loaded(Loaded::Enqueued {
            report: report(vec![Flagged {
                id: OpId(3),
                spec: wa_groups::testing::add("A", 1),
                flag: "already a member".into(),
            }]),
            invalid: Vec::new(),
        }),
    );
    let Some(Overlay::Text(popup)) = s.overlay() else {
        panic!("the Queued popup");
    };
    assert_eq!(
        popup.lines.last().map(|l| l.text.as_str()),
        Some("Nothing is sent yet: s sends the 3 picked groups, S everything.")
    );
    // `s`, as the popup says, closes it and sends: the send confirm, not a second `s`.
    let effects = press(&mut s, KeyCode::Char('s'));
    assert!(
        !matches!(s.overlay(), Some(Overlay::Text(_))),
        "the report is closed"
    );
    assert_eq!(
        format!("{effects:?}"),
        r#"[Plan { purpose: Submit, scope: Groups(["A", "B", "C"]) }]"#,
        "the plan of the send confirm is asked for"
    );
    // No pick: the group under the cursor, by name.
    let mut s = state();
    update(
        &mut s,
        Msg::Loaded(Loaded::Enqueued {
            report: report(Vec::new()),
            invalid: Vec::new(),
        }),
    );
    assert!(
        notice(&s).ends_with("s sends Alpha Runners, S everything"),
        "{}",
        notice(&s)
    );
}

/// The filter's prompt at 80 columns: its hint is shortened, then left out, never cut bare.
#[test]
fn the_filter_prompt_hint_is_shortened_not_cut() {
    for text in [
        "",
        "cedar",
        "cedar park neighbours",
        "a very long search text that fills the line up",
    ] {
        let mut s = state();
        key(&mut s, '/');
        update(&mut s, Msg::Paste(text.into()));
        let screen = render(&s);
        let footer = screen
            .lines()
            .last()
            .unwrap_or_default()
            .trim_matches('"')
            .to_owned();
        assert!(footer.starts_with(&format!(" / {text}")), "{footer}");
        assert!(!footer.contains('…'), "{text:?}: {footer}");
        if text.len() < 30 {
            assert!(footer.contains("enter keep · esc clear"), "{footer}");
        }
    }
}

#[test]
fn a_adds_to_every_picked_group() {
    let mut s = state();
    key(&mut s, '*');
    assert!(key(&mut s, 'a').is_empty());
    let Some(Overlay::Add(input)) = s.overlay() else {
        panic!("the add dialog");
    };
    assert_eq!(input.groups, ["A", "B", "C"]);
    assert_eq!(input.title, "3 groups");
    assert_eq!(input.labels.len(), 3, "the dialog names each group");
    update(&mut s, Msg::Paste("+12122000101, +12122000102".into()));
    let effects = press(&mut s, KeyCode::Enter);
    let added = enqueued(&effects);
    assert_eq!(added.len(), 6, "two people in each of three groups");
    assert!(added.iter().all(|(_, k)| *k == OperationKind::Add));
}

/// The add dialog of one group says, before Enter, when the numbers exceed its room: group A
/// has 2 members, so 6 of 8 new numbers fit and 2 would be held back; a member already in
/// takes no room.
#[test]
fn the_add_dialog_says_when_the_numbers_exceed_the_groups_room() {
    let mut s = state();
    assert!(key(&mut s, 'a').is_empty());
    let Some(Overlay::Add(input)) = s.overlay() else {
        panic!("the add dialog");
    };
    assert_eq!(input.room, Some(6));
    let numbers: Vec<String> = (101..=108).map(|n| format!("+12122000{n}")).collect();
    update(&mut s, Msg::Paste(numbers.join(", ")));
    assert!(
        render(&s).contains("8 valid · 0 invalid · room for 6: 2 held back"),
        "{}",
        render(&s)
    );
    // Six new and a member: it fits.
    press(&mut s, KeyCode::Esc);
    key(&mut s, 'a');
    let mut six: Vec<String> = numbers[..6].to_vec();
    six.push("+12122000001".into());
    update(&mut s, Msg::Paste(six.join(", ")));
    let screen = render(&s);
    assert!(
        screen.contains("7 valid · 0 invalid") && !screen.contains("room for"),
        "{screen}"
    );
}

#[test]
fn esc_clears_the_picks_then_the_filter_and_a_new_search_starts_empty() {
    let mut s = state();
    search(&mut s, &["A"]);
    key(&mut s, ' ');
    assert_eq!(s.views.groups.picked.len(), 1);
    press(&mut s, KeyCode::Esc);
    assert!(s.views.groups.picked.is_empty());
    assert_eq!(notice(&s), "1 pick(s) cleared");
    assert_eq!(shown(&s), ["A"], "the search stays");
    assert_eq!(
        s.views.group.searched,
        Some(Query::Phone(person(1))),
        "marked among members"
    );
    press(&mut s, KeyCode::Esc);
    assert!(s.views.groups.filter.person.is_none());
    assert_eq!(shown(&s), ["A", "B", "C"]);
    assert_eq!(notice(&s), "filter cleared");
    assert_eq!(s.views.group.searched, None, "no longer marked");
    // A kept text filter: `/` again starts from nothing, it does not add to the old text.
    key(&mut s, '/');
    for c in "alpha".chars() {
        key(&mut s, c);
    }
    press(&mut s, KeyCode::Enter);
    assert_eq!(shown(&s), ["A"]);
    key(&mut s, '/');
    assert!(s.views.groups.filter.text.is_empty());
    assert_eq!(shown(&s), ["A", "B", "C"]);
    for c in "cedar".chars() {
        key(&mut s, c);
    }
    assert_eq!(s.views.groups.filter.text, "cedar");
    assert_eq!(shown(&s), ["C"]);
    // In the group pane, Esc clears its picks.
    press(&mut s, KeyCode::Enter);
    let mut s = state();
    press(&mut s, KeyCode::Tab);
    key(&mut s, '*');
    assert_eq!(s.views.group.picked.len(), 2, "both members");
    press(&mut s, KeyCode::Esc);
    assert!(s.views.group.picked.is_empty());
}

#[test]
fn a_second_ctrl_c_in_the_quit_question_quits() {
    let mut s = state();
    s.shared.work = Work::Submitting { groups: None };
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    let msg = s.key(ctrl_c);
    // The first stops the sending at once, as the command line's submit does, then asks.
    assert!(matches!(
        update(&mut s, msg).as_slice(),
        [Effect::Engine(Command::Cancel)]
    ));
    assert!(matches!(s.overlay(), Some(Overlay::Quit)));
    assert!(
        s.views
            .log
            .lines
            .iter()
            .any(|l| l.text.starts_with("Ctrl-C: sending stopped"))
    );
    let msg = s.key(ctrl_c);
    let effects = update(&mut s, msg);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Engine(Command::Cancel), Effect::Quit]
    ));
    assert!(s.quit);
    // Another key is no answer: the question stays up and nothing acts behind it; `n` stays.
    let mut s = state();
    s.shared.work = Work::SyncAsked;
    key(&mut s, 'q');
    for c in ['j', 'c', 'e', 'x'] {
        assert!(key(&mut s, c).is_empty(), "{c}");
        assert!(matches!(s.overlay(), Some(Overlay::Quit)), "{c}");
    }
    assert!(key(&mut s, 'n').is_empty());
    assert!(!s.quit && s.overlays.is_empty());
    // `q` while sending only asks: staying lets the run go on.
    let mut s = state();
    s.shared.work = Work::Submitting { groups: None };
    assert!(key(&mut s, 'q').is_empty());
    assert!(key(&mut s, 'n').is_empty());
    assert!(!s.quit && matches!(s.shared.work, Work::Submitting { .. }));
}

#[test]
fn keys_that_cannot_act_say_why() {
    // `a` on an empty list.
    let mut s = state();
    key(&mut s, '/');
    for c in "nothing like it".chars() {
        key(&mut s, c);
    }
    press(&mut s, KeyCode::Enter);
    assert!(shown(&s).is_empty());
    key(&mut s, 'a');
    assert!(s.overlays.is_empty());
    assert_eq!(
        notice(&s),
        "no group to add to: none is shown (esc clears the filter)"
    );
    key(&mut s, ' ');
    assert_eq!(notice(&s), "no group matches the filter (esc clears it)");
    // An empty mirror.
    let mut empty = State::new("1", "v23.0", None, Keymap::defaults());
    update(&mut empty, Msg::Loaded(Loaded::Groups(Vec::new())));
    key(&mut empty, 'a');
    assert_eq!(
        notice(&empty),
        "no group to add to: the mirror is empty (r reads the groups)"
    );
    // `u` on a member: their latest change here, or why there is none.
    let mut s = state();
    press(&mut s, KeyCode::Tab);
    assert!(key(&mut s, 'u').is_empty(), "member 1 has no change");
    assert_eq!(
        notice(&s),
        "no change of +12122000001 in Alpha Runners to undo: their changes show under Changes"
    );
    key(&mut s, 'j');
    assert!(
        matches!(
            key(&mut s, 'u').as_slice(),
            [Effect::Undo(ids)] if ids == &[OpId(6)]
        ),
        "member 2's add is reversed"
    );
    // In the log, picking says there is nothing to pick.
    press(&mut s, KeyCode::Tab);
    assert_eq!(s.focus, Pane::Log);
    key(&mut s, '*');
    assert!(notice(&s).starts_with("the log has nothing to pick"));
}

#[test]
fn enter_shows_a_change_a_member_and_a_log_line_whole() {
    let mut s = state();
    press(&mut s, KeyCode::Tab);
    // Rows: two members, then the changes newest first (#8 failed, #6 confirmed).
    key(&mut s, 'j');
    key(&mut s, 'j');
    press(&mut s, KeyCode::Enter);
    let Some(Overlay::Text(popup)) = s.overlay() else {
        panic!("a popup");
    };
    assert_eq!(popup.title, "Change #8");
    let texts: Vec<&str> = popup.lines.iter().map(|l| l.text.as_str()).collect();
    assert!(texts.contains(&"code       131203"), "{texts:?}");
    assert!(
        texts.contains(&"message    recipient has not accepted the current terms"),
        "{texts:?}"
    );
    assert!(texts.contains(&"request_id RQ-8"), "{texts:?}");
    press(&mut s, KeyCode::Esc);
    key(&mut s, 'g');
    key(&mut s, 'j');
    press(&mut s, KeyCode::Enter);
    let Some(Overlay::Text(popup)) = s.overlay() else {
        panic!("a popup");
    };
    assert_eq!(popup.title, "Member +12122000002");
    assert!(
        popup
            .lines
            .iter()
            .any(|l| l.text.contains("#6 add confirmed"))
    );
    press(&mut s, KeyCode::Esc);
    // A log line: the answer's ids and its whole message.
    let request = RequestInfo {
        seq: 1,
        method: "POST",
        group_id: "A".into(),
        kind: Some(OperationKind::Add),
        participants: 2,
        attempt: 1,
    };
    let long = format!("partial success: {}", "x ".repeat(80));
    update(
        &mut s,
        Msg::Engine {
            at: 5,
            event: Event::Answer {
                request,
                status: Some(206),
                code: Some(131201),
                message: long.clone(),
                duration_ms: 90,
                request_id: Some("RQ-9".into()),
                fbtrace_id: Some("TRACE-9".into()),
            },
        },
    );
    press(&mut s, KeyCode::Tab);
    assert_eq!(s.focus, Pane::Log);
    press(&mut s, KeyCode::Enter);
    let Some(Overlay::Text(popup)) = s.overlay() else {
        panic!("a popup");
    };
    let texts: Vec<&str> = popup.lines.iter().map(|l| l.text.as_str()).collect();
    assert!(texts.contains(&"fbtrace    TRACE-9"), "{texts:?}");
    assert!(texts.contains(&"request_id RQ-9"), "{texts:?}");
    assert!(
        texts.contains(&format!("message    {long}").as_str()),
        "whole: {texts:?}"
    );
}

#[test]
fn r_retries_the_failed_change_or_the_groups_failed_ones() {
    let mut s = state();
    // In the groups pane: the picked groups', or this group's.
    assert!(matches!(
        key(&mut s, 'R').as_slice(),
        [Effect::Retry(RetryOf::Groups(g))] if g == &["A".to_string()]
    ));
    key(&mut s, '*');
    assert!(matches!(
        key(&mut s, 'R').as_slice(),
        [Effect::Retry(RetryOf::Groups(g))] if g.len() == 3
    ));
    // In the group pane, on the failed change: that one.
    let mut s = state();
    press(&mut s, KeyCode::Tab);
    key(&mut s, 'G');
    key(&mut s, 'k');
    assert!(matches!(
        key(&mut s, 'R').as_slice(),
        [Effect::Retry(RetryOf::Operations(ids))] if ids == &[OpId(8)]
    ));
    // Elsewhere in the pane: every failed change of the group.
    key(&mut s, 'g');
    assert!(matches!(
        key(&mut s, 'R').as_slice(),
        [Effect::Retry(RetryOf::Groups(g))] if g == &["A".to_string()]
    ));
    // The answer: nothing to retry says so; a retry is reported like a queue write.
    update(&mut s, Msg::Loaded(Loaded::Retried(Retried::default())));
    assert_eq!(notice(&s), "no failed change to retry here");
    // A failure queued again already (or changed since) is not queued a second time.
    update(
        &mut s,
        Msg::Loaded(Loaded::Retried(Retried {
            followed: vec![wa_groups::domain::plan::Leftover {
                id: OpId(8),
                spec: wa_groups::testing::add("A", 7),
                reason: "queued again or changed since: #9 stands instead".into(),
                cause: None,
            }],
            ..Retried::default()
        })),
    );
    assert_eq!(
        notice(&s),
        "nothing retried: the 1 failed change(s) here were queued again or changed since"
    );
    // A change to a gone group stays failed: the answer names it and says why, in a popup
    // that stays until closed.
    let kept = |id: i64| wa_groups::domain::plan::Leftover {
        id: OpId(id),
        spec: wa_groups::testing::add("A", 7),
        reason: wa_groups::domain::plan::GONE_GROUP.into(),
        cause: None,
    };
    update(
        &mut s,
        Msg::Loaded(Loaded::Retried(Retried {
            kept: vec![kept(8)],
            ..Retried::default()
        })),
    );
    let Some(Overlay::Text(popup)) = s.overlay() else {
        panic!("a popup, not {:?}", s.overlay());
    };
    let texts: Vec<&str> = popup.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Nothing queued again: every change asked for stays failed.",
            "left failed, not queued again: 1",
            "    #8 add +12122000007 to Alpha Runners: the group is gone from the server (deleted, or a wrong id)",
        ]
    );
    // A change the server refused (not one lost on the way) is queued again, and the answer
    // says it fails again unless that has changed.
    press(&mut s, KeyCode::Esc);
    let refused = wa_groups::domain::plan::Leftover {
        reason: "131203 terms not accepted".into(),
        ..kept(8)
    };
    update(
        &mut s,
        Msg::Loaded(Loaded::Retried(Retried {
            report: Some(wa_groups::store::EnqueueReport {
                stored: 1,
                ids: vec![OpId(9)],
                ..Default::default()
            }),
            refused_before: vec![refused],
            ..Retried::default()
        })),
    );
    let Some(Overlay::Text(popup)) = s.overlay() else {
        panic!("a popup, not {:?}", s.overlay());
    };
    let texts: Vec<&str> = popup.lines.iter().map(|l| l.text.as_str()).collect();
    assert!(
        texts.contains(&"    #8 add +12122000007 to Alpha Runners: 131203 terms not accepted"),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.starts_with(
            "queued again, but the server refused them before (they fail again unless that has changed): 1"
        )),
        "{texts:?}"
    );
}

#[test]
fn o_sorts_the_groups_and_the_title_says_how() {
    let mut s = state();
    assert_eq!(shown(&s), ["A", "B", "C"]);
    let order = |s: &mut State| {
        key(s, 'o');
        (s.views.groups.sort, shown(s))
    };
    assert_eq!(
        order(&mut s),
        (SortBy::Members, vec!["B".into(), "A".into(), "C".into()])
    );
    assert_eq!(
        order(&mut s),
        (SortBy::Pending, vec!["C".into(), "A".into(), "B".into()])
    );
    assert_eq!(
        order(&mut s),
        (SortBy::Failures, vec!["B".into(), "A".into(), "C".into()])
    );
    assert_eq!(
        order(&mut s),
        (SortBy::LastChange, vec!["B".into(), "C".into(), "A".into()])
    );
    assert!(render(&s).contains("by last change"));
    // Narrower room (three picks in the title): still named, in one word.
    key(&mut s, '*');
    let screen = render(&s);
    assert!(
        screen.contains("Groups 3 · by last change · •3"),
        "{screen}"
    );
    update(
        &mut s,
        Msg::Resize {
            width: 72,
            height: 24,
        },
    );
    let mut terminal = Terminal::new(TestBackend::new(72, 24)).expect("terminal");
    terminal.draw(|f| draw(f, &s)).expect("draw");
    let screen = terminal.backend().to_string();
    assert!(screen.contains("Groups 3 · by last · •3"), "{screen}");
    key(&mut s, '*');
    assert_eq!(
        order(&mut s),
        (SortBy::Subject, vec!["A".into(), "B".into(), "C".into()])
    );
}

#[test]
fn z_enlarges_the_log_and_again_brings_the_groups_back() {
    let mut s = state();
    key(&mut s, 'z');
    assert!(s.shared.zoom);
    assert_eq!(s.focus, Pane::Log);
    assert_eq!(s.areas().log.height, 21);
    key(&mut s, 'z');
    assert!(!s.shared.zoom);
    assert!(s.areas().groups.height > 0);
    // Tab in the enlarged log brings the panes back and moves to one that is seen.
    key(&mut s, 'z');
    press(&mut s, KeyCode::Tab);
    assert!(!s.shared.zoom);
    assert_eq!(s.focus, Pane::Groups);
    assert!(s.areas().groups.height > 0);
}

/// The join requests view says how to leave it, and Esc leaves it (the filter behind it stays).
#[test]
fn esc_closes_the_join_requests_view_and_its_footer_says_so() {
    let mut s = state();
    search(&mut s, &["A"]);
    key(&mut s, 'J');
    assert_eq!(s.focus, Pane::Requests);
    let footer = render(&s).lines().last().unwrap_or_default().to_owned();
    assert!(footer.contains("esc close"), "{footer}");
    press(&mut s, KeyCode::Esc);
    assert_eq!(s.focus, Pane::Groups, "back where it was opened from");
    assert_eq!(shown(&s), ["A"], "the search stays");
    // Opened from the group pane, it closes back to it.
    press(&mut s, KeyCode::Tab);
    assert_eq!(s.focus, Pane::Group);
    key(&mut s, 'J');
    key(&mut s, 'J');
    assert_eq!(s.focus, Pane::Group);
}

/// Leaving the log, it follows the newest line again.
#[test]
fn leaving_the_log_follows_the_newest_line_again() {
    let mut s = state();
    press(&mut s, KeyCode::BackTab);
    assert_eq!(s.focus, Pane::Log);
    key(&mut s, 'k');
    press(&mut s, KeyCode::Tab);
    assert_ne!(s.focus, Pane::Log);
    assert_eq!((s.views.log.cursor, s.views.log.scroll), (0, 0));
}

#[test]
fn a_refused_token_is_in_the_status_line_with_what_to_do_until_an_answer_comes() {
    let mut s = state();
    update(
        &mut s,
        Msg::Engine {
            at: 1,
            event: Event::Halted {
                class: "auth",
                message: "the access token was refused: Graph error 190 (HTTP 401): Invalid OAuth access token"
                    .into(),
            },
        },
    );
    let screen = render(&s);
    assert!(
        screen.contains("✗ token refused: set a valid token and restart"),
        "{screen}"
    );
    assert!(!screen.contains(" idle "), "{screen}");
    let log = &s.views.log.lines.back().expect("a line").text;
    assert!(log.contains("WA_ACCESS_TOKEN"), "{log}");
    update(
        &mut s,
        Msg::Engine {
            at: 2,
            event: Event::SyncFinished {
                listed: 3,
                read: 3,
                gone: 0,
                unread: 0,
                unread_groups: Vec::new(),
                error: None,
            },
        },
    );
    assert!(!render(&s).contains("token refused"));
}

#[test]
fn a_group_that_could_not_be_read_stays_in_the_list_with_why() {
    let mut s = state();
    update(
        &mut s,
        Msg::Engine {
            at: 1,
            event: Event::SyncFinished {
                listed: 4,
                read: 3,
                gone: 0,
                unread: 1,
                unread_groups: vec![UnreadGroup {
                    id: "D".into(),
                    subject: "Delta Choir".into(),
                    why: "Graph error 131000 (HTTP 500): Something went wrong".into(),
                }],
                error: None,
            },
        },
    );
    update(&mut s, Msg::Loaded(Loaded::Groups(groups())));
    assert_eq!(shown(&s), ["A", "B", "C", "D"]);
    let row = s.shared.mirror.get("D").expect("kept");
    assert!(row.unread.as_deref().is_some_and(|w| w.contains("131000")));
    assert!(render(&s).contains("Delta Choir (not read)"));
    assert!(s.views.log.lines.iter().any(|l| {
        l.text
            .starts_with("could not read Delta Choir (D): Graph error 131000")
    }));
}

#[test]
fn a_notice_wider_than_the_footer_is_kept_whole_in_the_log() {
    let mut s = state();
    update(
        &mut s,
        Msg::Loaded(Loaded::StoreError(format!("disk full: {}", "y".repeat(90)))),
    );
    let screen = render(&s);
    assert!(
        screen.lines().last().is_some_and(|l| l.contains('…')),
        "{screen}"
    );
    assert!(
        s.views
            .log
            .lines
            .iter()
            .filter(|l| l.text.starts_with("store: disk full"))
            .count()
            >= 1
    );
}

#[test]
fn the_footer_at_80_columns_always_says_how_to_get_help_and_quit() {
    for pane in 0..3 {
        let mut s = state();
        for _ in 0..pane {
            press(&mut s, KeyCode::Tab);
        }
        let screen = render(&s);
        let footer = screen.lines().last().unwrap_or_default();
        assert!(
            footer.contains("? help") && footer.contains("q quit"),
            "{footer}"
        );
    }
}

/// Thirty groups, two of whose long subjects look the same once cut at 80 columns: in every
/// order `o` puts them in, every group stays listed (none lost off the end), the screen shows
/// as many rows as it has room for, and each of the two keeps the end of its id that tells it
/// from the other, on screen with it or not.
#[test]
fn every_order_keeps_every_group_and_the_endings_of_look_alikes() {
    let mut s = empty();
    let mut list: Vec<GroupSummary> = (0..28)
        .map(|n| {
            let mut g = summary(
                &format!("G{n:02}"),
                &format!("Team {n:02}"),
                n % 9,
                (n % 4) as usize,
                0,
            );
            g.last_change = Some(i64::from(n));
            g
        })
        .collect();
    // Far apart in every order but the subject's: one the fullest, one the emptiest.
    let mut tuesday = summary(
        "Y2FwaV9ncm91cDoxMTE",
        "Cedar Park Neighbours of the North Side (Tuesday)",
        8,
        5,
        0,
    );
    tuesday.last_change = Some(100);
    let thursday = summary(
        "Y2FwaV9ncm91cDoyMjI",
        "Cedar Park Neighbours of the North Side (Thursday)",
        0,
        0,
        0,
    );
    list.extend([tuesday, thursday]);
    list.sort_by_key(|g| g.subject.to_lowercase());
    update(&mut s, Msg::Loaded(Loaded::Groups(list)));
    for _ in 0..5 {
        key(&mut s, 'o');
        assert_eq!(shown(&s).len(), 30, "{:?}", s.views.groups.sort);
        let screen = render(&s);
        let rows = screen
            .lines()
            .filter(|l| l.contains("Team ") || l.contains("Cedar"))
            .count();
        assert_eq!(
            rows,
            30.min(usize::from(s.areas().groups.height) - 3),
            "{screen}"
        );
        for line in screen.lines().filter(|l| l.contains("Cedar")) {
            assert!(
                line.contains("ExMTE")
                    || line.contains("IyMjI")
                    || line.contains("MTE")
                    || line.contains("MjI"),
                "the id's ending stays in {:?}: {line}",
                s.views.groups.sort
            );
        }
        // Down to the end of the list and back: each row reachable.
        for _ in 0..30 {
            key(&mut s, 'j');
        }
        assert_eq!(s.views.groups.cursor.index, 29);
        let screen = render(&s);
        assert!(
            screen.lines().any(|l| l.contains(&last_label(&s))),
            "the last row is drawn: {screen}"
        );
        key(&mut s, 'g');
    }
}

/// The subject (cut to 10 characters) of the last group listed.
fn last_label(s: &State) -> String {
    let id = shown(s).pop().unwrap_or_default();
    s.shared
        .mirror
        .get(&id)
        .map(|g| g.subject.chars().take(10).collect())
        .unwrap_or_default()
}

/// `*` picks the live groups shown: a gone group takes no change, so it is not picked.
#[test]
fn star_leaves_gone_groups_unpicked() {
    let mut s = empty();
    let mut gone = summary("B", "Brookfield Parents", 7, 0, 0);
    gone.gone_at = Some(1);
    update(
        &mut s,
        Msg::Loaded(Loaded::Groups(vec![
            summary("A", "Alpha Runners", 5, 0, 0),
            gone,
            summary("C", "Cedar Park", 3, 0, 0),
        ])),
    );
    key(&mut s, '*');
    let picked: Vec<&str> = s.views.groups.picked.iter().map(String::as_str).collect();
    assert_eq!(picked, ["A", "C"]);
    assert_eq!(notice(&s), "2 group(s) picked (2 in all)");
}

/// `u` on several picked changes, some of them made, asks first: each made one is reversed
/// (a removal queued for an add), the pending ones withdrawn; yes undoes exactly those.
#[test]
fn u_on_several_picks_that_reverse_changes_asks_first() {
    let mut s = state();
    let made = |id, n| operation(id, "A", n, OperationKind::Add, OperationState::Confirmed);
    let detail = GroupDetail::new(
        group_a(),
        vec![
            operation(10, "A", 21, OperationKind::Add, OperationState::Pending),
            made(9, 1),
            made(6, 2),
        ],
    );
    update(&mut s, Msg::Loaded(Loaded::Group("A".into(), Some(detail))));
    press(&mut s, KeyCode::Tab);
    key(&mut s, 'G');
    key(&mut s, '*');
    assert!(key(&mut s, 'u').is_empty(), "asked first");
    let (title, lines, _) = asked(&s);
    assert_eq!(title, "Undo 3 changes?");
    assert!(
        lines
            .iter()
            .filter(|l| l.starts_with("↶ reverse #"))
            .count()
            == 2
            && lines
                .iter()
                .any(|l| l.starts_with("− withdraw #10 add +12122000021")),
        "{lines:?}"
    );
    let effects = key(&mut s, 'y');
    assert!(
        matches!(effects.as_slice(), [Effect::Undo(ids)] if ids == &[OpId(6), OpId(9), OpId(10)]),
        "{effects:?}"
    );
}

/// An undo of a removal made says what it queued: the add that reverses it, by its number,
/// not the removal again.
#[test]
fn an_undo_names_the_change_it_queued() {
    let mut s = state();
    let removal = wa_groups::testing::remove("A", 1);
    update(
        &mut s,
        Msg::Loaded(Loaded::Undone(vec![(
            OpId(12),
            Some(removal.clone()),
            Ok(wa_groups::store::Undone::Reversed(OpId(14))),
        )])),
    );
    let said = s.views.log.lines.back().map(|l| l.text.clone());
    assert_eq!(
        said.as_deref(),
        Some("undo: #12 reversed: queued #14 add +12122000001 to Alpha Runners (not sent yet)")
    );
    update(
        &mut s,
        Msg::Loaded(Loaded::Undone(vec![(
            OpId(12),
            Some(removal),
            Ok(wa_groups::store::Undone::ReversalPending(OpId(14))),
        )])),
    );
    let said = s.views.log.lines.back().map(|l| l.text.clone());
    assert_eq!(
        said.as_deref(),
        Some(
            "undo: #12: its reversal is already queued: #14 add +12122000001 to Alpha Runners (not sent yet)"
        )
    );
}

/// An undo refused with a reason wider than the footer is logged once: the footer's long
/// notice goes to the log only when nothing wrote it there already.
#[test]
fn a_refused_undo_is_logged_once() {
    use wa_groups::store::StoreError;
    let mut s = state();
    let why = StoreError::WrongState {
        id: OpId(3),
        state: OperationState::Confirmed,
        wanted: "it removed someone known only by BSUID, who can be added back only by phone number",
    }
    .to_string();
    update(
        &mut s,
        Msg::Loaded(Loaded::Undone(vec![(OpId(3), None, Err(why))])),
    );
    let said: Vec<&str> = s
        .views
        .log
        .lines
        .iter()
        .map(|l| l.text.as_str())
        .filter(|t| t.starts_with("undo:"))
        .collect();
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].contains("added back only by phone number"),
        "{said:?}"
    );
    update(&mut s, Msg::Loaded(Loaded::StoreError("x".repeat(200))));
    let store_lines = s
        .views
        .log
        .lines
        .iter()
        .filter(|l| l.text.starts_with("store: "));
    assert_eq!(store_lines.count(), 1);
    // A notice wider than the footer that no handler logged is still written to the log.
    s.shared.width = 20;
    let before = s.views.log.lines.len();
    key(&mut s, 'u');
    assert_eq!(s.views.log.lines.len(), before + 1);
    assert_eq!(s.views.log.lines.back().map(|l| &l.text), Some(&notice(&s)));
}

/// In the demo (a store that ends with the app), `q` with changes queued asks first, naming
/// them; where the store stays, it quits at once.
#[test]
fn quitting_the_demo_with_changes_queued_asks_first() {
    use std::collections::BTreeMap;
    let counts = Msg::Loaded(Loaded::Counts(BTreeMap::from([(
        OperationState::Pending,
        2,
    )])));
    let mut kept = state();
    update(&mut kept, counts.clone());
    assert!(
        key(&mut kept, 'q')
            .iter()
            .any(|e| matches!(e, Effect::Quit))
    );

    let mut demo = state();
    demo.shared.ephemeral = true;
    update(&mut demo, counts);
    assert!(key(&mut demo, 'q').is_empty());
    assert!(matches!(demo.overlay(), Some(Overlay::Quit)));
    let screen = render(&demo);
    assert!(
        screen.contains("2 queued change(s) not sent yet."),
        "{screen}"
    );
    assert!(
        screen.contains("To send them first: n here, then S."),
        "{screen}"
    );
    key(&mut demo, 'y');
    assert!(demo.quit);
}

/// A phone number found in no group says that a member shown only by BSUID may still be the
/// person, and what to search instead.
#[test]
fn a_phone_in_no_group_says_what_to_search_instead() {
    let mut s = state();
    search(&mut s, &[]);
    key(&mut s, ' ');
    let said = notice(&s);
    assert!(
        said.starts_with("+12122000001 is in no group of the mirror by this number"),
        "{said}"
    );
    assert!(said.contains("search their @username or BSUID"), "{said}");
}

/// A line picked in the log stays on the screen, and under the cursor, while new lines come.
#[test]
fn a_picked_log_line_stays_in_view_as_new_lines_come() {
    let say = |s: &mut State, lines: std::ops::Range<i64>| {
        for n in lines {
            let message = format!("line {n}");
            update(
                s,
                Msg::Engine {
                    at: n,
                    event: Event::Warning { message },
                },
            );
        }
    };
    let mut s = state();
    say(&mut s, 0..30);
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Tab);
    assert_eq!(s.focus, Pane::Log);
    key(&mut s, 'k');
    key(&mut s, 'k');
    let picked = s.views.log.current().map(|l| l.text.clone());
    assert_eq!(picked.as_deref(), Some("line 27"));
    say(&mut s, 30..40);
    assert_eq!(s.views.log.current().map(|l| l.text.clone()), picked);
    assert!(render(&s).contains("line 27"), "{}", render(&s));
    assert!(!render(&s).contains("line 39"), "the view stays put");
}

/// `x` where nothing can be removed (the log, the join requests view) says where it works.
#[test]
fn x_where_nothing_is_removed_says_where_it_works() {
    let mut s = state();
    key(&mut s, 'z');
    assert_eq!(s.focus, Pane::Log);
    assert!(key(&mut s, 'x').is_empty());
    assert!(
        notice(&s).starts_with("nothing to remove here"),
        "{}",
        notice(&s)
    );
}

/// A reload of the group keeps the cursor on its row: a retry queued above the failed change
/// does not slide another change under the cursor (where `u` would then act).
#[test]
fn a_reload_keeps_the_cursor_on_the_change_it_was_on() {
    let mut s = state();
    press(&mut s, KeyCode::Tab);
    key(&mut s, 'G');
    key(&mut s, 'k');
    let on = |s: &State| {
        s.views
            .group
            .detail
            .as_ref()
            .and_then(|g| g.row(s.views.group.cursor.index))
    };
    assert_eq!(on(&s), Some(RowKey::Op(OpId(8))), "on the failed change");
    // The retry's new pending change is listed first (newest first).
    let mut failed = operation(8, "A", 21, OperationKind::Add, OperationState::Failed);
    failed.error_code = Some(131203);
    let ops = vec![
        operation(6, "A", 2, OperationKind::Add, OperationState::Confirmed),
        failed,
        operation(9, "A", 21, OperationKind::Add, OperationState::Pending),
    ];
    let group = group_a();
    update(
        &mut s,
        Msg::Loaded(Loaded::Group(
            "A".into(),
            Some(GroupDetail::new(group, ops)),
        )),
    );
    assert_eq!(
        on(&s),
        Some(RowKey::Op(OpId(8))),
        "still on the failed change"
    );
}

/// A send of changes that are all held back would do nothing: it is not offered; a popup says
/// why each is held instead.
#[test]
fn a_submit_of_only_held_changes_says_why_instead_of_asking() {
    let mut s = state();
    let held = wa_groups::domain::plan::Leftover {
        id: OpId(4),
        spec: wa_groups::testing::add("A", 9),
        reason: "would be 9 of 8 members: 8 now".into(),
        cause: None,
    };
    update(
        &mut s,
        Msg::Loaded(Loaded::Plan {
            purpose: wa_groups::tui::msg::PlanFor::Submit,
            scope: wa_groups::engine::Scope::All,
            plan: wa_groups::domain::plan::Plan {
                held: vec![held],
                ..Default::default()
            },
        }),
    );
    let Some(Overlay::Text(popup)) = s.overlay() else {
        panic!("a popup, not {:?}", s.overlay());
    };
    let texts: Vec<&str> = popup.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        texts[0],
        "Nothing can be sent now: the 1 pending change(s) here are held back."
    );
    assert!(
        texts
            .iter()
            .any(|t| t.contains("#4 add +12122000009 to Alpha Runners: would be 9 of 8 members")),
        "{texts:?}"
    );
}

/// With a filter that shows no group, a group action says so and how to clear it.
#[test]
fn a_group_action_with_no_group_shown_says_why() {
    let mut s = state();
    key(&mut s, '/');
    update(&mut s, Msg::Paste("no such subject".into()));
    press(&mut s, KeyCode::Enter);
    assert!(shown(&s).is_empty());
    key(&mut s, 'D');
    assert_eq!(
        notice(&s),
        "no group selected: the filter shows none (esc clears it)"
    );
}

/// The filter takes a group's label as the app writes it: a subject and the end of its id
/// after `…` (or `...`), pasted or typed key by key (the list does not stay empty once the
/// `…` matched nothing), the ending in its case (ids are base64).
#[test]
fn the_filter_takes_a_label_with_its_id_ending() {
    for typed in ["Cedar Park …C", "cedar park ...C", "…C"] {
        let mut s = state();
        key(&mut s, '/');
        update(&mut s, Msg::Paste(typed.into()));
        press(&mut s, KeyCode::Enter);
        assert_eq!(shown(&s), ["C"], "pasted: {typed}");
        let mut s = state();
        key(&mut s, '/');
        for ch in typed.chars() {
            key(&mut s, ch);
        }
        press(&mut s, KeyCode::Enter);
        assert_eq!(shown(&s), ["C"], "typed: {typed}");
    }
    let mut s = state();
    key(&mut s, '/');
    update(&mut s, Msg::Paste("…c".into()));
    assert!(shown(&s).is_empty(), "another case is another id");
    // A wrong ending finds nothing.
    let mut s = state();
    key(&mut s, '/');
    update(&mut s, Msg::Paste("Cedar Park …A".into()));
    press(&mut s, KeyCode::Enter);
    assert!(shown(&s).is_empty());
}
