/* Starts Det Fælles Designsystem's components (mobile menu, dropdowns, error summary, tabs). */
document.addEventListener("DOMContentLoaded", function () {
  if (window.DKFDS) {
    window.DKFDS.init();
  }
});
