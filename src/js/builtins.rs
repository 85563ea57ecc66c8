//! The JavaScript built-ins the boundary calls, declared here rather than taken from js-sys.
//!
//! js-sys carries an exported `__wbg_jspi_task_poll` and its closure machinery, which the linker
//! keeps until `wasm-bindgen` drops the export; wasm-opt then drops the code but cannot drop its
//! strings from the data segment (bench/NOTES.md "Size"). These are the same imports, of the
//! same types, as js-sys's declarations of them, so the `.wasm`'s import signatures are unchanged.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// Any object.
    #[wasm_bindgen(typescript_type = "object")]
    pub type Object;

    /// `{}`.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Object;

    /// An `Array`.
    #[wasm_bindgen(extends = Object, is_type_of = Array::is_array, typescript_type = "Array<any>")]
    pub type Array;

    /// `[]`.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Array;

    /// `Array.isArray(value)`.
    #[wasm_bindgen(static_method_of = Array, js_name = isArray)]
    pub fn is_array(value: &JsValue) -> bool;

    /// `this.length`.
    #[wasm_bindgen(method, getter)]
    pub fn length(this: &Array) -> u32;

    /// `this[index]`.
    #[wasm_bindgen(method, indexing_getter)]
    pub fn get(this: &Array, index: u32) -> JsValue;

    /// `this.indexOf(value)`: -1 when absent.
    #[wasm_bindgen(method, js_name = indexOf)]
    pub fn index_of(this: &Array, value: &JsValue) -> i32;

    /// `this.push(value)`.
    #[wasm_bindgen(method)]
    pub fn push(this: &Array, value: &JsValue) -> u32;

    /// Anything `typeof` calls a function.
    #[wasm_bindgen(extends = Object, is_type_of = JsValue::is_function, typescript_type = "Function")]
    pub type Function;

    /// A `Promise`.
    #[wasm_bindgen(extends = Object, typescript_type = "Promise<any>")]
    pub type Promise;

    /// `Promise.reject(reason)`.
    #[wasm_bindgen(static_method_of = Promise)]
    pub fn reject(reason: &JsValue) -> Promise;

    /// `Reflect.get(target, key)`; `Err` with what a getter or a Proxy trap threw.
    #[wasm_bindgen(js_namespace = Reflect, js_name = get, catch)]
    pub fn reflect_get(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;

    /// `Reflect.get(target, index)`.
    #[wasm_bindgen(js_namespace = Reflect, js_name = get, catch)]
    pub fn reflect_get_index(target: &JsValue, index: u32) -> Result<JsValue, JsValue>;

    /// `Reflect.ownKeys(target)`: strings and symbols.
    #[wasm_bindgen(js_namespace = Reflect, js_name = ownKeys, catch)]
    pub fn own_keys(target: &JsValue) -> Result<Array, JsValue>;

    /// `Math.random()`.
    #[wasm_bindgen(js_namespace = Math)]
    pub fn random() -> f64;
}
