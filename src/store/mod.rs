//! Account memory: accounts, and every dated diagnosis, trust audit, action and
//! information-sharing event recorded about them, so the method's quarterly rules (R21a's two
//! quarters, R29's quarterly audit, R31's breach, R32's twelve months) can be read from records
//! rather than from one conversation.
//!
//! One interface, [`Store`], two backends: SQLite ([`Sqlite`]), a file under the user's data
//! directory by default, for one user; PostgreSQL ([`Postgres`]), for a team whose HTTP replicas
//! share one database, and which also holds the coach sessions ([`CoachStore`]) so a session
//! started through one replica continues through another. What the records mean (quarters,
//! what changed) is computed in [`history`], the same whatever the backend. A diagnosis or a
//! trust audit is stored with the engine's own result, computed when it was recorded: a client
//! cannot store a rung the engine did not give.

pub mod alerts;
pub mod history;
mod postgres;
mod sqlite;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use postgres::Postgres;
pub use sqlite::Sqlite;

/// What a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A diagnosis: the evidence pool with its classification, the caps, the rung, the card.
    Diagnosis,
    /// A quarter's trust audit (R29).
    TrustAudit,
    /// A rung-up action and its outcome.
    Action,
    /// Something the customer shared, and whether it came before it was public (R32).
    Sharing,
}

impl Kind {
    /// The name stored in the database.
    pub fn id(self) -> &'static str {
        match self {
            Kind::Diagnosis => "diagnosis",
            Kind::TrustAudit => "trust_audit",
            Kind::Action => "action",
            Kind::Sharing => "sharing",
        }
    }

    fn from_id(id: &str) -> Option<Kind> {
        [Kind::Diagnosis, Kind::TrustAudit, Kind::Action, Kind::Sharing]
            .into_iter()
            .find(|k| k.id() == id)
    }
}

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Account {
    /// The store's id for it.
    pub id: i64,
    /// The name as first recorded.
    pub name: String,
    /// The domain pack it belongs to, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Annual contract value in US dollars, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acv_usd: Option<f64>,
    /// The next renewal date, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renewal: Option<NaiveDate>,
    /// When it was first recorded (UTC, RFC 3339).
    pub created_at: String,
    /// Who first recorded it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
}

/// The facts about an account a recording carries: the name finds it (or creates it), the
/// others update it when given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountFacts {
    /// The account's name.
    pub name: String,
    /// Its domain pack id.
    pub domain: Option<String>,
    /// Its annual contract value in US dollars.
    pub acv_usd: Option<f64>,
    /// Its next renewal date.
    pub renewal: Option<NaiveDate>,
}

/// A record to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRecord {
    /// What it is.
    pub kind: Kind,
    /// The day it is about.
    pub date: NaiveDate,
    /// Its content, as JSON.
    pub body: Value,
    /// Who recorded it.
    pub recorded_by: Option<String>,
}

/// A record as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stored {
    /// The store's id for it; ids grow in the order records were written.
    pub id: i64,
    /// What it is.
    pub kind: Kind,
    /// The day it is about.
    pub date: NaiveDate,
    /// Its content.
    pub body: Value,
    /// When it was written (UTC, RFC 3339).
    pub recorded_at: String,
    /// Who recorded it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
}

/// Why the store could not do what was asked. Every message says where the store is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The store could not be opened or created.
    Open {
        /// Where it was looked for.
        location: String,
        /// What went wrong.
        why: String,
    },
    /// The database did not answer a commit: the write may or may not have been applied.
    Uncertain {
        /// Where the store is.
        location: String,
        /// What went wrong.
        why: String,
    },
    /// A read or write failed; nothing was half-written.
    Failed {
        /// Where the store is.
        location: String,
        /// What went wrong.
        why: String,
    },
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Open { location, why } => {
                write!(f, "the account store at {location} could not be opened: {why}")
            }
            StoreError::Uncertain { location, why } => write!(
                f,
                "the account store at {location} did not confirm the write, which may or may not \
                 have been saved ({why}): read the account's history before recording it again"
            ),
            StoreError::Failed { location, why } => {
                write!(f, "the account store at {location} failed, and nothing was written: {why}")
            }
        }
    }
}

impl std::error::Error for StoreError {}

/// An account store. Each method is one transaction: a write is either all there or not at
/// all, and is on disk when the method returns.
pub trait Store: Send + Sync {
    /// Creates or updates the account and adds the record to it, in one transaction.
    ///
    /// # Errors
    ///
    /// The store failed; nothing was written.
    fn save(
        &self,
        account: &AccountFacts,
        record: &NewRecord,
    ) -> Result<(Account, i64), StoreError>;

    /// The account with this name (compared as [`account_key`] folds it), if there is one.
    ///
    /// # Errors
    ///
    /// The store failed.
    fn account(&self, name: &str) -> Result<Option<Account>, StoreError>;

    /// Every account, by name.
    ///
    /// # Errors
    ///
    /// The store failed.
    fn accounts(&self) -> Result<Vec<Account>, StoreError>;

    /// Every record of an account, by date and then in the order written.
    ///
    /// # Errors
    ///
    /// The store failed.
    fn records(&self, account: i64) -> Result<Vec<Stored>, StoreError>;

    /// Deletes the account and everything recorded about it; the number of records deleted,
    /// or `None` when there is no such account.
    ///
    /// # Errors
    ///
    /// The store failed; nothing was deleted.
    fn delete(&self, name: &str) -> Result<Option<usize>, StoreError>;

    /// The coach sessions this store holds for replicas that share it, if it holds them.
    fn coach(&self) -> Option<&dyn CoachStore> {
        None
    }
}

/// What a coach-session lookup found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// The session was there, live and the caller's; the turn ran.
    Found,
    /// No session has this handle.
    Unknown,
    /// The session belongs to another caller.
    NotYours,
    /// The session idled past its time-to-live, and is now deleted.
    Expired,
}

/// Coach sessions held in a store shared by several server processes. The state is the coach's
/// own, as JSON; every rule stays in `method::coach`.
pub trait CoachStore: Send + Sync {
    /// Deletes the expired sessions, then stores a new one under `handle`; `false` when `max`
    /// live sessions are held already.
    ///
    /// # Errors
    ///
    /// The store failed; nothing was written.
    fn coach_create(
        &self,
        handle: &str,
        caller: Option<&str>,
        state: &Value,
        ttl: Duration,
        max: usize,
    ) -> Result<bool, StoreError>;

    /// Runs `turn` on the session's state with the session locked against every other process;
    /// when it returns a state, that state replaces the old one and the session is touched. Two
    /// concurrent turns on one session run one after the other.
    ///
    /// # Errors
    ///
    /// The store failed; the session is as it was.
    fn coach_update(
        &self,
        handle: &str,
        caller: Option<&str>,
        ttl: Duration,
        turn: &mut dyn FnMut(&Value) -> Option<Value>,
    ) -> Result<Lookup, StoreError>;

    /// The key every process sharing the store seals coach states with: made (from
    /// `candidate`) by the first process that asks, and the same for every one after it.
    ///
    /// # Errors
    ///
    /// The store failed.
    fn coach_key(&self, candidate: &[u8]) -> Result<Vec<u8>, StoreError>;

    /// Marks the sealed state with this digest used; `false` when it already was, by any
    /// process sharing the store, within `ttl`.
    ///
    /// # Errors
    ///
    /// The store failed; the state is not marked.
    fn coach_spend(&self, digest: &[u8], ttl: Duration) -> Result<bool, StoreError>;

    /// Deletes the sessions idle past `ttl` (and the used-state digests older than it);
    /// returns how many sessions, and how many are left.
    ///
    /// # Errors
    ///
    /// The store failed.
    fn coach_sweep(&self, ttl: Duration) -> Result<(usize, usize), StoreError>;
}

/// An account name folded for lookups: trimmed, lower case, inner white space collapsed, so
/// "Acme  Corp" and "acme corp" are one account.
pub fn account_key(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Where the store lives when no `--db` is given: `$XDG_DATA_HOME/relationship-ladder/ladder.db`,
/// else `~/.local/share/relationship-ladder/ladder.db`.
pub fn default_location() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(base.join("relationship-ladder").join("ladder.db"))
}

/// Whether `location` names a PostgreSQL database (`postgres://…` or `postgresql://…`) rather
/// than a SQLite file.
pub fn is_postgres(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

/// Whether `location` looks like a PostgreSQL key=value connection string (`host=… dbname=…`),
/// which this program does not take: it would otherwise be read as a file name.
fn is_conninfo(location: &str) -> bool {
    let keys = ["host=", "hostaddr=", "dbname=", "user=", "password=", "port="];
    location.split_whitespace().any(|w| keys.iter().any(|k| w.starts_with(k)))
}

/// `location` as it may be shown in a message or a log: for PostgreSQL, rebuilt from what the
/// client reads of it (user, hosts, ports, database), so no password, in whatever form it was
/// given, is ever shown.
pub fn shown(location: &str) -> String {
    if is_conninfo(location) {
        return "a PostgreSQL connection string".to_owned();
    }
    if !is_postgres(location) {
        return location.to_owned();
    }
    let Ok(config) = location.parse::<::postgres::Config>() else {
        return "a PostgreSQL URL that cannot be read".to_owned();
    };
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let host = match host {
                ::postgres::config::Host::Tcp(name) => name.clone(),
                ::postgres::config::Host::Unix(path) => path.display().to_string(),
            };
            match config.get_ports().get(i).or(config.get_ports().first()) {
                Some(port) => format!("{host}:{port}"),
                None => host,
            }
        })
        .collect();
    let user = config.get_user().map_or(String::new(), |u| format!("{u}@"));
    let db = config.get_dbname().unwrap_or_default();
    format!("postgres://{user}{}/{db}", hosts.join(","))
}

/// Opens (and creates and migrates, the first time) the store at `location`: a PostgreSQL URL,
/// or else a file path for SQLite.
///
/// # Errors
///
/// The store cannot be opened, reached, created or migrated.
pub fn open(location: &str) -> Result<Box<dyn Store>, StoreError> {
    if is_conninfo(location) {
        return Err(StoreError::Open {
            location: shown(location),
            why: "give it as a URL: postgres://user@host:port/database".into(),
        });
    }
    if is_postgres(location) {
        return Ok(Box::new(Postgres::open(location)?));
    }
    Ok(Box::new(Sqlite::open(std::path::Path::new(location))?))
}

/// A store opened on first use and shared from then on. A store that failed to open is tried
/// again on the next use, so fixing the file, the directory or the database needs no restart.
pub struct Lazy {
    location: Option<String>,
    held: Mutex<Option<Arc<dyn Store>>>,
}

impl Lazy {
    /// The store at `location`, or at [`default_location`] when `None`; nothing is opened yet.
    pub fn new(location: Option<String>) -> Self {
        Lazy { location, held: Mutex::new(None) }
    }

    /// Whether the store is PostgreSQL, and so shared by every process that names it.
    pub fn is_shared(&self) -> bool {
        self.location.as_deref().is_some_and(is_postgres)
    }

    /// The store, opened (created, migrated) the first time. Blocks on the disk or the network.
    ///
    /// # Errors
    ///
    /// It cannot be opened; the error says where and why.
    pub fn get(&self) -> Result<Arc<dyn Store>, StoreError> {
        let mut held = self.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(store) = held.as_ref() {
            return Ok(Arc::clone(store));
        }
        let location = match &self.location {
            Some(location) => location.clone(),
            None => default_location()
                .ok_or_else(|| StoreError::Open {
                    location: "the user's data directory".into(),
                    why: "neither XDG_DATA_HOME nor HOME is set: give --db a path".into(),
                })?
                .display()
                .to_string(),
        };
        let store: Arc<dyn Store> = Arc::from(open(&location)?);
        tracing::info!(location = %shown(&location), "account store opened");
        *held = Some(Arc::clone(&store));
        Ok(store)
    }
}

/// Everything in the store as one JSON document: each account with its records.
///
/// # Errors
///
/// The store failed.
pub fn export(store: &dyn Store) -> Result<Value, StoreError> {
    let mut accounts = Vec::new();
    for account in store.accounts()? {
        let records = store.records(account.id)?;
        accounts.push(serde_json::json!({"account": account, "records": records}));
    }
    let format = "relationship-ladder export";
    Ok(serde_json::json!({"format": format, "version": 1, "accounts": accounts}))
}

/// The current time, UTC, as RFC 3339 with seconds.
fn now() -> String {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let secs = i64::try_from(since).unwrap_or(0);
    chrono::DateTime::from_timestamp(secs, 0)
        .map_or_else(String::new, |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shown_location_never_carries_a_password() {
        for (given, expected) in [
            (
                "postgres://ladder:s3cret@db.example:5433/team",
                "postgres://ladder@db.example:5433/team",
            ),
            ("postgresql://ladder@db/team?password=s3cret", "postgres://ladder@db:5432/team"),
            ("postgres://ladder:s3/cr?et@db/team", "postgres://ladder@db:5432/team"),
            ("host=db dbname=team password=s3cret", "a PostgreSQL connection string"),
            ("/home/dana/ladder.db", "/home/dana/ladder.db"),
        ] {
            let shown = shown(given);
            assert!(!shown.contains("s3"), "{given} -> {shown}");
            assert_eq!(shown, expected, "{given}");
        }
    }

    #[test]
    fn a_connection_string_is_refused_rather_than_taken_for_a_file() {
        let Err(e) = open("host=db dbname=team password=s3cret") else {
            panic!("a key=value connection string opened a store");
        };
        let message = e.to_string();
        assert!(message.contains("postgres://") && !message.contains("s3cret"), "{message}");
    }
}
