//! Number statistics of the document's examples: a documented `number` whose every
//! example value (same JSON key, anywhere; defaults count) is whole is an `integer`.

use std::collections::HashMap;

use codegen::spec::TypeRef;
use serde_json::Value;

use crate::draft::Draft;

/// For each JSON key of every example: whether its numbers were all whole.
pub(super) struct NumberStats {
    keys: HashMap<String, (u32, u32)>,
}

impl NumberStats {
    pub(super) fn from_draft(draft: &Draft) -> Self {
        let mut keys = HashMap::new();
        let examples = draft.operations.iter().flat_map(|op| {
            op.request.iter().flat_map(|r| &r.examples).chain(op.responses.iter().flat_map(|r| &r.examples))
        });
        for example in examples.filter(|e| e.valid_json) {
            if let Ok(value) = serde_json::from_str::<Value>(&example.json) {
                count_numbers(&value, None, &mut keys);
            }
        }
        NumberStats { keys }
    }

    /// `integer` when every example value of `key` (and the default) is a whole number.
    pub(super) fn refine(&self, key: &str, default: Option<&str>) -> TypeRef {
        let (mut whole, mut fractional) = self.keys.get(key).copied().unwrap_or((0, 0));
        if let Some(d) = default {
            match d.parse::<i64>() {
                Ok(_) => whole += 1,
                Err(_) if d.parse::<f64>().is_ok() => fractional += 1,
                Err(_) => {}
            }
        }
        if whole > 0 && fractional == 0 {
            TypeRef::Integer
        } else {
            TypeRef::Number
        }
    }
}

fn count_numbers(value: &Value, key: Option<&str>, keys: &mut HashMap<String, (u32, u32)>) {
    match value {
        Value::Number(n) => {
            if let Some(k) = key {
                let entry = keys.entry(k.to_string()).or_default();
                if n.is_i64() || n.is_u64() {
                    entry.0 += 1;
                } else {
                    entry.1 += 1;
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| count_numbers(v, key, keys)),
        Value::Object(map) => map.iter().for_each(|(k, v)| count_numbers(v, Some(k), keys)),
        _ => {}
    }
}
