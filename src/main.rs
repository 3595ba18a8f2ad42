//! Installs the panic message, applies the saved colour theme and starts the page (the sign-in
//! form's binding; the app arrives as the second module); nothing else.

fn main() {
    // First: a panic anywhere after this shows a message instead of a dead page.
    totp_admin::fatal::install();
    totp_admin::components::theme::apply_saved();
    totp_admin::shell::start();
}
