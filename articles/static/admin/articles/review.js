/* The review screen's keys, no build step: v verify, r reject, u unreviewed, j next quote,
 * k previous quote. Each presses the page's own button or follows its own link, so the
 * screen works the same without this file. Keys typed into a field are left alone. */
(function () {
  "use strict";
  var keys = { v: "review-verify", r: "review-reject", u: "review-reopen", j: "review-next", k: "review-prev" };
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) {
      return;
    }
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(target.tagName) ||
        (target.closest && target.closest(".select2-container")))) {
      return;
    }
    var id = keys[event.key];
    var control = id && document.getElementById(id);
    if (!control) {
      return;
    }
    event.preventDefault();
    control.click();
  });
  var selected = document.querySelector("q.review-quote.selected");
  if (selected && selected.scrollIntoView) {
    selected.scrollIntoView({ block: "center" });
  }
})();
