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
        .map(|g| g.id.clone())
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
