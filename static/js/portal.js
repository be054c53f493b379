/* Starts Det Fælles Designsystem's components (mobile menu, dropdowns, error summary, tabs). */

/* Sections marked data-portal-tabs become DKFDS tabs: the server sends every section visible (so the
   page works without JavaScript) and the tab list hidden; here the sections become tab panels, all
   but the selected one hidden, before DKFDS starts its tabs (arrow keys, Home and End). The panel is
   chosen from the address (#tab-panel-… or an element inside a panel), else the first. */
function portalTabsPrepare(container) {
  var list = container.querySelector(":scope > .tab-list");
  var panels = container.querySelectorAll(":scope > .tab-panel");
  if (!list || panels.length < 2) {
    return;
  }
  var selected = panelFor(container, window.location.hash) || panels[0];
  panels.forEach(function (panel) {
    var button = document.getElementById(panel.getAttribute("data-tab"));
    panel.setAttribute("role", "tabpanel");
    panel.setAttribute("tabindex", "0");
    panel.setAttribute("aria-labelledby", button.id);
    var isSelected = panel === selected;
    button.setAttribute("aria-selected", isSelected ? "true" : "false");
    button.setAttribute("tabindex", isSelected ? "0" : "-1");
    if (isSelected) {
      panel.removeAttribute("hidden");
    } else {
      panel.setAttribute("hidden", "");
    }
  });
  list.removeAttribute("hidden");
}

/* The tab panel of ``container`` that holds the element ``hash`` points to, if any. */
function panelFor(container, hash) {
  if (!hash || hash.length < 2) {
    return null;
  }
  var target = document.getElementById(decodeURIComponent(hash.slice(1)));
  if (!target || !container.contains(target)) {
    return null;
  }
  return target.closest(".tab-panel");
}

/* Open the tab that holds the element ``hash`` points to (a link to a delaftale, the back button). */
function portalTabsFollow(hash) {
  document.querySelectorAll("[data-portal-tabs]").forEach(function (container) {
    var panel = panelFor(container, hash);
    if (!panel || !panel.hasAttribute("hidden")) {
      return;
    }
    var button = document.getElementById(panel.getAttribute("data-tab"));
    button.click();
    var target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (target !== panel) {
      target.scrollIntoView();
      target.focus({ preventScroll: true });
    }
  });
}

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-portal-tabs]").forEach(portalTabsPrepare);
  if (window.DKFDS) {
    window.DKFDS.init();
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href^='#']");
    if (link) {
      portalTabsFollow(link.getAttribute("href"));
    }
  });
  window.addEventListener("hashchange", function () {
    portalTabsFollow(window.location.hash);
  });
});
