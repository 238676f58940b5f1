//! `groups update GROUP`: a new subject, description or photo (each checked before anything is
//! queued), queued, shown or sent at once.

use crate::cli::GroupUpdateArgs;
use crate::commands::group_arg;
use crate::commands::lifecycle::{Mode, apply};
use crate::config::Settings;
use crate::domain::group::{check_description, check_subject};
use crate::domain::{OpSpec, Photo};
use crate::exit::{Failure, Outcome};

pub async fn run(settings: &Settings, args: GroupUpdateArgs) -> Result<Outcome, Failure> {
    let names = group_arg::local_names(settings).await?;
    let group = group_arg::resolve(&names, "group", &args.id)?;
    let mut specs = Vec::new();
    if let Some(subject) = &args.subject {
        let subject =
            check_subject(subject).map_err(|e| Failure::input(format!("--subject: {e}")))?;
        if let Some(note) = super::create::shared_subject_note(&names, &subject, Some(&group)) {
            say_err!("{note}");
        }
        specs.push(OpSpec::Subject {
            group: group.clone(),
            subject,
        });
    }
    if let Some(description) = &args.description {
        let description = check_description(description)
            .map_err(|e| Failure::input(format!("--description: {e}")))?;
        specs.push(OpSpec::Description {
            group: group.clone(),
            description,
        });
    }
    if let Some(path) = &args.photo {
        let name = path.display().to_string();
        let too_large = |e| Failure::input(format!("{name}: {e}"));
        let (file, _) = crate::bounded::open_regular(path).map_err(too_large)?;
        let bytes = crate::bounded::read_to_limit(file, crate::domain::group::MAX_PHOTO_BYTES)
            .map_err(|e| Failure::input(format!("{name}: {e} (a group photo is at most 5 MB)")))?;
        let photo = Photo::check(bytes).map_err(|e| Failure::input(format!("{name}: {e}")))?;
        specs.push(OpSpec::Photo { group, photo });
    }
    if specs.is_empty() {
        return Err(Failure::input(
            "nothing to change: give --subject, --description or --photo",
        ));
    }
    let (outcome, _) = apply(settings, specs, Mode::from(&args.send)).await?;
    Ok(outcome)
}
