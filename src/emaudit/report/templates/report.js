(function () {
  var q = document.getElementById("filter-question");
  var f = document.getElementById("filter-flag");
  var count = document.getElementById("filter-count");
  if (!q || !f) { return; }
  function apply() {
    var rows = document.querySelectorAll("#answers tbody tr");
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var okQ = !q.value || r.getAttribute("data-q") === q.value;
      var okF = !f.value || (" " + r.getAttribute("data-flags") + " ").indexOf(" " + f.value + " ") >= 0;
      r.hidden = !(okQ && okF);
      if (!r.hidden) { shown++; }
    }
    if (count) { count.textContent = shown + " shown"; }
  }
  q.addEventListener("change", apply);
  f.addEventListener("change", apply);
  apply();
})();
