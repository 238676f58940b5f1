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
