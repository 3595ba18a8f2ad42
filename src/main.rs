//! Applies the saved colour theme and mounts the app; nothing else.

fn main() {
    totp_admin::theme::apply_saved();
    leptos::mount::mount_to_body(totp_admin::app::App);
    totp_admin::mark_interactive();
}
