//! The team backend: one PostgreSQL database shared by every server process that names it.
//! Each store call is one transaction on a pooled connection; PostgreSQL's own locks (a unique
//! key for accounts, a row lock for a coach session) keep concurrent replicas from losing or
//! duplicating anything. Migrations are the numbered SQL files of `migrations/postgres/`,
//! applied in order under an advisory lock, so replicas starting together apply each once.
//!
//! A connection that broke (the server restarted, the network dropped) is discarded and the
//! next call opens a new one, so a database that goes away and comes back needs no restart of
//! ours.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use postgres::{Client, NoTls, Row};
use serde_json::Value;

use super::{
    Account, AccountFacts, CoachStore, Kind, Lookup, NewRecord, Store, StoreError, Stored,
    account_key, shown,
};

/// The migrations, in order; `ladder_migration` lists those applied.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/postgres/0001_accounts_and_records.sql"),
    include_str!("../../migrations/postgres/0002_coach_sessions.sql"),
];

/// The advisory lock taken while migrating: any number, the same in every process.
const MIGRATION_LOCK: i64 = 0x6c61_6464_6572;

/// The advisory lock taken while creating a coach session.
const COACH_CREATE_LOCK: i64 = 0x6c61_6464_6563;

/// How much longer than the sessions' time-to-live a used state's digest is kept: states expire
/// by the clock of the replica that opens them, digests by the database's, and the two differ.
const SPENT_MARGIN: Duration = Duration::from_secs(600);

/// Connections kept open between calls; more are opened while calls overlap.
const POOL: usize = 8;

/// How long to wait for the server to accept a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// An account store in a PostgreSQL database.
pub struct Postgres {
    config: postgres::Config,
    location: String,
    idle: Mutex<Vec<Client>>,
}

impl Postgres {
    /// Connects to the database at `url` and applies the migrations it does not have yet.
    ///
    /// # Errors
    ///
    /// The URL is malformed, the server cannot be reached or refuses us, or the database is
    /// from a newer version.
    pub fn open(url: &str) -> Result<Postgres, StoreError> {
        let location = shown(url);
        let fail = |why: String| StoreError::Open { location: location.clone(), why };
        let mut config: postgres::Config =
            url.parse().map_err(|e: postgres::Error| fail(format!("the URL is malformed: {e}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        // A connection whose peer vanished (a half-open TCP connection) is found out and
        // dropped instead of holding a store thread for ever.
        config.keepalives(true).keepalives_idle(Duration::from_secs(30));
        config.tcp_user_timeout(Duration::from_secs(60));
        config.application_name("relationship-ladder");
        let store = Postgres { config, location: location.clone(), idle: Mutex::new(Vec::new()) };
        let mut client = store.connect().map_err(|e| fail(why(&e)))?;
        migrate(&mut client).map_err(fail)?;
        store.put_back(client);
        Ok(store)
    }

    fn connect(&self) -> Result<Client, postgres::Error> {
        self.config.connect(NoTls)
    }

    fn pool(&self) -> MutexGuard<'_, Vec<Client>> {
        // The pool is a list of idle connections: a panic elsewhere cannot leave it half-changed.
        self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn put_back(&self, client: Client) {
        let mut idle = self.pool();
        if !client.is_closed() && idle.len() < POOL {
            idle.push(client);
        }
    }

    /// Runs `work` in one transaction on a pooled connection. A pooled connection whose
    /// `BEGIN` fails because it is closed (the server restarted while it sat in the pool) is
    /// replaced and the transaction begun again: nothing of it ran, so `work` runs once and
    /// nothing can be applied twice. A connection that broke is never put back. A commit whose
    /// answer never came is reported as [`StoreError::Uncertain`]: it may have been applied.
    fn run<T>(
        &self,
        work: impl FnOnce(&mut postgres::Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let pooled = self.pool().pop();
        let was_pooled = pooled.is_some();
        let mut client = match pooled {
            Some(client) => client,
            None => self.connect().map_err(|e| self.failed(&e))?,
        };
        let mut work = Some(work);
        let mut attempt = |client: &mut Client| {
            client.transaction().map(|tx| match work.take() {
                Some(work) => self.finish(tx, work),
                None => Err(Ok(self.failed_with("the transaction was begun twice"))),
            })
        };
        let stale = match attempt(&mut client) {
            Ok(out) => {
                let out = self.settle(&client, out);
                self.put_back(client);
                return out;
            }
            Err(e) => e,
        };
        if !(was_pooled && client.is_closed()) {
            return Err(self.failed(&stale));
        }
        let mut fresh = self.connect().map_err(|e| self.failed(&e))?;
        let out = attempt(&mut fresh).map_err(|e| self.failed(&e))?;
        let out = self.settle(&fresh, out);
        self.put_back(fresh);
        out
    }

    /// Runs `work` in `tx` and commits; `Err(Ok(e))` for a failure before the commit (rolled
    /// back), `Err(Err(e))` for the commit itself failing.
    fn finish<T>(
        &self,
        mut tx: postgres::Transaction<'_>,
        work: impl FnOnce(&mut postgres::Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, Result<StoreError, postgres::Error>> {
        let out = work(&mut tx).map_err(Ok)?;
        tx.commit().map_err(Err)?;
        Ok(out)
    }

    /// The error a failed commit is: uncertain when the connection broke before the answer.
    fn settle<T>(
        &self,
        client: &Client,
        out: Result<T, Result<StoreError, postgres::Error>>,
    ) -> Result<T, StoreError> {
        out.map_err(|e| match e {
            Ok(before_commit) => before_commit,
            Err(commit) if client.is_closed() => {
                StoreError::Uncertain { location: self.location.clone(), why: why(&commit) }
            }
            Err(commit) => self.failed(&commit),
        })
    }

    fn failed_with(&self, why: &str) -> StoreError {
        StoreError::Failed { location: self.location.clone(), why: why.to_owned() }
    }

    fn failed(&self, e: &postgres::Error) -> StoreError {
        StoreError::Failed { location: self.location.clone(), why: why(e) }
    }

    fn corrupt(&self, id: i64, what: &str) -> StoreError {
        StoreError::Failed {
            location: self.location.clone(),
            why: format!("record {id} has an unreadable {what}"),
        }
    }
}

/// What went wrong, in PostgreSQL's words when the server said something: the client's own
/// display of a server error is only "db error".
fn why(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        None => match std::error::Error::source(e) {
            Some(source) => format!("{e}: {source}"),
            None => e.to_string(),
        },
    }
}

/// Applies the migrations the database lacks, in one transaction under the advisory lock.
fn migrate(client: &mut Client) -> Result<(), String> {
    let mut tx = client.transaction().map_err(|e| why(&e))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).map_err(|e| why(&e))?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS ladder_migration (
             version     integer PRIMARY KEY,
             applied_at  timestamptz NOT NULL DEFAULT now()
         )",
    )
    .map_err(|e| why(&e))?;
    let current: i32 = tx
        .query_one("SELECT coalesce(max(version), 0) FROM ladder_migration", &[])
        .and_then(|r| r.try_get(0))
        .map_err(|e| why(&e))?;
    let known = i32::try_from(MIGRATIONS.len()).unwrap_or(i32::MAX);
    if current > known {
        return Err(format!(
            "the database is at schema version {current}, newer than this program's {known}: \
             upgrade relationship-ladder"
        ));
    }
    for (version, sql) in (1..).zip(MIGRATIONS) {
        if version <= current {
            continue;
        }
        tx.batch_execute(sql).map_err(|e| format!("migration {version}: {}", why(&e)))?;
        tx.execute("INSERT INTO ladder_migration (version) VALUES ($1)", &[&version])
            .map_err(|e| why(&e))?;
    }
    tx.commit().map_err(|e| why(&e))
}

/// A timestamp as the SQLite backend writes it: UTC, RFC 3339, whole seconds.
fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

const ACCOUNT_COLUMNS: &str = "id, name, domain, acv_usd, renewal, created_at, created_by";

fn account_from_row(row: &Row) -> Result<Account, postgres::Error> {
    Ok(Account {
        id: row.try_get(0)?,
        name: row.try_get(1)?,
        domain: row.try_get(2)?,
        acv_usd: row.try_get(3)?,
        renewal: row.try_get(4)?,
        created_at: stamp(row.try_get(5)?),
        created_by: row.try_get(6)?,
    })
}

impl Store for Postgres {
    fn save(&self, facts: &AccountFacts, record: &NewRecord) -> Result<(Account, i64), StoreError> {
        let key = account_key(&facts.name);
        self.run(|tx| {
            // One statement finds or creates the account: two replicas recording a new account
            // at once meet on the unique key, and both get the one row.
            let row = tx
                .query_one(
                    &format!(
                        "INSERT INTO account (name, key, domain, acv_usd, renewal, created_by)
                         VALUES ($1, $2, $3, $4, $5, $6)
                         ON CONFLICT (key) DO UPDATE SET
                             domain = coalesce(excluded.domain, account.domain),
                             acv_usd = coalesce(excluded.acv_usd, account.acv_usd),
                             renewal = coalesce(excluded.renewal, account.renewal)
                         RETURNING {ACCOUNT_COLUMNS}"
                    ),
                    &[
                        &facts.name.trim(),
                        &key,
                        &facts.domain,
                        &facts.acv_usd,
                        &facts.renewal,
                        &record.recorded_by,
                    ],
                )
                .map_err(|e| self.failed(&e))?;
            let account = account_from_row(&row).map_err(|e| self.failed(&e))?;
            let id: i64 = tx
                .query_one(
                    "INSERT INTO record (account_id, kind, date, body, recorded_by)
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    &[
                        &account.id,
                        &record.kind.id(),
                        &record.date,
                        &record.body,
                        &record.recorded_by,
                    ],
                )
                .and_then(|r| r.try_get(0))
                .map_err(|e| self.failed(&e))?;
            Ok((account, id))
        })
    }

    fn account(&self, name: &str) -> Result<Option<Account>, StoreError> {
        let key = account_key(name);
        self.run(|tx| {
            tx.query_opt(&format!("SELECT {ACCOUNT_COLUMNS} FROM account WHERE key = $1"), &[&key])
                .and_then(|row| row.as_ref().map(account_from_row).transpose())
                .map_err(|e| self.failed(&e))
        })
    }

    fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        self.run(|tx| {
            tx.query(&format!("SELECT {ACCOUNT_COLUMNS} FROM account ORDER BY key"), &[])
                .and_then(|rows| rows.iter().map(account_from_row).collect())
                .map_err(|e| self.failed(&e))
        })
    }

    fn records(&self, account: i64) -> Result<Vec<Stored>, StoreError> {
        let rows = self.run(|tx| {
            tx.query(
                "SELECT id, kind, date, body, recorded_at, recorded_by FROM record
                 WHERE account_id = $1 ORDER BY date, id",
                &[&account],
            )
            .map_err(|e| self.failed(&e))
        })?;
        let mut records = Vec::with_capacity(rows.len());
        for row in rows {
            let id: i64 = row.try_get(0).map_err(|e| self.failed(&e))?;
            let kind: String = row.try_get(1).map_err(|_| self.corrupt(id, "kind"))?;
            let date: NaiveDate = row.try_get(2).map_err(|_| self.corrupt(id, "date"))?;
            let body: Value = row.try_get(3).map_err(|_| self.corrupt(id, "body"))?;
            let recorded_at: DateTime<Utc> = row.try_get(4).map_err(|e| self.failed(&e))?;
            records.push(Stored {
                id,
                kind: Kind::from_id(&kind).ok_or_else(|| self.corrupt(id, "kind"))?,
                date,
                body,
                recorded_at: stamp(recorded_at),
                recorded_by: row.try_get(5).map_err(|e| self.failed(&e))?,
            });
        }
        Ok(records)
    }

    fn delete(&self, name: &str) -> Result<Option<usize>, StoreError> {
        let key = account_key(name);
        self.run(|tx| {
            let found = tx
                .query_opt("SELECT id FROM account WHERE key = $1 FOR UPDATE", &[&key])
                .map_err(|e| self.failed(&e))?;
            let Some(row) = found else { return Ok(None) };
            let id: i64 = row.try_get(0).map_err(|e| self.failed(&e))?;
            let records = tx
                .execute("DELETE FROM record WHERE account_id = $1", &[&id])
                .map_err(|e| self.failed(&e))?;
            tx.execute("DELETE FROM account WHERE id = $1", &[&id]).map_err(|e| self.failed(&e))?;
            Ok(Some(usize::try_from(records).unwrap_or(usize::MAX)))
        })
    }

    fn coach(&self) -> Option<&dyn CoachStore> {
        Some(self)
    }
}

/// A time-to-live in whole seconds and a fraction, as PostgreSQL's interval input takes it.
fn seconds(ttl: Duration) -> f64 {
    ttl.as_secs_f64()
}

impl CoachStore for Postgres {
    fn coach_create(
        &self,
        handle: &str,
        caller: Option<&str>,
        state: &Value,
        ttl: Duration,
        max: usize,
    ) -> Result<bool, StoreError> {
        let max = i64::try_from(max).unwrap_or(i64::MAX);
        self.run(|tx| {
            // Replicas creating sessions at once take turns here, so none counts a session
            // another is inserting and the cap holds across all of them.
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&COACH_CREATE_LOCK])
                .map_err(|e| self.failed(&e))?;
            tx.execute(
                "DELETE FROM coach_session WHERE touched <= now() - make_interval(secs => $1)",
                &[&seconds(ttl)],
            )
            .map_err(|e| self.failed(&e))?;
            let live: i64 = tx
                .query_one(
                    "SELECT count(*) FROM coach_session
                     WHERE touched > now() - make_interval(secs => $1)",
                    &[&seconds(ttl)],
                )
                .and_then(|r| r.try_get(0))
                .map_err(|e| self.failed(&e))?;
            if live >= max {
                return Ok(false);
            }
            tx.execute(
                "INSERT INTO coach_session (handle, caller, state) VALUES ($1, $2, $3)",
                &[&handle, &caller, state],
            )
            .map_err(|e| self.failed(&e))?;
            Ok(true)
        })
    }

    fn coach_update(
        &self,
        handle: &str,
        caller: Option<&str>,
        ttl: Duration,
        turn: &mut dyn FnMut(&Value) -> Option<Value>,
    ) -> Result<Lookup, StoreError> {
        self.run(|tx| {
            // FOR UPDATE holds the row until the transaction ends: a second answer to the same
            // step, on this replica or another, waits here and then sees the first one's state.
            let found = tx
                .query_opt(
                    "SELECT caller, state, touched <= now() - make_interval(secs => $2)
                     FROM coach_session WHERE handle = $1 FOR UPDATE",
                    &[&handle, &seconds(ttl)],
                )
                .map_err(|e| self.failed(&e))?;
            let Some(row) = found else { return Ok(Lookup::Unknown) };
            let owner: Option<String> = row.try_get(0).map_err(|e| self.failed(&e))?;
            if owner.as_deref() != caller {
                return Ok(Lookup::NotYours);
            }
            let expired: bool = row.try_get(2).map_err(|e| self.failed(&e))?;
            if expired {
                tx.execute("DELETE FROM coach_session WHERE handle = $1", &[&handle])
                    .map_err(|e| self.failed(&e))?;
                return Ok(Lookup::Expired);
            }
            let state: Value = row.try_get(1).map_err(|e| self.failed(&e))?;
            if let Some(next) = turn(&state) {
                tx.execute(
                    "UPDATE coach_session SET state = $2, touched = now() WHERE handle = $1",
                    &[&handle, &next],
                )
                .map_err(|e| self.failed(&e))?;
            }
            Ok(Lookup::Found)
        })
    }

    fn coach_key(&self, candidate: &[u8]) -> Result<Vec<u8>, StoreError> {
        self.run(|tx| {
            tx.execute(
                "INSERT INTO ladder_secret (name, value) VALUES ('coach_state_key', $1)
                 ON CONFLICT (name) DO NOTHING",
                &[&candidate],
            )
            .map_err(|e| self.failed(&e))?;
            tx.query_one("SELECT value FROM ladder_secret WHERE name = 'coach_state_key'", &[])
                .and_then(|r| r.try_get(0))
                .map_err(|e| self.failed(&e))
        })
    }

    fn coach_spend(&self, digest: &[u8], ttl: Duration) -> Result<bool, StoreError> {
        self.run(|tx| {
            // A digest older than the time-to-live belongs to a state that has expired anyway:
            // it is replaced, not kept for ever.
            let fresh = tx
                .execute(
                    "INSERT INTO coach_spent (digest) VALUES ($1)
                     ON CONFLICT (digest) DO UPDATE SET used = now()
                     WHERE coach_spent.used <= now() - make_interval(secs => $2)",
                    &[&digest, &seconds(ttl + SPENT_MARGIN)],
                )
                .map_err(|e| self.failed(&e))?;
            Ok(fresh == 1)
        })
    }

    fn coach_sweep(&self, ttl: Duration) -> Result<(usize, usize), StoreError> {
        self.run(|tx| {
            tx.execute(
                "DELETE FROM coach_spent WHERE used <= now() - make_interval(secs => $1)",
                &[&seconds(ttl + SPENT_MARGIN)],
            )
            .map_err(|e| self.failed(&e))?;
            let deleted = tx
                .execute(
                    "DELETE FROM coach_session WHERE touched <= now() - make_interval(secs => $1)",
                    &[&seconds(ttl)],
                )
                .map_err(|e| self.failed(&e))?;
            let left: i64 = tx
                .query_one("SELECT count(*) FROM coach_session", &[])
                .and_then(|r| r.try_get(0))
                .map_err(|e| self.failed(&e))?;
            Ok((
                usize::try_from(deleted).unwrap_or(usize::MAX),
                usize::try_from(left).unwrap_or(usize::MAX),
            ))
        })
    }
}
