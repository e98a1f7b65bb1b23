//! The pieces a secret-scanning test looks for: every 8-byte window of a secret.

/// Every run of 8 bytes of `secret` (the whole of it when shorter).
pub(crate) fn windows(secret: &str) -> Vec<&str> {
    let b = secret.as_bytes();
    (0..=b.len().saturating_sub(8))
        .filter_map(|i| secret.get(i..i + 8))
        .collect()
}
