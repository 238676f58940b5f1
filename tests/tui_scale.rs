//! Scale: with 100,000 groups a frame draws only the visible rows, and moving, filtering and
//! drawing stay quick (timings are printed, not asserted: the benchmark's job).

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use wa_groups::store::GroupSummary;
use wa_groups::tui::{Keymap, Loaded, Msg, State, draw, update};

fn many(n: usize) -> Vec<GroupSummary> {
    (0..n)
        .map(|i| GroupSummary {
            id: format!("G{i:06}"),
            subject: format!("Group number {i:06}"),
            member_count: (i % 9) as u32,
            read_at: 0,
            gone_at: None,
            pending: i % 3,
            failed: usize::from(i % 17 == 0),
            suspended: false,
            join_requests: 0,
            invite_link: None,
        })
        .collect()
}

#[test]
fn a_hundred_thousand_groups_draw_a_window_at_a_time() {
    let mut s = State::new("1", "v23.0", None, Keymap::defaults());
    update(
        &mut s,
        Msg::Resize {
            width: 120,
            height: 40,
        },
    );
    update(&mut s, Msg::Loaded(Loaded::Groups(many(100_000))));
    assert_eq!(s.views.groups.visible.len(), 100_000);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let frames = 200;
    let start = Instant::now();
    for _ in 0..frames {
        let msg = s.key(KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE));
        update(&mut s, msg);
        terminal.draw(|f| draw(f, &s)).expect("draw");
    }
    let per_frame = start.elapsed() / frames;
    eprintln!("key + frame at 120x40 with 100,000 groups: {per_frame:?}");
    let screen = terminal.backend().to_string();
    assert!(screen.contains("Groups 100000"), "{screen}");
    // The cursor moved a page at a time and the window followed it.
    assert!(s.views.groups.cursor.index > 2_000);
    assert!(screen.contains(&format!("Group number {:06}", s.views.groups.cursor.index)));

    let msg = s.key(KeyEvent::new(KeyCode::Char('/'), KeyModifiers::NONE));
    update(&mut s, msg);
    let start = Instant::now();
    for c in "number 0999".chars() {
        let msg = s.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        update(&mut s, msg);
    }
    eprintln!("11 filter keys over 100,000 groups: {:?}", start.elapsed());
    assert_eq!(s.views.groups.visible.len(), 100);
}
