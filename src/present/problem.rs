//! A problem that stops every request until the operator acts (a refused token, a missing
//! permission, a server that cannot be reached): what it is, and what to do, in a few words
//! for a status line and in a sentence for a log.

/// What a stopped job's error class (`api::ErrorClass::as_str`) asks of the operator; `retry`
/// names the key or command that reads again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// `token refused`.
    pub what: &'static str,
    /// What to do, in a few words: `set a valid token and restart`.
    pub brief: String,
    /// What to do, whole.
    pub todo: String,
}

/// The problem a stopped job's error class stands for.
pub fn problem(class: &str, retry: &str) -> Problem {
    let (what, brief, todo) = match class {
        "auth" => (
            "token refused",
            "set a valid token and restart".to_owned(),
            "set a valid access token (--token-file, WA_ACCESS_TOKEN or the config's token_command) and start again".to_owned(),
        ),
        "permission" => (
            "permission missing",
            "fix the token's permissions, restart".to_owned(),
            "give the token the WhatsApp Business permissions of this number and start again"
                .to_owned(),
        ),
        "transient" => (
            "server unreachable",
            format!("check the network; {retry} retries"),
            format!("check the network and the base URL, then {retry} reads again"),
        ),
        _ => (
            "stopped",
            format!("see the log; {retry} retries"),
            format!("see the log; {retry} reads again"),
        ),
    };
    Problem { what, brief, todo }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_problem_says_what_to_do_briefly_and_whole() {
        let auth = problem("auth", "r");
        assert_eq!(auth.what, "token refused");
        assert!(auth.todo.contains("WA_ACCESS_TOKEN"));
        let unreachable = problem("transient", "r");
        assert_eq!(unreachable.what, "server unreachable");
        assert_eq!(unreachable.brief, "check the network; r retries");
        assert_eq!(
            unreachable.todo,
            "check the network and the base URL, then r reads again"
        );
        assert_eq!(problem("permission", "r").what, "permission missing");
        assert_eq!(problem("other", "`groups sync`").what, "stopped");
        // Short enough for the status line of an 80-column terminal.
        for class in ["auth", "permission", "transient", "other"] {
            let p = problem(class, "r");
            assert!(p.what.len() + p.brief.len() + 6 <= 60, "{p:?}");
        }
    }
}
