// The moderation queue: a box that ticks or unticks every reply on the page, and the
// row's actions done in place, each followed for a few seconds by Undo. Without this
// script the queue works the same way with a page load per action (and the "Apply to"
// menu offers the whole page too).
(function () {
  "use strict";

  // Select all on the page.
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    var name = all.getAttribute("data-select-all");
    var boxes = Array.prototype.slice.call(all.form.querySelectorAll('input[type="checkbox"][name="' + name + '"]'));
    all.closest(".select-page").hidden = false;
    all.addEventListener("change", function () {
      boxes.forEach(function (b) {
        if (!b.disabled) {
          b.checked = all.checked;
        }
      });
    });
    all.form.addEventListener("change", function (event) {
      if (event.target === all || boxes.indexOf(event.target) < 0) {
        return;
      }
      var open = boxes.filter(function (x) { return !x.disabled; });
      var ticked = open.filter(function (x) { return x.checked; }).length;
      all.checked = ticked > 0 && ticked === open.length;
      all.indeterminate = ticked > 0 && ticked < open.length;
    });
  });

  // Acting in place.
  var form = document.querySelector("form.queue");
  var announcer = document.getElementById("queue-announce");
  if (!form || !announcer || !window.fetch) {
    return;
  }
  var undoSeconds = 8;
  var actionPath = /^\/admin\/comments\/(\d+)\/action\/([a-z]+)$/;

  // announce tells screen readers the outcome, through the page's status region.
  function announce(text) {
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function authorOf(row) {
    var name = row.querySelector(".queue-name");
    return name ? name.textContent : "";
  }

  function plural(n) {
    return n + (n === 1 ? " reply" : " replies");
  }

  // updateCounts shows the counts of the tabs, the header and the list after an action.
  function updateCounts(counts, delta) {
    document.querySelectorAll("nav.tabs a").forEach(function (tab) {
      var status = new URL(tab.href).searchParams.get("status");
      var count = tab.querySelector(".count");
      if (count && Object.prototype.hasOwnProperty.call(counts, status)) {
        count.textContent = counts[status];
      }
    });
    var pending = document.querySelector('.admin-nav a[href="/admin/comments"] .count');
    if (pending) {
      pending.textContent = counts.pending + " pending";
      pending.hidden = counts.pending === 0;
    }
    var total = form.querySelector(".total[data-total]");
    if (total && delta) {
      var n = Math.max(0, parseInt(total.getAttribute("data-total"), 10) + delta);
      total.setAttribute("data-total", n);
      total.textContent = plural(n);
    }
  }

  // note shows a message in the row, above its buttons: role=alert for an error.
  function note(row, text, isError) {
    clearNote(row);
    var p = document.createElement("p");
    p.className = isError ? "queue-note queue-error" : "queue-note";
    if (isError) {
      p.setAttribute("role", "alert");
    }
    p.textContent = text;
    var actions = row.querySelector(".row-actions");
    actions.parentNode.insertBefore(p, actions);
    if (!isError) {
      announce(text);
    }
  }

  function clearNote(row) {
    row.querySelectorAll(".queue-note").forEach(function (n) { n.remove(); });
  }

  // takeOut leaves a done reply out of the page's ticks and of "all on this page",
  // and putBack returns it.
  function takeOut(row, out) {
    var box = row.querySelector('input[type="checkbox"][name="ids"]');
    var id = row.id.replace("reply-", "");
    var pageID = form.querySelector('input[name="page_ids"][value="' + id + '"]');
    if (pageID) {
      pageID.disabled = out;
    }
    if (box) {
      if (out) {
        box.checked = false;
      }
      box.disabled = out;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  // plainly sends the action the way the page does without this script: for an answer
  // that is not the outcome (a sign-in that ended, say), whose page then shows.
  function plainly(id, action) {
    form.action = "/admin/comments/" + id + "/action/" + action;
    form.submit();
  }

  // send does action to the reply of row, and calls done with the outcome.
  function send(row, id, action, done) {
    if (row.getAttribute("aria-busy") === "true") {
      return;
    }
    row.setAttribute("aria-busy", "true");
    clearNote(row);
    fetch("/admin/comments/" + id + "/action/" + action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    }).then(function (res) {
      var type = res.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") !== 0) {
        return { plain: true };
      }
      return res.json().then(function (data) { return { ok: res.ok, data: data }; });
    }).then(function (r) {
      row.removeAttribute("aria-busy");
      if (r.plain) {
        plainly(id, action);
      } else if (!r.ok) {
        note(row, r.data.error + ". " + r.data.message, true);
      } else {
        updateCounts(r.data.counts, 0);
        done(r.data);
      }
    }).catch(function () {
      row.removeAttribute("aria-busy");
      note(row, "The site could not be reached, so nothing changed. Check the connection and try again.", true);
    });
  }

  // act does an action from the row's buttons, and shows the outcome in its place.
  function act(row, id, action, button) {
    send(row, id, action, function (data) {
      if (!data.changed) {
        note(row, data.message, false);
        return;
      }
      var hadFocus = row.contains(document.activeElement);
      row.classList.add("is-done");
      takeOut(row, true);
      updateCounts(data.counts, -1);
      var result = document.createElement("p");
      result.className = "queue-result";
      result.tabIndex = -1;
      var text = document.createElement("span");
      var strong = document.createElement("strong");
      strong.textContent = data.message;
      text.appendChild(strong);
      text.appendChild(document.createTextNode(" The reply by " + authorOf(row) + "."));
      result.appendChild(text);
      row.appendChild(result);
      var said = data.message + " The reply by " + authorOf(row) + ".";
      if (!data.undo) {
        announce(said);
        if (hadFocus) {
          result.focus();
        }
        return;
      }
      var undo = document.createElement("button");
      undo.type = "button";
      undo.className = "undo";
      undo.textContent = "Undo";
      undo.setAttribute("aria-label", "Undo: " + data.message.replace(/\.$/, "") + ", the reply by " + authorOf(row));
      result.appendChild(document.createTextNode(" "));
      result.appendChild(undo);
      document.querySelectorAll("button[data-undo-last]").forEach(function (b) { b.removeAttribute("data-undo-last"); });
      undo.setAttribute("data-undo-last", "");
      announce(said + " Undo is offered for " + undoSeconds + " seconds.");
      if (hadFocus) {
        undo.focus();
      }
      var timer = window.setTimeout(function () {
        var focused = document.activeElement === undo;
        undo.remove();
        if (focused) {
          result.focus();
        }
      }, undoSeconds * 1000);
      undo.addEventListener("click", function () {
        window.clearTimeout(timer);
        send(row, id, data.undo, function (back) {
          if (!back.changed) {
            note(row, back.message, false);
            return;
          }
          result.remove();
          row.classList.remove("is-done");
          takeOut(row, false);
          updateCounts(back.counts, 1);
          announce("Undone. The reply by " + authorOf(row) + " is back.");
          if (button && document.body.contains(button)) {
            button.focus();
          }
        });
      });
    });
  }

  // confirmDelete asks before a reply is deleted for good, as nothing undoes that.
  function confirmDelete(row, id, button) {
    if (row.querySelector(".queue-confirm")) {
      return;
    }
    var box = document.createElement("div");
    box.className = "queue-confirm";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Confirm the deletion");
    var question = document.createElement("p");
    question.textContent = "Delete the reply by " + authorOf(row) + " permanently? This cannot be undone.";
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = "danger";
    yes.textContent = "Delete permanently";
    var no = document.createElement("button");
    no.type = "button";
    no.textContent = "Cancel";
    box.appendChild(question);
    box.appendChild(yes);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(no);
    var actions = row.querySelector(".row-actions");
    actions.parentNode.insertBefore(box, actions.nextSibling);
    no.focus();
    no.addEventListener("click", function () {
      box.remove();
      button.focus();
    });
    yes.addEventListener("click", function () {
      box.remove();
      button.focus();
      act(row, id, "delete", button);
    });
  }

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    var match = button && actionPath.exec(button.getAttribute("formaction") || "");
    if (!match) {
      return; // the bulk action: a page load, as without the script
    }
    event.preventDefault();
    var row = button.closest(".queue-item");
    if (match[2] === "delete") {
      confirmDelete(row, match[1], button);
      return;
    }
    act(row, match[1], match[2], button);
  });
})();
