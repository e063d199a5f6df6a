// chart-render renders a Helm chart the way Helm's engine does, without Helm: Go's text/template with the sprig
// function library (the two things Helm's engine is made of), Helm's own functions (include, tpl, required, toYaml,
// fromYaml, toJson, fromJson, lookup returning nothing) and the .Values, .Release, .Chart, .Capabilities, .Files and
// .Template objects. Built in GOPATH mode from Debian's packages (golang-go, golang-github-masterminds-sprig-dev,
// golang-gopkg-yaml.v3-dev); no module download.
//
//	chart-render -chart DIR [-values FILE]... [-name RELEASE] [-namespace NS] [-json | -print-values]
//
// Without -json it prints the manifests as `helm template` does ("---" and "# Source:" before each). With -json it
// prints one JSON object per line: {"source": ..., "object": {...}} for each document, {"source": ".../NOTES.txt",
// "text": ...} for the notes, so that a test can parse each object strictly.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"gopkg.in/yaml.v3"
)

type valueFiles []string

func (v *valueFiles) String() string     { return strings.Join(*v, ",") }
func (v *valueFiles) Set(s string) error { *v = append(*v, s); return nil }

// Capabilities as Helm offers them; APIVersions.Has answers for the API groups a cluster with the Prometheus
// operator and External Secrets Operator serves, as `helm template --api-versions` would be told.
type apiVersions []string

func (a apiVersions) Has(v string) bool {
	for _, x := range a {
		if x == v {
			return true
		}
	}
	return false
}

type files struct{ root string }

// Get returns a file of the chart (as Helm's .Files.Get), or "" when it does not exist.
func (f files) Get(name string) string {
	b, err := os.ReadFile(filepath.Join(f.root, filepath.FromSlash(name)))
	if err != nil {
		return ""
	}
	return string(b)
}

func main() {
	chart := flag.String("chart", "", "the chart folder")
	name := flag.String("name", "release", "the release name")
	namespace := flag.String("namespace", "default", "the release namespace")
	asJSON := flag.Bool("json", false, "one JSON object per document")
	printValues := flag.Bool("print-values", false, "print the merged values as JSON (what Helm validates against values.schema.json) and stop")
	var overrides valueFiles
	flag.Var(&overrides, "values", "a values file (repeatable; later ones win)")
	flag.Parse()
	if *printValues {
		values, err := mergedValues(*chart, overrides)
		if err == nil {
			var b []byte
			b, err = json.Marshal(values)
			fmt.Println(string(b))
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "chart-render:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*chart, *name, *namespace, overrides, *asJSON); err != nil {
		fmt.Fprintln(os.Stderr, "chart-render:", err)
		os.Exit(1)
	}
}

func run(chartDir, name, namespace string, overrides []string, asJSON bool) error {
	meta, err := readYAML(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		return err
	}
	values, err := mergedValues(chartDir, overrides)
	if err != nil {
		return err
	}
	chartName := fmt.Sprint(meta["name"])
	top := map[string]interface{}{
		"Values": values,
		"Release": map[string]interface{}{
			"Name": name, "Namespace": namespace, "Service": "Helm", "IsInstall": true, "IsUpgrade": false, "Revision": 1,
		},
		"Chart": map[string]interface{}{
			"Name": meta["name"], "Version": meta["version"], "AppVersion": meta["appVersion"],
			"Description": meta["description"], "Type": meta["type"], "Home": meta["home"],
		},
		"Capabilities": map[string]interface{}{
			"KubeVersion": map[string]interface{}{"Version": "v1.30.0", "GitVersion": "v1.30.0", "Major": "1", "Minor": "30"},
			"APIVersions": apiVersions{"v1", "batch/v1", "rbac.authorization.k8s.io/v1", "monitoring.coreos.com/v1", "external-secrets.io/v1beta1"},
		},
		"Files": files{root: chartDir},
	}

	root := template.New("chart")
	funcs := sprig.TxtFuncMap()
	delete(funcs, "env") // Helm removes these two: a chart must not read the machine it is rendered on.
	delete(funcs, "expandenv")
	funcs["include"] = func(name string, data interface{}) (string, error) {
		var out bytes.Buffer
		err := root.ExecuteTemplate(&out, name, data)
		return out.String(), err
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err = t.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var out bytes.Buffer
		err = t.Execute(&out, data)
		return out.String(), err
	}
	funcs["required"] = func(message string, value interface{}) (interface{}, error) {
		if value == nil || value == "" {
			return nil, errors.New(message)
		}
		return value, nil
	}
	funcs["toYaml"] = toYAML
	funcs["fromYaml"] = func(text string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := yaml.Unmarshal([]byte(text), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	funcs["toJson"] = func(v interface{}) string { b, _ := json.Marshal(v); return string(b) }
	funcs["fromJson"] = func(text string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := json.Unmarshal([]byte(text), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	funcs["lookup"] = func(string, string, string, string) map[string]interface{} { return map[string]interface{}{} }
	root.Funcs(funcs).Option("missingkey=zero")

	templatesDir := filepath.Join(chartDir, "templates")
	var names []string
	err = filepath.Walk(templatesDir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		text, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(chartDir, path)
		name := chartName + "/" + filepath.ToSlash(rel)
		if _, err := root.New(name).Parse(string(text)); err != nil {
			return err
		}
		names = append(names, name)
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(names)

	out := os.Stdout
	for _, name := range names {
		base := filepath.Base(name)
		if strings.HasPrefix(base, "_") {
			continue
		}
		data := copyMap(top)
		data["Template"] = map[string]interface{}{"Name": name, "BasePath": chartName + "/templates"}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, name, data); err != nil {
			return err
		}
		// As Helm does with missingkey=zero: an absent value renders as nothing.
		rendered := strings.ReplaceAll(buf.String(), "<no value>", "")
		if base == "NOTES.txt" {
			if asJSON {
				line, _ := json.Marshal(map[string]interface{}{"source": name, "text": rendered})
				fmt.Fprintln(out, string(line))
			}
			continue
		}
		for _, doc := range splitDocuments(rendered) {
			if asJSON {
				obj := map[string]interface{}{}
				if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
					return fmt.Errorf("%s: not YAML: %v\n%s", name, err, doc)
				}
				if len(obj) == 0 {
					continue
				}
				line, err := json.Marshal(map[string]interface{}{"source": name, "object": obj})
				if err != nil {
					return fmt.Errorf("%s: %v", name, err)
				}
				fmt.Fprintln(out, string(line))
			} else {
				fmt.Fprintf(out, "---\n# Source: %s\n%s\n", name, strings.TrimSpace(doc))
			}
		}
	}
	return nil
}

// mergedValues is the chart's values.yaml with each override file merged over it, in order.
func mergedValues(chartDir string, overrides []string) (map[string]interface{}, error) {
	values, err := readYAML(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		return nil, err
	}
	for _, file := range overrides {
		more, err := readYAML(file)
		if err != nil {
			return nil, err
		}
		values = merge(values, more)
	}
	return values, nil
}

func splitDocuments(text string) []string {
	var docs []string
	for _, part := range strings.Split("\n"+text, "\n---") {
		if strings.TrimSpace(part) != "" {
			docs = append(docs, part)
		}
	}
	return docs
}

func readYAML(path string) (map[string]interface{}, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m := map[string]interface{}{}
	if err := yaml.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return m, nil
}

// merge overlays b on a as Helm merges values files: maps merge key by key, anything else replaces, null deletes.
func merge(a, b map[string]interface{}) map[string]interface{} {
	out := copyMap(a)
	for k, v := range b {
		if v == nil {
			delete(out, k)
			continue
		}
		if bm, ok := v.(map[string]interface{}); ok {
			if am, ok := out[k].(map[string]interface{}); ok {
				out[k] = merge(am, bm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

func copyMap(m map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func toYAML(v interface{}) string {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(buf.String(), "\n")
}
