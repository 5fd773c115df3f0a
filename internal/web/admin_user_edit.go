package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/model"
)

type userPage struct {
	layout
	Person  *model.User // as stored
	TwoStep bool
	Self    bool // the signed-in administrator's own account
	Invited bool // invited, with no password chosen yet
	Roles   []model.Role
	Form    accountForm
	Errors  map[string]string
	// Refusal is the rule that refused the whole change, such as the last
	// administrator's; "" when the fields alone are wrong, or nothing is.
	Refusal string
	Audit   []accounts.AuditEntry
}

// accountForm is the account form as typed.
type accountForm struct {
	Name        string
	Role        string
	Credentials string
	Disabled    bool
}

// GET /admin/users/:id shows a staff account, its form and its latest audit entries.
func (s *Server) adminUser(c *gin.Context) {
	id, ok := s.userID(c)
	if !ok {
		return
	}
	u, err := s.accounts.Account(c.Request.Context(), staff(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	form := accountForm{Name: u.Name, Role: string(u.Role), Credentials: u.Credentials, Disabled: u.Disabled()}
	s.showUser(c, http.StatusOK, userPage{Person: u, Form: form})
}

func (s *Server) showUser(c *gin.Context, status int, page userPage) {
	audit, err := s.accounts.Audit(c.Request.Context(), staff(c), page.Person.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	page.layout = s.adminLayout(c, page.Person.Name)
	page.TwoStep = accounts.TwoStepOn(page.Person)
	page.Self = staff(c).ID == page.Person.ID
	page.Invited = accounts.Invited(page.Person)
	page.Roles = model.Roles
	page.Audit = audit
	s.render(c, status, "admin/user", page)
}

// POST /admin/users/:id saves the account form: name, role, credentials, disabled.
func (s *Server) adminUserPost(c *gin.Context) {
	id, ok := s.userID(c)
	if !ok || !s.readForm(c) {
		return
	}
	ctx, me := c.Request.Context(), staff(c)
	stored, err := s.accounts.Account(ctx, me, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	form := accountForm{
		Name:        c.PostForm("name"),
		Role:        c.PostForm("role"),
		Credentials: c.PostForm("credentials"),
		Disabled:    c.PostForm("disabled") != "",
	}
	saved, err := s.accounts.UpdateAccount(ctx, me, id, accounts.AccountChange{Name: form.Name, Role: model.Role(form.Role),
		Credentials: form.Credentials, Disabled: form.Disabled})
	var invalid *model.ValidationError
	switch {
	case err == nil && saved.ID == me.ID && !saved.Role.Can(model.PermManageUsers):
		// Who gave up their own administrator role can no longer open this page.
		c.Redirect(http.StatusSeeOther, "/admin/?done=account-saved")
	case err == nil:
		c.Redirect(http.StatusSeeOther, "/admin/users/"+strconv.FormatInt(id, 10)+"?done=account-saved")
	case errors.As(err, &invalid):
		s.showUser(c, http.StatusUnprocessableEntity, userPage{Person: stored, Form: form, Errors: invalid.Fields})
	case errors.Is(err, accounts.ErrLastAdmin), errors.Is(err, accounts.ErrDisableSelf):
		d, _ := describe(err)
		// The whole message stands above the form; the field whose change was refused
		// says which.
		errs := map[string]string{}
		switch {
		case errors.Is(err, accounts.ErrDisableSelf):
			errs["disabled"] = "You cannot disable your own account."
		case form.Disabled && !stored.Disabled():
			errs["disabled"] = "The last active administrator cannot be disabled."
		}
		if errors.Is(err, accounts.ErrLastAdmin) && model.Role(form.Role) != stored.Role {
			errs[model.UserFieldRole] = "The last active administrator keeps this role."
		}
		s.showUser(c, d.status, userPage{Person: stored, Form: form, Errors: errs, Refusal: d.message})
	default:
		s.fail(c, err)
	}
}
