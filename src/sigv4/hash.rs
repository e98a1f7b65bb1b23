//! SHA-256 and HMAC-SHA256 over the `sha2` compression function.
//!
//! SigV4 hashes a handful of short, contiguous messages, so one-shot functions over
//! slices are all it needs. Working on the compression function directly lets an HMAC
//! key keep its two padded-key states (RFC 2104: `K ^ ipad`, `K ^ opad`, each one
//! compressed block): a warm signing then costs the message blocks and one outer block,
//! and those states can be zeroized, which the `hmac` crate's cannot.

use std::fmt;

use sha2::digest::generic_array::GenericArray;
use zeroize::Zeroize;

const BLOCK: usize = 64;

/// The SHA-256 initial hash value (FIPS 180-4, section 5.3.3).
const IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

fn compress(state: &mut [u32; 8], block: &[u8]) {
    sha2::compress256(state, std::slice::from_ref(GenericArray::from_slice(block)));
}

/// Hashes `data` onward from `state`, which has already absorbed `absorbed` bytes (a
/// whole number of blocks), and returns the digest. The tail block is zeroized.
fn finish(mut state: [u32; 8], absorbed: u64, data: &[u8]) -> [u8; 32] {
    let mut blocks = data.chunks_exact(BLOCK);
    for block in &mut blocks {
        compress(&mut state, block);
    }
    let rest = blocks.remainder();
    let mut tail = [0u8; 2 * BLOCK];
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0x80;
    let len = if rest.len() + 9 <= BLOCK {
        BLOCK
    } else {
        2 * BLOCK
    };
    let bits = (absorbed + data.len() as u64).wrapping_mul(8);
    tail[len - 8..len].copy_from_slice(&bits.to_be_bytes());
    for block in tail[..len].chunks_exact(BLOCK) {
        compress(&mut state, block);
    }
    tail[..rest.len()].zeroize();
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    state.zeroize();
    out
}

/// SHA-256 of `data`.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    finish(IV, 0, data)
}

/// An HMAC-SHA256 key ready to use: the states after the inner and the outer padded
/// key block. As sensitive as the key; zeroized on drop, redacted from `Debug`.
#[derive(Clone)]
pub(crate) struct HmacKey {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl HmacKey {
    /// Prepares `key` (of any length; longer than a block is hashed first).
    pub(crate) fn new(key: &[u8]) -> HmacKey {
        let mut padded = [0u8; BLOCK];
        if key.len() > BLOCK {
            let mut hashed = sha256(key);
            padded[..32].copy_from_slice(&hashed);
            hashed.zeroize();
        } else {
            padded[..key.len()].copy_from_slice(key);
        }
        let key_state = |pad: u8| {
            let mut block = padded;
            for b in &mut block {
                *b ^= pad;
            }
            let mut state = IV;
            compress(&mut state, &block);
            block.zeroize();
            state
        };
        let inner = key_state(0x36);
        let outer = key_state(0x5c);
        padded.zeroize();
        HmacKey { inner, outer }
    }

    /// HMAC-SHA256 of `data` under this key.
    pub(crate) fn mac(&self, data: &[u8]) -> [u8; 32] {
        let mut inner = finish(self.inner, BLOCK as u64, data);
        let out = finish(self.outer, BLOCK as u64, &inner);
        inner.zeroize();
        out
    }
}

impl Drop for HmacKey {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

impl fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HmacKey([redacted])")
    }
}

/// HMAC-SHA256 of `data` under `key`.
pub(crate) fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    HmacKey::new(key).mac(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hex::encode as hex;

    #[test]
    fn sha256_matches_the_fips_examples_at_every_padding_boundary() {
        // FIPS 180-4 examples ("abc", the two-block message) and the empty message.
        assert_eq!(
            hex(sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex(sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(sha256(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        // Every length from 0 to 300 against the sha2 crate's own hasher, so each
        // padding case (tail of 0..=55 bytes, 56..=63 bytes, whole blocks) is covered.
        use sha2::Digest;
        let data: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for n in 0..=data.len() {
            let want: [u8; 32] = sha2::Sha256::digest(&data[..n]).into();
            assert_eq!(sha256(&data[..n]), want, "length {n}");
        }
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // RFC 4231 test cases 1, 2, 6 (key longer than a block) and 7.
        let cases: [(Vec<u8>, &[u8], &str); 4] = [
            (
                vec![0x0b; 20],
                b"Hi There",
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe".to_vec(),
                b"what do ya want for nothing?",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                vec![0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
            (
                vec![0xaa; 131],
                b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            ),
        ];
        for (key, data, want) in cases {
            assert_eq!(hex(hmac_sha256(&key, data)), want);
            assert_eq!(hex(HmacKey::new(&key).mac(data)), want);
        }
    }

    #[test]
    fn hmac_key_debug_is_redacted() {
        let key = HmacKey::new(b"secret key bytes");
        assert_eq!(format!("{key:?}"), "HmacKey([redacted])");
    }
}
