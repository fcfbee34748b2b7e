/* Live preview only (`python build.py serve`; coursebuild/editor/serve.py serves this file and
 * never publishes it). Reloads the page once the preview's build number differs from the one
 * this page was served with: the server holds each request until the number changes (or 25 s
 * pass), so a new build shows at once, without polling. A file, not an inline script, so the
 * page's Content-Security-Policy ('self') lets it run. The guard keeps one poller when Material's instant navigation swaps
 * pages without a full load. */
(function () {
  "use strict";
  if (window.__osdLiveReload) return;
  window.__osdLiveReload = 1;
  var script = document.currentScript;
  var built = Number(script.getAttribute("data-build"));
  var address = script.getAttribute("data-poll");
  function poll() {
    fetch(address + "?since=" + built, { cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (text) {
        if (Number(text) !== built) location.reload();
        else poll();
      })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
