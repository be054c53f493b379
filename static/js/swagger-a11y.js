// Swagger UI draws a boolean query parameter as a <select> without a label (axe "select-name").
// Name each unlabelled control in a parameter row after its parameter, as the row shows it.
(function () {
  "use strict";
  function nameControls(root) {
    root.querySelectorAll("tr[data-param-name] select, tr[data-param-name] input, tr[data-param-name] textarea")
      .forEach(function (control) {
        if (control.hasAttribute("aria-label") || control.hasAttribute("aria-labelledby")) return;
        var row = control.closest("tr[data-param-name]");
        control.setAttribute("aria-label", row.getAttribute("data-param-name"));
      });
  }
  new MutationObserver(function () { nameControls(document); })
    .observe(document.body, {childList: true, subtree: true});
})();
