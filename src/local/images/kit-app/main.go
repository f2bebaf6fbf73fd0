// berth lab kit sample app: answers GET / with its version (APP_VERSION).
// APP_MODE=broken makes it start but answer every request with 500.
// `app echo ARGS…` prints its arguments and every T_* environment variable as JSON and exits
// (tests use it to check that values arrive byte-exact).
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "echo" {
		env := map[string]string{}
		for _, kv := range os.Environ() {
			if i := strings.Index(kv, "="); i > 0 && strings.HasPrefix(kv, "T_") {
				env[kv[:i]] = kv[i+1:]
			}
		}
		_ = json.NewEncoder(os.Stdout).Encode(map[string]any{"args": os.Args[2:], "env": env})
		return
	}
	version := os.Getenv("APP_VERSION")
	broken := os.Getenv("APP_MODE") == "broken"
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if broken {
			http.Error(w, "berth sample app "+version+": broken on purpose", http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "%s\n", version)
	})
	log.Printf("berth sample app %s listening on :%s (broken=%v)", version, port, broken)
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
