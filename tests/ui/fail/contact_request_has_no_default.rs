//! A request body with required fields has no `Default`, so `..Default::default()`
//! cannot leave them out.

use wealthbox::models::CreateContact;

fn main() {
    let _ = CreateContact { nickname: Some("Kev".into()), ..Default::default() };
}
