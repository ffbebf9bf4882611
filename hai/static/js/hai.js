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

  // Put keyboard and screen-reader users where the action is: on the first invalid
  // field, else on a field marked autofocus inside what was just swapped in.
  function focusIn(root) {
    if (!root || !root.querySelector) {
      return;
    }
    var target = root.querySelector("[aria-invalid='true']") || root.querySelector("[autofocus]");
    if (target) {
      target.focus();
    }
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    focusIn(event.detail && event.detail.target);
  });

  // After a full page load with errors (a form re-rendered with status 422).
  document.addEventListener("DOMContentLoaded", function () {
    var invalid = document.querySelector("main [aria-invalid='true']");
    if (invalid) {
      invalid.focus();
      return;
    }
    var error = document.querySelector("main .flash-error");
    if (error) {
      error.setAttribute("tabindex", "-1");
      error.focus();
    }
  });

  // htmx snapshots the DOM for Back/Forward; typed values live in properties, not
  // attributes, so copy them over first or the restored search box comes back empty.
  document.addEventListener("htmx:beforeHistorySave", function () {
    document.querySelectorAll("input").forEach(function (input) {
      if (input.type === "checkbox" || input.type === "radio") {
        input.toggleAttribute("checked", input.checked);
      } else if (input.type !== "password" && input.type !== "hidden") {
        input.setAttribute("value", input.value);
      }
    });
    document.querySelectorAll("select option").forEach(function (option) {
      option.toggleAttribute("selected", option.selected);
    });
  });

  // <button data-fill='{"field": "value"}'> fills the form fields of those names
  // (e.g. picking an existing requester while typing a name).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-fill]");
    if (!button) {
      return;
    }
    var form = button.closest("form");
    var values = JSON.parse(button.getAttribute("data-fill"));
    Object.keys(values).forEach(function (name) {
      var input = form && form.elements.namedItem(name);
      if (input) {
        input.value = values[name];
      }
    });
    var matches = button.closest(".matches");
    if (matches) {
      matches.remove();
    }
  });

  // Escape leaves an inline edit (the element marked data-cancel is its "Batal").
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var row = event.target.closest && event.target.closest("[data-edit-row]");
    var cancel = row && row.querySelector("[data-cancel]");
    if (cancel) {
      event.preventDefault();
      cancel.click();
    }
  });
})();
