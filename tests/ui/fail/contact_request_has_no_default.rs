//! A request body with required fields has no `Default`, so `..Default::default()`
//! cannot leave them out.

use wealthbox::models::CreateNewContactRequest;

fn main() {
    let _ = CreateNewContactRequest { nickname: Some("Kev".into()), ..Default::default() };
}
