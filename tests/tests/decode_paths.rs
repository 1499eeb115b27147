//! A decode error names the JSON path serde_path_to_error names (`contacts[3].id`),
//! though the runtime decodes with plain serde_json and finds the path afterwards from
//! where serde_json stopped (so that each model's decoder is compiled once): documented
//! examples of each API, each value in turn replaced by one of another kind (a scalar,
//! an object, an array, a text that is no timestamp), pretty and compact; and cut short
//! at every byte, where the path names the value being read or its container.
//! serde_path_to_error is the reference here only.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// The path serde_path_to_error gives, or `None` when the body decodes.
fn reference<T: DeserializeOwned>(bytes: &[u8]) -> Option<String> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(_) => deserializer.end().err().map(|_| ".".to_string()),
        Err(e) => Some(e.path().to_string()),
    }
}

/// The JSON pointer of every value in `value` but the root.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let p = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        _ => {}
    }
}

/// Values of other kinds to put in place of `value`.
fn others(value: &Value) -> Vec<Value> {
    let mut out = vec![serde_json::json!({"x": 1}), serde_json::json!([1])];
    match value {
        Value::String(_) => out.extend([serde_json::json!(12345), serde_json::json!("yesterday")]),
        Value::Null => {}
        _ => out.push(serde_json::json!("x")),
    }
    out
}

/// The runtime's decoding of a body: its error's path and message.
type Decode = fn(&[u8]) -> Result<(), (String, String)>;

/// Checks every variation of `example` decoded as `T` by `decode`; the number of
/// variations that failed to decode (and so were compared).
fn check<T: DeserializeOwned>(name: &str, example: &str, decode: Decode) -> usize {
    let value: Value = serde_json::from_str(example).unwrap();
    let mut compared = 0;
    let mut compare = |bytes: &[u8], what: &str| {
        let expected = reference::<T>(bytes);
        let got = decode(bytes).err();
        match (&expected, &got) {
            (None, None) => {}
            (Some(expected), Some((path, message))) if serde_json::from_slice::<Value>(bytes).is_ok() => {
                assert_eq!(path, expected, "{name}, {what}: {message}\n{}", String::from_utf8_lossy(bytes));
                compared += 1;
            }
            (Some(expected), Some((path, message))) => {
                // Malformed JSON: the value being read, or its container (`?`: a key not
                // read yet).
                let segments = |p: &str| -> Vec<String> {
                    p.replace('[', ".[").split('.').filter(|s| !s.is_empty() && *s != "?").map(String::from).collect()
                };
                let (a, b) = (segments(path), segments(expected));
                let n = a.len().min(b.len());
                assert!(a[..n] == b[..n] && a.len().abs_diff(b.len()) <= 1, "{name}, {what}: {path} for {expected}: {message}");
            }
            _ => panic!("{name}, {what}: reference {expected:?}, runtime {got:?}"),
        }
    };
    let mut all = Vec::new();
    pointers(&value, String::new(), &mut all);
    for pointer in &all {
        for other in others(value.pointer(pointer).unwrap()) {
            let mut changed = value.clone();
            *changed.pointer_mut(pointer).unwrap() = other.clone();
            compare(changed.to_string().as_bytes(), &format!("{pointer} = {other}"));
            compare(serde_json::to_string_pretty(&changed).unwrap().as_bytes(), &format!("{pointer} = {other}, pretty"));
        }
    }
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    for cut in 0..pretty.len() {
        if pretty.is_char_boundary(cut) {
            compare(&pretty.as_bytes()[..cut], &format!("cut at {cut}"));
        }
    }
    compare(format!("{pretty} x").as_bytes(), "trailing data");
    compared
}

macro_rules! examples {
    ($($test:ident: $krate:ident :: $ty:ident, $file:literal;)*) => {$(
        #[test]
        fn $test() {
            fn decode(bytes: &[u8]) -> Result<(), (String, String)> {
                match $krate::__decode::<$krate::models::$ty>(200, bytes) {
                    Ok(_) => Ok(()),
                    Err($krate::Error::Decode { path, message, .. }) => Err((path, message)),
                    Err(other) => panic!("not a decode error: {other:?}"),
                }
            }
            let compared = check::<$krate::models::$ty>($file, include_str!(concat!("../fixtures/", $file)), decode);
            assert!(compared > 20, "{compared} failures compared");
        }
    )*};
}

examples! {
    wealthbox_contacts: wealthbox::ContactPage, "wealthbox/retrieve_all_contacts.200.json";
    wealthbox_events: wealthbox::EventPage, "wealthbox/retrieve_all_events.200.json";
    activecampaign_contact_deals: activecampaign::DealGetContactDeals200Response, "activecampaign/get_contacts_id_deals.200.json";
    activecampaign_field_meta: activecampaign::DealListCustomFieldMetaResponse, "activecampaign/get_deal_custom_field_meta.200.json";
    nimble_deal: nimble::DealsDealView, "nimble/create_new_deal_v2.200.json";
    nimble_pipeline: nimble::PipelineDealsPipeline, "nimble/get_pipeline_by_id.200.json";
    nimble_user: nimble::Myself, "nimble/get_authenticated_user.200.json";
}
