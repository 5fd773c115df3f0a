// Package model holds Fascicle's domain types and rules. It imports neither the web
// framework nor the database layer.
package model

import "errors"

// Sentinel errors returned by the store and the domain services.
var (
	// ErrNotFound means the record does not exist, or is not visible to the caller.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the change collides with existing data (a taken slug, say).
	ErrConflict = errors.New("conflict")
	// ErrUnavailable means the database could not take the change just now (busy for
	// too long, or its disk is full); trying again later may work.
	ErrUnavailable = errors.New("temporarily unavailable")
	// ErrForbidden means the person's role does not allow what they asked.
	ErrForbidden = errors.New("not allowed")
)

// ValidationError lists what is wrong with a submission, field by field.
type ValidationError struct {
	Fields map[string]string
}

func (e *ValidationError) Error() string {
	return "invalid input"
}

// Add records the first problem found with a field; later ones are ignored so that
// each field shows one clear message.
func (e *ValidationError) Add(field, message string) {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = message
	}
}

// Err returns e when it holds any problem, and nil otherwise.
func (e *ValidationError) Err() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// Merge adds the problems of err to e when err is a *ValidationError, and returns nil;
// any other error is returned as it is, for the caller to handle.
func (e *ValidationError) Merge(err error) error {
	var other *ValidationError
	if !errors.As(err, &other) {
		return err
	}
	for field, message := range other.Fields {
		e.Add(field, message)
	}
	return nil
}
