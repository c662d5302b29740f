/* Change forms editors share (articles, quotes, people): no build step, no dependencies.
 *
 * - Warns before leaving the page with unsaved changes (the browser's own dialog).
 * - Tells the server the page is still open, every few seconds, and shows who else has
 *   it open; says when the page is left, so the notice clears for the others.
 */
(function () {
  "use strict";
  var form = document.querySelector("#content-main form[method=post]");
  if (!form) {
    return;
  }

  // A refused (stale) save comes back holding the editor's unsaved changes.
  var dirty = document.getElementById("edit-conflict") !== null;
  function markDirty(event) {
    if (event.target && event.target.form === form) {
      dirty = true;
    }
  }
  form.addEventListener("input", markDirty);
  form.addEventListener("change", markDirty);
  form.addEventListener("submit", function () {
    dirty = false;
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  var notice = document.getElementById("editing-now");
  if (!notice || !notice.dataset.url) {
    return;
  }
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");
  function body(extra) {
    var data = new FormData();
    if (token) {
      data.append("csrfmiddlewaretoken", token.value);
    }
    if (extra) {
      data.append(extra, "1");
    }
    return data;
  }
  function show(others) {
    notice.querySelector(".names").textContent = others.join(", ");
    notice.hidden = others.length === 0;
  }
  function ping() {
    fetch(notice.dataset.url, { method: "POST", body: body(), credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (reply) {
        if (reply) {
          show(reply.others);
        }
      })
      .catch(function () {
        /* offline for a moment: the next ping tries again */
      });
  }
  var every = Math.max(5, parseInt(notice.dataset.every, 10) || 15) * 1000;
  window.setInterval(ping, every);
  window.addEventListener("pagehide", function () {
    if (navigator.sendBeacon) {
      navigator.sendBeacon(notice.dataset.url, body("leave"));
    }
  });
})();
