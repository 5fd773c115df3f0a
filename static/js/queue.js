// The moderation queue: a box that ticks or unticks every reply on the page. The
// queue works without it (the "Apply to" menu offers the whole page too).
(function () {
  "use strict";
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    var name = all.getAttribute("data-select-all");
    var boxes = Array.prototype.slice.call(all.form.querySelectorAll('input[type="checkbox"][name="' + name + '"]'));
    all.closest(".select-page").hidden = false;
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
    });
    boxes.forEach(function (b) {
      b.addEventListener("change", function () {
        var ticked = boxes.filter(function (x) { return x.checked; }).length;
        all.checked = ticked === boxes.length;
        all.indeterminate = ticked > 0 && ticked < boxes.length;
      });
    });
  });
})();
