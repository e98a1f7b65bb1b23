use super::*;
use error::looks_like_xml;

#[test]
fn looks_like_xml_is_decided_from_the_body() {
    assert!(looks_like_xml(b"  \n<a/>"));
    assert!(looks_like_xml(b"\xEF\xBB\xBF<a/>"));
    assert!(!looks_like_xml(b"{}"));
    assert!(!looks_like_xml(b""));
}
