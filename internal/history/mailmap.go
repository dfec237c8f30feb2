package history

import "strings"

// mailmap maps commit identities to canonical names, read the way git reads
// .mailmap (gitmailmap(5)): emails and names compare case-insensitively
// (ASCII), a later line for the same key wins, and a "Name <email>" entry
// applies to every name at that email unless a more specific
// "Proper <proper> Commit Name <commit>" entry matches the name too.
type mailmap map[string]*mailEntry // by lowercased commit email

type mailEntry struct {
	name, email *string              // the simple entry
	byName      map[string]mailValue // by lowercased commit name
}

type mailValue struct{ name, email *string }

func parseMailmap(data []byte) mailmap {
	m := mailmap{}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		name1, email1, rest, ok := nameEmail(line, false)
		if !ok {
			continue
		}
		name2, email2, _, ok2 := nameEmail(rest, true)
		m.add(name1, email1, name2, email2, ok2)
	}
	return m
}

// nameEmail reads "Name <email>" from the start of s; name is nil when
// blank. It returns what follows the closing '>'.
func nameEmail(s string, allowEmpty bool) (name *string, email string, rest string, ok bool) {
	l := strings.IndexByte(s, '<')
	if l < 0 {
		return nil, "", "", false
	}
	r := strings.IndexByte(s[l+1:], '>')
	if r < 0 || (r == 0 && !allowEmpty) {
		return nil, "", "", false
	}
	if n := strings.Trim(s[:l], " \t\n\v\f\r"); n != "" {
		name = &n
	}
	return name, s[l+1 : l+1+r], s[l+1+r+1:], true
}

func (m mailmap) add(newName *string, newEmail string, oldName *string, oldEmail string, hasOld bool) {
	ne := &newEmail
	if !hasOld {
		oldEmail, ne = newEmail, nil
	}
	key := asciiLower(oldEmail)
	e := m[key]
	if e == nil {
		e = &mailEntry{}
		m[key] = e
	}
	if oldName == nil {
		if newName != nil {
			e.name = newName
		}
		if ne != nil {
			e.email = ne
		}
		return
	}
	if e.byName == nil {
		e.byName = map[string]mailValue{}
	}
	e.byName[asciiLower(*oldName)] = mailValue{newName, ne}
}

// name returns the canonical name of an author.
func (m mailmap) name(name, email string) string {
	e := m[asciiLower(email)]
	if e == nil {
		return name
	}
	v := mailValue{e.name, e.email}
	if sub, ok := e.byName[asciiLower(name)]; ok {
		v = sub
	}
	if v.name != nil {
		return *v.name
	}
	return name
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; 'A' <= c && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
