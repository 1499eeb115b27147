//! `CreateContact` has required fields (`first_name`, `last_name`): its
//! constructor takes them.

use wealthbox::models::CreateContact;

fn main() {
    let _ = CreateContact::new();
}
