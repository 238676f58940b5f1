//! Terminal safety: a group subject carrying an OSC 52 clipboard write and a screen clear is
//! drawn as harmless visible text, never as escape sequences.

mod tui_common;

use crossterm::event::KeyCode;
use tui_common::Harness;
use wa_groups::sandbox::{self, SandboxConfig};

const HOSTILE: &str = "x\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_subject_renders_as_text() {
    let sb = sandbox::start(SandboxConfig {
        groups: 2,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let id = sb.insert_group(HOSTILE, &[]);
    let mut h = Harness::start(&sb, 120, 40).await;
    h.synced().await;
    // Select it (its id in the filter), open it, and look at every cell.
    h.type_text("/");
    h.type_text(&id);
    h.key(KeyCode::Enter);
    h.key(KeyCode::Enter);
    h.run_until("the hostile group open", |s| {
        s.views.group.detail.as_ref().is_some_and(|g| g.id == id)
    })
    .await;
    let buffer = h.terminal.backend().buffer().clone();
    for cell in buffer.content() {
        let symbol = cell.symbol();
        assert!(
            !symbol.contains('\u{1b}')
                && !symbol.contains('\u{7}')
                && !symbol.chars().any(char::is_control),
            "a control character reached the screen: {symbol:?}"
        );
    }
    let screen = h.screen();
    assert!(screen.contains("x^[]52;c;ZXZpbA==^G^[[2J"), "{screen}");
}
