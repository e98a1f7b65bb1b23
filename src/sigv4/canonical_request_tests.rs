use super::*;

fn uri(p: &str) -> String {
    canonical_uri(p, true, PathEncoding::Double)
}

#[test]
fn path_keeps_slash_and_encodes_the_rest() {
    assert_eq!(uri("/example space/"), "/example%20space/");
    assert_eq!(uri("/ሴ"), "/%E1%88%B4");
    assert_eq!(uri("/a+b*c~d$e"), "/a%2Bb%2Ac~d%24e");
    assert_eq!(uri(""), "/");
}

#[test]
fn path_normalization_removes_dot_segments_and_duplicate_slashes() {
    assert_eq!(uri("//example//"), "/example/");
    assert_eq!(uri("/./"), "/");
    assert_eq!(uri("/./example"), "/example");
    assert_eq!(uri("/example/.."), "/");
    assert_eq!(uri("/example1/example2/../.."), "/");
    assert_eq!(uri("/a/b/../c/./d/"), "/a/c/d/");
    assert_eq!(uri("/../../a"), "/a");
    assert_eq!(uri("/a/."), "/a");
}

#[test]
fn unnormalized_paths_are_kept_as_given() {
    let raw = |p| canonical_uri(p, false, PathEncoding::Double);
    assert_eq!(raw("//example//"), "//example//");
    assert_eq!(raw("/./example/.."), "/./example/..");
}

#[test]
fn double_encoding_encodes_percent_and_single_does_not() {
    assert_eq!(uri("/a%20b"), "/a%2520b");
    assert_eq!(
        canonical_uri("/a%20b", false, PathEncoding::Single),
        "/a%20b"
    );
    assert_eq!(canonical_uri("/a b", false, PathEncoding::Single), "/a%20b");
}

#[test]
fn query_is_sorted_by_encoded_key_then_value_with_repeats() {
    assert_eq!(
        canonical_query("Param1=value2&Param1=Value1"),
        "Param1=Value1&Param1=value2"
    );
    assert_eq!(canonical_query("b=2&a=3&b=1&a=1"), "a=1&a=3&b=1&b=2");
    // Sorting is on encoded bytes: `%E1...` sorts before `P`.
    assert_eq!(
        canonical_query("Param-3=Value3&Param=Value2&%E1%88%B4=Value1"),
        "%E1%88%B4=Value1&Param=Value2&Param-3=Value3"
    );
}

#[test]
fn query_keeps_empty_values_and_encodes_reserved_bytes() {
    assert_eq!(canonical_query("a&b="), "a=&b=");
    assert_eq!(canonical_query("k=a b"), "k=a%20b");
    assert_eq!(
        canonical_query("k=a+b"),
        "k=a%2Bb",
        "a literal + is not a space"
    );
    assert_eq!(canonical_query("k=%2f/"), "k=%2F%2F");
    assert_eq!(canonical_query("k=*~"), "k=%2A~");
    assert_eq!(canonical_query("ሴ=bar"), "%E1%88%B4=bar");
    assert_eq!(canonical_query(""), "");
    assert_eq!(canonical_query("&&a=1&"), "a=1");
}

#[test]
fn header_values_are_trimmed_and_folded() {
    assert_eq!(canonical_header_value("  a   b  "), "a b");
    assert_eq!(
        canonical_header_value("value1\n  value2\n     value3"),
        "value1 value2 value3"
    );
    assert_eq!(canonical_header_value("a\r\n\tb"), "a b");
    assert_eq!(canonical_header_value("\"a   b\""), "\"a b\"");
    assert_eq!(canonical_header_value(""), "");
}

#[test]
fn repeated_headers_are_joined_in_order_and_names_sorted() {
    let (block, signed) = canonical_headers([
        ("My-Header1", "value2"),
        ("Host", "example.amazonaws.com"),
        ("my-header1", " value2 "),
        ("MY-HEADER1", "value1"),
        ("User-Agent", "never signed"),
    ])
    .unwrap();
    assert_eq!(
        block,
        "host:example.amazonaws.com\nmy-header1:value2,value2,value1\n"
    );
    assert_eq!(signed, "host;my-header1");
}

/// More headers and longer names than the stack buffers hold, against a plain
/// reference: lowercase, stable sort, join repeats.
#[test]
fn many_and_long_header_names_spill_to_the_heap_and_sort_the_same() {
    let mut headers = Vec::new();
    for i in 0..40u32 {
        let stem = ["X-Amz-Meta-", "content-", "ZZ-", "a"][(i % 4) as usize];
        let name = format!("{stem}{}{}", "Ab".repeat((i % 7) as usize * 9), i % 11);
        headers.push((name, format!(" v{i}  x ")));
    }
    headers.push(("Transfer-Encoding".to_owned(), "chunked".to_owned()));
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let (block, signed) = canonical_headers(pairs).unwrap();

    let mut want: Vec<(String, String)> = headers
        .iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case("transfer-encoding"))
        .map(|(n, v)| (n.to_ascii_lowercase(), canonical_header_value(v)))
        .collect();
    want.sort_by(|a, b| a.0.cmp(&b.0));
    let mut want_block = String::new();
    let mut want_names: Vec<String> = Vec::new();
    for (n, v) in &want {
        if want_names.last() == Some(n) {
            want_block.pop();
            want_block.push_str(&format!(",{v}\n"));
        } else {
            want_block.push_str(&format!("{n}:{v}\n"));
            want_names.push(n.clone());
        }
    }
    assert!(want_names.len() > 16 && want_names.iter().map(String::len).sum::<usize>() > 256);
    assert_eq!(block, want_block);
    assert_eq!(signed, want_names.join(";"));
}

#[test]
fn trailing_and_leading_whitespace_of_every_kind_is_folded() {
    for (raw, want) in [
        ("a\t", "a"),
        ("\ta", "a"),
        ("a\n", "a"),
        (" ", ""),
        ("a b", "a b"),
        ("a  b", "a b"),
        ("ab ", "ab"),
    ] {
        assert_eq!(canonical_header_value(raw), want, "{raw:?}");
    }
}

#[test]
fn invalid_header_names_and_values_are_rejected() {
    assert_eq!(
        canonical_headers([("Bad Name", "v")]).unwrap_err(),
        SigningError::InvalidHeaderName
    );
    assert_eq!(
        canonical_headers([("x", "a\0b")]).unwrap_err(),
        SigningError::InvalidHeaderValue { name: "x".into() }
    );
}

/// Fuzzing regression: many short token parameters each grow by `[redacted]`, and
/// every one of them is still redacted.
#[test]
fn display_redacts_every_repeated_token_parameter() {
    let query = (0..40)
        .map(|i| format!("X-Amz-Security-Token=t{i}"))
        .collect::<Vec<_>>()
        .join("&");
    let creq = build(
        "GET",
        "/",
        &query,
        &[Header::new("host", "h")],
        "UNSIGNED-PAYLOAD",
        true,
        PathEncoding::Double,
    )
    .unwrap();
    let shown = creq.to_string();
    assert_eq!(shown.matches("[redacted]").count(), 40);
    assert!(!shown.contains("=t1"));
    assert!(shown.len() > creq.expose().len());
}

#[test]
fn display_redacts_the_session_token() {
    let creq = build(
        "GET",
        "/",
        "X-Amz-Security-Token=querytoken",
        &[
            Header::new("host", "h"),
            Header::new("X-Amz-Security-Token", "headertoken"),
        ],
        "UNSIGNED-PAYLOAD",
        true,
        PathEncoding::Double,
    )
    .unwrap();
    assert!(creq.expose().contains("querytoken"));
    assert!(creq.expose().contains("headertoken"));
    let shown = format!("{creq} {creq:?}");
    assert!(!shown.contains("querytoken"));
    assert!(!shown.contains("headertoken"));
    assert!(shown.contains("x-amz-security-token:[redacted]"));
    assert_eq!(creq.signed_headers(), "host;x-amz-security-token");
}
