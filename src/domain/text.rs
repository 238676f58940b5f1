//! Neutralising text from outside (server subjects, error messages) before it reaches a terminal.

/// Replaces control characters (C0, DEL, C1), which carry escape sequences, bells and cursor
/// moves, with visible `\u{..}`-style escapes, so the text is shown and never interpreted.
pub fn sanitize(input: &str) -> String {
    if !input.chars().any(is_dangerous) {
        return input.to_owned();
    }
    let mut out = String::with_capacity(input.len() + 8);
    for c in input.chars() {
        if is_dangerous(c) {
            match c {
                '\u{1b}' => out.push_str("^["),
                '\u{7}' => out.push_str("^G"),
                '\n' | '\r' | '\t' => out.push(' '),
                other => out.push_str(&format!("\\u{{{:x}}}", other as u32)),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn is_dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible_text() {
        let osc52 = "team\u{1b}]52;c;ZXZpbA==\u{7}";
        let shown = sanitize(osc52);
        assert!(!shown.contains('\u{1b}'));
        assert!(!shown.contains('\u{7}'));
        assert_eq!(shown, "team^[]52;c;ZXZpbA==^G");
        assert_eq!(sanitize("a\u{9b}2J"), "a\\u{9b}2J");
        assert_eq!(sanitize("line\nbreak"), "line break");
    }

    #[test]
    fn plain_text_is_untouched() {
        assert_eq!(
            sanitize("Riverside Runners 🏃 ação"),
            "Riverside Runners 🏃 ação"
        );
    }
}
