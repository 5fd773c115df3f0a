// Package demo holds the content a new installation starts with, so that a newcomer
// sees a living page.
package demo

import (
	"context"
	_ "embed"
	"errors"
	"time"

	"github.com/fascicle/fascicle/internal/accounts"
	"github.com/fascicle/fascicle/internal/model"
	"github.com/fascicle/fascicle/internal/store"
)

//go:embed muscle-twitches.md
var articleBody string

//go:embed about.md
var aboutBody string

//go:embed editorial-policy.md
var editorialPolicyBody string

// installedKey marks an installation that was given the demo content, so that it is
// never added again, even after every article is deleted. (The value is stored in
// databases, so it keeps the name it was first given.)
const installedKey = "demo_seeded_at"

// ArticleSlug is the address of the demo article: /articles/ArticleSlug.
const ArticleSlug = "understanding-involuntary-muscle-twitches"

// The addresses of the demo pages, /pages/SLUG, first and second in the footer.
const (
	AboutSlug           = "about"
	EditorialPolicySlug = "editorial-policy"
)

// Install gives a new, empty database the demo article, a few approved replies, and
// the About and Editorial policy pages. It does nothing on a database that has
// content or was given them before.
func Install(ctx context.Context, st *store.Store) error {
	return st.Tx(ctx, func(tx *store.Store) error {
		if _, err := tx.Meta(ctx, installedKey); !errors.Is(err, model.ErrNotFound) {
			return err // installed before, or could not tell
		}
		if n, err := tx.CountArticles(ctx); err != nil || n > 0 {
			return err
		}
		if err := addContent(ctx, tx); err != nil {
			return err
		}
		return tx.SetMeta(ctx, installedKey, time.Now().UTC().Format(time.RFC3339))
	})
}

// People named on the demo article. They cannot sign in (no password); their public
// profiles show what a byline links to.
var (
	demoAuthor = model.User{Name: "Daniel Reyes", Role: model.RoleAuthor, Credentials: "health writer",
		ProfilePublic: true,
		Bio: "Daniel writes about everyday health questions: sleep, exercise, and the symptoms that " +
			"send people searching late at night. He trained as a science journalist and works with " +
			"medical reviewers on every article.\n\nHe is most interested in explaining what is *common " +
			"and harmless*, and what deserves a doctor's attention."}
	demoReviewer = model.User{Name: "Dr. Amara Okafor", Role: model.RoleReviewer, Credentials: "MD, neurologist",
		ProfilePublic: true,
		Bio: "Dr. Okafor is a neurologist who sees people with movement disorders, from harmless twitches " +
			"to myoclonus and tremor. She reviews articles on the brain, nerves and muscles for accuracy " +
			"and for what they leave out.\n\nShe checks each article against its sources and current " +
			"clinical practice before it is published, and again when it is due for review."}
)

func addContent(ctx context.Context, tx *store.Store) error {
	author, reviewer := demoAuthor, demoReviewer
	for _, u := range []*model.User{&author, &reviewer} {
		slug, err := accounts.FreeSlug(ctx, tx, u.Name, 0)
		if err != nil {
			return err
		}
		u.Slug = slug
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
	}
	day := func(s string) *time.Time {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return &t
	}
	article := &model.Article{
		Slug:  ArticleSlug,
		Title: "Understanding Involuntary Muscle Twitches: Causes and Management",
		Summary: "Most muscle twitches are harmless and linked to caffeine, dehydration, poor sleep or hard exercise. " +
			"Here is how to tell everyday twitches from myoclonus and rarer conditions, and when to see a doctor.",
		BodyMarkdown:        articleBody,
		Status:              model.ArticlePublished,
		AuthorID:            author.ID,
		ReviewerName:        reviewer.Name,
		ReviewerCredentials: reviewer.Credentials,
		ReviewedAt:          day("2026-09-08T10:00:00Z"),
		NextReviewAt:        day("2027-09-08T10:00:00Z"),
		ReviewerID:          &reviewer.ID,
		Tags:                []model.Tag{{Slug: "neurology", Name: "Neurology"}, {Slug: "muscle-health", Name: "Muscle health"}},
		PublishedAt:         day("2026-09-14T08:00:00Z"),
		CommentsOpen:        true,
		CreatedAt:           *day("2026-09-01T09:30:00Z"),
		UpdatedAt:           *day("2026-10-20T16:45:00Z"),
		// Each source appears once: the list this article grew from named two of them
		// twice, the kind of slip the editor is there to catch.
		References: []model.Reference{
			{Title: "Fasciculations and the bedside neurological examination", URL: "https://stanfordmedicine25.stanford.edu/", Publisher: "Stanford Medicine 25"},
			{Title: "Movement disorders: myoclonus and related conditions", URL: "https://www.rush.edu/", Publisher: "RUSH University Medical Center"},
			{Title: "Myoclonus-dystonia and inherited movement disorders", URL: "https://www.bcm.edu/", Publisher: "Baylor College of Medicine"},
			{Title: "Muscle twitching: when to see a doctor", URL: "https://wexnermedical.osu.edu/", Publisher: "The Ohio State University Wexner Medical Center"},
			{Title: "Electrolytes, hydration and muscle function", URL: "https://www.ncsu.edu/", Publisher: "North Carolina State University"},
			{Title: "Functional movement disorders", URL: "https://www.bcm.edu/healthcare", Publisher: "Baylor Medicine"},
			// The study behind the section on AMRF syndrome (Badhwar et al., Brain 2004;127:2173–82).
			{Title: "Action myoclonus-renal failure syndrome: characterization of a unique cerebro-renal disorder",
				URL: "https://doi.org/10.1093/brain/awh263", Publisher: "Brain (Oxford University Press)",
				DOI: "10.1093/brain/awh263", PMID: "15364701"},
		},
	}
	if err := tx.CreateArticle(ctx, article); err != nil {
		return err
	}
	first := &model.Comment{
		ArticleID:   article.ID,
		AuthorName:  "Priya N.",
		AuthorEmail: "priya.n@example.com",
		Body: "My eyelid twitched on and off for two weeks during exam season. I cut down to one coffee a day " +
			"and started sleeping properly, and it stopped within a few days.\n\nGood to read that this is so common.",
		Status:    model.CommentApproved,
		CreatedAt: *day("2026-09-15T19:12:00Z"),
	}
	if err := tx.CreateComment(ctx, first); err != nil {
		return err
	}
	answer := &model.Comment{
		ArticleID:   article.ID,
		ParentID:    &first.ID,
		AuthorName:  "Tom Whitaker",
		AuthorEmail: "tom.whitaker@example.net",
		AuthorURL:   "https://example.net/tom",
		Body:        "Same here with my calves after long runs. Drinking more water on training days made the biggest difference for me.",
		Status:      model.CommentApproved,
		CreatedAt:   *day("2026-09-16T07:40:00Z"),
	}
	if err := tx.CreateComment(ctx, answer); err != nil {
		return err
	}
	question := &model.Comment{
		ArticleID:   article.ID,
		AuthorName:  "Marguerite",
		AuthorEmail: "marguerite@example.org",
		Body: "Thank you for explaining negative myoclonus; I had never heard of it. My father's hands drop things " +
			"suddenly and his neurologist mentioned it. The section on when to see a doctor is very clear.",
		Status:    model.CommentApproved,
		CreatedAt: *day("2026-10-02T13:05:00Z"),
	}
	if err := tx.CreateComment(ctx, question); err != nil {
		return err
	}
	return addPages(ctx, tx, &reviewer, day)
}

// addPages adds the site's own pages, written by an editor (pages are theirs to
// write), reviewed and listed in the footer.
func addPages(ctx context.Context, tx *store.Store, reviewer *model.User, day func(string) *time.Time) error {
	editor := &model.User{Name: "Helen Marsh", Role: model.RoleEditor, Credentials: "editor-in-chief"}
	if err := tx.CreateUser(ctx, editor); err != nil {
		return err
	}
	pages := []struct {
		slug, title, summary, body string
	}{
		{AboutSlug, "About us",
			"Who we are, what we publish, and how each article tells you who wrote it, who checked it and what it rests on.",
			aboutBody},
		{EditorialPolicySlug, "Editorial policy",
			"How our articles are written and sourced, medically reviewed before publication and after every change, corrected, and kept up to date; and how readers' replies are moderated.",
			editorialPolicyBody},
	}
	for i, p := range pages {
		position := i + 1
		page := &model.Article{
			Kind:                model.KindPage,
			Slug:                p.slug,
			Title:               p.title,
			Summary:             p.summary,
			BodyMarkdown:        p.body,
			Status:              model.ArticlePublished,
			AuthorID:            editor.ID,
			ReviewerName:        reviewer.Name,
			ReviewerCredentials: reviewer.Credentials,
			ReviewedAt:          day("2026-08-28T14:00:00Z"),
			NextReviewAt:        day("2027-08-28T14:00:00Z"),
			ReviewerID:          &reviewer.ID,
			PublishedAt:         day("2026-09-01T08:00:00Z"),
			FooterPosition:      &position,
			CreatedAt:           *day("2026-08-20T10:00:00Z"),
			UpdatedAt:           *day("2026-09-01T08:00:00Z"),
		}
		if err := tx.CreateArticle(ctx, page); err != nil {
			return err
		}
	}
	return nil
}
