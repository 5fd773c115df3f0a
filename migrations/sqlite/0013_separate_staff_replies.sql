-- +goose Up
-- A reply sent through the article's form by a signed-in staff member used to take
-- their account, and with it the public "Staff" mark, whatever name was typed in the
-- form. Now a staff reply is always under its account's name, and the account is
-- what marks it. A reply that carries an account but another name than the
-- account's was sent as a private person: it keeps its name and email and loses the
-- account. (Accounts cannot be renamed, so a staff answer from the moderation queue
-- always has its account's name.)
UPDATE comments SET user_id = NULL
 WHERE user_id IS NOT NULL
   AND author_name IS NOT (SELECT u.name FROM users u WHERE u.id = comments.user_id);
-- A staff reply keeps no email: an account's email is how it signs in, never a
-- commenter's to show moderators or to put in a reader's data export.
UPDATE comments SET author_email = '', author_email_enc = NULL, author_email_index = ''
 WHERE user_id IS NOT NULL;

-- +goose Down
-- Nothing to undo: the rows changed are as the new rules make them, and the emails
-- removed are those of staff replies.
SELECT 1;
