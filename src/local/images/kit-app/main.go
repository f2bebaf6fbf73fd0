// berth lab kit sample app: answers GET / with its version (APP_VERSION).
// APP_MODE=broken makes it start but answer every request with 500.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
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
