// Small behaviours on top of USWDS. Forms marked portal-submit-once disable their buttons after
// the first submit, so a double click cannot send a request twice.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.classList || !form.classList.contains("portal-submit-once")) return;
  if (form.dataset.submitted === "true") {
    event.preventDefault();
    return;
  }
  form.dataset.submitted = "true";
  form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
    button.setAttribute("aria-disabled", "true");
    button.classList.add("usa-button--disabled");
  });
});

// A checkbox marked data-portal-pick-all="NAME" ticks or clears every checkbox named NAME on the page
// (the lead's bulk selection in the review queue).
document.addEventListener("change", function (event) {
  var all = event.target;
  if (!all.dataset || !all.dataset.portalPickAll) return;
  document.querySelectorAll('input[type=checkbox][name="' + all.dataset.portalPickAll + '"]').forEach(function (box) {
    box.checked = all.checked;
  });
});

// Pages following a background job (an upload being checked, a QP run) mark their status with
// data-portal-refresh="seconds" and reload until the job is done.
(function () {
  var status = document.querySelector("[data-portal-refresh]");
  if (!status) return;
  var seconds = parseInt(status.getAttribute("data-portal-refresh"), 10) || 5;
  window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
})();
