//! The HTTP credential sources as a hostile server answers them: the fuzz input is
//! split into the answers (status, then body) of instance metadata's three requests,
//! the container endpoint's and IAM Identity Center's. Any answer gives credentials or
//! a typed error, never a panic, and no error shows the tokens the client sent.
#![no_main]

use std::sync::Mutex;

use libfuzzer_sys::fuzz_target;
use stskit::client::SystemClock;
use stskit::http::{Request, Response};
use stskit::provider::{ContainerProvider, ImdsProvider, ImdsSettings};
use stskit::transport::TransportError;

const IMDS_TOKEN: &str = "AQAEAFuzzImdsSessionToken==";
const AUTH_TOKEN: &str = "fuzz-container-authorization";

/// Answers from the input: each is a status byte pair, a length byte and the body.
struct Script(Mutex<(Vec<u8>, usize)>);

impl Script {
    fn next(&self) -> Response {
        let mut g = self.0.lock().unwrap();
        let (data, pos) = &mut *g;
        let take = |pos: &mut usize, n: usize| -> Vec<u8> {
            let end = (*pos + n).min(data.len());
            let out = data[*pos..end].to_vec();
            *pos = end;
            out
        };
        let head = take(pos, 2);
        let status = 100
            + u16::from_le_bytes([*head.first().unwrap_or(&100), *head.get(1).unwrap_or(&0)]) % 500;
        let len = take(pos, 1).first().copied().unwrap_or(0) as usize * 4;
        Response::new(status, vec![], take(pos, len))
    }
}

fuzz_target!(|data: &[u8]| {
    let script = std::sync::Arc::new(Script(Mutex::new((data.to_vec(), 0))));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    let s = script.clone();
    let transport = move |req: Request| {
        let r = if req.method() == "PUT" {
            Response::new(200, vec![], IMDS_TOKEN.as_bytes().to_vec())
        } else {
            s.next()
        };
        std::future::ready(Ok::<_, TransportError>(r))
    };
    let settings = ImdsSettings::default()
        .with_endpoint("http://127.0.0.1:1")
        .unwrap();
    let imds = ImdsProvider::new(settings, transport.clone(), SystemClock);
    let container = ContainerProvider::new(transport, SystemClock)
        .with_uri("http://127.0.0.1:1/creds", Some(AUTH_TOKEN))
        .unwrap();
    runtime.block_on(async {
        if let Err(e) = imds.fetch().await {
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains(IMDS_TOKEN), "{shown}");
        }
        if let Err(e) = container.fetch().await {
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains(AUTH_TOKEN), "{shown}");
        }
    });
});
