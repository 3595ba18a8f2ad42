window.onload = function () {
  new MutationObserver(function (_, obs) {
    if (document.querySelector('.opblock')) { performance.mark('swagger:opblock'); obs.disconnect(); }
  }).observe(document.documentElement, { childList: true, subtree: true });
  window.ui = SwaggerUIBundle({
    url: 'totp-openapi-excerpt.yml',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout'
  });
};
