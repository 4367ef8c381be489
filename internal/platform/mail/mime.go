package mail

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// maxHeaderLine is the line length RFC 5322 recommends; headers are folded
// at spaces to stay under it where the words allow.
const maxHeaderLine = 78

// composeMIME renders m as an RFC 5322 message with CRLF line ends. Bodies
// are quoted-printable, so the message is 7-bit clean whatever the text and
// passes relays that do not speak 8BITMIME; the subject is RFC 2047 encoded
// when it is not plain ASCII.
func composeMIME(from *mail.Address, to []*mail.Address, m Message, date time.Time) ([]byte, error) {
	var b bytes.Buffer
	recipients := make([]string, len(to))
	for i, addr := range to {
		recipients[i] = addr.String()
	}
	writeHeader(&b, "From", from.String())
	writeHeader(&b, "To", strings.Join(recipients, ", "))
	writeHeader(&b, "Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	writeHeader(&b, "Date", date.Format(time.RFC1123Z))
	writeHeader(&b, "Message-ID", newMessageID(from))
	writeHeader(&b, "MIME-Version", "1.0")

	if m.HTML == "" {
		writeHeader(&b, "Content-Type", "text/plain; charset=utf-8")
		writeHeader(&b, "Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		if err := writeQuotedPrintable(&b, m.Text); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}

	parts := multipart.NewWriter(&b)
	writeHeader(&b, "Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": parts.Boundary()}))
	b.WriteString("\r\n")
	// Plain text first: clients show the last alternative they understand.
	for _, body := range []struct{ mediaType, content string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		part, err := parts.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {body.mediaType + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		if err := writeQuotedPrintable(part, body.content); err != nil {
			return nil, err
		}
	}
	if err := parts.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// writeHeader writes one header field, folding it before a word that would
// push the line past maxHeaderLine (even the first: "Subject:" may end its
// line). A single word longer than that stays whole, on a line of its own:
// folding may only happen before whitespace.
func writeHeader(b *bytes.Buffer, name, value string) {
	b.WriteString(name + ":")
	lineLen := len(name) + 1
	for word := range strings.SplitSeq(value, " ") {
		if word != "" && lineLen+1+len(word) > maxHeaderLine {
			b.WriteString("\r\n")
			lineLen = 0
		}
		b.WriteString(" " + word)
		lineLen += 1 + len(word)
	}
	b.WriteString("\r\n")
}

func writeQuotedPrintable(w io.Writer, text string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := io.WriteString(qp, text); err != nil {
		return err
	}
	return qp.Close()
}

// newMessageID returns a unique Message-ID in the sender's domain, which is
// what receiving servers and spam filters expect to see.
func newMessageID(from *mail.Address) string {
	domain := from.Address[strings.LastIndex(from.Address, "@")+1:]
	return fmt.Sprintf("<%s@%s>", rand.Text(), domain)
}
