//! The refresh policy as pure functions: given the time, what is cached and what the
//! last refresh left behind, what a caller gets. No clock, no IO, no randomness: the
//! cache passes the time and the random draws in.
//!
//! The numbers are the cross-SDK refresh design (the newest AWS SDKs share it):
//!
//! | item | value |
//! |---|---|
//! | advisory window A | from the lifetime when stored: ≤ 20 min → 5 min; < 90 min → 15 min; else 60 min (or a fixed window the user sets), less an optional jitter |
//! | mandatory window M | min(60 s, A) |
//! | valid | now < expiry − A: the cached credentials, no lock, no IO |
//! | advisory | expiry − A ≤ now < expiry − M: one caller refreshes, the others get the cached credentials at once |
//! | mandatory (and expired) | every caller waits for the one refresh in flight |
//! | check order | valid → backoff active (cached, even past expiry) → a live cached non-recoverable error → advisory / mandatory |
//! | recoverable failure with credentials cached | backoff of 300–600 s (uniform, whole seconds), the cached credentials returned |
//! | recoverable failure with nothing cached | the error, no backoff |
//! | credentials already expired when they arrive | a recoverable failure |
//! | non-recoverable failure | the error, cached for 1–5 s (uniform, whole seconds); old credentials are not served for it |
//! | no expiry | never refreshed |

use std::time::Duration;

use time::OffsetDateTime;

/// The mandatory window's upper bound: the last minute before expiry.
pub const MANDATORY_WINDOW: Duration = Duration::from_secs(60);
/// The shortest backoff after a recoverable failure.
pub const BACKOFF_MIN: Duration = Duration::from_secs(300);
/// The longest backoff after a recoverable failure.
pub const BACKOFF_MAX: Duration = Duration::from_secs(600);
/// The shortest time a non-recoverable error is cached.
pub const ERROR_TTL_MIN: Duration = Duration::from_secs(1);
/// The longest time a non-recoverable error is cached.
pub const ERROR_TTL_MAX: Duration = Duration::from_secs(5);

/// The advisory window for credentials that live `lifetime` from when they are stored:
/// 5 minutes up to 20 minutes of life, 15 minutes below 90 minutes, 60 minutes above.
pub fn advisory_for_lifetime(lifetime: Duration) -> Duration {
    let secs = lifetime.as_secs_f64();
    if secs <= 1200.0 {
        Duration::from_secs(300)
    } else if secs < 5400.0 {
        Duration::from_secs(900)
    } else {
        Duration::from_secs(3600)
    }
}

/// How the advisory window is chosen, and how much of it a per-credential jitter may
/// take away.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RefreshPolicy {
    fixed_advisory: Option<Duration>,
    jitter: f64,
    backoff: bool,
    cap_at_expiry: bool,
    after_expiry: Option<Duration>,
}

impl Default for RefreshPolicy {
    fn default() -> Self {
        RefreshPolicy::new()
    }
}

impl RefreshPolicy {
    /// The advisory window from the credentials' lifetime, no jitter.
    pub const fn new() -> Self {
        RefreshPolicy {
            fixed_advisory: None,
            jitter: 0.0,
            backoff: true,
            cap_at_expiry: false,
            after_expiry: None,
        }
    }

    /// Once the cached credentials have expired, a backoff lasts at most `max`: a
    /// cache many clients share (a credentials server) tries again soon after an
    /// outage instead of waiting the cross-SDK 300-600 s, still at most once per
    /// `max` whatever the number of callers. Off by default.
    pub const fn with_backoff_after_expiry(mut self, max: Duration) -> Self {
        self.after_expiry = Some(max);
        self
    }

    /// Ends a backoff no later than the cached credentials' expiry while they are
    /// still valid, so the last retry comes before they expire: after an outage that
    /// ends before then, no caller is served expired credentials. Off by default (the
    /// cross-SDK design keeps the whole 300-600 s); once the credentials have expired
    /// the backoff is the full one either way.
    pub const fn with_backoff_capped_at_expiry(mut self) -> Self {
        self.cap_at_expiry = true;
        self
    }

    /// When the backoff after a recoverable failure at `now` ends: `now + wait`, or
    /// the expiry if that comes first, the credentials are still valid and the cap is
    /// on, or `now` plus the [`RefreshPolicy::with_backoff_after_expiry`] limit when
    /// they have expired.
    pub fn backoff_until(
        &self,
        now: OffsetDateTime,
        wait: Duration,
        expires_at: Option<OffsetDateTime>,
    ) -> OffsetDateTime {
        let until = after(now, wait);
        match (expires_at, self.after_expiry) {
            (Some(exp), _) if self.cap_at_expiry && now < exp => until.min(exp),
            (Some(exp), Some(max)) if now >= exp => until.min(after(now, max)),
            _ => until,
        }
    }

    /// No backoff after a recoverable failure: the next caller tries again, and the
    /// old credentials are served only while they have not expired. This is the
    /// behaviour the backoff replaces (kept to measure what the backoff buys); the
    /// default backs off.
    pub const fn without_backoff(mut self) -> Self {
        self.backoff = false;
        self
    }

    /// Whether a recoverable failure starts a backoff.
    pub const fn backs_off(&self) -> bool {
        self.backoff
    }

    /// A fixed advisory window instead of the lifetime table.
    pub const fn with_advisory_window(mut self, window: Duration) -> Self {
        self.fixed_advisory = Some(window);
        self
    }

    /// Spreads each credential's refresh point: a fraction `fraction` (clamped to 0–1;
    /// not a number counts as 0) of the advisory window above the mandatory window is
    /// given up at random, so processes that started together stop refreshing together.
    /// With `1.0` the refresh point falls anywhere from the start of the advisory
    /// window to the start of the mandatory window.
    pub fn with_jitter(mut self, fraction: f64) -> Self {
        self.jitter = if fraction.is_nan() {
            0.0
        } else {
            fraction.clamp(0.0, 1.0)
        };
        self
    }

    /// The jitter fraction (0 when none).
    pub fn jitter(&self) -> f64 {
        self.jitter
    }

    /// The windows of credentials that live `lifetime` from now; `draw` is a uniform
    /// random number (only used when a jitter is set).
    pub fn windows(&self, lifetime: Duration, draw: u64) -> Windows {
        let base = self
            .fixed_advisory
            .unwrap_or_else(|| advisory_for_lifetime(lifetime));
        let floor = base.min(MANDATORY_WINDOW);
        let advisory = if self.jitter > 0.0 {
            let r = unit(draw);
            let spread = (base - floor).as_secs_f64() * (1.0 - r * self.jitter);
            floor + Duration::from_secs_f64(spread.max(0.0))
        } else {
            base
        };
        Windows {
            advisory,
            mandatory: advisory.min(MANDATORY_WINDOW),
        }
    }
}

/// A uniform draw in [0, 1) from 53 random bits.
fn unit(draw: u64) -> f64 {
    (draw >> 11) as f64 / (1u64 << 53) as f64
}

/// The windows of one set of credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Windows {
    /// From `expiry - advisory` on, a refresh is wanted.
    pub advisory: Duration,
    /// From `expiry - mandatory` on, every caller waits for a refresh.
    pub mandatory: Duration,
}

/// The moments that decide what a caller gets, fixed when credentials are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// `expiry - advisory`.
    pub refresh_at: OffsetDateTime,
    /// `expiry - mandatory`.
    pub mandatory_at: OffsetDateTime,
    /// The expiry itself.
    pub expires_at: OffsetDateTime,
}

impl Deadlines {
    /// The deadlines of credentials expiring at `expiry` with `windows`.
    pub fn new(expiry: OffsetDateTime, windows: Windows) -> Self {
        Deadlines {
            refresh_at: expiry.saturating_sub(to_time(windows.advisory)),
            mandatory_at: expiry.saturating_sub(to_time(windows.mandatory)),
            expires_at: expiry,
        }
    }

    /// The deadlines after AWS rejected the credentials: expired now.
    pub fn rejected(now: OffsetDateTime) -> Self {
        Deadlines {
            refresh_at: now,
            mandatory_at: now,
            expires_at: now,
        }
    }
}

fn to_time(d: Duration) -> time::Duration {
    time::Duration::try_from(d).unwrap_or(time::Duration::MAX)
}

/// What is cached, as the policy sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheView {
    /// Whether credentials are cached.
    pub has_credentials: bool,
    /// Their deadlines; `None` for credentials that never expire.
    pub deadlines: Option<Deadlines>,
    /// No refresh is tried before this moment (after a recoverable failure).
    pub backoff_until: Option<OffsetDateTime>,
    /// A non-recoverable error is returned until this moment.
    pub error_until: Option<OffsetDateTime>,
}

/// What a caller gets now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Nothing is cached: fetch (every caller waits for the one fetch).
    Fetch,
    /// The cached credentials, without a lock or IO.
    Valid,
    /// A refresh is due but the backoff holds it off: the cached credentials, even
    /// past their expiry.
    Backoff,
    /// The cached non-recoverable error.
    CachedError,
    /// A refresh is wanted: one caller refreshes, the others get the cached credentials.
    Advisory,
    /// A refresh is needed: every caller waits for it.
    Mandatory,
}

/// The policy's answer for a caller at `now`.
pub fn decide(now: OffsetDateTime, view: &CacheView) -> Decision {
    let error_live = view.error_until.is_some_and(|until| now < until);
    if !view.has_credentials {
        return if error_live {
            Decision::CachedError
        } else {
            Decision::Fetch
        };
    }
    let Some(d) = view.deadlines else {
        return Decision::Valid;
    };
    if now < d.refresh_at {
        Decision::Valid
    } else if view.backoff_until.is_some_and(|until| now < until) {
        Decision::Backoff
    } else if error_live {
        Decision::CachedError
    } else if now < d.mandatory_at {
        Decision::Advisory
    } else {
        Decision::Mandatory
    }
}

/// The backoff after a recoverable failure: 300 to 600 whole seconds, from `draw`.
pub fn backoff(draw: u64) -> Duration {
    uniform_secs(draw, BACKOFF_MIN, BACKOFF_MAX)
}

/// How long a non-recoverable error is cached: 1 to 5 whole seconds, from `draw`.
pub fn error_ttl(draw: u64) -> Duration {
    uniform_secs(draw, ERROR_TTL_MIN, ERROR_TTL_MAX)
}

fn uniform_secs(draw: u64, lo: Duration, hi: Duration) -> Duration {
    let span = hi.as_secs() - lo.as_secs() + 1;
    lo + Duration::from_secs(draw % span)
}

/// Whether credentials expiring at `expiry` are already expired at `now` (a source
/// that hands them out has failed).
pub fn is_stale(expiry: Option<OffsetDateTime>, now: OffsetDateTime) -> bool {
    expiry.is_some_and(|e| e <= now)
}

/// `now + d`, saturating.
pub fn after(now: OffsetDateTime, d: Duration) -> OffsetDateTime {
    now.saturating_add(to_time(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_800_000_000;

    fn at(secs: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(T + secs).unwrap()
    }

    fn cached(lifetime: u64) -> CacheView {
        let w = RefreshPolicy::new().windows(Duration::from_secs(lifetime), 0);
        CacheView {
            has_credentials: true,
            deadlines: Some(Deadlines::new(at(0), w)),
            ..CacheView::default()
        }
    }

    #[test]
    fn lifetime_tiers_match_the_table() {
        let a = |s| advisory_for_lifetime(Duration::from_secs(s)).as_secs();
        assert_eq!((a(600), a(1200), a(1201), a(1230)), (300, 300, 900, 900));
        assert_eq!((a(5399), a(5400), a(21600)), (900, 3600, 3600));
        assert_eq!(a(0), 300);
    }

    #[test]
    fn each_region_of_the_timeline_gets_its_decision() {
        let v = cached(900); // A = 300, M = 60
        assert_eq!(decide(at(-301), &v), Decision::Valid);
        assert_eq!(decide(at(-300), &v), Decision::Advisory);
        assert_eq!(decide(at(-61), &v), Decision::Advisory);
        assert_eq!(decide(at(-60), &v), Decision::Mandatory);
        assert_eq!(decide(at(1), &v), Decision::Mandatory);
        assert_eq!(decide(at(0), &CacheView::default()), Decision::Fetch);
    }

    #[test]
    fn backoff_comes_before_the_cached_error_and_after_valid() {
        let mut v = cached(900);
        v.backoff_until = Some(at(100));
        v.error_until = Some(at(100));
        assert_eq!(decide(at(-400), &v), Decision::Valid);
        assert_eq!(decide(at(50), &v), Decision::Backoff);
        v.backoff_until = None;
        assert_eq!(decide(at(50), &v), Decision::CachedError);
        assert_eq!(decide(at(100), &v), Decision::Mandatory);
        let empty = CacheView {
            error_until: Some(at(5)),
            ..CacheView::default()
        };
        assert_eq!(decide(at(4), &empty), Decision::CachedError);
        assert_eq!(decide(at(5), &empty), Decision::Fetch);
    }

    #[test]
    fn credentials_without_expiry_are_never_refreshed() {
        let v = CacheView {
            has_credentials: true,
            ..CacheView::default()
        };
        assert_eq!(decide(at(1_000_000), &v), Decision::Valid);
    }

    #[test]
    fn draws_land_inside_the_ranges() {
        for draw in [0, 1, 299, 300, 301, 12345, u64::MAX] {
            let b = backoff(draw).as_secs();
            assert!((300..=600).contains(&b), "{b}");
            let e = error_ttl(draw).as_secs();
            assert!((1..=5).contains(&e), "{e}");
        }
        assert_eq!(backoff(120).as_secs(), 420);
        assert_eq!(backoff(300).as_secs(), 600);
        assert_eq!(backoff(301).as_secs(), 300);
    }

    #[test]
    fn a_fixed_window_overrides_the_table_and_jitter_stays_above_the_mandatory_minute() {
        let p = RefreshPolicy::new().with_advisory_window(Duration::from_secs(1800));
        let w = p.windows(Duration::from_secs(21600), 0);
        assert_eq!((w.advisory.as_secs(), w.mandatory.as_secs()), (1800, 60));
        let j = RefreshPolicy::new().with_jitter(1.0);
        let lo = j.windows(Duration::from_secs(3600), u64::MAX);
        let hi = j.windows(Duration::from_secs(3600), 0);
        assert!(lo.advisory >= MANDATORY_WINDOW && lo.advisory < Duration::from_secs(61));
        assert_eq!(hi.advisory, Duration::from_secs(900));
        let half = j.windows(Duration::from_secs(3600), 1 << 63);
        assert_eq!(half.advisory, Duration::from_secs(480));
        assert_eq!(RefreshPolicy::new().with_jitter(f64::NAN).jitter(), 0.0);
        assert_eq!(RefreshPolicy::new().with_jitter(7.0).jitter(), 1.0);
    }

    #[test]
    fn a_short_fixed_window_makes_an_equal_mandatory_window() {
        let p = RefreshPolicy::new().with_advisory_window(Duration::from_secs(30));
        let w = p.windows(Duration::from_secs(3600), 0);
        assert_eq!((w.advisory.as_secs(), w.mandatory.as_secs()), (30, 30));
    }

    #[test]
    fn a_capped_backoff_ends_at_expiry_only_while_the_credentials_are_valid() {
        let wait = Duration::from_secs(420);
        let p = RefreshPolicy::new();
        assert_eq!(p.backoff_until(at(-30), wait, Some(at(0))), at(390));
        let capped = p.with_backoff_capped_at_expiry();
        assert_eq!(capped.backoff_until(at(-30), wait, Some(at(0))), at(0));
        assert_eq!(capped.backoff_until(at(-600), wait, Some(at(0))), at(-180));
        assert_eq!(capped.backoff_until(at(5), wait, Some(at(0))), at(425));
        assert_eq!(capped.backoff_until(at(5), wait, None), at(425));
    }

    #[test]
    fn a_backoff_after_expiry_is_short_only_once_the_credentials_expired() {
        let wait = Duration::from_secs(420);
        let shared = RefreshPolicy::new().with_backoff_after_expiry(Duration::from_secs(30));
        // Still valid: the whole backoff (the cross-SDK rule), unless capped.
        assert_eq!(shared.backoff_until(at(-600), wait, Some(at(0))), at(-180));
        assert_eq!(
            shared
                .with_backoff_capped_at_expiry()
                .backoff_until(at(-30), wait, Some(at(0))),
            at(0)
        );
        // Expired (at or after expiry): at most 30 s.
        assert_eq!(shared.backoff_until(at(0), wait, Some(at(0))), at(30));
        assert_eq!(shared.backoff_until(at(100), wait, Some(at(0))), at(130));
        assert_eq!(
            shared.backoff_until(at(100), Duration::from_secs(10), Some(at(0))),
            at(110)
        );
        // Never-expiring credentials are not expired.
        assert_eq!(shared.backoff_until(at(100), wait, None), at(520));
        // Off by default.
        assert_eq!(
            RefreshPolicy::new().backoff_until(at(100), wait, Some(at(0))),
            at(520)
        );
    }

    #[test]
    fn stale_means_at_or_before_now() {
        assert!(is_stale(Some(at(0)), at(0)));
        assert!(!is_stale(Some(at(1)), at(0)));
        assert!(!is_stale(None, at(0)));
    }
}
