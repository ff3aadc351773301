// The job page's progress bar: polls the job's JSON progress and updates the bar, the counts and the
// failed items in place (no page reload) until the job has finished. Served from our own static
// files, so the content security policy needs no inline script.
(function () {
  var section = document.getElementById("job-progress");
  if (!section || !window.fetch) return;
  var url = section.dataset.progressUrl;
  var bar = document.getElementById("job-progress-bar");
  var failures = document.querySelector("#job-failures tbody");
  var delay = 1000;

  function setField(name, value) {
    section.querySelectorAll('[data-field="' + name + '"]').forEach(function (node) {
      node.textContent = String(value);
    });
  }

  function showFailures(items) {
    if (!failures || !items.length) return;
    failures.textContent = "";
    items.forEach(function (failure) {
      var row = failures.insertRow();
      row.insertCell().textContent = failure.item;
      row.insertCell().textContent = failure.error;
    });
  }

  function update(progress) {
    bar.max = Math.max(progress.total, 1);
    bar.value = progress.processed;
    bar.textContent = progress.percent + "%";
    ["processed", "total", "percent", "failed", "status_label"].forEach(function (name) {
      setField(name, progress[name]);
    });
    showFailures(progress.failures);
    section.dataset.finished = progress.finished ? "true" : "false";
    return progress.finished;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (progress) {
        delay = 1000;
        if (!update(progress)) window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 30000); // the server is busy or restarting: ask less often
        window.setTimeout(poll, delay);
      });
  }

  poll();
})();
