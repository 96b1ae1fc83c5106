// Polls the bulk verification job and updates the progress bar (no inline script: CSP).
(function () {
  "use strict";
  var box = document.getElementById("bulk-job");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("bulk-progress");
  var count = document.getElementById("bulk-count");
  var result = document.getElementById("bulk-result");
  var polls = 0;
  function poll() {
    polls += 1;
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        bar.value = job.percent;
        bar.textContent = job.percent + "%";
        // The page's own translated wording, e.g. "2 of 5 checked" / "已核验 2 / 5".
        count.textContent = count.getAttribute("data-pattern")
          .replace("{done}", job.done).replace("{total}", job.total);
        if (job.state === "done") {
          result.hidden = false;
        } else if (job.state === "failed") {
          document.getElementById("bulk-failed").hidden = false;
        } else if (polls < 900) {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () { if (polls < 900) { window.setTimeout(poll, 5000); } });
  }
  poll();
}());
