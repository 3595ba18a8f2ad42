//! Mounts the app; nothing else.

fn main() {
    leptos::mount::mount_to_body(totp_admin::app::App);
    totp_admin::mark_interactive();
}
