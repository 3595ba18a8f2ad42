// Runs before the wasm (a deferred classic script, no module): the sign-in form in index.html
// is usable at once, so this marks that moment, and keeps a Sign in pressed before the wasm is
// ready for the wasm to act on, exactly once (src/pages/connect.rs reads `data-early` when it
// binds the form and sets `data-ready`). Nothing here reads or sends what was typed.
(function () {
  var form = document.getElementById('signin-form');
  if (!form) return;
  form.addEventListener('submit', function (e) {
    if (form.hasAttribute('data-ready')) return;
    e.preventDefault();
    form.setAttribute('data-early', '');
    var button = document.getElementById('signin-submit');
    if (button) {
      button.textContent = 'Starting…';
      button.setAttribute('aria-disabled', 'true');
    }
  });
  if (window.performance && performance.mark) performance.mark('totp-admin:interactive');
})();
