// Drag to reorder the agenda on the agenda builder: a progressive enhancement over the buttons and
// the position field (which keep working without JavaScript and by keyboard). A drop posts the new
// position to the item's "place" address, the same request the position field sends, then reloads.
(function () {
  "use strict";
  function init(list) {
    var dragged = null;
    var items = Array.prototype.slice.call(list.querySelectorAll("li[data-place-url]"));
    items.forEach(function (item) {
      item.setAttribute("draggable", "true");
      item.addEventListener("dragstart", function (event) {
        dragged = item;
        event.dataTransfer.effectAllowed = "move";
        item.classList.add("is-dragging");
      });
      item.addEventListener("dragend", function () {
        item.classList.remove("is-dragging");
      });
      item.addEventListener("dragover", function (event) {
        if (dragged && dragged !== item) {
          event.preventDefault();
        }
      });
      item.addEventListener("drop", function (event) {
        event.preventDefault();
        if (!dragged || dragged === item) {
          return;
        }
        var position = items.indexOf(item) + 1;
        var token = dragged.querySelector("input[name=csrfmiddlewaretoken]");
        var body = new URLSearchParams();
        body.append("position", String(position));
        body.append("next", "builder");
        body.append("csrfmiddlewaretoken", token ? token.value : "");
        fetch(dragged.getAttribute("data-place-url"), {
          method: "POST",
          body: body,
          credentials: "same-origin",
          headers: { "X-CSRFToken": token ? token.value : "" },
        }).then(function () {
          window.location.reload();
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-agenda-order]"), init);
  });
})();
