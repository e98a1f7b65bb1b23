//! Every recorded STS response in `fixtures/sts/` (provenance in its README), replayed
//! through the pure parser with exact expected values, plus a truncation sweep and
//! our own fixtures for each parsing rule.

use std::path::Path;

use secrecy::ExposeSecret;
use serde_json::Value;
use stskit::StsCredentials;
use stskit::error::AnswerError as Error;
use stskit::error::{BodyKind, Fault, ParseErrorKind};
use stskit::sts::{parse_assume_role, parse_caller_identity, parse_error};
use time::macros::datetime;

use crate::dump;
use dump::{PARSERS, dump, rfc3339};

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sts")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn creds(c: &StsCredentials) -> (&str, &str, &str, time::OffsetDateTime) {
    (
        c.access_key_id(),
        c.secret_access_key().expose_secret(),
        c.session_token().expose_secret(),
        c.expiration(),
    )
}

/// The answers with expected values: every `.xml` in `fixtures/sts/` (recorded and
/// documented answers, provenance in its README) and in `fixtures/sts-model/` (the
/// service model's examples and synthetic full answers, see its README), each beside
/// a `.expected.json` of its exact values. Adding one is adding those two files.
fn recorded() -> Vec<String> {
    let mut names = Vec::new();
    for (dir, prefix) in [
        ("fixtures/sts", ""),
        ("fixtures/sts-model", "../sts-model/"),
    ] {
        for e in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)).unwrap() {
            let n = e.unwrap().file_name().to_string_lossy().into_owned();
            if n.ends_with(".xml") && !n.starts_with("own.") {
                names.push(format!("{prefix}{n}"));
            }
        }
    }
    names.sort();
    names
}

fn text<'a>(want: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    want.get(key).and_then(serde_json::Value::as_str)
}

/// Compares an optional string field with the expected file, when the file names it
/// (`null` means absent).
fn check_opt(name: &str, want: &serde_json::Value, key: &str, got: Option<&str>) {
    if let Some(w) = want.get(key) {
        assert_eq!(got, w.as_str(), "{name}: {key}");
    }
}

/// Whether `got` (nanoseconds, see [`rfc3339`]) is the RFC 3339 time `want`.
fn same_time(got: &Value, want: &Value) -> bool {
    let want = want.as_str().and_then(|s| {
        time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
    });
    want.is_some_and(|w| got.as_str() == Some(rfc3339(w).as_str()))
}

/// Every key the expected file names (other than `status` and `parse`) must equal
/// the parsed member; a key the file leaves out is not checked, `null` means absent.
fn check_success(name: &str, parse: &str, want: &Value) {
    let status = want["status"].as_u64().unwrap() as u16;
    let got = dump(parse, status, &fixture(name)).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    for (key, w) in want.as_object().unwrap() {
        if key == "status" || key == "parse" {
            continue;
        }
        let g = got
            .get(key)
            .unwrap_or_else(|| panic!("{name}: {parse} has no member {key}"));
        if key == "expiration" {
            assert!(same_time(g, w), "{name}: {key}: {g} != {w}");
            continue;
        }
        // A nested object in the file lists only the members it checks.
        if let (Some(wo), Some(go)) = (w.as_object(), g.as_object()) {
            for (k, v) in wo {
                assert_eq!(go.get(k), Some(v), "{name}: {key}.{k}");
            }
            continue;
        }
        assert_eq!(g, w, "{name}: {key}");
    }
}

fn check_error(name: &str, want: &serde_json::Value) {
    let status = want["status"].as_u64().unwrap() as u16;
    let err = parse_assume_role(status, &[], &fixture(name)).unwrap_err();
    let e = err
        .service_error()
        .unwrap_or_else(|| panic!("{name}: {err:?}"));
    assert_eq!(e.code(), text(want, "code").unwrap(), "{name}");
    check_opt(name, want, "message", e.message());
    check_opt(name, want, "request_id", e.request_id());
    assert_eq!(e.http_status(), status, "{name}");
    if let Some(fault) = text(want, "fault") {
        let expected = match fault {
            "Sender" => Fault::Sender,
            "Receiver" => Fault::Receiver,
            _ => Fault::Unknown,
        };
        assert_eq!(e.fault(), expected, "{name}");
    }
    if let Some(retryable) = want.get("retryable") {
        assert_eq!(Some(err.is_retryable()), retryable.as_bool(), "{name}");
    }
    check_opt(name, want, "display", Some(&err.to_string()));
}

/// Every recorded answer parses to exactly the values its `.expected.json` gives.
#[test]
fn every_recorded_answer_gives_its_expected_values() {
    let names = recorded();
    assert_eq!(names.len(), 25, "{names:?}");
    let parsers: std::collections::BTreeSet<String> = names
        .iter()
        .map(|n| {
            n.rsplit('/')
                .next()
                .unwrap()
                .split('.')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        parsers.len(),
        13,
        "every operation has an answer, plus errors: {parsers:?}"
    );
    for name in &names {
        let expected = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/sts")
            .join(name.replace(".xml", ".expected.json"));
        let want: serde_json::Value = serde_json::from_slice(
            &std::fs::read(&expected)
                .unwrap_or_else(|e| panic!("{name} needs {}: {e}", expected.display())),
        )
        .unwrap();
        match text(&want, "parse") {
            Some("error") => check_error(name, &want),
            Some(p) if PARSERS.contains(&p) => check_success(name, p, &want),
            other => panic!("{name}: unknown parse {other:?}"),
        }
    }
}

/// The AWS docs' GetSessionToken example keeps the line breaks inside its token (only
/// the ends are trimmed), and the GetFederationToken example keeps the docs' typo.
#[test]
fn recorded_quirks_are_kept() {
    let out = parse_assume_role(200, &[], &fixture("get_session_token.ok.aws-docs.xml")).unwrap();
    assert_eq!(
        out.credentials
            .session_token()
            .expose_secret()
            .lines()
            .count(),
        4
    );
    let out =
        parse_assume_role(200, &[], &fixture("get_federation_token.ok.aws-docs.xml")).unwrap();
    assert_eq!(out.credentials.access_key_id(), "AKIAIOSFODNN7EXAMPLE;");
}

/// Cutting a good response at every byte offset never yields credentials.
#[test]
fn truncation_sweep_every_cut_is_an_error() {
    let mut cuts = 0;
    for name in [
        "assume_role.ok.aws-docs.xml",
        "assume_role.ok.smithy-rs.xml",
        "assume_role.ok.smithy-rs.imds_assume_role.xml",
        "get_session_token.ok.botocore.xml",
    ] {
        let body = fixture(name);
        // The recorded bodies end with the root's end tag plus a newline or nothing:
        // cutting only trailing white space leaves a complete document.
        let complete = body.len()
            - body
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
        for cut in 0..complete {
            let r = parse_assume_role(200, &[], &body[..cut]);
            assert!(
                matches!(r, Err(Error::Parse(_))),
                "{name} cut at {cut} of {}: {:?}",
                body.len(),
                r.map(|o| o.credentials)
            );
            assert!(r.unwrap_err().is_retryable());
            cuts += 1;
        }
    }
    assert_eq!(cuts, 3328, "every byte offset of the four bodies");
}

/// The same sweep over one answer of every operation (`fixtures/sts-model/`), each
/// through its own parser: no cut of a complete answer is ever a success.
#[test]
fn truncation_sweep_covers_every_operation() {
    let mut cuts = 0;
    let mut operations = std::collections::BTreeSet::new();
    for name in recorded().iter().filter(|n| n.starts_with("../sts-model/")) {
        let parse = name
            .trim_start_matches("../sts-model/")
            .split('.')
            .next()
            .unwrap();
        operations.insert(parse.to_owned());
        let body = fixture(name);
        let complete = body.len()
            - body
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
        assert!(dump(parse, 200, &body).is_ok(), "{name} parses whole");
        for cut in 0..complete {
            let r = dump(parse, 200, &body[..cut]);
            assert!(
                matches!(r, Err(Error::Parse(_))),
                "{name} cut at {cut}: {r:?}"
            );
            cuts += 1;
        }
    }
    assert_eq!(operations.len(), 12, "{operations:?}");
    assert!(cuts > 10_000, "{cuts}");
}

fn parse_err(body: &str) -> stskit::error::ParseError {
    match parse_assume_role(200, &[], body.as_bytes()) {
        Err(Error::Parse(e)) => e,
        other => panic!(
            "expected a parse error, got {:?}",
            other.map(|o| o.credentials)
        ),
    }
}

const CREDS: &str = "<AccessKeyId>ASIAX</AccessKeyId><SecretAccessKey>sekrit</SecretAccessKey>\
<SessionToken>tok</SessionToken><Expiration>2031-05-06T07:08:09Z</Expiration>";

fn wrap(inner: &str) -> String {
    format!("<AssumeRoleResponse><AssumeRoleResult>{inner}</AssumeRoleResult></AssumeRoleResponse>")
}

#[test]
fn elements_match_by_local_name_with_any_prefix_or_namespace() {
    let body = format!(
        "<?xml version=\"1.0\"?><s:AssumeRoleResponse xmlns:s=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <s:AssumeRoleResult><s:Credentials>{}</s:Credentials></s:AssumeRoleResult></s:AssumeRoleResponse>",
        CREDS.replace("<", "<s:").replace("<s:/", "</s:")
    );
    let out = parse_assume_role(200, &[], body.as_bytes()).unwrap();
    assert_eq!(
        creds(&out.credentials),
        ("ASIAX", "sekrit", "tok", datetime!(2031-05-06 07:08:09 UTC))
    );
}

#[test]
fn credentials_outside_the_result_do_not_count() {
    let decoy = "<Decoy><Credentials><AccessKeyId>BAD</AccessKeyId><SecretAccessKey>BAD</SecretAccessKey>\
                 <SessionToken>BAD</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>\
                 <Expiration>2000-01-01T00:00:00Z</Expiration></Decoy>";
    let body = format!(
        "<AssumeRoleResponse>{decoy}<AssumeRoleResult>{decoy}<Credentials><Extra>{decoy}</Extra>{CREDS}</Credentials>\
         </AssumeRoleResult></AssumeRoleResponse>"
    );
    let out = parse_assume_role(200, &[], body.as_bytes()).unwrap();
    assert_eq!(
        creds(&out.credentials),
        ("ASIAX", "sekrit", "tok", datetime!(2031-05-06 07:08:09 UTC))
    );
    // Credentials only in a decoy: missing.
    let e = parse_err(&wrap(decoy));
    assert_eq!(
        (e.kind(), e.element()),
        (ParseErrorKind::Missing, Some("Credentials"))
    );
}

#[test]
fn text_is_trimmed_decoded_and_joined_across_cdata_and_comments() {
    let body = wrap(
        "<Credentials><AccessKeyId>\r\n  AS<!-- c -->IA&#x58;  </AccessKeyId>\
         <SecretAccessKey><![CDATA[se<k]]>r&amp;it</SecretAccessKey>\
         <SessionToken>&lt;&gt;&apos;&quot;&#65;</SessionToken><Expiration> 2031-05-06T07:08:09Z </Expiration></Credentials>",
    );
    let out = parse_assume_role(200, &[], format!("\u{feff}{body}").as_bytes()).unwrap();
    assert_eq!(
        creds(&out.credentials),
        (
            "ASIAX",
            "se<kr&it",
            "<>'\"A",
            datetime!(2031-05-06 07:08:09 UTC)
        )
    );
}

/// Only XML white space (space, tab, CR, LF) is trimmed; other Unicode spaces are
/// content, and a CR inside a value becomes LF after trimming.
#[test]
fn only_xml_white_space_is_trimmed() {
    let body = wrap(
        "<Credentials><AccessKeyId>\t\r\n AKID\u{a0}\r\n</AccessKeyId>\
         <SecretAccessKey>\u{2003}s</SecretAccessKey>\
         <SessionToken>\ra\r\nb\rc\n</SessionToken><Expiration>2031-05-06T07:08:09Z</Expiration></Credentials>",
    );
    let out = parse_assume_role(200, &[], body.as_bytes()).unwrap();
    let (id, secret, token, _) = creds(&out.credentials);
    assert_eq!(id, "AKID\u{a0}");
    assert_eq!(secret, "\u{2003}s");
    assert_eq!(token, "a\nb\nc");
}

#[test]
fn hostile_xml_is_refused() {
    let creds_xml = format!("<Credentials>{CREDS}</Credentials>");
    let cases: Vec<(String, ParseErrorKind)> = vec![
        (
            format!("<!DOCTYPE x [<!ENTITY a 'b'>]>{}", wrap(&creds_xml)),
            ParseErrorKind::Doctype,
        ),
        (
            wrap(&creds_xml.replace("ASIAX", "&xxe;")),
            ParseErrorKind::UndefinedEntity,
        ),
        (
            wrap(&creds_xml.replace("ASIAX", "A&#0;")),
            ParseErrorKind::InvalidCharacterReference,
        ),
        (
            format!("{}{}", wrap(&creds_xml), wrap(&creds_xml)),
            ParseErrorKind::ContentOutsideRoot,
        ),
        (
            wrap(&format!(
                "{}{creds_xml}{}",
                "<a>".repeat(20),
                "</a>".repeat(20)
            )),
            ParseErrorKind::TooDeep,
        ),
        (
            wrap(&creds_xml).replace("</AssumeRoleResponse>", ""),
            ParseErrorKind::UnexpectedEof,
        ),
        ("<NotSts/>".into(), ParseErrorKind::UnexpectedRoot),
        (String::new(), ParseErrorKind::NoRootElement),
        (
            wrap(&format!("{creds_xml}{creds_xml}")),
            ParseErrorKind::Duplicate,
        ),
    ];
    for (body, kind) in cases {
        assert_eq!(parse_err(&body).kind(), kind, "{body}");
    }
    let bad_utf8 = [wrap(&creds_xml).as_bytes(), b"\xff"].concat();
    assert!(
        matches!(parse_assume_role(200, &[], &bad_utf8), Err(Error::Parse(e)) if e.kind() == ParseErrorKind::InvalidUtf8)
    );
}

/// The parser reports only a field's text to itself, but every other piece of text
/// (white space between elements, unknown elements, the containers) is checked all
/// the same: a bad reference or bad UTF-8 anywhere is refused.
#[test]
fn text_nobody_reads_is_checked_as_any_other() {
    let creds_xml = format!("<Credentials>{CREDS}</Credentials>");
    for (extra, kind) in [
        ("<Unknown>&xxe;</Unknown>", ParseErrorKind::UndefinedEntity),
        (
            "<Unknown>&#0;</Unknown>",
            ParseErrorKind::InvalidCharacterReference,
        ),
        ("&#xFFFE;", ParseErrorKind::InvalidCharacterReference),
        (
            "<Unknown><Deeper>&bogus;</Deeper></Unknown>",
            ParseErrorKind::UndefinedEntity,
        ),
    ] {
        let body = wrap(&format!("{creds_xml}{extra}"));
        assert_eq!(parse_err(&body).kind(), kind, "{body}");
        // Inside the Credentials container, between its fields, too.
        let body = wrap(&format!("<Credentials>{extra}{CREDS}</Credentials>"));
        assert_eq!(parse_err(&body).kind(), kind, "{body}");
    }
    let bad_utf8 = wrap(&format!("{creds_xml}<Unknown>\u{1}</Unknown>"))
        .replace('\u{1}', "\u{ff}")
        .into_bytes()
        .into_iter()
        // U+00FF is C3 BF in UTF-8: keep the BF alone, a continuation byte with no lead.
        .filter(|&b| b != 0xC3)
        .collect::<Vec<u8>>();
    assert!(
        matches!(parse_assume_role(200, &[], &bad_utf8), Err(Error::Parse(e)) if e.kind() == ParseErrorKind::InvalidUtf8)
    );
    // Good references, CDATA and text in unknown elements are read past.
    let body = wrap(&format!(
        "<Unknown>&amp;&#65;<![CDATA[<x>]]>text</Unknown>{creds_xml}<Other>&lt;</Other>"
    ));
    let out = parse_assume_role(200, &[], body.as_bytes()).unwrap();
    assert_eq!(creds(&out.credentials).0, "ASIAX");
}

/// A field's text is every piece of text directly inside it, in order, whatever
/// splits it (a comment, CDATA, a reference, an unknown child element), trimmed at
/// both ends only.
#[test]
fn a_fields_text_is_joined_across_what_splits_it() {
    let body = wrap(
        "<Credentials><AccessKeyId> AS<!-- c -->IA <Note>skipped</Note> X&amp;<![CDATA[Y]]>&#90; </AccessKeyId>\
         <SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>\
         <Expiration>2031-05-06T07:08:09Z</Expiration></Credentials>",
    );
    let out = parse_assume_role(200, &[], body.as_bytes()).unwrap();
    assert_eq!(creds(&out.credentials).0, "ASIA  X&YZ");
}

#[test]
fn missing_or_empty_fields_are_named() {
    for field in [
        "AccessKeyId",
        "SecretAccessKey",
        "SessionToken",
        "Expiration",
    ] {
        let start = CREDS.find(&format!("<{field}>")).unwrap();
        let end = CREDS.find(&format!("</{field}>")).unwrap() + field.len() + 3;
        let without = format!("{}{}", &CREDS[..start], &CREDS[end..]);
        let e = parse_err(&wrap(&format!("<Credentials>{without}</Credentials>")));
        assert_eq!(
            (e.kind(), e.element()),
            (ParseErrorKind::Missing, Some(field)),
            "{field}"
        );
        let empty = format!("{}<{field}>  </{field}>{}", &CREDS[..start], &CREDS[end..]);
        let e = parse_err(&wrap(&format!("<Credentials>{empty}</Credentials>")));
        assert_eq!(
            (e.kind(), e.element()),
            (ParseErrorKind::Empty, Some(field)),
            "{field}"
        );
    }
}

#[test]
fn expiration_formats() {
    let at = |exp: &str| {
        let body = wrap(&format!(
            "<Credentials>{}</Credentials>",
            CREDS.replace("2031-05-06T07:08:09Z", exp)
        ));
        parse_assume_role(200, &[], body.as_bytes()).map(|o| o.credentials.expiration())
    };
    assert_eq!(
        at("2031-05-06T07:08:09Z").unwrap(),
        datetime!(2031-05-06 07:08:09 UTC)
    );
    assert_eq!(
        at("2031-05-06T07:08:09.123456Z").unwrap(),
        datetime!(2031-05-06 07:08:09.123456 UTC)
    );
    assert_eq!(
        at("2031-05-06T07:08:09.123456789Z").unwrap(),
        datetime!(2031-05-06 07:08:09.123456789 UTC)
    );
    assert_eq!(
        at("2031-05-06T09:08:09+02:00").unwrap(),
        datetime!(2031-05-06 07:08:09 UTC)
    );
    assert_eq!(
        at("2031-05-06T02:08:09-05:00").unwrap(),
        datetime!(2031-05-06 07:08:09 UTC)
    );
    assert_eq!(
        at("2031-05-06t07:08:09z").unwrap(),
        datetime!(2031-05-06 07:08:09 UTC)
    );
    for bad in [
        "2031-05-06T07:08:09",
        "2031-05-06 07:08:09Z",
        "2031-05-06T07:08:09.Z",
        "2031-05-06T07:08:09.1234567890Z",
        "2031-13-06T07:08:09Z",
        "2031-02-30T07:08:09Z",
        "2031-05-06T24:00:00Z",
        "1620284889",
        "2031-05-06T07:08:09+2:00",
        "2031-05-06T07:08:09+24:00",
    ] {
        let err = at(bad).unwrap_err();
        let Error::Parse(e) = &err else {
            panic!("{bad}: {err:?}")
        };
        assert_eq!(
            (e.kind(), e.element()),
            (ParseErrorKind::InvalidValue, Some("Expiration")),
            "{bad}"
        );
        assert!(!err.to_string().contains(bad) && !format!("{err:?}").contains(bad));
    }
}

#[test]
fn empty_or_odd_assumed_role_user_is_fine() {
    let body = wrap(&format!(
        "<AssumedRoleUser/><Credentials>{CREDS}</Credentials>"
    ));
    let out = parse_assume_role(200, &[], body.as_bytes()).unwrap();
    assert_eq!(out.assumed_role_user.unwrap().arn, "");
    let body = wrap(&format!(
        "<AssumedRoleUser><Odd>x</Odd></AssumedRoleUser><Credentials>{CREDS}</Credentials>"
    ));
    assert!(parse_assume_role(200, &[], body.as_bytes()).is_ok());
}

#[test]
fn error_documents_in_every_shape() {
    let std = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Receiver</Type>\
               <Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r-1</RequestId></ErrorResponse>";
    let bare = "<Error><Code>IDPCommunicationError</Code><Message>m</Message><RequestId>r-2</RequestId></Error>";
    let ec2 = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code>\
               <Message>The request signature we calculated does not match</Message></Error></Errors></ErrorResponse>";
    let resp = "<Response><Errors><Error><Code>InvalidClientTokenId</Code><Message>bad</Message></Error></Errors>\
                <RequestID>r-4</RequestID></Response>";
    let hdrs = vec![("X-Amzn-RequestId".to_string(), "hdr-id".to_string())];
    let cases = [
        (std, 400, "Throttling", Fault::Receiver, Some("r-1"), true),
        (
            bare,
            400,
            "IDPCommunicationError",
            Fault::Unknown,
            Some("r-2"),
            true,
        ),
        (
            ec2,
            403,
            "SignatureDoesNotMatch",
            Fault::Unknown,
            Some("hdr-id"),
            false,
        ),
        (
            resp,
            403,
            "InvalidClientTokenId",
            Fault::Unknown,
            Some("r-4"),
            false,
        ),
    ];
    for (body, status, code, kind, rid, retry) in cases {
        let err = parse_error(status, &hdrs, body.as_bytes());
        let e = err.service_error().unwrap_or_else(|| panic!("{err:?}"));
        assert_eq!(
            (e.code(), e.fault(), e.request_id(), e.http_status()),
            (code, kind, rid, status)
        );
        assert_eq!(err.is_retryable(), retry, "{code}");
        // The same through the success parsers.
        assert!(
            parse_assume_role(status, &hdrs, body.as_bytes())
                .unwrap_err()
                .service_error()
                .is_some()
        );
        assert!(
            parse_caller_identity(status, &hdrs, body.as_bytes())
                .unwrap_err()
                .service_error()
                .is_some()
        );
    }
    // An error document with a 200 status is still an error.
    assert_eq!(
        parse_assume_role(200, &[], std.as_bytes())
            .unwrap_err()
            .service_error()
            .unwrap()
            .http_status(),
        200
    );
}

#[test]
fn non_sts_bodies_carry_the_status() {
    let html = "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>";
    let err = parse_assume_role(502, &[], html.as_bytes()).unwrap_err();
    let Error::Status(s) = &err else {
        panic!("{err:?}")
    };
    assert_eq!((s.status(), s.body()), (502, BodyKind::NotStsError));
    assert!(err.to_string().contains("HTTP 502"));
    assert!(err.is_retryable());
    let err = parse_assume_role(503, &[], b"").unwrap_err();
    assert_eq!(err.to_string(), "HTTP 503 with an empty body");
    assert!(err.is_retryable());
    let err = parse_assume_role(404, &[], b"{\"message\":\"nope\"}").unwrap_err();
    assert!(matches!(&err, Error::Status(s) if s.status() == 404));
    assert!(!err.is_retryable());
    let err = parse_assume_role(400, &[], b"<Other/>").unwrap_err();
    assert!(
        matches!(&err, Error::Status(s) if s.status() == 400 && s.body() == BodyKind::NotStsError)
    );
}

#[test]
fn caller_identity() {
    let body = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
        <GetCallerIdentityResult><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn>\
        <UserId>AROAEXAMPLE:s</UserId><Account>123456789012</Account></GetCallerIdentityResult>\
        <ResponseMetadata><RequestId>01234567-89ab</RequestId></ResponseMetadata></GetCallerIdentityResponse>";
    let id = parse_caller_identity(200, &[], body.as_bytes()).unwrap();
    assert_eq!(id.arn, "arn:aws:sts::123456789012:assumed-role/r/s");
    assert_eq!(id.user_id, "AROAEXAMPLE:s");
    assert_eq!(id.account, "123456789012");
    assert_eq!(id.request_id.as_deref(), Some("01234567-89ab"));
    let missing = body.replace("<Account>123456789012</Account>", "");
    assert!(
        matches!(parse_caller_identity(200, &[], missing.as_bytes()), Err(Error::Parse(e)) if e.element() == Some("Account"))
    );
}

/// No error or debug output of any fixture holds a secret or token from the body.
#[test]
fn no_output_of_any_fixture_holds_a_secret() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sts");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "xml") {
            continue;
        }
        let body = std::fs::read(&path).unwrap();
        let mut shown = Vec::new();
        let mut secrets = Vec::new();
        match parse_assume_role(200, &[], &body) {
            Ok(out) => {
                secrets.push(
                    out.credentials
                        .secret_access_key()
                        .expose_secret()
                        .to_owned(),
                );
                secrets.push(out.credentials.session_token().expose_secret().to_owned());
                shown.push(format!("{out:?} {:?}", out.credentials));
            }
            Err(e) => shown.push(format!("{e} {e:?}")),
        }
        for cut in (0..body.len()).step_by(7) {
            if let Err(e) = parse_assume_role(200, &[], &body[..cut]) {
                shown.push(format!("{e} {e:?}"));
            }
        }
        for s in &shown {
            for secret in &secrets {
                let head: String = secret.trim().chars().take(8).collect();
                assert!(!s.contains(&head), "{} leaks in {s}", path.display());
            }
        }
    }
}

/// The hardening rules hold for the containers and fields of every operation: each
/// container once, each field once, the one map capped, hostile markup refused, and
/// the answer of one operation's shape never mistaken for another's members.
#[test]
fn every_operations_containers_follow_the_rules() {
    let creds = format!("<Credentials>{CREDS}</Credentials>");
    let doc = |op: &str, inner: &str| {
        format!("<{op}Response><{op}Result>{inner}</{op}Result></{op}Response>")
    };
    let kind =
        |parse: &str, op: &str, inner: &str| match dump(parse, 200, doc(op, inner).as_bytes()) {
            Err(Error::Parse(e)) => (e.kind(), e.element()),
            other => panic!("{parse}: expected a parse error, got {other:?}"),
        };
    let fed = "<FederatedUser><Arn>a</Arn><FederatedUserId>i</FederatedUserId></FederatedUser>";
    assert_eq!(
        kind(
            "get_federation_token",
            "GetFederationToken",
            &format!("{creds}{fed}{fed}")
        ),
        (ParseErrorKind::Duplicate, Some("FederatedUser"))
    );
    let info = "<SessionInfo><ScopedSessionId>s</ScopedSessionId><ScopedSessionId>t</ScopedSessionId></SessionInfo>";
    assert_eq!(
        kind(
            "get_scoped_credentials",
            "GetScopedCredentials",
            &format!("{creds}{info}")
        ),
        (ParseErrorKind::Duplicate, Some("ScopedSessionId"))
    );
    let token = "<WebIdentityToken>a.b.c</WebIdentityToken>";
    assert_eq!(
        kind(
            "get_web_identity_token",
            "GetWebIdentityToken",
            &format!("{token}{token}")
        ),
        (ParseErrorKind::Duplicate, Some("WebIdentityToken"))
    );
    assert_eq!(
        kind(
            "get_web_identity_token",
            "GetWebIdentityToken",
            "<Expiration>2031-01-01T00:00:00Z</Expiration>"
        ),
        (ParseErrorKind::Missing, Some("WebIdentityToken"))
    );
    assert_eq!(
        kind(
            "get_web_identity_token",
            "GetWebIdentityToken",
            &format!("{token}<Expiration>soon</Expiration>")
        ),
        (ParseErrorKind::InvalidValue, Some("Expiration"))
    );
    let entries: String = (0..65)
        .map(|i| format!("<entry><key>k{i}</key><value>v</value></entry>"))
        .collect();
    let ctx = format!(
        "<TrustedIdentityPropagationContext><TransactionContext><IdentityProvider>{entries}\
         </IdentityProvider></TransactionContext></TrustedIdentityPropagationContext>"
    );
    assert_eq!(
        kind(
            "assume_role_with_web_identity",
            "AssumeRoleWithWebIdentity",
            &format!("{creds}{ctx}")
        ),
        (ParseErrorKind::TooMany, Some("IdentityProvider"))
    );
    let twice = "<entry><key>a</key><key>b</key><value>v</value></entry>";
    let ctx = format!(
        "<TrustedIdentityPropagationContext><TransactionContext><IdentityProvider>{twice}\
         </IdentityProvider></TransactionContext></TrustedIdentityPropagationContext>"
    );
    assert_eq!(
        kind(
            "assume_role_with_saml",
            "AssumeRoleWithSAML",
            &format!("{creds}{ctx}")
        ),
        (ParseErrorKind::Duplicate, Some("key"))
    );
    assert_eq!(
        kind(
            "assume_root",
            "AssumeRoot",
            &format!("{}<x>", creds.replace("ASIAX", "&xxe;"))
        ),
        (ParseErrorKind::UndefinedEntity, None)
    );
    // Members of other operations' shapes are not read as this one's: a DecodedMessage
    // in an AssumeRole answer is ignored, a Credentials in a GetAccessKeyInfo answer too.
    let out = dump(
        "assume_role",
        200,
        doc(
            "AssumeRole",
            &format!("{creds}<DecodedMessage>x</DecodedMessage>"),
        )
        .as_bytes(),
    )
    .unwrap();
    assert_eq!(out["access_key_id"], "ASIAX");
    let out = dump(
        "get_access_key_info",
        200,
        doc(
            "GetAccessKeyInfo",
            &format!("{creds}<Account>111122223333</Account>"),
        )
        .as_bytes(),
    )
    .unwrap();
    assert_eq!(out["account"], "111122223333");
    // A SAML Subject (plain) and an OriginIdentity Subject (secret) are different fields.
    let both = format!(
        "{creds}<Subject>plain</Subject><TrustedIdentityPropagationContext><OriginIdentity>\
         <Subject>origin</Subject></OriginIdentity></TrustedIdentityPropagationContext>"
    );
    let out = dump(
        "assume_role_with_saml",
        200,
        doc("AssumeRoleWithSAML", &both).as_bytes(),
    )
    .unwrap();
    assert_eq!(out["subject"], "plain");
    assert_eq!(
        out["trusted_identity_propagation_context"]["origin_identity"]["subject"],
        "origin"
    );
}
