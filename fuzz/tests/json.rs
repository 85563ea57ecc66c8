//! The JSON reader against serde_json on text that is JSON or nearly (`make fuzz` gives the
//! same target arbitrary bytes): the fuzz target [`qcloud_cdn_fuzz::json`] holds for each.

use proptest::prelude::*;

/// JSON text, well-formed or nearly: values nested four deep from atoms at the edges of RFC
/// 8259 (every escape, surrogate pairs and lone surrogates, raw control characters, leading
/// zeros, long mantissas), near misses among the separators, trailing text, or a cut.
fn json_text() -> impl Strategy<Value = String> {
    const ATOMS: &[&str] = &[
        "null",
        "true",
        "false",
        "nul",
        "tru",
        "\"\"",
        "\"a\\u00e9\\ud83d\\ude00\"",
        "\"\\b\\f\\n\\r\\t\\/\\\\\\\"\"",
        "\"\\ud800\"",
        "\"\\udc00x\"",
        "\"\\x\"",
        "\"\u{1}\"",
        "\"\u{7f}中文😀\"",
        "\"x",
        "01",
        "1.",
        "-",
        "+1",
        ".5",
        "-0",
        "0e400",
    ];
    let atom = prop_oneof![prop::sample::select(ATOMS).prop_map(String::from), "-?(0|[1-9][0-9]{0,24})(\\.[0-9]{1,24})?([eE][+-]?[0-9]{1,2})?",];
    let value = atom.prop_recursive(4, 48, 4, |inner| {
        let sep = prop::sample::select(&[",", ",", ",", ",", " ", ",,"][..]);
        let key = prop::sample::select(&["\"k\"", "\"a\"", "\"\\u0041\"", "k", "1"][..]);
        let colon = prop::sample::select(&[":", ":", ":", " : ", ""][..]);
        prop_oneof![
            (prop::collection::vec(inner.clone(), 0..4), sep.clone()).prop_map(|(items, sep)| format!("[{}]", items.join(sep))),
            (prop::collection::vec((key, colon, inner), 0..4), sep).prop_map(|(members, sep)| {
                let members: Vec<String> = members.into_iter().map(|(k, c, v)| format!("{k}{c}{v}")).collect();
                format!("{{{}}}", members.join(sep))
            }),
        ]
    });
    let around = prop::sample::select(&["", "", "", " ", "\n\t", "x", "]", "\u{a0}"][..]);
    (around.clone(), value, around, prop::option::of(0usize..200)).prop_map(|(before, v, after, cut)| {
        let text = format!("{before}{v}{after}");
        match cut {
            Some(n) if n < text.chars().count() && n % 4 == 0 => text.chars().take(n).collect(),
            _ => text,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_json_reader_agrees_with_serde_json(text in json_text()) {
        qcloud_cdn_fuzz::json(text.as_bytes());
    }
}
