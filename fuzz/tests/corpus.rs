//! Replays every committed corpus input (and every saved crash) through its target: what
//! `make fuzz` found once stays fixed. And checks that `make fuzz` fuzzes every target.

use std::path::Path;

use qcloud_cdn_fuzz::TARGETS;

#[test]
fn the_corpus_replays_without_a_failure() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (name, target) in TARGETS {
        let mut count = 0;
        for dir in [root.join("corpus").join(name), root.join("artifacts").join(name)] {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let input = std::fs::read(entry.path()).expect("readable");
                target(&input);
                count += 1;
            }
        }
        assert!(count >= 5, "{name}: {count} corpus inputs");
    }
}

/// `make fuzz` runs the binaries of fuzz/libfuzzer/Cargo.toml (`cargo fuzz list`), one per
/// target: a target added to [`TARGETS`] without its binary would be replayed here but never
/// fuzzed, and a binary without its target would fuzz something this test does not replay.
#[test]
fn every_target_has_its_libfuzzer_binary_and_no_other() {
    let libfuzzer = Path::new(env!("CARGO_MANIFEST_DIR")).join("libfuzzer");
    let manifest = std::fs::read_to_string(libfuzzer.join("Cargo.toml")).expect("readable");
    let bins: Vec<&str> =
        manifest.split("[[bin]]").skip(1).filter_map(|b| b.lines().find_map(|l| l.strip_prefix("name = "))).map(|n| n.trim_matches('"')).collect();
    let names: Vec<&str> = TARGETS.iter().map(|(name, _)| *name).collect();
    assert_eq!(bins, names, "the [[bin]]s of fuzz/libfuzzer/Cargo.toml, in TARGETS' order");
    for name in names {
        let source = std::fs::read_to_string(libfuzzer.join("fuzz_targets").join(format!("{name}.rs"))).expect("readable");
        assert!(source.contains(&format!("qcloud_cdn_fuzz::{name}(data)")), "fuzz_targets/{name}.rs runs qcloud_cdn_fuzz::{name}");
    }
}
