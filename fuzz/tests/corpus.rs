//! Replays every committed corpus input (and every saved crash) through its target: what
//! `make fuzz` found once stays fixed.

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
