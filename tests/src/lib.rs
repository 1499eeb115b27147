//! Helpers shared by the integration tests of the generated clients.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Decodes `json` into `T`, encodes it back, and asserts that nothing was lost: every
/// key of the example is a field of `T` (the models ignore unknown keys, so a missing
/// field would otherwise go unnoticed). Numbers compare by value; strings that differ
/// compare with `same_string` (the client's own notion of equal timestamps).
pub fn assert_decodes_losslessly<T: DeserializeOwned + Serialize>(json: &str, same_string: fn(&str, &str) -> bool) {
    let original: Value = serde_json::from_str(json).expect("fixtures are valid JSON");
    let decoded: T = match serde_json::from_str(json) {
        Ok(v) => v,
        Err(e) => panic!("the example does not decode into {}: {e}", std::any::type_name::<T>()),
    };
    let reencoded = serde_json::to_value(&decoded).expect("models encode");
    if let Err(path) = same(&original, &reencoded, String::new(), same_string) {
        panic!(
            "decoding into {} loses or changes `{path}`\n  example: {original}\n  re-encoded: {reencoded}",
            std::any::type_name::<T>()
        );
    }
}

fn same(a: &Value, b: &Value, path: String, same_string: fn(&str, &str) -> bool) -> Result<(), String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                let p = format!("{path}.{k}");
                match y.get(k) {
                    Some(w) => same(v, w, p, same_string)?,
                    None if v.is_null() => {}
                    None => return Err(p),
                }
            }
            Ok(())
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().try_for_each(|(i, (v, w))| same(v, w, format!("{path}[{i}]"), same_string))
        }
        (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => Ok(()),
        (Value::String(x), Value::String(y)) if x == y || same_string(x, y) => Ok(()),
        _ if a == b => Ok(()),
        _ => Err(path),
    }
}

/// The README's code examples, compiled (not run) by `cargo test --workspace`.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeExamples;
