//! The ends of group ids that tell groups apart where their subjects do not: the fewest last
//! characters (at least [`MIN_SUFFIX`]) that differ between them, made safe for a screen.

use std::sync::Arc;

use super::text::sanitize;

/// The fewest characters of an id's end shown to tell groups of one subject apart.
pub const MIN_SUFFIX: usize = 4;

/// The last `n` characters of `id`, made safe.
pub(super) fn ending(id: &str, n: usize) -> String {
    let chars: Vec<char> = id.chars().collect();
    sanitize(
        &chars[chars.len().saturating_sub(n)..]
            .iter()
            .collect::<String>(),
    )
}

/// The ends of `ids` that tell them apart, as a label ends (the fewest characters, at least
/// [`MIN_SUFFIX`], made safe): for groups of different subjects that look the same where a
/// screen cuts them (`Harbor Volunteers 2025: wee… …MzMx`).
pub fn distinct_endings(ids: &[&str]) -> Vec<String> {
    let arcs: Vec<Arc<str>> = ids.iter().map(|id| Arc::from(*id)).collect();
    let n = distinct_suffix(&arcs);
    ids.iter().map(|id| ending(id, n)).collect()
}

/// The fewest characters (at least [`MIN_SUFFIX`]) of the ends of `ids` that tell them apart.
pub(super) fn distinct_suffix(ids: &[Arc<str>]) -> usize {
    let longest = ids.iter().map(|id| id.chars().count()).max().unwrap_or(0);
    let mut n = MIN_SUFFIX;
    while n < longest {
        let mut ends: Vec<String> = ids.iter().map(|id| ending(id, n)).collect();
        ends.sort_unstable();
        ends.dedup();
        if ends.len() == ids.len() {
            break;
        }
        n += 1;
    }
    n
}
