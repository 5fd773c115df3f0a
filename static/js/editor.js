// The article editor: a live preview rendered by the server (the same code as the
// public page), and an address made from the title until the author types one.
(function () {
  "use strict";
  var body = document.getElementById("body");
  var preview = document.getElementById("live-preview");
  var title = document.getElementById("title");
  var slug = document.getElementById("slug");
  var timer = null;

  function refresh() {
    var data = new URLSearchParams();
    data.set("body", body.value);
    var refs = 0;
    document.querySelectorAll('input[name="ref_title"]').forEach(function (input) {
      if (input.value.trim() !== "") {
        refs++;
      }
    });
    data.set("references", String(refs));
    fetch("/admin/preview", {method: "POST", body: data, credentials: "same-origin"})
      .then(function (res) { return res.ok ? res.text() : Promise.reject(res.status); })
      .then(function (html) { preview.innerHTML = html; }) // sanitised by the server
      .catch(function () { /* the Preview button still works */ });
  }

  if (body && preview) {
    body.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 400);
    });
  }

  function slugify(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 90);
  }

  if (title && slug && slug.dataset.autoslug === "on") {
    title.addEventListener("input", function () {
      if (slug.dataset.autoslug === "on") {
        slug.value = slugify(title.value);
      }
    });
    slug.addEventListener("input", function () { slug.dataset.autoslug = "off"; });
  }
})();
