/* The header on a phone: one "Menu" button opens the navigation, search and the
   user's links; on a wide screen the user's name opens a small menu with
   "Tweestapsverificatie" and "Uitloggen". Without JavaScript everything is shown. */
(function () {
  "use strict";
  document.documentElement.classList.add("js-menu");
  function wire(toggle, box) {
    if (!toggle || !box) return;
    toggle.hidden = false;
    toggle.addEventListener("click", function (event) {
      event.stopPropagation();
      var open = !box.classList.contains("is-open");
      box.classList.toggle("is-open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  function ready() {
    var topbar = document.querySelector(".topbar");
    wire(document.querySelector("[data-menu-toggle]"), topbar);
    var usermenu = document.querySelector("[data-usermenu]");
    wire(document.querySelector("[data-usermenu-toggle]"), usermenu);
    document.addEventListener("click", function (event) {
      if (usermenu && !usermenu.contains(event.target) && usermenu.classList.contains("is-open")) {
        usermenu.classList.remove("is-open");
        document.querySelector("[data-usermenu-toggle]").setAttribute("aria-expanded", "false");
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && usermenu && usermenu.classList.contains("is-open")) {
        usermenu.classList.remove("is-open");
        var toggle = document.querySelector("[data-usermenu-toggle]");
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
