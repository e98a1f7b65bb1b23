//! The HTTP/1.1 (and TLS) server: one request per connection, bounded head and body.

use super::sts::{answer, request_id};
use super::verify::check_signature;
use super::*;

pub(super) fn tls_acceptor(
    cert_pem: &str,
    key_pem: &str,
) -> std::io::Result<tokio_rustls::TlsAcceptor> {
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidInput, what.to_owned());
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
        .collect::<Result<_, _>>()
        .map_err(|_| bad("unreadable certificate PEM"))?;
    let key =
        PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).map_err(|_| bad("unreadable key PEM"))?;
    // The process's default provider, installed from rustls's crate features (ring, as
    // reqwest's rustls uses): no provider is named here, so none of its constructors
    // can go out of date under us.
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|_| bad("certificate and key do not match"))?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

pub(super) struct Incoming {
    pub(super) method: String,
    pub(super) target: String,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Vec<u8>,
}

pub(super) async fn read_request<S: AsyncRead + Unpin>(stream: &mut S) -> Option<Incoming> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.splitn(3, ' ');
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let len: usize = find_header(&headers, "content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if len > MAX_BODY {
        return None;
    }
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(len);
    Some(Incoming {
        method,
        target,
        headers,
        body,
    })
}

pub(super) fn head(
    status: u16,
    content_type: &str,
    content_length: Option<usize>,
    extra: &[(&str, String)],
    date: &str,
    rid: &str,
) -> Vec<u8> {
    let reason = match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        403 => "Forbidden",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    };
    let mut h = format!(
        "HTTP/1.1 {status} {reason}\r\nDate: {date}\r\nx-amzn-RequestId: {rid}\r\nConnection: close\r\n"
    );
    if !content_type.is_empty() {
        h.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    match content_length {
        Some(n) => h.push_str(&format!("Content-Length: {n}\r\n")),
        None => h.push_str("Transfer-Encoding: chunked\r\n"),
    }
    for (k, v) in extra {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    h.push_str("\r\n");
    h.into_bytes()
}

pub(super) async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    state: Arc<Mutex<State>>,
) -> std::io::Result<()> {
    let Some(req) = read_request(&mut stream).await else {
        return Ok(());
    };
    let lock = || state.lock().unwrap_or_else(|e| e.into_inner());
    let (reply, check, scope, key_id, now, rid) = {
        let mut st = lock();
        let now = st.clock.now();
        let now = now.checked_add(st.clock_offset).unwrap_or(now);
        let (check, scope, key_id) = check_signature(&req, &st, now);
        let reply = st.script.pop_front().unwrap_or(Reply::Normal);
        st.requests.push(RecordedRequest {
            method: req.method.clone(),
            target: req.target.clone(),
            headers: req.headers.clone(),
            body: req.body.clone(),
            signature: check,
            scope: scope.clone(),
        });
        let rid = request_id(st.requests.len() as u64 + 1_000_000);
        (reply, check, scope, key_id, now, rid)
    };
    let _ = scope;
    let date = format_http_date(now);
    let mut reply = reply;
    loop {
        match reply {
            Reply::Handler(h) => {
                let recorded = lock().requests.last().cloned();
                reply = match recorded {
                    Some(r) => h(&r),
                    None => Reply::Normal,
                };
            }
            Reply::Delay(d, next) => {
                tokio::time::sleep(d).await;
                reply = *next;
            }
            other => {
                reply = other;
                break;
            }
        }
    }
    match reply {
        Reply::Normal | Reply::Canned { .. } => {
            let (status, content_type, body) = match reply {
                Reply::Canned {
                    status,
                    content_type,
                    body,
                } => (status, content_type, body),
                _ => {
                    let replayer = lock().replayer.clone();
                    match replayer {
                        Some(r) => from_cassette(&r, &req, &rid),
                        None => {
                            let (status, body) = answer(&req, &mut lock(), check, key_id, now);
                            (status, "text/xml".to_owned(), body)
                        }
                    }
                }
            };
            stream
                .write_all(&head(
                    status,
                    &content_type,
                    Some(body.len()),
                    &[],
                    &date,
                    &rid,
                ))
                .await?;
            stream.write_all(&body).await?;
        }
        Reply::Silent => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        Reply::Drip { body, interval } => {
            stream
                .write_all(&head(200, "text/xml", Some(body.len()), &[], &date, &rid))
                .await?;
            for b in body {
                stream.write_all(&[b]).await?;
                stream.flush().await?;
                tokio::time::sleep(interval).await;
            }
        }
        Reply::Redirect { status, location } => {
            stream
                .write_all(&head(
                    status,
                    "",
                    Some(0),
                    &[("Location", location)],
                    &date,
                    &rid,
                ))
                .await?;
        }
        Reply::Oversized {
            len,
            content_length,
        } => {
            const FILL: [u8; 16 * 1024] = [b' '; 16 * 1024];
            let prefix = b"<AssumeRoleResponse>";
            stream
                .write_all(&head(
                    200,
                    "text/xml",
                    content_length.then_some(len),
                    &[],
                    &date,
                    &rid,
                ))
                .await?;
            let mut sent = 0;
            let mut first = true;
            while sent < len {
                let n = (len - sent).min(FILL.len());
                let piece: Vec<u8> = if first {
                    first = false;
                    let mut p = prefix.to_vec();
                    p.extend_from_slice(&FILL[..n.saturating_sub(prefix.len())]);
                    p.truncate(n);
                    p
                } else {
                    FILL[..n].to_vec()
                };
                if content_length {
                    stream.write_all(&piece).await?;
                } else {
                    stream
                        .write_all(format!("{:x}\r\n", piece.len()).as_bytes())
                        .await?;
                    stream.write_all(&piece).await?;
                    stream.write_all(b"\r\n").await?;
                }
                sent += piece.len();
            }
            if !content_length {
                stream.write_all(b"0\r\n\r\n").await?;
            }
        }
        Reply::Truncated { body, declared_len } => {
            stream
                .write_all(&head(200, "text/xml", Some(declared_len), &[], &date, &rid))
                .await?;
            stream.write_all(&body).await?;
        }
        Reply::Delay(..) | Reply::Handler(_) => unreachable!("resolved above"),
    }
    stream.flush().await?;
    let _ = stream.shutdown().await;
    Ok(())
}

/// The recorded answer to `req`, or a 400 naming how it differs from the cassette.
fn from_cassette(
    replayer: &crate::cassette::replay::Replayer,
    req: &Incoming,
    rid: &str,
) -> (u16, String, Vec<u8>) {
    let mut request = Request::new(
        req.method.clone(),
        format!("http://127.0.0.1{}", req.target),
    )
    .with_body(req.body.clone());
    for (n, v) in &req.headers {
        request.append_header(n.clone(), v.clone());
    }
    match replayer.answer(&request) {
        Ok(r) => {
            let content_type = r.header("content-type").unwrap_or("text/xml").to_owned();
            (r.status(), content_type, r.body().to_vec())
        }
        Err(m) => (
            400,
            "text/xml".to_owned(),
            super::sts::error_body("StsDoubleCassetteMismatch", &m.to_string(), rid),
        ),
    }
}
