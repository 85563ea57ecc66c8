//! `qcloud_cdn_fuzz::dir` under libFuzzer (`make fuzz`).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| qcloud_cdn_fuzz::dir(data));
