//! Coach sessions for clients that carry the coach's state by handle: a short, unguessable
//! handle per session, the state kept here, bound to the caller that started it, and reclaimed
//! after an idle time.
//!
//! The store holds state only; every rule of the coach lives in `method::coach`. A turn is
//! applied with [`Sessions::advance`], which takes the lock, runs the pure transition and
//! stores its result in one step, so two concurrent answers to the same step cannot both land.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::method::coach::State;

/// Bytes of randomness in a handle: 128 bits, shown as 22 URL-safe characters.
const HANDLE_BYTES: usize = 16;

/// Why a handle was not honoured. The messages say what the client can do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionError {
    /// No such session: never issued, forged, or reclaimed after expiry.
    Unknown,
    /// The session belongs to another caller.
    NotYours,
    /// The session idled past its time-to-live.
    Expired,
    /// The store is full; older sessions must expire first.
    Full,
}

impl std::fmt::Display for SessionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SessionError::Unknown => "no coach session has this handle: start a new session",
            SessionError::NotYours => "this coach session belongs to another caller",
            SessionError::Expired => "this coach session expired: start a new session",
            SessionError::Full => "too many coach sessions are open: try again later",
        })
    }
}

impl std::error::Error for SessionError {}

struct Entry {
    state: State,
    caller: Option<String>,
    touched: Instant,
}

/// The in-memory session store.
pub struct Sessions {
    entries: Mutex<HashMap<String, Entry>>,
    ttl: Duration,
    max: usize,
}

impl Sessions {
    /// A store whose sessions expire after `ttl` idle and which holds at most `max` at once.
    pub fn new(ttl: Duration, max: usize) -> Self {
        Sessions { entries: Mutex::new(HashMap::new()), ttl, max }
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

    /// Removes every expired session; returns how many were removed.
    pub fn sweep(&self) -> usize {
        let mut entries = self.lock();
        self.reclaim(&mut entries)
    }

    /// How many sessions are held.
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
        assert_eq!(store.sweep(), 1);
        assert!(store.is_empty());
    }

    #[test]
    fn a_full_store_refuses_new_sessions() {
        let store = Sessions::new(Duration::from_secs(60), 1);
        store.create(state(), None).unwrap();
        assert_eq!(store.create(state(), None).unwrap_err(), SessionError::Full);
    }
}
