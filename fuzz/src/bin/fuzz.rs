//! `make fuzz`: mutates the committed corpus of every target for `FUZZ_SECONDS` each (default
//! 30) and stops at the first panic, saving the input under `fuzz/artifacts/<target>/`.
//! A plain mutation fuzzer: bit flips, byte edits, splices and a dictionary of the protocol's
//! tokens, with no coverage feedback (cargo-fuzz would need a nightly toolchain).

use std::panic;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use qcloud_cdn_fuzz::TARGETS;

const TOKENS: &[&str] = &[
    "https://",
    "http://",
    "www.test.com",
    ":8080",
    ":0",
    ":65536",
    "[::1]",
    "user@",
    "/",
    "?",
    "#",
    "&",
    "=",
    "%",
    "%2",
    "%zz",
    "+",
    "中文",
    "😀",
    "\u{0}",
    "\u{3000}",
    "\n",
    "\u{1f}",
    "POST",
    "GET",
    "HmacSHA1",
    "HmacSHA256",
    "1",
    "2",
    "3",
    "{\"code\":0,",
    "{\"code\":4000,\"message\":\"(9110) x\",\"codeDesc\":9110}",
    "\"codeDesc\":\"Success\"}",
    "6200",
    "6000",
    "(22063)",
    "1e309",
    "-0",
    "\\u0000",
    "\\ud800",
    "Sun, 06 Nov 1994 08:49:37 GMT",
    "99999999999",
    "\"",
    "\\",
    "[",
    "]",
    "{",
    "}",
    "null",
    "true",
];

/// xorshift64*: enough randomness to pick mutations, seeded from the clock.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(input: &[u8], corpus: &[Vec<u8>], rng: &mut Rng) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(out.len() + 1);
        let last = out.len().saturating_sub(1);
        match rng.below(7) {
            0 if !out.is_empty() => out[at.min(last)] ^= 1 << rng.below(8),
            1 if !out.is_empty() => out[at.min(last)] = rng.next() as u8,
            2 => out.splice(at..at, TOKENS[rng.below(TOKENS.len())].bytes()).for_each(drop),
            3 if !out.is_empty() => {
                let end = (at + rng.below(16)).min(out.len());
                out.drain(at.min(end)..end);
            }
            4 => {
                let other = &corpus[rng.below(corpus.len())];
                let from = rng.below(other.len() + 1);
                let to = (from + rng.below(64)).min(other.len());
                out.splice(at..at, other[from..to].iter().copied()).for_each(drop);
            }
            5 if !out.is_empty() => {
                let end = (at + rng.below(32)).min(out.len());
                let copy = out[at.min(end)..end].to_vec();
                out.splice(at..at, copy).for_each(drop);
            }
            _ => out.insert(at, rng.next() as u8),
        }
    }
    out.truncate(1 << 16);
    out
}

fn load(dir: &Path) -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    files.sort();
    files.iter().filter_map(|f| std::fs::read(f).ok()).collect()
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seconds: u64 = std::env::var("FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(30);
    let seed = SystemTime::now().duration_since(UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64) | 1;
    println!("fuzz: {seconds} s per target, seed {seed}");
    let mut rng = Rng(seed);
    for (name, target) in TARGETS {
        let corpus = load(&root.join("corpus").join(name));
        assert!(!corpus.is_empty(), "fuzz/corpus/{name} is empty");
        let until = Instant::now() + Duration::from_secs(seconds);
        let mut runs = 0u64;
        while Instant::now() < until {
            let input = mutate(&corpus[rng.below(corpus.len())], &corpus, &mut rng);
            if panic::catch_unwind(|| target(&input)).is_err() {
                let dir = root.join("artifacts").join(name);
                std::fs::create_dir_all(&dir).expect("fuzz/artifacts is writable");
                let file = dir.join(format!("crash-{seed}-{runs}"));
                std::fs::write(&file, &input).expect("the crashing input is saved");
                eprintln!("fuzz: {name} failed on {} (input saved)", file.display());
                std::process::exit(1);
            }
            runs += 1;
        }
        println!("fuzz: {name}: {runs} inputs in {seconds} s, no failure");
    }
}
