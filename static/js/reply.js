// Moves the reply form under the reply being answered, as WordPress does. Without
// JavaScript the "Reply" links load the page with ?replytocom=ID instead.
(function () {
  "use strict";
  var respond = document.getElementById("respond");
  var form = document.getElementById("commentform");
  if (!respond || !form) {
    return;
  }
  var parentField = document.getElementById("comment_parent");
  var cancel = document.getElementById("cancel-comment-reply-link");
  var title = document.getElementById("reply-title-text");
  var textarea = document.getElementById("comment");
  var home = document.createElement("div");
  home.id = "respond-home";
  home.hidden = true;
  respond.parentNode.insertBefore(home, respond);

  function moveTo(commentId, author, focus) {
    var comment = document.getElementById("comment-" + commentId);
    if (!comment) {
      return false;
    }
    var body = comment.querySelector(".comment-body");
    body.parentNode.insertBefore(respond, body.nextSibling);
    parentField.value = commentId;
    title.textContent = "Reply to " + author;
    cancel.hidden = false;
    if (focus) {
      textarea.focus();
    }
    return true;
  }

  function reset() {
    home.parentNode.insertBefore(respond, home.nextSibling);
    parentField.value = "0";
    title.textContent = "Leave a Reply";
    cancel.hidden = true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".comment-reply-link");
    if (link && moveTo(link.dataset.commentId, link.dataset.author, true)) {
      event.preventDefault();
    }
  });
  cancel.addEventListener("click", function (event) {
    event.preventDefault();
    reset();
    textarea.focus();
  });
  // A form that came back with ?replytocom or a refused reply starts under its parent.
  var startParent = parentField.value;
  if (startParent && startParent !== "0") {
    var link = document.querySelector('.comment-reply-link[data-comment-id="' + startParent + '"]');
    if (link) {
      moveTo(startParent, link.dataset.author, false);
    }
  }
})();
