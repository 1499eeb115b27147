//! Timestamp formats: the chrono format of a timestamp string in the shapes
//! documentation pages use, and the formats the document's examples show (the API's
//! `datetime_formats`, most frequent first).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::draft::DraftOperation;

/// Timestamp formats of the examples' string values, most frequent first.
pub(super) fn datetime_formats(operations: &[DraftOperation]) -> Vec<String> {
    let mut counts: BTreeMap<&'static str, u32> = BTreeMap::new();
    fn walk(value: &Value, counts: &mut BTreeMap<&'static str, u32>) {
        match value {
            Value::String(s) => {
                if let Some(format) = timestamp_format(s) {
                    *counts.entry(format).or_default() += 1;
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, counts)),
            Value::Object(map) => map.values().for_each(|v| walk(v, counts)),
            _ => {}
        }
    }
    for op in operations {
        let examples = op.request.iter().flat_map(|r| &r.examples).chain(op.responses.iter().flat_map(|r| &r.examples));
        for e in examples.filter(|e| e.valid_json) {
            if let Ok(v) = serde_json::from_str::<Value>(&e.json) {
                walk(&v, &mut counts);
            }
        }
    }
    let mut formats: Vec<(&str, u32)> = counts.into_iter().collect();
    formats.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    formats.into_iter().map(|(f, _)| f.to_string()).collect()
}

/// The chrono format of a timestamp string, for the shapes documentation pages use.
pub fn timestamp_format(s: &str) -> Option<&'static str> {
    let shape: String = s.chars().map(|c| if c.is_ascii_digit() { '9' } else { c }).collect();
    match shape.as_str() {
        "9999-99-99 99:99 AM -9999"
        | "9999-99-99 99:99 PM -9999"
        | "9999-99-99 99:99 AM +9999"
        | "9999-99-99 99:99 PM +9999" => Some("%Y-%m-%d %I:%M %p %z"),
        "9999-99-99 9:99pm" | "9999-99-99 9:99am" => Some("%Y-%m-%d %-I:%M%P"),
        "9999-99-99 99:99pm" | "9999-99-99 99:99am" => Some("%Y-%m-%d %I:%M%P"),
        _ => {
            let rfc3339 = shape.len() >= 20
                && shape.starts_with("9999-99-99T99:99:99")
                && (shape.ends_with('Z') || shape.ends_with("+99:99") || shape.ends_with("-99:99"));
            rfc3339.then_some("rfc3339")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_shapes_are_recognised() {
        assert_eq!(timestamp_format("2015-05-24 10:00 AM -0500"), Some("%Y-%m-%d %I:%M %p %z"));
        assert_eq!(timestamp_format("2022-06-30T00:00:00.000000+00:00"), Some("rfc3339"));
        assert_eq!(timestamp_format("2019-08-24T14:15:22Z"), Some("rfc3339"));
        assert_eq!(timestamp_format("2015-05-24"), None);
    }
}
