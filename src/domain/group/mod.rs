//! What a group is besides its members: its settings as the Graph API takes them (subject,
//! description, join approval mode), its photo, and the join requests people make by its link.

mod join_request;
mod photo;
mod settings;

pub use join_request::JoinRequestRef;
pub use photo::{MAX_PHOTO_BYTES, MIN_PHOTO_SIDE, Photo, PhotoError};
pub use settings::{
    JoinApprovalMode, MAX_DESCRIPTION_CHARS, MAX_SUBJECT_CHARS, NewGroup, check_description,
    check_subject,
};
