//! One `refreshCdnDir` call as a state machine: validated input → batches → a signed request
//! per batch → the replies → a result, or an error that accounts for every directory.
//!
//! Sans-IO: the caller sends each request however it likes and feeds back what came back.
//! Invariant: at every point, each deduplicated directory is either in a batch that the API
//! accepted (`submitted`) or not (`pending`); an error carries both lists.

use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;

use crate::config::{Config, RawConfig};
use crate::dirs::{self, Dir};
use crate::error::{Error, Kind};
use crate::reply::{self, Reply};
use crate::request::{self, SignedRequest};
use crate::text::cat;

/// The outcome of one accepted batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchOutcome {
    pub dirs: Vec<String>,
    pub reply: Reply,
}

/// What a successful call returns: the last batch's reply fields, every directory purged,
/// and each batch's outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefreshResult {
    pub code: i64,
    pub message: String,
    pub code_desc: String,
    pub dirs: Vec<String>,
    pub batches: Vec<BatchOutcome>,
}

#[derive(Debug)]
pub struct Purge {
    config: Config,
    dirs: Vec<Dir>,
    batches: Vec<BatchOutcome>,
}

impl Purge {
    /// Validates the config and the directories and plans the batches. Nothing is sent on an
    /// error, so its `pending` holds every directory as given.
    pub fn new<S: AsRef<str>>(raw: RawConfig, inputs: &[S]) -> Result<Purge, Error> {
        Purge::plan(raw, inputs).map_err(|e| e.nothing_sent(inputs))
    }

    fn plan<S: AsRef<str>>(raw: RawConfig, inputs: &[S]) -> Result<Purge, Error> {
        let config = Config::from_raw(raw)?;
        let dirs = dirs::parse_all(inputs)?;
        if dirs.len() as u64 > config.daily_limit as u64 {
            return Err(Error::invalid_input(cat!(
                dirs.len(),
                " directories (after removing duplicates) exceed config.dailyLimit of ",
                config.daily_limit,
                " per day; purge fewer, or raise dailyLimit if your account's quota is larger"
            )));
        }
        Ok(Purge { config, dirs, batches: Vec::new() })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// How many requests the whole call takes.
    pub fn batch_count(&self) -> usize {
        self.dirs.len().div_ceil(dirs::PER_CALL)
    }

    /// Index of the batch to send next (= how many were accepted).
    pub fn next_index(&self) -> usize {
        self.batches.len()
    }

    pub fn is_done(&self) -> bool {
        self.next_index() == self.batch_count()
    }

    /// Signs batch `index`. `now` (unix seconds) and `nonce` are used unless the config fixes
    /// them; a fixed nonce `n` gives batch `i` the nonce `n + i`.
    pub fn request(&self, index: usize, now: u64, nonce: u64) -> Option<SignedRequest> {
        let batch = dirs::batches(&self.dirs).nth(index)?;
        let timestamp = self.config.timestamp.unwrap_or(now);
        let nonce = self.config.nonce.map_or(nonce, |n| n + index as u64);
        Some(request::build(&self.config, batch, timestamp, nonce))
    }

    /// Every request of the call, unsent; `nonce` is drawn once per batch.
    pub fn sign_all(&self, now: u64, mut nonce: impl FnMut() -> u64) -> Vec<SignedRequest> {
        (0..self.batch_count()).filter_map(|i| self.request(i, now, nonce())).collect()
    }

    /// Feeds back the response to the next batch. `Ok` when the API accepted it.
    pub fn on_response(&mut self, status: u16, body: &str) -> Result<&BatchOutcome, Error> {
        let reply = reply::parse(status, body).and_then(|r| r.into_result(status)).map_err(|e| self.fail(e))?;
        let dirs = self.dirs_of(self.next_index());
        self.batches.push(BatchOutcome { dirs, reply });
        Ok(&self.batches[self.batches.len() - 1])
    }

    /// The error for a next batch whose request got no response; `detail` is what the
    /// transport said.
    pub fn on_network_error(&self, detail: &str) -> Error {
        self.fail(Error::new(Kind::Network, cat!("the request did not complete: ", detail)))
    }

    /// Completes `err` for the next batch: names the batch, redacts secrets, fills in
    /// `submitted` and `pending`.
    fn fail(&self, mut err: Error) -> Error {
        let next = self.next_index();
        let split = (next * dirs::PER_CALL).min(self.dirs.len());
        let secrets = &self.config.credentials;
        err.message = secrets.redact(&cat!("batch ", next + 1, " of ", self.batch_count(), ": ", err.message));
        err.code_desc = err.code_desc.map(|c| secrets.redact(&c));
        err.submitted = self.dirs[..split].iter().map(|d| d.as_str().to_owned()).collect();
        err.pending = self.dirs[split..].iter().map(|d| d.as_str().to_owned()).collect();
        err
    }

    fn dirs_of(&self, index: usize) -> Vec<String> {
        dirs::batches(&self.dirs).nth(index).map(|b| b.dirs().iter().map(|d| d.as_str().to_owned()).collect()).unwrap_or_default()
    }

    /// The result once every batch was accepted; `None` before.
    pub fn finish(self) -> Option<RefreshResult> {
        let last = self.batches.last()?.reply.clone();
        self.is_done().then(|| RefreshResult {
            code: last.code,
            message: last.message,
            code_desc: last.code_desc,
            dirs: self.dirs.into_iter().map(|d| d.into_string()).collect(),
            batches: self.batches,
        })
    }
}
