package rules

import "strconv"

// fieldIndex names the field of the i-th element of a list, JSON-pointer-ish
// as engine.Error.Field wants: "objects.2.share".
func fieldIndex(list string, i int, field string) string {
	return list + "." + strconv.Itoa(i) + "." + field
}
