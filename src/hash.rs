//! SHA-1 and SHA-256 (FIPS 180-4 §6.1 and §6.2) and HMAC over either (RFC 2104): what API 2.0's
//! `HmacSHA1`/`HmacSHA256` and API 3.0's TC3-HMAC-SHA256 sign with (API-NOTES "Signature",
//! API-NOTES-V3 "TC3-HMAC-SHA256").
//!
//! Written here rather than taken from RustCrypto's `sha1`, `sha2` and `hmac`: those bring a
//! generic block-buffer and array machinery that was 6 KB of the `.wasm`, for two hashes this
//! crate only ever runs over short, whole messages. Every input here is either public (the
//! source string) or the caller's own key; the code has no data-dependent branch or index.
//! The crates stay as the oracle of the native property tests (`tests/properties.rs`).

use core::ops::Deref;

/// The two hashes the APIs sign with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    /// 20-byte output; API 2.0's default `HmacSHA1`.
    Sha1,
    /// 32-byte output; API 2.0's `HmacSHA256` and every step of TC3.
    Sha256,
}

/// Both hashes process 64-byte blocks.
const BLOCK: usize = 64;

/// SHA-256's round constants (FIPS 180-4 §4.2.2).
const K256: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74,
    0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d,
    0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e,
    0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
    0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

impl Hash {
    /// Output bytes: 20 or 32.
    pub fn output_len(self) -> usize {
        match self {
            Hash::Sha1 => 20,
            Hash::Sha256 => 32,
        }
    }

    /// The initial hash value (FIPS 180-4 §5.3.1 and §5.3.3); SHA-1 uses the first five words.
    fn initial(self) -> [u32; 8] {
        match self {
            Hash::Sha1 => [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0, 0, 0, 0],
            Hash::Sha256 => [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19],
        }
    }

    /// Folds one 64-byte block into `state`.
    fn compress(self, state: &mut [u32; 8], block: &[u8; BLOCK]) {
        // The block as 16 big-endian words, read with `get`: `chunks_exact` built a
        // division-by-zero panic, message and source location into the `.wasm`.
        let mut w = [0u32; 80];
        for (t, word) in w.iter_mut().enumerate().take(16) {
            if let Some(&[a, b, c, d]) = block.get(4 * t..4 * t + 4) {
                *word = u32::from_be_bytes([a, b, c, d]);
            }
        }
        match self {
            Hash::Sha1 => {
                for t in 16..80 {
                    w[t] = (w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]).rotate_left(1);
                }
                let [mut a, mut b, mut c, mut d, mut e, ..] = *state;
                // Rounds 0–19, 20–39, 40–59 and 60–79 (§4.1.1): compared, not `match t / 20`,
                // which compiled 12 bytes larger and ran no faster.
                let mut t = 0;
                while let Some(wt) = w.get(t) {
                    let (f, k) = if t < 20 {
                        ((b & c) | (!b & d), 0x5a827999)
                    } else if t < 40 {
                        (b ^ c ^ d, 0x6ed9eba1)
                    } else if t < 60 {
                        ((b & c) | (b & d) | (c & d), 0x8f1bbcdc)
                    } else {
                        (b ^ c ^ d, 0xca62c1d6)
                    };
                    let temp = a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(k).wrapping_add(*wt);
                    (e, d, c, b, a) = (d, c, b.rotate_left(30), a, temp);
                    t += 1;
                }
                for (s, v) in state.iter_mut().zip([a, b, c, d, e]) {
                    *s = s.wrapping_add(v);
                }
            }
            Hash::Sha256 => {
                for t in 16..64 {
                    let s0 = w[t - 15].rotate_right(7) ^ w[t - 15].rotate_right(18) ^ (w[t - 15] >> 3);
                    let s1 = w[t - 2].rotate_right(17) ^ w[t - 2].rotate_right(19) ^ (w[t - 2] >> 10);
                    w[t] = w[t - 16].wrapping_add(s0).wrapping_add(w[t - 7]).wrapping_add(s1);
                }
                let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
                for (k, wt) in K256.iter().zip(&w) {
                    let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
                    let ch = (e & f) ^ (!e & g);
                    let t1 = h.wrapping_add(s1).wrapping_add(ch).wrapping_add(*k).wrapping_add(*wt);
                    let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
                    let maj = (a & b) ^ (a & c) ^ (b & c);
                    (h, g, f, e, d, c, b, a) = (g, f, e, d.wrapping_add(t1), c, b, a, t1.wrapping_add(s0.wrapping_add(maj)));
                }
                for (s, v) in state.iter_mut().zip([a, b, c, d, e, f, g, h]) {
                    *s = s.wrapping_add(v);
                }
            }
        }
    }
}

/// A hash being computed: the state, the bytes of a block not yet full, and the length so far.
struct Hasher {
    hash: Hash,
    state: [u32; 8],
    block: [u8; BLOCK],
    /// Bytes in `block`; always less than [`BLOCK`] between calls.
    fill: usize,
    /// Message bytes so far.
    len: u64,
}

impl Hasher {
    fn new(hash: Hash) -> Hasher {
        Hasher { hash, state: hash.initial(), block: [0; BLOCK], fill: 0, len: 0 }
    }

    fn update(&mut self, mut data: &[u8]) {
        self.len += data.len() as u64;
        while !data.is_empty() {
            let take = copy(self.block.get_mut(self.fill..).unwrap_or_default(), data);
            self.fill += take;
            data = data.get(take..).unwrap_or_default();
            if self.fill >= BLOCK {
                self.hash.compress(&mut self.state, &self.block);
                self.fill = 0;
            }
        }
    }

    /// Pads the message (FIPS 180-4 §5.1.1: `0x80`, zeros, the bit length in 64 bits big-endian)
    /// and returns the big-endian state, cut to the hash's length.
    fn finish(mut self) -> Digest {
        let bits = self.len.wrapping_mul(8);
        self.update(&[0x80]);
        self.update(&[0; BLOCK][..(2 * BLOCK - 8 - self.fill) % BLOCK]);
        self.update(&bits.to_be_bytes());
        let mut out = Digest { bytes: [0; 32], len: self.hash.output_len() };
        for (i, word) in self.state.iter().enumerate() {
            copy(out.bytes.get_mut(4 * i..).unwrap_or_default(), &word.to_be_bytes());
        }
        out
    }
}

/// A hash or an HMAC: 20 or 32 bytes, held inline. A signature makes several of them, each
/// used once; a `Vec` was a heap allocation apiece (bench/NOTES.md).
#[derive(Clone, Copy)]
pub struct Digest {
    bytes: [u8; 32],
    /// [`Hash::output_len`]: at most 32.
    len: usize,
}

impl Deref for Digest {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }
}

/// The hash of `data`.
pub fn digest(hash: Hash, data: &[u8]) -> Digest {
    let mut h = Hasher::new(hash);
    h.update(data);
    h.finish()
}

/// Copies what fits of `from` to the start of `to`; returns how many bytes that was. One
/// `memory.copy`: a loop over the bytes was a fiftieth of signing's time, and `copy_from_slice`
/// builds its length check's panic message into the `.wasm` (112 bytes gzipped).
fn copy(to: &mut [u8], from: &[u8]) -> usize {
    let n = to.len().min(from.len());
    // SAFETY: `n` bytes are in bounds of both, and `to`, borrowed mutably, overlaps nothing.
    unsafe { core::ptr::copy_nonoverlapping(from.as_ptr(), to.as_mut_ptr(), n) };
    n
}

/// RFC 2104 HMAC: `H((K ^ opad) || H((K ^ ipad) || message))`, where `K` is `key` zero-padded
/// to the block size, or its hash when it is longer than a block.
pub fn hmac(hash: Hash, key: &[u8], message: &[u8]) -> Digest {
    let mut k = [0u8; BLOCK];
    let hashed;
    let key = if key.len() > BLOCK {
        hashed = digest(hash, key);
        &hashed[..]
    } else {
        key
    };
    copy(&mut k, key);
    let mut inner = Hasher::new(hash);
    inner.update(&k.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = Hasher::new(hash);
    outer.update(&k.map(|b| b ^ 0x5c));
    outer.update(&inner.finish());
    outer.finish()
}
