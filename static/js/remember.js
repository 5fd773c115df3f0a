// "Save my name and website in this browser": keeps the reader's name and website in
// this browser's localStorage, never in a cookie and never on the server, and fills
// them in next time. The email is never stored: the browser's own autofill
// (autocomplete="email") can offer it, under the reader's control.
(function () {
  "use strict";
  var KEY = "fascicle.commenter";
  var form = document.getElementById("commentform");
  var box = document.getElementById("remember");
  var author = document.getElementById("author");
  var url = document.getElementById("url");
  if (!form || !box || !author || !url) {
    return;
  }
  var storage;
  try {
    storage = window.localStorage;
    storage.getItem(KEY); // throws where storage is blocked
  } catch (e) {
    box.parentNode.hidden = true; // the promise could not be kept
    return;
  }

  var saved = null;
  try {
    saved = JSON.parse(storage.getItem(KEY) || "null");
  } catch (e) {
    storage.removeItem(KEY);
  }
  if (saved && typeof saved === "object") {
    // A form sent back with an error already holds what the reader typed.
    if (!author.value && typeof saved.name === "string") {
      author.value = saved.name;
    }
    if (!url.value && typeof saved.url === "string") {
      url.value = saved.url;
    }
    box.checked = true;
  }

  form.addEventListener("submit", function () {
    try {
      if (box.checked) {
        // Only these two fields, whatever else the form holds.
        storage.setItem(KEY, JSON.stringify({ name: author.value, url: url.value }));
      } else {
        storage.removeItem(KEY);
      }
    } catch (e) {
      // Storage full or blocked: the reply is sent all the same.
    }
  });
})();
