//! Installs the panic message, applies the saved colour theme and mounts the app; nothing else.

fn main() {
    // First: a panic anywhere after this shows a message instead of a dead page.
    totp_admin::fatal::install();
    totp_admin::components::theme::apply_saved();
    totp_admin::shell::mount();
    totp_admin::mark_wasm_ready();
    totp_admin::shell::split::prefetch();
}
