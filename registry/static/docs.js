/* Swagger UI on the committed contract, trying requests on this server with a bearer token. */
"use strict";

(() => {
  const root = document.getElementById("swagger-ui");
  const config = JSON.parse(document.getElementById("swagger-ui-config").textContent);
  window.ui = SwaggerUIBundle({ ...config, url: root.dataset.specUrl, domNode: root });
})();
