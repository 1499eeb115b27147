//! `CreateNewContactRequest` has required fields (`first_name`, `last_name`): its
//! constructor takes them.

use wealthbox::models::CreateNewContactRequest;

fn main() {
    let _ = CreateNewContactRequest::new();
}
