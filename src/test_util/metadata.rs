//! A loopback double of the HTTP credential sources: EC2 instance metadata (IMDSv2 and,
//! when allowed, v1), a container credentials endpoint, and IAM Identity Center (the
//! portal's `GetRoleCredentials` and OIDC `CreateToken` with a refresh token), with
//! scripted faults.

use super::server::{Incoming, head, read_request};
use super::*;

/// A fault for the next request (any path), or a standing setting.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum MetadataFault {
    /// Answer this status with this body.
    Status(u16, String),
    /// Wait, then answer normally.
    Slow(Duration),
    /// Accept and never answer.
    Silent,
    /// Answer 200 with a body that is not JSON.
    WrongJson,
    /// Answer 200 with a 1 MiB body.
    Oversized,
    /// Answer normally, with credentials that expired an hour ago.
    Expired,
}

/// One request the double received.
#[derive(Debug, Clone)]
pub struct MetadataRequest {
    /// Method.
    pub method: String,
    /// Path and query.
    pub target: String,
    /// Headers as received (they may hold tokens: for assertions only).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl MetadataRequest {
    /// The first value of a header (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

struct MetaState {
    script: VecDeque<MetadataFault>,
    requests: Vec<MetadataRequest>,
    imds_token: String,
    token_status: Option<u16>,
    allow_v1: bool,
    role: String,
    imds_code: String,
    container_path: String,
    container_token: Option<String>,
    sso_access_token: String,
    sso_refresh_token: String,
    sso_new_access_token: String,
    credentials: (String, String, String),
    expiration: OffsetDateTime,
    tokens_issued: u64,
}

/// A running metadata double. Dropping it stops accepting connections.
pub struct MetadataDouble {
    addr: SocketAddr,
    state: Arc<Mutex<MetaState>>,
    task: tokio::task::JoinHandle<()>,
}

impl fmt::Debug for MetadataDouble {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetadataDouble")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Drop for MetadataDouble {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The access key id the double hands out.
pub const METADATA_ACCESS_KEY_ID: &str = "ASIAMETADATAEXAMPLE1";

impl MetadataDouble {
    /// Starts on `127.0.0.1` with role `stskit-instance-role`, container path
    /// `/v1/credentials` (no token required), SSO access token `sso-access-token` (and
    /// refresh token `sso-refresh-token`, which `CreateToken` trades for
    /// `sso-access-token-2`), and credentials that expire 6 hours after the start
    /// (whole seconds).
    ///
    /// # Errors
    /// The `io::Error` of binding the socket.
    pub async fn start() -> std::io::Result<MetadataDouble> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let now = SystemClock.now();
        let expiration = now
            .replace_nanosecond(0)
            .unwrap_or(now)
            .checked_add(time::Duration::hours(6))
            .unwrap_or(now);
        let state = Arc::new(Mutex::new(MetaState {
            script: VecDeque::new(),
            requests: Vec::new(),
            imds_token: String::new(),
            token_status: None,
            allow_v1: false,
            role: "stskit-instance-role".into(),
            imds_code: "Success".into(),
            container_path: "/v1/credentials".into(),
            container_token: None,
            sso_access_token: "sso-access-token".into(),
            sso_refresh_token: "sso-refresh-token".into(),
            sso_new_access_token: "sso-access-token-2".into(),
            credentials: (
                METADATA_ACCESS_KEY_ID.into(),
                "metadata/secret+key".into(),
                "metadata-session-token".into(),
            ),
            expiration,
            tokens_issued: 0,
        }));
        let accept_state = Arc::clone(&state);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let st = Arc::clone(&accept_state);
                tokio::spawn(async move {
                    let _ = serve_metadata(stream, st).await;
                });
            }
        });
        Ok(MetadataDouble { addr, state, task })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MetaState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `http://127.0.0.1:PORT` (no trailing `/`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The full container credentials URL.
    pub fn container_url(&self) -> String {
        format!("{}{}", self.url(), self.lock().container_path)
    }

    /// Queues a fault for the next request.
    pub fn push(&self, fault: MetadataFault) {
        self.lock().script.push_back(fault);
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<MetadataRequest> {
        self.lock().requests.clone()
    }

    /// How many requests so far.
    pub fn request_count(&self) -> usize {
        self.lock().requests.len()
    }

    /// Every IMDS session token issued so far.
    pub fn imds_tokens_issued(&self) -> u64 {
        self.lock().tokens_issued
    }

    /// The IMDS token of the last `PUT` (empty before any).
    pub fn imds_token(&self) -> String {
        self.lock().imds_token.clone()
    }

    /// Refuses every token `PUT` with this status (`None`: issue tokens).
    pub fn set_token_status(&self, status: Option<u16>) {
        self.lock().token_status = status;
    }

    /// Answers IMDS GETs without a token (IMDSv1).
    pub fn set_allow_v1(&self, on: bool) {
        self.lock().allow_v1 = on;
    }

    /// The `Code` of the IMDS credentials answer.
    pub fn set_imds_code(&self, code: &str) {
        self.lock().imds_code = code.to_owned();
    }

    /// Requires this `Authorization` value on the container path.
    pub fn set_container_token(&self, token: Option<&str>) {
        self.lock().container_token = token.map(str::to_owned);
    }

    /// The credentials handed out (key id, secret, token).
    pub fn credentials(&self) -> (String, String, String) {
        self.lock().credentials.clone()
    }

    /// When the credentials handed out expire.
    pub fn expiration(&self) -> OffsetDateTime {
        self.lock().expiration
    }

    /// Sets when the credentials handed out expire.
    pub fn set_expiration(&self, at: OffsetDateTime) {
        self.lock().expiration = at;
    }
}

fn json_escape(s: &str) -> String {
    let mut out = String::new();
    crate::pyjson::string(&mut out, s);
    out
}

/// The answer for one request: status, content type, body.
fn route(req: &Incoming, st: &mut MetaState, expired: bool) -> (u16, &'static str, Vec<u8>) {
    let (path, query) = req.target.split_once('?').unwrap_or((&req.target, ""));
    let header = |n: &str| find_header(&req.headers, n).map(str::to_owned);
    let expiration = if expired {
        st.expiration - time::Duration::hours(7)
    } else {
        st.expiration
    };
    let (id, secret, token) = st.credentials.clone();
    let creds_json = |extra: &str| {
        format!(
            "{{\"Code\": \"{}\", \"LastUpdated\": \"{}\", \"Type\": \"AWS-HMAC\", \"AccessKeyId\": {}, \"SecretAccessKey\": {}, \"Token\": {}, \"Expiration\": \"{}\"{extra}}}",
            st.imds_code,
            format_rfc3339(expiration - time::Duration::hours(1)),
            json_escape(&id),
            json_escape(&secret),
            json_escape(&token),
            format_rfc3339(expiration)
        )
    };
    let text = |status: u16, body: String| (status, "text/plain", body.into_bytes());
    let json = |status: u16, body: String| (status, "application/json", body.into_bytes());
    if path == "/latest/api/token" {
        if req.method != "PUT" {
            return text(405, String::new());
        }
        if let Some(s) = st.token_status {
            return text(s, String::new());
        }
        if header("x-aws-ec2-metadata-token-ttl-seconds").is_none() {
            return text(400, String::new());
        }
        st.tokens_issued += 1;
        st.imds_token = format!("imds-session-token-{}", st.tokens_issued);
        return text(200, st.imds_token.clone());
    }
    if let Some(rest) = path.strip_prefix("/latest/meta-data/iam/security-credentials/") {
        let authorized = match header("x-aws-ec2-metadata-token") {
            Some(t) => !st.imds_token.is_empty() && t == st.imds_token,
            None => st.allow_v1,
        };
        if !authorized {
            return text(401, String::new());
        }
        return if rest.is_empty() {
            text(200, st.role.clone())
        } else if rest == st.role {
            json(200, creds_json(""))
        } else {
            text(404, String::new())
        };
    }
    if path == st.container_path {
        if let Some(want) = &st.container_token
            && header("Authorization").as_deref() != Some(want.as_str())
        {
            return json(
                403,
                "{\"code\":\"AccessDeniedException\",\"message\":\"the authorization token is not valid\"}".into(),
            );
        }
        let body = format!(
            "{{\"AccessKeyId\": {}, \"SecretAccessKey\": {}, \"Token\": {}, \"Expiration\": \"{}\", \"AccountId\": \"123456789012\"}}",
            json_escape(&id),
            json_escape(&secret),
            json_escape(&token),
            format_rfc3339(expiration)
        );
        return json(200, body);
    }
    if path == "/federation/credentials" {
        let bearer = header("x-amz-sso_bearer_token").unwrap_or_default();
        if bearer != st.sso_access_token && bearer != st.sso_new_access_token {
            return json(
                401,
                "{\"message\":\"Session token not found or invalid\"}".into(),
            );
        }
        if !query.contains("role_name=") || !query.contains("account_id=") {
            return json(
                400,
                "{\"message\":\"missing role_name or account_id\"}".into(),
            );
        }
        let ms = expiration.unix_timestamp() * 1000 + 123;
        let body = format!(
            "{{\"roleCredentials\":{{\"accessKeyId\":{},\"secretAccessKey\":{},\"sessionToken\":{},\"expiration\":{ms}}}}}",
            json_escape(&id),
            json_escape(&secret),
            json_escape(&token)
        );
        return json(200, body);
    }
    if path == "/token" && req.method == "POST" {
        let v: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or_default();
        let ok = v["grantType"] == "refresh_token"
            && v["refreshToken"] == st.sso_refresh_token.as_str()
            && v["clientId"].is_string()
            && v["clientSecret"].is_string();
        if !ok {
            return json(
                400,
                "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid refresh token provided\"}".into(),
            );
        }
        let body = format!(
            "{{\"accessToken\":{},\"tokenType\":\"Bearer\",\"expiresIn\":28800,\"refreshToken\":\"sso-refresh-token-2\"}}",
            json_escape(&st.sso_new_access_token)
        );
        return json(200, body);
    }
    text(404, String::new())
}

async fn serve_metadata(
    mut stream: tokio::net::TcpStream,
    state: Arc<Mutex<MetaState>>,
) -> std::io::Result<()> {
    let Some(req) = read_request(&mut stream).await else {
        return Ok(());
    };
    let lock = || state.lock().unwrap_or_else(|e| e.into_inner());
    let fault = {
        let mut st = lock();
        st.requests.push(MetadataRequest {
            method: req.method.clone(),
            target: req.target.clone(),
            headers: req.headers.clone(),
            body: req.body.clone(),
        });
        st.script.pop_front()
    };
    let date = format_http_date(SystemClock.now());
    let mut expired = false;
    let (status, content_type, body) = match fault {
        Some(MetadataFault::Silent) => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            return Ok(());
        }
        Some(MetadataFault::Status(s, b)) => (s, "application/json", b.into_bytes()),
        Some(MetadataFault::WrongJson) => (200, "application/json", b"{\"AccessKeyId\": ".to_vec()),
        Some(MetadataFault::Oversized) => (200, "application/json", vec![b' '; 1 << 20]),
        Some(MetadataFault::Slow(d)) => {
            tokio::time::sleep(d).await;
            route(&req, &mut lock(), false)
        }
        Some(MetadataFault::Expired) => {
            expired = true;
            route(&req, &mut lock(), expired)
        }
        None => route(&req, &mut lock(), expired),
    };
    stream
        .write_all(&head(
            status,
            content_type,
            Some(body.len()),
            &[],
            &date,
            "00000000-0000-0000-0000-000000000000",
        ))
        .await?;
    stream.write_all(&body).await?;
    stream.flush().await
}
