// Request bodies are built with `new(required...)` and chained setters, never with a
// struct literal: an optional field the vendor adds later breaks no build.
fn main() {
    let _ = wealthbox::models::UpdateContact { nickname: Some("Kev".into()), ..Default::default() };
}
