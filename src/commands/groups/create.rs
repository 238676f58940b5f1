//! `groups create`: one group (`--subject`), or a CSV of them (`--from FILE`), queued, shown or
//! made at once; made ones are printed with their id and invite link.

use std::fs::File;

use crate::cli::GroupCreateArgs;
use crate::commands::file_input::import_failure;
use crate::commands::lifecycle::{Mode, apply};
use crate::config::Settings;
use crate::domain::group::{check_description, check_subject};
use crate::domain::{JoinApprovalMode, NewGroup, OpSpec, OperationState};
use crate::exit::{Failure, Outcome};
use crate::import::read_new_groups;
use crate::session::Session;

pub async fn run(settings: &Settings, args: GroupCreateArgs) -> Result<Outcome, Failure> {
    let groups = match &args.from {
        Some(path) => from_file(path)?,
        None => {
            let subject = check_subject(args.subject.as_deref().unwrap_or_default())
                .map_err(|e| Failure::input(format!("--subject: {e}")))?;
            let description = args
                .description
                .as_deref()
                .map(check_description)
                .transpose()
                .map_err(|e| Failure::input(format!("--description: {e}")))?;
            vec![NewGroup {
                subject,
                description,
                join_approval_mode: if args.approval {
                    JoinApprovalMode::ApprovalRequired
                } else {
                    JoinApprovalMode::AutoApprove
                },
            }]
        }
    };
    warn_of_shared_subjects(settings, &groups).await;
    let specs = groups
        .into_iter()
        .map(|new| OpSpec::Create { group: None, new })
        .collect();
    let mode = Mode::from(&args.send);
    let (outcome, ended) = apply(settings, specs, mode).await?;
    if mode == Mode::Now {
        print_made(settings, &ended).await?;
    }
    Ok(outcome)
}

/// A note on stderr for each new group whose subject a group of the mirror already has: both
/// will be named by subject and the end of their id, and the subject alone names neither.
async fn warn_of_shared_subjects(settings: &Settings, groups: &[NewGroup]) {
    let Ok(names) = crate::commands::group_arg::local_names(settings).await else {
        return;
    };
    for new in groups {
        if let Some(note) = shared_subject_note(&names, &new.subject, None) {
            say_err!("{note}");
        }
    }
}

/// The note on `subject` when groups of the mirror other than `except` already have it, as
/// the app's dialog says it ([`crate::present::subject_shared`]).
pub(super) fn shared_subject_note(
    names: &crate::domain::GroupNames,
    subject: &str,
    except: Option<&str>,
) -> Option<String> {
    let sharing: Vec<(String, String)> = names
        .sharing(subject)
        .into_iter()
        .filter(|id| Some(*id) != except)
        .map(|id| (names.label(id), id.to_owned()))
        .collect();
    (!sharing.is_empty()).then(|| {
        format!(
            "note: {}",
            crate::present::subject_shared(subject, &sharing)
        )
    })
}

/// The groups of a CSV file, or every bad line on stderr and an input error.
fn from_file(path: &std::path::Path) -> Result<Vec<NewGroup>, Failure> {
    let name = path.display().to_string();
    let file = File::open(path).map_err(|e| Failure::input(format!("{name}: cannot open: {e}")))?;
    match read_new_groups(file) {
        Ok(file) => {
            if let Some(encoding) = file.encoding {
                say_err!("{name}: read as {encoding} (the file is not UTF-8)");
            }
            Ok(file.groups.into_iter().map(|(_, g)| g).collect())
        }
        Err(e) => Err(import_failure(
            &name,
            e,
            "no group was created or queued (the whole file is checked first)",
        )),
    }
}

/// Each group made, with its invite link, as a submit prints the groups it made: a table on
/// a terminal, `ID  LINK  SUBJECT` a line into a pipe.
async fn print_made(settings: &Settings, ended: &[crate::store::Operation]) -> Result<(), Failure> {
    let session = Session::local(settings).await?;
    let made: Vec<String> = ended
        .iter()
        .filter(|op| op.state == OperationState::Confirmed)
        .filter_map(|op| op.group().map(str::to_owned))
        .collect();
    crate::commands::submit::print_created(session.store(), &made).await;
    Ok(())
}
