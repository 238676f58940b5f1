//! What operators type, paste and export, through the commands against the sandbox: numbers
//! never read as someone else, pastes and Excel files read, targets that empty a group only
//! when asked, and a drop that keeps the history.

mod common;

use common::{Run, queue_states, run, sandbox};
use wa_groups::sandbox::Sandbox;

/// Writes `bytes` to `name` in `home`; returns its path.
fn file(home: &std::path::Path, name: &str, bytes: impl AsRef<[u8]>) -> String {
    let path = home.join(name);
    std::fs::write(&path, bytes).expect("write");
    path.to_str().expect("path").to_owned()
}

/// The E.164 numbers of the queue, in order.
async fn queued(sb: &Sandbox, home: &std::path::Path) -> Vec<String> {
    queue_states(sb, home)
        .await
        .iter()
        .filter_map(|op| op["participant"].as_str().map(str::to_owned))
        .collect()
}

async fn queue_add(sb: &Sandbox, home: &std::path::Path, region: Option<&str>, user: &str) -> Run {
    let group = sb.group_ids().remove(0);
    let mut args = Vec::new();
    if let Some(region) = region {
        args.extend(["--default-region", region]);
    }
    args.extend(["queue", "add", "--group", &group, user]);
    run(sb, home, &args).await
}

/// `queue add` of `text` succeeds and queues `want`.
async fn assert_taken(
    sb: &Sandbox,
    home: &std::path::Path,
    region: Option<&str>,
    text: &str,
    want: &str,
) {
    let out = queue_add(sb, home, region, text).await;
    assert_eq!(out.code, 0, "{text}: {}", out.stderr);
    assert!(queued(sb, home).await.contains(&want.to_owned()), "{text}");
}

/// `queue import FILE --group GROUP --action add`, numbers read in `region`.
async fn import_list(
    sb: &Sandbox,
    home: &std::path::Path,
    region: Option<&str>,
    path: &str,
    group: &str,
) -> Run {
    let mut args = Vec::new();
    if let Some(region) = region {
        args.extend(["--default-region", region]);
    }
    args.extend(["queue", "import", path, "--group", group, "--action", "add"]);
    run(sb, home, &args).await
}

/// The stderr line of a refused participant, without the program's prefix.
fn refusal(out: &Run) -> &str {
    out.stderr
        .trim_end()
        .strip_prefix("wa-groups: ")
        .unwrap_or(&out.stderr)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_spreadsheet_float_is_refused_never_read_as_another_digit() {
    let sb = sandbox(1).await;
    let home = tempfile::tempdir().expect("home");
    let out = queue_add(&sb, home.path(), Some("DE"), "491511234567.0").await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        refusal(&out),
        "bad participant \"491511234567.0\": a spreadsheet's decimal number (`.0` is not part of a phone number): format the column as text, or write the number without it"
    );
    for (region, text) in [
        (Some("DE"), "4.91511234567E+11"),
        (None, "5.5119876543E+12"),
        (Some("US"), "1.2025550143e10"),
    ] {
        let out = queue_add(&sb, home.path(), region, text).await;
        assert_eq!(out.code, 2, "{text}: {}", out.stderr);
        assert!(
            refusal(&out).starts_with(&format!(
                "bad participant \"{text}\": a number in scientific notation"
            )),
            "{}",
            out.stderr
        );
    }
    for (region, text) in [(Some("BR"), "5511987654321.0"), (None, "+447911123456.00")] {
        let out = queue_add(&sb, home.path(), region, text).await;
        assert_eq!(out.code, 2, "{text}: {}", out.stderr);
        assert!(
            out.stderr.contains("spreadsheet's decimal"),
            "{}",
            out.stderr
        );
    }

    // The same cells in a CSV export and a plain list.
    let group = sb.group_ids().remove(0);
    let csv = file(
        home.path(),
        "export.csv",
        format!(
            "group,participant,action\n{group},491511234567.0,add\n{group},4.91511234567E+11,add\n"
        ),
    );
    let out = run(
        &sb,
        home.path(),
        &["--default-region", "DE", "queue", "import", &csv],
    )
    .await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "{csv}:2: \"491511234567.0\": a spreadsheet's decimal number"
        )),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!(
            "{csv}:3: \"4.91511234567E+11\": a number in scientific notation"
        )),
        "{}",
        out.stderr
    );
    let list = file(home.path(), "list.txt", "491511234567.0\n");
    let out = import_list(&sb, home.path(), Some("DE"), &list, &group).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("{list}:1: \"491511234567.0\": a spreadsheet's")),
        "{}",
        out.stderr
    );
    assert!(queued(&sb, home.path()).await.is_empty());
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn digits_that_read_as_two_people_are_never_resolved_silently() {
    let sb = sandbox(1).await;
    let home = tempfile::tempdir().expect("home");
    let out = queue_add(&sb, home.path(), Some("DE"), "447911123456").await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        refusal(&out),
        "bad participant \"447911123456\": reads two ways: +447911123456 (with its country code, +44) or +49447911123456 (a national number in DE); write the one meant with + and its country code"
    );
    let out = queue_add(&sb, home.path(), None, "6465550143").await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        refusal(&out),
        "bad participant \"6465550143\": reads two ways: +6465550143 (with its country code, +64) or +16465550143 (a US or Canadian number without its +1); write the one meant with + and its country code"
    );
    // Bare digits with a region set read two ways just the same.
    let out = queue_add(&sb, home.path(), Some("US"), "6465550143").await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        refusal(&out).contains(
            "+6465550143 (with its country code, +64) or +16465550143 (a national number in US)"
        ),
        "{}",
        out.stderr
    );
    // Written with spaces, the first group a country code: the same two readings.
    let out = queue_add(&sb, home.path(), Some("DE"), "44 7911 123456").await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        refusal(&out).contains("reads two ways: +447911123456"),
        "{}",
        out.stderr
    );
    // A 10-digit number without a region that is no valid wa_id: refused, the US reading offered.
    let out = queue_add(&sb, home.path(), None, "2025550143").await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        refusal(&out).contains("if it is a US or Canadian number, write +12025550143"),
        "{}",
        out.stderr
    );
    assert!(queued(&sb, home.path()).await.is_empty());

    // Written the way meant, each is taken.
    for (region, text, want) in [
        (Some("DE"), "+447911123456", "+447911123456"),
        (Some("DE"), "+49 447911123456", "+49447911123456"),
        (None, "+1 646 555 0143", "+16465550143"),
        (Some("US"), "(646) 555-0143", "+16465550143"),
        (Some("US"), "646-555-0143", "+16465550143"),
    ] {
        assert_taken(&sb, home.path(), region, text, want).await;
    }
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn one_valid_reading_is_taken_with_a_note_on_every_path() {
    let sb = sandbox(1).await;
    let home = tempfile::tempdir().expect("home");
    let group = sb.group_ids().remove(0);
    let out = queue_add(&sb, home.path(), Some("US"), "447911123456").await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr.trim_end(),
        "note: \"447911123456\" read as +447911123456 (with its country code, +44): it is not a valid number in US"
    );
    let csv = file(
        home.path(),
        "wa_ids.csv",
        format!("group,participant,action\n{group},5511987654321,add\n"),
    );
    let out = run(
        &sb,
        home.path(),
        &["--default-region", "US", "queue", "import", &csv],
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr.trim_end(),
        format!(
            "{csv}:2: note: \"5511987654321\" read as +5511987654321 (with its country code, +55): it is not a valid number in US"
        )
    );
    assert_eq!(
        queued(&sb, home.path()).await,
        ["+447911123456", "+5511987654321"]
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pasted_direction_marks_and_other_scripts_read_as_the_number_shown() {
    let sb = sandbox(1).await;
    let home = tempfile::tempdir().expect("home");
    let group = sb.group_ids().remove(0);
    let out = queue_add(&sb, home.path(), None, "\u{202A}+1 (201) 555-0171\u{202C}").await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.trim_end(), "queued 1 change(s)");
    assert_eq!(queued(&sb, home.path()).await, ["+12015550171"]);

    // A list as copied from WhatsApp and web pages, in several scripts: one number a line.
    let list = file(
        home.path(),
        "pasted.txt",
        "\u{202A}+1 (201) 555-0172\u{202C}\n\
         \u{2066}+44\u{00A0}7400\u{202F}123456\u{2069}\n\
         +٩٧١ ٥٠ ١٢٣ ٤٥٦٧\n\
         ＋８１ ９０－１２３４－５６７８\n\
         \u{200F}+৮৮০ ১৭১১-১২৩৪৫৬\u{200F}\n\
         +55 11 98765\u{2013}4321\n",
    );
    let out = import_list(&sb, home.path(), None, &list, &group).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout.trim_end(),
        format!("{list}: 6 entries read, 6 queued")
    );
    assert_eq!(
        queued(&sb, home.path()).await,
        [
            "+12015550171",
            "+12015550172",
            "+447400123456",
            "+971501234567",
            "+819012345678",
            "+8801711123456",
            "+5511987654321"
        ]
    );
    // Persian and Devanagari digits of national numbers, with their regions.
    for (region, text, want) in [
        ("IR", "۰۹۱۲ ۳۴۵ ۶۷۸۹", "+989123456789"),
        ("IN", "९८७६५ ४३२१०", "+919876543210"),
    ] {
        assert_taken(&sb, home.path(), Some(region), text, want).await;
    }
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_pasted_line_is_one_bad_line_in_the_summary() {
    let sb = sandbox(1).await;
    let home = tempfile::tempdir().expect("home");
    let group = sb.group_ids().remove(0);
    let list = file(
        home.path(),
        "bad.txt",
        "+1 202 555 0143\n12, 34 x\n+1 202 555 0199\n",
    );
    let out = run(
        &sb,
        home.path(),
        &[
            "queue",
            "import",
            &list,
            "--group",
            &group,
            "--action",
            "add",
            "--skip-invalid",
        ],
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr.trim_end(),
        format!(
            "{list}:2: skipped: \"12\": too short to be a phone number; \"34 x\": letters are not allowed in a phone number"
        )
    );
    assert_eq!(
        out.stdout.trim_end(),
        format!("{list}: 3 entries read, 2 queued, 1 bad line(s) skipped")
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn national_numbers_with_spaces_stay_whole_in_lists_cells_and_arguments() {
    let sb = sandbox(1).await;
    let home = tempfile::tempdir().expect("home");
    let group = sb.group_ids().remove(0);
    let cases = [
        ("BR", "11 98765-4321", "+5511987654321"),
        ("DE", "0151 12345678", "+4915112345678"),
        ("GB", "07400 123456", "+447400123456"),
        ("FR", "06 12 34 56 78", "+33612345678"),
    ];
    for (region, text, want) in cases {
        for path in ["list", "csv", "argument"] {
            let dir = tempfile::tempdir().expect("home");
            let out = match path {
                "list" => {
                    let list = file(dir.path(), "list.txt", format!("{text}\n"));
                    import_list(&sb, dir.path(), Some(region), &list, &group).await
                }
                "csv" => {
                    let csv = file(
                        dir.path(),
                        "cells.csv",
                        format!("group,participant,action\n{group},{text},add\n"),
                    );
                    run(
                        &sb,
                        dir.path(),
                        &["--default-region", region, "queue", "import", &csv],
                    )
                    .await
                }
                _ => queue_add(&sb, dir.path(), Some(region), text).await,
            };
            assert_eq!(out.code, 0, "{text} ({region}) as {path}: {}", out.stderr);
            assert_eq!(
                queued(&sb, dir.path()).await,
                [want],
                "{text} ({region}) as {path}"
            );
        }
    }
    // Two whole numbers side by side are still two, in a list and in the app's rule alike.
    let list = file(
        home.path(),
        "two.txt",
        "0151 12345678 0151 87654321\n+4915112345679 +49 151 12345670\n",
    );
    let out = import_list(&sb, home.path(), Some("DE"), &list, &group).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        queued(&sb, home.path()).await,
        [
            "+4915112345678",
            "+4915187654321",
            "+4915112345679",
            "+4915112345670"
        ]
    );
    // Two numbers in one CSV cell are a bad line, not one made-up number.
    let csv = file(
        home.path(),
        "two.csv",
        format!("group,participant,action\n{group},\"+4915112345678 +4915187654321\",add\n"),
    );
    let out = run(&sb, home.path(), &["queue", "import", &csv]).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("{csv}:2: 2 numbers in one participant cell")),
        "{}",
        out.stderr
    );
    sb.shutdown().await;
}

/// A CSV as Excel on Windows saves it: Windows-1252, names with accents.
fn excel_csv(group: &str) -> Vec<u8> {
    let mut bytes = b"group,participant,action,name\r\n".to_vec();
    bytes.extend(format!("{group},+351912345678,add,").as_bytes());
    bytes.extend(b"Jo\xe3o Concei\xe7\xe3o\r\n");
    bytes.extend(format!("{group},+5511987654321,add,").as_bytes());
    bytes.extend(b"Ana L\xfacia Ara\xfajo\r\n");
    bytes
}

#[tokio::test(flavor = "multi_thread")]
async fn files_in_other_encodings_are_read_and_named_or_refused_with_how_to_save() {
    let sb = sandbox(1).await;
    let home = tempfile::tempdir().expect("home");
    let group = sb.group_ids().remove(0);
    let csv = file(home.path(), "excel.csv", excel_csv(&group));
    let out = run(&sb, home.path(), &["queue", "import", &csv]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        format!(
            "{csv}: read as windows-1252 (the file is not UTF-8)\n\
             {csv}: 2 entries read, 2 queued\n"
        )
    );
    assert_eq!(
        queued(&sb, home.path()).await,
        ["+351912345678", "+5511987654321"]
    );

    // Excel's "Unicode text": UTF-16 with a byte order mark; and Windows-1250 and -1251 names.
    let text = format!("group,participant,action,name\r\n{group},+447400123456,add,Zoë Brontë\r\n");
    for (encoding, bytes, want) in [
        (
            "UTF-16LE",
            [
                vec![0xFF, 0xFE],
                text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
            ]
            .concat(),
            "+447400123456",
        ),
        (
            "UTF-16BE",
            [
                vec![0xFE, 0xFF],
                text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
            ]
            .concat(),
            "+447400123456",
        ),
        (
            "windows-1250",
            [
                format!("group,participant,action,name\r\n{group},+48512345678,add,\"")
                    .into_bytes(),
                b"\xa3ukasz Wr\xf3bel, Krak\xf3w\"\r\n".to_vec(),
            ]
            .concat(),
            "+48512345678",
        ),
        (
            "windows-1251",
            [
                format!("group,participant,action,name\r\n{group},+79161234567,add,\"")
                    .into_bytes(),
                b"\xc8\xe2\xe0\xed \xcf\xe5\xf2\xf0\xee\xe2, \xcc\xee\xf1\xea\xe2\xe0\"\r\n"
                    .to_vec(),
            ]
            .concat(),
            "+79161234567",
        ),
    ] {
        let dir = tempfile::tempdir().expect("home");
        let path = file(dir.path(), "people.csv", bytes);
        let out = run(&sb, dir.path(), &["queue", "import", &path]).await;
        assert_eq!(out.code, 0, "{encoding}: {}", out.stderr);
        assert!(
            out.stdout.starts_with(&format!(
                "{path}: read as {encoding} (the file is not UTF-8)\n"
            )),
            "{encoding}: {}",
            out.stdout
        );
        assert_eq!(queued(&sb, dir.path()).await, [want], "{encoding}");
    }

    // Mac Roman (which the detector does not know) is refused, with how to save the file.
    let dir = tempfile::tempdir().expect("home");
    let mac = file(
        dir.path(),
        "mac.csv",
        [
            format!("group,participant,action,name\r\n{group},+351912345678,add,").into_bytes(),
            b"Jo\x8bo Concei\x8d\x8bo\n".to_vec(),
        ]
        .concat(),
    );
    let out = run(&sb, dir.path(), &["queue", "import", &mac]).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("CSV UTF-8"), "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(queued(&sb, dir.path()).await.is_empty());

    // UTF-16 without a byte order mark: refused, with how to save it.
    let no_bom: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let path = file(dir.path(), "nobom.csv", no_bom);
    let out = run(&sb, dir.path(), &["queue", "import", &path]).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("UTF-16") && out.stderr.contains("CSV UTF-8"),
        "{}",
        out.stderr
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_header_line_over_64_kib_is_said_to_be_that() {
    let sb = sandbox(1).await;
    let home = tempfile::tempdir().expect("home");
    let long = file(
        home.path(),
        "long.csv",
        [vec![b'x'; 70_000], b",group,participant,action\n".to_vec()].concat(),
    );
    let out = run(&sb, home.path(), &["queue", "import", &long]).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr.trim_end(),
        format!("wa-groups: {long}:1: the header is longer than 64 KiB: is this a text file?")
    );
    let target = file(
        home.path(),
        "long-target.csv",
        [b"# note\n".to_vec(), vec![b'x'; 70_000], b"\n".to_vec()].concat(),
    );
    let out = run(&sb, home.path(), &["queue", "sync-target", &target]).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr.trim_end(),
        format!("wa-groups: {target}:2: the header is longer than 64 KiB: is this a text file?")
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_target_empties_a_group_only_when_it_says_so_and_with_a_warning() {
    let sb = sandbox(0).await;
    let home = tempfile::tempdir().expect("home");
    let members = ["+12025550101", "+12025550102", "+12025550103"];
    let group = sb.insert_group("Riverside Runners", &members);
    let other = sb.insert_group("Cedar Park", &["+12025550104"]);
    let synced = run(&sb, home.path(), &["groups", "sync"]).await;
    assert_eq!(synced.code, 0, "{}", synced.stderr);

    // Names and no numbers: every such row is a bad line, and nothing is queued, not even
    // the good rows of another group.
    let target = file(
        home.path(),
        "target.csv",
        format!("group,participant,name\n{other},+12025550105,Eve\n{group},,Ann\n{group},,Bob\n"),
    );
    let out = run(&sb, home.path(), &["queue", "sync-target", &target]).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    let want = |line: u32| {
        format!(
            "{target}:{line}: no participant for group Riverside Runners: to want the group empty, write (empty) as its participant"
        )
    };
    assert_eq!(
        out.stderr,
        format!(
            "{}\n{}\nwa-groups: {target}: 2 bad line(s): nothing was queued (the whole file is checked first: fix them and run it again)\n",
            want(3),
            want(4)
        )
    );
    assert!(queued(&sb, home.path()).await.is_empty());

    // Said with the marker: queued, with a warning naming the group and how many go.
    let target = file(
        home.path(),
        "empty.csv",
        format!("group,participant\n{group},(empty)\n{other},+12025550104\n"),
    );
    let dry = run(
        &sb,
        home.path(),
        &["queue", "sync-target", "--dry-run", &target],
    )
    .await;
    let warning = format!(
        "{target}:2: warning: group {group} \"Riverside Runners\" is emptied: its 3 member(s) are removed"
    );
    // The mirror's age is said (seconds, as the sync just ran), and that a dry run queues
    // nothing.
    let said_age = |line: &str| {
        line.starts_with("compared with the mirror as read ")
            && line.ends_with(" s ago (`groups sync` reads it anew)")
    };
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    let lines: Vec<&str> = dry.stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{}", dry.stderr);
    assert_eq!(lines[0], warning);
    assert!(said_age(lines[1]), "{}", dry.stderr);
    assert_eq!(lines[2], "dry run: nothing was queued");
    assert!(queued(&sb, home.path()).await.is_empty());
    let out = run(&sb, home.path(), &["queue", "sync-target", &target]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stderr);
    assert_eq!(lines[0], warning);
    assert!(said_age(lines[1]), "{}", out.stderr);
    assert!(
        out.stdout.contains("0 to add, 3 to remove"),
        "{}",
        out.stdout
    );
    let states = queue_states(&sb, home.path()).await;
    let removed: Vec<(&str, &str)> = states
        .iter()
        .map(|op| {
            (
                op["participant"].as_str().unwrap_or_default(),
                op["action"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        removed,
        members.iter().map(|m| (*m, "remove")).collect::<Vec<_>>()
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn drop_all_takes_only_pending_operations_and_keeps_the_history() {
    let sb = sandbox(0).await;
    let home = tempfile::tempdir().expect("home");
    let group = sb.insert_group("Brookfield Parents", &["+12025550101"]);
    run(&sb, home.path(), &["groups", "sync"]).await;
    let added = run(
        &sb,
        home.path(),
        &[
            "queue",
            "add",
            "--group",
            &group,
            "+12025550102",
            "+12025550103",
        ],
    )
    .await;
    assert_eq!(added.code, 0, "{}", added.stderr);
    let removed = run(
        &sb,
        home.path(),
        &["queue", "remove", "--group", &group, "+12025550109"],
    )
    .await;
    assert_eq!(removed.code, 0, "{}", removed.stderr);
    let sent = run(
        &sb,
        home.path(),
        &["submit", "--yes", "--verify-delay-ms", "0"],
    )
    .await;
    assert_eq!(sent.code, 0, "{}", sent.stderr);
    let history: Vec<String> = queue_states(&sb, home.path())
        .await
        .iter()
        .map(|op| format!("{} {}", op["participant"], op["state"]))
        .collect();
    assert_eq!(
        history,
        [
            "\"+12025550102\" \"confirmed\"",
            "\"+12025550103\" \"confirmed\"",
            "\"+12025550109\" \"skipped\""
        ]
    );

    // Nothing pending: nothing dropped, the history stays.
    let out = run(&sb, home.path(), &["queue", "drop", "--all"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "dropped 0 pending operation(s)\nkept 3 finished (confirmed, failed or skipped): they are the history, never dropped\n"
    );
    assert_eq!(queue_states(&sb, home.path()).await.len(), 3);
    // Named by id, none of them pending: nothing dropped, said, and a failure for a script.
    let out = run(&sb, home.path(), &["queue", "drop", "1", "99"]).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        refusal(&out),
        "nothing dropped: #1 is confirmed, #99 does not exist (only pending operations are dropped; finished ones are the history)"
    );
    assert_eq!(queue_states(&sb, home.path()).await.len(), 3);

    // Two pending beside the history: --all asks for --yes, then drops exactly those two.
    run(
        &sb,
        home.path(),
        &[
            "queue",
            "add",
            "--group",
            &group,
            "+12025550104",
            "+12025550105",
        ],
    )
    .await;
    let refused = run(&sb, home.path(), &["queue", "drop", "--all"]).await;
    assert_eq!(refused.code, 2);
    assert_eq!(
        refusal(&refused),
        "this drops 2 pending operations; add --yes to do it"
    );
    let out = run(&sb, home.path(), &["queue", "drop", "--all", "--yes"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with("dropped 2 pending operation(s)\n"),
        "{}",
        out.stdout
    );
    let after: Vec<String> = queue_states(&sb, home.path())
        .await
        .iter()
        .map(|op| format!("{} {}", op["participant"], op["state"]))
        .collect();
    assert_eq!(after, history);

    let help = run(&sb, home.path(), &["queue", "drop", "--help"]).await;
    // Help is wrapped to the terminal: read it as words.
    let words = help.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains(
            "Every pending operation of the account (confirmed, failed and skipped ones stay"
        ),
        "{}",
        help.stdout
    );
    sb.shutdown().await;
}
