//! What a response model accepts: its `Deserialize` is written out by the emitter (one
//! `match` on the key; the loop is `runtime::decode_object`) instead of serde's derive,
//! and must decode what the derive decoded: absent and `null` optional fields as `None`,
//! absent lists as empty, unknown keys (of any shape) skipped, keys with JSON escapes
//! read, and the same errors for a value of the wrong kind; a JSON array is no longer
//! read as a struct (the derive's sequence form, which no API sends). The runtime's
//! decoder is what the client calls; serde_json's `from_str` reaches the same impl.

use wealthbox::models::{Contact, ContactPage};
use wealthbox::Error;

fn decode<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, Error> {
    wealthbox::__decode(200, body.as_bytes())
}

fn decode_error<T: serde::de::DeserializeOwned + std::fmt::Debug>(body: &str) -> (String, String) {
    match decode::<T>(body) {
        Err(Error::Decode { path, message, .. }) => (path, message),
        other => panic!("expected a decode error for {body}, got {other:?}"),
    }
}

#[test]
fn absent_and_null_optional_fields_are_none() {
    let contact: Contact = decode(r#"{"id": 7, "first_name": null}"#).unwrap();
    assert_eq!(contact.id, Some(7));
    assert_eq!(contact.first_name, None);
    assert_eq!(contact.last_name, None);
    assert_eq!(decode::<Contact>("{}").unwrap(), Contact::default());
}

#[test]
fn an_absent_list_is_empty_and_a_null_one_is_an_error_as_before() {
    let page: ContactPage = decode("{}").unwrap();
    assert!(page.contacts.is_empty());
    let (path, message) = decode_error::<ContactPage>(r#"{"contacts": null}"#);
    assert_eq!(path, "contacts");
    assert!(message.contains("invalid type: null, expected a sequence"), "{message}");
}

#[test]
fn unknown_keys_of_any_shape_are_skipped() {
    let body = r#"{"unknown": {"deep": [1, {"x": [null, true]}]}, "id": 3, "more": [], "last": "s"}"#;
    let contact: Contact = decode(body).unwrap();
    assert_eq!(contact.id, Some(3));
}

#[test]
fn a_key_with_escapes_is_read_like_its_plain_form() {
    let contact: Contact = decode(r#"{"first\u005fname": "Kevin", "\u0069d": 5}"#).unwrap();
    assert_eq!(contact.first_name.as_deref(), Some("Kevin"));
    assert_eq!(contact.id, Some(5));
}

#[test]
fn a_key_given_twice_keeps_its_last_value() {
    let contact: Contact = decode(r#"{"id": 1, "id": 2}"#).unwrap();
    assert_eq!(contact.id, Some(2));
}

#[test]
fn a_value_of_the_wrong_kind_is_an_error_naming_its_path() {
    let (path, message) = decode_error::<ContactPage>(r#"{"contacts": [{"id": 1}, {"id": "two"}]}"#);
    assert_eq!(path, "contacts[1].id");
    assert!(message.contains("invalid type: string \"two\", expected i64"), "{message}");
}

#[test]
fn a_body_that_is_no_object_names_the_model_expected() {
    for body in ["[]", "[1, 2]", "\"text\"", "12"] {
        let (path, message) = decode_error::<Contact>(body);
        assert_eq!(path, ".", "{body}");
        assert!(message.contains("expected struct Contact"), "{body}: {message}");
    }
    let (path, message) = decode_error::<ContactPage>(r#"{"contacts": [7]}"#);
    assert_eq!(path, "contacts[0]");
    assert!(message.contains("expected struct Contact"), "{message}");
}

#[test]
fn serde_json_reaches_the_same_decoder() {
    let contact: Contact = serde_json::from_str(r#"{"id": 9, "unknown": 1}"#).unwrap();
    assert_eq!(contact.id, Some(9));
    let contact: Contact = serde_json::from_reader(&br#"{"first\u005fname": "Jo"}"#[..]).unwrap();
    assert_eq!(contact.first_name.as_deref(), Some("Jo"));
}
