//! The dialogs' drawing (help, add, confirm, text popups, the quit question).

pub mod dialog;
pub mod help;
