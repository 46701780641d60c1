//! Coach sessions for clients that carry the coach's state by handle: a short, unguessable
//! handle per session, the state kept here, bound to the caller that started it, and reclaimed
//! after an idle time.
//!
//! The state is kept in this process's memory, or, when the account store is PostgreSQL, in
//! the store, so that several HTTP replicas share the sessions and a session started through
//! one continues through another; with a shared store the calls block on the network and are
//! made off the async threads. Either way the state is only stored here; every rule of the
//! coach lives in `method::coach`. A turn is applied with [`Sessions::advance`], which locks
//! the session (a mutex, or a row lock in the database), runs the pure transition and stores
//! its result in one step, so two concurrent answers to the same step cannot both land.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::method::coach::State;
use crate::store::{CoachStore, Lazy, Lookup, StoreError};

/// Bytes of randomness in a handle: 128 bits, shown as 22 URL-safe characters.
const HANDLE_BYTES: usize = 16;

/// Why a handle was not honoured. The messages say what the client can do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionError {
    /// No such session: never issued, forged, or reclaimed after expiry.
    Unknown,
    /// The session belongs to another caller.
    NotYours,
    /// The session idled past its time-to-live.
    Expired,
    /// The store is full; older sessions must expire first.
    Full,
    /// The shared store failed or could not be reached; the session is as it was.
    Store(String),
}

impl std::fmt::Display for SessionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SessionError::Unknown => "no coach session has this handle: start a new session",
            SessionError::NotYours => "this coach session belongs to another caller",
            SessionError::Expired => "this coach session expired: start a new session",
            SessionError::Full => "too many coach sessions are open: try again later",
            SessionError::Store(why) => return write!(f, "coach sessions are unavailable: {why}"),
        })
    }
}

impl std::error::Error for SessionError {}

impl From<StoreError> for SessionError {
    fn from(e: StoreError) -> Self {
        SessionError::Store(e.to_string())
    }
}

struct Entry {
    state: State,
    caller: Option<String>,
    touched: Instant,
}

/// The coach sessions: in memory, or in a shared store.
pub struct Sessions {
    entries: Mutex<HashMap<String, Entry>>,
    shared: Option<Arc<Lazy>>,
    ttl: Duration,
    max: usize,
}

impl Sessions {
    /// Sessions in memory that expire after `ttl` idle, at most `max` at once.
    pub fn new(ttl: Duration, max: usize) -> Self {
        Sessions { entries: Mutex::new(HashMap::new()), shared: None, ttl, max }
    }

    /// Sessions kept in `store` when it is shared (PostgreSQL), else in memory.
    pub fn in_store(store: Arc<Lazy>, ttl: Duration, max: usize) -> Self {
        let shared = store.is_shared().then_some(store);
        Sessions { entries: Mutex::new(HashMap::new()), shared, ttl, max }
    }

    /// Whether the sessions are in a shared store, so every call blocks on the network.
    pub fn is_shared(&self) -> bool {
        self.shared.is_some()
    }

    /// Runs `work` on the shared store's coach sessions (opened on first use); `None` when the
    /// sessions are in memory.
    fn with_shared<R>(
        &self,
        work: impl FnOnce(&dyn CoachStore) -> Result<R, SessionError>,
    ) -> Option<Result<R, SessionError>> {
        let store = match self.shared.as_ref()?.get() {
            Ok(store) => store,
            Err(e) => return Some(Err(e.into())),
        };
        Some(match store.coach() {
            Some(coach) => work(coach),
            None => Err(SessionError::Store("this store does not hold coach sessions".into())),
        })
    }

    /// The idle time after which a session expires.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Stores a new session for `caller` and returns its handle.
    ///
    /// # Errors
    ///
    /// [`SessionError::Full`] when the store holds its maximum even after reclaiming expired
    /// sessions.
    pub fn create(&self, state: State, caller: Option<String>) -> Result<String, SessionError> {
        let in_store = self.with_shared(|coach| {
            let value = serde_json::to_value(&state).map_err(|e| unwritable(&e))?;
            let handle = new_handle();
            let made =
                coach.coach_create(&handle, caller.as_deref(), &value, self.ttl, self.max)?;
            if made { Ok(handle) } else { Err(SessionError::Full) }
        });
        if let Some(created) = in_store {
            return created;
        }
        let mut entries = self.lock();
        if entries.len() >= self.max {
            self.reclaim(&mut entries);
        }
        if entries.len() >= self.max {
            return Err(SessionError::Full);
        }
        let handle = new_handle();
        entries.insert(handle.clone(), Entry { state, caller, touched: Instant::now() });
        Ok(handle)
    }

    /// Applies `turn` to the session's state: on `Ok` the new state replaces the old one, on
    /// `Err` nothing changes. The lock is held throughout, so turns on one session are applied
    /// one at a time.
    ///
    /// # Errors
    ///
    /// The handle is unknown, expired or another caller's; or `turn` refused.
    pub fn advance<T, E>(
        &self,
        handle: &str,
        caller: Option<&str>,
        turn: impl FnOnce(&State) -> Result<(State, T), E>,
    ) -> Result<Result<T, E>, SessionError> {
        if self.shared.is_some() {
            let turned =
                self.with_shared(|coach| advance_shared(coach, handle, caller, self.ttl, turn));
            return turned.unwrap_or(Err(SessionError::Unknown));
        }
        let mut entries = self.lock();
        let entry = entries.get_mut(handle).ok_or(SessionError::Unknown)?;
        if entry.caller.as_deref() != caller {
            return Err(SessionError::NotYours);
        }
        if entry.touched.elapsed() > self.ttl {
            entries.remove(handle);
            return Err(SessionError::Expired);
        }
        Ok(match turn(&entry.state) {
            Ok((next, out)) => {
                entry.state = next;
                entry.touched = Instant::now();
                Ok(out)
            }
            Err(refusal) => Err(refusal),
        })
    }

    /// A copy of the session's state, for a refusal that must repeat the pending question.
    ///
    /// # Errors
    ///
    /// The handle is unknown, expired or another caller's.
    pub fn peek(&self, handle: &str, caller: Option<&str>) -> Result<State, SessionError> {
        self.advance(handle, caller, |s| Ok::<_, ()>((s.clone(), s.clone())))?
            .map_err(|()| SessionError::Unknown)
    }

    /// Removes every expired session; returns how many were removed and how many are held.
    ///
    /// # Errors
    ///
    /// The shared store failed.
    pub fn sweep(&self) -> Result<(usize, usize), SessionError> {
        if let Some(swept) = self.with_shared(|coach| Ok(coach.coach_sweep(self.ttl)?)) {
            return swept;
        }
        let mut entries = self.lock();
        let reclaimed = self.reclaim(&mut entries);
        Ok((reclaimed, entries.len()))
    }

    /// How many sessions are held in memory.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no session is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn reclaim(&self, entries: &mut HashMap<String, Entry>) -> usize {
        let before = entries.len();
        entries.retain(|_, e| e.touched.elapsed() <= self.ttl);
        before - entries.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        // A panic while the lock was held cannot leave an entry half-written (each update is a
        // single assignment), so a poisoned lock is still safe to use.
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A turn on a session held in a shared store: the stored state is read and the turn run
/// under the store's lock on that session.
fn advance_shared<T, E>(
    coach: &dyn CoachStore,
    handle: &str,
    caller: Option<&str>,
    ttl: Duration,
    turn: impl FnOnce(&State) -> Result<(State, T), E>,
) -> Result<Result<T, E>, SessionError> {
    let mut turn = Some(turn);
    let mut outcome: Option<Result<Result<T, E>, SessionError>> = None;
    let lookup = coach.coach_update(handle, caller, ttl, &mut |stored| {
        let turn = turn.take()?;
        let state: State = match serde_json::from_value(stored.clone()) {
            Ok(state) => state,
            Err(e) => {
                let why = format!("the stored session cannot be read by this version: {e}");
                outcome = Some(Err(SessionError::Store(why)));
                return None;
            }
        };
        match turn(&state) {
            Ok((next, out)) => match serde_json::to_value(&next) {
                Ok(value) => {
                    outcome = Some(Ok(Ok(out)));
                    Some(value)
                }
                Err(e) => {
                    outcome = Some(Err(unwritable(&e)));
                    None
                }
            },
            Err(refusal) => {
                outcome = Some(Ok(Err(refusal)));
                None
            }
        }
    })?;
    match lookup {
        Lookup::Found => outcome.unwrap_or_else(|| {
            Err(SessionError::Store("the store did not run the coach's turn".into()))
        }),
        Lookup::Unknown => Err(SessionError::Unknown),
        Lookup::NotYours => Err(SessionError::NotYours),
        Lookup::Expired => Err(SessionError::Expired),
    }
}

fn unwritable(e: &serde_json::Error) -> SessionError {
    SessionError::Store(format!("the session's state could not be written: {e}"))
}

fn new_handle() -> String {
    let mut bytes = [0u8; HANDLE_BYTES];
    // The operating system's generator failing is not something a request can cause or fix;
    // a handle from a zeroed buffer would be guessable, so stop rather than issue one.
    getrandom::fill(&mut bytes).expect("the operating system's random generator is available");
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::method::coach;

    fn state() -> State {
        coach::start(chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(), None, None).0
    }

    #[test]
    fn handles_are_unguessable_and_distinct() {
        let store = Sessions::new(Duration::from_secs(60), 100);
        let a = store.create(state(), None).unwrap();
        let b = store.create(state(), None).unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 22);
        assert_eq!(store.peek("forged-handle", None).unwrap_err(), SessionError::Unknown);
    }

    #[test]
    fn a_session_is_bound_to_its_caller() {
        let store = Sessions::new(Duration::from_secs(60), 100);
        let h = store.create(state(), Some("alice".into())).unwrap();
        assert_eq!(store.peek(&h, Some("bob")).unwrap_err(), SessionError::NotYours);
        assert_eq!(store.peek(&h, None).unwrap_err(), SessionError::NotYours);
        assert!(store.peek(&h, Some("alice")).is_ok());
    }

    #[test]
    fn idle_sessions_expire_and_are_reclaimed() {
        let store = Sessions::new(Duration::ZERO, 100);
        let h = store.create(state(), None).unwrap();
        std::thread::sleep(Duration::from_millis(2));
        assert_eq!(store.peek(&h, None).unwrap_err(), SessionError::Expired);
        store.create(state(), None).unwrap();
        std::thread::sleep(Duration::from_millis(2));
        assert_eq!(store.sweep(), Ok((1, 0)));
        assert!(store.is_empty());
    }

    #[test]
    fn a_full_store_refuses_new_sessions() {
        let store = Sessions::new(Duration::from_secs(60), 1);
        store.create(state(), None).unwrap();
        assert_eq!(store.create(state(), None).unwrap_err(), SessionError::Full);
    }
}
