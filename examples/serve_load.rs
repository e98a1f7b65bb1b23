//! The load half of `scripts/serve_bench.sh`, and the peer it compares `stskit serve`
//! with: a plain HTTP server of the same stack (hyper's HTTP/1.1 server on tokio, the
//! same runtime size) answering a constant body of the same size.
//!
//! ```text
//! serve_load load URL TOKEN CONNECTIONS REQUESTS   # keep-alive GETs; prints requests/s, p50, p99
//! serve_load constant                              # prints its URL; serves until stdin closes
//! ```

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 4));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .expect("runtime");
    match args.first().map(String::as_str) {
        Some("load") if args.len() == 5 => {
            let connections: usize = args[3].parse().expect("CONNECTIONS");
            let requests: i64 = args[4].parse().expect("REQUESTS");
            rt.block_on(load(&args[1], &args[2], connections, requests));
        }
        Some("constant") => rt.block_on(constant()),
        _ => {
            eprintln!(
                "usage: serve_load load URL TOKEN CONNECTIONS REQUESTS | serve_load constant"
            );
            std::process::exit(2);
        }
    }
}

/// `CONNECTIONS` connections, opened together, share `REQUESTS` keep-alive GETs.
async fn load(url: &str, token: &str, connections: usize, requests: i64) {
    let authority = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let request = Arc::new(format!(
        "GET / HTTP/1.1\r\nHost: {authority}\r\nAuthorization: {token}\r\n\r\n"
    ));
    let left = Arc::new(AtomicI64::new(requests));
    let failed = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (authority, request, left, failed) = (
            authority.clone(),
            request.clone(),
            left.clone(),
            failed.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let Ok(mut stream) = TcpStream::connect(&authority).await else {
                failed.fetch_add(1, Ordering::Relaxed);
                return latencies;
            };
            let _ = stream.set_nodelay(true);
            let mut buf = vec![0u8; 8192];
            while left.fetch_sub(1, Ordering::Relaxed) > 0 {
                let sent = Instant::now();
                if stream.write_all(request.as_bytes()).await.is_err()
                    || !read_response(&mut stream, &mut buf).await
                {
                    failed.fetch_add(1, Ordering::Relaxed);
                    return latencies;
                }
                latencies.push(sent.elapsed());
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("task"));
    }
    let elapsed = started.elapsed();
    all.sort();
    let pct = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    println!(
        "{} requests over {connections} connections in {:.2} s: {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms, {} failed",
        all.len(),
        elapsed.as_secs_f64(),
        all.len() as f64 / elapsed.as_secs_f64(),
        ms(pct(0.50)),
        ms(pct(0.99)),
        failed.load(Ordering::Relaxed)
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Reads one response (head, then `Content-Length` bytes); whether it was a 200.
async fn read_response(stream: &mut TcpStream, buf: &mut [u8]) -> bool {
    let mut have = 0;
    let head_end = loop {
        if let Some(i) = buf[..have].windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if have == buf.len() {
            return false;
        }
        match stream.read(&mut buf[have..]).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => have += n,
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let ok = head.starts_with("http/1.1 200");
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = have - head_end;
    while body < length {
        match stream.read(&mut buf[..]).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => body += n,
        }
    }
    ok
}

/// The same stack answering a constant: the floor `stskit serve` is measured against.
async fn constant() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    println!("http://{}/", listener.local_addr().expect("addr"));
    // A body the size of a credentials answer.
    let body = Bytes::from(format!(
        "{{\"AccessKeyId\":\"ASIA{}\",\"SecretAccessKey\":\"{}\",\"Token\":\"{}\",\"Expiration\":\"2030-01-01T00:00:00Z\"}}",
        "X".repeat(16),
        "s".repeat(40),
        "t".repeat(100)
    ));
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let body = body.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |_req| {
                    let body = body.clone();
                    async move {
                        let mut r = hyper::Response::new(Full::new(body));
                        r.headers_mut().insert(
                            hyper::header::CONTENT_TYPE,
                            hyper::header::HeaderValue::from_static("application/json"),
                        );
                        Ok::<_, Infallible>(r)
                    }
                });
                let _ = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(Duration::from_secs(10))
                    .max_buf_size(16 * 1024)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    // Serves until stdin closes.
    let _ = tokio::task::spawn_blocking(|| {
        let mut sink = String::new();
        let _ = std::io::Read::read_to_string(&mut std::io::stdin(), &mut sink);
    })
    .await;
}
