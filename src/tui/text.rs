//! The words of the screen before they are drawn: a tone (what a line means) and a line of
//! text, the same as the command line's (`present`).

pub use crate::present::{Line, Tone};
