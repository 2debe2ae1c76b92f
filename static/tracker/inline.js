/* Inline editors on the incident page (htmx swaps a form into a panel beside what it edits).
   An opened form takes the focus at its first field; Escape closes it without saving and puts
   the focus back on the link that opened it. */
(function () {
  "use strict";

  function opener(panel) {
    return document.querySelector('[hx-target="#' + panel.id + '"]');
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var form = event.target.querySelector && event.target.querySelector("form.edit-form");
    if (form) {
      var first = form.querySelector("input:not([type=hidden]), select, textarea, button");
      if (first) {
        first.focus();
      }
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var form = event.target.closest && event.target.closest("form.edit-form");
    var panel = form && form.parentElement;
    if (!panel || !panel.id) {
      return;
    }
    var link = opener(panel);
    panel.replaceChildren();
    if (link) {
      link.focus();
    }
    event.preventDefault();
  });
})();
