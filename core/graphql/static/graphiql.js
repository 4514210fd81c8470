/*
 * Loa's GraphiQL page: starts the vendored GraphiQL (vendor/, see SOURCES.md) against this
 * endpoint. A served file, not an inline script, so the page's CSP can be script-src 'self'.
 * The page hands over its settings as JSON in <script type="application/json" id="loa-graphiql">.
 */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("loa-graphiql").textContent);
  // Radix dialogs add <style> elements at run time (react-style-singleton); they read this
  // global and carry the page's style nonce, so style-src needs no 'unsafe-inline'.
  window.__webpack_nonce__ = config.styleNonce;
  // The management API's page sends the admin session's CSRF token with each query.
  var fetcher = GraphiQL.createFetcher({ url: config.url, headers: config.headers || {} });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: config.defaultQuery,
      // Example queries of a commune's home page, one tab each (core/graphql/examples.py).
      defaultTabs: config.tabs,
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: false,
      shouldPersistHeaders: false,
    }),
  );
})();
