//! The embedded stand-in for the Graph API's group calls.
