// Keyboard shortcuts in the moderation queue, as in WordPress and Gmail: j and k move
// between replies, a letter acts on the current one by pressing its button (which
// static/js/queue.js then does in place), ? lists the keys. They do nothing while a
// field has the focus, or with Ctrl, Alt or Meta held.
(function () {
  "use strict";
  var list = document.querySelector(".queue-list");
  var dialog = document.getElementById("queue-keys");
  var announcer = document.getElementById("queue-announce");
  if (!list || !dialog) {
    return;
  }
  var hint = document.querySelector(".keys-hint");
  if (hint) {
    hint.hidden = false;
    hint.querySelector("[data-keys-open]").addEventListener("click", function () { dialog.showModal(); });
  }

  // The buttons each key presses, by the action in their address.
  var actionKeys = { a: "approve", u: "unapprove", s: "spam", t: "trash" };
  var names = { approve: "Approve", unapprove: "Unapprove", spam: "Spam", trash: "Trash" };

  // current is the reply that has the focus, or was last moved to.
  function current() {
    var row = document.activeElement && document.activeElement.closest && document.activeElement.closest(".queue-item");
    return row || list.querySelector(".queue-item.is-current");
  }

  function moveTo(row) {
    list.querySelectorAll(".queue-item.is-current").forEach(function (r) { r.classList.remove("is-current"); });
    row.classList.add("is-current");
    row.tabIndex = -1;
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }

  // move goes step rows down (or up), over those already acted on; from no row, to
  // the first.
  function move(step) {
    var all = Array.prototype.slice.call(list.querySelectorAll(".queue-item"));
    var at = all.indexOf(current());
    if (at < 0) {
      at = -1;
      step = 1;
    }
    for (var i = at + step; i >= 0 && i < all.length; i += step) {
      if (!all[i].classList.contains("is-done")) {
        moveTo(all[i]);
        return;
      }
    }
    if (at >= 0) {
      moveTo(all[at]); // at either end: the focus comes back to where it was
    }
  }

  function say(text) {
    if (announcer) {
      announcer.textContent = text;
    }
  }

  // press presses the button of the current reply that does action, if it has one.
  function press(action) {
    var row = current();
    if (!row || row.classList.contains("is-done")) {
      say("Move to a reply first with j or k.");
      return;
    }
    var button = row.querySelector('.row-actions button[formaction$="/action/' + action + '"]');
    if (!button) {
      say(names[action] + " is not offered for this reply.");
      return;
    }
    button.click();
  }

  // typing reports whether keys go to a field (or the list of keys) rather than to us.
  function typing(target) {
    if (dialog.open) {
      return true;
    }
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  // Marks each button with its key, for assistive technologies.
  Object.keys(actionKeys).forEach(function (key) {
    list.querySelectorAll('.row-actions button[formaction$="/action/' + actionKeys[key] + '"]').forEach(function (b) {
      b.setAttribute("aria-keyshortcuts", key);
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey || event.defaultPrevented || typing(event.target)) {
      return;
    }
    var key = event.key;
    var row;
    switch (key) {
      case "j":
        move(1);
        break;
      case "k":
        move(-1);
        break;
      case "a":
      case "u":
      case "s":
      case "t":
        press(actionKeys[key]);
        break;
      case "r":
        row = current();
        var edit = row && row.querySelector('.row-actions a[href*="/edit"]');
        if (edit) {
          window.location.href = edit.href;
        }
        break;
      case "x":
        row = current();
        var box = row && row.querySelector('input[type="checkbox"][name="ids"]');
        if (box && !box.disabled) {
          box.click();
        }
        break;
      case "z":
        var undo = document.querySelector("button[data-undo-last]");
        if (undo) {
          undo.click();
        } else {
          say("Nothing to undo.");
        }
        break;
      case "?":
        dialog.showModal();
        break;
      default:
        return;
    }
    event.preventDefault();
  });
})();
