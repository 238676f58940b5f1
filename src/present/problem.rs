//! A problem that stops every request until the operator acts (a refused token, a missing
//! permission, a server that cannot be reached): what it is in a few words, and what to do.

/// What a stopped job's error class (`api::ErrorClass::as_str`) asks of the operator: a few
/// words for the status line (`token refused`) and what to do (`retry` names the key or
/// command that reads again).
pub fn problem(class: &str, retry: &str) -> (&'static str, String) {
    match class {
        "auth" => (
            "token refused",
            "set a valid access token (--token-file, WA_ACCESS_TOKEN or token_command) and start again".into(),
        ),
        "permission" => (
            "permission missing",
            "give the token the WhatsApp Business permissions of this number and start again"
                .into(),
        ),
        "transient" => (
            "server unreachable",
            format!("check the network and the base URL, then {retry} reads again"),
        ),
        _ => ("stopped", format!("see the log; {retry} reads again")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_problem_says_what_to_do() {
        assert_eq!(problem("auth", "r").0, "token refused");
        assert!(problem("auth", "r").1.contains("WA_ACCESS_TOKEN"));
        assert_eq!(
            problem("transient", "r"),
            (
                "server unreachable",
                "check the network and the base URL, then r reads again".into()
            )
        );
        assert_eq!(problem("permission", "r").0, "permission missing");
        assert_eq!(problem("other", "`groups sync`").0, "stopped");
    }
}
