//! The words of the screen before they are drawn: a tone (what a line means) and a line of text.

/// How a line of text should look; the drawing maps tones to a few semantic colours.
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

/// One line of text and its tone (already made safe for the screen).
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
