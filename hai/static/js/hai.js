// Small behaviours without inline scripts (the CSP forbids them).
(function () {
  "use strict";

  // <button data-confirm="…"> asks before a plain (non-htmx) form is submitted.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // After htmx swaps a fragment that carries an error, move focus to the first
  // invalid field so keyboard and screen-reader users land on the problem.
  document.addEventListener("htmx:afterSwap", function (event) {
    var invalid = event.detail.target.querySelector("[aria-invalid='true']");
    if (invalid) {
      invalid.focus();
    }
  });
})();
