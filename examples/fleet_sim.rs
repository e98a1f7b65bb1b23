//! A fleet of processes, each running stskit's real `CredentialsCache`, against a
//! simulated STS with a rate limit and an outage, on one virtual clock (no sleeping).
//!
//! ```text
//! cargo run --release --example fleet_sim -- --table            # the docs' table
//! cargo run --release --example fleet_sim -- --processes 1000 --hours 8 --jitter 1
//! ```
//!
//! Each process starts within the first `--spread` seconds, asks its cache for
//! credentials every `--interval` seconds, and gets 1-hour credentials from the
//! simulated STS, which throttles calls above `--rate` per second and fails every call
//! during the outage. Measured after the first `--warmup` hours: STS calls per second
//! (mean, p99, peak; and the peak one-minute rate), throttled calls, callers that got
//! an error, callers that got expired credentials. `--table` runs the configurations
//! of docs/performance.md and checks the targets (exit status 1 if one fails);
//! `--check` checks them for one run.
//!
//! `--hosts N` puts the processes on N hosts, each running one `stskit serve`: a
//! cache of its own in front of STS, and each process's SDK a client of its host's
//! server (its own cache with the SDK's default policy over the host's cache), so only
//! the hosts call STS. `--table` ends with 10,000 independent caches against 100
//! hosts, with and without the outage.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use stskit::Credentials;
use stskit::cache::{CredentialsCache, RefreshPolicy, SystemRandom};
use stskit::error::{CredentialsError, ProvideError};
use stskit::provider::{ProvideCredentials, ProvideFuture, Provided};
use time::OffsetDateTime;

/// The virtual clock starts here (unix seconds).
const EPOCH: i64 = 1_900_000_000;

#[derive(Clone, Debug)]
struct Config {
    processes: usize,
    hours: i64,
    spread: i64,
    interval: i64,
    lifetime: i64,
    rate: u32,
    jitter: f64,
    /// A fixed advisory window (seconds) instead of the lifetime table.
    advisory: Option<u64>,
    backoff: bool,
    /// End a backoff at the credentials' expiry while they are valid.
    capped: bool,
    /// Start (seconds after the epoch) and length of the outage.
    outage: Option<(i64, i64)>,
    warmup_hours: i64,
    seed: u64,
    /// Hosts running one credentials server each (0: every process calls STS).
    hosts: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            processes: 10_000,
            hours: 24,
            spread: 600,
            interval: 60,
            lifetime: 3600,
            rate: 20,
            jitter: 0.0,
            advisory: None,
            backoff: true,
            capped: false,
            outage: None,
            warmup_hours: 6,
            seed: 1,
            hosts: 0,
        }
    }
}

/// The simulated STS: counts calls per second, throttles above the rate, fails during
/// the outage.
struct Sts {
    now: Arc<AtomicI64>,
    rate: u32,
    lifetime: i64,
    outage: Option<(i64, i64)>,
    log: Mutex<StsLog>,
}

#[derive(Default)]
struct StsLog {
    /// Calls in each second since the epoch (throttled ones included).
    per_second: Vec<u32>,
    /// Throttled calls in each second.
    throttled: Vec<u32>,
    failed_in_outage: u64,
    issued: u64,
}

impl Sts {
    fn answer(&self) -> Result<Provided, ProvideError> {
        let t = self.now.load(Ordering::Relaxed) - EPOCH;
        let mut log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        let slot = usize::try_from(t).unwrap_or(0);
        if log.per_second.len() <= slot {
            log.per_second.resize(slot + 1, 0);
            log.throttled.resize(slot + 1, 0);
        }
        log.per_second[slot] += 1;
        if self
            .outage
            .is_some_and(|(start, len)| t >= start && t < start + len)
        {
            log.failed_in_outage += 1;
            return Err(unavailable("ServiceUnavailable", 503));
        }
        if log.per_second[slot] > self.rate {
            log.throttled[slot] += 1;
            return Err(unavailable("Throttling", 400));
        }
        log.issued += 1;
        let key = format!("ASIASIM{:012}", log.issued);
        let expiry = OffsetDateTime::from_unix_timestamp(EPOCH + t + self.lifetime)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        Ok(Provided::new(
            Credentials::new(key, "sim-secret", Some("sim-token".into())),
            Some(expiry),
            "sim",
        ))
    }
}

fn unavailable(code: &str, status: u16) -> ProvideError {
    let body = format!(
        "<ErrorResponse><Error><Type>Receiver</Type><Code>{code}</Code></Error>\
         <RequestId>sim</RequestId></ErrorResponse>"
    );
    ProvideError::Failed(CredentialsError::Sts {
        profile: "sim".into(),
        error: stskit::sts::parse_error(status, &[], body.as_bytes()).into(),
    })
}

struct Source(Arc<Sts>);

impl ProvideCredentials for Source {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        let answer = self.0.answer();
        Box::pin(async move { answer })
    }
}

/// One host's `stskit serve`: its cache, answering as the server does (never with
/// expired credentials: those are a 503, which the client's SDK treats as a failed
/// refresh).
struct HostServer {
    cache: CredentialsCache,
    now: Arc<AtomicI64>,
}

impl ProvideCredentials for HostServer {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        let answer =
            ready(self.cache.credentials()).map_err(|_| unavailable("ServiceUnavailable", 503));
        let now = self.now.load(Ordering::Relaxed);
        let answer = answer.and_then(|p| match p.expiration {
            Some(e) if e.unix_timestamp() <= now => Err(unavailable("ServiceUnavailable", 503)),
            _ => Ok(Provided::clone(&p)),
        });
        Box::pin(async move { answer })
    }
}

/// Polls a future that the simulation makes ready at once (the simulated STS answers
/// without waiting).
fn ready<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("the simulation never waits"),
    }
}

#[derive(Debug, Default, Clone)]
struct Report {
    mean: f64,
    p99: u32,
    peak_second: u32,
    peak_minute_rate: f64,
    throttled: u64,
    throttled_in_window: u64,
    failed_in_outage: u64,
    sts_calls: u64,
    callers: u64,
    errors: u64,
    errors_while_valid: u64,
    expired_outside_outage: u64,
    expired_in_outage: u64,
    expired_after_outage: u64,
    /// The latest answer with expired credentials after the outage ended, in seconds.
    last_expired_after: i64,
}

fn run(cfg: &Config) -> Report {
    let now = Arc::new(AtomicI64::new(EPOCH));
    let sts = Arc::new(Sts {
        now: now.clone(),
        rate: cfg.rate,
        lifetime: cfg.lifetime,
        outage: cfg.outage,
        log: Mutex::default(),
    });
    let mut policy = RefreshPolicy::new().with_jitter(cfg.jitter);
    if let Some(secs) = cfg.advisory {
        policy = policy.with_advisory_window(std::time::Duration::from_secs(secs));
    }
    if !cfg.backoff {
        policy = policy.without_backoff();
    }
    if cfg.capped {
        policy = policy.with_backoff_capped_at_expiry();
    }
    let seeds = SystemRandom::seeded(cfg.seed);
    let cache = |source: Box<dyn ProvideCredentials>, policy: RefreshPolicy, i: usize| {
        let n = now.clone();
        CredentialsCache::builder(source)
            .with_clock(move || {
                OffsetDateTime::from_unix_timestamp(n.load(Ordering::Relaxed))
                    .unwrap_or(OffsetDateTime::UNIX_EPOCH)
            })
            .with_random(SystemRandom::seeded(
                cfg.seed.wrapping_mul(1_000_003) + i as u64,
            ))
            .with_policy(policy)
            .with_fetch_timeout(None)
            .build()
    };
    // With hosts: each host's server is a cache over STS with the run's policy and the
    // server's backoff rules (stskit::server::SERVER_POLICY), and each process's SDK a
    // cache with the default policy over its host's server, which answers 503 rather
    // than hand out expired credentials.
    let server_policy = policy
        .with_backoff_capped_at_expiry()
        .with_backoff_after_expiry(std::time::Duration::from_secs(30));
    let hosts: Vec<Arc<HostServer>> = (0..cfg.hosts)
        .map(|h| {
            Arc::new(HostServer {
                cache: cache(
                    Box::new(Source(sts.clone())),
                    server_policy,
                    cfg.processes + h,
                ),
                now: now.clone(),
            })
        })
        .collect();
    let caches: Vec<CredentialsCache> = (0..cfg.processes)
        .map(|i| match hosts.get(i % hosts.len().max(1)) {
            Some(host) => cache(Box::new(host.clone()), RefreshPolicy::new(), i),
            None => cache(Box::new(Source(sts.clone())), policy, i),
        })
        .collect();
    use stskit::cache::Random;
    let mut queue: BinaryHeap<Reverse<(i64, usize)>> = (0..cfg.processes)
        .map(|i| Reverse(((seeds.next_u64() % cfg.spread.max(1) as u64) as i64, i)))
        .collect();
    let end = cfg.hours * 3600;
    let warmup = cfg.warmup_hours * 3600;
    let outage_end = cfg.outage.map(|(s, l)| s + l);
    let mut r = Report::default();
    // What each process last held, to tell "an error while its credentials were valid".
    let mut held: Vec<Option<i64>> = vec![None; cfg.processes];
    while let Some(Reverse((t, i))) = queue.pop() {
        if t >= end {
            break;
        }
        now.store(EPOCH + t, Ordering::Relaxed);
        let measured = t >= warmup;
        let got = ready(caches[i].credentials());
        if measured {
            r.callers += 1;
        }
        match got {
            Ok(p) => {
                let exp = p
                    .expiration
                    .map_or(i64::MAX, |e| e.unix_timestamp() - EPOCH);
                held[i] = Some(exp);
                if exp <= t && measured {
                    match (cfg.outage, outage_end) {
                        (Some((s, _)), Some(e)) if t >= s && t < e => r.expired_in_outage += 1,
                        (Some(_), Some(e)) if t >= e && t < e + 3600 => {
                            r.expired_after_outage += 1;
                            r.last_expired_after = r.last_expired_after.max(t - e);
                        }
                        _ => r.expired_outside_outage += 1,
                    }
                }
            }
            Err(_) => {
                if measured {
                    r.errors += 1;
                    if held[i].is_some_and(|exp| exp > t) {
                        r.errors_while_valid += 1;
                    }
                }
            }
        }
        queue.push(Reverse((t + cfg.interval, i)));
    }
    let log = sts.log.lock().unwrap_or_else(|p| p.into_inner());
    let from = usize::try_from(warmup).unwrap_or(0);
    let mut window: Vec<u32> = (from..usize::try_from(end).unwrap_or(0))
        .map(|s| log.per_second.get(s).copied().unwrap_or(0))
        .collect();
    r.sts_calls = window.iter().map(|&c| u64::from(c)).sum();
    r.mean = r.sts_calls as f64 / window.len().max(1) as f64;
    r.peak_minute_rate = window
        .chunks(60)
        .map(|m| m.iter().map(|&c| f64::from(c)).sum::<f64>() / 60.0)
        .fold(0.0, f64::max);
    window.sort_unstable();
    r.peak_second = window.last().copied().unwrap_or(0);
    r.p99 = window
        .get(window.len().saturating_sub(1) * 99 / 100)
        .copied()
        .unwrap_or(0);
    r.throttled = log.throttled.iter().map(|&c| u64::from(c)).sum();
    r.throttled_in_window = log.throttled.iter().skip(from).map(|&c| u64::from(c)).sum();
    r.failed_in_outage = log.failed_in_outage;
    r
}

fn row(name: &str, r: &Report) -> String {
    format!(
        "| {name} | {:.2} | {} | {} | {:.2} ({:.2}x) | {} ({} in the first hours) | {} | {} ({} while valid) | {} / {} / {} (the last {} s after it) |",
        r.mean,
        r.p99,
        r.peak_second,
        r.peak_minute_rate,
        r.peak_minute_rate / r.mean.max(f64::MIN_POSITIVE),
        r.throttled_in_window,
        r.throttled - r.throttled_in_window,
        r.failed_in_outage,
        r.errors,
        r.errors_while_valid,
        r.expired_outside_outage,
        r.expired_in_outage,
        r.expired_after_outage,
        r.last_expired_after,
    )
}

const HEADER: &str = "| run | STS calls/s mean | p99 | peak | peak 1-min rate (x mean) | throttled | failed in outage | caller errors | answers with expired credentials: elsewhere / in outage / in the hour after |\n|---|---|---|---|---|---|---|---|---|";

/// The targets for a run with jitter: a peak one-minute rate within twice the mean,
/// no expired credentials outside an outage, no error while cached credentials were
/// valid.
fn check(name: &str, r: &Report, rate_target: bool) -> bool {
    let mut ok = r.expired_outside_outage == 0 && r.errors_while_valid == 0;
    if rate_target {
        ok &= r.peak_minute_rate <= 2.0 * r.mean;
    }
    if !ok {
        eprintln!("fleet_sim: {name}: a target is missed: {r:?}");
    }
    ok
}

/// Independent caches against one `stskit serve` per host (a hundredth of the
/// processes as hosts), the default policy, with and without the outage: STS calls
/// per hour and the peak one-minute rate. A shared run must meet the same targets.
fn shared_table(cfg: &Config, outage: Option<(i64, i64)>) -> bool {
    let hosts = (cfg.processes / 100).max(1);
    println!(
        "\nOne cache per process against one `stskit serve` per host ({hosts} hosts, {} processes each):\n",
        cfg.processes / hosts
    );
    println!(
        "| run | STS calls/h mean | peak 1-min rate (calls/s) | throttled | failed in outage | caller errors (while valid) | answers with expired credentials: elsewhere / in outage / in the hour after |"
    );
    println!("|---|---|---|---|---|---|---|");
    let mut ok = true;
    for (name, c) in [
        ("independent caches", cfg.clone()),
        (
            "one serve per host",
            Config {
                hosts,
                ..cfg.clone()
            },
        ),
        (
            "independent caches, outage",
            Config {
                outage,
                ..cfg.clone()
            },
        ),
        (
            "one serve per host, outage",
            Config {
                hosts,
                outage,
                ..cfg.clone()
            },
        ),
    ] {
        let r = run(&c);
        println!(
            "| {name} | {:.0} | {:.2} | {} | {} | {} ({}) | {} / {} / {} |",
            r.mean * 3600.0,
            r.peak_minute_rate,
            r.throttled_in_window,
            r.failed_in_outage,
            r.errors,
            r.errors_while_valid,
            r.expired_outside_outage,
            r.expired_in_outage,
            r.expired_after_outage
        );
        if c.hosts > 0 {
            ok &= check(name, &r, false);
        }
    }
    ok
}

fn parse_args() -> (Config, bool, bool) {
    let mut cfg = Config::default();
    let (mut table, mut checked) = (false, false);
    let mut args = std::env::args().skip(1);
    let mut outage_start = None;
    let mut outage_minutes = 15;
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--table" => table = true,
            "--check" => checked = true,
            "--processes" => cfg.processes = val().parse().expect("--processes N"),
            "--hours" => cfg.hours = val().parse().expect("--hours N"),
            "--spread" => cfg.spread = val().parse().expect("--spread SECONDS"),
            "--interval" => cfg.interval = val().parse().expect("--interval SECONDS"),
            "--rate" => cfg.rate = val().parse().expect("--rate CALLS_PER_SECOND"),
            "--jitter" => cfg.jitter = val().parse().expect("--jitter FRACTION"),
            "--advisory" => cfg.advisory = Some(val().parse().expect("--advisory SECONDS")),
            "--no-backoff" => cfg.backoff = false,
            "--capped" => cfg.capped = true,
            "--outage-at-hour" => {
                outage_start = Some(val().parse::<f64>().expect("--outage-at-hour H"))
            }
            "--outage-minutes" => outage_minutes = val().parse().expect("--outage-minutes M"),
            "--warmup" => cfg.warmup_hours = val().parse().expect("--warmup HOURS"),
            "--seed" => cfg.seed = val().parse().expect("--seed N"),
            "--hosts" => cfg.hosts = val().parse().expect("--hosts N"),
            other => panic!("unknown argument {other}"),
        }
    }
    cfg.outage = outage_start.map(|h| ((h * 3600.0) as i64, outage_minutes * 60));
    (cfg, table, checked)
}

fn main() {
    let (cfg, table, checked) = parse_args();
    let started = std::time::Instant::now();
    let mut ok = true;
    if table {
        let outage = Some((12 * 3600, 15 * 60));
        let wide = Some(1800);
        let runs = [
            ("no jitter", cfg.clone(), false),
            (
                "jitter 1.0",
                Config {
                    jitter: 1.0,
                    ..cfg.clone()
                },
                false,
            ),
            (
                "30-min window, jitter 0.6",
                Config {
                    jitter: 0.6,
                    advisory: wide,
                    ..cfg.clone()
                },
                true,
            ),
            (
                "outage: no jitter, no backoff",
                Config {
                    backoff: false,
                    outage,
                    ..cfg.clone()
                },
                false,
            ),
            (
                "outage: no jitter, backoff",
                Config {
                    outage,
                    ..cfg.clone()
                },
                false,
            ),
            (
                "outage: 30-min window, jitter 0.6, backoff",
                Config {
                    jitter: 0.6,
                    advisory: wide,
                    outage,
                    ..cfg.clone()
                },
                false,
            ),
            (
                "outage: 30-min window, jitter 0.6, backoff capped at expiry",
                Config {
                    jitter: 0.6,
                    advisory: wide,
                    capped: true,
                    outage,
                    ..cfg.clone()
                },
                false,
            ),
        ];
        println!(
            "{} processes, {} h, start spread {} s, a call every {} s, {} s credentials, \
             STS limit {}/s; measured after {} h\n",
            cfg.processes,
            cfg.hours,
            cfg.spread,
            cfg.interval,
            cfg.lifetime,
            cfg.rate,
            cfg.warmup_hours
        );
        println!("{HEADER}");
        for (name, c, rate_target) in runs {
            let r = run(&c);
            println!("{}", row(name, &r));
            if c.backoff && c.advisory.is_some() {
                ok &= check(name, &r, rate_target);
            }
        }
        ok &= shared_table(&cfg, outage);
    } else {
        let r = run(&cfg);
        println!("{HEADER}");
        println!("{}", row("this run", &r));
        if checked {
            ok &= check(
                "this run",
                &r,
                cfg.jitter > 0.0 && cfg.advisory.is_some() && cfg.outage.is_none(),
            );
        }
    }
    eprintln!("fleet_sim: {:.1} s", started.elapsed().as_secs_f64());
    if !ok {
        std::process::exit(1);
    }
}
