//! The embedded backend: one SQLite file, in WAL mode so readers never wait for the writer,
//! with `synchronous = FULL` so a write acknowledged is a write on disk, and a busy timeout so
//! several server processes can share the file. Migrations are the numbered SQL files of
//! `migrations/sqlite/`, applied in order under the write lock and counted in `user_version`.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{Account, AccountFacts, Kind, NewRecord, Store, StoreError, Stored, account_key, now};

/// The migrations, in order; the database's `user_version` is the number applied.
const MIGRATIONS: &[&str] =
    &[include_str!("../../migrations/sqlite/0001_accounts_and_records.sql")];

/// How long a call waits for another process's write to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Whether SQLite refused for another connection's lock.
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// An account store in one SQLite file.
pub struct Sqlite {
    connection: Mutex<Connection>,
    path: PathBuf,
}

impl Sqlite {
    /// Opens the file at `path`, creating it and its directory the first time, and applies the
    /// migrations it does not have yet.
    ///
    /// # Errors
    ///
    /// The file cannot be created or opened, is not a database, or is from a newer version.
    pub fn open(path: &Path) -> Result<Sqlite, StoreError> {
        let location = path.display().to_string();
        let fail = |why: String| StoreError::Open { location: location.clone(), why };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| fail(format!("{}: {e}", dir.display())))?;
        }
        let mut connection = Connection::open(path).map_err(|e| fail(e.to_string()))?;
        connection.busy_timeout(BUSY_TIMEOUT).map_err(|e| fail(e.to_string()))?;
        // Switching a new file to WAL takes the file's lock without waiting on the busy
        // handler: when several processes open the new file at once, the others try again.
        let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
        loop {
            let set = connection.execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
            );
            match set {
                Ok(()) => break,
                Err(e) if is_busy(&e) && std::time::Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(e) => return Err(fail(e.to_string())),
            }
        }
        migrate(&mut connection).map_err(fail)?;
        Ok(Sqlite { connection: Mutex::new(connection), path: path.to_owned() })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while the lock was held rolls its transaction back when the transaction is
        // dropped, so the connection is still consistent.
        self.connection.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn failed(&self, e: impl std::fmt::Display) -> StoreError {
        StoreError::Failed { location: self.path.display().to_string(), why: e.to_string() }
    }
}

/// Applies the migrations the database lacks, each in its own transaction under the write
/// lock, so two processes opening a new file at once apply each one once.
fn migrate(connection: &mut Connection) -> Result<(), String> {
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let version = i64::try_from(i + 1).unwrap_or(i64::MAX);
        let tx = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| e.to_string())?;
        let current: i64 =
            tx.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| e.to_string())?;
        if current >= version {
            continue;
        }
        tx.execute_batch(sql).map_err(|e| format!("migration {version}: {e}"))?;
        tx.execute_batch(&format!("PRAGMA user_version = {version}")).map_err(|e| e.to_string())?;
        tx.commit().map_err(|e| e.to_string())?;
    }
    let current: i64 =
        connection.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| e.to_string())?;
    let known = i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX);
    if current > known {
        return Err(format!(
            "the file is at schema version {current}, newer than this program's {known}: \
             upgrade relationship-ladder"
        ));
    }
    Ok(())
}

fn account_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    let renewal: Option<String> = row.get(4)?;
    Ok(Account {
        id: row.get(0)?,
        name: row.get(1)?,
        domain: row.get(2)?,
        acv_usd: row.get(3)?,
        renewal: renewal.and_then(|d| d.parse().ok()),
        created_at: row.get(5)?,
        created_by: row.get(6)?,
    })
}

const ACCOUNT_COLUMNS: &str = "id, name, domain, acv_usd, renewal, created_at, created_by";

impl Store for Sqlite {
    fn save(&self, facts: &AccountFacts, record: &NewRecord) -> Result<(Account, i64), StoreError> {
        let mut connection = self.lock();
        let tx = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.failed(e))?;
        let key = account_key(&facts.name);
        let renewal = facts.renewal.map(|d| d.to_string());
        tx.execute(
            "INSERT INTO account (name, key, domain, acv_usd, renewal, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (key) DO UPDATE SET
                 domain = coalesce(excluded.domain, domain),
                 acv_usd = coalesce(excluded.acv_usd, acv_usd),
                 renewal = coalesce(excluded.renewal, renewal)",
            params![
                facts.name.trim(),
                key,
                facts.domain,
                facts.acv_usd,
                renewal,
                now(),
                record.recorded_by
            ],
        )
        .map_err(|e| self.failed(e))?;
        let account = tx
            .query_row(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM account WHERE key = ?1"),
                [&key],
                account_from_row,
            )
            .map_err(|e| self.failed(e))?;
        let body = serde_json::to_string(&record.body).map_err(|e| self.failed(e))?;
        tx.execute(
            "INSERT INTO record (account_id, kind, date, body, recorded_at, recorded_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                account.id,
                record.kind.id(),
                record.date.to_string(),
                body,
                now(),
                record.recorded_by
            ],
        )
        .map_err(|e| self.failed(e))?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(|e| self.failed(e))?;
        Ok((account, id))
    }

    fn account(&self, name: &str) -> Result<Option<Account>, StoreError> {
        self.lock()
            .query_row(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM account WHERE key = ?1"),
                [account_key(name)],
                account_from_row,
            )
            .optional()
            .map_err(|e| self.failed(e))
    }

    fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let connection = self.lock();
        let mut statement = connection
            .prepare(&format!("SELECT {ACCOUNT_COLUMNS} FROM account ORDER BY key"))
            .map_err(|e| self.failed(e))?;
        let rows = statement.query_map([], account_from_row).map_err(|e| self.failed(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.failed(e))
    }

    fn records(&self, account: i64) -> Result<Vec<Stored>, StoreError> {
        let connection = self.lock();
        let mut statement = connection
            .prepare(
                "SELECT id, kind, date, body, recorded_at, recorded_by FROM record
                 WHERE account_id = ?1 ORDER BY date, id",
            )
            .map_err(|e| self.failed(e))?;
        let rows = statement
            .query_map([account], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, String>(4)?,
                    row.get::<_, Option<String>>(5)?,
                ))
            })
            .map_err(|e| self.failed(e))?;
        let mut records = Vec::new();
        for row in rows {
            let (id, kind, date, body, recorded_at, recorded_by) =
                row.map_err(|e| self.failed(e))?;
            let corrupt = |what: &str| self.failed(format!("record {id} has an unreadable {what}"));
            records.push(Stored {
                id,
                kind: Kind::from_id(&kind).ok_or_else(|| corrupt("kind"))?,
                date: date.parse::<NaiveDate>().map_err(|_| corrupt("date"))?,
                body: serde_json::from_str(&body).map_err(|_| corrupt("body"))?,
                recorded_at,
                recorded_by,
            });
        }
        Ok(records)
    }

    fn delete(&self, name: &str) -> Result<Option<usize>, StoreError> {
        let mut connection = self.lock();
        let tx = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.failed(e))?;
        let key = account_key(name);
        let id: Option<i64> = tx
            .query_row("SELECT id FROM account WHERE key = ?1", [&key], |r| r.get(0))
            .optional()
            .map_err(|e| self.failed(e))?;
        let Some(id) = id else { return Ok(None) };
        let records = tx
            .execute("DELETE FROM record WHERE account_id = ?1", [id])
            .map_err(|e| self.failed(e))?;
        tx.execute("DELETE FROM account WHERE id = ?1", [id]).map_err(|e| self.failed(e))?;
        tx.commit().map_err(|e| self.failed(e))?;
        Ok(Some(records))
    }
}
