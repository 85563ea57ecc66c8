//! One `refreshCdnDir` call as a state machine: validated input → batches → a signed request
//! per batch → the replies → a result, or an error that accounts for every directory.
//!
//! Sans-IO: the caller sends each request however it likes and feeds back what came back;
//! the purge decides whether a failed batch is retried ([`crate::retry`]) and after how long.
//! Invariant: at every point, each deduplicated directory is in exactly one of: a batch the API
//! accepted (`submitted`), a batch in flight when the call was cut short (`maybe_submitted`),
//! or neither (`pending`); an error carries all three lists.

use alloc::string::String;
use alloc::vec::Vec;

use core::ops::Range;

use crate::config::{Config, RawConfig};
use crate::dirs::{self, Dir};
use crate::error::{Error, Kind};
use crate::reply::{self, Reply};
use crate::request::{self, SignedRequest};
use crate::retry;
use crate::text::cat;

/// The outcome of one accepted batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchOutcome {
    /// Where its directories are in the call's deduplicated list ([`Purge::dirs`],
    /// [`RefreshResult::dirs`]): batches are contiguous and in order, so a range names them
    /// without copying them.
    pub dirs: Range<usize>,
    pub reply: Reply,
    /// Requests it took: 1, plus one per retry.
    pub attempts: u32,
}

/// What to do after feeding back a response or a transport failure.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// The batch was accepted; the next one (if any) is due.
    Accepted,
    /// The batch failed transiently: wait this long, then sign it again (fresh nonce and
    /// timestamp) and resend.
    Retry { after_ms: u64 },
}

/// Why a call stopped without an answer to the batch in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interruption {
    /// `config.timeoutMs` passed.
    Timeout,
    /// `config.signal` aborted.
    Aborted,
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
    /// Failed attempts of the next batch so far.
    failures: u32,
    /// Whether one of them may have been processed ([`retry::may_have_purged`]): if the batch
    /// is not accepted in the end, it is maybe purged, not pending.
    reached: bool,
}

impl Purge {
    /// Validates the config and the directories and plans the batches. Nothing is sent on an
    /// error, so its `pending` holds every directory as given.
    pub fn new<S: AsRef<str>>(raw: RawConfig, inputs: &[S]) -> Result<Purge, Error> {
        Purge::plan(raw, inputs).map_err(|e| e.nothing_sent(inputs))
    }

    fn plan<S: AsRef<str>>(mut raw: RawConfig, inputs: &[S]) -> Result<Purge, Error> {
        let config = Config::from_raw(&mut raw)?;
        let dirs = dirs::parse_all(inputs)?;
        if dirs.len() as u64 > config.daily_limit as u64 {
            return Err(Error::invalid_input(cat!(
                dirs.len(),
                " directories (after removing duplicates) exceed config.dailyLimit of ",
                config.daily_limit,
                " per day; purge fewer, or raise dailyLimit if your account's quota is larger"
            )));
        }
        Ok(Purge { config, dirs, batches: Vec::new(), failures: 0, reached: false })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The deduplicated directories, in the caller's order.
    pub fn dirs(&self) -> &[Dir] {
        &self.dirs
    }

    /// The batches accepted so far, in order.
    pub fn accepted(&self) -> &[BatchOutcome] {
        &self.batches
    }

    /// Where the next batch's directories are in [`Purge::dirs`]; empty once all are accepted.
    fn next_range(&self) -> Range<usize> {
        dirs::batch_range(self.dirs.len(), self.config.batch_size, self.next_index())
    }

    /// How many requests the whole call takes.
    pub fn batch_count(&self) -> usize {
        self.config.batch_size.count(self.dirs.len())
    }

    /// Index of the batch to send next (= how many were accepted).
    pub fn next_index(&self) -> usize {
        self.batches.len()
    }

    pub fn is_done(&self) -> bool {
        self.next_index() == self.batch_count()
    }

    /// Signs batch `index`. `now` (unix seconds) and `nonce` are used unless the config fixes
    /// them; a fixed nonce `n` gives batch `i` the nonce `n + i`, and its `k`-th retry
    /// `n + i + k × batches`, so no two requests of a call repeat one (the API refuses a
    /// repeat as a replay, API-NOTES "Common parameters").
    pub fn request(&self, index: usize, now: u64, nonce: u64) -> Option<SignedRequest<'_>> {
        let batch = dirs::batch(&self.dirs, self.config.batch_size, index)?;
        let timestamp = self.config.timestamp.unwrap_or(now);
        let retry = if index == self.next_index() { self.failures as u64 } else { 0 };
        let nonce = self.config.nonce.map_or(nonce, |n| n + index as u64 + retry * self.batch_count() as u64);
        Some(request::build(&self.config, batch, timestamp, nonce))
    }

    /// Every request of the call, unsent; `nonce` is drawn once per batch.
    pub fn sign_all(&self, now: u64, mut nonce: impl FnMut() -> u64) -> Vec<SignedRequest<'_>> {
        let count = self.batch_count();
        let mut out = Vec::with_capacity(count);
        for i in 0..count {
            if let Some(r) = self.request(i, now, nonce()) {
                out.push(r);
            }
        }
        out
    }

    /// Feeds back the response to the next batch: its status, body and `Retry-After` header;
    /// `now_ms` (Unix ms) dates the header, `random` in `[0, 1)` jitters the backoff. An `Err`
    /// ends the call.
    pub fn on_response(&mut self, status: u16, body: &str, retry_after: Option<&str>, now_ms: u64, random: f64) -> Result<Step, Error> {
        match reply::parse(self.config.api, status, body).and_then(|r| r.into_result(status)) {
            Ok(reply) => {
                self.batches.push(BatchOutcome { dirs: self.next_range(), reply, attempts: self.failures + 1 });
                self.failures = 0;
                self.reached = false;
                Ok(Step::Accepted)
            }
            Err(e) => {
                let asked = retry_after.and_then(|v| retry::retry_after_ms(v, now_ms));
                self.retry_or_fail(e, asked, random)
            }
        }
    }

    /// Feeds back that the next batch's request got no response; `detail` is what the
    /// transport said.
    pub fn on_network_error(&mut self, detail: &str, random: f64) -> Result<Step, Error> {
        self.retry_or_fail(Error::new(Kind::Network, cat!("the request did not complete: ", detail)), None, random)
    }

    /// A failure that is not retried ends the call, with the batch in `maybe_submitted` when
    /// this attempt or an earlier one may have been processed ([`retry::may_have_purged`]).
    /// Such a failure is retried only when the policy allows it (`config.retryMaybePurged`).
    fn retry_or_fail(&mut self, err: Error, asked_ms: Option<u64>, random: f64) -> Result<Step, Error> {
        let policy = self.config.retry;
        let maybe = retry::may_have_purged(&err);
        let retry = retry::is_transient(&err)
            && (policy.maybe_purged || !maybe)
            && !(self.config.timestamp.is_some() && retry::is_expiry(&err))
            && self.failures < policy.retries
            && asked_ms.is_none_or(|ms| ms <= retry::RETRY_AFTER_MAX_MS);
        let failures = self.failures;
        self.failures += 1;
        self.reached |= maybe;
        if !retry {
            return Err(self.fail(err, false));
        }
        Ok(Step::Retry { after_ms: asked_ms.unwrap_or_else(|| retry::backoff_ms(policy, failures, random)) })
    }

    /// The error for a call cut short before the next batch was answered; `in_flight` when its
    /// request had been sent, so it may have been purged.
    pub fn interrupted(&self, why: Interruption, in_flight: bool) -> Error {
        let message = match (why, in_flight) {
            (Interruption::Timeout, _) => cat!(
                "no response within config.timeoutMs (",
                self.config.timeout_ms,
                " ms); the request may have reached the API, so its directories are in maybeSubmitted"
            ),
            (Interruption::Aborted, true) => "aborted by config.signal while the request was in flight; its directories are in maybeSubmitted".into(),
            (Interruption::Aborted, false) if self.failures > 0 => "aborted by config.signal before the batch was sent again".into(),
            (Interruption::Aborted, false) => "aborted by config.signal before the request was sent".into(),
        };
        let kind = if why == Interruption::Timeout { Kind::Timeout } else { Kind::Aborted };
        self.fail(Error::new(kind, message), in_flight)
    }

    /// Feeds back that the response to the next batch came with `status` but its body could not
    /// be read (`detail` says why). The API got the request and may have purged the batch, so
    /// it is not sent again: the call ends with the batch in `maybe_submitted`.
    pub fn on_lost_reply(&self, status: u16, detail: &str) -> Error {
        let mut err = Error::new(
            Kind::Network,
            cat!(
                "HTTP ",
                status,
                " came back but its body could not be read (",
                detail,
                "); the request reached the API, so its directories are in maybeSubmitted"
            ),
        );
        err.status = Some(status);
        self.fail(err, true)
    }

    /// Completes `err` for the next batch: names the batch (and its attempts), redacts
    /// secrets, fills in `submitted` and `pending`. The batch goes to `maybe_submitted` instead
    /// when its request was `in_flight` (the message says so) or a failed attempt of it may
    /// have been processed.
    fn fail(&self, mut err: Error, in_flight: bool) -> Error {
        let next = self.next_index();
        let Range { start: split, end } = self.next_range();
        let secrets = &self.config.credentials;
        let attempts = if self.failures > 1 { cat!(" (", self.failures, " attempts)") } else { String::new() };
        err.message = secrets.redact(&cat!("batch ", next + 1, " of ", self.batch_count(), ": ", &err.message, attempts));
        let fields = &mut *err;
        for text in [&mut fields.code_desc, &mut fields.error_code, &mut fields.request_id].into_iter().flatten() {
            *text = secrets.redact(text);
        }
        let maybe = if in_flight || self.reached { end } else { split };
        err.submitted = dirs::to_strings(self.dirs.get(..split).unwrap_or_default());
        err.maybe_submitted = dirs::to_strings(self.dirs.get(split..maybe).unwrap_or_default());
        err.pending = dirs::to_strings(self.dirs.get(maybe..).unwrap_or_default());
        if self.reached && !in_flight {
            let which = if self.failures > 1 { "; an attempt" } else { "; the request" };
            err.message = cat!(&err.message, which, " may have been processed, so its directories are in maybeSubmitted");
        }
        // A call that went to API 2.0's own host, the default, most likely failed for that.
        if self.config.retired && err.kind != Kind::Aborted {
            err.message = cat!(&err.message, "; API 2.0, the default, is retired: add config.api \"v3\"");
        }
        err
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
