//! Sentences about the settings a command needs before it can talk to the server.

/// What is said when no phone number id is given, wherever it is found missing (the client's
/// settings, the configuration, a session), and what to do about it.
pub fn no_phone_number_id() -> &'static str {
    "no phone number id: give --phone-number-id or set WA_PHONE_NUMBER_ID"
}
