package mail

import (
	"bytes"
	"fmt"
	"mime"
	"net/mail"
	"strings"
	"testing"
	"time"
)

func TestComposeMIMEFoldsLongHeaders(t *testing.T) {
	from, _ := mail.ParseAddress(sender)
	var to []*mail.Address
	for i := range MaxRecipients {
		to = append(to, &mail.Address{Name: fmt.Sprintf("Recipient Number %d", i), Address: fmt.Sprintf("user%d@example.com", i)})
	}
	subjects := map[string]string{
		"ascii":     strings.Repeat("word ", MaxSubjectBytes/5+1)[:MaxSubjectBytes],
		"non-ascii": strings.Repeat("Grüße ✓ ", 60),
	}
	for name, subject := range subjects {
		t.Run(name, func(t *testing.T) {
			m := validMessage()
			m.Subject = subject
			data, err := composeMIME(from, to, m, time.Now())
			if err != nil {
				t.Fatal(err)
			}

			head, _, _ := strings.Cut(string(data), "\r\n\r\n")
			for line := range strings.SplitSeq(head, "\r\n") {
				if len(line) > maxHeaderLine {
					t.Errorf("header line is %d bytes: %q", len(line), line)
				}
			}
			msg, err := mail.ReadMessage(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			decoded, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
			if err != nil || decoded != subject {
				t.Errorf("Subject decodes to %q (%v), want %q", decoded, err, subject)
			}
			parsedTo, err := msg.Header.AddressList("To")
			if err != nil || len(parsedTo) != len(to) || *parsedTo[len(to)-1] != *to[len(to)-1] {
				t.Errorf("To parses to %d addresses (%v), want %d", len(parsedTo), err, len(to))
			}
		})
	}
}
