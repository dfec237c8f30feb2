package site

import "testing"

func TestPlainText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"<p>Hello <b>world</b></p>", "Hello world"},
		{"<p>one</p><p>two</p>", "one two"},
		{"a<br>b", "a b"},
		{"  \n<h2 id=\"x\">Title</h2>\n\n<p>text\tmore</p>\n", "Title text more"},
		{"<code>a &lt; b &amp;&amp; c &gt; d</code>", "a < b && c > d"},
		{"x&nbsp;y", "x y"},
		{"x\u00a0y", "x y"},
		{"caf&eacute; déjà", "café déjà"},
		{"&#34;quoted&#34;", `"quoted"`},
		{"&unknown; stays", "&unknown; stays"},
	}
	for _, tt := range tests {
		if got := plainText([]byte(tt.in)); got != tt.want {
			t.Errorf("plainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
