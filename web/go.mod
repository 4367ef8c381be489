// The web apps are not Go: this empty module keeps web/ (and the Go files some
// npm packages ship under node_modules) out of the main module's ./... patterns.
module github.com/monozu/monozu/web

go 1.26
