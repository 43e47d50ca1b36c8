// While a form's request is on its way, its submit buttons are disabled: a second press would
// send it again (and start a second import or report). Every POST form of the portal, including
// those htmx swaps in later, through one listener on the document.
(function () {
  "use strict";

  function submitButtons(form) {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.type === "submit";
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || (form.getAttribute("method") || "").toLowerCase() !== "post") {
      return;
    }
    if (form.hasAttribute("data-sending")) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sending", "");
    form.setAttribute("aria-busy", "true");
    // After this turn: by then the browser has taken the pressed button's name and value,
    // which a button disabled now would leave out.
    window.setTimeout(function () {
      submitButtons(form).forEach(function (button) {
        button.disabled = true;
      });
    }, 0);
  });

  // A page shown again from the history (Back) can send its forms again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    document.querySelectorAll("form[data-sending]").forEach(function (form) {
      form.removeAttribute("data-sending");
      form.removeAttribute("aria-busy");
      submitButtons(form).forEach(function (button) {
        button.disabled = false;
      });
    });
  });
})();
