//! The schema as an ordered list of migrations, applied at open and counted in `PRAGMA user_version`.

use rusqlite::{Connection, TransactionBehavior};

use crate::store::StoreError;

/// The key of a phone number (`domain::number_forms::phone_key`) written in SQL over a column
/// of wa_ids (digits, no `+`): Brazil's ninth digit put back, Mexico's old `1` taken out,
/// Argentina's mobile `9` put in. A test holds it to the Rust function.
macro_rules! phone_key_sql {
    ($w:literal) => {
        concat!(
            "CASE WHEN length(",
            $w,
            ") = 12 AND ",
            $w,
            " GLOB '55[1-9][1-9][6-9]*' AND ",
            $w,
            " NOT GLOB '*[^0-9]*' THEN '55' || substr(",
            $w,
            ", 3, 2) || '9' || substr(",
            $w,
            ", 5) WHEN length(",
            $w,
            ") = 12 AND ",
            $w,
            " GLOB '54[1-3]*' AND ",
            $w,
            " NOT GLOB '*[^0-9]*' THEN '549' || substr(",
            $w,
            ", 3) WHEN length(",
            $w,
            ") = 13 AND ",
            $w,
            " GLOB '521[2-9]*' AND ",
            $w,
            " NOT GLOB '*[^0-9]*' THEN '52' || substr(",
            $w,
            ", 4) ELSE ",
            $w,
            " END"
        )
    };
}

/// Migration `i` (0-based) takes the schema from version `i` to version `i + 1`. To change the
/// schema, append a step; never edit one that has shipped.
const MIGRATIONS: &[&str] = &[
    // 1: accounts, the groups mirror, the operations queue, the audit trail.
    r#"
    CREATE TABLE accounts (
        id              INTEGER PRIMARY KEY,
        base_url        TEXT NOT NULL,
        phone_number_id TEXT NOT NULL,
        created_at      INTEGER NOT NULL,
        UNIQUE (base_url, phone_number_id)
    );

    CREATE TABLE groups (
        account_id   INTEGER NOT NULL REFERENCES accounts(id),
        group_id     TEXT NOT NULL,
        subject      TEXT NOT NULL,
        member_count INTEGER NOT NULL,
        read_at      INTEGER NOT NULL,
        gone_at      INTEGER,
        PRIMARY KEY (account_id, group_id)
    ) WITHOUT ROWID;

    CREATE TABLE group_members (
        account_id INTEGER NOT NULL,
        group_id   TEXT NOT NULL,
        wa_id      TEXT NOT NULL,
        PRIMARY KEY (account_id, group_id, wa_id),
        FOREIGN KEY (account_id, group_id) REFERENCES groups(account_id, group_id)
            ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE INDEX group_members_by_wa_id ON group_members (account_id, wa_id);

    CREATE TABLE operations (
        id            INTEGER PRIMARY KEY,
        account_id    INTEGER NOT NULL REFERENCES accounts(id),
        group_id      TEXT NOT NULL,
        participant   TEXT NOT NULL,
        wa_id         TEXT NOT NULL,
        kind          TEXT NOT NULL CHECK (kind IN ('add', 'remove')),
        state         TEXT NOT NULL CHECK (state IN
                        ('pending', 'sending', 'accepted', 'confirmed', 'failed', 'skipped')),
        attempts      INTEGER NOT NULL DEFAULT 0,
        attempt_id    TEXT,
        error_code    INTEGER,
        error_message TEXT,
        request_id    TEXT,
        flag          TEXT,
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL
    );
    -- At most one open (pending) change per person and group: the queue rules rely on it.
    CREATE UNIQUE INDEX operations_one_open
        ON operations (account_id, group_id, wa_id) WHERE state = 'pending';
    CREATE INDEX operations_by_group ON operations (account_id, group_id, state);
    CREATE INDEX operations_by_state ON operations (account_id, state);

    CREATE TABLE exchanges (
        id           INTEGER PRIMARY KEY,
        account_id   INTEGER NOT NULL REFERENCES accounts(id),
        at           INTEGER NOT NULL,
        method       TEXT NOT NULL,
        path         TEXT NOT NULL,
        group_id     TEXT,
        participants TEXT NOT NULL,
        status       INTEGER,
        graph_code   INTEGER,
        request_id   TEXT,
        duration_ms  INTEGER NOT NULL,
        error        TEXT
    );
    CREATE INDEX exchanges_by_account ON exchanges (account_id, id);

    CREATE TABLE outcomes (
        id           INTEGER PRIMARY KEY,
        account_id   INTEGER NOT NULL REFERENCES accounts(id),
        at           INTEGER NOT NULL,
        group_id     TEXT NOT NULL,
        participant  TEXT NOT NULL,
        action       TEXT NOT NULL,
        result       TEXT NOT NULL,
        code         INTEGER,
        message      TEXT,
        request_id   TEXT,
        operation_id INTEGER
    );
    CREATE INDEX outcomes_by_account ON outcomes (account_id, id);
    "#,
    // 2: operations of every kind. The row keeps the columns every kind shares; `slot` is what
    // an open change holds a place for (the queue rules allow one pending change per slot),
    // `payload` what a kind carries beyond a group and a person (JSON), `group_id`,
    // `participant` and `wa_id` may be empty for kinds without them. Every existing row is
    // kept with its id; a participant change's slot is `participant:<group>:<wa_id>`.
    r#"
    CREATE TABLE operations_v2 (
        id            INTEGER PRIMARY KEY,
        account_id    INTEGER NOT NULL REFERENCES accounts(id),
        kind          TEXT NOT NULL,
        group_id      TEXT,
        participant   TEXT,
        wa_id         TEXT,
        slot          TEXT NOT NULL,
        payload       TEXT,
        state         TEXT NOT NULL CHECK (state IN
                        ('pending', 'sending', 'accepted', 'confirmed', 'failed', 'skipped')),
        attempts      INTEGER NOT NULL DEFAULT 0,
        attempt_id    TEXT,
        error_code    INTEGER,
        error_message TEXT,
        request_id    TEXT,
        flag          TEXT,
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL
    );
    INSERT INTO operations_v2 (id, account_id, kind, group_id, participant, wa_id, slot, payload,
            state, attempts, attempt_id, error_code, error_message, request_id, flag,
            created_at, updated_at)
        SELECT id, account_id, kind, group_id, participant, wa_id,
            'participant:' || group_id || ':' || wa_id, NULL,
            state, attempts, attempt_id, error_code, error_message, request_id, flag,
            created_at, updated_at
        FROM operations;
    DROP TABLE operations;
    ALTER TABLE operations_v2 RENAME TO operations;
    CREATE UNIQUE INDEX operations_one_open ON operations (account_id, slot) WHERE state = 'pending';
    CREATE INDEX operations_by_group ON operations (account_id, group_id, state);
    CREATE INDEX operations_by_state ON operations (account_id, state);
    "#,
    // 3: people, not only phone numbers. A member keeps every key the server gave: `wa_id`
    // (now optional), its `phone_key` (the key of WhatsApp's forms of the number), `user_id`
    // (BSUID), `parent_user_id`, `username`; every existing member row is kept, in its
    // group. Operations may name a person by BSUID (`user_id`) and keep what else is known of
    // them; a participant change's slot becomes `participant:<group>:<phone_key or BSUID>`,
    // so one number in two forms holds one slot (of two pending changes that now share a
    // slot, the later stays pending and the earlier is skipped, superseded). Outcomes keep
    // the username.
    concat!(
        r#"
    CREATE TABLE group_members_v3 (
        id             INTEGER PRIMARY KEY,
        account_id     INTEGER NOT NULL,
        group_id       TEXT NOT NULL,
        wa_id          TEXT,
        phone_key      TEXT,
        user_id        TEXT,
        parent_user_id TEXT,
        username       TEXT,
        CHECK (wa_id IS NOT NULL OR user_id IS NOT NULL),
        FOREIGN KEY (account_id, group_id) REFERENCES groups(account_id, group_id)
            ON DELETE CASCADE
    );
    INSERT INTO group_members_v3 (account_id, group_id, wa_id, phone_key)
        SELECT account_id, group_id, wa_id, "#,
        phone_key_sql!("wa_id"),
        r#"
        FROM group_members ORDER BY account_id, group_id, wa_id;
    DROP TABLE group_members;
    ALTER TABLE group_members_v3 RENAME TO group_members;
    CREATE INDEX group_members_of_group ON group_members (account_id, group_id);
    CREATE INDEX group_members_by_phone ON group_members (account_id, phone_key);
    CREATE INDEX group_members_by_user ON group_members (account_id, user_id);
    CREATE INDEX group_members_by_username ON group_members (account_id, username COLLATE NOCASE);

    ALTER TABLE operations ADD COLUMN user_id TEXT;
    ALTER TABLE operations ADD COLUMN parent_user_id TEXT;
    ALTER TABLE operations ADD COLUMN username TEXT;
    DROP INDEX operations_one_open;
    UPDATE operations SET slot = 'participant:' || group_id || ':' || "#,
        phone_key_sql!("wa_id"),
        r#"
        WHERE kind IN ('add', 'remove') AND group_id IS NOT NULL AND wa_id IS NOT NULL;
    UPDATE operations
        SET state = 'skipped',
            error_message = 'superseded by a later change of the same person (the same number in another form)'
        WHERE state = 'pending' AND EXISTS (
            SELECT 1 FROM operations later
            WHERE later.account_id = operations.account_id AND later.slot = operations.slot
              AND later.state = 'pending' AND later.id > operations.id);
    CREATE UNIQUE INDEX operations_one_open ON operations (account_id, slot) WHERE state = 'pending';

    ALTER TABLE outcomes ADD COLUMN username TEXT;
    "#
    ),
    // 4: the group lifecycle. The mirror keeps each group's description, join approval mode,
    // suspension and creation time (ms), its invite link with when it was read, and its pending
    // join requests with when they were read (each asker with every key the server gave, as a
    // member is kept). Operations are found by the `request_id` their answer carried (webhooks
    // name it), and creates by kind (the groups they made).
    r#"
    ALTER TABLE groups ADD COLUMN description TEXT;
    ALTER TABLE groups ADD COLUMN join_approval_mode TEXT;
    ALTER TABLE groups ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE groups ADD COLUMN created_at INTEGER;
    ALTER TABLE groups ADD COLUMN invite_link TEXT;
    ALTER TABLE groups ADD COLUMN invite_link_read_at INTEGER;
    ALTER TABLE groups ADD COLUMN join_requests_read_at INTEGER;

    CREATE TABLE join_requests (
        account_id      INTEGER NOT NULL REFERENCES accounts(id),
        group_id        TEXT NOT NULL,
        join_request_id TEXT NOT NULL,
        wa_id           TEXT,
        user_id         TEXT,
        parent_user_id  TEXT,
        username        TEXT,
        created_at      INTEGER,
        read_at         INTEGER NOT NULL,
        PRIMARY KEY (account_id, group_id, join_request_id)
    ) WITHOUT ROWID;

    CREATE INDEX operations_by_request_id ON operations (account_id, request_id)
        WHERE request_id IS NOT NULL;
    CREATE INDEX operations_by_kind ON operations (account_id, kind, group_id);
    "#,
    // 5: the webhook inbox. Every group event received, once per account and key (a hash of
    // the number, the field and the item), committed before the delivery is acknowledged;
    // `deliveries` counts how often it came. `processed_seq` orders the events as processing
    // took them (NULL until then) and `effects` says what each settled (JSON). `who` is the
    // person a join request names (the key of their phone, else their BSUID). `member_moves`
    // keeps, per group and member key (phone key and BSUID, each), the time of the latest
    // membership change applied to the mirror, so an older event arriving late never undoes
    // a newer one. Operations are found by the request id a webhook names (step 4's index).
    r#"
    CREATE TABLE webhook_events (
        id            INTEGER PRIMARY KEY,
        account_id    INTEGER NOT NULL REFERENCES accounts(id),
        event_key     TEXT NOT NULL,
        received_at   INTEGER NOT NULL,
        deliveries    INTEGER NOT NULL DEFAULT 1,
        at            INTEGER,
        field         TEXT NOT NULL,
        type          TEXT NOT NULL,
        group_id      TEXT,
        request_id    TEXT,
        who           TEXT,
        event         TEXT NOT NULL,
        processed_seq INTEGER,
        processed_at  INTEGER,
        effects       TEXT,
        UNIQUE (account_id, event_key)
    );
    CREATE INDEX webhook_events_unprocessed ON webhook_events (account_id, id)
        WHERE processed_seq IS NULL;
    CREATE UNIQUE INDEX webhook_events_by_seq ON webhook_events (account_id, processed_seq)
        WHERE processed_seq IS NOT NULL;
    CREATE INDEX webhook_events_by_request ON webhook_events (account_id, request_id)
        WHERE request_id IS NOT NULL;
    CREATE INDEX webhook_events_by_group ON webhook_events (account_id, group_id, at);

    CREATE TABLE member_moves (
        account_id INTEGER NOT NULL,
        group_id   TEXT NOT NULL,
        member     TEXT NOT NULL,
        at         INTEGER NOT NULL,
        PRIMARY KEY (account_id, group_id, member)
    ) WITHOUT ROWID;
    "#,
    // 6: an operation's id is never given twice. Without AUTOINCREMENT, SQLite gives the next
    // row the highest id in the table plus one, so a change dropped from the end of the queue
    // had its number taken by the next one queued (and a note or a script holding `#58` then
    // named another change). The table is rebuilt with AUTOINCREMENT, every row kept with its
    // id; the copy sets the sequence to the highest id kept.
    r#"
    CREATE TABLE operations_v6 (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id     INTEGER NOT NULL REFERENCES accounts(id),
        kind           TEXT NOT NULL,
        group_id       TEXT,
        participant    TEXT,
        wa_id          TEXT,
        slot           TEXT NOT NULL,
        payload        TEXT,
        state          TEXT NOT NULL CHECK (state IN
                         ('pending', 'sending', 'accepted', 'confirmed', 'failed', 'skipped')),
        attempts       INTEGER NOT NULL DEFAULT 0,
        attempt_id     TEXT,
        error_code     INTEGER,
        error_message  TEXT,
        request_id     TEXT,
        flag           TEXT,
        created_at     INTEGER NOT NULL,
        updated_at     INTEGER NOT NULL,
        user_id        TEXT,
        parent_user_id TEXT,
        username       TEXT
    );
    INSERT INTO operations_v6 (id, account_id, kind, group_id, participant, wa_id, slot, payload,
            state, attempts, attempt_id, error_code, error_message, request_id, flag,
            created_at, updated_at, user_id, parent_user_id, username)
        SELECT id, account_id, kind, group_id, participant, wa_id, slot, payload,
            state, attempts, attempt_id, error_code, error_message, request_id, flag,
            created_at, updated_at, user_id, parent_user_id, username
        FROM operations;
    DROP TABLE operations;
    ALTER TABLE operations_v6 RENAME TO operations;
    CREATE UNIQUE INDEX operations_one_open ON operations (account_id, slot) WHERE state = 'pending';
    CREATE INDEX operations_by_group ON operations (account_id, group_id, state);
    CREATE INDEX operations_by_state ON operations (account_id, state);
    CREATE INDEX operations_by_request_id ON operations (account_id, request_id)
        WHERE request_id IS NOT NULL;
    CREATE INDEX operations_by_kind ON operations (account_id, kind, group_id);
    "#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Refuses a database that is not a wa-groups store: one that is not SQLite at all, or that
/// holds tables without ours (another application's). A new, empty file passes.
pub(crate) fn check_ours(conn: &Connection) -> Result<(), StoreError> {
    let counts = conn.query_row(
        "SELECT count(*), count(*) FILTER (WHERE type = 'table' AND name IN ('accounts', 'operations'))
         FROM sqlite_master",
        [],
        |row| Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?)),
    );
    let (objects, ours) = match counts {
        Ok(counts) => counts,
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::NotADatabase =>
        {
            return Err(StoreError::NotADatabase);
        }
        Err(e) => return Err(e.into()),
    };
    let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if (objects > 0 || version > 0) && ours < 2 {
        return Err(StoreError::Foreign);
    }
    Ok(())
}

/// Brings the database to [`SCHEMA_VERSION`], one committed transaction per step; refuses a
/// database from a newer build rather than guess at its meaning.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    migrate_with(conn, MIGRATIONS)
}

/// Brings a database to schema `version` exactly (for tests of the later steps).
#[cfg(test)]
pub(crate) fn migrate_to(conn: &mut Connection, version: usize) -> Result<(), StoreError> {
    migrate_with(conn, &MIGRATIONS[..version])
}

fn migrate_with(conn: &mut Connection, steps: &[&str]) -> Result<(), StoreError> {
    let known = steps.len() as i64;
    loop {
        // The version is read inside the write transaction, so two processes opening the same
        // new file at once apply each step once.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        if found > known {
            return Err(StoreError::TooNew { found, known });
        }
        if found < 0 {
            return Err(StoreError::Corrupt(format!("schema version {found}")));
        }
        let Some(sql) = usize::try_from(found).ok().and_then(|i| steps.get(i)) else {
            return Ok(());
        };
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", found + 1)?;
        tx.commit()?;
        tracing::info!(version = found + 1, "store schema migrated");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn version(conn: &Connection) -> i64 {
        conn.query_row("PRAGMA user_version", [], |row| row.get(0))
            .expect("user_version")
    }

    #[test]
    fn appending_a_step_migrates_an_existing_database() {
        let mut conn = Connection::open_in_memory().expect("memory db");
        migrate_with(&mut conn, &["CREATE TABLE a (x)"]).expect("v1");
        conn.execute("INSERT INTO a VALUES (1)", []).expect("row");
        let steps = ["CREATE TABLE a (x)", "ALTER TABLE a ADD COLUMN y"];
        migrate_with(&mut conn, &steps).expect("v2");
        assert_eq!(version(&conn), 2);
        let kept: i64 = conn
            .query_row("SELECT x FROM a WHERE y IS NULL", [], |r| r.get(0))
            .expect("row kept");
        assert_eq!(kept, 1);
        migrate_with(&mut conn, &steps).expect("idempotent");
        assert_eq!(version(&conn), 2);
    }

    #[test]
    fn a_failing_step_leaves_the_previous_version() {
        let mut conn = Connection::open_in_memory().expect("memory db");
        let steps = ["CREATE TABLE a (x)", "CREATE TABLE a (x)"];
        assert!(migrate_with(&mut conn, &steps).is_err());
        assert_eq!(version(&conn), 1);
    }

    proptest! {
        /// The migration's SQL key is `domain::number_forms::phone_key`, for every text.
        #[test]
        fn the_sql_phone_key_is_the_domains(
            wa_id in prop_oneof![
                "(55|52|54|521|549)[0-9]{8,11}",
                "[0-9]{5,17}",
                "55[0-9a-z]{10}",
                "\\PC{0,14}",
            ]
        ) {
            let conn = Connection::open_in_memory().expect("memory db");
            let sql: String = conn
                .query_row(
                    concat!("SELECT ", phone_key_sql!("w"), " FROM (SELECT ?1 AS w)"),
                    [&wa_id],
                    |r| r.get(0),
                )
                .expect("query");
            let digits = wa_id.trim().trim_start_matches('+');
            // The store keeps wa_ids as digits: the key agrees wherever the text is one.
            if digits == wa_id {
                prop_assert_eq!(sql, crate::domain::number_forms::phone_key(&wa_id).into_owned());
            }
        }
    }
}
