//! The JS surface in a real browser (`wasm-pack test --headless --firefox -- --test browser`).
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;
