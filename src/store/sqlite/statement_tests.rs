//! The statement cache keeps statements prepared: a cached statement used again with other
//! values is not compiled again.

use rusqlite::{Connection, StatementStatus, params};

/// How often the cached statement `sql` was prepared again over three uses, each with other
/// values for `?1` (an account) and `?2` (a text).
fn reprepared(conn: &Connection, sql: &str) -> i32 {
    let mut again = 0;
    for i in 0..3 {
        let mut stmt = conn.prepare_cached(sql).expect("prepare");
        let rows = stmt
            .query_map(params![i, format!("value {i}")], |row| row.get::<_, i64>(0))
            .expect("query")
            .count();
        assert_eq!(rows, 0);
        again = stmt.get_status(StatementStatus::RePrepare);
    }
    again
}

#[test]
fn store_reads_are_not_prepared_again_for_each_value() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut conn = Connection::open(dir.path().join("s.db")).expect("open");
    super::settings(&conn).expect("settings");
    super::schema::migrate(&mut conn).expect("schema");
    // Each shape made SQLite 3.54 compile the statement anew at every use: an `=` filter
    // the chosen index does not serve (here beside an ORDER BY the rowid answers), and a
    // bound LIMIT. Both are the shapes of the webhook lookups made after every answer.
    for sql in [
        "SELECT id FROM webhook_events WHERE account_id = ?1 AND request_id = ?2 ORDER BY id",
        "SELECT id FROM webhook_events WHERE account_id = ?1 AND group_id = ?2
         ORDER BY coalesce(at, received_at), id LIMIT ?1",
        "SELECT id FROM operations WHERE account_id = ?1 AND participant = ?2 ORDER BY id",
    ] {
        assert_eq!(reprepared(&conn, sql), 0, "{sql}");
    }
}
