//! A line the operator reads: its tone (what it means) and its text (already made safe).

/// How a line should look; the app maps tones to a few semantic colours, the command line
/// prints the text alone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tone {
    #[default]
    Plain,
    Dim,
    Good,
    Bad,
    Warn,
    Info,
}

/// One line of text and its tone (already made safe for a terminal).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Line {
    pub tone: Tone,
    pub text: String,
}

impl Line {
    pub fn new(tone: Tone, text: impl Into<String>) -> Line {
        Line {
            tone,
            text: text.into(),
        }
    }
}

/// Parts joined by one space, the empty ones left out, so a part with nothing to say leaves no
/// double space: `confirmed create in Spring Cohort`, not `confirmed create  in Spring Cohort`.
pub fn words<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for part in parts.into_iter().filter(|p| !p.trim().is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_parts_leave_no_double_space() {
        assert_eq!(
            words(["confirmed", "create", "", "in", "Spring Cohort"]),
            "confirmed create in Spring Cohort"
        );
        assert_eq!(words(["", "add", " ", "+12025550143"]), "add +12025550143");
        assert_eq!(words([]), "");
    }
}
