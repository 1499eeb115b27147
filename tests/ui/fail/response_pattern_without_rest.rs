// A pattern over a response struct names the fields it reads and ends with `..`: the
// structs are `#[non_exhaustive]`, so a field the vendor adds later breaks no build.
fn main() {
    let tag: wealthbox::models::Tag = serde_json::from_str("{}").unwrap();
    let wealthbox::models::Tag { id, name } = tag;
    let _ = (id, name);
}
