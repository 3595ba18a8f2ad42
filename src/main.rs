//! Installs the panic message, applies the saved colour theme and mounts the app; nothing else.

fn main() {
    // First: a panic anywhere after this shows a message instead of a dead page.
    totp_admin::fatal::install();
    totp_admin::components::theme::apply_saved();
    leptos::mount::mount_to_body(totp_admin::shell::App);
    totp_admin::mark_interactive();
    totp_admin::shell::split::prefetch();
}
