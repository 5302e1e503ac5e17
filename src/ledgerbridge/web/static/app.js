// ledgerbridge dashboard: the only script. Forms marked data-confirm ask first; a second
// submit of the same form is ignored while the first is on its way.
"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  if (form.dataset.sent === "1" && form.method.toLowerCase() === "post") {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
});
