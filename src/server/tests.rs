use super::*;

#[test]
fn listen_addresses_are_loopback_only() {
    for (given, want) in [
        ("127.0.0.1:0", "127.0.0.1:0"),
        ("127.0.0.1", "127.0.0.1:0"),
        ("127.9.8.7:8080", "127.9.8.7:8080"),
        ("localhost:9911", "127.0.0.1:9911"),
        ("LOCALHOST", "127.0.0.1:0"),
        ("[::1]:9911", "[::1]:9911"),
        ("[::1]", "[::1]:0"),
        ("::1", "[::1]:0"),
    ] {
        assert_eq!(parse_listen(given).unwrap().to_string(), want, "{given}");
    }
    for bad in [
        "0.0.0.0:80",
        "10.0.0.1:1",
        "[::]:1",
        "::",
        "example.com:80",
        "127.0.0.1:99999",
        "127.0.0.1:",
        "127.0.0.1:x",
        "[::1",
        "[::1]x",
        "",
        "127.0.0.01:1",
        "169.254.170.2:80",
    ] {
        assert!(
            matches!(parse_listen(bad), Err(ServerError::Address(_))),
            "{bad}"
        );
    }
}

#[test]
fn tokens_are_visible_ascii_without_line_breaks() {
    assert!(check_token("abc-DEF_123.~!").is_ok());
    for bad in [
        "",
        "a b",
        "tok\n",
        "tok\r",
        "t\u{e9}",
        "\t",
        &"x".repeat(4097),
    ] {
        assert!(check_token(bad).is_err(), "{bad:?}");
    }
    let a = random_token().unwrap();
    let b = random_token().unwrap();
    assert_eq!(a.expose_secret().len(), 64);
    assert!(check_token(a.expose_secret()).is_ok());
    assert_ne!(a.expose_secret(), b.expose_secret());
}

#[test]
fn errors_never_carry_the_token() {
    let e = check_token("secret\nvalue").unwrap_err();
    assert!(!e.to_string().contains("secret"));
    assert!(!format!("{e:?}").contains("secret"));
}
