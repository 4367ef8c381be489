package discovery

import (
	"bufio"
	"crypto/tls"
	"html"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
)

// httpMaxBody is how much of a page is read to find its title.
const httpMaxBody = 16 << 10

var titlePattern = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

// httpIdentify asks for "/" and keeps the Server header and the page title. HTTPS certificates
// are not verified: the probe only reads a banner, it sends nothing secret.
func httpIdentify(conn net.Conn, ip string, useTLS bool) (identity, bool) {
	proto := ProtoHTTP
	if useTLS {
		proto = ProtoHTTPS
		tc := tls.Client(conn, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS10})
		if err := tc.Handshake(); err != nil {
			return identity{}, false
		}
		conn = tc
	}
	req := "GET / HTTP/1.1\r\nHost: " + ip + "\r\nUser-Agent: EdgeZu-discovery\r\nAccept: text/html\r\nConnection: close\r\n\r\n"
	if _, err := io.WriteString(conn, req); err != nil {
		return identity{}, false
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return identity{}, false
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, httpMaxBody))
	title := ""
	if m := titlePattern.FindSubmatch(body); m != nil {
		title = strings.Join(strings.Fields(html.UnescapeString(string(m[1]))), " ")
	}
	return identity{fields: map[string]string{
		proto + ".status": resp.Status,
		proto + ".server": resp.Header.Get("Server"),
		proto + ".title":  title,
	}}, true
}
